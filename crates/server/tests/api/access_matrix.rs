//! Who may call what: every operation of `openapi/openapi.json`, called by every kind of caller,
//! against the answer written in the table below. An operation the table does not list (or
//! one it lists that no longer exists) fails the test: a new endpoint declares its access here.

use std::collections::BTreeSet;

use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::{
    both,
    formations::formation_request,
    helpers::{Backend, ENGINEERING_ID, TestApp, password_in, spawn_app},
};

both!(every_operation_answers_each_caller_as_the_access_table_says);

/// The callers, in the order of the table's columns.
const CALLERS: [&str; 10] = [
    "anonymous",
    "alternant",
    "employeur",
    "formation",
    "cfa",
    "responsable of another formation",
    "apprentice of another dossier",
    "employer of another dossier",
    "API token with every scope",
    "API token with dossiers_read only",
];

/// What one operation answers each caller, a letter per column of [`CALLERS`]:
/// `P` passes the access checks (whatever it then answers), `U` 401 (sign in; the session
/// cookie, for `refresh`), `F` 403 (refused),
/// `H` 404 (hidden: not theirs, said as « unknown »). The resources are the demo's: its dossier
/// in progress, its engineering formation and variant, an invitation into it, a CFA API token.
const TABLE: &[(&str, &str)] = &[
    ("GET /api/v1/access-codes/{code}", "PPPPPPPPPP"),
    ("GET /api/v1/api-tokens", "UFFPPPFFFF"),
    ("POST /api/v1/api-tokens", "UFFPPPFFFF"),
    ("DELETE /api/v1/api-tokens/{id}", "UFFHPHFFFF"),
    ("POST /api/v1/auth/login", "PPPPPPPPPP"),
    ("POST /api/v1/auth/logout", "PPPPPPPPPP"),
    ("POST /api/v1/auth/password", "UPPPPPPPFF"),
    ("POST /api/v1/auth/password/forgot", "PPPPPPPPPP"),
    ("POST /api/v1/auth/password/reset", "PPPPPPPPPP"),
    ("POST /api/v1/auth/refresh", "UUUUUUUUUU"),
    ("GET /api/v1/catalogue", "PPPPPPPPPP"),
    ("GET /api/v1/platform", "PPPPPPPPPP"),
    ("GET /api/v1/platform/logo", "PPPPPPPPPP"),
    ("GET /api/v1/regulatory-data", "PPPPPPPPPP"),
    ("GET /api/v1/regulatory-data/{name}", "PPPPPPPPPP"),
    ("GET /api/v1/dev/mailbox", "PPPPPPPPPP"),
    ("GET /api/v1/dossiers", "UPPPPPPPPP"),
    ("GET /api/v1/dossiers/counts", "UPPPPPPPPP"),
    ("GET /api/v1/dossiers/documents/{kind}", "UFFPPPFFPP"),
    ("GET /api/v1/dossiers/export", "UPPPPPPPPP"),
    ("GET /api/v1/dossiers/{id}", "UPPPPHHHPP"),
    ("PATCH /api/v1/dossiers/{id}", "UPPPPHHHPF"),
    ("POST /api/v1/dossiers/{id}/base-validation", "UPFFPHHHFF"),
    ("PUT /api/v1/dossiers/{id}/economics", "UFFFPHHHPF"),
    (
        "POST /api/v1/dossiers/{id}/economics-validation",
        "UFFFPHHHFF",
    ),
    ("GET /api/v1/dossiers/{id}/documents/{kind}", "UPPPPHHHPP"),
    ("PUT /api/v1/dossiers/{id}/documents/{kind}", "UPPPPHHHPF"),
    (
        "GET /api/v1/dossiers/{id}/documents/{kind}/draft",
        "UPPPPHHHPP",
    ),
    ("GET /api/v1/dossiers/{id}/history", "UPPPPHHHPP"),
    ("POST /api/v1/dossiers/{id}/reopen", "UFFFPHHHFF"),
    ("GET /api/v1/dossiers/{id}/signature", "UPPPPHHHPP"),
    ("POST /api/v1/dossiers/{id}/signature", "UFFFPHHHFF"),
    (
        "POST /api/v1/dossiers/{id}/signature/cancellation",
        "UFFFPHHHFF",
    ),
    ("PUT /api/v1/dossiers/{id}/signature/paper", "UFFFPHHHFF"),
    (
        "POST /api/v1/dossiers/{id}/signature/reminder",
        "UFFFPHHHFF",
    ),
    (
        "PUT /api/v1/dossiers/{id}/signature/signers/{signer_id}/paper",
        "UFFFPHHHFF",
    ),
    (
        "GET /api/v1/dossiers/{id}/documents/{kind}/signed",
        "UPPPPHHHPP",
    ),
    // A signer's link is its own credential: without a good one, everyone meets the same 404.
    ("GET /api/v1/signing/{token}", "HHHHHHHHHH"),
    ("POST /api/v1/signing/{token}", "HHHHHHHHHH"),
    ("POST /api/v1/signing/{token}/code", "HHHHHHHHHH"),
    ("GET /api/v1/signing/{token}/documents/{kind}", "HHHHHHHHHH"),
    ("POST /api/v1/signing/{token}/refusal", "HHHHHHHHHH"),
    ("POST /api/v1/signing/{token}/view", "HHHHHHHHHH"),
    // No provider but the platform's is configured here: its events are unknown.
    ("POST /api/v1/signature/{provider}/events", "HHHHHHHHHH"),
    ("POST /api/v1/dossiers/{id}/return", "UFFPPHHHFF"),
    ("GET /api/v1/dossiers/{id}/suivi", "UPPPPHHHPP"),
    ("POST /api/v1/dossiers/{id}/validation", "UFFPPHHHFF"),
    (
        "POST /api/v1/dossiers/{id}/validation-request",
        "UPPFFHHHFF",
    ),
    ("GET /api/v1/formations", "UFFPPPFFPF"),
    ("POST /api/v1/formations", "UFFFPFFFPF"),
    ("GET /api/v1/formations/{id}", "UFFPPHFFPF"),
    ("PUT /api/v1/formations/{id}", "UFFFPFFFPF"),
    ("GET /api/v1/formations/{id}/annexes/{kind}", "UFFPPHFFPF"),
    ("PUT /api/v1/formations/{id}/annexes/{kind}", "UFFFPFFFPF"),
    (
        "DELETE /api/v1/formations/{id}/annexes/{kind}",
        "UFFFPFFFPF",
    ),
    ("POST /api/v1/formations/{id}/variants", "UFFFPFFFPF"),
    (
        "PATCH /api/v1/formations/{id}/variants/{variant_id}",
        "UFFFPFFFPF",
    ),
    ("GET /api/v1/invitations", "UFFPPPFFPF"),
    ("POST /api/v1/invitations", "UFFPPFFFPF"),
    ("POST /api/v1/invitations/bulk", "UFFPPPFFPF"),
    ("PATCH /api/v1/invitations/{id}", "UFFPPHFFPF"),
    ("POST /api/v1/invitations/{id}/renew", "UFFPPHFFPF"),
    ("GET /api/v1/me", "UPPPPPPPFF"),
    ("POST /api/v1/registrations", "PPPPPPPPPP"),
    ("POST /api/v1/rules/evaluate", "UPPPPPPPPP"),
    ("GET /api/v1/users", "UFFFPFFFFF"),
    ("POST /api/v1/users", "UFFFPFFFFF"),
    ("POST /api/v1/users/{id}/password-link", "UFFFPFFFFF"),
    ("GET /health", "PPPPPPPPPP"),
    ("GET /metrics", "PPPPPPPPPP"),
];

