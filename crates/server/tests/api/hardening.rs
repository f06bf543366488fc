//! Hostile inputs and hostile moments: what an outside tester tried, answered as it should be.

use reqwest::Method;
use serde_json::json;
use server::startup::Application;

use crate::{
    auth::{cookie_pair, refresh_cookie},
    both,
    helpers::{
        Backend, assert_problem, create_pg_database, postgres_url, spawn_app, spawn_app_with,
        test_settings,
    },
};

both!(
    page_numbers_and_offsets_too_large_for_any_list_are_refused_not_fatal,
    the_export_neutralises_cells_a_spreadsheet_would_run_as_formulas,
    an_accepted_invitation_is_not_renewed,
    a_replayed_refresh_token_ends_the_whole_session,
    nul_and_other_control_characters_are_refused_before_the_database,
    guessing_access_codes_from_one_address_is_slowed_down,
    a_known_path_asked_with_another_method_answers_405_with_the_methods_it_has,
    unknown_top_level_members_of_a_patch_body_are_refused_and_nothing_changes,
);

const DEMO_DOSSIER: &str = "00000000-0000-4000-8000-00000000d001";

async fn page_numbers_and_offsets_too_large_for_any_list_are_refused_not_fatal(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    for query in [
        "/api/v1/dossiers?page=9223372036854775807",
        "/api/v1/dossiers?page=9223372036854775808",
        "/api/v1/dossiers?page=9223372036854775809",
        "/api/v1/dossiers?page=18446744073709551615",
        "/api/v1/dossiers?page=0",
        "/api/v1/dossiers?per_page=201",
        "/api/v1/dossiers?per_page=0",
        "/api/v1/invitations?offset=9223372036854775808",
        "/api/v1/invitations?limit=1001",
        "/api/v1/dev/mailbox?limit=18446744073709551615",
    ] {
        let answer = app.get_as(&cfa, query).await;
        assert_problem(answer, 400, "invalid_query").await;
    }
    // A number too large even to read is refused the same way.
    let unreadable = app
        .get_as(&cfa, "/api/v1/dossiers?page=18446744073709551616")
        .await;
    assert_eq!(unreadable.status(), 400);
    // The last page a page number may reach still answers, empty; past it, a cursor goes on.
    let far: serde_json::Value = app
        .get_as(&cfa, "/api/v1/dossiers?per_page=200&page=51")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(far["items"], json!([]));
    let past = app
        .get_as(&cfa, "/api/v1/dossiers?per_page=200&page=52")
        .await;
    assert_problem(past, 400, "invalid_query").await;
}

async fn the_export_neutralises_cells_a_spreadsheet_would_run_as_formulas(backend: Backend) {
    let app = spawn_app(backend).await;
    let employer = app.login_demo("employeur").await;
    let written = app
        .write(
            &employer,
            DEMO_DOSSIER,
            json!({"employeur": {"denomination": "=HYPERLINK(\"http://x.example\",\"y\")"}}),
        )
        .await;
    assert_eq!(written.status(), 200);
    let cfa = app.login_demo("cfa").await;

    let export = app
        .get_as(&cfa, "/api/v1/dossiers/export")
        .await
        .text()
        .await
        .unwrap();

    assert!(
        export.contains(";\"'=HYPERLINK(\"\"http://x.example\"\",\"\"y\"\")\";"),
        "{export}"
    );
    assert!(!export.contains(";=HYPERLINK"), "{export}");
}

async fn an_accepted_invitation_is_not_renewed(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.login_demo("formation").await;
    let (invitation, password) = app.invite(&staff, "lea@example.fr", "F724").await;
    app.login("lea@example.fr", &password).await;
    let path = format!(
        "/api/v1/invitations/{}/renew",
        invitation["id"].as_str().unwrap()
    );

    let renewed = app
        .request(Method::POST, &path)
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap();

    assert_problem(renewed, 409, "invitation_accepted").await;
}

