//! Operations and development bodies.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `GET /health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthBody {
    /// `ok`, or `unavailable` when the database does not answer.
    pub status: String,
    /// `ok` or `unavailable`.
    pub database: String,
}

/// One mail of the outbox, as `GET /api/v1/dev/mailbox` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailBody {
    /// Identifier.
    pub id: String,
    /// Recipients.
    pub to: Vec<String>,
    /// Subject.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
    /// When it was queued.
    #[serde(with = "crate::wire_time::timestamp")]
    pub created_at: DateTime<Utc>,
    /// `pending`, `sent` (SMTP), `written` (to an `.eml` file) or `failed`.
    pub status: String,
    /// Delivery attempts so far.
    pub attempts: u32,
}

/// Filter of the mailbox.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct MailboxFilter {
    /// Only mails to this address.
    pub to: Option<String>,
    /// At most this many (default 50, at most 500).
    pub limit: Option<u64>,
}
