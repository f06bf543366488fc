//! Signature circuits with the built-in provider (user guide A.13), driven by the mailbox as the
//! signers would be: links, codes, a wrong code, a refusal, a reopening that voids the circuit,
//! the last signature that makes the dossier `signed`, and its sealed contract checked by
//! poppler's `pdfsig`.

use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::{
    both,
    documents::{DEMO_DOSSIER, act, pages_of, text_of, tool, validated},
    helpers::{Backend, TestApp, assert_problem, economics, ok, spawn_app},
};

both!(
    the_built_in_circuit_takes_the_dossier_to_signed_with_a_sealed_contract,
    a_refusal_ends_the_circuit_and_brings_the_dossier_back,
    a_reopening_voids_the_circuit_and_its_links,
    only_a_dossier_whose_economics_are_validated_goes_out_for_signature,
    a_pending_signer_is_reminded_after_three_then_seven_days_with_a_renewed_link,
    the_cfa_interrupts_a_stalled_circuit_with_a_reason_and_may_send_again,
    the_employer_signs_on_paper_and_the_others_online,
    a_stalled_circuit_is_finished_on_paper_in_one_upload,
    a_refused_circuit_falls_back_to_a_circuit_on_paper,
    a_formation_s_own_plan_orders_its_circuits_and_their_reminders,
);

const EMPLOYER: &str = "employeur@demo.opuntia.test";
const APPRENTICE: &str = "alternant@demo.opuntia.test";
const CFA: &str = "cfa@demo.opuntia.test";

/// The demo dossier validated, its economic elements validated: ready to send.
pub async fn ready(app: &TestApp) -> String {
    validated(app).await;
    let cfa = app.login_demo("cfa").await;
    ok(app.enter_economics(&cfa, DEMO_DOSSIER, &economics()).await).await;
    act(app, &cfa, DEMO_DOSSIER, "economics-validation", json!({})).await;
    cfa
}

pub async fn send(app: &TestApp, cfa: &str) -> Value {
    send_with_paper(app, cfa, &[]).await
}

/// Sends with the signers of `roles` on paper.
pub async fn send_with_paper(app: &TestApp, cfa: &str, roles: &[&str]) -> Value {
    let response = app
        .post_json(
            Some(cfa),
            &format!("/api/v1/dossiers/{DEMO_DOSSIER}/signature"),
            &json!({"paper_signers": roles}),
        )
        .await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    response.json().await.unwrap()
}

