//! Access codes: what an apprentice types to register for a formation or one of its variants.

use actix_web::{HttpRequest, HttpResponse, get, web};
use api_types::{Problem, formations::AccessCodeBody};

use crate::{
    auth::client_address,
    error::ApiError,
    services::openings::{Refusal, open_code},
    startup::AppState,
};

/// Check an access code.
///
/// What the registration page calls as the code is typed: spaces, case and any kind of dash
/// are forgiven (`f724–2` is `F724-2`). A known open code answers the formation with the dates
/// to show beside its name (the variant's own when it has some). An unknown or malformed code
/// answers 404 `unknown_access_code`; a closed one 410 `closed_access_code`. Past
/// `auth.max_unknown_codes_per_ip` unknown codes from one address within
/// `auth.throttle_window_minutes`, the address gets 429 `too_many_attempts` with `Retry-After`.
#[utoipa::path(
    tag = "registration",
    params(("code" = String, Path, description = "The code as typed", example = "F724-2")),
    responses(
        (status = 200, description = "The formation the code opens", body = AccessCodeBody),
        (status = 404, description = "`unknown_access_code`", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`closed_access_code`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`too_many_attempts`: too many unknown codes from this address", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[get("/access-codes/{code}")]
pub async fn get_access_code(
    state: web::Data<AppState>,
    request: HttpRequest,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let address = client_address(&request, state.settings.server.trust_forwarded_for);
    let opening = match open_code(&state, &address, &code).await? {
        Ok(opening) => opening,
        Err(refusal @ Refusal::Closed(_)) => {
            return Err(ApiError::Gone {
                code: refusal.code(),
                detail: refusal.message(),
            });
        }
        Err(Refusal::Malformed(error)) => {
            return Err(ApiError::NotFound {
                code: api_types::codes::UNKNOWN_ACCESS_CODE,
                detail: error.to_string(),
            });
        }
        Err(refusal) => {
            return Err(ApiError::NotFound {
                code: api_types::codes::UNKNOWN_ACCESS_CODE,
                detail: refusal.message(),
            });
        }
    };
    Ok(HttpResponse::Ok().json(AccessCodeBody {
        code: opening.variant.access_code.clone(),
        variant_label: opening.variant.label.clone(),
        formation: opening.summary()?,
    }))
}
