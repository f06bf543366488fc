//! Signature circuits over HTTP: the CFA sends the validated CERFA and convention and follows
//! the circuit; a signer's e-mailed link (`{public_url}/signature/{token}`, no account needed)
//! opens what they sign, asks for a one-time code, signs or refuses. `services::signatures`
//! decides and writes.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use api_types::{
    Problem,
    dossiers::CommentRequest,
    signatures::{
        CircuitBody, RefusalRequest, SignRequest, SigningBody, SigningViewBody,
        StartSignatureRequest,
    },
};

use crate::{
    auth::{Caller, client_address},
    error::ApiError,
    routes::{
        documents::{kind_of, pdf_answer, pdf_body},
        if_match,
        json::{Json, OptionalJson},
    },
    services::{
        access::Subject,
        signatures::{self as service, Origin},
    },
    startup::AppState,
};

/// Send the contract and the convention for signature (CFA staff).
///
/// The CERFA and the convention stored at validation — their exact bytes — go to their signers
/// with the built-in provider: the employer, the apprentice, the legal representative of a minor
/// non émancipé, then the CFA (the staff member who sends), each in their turn, by a single-use
/// link e-mailed when their turn comes. The dossier goes from `economics_validated` to
/// `in_signature`. The body may be left out; `paper_signers` names who signs on paper instead
/// (no link: the CFA records their signature with its scan, `PUT
/// …/signature/signers/{signer_id}/paper`); everyone on paper makes a `paper` circuit.
#[utoipa::path(
    tag = "signature",
    params(
        ("id" = String, Path, description = "The dossier's id"),
        ("If-Match" = Option<String>, Header, description = "Optional: the ETag read (`\"v<version>\"`) or `*`"),
    ),
    request_body = Option<StartSignatureRequest>,
    responses(
        (status = 201, description = "The circuit, started", body = CircuitBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CFA staff only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_transition`: the economic elements are not validated; `signer_missing`: a signer has no address; `document_unavailable`: a stored document is missing", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`stale_version`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`paper_signers` names a role this circuit does not have", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/dossiers/{id}/signature")]
pub async fn start_signature(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    id: web::Path<String>,
    body: OptionalJson<StartSignatureRequest>,
) -> Result<HttpResponse, ApiError> {
    let choice = body.0.unwrap_or_default();
    let body = service::start(&state, &caller, if_match(&request), &id, choice).await?;
    Ok(HttpResponse::Created().json(body))
}

/// Interrupt the signature circuit (CFA staff).
///
/// With a reason (required): a stalled circuit, or one to finish on paper. The circuit is
/// cancelled, its links stop working, every signer is told, and the dossier goes back to
/// `economics_validated`, from where it can be sent again.
#[utoipa::path(
    tag = "signature",
    params(
        ("id" = String, Path, description = "The dossier's id"),
        ("If-Match" = Option<String>, Header, description = "Optional: the ETag read (`\"v<version>\"`) or `*`"),
    ),
    request_body = CommentRequest,
    responses(
        (status = 200, description = "The circuit, cancelled", body = CircuitBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CFA staff only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_transition`: no circuit in progress", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`stale_version`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/dossiers/{id}/signature/cancellation")]
pub async fn interrupt_signature(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    id: web::Path<String>,
    body: Json<CommentRequest>,
) -> Result<HttpResponse, ApiError> {
    let reason = body.into_inner().comment;
    let circuit = service::interrupt(&state, &caller, if_match(&request), &id, reason).await?;
    Ok(HttpResponse::Ok().json(circuit))
}

/// Record a signer's signature on paper (CFA staff).
///
/// The body is the scan of what they signed (`Content-Type: application/pdf`, 10 MB at most, a
/// readable PDF by its bytes). For a signer who has not acted yet, whatever their channel: one
/// chosen on paper at sending, or a stalled online signer (their link stops working). Their
/// turn passes; the scan's pages follow the « dossier de preuve » in the sealed documents.
#[utoipa::path(
    tag = "signature",
    params(
        ("id" = String, Path, description = "The dossier's id"),
        ("signer_id" = String, Path, description = "The signer's id in the circuit"),
        ("If-Match" = Option<String>, Header, description = "Optional: the ETag read (`\"v<version>\"`) or `*`"),
    ),
    request_body(content = Vec<u8>, content_type = "application/pdf", description = "The scan of the signed documents"),
    responses(
        (status = 200, description = "The circuit, this signer signed", body = CircuitBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CFA staff only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found`; `signer_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_transition`: no circuit in progress; `signer_done`: already signed or refused; `sign_with_provider`: a DocuSign circuit", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`stale_version`", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`payload_too_large`: over 10 MB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/pdf`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_pdf`: refused by the PDF gate (not a PDF, damaged, protected, abnormal structure), the detail says why", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[put("/dossiers/{id}/signature/signers/{signer_id}/paper")]
pub async fn record_paper_signer(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let (id, signer_id) = path.into_inner();
    let scan = paper_scan(&state, &caller, &request, &id, payload).await?;
    let circuit = service::record_paper(
        &state,
        &caller,
        if_match(&request),
        &id,
        Some(&signer_id),
        scan,
    )
    .await?;
    Ok(HttpResponse::Ok().json(circuit))
}

/// Finish the circuit on paper (CFA staff).
///
/// The body is the scan of the documents signed on paper by every signer who has not signed
/// yet (`Content-Type: application/pdf`, 10 MB at most): a stalled circuit falls back to paper
/// in one step, the signatures already given online are kept. The dossier becomes `signed`.
#[utoipa::path(
    tag = "signature",
    params(
        ("id" = String, Path, description = "The dossier's id"),
        ("If-Match" = Option<String>, Header, description = "Optional: the ETag read (`\"v<version>\"`) or `*`"),
    ),
    request_body(content = Vec<u8>, content_type = "application/pdf", description = "The scan of the signed documents"),
    responses(
        (status = 200, description = "The circuit, completed", body = CircuitBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CFA staff only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_transition`: no circuit in progress; `sign_with_provider`: a DocuSign circuit", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`stale_version`", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`payload_too_large`: over 10 MB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/pdf`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_pdf`: refused by the PDF gate (not a PDF, damaged, protected, abnormal structure), the detail says why", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[put("/dossiers/{id}/signature/paper")]
pub async fn record_paper_rest(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let scan = paper_scan(&state, &caller, &request, &id, payload).await?;
    let circuit =
        service::record_paper(&state, &caller, if_match(&request), &id, None, scan).await?;
    Ok(HttpResponse::Ok().json(circuit))
}

/// The scan of a paper signature, read once the caller may record one on this dossier: a
/// foreign dossier is unknown and a party is refused, whatever the body.
async fn paper_scan(
    state: &AppState,
    caller: &Caller,
    request: &HttpRequest,
    id: &str,
    payload: web::Payload,
) -> Result<Vec<u8>, ApiError> {
    let subject = Subject::resolve(state, caller).await?;
    crate::services::dossiers::load_visible(state, &subject, id).await?;
    if !domain::access::records_paper_signatures(caller.role) {
        return Err(ApiError::Forbidden);
    }
    pdf_body(
        request,
        payload,
        "Déposez la copie numérisée au format PDF (Content-Type: application/pdf).",
    )
    .await
}

/// Remind the pending signers now (CFA staff).
///
/// Every signer whose turn it is and who signs online gets a renewed link by e-mail (the
/// previous one stops working); the scheduled reminders still follow.
#[utoipa::path(
    tag = "signature",
    params(("id" = String, Path, description = "The dossier's id")),
    responses(
        (status = 200, description = "The circuit", body = CircuitBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CFA staff only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_transition`: no circuit in progress", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/dossiers/{id}/signature/reminder")]
