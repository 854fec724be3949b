//! CPU and memory requests and limits.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{setters::setters, validate::Checker};

/// CPU and memory requests and limits of one container, as Kubernetes quantities.
///
/// Every generated workload carries both requests and limits, so none of them can starve
/// its node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Resources {
    /// CPU request, such as `100m`.
    pub cpu_request: String,
    /// Memory request, such as `256Mi`.
    pub memory_request: String,
    /// CPU limit, such as `1`.
    pub cpu_limit: String,
    /// Memory limit, such as `1Gi`.
    pub memory_limit: String,
}

impl Resources {
    /// Requests and limits from four Kubernetes quantities.
    #[must_use]
    pub fn new(
        cpu_request: impl Into<String>,
        memory_request: impl Into<String>,
        cpu_limit: impl Into<String>,
        memory_limit: impl Into<String>,
    ) -> Self {
        Self {
            cpu_request: cpu_request.into(),
            memory_request: memory_request.into(),
            cpu_limit: cpu_limit.into(),
            memory_limit: memory_limit.into(),
        }
    }

    setters! {
        set cpu_request: String,
        set memory_request: String,
        set cpu_limit: String,
        set memory_limit: String,
    }
}

impl Resources {
    /// Every request and limit is a quantity.
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        check.quantity(&format!("{path}.cpuRequest"), &self.cpu_request);
        check.quantity(&format!("{path}.memoryRequest"), &self.memory_request);
        check.quantity(&format!("{path}.cpuLimit"), &self.cpu_limit);
        check.quantity(&format!("{path}.memoryLimit"), &self.memory_limit);
    }
}
