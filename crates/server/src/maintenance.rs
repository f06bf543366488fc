//! What an operator runs beside the server: backups, sealing every NIR under the current key,
//! a new NIR key. `opuntia backup <file>`, `opuntia reseal`, `opuntia nir-key <id>`.

use std::path::Path;

use db::{ConnectionTrait, DatabaseConnection, DbBackend, sealing::Seal};

use crate::{config::Settings, sealing::NirSeal};

/// Why a maintenance command failed.
#[derive(Debug, thiserror::Error)]
pub enum MaintenanceError {
    /// The database refused.
    #[error("database: {0}")]
    Database(#[from] db::DbError),
    /// The target of a backup is taken or unusable.
    #[error("{0}")]
    Target(String),
    /// `pg_dump` is missing or failed.
    #[error("pg_dump: {0}")]
    PgDump(String),
    /// The NIR keys are missing or malformed.
    #[error("{0}")]
    Keys(String),
}

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    /// Dossiers in the copy.
    pub dossiers: u64,
    /// Accounts in the copy.
    pub users: u64,
}

async fn open(settings: &Settings) -> Result<DatabaseConnection, MaintenanceError> {
    let db = db::connect(&settings.database_url(), 2).await?;
    db::migrate(&db).await?;
    Ok(db)
}

async fn count(db: &DatabaseConnection, table: &str) -> Result<u64, MaintenanceError> {
    let row = db
        .query_one_raw(db::sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .map_err(db::DbError::from)?;
    let n: i64 = row
        .map(|row| row.try_get("", "n"))
        .transpose()
        .map_err(db::DbError::from)?
        .unwrap_or(0);
    Ok(n.max(0) as u64)
}

/// Copies the whole database to `target` while the server runs.
///
/// SQLite: `VACUUM INTO`, a consistent snapshot taken in one read transaction (writers go on),
/// then checked (`PRAGMA integrity_check`) and counted. PostgreSQL: `pg_dump --format=custom`
/// (restore with `pg_restore --no-owner --dbname <empty database> <file>`).
pub async fn backup(settings: &Settings, target: &Path) -> Result<BackupReport, MaintenanceError> {
    if target.exists() {
        return Err(MaintenanceError::Target(format!(
            "{} exists: a backup never overwrites a file",
            target.display()
        )));
    }
    let db = open(settings).await?;
    match db.get_database_backend() {
        DbBackend::Sqlite => {
            let path = target
                .to_str()
                .ok_or_else(|| MaintenanceError::Target("the path is not UTF-8".into()))?;
            db.execute_raw(db::sea_orm::Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "VACUUM INTO ?",
                [path.into()],
            ))
            .await
            .map_err(db::DbError::from)?;
            let copy = db::connect(&format!("sqlite://{path}"), 1).await?;
            let check = copy
                .query_one_raw(db::sea_orm::Statement::from_string(
                    DbBackend::Sqlite,
                    "PRAGMA integrity_check",
                ))
                .await
                .map_err(db::DbError::from)?
                .map(|row| row.try_get_by_index::<String>(0))
                .transpose()
                .map_err(db::DbError::from)?;
            if check.as_deref() != Some("ok") {
                return Err(MaintenanceError::Target(format!(
                    "the copy fails its integrity check: {check:?}"
                )));
            }
            let report = BackupReport {
                dossiers: count(&copy, "dossiers").await?,
                users: count(&copy, "users").await?,
            };
            copy.close().await.map_err(db::DbError::from)?;
            Ok(report)
        }
        _ => {
            let output = tokio::process::Command::new("pg_dump")
                .args(["--format=custom", "--no-owner", "--file"])
                .arg(target)
                .arg(settings.database_url())
                .output()
                .await
                .map_err(|e| {
                    MaintenanceError::PgDump(format!(
                        "cannot run it ({e}): install the PostgreSQL client of the server's version"
                    ))
                })?;
            if !output.status.success() {
                return Err(MaintenanceError::PgDump(
                    String::from_utf8_lossy(&output.stderr).trim().to_owned(),
                ));
            }
            Ok(BackupReport {
                dossiers: count(&db, "dossiers").await?,
                users: count(&db, "users").await?,
            })
        }
    }
}

/// Dossiers read per batch when sealing them all again.
const RESEAL_BATCH: u64 = 500;

/// Seals every NIR not yet under the current key (after a rotation, or stored before sealing
/// existed); answers how many dossiers were written. Safe while the server runs: a dossier
/// changed meanwhile is skipped, its write having sealed it already.
pub async fn reseal(settings: &Settings) -> Result<u64, MaintenanceError> {
    let seal = NirSeal::from_setting(
        settings.security.nir_keys.expose(),
        settings.is_development(),
    )
    .map_err(MaintenanceError::Keys)?;
    let db = open(settings).await?;
    reseal_all(&db, &seal).await
}

/// Seals again, under the current key, every kept document sealed under an older one (or kept
/// before documents were sealed); how many.
async fn reseal_blobs(db: &DatabaseConnection, seal: &NirSeal) -> Result<u64, MaintenanceError> {
    use db::sealing::Seal;
    let mut written = 0;
    let mut after: Option<String> = None;
    loop {
        // Documents weigh up to megabytes: a few at a time.
        let batch = db::queries::documents::blobs_after(db, after.as_deref(), 16).await?;
        let Some(last) = batch.last() else {
            return Ok(written);
        };
        after = Some(last.sha256.clone());
        for row in batch {
            if seal.bytes_are_current(&row.bytes) {
                continue;
            }
            let plain = seal.open_bytes(&row.sha256, row.bytes)?;
            let stored = seal.seal_bytes(&row.sha256, plain)?;
            db::queries::documents::restore_blob(db, &row.sha256, stored).await?;
            written += 1;
        }
    }
}

/// [`reseal`] on an open database.
pub async fn reseal_all(db: &DatabaseConnection, seal: &NirSeal) -> Result<u64, MaintenanceError> {
    let mut written = 0;
    let mut after: Option<String> = None;
    loop {
        // Read as stored, to see which key sealed each NIR.
        let batch = db::queries::dossiers::batch_after(
            db,
            &db::sealing::NoSeal,
            after.as_deref(),
            RESEAL_BATCH,
        )
        .await?;
        let Some(last) = batch.last() else {
            return Ok(written + reseal_blobs(db, seal).await?);
        };
        after = Some(last.id.clone());
        for mut row in batch {
            let stale = row
                .content
                .get("apprenti")
                .and_then(|apprenti| apprenti.get("nir"))
                .and_then(|nir| nir.as_str())
                .is_some_and(|nir| !seal.is_current(nir));
            if !stale {
                continue;
            }
            seal.open(&row.id, &mut row.content)?;
            let version = row.version;
            if db::queries::dossiers::save_guarded(db, seal, &row, version).await? {
                written += 1;
            }
        }
    }
}
