//! Invitations, one and in bulk: rights, the mailed password, idempotency, renewal, correction.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    both,
    helpers::{Backend, TestApp, assert_problem, password_in, spawn_app},
};

both!(
    a_responsable_invites_an_apprentice_who_signs_in_with_the_mailed_password,
    only_responsables_of_the_formation_and_cfa_staff_invite,
    inviting_an_apprentice_twice_to_a_formation_answers_already_invited,
    an_apprentice_of_another_formation_gets_a_new_dossier_on_their_account,
    a_bulk_json_call_reports_each_row_of_a_mixed_batch,
    a_bulk_csv_file_with_french_headers_and_semicolons_is_read,
    bulk_rows_repeating_an_address_or_an_existing_user_are_reported,
    a_bulk_retry_with_the_same_idempotency_key_creates_nothing_twice,
    a_bulk_call_over_ten_thousand_rows_is_refused_whole,
    a_bulk_of_several_slices_sees_every_row_before_each_row,
    renewing_an_invitation_mails_a_new_one_hour_password,
    correcting_an_invitation_address_moves_the_account_there,
);

fn row(email: &str, code: &str) -> Value {
    json!({"email": email, "first_name": "Sami", "last_name": "Haddad", "access_code": code})
}

async fn bulk(app: &TestApp, token: &str, body: &Value, key: Option<&str>) -> reqwest::Response {
    let mut request = app
        .request(Method::POST, "/api/v1/invitations/bulk")
        .bearer_auth(token)
        .json(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.unwrap()
}

async fn bulk_csv(app: &TestApp, token: &str, csv: &str) -> reqwest::Response {
    app.request(Method::POST, "/api/v1/invitations/bulk")
        .bearer_auth(token)
        .header("content-type", "text/csv; charset=utf-8")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap()
}

fn statuses(report: &Value) -> Vec<String> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap().to_owned())
        .collect()
}

async fn users(app: &TestApp) -> u64 {
    db::queries::users::count(&app.state.db).await.unwrap()
}

async fn a_responsable_invites_an_apprentice_who_signs_in_with_the_mailed_password(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let staff = app.login_demo("formation").await;

    let (invitation, password) = app.invite(&staff, "Sami.Haddad@example.fr", "F724-2").await;

    assert_eq!(invitation["email"], "sami.haddad@example.fr");
    assert_eq!(invitation["access_code"], "F724-2");
    assert_eq!(invitation["accepted"], false);
    assert!(invitation["password_expires_at"].is_string());
    let mail = app
        .delivered_mail("sami.haddad@example.fr", "Bienvenue sur Opuntia")
        .await;
    assert!(mail.text.contains("valable que pendant une heure"));
    assert!(mail.text.contains("Identifiant : sami.haddad@example.fr"));
    assert!(mail.html.contains(&password));
    let token = app.login("sami.haddad@example.fr", &password).await;
    let me: Value = app.get_as(&token, "/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["dossier_ids"], json!([invitation["dossier_id"]]));
    let listed: Vec<Value> = app
        .get_as(&staff, "/api/v1/invitations")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["id"], invitation["id"]);
    assert_eq!(listed[0]["accepted"], true);
}

