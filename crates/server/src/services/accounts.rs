//! Accounts: the new accounts invitations make, and the answer when an address is taken.

use chrono::{DateTime, Utc};
use db::entities::{dossier, user};
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
