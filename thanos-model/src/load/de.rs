//! Reading model types out of a [`Document`] with serde, so that every shape error names
//! its field path and position, and says what to write instead.
//!
//! Two rules make the file mean what it says:
//!
//! - Scalars are typed by the YAML 1.2 core schema: `2`, `true` and `null` are a number,
//!   a boolean and null, never the strings "2", "true" and "null". A string field given
//!   a number is refused with a hint to quote it (quantities accept numbers themselves,
//!   as Kubernetes does).
//! - In a mapping of fields, `key: null` is the key left out: the field's default, or
//!   "missing" when it has none. The exceptions are `ingress: null`, which means "no
//!   Ingress" (left out, a component gets its default), `ruler: null`, "no Thanos Ruler"
//!   (left out, the default Ruler), and `readLimits`, `timeout` and `maxConcurrent` null,
//!   "no limit of ours" (left out, the defaults), and `deadMansSwitch: null`, "Watchdog to
//!   nobody" (left out, the default webhook). In a map of free keys
//!   (`receive.labels`) and in lists, `null` is refused.
//!
//! Values of a grammar type ([`Duration`](crate::Duration), [`Cpu`](crate::Cpu),
//! [`Bytes`](crate::Bytes), [`Digest`](crate::Digest)) are known by their serde newtype
//! name, each type saying how it is read ([`Grammar`](crate::grammar::Grammar), looked up
//! with [`grammar::lenient`]). Read leniently ([`De::lenient`]), one that does not parse
//! is recorded as a [`Diagnostic`] (path, line, column) and read as the type's stand-in
//! (`0`, or a digest of `f`s), so that every
//! malformed value of the file is reported in one pass, with validation; read strictly,
//! it is a shape error like any other.

use std::{cell::RefCell, fmt};

use serde::de::{self, DeserializeSeed, Expected, Unexpected, Visitor};

use super::{
    document::{is_null_text, Document, Kind, NodeId, Position},
    path,
};
use crate::{grammar, Diagnostic, GrammarError};

/// The grammar errors of a lenient read, in the order of the file.
pub(crate) type GrammarErrors = RefCell<Vec<Diagnostic>>;

/// Keys whose `null` is a value of its own ("none") rather than "not set".
pub(crate) const NULL_MEANS_NONE: &[&str] = &[
    "ingress",
    "ruler",
    // The write path's safety settings: `null` turns each off (the seed's lab).
    "tls",
    "tenantField",
    "limits",
    "tooFarInFuture",
    "walRetention",
    // The read path's limits: `null` means none (the seed's lab).
    "readLimits",
    "timeout",
    "maxConcurrent",
    // Alerting: `null` means no dead man's switch (the seed's lab).
    "deadMansSwitch",
    // Ingress TLS: `null` serves Grafana and Query over plain HTTP (the seed's lab).
    "ingressTls",
    // The read path for large fleets: `null` turns each off (the seed's lab).
    "queryFrontend",
    "storeResponseTimeout",
];

/// The section serde reads through a buffer (it is tagged by its `type`).
pub(crate) const OBJECT_STORAGE: &str = "objectStorage";

/// The path of the node being read, on the stack of the reading calls; rendered only
/// for an error.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Path<'p> {
    Root,
    Key(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl Path<'_> {
    fn render(&self) -> String {
        match self {
            Self::Root => String::new(),
            Self::Key(parent, key) => path::child(&parent.render(), key),
            Self::Index(parent, index) => path::index(&parent.render(), *index),
        }
    }
}

/// A shape error: what, where, and how to fix it.
#[derive(Debug)]
pub(crate) struct Error {
    pub message: String,
    pub hint: String,
    /// Field path; `None` until the node that raised it places it.
    pub path: Option<String>,
    pub at: Option<Position>,
    /// A field missing from a mapping, until that mapping places it.
    missing: Option<String>,
}

