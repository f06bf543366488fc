//! Formations, variants and access codes.

use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    both,
    helpers::{Backend, ENGINEERING_ID, TestApp, assert_problem, spawn_app},
};

both!(
    cfa_staff_create_a_formation_then_add_variants_and_close_a_code,
    formation_settings_are_checked_field_by_field,
    only_cfa_staff_change_formations,
    a_responsable_sees_only_their_formations,
    an_access_code_belongs_to_one_formation,
    an_access_code_is_found_whatever_dash_or_case_is_typed,
    an_unknown_or_closed_access_code_is_refused_with_a_french_reason,
    a_new_dossier_starts_with_what_its_formation_tells,
);

pub(crate) fn formation_request(responsables: &[&str]) -> Value {
    json!({
        "title": "BTS Management commercial opérationnel",
        "school": "Lycée de démonstration",
        "diploma_code": "32031213",
        "rncp": "RNCP38362",
        "start_date": "2026-09-07",
        "end_date": "2028-06-30",
        "hours": 1350,
        "contract_types": ["apprentissage", "professionnalisation"],
        "validation_mode": "automatic",
        "mission": "hidden",
        "responsable_ids": responsables,
        "contacts": {
            "apprentissage": {"name": "Service apprentissage", "email": "Apprentissage@CFA.example.fr", "phone": "04 91 12 34 56"},
            "school": {"name": "Secrétariat", "email": "secretariat@lycee.example.fr"}
        }
    })
}

