//! A local fake of the DocuSign eSignature REST API v2.1, for the tests of
//! `providers::docusign` (nothing of it runs in the product): a separate process answering the
//! documented requests as DocuSign documents them — the JWT grant (checked against the
//! integration key's public key: algorithm, `iss`, `sub`, `aud`, scope, expiry), `userinfo`,
//! envelopes, recipient views, recipients, documents, voiding — and playing the signer's side
//! of an embedded signing session (`GET /signing/{session}?action=sign|decline`), after which
//! it posts the Connect event to the listener with `X-DocuSign-Signature-1` =
//! base64(HMAC-SHA256(key, body)).
//!
//! `docusign-fake <public key PEM> <integration key> <user id> <account id>` prints
//! `listening on http://127.0.0.1:<port>` once ready. `POST /_fake/connect {url, key,
//! duplicate}` sets where Connect events go (each sent twice with `duplicate`), `POST
//! /_fake/consent {granted}` withdraws or gives the user's consent, `GET /_fake/envelopes/{id}`
//! shows an envelope as received.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use serde::Deserialize;
use serde_json::{Value as Json, json};

#[derive(Default)]
struct Fake {
    envelopes: BTreeMap<String, Json>,
    sessions: BTreeMap<String, (String, String, String)>,
    tokens: Vec<String>,
    connect: Option<(String, String, bool)>,
    consent_withheld: bool,
    next: u64,
}

struct Setup {
    public_key: jsonwebtoken::DecodingKey,
    integration_key: String,
    user_id: String,
    account_id: String,
    base: String,
    state: Mutex<Fake>,
}

type Shared = web::Data<Arc<Setup>>;

fn error(status: u16, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap_or_default())
        .json(json!({"errorCode": code, "message": message}))
}

fn locked(setup: &Setup) -> std::sync::MutexGuard<'_, Fake> {
    setup
        .state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[derive(Deserialize)]
struct Grant {
    grant_type: String,
    assertion: String,
}

#[derive(Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    scope: String,
}

/// `POST /oauth/token`: the JWT grant.
async fn token(setup: Shared, form: web::Form<Grant>) -> HttpResponse {
    if form.grant_type != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
        return HttpResponse::BadRequest().json(json!({"error": "unsupported_grant_type"}));
    }
    let audience = setup
        .base
        .trim_start_matches("http://")
        .trim_start_matches("https://")
        .to_owned();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_audience(&[audience]);
    validation.set_required_spec_claims(&["exp", "iat", "aud", "iss", "sub"]);
    let claims =
        match jsonwebtoken::decode::<Claims>(&form.assertion, &setup.public_key, &validation) {
            Ok(data) => data.claims,
            Err(e) => {
                return HttpResponse::BadRequest()
                    .json(json!({"error": "invalid_grant", "error_description": e.to_string()}));
            }
        };
    if claims.iss != setup.integration_key {
        return HttpResponse::BadRequest()
            .json(json!({"error": "invalid_grant", "error_description": "issuer_not_found"}));
    }
    if claims.sub != setup.user_id {
        return HttpResponse::BadRequest()
            .json(json!({"error": "invalid_grant", "error_description": "user_not_found"}));
    }
    let scopes: Vec<&str> = claims.scope.split(' ').collect();
    if !scopes.contains(&"signature") || !scopes.contains(&"impersonation") {
        return HttpResponse::BadRequest().json(json!({"error": "invalid_scope"}));
    }
    let mut state = locked(&setup);
    if state.consent_withheld {
        return HttpResponse::BadRequest().json(json!({"error": "consent_required"}));
    }
    state.next += 1;
    let token = format!("fake-access-{}", state.next);
    state.tokens.push(token.clone());
    HttpResponse::Ok()
        .json(json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600}))
}

fn authorized(setup: &Setup, request: &HttpRequest) -> bool {
    let bearer = request
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    locked(setup).tokens.iter().any(|t| t == bearer)
}