impl Error {
    fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: hint.into(),
            path: None,
            at: None,
            missing: None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self::new(message.to_string(), "")
    }

    fn invalid_type(unexpected: Unexpected<'_>, expected: &dyn Expected) -> Self {
        let expected = plain_expected(&expected.to_string());
        let hint = type_hint(&unexpected, &expected);
        Self::new(
            format!(
                "expected {expected}, found {}",
                plain_unexpected(&unexpected)
            ),
            hint,
        )
    }

    fn invalid_value(unexpected: Unexpected<'_>, expected: &dyn Expected) -> Self {
        let expected = plain_expected(&expected.to_string());
        Self::new(
            format!(
                "expected {expected}, found {}",
                plain_unexpected(&unexpected)
            ),
            match unexpected {
                Unexpected::Signed(n) if n < 0 => "a count cannot be negative".to_owned(),
                Unexpected::Unsigned(_) | Unexpected::Signed(_) => {
                    "use a number in that range".to_owned()
                }
                _ => String::new(),
            },
        )
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Self::new(
            format!(
                "`{}` is not one of the choices here",
                variant.escape_debug()
            ),
            format!("use {}", one_of(expected)),
        )
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let fields = if expected.is_empty() {
            "this mapping has no fields".to_owned()
        } else {
            format!("the fields here are {}", list(expected))
        };
        let hint = match closest(field, expected) {
            Some(close) => format!("did you mean `{close}`? {fields}"),
            None => fields,
        };
        Self::new(format!("unknown field `{}`", field.escape_debug()), hint)
    }

    fn missing_field(field: &'static str) -> Self {
        Self {
            missing: Some(field.to_owned()),
            ..Self::new(
                "is required and missing",
                format!("add `{field}:` with a value"),
            )
        }
    }

    fn duplicate_field(field: &'static str) -> Self {
        Self::new(
            format!("`{field}` is given twice"),
            "a key occurs once in a mapping: remove one",
        )
    }
}

/// `serde`'s name of what it expected, in the fleet file's words.
fn plain_expected(expected: &str) -> String {
    match expected {
        "u8" | "u16" | "u32" | "u64" => {
            let max = match expected {
                "u8" => u64::from(u8::MAX),
                "u16" => u64::from(u16::MAX),
                "u32" => u64::from(u32::MAX),
                _ => u64::MAX,
            };
            format!("a whole number from 0 to {max}")
        }
        "a boolean" => "true or false".to_owned(),
        "a sequence" => "a list".to_owned(),
        "a map" => "a mapping".to_owned(),
        "a string" => "a string".to_owned(),
        other
            if other.starts_with("struct ")
                || other.starts_with("internally tagged enum")
                || other.starts_with("map") =>
        {
            "a mapping".to_owned()
        }
        other => other.to_owned(),
    }
}

fn plain_unexpected(unexpected: &Unexpected<'_>) -> String {
    match unexpected {
        Unexpected::Unit => "null".to_owned(),
        Unexpected::Bool(b) => b.to_string(),
        Unexpected::Unsigned(n) => format!("the number {n}"),
        Unexpected::Signed(n) => format!("the number {n}"),
        Unexpected::Float(n) => format!("the number {n}"),
        Unexpected::Str(s) => format!("the string {}", crate::validate::shown(s)),
        Unexpected::Map => "a mapping".to_owned(),
        Unexpected::Seq => "a list".to_owned(),
        other => other.to_string(),
    }
}

/// How to write what was expected, given what was found.
fn type_hint(unexpected: &Unexpected<'_>, expected: &str) -> String {
    let scalar_text = match unexpected {
        Unexpected::Bool(b) => Some(b.to_string()),
        Unexpected::Unsigned(n) => Some(n.to_string()),
        Unexpected::Signed(n) => Some(n.to_string()),
        Unexpected::Float(n) => Some(n.to_string()),
        _ => None,
    };
    match (unexpected, expected) {
        (Unexpected::Unit, _) => "null is no value here: write one, or remove the entry".to_owned(),
        (_, "a string") if scalar_text.is_some() => format!(
            "YAML reads it as {}: write it in quotes, \"{}\"",
            if matches!(unexpected, Unexpected::Bool(_)) {
                "a boolean"
            } else {
                "a number"
            },
            scalar_text.unwrap_or_default()
        ),
        (Unexpected::Str(_), e) if e.starts_with("a whole number") => {
            "write the number without quotes".to_owned()
        }
        (Unexpected::Float(_), e) if e.starts_with("a whole number") => {
            "write a whole number, without a fraction".to_owned()
        }
        (Unexpected::Str(_), "true or false") => "write true or false, without quotes".to_owned(),
        (Unexpected::Map, "a list") => {
            "write each item on a line of its own starting with `- `".to_owned()
        }
        (Unexpected::Seq, "a mapping") => {
            "this is a mapping of `key: value` lines, not a list: remove the `- `".to_owned()
        }
        (_, "a mapping") => "write `key: value` lines, indented below this key".to_owned(),
        (_, "a list") => "write `- item` lines, indented below this key".to_owned(),
        _ => format!("write {expected} here"),
    }
}

