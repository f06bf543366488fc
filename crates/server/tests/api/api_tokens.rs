//! Scoped, revocable API tokens for integrations.

use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    both,
    helpers::{Backend, assert_problem, spawn_app},
};

both!(
    an_api_token_acts_within_its_scopes_until_revoked,
    only_staff_make_tokens_and_a_token_cannot_make_one,
    a_token_past_its_expiry_stops_working,
);

async fn an_api_token_acts_within_its_scopes_until_revoked(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    let created = app
        .post_json(
            Some(&cfa),
            "/api/v1/api-tokens",
            &json!({"name": "Import Ypareo", "scopes": ["invitations"]}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let secret = created["token"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("opt_"));
    assert_eq!(created["scopes"], json!(["invitations"]));

    let invite = app
        .post_json(
            Some(&secret),
            "/api/v1/invitations",
            &json!({"email": "script@example.fr", "first_name": "Noé", "last_name": "Garcia", "access_code": "F728"}),
        )
        .await;
    assert_eq!(invite.status(), 201);
    let formations = app.get_as(&secret, "/api/v1/formations").await;
    let problem = assert_problem(formations, 403, "insufficient_scope").await;
    assert!(problem.detail.unwrap().contains("formations_read"));

    let listed: Vec<Value> = app
        .get_as(&cfa, "/api/v1/api-tokens")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert!(
        listed[0].get("token").is_none(),
        "the secret is never listed"
    );
    assert!(listed[0]["last_used_at"].is_string());

    let id = created["id"].as_str().unwrap();
    let revoke = app
        .request(Method::DELETE, &format!("/api/v1/api-tokens/{id}"))
        .bearer_auth(&cfa)
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), 204);
    let after = app
        .post_json(
            Some(&secret),
            "/api/v1/invitations",
            &json!({"email": "script2@example.fr", "first_name": "Noé", "last_name": "Garcia", "access_code": "F728"}),
        )
        .await;
    assert_problem(after, 401, "unauthenticated").await;
    let twice = app
        .request(Method::DELETE, &format!("/api/v1/api-tokens/{id}"))
        .bearer_auth(&cfa)
        .send()
        .await
        .unwrap();
    assert_problem(twice, 404, "not_found").await;
}

async fn only_staff_make_tokens_and_a_token_cannot_make_one(backend: Backend) {
    let app = spawn_app(backend).await;
    for role in ["alternant", "employeur"] {
        let token = app.login_demo(role).await;
        let response = app
            .post_json(
                Some(&token),
                "/api/v1/api-tokens",
                &json!({"name": "x", "scopes": ["dossiers_read"]}),
            )
            .await;
        assert_problem(response, 403, "forbidden").await;
    }
    let staff = app.login_demo("formation").await;
    let empty = app
        .post_json(
            Some(&staff),
            "/api/v1/api-tokens",
            &json!({"name": " ", "scopes": []}),
        )
        .await;
    let problem = assert_problem(empty, 422, "validation_failed").await;
    assert_eq!(problem.errors.len(), 2);
    let created: Value = app
        .post_json(
            Some(&staff),
            "/api/v1/api-tokens",
            &json!({"name": "script", "scopes": ["invitations", "formations_read"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let secret = created["token"].as_str().unwrap();

    let from_token = app
        .post_json(
            Some(secret),
            "/api/v1/api-tokens",
            &json!({"name": "child", "scopes": ["invitations"]}),
        )
        .await;

    assert_problem(from_token, 403, "api_token_not_accepted").await;
}

async fn a_token_past_its_expiry_stops_working(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    let expires = (app.state.clock.now() + chrono::Duration::days(1)).to_rfc3339();
    let created: Value = app
        .post_json(
            Some(&cfa),
            "/api/v1/api-tokens",
            &json!({"name": "court", "scopes": ["formations_read"], "expires_at": expires}),
        )
        .await
        .json()
        .await
        .unwrap();
    let secret = created["token"].as_str().unwrap();
    assert_eq!(app.get_as(secret, "/api/v1/formations").await.status(), 200);

    app.state.clock.advance(chrono::Duration::days(2));

    assert_problem(
        app.get_as(secret, "/api/v1/formations").await,
        401,
        "unauthenticated",
    )
    .await;
}
