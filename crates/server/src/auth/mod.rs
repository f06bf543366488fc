//! Who is calling: access tokens (JWT) of signed-in users and API tokens of integrations.

pub mod jwt;
pub mod operations;
pub mod secrets;
pub mod throttle;

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use api_types::account::TokenScope;
use domain::Role;

use self::operations::Accepts;
use crate::{error::ApiError, startup::AppState};

/// The prefix that tells an API token from a JWT.
pub const API_TOKEN_PREFIX: &str = "opt_";

/// The authenticated caller of a request, already checked against what the operation accepts
/// ([`operations`]): an API token reaching a handler holds the scopes it declares.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user, or the owner of the API token.
    pub user_id: String,
    /// Their role.
    pub role: Role,
}

impl Caller {
    /// Refuses the caller unless `allowed` (a decision of `domain::access`).
    pub fn require(&self, allowed: bool) -> Result<(), ApiError> {
        if allowed {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

/// The token of an `Authorization: Bearer …` header (the scheme in any case).
pub(crate) fn bearer(request: &HttpRequest) -> Option<String> {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

async fn authenticate(
    state: web::Data<AppState>,
    token: String,
    accepts: &Accepts,
    writes: bool,
) -> Result<Caller, ApiError> {
    let now = state.clock.now();
    if token.starts_with(API_TOKEN_PREFIX) {
        let hash = secrets::sha256_hex(&token);
        let api_token = db::queries::api_tokens::live_by_hash(&state.db, &hash, now)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        let held: Vec<TokenScope> = api_token
            .scopes
            .split(',')
            .filter_map(TokenScope::from_key)
            .collect();
        let required = accepts
            .token_scopes
            .as_ref()
            .ok_or(ApiError::TokenNotAccepted)?;
        if let Some(missing) = required.iter().find(|scope| !held.contains(scope)) {
            return Err(ApiError::MissingScope(missing.key()));
        }
        let owner = db::queries::users::by_id(&state.db, &api_token.user_id)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        let role = *owner.role;
        // « Last used » to the minute is enough, and spares a script's every call a write.
        if api_token
            .last_used_at
            .is_none_or(|at| now - at > chrono::Duration::minutes(1))
        {
            db::queries::api_tokens::touch(&state.db, &api_token.id, now).await?;
        }
        return Ok(Caller {
            user_id: owner.id,
            role,
        });
    }
    let claims = state
        .jwt
        .verify(&token, now)
        .ok_or(ApiError::Unauthenticated)?;
    if !accepts.people {
        return Err(ApiError::Forbidden);
    }
    // An access token lives minutes and is not revocable; for a write, the account is read
    // again so that a deleted account, or one whose role changed, stops writing at once. Reads
    // keep the token's word until it expires (at most `auth.access_token_minutes`).
    if writes {
        let account = db::queries::users::by_id(&state.db, &claims.sub).await?;
        if account.is_none_or(|account| *account.role != claims.role) {
            return Err(ApiError::Unauthenticated);
        }
    }
    Ok(Caller {
        user_id: claims.sub,
        role: claims.role,
    })
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let state = request.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(request);
        let route = request.match_pattern();
        let method = request.method().as_str().to_owned();
        let writes = !request.method().is_safe();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("application state missing"))?;
            // Fails closed: a handler asking for its caller on an undeclared route is a bug.
            let accepts = route
                .as_deref()
                .and_then(|route| state.operations.of(&method, route))
                .cloned()
                .ok_or_else(|| {
                    ApiError::internal(format!("no access declaration for {method} {route:?}"))
                })?;
            authenticate(
                state,
                token.ok_or(ApiError::Unauthenticated)?,
                &accepts,
                writes,
            )
            .await
        })
    }
}

/// The client's address, for throttling: the peer, or the first `X-Forwarded-For` hop when the
/// server sits behind a proxy it trusts.
pub fn client_address(request: &HttpRequest, trust_forwarded_for: bool) -> String {
    if trust_forwarded_for
        && let Some(forwarded) = request
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
    {
        return forwarded.trim().to_owned();
    }
    request
        .peer_addr()
        .map(|addr| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}
