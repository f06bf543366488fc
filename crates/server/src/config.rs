//! Typed settings: embedded defaults (`config/default.toml`), an optional file named by
//! `OPUNTIA_CONFIG`, then `OPUNTIA__SECTION__KEY` environment variables and `DATABASE_URL`.

use std::{fmt, path::PathBuf};

use serde::Deserialize;

const DEFAULTS: &str = include_str!("../config/default.toml");

/// A value that must never reach a log line.
#[derive(Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() {
            "\"\""
        } else {
            "[redacted]"
        })
    }
}

/// Development (demo data, dev mailbox) or production.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Demo data on an empty database, the dev mailbox, a random JWT secret when unset.
    Development,
    /// None of the above.
    Production,
}

/// Every setting.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// Development or production.
    pub mode: Mode,
    /// Where the SQLite file and written mails live.
    pub data_dir: PathBuf,
    /// HTTP listener.
    pub server: ServerSettings,
    /// Storage.
    pub database: DatabaseSettings,
    /// Sessions, passwords, throttling.
    pub auth: AuthSettings,
    /// Personal data at rest.
    pub security: SecuritySettings,
    /// E-mail.
    pub mail: MailSettings,
    /// Demo data.
    pub demo: DemoSettings,
    /// The CFA itself, as every dossier's « CFA responsable ».
    pub cfa: CfaSettings,
    /// The documents' templates.
    pub documents: DocumentSettings,
    /// Signature circuits.
    pub signature: SignatureSettings,
    /// Regulatory data files replacing the embedded ones.
    pub regulatory: RegulatorySettings,
}

/// Files replacing the embedded regulatory data (`domain::regulatory`); empty: embedded.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RegulatorySettings {
    /// The SMIC table (`from;hourly;monthly;monthly_mayotte`).
    pub smic: PathBuf,
    /// The IDCC list (`code;state;label;replaced_by`).
    pub idcc: PathBuf,
    /// The economic elements' ceilings (`key;value`).
    pub ceilings: PathBuf,
    /// The CERFA code lists and their labels (`list;versions;code;label`).
    pub codes: PathBuf,
}

/// What seals the documents signed on the platform.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SignatureSettings {
    /// A PKCS#12 keystore (key and certificate); empty: a self-signed pair in development,
    /// refused in production.
    pub keystore: PathBuf,
    /// Its password.
    pub keystore_password: Secret,
    /// How often pending signers are looked at for a due reminder.
    pub reminder_interval_seconds: u64,
    /// Who makes the signatures hold: `builtin` (the default) or `docusign`.
    pub provider: String,
    /// The DocuSign account, with `provider = "docusign"`.
    pub docusign: DocuSignSettings,
}

/// A DocuSign account reached through the JWT grant (`crate::providers::docusign`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DocuSignSettings {
    /// The integration key (the JWT's `iss`).
    pub integration_key: String,
    /// The user the platform sends as (the JWT's `sub`), who consented once.
    pub user_id: String,
    /// The account the envelopes belong to.
    pub account_id: String,
    /// `https://account-d.docusign.com` (developer) or `https://account.docusign.com`.
    pub auth_server: String,
    /// Where the consent page sends the user back (a redirect URI of the integration key).
    pub consent_redirect_uri: String,
    /// The integration key's RSA private key, PEM.
    pub private_key: PathBuf,
    /// The Connect HMAC keys, comma-separated (several while one rotates).
    pub connect_keys: Secret,
}

/// Where the CFA's own document templates are.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DocumentSettings {
    /// A directory of `.typ` templates replacing the built-in ones; empty for none.
    pub templates_dir: PathBuf,
    /// The program run as the PDF gate's child (`<program> pdf-gate`); empty for this one.
    pub pdf_gate_program: PathBuf,
}