const DOSSIER_ID: &str = "00000000-0000-4000-8000-00000000d001";

/// The ids the requests name.
struct Resources {
    /// The demo responsable, kept as such when the table's PUT rewrites the formation.
    responsable_id: String,
    variant_id: String,
    invitation_id: String,
    token_id: String,
}

/// One caller's credentials (`None`: anonymous).
type Credentials = Option<String>;

async fn account(app: &TestApp, cfa: &str, email: &str, role: &str) -> String {
    let created = app
        .post_json(
            Some(cfa),
            "/api/v1/users",
            &json!({"email": email, "first_name": "Autre", "last_name": "Compte", "role": role}),
        )
        .await;
    assert_eq!(created.status(), 201, "{email}");
    let mail = app.delivered_mail(email, "Bienvenue").await;
    app.login(email, &password_in(&mail.text)).await
}

async fn api_token(app: &TestApp, cfa: &str, scopes: Value) -> (String, String) {
    let created: Value = app
        .post_json(
            Some(cfa),
            "/api/v1/api-tokens",
            &json!({"name": "matrice", "scopes": scopes}),
        )
        .await
        .json()
        .await
        .unwrap();
    (
        created["id"].as_str().unwrap().to_owned(),
        created["token"].as_str().unwrap().to_owned(),
    )
}

