//! Serializing typed objects to YAML text, the one place the YAML crate is used.

use serde::Serialize;

/// Serializes a value to one YAML document (no leading `---`).
///
/// Every type passed here is a plain data tree of strings, numbers, maps and sequences,
/// which always serializes, so a failure is a bug in this crate.
pub(crate) fn to_yaml<T: Serialize + ?Sized>(value: &T) -> String {
    serde_yaml::to_string(value)
        .unwrap_or_else(|error| unreachable!("rendered objects always serialize: {error}"))
}

/// Joins YAML documents into one multi-document file, separated by `---` lines.
pub(crate) fn documents(documents: impl IntoIterator<Item = String>) -> String {
    documents.into_iter().collect::<Vec<_>>().join("---\n")
}

/// The documents of one multi-document file, in the order they are added.
#[derive(Debug, Default)]
#[must_use]
pub(crate) struct Documents(Vec<String>);

impl Documents {
    /// Adds `object`.
    pub(crate) fn one<T: Serialize + ?Sized>(mut self, object: &T) -> Self {
        self.0.push(to_yaml(object));
        self
    }

    /// Adds every object of `objects`, such as an `Option` that may hold none.
    pub(crate) fn all<'a, T: Serialize + 'a>(
        mut self,
        objects: impl IntoIterator<Item = &'a T>,
    ) -> Self {
        self.0.extend(objects.into_iter().map(to_yaml));
        self
    }

    /// The documents.
    #[must_use]
    pub(crate) fn into_vec(self) -> Vec<String> {
        self.0
    }
}
