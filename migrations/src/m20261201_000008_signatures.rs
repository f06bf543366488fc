//! Signature circuits: one per sending of a dossier's CERFA and convention for signature
//! (`signature_circuits`: which provider, the SHA-256 of the exact bytes sent, how it ended), and
//! its signers (`signature_signers`: who signs what in which turn, their single-use link and
//! one-time code as digests, and the evidence of their signature or the reason of their refusal).
//! The sealed PDFs are kept as `dossier_documents` of kind `cerfa_signed` / `convention_signed`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SignatureCircuits::Table)
                    .col(string(SignatureCircuits::Id).primary_key())
                    .col(string(SignatureCircuits::DossierId))
                    .col(string(SignatureCircuits::Provider))
                    .col(string(SignatureCircuits::Status))
                    .col(string_len(SignatureCircuits::CerfaSha256, 64))
                    .col(string_len(SignatureCircuits::ConventionSha256, 64))
                    .col(json_binary(SignatureCircuits::ReminderDays))
                    .col(timestamp_with_time_zone(SignatureCircuits::StartedAt))
                    .col(string_null(SignatureCircuits::StartedBy))
                    .col(timestamp_with_time_zone_null(SignatureCircuits::EndedAt))
                    .col(text_null(SignatureCircuits::EndReason))
                    .col(string_null(SignatureCircuits::ExternalId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SignatureCircuits::Table, SignatureCircuits::DossierId)
                            .to(Dossiers::Table, Dossiers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("signature_circuits_by_dossier")
                    .table(SignatureCircuits::Table)
                    .col(SignatureCircuits::DossierId)
                    .col(SignatureCircuits::StartedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SignatureSigners::Table)
                    .col(string(SignatureSigners::Id).primary_key())
                    .col(string(SignatureSigners::CircuitId))
                    .col(string(SignatureSigners::Role))
                    .col(string(SignatureSigners::Name))
                    .col(string(SignatureSigners::Email))
                    .col(string(SignatureSigners::Documents))
                    .col(integer(SignatureSigners::TurnOrder))
                    .col(string(SignatureSigners::Status))
                    .col(string(SignatureSigners::Channel))
                    .col(string_len_null(SignatureSigners::TokenHash, 64))
                    .col(timestamp_with_time_zone_null(
                        SignatureSigners::TokenExpiresAt,
                    ))
                    .col(timestamp_with_time_zone_null(SignatureSigners::TurnSince))
                    .col(integer(SignatureSigners::RemindersSent))
                    .col(string_len_null(SignatureSigners::CodeHash, 64))
                    .col(timestamp_with_time_zone_null(SignatureSigners::CodeSentAt))
                    .col(integer(SignatureSigners::CodeAttempts))
                    .col(json_binary(SignatureSigners::CodesSent))
                    .col(timestamp_with_time_zone_null(SignatureSigners::ActedAt))
                    .col(text_null(SignatureSigners::RefusalReason))
                    .col(json_binary_null(SignatureSigners::Evidence))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SignatureSigners::Table, SignatureSigners::CircuitId)
                            .to(SignatureCircuits::Table, SignatureCircuits::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("signature_signers_by_circuit")
                    .table(SignatureSigners::Table)
                    .col(SignatureSigners::CircuitId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("signature_signers_by_token")
                    .table(SignatureSigners::Table)
                    .col(SignatureSigners::TokenHash)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SignatureSigners::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(SignatureCircuits::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum SignatureCircuits {
    Table,
    Id,
    DossierId,
    Provider,
    Status,
    CerfaSha256,
    ConventionSha256,
    ReminderDays,
    StartedAt,
    StartedBy,
    EndedAt,
    EndReason,
    ExternalId,
}

#[derive(DeriveIden)]
enum SignatureSigners {
    Table,
    Id,
    CircuitId,
    Role,
    Name,
    Email,
    Documents,
    TurnOrder,
    Status,
    Channel,
    TokenHash,
    TokenExpiresAt,
    TurnSince,
    RemindersSent,
    CodeHash,
    CodeSentAt,
    CodeAttempts,
    CodesSent,
    ActedAt,
    RefusalReason,
    Evidence,
}

#[derive(DeriveIden)]
enum Dossiers {
    Table,
    Id,
}
