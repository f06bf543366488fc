//! Stored documents: bytes kept once by their SHA-256, and which document of which dossier they
//! are. A document is « live » until a reopening voids it; the newest live one is the dossier's.

use super::*;
use crate::{
    entities::{blob, dossier_document},
    sealing::Seal,
};

/// Keeps `bytes` under their SHA-256 `sha256` (computed by the caller), once, sealed by `seal`
/// (a CERFA prints the NIR): storing the same bytes again changes nothing.
pub async fn store_blob(
    conn: &impl ConnectionTrait,
    seal: &dyn Seal,
    sha256: &str,
    media_type: &str,
    bytes: Vec<u8>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    use sea_orm::ActiveValue::Set;
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    let bytes = seal.seal_bytes(sha256, bytes)?;
    blob::Entity::insert(blob::ActiveModel {
        sha256: Set(sha256.to_owned()),
        media_type: Set(media_type.to_owned()),
        size: Set(size),
        bytes: Set(bytes),
        created_at: Set(now),
    })
    .on_conflict_do_nothing_on([blob::Column::Sha256])
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// The bytes stored under `sha256`, opened.
pub async fn blob(
    conn: &impl ConnectionTrait,
    seal: &dyn Seal,
    sha256: &str,
) -> DbResult<Option<Vec<u8>>> {
    blob::Entity::find_by_id(sha256.to_owned())
        .one(conn)
        .await?
        .map(|row| seal.open_bytes(sha256, row.bytes))
        .transpose()
}

/// Up to `limit` kept blobs after `after` in name order, as stored: for re-sealing.
pub async fn blobs_after(
    conn: &impl ConnectionTrait,
    after: Option<&str>,
    limit: u64,
) -> DbResult<Vec<blob::Model>> {
    let mut query = blob::Entity::find().order_by(blob::Column::Sha256, Order::Asc);
    if let Some(after) = after {
        query = query.filter(blob::Column::Sha256.gt(after));
    }
    Ok(query.limit(limit).all(conn).await?)
}

/// Replaces the stored form of a blob (the same bytes sealed under another key).
pub async fn restore_blob(
    conn: &impl ConnectionTrait,
    sha256: &str,
    stored: Vec<u8>,
) -> DbResult<()> {
    blob::Entity::update_many()
        .col_expr(blob::Column::Bytes, Expr::value(stored))
        .filter(blob::Column::Sha256.eq(sha256))
        .exec(conn)
        .await?;
    Ok(())
}

/// Records which document `row` is.
pub async fn record(conn: &impl ConnectionTrait, row: dossier_document::Model) -> DbResult<()> {
    insert_one::<dossier_document::Entity, _, _>(conn, row).await
}

/// The live document of `kind` of a dossier: the newest one not voided.
pub async fn live(
    conn: &impl ConnectionTrait,
    dossier_id: &str,
    kind: &str,
) -> DbResult<Option<dossier_document::Model>> {
    Ok(dossier_document::Entity::find()
        .filter(dossier_document::Column::DossierId.eq(dossier_id))
        .filter(dossier_document::Column::Kind.eq(kind))
        .filter(dossier_document::Column::VoidedAt.is_null())
        .order_by(dossier_document::Column::MadeAt, Order::Desc)
        .one(conn)
        .await?)
}

/// Voids every live document of a dossier of the kinds given, with the reason; how many.
pub async fn void(
    conn: &impl ConnectionTrait,
    dossier_id: &str,
    kinds: &[&str],
    reason: &str,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    let done = dossier_document::Entity::update_many()
        .col_expr(dossier_document::Column::VoidedAt, Expr::value(now))
        .col_expr(dossier_document::Column::VoidReason, Expr::value(reason))
        .filter(dossier_document::Column::DossierId.eq(dossier_id))
        .filter(dossier_document::Column::Kind.is_in(kinds.iter().copied()))
        .filter(dossier_document::Column::VoidedAt.is_null())
        .exec(conn)
        .await?;
    Ok(done.rows_affected)
}

/// Every document of a dossier, live and voided, oldest first: its trail.
pub async fn of_dossier(
    conn: &impl ConnectionTrait,
    dossier_id: &str,
) -> DbResult<Vec<dossier_document::Model>> {
    Ok(dossier_document::Entity::find()
        .filter(dossier_document::Column::DossierId.eq(dossier_id))
        .order_by(dossier_document::Column::MadeAt, Order::Asc)
        .all(conn)
        .await?)
}