/// "`a`", "`a` or `b`", "one of `a`, `b` or `c`".
fn one_of(choices: &[&str]) -> String {
    match choices {
        [] => "nothing".to_owned(),
        [one] => format!("`{one}`"),
        _ => format!("one of {}", list(choices)),
    }
}

fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|item| format!("`{item}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The expected field a mistyped one most likely meant: same letters ignoring case, `_`
/// and `-` (`api_address` for `apiAddress`), or a few edits away.
pub(crate) fn closest<'a>(field: &str, expected: &[&'a str]) -> Option<&'a str> {
    let fold = |s: &str| -> String {
        s.chars()
            .filter(|c| *c != '_' && *c != '-')
            .flat_map(char::to_lowercase)
            .collect()
    };
    let folded = fold(field);
    if let Some(same) = expected.iter().find(|e| fold(e) == folded) {
        return Some(same);
    }
    expected
        .iter()
        .map(|e| (edit_distance(&folded, &fold(e)), *e))
        .filter(|(distance, e)| *distance <= (e.len() / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, e)| e)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

/// A scalar as the YAML 1.2 core schema reads it (the same reading as the YAML writer
/// behind [`Fleet::to_yaml_string`](crate::Fleet::to_yaml_string), so what it writes
/// unquoted reads back as it was).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Scalar<'a> {
    Null,
    Bool(bool),
    Unsigned(u128),
    Signed(i128),
    Float(f64),
    Str(&'a str),
}

fn resolve(text: &str) -> Scalar<'_> {
    if is_null_text(text) {
        return Scalar::Null;
    }
    match text {
        "true" | "True" | "TRUE" => return Scalar::Bool(true),
        "false" | "False" | "FALSE" => return Scalar::Bool(false),
        _ => {}
    }
    if let Some(int) = integer(text) {
        return int;
    }
    if let Some(float) = float(text) {
        return Scalar::Float(float);
    }
    Scalar::Str(text)
}

fn integer(text: &str) -> Option<Scalar<'_>> {
    let (negative, unsigned) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (radix, digits) = if let Some(hex) = unsigned.strip_prefix("0x") {
        (16, hex)
    } else if let Some(octal) = unsigned.strip_prefix("0o") {
        (8, octal)
    } else if let Some(binary) = unsigned.strip_prefix("0b") {
        (2, binary)
    } else {
        (10, unsigned)
    };
    // Leading zeros make a string in YAML 1.2 (`0123`), as does a second sign.
    if digits.starts_with(['+', '-'])
        || (radix == 10 && digits.len() > 1 && digits.starts_with('0'))
    {
        return None;
    }
    let magnitude = u128::from_str_radix(digits, radix).ok()?;
    if negative {
        let value = 0i128.checked_sub_unsigned(magnitude)?;
        Some(Scalar::Signed(value))
    } else {
        Some(Scalar::Unsigned(magnitude))
    }
}

fn float(text: &str) -> Option<f64> {
    let unsigned = match text.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => text,
    };
    match unsigned {
        ".inf" | ".Inf" | ".INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" if text == unsigned => return Some(f64::NAN),
        _ => {}
    }
    let digits = unsigned.trim_start_matches('-');
    if digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    unsigned.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// A deserializer of one node.
#[derive(Clone, Copy)]
pub(crate) struct De<'d, 'p> {
    document: &'d Document,
    id: NodeId,
    path: &'p Path<'p>,
    /// A key of this mapping to pass over (an enum's tag, when its fields are read on
    /// their own).
    skip: Option<&'p str>,
    /// Where a value that does not parse by its grammar is recorded; `None` makes it an
    /// error.
    lenient: Option<&'d GrammarErrors>,
}

