//! What watches Thanos itself and the edges.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{setters::setters, validate::Checker, Duration};

/// Monitoring of the Thanos components and of the edges' writes, each part on by default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ThanosMonitoringOptions {
    /// ServiceMonitors for Query, Receive, Store, Compactor, the sidecar and the Ruler,
    /// so central Prometheus scrapes them. Default `true`.
    pub service_monitors: bool,
    /// Alerts on each component's failure modes (compactor halted, Receive write and
    /// replication errors, sidecar upload failures, ...), evaluated by central
    /// Prometheus. Default `true`; needs the ServiceMonitors.
    pub alerts: bool,
    /// One alert per edge that fires when the edge has written nothing to Receive for
    /// [`silent_edge_after`](Self::silent_edge_after), evaluated by the Ruler over Query.
    /// Default `true`; needs the Ruler.
    pub silent_edge_alerts: bool,
    /// How long an edge may send nothing before its alert starts pending; it fires 5
    /// minutes later. Default `10m`: about 15 minutes after the edge's last sample.
    pub silent_edge_after: Duration,
    /// Grafana dashboards for the Thanos components. Default `true`.
    pub dashboards: bool,
}

impl Default for ThanosMonitoringOptions {
    fn default() -> Self {
        Self {
            service_monitors: true,
            alerts: true,
            silent_edge_alerts: true,
            silent_edge_after: Duration::minutes(10),
            dashboards: true,
        }
    }
}

impl ThanosMonitoringOptions {
    setters! {
        copy service_monitors: bool,
        copy alerts: bool,
        copy silent_edge_alerts: bool,
        set silent_edge_after: Duration,
        copy dashboards: bool,
    }

    /// Every part off.
    #[must_use]
    pub fn off() -> Self {
        Self {
            service_monitors: false,
            alerts: false,
            silent_edge_alerts: false,
            dashboards: false,
            ..Self::default()
        }
    }
}

impl ThanosMonitoringOptions {
    /// Checks the parts against each other and against the Ruler they need.
    pub(crate) fn check(&self, path: &str, has_ruler: bool, check: &mut Checker) {
        check.parsed(&format!("{path}.silentEdgeAfter"));
        if self.silent_edge_alerts && !has_ruler {
            check.error(
                &format!("{path}.silentEdgeAlerts"),
                "needs the Thanos Ruler: only rules evaluated over Thanos Query see what the edges write to Receive",
                "keep central.ruler, or set silentEdgeAlerts: false",
            );
        }
        if self.alerts && !self.service_monitors {
            check.warning(
                &format!("{path}.alerts"),
                "the Thanos alerts read metrics that only the ServiceMonitors scrape: without them the component-down alerts fire and the others never do",
                "set serviceMonitors: true, or alerts: false",
            );
        }
    }
}
