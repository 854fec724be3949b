//! The central Prometheus, in full (server) mode.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{setters::setters, validate::Checker, Resources, Sidecar, Storage};

/// The central cluster's Prometheus: highly available, with the Thanos sidecar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Prometheus {
    /// Replicas; with more than one, Query deduplicates on `prometheus_replica`. Default 2.
    pub replicas: u32,
    /// Local retention, a Prometheus duration. Older data is read from the bucket. Default `10d`.
    pub retention: String,
    /// The TSDB volume, default `50Gi`.
    pub storage: Storage,
    /// Requests and limits of the Prometheus container.
    pub resources: Resources,
    /// The Thanos sidecar.
    pub sidecar: Sidecar,
}

impl Default for Prometheus {
    fn default() -> Self {
        Self {
            replicas: 2,
            retention: "10d".to_owned(),
            storage: Storage::new("50Gi"),
            resources: Resources::new("200m", "1Gi", "2", "4Gi"),
            sidecar: Sidecar::default(),
        }
    }
}

impl Prometheus {
    setters! {
        copy replicas: u32,
        set retention: String,
        set storage: Storage,
        set resources: Resources,
        set sidecar: Sidecar,
    }
}

impl Prometheus {
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        check.replicas(&format!("{path}.replicas"), self.replicas);
        check.duration(&format!("{path}.retention"), &self.retention);
        self.storage.check(&format!("{path}.storage"), check);
        self.resources.check(&format!("{path}.resources"), check);
        self.sidecar.check(&format!("{path}.sidecar"), check);
    }
}
