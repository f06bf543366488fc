//! Field rights over HTTP: on the demo dossier in progress (its company contact has joined),
//! each role writes every field of the catalogue alone; the server accepts exactly the fields
//! the catalogue's `filled_by` gives the role — CFA staff may correct any.

use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    both,
    helpers::{Backend, TestApp, assert_problem, complete_content, patch_of, spawn_app},
};

both!(each_role_writes_exactly_the_fields_the_catalogue_says_it_fills);

const DEMO_DOSSIER: &str = "00000000-0000-4000-8000-00000000d001";

async fn write_alone(app: &TestApp, token: &str, patch: &Value) -> reqwest::Response {
    app.request(Method::PATCH, &format!("/api/v1/dossiers/{DEMO_DOSSIER}"))
        .bearer_auth(token)
        .header("if-match", "*")
        .json(&json!({ "content": patch }))
        .send()
        .await
        .unwrap()
}

async fn each_role_writes_exactly_the_fields_the_catalogue_says_it_fills(backend: Backend) {
    let content = complete_content();
    let mut tried = 0;
    for role in ["alternant", "employeur", "formation", "cfa"] {
        // A fresh dossier for each role: a value another role wrote would be no change.
        let app = spawn_app(backend).await;
        let token = app.login_demo(role).await;
        let catalogue = app.catalogue().await;
        let stored = app.dossier(&token, DEMO_DOSSIER).await["content"].clone();
        for field in &catalogue {
            let key = field["key"].as_str().unwrap();
            let patch = patch_of(&content, &[key]);
            if patch == json!({}) || patch_of(&stored, &[key]) == patch {
                continue;
            }
            tried += 1;
            let fills = role == "cfa"
                || field["filled_by"]
                    .as_array()
                    .unwrap()
                    .contains(&json!(role));
            let answer = write_alone(&app, &token, &patch).await;
            if fills {
                assert_eq!(answer.status(), 200, "{role} writing {key}");
            } else {
                let problem = assert_problem(answer, 403, "field_forbidden").await;
                assert_eq!(problem.errors[0].field, key, "{role}");
            }
        }
    }
    assert!(tried > 300, "only {tried} writes tried");
}