/// The CFA, as the CERFA names it in every dossier (« Les données du contrat », CFA block):
/// filled in for the parties when a dossier is made. Empty: each dossier's CFA block is filled
/// by hand (in development mode, the demo CFA's identity stands in).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CfaSettings {
    /// « Dénomination du CFA responsable »; empty: no CFA identity configured.
    pub denomination: String,
    /// N° UAI.
    pub uai: String,
    /// N° SIRET.
    pub siret: String,
    /// Whether it is a « CFA d'entreprise ».
    pub internal: bool,
    /// Street number.
    pub address_number: String,
    /// Street.
    pub address_street: String,
    /// Postal code.
    pub postal_code: String,
    /// Town.
    pub town: String,
    /// « Numéro de déclaration d'activité » (NDA), printed on the convention.
    pub activity_declaration: String,
    /// The director who signs the convention for the CFA.
    pub director: String,
    /// Where users write with a question, shown at the foot of every page.
    pub contact_email: String,
    /// The CFA's logo in the app's header: a PNG, JPEG or SVG file of at most 256 KB, checked
    /// at start-up. Empty: no logo (the demo CFA's own in development with demo data).
    pub logo: std::path::PathBuf,
}

impl CfaSettings {
    /// The demo CFA of development mode (numbers that pass the CERFA's checks).
    fn demo() -> Self {
        Self {
            denomination: "CFA Epure Méditerranée".into(),
            uai: "0130221V".into(),
            siret: "55208131766522".into(),
            internal: false,
            address_number: "3".into(),
            address_street: "place Victor Hugo".into(),
            postal_code: "13003".into(),
            town: "Marseille".into(),
            activity_declaration: "93131234513".into(),
            director: "Claire Fontaine".into(),
            contact_email: "contact@demo.opuntia.test".into(),
            logo: std::path::PathBuf::new(),
        }
    }

    /// The « organismeFormation » block of a dossier's content.
    fn content(&self) -> serde_json::Value {
        let mut address = serde_json::Map::new();
        for (key, value) in [
            ("numero", &self.address_number),
            ("voie", &self.address_street),
            ("codePostal", &self.postal_code),
            ("commune", &self.town),
        ] {
            if !value.trim().is_empty() {
                address.insert(key.into(), value.trim().into());
            }
        }
        serde_json::json!({
            "formationInterne": self.internal,
            "denomination": self.denomination.trim(),
            "uaiCfa": self.uai.trim(),
            "siret": self.siret.trim(),
            "adresse": address,
        })
    }
}

/// HTTP listener.
#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    /// Address to bind.
    pub host: String,
    /// Port to bind; 0 picks a free one (tests).
    pub port: u16,
    /// The address users reach, for e-mailed links; empty: `http://host:port`.
    pub public_url: String,
    /// Largest JSON body in bytes.
    pub json_limit: usize,
    /// Largest bulk invitation body in bytes.
    pub bulk_limit: usize,
    /// Trust `X-Forwarded-For` for the client address.
    pub trust_forwarded_for: bool,
    /// The bearer token `/metrics` asks for; empty: open in development, closed in production.
    pub metrics_token: Secret,
    /// The browser app Trunk built; empty: this checkout's `frontend/dist`.
    pub frontend_dir: PathBuf,
}

/// Storage.
#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    /// `sqlite://…` or `postgres://…`; empty: a SQLite file in the data directory.
    pub url: Secret,
    /// Pool size.
    pub max_connections: u32,
    /// SQLite: how often new dossiers waiting for the search index are moved into it.
    pub search_index_interval_ms: u64,
}

/// Sessions, passwords, throttling.
#[derive(Debug, Clone, Deserialize)]
pub struct AuthSettings {
    /// HS256 secret of access tokens.
    pub jwt_secret: Secret,
    /// Lifetime of an access token.
    pub access_token_minutes: i64,
    /// Lifetime of a refresh token.
    pub refresh_token_days: i64,
    /// Lifetime of an invitation's generated password.
    pub generated_password_minutes: i64,
    /// Lifetime of a password-reset link.
    pub reset_token_minutes: i64,
    /// Window over which failed logins are counted.
    pub throttle_window_minutes: i64,
    /// Failures of one account from one address that cost no delay.
    pub free_failures_per_pair: u64,
    /// The delay after the first failure past the free ones, doubled at each further one.
    pub first_delay_seconds: i64,
    /// The longest delay between two attempts of one account from one address.
    pub max_delay_seconds: i64,
    /// Failures from one client address in the window before logins are refused.
    pub max_failures_per_ip: u64,
    /// Unknown access codes typed from one client address in the window before lookups and
    /// registrations are refused.
    pub max_unknown_codes_per_ip: u64,
}

