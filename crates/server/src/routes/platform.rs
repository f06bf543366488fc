//! Who runs this Opuntia, for the app's header and footer and its legal notice.

use actix_web::{HttpResponse, get, web};
use api_types::{Problem, platform::PlatformBody};

use crate::{error::ApiError, startup::AppState};

/// Who runs this platform.
///
/// The CFA's name, address, SIRET, director and contact address, from the `[cfa]` settings (the
/// demo CFA in development with demo data): the app shows them in its header and footer and in
/// its legal notice. Public: a visitor reads them before signing in.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "The CFA running the platform", body = PlatformBody)),
    security(())
)]
#[get("/platform")]
pub async fn platform(state: web::Data<AppState>) -> HttpResponse {
    let cfa = state.settings.cfa();
    let given = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
    let street = joined(&[&cfa.address_number, &cfa.address_street], " ");
    let town = joined(&[&cfa.postal_code, &cfa.town], " ");
    let address = joined(&[&street, &town], ", ");
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=300"))
        .json(PlatformBody {
            cfa_name: given(&cfa.denomination),
            address: given(&address),
            siret: given(&cfa.siret),
            director: given(&cfa.director),
            contact_email: given(&cfa.contact_email),
            logo_url: state
                .logo
                .as_ref()
                .map(|_| "/api/v1/platform/logo".to_owned()),
        })
}

/// The CFA's logo.
///
/// The image `[cfa] logo` names (PNG, JPEG or SVG), read at start-up, for the app's header.
/// Public, as the platform's identity is.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "The logo", content(
            (Vec<u8> = "image/png"), (Vec<u8> = "image/jpeg"), (String = "image/svg+xml")
        )),
        (status = 404, description = "`not_found`: no logo is configured", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[get("/platform/logo")]
pub async fn logo(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let logo = state.logo.as_ref().ok_or_else(|| ApiError::NotFound {
        code: api_types::codes::NOT_FOUND,
        detail: "Aucun logo n'est configuré pour ce CFA.".into(),
    })?;
    Ok(HttpResponse::Ok()
        .content_type(logo.content_type)
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(logo.bytes.clone()))
}

/// The non-blank parts, trimmed, joined by `separator`: an address without holes when a part
/// of it is not set.
fn joined(parts: &[&str], separator: &str) -> String {
    parts
        .iter()
        .map(|part| part.trim())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(separator)
}