/// The token of the newest signing link mailed to `to`.
pub async fn link_of(app: &TestApp, to: &str) -> String {
    let mail = app.delivered_mail(to, "Documents à signer").await;
    let start = mail.text.find("/signature/").expect("a signing link") + "/signature/".len();
    mail.text[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

/// Asks for a code and reads it from the mailbox.
pub async fn code_for(app: &TestApp, token: &str, to: &str) -> String {
    let response = app
        .request(Method::POST, &format!("/api/v1/signing/{token}/code"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let mail = app.delivered_mail(to, "Votre code de signature").await;
    mail.subject.rsplit(' ').next().unwrap().to_owned()
}

pub async fn sign(app: &TestApp, token: &str, code: &str, name: &str) -> reqwest::Response {
    app.request(Method::POST, &format!("/api/v1/signing/{token}"))
        .header("user-agent", "Navigateur de test/1.0")
        .json(&json!({"code": code, "name": name, "consent": true}))
        .send()
        .await
        .unwrap()
}

/// A link that no longer works answers the same 404 as an unknown one.
async fn assert_link_spent(app: &TestApp, method: Method, path: &str) {
    assert_problem(
        app.request(method, path).send().await.unwrap(),
        404,
        "signing_link_not_found",
    )
    .await;
}

pub async fn circuit(app: &TestApp, token: &str) -> Value {
    app.get_json(token, &format!("/api/v1/dossiers/{DEMO_DOSSIER}/signature"))
        .await
}

fn statuses(circuit: &Value) -> Vec<(String, String)> {
    circuit["signers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["role"].as_str().unwrap().to_owned(),
                s["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pair(role: &str, status: &str) -> (String, String) {
    (role.to_owned(), status.to_owned())
}

async fn the_built_in_circuit_takes_the_dossier_to_signed_with_a_sealed_contract(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = ready(&app).await;
    let employer = app.login_demo("employeur").await;
    let contract = document(&app, &employer, "cerfa").await;

    let started = send(&app, &cfa).await;

    assert_eq!(started["status"], "in_progress");
    assert_eq!(
        statuses(&started),
        [
            pair("employeur", "pending"),
            pair("alternant", "waiting"),
            pair("cfa", "waiting")
        ]
    );
    assert_eq!(
        started["cerfa_sha256"],
        format!("{:x}", Sha256::digest(&contract))
    );
    assert_eq!(
        app.dossier(&cfa, DEMO_DOSSIER).await["status"],
        "in_signature"
    );
    assert!(
        app.mailbox(APPRENTICE)
            .await
            .iter()
            .all(|m| !m.subject.contains("à signer"))
    );

    // The employer reads what they sign: the exact bytes validated.
    let token = link_of(&app, EMPLOYER).await;
    let opened: Value = ok(app
        .request(Method::GET, &format!("/api/v1/signing/{token}"))
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(opened["documents"][0]["kind"], "cerfa");
    assert_eq!(opened["documents"][1]["kind"], "convention");
    let seen = app
        .request(
            Method::GET,
            &format!("/api/v1/signing/{token}/documents/cerfa"),
        )
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(seen.as_ref(), contract.as_slice());
    // A wrong code is refused, then the right one signs, once.
    let code = code_for(&app, &token, EMPLOYER).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = assert_problem(
        sign(&app, &token, wrong, "Paul Girard").await,
        422,
        "invalid_code",
    )
    .await;
    assert!(refused.detail.unwrap().contains("il vous reste 4 essai"));
    assert_eq!(sign(&app, &token, &code, "Paul Girard").await.status(), 200);
    assert_link_spent(&app, Method::GET, &format!("/api/v1/signing/{token}")).await;
    assert_eq!(
        statuses(&circuit(&app, &cfa).await),
        [
            pair("employeur", "signed"),
            pair("alternant", "pending"),
            pair("cfa", "waiting")
        ]
    );

    // The apprentice, then the CFA, each from their own mail.
    for (address, name) in [(APPRENTICE, "Léa Martin"), (CFA, "Claire Dubois")] {
        let token = link_of(&app, address).await;
        let code = code_for(&app, &token, address).await;
        let signed = sign(&app, &token, &code, name).await;
        assert_eq!(signed.status(), 200, "{}", signed.text().await.unwrap());
    }

    let done = circuit(&app, &cfa).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(app.dossier(&cfa, DEMO_DOSSIER).await["status"], "signed");
    app.delivered_mail(APPRENTICE, "signé").await;
    let response = app
        .get_as(
            &employer,
            &format!("/api/v1/dossiers/{DEMO_DOSSIER}/documents/cerfa/signed"),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("-signe.pdf")
    );
    let sealed = response.bytes().await.unwrap().to_vec();
    // What every signer saw is the head of the signed file, byte for byte.
    assert_eq!(&sealed[..contract.len()], contract.as_slice());
    let (pdfsig, _) = tool("pdfsig", &[], &sealed);
    assert!(pdfsig.contains("Signature is Valid"), "{pdfsig}");
    assert!(pdfsig.contains("ETSI.CAdES.detached"), "{pdfsig}");
    let text = text_of(&sealed);
    for expected in [
        "DOSSIER DE PREUVE DES SIGNATURES",
        "Paul Girard",
        "Navigateur de test/1.0",
        &format!("{:x}", Sha256::digest(&contract)),
    ] {
        assert!(text.contains(expected), "{expected:?} in {text}");
    }
    // A byte changed after sealing is caught.
    let mut forged = sealed.clone();
    let at = contract.len() / 2;
    forged[at] ^= 0x01;
    let (pdfsig, _) = tool("pdfsig", &[], &forged);
    assert!(!pdfsig.contains("Signature is Valid"), "{pdfsig}");
    // The convention is sealed too.
    let convention = app
        .get_as(
            &cfa,
            &format!("/api/v1/dossiers/{DEMO_DOSSIER}/documents/convention/signed"),
        )
        .await;
    assert_eq!(convention.status(), 200);
}

async fn a_refusal_ends_the_circuit_and_brings_the_dossier_back(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = ready(&app).await;
    send(&app, &cfa).await;
    let token = link_of(&app, EMPLOYER).await;

    let blank = app
        .request(Method::POST, &format!("/api/v1/signing/{token}/refusal"))
        .json(&json!({"reason": "  "}))
        .send()
        .await
        .unwrap();
    assert_eq!(blank.status(), 422);
    let refused = app
        .request(Method::POST, &format!("/api/v1/signing/{token}/refusal"))
        .json(&json!({"reason": "Le salaire indiqué n'est pas celui convenu."}))
        .send()
        .await
        .unwrap();

    assert_eq!(refused.status(), 204);
    let ended = circuit(&app, &cfa).await;
    assert_eq!(ended["status"], "refused");
    assert!(
        ended["end_reason"]
            .as_str()
            .unwrap()
            .contains("Le salaire indiqué n'est pas celui convenu.")
    );
    assert_eq!(
        ended["signers"][0]["refusal_reason"],
        "Le salaire indiqué n'est pas celui convenu."
    );
    assert_eq!(
        app.dossier(&cfa, DEMO_DOSSIER).await["status"],
        "economics_validated"
    );
    app.delivered_mail(CFA, "Signature interrompue").await;
    assert_link_spent(&app, Method::GET, &format!("/api/v1/signing/{token}")).await;
    // The CFA may send again: a new circuit.
    let again = send(&app, &cfa).await;
    assert_ne!(again["id"], ended["id"]);
}

async fn a_reopening_voids_the_circuit_and_its_links(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = ready(&app).await;
    send(&app, &cfa).await;
    let token = link_of(&app, EMPLOYER).await;

    act(
        &app,
        &cfa,
        DEMO_DOSSIER,
        "reopen",
        json!({"comment": "Erreur sur la date de début."}),
    )
    .await;

    let voided = circuit(&app, &cfa).await;
    assert_eq!(voided["status"], "cancelled");
    assert_eq!(voided["end_reason"], "Erreur sur la date de début.");
    assert_eq!(
        app.dossier(&cfa, DEMO_DOSSIER).await["status"],
        "in_progress"
    );
    assert_link_spent(&app, Method::POST, &format!("/api/v1/signing/{token}/code")).await;
}

async fn only_a_dossier_whose_economics_are_validated_goes_out_for_signature(backend: Backend) {
    let app = spawn_app(backend).await;
    validated(&app).await;
    let cfa = app.login_demo("cfa").await;
    let employer = app.login_demo("employeur").await;
    let path = format!("/api/v1/dossiers/{DEMO_DOSSIER}/signature");

    assert_problem(
        app.post_json(Some(&cfa), &path, &json!({})).await,
        409,
        "invalid_transition",
    )
    .await;
    assert_problem(
        app.post_json(Some(&employer), &path, &json!({})).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(app.get_as(&cfa, &path).await, 404, "signature_not_started").await;
    assert_problem(
        app.get_as(
            &cfa,
            &format!("/api/v1/dossiers/{DEMO_DOSSIER}/documents/cerfa/signed"),
        )
        .await,
        409,
        "document_unavailable",
    )
    .await;
}

async fn a_pending_signer_is_reminded_after_three_then_seven_days_with_a_renewed_link(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let cfa = ready(&app).await;
    send(&app, &cfa).await;
    let first = link_of(&app, EMPLOYER).await;
    let remind = || server::services::signatures::remind_due(&app.state);

    assert_eq!(remind().await.unwrap(), 0, "nothing due on the first day");
    app.state.clock.advance(chrono::Duration::days(3));
    assert_eq!(remind().await.unwrap(), 1);
    assert_eq!(remind().await.unwrap(), 0, "once per step of the schedule");
    let reminder = app.delivered_mail(EMPLOYER, "Rappel").await;
    assert!(
        reminder
            .text
            .contains("remplace celui du message précédent")
    );
    let start = reminder.text.find("/signature/").unwrap() + "/signature/".len();
    let renewed = reminder.text[start..].split_whitespace().next().unwrap();
    assert_ne!(renewed, first);
    let status = |token: String| {
        let app = &app;
        async move {
            app.request(Method::GET, &format!("/api/v1/signing/{token}"))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(status(first.clone()).await, 404);
    assert_eq!(status(renewed.to_owned()).await, 200);
    // Nobody else is reminded: only the employer's turn has come.
    assert!(
        app.mailbox(APPRENTICE)
            .await
            .iter()
            .all(|m| !m.subject.contains("Rappel"))
    );

    app.state.clock.advance(chrono::Duration::days(4));
    assert_eq!(remind().await.unwrap(), 1, "the seventh day");
    app.state.clock.advance(chrono::Duration::days(20));
    assert_eq!(remind().await.unwrap(), 0, "the schedule is over");
}

async fn the_cfa_interrupts_a_stalled_circuit_with_a_reason_and_may_send_again(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = ready(&app).await;
    send(&app, &cfa).await;
    let token = link_of(&app, EMPLOYER).await;
    let path = format!("/api/v1/dossiers/{DEMO_DOSSIER}/signature/cancellation");

    assert_problem(
        app.post_json(Some(&cfa), &path, &json!({})).await,
        422,
        "validation_failed",
    )
    .await;
    let interrupted: Value = ok(app
        .post_json(
            Some(&cfa),
            &path,
            &json!({"comment": "L'employeur signera sur papier."}),
        )
        .await)
    .await;

    assert_eq!(interrupted["status"], "cancelled");
    assert_eq!(interrupted["end_reason"], "L'employeur signera sur papier.");
    assert_eq!(
        app.dossier(&cfa, DEMO_DOSSIER).await["status"],
        "economics_validated"
    );
    let told = app.delivered_mail(EMPLOYER, "Signature interrompue").await;
    assert!(told.text.contains("L'employeur signera sur papier."));
    assert_link_spent(&app, Method::GET, &format!("/api/v1/signing/{token}")).await;
    assert_problem(
        app.post_json(Some(&cfa), &path, &json!({"comment": "Encore"}))
            .await,
        409,
        "invalid_transition",
    )
    .await;
    let again = send(&app, &cfa).await;
    assert_eq!(again["status"], "in_progress");
}

/// A signed page as a scanner would give it: a one-page PDF.
pub fn scan() -> Vec<u8> {
    pdf::Templates::builtin()
        .render(
            pdf::Kind::Calendrier,
            &pdf::Kind::Calendrier.sample_data(),
            &pdf::Metadata {
                title: "Numérisation".into(),
                author: "Copieur du CFA".into(),
                made_at: chrono::DateTime::UNIX_EPOCH,
            },
        )
        .unwrap()
}

pub async fn upload(
    app: &TestApp,
    token: &str,
    path: &str,
    body: Vec<u8>,
    kind: &str,
) -> reqwest::Response {
    app.request(Method::PUT, path)
        .bearer_auth(token)
        .header("content-type", kind)
        .body(body)
        .send()
        .await
        .unwrap()
}

pub fn signer_id(circuit: &Value, role: &str) -> String {
    circuit["signers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["role"] == role)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The signed copy of `kind`, checked: valid seal, the document sent at its head.
async fn sealed(app: &TestApp, token: &str, kind: &str, sent: &[u8]) -> Vec<u8> {
    let response = app
        .get_as(
            token,
            &format!("/api/v1/dossiers/{DEMO_DOSSIER}/documents/{kind}/signed"),
        )
        .await;
    assert_eq!(response.status(), 200);
    let sealed = response.bytes().await.unwrap().to_vec();
    assert_eq!(&sealed[..sent.len()], sent);
    let (pdfsig, _) = tool("pdfsig", &[], &sealed);
    assert!(pdfsig.contains("Signature is Valid"), "{pdfsig}");
    sealed
}

/// The bytes of the dossier's document of `kind` as `token` downloads it.
pub async fn document(app: &TestApp, token: &str, kind: &str) -> Vec<u8> {
    app.get_as(
        token,
        &format!("/api/v1/dossiers/{DEMO_DOSSIER}/documents/{kind}"),
    )
    .await
    .bytes()
    .await
    .unwrap()
    .to_vec()
}

async fn the_employer_signs_on_paper_and_the_others_online(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = ready(&app).await;
    let contract = document(&app, &cfa, "cerfa").await;
    let sent = app
        .post_json(
            Some(&cfa),
            &format!("/api/v1/dossiers/{DEMO_DOSSIER}/signature"),
            &json!({"paper_signers": ["representant_legal"]}),
        )
        .await;
    assert_problem(sent, 422, "validation_failed").await;
    let started = send_with_paper(&app, &cfa, &["employeur"]).await;

    assert_eq!(started["provider"], "builtin");
    assert_eq!(started["signers"][0]["channel"], "paper");
    assert_eq!(started["signers"][0]["status"], "pending");
    assert!(
        app.mailbox(EMPLOYER)
            .await
            .iter()
            .all(|m| !m.subject.contains("à signer")),
        "a signer on paper gets no link"
    );
    let employer_id = signer_id(&started, "employeur");
    let path = format!("/api/v1/dossiers/{DEMO_DOSSIER}/signature/signers/{employer_id}/paper");
    // Only CFA staff record it, only a readable PDF, only as a PDF.
    let employer = app.login_demo("employeur").await;
    assert_problem(
        upload(&app, &employer, &path, scan(), "application/pdf").await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        upload(
            &app,
            &cfa,
            &path,
            b"%PDF-1.7 pas vraiment %%EOF".to_vec(),
            "application/pdf",
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_problem(
        upload(&app, &cfa, &path, scan(), "image/jpeg").await,
        415,
        "unsupported_media_type",
    )
    .await;
    assert_problem(
        upload(
            &app,
            &cfa,
            &format!("/api/v1/dossiers/{DEMO_DOSSIER}/signature/signers/inconnu/paper"),
            scan(),
            "application/pdf",
        )
        .await,
        404,
        "signer_not_found",
    )
    .await;
    let recorded: Value = ok(upload(&app, &cfa, &path, scan(), "application/pdf").await).await;

    assert_eq!(
        statuses(&recorded),
        [
            pair("employeur", "signed"),
            pair("alternant", "pending"),
            pair("cfa", "waiting")
        ]
    );
    assert_problem(
        upload(&app, &cfa, &path, scan(), "application/pdf").await,
        409,
        "signer_done",
    )
    .await;
    for (address, name) in [(APPRENTICE, "Léa Martin"), (CFA, "Claire Dubois")] {
        let token = link_of(&app, address).await;
        let code = code_for(&app, &token, address).await;
        assert_eq!(sign(&app, &token, &code, name).await.status(), 200);
    }
    assert_eq!(app.dossier(&cfa, DEMO_DOSSIER).await["status"], "signed");
    let signed = sealed(&app, &cfa, "cerfa", &contract).await;
    // The document, its evidence page, then the scan of the employer's signature.
    assert_eq!(
        pages_of(&signed),
        pages_of(&contract) + 1 + pages_of(&scan())
    );
    let text = text_of(&signed);
    for expected in [
        "sur papier, signature manuscrite",
        "par Camille Roux (CFA)",
        &format!("{:x}", Sha256::digest(scan())),
        "Navigateur de test/1.0",
        "signature manuscrite sur papier",
    ] {
        assert!(text.contains(expected), "{expected:?} in {text}");
    }
}

async fn a_stalled_circuit_is_finished_on_paper_in_one_upload(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = ready(&app).await;
    let convention = document(&app, &cfa, "convention").await;
    send(&app, &cfa).await;
    let token = link_of(&app, EMPLOYER).await;
    let code = code_for(&app, &token, EMPLOYER).await;
    assert_eq!(sign(&app, &token, &code, "Paul Girard").await.status(), 200);
    let first = link_of(&app, APPRENTICE).await;
    // « Relancer » first: a renewed link, the first one spent.
    let reminded = app
        .post_json(
            Some(&cfa),
            &format!("/api/v1/dossiers/{DEMO_DOSSIER}/signature/reminder"),
            &json!({}),
        )
        .await;
    assert_eq!(reminded.status(), 200);
    let reminder = app.delivered_mail(APPRENTICE, "Rappel").await;
    let start = reminder.text.find("/signature/").unwrap() + "/signature/".len();
    let stalled = reminder.text[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    assert_link_spent(&app, Method::GET, &format!("/api/v1/signing/{first}")).await;
    let path = format!("/api/v1/dossiers/{DEMO_DOSSIER}/signature/paper");

    let done: Value = ok(upload(&app, &cfa, &path, scan(), "application/pdf").await).await;

    assert_eq!(done["status"], "completed");
    assert_eq!(
        done["signers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["channel"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["online", "paper", "paper"]
    );
    assert_eq!(app.dossier(&cfa, DEMO_DOSSIER).await["status"], "signed");
    assert_link_spent(&app, Method::GET, &format!("/api/v1/signing/{stalled}")).await;
    let text = text_of(&sealed(&app, &cfa, "convention", &convention).await);
    assert!(text.contains("Paul Girard"), "{text}");
    assert!(text.contains("sur papier, signature manuscrite"), "{text}");
    // Nothing left to record.
    assert_problem(
        upload(&app, &cfa, &path, scan(), "application/pdf").await,
        409,
        "invalid_transition",
    )
    .await;
}

async fn a_refused_circuit_falls_back_to_a_circuit_on_paper(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = ready(&app).await;
    let contract = document(&app, &cfa, "cerfa").await;
    send(&app, &cfa).await;
    let token = link_of(&app, EMPLOYER).await;
    let refused = app
        .request(Method::POST, &format!("/api/v1/signing/{token}/refusal"))
        .json(&json!({"reason": "Nous préférons signer à la main."}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 204);
    let before = app.mailbox(APPRENTICE).await.len();

    let paper = send_with_paper(&app, &cfa, &["employeur", "alternant", "cfa"]).await;

    assert_eq!(paper["provider"], "paper");
    assert_eq!(
        app.mailbox(APPRENTICE).await.len(),
        before,
        "no link on paper"
    );
    let done: Value = ok(upload(
        &app,
        &cfa,
        &format!("/api/v1/dossiers/{DEMO_DOSSIER}/signature/paper"),
        scan(),
        "application/pdf",
    )
    .await)
    .await;
    assert_eq!(done["status"], "completed");
    assert_eq!(app.dossier(&cfa, DEMO_DOSSIER).await["status"], "signed");
    let text = text_of(&sealed(&app, &cfa, "cerfa", &contract).await);
    assert!(
        text.contains("Signature manuscrite sur papier, copie numérisée déposée par le CFA"),
        "{text}"
    );
}

async fn a_formation_s_own_plan_orders_its_circuits_and_their_reminders(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = ready(&app).await;
    let formation = app.dossier(&cfa, DEMO_DOSSIER).await["formation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut settings = app.formation_settings(&cfa, &formation).await;
    assert_eq!(settings["signature_plan"], Value::Null, "the default plan");

    // The CFA signs first; then the employer and the apprentice, in parallel, the apprentice
    // also signing the convention; reminders after 2 days only.
    let signer = |role: &str, documents: &[&str], order: u32| json!({"role": role, "documents": documents, "order": order});
    let plan = |cfa_documents: &[&str]| {
        json!({
            "signers": [
                signer("cfa", cfa_documents, 1),
                signer("employeur", &["cerfa", "convention"], 2),
                signer("alternant", &["convention", "cerfa"], 2),
                signer("representant_legal", &["cerfa"], 3),
            ],
            "reminder_days": [2, 2],
        })
    };
    settings["signature_plan"] = plan(&["cerfa"]);
    let problem = assert_problem(
        app.put_formation(&cfa, &formation, &settings).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem.errors[0].field, "signature_plan");
    assert_eq!(problem.errors[0].code, "invalid_signature_plan");
    assert_eq!(
        problem.errors[0].message,
        "La convention de formation doit être signé(e) par : CFA."
    );
    assert_eq!(
        app.formation_settings(&cfa, &formation).await["signature_plan"],
        Value::Null,
        "a refused plan changes nothing"
    );

    settings["signature_plan"] = plan(&["cerfa", "convention"]);
    let saved = ok(app.put_formation(&cfa, &formation, &settings).await).await;
    assert_eq!(
        saved["signature_plan"]["reminder_days"],
        json!([2]),
        "put in order, once each"
    );
    assert_eq!(
        saved["signature_plan"]["signers"][2]["documents"],
        json!(["cerfa", "convention"])
    );

    let circuit = send(&app, &cfa).await;
    assert_eq!(
        statuses(&circuit),
        [
            pair("cfa", "pending"),
            pair("employeur", "waiting"),
            pair("alternant", "waiting"),
        ],
        "an adult apprentice: no legal representative"
    );
    assert_eq!(
        circuit["signers"][2]["documents"],
        json!(["cerfa", "convention"])
    );
    link_of(&app, CFA).await;

    // Back to the default: the circuit sent keeps the plan it left with.
    settings["signature_plan"] = Value::Null;
    ok(app.put_formation(&cfa, &formation, &settings).await).await;
    let remind = || server::services::signatures::remind_due(&app.state);
    app.state.clock.advance(chrono::Duration::days(2));
    assert_eq!(remind().await.unwrap(), 1, "the CFA, after two days");
    app.state.clock.advance(chrono::Duration::days(5));
    assert_eq!(
        remind().await.unwrap(),
        0,
        "no third or seventh day in this plan"
    );
}
