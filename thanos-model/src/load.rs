//! Loading a fleet from its YAML file form.
//!
//! A file is read in three passes, so that every error names a position and a field path:
//!
//! 1. a YAML parser with marked events maps every field path to its line and column and
//!    refuses a key that occurs twice in one mapping (the deserializer would keep the
//!    last one of a map such as `receive.labels` without a word);
//! 2. the YAML is parsed as an untyped document, which reports syntax errors with their
//!    position and refuses an empty file;
//! 3. the document is deserialized into a [`Fleet`], tracking the path of the field being
//!    read; shape errors (unknown or missing field, wrong type, a number out of range)
//!    get that path and the position of the field.
//!
//! Validation errors of a loaded file get the line of their field, or of the nearest
//! enclosing field the file holds when the field itself is defaulted.

mod positions;

use std::{
    fmt,
    path::{Path, PathBuf},
};

use crate::{Diagnostic, Fleet, ValidFleet, ValidationError, S3};
use positions::Positions;

/// Why a fleet file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The text is not YAML, or not the shape of a fleet (unknown or missing field, wrong
    /// type, duplicate key).
    #[error("{0}")]
    Syntax(SyntaxError),
    /// The fleet is well-formed but fails validation. Each diagnostic carries the line
    /// of its field in the file, where known.
    #[error("{0}")]
    Invalid(ValidationError),
}

/// A YAML or shape error, with the position and field path where known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Line, 1-based.
    pub line: Option<usize>,
    /// Column, 1-based.
    pub column: Option<usize>,
    /// Path of the field in the fleet file's terms, such as `edges[1].agent.replicas`;
    /// `None` for errors of the text itself (malformed YAML, an empty file).
    pub path: Option<String>,
    /// What is wrong, without the position or the path.
    pub message: String,
}

impl SyntaxError {
    /// The error without its position: `<path>: <message>`, or the message alone when
    /// there is no path. For callers that print the position their own way, such as
    /// `file:line:column:`; [`Display`](fmt::Display) is `line L column C: ` followed by
    /// this.
    #[must_use]
    pub fn without_position(&self) -> impl fmt::Display + '_ {
        WithoutPosition(self)
    }
}

struct WithoutPosition<'e>(&'e SyntaxError);

impl fmt::Display for WithoutPosition<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = self.0.path.as_deref().filter(|p| !p.is_empty()) {
            write!(f, "{path}: ")?;
        }
        f.write_str(&self.0.message)
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "line {line} column {column}: ")?,
            (Some(line), None) => write!(f, "line {line}: ")?,
            _ => {}
        }
        write!(f, "{}", self.without_position())
    }
}

impl std::error::Error for SyntaxError {}

impl Fleet {
    /// Parses a fleet from YAML without validating it.
    pub fn parse_yaml_str(yaml: &str) -> Result<Fleet, SyntaxError> {
        parse(yaml).map(|(fleet, _)| fleet)
    }

    /// Parses and validates a fleet from YAML.
    pub fn from_yaml_str(yaml: &str) -> Result<ValidFleet, LoadError> {
        let (fleet, positions) = parse(yaml).map_err(LoadError::Syntax)?;
        match fleet.validate() {
            Ok(mut valid) => {
                fill_lines(valid.warnings_mut(), &positions);
                Ok(valid)
            }
            Err(error) => {
                let mut diagnostics = error.diagnostics().to_vec();
                fill_lines(&mut diagnostics, &positions);
                Err(LoadError::Invalid(ValidationError::new(diagnostics)))
            }
        }
    }

    /// Reads, parses and validates a fleet file.
    pub fn from_yaml_file(path: impl AsRef<Path>) -> Result<ValidFleet, LoadError> {
        let path = path.as_ref();
        let yaml = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::from_yaml_str(&yaml)
    }

    /// The fleet in its YAML file form.
    #[must_use]
    pub fn to_yaml_string(&self) -> String {
        serde_yaml::to_string(self)
            .unwrap_or_else(|error| unreachable!("a fleet always serializes to YAML: {error}"))
    }

