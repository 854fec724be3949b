//! Monitoring of the Thanos fleet, as typed objects: ServiceMonitors for the Thanos
//! components, the project's alerts on them, one silent-edge alert per edge cluster, and
//! Grafana dashboards.
//!
//! | function | returns | evaluated or read by |
//! | --- | --- | --- |
//! | [`service_monitors`] | ServiceMonitors for Query, Receive, Store, Compactor, the sidecar | the central Prometheus |
//! | [`thanos_alerts`] | PrometheusRule `thanos-alerts`, one group per component | the central Prometheus ([`Evaluator::Prometheus`]) |
//! | [`silent_edge_alerts`] | PrometheusRule `thanos-silent-edges`, one rule per edge | the Thanos Ruler over Query ([`Evaluator::ThanosRuler`]) |
//! | [`per_cluster_alerts`] | PrometheusRule `thanos-per-cluster`: the chart's single-cluster alerts, one rule per cluster | the Thanos Ruler over Query ([`Evaluator::ThanosRuler`]) |
//! | [`dashboards`] | one dashboard ConfigMap per component | the chart's Grafana sidecar |
//! | [`heavy_groups`] | the chart's rule groups that read long ranges, and their interval | the central overlay's patches of the chart's PrometheusRules |
//!
//! Everything takes plain parameters (namespace, options, edge `cluster` values) and
//! returns objects; nothing here reads the fleet model. [`labels`] lists the labels the
//! objects carry and who selects on them; [`Target`] the `job` label of each component.

mod alerts;
pub mod dashboard_model;
mod dashboards;
mod heavy_groups;
pub mod labels;
mod options;
mod per_cluster;
mod prometheus_rule;
pub mod promql;
mod resource;
mod service_monitor;
mod service_monitors;
mod severity;
mod silent_edges;
mod target;

pub use alerts::{thanos_alerts, THANOS_ALERTS_NAME};
pub use dashboards::{dashboard, dashboards};
pub use heavy_groups::{heavy_groups, HeavyGroup};
pub use labels::{Evaluator, EVALUATOR_LABEL, GRAFANA_DASHBOARD_LABEL, GRAFANA_DASHBOARD_VALUE};
pub use options::{MonitoringOptions, DEFAULT_RELEASE};
pub use per_cluster::{
    central_prometheus_gone, central_watchdog, per_cluster_alerts, ClusterTarget, ClusterTargets,
    CENTRAL_PROMETHEUS_GONE_ALERT, NOT_CONNECTED_ALERT, PER_CLUSTER_NAME, REPLACED_CHART_ALERTS,
    WATCHDOG_NAME,
};
pub use prometheus_rule::{
    AlertingRule, PartialResponse, PrometheusRule, PrometheusRuleSpec, RecordingRule, Rule,
    RuleError, RuleGroup, RuleProblem, SeriesCopies,
};
pub use service_monitor::{
    Endpoint, NamespaceSelector, RelabelAction, RelabelConfig, ServiceMonitor, ServiceMonitorSpec,
};
pub use service_monitors::{component_service_monitor, service_monitor, service_monitors};
pub use severity::SEVERITY_LABEL;
pub use silent_edges::{
    silent_edge_alerts, SilentEdgeOptions, CLUSTER_LABEL, SILENT_EDGES_NAME, SILENT_EDGE_ALERT,
};
pub use target::{Target, RULER_SERVICE, SIDECAR_JOB};
pub(crate) use thanos_model::AlertSeverity;
pub use thanos_model::Duration;

#[cfg(test)]
mod tests;