impl<'d, 'p> De<'d, 'p> {
    pub fn new(document: &'d Document, id: NodeId, path: &'p Path<'p>) -> Self {
        Self {
            document,
            id,
            path,
            skip: None,
            lenient: None,
        }
    }

    /// Records values that do not parse by their grammar in `errors` and goes on.
    pub fn lenient(mut self, errors: &'d GrammarErrors) -> Self {
        self.lenient = Some(errors);
        self
    }

    /// The grammar error of this node's value read as the grammar type `name`, with the
    /// type's stand-in; `None` when `name` is no grammar type, or the value parses, or it
    /// is not a scalar the type reads (the visitor then reports the mismatch).
    fn grammar_error(&self, name: &str) -> Option<(GrammarError, &'static str)> {
        let grammar = grammar::lenient(name)?;
        let error = match self.scalar()? {
            Scalar::Str(text) => grammar.error(text, false),
            Scalar::Unsigned(n) => grammar.error(&n.to_string(), true),
            Scalar::Signed(n) => grammar.error(&n.to_string(), true),
            Scalar::Float(f) => grammar.error(&f.to_string(), true),
            Scalar::Null | Scalar::Bool(_) => None,
        }?;
        Some((error, grammar.stand_in))
    }

    /// Reads the mapping without its key `skip`.
    pub fn skipping(mut self, skip: &'p str) -> Self {
        self.skip = Some(skip);
        self
    }

    fn kind(&self) -> Kind {
        self.document.node(self.id).kind()
    }

    /// The scalar, typed; `None` for a list or mapping.
    fn scalar(&self) -> Option<Scalar<'d>> {
        let text = self.document.text(self.id);
        match self.kind() {
            Kind::Plain => Some(resolve(text)),
            Kind::Text => Some(Scalar::Str(text)),
            Kind::Sequence | Kind::Mapping => None,
        }
    }

    fn unexpected(&self) -> Unexpected<'d> {
        match self.scalar() {
            None if self.kind() == Kind::Mapping => Unexpected::Map,
            None => Unexpected::Seq,
            Some(Scalar::Null) => Unexpected::Unit,
            Some(Scalar::Bool(b)) => Unexpected::Bool(b),
            Some(Scalar::Unsigned(n)) => u64::try_from(n).map_or(
                Unexpected::Other("a very large number"),
                Unexpected::Unsigned,
            ),
            Some(Scalar::Signed(n)) => i64::try_from(n)
                .map_or(Unexpected::Other("a very large number"), Unexpected::Signed),
            Some(Scalar::Float(f)) => Unexpected::Float(f),
            Some(Scalar::Str(s)) => Unexpected::Str(s),
        }
    }

    fn mismatch<V: Visitor<'d>>(&self, visitor: &V) -> Error {
        de::Error::invalid_type(self.unexpected(), visitor)
    }

    /// What `read` makes of this node (`Ok`), or the visitor's type mismatch when it
    /// cannot read it (it gives the visitor back), placed at this node.
    fn read<V: Visitor<'d>>(
        self,
        visitor: V,
        read: impl FnOnce(V) -> Result<Result<V::Value, Error>, V>,
    ) -> Result<V::Value, Error> {
        let result = read(visitor).unwrap_or_else(|visitor| Err(self.mismatch(&visitor)));
        self.place(result)
    }

    /// The entries of this mapping (without those set to null with `skip_null`), else
    /// the visitor's type mismatch, placed at this node.
    fn mapping<V: Visitor<'d>>(self, visitor: V, skip_null: bool) -> Result<V::Value, Error> {
        self.read(visitor, |visitor| match self.kind() {
            Kind::Mapping => Ok(visitor.visit_map(self.entries(skip_null))),
            _ => Err(visitor),
        })
    }

    /// Gives an error raised at this node (or by the visitor of this mapping, for a
    /// missing field) its path and position.
    fn place<T>(&self, result: Result<T, Error>) -> Result<T, Error> {
        result.map_err(|mut error| {
            if error.path.is_some() {
                return error;
            }
            let here = self.path.render();
            let node = self.document.node(self.id);
            if let Some(field) = error.missing.take() {
                match self.document.get(self.id, &field) {
                    Some((key, _)) => {
                        error.message = "is required, and null is not a value".to_owned();
                        error.hint = "give it a value".to_owned();
                        error.at = Some(self.document.node(key).position());
                    }
                    None => error.at = Some(node.position()),
                }
                error.path = Some(path::child(&here, &field));
            } else {
                error.path = Some(here);
                error.at = Some(node.position());
            }
            error
        })
    }

    /// The children of this node (a mapping's keys and values, a list's items).
    fn children(&self) -> Children<'d, 'p> {
        Children {
            document: self.document,
            nodes: self.document.children(self.id),
            next: 0,
            path: self.path,
            lenient: self.lenient,
        }
    }

    fn entries(&self, skip_null: bool) -> Entries<'d, 'p> {
        Entries {
            children: self.children(),
            skip_null,
            skip: self.skip,
            current: None,
        }
    }

    fn visit_number<V: Visitor<'d>>(&self, visitor: V) -> Result<V::Value, Error> {
        match self.scalar() {
            Some(Scalar::Unsigned(n)) => match u64::try_from(n) {
                Ok(n) => visitor.visit_u64(n),
                Err(_) => visitor.visit_u128(n),
            },
            Some(Scalar::Signed(n)) => match i64::try_from(n) {
                Ok(n) => visitor.visit_i64(n),
                Err(_) => visitor.visit_i128(n),
            },
            // 3.0 is the whole number 3, as JSON Schema reads it.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Some(Scalar::Float(f)) if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 => {
                if f < 0.0 {
                    visitor.visit_i64(f as i64)
                } else {
                    visitor.visit_u64(f as u64)
                }
            }
            _ => Err(self.mismatch(&visitor)),
        }
    }
}

