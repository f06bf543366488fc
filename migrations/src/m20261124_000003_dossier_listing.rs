//! What lists of dossiers filter, search and sort on, kept beside the content and indexed:
//! the apprentice's name and address, the employer's SIRET and name, the contract dates,
//! completeness, a lower-cased search text; and companies, shared by SIRET.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Companies::Table)
                    .col(string_len(Companies::Id, 36).primary_key())
                    .col(string_len_uniq(Companies::Siret, 14))
                    .col(string_null(Companies::Denomination))
                    .col(timestamp_with_time_zone(Companies::CreatedAt))
                    .col(timestamp_with_time_zone(Companies::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // SQLite alters one column per statement.
        for column in [
            string_len_null(Dossiers::CompanyId, 36),
            string_null(Dossiers::ApprenticeName),
            string_null(Dossiers::ApprenticeEmail),
            string_len_null(Dossiers::Siret, 14),
            string_null(Dossiers::EmployerName),
            date_null(Dossiers::ContractStart),
            date_null(Dossiers::ContractEnd),
            boolean_null(Dossiers::Complete),
            text_null(Dossiers::SearchText),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Dossiers::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for (name, column) in [
            ("idx_dossiers_siret", Dossiers::Siret),
            ("idx_dossiers_apprentice_name", Dossiers::ApprenticeName),
            ("idx_dossiers_contract_start", Dossiers::ContractStart),
            ("idx_dossiers_complete", Dossiers::Complete),
            ("idx_dossiers_updated_at", Dossiers::UpdatedAt),
            ("idx_dossiers_company", Dossiers::CompanyId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Dossiers::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "idx_dossiers_siret",
            "idx_dossiers_apprentice_name",
            "idx_dossiers_contract_start",
            "idx_dossiers_complete",
            "idx_dossiers_updated_at",
            "idx_dossiers_company",
        ] {
            manager
                .drop_index(Index::drop().name(name).table(Dossiers::Table).to_owned())
                .await?;
        }
        for column in [
            Dossiers::CompanyId,
            Dossiers::ApprenticeName,
            Dossiers::ApprenticeEmail,
            Dossiers::Siret,
            Dossiers::EmployerName,
            Dossiers::ContractStart,
            Dossiers::ContractEnd,
            Dossiers::Complete,
            Dossiers::SearchText,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Dossiers::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(Companies::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Companies {
    Table,
    Id,
    Siret,
    Denomination,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Dossiers {
    Table,
    UpdatedAt,
    CompanyId,
    ApprenticeName,
    ApprenticeEmail,
    Siret,
    EmployerName,
    ContractStart,
    ContractEnd,
    Complete,
    SearchText,
}
