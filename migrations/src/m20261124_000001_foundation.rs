//! Accounts, formations and their variants, dossiers, invitations, sessions, API tokens, the
//! e-mail outbox, idempotency keys and login failures.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// UUIDs are stored as text so that both backends compare and index them the same way.
const ID_LEN: u32 = 36;

fn id_pk<T: IntoIden>(name: T) -> ColumnDef {
    string_len(name, ID_LEN).primary_key().take()
}

fn id_ref<T: IntoIden>(name: T) -> ColumnDef {
    string_len(name, ID_LEN)
}

fn foreign<T: IntoIden + 'static, R: IntoIden + 'static>(
    from: (T, T),
    to: (R, R),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(id_pk(Users::Id))
                    .col(string_len_uniq(Users::Email, 254))
                    .col(string_len(Users::Role, 16))
                    .col(string_len(Users::FirstName, 80))
                    .col(string_len(Users::LastName, 80))
                    .col(string_null(Users::PasswordHash))
                    .col(string_null(Users::GeneratedPasswordHash))
                    .col(timestamp_with_time_zone_null(
                        Users::GeneratedPasswordExpiresAt,
                    ))
                    .col(timestamp_with_time_zone_null(Users::LastLoginAt))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone(Users::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Formations::Table)
                    .col(id_pk(Formations::Id))
                    .col(string(Formations::Title))
                    .col(string(Formations::School))
                    .col(string_len(Formations::DiplomaCode, 16))
                    .col(string_len(Formations::Rncp, 16))
                    .col(date(Formations::StartDate))
                    .col(date(Formations::EndDate))
                    .col(integer(Formations::Hours))
                    .col(string(Formations::ContractTypes))
                    .col(string_len(Formations::ValidationMode, 16))
                    .col(string_len(Formations::Mission, 16))
                    .col(json_binary(Formations::Contacts))
                    .col(boolean(Formations::CalendrierAvailable))
                    .col(boolean(Formations::ProgrammeAvailable))
                    .col(timestamp_with_time_zone(Formations::CreatedAt))
                    .col(timestamp_with_time_zone(Formations::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(FormationResponsables::Table)
                    .col(id_ref(FormationResponsables::FormationId))
                    .col(id_ref(FormationResponsables::UserId))
                    .primary_key(
                        Index::create()
                            .col(FormationResponsables::FormationId)
                            .col(FormationResponsables::UserId),
                    )
                    .foreign_key(&mut foreign(
                        (
                            FormationResponsables::Table,
                            FormationResponsables::FormationId,
                        ),
                        (Formations::Table, Formations::Id),
                    ))
                    .foreign_key(&mut foreign(
                        (FormationResponsables::Table, FormationResponsables::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_formation_responsables_user",
            FormationResponsables::Table,
            &[FormationResponsables::UserId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Variants::Table)
                    .col(id_pk(Variants::Id))
                    .col(id_ref(Variants::FormationId))
                    .col(string_len_uniq(Variants::AccessCode, 8))
                    .col(string(Variants::Label))
                    .col(date_null(Variants::StartDate))
                    .col(date_null(Variants::EndDate))
                    .col(boolean(Variants::Open))
                    .col(timestamp_with_time_zone(Variants::CreatedAt))
                    .col(timestamp_with_time_zone(Variants::UpdatedAt))
                    .foreign_key(&mut foreign(
                        (Variants::Table, Variants::FormationId),
                        (Formations::Table, Formations::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_variants_formation",
            Variants::Table,
            &[Variants::FormationId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Dossiers::Table)
                    .col(id_pk(Dossiers::Id))
                    .col(id_ref(Dossiers::ApprenticeId))
                    .col(string_len_null(Dossiers::EmployerId, ID_LEN))
                    .col(id_ref(Dossiers::FormationId))
                    .col(id_ref(Dossiers::VariantId))
                    .col(string_len(Dossiers::Status, 24))
                    .col(big_integer(Dossiers::Version))
                    .col(string_len(Dossiers::NiveauSaisie, 16))
                    .col(string_len(Dossiers::ContractType, 24))
                    .col(json_binary(Dossiers::Content))
                    .col(timestamp_with_time_zone(Dossiers::CreatedAt))
                    .col(timestamp_with_time_zone(Dossiers::UpdatedAt))
                    .foreign_key(&mut foreign(
                        (Dossiers::Table, Dossiers::ApprenticeId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Dossiers::Table, Dossiers::EmployerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(&mut foreign(
                        (Dossiers::Table, Dossiers::FormationId),
                        (Formations::Table, Formations::Id),
                    ))
                    .foreign_key(&mut foreign(
                        (Dossiers::Table, Dossiers::VariantId),
                        (Variants::Table, Variants::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_dossiers_apprentice",
            Dossiers::Table,
            &[Dossiers::ApprenticeId],
        )
        .await?;
        index(
            manager,
            "idx_dossiers_employer",
            Dossiers::Table,
            &[Dossiers::EmployerId],
        )
        .await?;
        index(
            manager,
            "idx_dossiers_formation_status",
            Dossiers::Table,
            &[Dossiers::FormationId, Dossiers::Status],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Invitations::Table)
                    .col(id_pk(Invitations::Id))
                    .col(id_ref(Invitations::UserId))
                    .col(string_len_uniq(Invitations::DossierId, ID_LEN))
                    .col(string_len_null(Invitations::InvitedBy, ID_LEN))
                    .col(timestamp_with_time_zone(Invitations::CreatedAt))
                    .col(timestamp_with_time_zone(Invitations::LastSentAt))
                    .foreign_key(&mut foreign(
                        (Invitations::Table, Invitations::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut foreign(
                        (Invitations::Table, Invitations::DossierId),
                        (Dossiers::Table, Dossiers::Id),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Invitations::Table, Invitations::InvitedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_invitations_user",
            Invitations::Table,
            &[Invitations::UserId],
        )
        .await?;

        for (table, id, user, hash, expires, ended) in [
            (
                Secrets::RefreshTokens,
                Secrets::Id,
                Secrets::UserId,
                Secrets::TokenHash,
                Secrets::ExpiresAt,
                Secrets::RevokedAt,
            ),
            (
                Secrets::PasswordResets,
                Secrets::Id,
                Secrets::UserId,
                Secrets::TokenHash,
                Secrets::ExpiresAt,
                Secrets::UsedAt,
            ),
        ] {
            manager
                .create_table(
                    Table::create()
                        .table(table)
                        .col(id_pk(id))
                        .col(id_ref(user))
                        .col(string_len_uniq(hash, 64))
                        .col(timestamp_with_time_zone(Secrets::CreatedAt))
                        .col(timestamp_with_time_zone(expires))
                        .col(timestamp_with_time_zone_null(ended))
                        .foreign_key(&mut foreign((table, user), (Users::Table, Users::Id)))
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(ApiTokens::Table)
                    .col(id_pk(ApiTokens::Id))
                    .col(id_ref(ApiTokens::UserId))
                    .col(string(ApiTokens::Name))
                    .col(string_len_uniq(ApiTokens::TokenHash, 64))
                    .col(string(ApiTokens::Scopes))
                    .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ApiTokens::LastUsedAt))
                    .col(timestamp_with_time_zone_null(ApiTokens::RevokedAt))
                    .foreign_key(&mut foreign(
                        (ApiTokens::Table, ApiTokens::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(big_pk_auto(Outbox::Id))
                    .col(json_binary(Outbox::Recipients))
                    .col(string(Outbox::Subject))
                    .col(text(Outbox::TextBody))
                    .col(text(Outbox::HtmlBody))
                    .col(string_len(Outbox::Status, 16))
                    .col(integer(Outbox::Attempts))
                    .col(timestamp_with_time_zone(Outbox::CreatedAt))
                    .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(Outbox::LockedUntil))
                    .col(timestamp_with_time_zone_null(Outbox::SentAt))
                    .col(text_null(Outbox::LastError))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_outbox_due",
            Outbox::Table,
            &[Outbox::Status, Outbox::NextAttemptAt],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    .col(id_ref(IdempotencyKeys::UserId))
                    .col(string_len(IdempotencyKeys::Key, 255))
                    .col(string_len(IdempotencyKeys::Fingerprint, 64))
                    .col(integer_null(IdempotencyKeys::StatusCode))
                    .col(text_null(IdempotencyKeys::Response))
                    .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(IdempotencyKeys::UserId)
                            .col(IdempotencyKeys::Key),
                    )
                    .foreign_key(&mut foreign(
                        (IdempotencyKeys::Table, IdempotencyKeys::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LoginFailures::Table)
                    .col(big_pk_auto(LoginFailures::Id))
                    .col(string(LoginFailures::Subject))
                    .col(timestamp_with_time_zone(LoginFailures::At))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_login_failures_subject_at",
            LoginFailures::Table,
            &[LoginFailures::Subject, LoginFailures::At],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables: [DynIden; 12] = [
            LoginFailures::Table.into_iden(),
            IdempotencyKeys::Table.into_iden(),
            Outbox::Table.into_iden(),
            ApiTokens::Table.into_iden(),
            Secrets::PasswordResets.into_iden(),
            Secrets::RefreshTokens.into_iden(),
            Invitations::Table.into_iden(),
            Dossiers::Table.into_iden(),
            Variants::Table.into_iden(),
            FormationResponsables::Table.into_iden(),
            Formations::Table.into_iden(),
            Users::Table.into_iden(),
        ];
        for table in tables {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

async fn index<T: IntoIden + Copy + 'static, C: IntoIden + Copy + 'static>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    columns: &[C],
) -> Result<(), DbErr> {
    let mut statement = Index::create().name(name).table(table).to_owned();
    for column in columns {
        statement.col(*column);
    }
    manager.create_index(statement).await
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
    Email,
    Role,
    FirstName,
    LastName,
    PasswordHash,
    GeneratedPasswordHash,
    GeneratedPasswordExpiresAt,
    LastLoginAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Formations {
    Table,
    Id,
    Title,
    School,
    DiplomaCode,
    Rncp,
    StartDate,
    EndDate,
    Hours,
    ContractTypes,
    ValidationMode,
    Mission,
    Contacts,
    CalendrierAvailable,
    ProgrammeAvailable,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum FormationResponsables {
    Table,
    FormationId,
    UserId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Variants {
    Table,
    Id,
    FormationId,
    AccessCode,
    Label,
    StartDate,
    EndDate,
    Open,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Dossiers {
    Table,
    Id,
    ApprenticeId,
    EmployerId,
    FormationId,
    VariantId,
    Status,
    Version,
    NiveauSaisie,
    ContractType,
    Content,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Invitations {
    Table,
    Id,
    UserId,
    DossierId,
    InvitedBy,
    CreatedAt,
    LastSentAt,
}

/// The two tables of single-purpose secrets share their shape.
#[derive(DeriveIden, Clone, Copy)]
enum Secrets {
    RefreshTokens,
    PasswordResets,
    Id,
    UserId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
    UsedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ApiTokens {
    Table,
    Id,
    UserId,
    Name,
    TokenHash,
    Scopes,
    CreatedAt,
    ExpiresAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Outbox {
    Table,
    Id,
    Recipients,
    Subject,
    TextBody,
    HtmlBody,
    Status,
    Attempts,
    CreatedAt,
    NextAttemptAt,
    LockedUntil,
    SentAt,
    LastError,
}

#[derive(DeriveIden, Clone, Copy)]
enum IdempotencyKeys {
    Table,
    UserId,
    Key,
    Fingerprint,
    StatusCode,
    Response,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum LoginFailures {
    Table,
    Id,
    Subject,
    At,
}
