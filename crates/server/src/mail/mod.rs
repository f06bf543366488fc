//! E-mail: every mail is queued in the outbox table inside the transaction of the change that
//! causes it, then delivered by [`worker`] — over SMTP when configured, and as `.eml` files
//! under the data directory — with retries and back-off. Nothing is lost when SMTP is down.

pub mod templates;
pub mod worker;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use db::{ConnectionTrait, DbResult, queries::outbox::NewMail};
use tokio::sync::Notify;

/// Queues mails and wakes the worker once the queuing transaction has committed.
#[derive(Debug, Clone, Default)]
pub struct Outbox {
    wake: Arc<Notify>,
}

impl Outbox {
    /// Queues mails in the caller's transaction; call [`Outbox::wake`] after the commit.
    pub async fn queue(
        &self,
        conn: &impl ConnectionTrait,
        mails: Vec<NewMail>,
        now: DateTime<Utc>,
    ) -> DbResult<()> {
        db::queries::outbox::queue(conn, mails, now).await
    }

    /// Tells the worker that mails are due.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub(crate) fn notified(&self) -> Arc<Notify> {
        self.wake.clone()
    }
}
