//! How urgent an alert is: the `severity` label Alertmanager routes on.
//!
//! The project's alerts take one of two of [`AlertSeverity`](thanos_model::AlertSeverity)'s
//! values, the same the fleet's receivers are routed by:
//!
//! - `critical`: reading or writing metrics is broken now, or alerts cannot fire; page.
//! - `warning`: something needs a person within the day before it turns critical or
//!   loses data.
//!
//! None is `info`.

/// The label name.
pub const SEVERITY_LABEL: &str = "severity";
