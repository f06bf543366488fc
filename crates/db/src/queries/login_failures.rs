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

/// Records an event for each subject, one row each: their ids, to forget them by.
pub async fn record_each(
    conn: &impl ConnectionTrait,
    subjects: &[&str],
    now: DateTime<Utc>,
) -> DbResult<Vec<i64>> {
    let mut ids = Vec::with_capacity(subjects.len());
    for subject in subjects {
        use sea_orm::ActiveValue::{NotSet, Set};
        let inserted = login_failure::Entity::insert(login_failure::ActiveModel {
            id: NotSet,
            subject: Set((*subject).to_owned()),
            at: Set(now),
        })
        .exec(conn)
        .await?;
        ids.push(inserted.last_insert_id);
    }
    Ok(ids)
}

/// Forgets the events `ids` (an attempt counted before it was known to succeed).
pub async fn forget(conn: &impl ConnectionTrait, ids: &[i64]) -> DbResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    Ok(())
}

/// Makes every other transaction that locks one of `subjects` wait until `txn` ends: a count
/// read after this and the event recorded before the end are one step, whatever runs beside.
/// PostgreSQL's transaction-level advisory locks, taken in one order so that two transactions
/// never wait on each other; on SQLite a write transaction holds the whole database already.
pub async fn lock_subjects(txn: &sea_orm::DatabaseTransaction, subjects: &[&str]) -> DbResult<()> {
    if txn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let mut subjects = subjects.to_vec();
    subjects.sort_unstable();
    subjects.dedup();
    for subject in subjects {
        txn.query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            [subject.into()],
        ))
        .await?;
    }
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
