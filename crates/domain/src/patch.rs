//! Reviewing a change to a dossier's content: a JSON merge patch (RFC 7396) is applied, and the
//! fields it changes are checked — each must exist, be writable by the role in the dossier's
//! status, and hold a valid value. The server refuses the whole patch on any fault, so that a
//! patch is never half-saved; the browser runs the same review before sending.

use serde_json::Value as Json;

use crate::{
    FIELDS, FieldError, Kind, Role,
    access::{DossierState, may_write_field},
    catalogue::FieldDef,
    codes::CerfaVersion,
    evaluation::lookup,
    values::{Read, read},
};

/// One field changed by a patch.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The field's key (`apprenti.nom`).
    pub key: &'static str,
    /// Its value before (`None`: absent).
    pub old: Option<Json>,
    /// Its value after (`None`: removed).
    pub new: Option<Json>,
}

impl Change {
    /// What the dossier's history keeps of a value of this field: the NIR masked (the history
    /// is read by every party and is never encrypted), every other value as it is.
    pub fn kept_in_history(key: &str, value: Option<Json>) -> Option<Json> {
        let is_nir = FieldDef::by_key(key).is_some_and(|field| field.kind == Kind::Nir);
        match value {
            Some(Json::String(text)) if is_nir => Some(Json::String(
                crate::Nir::parse(&text).map_or_else(|_| "•••".to_owned(), |nir| nir.masked()),
            )),
            other => other,
        }
    }
}

/// Why a patch is refused.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// The patch is not a JSON object.
    NotAnObject,
    /// Keys that are no field of the catalogue.
    UnknownFields(Vec<String>),
    /// Fields the role may not write in this status.
    Forbidden(Vec<&'static str>),
    /// Fields whose new value is invalid, with why.
    Invalid(Vec<(&'static str, FieldError)>),
}

/// RFC 7396: members of `patch` replace those of `target`, `null` removes, objects merge.
pub fn apply_merge_patch(target: &mut Json, patch: &Json) {
    match patch {
        Json::Object(members) => {
            if !target.is_object() {
                *target = Json::Object(serde_json::Map::new());
            }
            if let Json::Object(object) = target {
                for (key, value) in members {
                    if value.is_null() {
                        object.remove(key);
                    } else {
                        apply_merge_patch(object.entry(key.clone()).or_insert(Json::Null), value);
                    }
                }
                // An object left empty by removals says nothing: drop it.
                object.retain(|_, v| !matches!(v, Json::Object(o) if o.is_empty()));
            }
        }
        other => *target = other.clone(),
    }
}

fn is_group(path: &str) -> bool {
    FIELDS.iter().any(|f| {
        f.key.len() > path.len() && f.key.starts_with(path) && f.key.as_bytes()[path.len()] == b'.'
    })
}

/// Paths of the patch that name neither a field nor a group of fields.
fn unknown_paths(patch: &serde_json::Map<String, Json>, prefix: &str, unknown: &mut Vec<String>) {
    for (key, value) in patch {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        if FieldDef::by_key(&path).is_some() {
            continue;
        }
        match value {
            Json::Object(members) if is_group(&path) => unknown_paths(members, &path, unknown),
            Json::Null if is_group(&path) => {}
            _ => unknown.push(path),
        }
    }
}

/// Applies `patch` to `content` for `role` on a dossier in `state`: the new content and what changed, or
/// every fault found.
pub fn review(
    content: &Json,
    patch: &Json,
    role: Role,
    state: DossierState,
    version: CerfaVersion,
) -> Result<(Json, Vec<Change>), Refusal> {
    let Json::Object(members) = patch else {
        return Err(Refusal::NotAnObject);
    };
    let mut unknown = Vec::new();
    unknown_paths(members, "", &mut unknown);
    if !unknown.is_empty() {
        return Err(Refusal::UnknownFields(unknown));
    }
    let mut after = content.clone();
    apply_merge_patch(&mut after, patch);
    let changes: Vec<Change> = FIELDS
        .iter()
        .filter_map(|field| {
            let old = lookup(content, field.key);
            let new = lookup(&after, field.key);
            (old != new).then(|| Change {
                key: field.key,
                old: old.cloned(),
                new: new.cloned(),
            })
        })
        .collect();
    let forbidden: Vec<&'static str> = changes
        .iter()
        .filter(|change| {
            FieldDef::by_key(change.key).is_some_and(|f| !may_write_field(role, f, state))
        })
        .map(|change| change.key)
        .collect();
    if !forbidden.is_empty() {
        return Err(Refusal::Forbidden(forbidden));
    }
    let invalid: Vec<(&'static str, FieldError)> = changes
        .iter()
        .filter_map(|change| {
            let field = FieldDef::by_key(change.key)?;
            let masked = field.kind == Kind::Nir
                && change
                    .new
                    .as_ref()
                    .and_then(Json::as_str)
                    .is_some_and(crate::identifiers::is_masked_nir);
            if masked {
                return Some((change.key, FieldError::NirMasked));
            }
            match read(field.kind, change.new.as_ref(), version) {
                Read::Invalid(error) => Some((change.key, error)),
                _ => None,
            }
        })
        .collect();
    if !invalid.is_empty() {
        return Err(Refusal::Invalid(invalid));
    }
    Ok((after, changes))
}
