//! `Application::build`: settings in, a bound server out — what `main` runs and tests start.

use std::{net::TcpListener, sync::Arc, time::Instant};

use actix_web::{
    App, HttpResponse, HttpServer,
    body::{EitherBody, MessageBody},
    dev::{Server, ServiceRequest, ServiceResponse},
    http::header,
    middleware::{ErrorHandlerResponse, ErrorHandlers, Next, from_fn},
    web,
};
use api_types::{PROBLEM_CONTENT_TYPE, Problem};
use chrono::Duration;
use db::DatabaseConnection;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::{
    auth::{jwt::JwtKeys, secrets},
    clock::Clock,
    config::Settings,
    error,
    mail::{
        Outbox,
        worker::{Delivery, Worker},
    },
    metrics::Metrics,
    openapi,
    seed::{self, DemoAccount},
};

/// What every handler shares.
pub struct AppState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// The settings.
    pub settings: Settings,
    /// Access-token keys.
    pub jwt: JwtKeys,
    /// The server's clock.
    pub clock: Clock,
    /// The e-mail outbox.
    pub outbox: Outbox,
    /// Encrypts the NIR of every dossier stored, decrypts it on every read.
    pub seal: crate::sealing::NirSeal,
    /// Counters for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// The regulatory data in force (checked at start-up).
    pub regulatory: &'static domain::regulatory::RegulatoryData,
    /// The documents' templates: built in, or the CFA's own (checked at start-up).
    pub templates: Arc<pdf::Templates>,
    /// Seals the documents signed on the platform (PAdES).
    pub seal_key: Arc<pdf::SealKey>,
    /// The CFA's logo for the app's header, read at start-up.
    pub logo: Option<Logo>,
    /// Who makes signatures hold: the platform, and DocuSign when it is configured.
    pub providers: Arc<crate::providers::Providers>,
    /// Reads every PDF from outside in a bounded child process before it is kept.
    pub pdf_gate: Arc<crate::pdf_gate::PdfGate>,
    /// Serialized dossier answers.
    pub read_cache: crate::read_cache::ReadCache,
    /// What each operation accepts (people, API tokens with which scopes), from the handlers'
    /// declarations.
    pub operations: crate::auth::operations::OperationAccess,
    /// SQLite has one writer at a time; writers that find it busy sleep and retry with growing
    /// pauses, which makes the slowest writes very slow under load. Queuing write transactions
    /// here instead (fairly, first come first served) keeps each wait short. `None` on
    /// PostgreSQL, whose writers do not block each other.
    write_queue: Option<tokio::sync::Mutex<()>>,
    /// Dossier stamps read since the last write, on SQLite only: this process is then the
    /// database's only writer, and every write transaction goes through [`AppState::begin_write`],
    /// which forgets them when it ends. `None` on PostgreSQL, which other instances may write.
    pub stamps: Option<crate::read_cache::StampMemo>,
    public_url: String,
}

/// Held for the length of a write transaction: its place in SQLite's write queue. Dropped after
/// the commit (or the rollback), it forgets the dossier stamps read before.
pub struct WriteGuard<'a> {
    _queued: Option<tokio::sync::MutexGuard<'a, ()>>,
    stamps: Option<&'a crate::read_cache::StampMemo>,
}

impl Drop for WriteGuard<'_> {
    fn drop(&mut self) {
        if let Some(stamps) = self.stamps {
            stamps.forget_all();
        }
    }
}

impl AppState {
    /// The address users reach, without a trailing slash.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// The login throttling policy of the settings.
    pub fn throttle_policy(&self) -> crate::auth::throttle::Policy {
        let auth = &self.settings.auth;
        crate::auth::throttle::Policy {
            free_failures_per_pair: auth.free_failures_per_pair,
            first_delay: chrono::Duration::seconds(auth.first_delay_seconds),
            max_delay: chrono::Duration::seconds(auth.max_delay_seconds),
            max_failures_per_ip: auth.max_failures_per_ip,
        }
    }

    /// The policy of access-code lookups: a flat limit of unknown codes per client address.
    pub fn access_code_policy(&self) -> crate::auth::throttle::Policy {
        crate::auth::throttle::Policy {
            max_failures_per_ip: self.settings.auth.max_unknown_codes_per_ip,
            ..self.throttle_policy()
        }
    }

