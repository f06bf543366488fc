//! Idempotency keys of retried requests.

use super::*;

/// The stored record of a key.
pub async fn get(
    conn: &impl ConnectionTrait,
    user_id: &str,
    key: &str,
) -> DbResult<Option<idempotency_key::Model>> {
    Ok(
        idempotency_key::Entity::find_by_id((user_id.to_owned(), key.to_owned()))
            .one(conn)
            .await?,
    )
}

/// Claims a key before doing the work; a unique violation means someone else has it.
pub async fn claim(
    conn: &impl ConnectionTrait,
    user_id: &str,
    key: &str,
    fingerprint: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    insert_one::<idempotency_key::Entity, _, _>(
        conn,
        idempotency_key::Model {
            user_id: user_id.to_owned(),
            key: key.to_owned(),
            fingerprint: fingerprint.to_owned(),
            status_code: None,
            response: None,
            created_at: now,
        },
    )
    .await
}

/// Stores the answer given under a key, for replays.
pub async fn complete(
    conn: &impl ConnectionTrait,
    user_id: &str,
    key: &str,
    status_code: u16,
    response: String,
) -> DbResult<()> {
    idempotency_key::Entity::update_many()
        .col_expr(
            idempotency_key::Column::StatusCode,
            Expr::value(i32::from(status_code)),
        )
        .col_expr(idempotency_key::Column::Response, Expr::value(response))
        .filter(idempotency_key::Column::UserId.eq(user_id))
        .filter(idempotency_key::Column::Key.eq(key))
        .exec(conn)
        .await?;
    Ok(())
}
