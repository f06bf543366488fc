//! What every answer tells the browser: security headers, caching, cookies, and who may read
//! the metrics.

use reqwest::{Method, Response};
use server::config::{Mode, Secret};

use crate::{
    auth::refresh_cookie,
    both,
    helpers::{Backend, assert_problem, demo, spawn_app, spawn_app_with},
};

both!(
    api_answers_carry_the_security_headers_and_are_never_cached,
    the_app_page_allows_its_own_loader_script_and_wasm_and_nothing_inline_else,
    the_refresh_cookie_is_secure_when_users_reach_the_server_over_https,
    metrics_ask_for_their_token_and_are_not_served_in_production_without_one,
    without_a_built_app_the_home_page_says_which_command_builds_it,
);

/// `cargo run --bin opuntia` before any app build: the page says so, in French, and names the
/// command — not a generic « Erreur interne ».
async fn without_a_built_app_the_home_page_says_which_command_builds_it(backend: Backend) {
    let empty = tempfile::tempdir().unwrap();
    let frontend_dir = empty.path().to_owned();
    let app = spawn_app_with(backend, |s| s.server.frontend_dir = frontend_dir).await;

    let page = app.request(Method::GET, "/").send().await.unwrap();

    assert_eq!(page.status(), 503);
    assert_eq!(header(&page, "content-type"), "text/html; charset=utf-8");
    let text = page.text().await.unwrap();
    assert!(text.contains("n'est pas construite"), "{text}");
    assert!(text.contains("cargo xtask run"), "{text}");
}

fn header<'a>(response: &'a Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("{name} is missing from {}", response.url()))
        .to_str()
        .unwrap()
}

fn assert_protected(response: &Response) {
    assert_eq!(header(response, "x-content-type-options"), "nosniff");
    assert_eq!(header(response, "x-frame-options"), "DENY");
    assert_eq!(header(response, "referrer-policy"), "no-referrer");
    assert!(header(response, "content-security-policy").contains("frame-ancestors 'none'"));
}

async fn api_answers_carry_the_security_headers_and_are_never_cached(backend: Backend) {
    let app = spawn_app(backend).await;
    let login = app.try_login(demo("cfa"), "opuntia-demo").await;
    let cfa = app.login_demo("cfa").await;

    let answers = [
        login,
        app.get_as(&cfa, "/api/v1/me").await,
        app.get_as(&cfa, "/api/v1/dossiers/export").await,
        app.get_as(&cfa, "/api/v1/dossiers").await,
        app.request(Method::GET, "/api/v1/nowhere")
            .send()
            .await
            .unwrap(),
    ];

    for answer in &answers {
        assert_protected(answer);
        assert_eq!(
            header(answer, "cache-control"),
            "no-store",
            "{}",
            answer.url()
        );
        assert!(header(answer, "content-security-policy").starts_with("default-src 'none'"));
    }
    let docs = app.request(Method::GET, "/api/docs/").send().await.unwrap();
    assert_eq!(docs.status(), 200);
    assert_protected(&docs);
    let policy = header(&docs, "content-security-policy");
    assert!(policy.contains("script-src 'self';"), "{policy}");
    assert!(!policy.contains("unsafe-eval"), "{policy}");
}

async fn the_app_page_allows_its_own_loader_script_and_wasm_and_nothing_inline_else(
    backend: Backend,
) {
    let dist = tempfile::tempdir().unwrap();
    let loader = "import init from '/app.js';await init();";
    std::fs::write(
        dist.path().join("index.html"),
        format!(
            "<!DOCTYPE html><html><head><script type=\"module\">{loader}</script></head></html>"
        ),
    )
    .unwrap();
    let frontend_dir = dist.path().to_owned();
    let app = spawn_app_with(backend, |s| s.server.frontend_dir = frontend_dir).await;

    let page = app
        .request(Method::GET, "/dossiers/quelque-chose")
        .send()
        .await
        .unwrap();

    assert_eq!(page.status(), 200);
    assert_protected(&page);
    let policy = header(&page, "content-security-policy");
    let script_src = policy
        .split(';')
        .find(|directive| directive.trim().starts_with("script-src"))
        .unwrap();
    let expected = server::headers::app_policy(&format!("<script>{loader}</script>"));
    assert!(expected.contains(script_src), "{policy}");
    assert!(script_src.contains("'wasm-unsafe-eval'") && script_src.contains("'sha256-"));
    assert!(!script_src.contains("'unsafe-inline'"), "{policy}");
}

async fn the_refresh_cookie_is_secure_when_users_reach_the_server_over_https(backend: Backend) {
    let over_https = spawn_app_with(backend, |s| {
        s.server.public_url = "https://opuntia.example.fr".into();
    })
    .await;
    let secure = refresh_cookie(&over_https.try_login(demo("cfa"), "opuntia-demo").await);
    assert!(secure.contains("; Secure"), "{secure}");

    let local = spawn_app(backend).await;
    let plain = refresh_cookie(&local.try_login(demo("cfa"), "opuntia-demo").await);
    assert!(!plain.contains("Secure"), "{plain}");
}

async fn metrics_ask_for_their_token_and_are_not_served_in_production_without_one(
    backend: Backend,
) {
    let metrics = |app: &crate::helpers::TestApp, token: Option<&str>| {
        let mut request = app.request(Method::GET, "/metrics");
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    let development = spawn_app(backend).await;
    assert_eq!(metrics(&development, None).await.unwrap().status(), 200);

    let closed = spawn_app_with(backend, |s| s.mode = Mode::Production).await;
    assert_problem(metrics(&closed, None).await.unwrap(), 404, "not_found").await;

    let scraped = spawn_app_with(backend, |s| {
        s.mode = Mode::Production;
        s.server.metrics_token = Secret::new("a scraper token");
    })
    .await;
    assert_problem(
        metrics(&scraped, None).await.unwrap(),
        401,
        "unauthenticated",
    )
    .await;
    assert_problem(
        metrics(&scraped, Some("a guess")).await.unwrap(),
        401,
        "unauthenticated",
    )
    .await;
    let read = metrics(&scraped, Some("a scraper token")).await.unwrap();
    assert_eq!(read.status(), 200);
    assert!(read.text().await.unwrap().contains("opuntia_"));
}
