//! The `users` table (see `migrations/`).

use domain::Role;
use sea_orm::entity::prelude::*;

use crate::Stored;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
#[allow(missing_docs)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(unique)]
    pub email: String,
    pub role: Stored<Role>,
    pub first_name: String,
    pub last_name: String,
    pub password_hash: Option<String>,
    pub generated_password_hash: Option<String>,
    pub generated_password_expires_at: Option<DateTimeUtc>,
    pub last_login_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