async fn create_formation(app: &TestApp, token: &str) -> Value {
    let response = app
        .post_json(Some(token), "/api/v1/formations", &formation_request(&[]))
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

async fn cfa_staff_create_a_formation_then_add_variants_and_close_a_code(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;

    let formation = create_formation(&app, &cfa).await;
    assert_eq!(formation["title"], "BTS Management commercial opérationnel");
    assert_eq!(formation["rncp"], "RNCP38362");
    assert_eq!(formation["validation_mode"], "automatic");
    assert_eq!(
        formation["contacts"]["apprentissage"]["email"],
        "apprentissage@cfa.example.fr"
    );
    assert_eq!(
        formation["contacts"]["apprentissage"]["phone"],
        "+33491123456"
    );
    let id = formation["id"].as_str().unwrap();

    let base = app
        .post_json(
            Some(&cfa),
            &format!("/api/v1/formations/{id}/variants"),
            &json!({"access_code": " f731 ", "label": "1re et 2e années"}),
        )
        .await;
    assert_eq!(base.status(), 201);
    let second = app
        .post_json(
            Some(&cfa),
            &format!("/api/v1/formations/{id}/variants"),
            &json!({"access_code": "F731—2", "label": "2e année", "start_date": "2027-09-06"}),
        )
        .await;
    assert_eq!(second.status(), 201);
    let second: Value = second.json().await.unwrap();
    assert_eq!(second["access_code"], "F731-2");
    assert_eq!(second["open"], true);

    let closed = app
        .request(
            Method::PATCH,
            &format!(
                "/api/v1/formations/{id}/variants/{}",
                second["id"].as_str().unwrap()
            ),
        )
        .bearer_auth(&cfa)
        .json(&json!({"open": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(closed.status(), 200);
    let closed: Value = closed.json().await.unwrap();
    assert_eq!(closed["open"], false);

    let read: Value = app
        .get_as(&cfa, &format!("/api/v1/formations/{id}"))
        .await
        .json()
        .await
        .unwrap();
    let codes: Vec<&str> = read["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["access_code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["F731", "F731-2"]);

    let mut update = formation_request(&["00000000-0000-4000-8000-000000000002"]);
    update["mission"] = json!("required");
    let updated = app
        .request(Method::PUT, &format!("/api/v1/formations/{id}"))
        .bearer_auth(&cfa)
        .json(&update)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), 200);
    let updated: Value = updated.json().await.unwrap();
    assert_eq!(updated["mission"], "required");
    assert_eq!(
        updated["responsables"][0]["email"],
        "formation@demo.opuntia.test"
    );
}

async fn formation_settings_are_checked_field_by_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    let mut request = formation_request(&["00000000-0000-4000-8000-000000000004"]);
    request["title"] = json!("");
    request["rncp"] = json!("RS5678");
    request["end_date"] = json!("2025-01-01");
    request["contract_types"] = json!([]);
    request["contacts"]["school"]["email"] = json!("pas-une-adresse");
    request["training_site"] =
        json!({"memeResponsable": false, "uaiCfa": "0131842A", "adresse": {"pays": "France"}});

    let response = app
        .post_json(Some(&cfa), "/api/v1/formations", &request)
        .await;

    let problem = assert_problem(response, 422, "validation_failed").await;
    let fields: Vec<(&str, &str)> = problem
        .errors
        .iter()
        .map(|e| (e.field.as_str(), e.code.as_str()))
        .collect();
    for expected in [
        ("title", "required"),
        ("rncp", "rncp_repertoire_specifique"),
        ("end_date", "end_before_start"),
        ("contract_types", "required"),
        ("responsable_ids", "unknown_responsable"),
        ("contacts.school.email", "email_format"),
        ("training_site.denomination", "required"),
        ("training_site.uaiCfa", "uai_key"),
        ("training_site.adresse.pays", "unknown_field"),
    ] {
        assert!(fields.contains(&expected), "{expected:?} in {fields:?}");
    }
    assert!(problem.errors.iter().all(|e| !e.message.is_empty()));
}

async fn only_cfa_staff_change_formations(backend: Backend) {
    let app = spawn_app(backend).await;
    for role in ["formation", "employeur", "alternant"] {
        let token = app.login_demo(role).await;
        let create = app
            .post_json(Some(&token), "/api/v1/formations", &formation_request(&[]))
            .await;
        assert_problem(create, 403, "forbidden").await;
        let variant = app
            .post_json(
                Some(&token),
                &format!("/api/v1/formations/{ENGINEERING_ID}/variants"),
                &json!({"access_code": "F724-3", "label": "3e année"}),
            )
            .await;
        assert_problem(variant, 403, "forbidden").await;
    }
    let apprentice = app.login_demo("alternant").await;
    let list = app.get_as(&apprentice, "/api/v1/formations").await;
    assert_problem(list, 403, "forbidden").await;
}

async fn a_responsable_sees_only_their_formations(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    let other = create_formation(&app, &cfa).await;
    let responsable = app.login_demo("formation").await;

    let list: Vec<Value> = app
        .get_as(&responsable, "/api/v1/formations")
        .await
        .json()
        .await
        .unwrap();
    let all: Vec<Value> = app
        .get_as(&cfa, "/api/v1/formations")
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(list.len(), 2);
    assert_eq!(all.len(), 3);
    assert!(list.iter().all(|f| f["id"] != other["id"]));
    let hidden = app
        .get_as(
            &responsable,
            &format!("/api/v1/formations/{}", other["id"].as_str().unwrap()),
        )
        .await;
    assert_problem(hidden, 404, "formation_not_found").await;
}

async fn an_access_code_belongs_to_one_formation(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    let other = create_formation(&app, &cfa).await;
    let path = format!(
        "/api/v1/formations/{}/variants",
        other["id"].as_str().unwrap()
    );

    let same = app
        .post_json(
            Some(&cfa),
            &path,
            &json!({"access_code": "F724", "label": "copie"}),
        )
        .await;
    let same_root = app
        .post_json(
            Some(&cfa),
            &path,
            &json!({"access_code": "F724-5", "label": "copie"}),
        )
        .await;
    let malformed = app
        .post_json(
            Some(&cfa),
            &path,
            &json!({"access_code": "G12", "label": "x"}),
        )
        .await;

    assert_problem(same, 409, "access_code_taken").await;
    assert_problem(same_root, 409, "access_code_taken").await;
    let problem = assert_problem(malformed, 422, "validation_failed").await;
    assert_eq!(problem.errors[0].code, "access_code_format");
}

async fn an_access_code_is_found_whatever_dash_or_case_is_typed(backend: Backend) {
    let app = spawn_app(backend).await;
    for typed in ["F724-2", "f724–2", " f724‑2 ", "f724—2"] {
        let response = app
            .request(
                Method::GET,
                &format!("/api/v1/access-codes/{}", urlencode(typed)),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{typed:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "F724-2");
        assert_eq!(body["variant_label"], "2e année");
        assert_eq!(body["formation"]["id"], ENGINEERING_ID);
        assert_eq!(
            body["formation"]["start_date"], "2027-09-01",
            "the variant's own date"
        );
        assert_eq!(
            body["formation"]["end_date"], "2029-08-31",
            "the formation's date"
        );
        assert_eq!(body["formation"]["validation_mode"], "manual");
    }
    let master: Value = app
        .request(Method::GET, "/api/v1/access-codes/F728")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(master["formation"]["mission"], "required");
    assert_eq!(master["formation"]["validation_mode"], "automatic");
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn an_unknown_or_closed_access_code_is_refused_with_a_french_reason(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    let variant = "00000000-0000-4000-8000-000000007242";
    let close = app
        .request(
            Method::PATCH,
            &format!("/api/v1/formations/{ENGINEERING_ID}/variants/{variant}"),
        )
        .bearer_auth(&cfa)
        .json(&json!({"open": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(close.status(), 200);

    let unknown = app
        .request(Method::GET, "/api/v1/access-codes/F999")
        .send()
        .await
        .unwrap();
    let malformed = app
        .request(Method::GET, "/api/v1/access-codes/724")
        .send()
        .await
        .unwrap();
    let closed = app
        .request(Method::GET, "/api/v1/access-codes/F724-2")
        .send()
        .await
        .unwrap();

    let problem = assert_problem(unknown, 404, "unknown_access_code").await;
    assert!(problem.detail.unwrap().contains("aucune formation"));
    assert_problem(malformed, 404, "unknown_access_code").await;
    let problem = assert_problem(closed, 410, "closed_access_code").await;
    assert!(problem.detail.unwrap().contains("fermé"));
}

async fn a_new_dossier_starts_with_what_its_formation_tells(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    // A BTS by its code diplôme, taught by a faculty rather than the CFA.
    let mut request = formation_request(&[]);
    request["training_site"] = json!({
        "memeResponsable": false,
        "denomination": " Faculté des sciences ",
        "uaiCfa": "0131842g",
        "siret": "130 015 332 00013",
        "adresse": {"numero": "52", "voie": "Avenue Escadrille Normandie-Niemen", "codePostal": "13013", "commune": "Marseille"}
    });
    let site = json!({
        "memeResponsable": false,
        "denomination": "Faculté des sciences",
        "uaiCfa": "0131842G",
        "siret": "13001533200013",
        "adresse": {"numero": "52", "voie": "Avenue Escadrille Normandie-Niemen", "codePostal": "13013", "commune": "Marseille"}
    });
    let formation: Value = app
        .post_json(Some(&cfa), "/api/v1/formations", &request)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(formation["training_site"], site);
    let id = formation["id"].as_str().unwrap();
    let variant = app
        .post_json(
            Some(&cfa),
            &format!("/api/v1/formations/{id}/variants"),
            &json!({"access_code": "F741", "label": "1re année"}),
        )
        .await;
    assert_eq!(variant.status(), 201);

    let registered: Value = app
        .post_json(
            None,
            "/api/v1/registrations",
            &json!({"access_code": "F741", "email": "ines.roux@example.fr",
                    "password": "mon mot de passe à moi", "first_name": "Inès", "last_name": "Roux"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let dossier = db::queries::dossiers::by_id(
        &app.state.db,
        &app.state.seal,
        registered["dossier_id"].as_str().unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(
        dossier.content["formation"]["typeDiplome"], "54",
        "32031213 is a BTS"
    );
    assert_eq!(dossier.content["etablissementFormation"], site);
    // The dossier's rules read it as filled: nothing of the block is left to fill.
    let apprentice = app
        .login("ines.roux@example.fr", "mon mot de passe à moi")
        .await;
    let read = app.dossier(&apprentice, &dossier.id).await;
    let to_fill: Vec<&str> = read["evaluation"]["fields"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(key, field)| {
            key.starts_with("etablissementFormation.")
                && ["missing", "invalid"].contains(&field["status"].as_str().unwrap())
        })
        .map(|(key, _)| key.as_str())
        .collect();
    assert!(to_fill.is_empty(), "{to_fill:?}");

    // A formation the CFA teaches itself says so in one member.
    let mut own = formation_request(&[]);
    own["training_site"] = json!({"memeResponsable": true});
    let own: Value = app
        .post_json(Some(&cfa), "/api/v1/formations", &own)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["training_site"], json!({"memeResponsable": true}));
}
