//! A formation's main place of training (issue 19): the CERFA's `etablissementFormation` block
//! its new dossiers start with — the CFA responsable itself, or another establishment with its
//! UAI, SIRET and address. `NULL`: the formation does not say, and each dossier answers.

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
                    .add_column(json_binary_null(Formations::TrainingSite))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Formations::Table)
                    .drop_column(Formations::TrainingSite)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Formations {
    Table,
    TrainingSite,
}