#[tokio::test]
async fn instances_starting_together_on_an_empty_postgresql_database_all_start() {
    if postgres_url().is_none() {
        eprintln!("OPUNTIA_TEST_POSTGRES_URL is not set: PostgreSQL run skipped");
        return;
    }
    server::telemetry::init();
    let (url, _database) = create_pg_database().await;
    let dirs: Vec<tempfile::TempDir> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let settings = |dir| {
        let mut settings = test_settings(dir);
        settings.database.url = server::config::Secret::new(url.clone());
        settings
    };

    let (a, b, c, d) = tokio::join!(
        Application::build(settings(&dirs[0])),
        Application::build(settings(&dirs[1])),
        Application::build(settings(&dirs[2])),
        Application::build(settings(&dirs[3])),
    );

    let started = [a, b, c, d];
    for result in &started {
        assert!(result.is_ok(), "{:?}", result.as_ref().err());
    }
    let state = started[0].as_ref().unwrap().state();
    assert_eq!(db::queries::users::count(&state.db).await.unwrap(), 4);
}

async fn refresh(app: &crate::helpers::TestApp, cookie: &str) -> reqwest::Response {
    app.request(Method::POST, "/api/v1/auth/refresh")
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
}

/// The `name=value` of the refresh cookie an answer sets.
fn refresh_pair(response: &reqwest::Response) -> String {
    cookie_pair(&refresh_cookie(response))
}

async fn a_replayed_refresh_token_ends_the_whole_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let login = app
        .try_login(crate::helpers::demo("alternant"), "opuntia-demo")
        .await;
    let stolen = refresh_pair(&login);
    // Another session of the same account, which the replay must not touch.
    let other = refresh_pair(
        &app.try_login(crate::helpers::demo("alternant"), "opuntia-demo")
            .await,
    );
    let rotated = refresh(&app, &stolen).await;
    assert_eq!(rotated.status(), 200);
    let current = refresh_pair(&rotated);

    // The old cookie comes back (the thief's copy): refused, and the session it belongs to ends.
    assert_problem(refresh(&app, &stolen).await, 401, "unauthenticated").await;
    assert_problem(refresh(&app, &current).await, 401, "unauthenticated").await;

    assert_eq!(refresh(&app, &other).await.status(), 200);
}

async fn nul_and_other_control_characters_are_refused_before_the_database(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    let employer = app.login_demo("employeur").await;

    let login = app
        .post_json(
            None,
            "/api/v1/auth/login",
            &json!({"email": "x\u{0}@b.fr", "password": "peu importe"}),
        )
        .await;
    let problem = assert_problem(login, 422, "validation_failed").await;
    assert_eq!(problem.errors[0].field, "email");
    assert_eq!(problem.errors[0].code, "control_character");

    let text = app
        .write(
            &employer,
            DEMO_DOSSIER,
            json!({"employeur": {"denomination": "ACME\u{0}Provence"}}),
        )
        .await;
    let problem = assert_problem(text, 422, "validation_failed").await;
    assert_eq!(problem.errors[0].field, "employeur.denomination");
    assert_eq!(problem.errors[0].code, "control_character");

    for path in [
        "/api/v1/dossiers/%00",
        "/api/v1/formations/%00",
        "/api/v1/dossiers/a%00b/history",
    ] {
        assert_problem(app.get_as(&cfa, path).await, 404, "not_found").await;
    }
    for query in [
        "/api/v1/dossiers?q=%00",
        "/api/v1/dossiers?formation_id=%00",
        "/api/v1/dossiers/counts?formation_id=x%00",
        "/api/v1/dossiers/export?q=a%00",
        "/api/v1/invitations?formation_id=%00",
        "/api/v1/dev/mailbox?to=%00",
        "/api/v1/dossiers?q=%1F",
    ] {
        assert_problem(app.get_as(&cfa, query).await, 400, "invalid_query").await;
    }

    let token = app
        .post_json(
            Some(&cfa),
            "/api/v1/api-tokens",
            &json!({"name": "script\u{0}", "scopes": ["dossiers_read"]}),
        )
        .await;
    let problem = assert_problem(token, 422, "validation_failed").await;
    assert_eq!(problem.errors[0].field, "name");
    let mut formation = crate::formations::formation_request(&[]);
    formation["title"] = json!("BTS\u{0}");
    let created = app
        .post_json(Some(&cfa), "/api/v1/formations", &formation)
        .await;
    let problem = assert_problem(created, 422, "validation_failed").await;
    assert!(
        problem
            .errors
            .iter()
            .any(|e| e.field == "title" && e.code == "control_character")
    );
    let variant = app
        .post_json(
            Some(&cfa),
            &format!(
                "/api/v1/formations/{}/variants",
                crate::helpers::ENGINEERING_ID
            ),
            &json!({"access_code": "F724-9", "label": "2e\u{7}année"}),
        )
        .await;
    let problem = assert_problem(variant, 422, "validation_failed").await;
    assert!(
        problem
            .errors
            .iter()
            .any(|e| e.field == "label" && e.code == "control_character")
    );
}

