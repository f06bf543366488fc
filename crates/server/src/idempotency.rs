//! The `Idempotency-Key` protocol, for any POST whose retry must not act twice (bulk
//! invitations today; signature callbacks next): the first call with a key records its answer,
//! a retry with the same key and body replays it (`Idempotent-Replayed: true`), the same key
//! with another body is refused, and a retry while the first call runs answers 409.
//!
//! The sequence: [`Idempotency::from_request`] → [`Idempotency::replay`] (before any work) →
//! the work → in the write transaction [`Idempotency::claim`] (a lost race replays the winner)
//! → [`Idempotency::complete`] with the answer, committed with the work itself.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode};
use chrono::{DateTime, Utc};
use db::DatabaseTransaction;

use crate::{auth::secrets, error::ApiError, startup::AppState};

/// The longest `Idempotency-Key` accepted.
const MAX_KEY_LEN: usize = 255;

/// A request's key, its owner and what it asked.
pub struct Idempotency {
    key: String,
    owner: String,
    fingerprint: String,
}

/// Whether this call may do the work.
pub enum Claim {
    /// The key is this call's: do the work, then [`Idempotency::complete`].
    Mine,
    /// Another call with the key got there first: drop the transaction and answer this.
    Lost,
}

impl Idempotency {
    /// The request's `Idempotency-Key`, if any, for `owner`'s call whose content is `body`
    /// (with its content type): 400 `invalid_idempotency_key` for a malformed one.
    pub fn from_request(
        request: &HttpRequest,
        owner: &str,
        content_type: &str,
        body: &[u8],
    ) -> Result<Option<Self>, ApiError> {
        let Some(value) = request.headers().get("idempotency-key") else {
            return Ok(None);
        };
        let key = value.to_str().map(str::trim).unwrap_or_default();
        if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ApiError::BadRequest {
                code: api_types::codes::INVALID_IDEMPOTENCY_KEY,
                detail: format!(
                    "L'en-tête Idempotency-Key doit contenir de 1 à {MAX_KEY_LEN} caractères ASCII visibles (un UUID, par exemple)."
                ),
            });
        }
        Ok(Some(Self {
            key: key.to_owned(),
            owner: owner.to_owned(),
            fingerprint: secrets::sha256_hex(&format!(
                "{content_type}\n{}",
                String::from_utf8_lossy(body)
            )),
        }))
    }

    /// The first answer, when a call with this key already ran; 422 when it asked something
    /// else; 409 while it runs.
    pub async fn replay(&self, state: &AppState) -> Result<Option<HttpResponse>, ApiError> {
        let Some(record) = db::queries::idempotency::get(&state.db, &self.owner, &self.key).await?
        else {
            return Ok(None);
        };
        if record.fingerprint != self.fingerprint {
            return Err(ApiError::field(
                "Idempotency-Key",
                "idempotency_key_reused",
                "Cette Idempotency-Key a déjà servi pour un autre contenu : utilisez une nouvelle clé pour un nouvel envoi.",
            ));
        }
        let Some(status) = record.status_code else {
            return Err(ApiError::Conflict {
                code: api_types::codes::IDEMPOTENCY_IN_PROGRESS,
                detail: "Une requête avec cette Idempotency-Key est encore en cours : attendez sa réponse avant de réessayer.".into(),
            });
        };
        let status = StatusCode::from_u16(u16::try_from(status).unwrap_or(500))
            .map_err(ApiError::internal)?;
        Ok(Some(
            HttpResponse::build(status)
                .insert_header(("Idempotent-Replayed", "true"))
                .content_type("application/json")
                .body(record.response.unwrap_or_default()),
        ))
    }

    /// Takes the key within the work's transaction.
    pub async fn claim(
        &self,
        txn: &DatabaseTransaction,
        now: DateTime<Utc>,
    ) -> Result<Claim, ApiError> {
        match db::queries::idempotency::claim(txn, &self.owner, &self.key, &self.fingerprint, now)
            .await
        {
            Ok(()) => Ok(Claim::Mine),
            Err(db::DbError::Unique(_)) => Ok(Claim::Lost),
            Err(other) => Err(other.into()),
        }
    }

    /// Records the answer to replay, within the work's transaction.
    pub async fn complete(
        &self,
        txn: &DatabaseTransaction,
        status: u16,
        body: String,
    ) -> Result<(), ApiError> {
        db::queries::idempotency::complete(txn, &self.owner, &self.key, status, body).await?;
        Ok(())
    }
}
