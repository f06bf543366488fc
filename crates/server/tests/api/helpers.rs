//! `spawn_app` and the typed helpers the tests share.

use std::{
    net::TcpListener,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use actix_web::web::Data;
use api_types::{PROBLEM_CONTENT_TYPE, Problem, dev::MailBody};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};
use server::{
    config::Settings,
    startup::{AppState, Application},
};
use tempfile::TempDir;

/// Where a test's database lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server of the suite, if any.
pub fn postgres_url() -> Option<String> {
    std::env::var("OPUNTIA_TEST_POSTGRES_URL")
        .ok()
        .filter(|url| !url.is_empty())
}

/// Runs a test body once per backend: `both!(name)` makes `name::on_sqlite` and
/// `name::on_postgres` from `async fn name(backend: Backend)`.
#[macro_export]
macro_rules! both {
    ($($name:ident),* $(,)?) => { $(
        mod $name {
            #[tokio::test]
            async fn on_sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await;
            }

            #[tokio::test]
            async fn on_postgres() {
                if $crate::helpers::postgres_url().is_none() {
                    eprintln!("OPUNTIA_TEST_POSTGRES_URL is not set: PostgreSQL run skipped");
                    return;
                }
                super::$name($crate::helpers::Backend::Postgres).await;
            }
        }
    )* };
}

/// A PostgreSQL database made for one test, dropped when the test ends.
pub struct PgDatabase {
    admin_url: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        // Drop runs inside the test's runtime, which cannot block on itself: use a thread of
        // its own with a small runtime.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                if let Ok(admin) = db::connect(&admin_url, 1).await {
                    use db::ConnectionTrait;
                    let _ = admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await;
                }
            });
        })
        .join();
    }
}

pub async fn create_pg_database() -> (String, PgDatabase) {
    let base = postgres_url().expect("OPUNTIA_TEST_POSTGRES_URL");
    let base = base.trim_end_matches('/');
    let admin_url = format!("{base}/postgres");
    let name = format!("opuntia_test_{}", uuid::Uuid::new_v4().simple());
    let admin = db::connect(&admin_url, 1)
        .await
        .expect("PostgreSQL reachable");
    use db::ConnectionTrait;
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create test database");
    (format!("{base}/{name}"), PgDatabase { admin_url, name })
}

/// A running server and what the test needs to talk to it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: Data<AppState>,
    pub data_dir: PathBuf,
    // Dropped after the server's state: the PostgreSQL database, then the data directory.
    _pg: Option<PgDatabase>,
    _dir: TempDir,
}

/// The settings of a test: defaults, a free port, a temporary data directory, a fast worker.
pub fn test_settings(dir: &TempDir) -> Settings {
    let mut settings = Settings::defaults().unwrap();
    settings.data_dir = dir.path().to_owned();
    settings.server.port = 0;
    settings.auth.jwt_secret =
        server::config::Secret::new("a test secret of more than thirty-two characters");
    settings.security.nir_keys =
        server::config::Secret::new("test:dGVzdCBrZXkgb2YgdGhpcnR5LXR3byBieXRlcyEhISE=");
    settings.mail.poll_interval_ms = 50;
    // The test binary is not the server: the gate's child is the real `opuntia`.
    settings.documents.pdf_gate_program = env!("CARGO_BIN_EXE_opuntia").into();
    settings.mail.retry_base_seconds = 1;
    let (keystore, password) = test_keystore();
    settings.signature.keystore = keystore.to_owned();
    settings.signature.keystore_password = server::config::Secret::new(password);
    settings
}

/// A self-signed P-256 keystore to seal signed documents, made once for the whole run (a
/// production-mode server refuses to start without one).
pub fn test_keystore() -> (&'static std::path::Path, &'static str) {
    static KEYSTORE: std::sync::OnceLock<(TempDir, std::path::PathBuf)> =
        std::sync::OnceLock::new();
    let (_, path) = KEYSTORE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let key = pdf::SealKey::self_signed(
            "CFA des tests",
            [42; 32],
            chrono::Utc::now(),
            "test keystore",
        )
        .unwrap();
        let path = dir.path().join("seal.p12");
        std::fs::write(&path, key.pkcs12()).unwrap();
        (dir, path)
    });
    (path, "test keystore")
}

