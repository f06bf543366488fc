//! Serialized dossier answers, kept by everything they depend on: the dossier's version (every
//! write and every status change bumps it), the caller's role (permissions), today's date (the
//! rules look at it), and when the formation and its variant last changed. A key that matches
//! is an answer that is still right, on every server instance; nothing is ever invalidated,
//! old entries just age out.
//!
//! Finding the key still takes a small query (the dossier's [`Stamp`]). On SQLite, where this
//! process is the database's only writer, [`StampMemo`] spares that query too: it keeps stamps
//! read since the last write transaction, and every write transaction's end forgets them all.

use std::{
    collections::{HashMap, VecDeque},
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
};

use actix_web::web::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
use db::queries::dossiers::Stamp;
use domain::Role;

/// What an answer depends on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReadKey {
    /// The dossier.
    pub id: String,
    /// Its version.
    pub version: i64,
    /// The caller's role.
    pub role: Role,
    /// The day the rules were applied on.
    pub today: NaiveDate,
    /// When the formation last changed.
    pub formation_updated_at: DateTime<Utc>,
    /// When the variant last changed.
    pub variant_updated_at: DateTime<Utc>,
}

#[derive(Default)]
struct Entries {
    answers: HashMap<ReadKey, Bytes>,
    order: VecDeque<ReadKey>,
    /// What the entries weigh, by [`weight`].
    bytes: usize,
}

/// What an entry holds in memory: the answer, the key, the dossier id twice (map and queue).
fn weight(key: &ReadKey, answer: &Bytes) -> usize {
    answer.len() + 2 * (std::mem::size_of::<ReadKey>() + key.id.len())
}

/// A cache of answers bounded by the bytes it holds, oldest out first.
pub struct ReadCache {
    entries: Mutex<Entries>,
    budget: usize,
}

impl ReadCache {
    /// A cache holding at most `budget` bytes of answers and keys.
    pub fn new(budget: usize) -> Self {
        Self {
            entries: Mutex::new(Entries::default()),
            budget,
        }
    }

    /// The answer kept for `key`.
    pub fn get(&self, key: &ReadKey) -> Option<Bytes> {
        self.entries.lock().ok()?.answers.get(key).cloned()
    }

