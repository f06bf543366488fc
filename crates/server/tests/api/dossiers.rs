//! Reading and patching dossiers: evaluation, permissions, ETag and If-Match, the role × tab ×
//! status matrix, whole-patch refusal, history, and the rules on content that is not stored.

use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::{
    both,
    helpers::{Backend, TestApp, assert_problem, spawn_app},
};

const DEMO_DOSSIER: &str = "00000000-0000-4000-8000-00000000d001";

both!(
    a_party_reads_its_dossier_with_its_evaluation_permissions_and_etag,
    unknown_and_foreign_dossiers_answer_the_same_404,
    a_patch_needs_if_match_and_a_stale_one_changes_nothing,
    if_match_is_compared_strongly_as_rfc_9110_says,
    a_workflow_action_under_a_stale_if_match_answers_412_like_a_patch,
    of_two_parties_writing_the_same_version_one_wins_and_nothing_is_lost,
    a_patch_with_one_invalid_value_is_refused_whole,
    a_role_may_not_write_another_roles_tab,
    a_frozen_dossier_refuses_every_write,
    the_history_records_who_changed_what,
    the_rules_evaluate_content_without_storing_it,
    anyone_reads_the_field_catalogue,
    the_employer_of_another_dossier_can_neither_read_nor_write_it,
    correcting_an_invitation_address_cannot_touch_a_frozen_dossier,
    a_read_after_any_change_never_shows_the_old_answer,
);

async fn patch(app: &TestApp, token: &str, if_match: Option<&str>, body: &Value) -> Response {
    let mut request = app
        .request(Method::PATCH, &format!("/api/v1/dossiers/{DEMO_DOSSIER}"))
        .bearer_auth(token)
        .header("content-type", "application/merge-patch+json")
        .body(body.to_string());
    if let Some(tag) = if_match {
        request = request.header("if-match", tag);
    }
    request.send().await.unwrap()
}

async fn read(app: &TestApp, token: &str) -> Value {
    app.get_as(token, &format!("/api/v1/dossiers/{DEMO_DOSSIER}"))
        .await
        .json()
        .await
        .unwrap()
}

async fn a_party_reads_its_dossier_with_its_evaluation_permissions_and_etag(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.login_demo("alternant").await;

    let response = app
        .get_as(&token, &format!("/api/v1/dossiers/{DEMO_DOSSIER}"))
        .await;

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["etag"], "\"v1\"");
    let dossier: Value = response.json().await.unwrap();
    assert_eq!(dossier["status"], "in_progress");
    assert_eq!(dossier["version"], 1);
    assert_eq!(dossier["niveau_saisie"], "complete");
    assert_eq!(dossier["formation"]["access_code"], "F724");
    assert_eq!(dossier["formation"]["start_date"], "2026-09-01");
    assert_eq!(dossier["content"]["apprenti"]["nom"], "Martin");
    let evaluation = &dossier["evaluation"];
    assert_eq!(evaluation["complete"], false);
    for tab in ["base", "alternant", "employeur", "contrat", "mission"] {
        assert!(evaluation["tabs"][tab].is_object(), "{tab}");
    }
    assert_eq!(evaluation["tabs"]["alternant"]["complete"], false);
    assert!(
        evaluation["tabs"]["alternant"]["missing"]
            .as_array()
            .unwrap()
            .contains(&json!("apprenti.dateNaissance"))
    );
    assert_eq!(evaluation["fields"]["apprenti.nom"]["status"], "ok");
    // The company contact has joined: the apprentice no longer fills the company's part.
    assert_eq!(
        dossier["permissions"]["writable_tabs"],
        json!(["base", "alternant", "mission"])
    );
    assert_eq!(dossier["permissions"]["company_contact_joined"], true);
    assert!(
        dossier["permissions"]["actions"]
            .as_array()
            .unwrap()
            .contains(&json!("request_validation"))
    );
    let employer = app.login_demo("employeur").await;
    let seen_by_employer = read(&app, &employer).await;
    assert_eq!(
        seen_by_employer["permissions"]["writable_tabs"],
        json!(["base", "employeur", "contrat", "mission"])
    );
}

