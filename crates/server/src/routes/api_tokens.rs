//! API tokens of integrations: scoped, revocable, shown once.

use actix_web::{HttpResponse, delete, get, post, web};
use api_types::{
    Problem,
    account::{ApiTokenBody, ApiTokenRequest, CreatedApiTokenBody, TokenScope},
};
use db::entities::api_token;

use crate::{
    auth::{API_TOKEN_PREFIX, Caller, secrets},
    error::ApiError,
    routes::FieldChecks,
    routes::json::Json,
    startup::AppState,
    storage::new_id,
};

fn body(row: &api_token::Model) -> ApiTokenBody {
    ApiTokenBody {
        id: row.id.clone(),
        name: row.name.clone(),
        scopes: row
            .scopes
            .split(',')
            .filter_map(TokenScope::from_key)
            .collect(),
        created_at: row.created_at,
        expires_at: row.expires_at,
        last_used_at: row.last_used_at,
        revoked_at: row.revoked_at,
    }
}

/// Tokens are for staff who script the platform (a token cannot make tokens: these operations
/// accept signed-in people only).
fn may_manage_tokens(caller: &Caller) -> Result<(), ApiError> {
    caller.require(domain::access::holds_api_tokens(caller.role))
}

/// List my API tokens.
///
/// The caller's tokens, newest first, without their secrets.
#[utoipa::path(
    tag = "api-tokens",
    responses(
        (status = 200, description = "The tokens", body = Vec<ApiTokenBody>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only responsables de formation and CFA staff have tokens", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api-tokens")]
pub async fn list_tokens(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    may_manage_tokens(&caller)?;
    let rows = db::queries::api_tokens::of_user(&state.db, &caller.user_id).await?;
    Ok(HttpResponse::Ok().json(rows.iter().map(body).collect::<Vec<_>>()))
}

/// Create an API token.
///
/// For a script or an integration: the token acts as its creator, limited to its scopes
/// (`invitations`, `formations_read`, `formations_write`, `dossiers_read`, `dossiers_write`),
/// until it expires or is revoked. Send it as `Authorization: Bearer opt_…`. **The secret is in
/// this answer only**; it is stored hashed.
#[utoipa::path(
    tag = "api-tokens",
    request_body = ApiTokenRequest,
    responses(
        (status = 201, description = "The token, with its secret shown this once", body = CreatedApiTokenBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only responsables de formation and CFA staff have tokens", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No name, no scope, or an expiry in the past", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api-tokens")]
pub async fn create_token(
    state: web::Data<AppState>,
    caller: Caller,
    request: Json<ApiTokenRequest>,
) -> Result<HttpResponse, ApiError> {
    may_manage_tokens(&caller)?;
    let now = state.clock.now();
    let mut checks = FieldChecks::new();
    let name = request.name.trim();
    checks.no_control("name", name);
    if name.is_empty() || name.chars().count() > 100 {
        checks.push(
            "name",
            api_types::codes::REQUIRED,
            "Donnez au jeton un nom de 1 à 100 caractères.",
        );
    }
    if request.scopes.is_empty() {
        checks.push(
            "scopes",
            api_types::codes::REQUIRED,
            "Choisissez au moins une portée pour le jeton.",
        );
    }
    if request.expires_at.is_some_and(|at| at <= now) {
        checks.push(
            "expires_at",
            "in_the_past",
            "La date d'expiration doit être dans le futur.",
        );
    }
    checks.finish()?;
    let mut scopes = request.scopes.clone();
    scopes.sort();
    scopes.dedup();
    let secret = secrets::random_token(API_TOKEN_PREFIX);
    let row = api_token::Model {
        id: new_id(),
        user_id: caller.user_id.clone(),
        name: name.to_owned(),
        token_hash: secrets::sha256_hex(&secret),
        scopes: scopes.iter().map(|s| s.key()).collect::<Vec<_>>().join(","),
        created_at: now,
        expires_at: request.expires_at,
        last_used_at: None,
        revoked_at: None,
    };
    db::queries::api_tokens::insert(&state.db, row.clone()).await?;
    Ok(HttpResponse::Created().json(CreatedApiTokenBody {
        token: secret,
        api_token: body(&row),
    }))
}

/// Revoke an API token.
///
/// The token stops working at once. Revoking twice, or someone else's token, answers 404.
#[utoipa::path(
    tag = "api-tokens",
    params(("id" = String, Path, description = "The token's id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such live token of the caller", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/api-tokens/{id}")]
pub async fn revoke_token(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    may_manage_tokens(&caller)?;
    if db::queries::api_tokens::revoke(&state.db, &caller.user_id, &id, state.clock.now()).await? {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound {
            code: api_types::codes::NOT_FOUND,
            detail: "Aucun jeton actif de ce nom parmi les vôtres.".into(),
        })
    }
}
