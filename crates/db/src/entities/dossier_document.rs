//! The `dossier_documents` table (see `migrations/`): which stored bytes are which document of a
//! dossier, made at which version, and whether a reopening voided them.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "dossier_documents")]
#[allow(missing_docs)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub dossier_id: String,
    pub kind: String,
    /// `generated` (rendered by the platform) or `uploaded` (saisie simple).
    pub origin: String,
    pub dossier_version: i64,
    pub sha256: String,
    pub made_at: DateTimeUtc,
    pub made_by: Option<String>,
    pub voided_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub void_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
