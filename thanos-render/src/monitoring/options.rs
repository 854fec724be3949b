//! What the monitoring objects depend on besides the namespace.

use super::{Duration, Target};

/// The chart release whose Services (the sidecar's discovery Service) are scraped.
pub const DEFAULT_RELEASE: &str = "kube-prometheus-stack";

/// Options for [`service_monitors`](super::service_monitors),
/// [`thanos_alerts`](super::thanos_alerts) and [`dashboards`](super::dashboards).
///
/// The default watches all six components, the Ruler included, under release
/// [`DEFAULT_RELEASE`], at the Prometheus' global scrape interval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitoringOptions {
    release: String,
    ruler: bool,
    scrape_interval: Option<Duration>,
}

impl Default for MonitoringOptions {
    fn default() -> Self {
        Self {
            release: DEFAULT_RELEASE.to_owned(),
            ruler: true,
            scrape_interval: None,
        }
    }
}

impl MonitoringOptions {
    /// The defaults.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The kube-prometheus-stack release name (its `release` label selects the
    /// sidecar's Service).
    #[must_use]
    pub fn release(mut self, release: impl Into<String>) -> Self {
        self.release = release.into();
        self
    }

    /// Whether a Thanos Ruler runs: its alerts, its dashboard, and Query's `rule`
    /// endpoint group are expected only when it does.
    #[must_use]
    pub fn ruler(mut self, ruler: bool) -> Self {
        self.ruler = ruler;
        self
    }

    /// Scrape interval of our ServiceMonitors; the Prometheus' global one when unset.
    #[must_use]
    pub fn scrape_interval(mut self, interval: Duration) -> Self {
        self.scrape_interval = Some(interval);
        self
    }

    /// The release name.
    #[must_use]
    pub fn release_name(&self) -> &str {
        &self.release
    }

    /// Whether a Ruler runs.
    #[must_use]
    pub fn has_ruler(&self) -> bool {
        self.ruler
    }

    /// The scrape interval, if set.
    #[must_use]
    pub fn interval(&self) -> Option<Duration> {
        self.scrape_interval.clone()
    }

    /// The monitored components, in [`Target::ALL`] order.
    #[must_use]
    pub fn targets(&self) -> Vec<Target> {
        Target::ALL
            .into_iter()
            .filter(|target| *target != Target::Ruler || self.ruler)
            .collect()
    }
}
