//! Users (accounts).

use super::*;

/// The user with this id.
pub async fn by_id(conn: &impl ConnectionTrait, id: &str) -> DbResult<Option<user::Model>> {
    Ok(user::Entity::find_by_id(id.to_owned()).one(conn).await?)
}

/// The user with this (lower-cased) address.
pub async fn by_email(conn: &impl ConnectionTrait, email: &str) -> DbResult<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(conn)
        .await?)
}

/// The users with any of these addresses.
pub async fn by_emails(
    conn: &impl ConnectionTrait,
    emails: &[String],
) -> DbResult<Vec<user::Model>> {
    let mut found = Vec::new();
    for chunk in emails.chunks(IN_CHUNK) {
        found.extend(
            user::Entity::find()
                .filter(user::Column::Email.is_in(chunk.iter().cloned()))
                .all(conn)
                .await?,
        );
    }
    Ok(found)
}

/// The users with any of these ids.
pub async fn by_ids(conn: &impl ConnectionTrait, ids: &[String]) -> DbResult<Vec<user::Model>> {
    let mut found = Vec::new();
    for chunk in ids.chunks(IN_CHUNK) {
        found.extend(
            user::Entity::find()
                .filter(user::Column::Id.is_in(chunk.iter().cloned()))
                .all(conn)
                .await?,
        );
    }
    Ok(found)
}

/// Every user, by role then address, optionally of one role.
pub async fn list(
    conn: &impl ConnectionTrait,
    role: Option<domain::Role>,
) -> DbResult<Vec<user::Model>> {
    let mut query = user::Entity::find()
        .order_by_asc(user::Column::Role)
        .order_by_asc(user::Column::Email);
    if let Some(role) = role {
        query = query.filter(user::Column::Role.eq(crate::Stored(role)));
    }
    Ok(query.all(conn).await?)
}

/// How many accounts exist.
pub async fn count(conn: &impl ConnectionTrait) -> DbResult<u64> {
    Ok(user::Entity::find().count(conn).await?)
}

/// Adds accounts.
pub async fn insert(conn: &impl ConnectionTrait, rows: Vec<user::Model>) -> DbResult<()> {
    insert_all::<user::Entity, _, _>(conn, rows).await
}

/// Records a successful login. Only this column changes, so that a password changed at the
/// same moment is not written over.
pub async fn record_login(
    conn: &impl ConnectionTrait,
    id: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    user::Entity::update_many()
        .col_expr(user::Column::LastLoginAt, Expr::value(now))
        .filter(user::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Stores a chosen password's hash and drops any generated one.
pub async fn set_password(
    conn: &impl ConnectionTrait,
    id: &str,
    hash: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .col_expr(
            user::Column::GeneratedPasswordHash,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            user::Column::GeneratedPasswordExpiresAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Gives an account that has never signed in a (possibly corrected) address and a new
/// generated password; whether it had never signed in. One conditional statement: a sign-in
/// at the same moment wins, and the account is left as its owner made it.
pub async fn set_generated_password(
    conn: &impl ConnectionTrait,
    id: &str,
    email: &str,
    hash: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let done = user::Entity::update_many()
        .col_expr(user::Column::Email, Expr::value(email))
        .col_expr(user::Column::GeneratedPasswordHash, Expr::value(hash))
        .col_expr(
            user::Column::GeneratedPasswordExpiresAt,
            Expr::value(expires_at),
        )
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(id))
        .filter(user::Column::LastLoginAt.is_null())
        .exec(conn)
        .await?;
    Ok(done.rows_affected == 1)
}
