//! Opuntia's database schema as sea-orm migrations: one file per change, never edited once it
//! has landed. The server runs them at start-up; `cargo run -p migration -- status|up|down`
//! runs them by hand against `DATABASE_URL`.

pub use sea_orm_migration::prelude::*;

mod m20261124_000001_foundation;
mod m20261124_000002_dossier_history;
mod m20261124_000003_dossier_listing;
mod m20261124_000004_dossier_economics;
mod m20261201_000005_refresh_token_family;
mod m20261201_000006_mask_history_nir;
mod m20261201_000007_documents;
mod m20261201_000008_signatures;
mod m20261202_000009_signature_references;
mod m20261202_000010_formation_signature_plan;
mod m20261202_000011_platform_state;
mod m20261203_000012_dossier_lists_at_scale;
mod m20261203_000013_search_indexed_after;
mod m20261203_000014_search_by_address_and_siret;
mod m20261203_000015_formation_training_site;

/// Every migration, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_foundation::Migration),
            Box::new(m20261124_000002_dossier_history::Migration),
            Box::new(m20261124_000003_dossier_listing::Migration),
            Box::new(m20261124_000004_dossier_economics::Migration),
            Box::new(m20261201_000005_refresh_token_family::Migration),
            Box::new(m20261201_000006_mask_history_nir::Migration),
            Box::new(m20261201_000007_documents::Migration),
            Box::new(m20261201_000008_signatures::Migration),
            Box::new(m20261202_000009_signature_references::Migration),
            Box::new(m20261202_000010_formation_signature_plan::Migration),
            Box::new(m20261202_000011_platform_state::Migration),
            Box::new(m20261203_000012_dossier_lists_at_scale::Migration),
            Box::new(m20261203_000013_search_indexed_after::Migration),
            Box::new(m20261203_000014_search_by_address_and_siret::Migration),
            Box::new(m20261203_000015_formation_training_site::Migration),
        ]
    }
}
