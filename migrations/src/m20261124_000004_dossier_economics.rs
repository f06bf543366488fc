//! The economic elements the CFA enters and validates before the convention (OPCO, NPEC, frais
//! annexes, …), kept as one JSON object beside the content: they are read and written together,
//! never filtered on.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Dossiers::Table)
                    .add_column(json_binary_null(Dossiers::Economics))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Dossiers::Table)
                    .drop_column(Dossiers::Economics)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Dossiers {
    Table,
    Economics,
}
