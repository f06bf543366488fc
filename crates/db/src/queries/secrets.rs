//! Refresh tokens and password-reset tokens: single-purpose secrets stored as SHA-256 hashes.

use super::*;

/// Adds a refresh token.
pub async fn insert_refresh(
    conn: &impl ConnectionTrait,
    row: refresh_token::Model,
) -> DbResult<()> {
    insert_one::<refresh_token::Entity, _, _>(conn, row).await
}

/// The refresh token with this hash, live or not (a revoked one presented again is a replay).
pub async fn refresh_by_hash(
    conn: &impl ConnectionTrait,
    token_hash: &str,
) -> DbResult<Option<refresh_token::Model>> {
    Ok(refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(token_hash))
        .one(conn)
        .await?)
}

/// Revokes every live token of a session; answers how many.
pub async fn revoke_family(
    conn: &impl ConnectionTrait,
    family_id: &str,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    Ok(refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::FamilyId.eq(family_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?
        .rows_affected)
}

/// Revokes the refresh token with this hash, if live.
pub async fn revoke_refresh(
    conn: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    Ok(refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::TokenHash.eq(token_hash))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?
        .rows_affected)
}

/// Revokes every refresh token of a user (their password changed).
pub async fn revoke_all_refresh(
    conn: &impl ConnectionTrait,
    user_id: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// Adds a password-reset token.
pub async fn insert_reset(conn: &impl ConnectionTrait, row: password_reset::Model) -> DbResult<()> {
    insert_one::<password_reset::Entity, _, _>(conn, row).await
}

/// Marks the unused, unexpired reset token with this hash as used and returns it; `None`
/// when there is no such token. Marking and checking are one statement, so a link clicked
/// twice at once works once.
pub async fn use_reset(
    conn: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> DbResult<Option<password_reset::Model>> {
    let used = password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now))
        .filter(password_reset::Column::TokenHash.eq(token_hash))
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(now))
        .exec(conn)
        .await?
        .rows_affected;
    if used == 0 {
        return Ok(None);
    }
    Ok(password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(token_hash))
        .one(conn)
        .await?)
}