async fn unknown_and_foreign_dossiers_answer_the_same_404(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    let (_, password) = app.invite(&cfa, "autre@example.fr", "F728").await;
    let stranger = app.login("autre@example.fr", &password).await;

    let foreign = app
        .get_as(&stranger, &format!("/api/v1/dossiers/{DEMO_DOSSIER}"))
        .await;
    let unknown = app
        .get_as(
            &stranger,
            "/api/v1/dossiers/00000000-0000-4000-8000-0000000000ff",
        )
        .await;
    let foreign_patch = patch(&app, &stranger, Some("\"v1\""), &json!({"content": {}})).await;

    let a = assert_problem(foreign, 404, "dossier_not_found").await;
    let b = assert_problem(unknown, 404, "dossier_not_found").await;
    assert_eq!(a, b);
    assert_problem(foreign_patch, 404, "dossier_not_found").await;
    assert_eq!(
        app.get_as(&cfa, &format!("/api/v1/dossiers/{DEMO_DOSSIER}"))
            .await
            .status(),
        200
    );
}

async fn a_patch_needs_if_match_and_a_stale_one_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.login_demo("alternant").await;
    let change = json!({"content": {"apprenti": {"dateNaissance": "2005-03-10"}}});

    let without = patch(&app, &token, None, &change).await;
    assert_problem(without, 428, "precondition_required").await;

    let saved = patch(&app, &token, Some("\"v1\""), &change).await;
    assert_eq!(saved.status(), 200);
    assert_eq!(saved.headers()["etag"], "\"v2\"");
    let saved: Value = saved.json().await.unwrap();
    assert_eq!(saved["version"], 2);
    assert_eq!(saved["content"]["apprenti"]["dateNaissance"], "2005-03-10");
    assert_eq!(
        saved["content"]["apprenti"]["nom"], "Martin",
        "merged, not replaced"
    );

    let stale = patch(
        &app,
        &token,
        Some("\"v1\""),
        &json!({"content": {"apprenti": {"dateNaissance": "2004-01-01"}}}),
    )
    .await;
    assert_eq!(stale.headers()["etag"], "\"v2\"");
    assert_problem(stale, 412, "stale_version").await;
    assert_eq!(
        read(&app, &token).await["content"]["apprenti"]["dateNaissance"],
        "2005-03-10"
    );
}

async fn of_two_parties_writing_the_same_version_one_wins_and_nothing_is_lost(backend: Backend) {
    let app = spawn_app(backend).await;
    let apprentice = app.login_demo("alternant").await;
    let employer = app.login_demo("employeur").await;

    let birth = json!({"content": {"apprenti": {"dateNaissance": "2005-03-10"}}});
    let name = json!({"content": {"employeur": {"denomination": "ACME Provence"}}});
    let (a, b) = tokio::join!(
        patch(&app, &apprentice, Some("\"v1\""), &birth),
        patch(&app, &employer, Some("\"v1\""), &name),
    );

    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 412]);
    let dossier = read(&app, &apprentice).await;
    assert_eq!(dossier["version"], 2);
    let apprentice_won = a.status() == 200;
    assert_eq!(
        dossier["content"]["apprenti"]["dateNaissance"].is_string(),
        apprentice_won
    );
    assert_eq!(
        dossier["content"]["employeur"]["denomination"].is_string(),
        !apprentice_won
    );
    // The loser reads the new version and writes again: both changes are kept.
    let (loser, body) = if apprentice_won {
        (
            &employer,
            json!({"content": {"employeur": {"denomination": "ACME Provence"}}}),
        )
    } else {
        (
            &apprentice,
            json!({"content": {"apprenti": {"dateNaissance": "2005-03-10"}}}),
        )
    };
    assert_eq!(
        patch(&app, loser, Some("\"v2\""), &body).await.status(),
        200
    );
    let dossier = read(&app, &apprentice).await;
    assert_eq!(
        dossier["content"]["apprenti"]["dateNaissance"],
        "2005-03-10"
    );
    assert_eq!(
        dossier["content"]["employeur"]["denomination"],
        "ACME Provence"
    );
}

