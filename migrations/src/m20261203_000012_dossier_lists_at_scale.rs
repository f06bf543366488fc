//! Lists of dossiers that do not grow with the table (issue 20).
//!
//! - `dossier_counts`: how many dossiers per (formation, status, complete), kept by triggers on
//!   every insert, update and delete of a dossier, so that the dashboard's counts and a list's
//!   total read a few rows instead of counting the table. PostgreSQL's triggers are
//!   per statement (a bulk invitation of 10 000 rows updates each counter once), SQLite's per
//!   row (it has no other kind).
//! - Search through an index: on PostgreSQL a trigram index (`pg_trgm`) on `search_text`, which
//!   `LIKE '%word%'` uses, with a short pending list; on SQLite an FTS5 table with the trigram tokenizer, kept by triggers
//!   and keyed by `search_key` — a number of the dossier's own, because SQLite may renumber a
//!   table's rowids when it rebuilds the file (`VACUUM`, a backup).
//! - One index per sort the API offers, ending with `id`, which a keyset cursor seeks with a
//!   row comparison `(sort, id) > (?, ?)`. The two nullable sorts read generated columns,
//!   `sort_name` (an empty name first) and `sort_start` (a contract without a start last), the
//!   same on both backends: SQLite seeks a row comparison on a column, even a generated one,
//!   not on an expression. A status queue and a formation sorted by last change (the
//!   dashboards' defaults) have their own index.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Statements common to both backends, after the backend's own.
const SORT_INDEXES: [&str; 8] = [
    "CREATE INDEX idx_dossiers_sort_updated ON dossiers (updated_at, id)",
    "CREATE INDEX idx_dossiers_sort_created ON dossiers (created_at, id)",
    "CREATE INDEX idx_dossiers_sort_name ON dossiers (sort_name, id)",
    "CREATE INDEX idx_dossiers_sort_start ON dossiers (sort_start, id)",
    "CREATE INDEX idx_dossiers_sort_status ON dossiers (status, id)",
    "CREATE INDEX idx_dossiers_status_updated ON dossiers (status, updated_at, id)",
    "CREATE INDEX idx_dossiers_formation_updated ON dossiers (formation_id, updated_at, id)",
    "CREATE UNIQUE INDEX idx_dossiers_search_key ON dossiers (search_key)",
];

/// Indexes the ones above replace.
const REPLACED: [&str; 4] = [
    "idx_dossiers_updated_at",
    "idx_dossiers_apprentice_name",
    "idx_dossiers_contract_start",
    "idx_dossiers_complete",
];