/// Starts the server on a fresh database of `backend` with the test defaults.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// Starts the server with settings changed by `configure`.
pub async fn spawn_app_with(backend: Backend, configure: impl FnOnce(&mut Settings)) -> TestApp {
    server::telemetry::init();
    let dir = tempfile::tempdir().unwrap();
    let mut settings = test_settings(&dir);
    let pg = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => {
            let (url, pg) = create_pg_database().await;
            settings.database.url = server::config::Secret::new(url);
            Some(pg)
        }
    };
    configure(&mut settings);
    let application = Application::build(settings).await.expect("server starts");
    let address = format!("http://127.0.0.1:{}", application.port());
    let state = application.state();
    tokio::spawn(application.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        state,
        data_dir: dir.path().to_owned(),
        _pg: pg,
        _dir: dir,
    }
}

/// A demo account's address by role.
pub fn demo(role: &str) -> &'static str {
    match role {
        "cfa" => "cfa@demo.opuntia.test",
        "formation" => "formation@demo.opuntia.test",
        "employeur" => "employeur@demo.opuntia.test",
        _ => "alternant@demo.opuntia.test",
    }
}

/// The demo formations.
pub const ENGINEERING_ID: &str = "00000000-0000-4000-8000-000000000724";
pub const MASTER_ID: &str = "00000000-0000-4000-8000-000000000728";

