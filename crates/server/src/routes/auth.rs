//! Sessions and passwords: login, refresh, logout, forgotten password, change of password.

use actix_web::{
    HttpRequest, HttpResponse,
    cookie::{Cookie, SameSite, time::Duration as CookieDuration},
    post, web,
};
use api_types::{
    Problem,
    account::{
        ChangePasswordRequest, ForgotPasswordRequest, LoginRequest, LoginResponse,
        ResetPasswordRequest,
    },
};
use chrono::{DateTime, Duration, Utc};
use db::entities::{refresh_token, user};
use domain::Email;

use crate::{
    auth::{Caller, client_address, secrets, throttle},
    error::ApiError,
    mail::templates,
    routes::json::Json,
    routes::{FieldChecks, blocking, users::user_body},
    services::accounts::send_password_link,
    startup::AppState,
    storage::new_id,
};

/// The refresh cookie: httpOnly, SameSite=Strict, only sent to the auth endpoints.
pub const REFRESH_COOKIE: &str = "opuntia_refresh";
const REFRESH_COOKIE_PATH: &str = "/api/v1/auth";

fn refresh_cookie(state: &AppState, value: String, max_age: CookieDuration) -> Cookie<'static> {
    Cookie::build(REFRESH_COOKIE, value)
        .path(REFRESH_COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.public_url().starts_with("https://"))
        .max_age(max_age)
        .finish()
}

/// Opens a session: a refresh token stored hashed, set as a cookie, and an access token.
async fn open_session(state: &AppState, user: &user::Model) -> Result<HttpResponse, ApiError> {
    continue_session(state, user, None).await
}

/// A new access token and refresh cookie for `user`: a new session, or the next token of the
/// session `family` (a rotation).
async fn continue_session(
    state: &AppState,
    user: &user::Model,
    family: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let refresh_secret = secrets::random_token("");
    let days = state.settings.auth.refresh_token_days;
    let id = new_id();
    db::queries::secrets::insert_refresh(
        &state.db,
        refresh_token::Model {
            family_id: Some(family.unwrap_or_else(|| id.clone())),
            id,
            user_id: user.id.clone(),
            token_hash: secrets::sha256_hex(&refresh_secret),
            created_at: now,
            expires_at: now + Duration::days(days),
            revoked_at: None,
        },
    )
    .await?;
    let body = user_body(user)?;
    let access_token = state
        .jwt
        .issue(&user.id, body.role, now)
        .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .cookie(refresh_cookie(
            state,
            refresh_secret,
            CookieDuration::days(days),
        ))
        .json(LoginResponse {
            access_token,
            token_type: "Bearer".into(),
            expires_in: state.jwt.lifetime_seconds(),
            user: body,
        }))
}

/// What a password proves about an account.
enum PasswordCheck {
    Valid,
    GeneratedExpired,
    Wrong,
}

fn check_password(user: &user::Model, password: &str, now: DateTime<Utc>) -> PasswordCheck {
    if let Some(generated) = &user.generated_password_hash
        && secrets::matches_sha256(password, generated)
    {
        return match user.generated_password_expires_at {
            Some(expires) if expires > now => PasswordCheck::Valid,
            _ => PasswordCheck::GeneratedExpired,
        };
    }
    match &user.password_hash {
        Some(hash) if secrets::verify_password(password, hash) => PasswordCheck::Valid,
        _ => PasswordCheck::Wrong,
    }
}

/// A hash to verify against when the address is unknown, so that an unknown address takes as
/// long to refuse as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| secrets::hash_password("opuntia-decoy-password").unwrap_or_default())
}

