//! Accounts: the new accounts invitations make, and the answer when an address is taken.

use chrono::{DateTime, Utc};
use db::entities::user;
use domain::{Email, PersonName, Role};

use crate::{auth::secrets, error::ApiError, storage::new_id};

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
