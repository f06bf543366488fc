//! The workflow through the API: « Valider » of Données de base and the contact's invitation,
//! « Demande de validation », validation and freezing, return with a comment, economics,
//! reopening — each step with the e-mails the guides promise.

use reqwest::Response;
use serde_json::{Value, json};

use crate::{
    both,
    helpers::{
        Backend, ENGINEERING_ID, TestApp, assert_problem, complete_content, economics, ok,
        password_in, patch_of, spawn_app,
    },
};

const DEMO_DOSSIER: &str = "00000000-0000-4000-8000-00000000d001";

both!(
    base_validation_lists_what_is_missing_then_opens_the_tabs_and_invites_the_contact,
    a_contact_who_already_has_an_account_is_linked_not_duplicated,
    an_incomplete_dossier_cannot_be_sent_for_validation,
    a_complete_dossier_is_validated_by_its_formation_and_frozen_until_reopened,
    a_returned_dossier_carries_the_comment_and_is_editable_again,
    automatic_validation_validates_at_once,
    only_the_right_roles_move_a_dossier,
    suivi_info_tells_the_story_the_documents_and_the_contacts,
    an_apprentice_who_found_an_employer_invites_the_contact_later,
    requiring_the_mission_updates_the_completeness_the_lists_show,
    the_cfa_enters_the_economic_elements_which_staff_alone_see_and_the_history_keeps,
    economic_elements_that_no_longer_fit_the_dossier_are_reported,
);

async fn act(app: &TestApp, token: &str, id: &str, action: &str, body: Value) -> Response {
    app.post_json(
        Some(token),
        &format!("/api/v1/dossiers/{id}/{action}"),
        &body,
    )
    .await
}

/// Writes the whole complete content as CFA staff, who may write every tab while the dossier
/// is being filled.
async fn complete(app: &TestApp, id: &str) {
    let cfa = app.login_demo("cfa").await;
    let mut content = complete_content();
    // Keep the dossier's own contact: the demo employer.
    content["contactEntreprise"]["courriel"] = json!("employeur@demo.opuntia.test");
    let response = app.write(&cfa, id, &content).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let body = app.dossier(&cfa, id).await;
    assert_eq!(
        body["evaluation"]["complete"], true,
        "complete: {}",
        body["evaluation"]["tabs"]
    );
}

