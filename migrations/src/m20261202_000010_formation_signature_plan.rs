//! A formation's signature plan (issue 17): who signs the contract and the convention of its
//! dossiers, in which turn, and when pending signers are reminded. `NULL` means the platform's
//! default plan, so that a formation that never chose one follows the default as it evolves.

use sea_orm_migration::{prelude::*, schema::json_binary_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Formations::Table)
                    .add_column(json_binary_null(Formations::SignaturePlan))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Formations::Table)
                    .drop_column(Formations::SignaturePlan)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Formations {
    Table,
    SignaturePlan,
}
