//! Accounts: the new accounts invitations make, the answer when an address is taken, and the
//! links that let an account choose its password.

use chrono::{DateTime, Duration, Utc};
use db::entities::{dossier, password_reset, user};
use domain::{Email, PersonName, Role};

use crate::{
    auth::secrets, error::ApiError, mail::templates, services::openings::Opening,
    startup::AppState, storage::new_id,
};

/// A new account with a generated password valid until `expires_at`; returns the row and the
/// password to mail.
pub fn new_invited_user(
    email: &Email,
    first_name: &PersonName,
    last_name: &PersonName,
    role: Role,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> (user::Model, String) {
    let password = secrets::generate_password();
    let row = user::Model {
        id: new_id(),
        email: email.as_ref().to_owned(),
        role: role.into(),
        first_name: first_name.as_ref().to_owned(),
        last_name: last_name.as_ref().to_owned(),
        password_hash: None,
        generated_password_hash: Some(secrets::sha256_hex(&password)),
        generated_password_expires_at: Some(expires_at),
        last_login_at: None,
        created_at: now,
        updated_at: now,
    };
    (row, password)
}

/// The answer when an address already has an account.
pub fn email_taken() -> ApiError {
    ApiError::Conflict {
        code: api_types::codes::EMAIL_TAKEN,
        detail: "Un compte existe déjà avec cette adresse e-mail : connectez-vous, ou utilisez « Mot de passe oublié ».".into(),
    }
}

/// A self-registration with an access code (user guide B.4): the apprentice's account with the
/// password they chose, a draft dossier of the code's variant and a confirmation mail, in one
/// transaction; 409 `email_taken` when the address has an account.
pub async fn register(
    state: &AppState,
    opening: &Opening,
    email: &Email,
    first_name: &PersonName,
    last_name: &PersonName,
    password: String,
) -> Result<(user::Model, dossier::Model), ApiError> {
    if db::queries::users::by_email(&state.db, email.as_ref())
        .await?
        .is_some()
    {
        return Err(email_taken());
    }
    let hash = secrets::blocking(move || secrets::hash_password(&password))
        .await?
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let now = state.clock.now();
    let account = user::Model {
        id: new_id(),
        email: email.as_ref().to_owned(),
        role: domain::Role::Alternant.into(),
        first_name: first_name.as_ref().to_owned(),
        last_name: last_name.as_ref().to_owned(),
        password_hash: Some(hash),
        generated_password_hash: None,
        generated_password_expires_at: None,
        last_login_at: None,
        created_at: now,
        updated_at: now,
    };
    let dossier = opening.new_dossier(&account, state.settings.cfa_content().as_ref(), now);
    let mail = templates::registration(
        &account.email,
        &account.first_name,
        &opening.purpose(),
        &state.login_url(),
    );
    let (_queued, txn) = state.begin_write().await?;
    match db::queries::users::insert(&txn, vec![account.clone()]).await {
        Err(db::DbError::Unique(_)) => return Err(email_taken()),
        other => other?,
    }
    db::queries::dossiers::insert(&txn, &state.seal, vec![dossier.clone()]).await?;
    state.outbox.queue(&txn, vec![mail], now).await?;
    txn.commit().await.map_err(db::DbError::from)?;
    state.outbox.wake();
    Ok((account, dossier))
}

/// How many links to choose a password one address gets per throttling window: a few are
/// plenty, more would only let someone flood the address.
const MAX_PASSWORD_LINKS_PER_WINDOW: u64 = 3;

/// What became of a request for a password link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordLink {
    /// The mail is queued.
    Queued,
    /// The address had its links for the window; the next may go in this many seconds.
    TooMany {
        /// Seconds until the oldest link of the window leaves it.
        retry_after: u64,
    },
}

/// Mails `user` a link, valid `auth.reset_token_minutes` and usable once, to choose a password
/// — asked with « Mot de passe oublié », or by CFA staff for one of the accounts — unless the
/// address already had [`MAX_PASSWORD_LINKS_PER_WINDOW`] of them in the throttling window.
pub async fn send_password_link(
    state: &AppState,
    user: &user::Model,
) -> Result<PasswordLink, ApiError> {
    let now = state.clock.now();
    let subject = format!("reset:{}", user.email);
    // Counted and recorded in one write holding the address's lock: parallel requests cannot
    // all read the same count and all send.
    let (_queued, txn) = state.begin_write().await?;
    db::queries::login_failures::lock_subjects(&txn, &[&subject]).await?;
    let recent = crate::auth::throttle::recent(state, &txn, &subject, now).await?;
    if recent.count >= MAX_PASSWORD_LINKS_PER_WINDOW {
        tracing::info!("password link not sent: too many in the window");
        let window = Duration::minutes(state.settings.auth.throttle_window_minutes);
        let free_at = recent.oldest.map_or(now, |oldest| oldest + window);
        return Ok(PasswordLink::TooMany {
            retry_after: u64::try_from((free_at - now).num_seconds())
                .unwrap_or(0)
                .max(1),
        });
    }
    let minutes = state.settings.auth.reset_token_minutes;
    let token = secrets::random_token("");
    let link = format!(
        "{}/mot-de-passe/nouveau?token={token}",
        state.public_url().trim_end_matches('/')
    );
    let mail = templates::password_reset(&user.email, &user.first_name, &link, minutes);
    db::queries::secrets::insert_reset(
        &txn,
        password_reset::Model {
            id: new_id(),
            user_id: user.id.clone(),
            token_hash: secrets::sha256_hex(&token),
            created_at: now,
            expires_at: now + Duration::minutes(minutes),
            used_at: None,
        },
    )
    .await?;
    state.outbox.queue(&txn, vec![mail], now).await?;
    db::queries::login_failures::record(&txn, &[subject], now).await?;
    txn.commit().await.map_err(db::DbError::from)?;
    state.outbox.wake();
    Ok(PasswordLink::Queued)
}
