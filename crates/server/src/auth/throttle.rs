//! How long a client must wait after failures: [`Policy`] decides, purely, from counts;
//! [`attempt`] reads those counts, applies it and counts the attempt in one locked write
//! (logins, access codes).
//!
//! Failures are counted per (account, client address) pair, not per account alone: a hard
//! lock of an account after a few failures lets anyone lock staff out at will, while a delay
//! tied to the pair only slows the address that fails. The owner, from their own address,
//! signs in at once. A second, flat limit per address stops one address from trying many
//! accounts, or many access codes.

use chrono::{DateTime, Duration, Utc};

use crate::{error::ApiError, startup::AppState};

/// The throttling policy, from the settings.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Failures of a pair that cost nothing.
    pub free_failures_per_pair: u64,
    /// The delay after the first failure past the free ones; doubled at each further failure.
    pub first_delay: Duration,
    /// The longest delay.
    pub max_delay: Duration,
    /// Failures from one address (any account) that close the address until the window ends.
    pub max_failures_per_ip: u64,
}

/// Recent failures of one subject: how many, the oldest and the newest.
#[derive(Debug, Clone, Copy, Default)]
pub struct Failures {
    /// Failures in the window.
    pub count: u64,
    /// The oldest of them.
    pub oldest: Option<DateTime<Utc>>,
    /// The newest of them.
    pub newest: Option<DateTime<Utc>>,
}

impl Policy {
    /// The wait a pair owes after `count` failures: none while they are free, then
    /// `first_delay`, doubled at each failure, up to `max_delay`.
    pub fn pair_delay(&self, count: u64) -> Duration {
        let Some(past_free) = count.checked_sub(self.free_failures_per_pair + 1) else {
            return Duration::zero();
        };
        // 2^20 first delays is past any sensible cap; the shift cannot overflow.
        let factor = 1i32 << past_free.min(20);
        (self.first_delay * factor).min(self.max_delay)
    }

    /// When the next attempt may come, if it must wait: the pair's delay from its last failure,
    /// or, when the address has failed too often, the moment its oldest failure leaves `window`.
    /// `None`: try now.
    pub fn retry_at(
        &self,
        pair: Failures,
        address: Failures,
        window: Duration,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let pair_ready = pair.newest.map(|last| last + self.pair_delay(pair.count));
        let address_ready = (address.count >= self.max_failures_per_ip)
            .then(|| address.oldest.map(|oldest| oldest + window))
            .flatten();
        [pair_ready, address_ready]
            .into_iter()
            .flatten()
            .filter(|ready| *ready > now)
            .max()
    }
}

/// Recent failures of `subject` in the throttling window, as `conn` sees them.
pub async fn recent(
    state: &AppState,
    conn: &impl db::ConnectionTrait,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<Failures, ApiError> {
    let window = Duration::minutes(state.settings.auth.throttle_window_minutes);
    let (count, oldest, newest) =
        db::queries::login_failures::since(conn, subject, now - window).await?;
    Ok(Failures {
        count,
        oldest,
        newest,
    })
}

/// An attempt counted as a failure before its outcome is known: the events recorded for it.
#[must_use = "an attempt that succeeds must be forgotten"]
#[derive(Debug)]
pub struct Attempt {
    events: Vec<i64>,
}

impl Attempt {
    /// The attempt succeeded: its events no longer count.
    pub async fn succeeded(self, state: &AppState) -> Result<(), ApiError> {
        db::queries::login_failures::forget(&state.db, &self.events).await?;
        Ok(())
    }
}

/// Lets an attempt through unless the (account, address) pair owes a delay or the address has
/// failed too often under `policy` (429 with the seconds to wait), and counts it as a failure
/// at once — [`Attempt::succeeded`] forgets it. Counts are read and the attempt recorded in one
/// write that holds the subjects' locks: a thousand attempts sent at once are let through
/// exactly as many as one after the other would be, not all on the same stale count.
pub async fn attempt(
    state: &AppState,
    policy: &Policy,
    pair_subject: Option<&str>,
    address_subject: &str,
    now: DateTime<Utc>,
) -> Result<Attempt, ApiError> {
    let subjects: Vec<&str> = pair_subject.into_iter().chain([address_subject]).collect();
    let (_queued, txn) = state.begin_write().await?;
    db::queries::login_failures::lock_subjects(&txn, &subjects).await?;
    let pair = match pair_subject {
        Some(subject) => recent(state, &txn, subject, now).await?,
        None => Failures::default(),
    };
    let address = recent(state, &txn, address_subject, now).await?;
    let window = Duration::minutes(state.settings.auth.throttle_window_minutes);
    if let Some(ready) = policy.retry_at(pair, address, window, now) {
        // Rounded up: a client that waits exactly this long is let in.
        let wait = (ready - now).num_milliseconds().max(1) as u64;
        return Err(ApiError::TooManyAttempts(wait.div_ceil(1000)));
    }
    let events = db::queries::login_failures::record_each(&txn, &subjects, now).await?;
    txn.commit().await.map_err(db::DbError::from)?;
    Ok(Attempt { events })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy {
            free_failures_per_pair: 3,
            first_delay: Duration::seconds(1),
            max_delay: Duration::minutes(15),
            max_failures_per_ip: 50,
        }
    }

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::seconds(seconds)
    }

    fn failures(count: u64, oldest: i64, newest: i64) -> Failures {
        Failures {
            count,
            oldest: Some(at(oldest)),
            newest: Some(at(newest)),
        }
    }

    #[test]
    fn the_first_failures_of_a_pair_cost_nothing() {
        for count in 0..=3 {
            assert_eq!(policy().pair_delay(count), Duration::zero());
        }
    }

    #[test]
    fn each_failure_past_the_free_ones_doubles_the_delay_up_to_the_cap() {
        let delays: Vec<i64> = (4..=16)
            .map(|count| policy().pair_delay(count).num_seconds())
            .collect();
        assert_eq!(
            delays,
            [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]
        );
        assert_eq!(policy().pair_delay(u64::MAX), Duration::minutes(15));
    }

    #[test]
    fn a_pair_waits_its_delay_from_its_last_failure() {
        let pair = failures(6, 0, 100);
        let quiet = Failures::default();
        let window = Duration::minutes(15);
        assert_eq!(
            policy().retry_at(pair, quiet, window, at(101)),
            Some(at(104))
        );
        assert_eq!(policy().retry_at(pair, quiet, window, at(104)), None);
    }

    #[test]
    fn an_address_past_its_limit_waits_for_its_oldest_failure_to_leave_the_window() {
        let address = failures(50, 10, 500);
        let window = Duration::minutes(15);
        let ready = policy().retry_at(Failures::default(), address, window, at(600));
        assert_eq!(ready, Some(at(910)));
        assert_eq!(
            policy().retry_at(Failures::default(), address, window, at(910)),
            None
        );
    }

    #[test]
    fn the_later_of_two_waits_wins() {
        let pair = failures(16, 0, 100);
        let address = failures(50, 10, 100);
        let window = Duration::minutes(15);
        assert_eq!(
            policy().retry_at(pair, address, window, at(101)),
            Some(at(1000))
        );
    }
}
