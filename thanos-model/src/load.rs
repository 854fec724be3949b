//! Loading a fleet from its YAML file form.

use std::{fmt, path::Path};

use crate::{Fleet, ValidFleet, ValidationError};

/// Why a fleet file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The text is not YAML, or not the shape of a fleet (unknown or missing field, wrong
    /// type, duplicate key).
    #[error("{0}")]
    Syntax(SyntaxError),
    /// The fleet is well-formed but fails validation.
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
    /// What is wrong, including the field path when the parser knows it.
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "line {line} column {column}: ")?,
            (Some(line), None) => write!(f, "line {line}: ")?,
            _ => {}
        }
        f.write_str(&self.message)
    }
}

impl Fleet {
    /// Parses a fleet from YAML without validating it.
    pub fn parse_yaml_str(yaml: &str) -> Result<Fleet, SyntaxError> {
        serde_yaml::from_str(yaml).map_err(|error| {
            let location = error.location();
            SyntaxError {
                line: location.as_ref().map(|l| l.line()),
                column: location.as_ref().map(|l| l.column()),
                message: error.to_string(),
            }
        })
    }

    /// Parses and validates a fleet from YAML.
    pub fn from_yaml_str(yaml: &str) -> Result<ValidFleet, LoadError> {
        let fleet = Self::parse_yaml_str(yaml).map_err(LoadError::Syntax)?;
        fleet.validate().map_err(LoadError::Invalid)
    }

    /// Reads, parses and validates a fleet file.
    pub fn from_yaml_file(path: impl AsRef<Path>) -> Result<ValidFleet, LoadError> {
        let path = path.as_ref();
        let yaml = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
            path: path.display().to_string(),
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