    /// The login page, for mails.
    pub fn login_url(&self) -> String {
        format!("{}/", self.public_url)
    }

    /// Begins a write transaction, after the writes queued before it on SQLite. Every write
    /// goes through here; keep the guard until the transaction has ended (bind it before the
    /// transaction, so that it drops after it).
    pub async fn begin_write(
        &self,
    ) -> Result<(WriteGuard<'_>, db::DatabaseTransaction), db::DbError> {
        let queued = match &self.write_queue {
            Some(queue) => Some(queue.lock().await),
            None => None,
        };
        let guard = WriteGuard {
            _queued: queued,
            stamps: self.stamps.as_ref(),
        };
        Ok((guard, db::begin_write(&self.db).await?))
    }

    /// How long an invitation's generated password works.
    pub fn generated_password_lifetime(&self) -> Duration {
        Duration::minutes(self.settings.auth.generated_password_minutes)
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The data directory could not be made.
    #[error("data directory {0}: {1}")]
    DataDir(String, std::io::Error),
    /// The database refused.
    #[error("database: {0}")]
    Database(#[from] db::DbError),
    /// The listener could not bind.
    #[error("cannot listen on {0}: {1}")]
    Bind(String, std::io::Error),
    /// The mail settings are wrong.
    #[error("mail settings: {0}")]
    Mail(String),
    /// An operation does not say who may call it.
    #[error("operation access: {0}")]
    Operations(String),
    /// The NIR keys are missing or malformed.
    #[error("{0}")]
    Sealing(String),
    /// A regulatory data file cannot be read, or a line of it is malformed.
    #[error("regulatory.{0}")]
    Regulatory(String),
    /// A template of `documents.templates_dir` cannot be read or does not render.
    #[error("documents.templates_dir: {0}")]
    Templates(String),
    /// The CFA's logo cannot be read, or is not a small PNG, JPEG or SVG image.
    #[error("cfa.logo: {0}")]
    Logo(String),
    /// The keystore that seals signed documents cannot be read or used.
    #[error("signature.keystore: {0}")]
    SealKey(String),
    /// The PDF gate's program cannot be found.
    #[error("documents.pdf_gate_program: {0}")]
    PdfGate(std::io::Error),
    /// The signature provider's settings are wrong.
    #[error("{0}")]
    Provider(String),
}

/// The key that seals the documents signed on the platform: the configured keystore, tried on
/// a blank page so that a wrong password stops the start-up; in development without one, a
/// self-signed P-256 pair made on first start and kept in the data directory.
pub fn load_seal_key(settings: &Settings) -> Result<pdf::SealKey, StartupError> {
    let failed = |what: String| StartupError::SealKey(what);
    let configured = &settings.signature.keystore;
    let (path, password) = if configured.as_os_str().is_empty() {
        if !settings.is_development() {
            return Err(failed("required in production".into()));
        }
        let path = settings.data_dir.join("seal.p12");
        let password_path = settings.data_dir.join("seal.password");
        if !path.exists() {
            let mut secret = [0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::rng(), &mut secret);
            let password = secrets::random_token("");
            let key = pdf::SealKey::self_signed(
                &settings.cfa().denomination,
                secret,
                chrono::Utc::now(),
                &password,
            )
            .map_err(|e| failed(e.to_string()))?;
            write_private(&password_path, password.as_bytes())?;
            write_private(&path, key.pkcs12())?;
            tracing::warn!(keystore = %path.display(), "self-signed seal made for development");
        }
        let password = std::fs::read_to_string(&password_path)
            .map_err(|e| failed(format!("{}: {e}", password_path.display())))?;
        (path, password.trim().to_owned())
    } else {
        (
            configured.clone(),
            settings.signature.keystore_password.expose().to_owned(),
        )
    };
    let bytes = std::fs::read(&path).map_err(|e| failed(format!("{}: {e}", path.display())))?;
    pdf::SealKey::from_pkcs12(bytes, password)
        .map_err(|e| failed(format!("{}: {e}", path.display())))
}

/// Writes a secret file readable by its owner only.
fn write_private(path: &std::path::Path, bytes: &[u8]) -> Result<(), StartupError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .and_then(|mut file| file.write_all(bytes))
        .map_err(|e| StartupError::SealKey(format!("{}: {e}", path.display())))
}

/// The regulatory data in force: the embedded tables, each replaced by the file its setting
/// names. A file that cannot be read or has a malformed line stops the start with the line.
/// Leaked once per server: every evaluation borrows it for as long as the process lives. The
/// code lists are the process's own (`domain::codes::install`): a CFA's file replaces them
/// for every server the process starts.
pub fn load_regulatory_data(
    settings: &crate::config::RegulatorySettings,
) -> Result<&'static domain::regulatory::RegulatoryData, StartupError> {
    use domain::regulatory::{Ceilings, IdccList, RegulatoryData, SmicTable};
    let read = |name: &str, path: &std::path::Path| -> Result<Option<String>, StartupError> {
        if path.as_os_str().is_empty() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| StartupError::Regulatory(format!("{name}: {}: {e}", path.display())))?;
        tracing::info!(data = name, file = %path.display(), "regulatory data overridden");
        Ok(Some(text))
    };
    let failed = |name: &str, path: &std::path::Path, error: domain::regulatory::DataError| {
        StartupError::Regulatory(format!("{name}: {}: {error}", path.display()))
    };
    let embedded = RegulatoryData::embedded();
    let mut data = embedded.clone();
    if let Some(text) = read("smic", &settings.smic)? {
        data.smic = SmicTable::parse(&text).map_err(|e| failed("smic", &settings.smic, e))?;
    }
    if let Some(text) = read("idcc", &settings.idcc)? {
        data.idcc = Some(IdccList::parse(&text).map_err(|e| failed("idcc", &settings.idcc, e))?);
    }
    if let Some(text) = read("ceilings", &settings.ceilings)? {
        data.ceilings =
            Ceilings::parse(&text).map_err(|e| failed("ceilings", &settings.ceilings, e))?;
    }
    if let Some(text) = read("codes", &settings.codes)? {
        // The codes a dossier holds are slices of the file: it lives as long as the process.
        let lists = domain::codes::CodeLists::parse(text.leak())
            .map_err(|e| failed("codes", &settings.codes, e))?;
        domain::codes::install(lists);
    }
    if data == *embedded {
        return Ok(embedded);
    }
    Ok(Box::leak(Box::new(data)))
}