/// Every caller of [`CALLERS`], and the resources of the requests.
async fn arrange(app: &TestApp) -> (Vec<Credentials>, Resources) {
    let cfa = app.login_demo("cfa").await;
    let responsable = app.login_demo("formation").await;
    let other_responsable = account(app, &cfa, "autre.responsable@example.fr", "formation").await;
    let me: Value = app
        .get_as(&other_responsable, "/api/v1/me")
        .await
        .json()
        .await
        .unwrap();
    let other_formation = app
        .post_json(
            Some(&cfa),
            "/api/v1/formations",
            &formation_request(&[me["user"]["id"].as_str().unwrap()]),
        )
        .await;
    assert_eq!(other_formation.status(), 201);
    let (other_apprentice, password) = app
        .invite(&responsable, "autre.alternant@example.fr", "F728")
        .await;
    assert!(other_apprentice["dossier_id"].as_str() != Some(DOSSIER_ID));
    let other_apprentice = app.login("autre.alternant@example.fr", &password).await;
    let other_employer = account(app, &cfa, "autre.rh@example.fr", "employeur").await;
    let (invitation, _) = app.invite(&responsable, "invitee@example.fr", "F724").await;
    let (_, every_scope) = api_token(
        app,
        &cfa,
        json!([
            "invitations",
            "formations_read",
            "formations_write",
            "dossiers_read",
            "dossiers_write"
        ]),
    )
    .await;
    let (_, read_only) = api_token(app, &cfa, json!(["dossiers_read"])).await;
    let (token_id, _) = api_token(app, &cfa, json!(["invitations"])).await;
    let formation: Value = app
        .get_as(&cfa, &format!("/api/v1/formations/{ENGINEERING_ID}"))
        .await
        .json()
        .await
        .unwrap();
    let callers = vec![
        None,
        Some(app.login_demo("alternant").await),
        Some(app.login_demo("employeur").await),
        Some(responsable),
        Some(cfa),
        Some(other_responsable),
        Some(other_apprentice),
        Some(other_employer),
        Some(every_scope),
        Some(read_only),
    ];
    let resources = Resources {
        responsable_id: formation["responsable_ids"][0].as_str().unwrap().to_owned(),
        variant_id: formation["variants"][0]["id"].as_str().unwrap().to_owned(),
        invitation_id: invitation["id"].as_str().unwrap().to_owned(),
        token_id,
    };
    (callers, resources)
}

