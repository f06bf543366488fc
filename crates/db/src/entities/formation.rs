//! The `formations` table (see `migrations/`).

use domain::{MissionMode, workflow::ValidationMode};
use sea_orm::entity::prelude::*;

use crate::Stored;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "formations")]
#[allow(missing_docs)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub title: String,
    pub school: String,
    pub diploma_code: String,
    pub rncp: String,
    pub start_date: Date,
    pub end_date: Date,
    pub hours: i32,
    pub contract_types: String,
    pub validation_mode: Stored<ValidationMode>,
    pub mission: Stored<MissionMode>,
    #[sea_orm(column_type = "JsonBinary")]
    pub contacts: Json,
    /// The formation's signature plan; `None`: the default one.
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub signature_plan: Option<Json>,
    /// The `etablissementFormation` block its new dossiers start with (checked by
    /// `domain::training_site`); `None`: each dossier answers.
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub training_site: Option<Json>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