/// The field or variant names serde gives a struct or an enum.
type Names = &'static [&'static str];
/// What a visitor makes of a node.
type Read<'d, V> = Result<<V as Visitor<'d>>::Value, Error>;

macro_rules! numbers {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'d>>(self, visitor: V) -> Result<V::Value, Error> {
            let result = self.visit_number(visitor);
            self.place(result)
        }
    )*};
}

impl<'d> de::Deserializer<'d> for De<'d, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'d>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = match self.scalar() {
            None if self.kind() == Kind::Mapping => visitor.visit_map(self.entries(true)),
            None => visitor.visit_seq(self.children()),
            Some(Scalar::Null) => visitor.visit_unit(),
            Some(Scalar::Bool(b)) => visitor.visit_bool(b),
            Some(Scalar::Unsigned(_) | Scalar::Signed(_)) => self.visit_number(visitor),
            Some(Scalar::Float(f)) => visitor.visit_f64(f),
            Some(Scalar::Str(s)) => visitor.visit_borrowed_str(s),
        };
        self.place(result)
    }

    fn deserialize_bool<V: Visitor<'d>>(self, visitor: V) -> Result<V::Value, Error> {
        self.read(visitor, |visitor| match self.scalar() {
            Some(Scalar::Bool(b)) => Ok(visitor.visit_bool(b)),
            _ => Err(visitor),
        })
    }

    numbers! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
    }

    fn deserialize_f32<V: Visitor<'d>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_f64(visitor)
    }

    #[allow(clippy::cast_precision_loss)]
    fn deserialize_f64<V: Visitor<'d>>(self, visitor: V) -> Result<V::Value, Error> {
        self.read(visitor, |visitor| match self.scalar() {
            Some(Scalar::Float(f)) => Ok(visitor.visit_f64(f)),
            Some(Scalar::Unsigned(n)) => Ok(visitor.visit_f64(n as f64)),
            Some(Scalar::Signed(n)) => Ok(visitor.visit_f64(n as f64)),
            _ => Err(visitor),
        })
    }

    fn deserialize_char<V: Visitor<'d>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'d>>(self, visitor: V) -> Result<V::Value, Error> {
        self.read(visitor, |visitor| match self.scalar() {
            Some(Scalar::Str(s)) => Ok(visitor.visit_borrowed_str(s)),
            _ => Err(visitor),
        })
    }

    fn deserialize_string<V: Visitor<'d>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'d>>(self, visitor: V) -> Result<V::Value, Error> {
        let error = self.mismatch(&visitor);
        self.place(Err(error))
    }

    fn deserialize_byte_buf<V: Visitor<'d>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'d>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.scalar() == Some(Scalar::Null) {
            let result = visitor.visit_none();
            self.place(result)
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'d>>(self, visitor: V) -> Result<V::Value, Error> {
        self.read(visitor, |visitor| match self.scalar() {
            Some(Scalar::Null) => Ok(visitor.visit_unit()),
            _ => Err(visitor),
        })
    }

    fn deserialize_unit_struct<V: Visitor<'d>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'d>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let Some((error, stand_in)) = self.grammar_error(name) else {
            return visitor.visit_newtype_struct(self);
        };
        let Some(errors) = self.lenient else {
            return self.place(Err(Error::new(error.to_string(), error.hint())));
        };
        let at = self.document.node(self.id).position();
        errors.borrow_mut().push(Diagnostic::grammar(
            self.path.render(),
            &error,
            at.line,
            at.column,
        ));
        // The type's stand-in; validation looks at no value whose path has a grammar error.
        let stand_in = de::value::BorrowedStrDeserializer::<Error>::new(stand_in);
        self.place(visitor.visit_newtype_struct(stand_in))
    }

    fn deserialize_seq<V: Visitor<'d>>(self, visitor: V) -> Result<V::Value, Error> {
        self.read(visitor, |visitor| match self.kind() {
            Kind::Sequence => Ok(visitor.visit_seq(self.children())),
            _ => Err(visitor),
        })
    }

    fn deserialize_tuple<V: Visitor<'d>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'d>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'d>>(self, visitor: V) -> Result<V::Value, Error> {
        self.mapping(visitor, false)
    }

    fn deserialize_struct<V: Visitor<'d>>(self, _: &str, _: Names, visitor: V) -> Read<'d, V> {
        // A field set to null is the field left out.
        self.mapping(visitor, true)
    }

    fn deserialize_enum<V: Visitor<'d>>(self, _: &str, _: Names, visitor: V) -> Read<'d, V> {
        self.read(visitor, |visitor| match self.scalar() {
            Some(Scalar::Str(_)) => Ok(visitor.visit_enum(UnitVariant(self))),
            _ => Err(visitor),
        })
    }

    fn deserialize_identifier<V: Visitor<'d>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'d>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