/// A request to `operation` whose answer, once past the access checks, changes nothing another
/// caller's answer depends on.
fn request_of(operation: &str, resources: &Resources) -> (Method, String, Option<Value>) {
    let (method, template) = operation.split_once(' ').unwrap();
    let kind = match operation {
        "GET /api/v1/dossiers/{id}/documents/{kind}" => "calendrier",
        _ if template.contains("/annexes/") => "calendrier",
        _ => "cerfa",
    };
    let mut path = template
        .replace("{code}", "F724")
        .replace("{token}", "inconnu")
        .replace("{signer_id}", "inconnu")
        .replace("{provider}", "docusign")
        .replace("{name}", "smic")
        .replace("{kind}", kind)
        .replace("{variant_id}", &resources.variant_id)
        .replace(
            "{id}",
            if template.contains("/dossiers/") {
                DOSSIER_ID
            } else if template.contains("/formations/") {
                ENGINEERING_ID
            } else if template.contains("/invitations/") {
                &resources.invitation_id
            } else if template.contains("/users/") {
                &resources.responsable_id
            } else {
                &resources.token_id
            },
        );
    if operation == "DELETE /api/v1/formations/{id}/annexes/{kind}" {
        // The variant has no override: removing it changes nothing the next callers see.
        path.push_str(&format!("?variant_id={}", resources.variant_id));
    }
    let body = match operation {
        "POST /api/v1/api-tokens" => json!({"name": "essai", "scopes": ["invitations"]}),
        "POST /api/v1/auth/login" => json!({"email": "x@example.fr", "password": "pas le bon"}),
        "POST /api/v1/auth/password" => {
            json!({"current_password": "pas le bon", "new_password": "un nouveau mot de passe"})
        }
        "POST /api/v1/auth/password/forgot" => json!({"email": "inconnu@example.fr"}),
        "POST /api/v1/auth/password/reset" => {
            json!({"token": "inconnu", "password": "un nouveau mot de passe"})
        }
        "PATCH /api/v1/dossiers/{id}" => json!({"content": {}}),
        "PUT /api/v1/dossiers/{id}/economics" => json!({"opco": "pas un code"}),
        "POST /api/v1/dossiers/{id}/reopen"
        | "POST /api/v1/dossiers/{id}/return"
        | "POST /api/v1/dossiers/{id}/signature/cancellation" => {
            json!({"comment": "Pour la matrice."})
        }
        "POST /api/v1/formations" | "PUT /api/v1/formations/{id}" => {
            formation_request(&[&resources.responsable_id])
        }
        "POST /api/v1/formations/{id}/variants" => json!({"access_code": "", "label": ""}),
        "PATCH /api/v1/formations/{id}/variants/{variant_id}" => json!({}),
        "POST /api/v1/invitations" => {
            json!({"email": "", "first_name": "Léa", "last_name": "Martin", "access_code": "F724"})
        }
        "POST /api/v1/invitations/bulk" => json!([]),
        "PATCH /api/v1/invitations/{id}" => json!({"email": "pas une adresse"}),
        "POST /api/v1/registrations" => {
            json!({"access_code": "F000", "email": "x@example.fr", "password": "p", "first_name": "A", "last_name": "B"})
        }
        "POST /api/v1/rules/evaluate" => json!({"content": {}}),
        "POST /api/v1/signing/{token}" => {
            json!({"code": "123456", "name": "Léa Martin", "consent": true})
        }
        "POST /api/v1/signing/{token}/refusal" => json!({"reason": "Pour la matrice."}),
        "POST /api/v1/users" => {
            json!({"email": "", "first_name": "", "last_name": "", "role": "cfa"})
        }
        _ if method == "GET" || method == "DELETE" => return (method.parse().unwrap(), path, None),
        _ => json!({}),
    };
    (method.parse().unwrap(), path, Some(body))
}

/// The letter of an answer, as the table writes it.
async fn letter(response: Response) -> (char, String) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    let code = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|problem| problem["code"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let letter = match (status, code.as_str()) {
        (401, "unauthenticated") => 'U',
        (403, code) if code != "field_forbidden" => 'F',
        (404, code) if code.ends_with("not_found") => 'H',
        (500.., _) => '!',
        _ => 'P',
    };
    (letter, format!("{status} {code}"))
}

async fn every_operation_answers_each_caller_as_the_access_table_says(backend: Backend) {
    let app = spawn_app(backend).await;
    let document: Value =
        serde_json::from_str(include_str!("../../../../openapi/openapi.json")).unwrap();
    let documented: BTreeSet<String> = document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, operations)| {
            operations
                .as_object()
                .unwrap()
                .keys()
                .map(move |method| format!("{} {path}", method.to_uppercase()))
        })
        .collect();
    let tabled: BTreeSet<String> = TABLE.iter().map(|(op, _)| (*op).to_owned()).collect();
    assert_eq!(
        documented.difference(&tabled).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "operations missing from the access table: say who may call them"
    );
    assert_eq!(
        tabled.difference(&documented).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "operations of the table that no longer exist"
    );

    let (callers, resources) = arrange(&app).await;
    let mut wrong = Vec::new();
    for (operation, expected) in TABLE {
        assert_eq!(expected.len(), CALLERS.len(), "{operation}");
        for ((caller, credentials), expected) in CALLERS.iter().zip(&callers).zip(expected.chars())
        {
            let (method, path, body) = request_of(operation, &resources);
            let mut request = app.request(method, &path);
            if let Some(token) = credentials {
                request = request.bearer_auth(token);
            }
            if let Some(body) = body {
                request = request.json(&body);
            }
            if operation.starts_with("PATCH /api/v1/dossiers/") {
                request = request.header("If-Match", "*");
            }
            let (got, answer) = letter(request.send().await.unwrap()).await;
            if got != expected {
                wrong.push(format!(
                    "{operation} by {caller}: expected {expected}, got {got} ({answer})"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
