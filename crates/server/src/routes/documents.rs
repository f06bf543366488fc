//! A dossier's documents as files: the CERFA, the convention, the calendrier and the programme
//! (`services::documents` decides and keeps them), a draft of the CERFA or the convention before
//! the validation, and the deposit of a CERFA made outside the platform (saisie simple).

use actix_web::{
    HttpRequest, HttpResponse, get,
    http::header::{self, HeaderValue},
    put, web,
};
use api_types::{
    Problem,
    dossiers::{DepositedDocumentBody, ListQuery},
};
use domain::documents::DocumentKind;

use crate::{
    auth::Caller,
    error::ApiError,
    routes::read_body,
    services::{
        access::Subject,
        documents::{self as service, DocumentFile, MAX_DEPOSIT_BYTES},
    },
    startup::AppState,
};

/// `kind` as the path names it; an unknown kind is an unknown document: 404.
pub fn kind_of(key: &str) -> Result<DocumentKind, ApiError> {
    DocumentKind::from_key(key).ok_or_else(|| ApiError::NotFound {
        code: api_types::codes::NOT_FOUND,
        detail: "Document inconnu : cerfa, convention, calendrier ou programme.".into(),
    })
}

/// Characters a `filename*` may carry as they are (RFC 8187 `attr-char`).
fn is_attr_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte)
}