/// Personal data at rest.
#[derive(Debug, Clone, Deserialize)]
pub struct SecuritySettings {
    /// The keys that encrypt the apprentice's NIR: `id:base64 of 32 bytes`, comma-separated,
    /// the current one first (the others still open older values). Empty: a development key
    /// in development mode; refused in production.
    pub nir_keys: Secret,
}

/// E-mail.
#[derive(Debug, Clone, Deserialize)]
pub struct MailSettings {
    /// `From` header.
    pub from: String,
    /// `Reply-To` header; empty for none.
    pub reply_to: String,
    /// Worker poll interval when nothing wakes it.
    pub poll_interval_ms: u64,
    /// Attempts before giving up.
    pub max_attempts: i32,
    /// First retry delay, doubled at each attempt.
    pub retry_base_seconds: i64,
    /// Also write each delivered mail as `.eml` under `<data_dir>/mail`.
    pub write_eml: bool,
    /// SMTP relay.
    pub smtp: SmtpSettings,
}

/// SMTP relay.
#[derive(Debug, Clone, Deserialize)]
pub struct SmtpSettings {
    /// Host; empty: no SMTP.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Transport security.
    pub tls: SmtpTls,
    /// User name, if the relay wants one.
    pub username: String,
    /// Password.
    pub password: Secret,
}

/// Transport security towards the relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmtpTls {
    /// Plain SMTP (a local relay or sink).
    None,
    /// STARTTLS, required.
    Starttls,
    /// Implicit TLS (port 465).
    Tls,
}

/// Demo data.
#[derive(Debug, Clone, Deserialize)]
pub struct DemoSettings {
    /// Seed demo data on an empty database (development mode only).
    pub seed: bool,
}

/// Why settings could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {0}")]
pub struct SettingsError(String);

impl Settings {
    /// Defaults, then `OPUNTIA_CONFIG`'s file, then the environment.
    pub fn load() -> Result<Self, SettingsError> {
        Self::from_environment(std::env::vars().collect())
    }

    /// Defaults, then the file named by `OPUNTIA_CONFIG` in `environment`, then its
    /// `OPUNTIA__…` variables and `DATABASE_URL`.
    pub fn from_environment(
        environment: std::collections::HashMap<String, String>,
    ) -> Result<Self, SettingsError> {
        let mut builder = config::Config::builder()
            .add_source(config::File::from_str(DEFAULTS, config::FileFormat::Toml));
        if let Some(path) = environment.get("OPUNTIA_CONFIG") {
            builder = builder.add_source(config::File::with_name(path).required(true));
        }
        if let Some(url) = environment.get("DATABASE_URL") {
            builder = builder
                .set_override("database.url", url.as_str())
                .map_err(|e| SettingsError(e.to_string()))?;
        }
        let variables: config::Map<String, String> = environment
            .into_iter()
            .filter(|(key, _)| key.starts_with("OPUNTIA__"))
            .collect();
        builder = builder.add_source(
            config::Environment::with_prefix("OPUNTIA")
                .prefix_separator("__")
                .separator("__")
                .try_parsing(true)
                .source(Some(variables)),
        );
        let settings: Self = builder
            .build()
            .and_then(config::Config::try_deserialize)
            .map_err(|e| SettingsError(e.to_string()))?;
        settings.check()?;
        Ok(settings)
    }

    /// The embedded defaults alone (tests start from these).
    pub fn defaults() -> Result<Self, SettingsError> {
        config::Config::builder()
            .add_source(config::File::from_str(DEFAULTS, config::FileFormat::Toml))
            .build()
            .and_then(config::Config::try_deserialize)
            .map_err(|e| SettingsError(e.to_string()))
    }

