//! API tokens of integrations.

use super::*;

/// Adds a token.
pub async fn insert(conn: &impl ConnectionTrait, row: api_token::Model) -> DbResult<()> {
    insert_one::<api_token::Entity, _, _>(conn, row).await
}

/// A user's tokens, newest first.
pub async fn of_user(
    conn: &impl ConnectionTrait,
    user_id: &str,
) -> DbResult<Vec<api_token::Model>> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_desc(api_token::Column::CreatedAt)
        .all(conn)
        .await?)
}

/// The live token with this hash.
pub async fn live_by_hash(
    conn: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> DbResult<Option<api_token::Model>> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(token_hash))
        .filter(api_token::Column::RevokedAt.is_null())
        .filter(
            api_token::Column::ExpiresAt
                .is_null()
                .or(api_token::Column::ExpiresAt.gt(now)),
        )
        .one(conn)
        .await?)
}

/// Records a use of the token.
pub async fn touch(conn: &impl ConnectionTrait, id: &str, now: DateTime<Utc>) -> DbResult<()> {
    api_token::Entity::update_many()
        .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
        .filter(api_token::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Revokes one of a user's tokens; false when the user has no such live token.
pub async fn revoke(
    conn: &impl ConnectionTrait,
    user_id: &str,
    id: &str,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    Ok(api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(now))
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?
        .rows_affected
        > 0)
}