pub async fn remind_signers(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(service::remind_now(&state, &caller, &id).await?))
}

/// The dossier's signature circuit.
///
/// Its status and each signer's: `waiting` (their turn has not come), `pending` (their link is
/// out), `signed`, `refused` (with the reason).
#[utoipa::path(
    tag = "signature",
    params(("id" = String, Path, description = "The dossier's id")),
    responses(
        (status = 200, description = "The newest circuit", body = CircuitBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found`; `signature_not_started`: never sent for signature", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["dossiers_read"]))
)]
#[get("/dossiers/{id}/signature")]
pub async fn get_signature(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let subject = Subject::resolve(&state, &caller).await?;
    Ok(HttpResponse::Ok().json(service::circuit(&state, &subject, &id).await?))
}

/// Download a signed document.
///
/// Once every party has signed: the CERFA or the convention as it was signed, followed by its
/// « dossier de preuve » page, sealed by the platform (PAdES B-B). Its first bytes are exactly
/// the document each signer saw (their SHA-256 is printed on the evidence page).
#[utoipa::path(
    tag = "signature",
    params(
        ("id" = String, Path, description = "The dossier's id"),
        ("kind" = String, Path, description = "`cerfa` or `convention`", example = "cerfa"),
        ("If-None-Match" = Option<String>, Header, description = "The ETag of a copy held: 304 when unchanged"),
    ),
    responses(
        (status = 200, description = "The sealed PDF, as an attachment", content_type = "application/pdf", body = Vec<u8>),
        (status = 304, description = "The copy held is the document"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found`, or an unknown kind (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`document_unavailable`: not signed by everyone yet", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["dossiers_read"]))
)]
#[get("/dossiers/{id}/documents/{kind}/signed")]
pub async fn signed_document(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, kind) = path.into_inner();
    let kind = kind_of(&kind)?;
    let subject = Subject::resolve(&state, &caller).await?;
    let file = service::signed_document(&state, &subject, &id, kind).await?;
    Ok(pdf_answer(&request, file))
}