async fn a_patch_with_one_invalid_value_is_refused_whole(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.login_demo("employeur").await;

    let response = patch(
        &app,
        &token,
        Some("\"v1\""),
        &json!({"content": {
            "employeur": {"denomination": "ACME Provence", "siret": "73282932000075"},
            "maitre1": {"inconnu": "x"}
        }}),
    )
    .await;

    let problem = assert_problem(response, 422, "validation_failed").await;
    assert_eq!(problem.errors[0].field, "maitre1.inconnu");
    assert_eq!(problem.errors[0].code, "unknown_field");
    let response = patch(
        &app,
        &token,
        Some("\"v1\""),
        &json!({"content": {"employeur": {"denomination": "ACME Provence", "siret": "73282932000075"}}}),
    )
    .await;
    let problem = assert_problem(response, 422, "validation_failed").await;
    assert_eq!(problem.errors.len(), 1);
    assert_eq!(problem.errors[0].field, "employeur.siret");
    assert_eq!(problem.errors[0].code, "siret_checksum");
    let dossier = read(&app, &token).await;
    assert_eq!(dossier["version"], 1);
    assert!(
        dossier["content"]["employeur"]
            .get("denomination")
            .is_none()
    );
}

async fn a_role_may_not_write_another_roles_tab(backend: Backend) {
    let app = spawn_app(backend).await;
    let employer = app.login_demo("employeur").await;
    let responsable = app.login_demo("formation").await;

    let employer_on_apprentice = patch(
        &app,
        &employer,
        Some("\"v1\""),
        &json!({"content": {"apprenti": {"nir": "205031305512345"}}}),
    )
    .await;
    let responsable_anywhere = patch(
        &app,
        &responsable,
        Some("\"v1\""),
        &json!({"content": {"employeur": {"denomination": "X"}}}),
    )
    .await;
    let employer_changes_niveau = patch(
        &app,
        &employer,
        Some("\"v1\""),
        &json!({"niveau_saisie": "simple"}),
    )
    .await;

    let problem = assert_problem(employer_on_apprentice, 403, "field_forbidden").await;
    assert_eq!(problem.errors[0].field, "apprenti.nir");
    assert_problem(responsable_anywhere, 403, "field_forbidden").await;
    let problem = assert_problem(employer_changes_niveau, 403, "field_forbidden").await;
    assert_eq!(problem.errors[0].field, "niveau_saisie");
    assert_eq!(read(&app, &employer).await["version"], 1);
}

async fn a_frozen_dossier_refuses_every_write(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut dossier = db::queries::dossiers::by_id(&app.state.db, &app.state.seal, DEMO_DOSSIER)
        .await
        .unwrap()
        .unwrap();
    dossier.status = domain::Status::Validated.into();
    db::queries::dossiers::save(&app.state.db, &app.state.seal, dossier)
        .await
        .unwrap();

    for role in ["alternant", "employeur", "cfa"] {
        let token = app.login_demo(role).await;
        let response = patch(
            &app,
            &token,
            Some("\"v1\""),
            &json!({"content": {"contrat": {"dateDebutContrat": "2026-09-02"}}}),
        )
        .await;
        let problem = assert_problem(response, 409, "dossier_frozen").await;
        assert!(problem.detail.unwrap().contains("figées"));
        let dossier = read(&app, &token).await;
        assert_eq!(dossier["permissions"]["writable_tabs"], json!([]));
    }
}