/// An image the app shows, with its media type.
#[derive(Debug, Clone)]
pub struct Logo {
    /// The file's bytes.
    pub bytes: web::Bytes,
    /// `image/png`, `image/jpeg` or `image/svg+xml`.
    pub content_type: &'static str,
}

/// The most the dossier answers' cache holds (answers and keys); the stamps' memo holds at most
/// 8 192 stamps of a few hundred bytes.
const READ_CACHE_BYTES: usize = 16 * 1024 * 1024;

/// The demo CFA's logo, for development with demo data.
const DEMO_LOGO: &[u8] = include_bytes!("../assets/demo-logo.svg");

/// Larger is not a logo for a header, and would be read on every first visit.
const MAX_LOGO_BYTES: usize = 256 * 1024;

/// The CFA's logo: `cfa.logo` read and recognised by its first bytes, the demo CFA's own in
/// development with demo data, else none.
pub fn load_logo(settings: &Settings) -> Result<Option<Logo>, StartupError> {
    let path = &settings.cfa.logo;
    if path.as_os_str().is_empty() {
        let demo = settings.cfa.denomination.trim().is_empty()
            && settings.is_development()
            && settings.demo.seed;
        return Ok(demo.then(|| Logo {
            bytes: web::Bytes::from_static(DEMO_LOGO),
            content_type: "image/svg+xml",
        }));
    }
    let refused = |why: String| StartupError::Logo(format!("{}: {why}", path.display()));
    let bytes = std::fs::read(path).map_err(|e| refused(e.to_string()))?;
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(refused(format!(
            "{} KB, more than the 256 KB a logo may weigh",
            bytes.len() / 1024
        )));
    }
    let content_type = image_type(&bytes)
        .ok_or_else(|| refused("neither a PNG, a JPEG nor an SVG image".into()))?;
    Ok(Some(Logo {
        bytes: bytes.into(),
        content_type,
    }))
}

/// The media type of an image by its first bytes, not its name.
fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some("image/jpeg");
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]);
    let head = head.trim_start_matches('\u{feff}').trim_start();
    (head.starts_with("<svg") || (head.starts_with("<?xml") && head.contains("<svg")))
        .then_some("image/svg+xml")
}

