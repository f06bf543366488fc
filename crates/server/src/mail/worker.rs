//! The outbox worker: leases due mails, delivers them, records the outcome; failed attempts are
//! retried with exponential back-off until `mail.max_attempts`.

use std::{path::PathBuf, time::Duration};

use db::{
    DatabaseConnection,
    entities::outbox,
    queries::outbox::{STATUS_SENT, STATUS_WRITTEN},
};
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{
        Mailbox, MultiPart,
        header::{Header, HeaderName, HeaderValue},
    },
    transport::smtp::{
        authentication::Credentials,
        client::{Tls, TlsParameters},
    },
};

use crate::{
    clock::Clock,
    config::{MailSettings, SmtpTls},
    mail::Outbox,
    metrics::Metrics,
};

/// How many mails one pass leases.
const BATCH: u64 = 200;
/// How long a lease protects a mail from other workers.
const LEASE: chrono::Duration = chrono::Duration::minutes(5);
/// The longest wait between two attempts.
const MAX_BACKOFF_SECONDS: i64 = 6 * 3600;

/// RFC 3834: tells auto-responders (and some filters) that no human sent this.
#[derive(Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}

/// Why a mail could not be delivered.
#[derive(Debug, thiserror::Error)]
enum DeliveryError {
    /// The mail can never be sent as it is (a malformed address): no retry.
    #[error("{0}")]
    Permanent(String),
    /// The relay or the disk failed: retry later.
    #[error("{0}")]
    Transient(String),
}

/// Where mails go.
pub struct Delivery {
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    eml_dir: Option<PathBuf>,
    from: Mailbox,
    reply_to: Option<Mailbox>,
}

impl Delivery {
    /// The delivery the settings describe.
    pub fn new(settings: &MailSettings, mail_dir: PathBuf) -> Result<Self, String> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e| format!("mail.from {:?}: {e}", settings.from))?;
        let reply_to = if settings.reply_to.is_empty() {
            None
        } else {
            Some(
                settings
                    .reply_to
                    .parse()
                    .map_err(|e| format!("mail.reply_to {:?}: {e}", settings.reply_to))?,
            )
        };
        let smtp = if settings.smtp.host.is_empty() {
            None
        } else {
            let smtp = &settings.smtp;
            let tls = match smtp.tls {
                SmtpTls::None => Tls::None,
                SmtpTls::Starttls | SmtpTls::Tls => {
                    let parameters = TlsParameters::new(smtp.host.clone())
                        .map_err(|e| format!("mail.smtp TLS: {e}"))?;
                    if smtp.tls == SmtpTls::Tls {
                        Tls::Wrapper(parameters)
                    } else {
                        Tls::Required(parameters)
                    }
                }
            };
            let mut builder =
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.clone())
                    .port(smtp.port)
                    .tls(tls)
                    .timeout(Some(Duration::from_secs(20)));
            if !smtp.username.is_empty() {
                builder = builder.credentials(Credentials::new(
                    smtp.username.clone(),
                    smtp.password.expose().to_owned(),
                ));
            }
            Some(builder.build())
        };
        let eml_dir = (smtp.is_none() || settings.write_eml).then_some(mail_dir);
        Ok(Self {
            smtp,
            eml_dir,
            from,
            reply_to,
        })
    }

    fn message(&self, row: &outbox::Model) -> Result<Message, DeliveryError> {
        let domain = self.from.email.domain().to_owned();
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(row.subject.clone())
            .message_id(Some(format!(
                "<{}.{}@{domain}>",
                row.id,
                row.created_at.timestamp_micros()
            )))
            .header(AutoSubmitted);
        if let Some(reply_to) = &self.reply_to {
            builder = builder.reply_to(reply_to.clone());
        }
        let recipients: Vec<String> =
            serde_json::from_value(row.recipients.clone()).unwrap_or_default();
        if recipients.is_empty() {
            return Err(DeliveryError::Permanent("no recipient".into()));
        }
        for recipient in recipients {
            let mailbox: Mailbox = recipient
                .parse()
                .map_err(|e| DeliveryError::Permanent(format!("recipient {recipient:?}: {e}")))?;
            builder = builder.to(mailbox);
        }
        builder
            .multipart(MultiPart::alternative_plain_html(
                row.text_body.clone(),
                row.html_body.clone(),
            ))
            .map_err(|e| DeliveryError::Permanent(e.to_string()))
    }

    async fn deliver(&self, row: &outbox::Model) -> Result<&'static str, DeliveryError> {
        let message = self.message(row)?;
        if let Some(smtp) = &self.smtp {
            smtp.send(message.clone())
                .await
                .map_err(|e| DeliveryError::Transient(format!("SMTP: {e}")))?;
        }
        if let Some(dir) = &self.eml_dir {
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(|e| DeliveryError::Transient(format!("{}: {e}", dir.display())))?;
            let path = dir.join(format!(
                "{}-{:08}.eml",
                row.created_at.format("%Y%m%dT%H%M%S"),
                row.id
            ));
            tokio::fs::write(&path, message.formatted())
                .await
                .map_err(|e| DeliveryError::Transient(format!("{}: {e}", path.display())))?;
        }
        Ok(if self.smtp.is_some() {
            STATUS_SENT
        } else {
            STATUS_WRITTEN
        })
    }
}

