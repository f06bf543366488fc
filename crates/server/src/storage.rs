//! How values of the domain are stored in text columns, and the ids of new rows.

use db::entities::formation;
use domain::ContractType;

use crate::error::ApiError;

/// A new identifier: a UUID version 7, which begins with the time it was made, so that rows made
/// together sit together in every index that holds their id (the primary keys, the sort
/// indexes ending with `id`) instead of landing on random pages; its 74 random bits keep it
/// unguessable. Secrets never are ids (see `auth::secrets`).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// A new dossier's number in the search index: random, so that rows made at once on several
/// instances never take the same one (a 63-bit draw: a clash among a million dossiers has a
/// chance of about one in ten million, and the unique index would refuse it).
pub fn new_search_key() -> i64 {
    let (high, _) = uuid::Uuid::new_v4().as_u64_pair();
    i64::try_from(high >> 1).unwrap_or_default()
}

/// The stored form of a snake_case enum of the domain (`manual`, `apprentissage`…).
pub fn stored_key<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(key)) => key,
        _ => String::new(),
    }
}

/// Reads back a value written by [`stored_key`].
pub fn parse_stored<T: serde::de::DeserializeOwned>(stored: &str) -> Result<T, ApiError> {
    serde_json::from_value(serde_json::Value::String(stored.to_owned()))
        .map_err(|_| ApiError::internal(format!("unexpected stored value {stored:?}")))
}

/// The kinds of contract a formation takes.
pub fn contract_types(row: &formation::Model) -> Vec<ContractType> {
    row.contract_types
        .split(',')
        .filter_map(|key| parse_stored(key).ok())
        .collect()
}
