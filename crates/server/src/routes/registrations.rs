//! Self-registration with an access code (user guide B.4).

use actix_web::{HttpRequest, HttpResponse, post, web};
use api_types::{
    Problem,
    formations::{RegistrationRequest, RegistrationResponse},
};
use domain::{Email, PersonName};

use crate::{
    auth::{client_address, secrets},
    error::ApiError,
    routes::json::Json,
    routes::{FieldChecks, users::user_body},
    services::{accounts, openings},
    startup::AppState,
};

/// Register with an access code.
///
/// For an apprentice holding the access code of a formation or of one of its variants: creates
/// the account (with the chosen password) and its draft dossier in one transaction, and mails a
/// confirmation. Every invalid field is reported at once; an unknown or closed code is a field
/// error (`unknown_access_code`, `closed_access_code`) with a French message to show under it.
/// Unknown codes count towards the same per-address limit as `GET /api/v1/access-codes/{code}`.
#[utoipa::path(
    tag = "registration",
    request_body = RegistrationRequest,
    responses(
        (status = 201, description = "Account and draft dossier created", body = RegistrationResponse),
        (status = 409, description = "`email_taken`: the address has an account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, unknown or closed code", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`too_many_attempts`: too many unknown codes from this address", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/registrations")]
pub async fn register(
    state: web::Data<AppState>,
    http: HttpRequest,
    request: Json<RegistrationRequest>,
) -> Result<HttpResponse, ApiError> {
    let mut checks = FieldChecks::new();
    let address = client_address(&http, state.settings.server.trust_forwarded_for);
    let opening = match openings::open_code(&state, &address, &request.access_code).await? {
        Ok(opening) => Some(opening),
        Err(refusal) => {
            checks.push("access_code", refusal.code(), refusal.message());
            None
        }
    };
    let email = checks.parse("email", Email::parse(&request.email));
    if let Err((code, message)) = secrets::check_password_rules(&request.password) {
        checks.push("password", code, message);
    }
    let first_name = checks.parse("first_name", PersonName::parse(&request.first_name));
    let last_name = checks.parse("last_name", PersonName::parse(&request.last_name));
    let (Some(opening), Some(email), Some(first_name), Some(last_name), true) =
        (opening, email, first_name, last_name, checks.is_empty())
    else {
        return Err(ApiError::Validation(checks.into_errors()));
    };
    let (account, dossier) = accounts::register(
        &state,
        &opening,
        &email,
        &first_name,
        &last_name,
        request.password.clone(),
    )
    .await?;
    Ok(HttpResponse::Created().json(RegistrationResponse {
        user: user_body(&account)?,
        dossier_id: dossier.id,
    }))
}
