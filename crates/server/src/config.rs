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
    /// E-mail.
    pub mail: MailSettings,
    /// Demo data.
    pub demo: DemoSettings,
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
}

/// Storage.
#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    /// `sqlite://…` or `postgres://…`; empty: a SQLite file in the data directory.
    pub url: Secret,
    /// Pool size.
    pub max_connections: u32,
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
    /// Failures of one account in the window before logins are refused.
    pub max_failures_per_account: u64,
    /// Failures from one client address in the window before logins are refused.
    pub max_failures_per_ip: u64,
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
        let mut builder = config::Config::builder()
            .add_source(config::File::from_str(DEFAULTS, config::FileFormat::Toml));
        if let Ok(path) = std::env::var("OPUNTIA_CONFIG") {
            builder = builder.add_source(config::File::with_name(&path).required(true));
        }
        builder = builder.add_source(
            config::Environment::with_prefix("OPUNTIA")
                .prefix_separator("__")
                .separator("__")
                .try_parsing(true),
        );
        if let Ok(url) = std::env::var("DATABASE_URL") {
            builder = builder
                .set_override("database.url", url)
                .map_err(|e| SettingsError(e.to_string()))?;
        }
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
        Ok(())
    }

    /// The database URL: the configured one, or the SQLite file in the data directory.
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
