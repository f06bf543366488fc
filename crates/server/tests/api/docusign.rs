//! The DocuSign adapter against a local fake of DocuSign's eSignature REST API (the
//! `docusign-fake` binary, a separate process): the JWT grant and its consent, the envelope
//! (both documents, signers in routing order, tabs on the templates' anchors), embedded
//! signing from the platform's own links, Connect webhooks with a good and a bad HMAC,
//! duplicated, a declined envelope, and the completed documents and certificate stored.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
};

use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    both,
    documents::DEMO_DOSSIER,
    helpers::{Backend, TestApp, assert_problem, ok, spawn_app_with},
    signatures::{circuit, document, link_of, ready},
};

both!(
    a_docusign_circuit_goes_from_envelope_to_signed_documents_by_webhooks,
    a_declined_envelope_brings_the_dossier_back_with_the_reason,
    a_docusign_refusal_to_send_leaves_the_dossier_ready_to_send_again,
);

const INTEGRATION_KEY: &str = "6f1e2d3c-aaaa-4bbb-8ccc-1234567890ab";
const USER_ID: &str = "0a1b2c3d-1111-4222-8333-444455556666";
const ACCOUNT_ID: &str = "9f8e7d6c-5555-4666-8777-888899990000";
const HMAC_KEY: &str = "clé Connect de test";
const EMPLOYER: &str = "employeur@demo.opuntia.test";
const APPRENTICE: &str = "alternant@demo.opuntia.test";
const CFA: &str = "cfa@demo.opuntia.test";

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The fake, running until dropped.
struct Fake {
    child: Child,
    url: String,
    client: reqwest::Client,
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Fake {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_docusign-fake"))
            .arg(fixture("docusign-integration-key.pub.pem"))
            .args([INTEGRATION_KEY, USER_ID, ACCOUNT_ID])
            .stdout(Stdio::piped())
            .spawn()
            .expect("the DocuSign fake starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap()
            .to_owned();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self { child, url, client }
    }

    async fn post(&self, path: &str, body: Value) {
        let response = self
            .client
            .post(format!("{}{path}", self.url))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{path}");
    }

    async fn envelope(&self, id: &str) -> Value {
        self.client
            .get(format!("{}/_fake/envelopes/{id}", self.url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The signer's side of DocuSign's page: signs or declines, and is sent back.
    async fn ceremony(&self, view: &str, action: &str) -> String {
        let response = self
            .client
            .get(format!("{view}?action={action}&reason=Le+salaire+est+faux"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 302);
        response.headers()["location"].to_str().unwrap().to_owned()
    }
}

/// The demo with DocuSign as its provider, the fake's Connect events going to it.
async fn app_with_docusign(backend: Backend, duplicate: bool) -> (TestApp, Fake) {
    let fake = Fake::start();
    let auth_server = fake.url.clone();
    let app = spawn_app_with(backend, move |settings| {
        settings.signature.provider = "docusign".into();
        let docusign = &mut settings.signature.docusign;
        docusign.integration_key = INTEGRATION_KEY.into();
        docusign.user_id = USER_ID.into();
        docusign.account_id = ACCOUNT_ID.into();
        docusign.auth_server = auth_server;
        docusign.private_key = fixture("docusign-integration-key.pem");
        docusign.connect_keys = server::config::Secret::new(format!("ancienne clé, {HMAC_KEY}"));
    })
    .await;
    fake.post(
        "/_fake/connect",
        json!({"url": format!("{}/api/v1/signature/docusign/events", app.address), "key": HMAC_KEY, "duplicate": duplicate}),
    )
    .await;
    (app, fake)
}

async fn send(app: &TestApp, cfa: &str) -> reqwest::Response {
    app.post_json(
        Some(cfa),
        &format!("/api/v1/dossiers/{DEMO_DOSSIER}/signature"),
        &json!({}),
    )
    .await
}

/// DocuSign's page for the link's holder.
async fn view_of(app: &TestApp, token: &str) -> String {
    let view: Value = ok(app
        .request(Method::POST, &format!("/api/v1/signing/{token}/view"))
        .send()
        .await
        .unwrap())
    .await;
    view["url"].as_str().unwrap().to_owned()
}

fn statuses(circuit: &Value) -> Vec<String> {
    circuit["signers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{}:{}",
                s["role"].as_str().unwrap(),
                s["status"].as_str().unwrap()
            )
        })
        .collect()
}

async fn a_docusign_circuit_goes_from_envelope_to_signed_documents_by_webhooks(backend: Backend) {
    let (app, fake) = app_with_docusign(backend, true).await;
    let cfa = ready(&app).await;
    let contract = document(&app, &cfa, "cerfa").await;

    let started = send(&app, &cfa).await;
    assert_eq!(started.status(), 201, "{}", started.text().await.unwrap());
    let started = circuit(&app, &cfa).await;

    assert_eq!(started["provider"], "docusign");
    // The envelope holds the exact bytes validated and the signers in turn, each on their
    // anchor, signing embedded (no mail from DocuSign).
    let reference = db::queries::signatures::latest_circuit(&app.state.db, DEMO_DOSSIER)
        .await
        .unwrap()
        .unwrap()
        .external_id
        .expect("the envelope's id is kept");
    let envelope = fake.envelope(&reference).await;
    let sent = BASE64
        .decode(envelope["documents"][0]["documentBase64"].as_str().unwrap())
        .unwrap();
    assert_eq!(sent, contract);
    let signers = envelope["recipients"]["signers"].as_array().unwrap();
    assert_eq!(
        signers
            .iter()
            .map(|s| (
                s["routingOrder"].as_str().unwrap(),
                s["tabs"]["signHereTabs"][0]["anchorString"]
                    .as_str()
                    .unwrap()
            ))
            .collect::<Vec<_>>(),
        [("1", "\\s1\\"), ("2", "\\s2\\"), ("4", "\\s4\\")]
    );
    assert!(signers.iter().all(|s| s["clientUserId"].is_string()));
    // The signer's link leads to DocuSign, not to the one-time code.
    let token = link_of(&app, EMPLOYER).await;
    let opened: Value = ok(app
        .request(Method::GET, &format!("/api/v1/signing/{token}"))
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(opened["provider"], "docusign");
    assert_problem(
        app.request(Method::POST, &format!("/api/v1/signing/{token}/code"))
            .send()
            .await
            .unwrap(),
        409,
        "sign_with_provider",
    )
    .await;

    // Its signers sign at DocuSign: no paper signature in the platform.
    let cfa_paper = app
        .request(
            Method::PUT,
            &format!("/api/v1/dossiers/{DEMO_DOSSIER}/signature/paper"),
        )
        .bearer_auth(&cfa)
        .header("content-type", "application/pdf")
        .body(contract.clone())
        .send()
        .await
        .unwrap();
    assert_problem(cfa_paper, 409, "sign_with_provider").await;

    // A webhook whose HMAC matches no key changes nothing.
    let forged =
        json!({"event": "envelope-completed", "data": {"envelopeId": reference}}).to_string();
    let refused = app
        .request(Method::POST, "/api/v1/signature/docusign/events")
        .header("content-type", "application/json")
        .header("x-docusign-signature-1", BASE64.encode([0u8; 32]))
        .body(forged)
        .send()
        .await
        .unwrap();
    assert_problem(refused, 401, "invalid_signature").await;

    // The employer signs at DocuSign and comes back; the webhook (delivered twice) records it.
    let view = view_of(&app, &token).await;
    let back = fake.ceremony(&view, "sign").await;
    assert_eq!(
        back,
        format!(
            "{}/signature/{token}?event=signing_complete",
            app.state.public_url()
        )
    );
    assert_eq!(
        statuses(&circuit(&app, &cfa).await),
        ["employeur:signed", "alternant:pending", "cfa:waiting"]
    );
    app.delivered_mail(APPRENTICE, "Documents à signer").await;
    assert_eq!(
        app.mailbox(APPRENTICE)
            .await
            .iter()
            .filter(|m| m.subject.contains("Documents à signer"))
            .count(),
        1,
        "a duplicated event mails nobody twice"
    );

    for address in [APPRENTICE, CFA] {
        let token = link_of(&app, address).await;
        let view = view_of(&app, &token).await;
        fake.ceremony(&view, "sign").await;
    }

    let done = circuit(&app, &cfa).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(app.dossier(&cfa, DEMO_DOSSIER).await["status"], "signed");
    let signed = document(&app, &cfa, "cerfa/signed").await;
    assert!(
        signed.starts_with(&contract),
        "DocuSign's copy of what was sent"
    );
    assert!(
        String::from_utf8_lossy(&signed).contains(&format!("envelope {reference}")),
        "the copy DocuSign gave"
    );
    let certificate =
        db::queries::documents::live(&app.state.db, DEMO_DOSSIER, "signature_certificate")
            .await
            .unwrap()
            .expect("the certificate of completion is kept");
    assert_eq!(certificate.origin, "docusign");
}

async fn a_declined_envelope_brings_the_dossier_back_with_the_reason(backend: Backend) {
    let (app, fake) = app_with_docusign(backend, false).await;
    let cfa = ready(&app).await;
    assert_eq!(send(&app, &cfa).await.status(), 201);
    let token = link_of(&app, EMPLOYER).await;

    let view = view_of(&app, &token).await;
    let back = fake.ceremony(&view, "decline").await;

    assert!(back.ends_with("?event=decline"));
    let ended = circuit(&app, &cfa).await;
    assert_eq!(ended["status"], "refused");
    assert!(
        ended["end_reason"]
            .as_str()
            .unwrap()
            .contains("Le salaire est faux")
    );
    assert_eq!(
        app.dossier(&cfa, DEMO_DOSSIER).await["status"],
        "economics_validated"
    );
    app.delivered_mail(CFA, "Signature interrompue").await;
}

async fn a_docusign_refusal_to_send_leaves_the_dossier_ready_to_send_again(backend: Backend) {
    let (app, fake) = app_with_docusign(backend, false).await;
    let cfa = ready(&app).await;
    fake.post("/_fake/consent", json!({"granted": false})).await;

    assert_problem(send(&app, &cfa).await, 502, "signature_provider_failed").await;

    assert_eq!(
        app.dossier(&cfa, DEMO_DOSSIER).await["status"],
        "economics_validated"
    );
    assert_eq!(circuit(&app, &cfa).await["status"], "cancelled");
    assert!(
        app.mailbox(EMPLOYER)
            .await
            .iter()
            .all(|m| !m.subject.contains("Documents à signer")
                && !m.subject.contains("Signature interrompue")),
        "no link to an envelope that does not exist, nor news of it"
    );
    fake.post("/_fake/consent", json!({"granted": true})).await;
    assert_eq!(send(&app, &cfa).await.status(), 201);
}