/// The child nodes of a mapping or list being read, and where they are.
struct Children<'d, 'p> {
    document: &'d Document,
    nodes: &'d [NodeId],
    next: usize,
    path: &'p Path<'p>,
    lenient: Option<&'d GrammarErrors>,
}

impl<'d> Children<'d, '_> {
    /// Reads the child node `id` at `path` with `seed`, its errors placed there.
    fn read<S: DeserializeSeed<'d>>(
        &self,
        id: NodeId,
        path: &Path<'_>,
        seed: S,
    ) -> Result<S::Value, Error> {
        let mut de = De::new(self.document, id, path);
        de.lenient = self.lenient;
        // Errors raised after the node was read (serde reading a tagged enum's fields from
        // its buffer) are placed here too.
        de.place(seed.deserialize(de))
    }
}

/// The next key or item, read by a seed.
type Next<'d, S> = Result<Option<<S as DeserializeSeed<'d>>::Value>, Error>;

/// The fields of a mapping, with their paths.
struct Entries<'d, 'p> {
    /// The keys and values, in turn.
    children: Children<'d, 'p>,
    /// Pass over `key: null` (a mapping of fields, where null means "not set").
    skip_null: bool,
    skip: Option<&'p str>,
    /// The entry whose key was just read.
    current: Option<(&'d str, NodeId)>,
}

impl<'d> de::MapAccess<'d> for Entries<'d, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'d>>(&mut self, seed: K) -> Next<'d, K> {
        let children = &mut self.children;
        let document = children.document;
        while let Some(&[key, value]) = children.nodes.get(children.next..children.next + 2) {
            children.next += 2;
            let name = document.text(key);
            if self.skip == Some(name)
                || (self.skip_null && document.is_null(value) && !NULL_MEANS_NONE.contains(&name))
            {
                continue;
            }
            self.current = Some((name, value));
            let path = Path::Key(children.path, name);
            return seed
                .deserialize(Key {
                    document,
                    id: key,
                    path: &path,
                })
                .map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'d>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some((name, value)) = self.current.take() else {
            return Err(de::Error::custom("a value was read before its key"));
        };
        let path = Path::Key(self.children.path, name);
        self.children.read(value, &path, seed)
    }

    fn size_hint(&self) -> Option<usize> {
        Some((self.children.nodes.len() - self.children.next) / 2)
    }
}

