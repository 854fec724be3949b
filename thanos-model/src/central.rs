//! The central cluster: long-term storage, querying, dashboards and alerting.

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    validate::Checker, Alertmanager, Compactor, ControlPlaneTargets, ExtraValues, Grafana,
    Prometheus, Query, QueryFrontend, ReadLimits, Receive, Ruler, Sizing, Store,
    ThanosMonitoringOptions, Topology,
};

/// The central cluster. It runs an HA Prometheus with the Thanos sidecar, Alertmanager,
/// Grafana and the Thanos Query, Receive, Store and Compactor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[setters(strip_option, into)]
pub struct Central {
    /// Cluster name, the overlay directory `overlays/<name>/`.
    pub name: String,
    /// kubectl context the overlay is applied with.
    ///
    /// It is written into the overlay's comment and into `kubectl --context` commands, so
    /// it is one word of letters, digits and `. _ : @ / -`, not starting with `-`.
    pub context: String,
    /// Address of the cluster's API server (recorded in the overlay's comment for
    /// operators): an IP address or DNS name with an optional port, no scheme, such as
    /// `10.0.0.1` or `api.example.com:6443`.
    pub api_address: String,
    /// Value of the `cluster` external label, a DNS label unique in the fleet; `None` uses
    /// the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_label: Option<String>,
    /// Prometheus in full mode with the sidecar.
    #[serde(default)]
    pub prometheus: Prometheus,
    /// Alertmanager.
    #[serde(default)]
    pub alertmanager: Alertmanager,
    /// Grafana.
    #[serde(default)]
    pub grafana: Grafana,
    /// Thanos Query.
    #[serde(default)]
    pub query: Query,
    /// Thanos query-frontend in front of Query, Grafana's datasource. Left out of a fleet
    /// file it is the default query-frontend; `queryFrontend: null` means none (Grafana
    /// then queries Query directly, `check` warns).
    #[serde(default = "default_query_frontend")]
    pub query_frontend: Option<QueryFrontend>,
    /// Thanos Receive.
    #[serde(default)]
    pub receive: Receive,
    /// Thanos Store.
    #[serde(default)]
    pub store: Store,
    /// Thanos Compactor.
    #[serde(default)]
    pub compactor: Compactor,
    /// Thanos Ruler, evaluating the chart's rules over every cluster. Left out of a
    /// fleet file it is the default Ruler; `ruler: null` means none (central Prometheus
    /// then evaluates the chart's rules over its own series only).
    #[serde(default = "default_ruler")]
    pub ruler: Option<Ruler>,
    /// ServiceMonitors, alerts and dashboards for Thanos and the edges.
    #[serde(default)]
    pub thanos_monitoring: ThanosMonitoringOptions,
    /// The control-plane components Prometheus can scrape here.
    #[serde(default)]
    pub control_plane: ControlPlaneTargets,
    /// Limits of one StoreAPI request on Store and Receive. Left out of a fleet file they
    /// are the defaults; `readLimits: null` leaves them out (`check` warns).
    #[serde(default = "default_read_limits")]
    pub read_limits: Option<ReadLimits>,
    /// Where the replicas run and what a drain may take.
    #[serde(default)]
    pub topology: Topology,
    /// What the fleet stores: the input of the derived requests, limits and volumes.
    #[serde(default)]
    pub sizing: Sizing,
    /// Chart values this cluster sets beside the typed ones, such as a `nodeSelector`:
    /// keys of the chart's values, none the model sets (see [`ExtraValues`]).
    #[serde(default, skip_serializing_if = "ExtraValues::is_empty")]
    pub extra_values: ExtraValues,
}

#[allow(clippy::unnecessary_wraps)] // serde's `default` needs the field's type.
fn default_read_limits() -> Option<ReadLimits> {
    Some(ReadLimits::default())
}

#[allow(clippy::unnecessary_wraps)] // serde's `default` needs the field's type.
fn default_query_frontend() -> Option<QueryFrontend> {
    Some(QueryFrontend::default())
}

#[allow(clippy::unnecessary_wraps)] // serde's `default` needs the field's type.
fn default_ruler() -> Option<Ruler> {
    Some(Ruler::default())
}

impl Central {
    /// A central cluster named `name` with every component at its default.
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            context: String::new(),
            api_address: String::new(),
            cluster_label: None,
            prometheus: Prometheus::default(),
            alertmanager: Alertmanager::default(),
            grafana: Grafana::default(),
            query: Query::default(),
            query_frontend: default_query_frontend(),
            receive: Receive::default(),
            store: Store::default(),
            compactor: Compactor::default(),
            ruler: default_ruler(),
            thanos_monitoring: ThanosMonitoringOptions::default(),
            read_limits: default_read_limits(),
            control_plane: ControlPlaneTargets::default(),
            topology: Topology::default(),
            sizing: Sizing::default(),
            extra_values: ExtraValues::default(),
        }
    }

    /// No read limits: a single query may pull every series (`check` warns).
    #[must_use]
    pub fn without_read_limits(mut self) -> Self {
        self.read_limits = None;
        self
    }

    /// No query-frontend: Grafana queries Query directly (`check` warns).
    #[must_use]
    pub fn without_query_frontend(mut self) -> Self {
        self.query_frontend = None;
        self
    }

    /// No Thanos Ruler.
    #[must_use]
    pub fn without_ruler(mut self) -> Self {
        self.ruler = None;
        self
    }

    /// The `cluster` label value: the explicit one, else the name.
    #[must_use]
    pub fn cluster_label_value(&self) -> &str {
        self.cluster_label.as_deref().unwrap_or(&self.name)
    }
}

impl Central {
    /// The central cluster's own fields and components; its name, label and context are
    /// checked against the other clusters' with the whole fleet, its Ingresses together.
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        check.context(&format!("{path}.context"), &self.context);
        check.api_address(&format!("{path}.apiAddress"), &self.api_address);
        self.prometheus.check(&format!("{path}.prometheus"), check);
        self.alertmanager
            .check(&format!("{path}.alertmanager"), check);
        self.grafana.check(&format!("{path}.grafana"), check);
        self.query.check(&format!("{path}.query"), check);
        match &self.query_frontend {
            Some(frontend) => frontend.check(&format!("{path}.queryFrontend"), check),
            None => check.warning(
                &format!("{path}.queryFrontend"),
                "no query-frontend: every dashboard range query goes whole to Query, unsplit, unretried and uncached",
                "remove queryFrontend: null to run the default query-frontend",
            ),
        }
        self.receive.check(&format!("{path}.receive"), check);
        self.store.check(&format!("{path}.store"), check);
        self.compactor.check(&format!("{path}.compactor"), check);
        if let Some(ruler) = &self.ruler {
            ruler.check(&format!("{path}.ruler"), check);
        }
        match &self.read_limits {
            Some(limits) => limits.check(&format!("{path}.readLimits"), check),
            None => check.warning(
                &format!("{path}.readLimits"),
                "no read limits: one query such as {__name__=~\".+\"} over a year can take Query, Store and Receive down",
                "remove readLimits: null to use the defaults, or set series and samples",
            ),
        }
        self.topology.check(&format!("{path}.topology"), check);
        self.sizing.check(&format!("{path}.sizing"), check);
        self.thanos_monitoring.check(
            &format!("{path}.thanosMonitoring"),
            self.ruler.is_some(),
            check,
        );
        self.extra_values
            .check(&format!("{path}.extraValues"), check);
    }
}
