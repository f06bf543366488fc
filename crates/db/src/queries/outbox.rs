//! The e-mail outbox.

use super::*;

/// A mail to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    /// Recipients' addresses.
    pub to: Vec<String>,
    /// Subject.
    pub subject: String,
    /// Plain-text part.
    pub text: String,
    /// HTML part.
    pub html: String,
}

fn row(mail: NewMail, now: DateTime<Utc>) -> outbox_row::ActiveModel {
    use sea_orm::ActiveValue::{NotSet, Set};
    outbox_row::ActiveModel {
        id: NotSet,
        recipients: Set(serde_json::json!(mail.to)),
        subject: Set(mail.subject),
        text_body: Set(mail.text),
        html_body: Set(mail.html),
        status: Set(STATUS_PENDING.to_owned()),
        attempts: Set(0),
        created_at: Set(now),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        sent_at: Set(None),
        last_error: Set(None),
    }
}

/// Waiting for delivery.
pub const STATUS_PENDING: &str = "pending";
/// Delivered over SMTP.
pub const STATUS_SENT: &str = "sent";
/// Written to an `.eml` file (no SMTP configured).
pub const STATUS_WRITTEN: &str = "written";
/// Given up after the last attempt.
pub const STATUS_FAILED: &str = "failed";

/// Queues mails, in the caller's transaction.
pub async fn queue(
    conn: &impl ConnectionTrait,
    mails: Vec<NewMail>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    crate::insert_active::<outbox_row::Entity, _>(
        conn,
        mails.into_iter().map(|mail| row(mail, now)).collect(),
    )
    .await
}

/// Leases up to `limit` due mails until `lease_until`, so that no other worker (another
/// server instance) sends them meanwhile. PostgreSQL skips rows another worker is leasing
/// (`FOR UPDATE SKIP LOCKED`); SQLite has one writer at a time, so the update is atomic.
pub async fn claim_due(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> DbResult<Vec<outbox_row::Model>> {
    let backend = conn.get_database_backend();
    let (placeholders, lock) = match backend {
        DbBackend::Postgres => (["$1", "$2", "$3", "$4"], " FOR UPDATE SKIP LOCKED"),
        _ => (["?", "?", "?", "?"], ""),
    };
    let [p_lease, p_now, p_now2, p_limit] = placeholders;
    let sql = format!(
        "UPDATE outbox SET locked_until = {p_lease} WHERE id IN (SELECT id FROM outbox \
         WHERE status = 'pending' AND next_attempt_at <= {p_now} \
         AND (locked_until IS NULL OR locked_until < {p_now2}) \
         ORDER BY id LIMIT {p_limit}{lock}) \
         RETURNING id"
    );
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [
                lease_until.into(),
                now.into(),
                now.into(),
                (limit as i64).into(),
            ],
        ))
        .await?;
    let ids: Vec<i64> = rows
        .iter()
        .filter_map(|row| row.try_get::<i64>("", "id").ok())
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(outbox_row::Entity::find()
        .filter(outbox_row::Column::Id.is_in(ids))
        .order_by_asc(outbox_row::Column::Id)
        .all(conn)
        .await?)
}

/// Records a delivery.
pub async fn delivered(
    conn: &impl ConnectionTrait,
    id: i64,
    status: &str,
    attempts: i32,
    now: DateTime<Utc>,
) -> DbResult<()> {
    outbox_row::Entity::update_many()
        .col_expr(outbox_row::Column::Status, Expr::value(status))
        .col_expr(outbox_row::Column::Attempts, Expr::value(attempts))
        .col_expr(outbox_row::Column::SentAt, Expr::value(now))
        .col_expr(
            outbox_row::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            outbox_row::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .filter(outbox_row::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Records a failed attempt: try again at `retry_at`, or give up (`retry_at` `None`).
pub async fn attempt_failed(
    conn: &impl ConnectionTrait,
    id: i64,
    attempts: i32,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> DbResult<()> {
    let mut update = outbox_row::Entity::update_many()
        .col_expr(outbox_row::Column::Attempts, Expr::value(attempts))
        .col_expr(outbox_row::Column::LastError, Expr::value(error))
        .col_expr(
            outbox_row::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        );
    update = match retry_at {
        Some(at) => update.col_expr(outbox_row::Column::NextAttemptAt, Expr::value(at)),
        None => update.col_expr(outbox_row::Column::Status, Expr::value(STATUS_FAILED)),
    };
    update
        .filter(outbox_row::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// The newest mails, optionally only those to an address.
pub async fn recent(
    conn: &impl ConnectionTrait,
    to: Option<&str>,
    limit: u64,
) -> DbResult<Vec<outbox_row::Model>> {
    let mut query = outbox_row::Entity::find().order_by_desc(outbox_row::Column::Id);
    if let Some(to) = to {
        // Recipients are a JSON array of lower-cased addresses; match one quoted element.
        let pattern = format!("%\"{}\"%", to.replace('%', "").replace('_', "\\_"));
        query = query.filter(
            Expr::col(outbox_row::Column::Recipients)
                .cast_as(Alias::new("text"))
                .like(sea_orm::sea_query::LikeExpr::new(pattern).escape('\\')),
        );
    }
    Ok(query.limit(limit).all(conn).await?)
}

/// How many mails are in each status.
pub async fn counts(conn: &impl ConnectionTrait) -> DbResult<Vec<(String, i64)>> {
    Ok(outbox_row::Entity::find()
        .select_only()
        .column(outbox_row::Column::Status)
        .column_as(outbox_row::Column::Id.count(), "count")
        .group_by(outbox_row::Column::Status)
        .into_tuple()
        .all(conn)
        .await?)
}
