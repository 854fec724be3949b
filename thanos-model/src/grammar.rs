//! What every grammar newtype shares ([`Duration`](crate::Duration), [`Cpu`](crate::Cpu),
//! [`Bytes`](crate::Bytes), [`Digest`](crate::Digest)): parsed once by `FromStr`, it keeps its text as written, which
//! `Display`, `as_str` and serde give back unchanged, and the fleet loader knows it by its
//! serde name, so a malformed value is one diagnostic among all the others of the file
//! instead of the end of loading.
//!
//! A type holds `text: String` and has `SERDE_NAME`; [`grammar_newtype!`] implements the rest.

use std::{fmt, marker::PhantomData, str::FromStr};

use schemars::{json_schema, Schema};
use serde::{de, Deserializer};

use crate::grammar_error::GrammarError;

/// What a fleet file may write for a value of a grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Written {
    /// A string (`30s`): a YAML number is a type error with a hint to quote it.
    String,
    /// A string or a number (`cpuLimit: 2`), as in a Kubernetes manifest.
    StringOrNumber,
}

impl Written {
    /// The JSON Schema of such a value.
    pub(crate) fn schema(self) -> Schema {
        match self {
            Self::String => json_schema!({ "type": "string" }),
            Self::StringOrNumber => json_schema!({ "type": ["string", "number"] }),
        }
    }
}

/// Reads a value of grammar `T` under its serde `name`.
pub(crate) fn deserialize<'de, D, T>(
    deserializer: D,
    name: &'static str,
    written: Written,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr<Err = GrammarError>,
{
    deserializer.deserialize_newtype_struct(name, Text(written, PhantomData))
}

struct Text<T>(Written, PhantomData<T>);

impl<T> Text<T> {
    fn number<E: de::Error>(
        self,
        number: impl fmt::Display,
        unexpected: de::Unexpected,
    ) -> Result<T, E>
    where
        T: FromStr<Err = GrammarError>,
    {
        match self.0 {
            Written::StringOrNumber => number.to_string().parse().map_err(E::custom),
            Written::String => Err(E::invalid_type(unexpected, &self)),
        }
    }
}

impl<'de, T: FromStr<Err = GrammarError>> de::Visitor<'de> for Text<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            // "a string", as the loader words its hints for a string field.
            Written::String => f.write_str("a string"),
            Written::StringOrNumber => {
                f.write_str("a Kubernetes quantity such as 500m, 2 or 256Mi")
            }
        }
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        match self.0 {
            Written::String => deserializer.deserialize_str(self),
            Written::StringOrNumber => deserializer.deserialize_any(self),
        }
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
        value.parse().map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<T, E> {
        self.number(value, de::Unexpected::Unsigned(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<T, E> {
        self.number(value, de::Unexpected::Signed(value))
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<T, E> {
        self.number(value, de::Unexpected::Other("an integer"))
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<T, E> {
        self.number(value, de::Unexpected::Other("an integer"))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<T, E> {
        self.number(value, de::Unexpected::Float(value))
    }
}

/// Implements `as_str`, `Display`, `Serialize`, `Deserialize` and `JsonSchema` for a grammar
/// newtype with a `text: String` field and a `SERDE_NAME`, written as [`Written`] says.
macro_rules! grammar_newtype {
    ($type:ident, $written:expr) => {
        impl $type {
            /// The text as written.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.text
            }
        }

        impl std::fmt::Display for $type {
            /// The text as written.
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.text)
            }
        }

        impl serde::Serialize for $type {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.text)
            }
        }

        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::grammar::deserialize(deserializer, Self::SERDE_NAME, $written)
            }
        }

        impl schemars::JsonSchema for $type {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($type).into()
            }

            fn inline_schema() -> bool {
                true
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                $written.schema()
            }
        }
    };
}

pub(crate) use grammar_newtype;
