//! The `dossier_changes` table (see `migrations/`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "dossier_changes")]
#[allow(missing_docs)]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub dossier_id: String,
    pub user_id: Option<String>,
    pub at: DateTimeUtc,
    pub field: String,
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub old_value: Option<Json>,
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub new_value: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