async fn guessing_access_codes_from_one_address_is_slowed_down(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.auth.max_unknown_codes_per_ip = 3).await;
    let lookup = |code: &str| {
        app.request(Method::GET, &format!("/api/v1/access-codes/{code}"))
            .send()
    };
    assert_eq!(
        lookup("F728").await.unwrap().status(),
        200,
        "known codes cost nothing"
    );
    for guess in ["F100", "F101", "pas un code"] {
        assert_problem(lookup(guess).await.unwrap(), 404, "unknown_access_code").await;
    }

    let blocked = lookup("F728").await.unwrap();
    assert!(blocked.headers().contains_key("retry-after"));
    assert_problem(blocked, 429, "too_many_attempts").await;
    let registration = app
        .post_json(
            None,
            "/api/v1/registrations",
            &json!({"access_code": "F102", "email": "zoe@example.fr", "password": "un mot de passe sûr", "first_name": "Zoé", "last_name": "Laurent"}),
        )
        .await;
    assert_problem(registration, 429, "too_many_attempts").await;

    app.state.clock.advance(chrono::Duration::minutes(16));
    assert_eq!(
        lookup("F728").await.unwrap().status(),
        200,
        "once the window has passed"
    );
}

async fn a_known_path_asked_with_another_method_answers_405_with_the_methods_it_has(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    for (method, path, allowed) in [
        (
            Method::DELETE,
            format!("/api/v1/dossiers/{DEMO_DOSSIER}"),
            "GET, PATCH",
        ),
        (Method::PUT, "/api/v1/auth/login".to_owned(), "POST"),
        (Method::POST, "/health".to_owned(), "GET"),
    ] {
        let answer = app
            .request(method.clone(), &path)
            .bearer_auth(&cfa)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.headers()["allow"], allowed, "{method} {path}");
        assert_problem(answer, 405, "method_not_allowed").await;
    }
    let nowhere = app
        .request(Method::DELETE, "/api/v1/nowhere")
        .send()
        .await
        .unwrap();
    assert_problem(nowhere, 404, "not_found").await;
}

async fn unknown_top_level_members_of_a_patch_body_are_refused_and_nothing_changes(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    let before = app.dossier(&cfa, DEMO_DOSSIER).await;
    let version = before["version"].as_i64().unwrap();
    let dossier = app
        .request(Method::PATCH, &format!("/api/v1/dossiers/{DEMO_DOSSIER}"))
        .bearer_auth(&cfa)
        .header("if-match", format!("\"v{version}\""))
        .header("content-type", "application/merge-patch+json")
        .body(
            json!({"content": {"employeur": {"denomination": "Nouveau nom"}}, "contenu": {}})
                .to_string(),
        )
        .send()
        .await
        .unwrap();
    let variant = app
        .request(
            Method::PATCH,
            &format!(
                "/api/v1/formations/{}/variants/00000000-0000-4000-8000-000000007242",
                crate::helpers::ENGINEERING_ID
            ),
        )
        .bearer_auth(&cfa)
        .json(&json!({"open": false, "ouvert": true}))
        .send()
        .await
        .unwrap();

    for (answer, member) in [(dossier, "contenu"), (variant, "ouvert")] {
        let problem = assert_problem(answer, 422, "validation_failed").await;
        assert_eq!(problem.errors[0].field, member);
        assert_eq!(problem.errors[0].code, "unknown_field");
    }
    let after = app.dossier(&cfa, DEMO_DOSSIER).await;
    assert_eq!(after["version"], before["version"]);
    assert_eq!(after["content"], before["content"]);
    let code = app
        .request(Method::GET, "/api/v1/access-codes/F724-2")
        .send()
        .await
        .unwrap();
    assert_eq!(code.status(), 200, "the variant is still open");
}
