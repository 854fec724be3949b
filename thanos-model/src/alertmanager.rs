//! Alertmanager on the central cluster.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{setters::setters, validate::Checker, Bytes, Storage};

/// The chart's Alertmanager, clustered across replicas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Alertmanager {
    /// Replicas, default 2 (they gossip, so notifications are not lost with one down).
    pub replicas: u32,
    /// Volume for silences and the notification log, default `1Gi`.
    pub storage: Storage,
}

impl Default for Alertmanager {
    fn default() -> Self {
        Self {
            replicas: 2,
            storage: Storage::new(Bytes::gibibytes(1)),
        }
    }
}

impl Alertmanager {
    setters! { copy replicas: u32, set storage: Storage }
}

impl Alertmanager {
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        check.replicas(&format!("{path}.replicas"), self.replicas);
        self.storage.check(&format!("{path}.storage"), check);
    }
}
