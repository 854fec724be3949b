//! CPU and memory requests and limits.

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    validate::{shown, Checker},
    Bytes, Cpu,
};

/// CPU and memory requests and limits of one container, as Kubernetes quantities.
///
/// Every generated workload carries both requests and limits, so none of them can starve
/// its node. CPU and memory are different types ([`Cpu`], [`Bytes`]), so a swapped pair
/// does not compile; memory in `m` (thousandths of a byte) and CPU in `Ki`..`Ei` do not
/// parse. In a fleet file a quantity may be a string or a number (`cpuLimit: 2`).
/// Validation refuses a request above its limit and a limit of 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[setters(into)]
pub struct Resources {
    /// CPU request, such as `100m`.
    pub cpu_request: Cpu,
    /// Memory request, such as `256Mi`.
    pub memory_request: Bytes,
    /// CPU limit, such as `1`.
    pub cpu_limit: Cpu,
    /// Memory limit, such as `1Gi`.
    pub memory_limit: Bytes,
}

impl Default for Resources {
    /// `100m` to `1` CPU, `256Mi` to `1Gi` of memory.
    fn default() -> Self {
        Self {
            cpu_request: Cpu::millicores(100),
            memory_request: Bytes::mebibytes(256),
            cpu_limit: Cpu::cores(1),
            memory_limit: Bytes::gibibytes(1),
        }
    }
}

/// Requests and limits are set by resource, with typed values:
///
/// ```
/// use thanos_model::{Bytes, Cpu, Resources};
///
/// let resources = Resources::default()
///     .cpu(Cpu::millicores(100), Cpu::cores(1))
///     .memory(Bytes::mebibytes(512), Bytes::gibibytes(2));
/// assert_eq!(resources.memory_limit.as_bytes(), 2 << 30);
/// ```
impl Resources {
    /// Sets the CPU request and limit.
    #[must_use]
    pub fn cpu(self, request: Cpu, limit: Cpu) -> Self {
        self.cpu_request(request).cpu_limit(limit)
    }

    /// Sets the memory request and limit.
    #[must_use]
    pub fn memory(self, request: Bytes, limit: Bytes) -> Self {
        self.memory_request(request).memory_limit(limit)
    }
}

impl Resources {
    /// No request is above its limit (Kubernetes would refuse the pod), and no limit is
    /// 0. A quantity that did not parse is reported once, by its grammar.
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        let cpu =
            [&self.cpu_request, &self.cpu_limit].map(|c| (c.nanos(), c.is_zero(), c.as_str()));
        let memory = [&self.memory_request, &self.memory_limit]
            .map(|m| (m.nanos(), m.is_zero(), m.as_str()));
        for (kind, [request, limit]) in [("cpu", cpu), ("memory", memory)] {
            let request_path = format!("{path}.{kind}Request");
            let limit_path = format!("{path}.{kind}Limit");
            let request_read = check.parsed(&request_path);
            let limit_read = check.parsed(&limit_path);
            if !limit_read {
                continue;
            }
            if limit.1 {
                check.error(
                    &limit_path,
                    format!(
                        "a {kind} limit of {} leaves the container no {kind}",
                        shown(limit.2)
                    ),
                    "set a positive limit, such as 1 CPU or 1Gi of memory",
                );
            } else if request_read && request.0 > limit.0 {
                check.error(
                    &request_path,
                    format!(
                        "the {kind} request {} is above the limit {}",
                        shown(request.2),
                        shown(limit.2)
                    ),
                    "Kubernetes refuses a pod whose request exceeds its limit: lower the request or raise the limit",
                );
            }
        }
    }
}