/// The built-in templates, each replaced by the CFA's own when `dir` holds one (`cerfa.typ`…):
/// a template that cannot be read or does not render its sample stops the start-up with typst's
/// message, so that no download ever meets it.
pub fn load_templates(dir: &std::path::Path) -> Result<pdf::Templates, StartupError> {
    let mut templates = pdf::Templates::builtin();
    if dir.as_os_str().is_empty() {
        return Ok(templates);
    }
    if !dir.is_dir() {
        return Err(StartupError::Templates(format!(
            "{} is not a directory",
            dir.display()
        )));
    }
    for kind in pdf::Kind::ALL {
        let path = dir.join(format!("{}.typ", kind.key()));
        if !path.exists() {
            continue;
        }
        let source = std::fs::read_to_string(&path)
            .map_err(|e| StartupError::Templates(format!("{}: {e}", path.display())))?;
        templates = templates
            .with_override(kind, source)
            .map_err(|e| StartupError::Templates(format!("{}: {e}", path.display())))?;
        tracing::info!(template = %path.display(), "document template overridden");
    }
    Ok(templates)
}

/// A started server, not yet awaited.
pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
    demo_accounts: Vec<DemoAccount>,
}

impl Application {
    /// Prepares storage (data directory, migrations, demo data) and binds the listener.
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        Self::build_with_clock(settings, Clock::default()).await
    }

    /// [`Application::build`] with a clock tests can move.
    pub async fn build_with_clock(settings: Settings, clock: Clock) -> Result<Self, StartupError> {
        let operations = serde_json::to_value(openapi::document())
            .map_err(|e| StartupError::Operations(e.to_string()))
            .and_then(|document| {
                crate::auth::operations::OperationAccess::from_document(&document)
                    .map_err(StartupError::Operations)
            })?;
        std::fs::create_dir_all(&settings.data_dir)
            .map_err(|e| StartupError::DataDir(settings.data_dir.display().to_string(), e))?;
        let seal = crate::sealing::NirSeal::from_setting(
            settings.security.nir_keys.expose(),
            settings.is_development(),
        )
        .map_err(StartupError::Sealing)?;
        let regulatory = load_regulatory_data(&settings.regulatory)?;
        let templates = Arc::new(load_templates(&settings.documents.templates_dir)?);
        let logo = load_logo(&settings)?;
        let seal_key = Arc::new(load_seal_key(&settings)?);
        let pdf_gate = Arc::new(
            crate::pdf_gate::PdfGate::new(settings.documents.pdf_gate_program.clone())
                .map_err(StartupError::PdfGate)?,
        );
        let providers = Arc::new(
            crate::providers::Providers::from_settings(&settings, &templates, &seal_key)
                .map_err(StartupError::Provider)?,
        );
        let db = db::connect(&settings.database_url(), settings.database.max_connections).await?;
        db::migrate(&db).await?;
        let demo_accounts = if settings.is_development() && settings.demo.seed {
            seed::seed_if_empty(&db, &seal, settings.cfa_content().as_ref(), clock.now()).await?
        } else {
            Vec::new()
        };
        let backfilled = crate::services::dossiers::backfill_listings(
            &db,
            &seal,
            regulatory,
            clock.now().date_naive(),
        )
        .await?;
        if backfilled > 0 {
            tracing::info!(dossiers = backfilled, "listing columns computed");
        }
        if let Some(changed) = crate::services::dossiers::refresh_listings_if_rules_changed(
            &db,
            &seal,
            regulatory,
            clock.now().date_naive(),
        )
        .await?
        {
            tracing::info!(
                changed,
                "rules or regulatory data changed: every dossier's completeness computed again"
            );
        }

        let address = format!("{}:{}", settings.server.host, settings.server.port);
        let listener =
            TcpListener::bind(&address).map_err(|e| StartupError::Bind(address.clone(), e))?;
        let port = listener
            .local_addr()
            .map_err(|e| StartupError::Bind(address.clone(), e))?
            .port();
        let public_url = if settings.server.public_url.is_empty() {
            format!("http://{}:{port}", settings.server.host)
        } else {
            settings.server.public_url.trim_end_matches('/').to_owned()
        };
        let secret = match settings.auth.jwt_secret.expose() {
            "" => secrets::random_token(""),
            configured => configured.to_owned(),
        };
        let jwt = JwtKeys::new(
            secret.as_bytes(),
            Duration::minutes(settings.auth.access_token_minutes),
        );
        let metrics = Arc::new(Metrics::default());
        let outbox = Outbox::default();
        let delivery =
            Delivery::new(&settings.mail, settings.mail_dir()).map_err(StartupError::Mail)?;
        let worker = Worker {
            db: db.clone(),
            delivery,
            clock: clock.clone(),
            outbox: outbox.clone(),
            metrics: metrics.clone(),
            settings: settings.mail.clone(),
        };
        tokio::spawn(worker.run());

        let sqlite = db::ConnectionTrait::get_database_backend(&db) == db::DbBackend::Sqlite;
        let write_queue = sqlite.then(|| tokio::sync::Mutex::new(()));
        let state = web::Data::new(AppState {
            db,
            settings,
            jwt,
            clock,
            outbox,
            seal,
            metrics,
            regulatory,
            templates,
            seal_key,
            logo,
            providers,
            pdf_gate,
            // ~10 KB an answer: about 1 600 answers.
            read_cache: crate::read_cache::ReadCache::new(READ_CACHE_BYTES),
            operations,
            write_queue,
            stamps: sqlite.then(|| crate::read_cache::StampMemo::new(8192)),
            public_url,
        });
        tokio::spawn(crate::services::signatures::run_reminders(
            state.clone(),
            std::time::Duration::from_secs(
                state.settings.signature.reminder_interval_seconds.max(1),
            ),
        ));
        tokio::spawn(crate::services::search_index::run(
            state.clone(),
            std::time::Duration::from_millis(
                state.settings.database.search_index_interval_ms.max(10),
            ),
        ));
        let app_state = state.clone();
        let server = HttpServer::new(move || app(app_state.clone()))
            .listen(listener)
            .map_err(|e| StartupError::Bind(address.clone(), e))?
            .run();
        Ok(Self {
            port,
            server,
            state,
            demo_accounts,
        })
    }

    /// The bound port (useful when the settings asked for 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state (tests read the clock and the database through it).
    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// The demo accounts seeded at this start, if any.
    pub fn demo_accounts(&self) -> &[DemoAccount] {
        &self.demo_accounts
    }

    /// Serves until the process is stopped.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// The whole app: API, docs, health, metrics, and problem+json for everything else.
