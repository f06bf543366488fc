//! The REST API under `/api/v1`, one module per resource. Every handler is registered through
//! `utoipa-actix-web`'s `service(...)`, which is what puts it in the OpenAPI document.

pub mod access_codes;
pub mod api_tokens;
pub mod auth;
pub mod catalogue;
pub mod dev;
pub mod documents;
pub mod dossier_lists;
pub mod dossiers;
pub mod economics;
pub mod formations;
pub mod invitations;
pub mod json;
pub mod me;
pub mod operations;
pub mod platform;
pub mod registrations;
pub mod regulatory;
pub mod rules;
pub mod signatures;
pub mod suivi;
pub mod users;
pub mod workflow;

use utoipa_actix_web::service_config::ServiceConfig;

pub use crate::{auth::secrets::blocking, error::FieldChecks};
use actix_web::web;
use futures_util::StreamExt;

use crate::{
    error::{ApiError, payload_error},
    services::dossiers::IfMatch,
};

/// Reads a raw body, refusing it past `limit` bytes with `detail` (413 `payload_too_large`).
pub async fn read_body(
    mut payload: web::Payload,
    limit: usize,
    detail: &str,
) -> Result<Vec<u8>, ApiError> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(payload_error)?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge {
                code: api_types::codes::PAYLOAD_TOO_LARGE,
                detail: detail.to_owned(),
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Registers every `/api/v1` handler.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(auth::login)
        .service(auth::refresh)
        .service(auth::logout)
        .service(auth::forgot_password)
        .service(auth::reset_password)
        .service(auth::change_password)
        .service(me::me)
        .service(users::list_users)
        .service(users::create_user)
        .service(users::send_user_password_link)
        .service(api_tokens::list_tokens)
        .service(api_tokens::create_token)
        .service(api_tokens::revoke_token)
        .service(formations::list_formations)
        .service(formations::create_formation)
        .service(formations::get_formation)
        .service(formations::update_formation)
        .service(formations::create_variant)
        .service(formations::update_variant)
        .service(formations::get_annex)
        .service(formations::put_annex)
        .service(formations::delete_annex)
        .service(access_codes::get_access_code)
        .service(registrations::register)
        .service(invitations::list_invitations)
        .service(invitations::invite)
        .service(invitations::invite_bulk)
        .service(invitations::renew_invitation)
        .service(invitations::correct_invitation_email)
        // The fixed paths before `/dossiers/{id}`, which would take them for ids.
        .service(dossier_lists::list_dossiers)
        .service(dossier_lists::count_dossiers)
        .service(dossier_lists::export_dossiers)
        .service(documents::batch)
        .service(dossiers::get_dossier)
        .service(dossiers::patch_dossier)
        .service(economics::put_economics)
        .service(dossiers::dossier_history)
        .service(suivi::suivi)
        .service(documents::download)
        .service(documents::draft)
        .service(documents::deposit)
        .service(workflow::validate_base)
        .service(workflow::request_validation)
        .service(workflow::validate)
        .service(workflow::return_dossier)
        .service(workflow::validate_economics)
        .service(workflow::reopen)
        .service(signatures::start_signature)
        .service(signatures::get_signature)
        .service(signatures::interrupt_signature)
        .service(signatures::record_paper_signer)
        .service(signatures::record_paper_rest)
        .service(signatures::remind_signers)
        .service(signatures::signed_document)
        .service(signatures::signing)
        .service(signatures::signing_document)
        .service(signatures::send_code)
        .service(signatures::sign)
        .service(signatures::refuse)
        .service(signatures::signing_view)
        .service(signatures::provider_event)
        .service(rules::evaluate)
        .service(catalogue::catalogue)
        .service(platform::platform)
        .service(platform::logo)
        .service(regulatory::regulatory_data)
        .service(regulatory::regulatory_file)
        .service(dev::mailbox);
}

/// The `If-Match` header of a request (RFC 9110 §13.1.1): absent, `*`, or the entity tags it
/// lists — an unreadable header lists one tag that matches nothing.
pub fn if_match(request: &actix_web::HttpRequest) -> IfMatch {
    let Some(value) = request.headers().get(actix_web::http::header::IF_MATCH) else {
        return IfMatch::Absent;
    };
    let Ok(value) = value.to_str() else {
        return IfMatch::Tags(vec![String::new()]);
    };
    if value.trim() == "*" {
        return IfMatch::Any;
    }
    IfMatch::Tags(value.split(',').map(|tag| tag.trim().to_owned()).collect())
}

/// How far into a list a page or an offset may reach: beyond any real list, and within every
/// database's integer range, so that no page number can overflow into a panic or wrap around.
pub const MAX_OFFSET: u64 = 1 << 40;

/// 400 `invalid_query`: a query parameter the API cannot read.
pub fn bad_query(detail: impl Into<String>) -> ApiError {
    ApiError::BadRequest {
        code: api_types::codes::INVALID_QUERY,
        detail: detail.into(),
    }
}

/// The query parameter `name` (`default` when absent), refused unless within `min..=max`.
pub fn bounded(
    name: &str,
    value: Option<u64>,
    default: u64,
    (min, max): (u64, u64),
) -> Result<u64, ApiError> {
    let value = value.unwrap_or(default);
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(bad_query(format!(
            "« {name} » doit être un entier de {min} à {max}."
        )))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::bounded;

    proptest! {
        #[test]
        fn a_query_number_passes_exactly_when_within_its_bounds(
            value in proptest::option::of(any::<u64>()),
            default in 0u64..100,
            min in 0u64..50,
            span in 0u64..1_000_000,
        ) {
            let max = min + span;
            let expected = value.unwrap_or(default);
            let answer = bounded("page", value, default, (min, max));
            prop_assert_eq!(answer.is_ok(), (min..=max).contains(&expected));
            if let Ok(accepted) = answer {
                prop_assert_eq!(accepted, expected);
            }
        }
    }
}