const SQLITE: &[&str] = &[
    "ALTER TABLE dossiers ADD COLUMN search_key BIGINT NOT NULL DEFAULT 0",
    "UPDATE dossiers SET search_key = rowid",
    "ALTER TABLE dossiers ADD COLUMN sort_name TEXT
        GENERATED ALWAYS AS (COALESCE(apprentice_name, '')) VIRTUAL",
    "ALTER TABLE dossiers ADD COLUMN sort_start TEXT
        GENERATED ALWAYS AS (COALESCE(contract_start, '9999-12-31')) VIRTUAL",
    "CREATE TABLE dossier_counts (
        formation_id TEXT NOT NULL,
        status TEXT NOT NULL,
        complete BOOLEAN NOT NULL,
        count BIGINT NOT NULL,
        PRIMARY KEY (formation_id, status, complete)
    ) WITHOUT ROWID",
    "INSERT INTO dossier_counts (formation_id, status, complete, count)
        SELECT formation_id, status, COALESCE(complete, 0), COUNT(*) FROM dossiers
        GROUP BY formation_id, status, COALESCE(complete, 0)",
    "CREATE TRIGGER dossier_counts_insert AFTER INSERT ON dossiers BEGIN
        INSERT INTO dossier_counts (formation_id, status, complete, count)
            VALUES (NEW.formation_id, NEW.status, COALESCE(NEW.complete, 0), 1)
            ON CONFLICT (formation_id, status, complete) DO UPDATE SET count = count + 1;
    END",
    "CREATE TRIGGER dossier_counts_delete AFTER DELETE ON dossiers BEGIN
        UPDATE dossier_counts SET count = count - 1
            WHERE formation_id = OLD.formation_id AND status = OLD.status
              AND complete = COALESCE(OLD.complete, 0);
    END",
    "CREATE TRIGGER dossier_counts_update AFTER UPDATE OF formation_id, status, complete ON dossiers
    WHEN OLD.formation_id IS NOT NEW.formation_id OR OLD.status IS NOT NEW.status
      OR COALESCE(OLD.complete, 0) IS NOT COALESCE(NEW.complete, 0)
    BEGIN
        UPDATE dossier_counts SET count = count - 1
            WHERE formation_id = OLD.formation_id AND status = OLD.status
              AND complete = COALESCE(OLD.complete, 0);
        INSERT INTO dossier_counts (formation_id, status, complete, count)
            VALUES (NEW.formation_id, NEW.status, COALESCE(NEW.complete, 0), 1)
            ON CONFLICT (formation_id, status, complete) DO UPDATE SET count = count + 1;
    END",
    "CREATE VIRTUAL TABLE dossier_search USING fts5(search_text, tokenize = 'trigram')",
    "INSERT INTO dossier_search (rowid, search_text)
        SELECT search_key, search_text FROM dossiers WHERE search_text IS NOT NULL",
    "CREATE TRIGGER dossier_search_insert AFTER INSERT ON dossiers
    WHEN NEW.search_text IS NOT NULL BEGIN
        INSERT INTO dossier_search (rowid, search_text) VALUES (NEW.search_key, NEW.search_text);
    END",
    "CREATE TRIGGER dossier_search_delete AFTER DELETE ON dossiers BEGIN
        DELETE FROM dossier_search WHERE rowid = OLD.search_key;
    END",
    "CREATE TRIGGER dossier_search_update AFTER UPDATE OF search_text, search_key ON dossiers
    WHEN OLD.search_text IS NOT NEW.search_text OR OLD.search_key IS NOT NEW.search_key
    BEGIN
        DELETE FROM dossier_search WHERE rowid = OLD.search_key;
        INSERT INTO dossier_search (rowid, search_text)
            SELECT NEW.search_key, NEW.search_text WHERE NEW.search_text IS NOT NULL;
    END",
];