fn app(
    state: web::Data<AppState>,
) -> App<
    impl actix_web::dev::ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let json_limit = state.settings.server.json_limit;
    let app = App::new()
        .app_data(state)
        .app_data(
            web::JsonConfig::default()
                .limit(json_limit)
                // `application/json` and every `+json` type (`application/merge-patch+json`).
                .content_type(|mime| {
                    mime.subtype().as_str() == "json"
                        || mime.suffix().is_some_and(|s| s.as_str() == "json")
                })
                .error_handler(error::json_error),
        )
        .app_data(web::PathConfig::default().error_handler(error::path_error))
        .app_data(web::QueryConfig::default().error_handler(error::query_error))
        .app_data(web::PayloadConfig::new(json_limit))
        .into_utoipa_app();
    openapi::mount(app)
        .openapi_service(|api| {
            SwaggerUi::new("/api/docs/{_:.*}").url(openapi::SPEC_PATH, openapi::complete(api))
        })
        .into_app()
        .route(
            "/api/docs",
            web::get().to(|| async {
                HttpResponse::PermanentRedirect()
                    .insert_header((header::LOCATION, "/api/docs/"))
                    .finish()
            }),
        )
        .default_service(web::to(crate::frontend::serve))
        .wrap(from_fn(refuse_control_characters))
        .wrap(ErrorHandlers::new().default_handler(problem_for_bare_errors))
        .wrap(from_fn(crate::headers::add_security_headers))
        .wrap(from_fn(record_metrics))
        .wrap(tracing_actix_web::TracingLogger::<
            crate::telemetry::RedactingRootSpan,
        >::new())
}

