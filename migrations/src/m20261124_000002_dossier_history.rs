//! The dossier's trail: every field change (who, when, old → new) and every status transition
//! (who, when, from, to, comment).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DossierChanges::Table)
                    .col(big_pk_auto(DossierChanges::Id))
                    .col(string_len(DossierChanges::DossierId, 36))
                    .col(string_len_null(DossierChanges::UserId, 36))
                    .col(timestamp_with_time_zone(DossierChanges::At))
                    .col(string(DossierChanges::Field))
                    .col(json_binary_null(DossierChanges::OldValue))
                    .col(json_binary_null(DossierChanges::NewValue))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DossierChanges::Table, DossierChanges::DossierId)
                            .to(Dossiers::Table, Dossiers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DossierChanges::Table, DossierChanges::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_dossier_changes_dossier")
                    .table(DossierChanges::Table)
                    .col(DossierChanges::DossierId)
                    .col(DossierChanges::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DossierTransitions::Table)
                    .col(big_pk_auto(DossierTransitions::Id))
                    .col(string_len(DossierTransitions::DossierId, 36))
                    .col(string_len_null(DossierTransitions::UserId, 36))
                    .col(timestamp_with_time_zone(DossierTransitions::At))
                    .col(string_len(DossierTransitions::Action, 32))
                    .col(string_len(DossierTransitions::FromStatus, 24))
                    .col(string_len(DossierTransitions::ToStatus, 24))
                    .col(text_null(DossierTransitions::Comment))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DossierTransitions::Table, DossierTransitions::DossierId)
                            .to(Dossiers::Table, Dossiers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DossierTransitions::Table, DossierTransitions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_dossier_transitions_dossier")
                    .table(DossierTransitions::Table)
                    .col(DossierTransitions::DossierId)
                    .col(DossierTransitions::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DossierTransitions::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(DossierChanges::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum DossierChanges {
    Table,
    Id,
    DossierId,
    UserId,
    At,
    Field,
    OldValue,
    NewValue,
}

#[derive(DeriveIden)]
enum DossierTransitions {
    Table,
    Id,
    DossierId,
    UserId,
    At,
    Action,
    FromStatus,
    ToStatus,
    Comment,
}

#[derive(DeriveIden)]
enum Dossiers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
