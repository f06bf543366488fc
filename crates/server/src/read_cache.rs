//! Serialized dossier answers, kept by everything they depend on: the dossier's version (every
//! write and every status change bumps it), the caller's role (permissions), today's date (the
//! rules look at it), and when the formation and its variant last changed. A key that matches
//! is an answer that is still right, on every server instance; nothing is ever invalidated,
//! old entries just age out.

use std::{
    collections::{HashMap, VecDeque},
    sync::Mutex,
};

use actix_web::web::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
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
}

/// A bounded cache of answers, oldest out first.
pub struct ReadCache {
    entries: Mutex<Entries>,
    capacity: usize,
}

impl ReadCache {
    /// A cache of at most `capacity` answers.
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(Entries::default()),
            capacity,
        }
    }

    /// The answer kept for `key`.
    pub fn get(&self, key: &ReadKey) -> Option<Bytes> {
        self.entries.lock().ok()?.answers.get(key).cloned()
    }

    /// Keeps an answer.
    pub fn put(&self, key: ReadKey, answer: Bytes) {
        if self.capacity == 0 {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.answers.insert(key.clone(), answer).is_none() {
            entries.order.push_back(key);
        }
        while entries.order.len() > self.capacity {
            if let Some(oldest) = entries.order.pop_front() {
                entries.answers.remove(&oldest);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let cache = ReadCache::new(2);
        cache.put(key(1), Bytes::from_static(b"v1"));
        cache.put(key(2), Bytes::from_static(b"v2"));
        assert_eq!(cache.get(&key(1)).as_deref(), Some(&b"v1"[..]));
        let mut other_role = key(2);
        other_role.role = Role::Alternant;
        assert!(cache.get(&other_role).is_none());

        cache.put(key(3), Bytes::from_static(b"v3"));

        assert!(cache.get(&key(1)).is_none());
        assert!(cache.get(&key(3)).is_some());
    }
}
