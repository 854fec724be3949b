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

/// A value as a YAML tree (mappings keep the order of the fields), to merge into.
pub(crate) fn to_value<T: Serialize + ?Sized>(value: &T) -> serde_yaml::Value {
    serde_yaml::to_value(value)
        .unwrap_or_else(|error| unreachable!("rendered objects always serialize: {error}"))
}

/// Serializes a run of objects that are often equal, such as every edge's Namespace:
/// the YAML of the last object is reused while the next one is equal to it, so a fleet
/// of a thousand edges serializes its one Namespace once.
#[derive(Debug)]
pub(crate) struct Repeated<'a, T> {
    last: Option<(&'a T, String)>,
}

impl<T> Default for Repeated<'_, T> {
    fn default() -> Self {
        Self { last: None }
    }
}

impl<'a, T: Serialize + PartialEq> Repeated<'a, T> {
    /// [`to_yaml`] of `object`, from the last object's when they are equal.
    pub(crate) fn serialize(&mut self, object: &'a T) -> String {
        self.serialize_with(object, to_yaml)
    }

    /// `yaml(object)`, from the last object's when they are equal.
    pub(crate) fn serialize_with(&mut self, object: &'a T, yaml: fn(&T) -> String) -> String {
        match &self.last {
            Some((last, text)) if *last == object => text.clone(),
            _ => {
                let yaml = yaml(object);
                self.last = Some((object, yaml.clone()));
                yaml
            }
        }
    }
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
