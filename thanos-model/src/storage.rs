//! Persistent storage of one component.

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    validate::{Checker, Severity},
    Bytes,
};

/// A persistent volume: its size and, optionally, a storage class other than the fleet's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[setters(strip_option, into)]
pub struct Storage {
    /// Storage class of the volume; `None` uses [`Fleet::storage_class`](crate::Fleet::storage_class).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// Requested size, a positive Kubernetes quantity of bytes such as `50Gi` (a string or
    /// a number). Volume claim templates of a
    /// StatefulSet cannot change: after changing a size, delete the StatefulSet with
    /// `--cascade=orphan` before applying, and resize the existing claims by hand.
    pub size: Bytes,
}

impl Storage {
    /// A volume of `size` on the fleet's storage class.
    #[must_use]
    pub fn new(size: Bytes) -> Self {
        Self { class: None, size }
    }

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
        check.when_zero(
            Severity::Error,
            &format!("{path}.size"),
            &self.size,
            "a volume of size 0",
            "give the volume a size, such as 10Gi",
        );
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
