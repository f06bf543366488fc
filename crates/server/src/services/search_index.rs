//! SQLite's search index, filled after the answer: new dossiers wait in a list that searches read
//! with `LIKE` (migration `m20261203_000013`), and this task moves them into the FTS5 index a
//! slice at a time, each slice its own short write transaction, so that a bulk invitation does
//! not pay for ten thousand rows of trigrams before answering and no other writer waits behind
//! the indexing for long. PostgreSQL has no waiting list: the task ends at once there.

use std::time::Duration;

use actix_web::web::Data;

use crate::startup::AppState;

/// Rows indexed in one write transaction: about 35 ms of SQLite's time.
const SLICE: u64 = 500;

/// Indexes what waits, then looks again every `every`, for as long as the server runs.
pub async fn run(state: Data<AppState>, every: Duration) {
    if db::ConnectionTrait::get_database_backend(&state.db) != db::DbBackend::Sqlite {
        return;
    }
    loop {
        if let Err(error) = index_waiting(&state).await {
            tracing::error!(error = %error, "search indexing failed");
        }
        tokio::time::sleep(every).await;
    }
}

/// Moves every dossier waiting for the search index into it; returns how many.
pub async fn index_waiting(state: &AppState) -> Result<u64, db::DbError> {
    let mut indexed = 0;
    // A read first: an empty list costs no write transaction (each one forgets the read
    // cache's stamps).
    while db::queries::dossiers::search_waiting(&state.db).await? {
        let (_queued, txn) = state.begin_write().await?;
        let moved = db::queries::dossiers::index_waiting(&txn, SLICE).await?;
        txn.commit().await.map_err(db::DbError::from)?;
        indexed += moved;
        if moved < SLICE {
            break;
        }
    }
    Ok(indexed)
}
