//! The `formation_annexes` table (see `migrations/`): a formation's calendrier or programme, as
//! data or as an attached PDF; a variant's row overrides the formation's.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "formation_annexes")]
#[allow(missing_docs)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub formation_id: String,
    /// Empty for the formation's own annex.
    #[sea_orm(primary_key, auto_increment = false)]
    pub variant_id: String,
    /// `calendrier` or `programme`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub content: Option<Json>,
    pub pdf_sha256: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