/// Sign in.
///
/// Takes the address and either the chosen password or the generated one of the invitation
/// e-mail (valid one hour). Answers a short-lived access token to send as
/// `Authorization: Bearer …`, and sets an httpOnly, SameSite=Strict refresh cookie for
/// `POST /api/v1/auth/refresh`.
///
/// A generated password past its hour answers 401 `generated_password_expired`: the user then
/// goes through « Mot de passe oublié ».
///
/// Failures slow down the address that makes them, never the account's owner elsewhere: after
/// `auth.free_failures_per_pair` failures of one address on one account, each further attempt of
/// that pair waits `auth.first_delay_seconds`, doubled at each failure up to
/// `auth.max_delay_seconds`; after `auth.max_failures_per_ip` failures from one address within
/// `auth.throttle_window_minutes`, that address waits for the window. Meanwhile logins answer 429
/// `too_many_attempts` with `Retry-After` (seconds), the right password included.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; the refresh cookie is set", body = LoginResponse),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`invalid_credentials`, or `generated_password_expired`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`too_many_attempts`", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    // Nothing with a control character is anyone's address: refused before it is throttled
    // (stored) or looked up.
    let mut checks = FieldChecks::new();
    checks.no_control("email", &body.email);
    checks.finish()?;
    let email = Email::parse(&body.email)
        .map(|e| e.as_ref().to_owned())
        .unwrap_or_else(|_| body.email.trim().to_lowercase());
    let address = client_address(&request, state.settings.server.trust_forwarded_for);
    let pair_subject = format!("pair:{email}|{address}");
    let ip_subject = format!("ip:{address}");
    let attempt = throttle::attempt(
        &state,
        &state.throttle_policy(),
        Some(&pair_subject),
        &ip_subject,
        now,
    )
    .await?;

    let user = db::queries::users::by_email(&state.db, &email).await?;
    let password = body.password.clone();
    let (user, check) = blocking(move || match user {
        Some(user) => {
            let check = check_password(&user, &password, now);
            (Some(user), check)
        }
        None => {
            let _ = secrets::verify_password(&password, decoy_hash());
            (None, PasswordCheck::Wrong)
        }
    })
    .await?;

    match (user, check) {
        (Some(user), PasswordCheck::Valid) => {
            attempt.succeeded(&state).await?;
            db::queries::login_failures::clear(
                &state.db,
                &pair_subject,
                now - Duration::minutes(state.settings.auth.throttle_window_minutes),
            )
            .await?;
            db::queries::users::record_login(&state.db, &user.id, now).await?;
            open_session(&state, &user).await
        }
        (_, check) => {
            // Already counted by `throttle::attempt`.
            let _failed = attempt;
            Err(match check {
                PasswordCheck::GeneratedExpired => ApiError::GeneratedPasswordExpired,
                _ => ApiError::InvalidCredentials,
            })
        }
    }
}

fn refresh_value(request: &HttpRequest) -> Option<String> {
    request
        .cookie(REFRESH_COOKIE)
        .map(|cookie| cookie.value().to_owned())
        .filter(|value| !value.is_empty())
}

/// Renew the access token.
///
/// Reads the refresh cookie set at login, rotates it (the old one stops working) and answers a
/// new access token. The browser app calls it before its access token expires. A cookie that was
/// already rotated, presented again, ends the whole session: every token issued from it stops
/// working (someone else holds a copy).
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 200, description = "New access token; the refresh cookie is rotated", body = LoginResponse),
        (status = 401, description = "`unauthenticated`: no live refresh cookie", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let value = refresh_value(&request).ok_or(ApiError::Unauthenticated)?;
    let hash = secrets::sha256_hex(&value);
    let token = db::queries::secrets::refresh_by_hash(&state.db, &hash)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let family = token.family_id.clone().unwrap_or_else(|| token.id.clone());
    if token.revoked_at.is_some() {
        // A token already rotated, presented again: someone holds a copy of the session's
        // cookie. The whole session ends, the thief's tokens with it (OAuth 2.0 security BCP).
        let revoked = db::queries::secrets::revoke_family(&state.db, &family, now).await?;
        tracing::warn!(user_id = %token.user_id, revoked, "refresh token reused: session revoked");
        return Err(ApiError::Unauthenticated);
    }
    if token.expires_at <= now {
        return Err(ApiError::Unauthenticated);
    }
    // Revoking first and checking the count makes a cookie sent twice at once work only once.
    if db::queries::secrets::revoke_refresh(&state.db, &hash, now).await? == 0 {
        return Err(ApiError::Unauthenticated);
    }
    let user = db::queries::users::by_id(&state.db, &token.user_id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    continue_session(&state, &user, Some(family)).await
}

/// Sign out.
///
/// Revokes the refresh cookie's token and clears the cookie. Access tokens already issued
/// expire on their own within minutes.
#[utoipa::path(
    tag = "auth",
    responses((status = 204, description = "Signed out")),
    security(())
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    if let Some(value) = refresh_value(&request) {
        db::queries::secrets::revoke_refresh(
            &state.db,
            &secrets::sha256_hex(&value),
            state.clock.now(),
        )
        .await?;
    }
    Ok(HttpResponse::NoContent()
        .cookie(refresh_cookie(&state, String::new(), CookieDuration::ZERO))
        .finish())
}

