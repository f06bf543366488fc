//! Opuntia's storage: sea-orm entities for the tables `migrations/` creates, and the
//! hand-written queries the server runs, on SQLite (the default) and PostgreSQL alike.
//!
//! Every query takes a `&impl ConnectionTrait`, so the server runs them on the pool or inside a
//! transaction as the change requires.

use std::time::Duration;

pub use migration::{Migrator, MigratorTrait};
pub use sea_orm::{
    self, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, TransactionTrait,
};
use sea_orm::{
    ActiveModelTrait, ConnectOptions, Database, DbErr, EntityTrait, IntoActiveModel, SqlErr,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};

pub mod entities;
mod json_rows;
pub mod queries;
pub mod sealing;
pub mod stored;

pub use stored::Stored;

/// Why a storage call failed: a uniqueness violation the caller may turn into a 409, or
/// anything else (logged by the server, never shown).
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A unique index refused the row.
    #[error("unique constraint violated: {0}")]
    Unique(String),
    /// A sealed value that no configured key opens, or that was tampered with.
    #[error("sealed value: {0}")]
    Seal(String),
    /// Any other database failure.
    #[error(transparent)]
    Other(DbErr),
}

impl From<DbErr> for DbError {
    fn from(error: DbErr) -> Self {
        match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(detail)) => Self::Unique(detail),
            _ => Self::Other(error),
        }
    }
}

/// The result of a storage call.
pub type DbResult<T> = Result<T, DbError>;

/// Opens a pool on `url` (`sqlite://…` or `postgres://…`). A SQLite file is created when
/// missing and runs in WAL mode with foreign keys enforced and a busy timeout, so that readers
/// never wait for the writer and concurrent writers queue instead of failing.
pub async fn connect(url: &str, max_connections: u32) -> DbResult<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    Ok(Database::connect(options).await?)
}

/// Any number of instances may start together on one PostgreSQL database: the first to take
/// this advisory lock migrates, the others wait for it and then find nothing to do. (Running at
/// once, two of them created the same types and one died on a duplicate key.)
const MIGRATION_LOCK: i64 = 0x006f_7075_6e74_6961;

/// Applies every pending migration; on PostgreSQL, one instance at a time.
pub async fn migrate(db: &DatabaseConnection) -> DbResult<()> {
    if db.get_database_backend() != DbBackend::Postgres {
        // SQLite: the file has one writer at a time, and one server process.
        return Ok(Migrator::up(db, None).await?);
    }
    // A transaction holds one connection, so the lock and the migrations share a session; the
    // lock ends with the transaction.
    let txn = db.begin().await?;
    txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
        .await?;
    Migrator::up(&txn, None).await?;
    txn.commit().await?;
    Ok(())
}

/// Begins a transaction that writes. On SQLite it takes the write lock at once (`BEGIN
/// IMMEDIATE`), waiting for it under the busy timeout: a deferred transaction that reads first
/// holds a snapshot, and when another connection commits before it writes, SQLite answers
/// « database is locked » at once instead of waiting (seen when the outbox worker recorded
/// deliveries while the search index was filled).
pub async fn begin_write(db: &DatabaseConnection) -> DbResult<DatabaseTransaction> {
    let immediate = sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    Ok(db.begin_with_options(immediate).await?)
}

/// Whether the database answers.
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.ping().await.is_ok()
}

/// Rows per multi-row INSERT. The widest table, dossiers, has 23 columns: 23 000 bound
/// parameters on SQLite, under its 32 766 (PostgreSQL takes them as one JSON parameter). Fewer,
/// larger statements made a 10 000-row bulk invitation on PostgreSQL 20 % faster than chunks of
/// 400 (BENCHMARKS.md).
pub(crate) const INSERT_CHUNK: usize = 1000;

/// Inserts new rows in as few statements as the backends allow.
pub async fn insert_all<E, M, C>(conn: &C, models: Vec<M>) -> DbResult<()>
where
    E: EntityTrait,
    M: IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    C: ConnectionTrait,
{
    insert_active::<E, C>(
        conn,
        models
            .into_iter()
            .map(|model| model.into_active_model().reset_all())
            .collect(),
    )
    .await
}

/// Inserts rows already made active, by chunks of [`INSERT_CHUNK`]: on PostgreSQL as one JSON
/// parameter each (`json_rows`), elsewhere, or where JSON cannot carry them, as `VALUES`.
pub(crate) async fn insert_active<E, C>(conn: &C, mut rows: Vec<E::ActiveModel>) -> DbResult<()>
where
    E: EntityTrait,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    C: ConnectionTrait,
{
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(INSERT_CHUNK));
        let chunk = std::mem::replace(&mut rows, rest);
        if chunk.len() > 1 && json_rows::insert(conn, &chunk).await? {
            continue;
        }
        E::insert_many(chunk).exec_without_returning(conn).await?;
    }
    Ok(())
}

/// Inserts one new row.
pub async fn insert_one<E, M, C>(conn: &C, model: M) -> DbResult<()>
where
    E: EntityTrait,
    M: IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    C: ConnectionTrait,
{
    insert_all::<E, M, C>(conn, vec![model]).await
}