impl TestApp {
    /// A request to a path of the server.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.address))
    }

    /// GET with a bearer token.
    pub async fn get_as(&self, token: &str, path: &str) -> Response {
        self.request(Method::GET, path)
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    /// The JSON answer to a GET with a bearer token.
    pub async fn get_json(&self, token: &str, path: &str) -> Value {
        self.get_as(token, path).await.json().await.unwrap()
    }

    /// The text answer to a GET with a bearer token.
    pub async fn get_text(&self, token: &str, path: &str) -> String {
        self.get_as(token, path).await.text().await.unwrap()
    }

    /// POST of a JSON body, signed in or not.
    pub async fn post_json(&self, token: Option<&str>, path: &str, body: &Value) -> Response {
        let mut request = self.request(Method::POST, path).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    /// The answer to a login attempt.
    pub async fn try_login(&self, email: &str, password: &str) -> Response {
        self.post_json(
            None,
            "/api/v1/auth/login",
            &json!({"email": email, "password": password}),
        )
        .await
    }

    /// Signs in and answers the access token.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let response = self.try_login(email, password).await;
        assert_eq!(response.status(), StatusCode::OK, "login of {email}");
        let body: Value = response.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    }

    /// Signs in as a demo account.
    pub async fn login_demo(&self, role: &str) -> String {
        self.login(demo(role), "opuntia-demo").await
    }

    /// The mails to an address, newest first.
    pub async fn mailbox(&self, to: &str) -> Vec<MailBody> {
        self.request(Method::GET, "/api/v1/dev/mailbox")
            .query(&[("to", to), ("limit", "500")])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Waits (polling, at most 10 s) for the newest mail to `to` whose subject contains `subject`
    /// to have left the outbox.
    pub async fn delivered_mail(&self, to: &str, subject: &str) -> MailBody {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let mails = self.mailbox(to).await;
            if let Some(mail) = mails
                .into_iter()
                .find(|m| m.subject.contains(subject) && m.status != "pending")
            {
                return mail;
            }
            assert!(
                Instant::now() < deadline,
                "no delivered mail to {to} about {subject:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// POST of a raw body with its content type.
    pub async fn post_raw(&self, path: &str, content_type: &str, body: String) -> Response {
        self.request(Method::POST, path)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// The answer to inviting Léa Martin at `email` with `code`, as `token`.
    pub async fn post_invitation(&self, token: &str, email: &str, code: &str) -> Response {
        self.post_json(
            Some(token),
            "/api/v1/invitations",
            &json!({"email": email, "first_name": "Léa", "last_name": "Martin", "access_code": code}),
        )
        .await
    }

    /// A dossier as `token` reads it.
    pub async fn dossier(&self, token: &str, id: &str) -> Value {
        self.get_as(token, &format!("/api/v1/dossiers/{id}"))
            .await
            .json()
            .await
            .unwrap()
    }

    /// Merge-patches a dossier's content as `token`, at the version just read.
    pub async fn write(&self, token: &str, id: &str, content: impl serde::Serialize) -> Response {
        let version = self.dossier(token, id).await["version"].as_i64().unwrap();
        self.request(Method::PATCH, &format!("/api/v1/dossiers/{id}"))
            .bearer_auth(token)
            .header("if-match", format!("\"v{version}\""))
            .header("content-type", "application/merge-patch+json")
            .body(json!({ "content": content }).to_string())
            .send()
            .await
            .unwrap()
    }

    /// Enters a dossier's economic elements as `token`, under the version it reads first.
    pub async fn enter_economics(&self, token: &str, id: &str, economics: &Value) -> Response {
        let version = self.dossier(token, id).await["version"].as_i64().unwrap();
        self.request(Method::PUT, &format!("/api/v1/dossiers/{id}/economics"))
            .bearer_auth(token)
            .header("if-match", format!("\"v{version}\""))
            .json(economics)
            .send()
            .await
            .unwrap()
    }

    /// A formation's settings as `PUT /api/v1/formations/{id}` takes them back.
    pub async fn formation_settings(&self, token: &str, formation_id: &str) -> Value {
        let path = format!("/api/v1/formations/{formation_id}");
        let mut settings: Value = self.get_as(token, &path).await.json().await.unwrap();
        for member in [
            "id",
            "responsables",
            "variants",
            "annexes",
            "created_at",
            "updated_at",
        ] {
            settings.as_object_mut().unwrap().remove(member);
        }
        settings
    }

    /// Writes a formation's settings as `token`.
    pub async fn put_formation(
        &self,
        token: &str,
        formation_id: &str,
        settings: &Value,
    ) -> Response {
        self.request(Method::PUT, &format!("/api/v1/formations/{formation_id}"))
            .bearer_auth(token)
            .json(settings)
            .send()
            .await
            .unwrap()
    }

    /// Sets a formation's mission mode as CFA staff (`token`), sending its other settings back
    /// unchanged.
    pub async fn set_mission(&self, token: &str, formation_id: &str, mission: &str) {
        let mut settings = self.formation_settings(token, formation_id).await;
        settings["mission"] = json!(mission);
        let updated = self.put_formation(token, formation_id, &settings).await;
        assert_eq!(updated.status(), StatusCode::OK);
    }

    /// The field catalogue, as `GET /api/v1/catalogue` answers it.
    pub async fn catalogue(&self) -> Vec<Value> {
        self.request(Method::GET, "/api/v1/catalogue")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The catalogue's field keys of these tabs.
    pub async fn keys_of_tabs(&self, tabs: &[&str]) -> Vec<String> {
        self.catalogue()
            .await
            .iter()
            .filter(|f| tabs.contains(&f["tab"].as_str().unwrap()))
            .map(|f| f["key"].as_str().unwrap().to_owned())
            .collect()
    }

    /// The catalogue's field keys of these tabs that `role` fills (`filled_by`).
    pub async fn keys_filled_by(&self, tabs: &[&str], role: &str) -> Vec<String> {
        self.catalogue()
            .await
            .iter()
            .filter(|f| tabs.contains(&f["tab"].as_str().unwrap()))
            .filter(|f| f["filled_by"].as_array().unwrap().contains(&json!(role)))
            .map(|f| f["key"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Invites an apprentice as `token` and answers their generated password from the mail.
    pub async fn invite(&self, token: &str, email: &str, code: &str) -> (Value, String) {
        let response = self.post_invitation(token, email, code).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let invitation: Value = response.json().await.unwrap();
        let mail = self.delivered_mail(email, "Bienvenue").await;
        (invitation, password_in(&mail.text))
    }
}

/// Economic elements a CFA adviser enters for the complete content's private employer.
pub fn economics() -> Value {
    json!({
        "opco": "atlas",
        "npecAnnuel": 9000,
        "repas": 120,
        "nuitees": 0,
        "premierEquipement": 300,
        "mandatEmployeur": true
    })
}

/// The domain's complete dossier, moved one year later so that its dates fall within the demo
/// formations' (2026 onwards).
pub fn complete_content() -> Value {
    let mut content: Value = serde_json::from_str(include_str!(
        "../../../domain/tests/fixtures/complete_dossier.json"
    ))
    .unwrap();
    shift_years(&mut content);
    content
}

fn shift_years(value: &mut Value) {
    match value {
        Value::Object(map) => map.values_mut().for_each(shift_years),
        Value::Array(items) => items.iter_mut().for_each(shift_years),
        Value::String(text) if text.len() == 10 && text.as_bytes()[4] == b'-' => {
            if let Ok(year) = text[..4].parse::<i32>() {
                *text = format!("{}{}", year + 1, &text[4..]);
            }
        }
        _ => {}
    }
}

/// The members of `content` named by `keys` (dotted), as a nested merge patch.
pub fn patch_of<S: AsRef<str>>(content: &Value, keys: &[S]) -> Value {
    let mut patch = json!({});
    for key in keys {
        let key = key.as_ref();
        let Some(value) = key
            .split('.')
            .try_fold(content, |node, part| node.get(part))
        else {
            continue;
        };
        let parts: Vec<&str> = key.split('.').collect();
        let mut node = &mut patch;
        for part in &parts[..parts.len() - 1] {
            if node.get(*part).is_none() {
                node[*part] = json!({});
            }
            node = &mut node[*part];
        }
        node[parts[parts.len() - 1]] = value.clone();
    }
    patch
}

/// Asserts a 200, showing the problem otherwise, and answers the body.
pub async fn ok(response: Response) -> Value {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body:#}");
    body
}

/// The generated password of an invitation mail.
pub fn password_in(text: &str) -> String {
    text.lines()
        .find_map(|line| line.trim().strip_prefix("Mot de passe : "))
        .expect("a password line")
        .trim()
        .to_owned()
}

/// The token of a « Mot de passe oublié » link.
pub fn reset_token_in(text: &str) -> String {
    text.split("token=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a reset link")
        .to_owned()
}

/// Asserts a problem+json answer with this status and code, and answers it.
pub async fn assert_problem(response: Response, status: u16, code: &str) -> Problem {
    assert_eq!(response.status().as_u16(), status, "status");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, PROBLEM_CONTENT_TYPE);
    let problem: Problem = response.json().await.unwrap();
    assert_eq!(problem.code, code, "problem {problem:?}");
    assert_eq!(problem.status, status);
    assert_eq!(problem.problem_type, format!("urn:opuntia:problem:{code}"));
    assert!(!problem.title.is_empty());
    problem
}

/// A free local port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A real SMTP server (aiosmtpd) writing what it receives to a maildir; stopped on drop.
pub struct SmtpSink {
    child: Child,
    pub port: u16,
    pub maildir: TempDir,
}

impl SmtpSink {
    /// Starts the sink on `port` and waits until it accepts connections.
    pub async fn start(port: u16) -> Self {
        let maildir = tempfile::tempdir().unwrap();
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir.path().join("Maildir"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m aiosmtpd (cargo xtask test installs it)");
        let deadline = Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self {
            child,
            port,
            maildir,
        }
    }

    /// The raw messages received so far.
    pub fn messages(&self) -> Vec<String> {
        let new = self.maildir.path().join("Maildir").join("new");
        std::fs::read_dir(new)
            .map(|entries| {
                entries
                    .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Waits (polling, at most 15 s) for a message containing `needle`.
    pub async fn wait_for(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(message) = self.messages().into_iter().find(|m| m.contains(needle)) {
                return message;
            }
            assert!(
                Instant::now() < deadline,
                "the sink got no mail with {needle:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
