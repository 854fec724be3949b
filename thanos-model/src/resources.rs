//! CPU and memory requests and limits.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    quantity::{Quantity, Suffix},
    setters::setters,
    storage,
    validate::{shown, Checker},
};

/// CPU and memory requests and limits of one container, as Kubernetes quantities.
///
/// Every generated workload carries both requests and limits, so none of them can starve
/// its node. In a fleet file a quantity may be a string or a number (`cpuLimit: 2`). A
/// request above its limit, a limit of 0, memory in `m` (thousandths of a byte) and CPU
/// in `Ki`..`Ei` are refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Resources {
    /// CPU request, such as `100m`.
    #[serde(deserialize_with = "crate::quantity::deserialize")]
    #[schemars(schema_with = "crate::quantity::schema")]
    pub cpu_request: String,
    /// Memory request, such as `256Mi`.
    #[serde(deserialize_with = "crate::quantity::deserialize")]
    #[schemars(schema_with = "crate::quantity::schema")]
    pub memory_request: String,
    /// CPU limit, such as `1`.
    #[serde(deserialize_with = "crate::quantity::deserialize")]
    #[schemars(schema_with = "crate::quantity::schema")]
    pub cpu_limit: String,
    /// Memory limit, such as `1Gi`.
    #[serde(deserialize_with = "crate::quantity::deserialize")]
    #[schemars(schema_with = "crate::quantity::schema")]
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

    /// The memory limit in bytes, whole bytes rounded down; `None` when it is not a
    /// quantity (only in a fleet that did not pass validation).
    #[must_use]
    pub fn memory_limit_bytes(&self) -> Option<u64> {
        let quantity = crate::quantity::Quantity::parse(&self.memory_limit)?;
        u64::try_from(quantity.nanos / 1_000_000_000).ok()
    }
}

impl Resources {
    /// Every request and limit is a quantity of its resource, no request is above its
    /// limit (Kubernetes would refuse the pod), and no limit is 0.
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        for (kind, request, limit) in [
            ("cpu", &self.cpu_request, &self.cpu_limit),
            ("memory", &self.memory_request, &self.memory_limit),
        ] {
            let request_path = format!("{path}.{kind}Request");
            let limit_path = format!("{path}.{kind}Limit");
            let request_value = quantity(check, kind, &request_path, request);
            let limit_value = quantity(check, kind, &limit_path, limit);
            if limit_value.is_some_and(|l| l.is_zero()) {
                check.error(
                    &limit_path,
                    format!(
                        "a {kind} limit of {} leaves the container no {kind}",
                        shown(limit)
                    ),
                    "set a positive limit, such as 1 CPU or 1Gi of memory",
                );
            } else if let (Some(r), Some(l)) = (request_value, limit_value) {
                if r.nanos > l.nanos {
                    check.error(
                        &request_path,
                        format!(
                            "the {kind} request {} is above the limit {}",
                            shown(request),
                            shown(limit)
                        ),
                        "Kubernetes refuses a pod whose request exceeds its limit: lower the request or raise the limit",
                    );
                }
            }
        }
    }
}

/// A CPU quantity counts cores (`2`, `500m`); a memory quantity counts bytes.
fn quantity(check: &mut Checker, kind: &str, path: &str, text: &str) -> Option<Quantity> {
    let parsed = check.quantity(path, text)?;
    if kind == "cpu" && parsed.suffix == Suffix::Binary {
        check.error(
            path,
            format!("{} counts CPU in powers of 1024", shown(text)),
            "CPU is counted in cores or thousandths of a core, such as 2 or 500m",
        );
        return None;
    }
    if kind == "memory" {
        storage::bytes(check, path, text, parsed);
    }
    Some(parsed)
}