    /// The JSON Schema of the fleet file, with every field's documentation as its
    /// description.
    #[must_use]
    pub fn json_schema() -> schemars::Schema {
        schemars::schema_for!(Fleet)
    }
}

/// The three passes of the module documentation.
fn parse(yaml: &str) -> Result<(Fleet, Positions), SyntaxError> {
    let positions = match Positions::scan(yaml) {
        Ok(positions) => positions.unwrap_or_default(),
        Err(duplicate) => {
            return Err(SyntaxError {
                line: Some(duplicate.at.line),
                column: Some(duplicate.at.column),
                path: Some(duplicate.path),
                message: format!(
                    "duplicate key `{}` (first at line {})",
                    duplicate.key, duplicate.first.line
                ),
            })
        }
    };

    let document: serde_yaml::Value = serde_yaml::from_str(yaml).map_err(|error| {
        let location = error.location();
        SyntaxError {
            line: location.as_ref().map(serde_yaml::Location::line),
            column: location.as_ref().map(serde_yaml::Location::column),
            path: None,
            message: bare_message(&error, ""),
        }
    })?;
    if document.is_null() {
        return Err(SyntaxError {
            line: None,
            column: None,
            path: None,
            message: "the file holds no fleet (it is empty, only comments or null): \
                      a fleet needs at least domain, objectStorage and central"
                .to_owned(),
        });
    }

    let deserializer = serde_yaml::Deserializer::from_str(yaml);
    match serde_path_to_error::deserialize::<_, Fleet>(deserializer) {
        Ok(fleet) => Ok((fleet, positions)),
        Err(error) => Err(shape_error(error, &document, &positions)),
    }
}

/// A deserialization error with the path of its field and the best position known.
fn shape_error(
    error: serde_path_to_error::Error<serde_yaml::Error>,
    document: &serde_yaml::Value,
    positions: &Positions,
) -> SyntaxError {
    let mut path = match error.path().to_string() {
        root if root == "." => String::new(),
        path => path,
    };
    let inner = error.into_inner();
    let mut message = bare_message(&inner, &path);
    // The deserializer marks a position only where it read the field from the text; the
    // fields of an internally tagged enum (`objectStorage`) are read from a buffer.
    let mut location = inner
        .location()
        .filter(|_| inner.to_string().contains(" at line "))
        .map(|l| positions::Position {
            line: l.line(),
            column: l.column(),
        });
    if path == "objectStorage" || path.starts_with("objectStorage.") {
        if let Some((inner_path, inner_message)) = object_storage_error(document) {
            path = if inner_path.is_empty() {
                "objectStorage".to_owned()
            } else {
                positions::child("objectStorage", &inner_path)
            };
            message = inner_message;
            location = None;
        }
    }
    if let Some(field) = quoted_after(&message, "missing field `") {
        // The position of the mapping that lacks it.
        location = location.or_else(|| positions.nearest(&path));
        path = positions::child(&path, field);
    }
    let position = location.or_else(|| positions.nearest(&path));
    SyntaxError {
        line: position.map(|p| p.line),
        column: position.map(|p| p.column),
        path: Some(path),
        message,
    }
}

/// The error of `objectStorage` read on its own as S3, for its path inside the section.
fn object_storage_error(document: &serde_yaml::Value) -> Option<(String, String)> {
    let mut section = document.get("objectStorage")?.as_mapping()?.clone();
    if section.remove("type")?.as_str()? != "S3" {
        return None;
    }
    let error =
        serde_path_to_error::deserialize::<_, S3>(serde_yaml::Value::Mapping(section)).err()?;
    let path = match error.path().to_string() {
        root if root == "." => String::new(),
        path => path,
    };
    let message = bare_message(error.inner(), &path);
    Some((path, message))
}

/// The deserializer's message without the position and path it appends and prepends
/// (the [`SyntaxError`] holds them apart).
fn bare_message(error: &serde_yaml::Error, path: &str) -> String {
    let mut message = error.to_string();
    if let Some(location) = error.location() {
        let suffix = format!(" at line {} column {}", location.line(), location.column());
        if let Some(stripped) = message.strip_suffix(&suffix) {
            message = stripped.to_owned();
        } else if let Some(at) = message.find(&suffix) {
            // libyaml's own text names the position again: "... at line 2 column 1, while".
            message.replace_range(at..at + suffix.len(), "");
        }
    }
    if let Some((prefix, rest)) = message.split_once(": ") {
        if !prefix.is_empty() && !prefix.contains(' ') && path.starts_with(prefix) {
            message = rest.to_owned();
        }
    }
    message
}