/// Gives a problem+json body to error answers that actix makes itself (405 on a known path,
/// for one), so that every error has the same shape. A page (`text/html`: the app's « not
/// built » page) is an answer already and passes as it is.
fn problem_for_bare_errors<B: MessageBody + 'static>(
    response: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_CONTENT_TYPE.as_bytes()));
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let status = response.status();
    if is_problem || is_page || !(status.is_client_error() || status.is_server_error()) {
        return Ok(ErrorHandlerResponse::Response(
            response.map_into_left_body(),
        ));
    }
    let (code, title, detail) = match status.as_u16() {
        405 => (
            "method_not_allowed",
            "Méthode non autorisée",
            "Cette adresse n'accepte pas cette méthode HTTP.",
        ),
        404 => (
            "not_found",
            "Introuvable",
            "Cette adresse n'existe pas dans l'API.",
        ),
        413 => (
            "payload_too_large",
            "Requête trop volumineuse",
            "Le corps de la requête dépasse la taille autorisée.",
        ),
        s if s >= 500 => (
            "internal_error",
            "Erreur interne",
            "Une erreur inattendue est survenue ; elle a été enregistrée.",
        ),
        _ => (
            "bad_request",
            "Requête invalide",
            "La requête n'a pas pu être traitée.",
        ),
    };
    let problem = Problem::new(status.as_u16(), code, title).with_detail(detail);
    let (request, _) = response.into_parts();
    let replacement = HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, PROBLEM_CONTENT_TYPE))
        .body(serde_json::to_string(&problem).unwrap_or_default());
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(request, replacement).map_into_right_body(),
    ))
}

/// Refuses, before any handler and any query, an address whose path or query string carries a
/// control character: no id, search word or filter holds one, and PostgreSQL refuses NUL in
/// text. A path answers 404 (no such resource), a query string 400 `invalid_query`.
async fn refuse_control_characters<B: MessageBody + 'static>(
    request: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let refusal = if domain::escapes_control_character(request.uri().path()) {
        Some(error::route_not_found())
    } else if request
        .uri()
        .query()
        .is_some_and(domain::escapes_control_character)
    {
        Some(crate::routes::bad_query(
            "L'adresse contient un caractère de contrôle (invisible) : retirez-le.",
        ))
    } else {
        None
    };
    match refusal {
        Some(refusal) => Ok(request.error_response(refusal).map_into_right_body()),
        None => Ok(next.call(request).await?.map_into_left_body()),
    }
}

async fn record_metrics(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = request.method().to_string();
    let metrics = request
        .app_data::<web::Data<AppState>>()
        .map(|state| state.metrics.clone());
    let response = next.call(request).await?;
    if let Some(metrics) = metrics {
        let route = response
            .request()
            .match_pattern()
            .unwrap_or_else(|| "unmatched".into());
        metrics.request(
            &method,
            &route,
            response.status().as_u16(),
            started.elapsed(),
        );
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::config::{Mode, Secret};
    use std::os::unix::fs::PermissionsExt;

    fn settings(dir: &std::path::Path) -> Settings {
        let mut settings = Settings::defaults().unwrap();
        settings.data_dir = dir.to_owned();
        settings
    }

    #[test]
    fn development_makes_its_seal_once_and_keeps_it_private() {
        let dir = tempfile::tempdir().unwrap();
        let settings = settings(dir.path());

        let first = load_seal_key(&settings).unwrap();
        let second = load_seal_key(&settings).unwrap();

        assert_eq!(first.pkcs12(), second.pkcs12());
        for file in ["seal.p12", "seal.password"] {
            let mode = std::fs::metadata(dir.path().join(file))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{file}");
        }
    }

    #[test]
    fn a_keystore_with_a_wrong_password_stops_the_start_up_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let made = load_seal_key(&settings(dir.path())).unwrap();
        let path = dir.path().join("cfa.p12");
        std::fs::write(&path, made.pkcs12()).unwrap();
        let mut configured = settings(dir.path());
        configured.signature.keystore = path.clone();
        configured.signature.keystore_password = Secret::new("pas le bon");

        let error = load_seal_key(&configured).unwrap_err().to_string();

        assert!(error.starts_with("signature.keystore:"), "{error}");
        assert!(error.contains("cfa.p12"), "{error}");
    }

    #[test]
    fn production_never_makes_its_own_seal() {
        let dir = tempfile::tempdir().unwrap();
        let mut production = settings(dir.path());
        production.mode = Mode::Production;

        assert!(load_seal_key(&production).is_err());
        assert!(!dir.path().join("seal.p12").exists());
    }
}