    fn check(&self) -> Result<(), SettingsError> {
        if !self.cfa.denomination.trim().is_empty() {
            let refused = |what: &str, error: domain::FieldError| {
                SettingsError(format!("cfa.{what}: {error}"))
            };
            domain::Uai::parse(self.cfa.uai.trim()).map_err(|e| refused("uai", e))?;
            domain::Siret::parse(self.cfa.siret.trim()).map_err(|e| refused("siret", e))?;
            domain::PostalCode::parse(self.cfa.postal_code.trim())
                .map_err(|e| refused("postal_code", e))?;
        }
        let secret = self.auth.jwt_secret.expose();
        if self.mode == Mode::Production && secret.len() < 32 {
            return Err(SettingsError(
                "auth.jwt_secret (OPUNTIA__AUTH__JWT_SECRET) must hold at least 32 characters in production".into(),
            ));
        }
        if !secret.is_empty() && secret.len() < 32 {
            return Err(SettingsError(
                "auth.jwt_secret must hold at least 32 characters".into(),
            ));
        }
        if !matches!(self.signature.provider.as_str(), "builtin" | "docusign") {
            return Err(SettingsError(format!(
                "signature.provider must be \"builtin\" or \"docusign\", not {:?}",
                self.signature.provider
            )));
        }
        if self.mode == Mode::Production && self.signature.keystore.as_os_str().is_empty() {
            return Err(SettingsError(
                "signature.keystore (OPUNTIA__SIGNATURE__KEYSTORE) must name the PKCS#12 keystore that seals signed documents in production".into(),
            ));
        }
        Ok(())
    }

    /// The CFA's identity: the configured one, or the demo CFA in development with demo data.
    pub fn cfa(&self) -> CfaSettings {
        if self.cfa.denomination.trim().is_empty() && self.is_development() && self.demo.seed {
            CfaSettings::demo()
        } else {
            self.cfa.clone()
        }
    }

    /// The CFA's « organismeFormation » block for new dossiers: the configured CFA, the demo CFA
    /// in development mode with demo data, else none.
    pub fn cfa_content(&self) -> Option<serde_json::Value> {
        if !self.cfa.denomination.trim().is_empty() {
            Some(self.cfa.content())
        } else if self.is_development() && self.demo.seed {
            Some(CfaSettings::demo().content())
        } else {
            None
        }
    }

    /// The browser app's directory: the configured one, or this checkout's `frontend/dist`
    /// (found from where the server was compiled, never from the working directory).
    pub fn frontend_dir(&self) -> PathBuf {
        if self.server.frontend_dir.as_os_str().is_empty() {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../frontend/dist"))
        } else {
            self.server.frontend_dir.clone()
        }
    }

    /// The database to open: the configured URL, or a SQLite file in the data directory.
    pub fn database_url(&self) -> String {
        let url = self.database.url.expose();
        if url.is_empty() {
            format!(
                "sqlite://{}",
                self.data_dir.join("opuntia.sqlite3").display()
            )
        } else {
            url.to_owned()
        }
    }

    /// Whether the product runs in development mode.
    pub fn is_development(&self) -> bool {
        self.mode == Mode::Development
    }