/// The text between `prefix` and the next backquote, such as the field of
/// ``missing field `bucket` ``.
fn quoted_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = message.strip_prefix(prefix)?;
    rest.split('`').next()
}

/// Gives every diagnostic without a line the line of its field, or of the nearest
/// enclosing field the file holds.
fn fill_lines(diagnostics: &mut [Diagnostic], positions: &Positions) {
    for diagnostic in diagnostics.iter_mut().filter(|d| d.line.is_none()) {
        diagnostic.line = positions.nearest(&diagnostic.path).map(|p| p.line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = "\
domain: k8s-cluster-01.miribit.lab
objectStorage:
  type: S3
  endpoint: s3.minio.miribit.lab
  bucket: thanos
central:
  name: cluster-01-central
  context: cluster-01
  apiAddress: 192.168.101.194
edges:
- name: cluster-02-edge
  context: cluster-02
  apiAddress: 192.168.101.196
";

    fn syntax(yaml: &str) -> SyntaxError {
        match Fleet::from_yaml_str(yaml) {
            Err(LoadError::Syntax(error)) => error,
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn the_seed_loads() {
        assert!(Fleet::from_yaml_str(SEED).is_ok());
    }

    #[test]
    fn fields_of_the_object_storage_have_a_path_and_line() {
        let error = syntax(&SEED.replace("  bucket: thanos\n", "  bucket: thanos\n  foo: 1\n"));
        assert_eq!(error.path.as_deref(), Some("objectStorage.foo"));
        assert_eq!(error.line, Some(6));
        let error = syntax(&SEED.replace("  bucket: thanos\n", ""));
        assert_eq!(error.path.as_deref(), Some("objectStorage.bucket"));
        assert_eq!(error.line, Some(2));
        assert_eq!(error.message, "missing field `bucket`");
    }

    #[test]
    fn the_text_without_position_is_the_display_text_after_the_position() {
        let error = syntax(&SEED.replace("  bucket: thanos\n", "  bucket: thanos\n  foo: 1\n"));
        let text = error.without_position().to_string();
        assert!(text.starts_with("objectStorage.foo: "), "{text}");
        assert!(!text.contains("line "), "{text}");
        assert_eq!(error.to_string(), format!("line 6 column 3: {text}"));
        // A message that itself starts like a position is kept whole.
        let error = SyntaxError {
            line: Some(1),
            column: Some(1),
            path: None,
            message: "line 1 column 1: looks like a position".to_owned(),
        };
        assert_eq!(
            error.without_position().to_string(),
            "line 1 column 1: looks like a position"
        );
    }

    #[test]
    fn an_unreadable_file_names_its_path() {
        let missing = Path::new("/nonexistent/dir/fleet.yaml");
        let Err(LoadError::Io { path, .. }) = Fleet::from_yaml_file(missing) else {
            panic!("expected an I/O error");
        };
        assert_eq!(path, missing);
    }

    #[test]
    fn duplicate_keys() {
        let error = syntax(&format!("{SEED}domain: example.com\n"));
        assert_eq!(error.path.as_deref(), Some("domain"));
        assert_eq!((error.line, error.column), (Some(14), Some(1)));
    }

    #[test]
    fn validation_errors_get_lines() {
        let yaml = SEED.replace(
            "  context: cluster-02\n",
            "  context: cluster-02\n  agent:\n    replicas: 0\n",
        );
        let Err(LoadError::Invalid(error)) = Fleet::from_yaml_str(&yaml) else {
            panic!("expected invalid");
        };
        let diagnostic = &error.diagnostics()[0];
        assert_eq!(diagnostic.path, "edges[0].agent.replicas");
        assert_eq!(diagnostic.line, Some(14));
    }
}
