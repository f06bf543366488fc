//! The journeys of user guides A and B, end to end through the API: each party fills its own tabs with
//! the e-mails the guide promises, the check marks appear, the formation validates, the data
//! freeze, the CFA validates the economics and the documents become available.

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    both,
    helpers::{
        Backend, assert_problem, complete_content, economics, ok, password_in, patch_of, spawn_app,
    },
};

both!(
    guide_a_from_invitation_to_validated_dossier,
    guide_b_from_access_code_to_automatic_validation,
);

fn check_marks(dossier: &Value) -> BTreeMap<String, bool> {
    dossier["evaluation"]["tabs"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(tab, e)| (tab.clone(), e["complete"].as_bool().unwrap()))
        .collect()
}

async fn guide_a_from_invitation_to_validated_dossier(backend: Backend) {
    let app = spawn_app(backend).await;
    let content = complete_content();

    // A.1–A.2: the responsable invites; « Bienvenue sur … » carries a one-hour password.
    let responsable = app.login_demo("formation").await;
    let (invitation, password) = app.invite(&responsable, "camille@example.fr", "F724").await;
    let id = invitation["dossier_id"].as_str().unwrap().to_owned();
    let apprentice = app.login("camille@example.fr", &password).await;
    let chosen = app
        .post_json(
            Some(&apprentice),
            "/api/v1/auth/password",
            &json!({"current_password": password, "new_password": "camille choisit le sien"}),
        )
        .await;
    assert_eq!(chosen.status(), 200);
    let apprentice = app
        .login("camille@example.fr", "camille choisit le sien")
        .await;

    // B.6, B.10–B.11: Données de base with the formation's end date for now, then « Valider »
    // opens the tabs and invites the company contact.
    let mut base = patch_of(&content, &app.keys_of_tabs(&["base"]).await);
    base["contrat"]["dateFinContrat"] = json!("2029-08-31");
    base["contactEntreprise"] = json!({"employeurTrouve": true, "courriel": "rh@entreprise-a.fr", "nom": "Durand", "prenom": "Sophie"});
    ok(app.write(&apprentice, &id, base).await).await;
    let opened = ok(app
        .post_json(
            Some(&apprentice),
            &format!("/api/v1/dossiers/{id}/base-validation"),
            &json!({}),
        )
        .await)
    .await;
    assert_eq!(opened["status"], "in_progress");
    assert!(check_marks(&opened)["base"]);
    assert!(!check_marks(&opened)["alternant"]);

    // A.8, A.10: the contact gets their own credentials and fills L'employeur, Le contrat and
    // La mission, with the real contract dates (B.10); A.9: « Premier équipement » is ticked.
    let mail = app.delivered_mail("rh@entreprise-a.fr", "Bienvenue").await;
    let employer = app
        .login("rh@entreprise-a.fr", &password_in(&mail.text))
        .await;
    let mut employer_part = patch_of(
        &content,
        &app.keys_filled_by(&["base", "employeur", "contrat", "mission"], "employeur")
            .await,
    );
    employer_part["contrat"]["dateFinContrat"] = json!("2028-08-31");
    assert_eq!(employer_part["employeur"]["premierEquipement"], true);
    ok(app.write(&employer, &id, employer_part).await).await;
    // The formation completes its part of « Les données du contrat » (the diploma, the place of
    // training), which no party may write.
    let formation_part = patch_of(
        &content,
        &app.keys_filled_by(&["contrat"], "formation").await,
    );
    let after_employer = ok(app.write(&responsable, &id, formation_part).await).await;
    let marks = check_marks(&after_employer);
    assert!(
        marks["employeur"] && marks["contrat"] && marks["mission"],
        "{marks:?}"
    );
    assert!(!marks["alternant"], "the apprentice's tab is still green");

    // A.3–A.7: the apprentice fills L'alternant; the tab gets its check mark.
    let intruding = app
        .write(&employer, &id, json!({"apprenti": {"nir": "x"}}))
        .await;
    assert_problem(intruding, 403, "field_forbidden").await;
    let complete = ok(app
        .write(
            &apprentice,
            &id,
            patch_of(&content, &app.keys_of_tabs(&["alternant"]).await),
        )
        .await)
    .await;
    assert!(
        check_marks(&complete).values().all(|done| *done),
        "{:?}",
        check_marks(&complete)
    );
    assert_eq!(complete["evaluation"]["complete"], true);

    // A.11–A.12, B.14–B.15: « Demande de validation »; the responsable is told, validates;
    // apprentice and employer are told; the data freeze.
    ok(app
        .post_json(
            Some(&apprentice),
            &format!("/api/v1/dossiers/{id}/validation-request"),
            &json!({}),
        )
        .await)
    .await;
    app.delivered_mail("formation@demo.opuntia.test", "demande de validation")
        .await;
    ok(app
        .post_json(
            Some(&responsable),
            &format!("/api/v1/dossiers/{id}/validation"),
            &json!({}),
        )
        .await)
    .await;
    app.delivered_mail("camille@example.fr", "est validé").await;
    app.delivered_mail("rh@entreprise-a.fr", "est validé").await;
    let frozen = app
        .write(&apprentice, &id, json!({"apprenti": {"nomUsage": "X"}}))
        .await;
    assert_problem(frozen, 409, "dossier_frozen").await;

    // A.14, B.16: the CERFA now, the convention once the CFA validated the economics.
    let suivi = |token: String| {
        let app = &app;
        let id = id.clone();
        async move {
            app.get_as(&token, &format!("/api/v1/dossiers/{id}/suivi"))
                .await
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let available = |suivi: &Value, kind: &str| {
        suivi["documents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["kind"] == kind)
            .unwrap()["available"]
            .as_bool()
            .unwrap()
    };
    let validated = suivi(employer.clone()).await;
    assert!(available(&validated, "cerfa"));
    assert!(!available(&validated, "convention"));
    let cfa = app.login_demo("cfa").await;
    ok(app.enter_economics(&cfa, &id, &economics()).await).await;
    ok(app
        .post_json(
            Some(&cfa),
            &format!("/api/v1/dossiers/{id}/economics-validation"),
            &json!({}),
        )
        .await)
    .await;
    let economics = suivi(employer.clone()).await;
    assert!(available(&economics, "convention"));
    assert_eq!(economics["status"], "economics_validated");

    // Every change is in the history, by the party who made it.
    let history: Vec<Value> = app
        .get_as(&cfa, &format!("/api/v1/dossiers/{id}/history"))
        .await
        .json()
        .await
        .unwrap();
    let by_role = |role: &str| {
        history
            .iter()
            .filter(|h| h["author"]["role"] == role)
            .count()
    };
    assert!(by_role("alternant") > 10 && by_role("employeur") > 10);
    assert!(
        history
            .iter()
            .any(|h| h["field"] == "contrat.dateFinContrat"
                && h["new"] == "2028-08-31"
                && h["author"]["role"] == "employeur")
    );
}

async fn guide_b_from_access_code_to_automatic_validation(backend: Backend) {
    let app = spawn_app(backend).await;
    let content = complete_content();

    // B.4: the code of the formation, typed with a long dash; its name and dates are shown.
    let code: Value = app
        .request(Method::GET, "/api/v1/access-codes/f728")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        code["formation"]["title"],
        "Master Management des organisations – alternance"
    );
    let (start, end) = (
        code["formation"]["start_date"].as_str().unwrap().to_owned(),
        code["formation"]["end_date"].as_str().unwrap().to_owned(),
    );
    let registered = app
        .post_json(
            None,
            "/api/v1/registrations",
            &json!({"access_code": "F728", "email": "yanis@example.fr", "password": "yanis a son mot de passe", "first_name": "Yanis", "last_name": "Haddad"}),
        )
        .await;
    assert_eq!(registered.status(), 201);
    let id = registered.json::<Value>().await.unwrap()["dossier_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let apprentice = app
        .login("yanis@example.fr", "yanis a son mot de passe")
        .await;

    // B.9: « Saisie simple » hides « Les données du contrat »; back to « Saisie complète ».
    let simple = ok(app
        .request(Method::PATCH, &format!("/api/v1/dossiers/{id}"))
        .bearer_auth(&apprentice)
        .header("if-match", "\"v1\"")
        .json(&json!({"niveau_saisie": "simple"}))
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(simple["evaluation"]["tabs"]["contrat"]["shown"], false);
    let complete_mode = ok(app
        .request(Method::PATCH, &format!("/api/v1/dossiers/{id}"))
        .bearer_auth(&apprentice)
        .header("if-match", "\"v2\"")
        .json(&json!({"niveau_saisie": "complete"}))
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(
        complete_mode["evaluation"]["tabs"]["contrat"]["shown"],
        true
    );

    // B.10: the formation's dates stand in for the contract's while they are unknown; B.6,
    // B.11: « Valider » opens the tabs and invites the company contact.
    let mut base = patch_of(&content, &app.keys_of_tabs(&["base"]).await);
    base["contrat"]["dateDebutContrat"] = json!(start);
    base["contrat"]["dateFinContrat"] = json!(end);
    base["contactEntreprise"] = json!({"employeurTrouve": true, "courriel": "rh@entreprise-b.fr", "nom": "Leroy", "prenom": "Anne"});
    ok(app.write(&apprentice, &id, base).await).await;
    let opened = ok(app
        .post_json(
            Some(&apprentice),
            &format!("/api/v1/dossiers/{id}/base-validation"),
            &json!({}),
        )
        .await)
    .await;
    assert_eq!(opened["status"], "in_progress");
    // B.13: this formation requires « La mission ».
    assert_eq!(opened["evaluation"]["tabs"]["mission"]["required"], true);

    // B.12: the company contact fills the company's tabs with the real dates; the apprentice
    // fills theirs; B.8: every tab gets its check mark.
    let mail = app.delivered_mail("rh@entreprise-b.fr", "Bienvenue").await;
    let employer = app
        .login("rh@entreprise-b.fr", &password_in(&mail.text))
        .await;
    let mut employer_part = patch_of(
        &content,
        &app.keys_filled_by(&["employeur", "contrat", "mission"], "employeur")
            .await,
    );
    employer_part["contrat"]["dateDebutContrat"] = content["contrat"]["dateDebutContrat"].clone();
    employer_part["contrat"]["dateFinContrat"] = content["contrat"]["dateFinContrat"].clone();
    ok(app.write(&employer, &id, employer_part).await).await;
    let responsable = app.login_demo("formation").await;
    let formation_part = patch_of(
        &content,
        &app.keys_filled_by(&["contrat"], "formation").await,
    );
    ok(app.write(&responsable, &id, formation_part).await).await;
    let complete = ok(app
        .write(
            &apprentice,
            &id,
            patch_of(&content, &app.keys_of_tabs(&["alternant"]).await),
        )
        .await)
    .await;
    assert!(
        check_marks(&complete).values().all(|done| *done),
        "{:?}",
        check_marks(&complete)
    );

    // B.14–B.15: in this formation the request validates at once; the CERFA is there, the
    // convention waits for the CFA (B.16).
    let validated = ok(app
        .post_json(
            Some(&employer),
            &format!("/api/v1/dossiers/{id}/validation-request"),
            &json!({}),
        )
        .await)
    .await;
    assert_eq!(validated["status"], "validated");
    let suivi: Value = app
        .get_as(&apprentice, &format!("/api/v1/dossiers/{id}/suivi"))
        .await
        .json()
        .await
        .unwrap();
    let document = |kind: &str| {
        suivi["documents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["kind"] == kind)
            .unwrap()
            .clone()
    };
    assert_eq!(document("cerfa")["available"], true);
    assert_eq!(document("convention")["available"], false);
    assert!(
        document("convention")["reason"]
            .as_str()
            .unwrap()
            .contains("éléments économiques")
    );
    assert_eq!(document("programme")["available"], true);
    app.delivered_mail("yanis@example.fr", "est validé").await;
}
