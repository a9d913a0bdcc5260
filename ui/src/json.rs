//! Reads the bridge's answers (JSON values) into the ipc types, like
//! `serde_json::from_value`, with a smaller serde `Deserializer`.
//!
//! serde's derived code is compiled once per type and per way of reading
//! it, and only for the ways the deserializer uses. serde_json's reads a
//! struct from an object or an array and a field name as text, bytes or a
//! number; the app's answers are serde_json's own output, where a struct is
//! always an object and a field name always text. Reading only those halves
//! each type's code in the wasm. Every shape serde_json writes reads the
//! same; the tests check that against `serde_json::from_value`.

use serde::de::{self, DeserializeOwned, DeserializeSeed, Expected, Unexpected, Visitor};
use serde::de::{Error as _, IntoDeserializer};
use serde_json::{Error, Number, Value};

/// `T` from a JSON value, as `serde_json::from_value` reads serde_json's output.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, Error> {
    T::deserialize(Json(value))
}

/// A JSON value being read.
struct Json(Value);

/// The error for a value of the wrong kind.
fn wrong(value: &Value, expected: &dyn Expected) -> Error {
    let unexpected = match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Unexpected::Unsigned(u),
            (None, Some(i)) => Unexpected::Signed(i),
            _ => Unexpected::Other("floating point number"),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    };
    Error::invalid_type(unexpected, expected)
}

/// A number, as the kind it is (as serde_json hands it over).
fn number<'de, V: Visitor<'de>>(n: &Number, visitor: V) -> Result<V::Value, Error> {
    match (n.as_u64(), n.as_i64(), n.as_f64()) {
        (Some(u), _, _) => visitor.visit_u64(u),
        (None, Some(i), _) => visitor.visit_i64(i),
        (None, None, f) => visitor.visit_f64(f.unwrap_or(f64::NAN)),
    }
}

/// The numbers all read alike: the visitor takes the kinds it can.
macro_rules! numbers {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                match &self.0 {
                    Value::Number(n) => number(n, visitor),
                    other => Err(wrong(other, &visitor)),
                }
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for Json {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Number(n) => number(&n, visitor),
            Value::String(s) => visitor.visit_string(s),
            Value::Array(items) => visitor.visit_seq(Items(items.into_iter())),
            Value::Object(map) => visitor.visit_map(Entries(map.into_iter(), None)),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Bool(b) => visitor.visit_bool(b),
            other => Err(wrong(&other, &visitor)),
        }
    }

    numbers! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => visitor.visit_string(s),
            other => Err(wrong(&other, &visitor)),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            other => Err(wrong(&other, &visitor)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
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
            Value::Array(items) => visitor.visit_seq(Items(items.into_iter())),
            other => Err(wrong(&other, &visitor)),
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
            Value::Object(map) => visitor.visit_map(Entries(map.into_iter(), None)),
            other => Err(wrong(&other, &visitor)),
        }
    }

    /// Structs come as objects only (serde_json writes them so).
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    /// A unit variant comes as its name, any other as `{name: value}`.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(name) => visitor.visit_enum(Variant(name, None)),
            Value::Object(map) if map.len() == 1 => {
                let (name, value) = map.into_iter().next().expect("one entry");
                visitor.visit_enum(Variant(name, Some(value)))
            }
            Value::Object(_) => Err(Error::invalid_value(
                Unexpected::Map,
                &"map with a single key",
            )),
            other => Err(wrong(&other, &"string or map")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        drop(self);
        visitor.visit_unit()
    }
}

/// An array's items being read.
struct Items(std::vec::IntoIter<Value>);

