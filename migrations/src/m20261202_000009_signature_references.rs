//! The circuits a provider knows by its own reference (a DocuSign envelope id): each Connect
//! webhook names one, and is answered from this index rather than a scan of every circuit.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("signature_circuits_by_reference")
                    .table(SignatureCircuits::Table)
                    .col(SignatureCircuits::Provider)
                    .col(SignatureCircuits::ExternalId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("signature_circuits_by_reference")
                    .table(SignatureCircuits::Table)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum SignatureCircuits {
    Table,
    Provider,
    ExternalId,
}
