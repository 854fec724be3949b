//! How urgent an alert is: the `severity` label Alertmanager routes on.

/// The `severity` label of the project's alerts.
///
/// - `critical`: reading or writing metrics is broken now, or alerts cannot fire; page.
/// - `warning`: something needs a person within the day before it turns critical or
///   loses data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    /// Page someone.
    Critical,
    /// Look at it today.
    Warning,
}

/// The label name.
pub const SEVERITY_LABEL: &str = "severity";

impl Severity {
    /// The label value.
    #[must_use]
    pub const fn label_value(self) -> &'static str {
        match self {
            Self::Critical => "critical",
            Self::Warning => "warning",
        }
    }
}
