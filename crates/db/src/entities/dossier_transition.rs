//! The `dossier_transitions` table (see `migrations/`).

use domain::{Action, Status};
use sea_orm::entity::prelude::*;

use crate::Stored;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "dossier_transitions")]
#[allow(missing_docs)]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub dossier_id: String,
    pub user_id: Option<String>,
    pub at: DateTimeUtc,
    pub action: Stored<Action>,
    pub from_status: Stored<Status>,
    pub to_status: Stored<Status>,
    #[sea_orm(column_type = "Text", nullable)]
    pub comment: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