    /// Where written mails go.
    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.join("mail")
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn environment(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_configured_cfa_names_every_new_dossiers_cfa_and_a_wrong_uai_stops_the_start() {
        let cfa = [
            ("OPUNTIA__CFA__DENOMINATION", "CFA des métiers"),
            ("OPUNTIA__CFA__UAI", "0130221V"),
            ("OPUNTIA__CFA__SIRET", "55208131766522"),
            ("OPUNTIA__CFA__POSTAL_CODE", "13003"),
            ("OPUNTIA__CFA__TOWN", "Marseille"),
        ];
        let settings = Settings::from_environment(environment(&cfa)).unwrap();
        let content = settings.cfa_content().unwrap();
        assert_eq!(content["denomination"], "CFA des métiers");
        assert_eq!(content["uaiCfa"], "0130221V");
        assert_eq!(content["adresse"]["commune"], "Marseille");

        let mut wrong = cfa.to_vec();
        wrong[1] = ("OPUNTIA__CFA__UAI", "0130221A");
        let refused = Settings::from_environment(environment(&wrong)).unwrap_err();
        assert!(refused.to_string().contains("cfa.uai"), "{refused}");
    }

    #[test]
    fn without_a_configured_cfa_only_development_mode_names_the_demo_one() {
        let development = Settings::from_environment(HashMap::new()).unwrap();
        assert_eq!(
            development.cfa_content().unwrap()["denomination"],
            "CFA Epure Méditerranée"
        );
        let production = Settings::from_environment(environment(&[
            ("OPUNTIA__MODE", "production"),
            (
                "OPUNTIA__AUTH__JWT_SECRET",
                "0123456789abcdef0123456789abcdef",
            ),
            ("OPUNTIA__SIGNATURE__KEYSTORE", "/etc/opuntia/seal.p12"),
        ]))
        .unwrap();
        assert!(production.cfa_content().is_none());
    }

    #[test]
    fn the_defaults_serve_sqlite_in_development_on_port_8000() {
        let settings = Settings::from_environment(HashMap::new()).unwrap();

        assert_eq!(settings.mode, Mode::Development);
        assert_eq!(settings.server.port, 8000);
        assert_eq!(settings.database_url(), "sqlite://./data/opuntia.sqlite3");
        assert_eq!(settings.auth.generated_password_minutes, 60);
    }

    #[test]
    fn environment_variables_override_the_defaults() {
        let settings = Settings::from_environment(environment(&[
            ("OPUNTIA__SERVER__PORT", "8080"),
            ("OPUNTIA__DATA_DIR", "/var/lib/opuntia"),
            ("OPUNTIA__MAIL__SMTP__HOST", "smtp.example.fr"),
            ("DATABASE_URL", "postgres://opuntia@db/opuntia"),
            ("UNRELATED", "ignored"),
        ]))
        .unwrap();

        assert_eq!(settings.server.port, 8080);
        assert_eq!(settings.data_dir, PathBuf::from("/var/lib/opuntia"));
        assert_eq!(settings.mail.smtp.host, "smtp.example.fr");
        assert_eq!(settings.database_url(), "postgres://opuntia@db/opuntia");
    }

    #[test]
    fn a_settings_file_sits_between_the_defaults_and_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("opuntia.toml");
        std::fs::write(&file, "[server]\nport = 9000\nhost = \"0.0.0.0\"\n").unwrap();
        let path = file.display().to_string();

        let from_file =
            Settings::from_environment(environment(&[("OPUNTIA_CONFIG", &path)])).unwrap();
        let overridden = Settings::from_environment(environment(&[
            ("OPUNTIA_CONFIG", &path),
            ("OPUNTIA__SERVER__PORT", "9001"),
        ]))
        .unwrap();

        assert_eq!(
            (from_file.server.host.as_str(), from_file.server.port),
            ("0.0.0.0", 9000)
        );
        assert_eq!(overridden.server.port, 9001);
    }

    #[test]
    fn production_refuses_to_start_without_a_jwt_secret() {
        let error = Settings::from_environment(environment(&[("OPUNTIA__MODE", "production")]))
            .unwrap_err();

        assert!(error.to_string().contains("jwt_secret"));
        let secret = "a production secret of more than thirty-two characters";
        assert!(
            Settings::from_environment(environment(&[
                ("OPUNTIA__MODE", "production"),
                ("OPUNTIA__AUTH__JWT_SECRET", secret),
                ("OPUNTIA__SIGNATURE__KEYSTORE", "/etc/opuntia/seal.p12"),
            ]))
            .is_ok()
        );
    }

    #[test]
    fn production_refuses_to_start_without_a_keystore_to_seal_signed_documents() {
        let secret = "a production secret of more than thirty-two characters";
        let error = Settings::from_environment(environment(&[
            ("OPUNTIA__MODE", "production"),
            ("OPUNTIA__AUTH__JWT_SECRET", secret),
        ]))
        .unwrap_err();

        assert!(error.to_string().contains("signature.keystore"), "{error}");
    }

    #[test]
    fn secrets_never_reach_debug_output() {
        let secret = Secret::new("hunter2-hunter2");

        assert_eq!(format!("{secret:?}"), "[redacted]");
    }
}