impl<'de> de::SeqAccess<'de> for Items {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0
            .next()
            .map(|item| seed.deserialize(Json(item)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// An object's entries being read, and the value of the key just read.
struct Entries(serde_json::map::IntoIter, Option<Value>);

impl<'de> de::MapAccess<'de> for Entries {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.0.next() else {
            return Ok(None);
        };
        self.1 = Some(value);
        let key: de::value::StringDeserializer<Error> = key.into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Error> {
        let value = self
            .1
            .take()
            .ok_or_else(|| Error::custom("value is missing"))?;
        seed.deserialize(Json(value))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// An enum's variant: its name and, but for a unit variant, its value.
struct Variant(String, Option<Value>);

impl<'de> de::EnumAccess<'de> for Variant {
    type Error = Error;
    type Variant = Payload;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), Error> {
        let name: de::value::StringDeserializer<Error> = self.0.into_deserializer();
        Ok((seed.deserialize(name)?, Payload(self.1)))
    }
}

/// A variant's value (None: a unit variant's name alone).
struct Payload(Option<Value>);

impl<'de> de::VariantAccess<'de> for Payload {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.0 {
            None | Some(Value::Null) => Ok(()),
            Some(other) => Err(wrong(&other, &"unit variant")),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        match self.0 {
            Some(value) => seed.deserialize(Json(value)),
            None => Err(Error::invalid_type(
                Unexpected::UnitVariant,
                &"newtype variant",
            )),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Some(value) => de::Deserializer::deserialize_seq(Json(value), visitor),
            None => Err(Error::invalid_type(
                Unexpected::UnitVariant,
                &"tuple variant",
            )),
        }
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Some(value) => de::Deserializer::deserialize_map(Json(value), visitor),
            None => Err(Error::invalid_type(
                Unexpected::UnitVariant,
                &"struct variant",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Serialize};
    use serde_json::{json, Value};
    use switchboard_ipc::{
        Attention, Boot, EventsPage, FirstScreen, IntegrationDetail, IpcError, ListPage, ListQuery,
        Receiver, SecretView, Settings, TypeOverview, UnlockRequest, VaultState, WebsiteScope,
    };

    /// Reads `value` both ways and compares what they read (written back).
    fn same<T: DeserializeOwned + Serialize>(value: Value) {
        let theirs: T = serde_json::from_value(value.clone()).expect("serde_json reads it");
        let ours: T = super::from_value(value).expect("we read it");
        assert_eq!(
            serde_json::to_value(&ours).unwrap(),
            serde_json::to_value(&theirs).unwrap()
        );
    }

    /// Every kind of enum and the containers serde offers.
    #[derive(Serialize, Deserialize)]
    enum Shape {
        Unit,
        Newtype(i64),
        Tuple(u8, String),
        Struct { a: Option<bool>, b: Vec<f64> },
    }

    #[derive(Serialize, Deserialize)]
    struct Everything {
        shapes: Vec<Shape>,
        pair: (i32, char),
        map: std::collections::BTreeMap<String, Option<u32>>,
        raw: Value,
        unit: (),
        #[serde(flatten)]
        rest: std::collections::BTreeMap<String, Value>,
    }

    #[test]
    fn reads_every_shape_as_serde_json_does() {
        same::<Everything>(json!({
            "shapes": ["Unit", {"Newtype": -3}, {"Tuple": [7, "x"]},
                       {"Struct": {"a": null, "b": [1, 2.5, -1]}}],
            "pair": [-2, "c"],
            "map": {"one": 1, "none": null},
            "raw": {"nested": [1, "two", null, true, 1.5, {"x": {}}]},
            "unit": null,
            "extra": "kept",
            "more": [1]
        }));
    }

    #[test]
    fn reads_the_answers_as_serde_json_does() {
        let set = json!({"state": "set", "masked": "****word"});
        same::<SecretView>(set.clone());
        same::<SecretView>(json!({"state": "undecryptable", "message": "bad"}));
        same::<UnlockRequest>(json!({"method": "keyring"}));
        same::<UnlockRequest>(json!({"method": "passphrase", "passphrase": "p"}));
        same::<WebsiteScope>(json!({"scope": "website", "id": "w1"}));
        same::<WebsiteScope>(json!({"scope": "any"}));
        same::<Attention>(json!({"kind": "expires_in", "days": 3}));
        same::<IpcError>(json!({"code": "bad", "message": "m", "fields": {"a": "b"}}));
        same::<Settings>(serde_json::to_value(Settings::default()).unwrap());
        same::<Receiver>(
            json!({"path": "/hooks/k", "url": "https://t/hooks/k", "receives": ["stripe"]}),
        );
        same::<Receiver>(
            json!({"path": "/hooks/k", "url": "https://t/hooks/k", "receives": "meta"}),
        );
        same::<Receiver>(json!({"path": "/hooks/k", "url": "https://t/hooks/k", "receives": null}));
        same::<EventsPage>(json!({"next_before": 7, "events": [
            {"id": 8, "kind": "switchboard.test", "event_id": "evt_test_1", "verdict": "genuine",
             "reason": null, "received_at": "2026-12-06T04:00:00Z",
             "payload": {"data": {"object": {"key": "****abcd"}}, "n": [1, 2.5]}},
            {"id": 7, "kind": "", "event_id": null, "verdict": "refused",
             "reason": "no signature", "received_at": "2026-12-06T03:59:00Z", "payload": null}
        ]}));
        same::<IntegrationDetail>(json!({
            "id": "i1", "website_id": null, "integration_type": "email", "provider": "smtp",
            "name": "Mail", "description": "", "status": "active", "is_active": true,
            "config": {"smtp_port": 587, "smtp_use_tls": true, "from_email": "a@example.com"},
            "secrets": {"smtp_password": set},
            "last_sync_at": null, "last_error": null, "error_count": 0, "updated_at": "",
            "attention": {"kind": "old", "days": 400}
        }));
        let boot = Boot {
            vault: VaultState {
                initialized: true,
                unlocked: true,
                ..VaultState::default()
            },
            settings: Settings::default(),
            first: Some(FirstScreen {
                query: ListQuery::opening(Some("w1")),
                list: ListPage {
                    total: 1,
                    rows: Vec::new(),
                },
                overview: vec![TypeOverview::default()],
                websites: Vec::new(),
            }),
        };
        same::<Boot>(serde_json::to_value(boot).unwrap());
    }

    #[test]
    fn refuses_what_serde_json_refuses() {
        assert!(super::from_value::<SecretView>(json!({"state": "nope"})).is_err());
        assert!(super::from_value::<IpcError>(json!("text")).is_err());
        assert!(super::from_value::<Vec<i64>>(json!({"a": 1})).is_err());
        assert!(super::from_value::<Option<String>>(json!(5)).is_err());
    }
}
