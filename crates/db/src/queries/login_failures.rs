//! Throttling events: failed logins per (account, client address) pair
//! (`pair:<email>|<address>`) and per client address (`ip:<address>`), access-code lookups per
//! address (`code:<address>`), and password-reset mails per address (`reset:<email>`).

use super::*;

/// Records an event for each subject.
pub async fn record(
    conn: &impl ConnectionTrait,
    subjects: &[String],
    now: DateTime<Utc>,
) -> DbResult<()> {
    let rows = subjects
        .iter()
        .map(|subject| {
            use sea_orm::ActiveValue::{NotSet, Set};
            login_failure::ActiveModel {
                id: NotSet,
                subject: Set(subject.clone()),
                at: Set(now),
            }
        })
        .collect::<Vec<_>>();
    login_failure::Entity::insert_many(rows)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Failures of a subject since `since`: how many, the oldest and the newest.
pub async fn since(
    conn: &impl ConnectionTrait,
    subject: &str,
    since: DateTime<Utc>,
) -> DbResult<(u64, Option<DateTime<Utc>>, Option<DateTime<Utc>>)> {
    let query = login_failure::Entity::find()
        .filter(login_failure::Column::Subject.eq(subject))
        .filter(login_failure::Column::At.gt(since));
    let count = query.clone().count(conn).await?;
    if count == 0 {
        return Ok((0, None, None));
    }
    let oldest = query
        .clone()
        .order_by_asc(login_failure::Column::At)
        .one(conn)
        .await?
        .map(|row| row.at);
    let newest = query
        .order_by_desc(login_failure::Column::At)
        .one(conn)
        .await?
        .map(|row| row.at);
    Ok((count, oldest, newest))
}

/// Forgets a subject's failures (after a successful login) and every failure older than
/// `before`.
pub async fn clear(
    conn: &impl ConnectionTrait,
    subject: &str,
    before: DateTime<Utc>,
) -> DbResult<()> {
    login_failure::Entity::delete_many()
        .filter(
            login_failure::Column::Subject
                .eq(subject)
                .or(login_failure::Column::At.lt(before)),
        )
        .exec(conn)
        .await?;
    Ok(())
}