async fn the_history_records_who_changed_what(backend: Backend) {
    let app = spawn_app(backend).await;
    let apprentice = app.login_demo("alternant").await;
    let employer = app.login_demo("employeur").await;
    patch(
        &app,
        &apprentice,
        Some("\"v1\""),
        &json!({"content": {"apprenti": {"nom": "Martin-Durand", "dateNaissance": "2005-03-10"}}}),
    )
    .await;
    patch(
        &app,
        &employer,
        Some("\"v2\""),
        &json!({"content": {"contrat": {"dateDebutContrat": "2026-09-07"}}, "niveau_saisie": "complete"}),
    )
    .await;

    let history: Vec<Value> = app
        .get_as(
            &apprentice,
            &format!("/api/v1/dossiers/{DEMO_DOSSIER}/history"),
        )
        .await
        .json()
        .await
        .unwrap();

    let summary: Vec<(String, String, Value, Value)> = history
        .iter()
        .map(|entry| {
            (
                entry["field"].as_str().unwrap().to_owned(),
                entry["author"]["role"].as_str().unwrap().to_owned(),
                entry["old"].clone(),
                entry["new"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "apprenti.nom".into(),
                "alternant".into(),
                json!("Martin"),
                json!("Martin-Durand")
            ),
            (
                "apprenti.dateNaissance".into(),
                "alternant".into(),
                Value::Null,
                json!("2005-03-10")
            ),
            (
                "contrat.dateDebutContrat".into(),
                "employeur".into(),
                json!("2026-09-01"),
                json!("2026-09-07")
            ),
        ]
    );
    assert_eq!(history[0]["author"]["name"], "Léa Martin");
}

async fn the_rules_evaluate_content_without_storing_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.login_demo("employeur").await;
    let before = read(&app, &token).await;

    let response = app
        .post_json(
            Some(&token),
            "/api/v1/rules/evaluate",
            &json!({
                "mission": "required",
                "formation": {"start_date": "2026-09-01", "end_date": "2029-08-31"},
                "content": {"apprenti": {"nom": "Martin"}, "employeur": {"siret": "73282932000075"}}
            }),
        )
        .await;

    assert_eq!(response.status(), 200);
    let evaluation: Value = response.json().await.unwrap();
    assert_eq!(evaluation["complete"], false);
    assert_eq!(evaluation["tabs"]["mission"]["required"], true);
    assert_eq!(evaluation["fields"]["employeur.siret"]["status"], "invalid");
    assert!(
        evaluation["tabs"]["base"]["invalid"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "employeur.siret" && e["code"] == "siret_checksum")
    );
    assert_eq!(evaluation["fields"]["apprenti.prenom"]["status"], "missing");
    assert_eq!(read(&app, &token).await, before, "nothing stored");
    let anonymous = app
        .post_json(None, "/api/v1/rules/evaluate", &json!({"content": {}}))
        .await;
    assert_problem(anonymous, 401, "unauthenticated").await;
}

async fn anyone_reads_the_field_catalogue(backend: Backend) {
    let app = spawn_app(backend).await;

    let response = app
        .request(Method::GET, "/api/v1/catalogue")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let fields: Vec<Value> = response.json().await.unwrap();
    let field = |key: &str| fields.iter().find(|f| f["key"] == key).unwrap().clone();
    let birth = field("apprenti.dateNaissance");
    assert_eq!(birth["tab"], "alternant");
    assert_eq!(birth["kind"], json!({"type": "date"}));
    assert_eq!(birth["required_when"], "toujours");
    assert_eq!(birth["filled_by"], json!(["alternant"]));
    let diploma = field("apprenti.diplomePrepare");
    assert!(diploma["codes"].as_array().unwrap().len() > 10);
    assert!(diploma["codes"][0]["label"].is_string());
    let equipment = field("employeur.premierEquipement");
    assert_eq!(equipment["on_cerfa"], false);
    assert_eq!(equipment["label"], "Premier équipement");
}

async fn the_employer_of_another_dossier_can_neither_read_nor_write_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    let (invitation, _) = app.invite(&cfa, "autre.alternant@example.fr", "F728").await;
    let other = invitation["dossier_id"].as_str().unwrap();
    let employer = app.login_demo("employeur").await;

    let read = app
        .get_as(&employer, &format!("/api/v1/dossiers/{other}"))
        .await;
    let write = app
        .request(Method::PATCH, &format!("/api/v1/dossiers/{other}"))
        .bearer_auth(&employer)
        .header("if-match", "\"v1\"")
        .json(&json!({"content": {"employeur": {"denomination": "X"}}}))
        .send()
        .await
        .unwrap();
    let history = app
        .get_as(&employer, &format!("/api/v1/dossiers/{other}/history"))
        .await;
    let suivi = app
        .get_as(&employer, &format!("/api/v1/dossiers/{other}/suivi"))
        .await;

    for response in [read, write, history, suivi] {
        assert_problem(response, 404, "dossier_not_found").await;
    }
}

