//! What the platform remembers of itself between starts (issue 18): one value per key. The
//! first is the fingerprint of the rules and regulatory data the stored listings were computed
//! with, so that a start on other data recomputes each dossier's « complet ».

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PlatformState::Table)
                    .col(string(PlatformState::Key).primary_key())
                    .col(text(PlatformState::Value))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PlatformState::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum PlatformState {
    Table,
    Key,
    Value,
}
