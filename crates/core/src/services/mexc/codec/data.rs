//! The `data` field of a MEXC frame, read in the same pass as the envelope.

use serde::Deserialize;
use std::borrow::Cow;

/// `data` as it arrived, read in the same pass as the envelope: the documented string holding
/// JSON is unescaped once (keeping it raw first scanned it twice), the tolerated object is kept
/// as a tree, anything else only as "not usable".
#[derive(Default)]
pub(super) enum Data<'a> {
    Text(Cow<'a, str>),
    Object(serde_json::Value),
    #[default]
    Unusable,
}

impl<'de: 'a, 'a> Deserialize<'de> for Data<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DataVisitor;
        impl<'de> serde::de::Visitor<'de> for DataVisitor {
            type Value = Data<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON string or object")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Data<'de>, E> {
                Ok(Data::Text(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Data<'de>, E> {
                Ok(Data::Text(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E>(self, s: String) -> Result<Data<'de>, E> {
                Ok(Data::Text(Cow::Owned(s)))
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                map: M,
            ) -> Result<Data<'de>, M::Error> {
                let object = serde_json::Value::deserialize(
                    serde::de::value::MapAccessDeserializer::new(map),
                )?;
                Ok(Data::Object(object))
            }
            fn visit_seq<S: serde::de::SeqAccess<'de>>(
                self,
                seq: S,
            ) -> Result<Data<'de>, S::Error> {
                serde::de::IgnoredAny::deserialize(serde::de::value::SeqAccessDeserializer::new(
                    seq,
                ))?;
                Ok(Data::Unusable)
            }
            fn visit_unit<E>(self) -> Result<Data<'de>, E> {
                Ok(Data::Unusable)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Data<'de>, E> {
                Ok(Data::Unusable)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Data<'de>, E> {
                Ok(Data::Unusable)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Data<'de>, E> {
                Ok(Data::Unusable)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Data<'de>, E> {
                Ok(Data::Unusable)
            }
        }
        deserializer.deserialize_any(DataVisitor)
    }
}
