//! Persistent storage of one component.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    quantity::{Quantity, Suffix},
    setters::setters,
    validate::{shown, Checker},
};

/// A persistent volume: its size and, optionally, a storage class other than the fleet's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Storage {
    /// Storage class of the volume; `None` uses [`Fleet::storage_class`](crate::Fleet::storage_class).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// Requested size, a positive Kubernetes quantity of bytes such as `50Gi` (a string or
    /// a number). Volume claim templates of a
    /// StatefulSet cannot change: after changing a size, delete the StatefulSet with
    /// `--cascade=orphan` before applying, and resize the existing claims by hand.
    #[serde(deserialize_with = "crate::quantity::deserialize")]
    #[schemars(schema_with = "crate::quantity::schema")]
    pub size: String,
}

impl Storage {
    /// A volume of `size` (a Kubernetes quantity) on the fleet's storage class.
    #[must_use]
    pub fn new(size: impl Into<String>) -> Self {
        Self {
            class: None,
            size: size.into(),
        }
    }

    setters! { some class: String }

    /// The storage class this volume is provisioned on, given the fleet's default.
    #[must_use]
    pub fn class_or<'a>(&'a self, fleet_default: &'a str) -> &'a str {
        self.class.as_deref().unwrap_or(fleet_default)
    }
}

impl Storage {
    /// A size that is a positive number of bytes, and a storage class name where one is
    /// set.
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        let size_path = format!("{path}.size");
        if let Some(size) = check.quantity(&size_path, &self.size) {
            if size.is_zero() {
                check.error(
                    &size_path,
                    "a volume of size 0",
                    "give the volume a size, such as 10Gi",
                );
            } else {
                bytes(check, &size_path, &self.size, size);
            }
        }
        if let Some(class) = &self.class {
            check.dns_subdomain(
                &format!("{path}.class"),
                class,
                "storage class name",
                "use the name of a StorageClass of the cluster",
            );
        }
    }
}

/// A quantity of bytes: `m` (milli) makes a fraction of a byte, a classic slip for `Mi`.
pub(crate) fn bytes(check: &mut Checker, path: &str, text: &str, quantity: Quantity) {
    if quantity.suffix == (Suffix::Decimal { fractional: true }) {
        check.error(
            path,
            format!(
                "{} is a fraction of a byte: the suffix m means a thousandth",
                shown(text)
            ),
            "use Mi or Gi, such as 512Mi",
        );
    }
}
