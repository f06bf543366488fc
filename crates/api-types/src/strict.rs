//! Reading JSON strictly: serde's derive lets a struct be written as an array of its fields in
//! order (`["a@b.fr", "secret"]` for `{"email": …, "password": …}`), and serde_json goes along.
//! The contract says objects: [`from_value`] deserializes a `serde_json::Value` through
//! [`Strict`], which refuses an array, or anything else, where a struct is expected. The server
//! reads every request body through it.

use serde::{
    Deserializer,
    de::{
        self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Unexpected, Visitor,
        value::BorrowedStrDeserializer,
    },
};
use serde_json::{Error, Value};

/// `T` from a JSON value, strictly.
pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, Error> {
    T::deserialize(Strict(value))
}

/// A JSON value as a deserializer that takes structs from objects only.
#[derive(Clone, Copy)]
pub struct Strict<'a>(pub &'a Value);

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(_) => Unexpected::Other("number"),
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

macro_rules! delegate {
    ($($method:ident),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.0.$method(visitor)
        }
    )*};
}

impl<'de> Deserializer<'de> for Strict<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(Items(items.iter())),
            Value::Object(members) => visitor.visit_map(Members {
                members: members.iter(),
                value: None,
            }),
            scalar => scalar.deserialize_any(visitor),
        }
    }

    delegate!(
        deserialize_bool,
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_i128,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_u128,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_str,
        deserialize_string,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_unit,
        deserialize_identifier,
        deserialize_ignored_any
    );

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.0.deserialize_unit_struct(name, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(Items(items.iter())),
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(_) => self.deserialize_any(visitor),
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(_) => self.deserialize_any(visitor),
            other => Err(de::Error::invalid_type(unexpected(other), &"an object")),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }
}

struct Items<'a>(std::slice::Iter<'a, Value>);

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Error> {
        self.0
            .next()
            .map(|item| seed.deserialize(Strict(item)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Members<'a> {
    members: serde_json::map::Iter<'a>,
    value: Option<&'a Value>,
}

impl<'de> MapAccess<'de> for Members<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.members.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(BorrowedStrDeserializer::<Error>::new(key))
            .map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Error> {
        let value = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("a value without its key"))?;
        seed.deserialize(Strict(value))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.members.len())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use crate::{
        account::LoginRequest, formations::FormationRequest, invitations::InvitationRequest,
    };
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    #[test]
    fn a_struct_written_as_an_array_is_refused_where_serde_alone_takes_it() {
        let positional = json!(["a@b.fr", "un mot de passe"]);
        assert!(serde_json::from_value::<LoginRequest>(positional.clone()).is_ok());

        let refused = from_value::<LoginRequest>(&positional).unwrap_err();

        assert!(
            refused.to_string().contains("expected an object"),
            "{refused}"
        );
    }

    fn formation() -> Value {
        json!({
            "title": "Diplôme d'ingénieur", "school": "Polytech", "diploma_code": "17031001",
            "rncp": "RNCP35432", "start_date": "2026-09-01", "end_date": "2029-08-31",
            "hours": 1800, "contract_types": ["apprentissage"], "validation_mode": "manual",
            "mission": "optional", "contacts": {"apprentissage": {"name": "Service", "email": "a@b.fr", "phone": "0491000000"}}
        })
    }

    #[test]
    fn a_nested_struct_written_as_an_array_is_refused_too() {
        let mut body = formation();
        assert!(from_value::<FormationRequest>(&body).is_ok());
        body["contacts"] = json!([null, null, null]);
        assert!(serde_json::from_value::<FormationRequest>(body.clone()).is_ok());
        assert!(from_value::<FormationRequest>(&body).is_err());
    }

    #[test]
    fn objects_read_as_serde_reads_them() {
        let body = json!({"email": "a@b.fr", "first_name": "Léa", "last_name": "Martin", "access_code": "F724"});
        assert_eq!(
            from_value::<InvitationRequest>(&body).unwrap(),
            serde_json::from_value::<InvitationRequest>(body).unwrap()
        );
        assert_eq!(
            from_value::<FormationRequest>(&formation()).unwrap(),
            serde_json::from_value::<FormationRequest>(formation()).unwrap()
        );
    }

    proptest! {
        #[test]
        fn any_json_value_reads_back_as_itself(value in any_json()) {
            prop_assert_eq!(from_value::<Value>(&value).unwrap(), value);
        }
    }

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            "\\PC{0,10}".prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map("[a-z]{1,4}", inner, 0..4)
                    .prop_map(|members| Value::Object(members.into_iter().collect())),
            ]
        })
    }
}
