//! The `dossiers` table (see `migrations/`).

use domain::{ContractType, NiveauSaisie, Status};
use sea_orm::entity::prelude::*;

use crate::Stored;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "dossiers")]
#[allow(missing_docs)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub apprentice_id: String,
    pub employer_id: Option<String>,
    pub formation_id: String,
    pub variant_id: String,
    pub status: Stored<Status>,
    pub version: i64,
    pub niveau_saisie: Stored<NiveauSaisie>,
    pub contract_type: Stored<ContractType>,
    #[sea_orm(column_type = "JsonBinary")]
    pub content: Json,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub company_id: Option<String>,
    pub apprentice_name: Option<String>,
    pub apprentice_email: Option<String>,
    pub siret: Option<String>,
    pub employer_name: Option<String>,
    pub contract_start: Option<Date>,
    pub contract_end: Option<Date>,
    pub complete: Option<bool>,
    #[sea_orm(column_type = "Text", nullable)]
    pub search_text: Option<String>,
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub economics: Option<Json>,
    /// The dossier's number in SQLite's search index (`dossier_search`): random, unique.
    pub search_key: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::formation::Entity",
        from = "Column::FormationId",
        to = "super::formation::Column::Id"
    )]
    Formation,
    #[sea_orm(
        belongs_to = "super::variant::Entity",
        from = "Column::VariantId",
        to = "super::variant::Column::Id"
    )]
    Variant,
}

impl Related<super::formation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Formation.def()
    }
}

impl Related<super::variant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Variant.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
