//! The domain's enums as columns: statuses, roles, actions, niveaux de saisie, contract types,
//! validation and mission modes are stored as their API spelling (`in_progress`, `employeur`…)
//! and read back as the domain's types, so that no code past this crate compares them as text.
//!
//! `domain` knows nothing of sea-orm (it compiles to WebAssembly); the column type is this
//! wrapper, which dereferences to the domain value.

use std::ops::Deref;

use sea_orm::{
    ColIdx, DbErr, QueryResult, TryGetError, TryGetable, Value,
    sea_query::{ArrayType, ColumnType, Nullable, StringLen, ValueType, ValueTypeErr},
};
use serde::{Serialize, de::DeserializeOwned};

/// A domain value (a snake_case enum) in a text column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Stored<T>(pub T);

/// The enums that may be stored: their serde spelling is their stored form.
pub trait StoredEnum: Serialize + DeserializeOwned + Copy + std::fmt::Debug {}

impl StoredEnum for domain::Status {}
impl StoredEnum for domain::Role {}
impl StoredEnum for domain::Action {}
impl StoredEnum for domain::NiveauSaisie {}
impl StoredEnum for domain::ContractType {}
impl StoredEnum for domain::MissionMode {}
impl StoredEnum for domain::workflow::ValidationMode {}

impl<T: StoredEnum> Stored<T> {
    /// The stored spelling.
    pub fn key(&self) -> String {
        match serde_json::to_value(self.0) {
            Ok(serde_json::Value::String(key)) => key,
            _ => String::new(),
        }
    }

    /// The value a stored spelling names.
    pub fn parse(stored: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(stored.to_owned()))
            .ok()
            .map(Self)
    }
}

impl<T> Deref for Stored<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: StoredEnum> From<T> for Stored<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T: StoredEnum> From<Stored<T>> for Value {
    fn from(value: Stored<T>) -> Self {
        value.key().into()
    }
}

impl<T: StoredEnum> TryGetable for Stored<T> {
    fn try_get_by<I: ColIdx>(result: &QueryResult, index: I) -> Result<Self, TryGetError> {
        let stored = String::try_get_by(result, index)?;
        Self::parse(&stored).ok_or_else(|| {
            TryGetError::DbErr(DbErr::Type(format!(
                "unexpected stored value {stored:?} for {}",
                std::any::type_name::<T>()
            )))
        })
    }
}

impl<T: StoredEnum> ValueType for Stored<T> {
    fn try_from(value: Value) -> Result<Self, ValueTypeErr> {
        let stored = <String as ValueType>::try_from(value)?;
        Self::parse(&stored).ok_or(ValueTypeErr)
    }

    fn type_name() -> String {
        format!("Stored<{}>", std::any::type_name::<T>())
    }

    fn array_type() -> ArrayType {
        ArrayType::String
    }

    fn column_type() -> ColumnType {
        ColumnType::String(StringLen::None)
    }
}

impl<T: StoredEnum> Nullable for Stored<T> {
    fn null() -> Value {
        <String as Nullable>::null()
    }
}

impl<T: StoredEnum> sea_orm::IntoActiveValue<Stored<T>> for Stored<T> {
    fn into_active_value(self) -> sea_orm::ActiveValue<Stored<T>> {
        sea_orm::ActiveValue::Set(self)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use domain::{Role, Status};

    use super::*;

    #[test]
    fn a_stored_value_reads_back_as_the_same_domain_value() {
        for status in Status::ALL {
            let stored = Stored(status);
            assert_eq!(stored.key(), status.key());
            assert_eq!(Stored::<Status>::parse(&stored.key()), Some(stored));
        }
        assert_eq!(Stored(Role::Employeur).key(), "employeur");
        assert_eq!(Stored::<Role>::parse("chef"), None);
    }
}
