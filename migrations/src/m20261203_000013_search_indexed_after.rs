//! SQLite's search index filled after the answer (issue 20): a new dossier's row goes into a
//! waiting list, `dossier_search_waiting`, instead of straight into the FTS5 trigram index; the
//! server moves the waiting rows into the index shortly after, a slice at a time
//! (`db::queries::dossiers::index_waiting`), and a search reads the waiting rows with `LIKE`
//! meanwhile, so that it finds them all the same. Indexing a row's trigrams costs ~65 µs, two
//! thirds of what a bulk invitation of 10 000 dossiers spent writing them (measured in the
//! `sqlite3` shell: 10 000 rows into 100 000 took 2.28 s with the index kept by the trigger,
//! 1.05 s with the waiting list). A changed name is still indexed at once: one row. PostgreSQL
//! keeps its trigram index on the table (its pending list does the batching): nothing changes
//! there.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "CREATE TABLE dossier_search_waiting (search_key INTEGER PRIMARY KEY)",
    "DROP TRIGGER dossier_search_insert",
    "CREATE TRIGGER dossier_search_insert AFTER INSERT ON dossiers
    WHEN NEW.search_text IS NOT NULL BEGIN
        INSERT OR IGNORE INTO dossier_search_waiting (search_key) VALUES (NEW.search_key);
    END",
    "DROP TRIGGER dossier_search_delete",
    "CREATE TRIGGER dossier_search_delete AFTER DELETE ON dossiers BEGIN
        DELETE FROM dossier_search WHERE rowid = OLD.search_key;
        DELETE FROM dossier_search_waiting WHERE search_key = OLD.search_key;
    END",
    "DROP TRIGGER dossier_search_update",
    // A waiting row is indexed later with its text of then: only a row already in the index is
    // rewritten now.
    "CREATE TRIGGER dossier_search_update AFTER UPDATE OF search_text, search_key ON dossiers
    WHEN OLD.search_text IS NOT NEW.search_text OR OLD.search_key IS NOT NEW.search_key
    BEGIN
        DELETE FROM dossier_search WHERE rowid = OLD.search_key;
        UPDATE dossier_search_waiting SET search_key = NEW.search_key
            WHERE search_key = OLD.search_key;
        INSERT INTO dossier_search (rowid, search_text)
            SELECT NEW.search_key, NEW.search_text
            WHERE NEW.search_text IS NOT NULL AND NOT EXISTS
                (SELECT 1 FROM dossier_search_waiting WHERE search_key = NEW.search_key);
    END",
];

/// The triggers of `m20261203_000012`, which index every row at once.
const DOWN: &[&str] = &[
    "INSERT INTO dossier_search (rowid, search_text)
        SELECT dossiers.search_key, dossiers.search_text FROM dossiers
        JOIN dossier_search_waiting ON dossier_search_waiting.search_key = dossiers.search_key
        WHERE dossiers.search_text IS NOT NULL",
    "DROP TRIGGER dossier_search_insert",
    "CREATE TRIGGER dossier_search_insert AFTER INSERT ON dossiers
    WHEN NEW.search_text IS NOT NULL BEGIN
        INSERT INTO dossier_search (rowid, search_text) VALUES (NEW.search_key, NEW.search_text);
    END",
    "DROP TRIGGER dossier_search_delete",
    "CREATE TRIGGER dossier_search_delete AFTER DELETE ON dossiers BEGIN
        DELETE FROM dossier_search WHERE rowid = OLD.search_key;
    END",
    "DROP TRIGGER dossier_search_update",
    "CREATE TRIGGER dossier_search_update AFTER UPDATE OF search_text, search_key ON dossiers
    WHEN OLD.search_text IS NOT NEW.search_text OR OLD.search_key IS NOT NEW.search_key
    BEGIN
        DELETE FROM dossier_search WHERE rowid = OLD.search_key;
        INSERT INTO dossier_search (rowid, search_text)
            SELECT NEW.search_key, NEW.search_text WHERE NEW.search_text IS NOT NULL;
    END",
    "DROP TABLE dossier_search_waiting",
];

async fn run(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    if manager.get_database_backend() != sea_orm::DbBackend::Sqlite {
        return Ok(());
    }
    // One call, so one connection: each pooled connection keeps its own copy of the schema
    // and checks a CREATE against it, so a trigger dropped on one connection and made again
    // on another was refused as « already exists ».
    manager
        .get_connection()
        .execute_unprepared(&statements.join(";\n"))
        .await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, DOWN).await
    }
}