async fn only_responsables_of_the_formation_and_cfa_staff_invite(backend: Backend) {
    let app = spawn_app(backend).await;
    for role in ["alternant", "employeur"] {
        let token = app.login_demo(role).await;
        let single = app
            .post_json(
                Some(&token),
                "/api/v1/invitations",
                &row("x@example.fr", "F724"),
            )
            .await;
        assert_problem(single, 403, "forbidden").await;
        let many = bulk(&app, &token, &json!([row("x@example.fr", "F724")]), None).await;
        assert_problem(many, 403, "forbidden").await;
    }
    // A responsable of another formation only.
    let cfa = app.login_demo("cfa").await;
    let created: Value = app
        .post_json(
            Some(&cfa),
            "/api/v1/users",
            &json!({"email": "autre.responsable@example.fr", "first_name": "Paul", "last_name": "Girard", "role": "formation"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(created["role"], "formation");
    let mail = app
        .delivered_mail("autre.responsable@example.fr", "Bienvenue")
        .await;
    let other = app
        .login("autre.responsable@example.fr", &password_in(&mail.text))
        .await;

    let single = app
        .post_json(
            Some(&other),
            "/api/v1/invitations",
            &row("x@example.fr", "F724"),
        )
        .await;
    assert_problem(single, 403, "forbidden").await;
    let report: Value = bulk(&app, &other, &json!([row("x@example.fr", "F724")]), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        report["results"][0]["errors"][0]["code"],
        "forbidden_formation"
    );
    assert_eq!(
        app.post_json(
            Some(&cfa),
            "/api/v1/invitations",
            &row("x@example.fr", "F724")
        )
        .await
        .status(),
        201
    );
}

async fn inviting_an_apprentice_twice_to_a_formation_answers_already_invited(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.login_demo("formation").await;
    app.invite(&staff, "sami@example.fr", "F724").await;

    let again = app
        .post_json(
            Some(&staff),
            "/api/v1/invitations",
            &row("SAMI@example.fr", "F724-2"),
        )
        .await;

    let problem = assert_problem(again, 409, "already_invited").await;
    assert!(problem.detail.unwrap().contains("renouvelez"));
    let employer = app
        .post_json(
            Some(&staff),
            "/api/v1/invitations",
            &row("employeur@demo.opuntia.test", "F724"),
        )
        .await;
    assert_problem(employer, 409, "email_in_use").await;
}

async fn an_apprentice_of_another_formation_gets_a_new_dossier_on_their_account(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.login_demo("formation").await;

    let response = app
        .post_json(
            Some(&staff),
            "/api/v1/invitations",
            &row("alternant@demo.opuntia.test", "F728"),
        )
        .await;

    assert_eq!(response.status(), 201);
    let mail = app
        .delivered_mail("alternant@demo.opuntia.test", "nouveau dossier")
        .await;
    assert!(!mail.text.contains("Mot de passe :"), "no new password");
    let token = app.login_demo("alternant").await;
    let me: Value = app.get_as(&token, "/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["dossier_ids"].as_array().unwrap().len(), 2);
}

async fn a_bulk_json_call_reports_each_row_of_a_mixed_batch(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.login_demo("formation").await;
    let before = users(&app).await;

    let response = bulk(
        &app,
        &staff,
        &json!([
            row("un@example.fr", "F724"),
            {"email": "pas-une-adresse", "first_name": "", "last_name": "Haddad", "access_code": "F999"},
            row("deux@example.fr", "f728"),
        ]),
        None,
    )
    .await;

    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    assert_eq!(statuses(&report), vec!["created", "error", "created"]);
    assert_eq!(
        report["summary"],
        json!({"created": 2, "already_invited": 0, "errors": 1})
    );
    let refused = &report["results"][1];
    assert_eq!(refused["row"], 2);
    let codes: Vec<&str> = refused["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        vec!["email_format", "required", "unknown_access_code"]
    );
    assert!(report["results"][0]["dossier_id"].is_string());
    assert_eq!(users(&app).await, before + 2);
    app.delivered_mail("deux@example.fr", "Bienvenue").await;
}

async fn a_bulk_csv_file_with_french_headers_and_semicolons_is_read(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.login_demo("cfa").await;
    let csv = "\u{feff}Courriel;Prénom;Nom;Code\r\n\
               lina.moreau@example.fr;Lina;Moreau;F724\r\n\
               \r\n\
               \"theo.blanc@example.fr\";Théo;\"Blanc; de la Tour\";F728\r\n";

    let response = bulk_csv(&app, &staff, csv).await;

    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    assert_eq!(statuses(&report), vec!["created", "error"]);
    assert_eq!(report["results"][1]["errors"][0]["field"], "last_name");
    let bad_header = bulk_csv(&app, &staff, "mail,name\na@b.fr,x\n").await;
    let problem = assert_problem(bad_header, 400, "csv_header").await;
    assert!(problem.detail.unwrap().contains("first_name"));
    let other_type = app
        .request(Method::POST, "/api/v1/invitations/bulk")
        .bearer_auth(&staff)
        .header("content-type", "application/xml")
        .body("<x/>")
        .send()
        .await
        .unwrap();
    assert_problem(other_type, 415, "unsupported_media_type").await;
}

async fn bulk_rows_repeating_an_address_or_an_existing_user_are_reported(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.login_demo("formation").await;
    app.invite(&staff, "deja@example.fr", "F724").await;

    let report: Value = bulk(
        &app,
        &staff,
        &json!([
            row("nouveau@example.fr", "F724"),
            row("deja@example.fr", "F724-2"),
            row("Nouveau@example.fr", "F728"),
            row("employeur@demo.opuntia.test", "F724"),
        ]),
        None,
    )
    .await
    .json()
    .await
    .unwrap();

    assert_eq!(
        statuses(&report),
        vec!["created", "already_invited", "error", "error"]
    );
    assert_eq!(
        report["results"][2]["errors"][0]["code"],
        "duplicate_in_request"
    );
    assert!(
        report["results"][2]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("ligne 1")
    );
    assert_eq!(report["results"][3]["errors"][0]["code"], "email_in_use");
    assert_eq!(app.mailbox("nouveau@example.fr").await.len(), 1);
}

async fn a_bulk_retry_with_the_same_idempotency_key_creates_nothing_twice(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.login_demo("cfa").await;
    let body = json!([row("a@example.fr", "F724"), row("b@example.fr", "F728")]);

    let first = bulk(&app, &staff, &body, Some("import-2026-11-24")).await;
    assert_eq!(first.status(), 200);
    let first: Value = first.json().await.unwrap();
    let count = users(&app).await;
    let mails = app.mailbox("a@example.fr").await.len();

    let retry = bulk(&app, &staff, &body, Some("import-2026-11-24")).await;
    assert_eq!(retry.status(), 200);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    let retry: Value = retry.json().await.unwrap();
    assert_eq!(retry, first, "the first answer, replayed");
    assert_eq!(users(&app).await, count);
    assert_eq!(app.mailbox("a@example.fr").await.len(), mails);

    let other_body = bulk(
        &app,
        &staff,
        &json!([row("c@example.fr", "F724")]),
        Some("import-2026-11-24"),
    )
    .await;
    let problem = assert_problem(other_body, 422, "validation_failed").await;
    assert_eq!(problem.errors[0].code, "idempotency_key_reused");

    let without_key: Value = bulk(&app, &staff, &body, None).await.json().await.unwrap();
    assert_eq!(
        statuses(&without_key),
        vec!["already_invited", "already_invited"]
    );
    assert_eq!(users(&app).await, count);
}

async fn a_bulk_call_over_ten_thousand_rows_is_refused_whole(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.login_demo("cfa").await;
    let mut csv = String::from("email,first_name,last_name,access_code\n");
    for n in 0..10_001 {
        csv.push_str(&format!("a{n}@example.fr,Sami,Haddad,F724\n"));
    }
    let before = users(&app).await;

    let response = bulk_csv(&app, &staff, &csv).await;

    let problem = assert_problem(response, 413, "too_many_rows").await;
    assert!(problem.detail.unwrap().contains("10000"));
    assert_eq!(users(&app).await, before);
}

async fn a_bulk_of_several_slices_sees_every_row_before_each_row(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.login_demo("cfa").await;
    let mut csv = String::from("email,first_name,last_name,access_code\n");
    for n in 1..=2_500 {
        let email = match n {
            1_200 => "tranche.3@example.fr".to_owned(),
            2_100 => "TRANCHE.1500@example.fr".to_owned(),
            n => format!("tranche.{n}@example.fr"),
        };
        csv.push_str(&format!("{email},Sami,Haddad,F724\n"));
    }
    let before = users(&app).await;

    let response = bulk_csv(&app, &staff, &csv).await;

    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["summary"]["created"], 2_498);
    assert_eq!(report["summary"]["errors"], 2);
    for (row, first) in [(1_200, 3), (2_100, 1_500)] {
        let result = &report["results"][row - 1];
        assert_eq!(result["row"], row);
        assert_eq!(result["errors"][0]["code"], "duplicate_in_request");
        let message = result["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(&format!("ligne {first} ")), "{message}");
    }
    let mut dossiers: Vec<&str> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["dossier_id"].as_str())
        .collect();
    dossiers.sort_unstable();
    dossiers.dedup();
    assert_eq!(dossiers.len(), 2_498);
    assert_eq!(users(&app).await, before + 2_498);
}

async fn renewing_an_invitation_mails_a_new_one_hour_password(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.login_demo("formation").await;
    let (invitation, first) = app.invite(&staff, "retard@example.fr", "F724").await;
    app.state.clock.advance(Duration::hours(3));
    assert_problem(
        app.try_login("retard@example.fr", &first).await,
        401,
        "generated_password_expired",
    )
    .await;
    let staff = app.login_demo("formation").await;

    let renewed = app
        .post_json(
            Some(&staff),
            &format!(
                "/api/v1/invitations/{}/renew",
                invitation["id"].as_str().unwrap()
            ),
            &json!({}),
        )
        .await;

    assert_eq!(renewed.status(), 200);
    let mails = app.mailbox("retard@example.fr").await;
    assert_eq!(mails.len(), 2);
    let second = password_in(&mails[0].text);
    assert_ne!(second, first);
    app.login("retard@example.fr", &second).await;
    assert_problem(
        app.try_login("retard@example.fr", &first).await,
        401,
        "invalid_credentials",
    )
    .await;
}

async fn correcting_an_invitation_address_moves_the_account_there(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.login_demo("formation").await;
    let (invitation, wrong_password) = app.invite(&staff, "faute@exemple.fr", "F724").await;
    let path = format!("/api/v1/invitations/{}", invitation["id"].as_str().unwrap());

    let corrected = app
        .request(Method::PATCH, &path)
        .bearer_auth(&staff)
        .json(&json!({"email": "juste@example.fr"}))
        .send()
        .await
        .unwrap();

    assert_eq!(corrected.status(), 200);
    let body: Value = corrected.json().await.unwrap();
    assert_eq!(body["email"], "juste@example.fr");
    let mail = app.delivered_mail("juste@example.fr", "Bienvenue").await;
    let token = app
        .login("juste@example.fr", &password_in(&mail.text))
        .await;
    assert_problem(
        app.try_login("faute@exemple.fr", &wrong_password).await,
        401,
        "invalid_credentials",
    )
    .await;
    let dossier = db::queries::dossiers::by_id(
        &app.state.db,
        &app.state.seal,
        body["dossier_id"].as_str().unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(dossier.content["apprenti"]["courriel"], "juste@example.fr");
    // Changed as any field is: in the history, by the staff who corrected it, with the listing
    // and completeness recomputed.
    let dossier_path = format!("/api/v1/dossiers/{}", dossier.id);
    let history: Vec<Value> = app
        .get_as(&staff, &format!("{dossier_path}/history"))
        .await
        .json()
        .await
        .unwrap();
    let entry = history
        .iter()
        .find(|e| e["field"] == "apprenti.courriel")
        .expect("the correction is in the history");
    assert_eq!(entry["old"], "faute@exemple.fr");
    assert_eq!(entry["new"], "juste@example.fr");
    assert_eq!(entry["author"]["role"], "formation");
    let read: Value = app
        .get_as(&staff, &dossier_path)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["version"], dossier.version);
    assert_eq!(
        dossier.apprentice_email.as_deref(),
        Some("juste@example.fr")
    );
    assert_eq!(
        dossier.complete,
        Some(read["evaluation"]["complete"].as_bool().unwrap())
    );

    let after_login = app
        .request(Method::PATCH, &path)
        .bearer_auth(&staff)
        .json(&json!({"email": "encore@example.fr"}))
        .send()
        .await
        .unwrap();
    assert_problem(after_login, 409, "invitation_accepted").await;
    drop(token);
}