const POSTGRES: &[&str] = &[
    "ALTER TABLE dossiers ADD COLUMN search_key BIGINT NOT NULL DEFAULT 0",
    "UPDATE dossiers SET search_key = numbered.n
        FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM dossiers) numbered
        WHERE dossiers.id = numbered.id",
    "ALTER TABLE dossiers ADD COLUMN sort_name TEXT
        GENERATED ALWAYS AS (COALESCE(apprentice_name, '')) STORED",
    "ALTER TABLE dossiers ADD COLUMN sort_start DATE
        GENERATED ALWAYS AS (COALESCE(contract_start, DATE '9999-12-31')) STORED",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    // A GIN index queues new entries in a pending list that every search reads through, up to
    // 4 MB by default: 180 ms a search at 100 000 dossiers freshly loaded, 0.03 ms once
    // vacuumed. A 256 KB list keeps searches short and inserts still batched.
    "CREATE INDEX idx_dossiers_search_trgm ON dossiers USING gin (search_text gin_trgm_ops)
        WITH (gin_pending_list_limit = 256)",
    "CREATE TABLE dossier_counts (
        formation_id VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        complete BOOLEAN NOT NULL,
        count BIGINT NOT NULL,
        PRIMARY KEY (formation_id, status, complete)
    )",
    "INSERT INTO dossier_counts (formation_id, status, complete, count)
        SELECT formation_id, status, COALESCE(complete, false), COUNT(*) FROM dossiers
        GROUP BY formation_id, status, COALESCE(complete, false)",
    // One function for the three events: the rows a statement removed count -1, those it
    // added +1, summed per counter; a statement that changed no counter's key (a content save)
    // writes nothing, so it takes no lock on a counter.
    "CREATE FUNCTION dossier_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO dossier_counts (formation_id, status, complete, count)
                SELECT formation_id, status, COALESCE(complete, false), COUNT(*)
                FROM added GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
                ON CONFLICT (formation_id, status, complete)
                DO UPDATE SET count = dossier_counts.count + EXCLUDED.count;
        ELSIF TG_OP = 'DELETE' THEN
            UPDATE dossier_counts SET count = dossier_counts.count - gone.n
                FROM (SELECT formation_id, status, COALESCE(complete, false) AS complete, COUNT(*) AS n
                      FROM removed GROUP BY 1, 2, 3) gone
                WHERE dossier_counts.formation_id = gone.formation_id
                  AND dossier_counts.status = gone.status
                  AND dossier_counts.complete = gone.complete;
        ELSE
            INSERT INTO dossier_counts (formation_id, status, complete, count)
                SELECT formation_id, status, complete, SUM(delta) FROM (
                    SELECT formation_id, status, COALESCE(complete, false) AS complete, -1 AS delta FROM removed
                    UNION ALL
                    SELECT formation_id, status, COALESCE(complete, false), 1 FROM added
                ) changes
                GROUP BY 1, 2, 3 HAVING SUM(delta) <> 0 ORDER BY 1, 2, 3
                ON CONFLICT (formation_id, status, complete)
                DO UPDATE SET count = dossier_counts.count + EXCLUDED.count;
        END IF;
        RETURN NULL;
    END $$",
    "CREATE TRIGGER dossier_counts_insert AFTER INSERT ON dossiers
        REFERENCING NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION dossier_counts_apply()",
    "CREATE TRIGGER dossier_counts_update AFTER UPDATE ON dossiers
        REFERENCING OLD TABLE AS removed NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION dossier_counts_apply()",
    "CREATE TRIGGER dossier_counts_delete AFTER DELETE ON dossiers
        REFERENCING OLD TABLE AS removed
        FOR EACH STATEMENT EXECUTE FUNCTION dossier_counts_apply()",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let own = match manager.get_database_backend() {
            sea_orm::DbBackend::Postgres => POSTGRES,
            _ => SQLITE,
        };
        for statement in own.iter().chain(SORT_INDEXES.iter()) {
            db.execute_unprepared(statement).await?;
        }
        for name in REPLACED {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres = manager.get_database_backend() == sea_orm::DbBackend::Postgres;
        let mut statements: Vec<String> = vec![
            "DROP TRIGGER dossier_counts_insert".into(),
            "DROP TRIGGER dossier_counts_update".into(),
            "DROP TRIGGER dossier_counts_delete".into(),
            "DROP TABLE dossier_counts".into(),
        ];
        if postgres {
            for trigger in &mut statements[..3] {
                trigger.push_str(" ON dossiers");
            }
            statements.push("DROP FUNCTION dossier_counts_apply()".into());
            statements.push("DROP INDEX idx_dossiers_search_trgm".into());
        } else {
            for trigger in ["insert", "update", "delete"] {
                statements.push(format!("DROP TRIGGER dossier_search_{trigger}"));
            }
            statements.push("DROP TABLE dossier_search".into());
        }
        for statement in SORT_INDEXES {
            if let Some(name) = statement
                .split_whitespace()
                .skip_while(|w| *w != "INDEX")
                .nth(1)
            {
                statements.push(format!("DROP INDEX {name}"));
            }
        }
        for column in ["search_key", "sort_name", "sort_start"] {
            statements.push(format!("ALTER TABLE dossiers DROP COLUMN {column}"));
        }
        for (name, column) in [
            ("idx_dossiers_updated_at", "updated_at"),
            ("idx_dossiers_apprentice_name", "apprentice_name"),
            ("idx_dossiers_contract_start", "contract_start"),
            ("idx_dossiers_complete", "complete"),
        ] {
            statements.push(format!("CREATE INDEX {name} ON dossiers ({column})"));
        }
        for statement in statements {
            db.execute_unprepared(&statement).await?;
        }
        Ok(())
    }
}
