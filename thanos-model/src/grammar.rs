//! What every grammar newtype shares ([`Duration`](crate::Duration), [`Cpu`](crate::Cpu),
//! [`Bytes`](crate::Bytes), [`Digest`](crate::Digest)): parsed once by `FromStr`, it keeps its text as written, which
//! `Display`, `as_str` and serde give back unchanged, and the fleet loader knows it by its
//! serde name, so a malformed value is one diagnostic among all the others of the file
//! instead of the end of loading.
//!
//! A type holds `text: String`; [`grammar_newtype!`] implements the rest, and
//! [`Grammar`], by which the loader reads a value of the type leniently ([`lenient`]).

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

/// A grammar type as the fleet loader reads it: by its serde name, a value that does not
/// parse is recorded as a diagnostic and read as the type's stand-in.
pub(crate) trait Grammar: FromStr<Err = GrammarError> {
    /// The name serde is given for the type; the loader knows it by this name.
    const SERDE_NAME: &'static str;
    /// What a fleet file may write for a value of it.
    const WRITTEN: Written;
    /// The text read in place of a value that did not parse: validation looks at no
    /// value whose path has a grammar error, so any value of the grammar does.
    const STAND_IN: &'static str;
}

/// What the loader needs of one grammar type, without the type.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lenient {
    serde_name: &'static str,
    written: Written,
    /// See [`Grammar::STAND_IN`].
    pub(crate) stand_in: &'static str,
    parse_error: fn(&str) -> Option<GrammarError>,
}

impl Lenient {
    const fn of<T: Grammar>() -> Self {
        Self {
            serde_name: T::SERDE_NAME,
            written: T::WRITTEN,
            stand_in: T::STAND_IN,
            parse_error: |text| text.parse::<T>().err(),
        }
    }

    /// The grammar error of a string value, or of a number where the type takes numbers;
    /// `None` when it parses or is no value of the type (serde then reports the
    /// mismatch).
    pub(crate) fn error(&self, text: &str, is_number: bool) -> Option<GrammarError> {
        if is_number && self.written == Written::String {
            return None;
        }
        (self.parse_error)(text)
    }
}

/// Every grammar type of the model.
const GRAMMARS: [Lenient; 4] = [
    Lenient::of::<crate::Duration>(),
    Lenient::of::<crate::Cpu>(),
    Lenient::of::<crate::Bytes>(),
    Lenient::of::<crate::Digest>(),
];

/// The grammar type serde calls `serde_name`, if it is one.
pub(crate) fn lenient(serde_name: &str) -> Option<Lenient> {
    GRAMMARS.into_iter().find(|g| g.serde_name == serde_name)
}

/// Reads a value of grammar `T` under its serde name.
pub(crate) fn deserialize<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Grammar,
{
    deserializer.deserialize_newtype_struct(T::SERDE_NAME, Text(T::WRITTEN, PhantomData))
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

/// Implements [`Grammar`], `as_str`, `Display`, `Serialize`, `Deserialize` and
/// `JsonSchema` for a grammar newtype with a `text: String` field, written as [`Written`]
/// says; a value that did not parse reads as `$stand_in` (default `0`).
macro_rules! grammar_newtype {
    ($type:ident, $written:expr) => {
        $crate::grammar::grammar_newtype!($type, $written, "0");
    };
    ($type:ident, $written:expr, $stand_in:expr) => {
        impl $crate::grammar::Grammar for $type {
            const SERDE_NAME: &'static str = concat!("thanos_model::", stringify!($type));
            const WRITTEN: $crate::grammar::Written = $written;
            const STAND_IN: &'static str = $stand_in;
        }

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
                $crate::grammar::deserialize(deserializer)
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