async fn correcting_an_invitation_address_cannot_touch_a_frozen_dossier(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    let (invitation, _) = app.invite(&cfa, "fige@example.fr", "F724").await;
    let id = invitation["dossier_id"].as_str().unwrap();
    let mut dossier = db::queries::dossiers::by_id(&app.state.db, &app.state.seal, id)
        .await
        .unwrap()
        .unwrap();
    dossier.status = domain::Status::Validated.into();
    db::queries::dossiers::save(&app.state.db, &app.state.seal, dossier)
        .await
        .unwrap();

    let response = app
        .request(
            Method::PATCH,
            &format!("/api/v1/invitations/{}", invitation["id"].as_str().unwrap()),
        )
        .bearer_auth(&cfa)
        .json(&json!({"email": "autre@example.fr"}))
        .send()
        .await
        .unwrap();

    assert_problem(response, 409, "dossier_frozen").await;
    let dossier = db::queries::dossiers::by_id(&app.state.db, &app.state.seal, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(dossier.content["apprenti"]["courriel"], "fige@example.fr");
}

async fn a_read_after_any_change_never_shows_the_old_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let apprentice = app.login_demo("alternant").await;
    let employer = app.login_demo("employeur").await;
    let cfa = app.login_demo("cfa").await;
    let first = read(&app, &apprentice).await;
    assert_eq!(
        read(&app, &apprentice).await,
        first,
        "the same answer twice"
    );
    assert_ne!(
        read(&app, &employer).await["permissions"],
        first["permissions"],
        "answers are kept per role"
    );

    patch(
        &app,
        &apprentice,
        Some("\"v1\""),
        &json!({"content": {"apprenti": {"nomUsage": "Durand"}}}),
    )
    .await;
    let after_patch = read(&app, &apprentice).await;
    assert_eq!(after_patch["version"], 2);
    assert_eq!(after_patch["content"]["apprenti"]["nomUsage"], "Durand");

    app.set_mission(&cfa, "00000000-0000-4000-8000-000000000724", "required")
        .await;
    let after_formation = read(&app, &apprentice).await;
    assert_eq!(after_formation["formation"]["mission"], "required");
    assert_eq!(
        after_formation["evaluation"]["tabs"]["mission"]["required"],
        true
    );

    let before_economics = read(&app, &cfa).await;
    assert_eq!(before_economics["economics"]["values"], Value::Null);
    let entered = app
        .enter_economics(&cfa, DEMO_DOSSIER, &crate::helpers::economics())
        .await;
    assert_eq!(entered.status(), 200);
    let after_economics = read(&app, &cfa).await;
    assert_eq!(after_economics["version"], 3);
    assert_eq!(after_economics["economics"]["values"]["opco"], "atlas");

    app.state.clock.advance(chrono::Duration::days(1));
    let apprentice = app.login_demo("alternant").await;
    assert_eq!(read(&app, &apprentice).await["version"], 3);
}

async fn if_match_is_compared_strongly_as_rfc_9110_says(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.login_demo("alternant").await;
    let change = |date: &str| json!({"content": {"apprenti": {"dateNaissance": date}}});

    // A weak tag, an unreadable one or another version never match: 412, nothing written.
    for if_match in ["W/\"v1\"", "v1", "\"1\"", "garbage", "\"v2\""] {
        let refused = patch(&app, &token, Some(if_match), &change("2005-03-10")).await;
        assert_eq!(refused.headers()["etag"], "\"v1\"", "{if_match}");
        assert_problem(refused, 412, "stale_version").await;
    }
    assert_eq!(read(&app, &token).await["version"], 1);

    // Any listed strong tag that is current matches; `*` matches any existing dossier.
    let listed = patch(&app, &token, Some("\"v9\", \"v1\""), &change("2005-03-10")).await;
    assert_eq!(listed.status(), 200);
    let any = patch(&app, &token, Some("*"), &change("2005-03-11")).await;
    assert_eq!(any.status(), 200);
    assert_eq!(any.headers()["etag"], "\"v3\"");
}

async fn a_workflow_action_under_a_stale_if_match_answers_412_like_a_patch(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.login_demo("alternant").await;
    let validate_base = |if_match: &'static str| {
        app.request(
            Method::POST,
            &format!("/api/v1/dossiers/{DEMO_DOSSIER}/base-validation"),
        )
        .bearer_auth(&token)
        .header("if-match", if_match)
        .json(&json!({}))
        .send()
    };

    let stale = validate_base("\"v0\"").await.unwrap();
    assert_problem(stale, 412, "stale_version").await;
    let current = validate_base("\"v1\"").await.unwrap();
    assert_ne!(current.status(), 412);
}
