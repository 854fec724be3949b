//! What watches Thanos itself and the edges.

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{validate::Checker, Duration};

/// Monitoring of the Thanos components and of the edges' writes, each part on by default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[setters(into)]
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
    /// Rules that tell the truth about one cluster among many, default `true`; without a
    /// Ruler it changes nothing (central Prometheus then evaluates the chart's rules over
    /// its own cluster only, where they are true). With the Ruler: the chart's alerts that assume one cluster (`KubeletDown`, `KubeAPIDown`,
    /// `KubeSchedulerDown`, `KubeControllerManagerDown`, `KubeProxyDown`, written as
    /// `absent(up{job=...} == 1)`, which over the whole fleet fires only when every
    /// cluster lost the target; `PrometheusNotConnectedToAlertmanagers`, which the edge
    /// agents match) are switched off and replaced by one rule per cluster; and the Ruler
    /// evaluates only the PrometheusRules labelled for it (the chart's, the fleet's, and a
    /// user's own that carries the label), not every rule of every namespace.
    pub per_cluster_rules: bool,
}

impl Default for ThanosMonitoringOptions {
    fn default() -> Self {
        Self {
            service_monitors: true,
            alerts: true,
            silent_edge_alerts: true,
            silent_edge_after: Duration::minutes(10),
            dashboards: true,
            per_cluster_rules: true,
        }
    }
}

impl ThanosMonitoringOptions {
    /// Every part off.
    #[must_use]
    pub fn off() -> Self {
        Self {
            service_monitors: false,
            alerts: false,
            silent_edge_alerts: false,
            dashboards: false,
            per_cluster_rules: false,
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
        if !self.per_cluster_rules && has_ruler {
            check.warning(
                &format!("{path}.perClusterRules"),
                "the Ruler evaluates the chart's single-cluster alerts over the whole fleet: absent(up{job=...} == 1) fires only when every cluster lost the target (one edge losing its kubelet never pages), PrometheusNotConnectedToAlertmanagers fires for every edge agent, and every PrometheusRule of every namespace is evaluated across the fleet",
                "set perClusterRules: true",
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
