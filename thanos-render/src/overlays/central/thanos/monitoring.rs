//! `thanos-monitoring.yaml`: what watches the fleet besides each component's own
//! ServiceMonitor: the sidecars' ServiceMonitor, the Thanos alerts (central Prometheus),
//! one silent-edge alert per edge (the Ruler) and the Thanos dashboards. Written only
//! when the fleet turns any of them on.

use k8s_openapi::api::core::v1::ConfigMap;
use thanos_model::{Component, Fleet};

use crate::{
    monitoring::{
        self, ClusterTarget, ClusterTargets, MonitoringOptions, PrometheusRule, SeriesCopies,
        ServiceMonitor, SilentEdgeOptions, Target,
    },
    overlays::FileObjects,
    yaml::Documents,
};

/// The file the objects are written to.
pub const FILE: &str = "thanos-monitoring.yaml";

/// The objects of `thanos-monitoring.yaml`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ThanosMonitoring {
    /// `thanos-sidecar`: central Prometheus scrapes its own sidecars.
    pub sidecar_service_monitor: Option<ServiceMonitor>,
    /// `thanos-alerts`: each component's failure modes, evaluated by central Prometheus.
    pub alerts: Option<PrometheusRule>,
    /// `thanos-watchdog`: central Prometheus's own Watchdog, with the alerts.
    pub watchdog: Option<PrometheusRule>,
    /// `thanos-silent-edges`: one alert per edge, evaluated by the Ruler over Query.
    pub silent_edges: Option<PrometheusRule>,
    /// `thanos-per-cluster`: the chart's single-cluster alerts, one rule per cluster,
    /// evaluated by the Ruler over Query.
    pub per_cluster: Option<PrometheusRule>,
    /// `thanos-dashboard-<component>`: the Thanos dashboards, loaded by Grafana's sidecar.
    pub dashboards: Vec<ConfigMap>,
}

impl ThanosMonitoring {
    /// Builds the objects of a validated fleet.
    pub(crate) fn new(fleet: &Fleet) -> Self {
        let wanted = &fleet.central.thanos_monitoring;
        let options = options(fleet);
        let namespace = &fleet.namespace;
        Self {
            sidecar_service_monitor: wanted
                .service_monitors
                .then(|| monitoring::service_monitor(namespace, &options, Target::Sidecar))
                .flatten(),
            alerts: wanted
                .alerts
                .then(|| monitoring::thanos_alerts(namespace, &options)),
            watchdog: wanted
                .alerts
                .then(|| monitoring::central_watchdog(namespace)),
            silent_edges: (wanted.silent_edge_alerts && !fleet.edges.is_empty()).then(|| {
                let edges: Vec<&str> = fleet
                    .edges
                    .iter()
                    .map(thanos_model::Edge::cluster_label_value)
                    .collect();
                monitoring::silent_edge_alerts(namespace, &edges, &silent_edge_options(fleet))
            }),
            per_cluster: per_cluster(fleet),
            dashboards: if wanted.dashboards {
                monitoring::dashboards(namespace, &options)
            } else {
                Vec::new()
            },
        }
    }

    /// Whether the file has anything to hold.
    pub(crate) fn is_empty(&self) -> bool {
        self.sidecar_service_monitor.is_none()
            && self.alerts.is_none()
            && self.watchdog.is_none()
            && self.silent_edges.is_none()
            && self.per_cluster.is_none()
            && self.dashboards.is_empty()
    }
}

impl FileObjects for ThanosMonitoring {
    fn add_to(&self, documents: Documents) -> Documents {
        documents
            .all(&self.sidecar_service_monitor)
            .all(&self.alerts)
            .all(&self.watchdog)
            .all(&self.silent_edges)
            .all(&self.per_cluster)
            .all(&self.dashboards)
    }
}

/// The per-cluster alerts, when the Ruler evaluates the chart's rules with them: every
/// cluster has its kubelet and API server scraped, central also the control-plane
/// components it exposes (edges scrape none of them).
fn per_cluster(fleet: &Fleet) -> Option<PrometheusRule> {
    if !crate::overlays::central::ruler::per_cluster_rules(fleet) {
        return None;
    }
    let always = [ClusterTarget::Kubelet, ClusterTarget::ApiServer];
    let control_plane = &fleet.central.control_plane;
    let central = ClusterTargets {
        cluster: fleet.central.cluster_label_value().to_owned(),
        targets: always
            .into_iter()
            .chain(control_plane.scheduler.then_some(ClusterTarget::Scheduler))
            .chain(
                control_plane
                    .controller_manager
                    .then_some(ClusterTarget::ControllerManager),
            )
            .chain(control_plane.proxy.then_some(ClusterTarget::Proxy))
            .collect(),
    };
    let clusters: Vec<ClusterTargets> = std::iter::once(central)
        .chain(fleet.edges.iter().map(|edge| ClusterTargets {
            cluster: edge.cluster_label_value().to_owned(),
            targets: always.into_iter().collect(),
        }))
        .collect();
    Some(monitoring::per_cluster_alerts(
        &fleet.namespace,
        &clusters,
        fleet.central.cluster_label_value(),
        &crate::overlays::central::prometheus_name(fleet),
        // The edges' `up` series are Receive's copies, central's its Prometheus replicas'.
        SeriesCopies::of(
            fleet
                .central
                .receive
                .replication_factor
                .min(fleet.central.prometheus.replicas),
        ),
    ))
}

/// What the monitoring objects of this fleet depend on.
pub(crate) fn options(fleet: &Fleet) -> MonitoringOptions {
    MonitoringOptions::new()
        .release(fleet.chart.release.clone())
        .ruler(fleet.central.ruler.is_some())
}

/// How long an edge may stay silent: the fleet's `silentEdgeAfter` as the window, in
/// whole seconds (rounded up, at least one), as PromQL ranges are written.
/// The Ruler's query offset and Receive's replication count too.
pub(crate) fn silent_edge_options(fleet: &Fleet) -> SilentEdgeOptions {
    let after = &fleet.central.thanos_monitoring.silent_edge_after;
    let offset = fleet.central.ruler.as_ref().map_or_else(
        || monitoring::Duration::milliseconds(0),
        |ruler| ruler.query_offset.clone(),
    );
    SilentEdgeOptions::default()
        .window(monitoring::Duration::seconds(
            after.as_millis().div_ceil(1000).max(1),
        ))
        .query_offset(offset)
        .copies(SeriesCopies::of(fleet.central.receive.replication_factor))
}

/// The ServiceMonitor of one of our components, when the fleet wants them.
pub(crate) fn service_monitor(fleet: &Fleet, component: Component) -> Option<ServiceMonitor> {
    fleet.central.thanos_monitoring.service_monitors.then(|| {
        monitoring::component_service_monitor(&fleet.namespace, &options(fleet), component)
    })
}