async fn base_validation_lists_what_is_missing_then_opens_the_tabs_and_invites_the_contact(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let registered: Value = app
        .post_json(
            None,
            "/api/v1/registrations",
            &json!({"access_code": "F724", "email": "nina@example.fr", "password": "mon mot de passe", "first_name": "Nina", "last_name": "Roussel"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = registered["dossier_id"].as_str().unwrap();
    let token = app.login("nina@example.fr", "mon mot de passe").await;
    let draft = app.dossier(&token, id).await;
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["permissions"]["writable_tabs"], json!(["base"]));

    let refused = act(&app, &token, id, "base-validation", json!({})).await;
    let problem = assert_problem(refused, 422, "validation_failed").await;
    let missing: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    assert!(missing.contains(&"contrat.dateDebutContrat"), "{missing:?}");
    assert!(problem.errors.iter().all(|e| e.code == "required"));

    let base: Vec<String> = draft["evaluation"]["tabs"]["base"]["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_owned())
        .collect();
    let keys: Vec<&str> = base.iter().map(String::as_str).collect();
    let mut fill = patch_of(&complete_content(), &keys);
    fill["contactEntreprise"]["courriel"] = json!("RH@exemple-entreprise.fr");
    fill["contactEntreprise"]["nom"] = json!("Durand");
    fill["contactEntreprise"]["prenom"] = json!("Sophie");
    // F724's exams end on 2029-08-31: the contract must last until then.
    fill["contrat"]["dateFinContrat"] = json!("2029-08-31");
    assert_eq!(app.write(&token, id, &fill).await.status(), 200);
    let validated = ok(act(&app, &token, id, "base-validation", json!({})).await).await;
    assert_eq!(validated["status"], "in_progress");
    assert_eq!(validated["evaluation"]["tabs"]["base"]["complete"], true);
    assert!(
        validated["permissions"]["writable_tabs"]
            .as_array()
            .unwrap()
            .contains(&json!("alternant"))
    );

    let mail = app
        .delivered_mail("rh@exemple-entreprise.fr", "Bienvenue")
        .await;
    assert!(mail.text.contains("Nina Roussel"), "{}", mail.text);
    let contact = app
        .login("rh@exemple-entreprise.fr", &password_in(&mail.text))
        .await;
    let seen = app.dossier(&contact, id).await;
    assert_eq!(seen["id"], id);
    let me: Value = app
        .get_as(&contact, "/api/v1/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["user"]["role"], "employeur");
    assert_eq!(me["user"]["first_name"], "Sophie");
}

async fn a_contact_who_already_has_an_account_is_linked_not_duplicated(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    let (invitation, password) = app.invite(&cfa, "tom@example.fr", "F728").await;
    let id = invitation["dossier_id"].as_str().unwrap();
    let token = app.login("tom@example.fr", &password).await;
    let draft = app.dossier(&token, id).await;
    let keys: Vec<String> = draft["evaluation"]["tabs"]["base"]["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_owned())
        .collect();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let mut fill = patch_of(&complete_content(), &keys);
    fill["contactEntreprise"]["courriel"] = json!("employeur@demo.opuntia.test");
    // F728's exams end on 2028-06-30: the contract ends within two months after.
    fill["contrat"]["dateFinContrat"] = json!("2028-06-30");
    assert_eq!(app.write(&token, id, &fill).await.status(), 200);
    let before = db::queries::users::count(&app.state.db).await.unwrap();

    ok(act(&app, &token, id, "base-validation", json!({})).await).await;

    assert_eq!(
        db::queries::users::count(&app.state.db).await.unwrap(),
        before
    );
    let mail = app
        .delivered_mail("employeur@demo.opuntia.test", "nouveau dossier")
        .await;
    assert!(!mail.text.contains("Mot de passe :"));
    let employer = app.login_demo("employeur").await;
    let me: Value = app
        .get_as(&employer, "/api/v1/me")
        .await
        .json()
        .await
        .unwrap();
    assert!(me["dossier_ids"].as_array().unwrap().contains(&json!(id)));
}

async fn an_incomplete_dossier_cannot_be_sent_for_validation(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.login_demo("alternant").await;

    let response = act(&app, &token, DEMO_DOSSIER, "validation-request", json!({})).await;

    let problem = assert_problem(response, 409, "dossier_incomplete").await;
    let detail = problem.detail.unwrap();
    assert!(detail.contains("« L'alternant »"), "{detail}");
    assert_eq!(
        app.dossier(&token, DEMO_DOSSIER).await["status"],
        "in_progress"
    );
}

async fn a_complete_dossier_is_validated_by_its_formation_and_frozen_until_reopened(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    complete(&app, DEMO_DOSSIER).await;
    let employer = app.login_demo("employeur").await;
    let responsable = app.login_demo("formation").await;
    let cfa = app.login_demo("cfa").await;

    let requested = act(
        &app,
        &employer,
        DEMO_DOSSIER,
        "validation-request",
        json!({}),
    )
    .await;
    assert_eq!(requested.status(), 200);
    let requested: Value = requested.json().await.unwrap();
    assert_eq!(requested["status"], "validation_requested");
    app.delivered_mail("formation@demo.opuntia.test", "demande de validation")
        .await;
    let waiting = app
        .write(
            &employer,
            DEMO_DOSSIER,
            &json!({"employeur": {"denomination": "X"}}),
        )
        .await;
    assert_problem(waiting, 403, "field_forbidden").await;

    let validated = act(&app, &responsable, DEMO_DOSSIER, "validation", json!({})).await;
    assert_eq!(validated.status(), 200);
    let validated: Value = validated.json().await.unwrap();
    assert_eq!(validated["status"], "validated");
    app.delivered_mail("alternant@demo.opuntia.test", "est validé")
        .await;
    app.delivered_mail("employeur@demo.opuntia.test", "est validé")
        .await;
    let frozen = app
        .write(&cfa, DEMO_DOSSIER, &json!({"apprenti": {"nom": "Autre"}}))
        .await;
    assert_problem(frozen, 409, "dossier_frozen").await;

    let too_early = act(&app, &cfa, DEMO_DOSSIER, "economics-validation", json!({})).await;
    assert_problem(too_early, 409, "economics_missing").await;
    ok(app.enter_economics(&cfa, DEMO_DOSSIER, &economics()).await).await;
    let validated = act(&app, &cfa, DEMO_DOSSIER, "economics-validation", json!({})).await;
    assert_eq!(validated.status(), 200);
    app.delivered_mail("alternant@demo.opuntia.test", "convention")
        .await;
    let frozen = app
        .enter_economics(
            &cfa,
            DEMO_DOSSIER,
            &json!({"opco": "akto", "npecAnnuel": 1}),
        )
        .await;
    assert_problem(frozen, 409, "dossier_frozen").await;

    let without_reason = act(&app, &cfa, DEMO_DOSSIER, "reopen", json!({})).await;
    let problem = assert_problem(without_reason, 422, "validation_failed").await;
    assert_eq!(problem.errors[0].field, "comment");
    let reopened = act(
        &app,
        &cfa,
        DEMO_DOSSIER,
        "reopen",
        json!({"reason": "Erreur sur la date de début du contrat."}),
    )
    .await;
    assert_eq!(reopened.status(), 200);
    let reopened: Value = reopened.json().await.unwrap();
    assert_eq!(reopened["status"], "in_progress");
    let mail = app
        .delivered_mail("employeur@demo.opuntia.test", "rouvert")
        .await;
    assert!(
        mail.text
            .contains("Erreur sur la date de début du contrat.")
    );
    assert_eq!(
        app.write(
            &employer,
            DEMO_DOSSIER,
            &json!({"employeur": {"denomination": "ACME"}})
        )
        .await
        .status(),
        200
    );
}

async fn a_returned_dossier_carries_the_comment_and_is_editable_again(backend: Backend) {
    let app = spawn_app(backend).await;
    complete(&app, DEMO_DOSSIER).await;
    let apprentice = app.login_demo("alternant").await;
    let responsable = app.login_demo("formation").await;
    assert_eq!(
        act(
            &app,
            &apprentice,
            DEMO_DOSSIER,
            "validation-request",
            json!({})
        )
        .await
        .status(),
        200
    );

    let silent = act(
        &app,
        &responsable,
        DEMO_DOSSIER,
        "return",
        json!({"comment": "  "}),
    )
    .await;
    assert_problem(silent, 422, "validation_failed").await;
    let returned = act(
        &app,
        &responsable,
        DEMO_DOSSIER,
        "return",
        json!({"comment": "Le maître d'apprentissage doit avoir deux ans d'expérience."}),
    )
    .await;

    assert_eq!(returned.status(), 200);
    let returned: Value = returned.json().await.unwrap();
    assert_eq!(returned["status"], "returned");
    let mail = app
        .delivered_mail("alternant@demo.opuntia.test", "à corriger")
        .await;
    assert!(mail.text.contains("deux ans d'expérience"));
    assert_eq!(
        app.write(
            &apprentice,
            DEMO_DOSSIER,
            &json!({"apprenti": {"nomUsage": "Martin"}})
        )
        .await
        .status(),
        200
    );
    let again = act(
        &app,
        &apprentice,
        DEMO_DOSSIER,
        "validation-request",
        json!({}),
    )
    .await;
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["status"], "validation_requested");
}

async fn automatic_validation_validates_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    let (invitation, password) = app.invite(&cfa, "auto@example.fr", "F728").await;
    let id = invitation["dossier_id"].as_str().unwrap();
    let mut content = complete_content();
    content["contactEntreprise"]["courriel"] = json!("employeur@demo.opuntia.test");
    let base_keys: Vec<String> =
        app.dossier(&cfa, id).await["evaluation"]["tabs"]["base"]["missing"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap().to_owned())
            .collect();
    let keys: Vec<&str> = base_keys.iter().map(String::as_str).collect();
    let mut fill = patch_of(&content, &keys);
    // F728's exams end on 2028-06-30: the contract ends within two months after.
    fill["contrat"]["dateFinContrat"] = json!("2028-06-30");
    ok(app.write(&cfa, id, &fill).await).await;
    ok(act(&app, &cfa, id, "base-validation", json!({})).await).await;
    complete(&app, id).await;
    let apprentice = app.login("auto@example.fr", &password).await;

    let response = act(&app, &apprentice, id, "validation-request", json!({})).await;

    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "validated");
    assert_eq!(body["permissions"]["writable_tabs"], json!([]));
    app.delivered_mail("auto@example.fr", "est validé").await;
    assert!(
        app.mailbox("formation@demo.opuntia.test")
            .await
            .iter()
            .all(|m| !m.subject.contains("demande de validation")),
        "no responsable to ask in automatic mode"
    );
}

async fn only_the_right_roles_move_a_dossier(backend: Backend) {
    let app = spawn_app(backend).await;
    let apprentice = app.login_demo("alternant").await;
    let employer = app.login_demo("employeur").await;
    let responsable = app.login_demo("formation").await;

    for (token, action) in [
        (&employer, "base-validation"),
        (&apprentice, "validation"),
        (&employer, "economics-validation"),
        (&responsable, "economics-validation"),
        (&responsable, "validation-request"),
    ] {
        let response = act(&app, token, DEMO_DOSSIER, action, json!({"comment": "x"})).await;
        assert_problem(response, 403, "forbidden").await;
    }
    let cfa = app.login_demo("cfa").await;
    let not_now = act(&app, &cfa, DEMO_DOSSIER, "validation", json!({})).await;
    assert_problem(not_now, 409, "invalid_transition").await;
}

async fn suivi(app: &TestApp, token: &str, id: &str) -> Value {
    app.get_as(token, &format!("/api/v1/dossiers/{id}/suivi"))
        .await
        .json()
        .await
        .unwrap()
}

fn document<'a>(suivi: &'a Value, kind: &str) -> &'a Value {
    suivi["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == kind)
        .unwrap()
}

async fn suivi_info_tells_the_story_the_documents_and_the_contacts(backend: Backend) {
    let app = spawn_app(backend).await;
    let apprentice = app.login_demo("alternant").await;
    // The formation has no programme (the demo's is removed): Suivi says whom to tell.
    let cfa = app.login_demo("cfa").await;
    let removed = app
        .request(
            reqwest::Method::DELETE,
            &format!("/api/v1/formations/{ENGINEERING_ID}/annexes/programme"),
        )
        .bearer_auth(&cfa)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), 204);

    let before = suivi(&app, &apprentice, DEMO_DOSSIER).await;
    assert_eq!(before["status_label"], "En cours de saisie");
    assert_eq!(before["complete"], false);
    assert!(
        before["incomplete_tabs"]
            .as_array()
            .unwrap()
            .contains(&json!("L'alternant"))
    );
    assert!(
        before["actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["key"] == "request_validation" && a["label"] == "Demande de validation")
    );
    assert_eq!(document(&before, "cerfa")["available"], false);
    assert!(
        document(&before, "cerfa")["reason"]
            .as_str()
            .unwrap()
            .contains("validé par la formation")
    );
    assert_eq!(document(&before, "calendrier")["available"], true);
    assert!(
        document(&before, "programme")["reason"]
            .as_str()
            .unwrap()
            .contains("informez-en votre conseiller CFA")
    );
    let roles: Vec<&str> = before["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["role"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles,
        vec![
            "Contact CFA – contrats d'apprentissage",
            "Contact de l'école"
        ]
    );

    complete(&app, DEMO_DOSSIER).await;
    ok(act(
        &app,
        &apprentice,
        DEMO_DOSSIER,
        "validation-request",
        json!({}),
    )
    .await)
    .await;
    let responsable = app.login_demo("formation").await;
    ok(act(
        &app,
        &responsable,
        DEMO_DOSSIER,
        "return",
        json!({"comment": "Précisez l'intitulé du poste."}),
    )
    .await)
    .await;
    let returned = suivi(&app, &apprentice, DEMO_DOSSIER).await;
    assert_eq!(returned["status"], "returned");
    assert_eq!(returned["return_comment"], "Précisez l'intitulé du poste.");
    let timeline: Vec<(&str, &str)> = returned["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["action_label"].as_str().unwrap(),
                t["author"]["role"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        timeline,
        vec![
            ("Demande de validation", "alternant"),
            ("Renvoyer pour correction", "formation"),
        ]
    );

    ok(act(
        &app,
        &apprentice,
        DEMO_DOSSIER,
        "validation-request",
        json!({}),
    )
    .await)
    .await;
    ok(act(&app, &responsable, DEMO_DOSSIER, "validation", json!({})).await).await;
    let validated = suivi(&app, &apprentice, DEMO_DOSSIER).await;
    assert_eq!(validated["return_comment"], Value::Null);
    assert_eq!(document(&validated, "cerfa")["available"], true);
    assert_eq!(document(&validated, "convention")["available"], false);
    ok(app.enter_economics(&cfa, DEMO_DOSSIER, &economics()).await).await;
    ok(act(&app, &cfa, DEMO_DOSSIER, "economics-validation", json!({})).await).await;
    let validated = suivi(&app, &apprentice, DEMO_DOSSIER).await;
    assert_eq!(document(&validated, "convention")["available"], true);
}

/// User guide A.8: the employer was not known at « Valider »; later the apprentice ticks « J'ai
/// trouvé un employeur », gives the SIRET and the contact's address, and the contact is invited.
async fn an_apprentice_who_found_an_employer_invites_the_contact_later(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    let (invitation, password) = app.invite(&cfa, "sans.employeur@example.fr", "F724").await;
    let id = invitation["dossier_id"].as_str().unwrap();
    let token = app.login("sans.employeur@example.fr", &password).await;
    let draft = app.dossier(&token, id).await;
    let keys: Vec<String> = draft["evaluation"]["tabs"]["base"]["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_owned())
        .filter(|k| !k.starts_with("contactEntreprise") && k != "employeur.siret")
        .collect();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let mut fill = patch_of(&complete_content(), &keys);
    fill["contrat"]["dateFinContrat"] = json!("2029-08-31");
    fill["contactEntreprise"] = json!({"employeurTrouve": false});
    ok(app.write(&token, id, &fill).await).await;
    let opened = ok(act(&app, &token, id, "base-validation", json!({})).await).await;
    assert_eq!(opened["status"], "in_progress");

    let found = json!({
        "contactEntreprise": {"employeurTrouve": true, "courriel": "drh@trouvee.example.fr", "nom": "Petit", "prenom": "Marc"},
        "employeur": {"siret": "73282932000074"}
    });
    ok(app.write(&token, id, &found).await).await;
    ok(act(&app, &token, id, "base-validation", json!({})).await).await;

    let mail = app
        .delivered_mail("drh@trouvee.example.fr", "Bienvenue")
        .await;
    let contact = app
        .login("drh@trouvee.example.fr", &password_in(&mail.text))
        .await;
    assert_eq!(app.dossier(&contact, id).await["id"], id);
}

async fn complete_count(app: &TestApp, token: &str) -> u64 {
    let page: Value = app
        .get_as(token, "/api/v1/dossiers?complete=true")
        .await
        .json()
        .await
        .unwrap();
    page["total"].as_u64().unwrap()
}

async fn requiring_the_mission_updates_the_completeness_the_lists_show(backend: Backend) {
    let app = spawn_app(backend).await;
    complete(&app, DEMO_DOSSIER).await;
    let cfa = app.login_demo("cfa").await;
    let without_mission = json!({"mission": null});
    ok(app.write(&cfa, DEMO_DOSSIER, &without_mission).await).await;
    assert_eq!(
        complete_count(&app, &cfa).await,
        1,
        "the mission is optional"
    );

    app.set_mission(&cfa, "00000000-0000-4000-8000-000000000724", "required")
        .await;

    assert_eq!(
        complete_count(&app, &cfa).await,
        0,
        "now the mission is missing"
    );
    let dossier = app.dossier(&cfa, DEMO_DOSSIER).await;
    assert_eq!(dossier["evaluation"]["complete"], false);
}

async fn the_cfa_enters_the_economic_elements_which_staff_alone_see_and_the_history_keeps(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    complete(&app, DEMO_DOSSIER).await;
    let cfa = app.login_demo("cfa").await;
    let responsable = app.login_demo("formation").await;
    let apprentice = app.login_demo("alternant").await;
    let employer = app.login_demo("employeur").await;

    let before = app.dossier(&cfa, DEMO_DOSSIER).await;
    assert_eq!(before["permissions"]["edit_economics"], true);
    assert_eq!(before["economics"]["values"], Value::Null);
    assert_eq!(before["economics"]["ready"], false);
    for party in [&apprentice, &employer] {
        let seen = app.dossier(party, DEMO_DOSSIER).await;
        assert!(seen.get("economics").is_none(), "{seen}");
        assert_eq!(seen["permissions"]["edit_economics"], false);
        let refused = app.enter_economics(party, DEMO_DOSSIER, &economics()).await;
        assert_problem(refused, 403, "forbidden").await;
    }
    let refused = app
        .enter_economics(&responsable, DEMO_DOSSIER, &economics())
        .await;
    assert_problem(refused, 403, "forbidden").await;

    let invalid = app
        .enter_economics(
            &cfa,
            DEMO_DOSSIER,
            &json!({"opco": "inconnu", "premierEquipement": 650, "reduction": 1}),
        )
        .await;
    let problem = assert_problem(invalid, 422, "validation_failed").await;
    let fields: Vec<(&str, &str)> = problem
        .errors
        .iter()
        .map(|e| (e.field.as_str(), e.code.as_str()))
        .collect();
    assert_eq!(
        fields,
        vec![
            ("economics", "unknown_field"),
            ("npecAnnuel", "required"),
            ("premierEquipement", "above_ceiling"),
            ("opco", "unknown_code"),
        ]
    );
    assert_eq!(
        app.dossier(&cfa, DEMO_DOSSIER).await["version"],
        before["version"]
    );

    let stale = app
        .request(
            reqwest::Method::PUT,
            &format!("/api/v1/dossiers/{DEMO_DOSSIER}/economics"),
        )
        .bearer_auth(&cfa)
        .header("if-match", "\"v1\"")
        .json(&economics())
        .send()
        .await
        .unwrap();
    assert_problem(stale, 412, "stale_version").await;

    let entered: Value = ok(app.enter_economics(&cfa, DEMO_DOSSIER, &economics()).await).await;
    assert_eq!(
        entered["version"].as_i64(),
        before["version"].as_i64().map(|v| v + 1)
    );
    let summary = &entered["economics"]["summary"];
    assert_eq!(entered["economics"]["ready"], true);
    assert_eq!(summary["opco_label"], "ATLAS");
    assert_eq!(summary["plafond_repas"], 360.0);
    assert_eq!(summary["frais_annexes"], 660.0);
    assert_eq!(summary["npec_retenu"], 9000.0);
    // A master's degree (level 7) concluded after 1 July 2025: the employer pays 750 €.
    assert_eq!(summary["participation_employeur"], 750.0);
    assert_eq!(entered["economics"]["values"]["premierEquipement"], 300.0);
    let seen = app.dossier(&responsable, DEMO_DOSSIER).await;
    assert_eq!(seen["economics"]["summary"], *summary);
    assert_eq!(seen["permissions"]["edit_economics"], false);

    let mut changed = economics();
    changed["opco"] = json!("akto");
    ok(app.enter_economics(&cfa, DEMO_DOSSIER, &changed).await).await;
    let history: Vec<Value> = app
        .get_as(&cfa, &format!("/api/v1/dossiers/{DEMO_DOSSIER}/history"))
        .await
        .json()
        .await
        .unwrap();
    let opco: Vec<(&Value, &Value)> = history
        .iter()
        .filter(|entry| entry["field"] == "economics.opco")
        .map(|entry| (&entry["old"], &entry["new"]))
        .collect();
    assert_eq!(
        opco,
        vec![
            (&Value::Null, &json!("atlas")),
            (&json!("atlas"), &json!("akto"))
        ]
    );
    assert!(
        history
            .iter()
            .filter(|entry| entry["field"] == "economics.opco")
            .all(|entry| entry["author"]["role"] == "cfa")
    );
}

/// The employer turns out to be public after the CFA entered an OPCO: the elements are kept but
/// reported, and the economic validation waits for them to be corrected.
async fn economic_elements_that_no_longer_fit_the_dossier_are_reported(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    ok(app.enter_economics(&cfa, DEMO_DOSSIER, &economics()).await).await;

    ok(app
        .write(
            &cfa,
            DEMO_DOSSIER,
            &json!({"employeur": {"privePublic": "public"}}),
        )
        .await)
    .await;
    let body = app.dossier(&cfa, DEMO_DOSSIER).await;
    assert_eq!(body["economics"]["ready"], false);
    assert_eq!(body["economics"]["values"]["opco"], "atlas");
    assert_eq!(body["economics"]["issues"][0]["field"], "opco");
    assert_eq!(body["economics"]["issues"][0]["code"], "public_employer");

    let corrected = app
        .enter_economics(&cfa, DEMO_DOSSIER, &json!({"npecAnnuel": 9000}))
        .await;
    let corrected: Value = ok(corrected).await;
    assert_eq!(corrected["economics"]["ready"], true);
    assert_eq!(
        corrected["economics"]["summary"]["participation_employeur"],
        0.0
    );
}
