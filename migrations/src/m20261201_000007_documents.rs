//! The documents of a dossier as they were made: the bytes once, content-addressed by their
//! SHA-256 (`blobs`), and which document of which dossier they are, made at which version, and
//! whether a reopening voided them (`dossier_documents`). What is validated is what is signed.
//! The formation's annexes — calendrier and programme, as data or as an attached PDF, for the
//! formation or one of its variants — replace the two « available » flags it had.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Blobs::Table)
                    .col(string_len(Blobs::Sha256, 64).primary_key())
                    .col(string(Blobs::MediaType))
                    .col(big_integer(Blobs::Size))
                    .col(blob(Blobs::Bytes))
                    .col(timestamp_with_time_zone(Blobs::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DossierDocuments::Table)
                    .col(string(DossierDocuments::Id).primary_key())
                    .col(string(DossierDocuments::DossierId))
                    .col(string(DossierDocuments::Kind))
                    .col(string(DossierDocuments::Origin))
                    .col(big_integer(DossierDocuments::DossierVersion))
                    .col(string_len(DossierDocuments::Sha256, 64))
                    .col(timestamp_with_time_zone(DossierDocuments::MadeAt))
                    .col(string_null(DossierDocuments::MadeBy))
                    .col(timestamp_with_time_zone_null(DossierDocuments::VoidedAt))
                    .col(text_null(DossierDocuments::VoidReason))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DossierDocuments::Table, DossierDocuments::DossierId)
                            .to(Dossiers::Table, Dossiers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DossierDocuments::Table, DossierDocuments::Sha256)
                            .to(Blobs::Table, Blobs::Sha256),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("dossier_documents_by_dossier")
                    .table(DossierDocuments::Table)
                    .col(DossierDocuments::DossierId)
                    .col(DossierDocuments::Kind)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FormationAnnexes::Table)
                    .col(string(FormationAnnexes::FormationId))
                    // Empty for the formation's own; a variant's id for its override.
                    .col(string(FormationAnnexes::VariantId))
                    .col(string(FormationAnnexes::Kind))
                    .col(json_binary_null(FormationAnnexes::Content))
                    .col(string_len_null(FormationAnnexes::PdfSha256, 64))
                    .col(timestamp_with_time_zone(FormationAnnexes::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(FormationAnnexes::FormationId)
                            .col(FormationAnnexes::VariantId)
                            .col(FormationAnnexes::Kind),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(FormationAnnexes::Table, FormationAnnexes::FormationId)
                            .to(Formations::Table, Formations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for column in [
            Formations::CalendrierAvailable,
            Formations::ProgrammeAvailable,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Formations::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Formations::CalendrierAvailable,
            Formations::ProgrammeAvailable,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Formations::Table)
                        .add_column(boolean(column).default(false))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(FormationAnnexes::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(DossierDocuments::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Blobs::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Blobs {
    Table,
    Sha256,
    MediaType,
    Size,
    Bytes,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DossierDocuments {
    Table,
    Id,
    DossierId,
    Kind,
    Origin,
    DossierVersion,
    Sha256,
    MadeAt,
    MadeBy,
    VoidedAt,
    VoidReason,
}

#[derive(DeriveIden)]
enum Dossiers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum FormationAnnexes {
    Table,
    FormationId,
    VariantId,
    Kind,
    Content,
    PdfSha256,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Formations {
    Table,
    Id,
    CalendrierAvailable,
    ProgrammeAvailable,
}
