//! The Thanos sidecar beside the central Prometheus.

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{validate::Checker, Bytes, Cpu, Resources, ThanosImage};

/// The Thanos sidecar the Prometheus Operator runs in every central Prometheus pod.
///
/// It uploads blocks to the fleet's object storage and serves recent data to Query through
/// the chart's `thanos-discovery` Service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[setters(strip_option, into)]
pub struct Sidecar {
    /// An image pinned for the sidecar only; `None` uses the fleet's Thanos image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<ThanosImage>,
    /// Requests and limits of the sidecar container.
    pub resources: Resources,
}

impl Default for Sidecar {
    fn default() -> Self {
        Self {
            image: None,
            resources: Resources::default()
                .cpu(Cpu::millicores(50), Cpu::millicores(500))
                .memory(Bytes::mebibytes(128), Bytes::mebibytes(512)),
        }
    }
}

impl Sidecar {
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        self.resources.check(&format!("{path}.resources"), check);
        check.image_pin(&format!("{path}.image"), self.image.as_ref());
    }
}