/// The items of a list, with their paths.
impl<'d> de::SeqAccess<'d> for Children<'d, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'d>>(&mut self, seed: T) -> Next<'d, T> {
        let Some(&item) = self.nodes.get(self.next) else {
            return Ok(None);
        };
        let path = Path::Index(self.path, self.next);
        self.next += 1;
        self.read(item, &path, seed).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.nodes.len() - self.next)
    }
}

/// A mapping key: always a string, placed at the key's own position.
struct Key<'d, 'p> {
    document: &'d Document,
    id: NodeId,
    path: &'p Path<'p>,
}

impl<'de> de::Deserializer<'de> for Key<'de, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor
            .visit_borrowed_str(self.document.text(self.id))
            .map_err(|mut error: Error| {
                if error.path.is_none() {
                    error.path = Some(self.path.render());
                    error.at = Some(self.document.node(self.id).position());
                }
                error
            })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map struct
        enum identifier ignored_any
    }
}

/// An enum written as its variant's name.
struct UnitVariant<'d, 'p>(De<'d, 'p>);

impl<'d, 'p> de::EnumAccess<'d> for UnitVariant<'d, 'p> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'d>>(self, seed: V) -> Result<(V::Value, Self), Error> {
        let variant = seed.deserialize(self.0)?;
        Ok((variant, self))
    }
}

impl<'d> de::VariantAccess<'d> for UnitVariant<'d, '_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'d>>(self, _seed: T) -> Result<T::Value, Error> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"a mapping",
        ))
    }

    fn tuple_variant<V: Visitor<'d>>(self, _len: usize, _visitor: V) -> Result<V::Value, Error> {
        Err(de::Error::invalid_type(Unexpected::UnitVariant, &"a list"))
    }

    fn struct_variant<V: Visitor<'d>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Error> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"a mapping",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_resolve_as_the_core_schema() {
        assert_eq!(resolve(""), Scalar::Null);
        assert_eq!(resolve("~"), Scalar::Null);
        assert_eq!(resolve("True"), Scalar::Bool(true));
        assert_eq!(resolve("yes"), Scalar::Str("yes"));
        assert_eq!(resolve("2"), Scalar::Unsigned(2));
        assert_eq!(resolve("+2"), Scalar::Unsigned(2));
        assert_eq!(resolve("-2"), Scalar::Signed(-2));
        assert_eq!(resolve("0x1F"), Scalar::Unsigned(31));
        assert_eq!(resolve("0o17"), Scalar::Unsigned(15));
        assert_eq!(resolve("0123"), Scalar::Str("0123"));
        assert_eq!(resolve("1.5"), Scalar::Float(1.5));
        assert_eq!(resolve("1e3"), Scalar::Float(1000.0));
        assert_eq!(resolve(".inf"), Scalar::Float(f64::INFINITY));
        assert_eq!(resolve("inf"), Scalar::Str("inf"));
        assert_eq!(resolve("78.2.1"), Scalar::Str("78.2.1"));
        assert_eq!(resolve("--1"), Scalar::Str("--1"));
        assert_eq!(resolve("1_000"), Scalar::Str("1_000"));
    }

    #[test]
    fn the_closest_field_is_suggested() {
        let fields = &["name", "context", "apiAddress", "clusterLabel"];
        assert_eq!(closest("contxt", fields), Some("context"));
        assert_eq!(closest("api_address", fields), Some("apiAddress"));
        assert_eq!(closest("ClusterLabel", fields), Some("clusterLabel"));
        assert_eq!(closest("replicas", fields), None);
    }
}
