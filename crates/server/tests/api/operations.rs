//! Health, metrics, docs, the OpenAPI document, who runs the platform, and the problem+json shape
//! of malformed requests.

use reqwest::Method;
use serde_json::Value;

use crate::{
    both,
    helpers::{Backend, assert_problem, spawn_app, spawn_app_with},
};

both!(
    health_answers_ok_when_the_database_does,
    metrics_count_requests_by_route_pattern,
    an_unknown_route_answers_a_problem_json_404,
    the_browser_app_is_served_with_its_assets_and_for_every_page_path,
    malformed_json_answers_a_problem_json_400,
    a_body_of_the_wrong_type_answers_415,
    an_oversized_body_answers_413,
    a_body_of_the_wrong_shape_answers_400_with_the_reason,
    the_api_docs_render_with_no_internet,
    migrations_roll_back_and_apply_again,
    the_platform_names_the_configured_cfa_for_header_footer_and_legal_notice,
    the_cfa_logo_is_served_with_its_image_type,
);

async fn the_platform_names_the_configured_cfa_for_header_footer_and_legal_notice(
    backend: Backend,
) {
    let app = spawn_app_with(backend, |settings| {
        settings.cfa.denomination = "  CFA des métiers ".into();
        settings.cfa.address_number = "12".into();
        settings.cfa.address_street = "rue des Arts".into();
        settings.cfa.postal_code = "69001".into();
        settings.cfa.town = "Lyon".into();
        settings.cfa.director = "Paul Roux".into();
        settings.cfa.contact_email = "accueil@cfa-metiers.fr".into();
        settings.cfa.siret = String::new();
    })
    .await;

    let response = app
        .request(Method::GET, "/api/v1/platform")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=300",
        "read once by each visitor, cheaply"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["cfa_name"], "CFA des métiers");
    assert_eq!(body["address"], "12 rue des Arts, 69001 Lyon");
    assert_eq!(body["director"], "Paul Roux");
    assert_eq!(body["contact_email"], "accueil@cfa-metiers.fr");
    assert_eq!(body["siret"], Value::Null, "an empty setting is absent");
}

async fn the_cfa_logo_is_served_with_its_image_type(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("logo.png");
    // A PNG is recognised by its signature, whatever the file is called.
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let app = spawn_app_with(backend, |settings| settings.cfa.logo = png.clone()).await;

    let platform: Value = app
        .request(Method::GET, "/api/v1/platform")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(platform["logo_url"], "/api/v1/platform/logo");
    let logo = app
        .request(Method::GET, "/api/v1/platform/logo")
        .send()
        .await
        .unwrap();
    assert_eq!(logo.status(), 200);
    assert_eq!(logo.headers()["content-type"], "image/png");
    assert!(logo.bytes().await.unwrap().starts_with(b"\x89PNG"));

    let text = dir.path().join("logo.svg");
    std::fs::write(&text, "pas une image").unwrap();
    let mut settings = server::config::Settings::defaults().unwrap();
    settings.cfa.logo = text;
    let refused = server::startup::load_logo(&settings)
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("neither a PNG, a JPEG nor an SVG"),
        "{refused}"
    );
}

async fn health_answers_ok_when_the_database_does(backend: Backend) {
    let app = spawn_app(backend).await;

    let response = app.request(Method::GET, "/health").send().await.unwrap();

    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
}