/// The worker's settings and handles.
pub struct Worker {
    /// The database.
    pub db: DatabaseConnection,
    /// Where mails go.
    pub delivery: Delivery,
    /// The server's clock.
    pub clock: Clock,
    /// Wakes the worker.
    pub outbox: Outbox,
    /// Counters.
    pub metrics: std::sync::Arc<Metrics>,
    /// Poll interval, attempts, back-off.
    pub settings: MailSettings,
}

impl Worker {
    /// Runs until the runtime stops: a pass whenever woken, or every poll interval.
    pub async fn run(self) {
        let wake = self.outbox.notified();
        let interval = Duration::from_millis(self.settings.poll_interval_ms.max(10));
        loop {
            match self.pass().await {
                // A full batch means more may be due: go again at once.
                Ok(count) if count as u64 == BATCH => continue,
                Ok(_) => {}
                Err(error) => tracing::error!(error = %error, "outbox pass failed"),
            }
            tokio::select! {
                () = wake.notified() => {}
                () = tokio::time::sleep(interval) => {}
            }
        }
    }

    /// Delivers the mails due now; returns how many it tried.
    pub async fn pass(&self) -> Result<usize, db::DbError> {
        let now = self.clock.now();
        let due = db::queries::outbox::claim_due(&self.db, now, now + LEASE, BATCH).await?;
        let mut outcomes = Vec::with_capacity(due.len());
        for row in &due {
            let attempts = row.attempts + 1;
            let outcome = self.delivery.deliver(row).await;
            if let Err(error) = &outcome {
                tracing::warn!(mail = row.id, attempts, error = %error, "mail delivery failed");
            }
            outcomes.push((row.id, attempts, outcome));
        }
        // One transaction records the whole batch: a commit per mail would cost a disk flush
        // each. Should it fail, the leases expire and the batch is sent again — at least once,
        // never lost.
        let txn = db::begin_write(&self.db).await?;
        for (id, attempts, outcome) in outcomes {
            match outcome {
                Ok(status) => {
                    db::queries::outbox::delivered(&txn, id, status, attempts, self.clock.now())
                        .await?;
                    self.metrics.mail_delivered();
                }
                Err(error) => {
                    let retry_at = match &error {
                        DeliveryError::Transient(_) if attempts < self.settings.max_attempts => {
                            Some(
                                self.clock.now()
                                    + backoff(self.settings.retry_base_seconds, attempts),
                            )
                        }
                        _ => None,
                    };
                    db::queries::outbox::attempt_failed(
                        &txn,
                        id,
                        attempts,
                        &error.to_string(),
                        retry_at,
                    )
                    .await?;
                    self.metrics.mail_failed();
                }
            }
        }
        txn.commit().await?;
        Ok(due.len())
    }
}

/// The wait after the `attempts`-th failure: the base delay, doubled at each attempt, at most
/// six hours.
fn backoff(base_seconds: i64, attempts: i32) -> chrono::Duration {
    let exponent = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(20);
    chrono::Duration::seconds(
        base_seconds
            .max(1)
            .saturating_mul(1_i64 << exponent)
            .min(MAX_BACKOFF_SECONDS),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retry_delay_doubles_and_is_capped_at_six_hours() {
        assert_eq!(backoff(30, 1).num_seconds(), 30);
        assert_eq!(backoff(30, 2).num_seconds(), 60);
        assert_eq!(backoff(30, 4).num_seconds(), 240);
        assert_eq!(backoff(30, 30).num_seconds(), 6 * 3600);
    }
}
