//! Self-registration with an access code (user guide B.4).

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    both,
    helpers::{Backend, assert_problem, spawn_app},
};

both!(
    an_apprentice_registers_with_an_access_code_and_gets_a_draft_dossier,
    registration_reports_every_invalid_field_at_once,
    registration_with_an_unknown_or_closed_code_says_so_in_french,
    registering_twice_with_one_address_answers_email_taken,
);

fn registration(code: &str, email: &str) -> Value {
    json!({
        "access_code": code,
        "email": email,
        "password": "mon mot de passe à moi",
        "first_name": "Zoé",
        "last_name": "N'Diaye-Laurent"
    })
}

async fn an_apprentice_registers_with_an_access_code_and_gets_a_draft_dossier(backend: Backend) {
    let app = spawn_app(backend).await;

    let response = app
        .post_json(
            None,
            "/api/v1/registrations",
            &registration(" f724‐2 ", "Zoe.Laurent@Example.fr"),
        )
        .await;

    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["user"]["email"], "zoe.laurent@example.fr");
    assert_eq!(body["user"]["role"], "alternant");
    assert_eq!(body["user"]["password_change_required"], false);
    let dossier_id = body["dossier_id"].as_str().unwrap();
    let dossier = db::queries::dossiers::by_id(&app.state.db, &app.state.seal, dossier_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(*dossier.status, domain::Status::Draft);
    assert_eq!(dossier.variant_id, "00000000-0000-4000-8000-000000007242");
    assert_eq!(dossier.content["apprenti"]["prenom"], "Zoé");
    assert_eq!(
        dossier.content["apprenti"]["courriel"],
        "zoe.laurent@example.fr"
    );
    // What the CFA knows of the training is already there, the 2nd year's own start first.
    assert_eq!(
        dossier.content["formation"],
        json!({
            "intituleQualification": "Diplôme d'ingénieur – Informatique et réseaux",
            "codeDiplome": "17031001",
            "rncp": "RNCP35432",
            "dateDebutFormation": "2027-09-01",
            "dateFinFormation": "2029-08-31",
            "dureeFormation": 1800
        })
    );
    // 170… is an engineering diploma, which has no single code on CERFA *14: « diplôme visé »
    // is left to the CFA (the block above has no `typeDiplome`).
    // And the CFA (here the demo CFA of development mode).
    assert_eq!(
        dossier.content["organismeFormation"]["denomination"],
        "CFA Epure Méditerranée"
    );
    assert_eq!(dossier.content["organismeFormation"]["uaiCfa"], "0130221V");

    let token = app
        .login("zoe.laurent@example.fr", "mon mot de passe à moi")
        .await;
    let me: Value = app.get_as(&token, "/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["dossier_ids"], json!([dossier_id]));
    let mail = app
        .delivered_mail("zoe.laurent@example.fr", "inscription est enregistrée")
        .await;
    assert!(
        mail.text
            .contains("Diplôme d'ingénieur – Informatique et réseaux – 2e année")
    );
}

async fn registration_reports_every_invalid_field_at_once(backend: Backend) {
    let app = spawn_app(backend).await;

    let response = app
        .post_json(
            None,
            "/api/v1/registrations",
            &json!({"access_code": "F724", "email": "zoe@", "password": "court", "first_name": "", "last_name": "L4urent"}),
        )
        .await;

    let problem = assert_problem(response, 422, "validation_failed").await;
    let fields: Vec<(&str, &str)> = problem
        .errors
        .iter()
        .map(|e| (e.field.as_str(), e.code.as_str()))
        .collect();
    assert_eq!(
        fields,
        vec![
            ("email", "email_format"),
            ("password", "password_too_short"),
            ("first_name", "required"),
            ("last_name", "name_characters"),
        ]
    );
    assert_eq!(
        db::queries::users::count(&app.state.db).await.unwrap(),
        4,
        "nothing created"
    );
}

async fn registration_with_an_unknown_or_closed_code_says_so_in_french(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut variant = db::queries::formations::variant_by_code(&app.state.db, "F728")
        .await
        .unwrap()
        .unwrap();
    variant.open = false;
    db::queries::formations::save_variant(&app.state.db, variant)
        .await
        .unwrap();

    let unknown = app
        .post_json(
            None,
            "/api/v1/registrations",
            &registration("F999", "a@example.fr"),
        )
        .await;
    let closed = app
        .post_json(
            None,
            "/api/v1/registrations",
            &registration("F728", "b@example.fr"),
        )
        .await;

    let problem = assert_problem(unknown, 422, "validation_failed").await;
    assert_eq!(problem.errors[0].field, "access_code");
    assert_eq!(problem.errors[0].code, "unknown_access_code");
    assert!(problem.errors[0].message.contains("Vérifiez-le"));
    let problem = assert_problem(closed, 422, "validation_failed").await;
    assert_eq!(problem.errors[0].code, "closed_access_code");
    assert!(problem.errors[0].message.contains("F728 est fermé"));
}

async fn registering_twice_with_one_address_answers_email_taken(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = app
        .post_json(
            None,
            "/api/v1/registrations",
            &registration("F728", "zoe@example.fr"),
        )
        .await;
    assert_eq!(first.status(), 201);

    let second = app
        .post_json(
            None,
            "/api/v1/registrations",
            &registration("F724", "ZOE@example.fr"),
        )
        .await;

    let problem = assert_problem(second, 409, "email_taken").await;
    assert!(problem.detail.unwrap().contains("Mot de passe oublié"));
}