    /// Keeps an answer, unless it alone would weigh more than the whole budget.
    pub fn put(&self, key: ReadKey, answer: Bytes) {
        let added = weight(&key, &answer);
        if added > self.budget {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        match entries.answers.insert(key.clone(), answer) {
            Some(replaced) => entries.bytes -= weight(&key, &replaced),
            None => entries.order.push_back(key),
        }
        entries.bytes += added;
        while entries.bytes > self.budget {
            let Some(oldest) = entries.order.pop_front() else {
                break;
            };
            if let Some(answer) = entries.answers.remove(&oldest) {
                entries.bytes -= weight(&oldest, &answer);
            }
        }
    }

    /// What the kept entries weigh, in bytes.
    pub fn bytes(&self) -> usize {
        self.entries.lock().map(|e| e.bytes).unwrap_or_default()
    }
}

/// Dossier stamps read since the last write transaction ended, for a database that only this
/// process writes (SQLite). Each write transaction's end starts a new generation
/// ([`StampMemo::forget_all`], called by `AppState::begin_write`'s guard after the commit); a
/// stamp is given back only in the generation it was read in, so a write anywhere — a dossier, a
/// formation, a variant — makes every dossier read ask the database again.
pub struct StampMemo {
    generation: AtomicU64,
    stamps: Mutex<HashMap<String, (u64, Stamp)>>,
    capacity: usize,
}

impl StampMemo {
    /// A memo of at most `capacity` stamps.
    pub fn new(capacity: usize) -> Self {
        Self {
            generation: AtomicU64::new(0),
            stamps: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    /// The current generation: read it before the query whose stamp goes to [`StampMemo::put`].
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The stamp of dossier `id`, if it was read since the last write ended.
    pub fn get(&self, id: &str) -> Option<Stamp> {
        let stamps = self.stamps.lock().ok()?;
        let (read_in, stamp) = stamps.get(id)?;
        (*read_in == self.generation()).then(|| stamp.clone())
    }

    /// Keeps a stamp read by a query that started in generation `read_in`; a write that ended
    /// meanwhile makes it worthless, and it is not kept.
    pub fn put(&self, stamp: Stamp, read_in: u64) {
        let Ok(mut stamps) = self.stamps.lock() else {
            return;
        };
        if read_in != self.generation() {
            return;
        }
        if stamps.len() >= self.capacity {
            stamps.retain(|_, (generation, _)| *generation == read_in);
            if stamps.len() >= self.capacity {
                stamps.clear();
            }
        }
        stamps.insert(stamp.id.clone(), (read_in, stamp));
    }

    /// Starts a new generation: every stamp kept so far is forgotten.
    pub fn forget_all(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(version: i64) -> Stamp {
        Stamp {
            id: "d".into(),
            version,
            apprentice_id: "a".into(),
            employer_id: None,
            formation_id: "f".into(),
            formation_updated_at: DateTime::<Utc>::MIN_UTC,
            variant_updated_at: DateTime::<Utc>::MIN_UTC,
        }
    }

    #[test]
    fn a_stamp_is_given_back_until_a_write_ends() {
        let memo = StampMemo::new(8);
        memo.put(stamp(1), memo.generation());
        assert_eq!(memo.get("d"), Some(stamp(1)));

        memo.forget_all();

        assert_eq!(memo.get("d"), None);
    }

    #[test]
    fn a_stamp_read_while_a_write_ended_is_not_kept() {
        let memo = StampMemo::new(8);
        let read_in = memo.generation();
        memo.forget_all();

        memo.put(stamp(1), read_in);

        assert_eq!(memo.get("d"), None);
    }

    #[test]
    fn a_full_memo_makes_room() {
        let memo = StampMemo::new(1);
        memo.put(stamp(1), memo.generation());
        let mut other = stamp(1);
        other.id = "e".into();

        memo.put(other.clone(), memo.generation());

        assert_eq!(memo.get("e"), Some(other));
        assert_eq!(memo.get("d"), None);
    }

    fn key(version: i64) -> ReadKey {
        ReadKey {
            id: "d".into(),
            version,
            role: Role::Cfa,
            today: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            formation_updated_at: DateTime::<Utc>::MIN_UTC,
            variant_updated_at: DateTime::<Utc>::MIN_UTC,
        }
    }

    #[test]
    fn an_answer_is_found_only_under_its_exact_key_and_the_oldest_leaves_first() {
        let two_entries = 2 * weight(&key(1), &Bytes::from_static(b"v1"));
        let cache = ReadCache::new(two_entries);
        cache.put(key(1), Bytes::from_static(b"v1"));
        cache.put(key(2), Bytes::from_static(b"v2"));
        assert_eq!(cache.get(&key(1)).as_deref(), Some(&b"v1"[..]));
        let mut other_role = key(2);
        other_role.role = Role::Alternant;
        assert!(cache.get(&other_role).is_none());

        cache.put(key(3), Bytes::from_static(b"v3"));

        assert!(cache.get(&key(1)).is_none());
        assert!(cache.get(&key(3)).is_some());
        assert_eq!(cache.bytes(), two_entries);
    }

    #[test]
    fn the_cache_never_holds_more_bytes_than_its_budget() {
        let cache = ReadCache::new(4_000);
        let answer = |n: usize| Bytes::from(vec![b'x'; n]);
        for version in 0..100 {
            cache.put(key(version), answer(100 + version as usize * 37 % 900));
            assert!(cache.bytes() <= 4_000, "{} bytes", cache.bytes());
        }
        // An answer stored again under its key replaces the old one's weight.
        cache.put(key(99), answer(10));
        cache.put(key(99), answer(10));
        assert!(cache.get(&key(99)).is_some());
        assert!(cache.get(&key(0)).is_none());

        cache.put(key(500), answer(5_000));
        assert!(
            cache.get(&key(500)).is_none(),
            "larger than the whole budget"
        );
    }
}
