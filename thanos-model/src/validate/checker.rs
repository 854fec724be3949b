//! What every rule reports through: the fleet under validation and the diagnostics found
//! so far, with the grammar checks the parts share.

use super::{syntax, Diagnostic};
use crate::Fleet;

/// Most replicas of any workload: beyond it a number is a typo (the Receive hashring and
/// the Kubernetes `int32` replica count would follow it).
const MAX_REPLICAS: u32 = 1000;

/// Collects the diagnostics of one validation pass.
pub(crate) struct Checker<'a> {
    /// The fleet, for rules whose answer depends on other parts (defaults, the pinned
    /// image against the fleet's).
    pub(crate) fleet: &'a Fleet,
    out: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    pub(crate) fn new(fleet: &'a Fleet) -> Self {
        Self {
            fleet,
            out: Vec::new(),
        }
    }

    /// The diagnostics, in the order they were found.
    pub(crate) fn finish(self) -> Vec<Diagnostic> {
        self.out
    }

    pub(crate) fn error(
        &mut self,
        path: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.out.push(Diagnostic::error(path, message, hint));
    }

    pub(crate) fn warning(
        &mut self,
        path: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.out.push(Diagnostic::warning(path, message, hint));
    }

    pub(crate) fn dns_label(&mut self, path: &str, value: &str, what: &str) {
        if !syntax::is_dns_label(value) {
            self.error(
                path,
                format!("{value:?} is not a valid {what}"),
                "use 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
            );
        }
    }

    pub(crate) fn dns_subdomain(&mut self, path: &str, value: &str, what: &str, hint: &str) {
        if !syntax::is_dns_subdomain(value) {
            self.error(path, format!("{value:?} is not a valid {what}"), hint);
        }
    }

    pub(crate) fn not_empty(&mut self, path: &str, value: &str) {
        if value.trim().is_empty() {
            self.error(path, "must not be empty", "set a value");
        }
    }

    pub(crate) fn quantity(&mut self, path: &str, value: &str) {
        if !syntax::is_quantity(value) {
            self.error(
                path,
                format!("{value:?} is not a Kubernetes quantity"),
                "write a number with an optional suffix, such as 500m, 2, 256Mi or 50Gi",
            );
        }
    }

    /// The duration in milliseconds, or `None` after reporting it malformed.
    pub(crate) fn duration(&mut self, path: &str, value: &str) -> Option<u64> {
        let parsed = syntax::parse_duration_ms(value);
        if parsed.is_none() {
            self.error(
                path,
                format!("{value:?} is not a Prometheus duration"),
                "write a number and a unit (ms, s, m, h, d, w, y), largest first, such as 30s, 1h30m or 10d",
            );
        }
        parsed
    }

    /// A replica count: at least 1, at most [`MAX_REPLICAS`].
    pub(crate) fn replicas(&mut self, path: &str, value: u32) {
        if value == 0 {
            self.error(path, "must be at least 1", "set 1 or more replicas");
        } else if value > MAX_REPLICAS {
            self.error(
                path,
                format!("{value} replicas is more than {MAX_REPLICAS}"),
                "set a realistic number of replicas",
            );
        }
    }
}