/// What a signer's link opens.
///
/// For the holder of the link mailed to a signer (no account): who they are, whose contract,
/// and the documents to sign with their SHA-256. 404 `signing_link_not_found` for an unknown,
/// used or expired link, or one of a circuit that ended.
#[utoipa::path(
    tag = "signature",
    params(("token" = String, Path, description = "The link's secret")),
    responses(
        (status = 200, description = "The signer and the documents", body = SigningBody),
        (status = 404, description = "`signing_link_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[get("/signing/{token}")]
pub async fn signing(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(service::signing(&state, &token).await?))
}

/// The exact PDF a signer signs.
#[utoipa::path(
    tag = "signature",
    params(
        ("token" = String, Path, description = "The link's secret"),
        ("kind" = String, Path, description = "`cerfa` or `convention`", example = "cerfa"),
    ),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, description = "`signing_link_not_found`, or a document this signer does not sign", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[get("/signing/{token}/documents/{kind}")]
pub async fn signing_document(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (token, kind) = path.into_inner();
    let kind = kind_of(&kind)?;
    let file = service::signing_document(&state, &token, kind).await?;
    Ok(pdf_answer(&request, file))
}

/// Mail a one-time code to the signer.
///
/// Six digits, to the signer's own address, valid 10 minutes; at most five an hour (429 with
/// `Retry-After` beyond).
#[utoipa::path(
    tag = "signature",
    params(("token" = String, Path, description = "The link's secret")),
    responses(
        (status = 202, description = "The code is on its way"),
        (status = 404, description = "`signing_link_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`too_many_attempts`: five codes this hour already", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/signing/{token}/code")]
pub async fn send_code(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    service::send_code(&state, &token).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Sign.
///
/// The signer signs every document of theirs: `consent` must be `true`, `name` their name as
/// they type it, `code` the six digits mailed. The evidence kept: name typed, address, time, IP,
/// user agent, the SHA-256 of each document, the code's verification. 422 `invalid_code` for a
/// wrong, expired or spent code (five attempts per code).
#[utoipa::path(
    tag = "signature",
    params(("token" = String, Path, description = "The link's secret")),
    request_body = SignRequest,
    responses(
        (status = 200, description = "Signed", body = SigningBody),
        (status = 404, description = "`signing_link_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_code`; or `validation_failed` naming `consent`, `name` or `code`", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/signing/{token}")]
pub async fn sign(
    state: web::Data<AppState>,
    request: HttpRequest,
    token: web::Path<String>,
    body: Json<SignRequest>,
) -> Result<HttpResponse, ApiError> {
    let origin = Origin {
        ip: client_address(&request, state.settings.server.trust_forwarded_for),
        user_agent: request
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .chars()
            .take(500)
            .collect(),
    };
    let signed = service::sign(&state, &token, body.into_inner(), origin).await?;
    Ok(HttpResponse::Ok().json(signed))
}

/// Refuse to sign.
///
/// With a reason (required): the circuit ends, the dossier goes back to `economics_validated`,
/// every signer and the parties are told.
#[utoipa::path(
    tag = "signature",
    params(("token" = String, Path, description = "The link's secret")),
    request_body = RefusalRequest,
    responses(
        (status = 204, description = "Refused"),
        (status = 404, description = "`signing_link_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/signing/{token}/refusal")]
pub async fn refuse(
    state: web::Data<AppState>,
    token: web::Path<String>,
    body: Json<RefusalRequest>,
) -> Result<HttpResponse, ApiError> {
    service::refuse(&state, &token, &body.into_inner().reason).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Where the link's holder signs at the circuit's provider.
///
/// For a circuit sent with DocuSign: a single-use URL of DocuSign's embedded signing, valid a
/// few minutes, to open at once; DocuSign sends the browser back to
/// `{public_url}/signature/{token}?event=signing_complete|decline|cancel|ttl_expired|…`, and
/// the signature itself arrives by DocuSign's webhook. 409 `sign_with_provider` for a circuit
/// signed on the platform (with a one-time code).
#[utoipa::path(
    tag = "signature",
    params(("token" = String, Path, description = "The link's secret")),
    responses(
        (status = 200, description = "The provider's signing page", body = SigningViewBody),
        (status = 404, description = "`signing_link_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`sign_with_provider`: this circuit is signed on the platform's page", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "`signature_provider_failed`", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/signing/{token}/view")]
pub async fn signing_view(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(service::signing_view(&state, &token).await?))
}

/// A signature provider's event (DocuSign Connect).
///
/// The raw JSON body, authenticated by its HMAC-SHA256 headers (`X-DocuSign-Signature-1`,
/// `-2`… one per active key, any may match) against `signature.docusign.connect_keys`; the
/// envelope it names is then read back from DocuSign and the circuit brought up to date. Events
/// repeated or duplicated change nothing twice. 404 when the provider is not configured.
#[utoipa::path(
    tag = "signature",
    params(("provider" = String, Path, description = "`docusign`", example = "docusign")),
    request_body(content = String, content_type = "application/json", description = "The provider's event, as it sends it"),
    responses(
        (status = 200, description = "Heard"),
        (status = 400, description = "`invalid_body`: not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`invalid_signature`: no HMAC header matches", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such provider configured", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`payload_too_large`", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "`signature_provider_failed`: the provider could not be read back (it retries)", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/signature/{provider}/events")]
pub async fn provider_event(
    state: web::Data<AppState>,
    request: HttpRequest,
    provider: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body = crate::routes::read_body(
        payload,
        1024 * 1024,
        "Un événement de prestataire ne dépasse pas 1 Mo.",
    )
    .await?;
    service::callback(&state, &provider, request.headers(), &body).await?;
    Ok(HttpResponse::Ok().finish())
}
