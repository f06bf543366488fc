//! Searches by e-mail address and by SIRET through b-trees (issue 20).
//!
//! The trigram indexes of `m20261203_000012` find a word anywhere in the search text, but a
//! word made of common trigrams reads each of their posting lists whole: an address typed
//! whole (`apprenti.123456@exemple.fr`, where every row shares `exemple.fr` and `apprenti.`)
//! took 108 ms at 1 000 000 rows on PostgreSQL, all of it in the GIN index (2 500 pages read
//! to find one row), against 0.1 ms through a b-tree on the address (measured in `psql` on a
//! table of that shape). So a word that is an address, whole or by its start, and a SIRET or
//! SIREN are looked up by their start in b-trees (`db::queries::dossiers`):
//!
//! - `idx_dossiers_email_start` on the apprentice's address (stored lower-cased);
//! - `idx_dossiers_siret_updated` on (SIRET, last change, id), which replaces the SIRET's own
//!   index: a SIRET typed whole lists its dossiers by last change straight from the index
//!   however many the employer has.
//!
//! On PostgreSQL both are in the `"C"` collation, byte order, whatever the database's: a
//! range `>= start AND < start || U+10FFFF` then holds exactly the values that begin with the
//! start (a linguistic collation ignores `.` and `@` at its first level), and the same range
//! is planned the same whether the values are bound or not.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES_UP: &[&str] = &[
    r#"CREATE INDEX idx_dossiers_email_start ON dossiers (apprentice_email COLLATE "C")"#,
    r#"CREATE INDEX idx_dossiers_siret_updated ON dossiers (siret COLLATE "C", updated_at, id)"#,
    "DROP INDEX idx_dossiers_siret",
];

const SQLITE_UP: &[&str] = &[
    "CREATE INDEX idx_dossiers_email_start ON dossiers (apprentice_email)",
    "CREATE INDEX idx_dossiers_siret_updated ON dossiers (siret, updated_at, id)",
    "DROP INDEX idx_dossiers_siret",
];

const DOWN: &[&str] = &[
    "CREATE INDEX idx_dossiers_siret ON dossiers (siret)",
    "DROP INDEX idx_dossiers_siret_updated",
    "DROP INDEX idx_dossiers_email_start",
];

async fn run(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    let connection = manager.get_connection();
    for statement in statements {
        connection.execute_unprepared(statement).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            sea_orm::DbBackend::Postgres => run(manager, POSTGRES_UP).await,
            _ => run(manager, SQLITE_UP).await,
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, DOWN).await
    }
}