/// `attachment` with the file name in UTF-8 (`filename*`, RFC 6266 and 8187) and in ASCII for
/// the clients that read only `filename`.
pub fn content_disposition(utf8: &str, ascii: &str) -> String {
    let encoded: String = utf8
        .bytes()
        .map(|b| {
            if is_attr_char(b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Whether the client's `If-None-Match` names `etag` (quoted) or `*`.
pub fn holds(request: &HttpRequest, etag: &str) -> bool {
    request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
}

/// The PDF as an attachment, its ETag its SHA-256; 304 when the client holds these bytes.
pub fn pdf_answer(request: &HttpRequest, file: DocumentFile) -> HttpResponse {
    let etag = format!("\"{}\"", file.sha256);
    let held = holds(request, &etag);
    let mut answer = if held {
        HttpResponse::NotModified().finish()
    } else {
        HttpResponse::Ok()
            .content_type("application/pdf")
            .body(file.bytes)
    };
    let headers = answer.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    if let Ok(value) =
        HeaderValue::from_str(&content_disposition(&file.file_names.0, &file.file_names.1))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    answer
}

/// Download a document of the dossier.
///
/// `cerfa` (FA13 for an apprenticeship, EJ20 for a professionalisation contract), `convention`
/// (de formation), `calendrier` or `programme`, as PDF/A-2b, with a French file name
/// (`CERFA-FA13-MARTIN-Léa.pdf`, ASCII fallback `CERFA-FA13-MARTIN-Lea.pdf`) and the SHA-256 of
/// the bytes as `ETag` (`If-None-Match` answers 304). The CERFA exists once the formation has
/// validated the dossier, the convention once the CFA has validated the economic elements: both
/// are the bytes stored at that moment — what is validated is what is signed — until a reopening
/// voids them. In saisie simple the CERFA is the one a party deposited. The calendrier and the
/// programme are the formation's (or its variant's). Otherwise 409 `document_unavailable` with
/// the reason « Suivi – Info » shows.
#[utoipa::path(
    tag = "documents",
    params(
        ("id" = String, Path, description = "The dossier's id"),
        ("kind" = String, Path, description = "`cerfa`, `convention`, `calendrier` or `programme`",
            example = "cerfa"),
        ("If-None-Match" = Option<String>, Header, description = "The ETag of a copy held: 304 when unchanged"),
    ),
    responses(
        (status = 200, description = "The PDF, as an attachment", content_type = "application/pdf", body = Vec<u8>,
            headers(("ETag" = String, description = "The SHA-256 of the bytes"), ("Content-Disposition" = String, description = "attachment; filename=…; filename*=UTF-8''…"))),
        (status = 304, description = "The copy held is the document"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found`, or an unknown kind (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`document_unavailable`: the document cannot exist yet, with why", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["dossiers_read"]))
)]
#[get("/dossiers/{id}/documents/{kind}")]
pub async fn download(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, kind) = path.into_inner();
    let kind = kind_of(&kind)?;
    let subject = Subject::resolve(&state, &caller).await?;
    let file = service::document(&state, &subject, &id, kind).await?;
    Ok(pdf_answer(&request, file))
}

/// Download a draft of the CERFA or the convention.
///
/// For the parties before the validation: the document as it would be made from the dossier
/// now, stamped « BROUILLON » on every page; the CERFA's last page lists the fields still
/// missing or refused. Never stored, never signed. 409 `document_unavailable` in saisie simple
/// (the CERFA is made outside), for a convention without complete economic elements, for the
/// calendrier and the programme (they have no draft) and for a cancelled dossier.
#[utoipa::path(
    tag = "documents",
    params(
        ("id" = String, Path, description = "The dossier's id"),
        ("kind" = String, Path, description = "`cerfa` or `convention`", example = "cerfa"),
    ),
    responses(
        (status = 200, description = "The draft PDF, as an attachment", content_type = "application/pdf", body = Vec<u8>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found`, or an unknown kind (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`document_unavailable`, with why", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["dossiers_read"]))
)]
#[get("/dossiers/{id}/documents/{kind}/draft")]
pub async fn draft(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, kind) = path.into_inner();
    let kind = kind_of(&kind)?;
    let subject = Subject::resolve(&state, &caller).await?;
    let file = service::draft(&state, &subject, &id, kind).await?;
    Ok(pdf_answer(&request, file))
}

/// Deposit the CERFA made outside the platform (saisie simple).
///
/// In saisie simple the employer and the apprentice fill in the CERFA elsewhere; any party of
/// the dossier deposits it here (`Content-Type: application/pdf`, 10 MB at most, a whole PDF by
/// its bytes) until the formation validates the dossier. A new deposit replaces the previous
/// one. Only the CERFA is deposited: another kind answers 409 `document_unavailable`, as does a
/// dossier in saisie complète (its CERFA is made by the platform).
#[utoipa::path(
    tag = "documents",
    params(
        ("id" = String, Path, description = "The dossier's id"),
        ("kind" = String, Path, description = "`cerfa`", example = "cerfa"),
    ),
    request_body(content = Vec<u8>, content_type = "application/pdf", description = "The CERFA as a PDF"),
    responses(
        (status = 201, description = "Deposited", body = DepositedDocumentBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found`, or an unknown kind (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`document_unavailable` (not saisie simple, or not the CERFA), `dossier_frozen` or `dossier_cancelled`", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`payload_too_large`: over 10 MB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/pdf`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_pdf`: refused by the PDF gate (not a PDF, damaged, protected, abnormal structure), the detail says why", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["dossiers_write"]))
)]
#[put("/dossiers/{id}/documents/{kind}")]
pub async fn deposit(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let (id, kind) = path.into_inner();
    let kind = kind_of(&kind)?;
    let subject = Subject::resolve(&state, &caller).await?;
    // The dossier first: a foreign one is unknown, whatever the body.
    crate::services::dossiers::load_visible(&state, &subject, &id).await?;
    let bytes = pdf_body(
        &request,
        payload,
        "Déposez le CERFA au format PDF (Content-Type: application/pdf).",
    )
    .await?;
    if kind != DocumentKind::Cerfa {
        return Err(ApiError::Conflict {
            code: api_types::codes::DOCUMENT_UNAVAILABLE,
            detail: "Seul le CERFA se dépose : la convention, le calendrier et le programme sont établis par la plateforme.".into(),
        });
    }
    let file = service::deposit_cerfa(&state, &subject, &id, bytes).await?;
    Ok(HttpResponse::Created().json(DepositedDocumentBody {
        kind: kind.key().to_owned(),
        size: file.bytes.len() as u64,
        sha256: file.sha256,
        file_name: file.file_names.0,
    }))
}

/// A PDF sent as the request's body (`Content-Type: application/pdf`, 10 MB at most): 415 with
/// `wrong_type` otherwise, 413 past the limit. Whether the bytes are a PDF is the service's
/// to check.
pub async fn pdf_body(
    request: &HttpRequest,
    payload: web::Payload,
    wrong_type: &str,
) -> Result<Vec<u8>, ApiError> {
    let is_pdf = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("application/pdf"));
    if !is_pdf {
        return Err(ApiError::UnsupportedMediaType(wrong_type.to_owned()));
    }
    read_body(
        payload,
        MAX_DEPOSIT_BYTES,
        "Le fichier dépasse 10 Mo : réduisez-le (une copie numérisée en niveaux de gris, 200 points par pouce, suffit).",
    )
    .await
}

/// Download the documents of a filtered list as one ZIP (CFA staff and responsables).
///
/// The CERFAs (or conventions, calendriers, programmes) of the dossiers the list's filters
/// select — the same `status`, `q`, `formation_id`, `complete` and `sort` as `GET
/// /api/v1/dossiers`, every page — as a ZIP streamed while it is made, one PDF per dossier
/// (`CERFA-FA13-MARTIN-Léa-1a2b3c4d.pdf`). A dossier whose document cannot exist yet is left
/// out and listed, with why, in `LISEZ-MOI.txt`. `X-Document-Count` gives the number of
/// dossiers, for a progress bar. 5 000 dossiers at most per batch (400 `invalid_query` past).
#[utoipa::path(
    tag = "documents",
    params(
        ("kind" = String, Path, description = "`cerfa`, `convention`, `calendrier` or `programme`", example = "cerfa"),
        ListQuery,
    ),
    responses(
        (status = 200, description = "The ZIP, as an attachment", content_type = "application/zip", body = Vec<u8>,
            headers(("X-Document-Count" = u64, description = "Dossiers in the batch"))),
        (status = 400, description = "`invalid_query`, or a batch over 5 000 dossiers", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CFA staff nor a responsable de formation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "An unknown kind (`not_found`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["dossiers_read"]))
)]
#[get("/dossiers/documents/{kind}")]
pub async fn batch(
    state: web::Data<AppState>,
    caller: Caller,
    kind: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(domain::access::downloads_document_batches(caller.role))?;
    let kind = kind_of(&kind)?;
    let selection = crate::routes::dossier_lists::selection(&state, &caller, &query).await?;
    let day = state.clock.now().format("%Y-%m-%d").to_string();
    let (total, stream) =
        crate::services::document_batches::zip_of(state.clone(), selection, kind).await?;
    let name = format!("{}-{day}.zip", kind.key());
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            content_disposition(&name, &name),
        ))
        .insert_header(("X-Document-Count", total.to_string()))
        .streaming(stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_is_sent_in_utf_8_and_in_ascii() {
        assert_eq!(
            content_disposition("CERFA-FA13-MARTIN-Léa.pdf", "CERFA-FA13-MARTIN-Lea.pdf"),
            "attachment; filename=\"CERFA-FA13-MARTIN-Lea.pdf\"; filename*=UTF-8''CERFA-FA13-MARTIN-L%C3%A9a.pdf"
        );
    }
}
