//! Signature circuits and their signers.

use super::*;
use crate::entities::{signature_circuit, signature_signer};
use sea_orm::DatabaseTransaction;

/// Records a new circuit with its signers.
pub async fn insert_circuit(
    conn: &impl ConnectionTrait,
    circuit: signature_circuit::Model,
    signers: Vec<signature_signer::Model>,
) -> DbResult<()> {
    insert_one::<signature_circuit::Entity, _, _>(conn, circuit).await?;
    insert_all::<signature_signer::Entity, _, _>(conn, signers).await
}

/// The dossier's newest circuit, whatever its status.
pub async fn latest_circuit(
    conn: &impl ConnectionTrait,
    dossier_id: &str,
) -> DbResult<Option<signature_circuit::Model>> {
    Ok(signature_circuit::Entity::find()
        .filter(signature_circuit::Column::DossierId.eq(dossier_id))
        .order_by(signature_circuit::Column::StartedAt, Order::Desc)
        .order_by(signature_circuit::Column::Id, Order::Desc)
        .one(conn)
        .await?)
}

/// A circuit by its id.
pub async fn circuit(
    conn: &impl ConnectionTrait,
    id: &str,
) -> DbResult<Option<signature_circuit::Model>> {
    Ok(signature_circuit::Entity::find_by_id(id).one(conn).await?)
}

/// A circuit by its id, locked until the transaction ends (`FOR UPDATE` on PostgreSQL; on
/// SQLite a write transaction holds the whole database already): every change to a circuit's
/// signers reads them after this, so that two requests on one circuit — two guesses of a code,
/// two signatures of one turn — decide one after the other, each on what the other wrote.
pub async fn lock_circuit(
    txn: &DatabaseTransaction,
    id: &str,
) -> DbResult<Option<signature_circuit::Model>> {
    Ok(signature_circuit::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?)
}

/// A circuit's signers, in their turns' order.
pub async fn signers(
    conn: &impl ConnectionTrait,
    circuit_id: &str,
) -> DbResult<Vec<signature_signer::Model>> {
    let mut signers = signature_signer::Entity::find()
        .filter(signature_signer::Column::CircuitId.eq(circuit_id))
        .all(conn)
        .await?;
    // By turn, then as the plan lists roles within a turn (employer, apprentice, legal
    // representative, CFA): the same order on every read, whatever the ids.
    signers.sort_by_key(|s| {
        (
            s.turn_order,
            domain::signature::SignerRole::from_key(&s.role),
            s.id.clone(),
        )
    });
    Ok(signers)
}

/// The signer whose link's digest is `token_hash`.
pub async fn signer_by_token(
    conn: &impl ConnectionTrait,
    token_hash: &str,
) -> DbResult<Option<signature_signer::Model>> {
    Ok(signature_signer::Entity::find()
        .filter(signature_signer::Column::TokenHash.eq(token_hash))
        .one(conn)
        .await?)
}

/// Saves a signer as changed.
pub async fn save_signer(
    conn: &impl ConnectionTrait,
    signer: signature_signer::Model,
) -> DbResult<()> {
    signer.into_active_model().reset_all().update(conn).await?;
    Ok(())
}

/// Ends a circuit still in progress; whether it was.
pub async fn end_circuit(
    conn: &impl ConnectionTrait,
    id: &str,
    status: &str,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let done = signature_circuit::Entity::update_many()
        .col_expr(signature_circuit::Column::Status, Expr::value(status))
        .col_expr(signature_circuit::Column::EndedAt, Expr::value(now))
        .col_expr(
            signature_circuit::Column::EndReason,
            Expr::value(reason.map(str::to_owned)),
        )
        .filter(signature_circuit::Column::Id.eq(id))
        .filter(signature_circuit::Column::Status.eq("in_progress"))
        .exec(conn)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Records where a circuit lives at its external provider (an envelope id).
pub async fn set_external_id(
    conn: &impl ConnectionTrait,
    id: &str,
    external_id: Option<&str>,
) -> DbResult<()> {
    signature_circuit::Entity::update_many()
        .col_expr(
            signature_circuit::Column::ExternalId,
            Expr::value(external_id.map(str::to_owned)),
        )
        .filter(signature_circuit::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// The circuit a provider knows as `external_id`.
pub async fn circuit_by_external(
    conn: &impl ConnectionTrait,
    provider: &str,
    external_id: &str,
) -> DbResult<Option<signature_circuit::Model>> {
    Ok(signature_circuit::Entity::find()
        .filter(signature_circuit::Column::Provider.eq(provider))
        .filter(signature_circuit::Column::ExternalId.eq(external_id))
        .one(conn)
        .await?)
}

/// The pending online signers of circuits in progress: whom a reminder may be due to.
pub async fn pending_online(
    conn: &impl ConnectionTrait,
    limit: u64,
) -> DbResult<Vec<(signature_signer::Model, signature_circuit::Model)>> {
    let signers = signature_signer::Entity::find()
        .filter(signature_signer::Column::Status.eq("pending"))
        .filter(signature_signer::Column::Channel.eq("online"))
        .order_by(signature_signer::Column::TurnSince, Order::Asc)
        .limit(limit)
        .all(conn)
        .await?;
    let mut out = Vec::with_capacity(signers.len());
    for signer in signers {
        if let Some(circuit) = circuit(conn, &signer.circuit_id).await?
            && circuit.status == "in_progress"
        {
            out.push((signer, circuit));
        }
    }
    Ok(out)
}

/// Records a reminder to a signer and their renewed link, unless another instance reminded them
/// first (`reminders_sent` moved on): whether this one did.
pub async fn record_reminder(
    conn: &impl ConnectionTrait,
    signer: &signature_signer::Model,
    reminders_before: i32,
) -> DbResult<bool> {
    let done = signature_signer::Entity::update_many()
        .col_expr(
            signature_signer::Column::RemindersSent,
            Expr::value(reminders_before + 1),
        )
        .col_expr(
            signature_signer::Column::TokenHash,
            Expr::value(signer.token_hash.clone()),
        )
        .col_expr(
            signature_signer::Column::TokenExpiresAt,
            Expr::value(signer.token_expires_at),
        )
        .filter(signature_signer::Column::Id.eq(signer.id.as_str()))
        .filter(signature_signer::Column::Status.eq("pending"))
        .filter(signature_signer::Column::RemindersSent.eq(reminders_before))
        .exec(conn)
        .await?;
    Ok(done.rows_affected == 1)
}
