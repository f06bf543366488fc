//! Accounts managed by CFA staff.

use actix_web::{HttpResponse, get, post, web};
use api_types::codes;
use api_types::{
    Problem,
    account::{NewUserRequest, UserBody, UserFilter},
};
use db::entities::user;
use domain::{Email, PersonName, Role};

use crate::{
    auth::Caller,
    error::ApiError,
    mail::templates::{self, InvitationMail},
    routes::FieldChecks,
    routes::json::Json,
    services::accounts::{PasswordLink, email_taken, new_invited_user, send_password_link},
    startup::AppState,
};

/// A user as the API shows it.
pub fn user_body(user: &user::Model) -> Result<UserBody, ApiError> {
    Ok(UserBody {
        id: user.id.clone(),
        email: user.email.clone(),
        role: *user.role,
        first_name: user.first_name.clone(),
        last_name: user.last_name.clone(),
        password_change_required: user.password_hash.is_none(),
    })
}

/// List accounts (CFA staff).
///
/// Every account, by role then address; `?role=formation` lists the users who can be made
/// responsables of a formation.
#[utoipa::path(
    tag = "accounts",
    params(UserFilter),
    responses(
        (status = 200, description = "The accounts", body = Vec<UserBody>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CFA staff", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    caller: Caller,
    filter: web::Query<UserFilter>,
) -> Result<HttpResponse, ApiError> {
    caller.require(domain::access::manages_accounts(caller.role))?;
    let role = match filter.role.as_deref() {
        Some(role) => Some(
            db::Stored::<Role>::parse(role)
                .map(|role| role.0)
                .ok_or_else(|| ApiError::BadRequest {
                    code: api_types::codes::INVALID_QUERY,
                    detail: "Rôle inconnu : alternant, employeur, formation ou cfa.".into(),
                })?,
        ),
        None => None,
    };
    let users = db::queries::users::list(&state.db, role).await?;
    let bodies = users.iter().map(user_body).collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(bodies))
}

/// Create an account (CFA staff).
///
/// Creates a user of any role and e-mails them a generated password valid one hour, like an
/// invitation. Use it for responsables de formation and CFA colleagues; apprentices are better
/// invited to their formation (`POST /api/v1/invitations`), which also opens their dossier.
#[utoipa::path(
    tag = "accounts",
    request_body = NewUserRequest,
    responses(
        (status = 201, description = "Account created, invitation e-mail queued", body = UserBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CFA staff", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`email_taken`: the address has an account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewUserRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(domain::access::manages_accounts(caller.role))?;
    let mut checks = FieldChecks::new();
    let email = checks.parse("email", Email::parse(&body.email));
    let first_name = checks.parse("first_name", PersonName::parse(&body.first_name));
    let last_name = checks.parse("last_name", PersonName::parse(&body.last_name));
    let (Some(email), Some(first_name), Some(last_name)) = (email, first_name, last_name) else {
        return Err(ApiError::Validation(checks.into_errors()));
    };
    let now = state.clock.now();
    let expires_at = now + state.generated_password_lifetime();
    let (row, password) =
        new_invited_user(&email, &first_name, &last_name, body.role, now, expires_at);
    let mail = templates::invitation(InvitationMail {
        to: &row.email,
        first_name: &row.first_name,
        purpose: templates::role_purpose(body.role.label()),
        password: &password,
        valid_minutes: state.settings.auth.generated_password_minutes,
        login_url: &state.login_url(),
    });
    let (_queued, txn) = state.begin_write().await?;
    match db::queries::users::insert(&txn, vec![row.clone()]).await {
        Err(db::DbError::Unique(_)) => return Err(email_taken()),
        other => other?,
    }
    state.outbox.queue(&txn, vec![mail], now).await?;
    txn.commit().await.map_err(db::DbError::from)?;
    state.outbox.wake();
    Ok(HttpResponse::Created().json(user_body(&row)?))
}

/// Send an account a link to choose its password (CFA staff).
///
/// For someone who lost their invitation, let its generated password expire or forgot their
/// password: the account receives the « Mot de passe oublié » mail, a link valid
/// `auth.reset_token_minutes` that works once. The password in use, if any, keeps working until
/// a new one is chosen. At most three links go to one address per `auth.throttle_window_minutes`,
/// whoever asks for them.
#[utoipa::path(
    tag = "accounts",
    params(("id" = String, Path, description = "The account's id")),
    responses(
        (status = 202, description = "The mail is queued"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CFA staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such account", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`too_many_mails`: the address had its links for the window; `Retry-After` says when the next may go", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/users/{id}/password-link")]
pub async fn send_user_password_link(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(domain::access::manages_accounts(caller.role))?;
    let user = db::queries::users::by_id(&state.db, &id)
        .await?
        .ok_or_else(|| ApiError::NotFound {
            code: codes::NOT_FOUND,
            detail: "Ce compte n'existe pas.".into(),
        })?;
    match send_password_link(&state, &user).await? {
        PasswordLink::Queued => Ok(HttpResponse::Accepted().finish()),
        PasswordLink::TooMany { retry_after } => Err(ApiError::TooManyMails(retry_after)),
    }
}