/// `GET /oauth/userinfo`.
async fn userinfo(setup: Shared, request: HttpRequest) -> HttpResponse {
    if !authorized(&setup, &request) {
        return HttpResponse::Unauthorized().json(json!({"error": "invalid_token"}));
    }
    HttpResponse::Ok().json(json!({
        "sub": setup.user_id,
        "accounts": [{"account_id": setup.account_id, "is_default": true, "account_name": "CFA (fake)", "base_uri": setup.base}],
    }))
}

/// Checks the bearer and the account of `/restapi/v2.1/accounts/{account}/…`.
fn guard(setup: &Setup, request: &HttpRequest, account: &str) -> Option<HttpResponse> {
    if !authorized(setup, request) {
        return Some(error(
            401,
            "AUTHORIZATION_INVALID_TOKEN",
            "The access token provided is expired, revoked or malformed.",
        ));
    }
    (account != setup.account_id).then(|| {
        error(
            400,
            "ACCOUNT_LACKS_PERMISSIONS",
            "This user lacks sufficient permissions to access this account.",
        )
    })
}

/// `POST …/envelopes`: checks what DocuSign would refuse, keeps the envelope, answers its id.
async fn create(
    setup: Shared,
    request: HttpRequest,
    account: web::Path<String>,
    body: web::Json<Json>,
) -> HttpResponse {
    if let Some(refused) = guard(&setup, &request, &account) {
        return refused;
    }
    let mut envelope = body.into_inner();
    let documents = envelope["documents"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if documents.is_empty() {
        return error(
            400,
            "ENVELOPE_IS_INCOMPLETE",
            "The Envelope is not Complete. A Complete Envelope Requires Documents, Recipients, Tabs, and a Subject Line.",
        );
    }
    for document in &documents {
        let bytes = BASE64
            .decode(document["documentBase64"].as_str().unwrap_or_default())
            .unwrap_or_default();
        if !bytes.starts_with(b"%PDF-") || document["documentId"].as_str().is_none() {
            return error(
                400,
                "INVALID_DOCUMENT",
                "A document is not a PDF or has no documentId.",
            );
        }
    }
    let signers = envelope["recipients"]["signers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for signer in &signers {
        for key in [
            "recipientId",
            "clientUserId",
            "email",
            "name",
            "routingOrder",
        ] {
            if signer[key].as_str().is_none_or(str::is_empty) {
                return error(400, "INVALID_RECIPIENT", &format!("A signer lacks {key}."));
            }
        }
        let tabs = signer["tabs"]["signHereTabs"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if tabs.is_empty()
            || tabs
                .iter()
                .any(|t| t["anchorString"].as_str().is_none_or(str::is_empty))
        {
            return error(
                400,
                "ANCHOR_TAB_STRING_NOT_FOUND",
                "A signer has no signHere tab on an anchor.",
            );
        }
    }
    if envelope["status"] != "sent" || envelope["emailSubject"].as_str().is_none_or(str::is_empty) {
        return error(
            400,
            "ENVELOPE_IS_INCOMPLETE",
            "The envelope is not sent or has no subject.",
        );
    }
    let mut state = locked(&setup);
    state.next += 1;
    let id = format!("00000000-0000-4000-8000-{:012}", state.next);
    envelope["envelopeId"] = json!(id);
    for signer in envelope["recipients"]["signers"]
        .as_array_mut()
        .into_iter()
        .flatten()
    {
        signer["status"] = json!("sent");
    }
    state.envelopes.insert(id.clone(), envelope);
    HttpResponse::Created().json(json!({"envelopeId": id, "status": "sent", "statusDateTime": chrono::Utc::now(), "uri": format!("/envelopes/{id}")}))
}

fn summary(envelope: &Json) -> Json {
    json!({
        "envelopeId": envelope["envelopeId"],
        "status": envelope["status"],
        "voidedReason": envelope["voidedReason"],
        "emailSubject": envelope["emailSubject"],
    })
}

/// `GET …/envelopes/{id}` and `PUT` (voiding).
async fn envelope(
    setup: Shared,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    body: Option<web::Json<Json>>,
) -> HttpResponse {
    let (account, id) = path.into_inner();
    if let Some(refused) = guard(&setup, &request, &account) {
        return refused;
    }
    let mut state = locked(&setup);
    let Some(envelope) = state.envelopes.get_mut(&id) else {
        return error(
            404,
            "ENVELOPE_DOES_NOT_EXIST",
            "The envelope specified either does not exist or you have no rights to it.",
        );
    };
    if request.method() == actix_web::http::Method::PUT {
        let body = body.map(web::Json::into_inner).unwrap_or(Json::Null);
        if body["status"] != "voided" || body["voidedReason"].as_str().is_none_or(str::is_empty) {
            return error(
                400,
                "INVALID_REQUEST_BODY",
                "Only voiding with a voidedReason is supported.",
            );
        }
        if envelope["status"] == "completed" {
            return error(
                400,
                "ENVELOPE_CANNOT_VOID_INVALID_STATE",
                "Only envelopes in the 'Sent' or 'Delivered' states may be voided.",
            );
        }
        envelope["status"] = json!("voided");
        envelope["voidedReason"] = body["voidedReason"].clone();
        return HttpResponse::Ok().json(json!({"envelopeId": id}));
    }
    HttpResponse::Ok().json(summary(envelope))
}

/// `GET …/envelopes/{id}/recipients`.
async fn recipients(
    setup: Shared,
    request: HttpRequest,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (account, id) = path.into_inner();
    if let Some(refused) = guard(&setup, &request, &account) {
        return refused;
    }
    let state = locked(&setup);
    match state.envelopes.get(&id) {
        Some(envelope) => {
            HttpResponse::Ok().json(json!({"signers": envelope["recipients"]["signers"]}))
        }
        None => error(
            404,
            "ENVELOPE_DOES_NOT_EXIST",
            "The envelope specified either does not exist or you have no rights to it.",
        ),
    }
}

/// The lowest routing order still to sign.
fn current_order(envelope: &Json) -> Option<u64> {
    envelope["recipients"]["signers"]
        .as_array()?
        .iter()
        .filter(|s| s["status"] != "completed")
        .filter_map(|s| s["routingOrder"].as_str()?.parse().ok())
        .min()
}

/// `POST …/envelopes/{id}/views/recipient`.
async fn view(
    setup: Shared,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Json<Json>,
) -> HttpResponse {
    let (account, id) = path.into_inner();
    if let Some(refused) = guard(&setup, &request, &account) {
        return refused;
    }
    let mut state = locked(&setup);
    let Some(envelope) = state.envelopes.get(&id) else {
        return error(
            404,
            "ENVELOPE_DOES_NOT_EXIST",
            "The envelope specified either does not exist or you have no rights to it.",
        );
    };
    if envelope["status"] != "sent" {
        return error(
            400,
            "ENVELOPE_INVALID_STATUS",
            "Invalid envelope status for this operation.",
        );
    }
    let client_user_id = body["clientUserId"].as_str().unwrap_or_default().to_owned();
    let Some(signer) = envelope["recipients"]["signers"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["clientUserId"] == client_user_id.as_str())
    else {
        return error(
            400,
            "UNKNOWN_ENVELOPE_RECIPIENT",
            "The recipient you have identified is not a valid recipient of the specified envelope.",
        );
    };
    if signer["email"] != body["email"]
        || signer["name"] != body["userName"]
        || body["authenticationMethod"]
            .as_str()
            .is_none_or(str::is_empty)
    {
        return error(
            400,
            "UNKNOWN_ENVELOPE_RECIPIENT",
            "The recipient you have identified is not a valid recipient of the specified envelope.",
        );
    }
    let order: Option<u64> = signer["routingOrder"].as_str().and_then(|o| o.parse().ok());
    if order != current_order(envelope) {
        return error(
            400,
            "RECIPIENT_NOT_IN_SEQUENCE",
            "The token for an out of sequence recipient cannot be generated.",
        );
    }
    let Some(return_url) = body["returnUrl"]
        .as_str()
        .filter(|u| !u.is_empty())
        .map(str::to_owned)
    else {
        return error(400, "INVALID_REQUEST_PARAMETER", "returnUrl is required.");
    };
    state.next += 1;
    let session = format!("session-{}", state.next);
    state
        .sessions
        .insert(session.clone(), (id, client_user_id, return_url));
    HttpResponse::Created().json(json!({"url": format!("{}/signing/{session}", setup.base)}))
}

#[derive(Deserialize)]
struct Ceremony {
    action: String,
    #[serde(default)]
    reason: String,
}

/// The signer's side of the embedded session: signs or declines, then DocuSign's Connect event
/// goes out, then the browser goes back to `returnUrl?event=…`.
async fn ceremony(
    setup: Shared,
    session: web::Path<String>,
    query: web::Query<Ceremony>,
) -> HttpResponse {
    let (event, envelope_id, return_url, connect, body) = {
        let mut state = locked(&setup);
        // A session URL serves once, as DocuSign's do.
        let Some((id, client_user_id, return_url)) = state.sessions.remove(session.as_str()) else {
            return HttpResponse::NotFound().body("session expired");
        };
        let connect = state.connect.clone();
        let Some(envelope) = state.envelopes.get_mut(&id) else {
            return HttpResponse::NotFound().body("no envelope");
        };
        let now = chrono::Utc::now();
        let (event, connect_event) = match query.action.as_str() {
            "sign" => ("signing_complete", "recipient-completed"),
            "decline" => ("decline", "envelope-declined"),
            _ => ("cancel", ""),
        };
        for signer in envelope["recipients"]["signers"]
            .as_array_mut()
            .into_iter()
            .flatten()
        {
            if signer["clientUserId"] == client_user_id.as_str() {
                match event {
                    "signing_complete" => {
                        signer["status"] = json!("completed");
                        signer["signedDateTime"] = json!(now);
                    }
                    "decline" => {
                        signer["status"] = json!("declined");
                        signer["declinedDateTime"] = json!(now);
                        signer["declinedReason"] = json!(query.reason);
                    }
                    _ => {}
                }
            }
        }
        let all_signed = envelope["recipients"]["signers"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|s| s["status"] == "completed");
        let connect_event = match event {
            "decline" => {
                envelope["status"] = json!("declined");
                connect_event
            }
            _ if all_signed => {
                envelope["status"] = json!("completed");
                "envelope-completed"
            }
            _ => connect_event,
        };
        let body = (!connect_event.is_empty()).then(|| {
            json!({
                "event": connect_event,
                "apiVersion": "v2.1",
                "uri": format!("/restapi/v2.1/accounts/{}/envelopes/{id}", setup.account_id),
                "retryCount": 0,
                "configurationId": 1,
                "generatedDateTime": now,
                "data": {"accountId": setup.account_id, "userId": setup.user_id, "envelopeId": id, "envelopeSummary": summary(envelope)},
            })
            .to_string()
        });
        (event, id, return_url, connect, body)
    };
    if let (Some((url, key, duplicate)), Some(body)) = (connect, body) {
        let signature = {
            let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key.as_bytes());
            BASE64.encode(ring::hmac::sign(&key, body.as_bytes()).as_ref())
        };
        let client = reqwest::Client::new();
        for _ in 0..if duplicate { 2 } else { 1 } {
            let delivered = client
                .post(&url)
                .header("content-type", "application/json")
                .header("x-authorization-digest", "HMACSHA256")
                .header("x-docusign-signature-1", &signature)
                .body(body.clone())
                .send()
                .await;
            if let Err(e) = delivered {
                eprintln!("connect delivery for {envelope_id} failed: {e}");
            }
        }
    }
    let separator = if return_url.contains('?') { '&' } else { '?' };
    HttpResponse::Found()
        .insert_header(("location", format!("{return_url}{separator}event={event}")))
        .finish()
}

/// `GET …/envelopes/{id}/documents/{documentId}`: the document as signed (here: the bytes
/// sent, a comment appended), or the certificate of completion.
async fn document(
    setup: Shared,
    request: HttpRequest,
    path: web::Path<(String, String, String)>,
) -> HttpResponse {
    let (account, id, document) = path.into_inner();
    if let Some(refused) = guard(&setup, &request, &account) {
        return refused;
    }
    let state = locked(&setup);
    let Some(envelope) = state.envelopes.get(&id) else {
        return error(
            404,
            "ENVELOPE_DOES_NOT_EXIST",
            "The envelope specified either does not exist or you have no rights to it.",
        );
    };
    if document == "certificate" {
        return HttpResponse::Ok()
            .content_type("application/pdf")
            .body(certificate(&id));
    }
    let found = envelope["documents"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|d| d["documentId"] == document.as_str());
    match found {
        Some(d) => {
            let mut bytes = BASE64
                .decode(d["documentBase64"].as_str().unwrap_or_default())
                .unwrap_or_default();
            bytes.extend_from_slice(
                format!("\n% signed in the DocuSign fake, envelope {id}\n").as_bytes(),
            );
            HttpResponse::Ok()
                .content_type("application/pdf")
                .body(bytes)
        }
        None => error(
            404,
            "DOCUMENT_DOES_NOT_EXIST",
            "The document specified was not found.",
        ),
    }
}

/// A one-page PDF naming the envelope, as a certificate of completion stands.
fn certificate(envelope: &str) -> Vec<u8> {
    let text =
        format!("BT /F1 12 Tf 72 720 Td (Certificate of Completion - envelope {envelope}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

#[derive(Deserialize)]
struct Connect {
    url: String,
    key: String,
    #[serde(default)]
    duplicate: bool,
}

async fn set_connect(setup: Shared, body: web::Json<Connect>) -> HttpResponse {
    let body = body.into_inner();
    locked(&setup).connect = Some((body.url, body.key, body.duplicate));
    HttpResponse::NoContent().finish()
}

async fn set_consent(setup: Shared, body: web::Json<Json>) -> HttpResponse {
    locked(&setup).consent_withheld = body["granted"] == false;
    HttpResponse::NoContent().finish()
}

async fn show(setup: Shared, id: web::Path<String>) -> HttpResponse {
    match locked(&setup).envelopes.get(id.as_str()) {
        Some(envelope) => HttpResponse::Ok().json(envelope),
        None => HttpResponse::NotFound().finish(),
    }
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, key, integration_key, user_id, account_id] = args.as_slice() else {
        eprintln!("usage: docusign-fake <public key PEM> <integration key> <user id> <account id>");
        std::process::exit(2);
    };
    let pem = std::fs::read(key)?;
    let public_key =
        jsonwebtoken::DecodingKey::from_rsa_pem(&pem).map_err(std::io::Error::other)?;
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let base = format!("http://{}", listener.local_addr()?);
    let setup = Arc::new(Setup {
        public_key,
        integration_key: integration_key.clone(),
        user_id: user_id.clone(),
        account_id: account_id.clone(),
        base: base.clone(),
        state: Mutex::new(Fake::default()),
    });
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(setup.clone()))
            .app_data(web::JsonConfig::default().limit(50 * 1024 * 1024))
            .route("/oauth/token", web::post().to(token))
            .route("/oauth/userinfo", web::get().to(userinfo))
            .route(
                "/restapi/v2.1/accounts/{account}/envelopes",
                web::post().to(create),
            )
            .route(
                "/restapi/v2.1/accounts/{account}/envelopes/{id}",
                web::get().to(envelope),
            )
            .route(
                "/restapi/v2.1/accounts/{account}/envelopes/{id}",
                web::put().to(envelope),
            )
            .route(
                "/restapi/v2.1/accounts/{account}/envelopes/{id}/recipients",
                web::get().to(recipients),
            )
            .route(
                "/restapi/v2.1/accounts/{account}/envelopes/{id}/views/recipient",
                web::post().to(view),
            )
            .route(
                "/restapi/v2.1/accounts/{account}/envelopes/{id}/documents/{document}",
                web::get().to(document),
            )
            .route("/signing/{session}", web::get().to(ceremony))
            .route("/_fake/connect", web::post().to(set_connect))
            .route("/_fake/consent", web::post().to(set_consent))
            .route("/_fake/envelopes/{id}", web::get().to(show))
    })
    .workers(1)
    .listen(listener)?
    .run();
    println!("listening on {base}");
    server.await
}
