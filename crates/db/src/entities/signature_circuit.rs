//! The `signature_circuits` table (see `migrations/`): one sending of a dossier's CERFA and
//! convention for signature, the exact bytes sent (by SHA-256), and how it ended.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "signature_circuits")]
#[allow(missing_docs)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub dossier_id: String,
    /// `builtin`, `docusign` or `paper`.
    pub provider: String,
    /// `in_progress`, `completed`, `refused` or `cancelled` (`domain::signature::CircuitStatus`).
    pub status: String,
    pub cerfa_sha256: String,
    pub convention_sha256: String,
    /// The days after a signer's turn came when they are reminded.
    #[sea_orm(column_type = "JsonBinary")]
    pub reminder_days: Json,
    pub started_at: DateTimeUtc,
    pub started_by: Option<String>,
    pub ended_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub end_reason: Option<String>,
    /// The provider's own id (a DocuSign envelope).
    pub external_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