/// « Mot de passe oublié ».
///
/// Always answers 202, whether or not the address has an account, so that nobody can find out
/// which addresses do. When it has one, an e-mail carries a link valid one hour that works once
/// (`POST /api/v1/auth/password/reset` with its token). At most three such mails go to one address
/// per `auth.throttle_window_minutes`.
#[utoipa::path(
    tag = "auth",
    request_body = ForgotPasswordRequest,
    responses(
        (status = 202, description = "Accepted; a mail is sent if the address has an account"),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/auth/password/forgot")]
pub async fn forgot_password(
    state: web::Data<AppState>,
    body: Json<ForgotPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let Ok(email) = Email::parse(&body.email) else {
        return Ok(HttpResponse::Accepted().finish());
    };
    let Some(user) = db::queries::users::by_email(&state.db, email.as_ref()).await? else {
        return Ok(HttpResponse::Accepted().finish());
    };
    // The answer is the same when the address already had its links for the window.
    send_password_link(&state, &user).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Checks a chosen password, as a 422 on `field`.
fn check_new_password(field: &str, password: &str) -> Result<(), ApiError> {
    secrets::check_password_rules(password)
        .map_err(|(code, message)| ApiError::field(field, code, message))
}

/// Stores a chosen password: hashed with argon2id, the generated one dropped, every session
/// closed, the user told by e-mail.
async fn set_password(
    state: &AppState,
    user: user::Model,
    password: String,
) -> Result<(), ApiError> {
    let hash = blocking(move || secrets::hash_password(&password))
        .await?
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let now = state.clock.now();
    let mail = templates::password_changed(&user.email, &user.first_name, &state.login_url());
    let (_queued, txn) = state.begin_write().await?;
    db::queries::secrets::revoke_all_refresh(&txn, &user.id, now).await?;
    db::queries::users::set_password(&txn, &user.id, &hash, now).await?;
    state.outbox.queue(&txn, vec![mail], now).await?;
    txn.commit().await.map_err(db::DbError::from)?;
    state.outbox.wake();
    Ok(())
}

/// Choose a password with an e-mailed link.
///
/// The token of the « Mot de passe oublié » link works once, within the hour. The new password
/// replaces any generated one, and every open session is closed.
#[utoipa::path(
    tag = "auth",
    request_body = ResetPasswordRequest,
    responses(
        (status = 204, description = "Password set; sign in with it"),
        (status = 400, description = "`invalid_reset_token`: unknown, used or expired link", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Password too short or too long", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/auth/password/reset")]
pub async fn reset_password(
    state: web::Data<AppState>,
    body: Json<ResetPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    check_new_password("password", &body.password)?;
    let now = state.clock.now();
    let invalid = || {
        ApiError::BadRequest {
        code: api_types::codes::INVALID_RESET_TOKEN,
        detail: "Ce lien n'est plus valable : il ne sert qu'une fois, pendant une heure. Demandez-en un nouveau avec « Mot de passe oublié ».".into(),
    }
    };
    let reset = db::queries::secrets::use_reset(&state.db, &secrets::sha256_hex(&body.token), now)
        .await?
        .ok_or_else(invalid)?;
    let user = db::queries::users::by_id(&state.db, &reset.user_id)
        .await?
        .ok_or_else(invalid)?;
    set_password(&state, user, body.password.clone()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Change one's password.
///
/// For a signed-in user: the current password (or the generated one, within its hour) and the
/// new one. Every other session is closed; this one goes on with a new refresh cookie and
/// access token, in the same body as a login's.
#[utoipa::path(
    tag = "auth",
    request_body = ChangePasswordRequest,
    responses(
        (status = 200, description = "Password changed; this session goes on with these tokens", body = LoginResponse),
        (status = 401, description = "Not signed in, or `invalid_credentials`: wrong current password", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "New password too short or too long", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/auth/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    check_new_password("new_password", &body.new_password)?;
    let user = db::queries::users::by_id(&state.db, &caller.user_id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let now = state.clock.now();
    let current = body.current_password.clone();
    let checked = user.clone();
    let check = blocking(move || check_password(&checked, &current, now)).await?;
    match check {
        PasswordCheck::Valid => {}
        PasswordCheck::GeneratedExpired => return Err(ApiError::GeneratedPasswordExpired),
        PasswordCheck::Wrong => return Err(ApiError::InvalidCredentials),
    }
    set_password(&state, user, body.new_password.clone()).await?;
    // Read back: the account no longer holds a generated password.
    let user = db::queries::users::by_id(&state.db, &caller.user_id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    open_session(&state, &user).await
}