async fn metrics_count_requests_by_route_pattern(backend: Backend) {
    let app = spawn_app(backend).await;
    app.request(Method::GET, "/health").send().await.unwrap();
    app.request(Method::GET, "/api/v1/access-codes/F724")
        .send()
        .await
        .unwrap();

    let response = app.request(Method::GET, "/metrics").send().await.unwrap();

    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = response.text().await.unwrap();
    assert!(
        text.contains(
            r#"opuntia_http_requests_total{method="GET",route="/health",status="200"} 1"#
        )
    );
    assert!(text.contains(r#"route="/api/v1/access-codes/{code}",status="200"} 1"#));
    assert!(text.contains("opuntia_http_request_duration_seconds_bucket{le=\"+Inf\"}"));
    assert!(text.contains("opuntia_outbox_mails"));
}

async fn an_unknown_route_answers_a_problem_json_404(backend: Backend) {
    let app = spawn_app(backend).await;

    let response = app
        .request(Method::GET, "/api/v1/nothing-here")
        .send()
        .await
        .unwrap();

    let problem = assert_problem(response, 404, "not_found").await;
    assert!(problem.detail.unwrap().contains("n'existe pas"));
}

async fn malformed_json_answers_a_problem_json_400(backend: Backend) {
    let app = spawn_app(backend).await;

    let response = app
        .post_raw(
            "/api/v1/auth/login",
            "application/json",
            "{\"email\": ".into(),
        )
        .await;

    assert_problem(response, 400, "malformed_json").await;
}

async fn a_body_of_the_wrong_type_answers_415(backend: Backend) {
    let app = spawn_app(backend).await;

    let response = app
        .post_raw("/api/v1/auth/login", "text/plain", "email=a@b.fr".into())
        .await;

    assert_problem(response, 415, "unsupported_media_type").await;
}

async fn an_oversized_body_answers_413(backend: Backend) {
    let app = spawn_app(backend).await;
    let huge = format!(
        "{{\"email\": \"a@b.fr\", \"password\": \"{}\"}}",
        "x".repeat(400_000)
    );

    let response = app
        .post_raw("/api/v1/auth/login", "application/json", huge)
        .await;

    assert_problem(response, 413, "payload_too_large").await;
}

async fn a_body_of_the_wrong_shape_answers_400_with_the_reason(backend: Backend) {
    let app = spawn_app(backend).await;

    let response = app
        .request(Method::POST, "/api/v1/auth/login")
        .json(&serde_json::json!({"email": "a@b.fr"}))
        .send()
        .await
        .unwrap();

    let problem = assert_problem(response, 400, "invalid_body").await;
    assert!(problem.detail.unwrap().contains("password"));
}

async fn the_api_docs_render_with_no_internet(backend: Backend) {
    let app = spawn_app(backend).await;

    let redirect = app.request(Method::GET, "/api/docs").send().await.unwrap();
    assert_eq!(redirect.status(), 308);
    assert_eq!(redirect.headers()["location"], "/api/docs/");

    let page = app
        .request(Method::GET, "/api/docs/")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("swagger-ui"));
    // Every script and stylesheet the page loads is served by Opuntia itself.
    for asset in page
        .split(['"', '\''])
        .filter(|s| s.ends_with(".js") || s.ends_with(".css"))
    {
        assert!(!asset.starts_with("http"), "external asset {asset}");
        let url = format!("/api/docs/{}", asset.trim_start_matches("./"));
        let response = app.request(Method::GET, &url).send().await.unwrap();
        assert_eq!(response.status(), 200, "{url}");
    }
    let initializer = app
        .request(Method::GET, "/api/docs/swagger-initializer.js")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(initializer.contains("/api/openapi.json"));

    let spec: Value = app
        .request(Method::GET, "/api/openapi.json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(spec["info"]["title"], "Opuntia API");
    assert!(spec["paths"]["/api/v1/invitations/bulk"]["post"].is_object());
}

async fn migrations_roll_back_and_apply_again(backend: Backend) {
    use db::MigratorTrait;
    let app = spawn_app(backend).await;

    db::Migrator::down(&app.state.db, None).await.unwrap();
    assert!(
        db::queries::users::count(&app.state.db).await.is_err(),
        "tables gone"
    );
    db::Migrator::up(&app.state.db, None).await.unwrap();

    assert_eq!(db::queries::users::count(&app.state.db).await.unwrap(), 0);
}

#[test]
fn the_committed_openapi_document_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = server::openapi::document_json().unwrap();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run `cargo run -p opuntia-server --bin openapi` and commit the result"
    );
}

#[test]
fn every_core_endpoint_is_documented() {
    let spec: Value = serde_json::from_str(&server::openapi::document_json().unwrap()).unwrap();
    for (path, method) in [
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/password/forgot", "post"),
        ("/api/v1/auth/password/reset", "post"),
        ("/api/v1/me", "get"),
        ("/api/v1/access-codes/{code}", "get"),
        ("/api/v1/registrations", "post"),
        ("/api/v1/invitations", "post"),
        ("/api/v1/invitations/bulk", "post"),
        ("/api/v1/dev/mailbox", "get"),
    ] {
        let operation = &spec["paths"][path][method];
        assert!(operation.is_object(), "{method} {path} is documented");
        assert!(
            operation["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "{method} {path} has a description"
        );
    }
}

async fn the_browser_app_is_served_with_its_assets_and_for_every_page_path(backend: Backend) {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<!DOCTYPE html><title>Opuntia</title>",
    )
    .unwrap();
    std::fs::write(dist.path().join("app-1a2b.wasm"), b"\0asm").unwrap();
    let dir = dist.path().to_owned();
    let app = crate::helpers::spawn_app_with(backend, move |settings| {
        settings.server.frontend_dir = dir;
    })
    .await;

    for page in ["/", "/dossiers/123", "/mot-de-passe/nouveau?token=abc"] {
        let response = app.request(Method::GET, page).send().await.unwrap();
        assert_eq!(response.status(), 200, "{page}");
        assert_eq!(
            response.headers()["content-type"],
            "text/html; charset=utf-8"
        );
        assert_eq!(response.headers()["cache-control"], "no-cache");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("<title>Opuntia</title>")
        );
    }
    let asset = app
        .request(Method::GET, "/app-1a2b.wasm")
        .send()
        .await
        .unwrap();
    assert_eq!(asset.status(), 200);
    assert_eq!(asset.headers()["content-type"], "application/wasm");
    assert!(
        asset.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );

    let api = app
        .request(Method::GET, "/api/v1/nothing-here")
        .send()
        .await
        .unwrap();
    assert_problem(api, 404, "not_found").await;
    let outside = app
        .request(Method::GET, "/..%2F..%2Fetc%2Fpasswd")
        .send()
        .await
        .unwrap();
    assert!(!outside.text().await.unwrap().contains("root:"));
}
