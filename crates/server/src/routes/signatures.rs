//! Signature circuits over HTTP: the CFA sends the validated CERFA and convention and follows
//! the circuit; a signer's e-mailed link (`{public_url}/signature/{token}`, no account needed)
//! opens what they sign, asks for a one-time code, signs or refuses. `services::signatures`
//! decides and writes.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use api_types::{
    Problem,
    dossiers::CommentRequest,
    signatures::{CircuitBody, RefusalRequest, SignRequest, SigningBody},
};

use crate::{
    auth::{Caller, client_address},
    error::ApiError,
    routes::{
        documents::{kind_of, pdf_answer},
        if_match,
        json::Json,
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
/// `in_signature`.
#[utoipa::path(
    tag = "signature",
    params(
        ("id" = String, Path, description = "The dossier's id"),
        ("If-Match" = Option<String>, Header, description = "Optional: the ETag read (`\"v<version>\"`) or `*`"),
    ),
    responses(
        (status = 201, description = "The circuit, started", body = CircuitBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CFA staff only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_transition`: the economic elements are not validated; `signer_missing`: a signer has no address; `document_unavailable`: a stored document is missing", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`stale_version`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/dossiers/{id}/signature")]
pub async fn start_signature(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let body = service::start(&state, &caller, if_match(&request), &id).await?;
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
