//! The `signature_signers` table (see `migrations/`): who signs what in which turn of a circuit,
//! their link and code as SHA-256 digests (never the secrets themselves), and the evidence of
//! their signature or the reason of their refusal.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "signature_signers")]
#[allow(missing_docs)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub circuit_id: String,
    /// `domain::signature::SignerRole`'s key.
    pub role: String,
    pub name: String,
    pub email: String,
    /// The documents' keys, comma-separated (`cerfa,convention`).
    pub documents: String,
    pub turn_order: i32,
    /// `domain::signature::SignerStatus`'s key.
    pub status: String,
    /// `online` or `paper`.
    pub channel: String,
    pub token_hash: Option<String>,
    pub token_expires_at: Option<DateTimeUtc>,
    /// When their turn came (reminders count from it).
    pub turn_since: Option<DateTimeUtc>,
    pub reminders_sent: i32,
    pub code_hash: Option<String>,
    pub code_sent_at: Option<DateTimeUtc>,
    pub code_attempts: i32,
    /// When codes were sent, newest last (the hourly limit counts them).
    #[sea_orm(column_type = "JsonBinary")]
    pub codes_sent: Json,
    /// When they signed or refused.
    pub acted_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub refusal_reason: Option<String>,
    /// What proves the signature: name typed, consent, address, IP, user agent, digests.
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub evidence: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
