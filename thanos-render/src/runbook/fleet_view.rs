//! [`FleetView`]: this fleet as the runbook sees it, read from the objects already built
//! (names, replicas, hosts, directories, ports, the remote-write URL) and, for what no
//! object holds (contexts, API addresses, the bucket, environment variable names), from
//! the fleet. (Not to be confused with the repository's `facts/`, the upstream flags.)

use std::collections::BTreeSet;

use k8s_openapi::{
    api::{
        apps::v1::{Deployment, StatefulSet},
        core::v1::PodTemplateSpec,
    },
    apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta},
};
use thanos_model::{labels, Fleet, HashringAlgorithm, ObjectStorage, S3Credentials};

use crate::{
    kustomize::{HelmChart, Kustomization},
    monitoring::{RULER_SERVICE, SILENT_EDGE_ALERT},
    overlays::{
        central::{
            grafana, s3_secret,
            thanos::{
                component::{SharedObjects, HTTP},
                monitoring::silent_edge_options,
            },
        },
        namespace,
    },
    shell::quote,
    values::{ChartValues, StorageSpec},
    Base, CentralOverlay, EdgeOverlay,
};

/// One cluster of the fleet.
#[derive(Debug, Clone)]
pub(crate) struct Cluster {
    pub name: String,
    pub context: String,
    pub api_address: String,
    /// The `cluster` external label its series carry.
    pub label: String,
    /// Its overlay directory.
    pub dir: String,
    /// Its Prometheus (central) or agent (edge) replicas.
    pub replicas: u32,
    pub node_exporter: bool,
    pub kube_state_metrics: bool,
}

impl Cluster {
    /// `<dir>/namespace.yaml`.
    pub fn namespace_file(&self) -> String {
        format!("{}/{}", self.dir, namespace::FILE)
    }
}

/// A Thanos workload of the central overlay.
#[derive(Debug, Clone)]
pub(crate) struct Workload {
    /// `deployment` or `statefulset`, as kubectl names the kind.
    pub kind: &'static str,
    pub name: String,
    pub replicas: i32,
    /// The name of its (only) container.
    pub container: String,
    /// Its Service, and the Service's HTTP port.
    pub service: String,
    pub http_port: i32,
    /// Its Ingress host, if it has one.
    pub host: Option<String>,
    /// The label selector of its pods, as `kubectl -l` takes it.
    pub selector: String,
}

impl Workload {
    /// The command that waits for its rollout, at most `timeout`.
    pub fn rollout_status(&self, kubectl: &str, timeout: &str) -> String {
        format!(
            "{kubectl} rollout status {}/{} --timeout={timeout}",
            self.kind,
            quote(&self.name)
        )
    }

    /// The pod names of a StatefulSet: `<name>-0` ... .
    pub fn pods(&self) -> Vec<String> {
        (0..self.replicas)
            .map(|ordinal| format!("{}-{ordinal}", self.name))
            .collect()
    }
}

/// The object storage bucket.
#[derive(Debug, Clone)]
pub(crate) struct Bucket {
    pub bucket: String,
    pub endpoint: String,
    pub insecure: bool,
    /// The Secret holding `objstore.yml`, and the key.
    pub secret: String,
    pub secret_key: String,
    /// How the tree's Secret file is applied, when the tree holds one.
    pub envsubst: Option<Envsubst>,
}

/// The tree's S3 Secret file and the command that fills and applies it.
#[derive(Debug, Clone)]
pub(crate) struct Envsubst {
    pub access_key_var: String,
    pub secret_key_var: String,
    /// The command, the same as in the file's comment but with the path from the root.
    pub command: String,
}

/// The admin account of Grafana: the Secret it is read from, and the Secret's keys.
#[derive(Debug, Clone, Default)]
pub(crate) struct GrafanaAdmin {
    pub secret: String,
    pub user_key: String,
    pub password_key: String,
}

/// A `name="value"` label.
#[derive(Debug, Clone)]
pub(crate) struct Label {
    pub name: String,
    pub value: String,
}

/// How long Compactor keeps blocks of each resolution.
#[derive(Debug, Clone)]
pub(crate) struct Retention {
    pub raw: String,
    pub five_minutes: String,
    pub one_hour: String,
}

/// Everything the runbook's sections quote.
#[derive(Debug, Clone)]
pub(crate) struct FleetView {
    pub namespace: String,
    pub chart: HelmChart,
    pub base_dir: String,
    pub central: Cluster,
    pub edges: Vec<Cluster>,
    /// Storage classes every cluster's volumes use, central first.
    pub central_storage_classes: Vec<String>,
    pub edge_storage_classes: Vec<String>,
    /// Classes of the central Ingresses.
    pub ingress_classes: Vec<String>,
    /// The Prometheus (and, on edges, PrometheusAgent) object the chart makes.
    pub prometheus_cr: String,
    pub prometheus_retention: String,
    pub alertmanager_cr: String,
    pub alertmanager_replicas: u32,
    /// The chart's Grafana Deployment and Service (port 80).
    pub grafana: String,
    pub grafana_host: Option<String>,
    pub grafana_admin: GrafanaAdmin,
    pub grafana_datasource: String,
    pub query: Workload,
    /// The query-frontend, when the fleet has one.
    pub query_frontend: Option<Workload>,
    /// Receive's routers, when the fleet splits them from the ingesting pods.
    pub receive_router: Option<Workload>,
    pub query_replica_labels: Vec<String>,
    pub receive: Workload,
    /// What survives a node loss, and each component's size against its need.
    pub availability: super::availability::AvailabilityView,
    pub receive_replication_factor: u32,
    pub receive_retention: String,
    /// Receive's block labels besides its replica label.
    pub receive_labels: Vec<Label>,
    pub receive_grace_seconds: i64,
    pub hashring: Hashring,
    /// Where the edges write, when Receive has an Ingress (always, with edges).
    pub remote_write_url: Option<String>,
    pub store: Workload,
    pub compactor: Workload,
    /// Raw, 5m and 1h retention, and whether downsampling is on.
    pub compactor_retention: Retention,
    pub downsampling: bool,
    pub thanos_version: String,
    pub bucket: Bucket,
    /// The Thanos Ruler, when the fleet has one.
    pub ruler: Option<Ruler>,
    /// What watches Thanos and the edges.
    pub monitoring: Monitoring,
    /// The write path's certificates, when Receive speaks TLS.
    pub write_path: Option<super::write_path::WritePath>,
    /// Where alerts go, when the fleet has receivers.
    pub alerting: Option<super::alerting::Alerting>,
    /// Pod Security, NetworkPolicies, Ingress certificates, pinned images.
    pub security: super::security::SecurityView,
}

/// The chart's Thanos Ruler.
#[derive(Debug, Clone)]
pub(crate) struct Ruler {
    /// The `ThanosRuler` resource (named from the release).
    pub cr: String,
    /// The chart's Service in front of it (named from the chart, whatever the release).
    pub service: String,
    pub replicas: u32,
}

impl Ruler {
    /// The Ruler's pods: the operator's StatefulSet `thanos-ruler-<cr>`.
    pub fn pods(&self) -> Vec<String> {
        (0..self.replicas)
            .map(|i| format!("thanos-ruler-{}-{i}", self.cr))
            .collect()
    }
}

/// The monitoring objects of `thanos-monitoring.yaml` and the components' files.
#[derive(Debug, Clone)]
pub(crate) struct Monitoring {
    pub service_monitors: bool,
    /// The PrometheusRule of the Thanos alerts.
    pub alerts: Option<ThanosAlerts>,
    /// The PrometheusRule of the silent-edge alerts.
    pub silent_edges: Option<SilentEdges>,
    /// The dashboard ConfigMaps.
    pub dashboards: Vec<String>,
}

/// Receive's hashring: its ConfigMap, the key of the file in it, and its algorithm.
#[derive(Debug, Clone)]
pub(crate) struct Hashring {
    pub config_map: String,
    pub key: String,
    pub algorithm: HashringAlgorithm,
}

impl Hashring {
    /// The command that prints the hashring Receive reads, as its ConfigMap holds it.
    pub fn command(&self, kubectl: &str) -> String {
        format!(
            "{kubectl} get configmap {} -o jsonpath={}",
            quote(&self.config_map),
            quote(&format!("{{.data.{}}}", self.key.replace('.', "\\.")))
        )
    }
}

/// The PrometheusRule of the Thanos alerts.
#[derive(Debug, Clone)]
pub(crate) struct ThanosAlerts {
    pub rule: String,
    /// Its alert names.
    pub alerts: Vec<String>,
}

/// The PrometheusRule of the silent-edge alerts.
#[derive(Debug, Clone)]
pub(crate) struct SilentEdges {
    pub rule: String,
    /// The alert's name.
    pub alert: String,
    /// How long after an edge's last sample it fires.
    pub after: String,
    /// How long after its rule is first evaluated it fires for an edge that never wrote.
    pub never_wrote: String,
}

impl FleetView {
    pub(crate) fn new(
        fleet: &Fleet,
        base: &Base,
        central: &CentralOverlay,
        edges: &[EdgeOverlay],
    ) -> Self {
        let chart = first_chart(&base.kustomization);
        let fullname = fleet.chart.fullname();
        let central_cluster = Cluster {
            name: fleet.central.name.clone(),
            context: fleet.central.context.clone(),
            api_address: fleet.central.api_address.clone(),
            label: cluster_label(&central.values)
                .unwrap_or_else(|| fleet.central.cluster_label_value().to_owned()),
            dir: central.dir().to_owned(),
            replicas: prometheus_replicas(&central.values),
            node_exporter: true,
            kube_state_metrics: true,
        };
        let edge_clusters = fleet
            .edges
            .iter()
            .zip(edges)
            .map(|(model, overlay)| Cluster {
                name: overlay.name.clone(),
                context: model.context.clone(),
                api_address: model.api_address.clone(),
                label: cluster_label(&overlay.values)
                    .unwrap_or_else(|| model.cluster_label_value().to_owned()),
                dir: overlay.dir().to_owned(),
                replicas: prometheus_replicas(&overlay.values),
                node_exporter: model.node_exporter,
                kube_state_metrics: model.kube_state_metrics,
            })
            .collect();

        let grafana_values = central.values.grafana.as_ref();
        let admin = grafana_values.and_then(|grafana| grafana.admin.as_ref());
        let receive = &fleet.central.receive;
        let compactor = &fleet.central.compactor;

        Self {
            availability: super::availability::AvailabilityView::new(fleet, central),
            namespace: name(&central.namespace.metadata).to_owned(),
            base_dir: base.dir().to_owned(),
            central_storage_classes: storage_classes(
                [&base.values, &central.values],
                [
                    &central.receive.stateful_set,
                    &central.store.stateful_set,
                    &central.compactor.stateful_set,
                ],
            ),
            edge_storage_classes: storage_classes(
                std::iter::once(&base.values).chain(edges.iter().map(|edge| &edge.values)),
                [],
            ),
            ingress_classes: central
                .query
                .shared
                .ingress
                .iter()
                .chain(&central.receive.shared.ingress)
                .filter_map(|ingress| ingress.spec.as_ref()?.ingress_class_name.clone())
                .chain(
                    grafana_values
                        .and_then(|grafana| grafana.ingress.as_ref())
                        .map(|ingress| ingress.ingress_class_name.clone()),
                )
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
            prometheus_cr: crate::overlays::central::prometheus_name(fleet),
            prometheus_retention: central
                .values
                .prometheus
                .as_ref()
                .and_then(|p| Some(p.prometheus_spec.as_ref()?.retention.as_ref()?.to_string()))
                .unwrap_or_default(),
            alerting: super::alerting::Alerting::from_values(&central.values),
            alertmanager_cr: format!("{fullname}-alertmanager"),
            alertmanager_replicas: central
                .values
                .alertmanager
                .as_ref()
                .and_then(|a| a.alertmanager_spec.as_ref())
                .map_or(1, |spec| spec.replicas),
            grafana: grafana::fullname(&fleet.chart.release),
            grafana_host: grafana_values
                .and_then(|grafana| grafana.ingress.as_ref()?.hosts.first().cloned()),
            grafana_admin: admin.map_or_else(Default::default, |admin| GrafanaAdmin {
                secret: admin.existing_secret.clone(),
                user_key: admin.user_key.clone(),
                password_key: admin.password_key.clone(),
            }),
            grafana_datasource: grafana_values
                .and_then(|grafana| grafana.sidecar.as_ref())
                .map(|sidecar| sidecar.datasources.url.clone())
                .unwrap_or_default(),
            query: deployment_workload(&central.query.deployment, &central.query.shared),
            query_frontend: central
                .query_frontend
                .as_ref()
                .map(|frontend| deployment_workload(&frontend.deployment, &frontend.shared)),
            receive_router: central
                .receive
                .router
                .as_ref()
                .map(|router| deployment_workload(&router.deployment, &router.shared)),
            query_replica_labels: fleet.query_replica_labels(),
            receive: stateful_workload(&central.receive.stateful_set, &central.receive.shared),
            receive_replication_factor: receive.replication_factor,
            receive_retention: receive.retention.to_string(),
            receive_labels: receive
                .labels
                .iter()
                .map(|(name, value)| Label {
                    name: name.clone(),
                    value: value.clone(),
                })
                .collect(),
            receive_grace_seconds: central
                .receive
                .stateful_set
                .spec
                .as_ref()
                .and_then(|spec| {
                    spec.template
                        .spec
                        .as_ref()?
                        .termination_grace_period_seconds
                })
                .unwrap_or(30),
            hashring: Hashring {
                config_map: name(&central.receive.hashring.metadata).to_owned(),
                key: central
                    .receive
                    .hashring
                    .data
                    .as_ref()
                    .and_then(|data| data.keys().next().cloned())
                    .unwrap_or_default(),
                algorithm: receive.hashring_algorithm,
            },
            remote_write_url: central.receive.remote_write_url().map(ToString::to_string),
            store: stateful_workload(&central.store.stateful_set, &central.store.shared),
            compactor: stateful_workload(
                &central.compactor.stateful_set,
                &central.compactor.shared,
            ),
            compactor_retention: Retention {
                raw: compactor.retention.raw.to_string(),
                five_minutes: compactor.retention.five_minutes.to_string(),
                one_hour: compactor.retention.one_hour.to_string(),
            },
            downsampling: compactor.downsampling,
            ruler: central.values.thanos_ruler.as_ref().map(|ruler| Ruler {
                cr: format!("{fullname}-thanos-ruler"),
                service: RULER_SERVICE.to_owned(),
                replicas: ruler.thanos_ruler_spec.replicas,
            }),
            monitoring: monitoring(fleet, central),
            write_path: super::write_path::WritePath::new(fleet, central, edges),
            security: super::security::SecurityView::new(fleet, central),
            thanos_version: fleet.thanos.version.clone(),
            bucket: bucket(fleet, central),
            chart,
            central: central_cluster,
            edges: edge_clusters,
        }
    }

    /// Every cluster, central first.
    pub fn clusters(&self) -> impl Iterator<Item = &Cluster> {
        std::iter::once(&self.central).chain(&self.edges)
    }

    /// The chart's CRD directory once a build has unpacked the chart into the overlay
    /// `dir`: kustomize's default chart home `charts/`, then
    /// `<chart>-<version>/<chart>/`, then the chart's `crds` subchart's `crds/`.
    pub fn crds_dir(&self, dir: &str) -> String {
        let HelmChart { name, version, .. } = &self.chart;
        format!("{dir}/charts/{name}-{version}/{name}/charts/crds/crds/")
    }

    /// The pods of the chart's Prometheus on the central cluster:
    /// `prometheus-<object>-<i>`.
    pub fn prometheus_pods(&self) -> Vec<String> {
        (0..self.central.replicas)
            .map(|i| format!("prometheus-{}-{i}", self.prometheus_cr))
            .collect()
    }

    /// The pods of an edge's PrometheusAgent: `prom-agent-<object>-<i>`.
    pub fn agent_pods(&self, edge: &Cluster) -> Vec<String> {
        (0..edge.replicas)
            .map(|i| format!("prom-agent-{}-{i}", self.prometheus_cr))
            .collect()
    }

    /// The Alertmanager pods: `alertmanager-<object>-<i>`.
    pub fn alertmanager_pods(&self) -> Vec<String> {
        (0..self.alertmanager_replicas)
            .map(|i| format!("alertmanager-{}-{i}", self.alertmanager_cr))
            .collect()
    }

    /// Query's base URL: its Ingress host, else the local end of a port-forward.
    pub fn query_url(&self) -> String {
        match &self.query.host {
            Some(host) => format!("http://{host}"),
            None => format!("http://localhost:{}", self.query.http_port),
        }
    }

    /// The `cluster` label value of every cluster, central first.
    pub fn cluster_labels(&self) -> Vec<String> {
        self.clusters().map(|c| c.label.clone()).collect()
    }
}

fn name(meta: &ObjectMeta) -> &str {
    meta.name.as_deref().unwrap_or_default()
}

fn first_chart(kustomization: &Kustomization) -> HelmChart {
    kustomization
        .helm_charts
        .first()
        .cloned()
        .unwrap_or_else(|| unreachable!("every kustomization of the tree has its chart"))
}

/// The `cluster` external label of a values file.
fn cluster_label(values: &ChartValues) -> Option<String> {
    values
        .prometheus
        .as_ref()?
        .prometheus_spec
        .as_ref()?
        .external_labels
        .as_ref()?
        .get(labels::CLUSTER)
        .cloned()
}

fn prometheus_replicas(values: &ChartValues) -> u32 {
    values
        .prometheus
        .as_ref()
        .and_then(|p| p.prometheus_spec.as_ref()?.replicas)
        .unwrap_or(1)
}

/// A `kubectl -l` selector of the pods of a workload: its `matchLabels`, sorted.
fn selector(selector: Option<&LabelSelector>) -> String {
    selector
        .and_then(|selector| selector.match_labels.as_ref())
        .map(|labels| {
            labels
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
}

/// A Deployment and its shared objects as the runbook shows them.
fn deployment_workload(deployment: &Deployment, shared: &SharedObjects) -> Workload {
    let spec = deployment.spec.as_ref();
    Workload {
        replicas: deployment_replicas(deployment),
        ..workload(
            &deployment.metadata,
            spec.map(|spec| &spec.template),
            spec.map(|spec| &spec.selector),
            shared,
        )
    }
}

fn deployment_replicas(deployment: &Deployment) -> i32 {
    deployment
        .spec
        .as_ref()
        .and_then(|spec| spec.replicas)
        .unwrap_or(1)
}

fn workload(
    meta: &ObjectMeta,
    template: Option<&PodTemplateSpec>,
    pod_selector: Option<&LabelSelector>,
    shared: &SharedObjects,
) -> Workload {
    let (service, ingress) = (&shared.service, shared.ingress.as_ref());
    Workload {
        kind: "deployment",
        name: name(meta).to_owned(),
        selector: selector(pod_selector),
        replicas: 1,
        container: template
            .and_then(|template| template.spec.as_ref()?.containers.first())
            .map(|container| container.name.clone())
            .unwrap_or_default(),
        service: name(&service.metadata).to_owned(),
        http_port: service
            .spec
            .as_ref()
            .and_then(|spec| {
                spec.ports
                    .as_ref()?
                    .iter()
                    .find(|port| port.name.as_deref() == Some(HTTP.name))
            })
            .map_or(0, |port| port.port),
        host: ingress
            .and_then(|ingress| ingress.spec.as_ref()?.rules.as_ref()?.first()?.host.clone()),
    }
}

fn stateful_workload(stateful_set: &StatefulSet, shared: &SharedObjects) -> Workload {
    let spec = stateful_set.spec.as_ref();
    Workload {
        kind: "statefulset",
        replicas: spec.and_then(|spec| spec.replicas).unwrap_or(1),
        ..workload(
            &stateful_set.metadata,
            spec.map(|spec| &spec.template),
            spec.map(|spec| &spec.selector),
            shared,
        )
    }
}

/// The distinct storage classes of values files' Prometheus and Alertmanager volumes and
/// of StatefulSets' claims, sorted.
fn storage_classes<'a>(
    values: impl IntoIterator<Item = &'a ChartValues>,
    stateful_sets: impl IntoIterator<Item = &'a StatefulSet>,
) -> Vec<String> {
    let class = |spec: &StorageSpec| spec.volume_claim_template.spec.storage_class_name.clone();
    let mut classes = BTreeSet::new();
    for values in values {
        let prometheus = values
            .prometheus
            .as_ref()
            .and_then(|p| p.prometheus_spec.as_ref()?.storage_spec.as_ref());
        let alertmanager = values
            .alertmanager
            .as_ref()
            .and_then(|a| a.alertmanager_spec.as_ref())
            .map(|spec| &spec.storage);
        classes.extend(prometheus.into_iter().chain(alertmanager).filter_map(class));
    }
    for stateful_set in stateful_sets {
        let claims = stateful_set
            .spec
            .as_ref()
            .and_then(|spec| spec.volume_claim_templates.as_ref());
        classes.extend(
            claims
                .into_iter()
                .flatten()
                .filter_map(|claim| claim.spec.as_ref()?.storage_class_name.clone()),
        );
    }
    classes.into_iter().collect()
}

fn bucket(fleet: &Fleet, central: &CentralOverlay) -> Bucket {
    let ObjectStorage::S3(s3) = &fleet.object_storage;
    let envsubst = match (&s3.credentials, &central.s3_secret) {
        (
            S3Credentials::Envsubst {
                access_key_var,
                secret_key_var,
            },
            Some(_),
        ) => s3_secret::apply_command(fleet, &format!("{}/{}", central.dir(), s3_secret::FILE))
            .map(|command| Envsubst {
                access_key_var: access_key_var.clone(),
                secret_key_var: secret_key_var.clone(),
                command,
            }),
        _ => None,
    };
    Bucket {
        bucket: s3.bucket.clone(),
        endpoint: s3.endpoint_host().to_owned(),
        insecure: s3.plain_http(),
        secret: central.s3_secret.as_ref().map_or_else(
            || s3.config_secret.name.clone(),
            |secret| name(&secret.metadata).to_owned(),
        ),
        secret_key: s3.config_secret.key.clone(),
        envsubst,
    }
}

/// What the overlay's monitoring objects are.
fn monitoring(fleet: &Fleet, central: &CentralOverlay) -> Monitoring {
    let monitoring = &central.monitoring;
    let mut alert_names: Vec<String> = monitoring
        .alerts
        .iter()
        .flat_map(|rule| rule.alerts().map(|alert| alert.alert.clone()))
        .collect();
    alert_names.dedup();
    Monitoring {
        service_monitors: central.query.shared.service_monitor.is_some(),
        alerts: monitoring.alerts.as_ref().map(|rule| ThanosAlerts {
            rule: name(&rule.metadata).to_owned(),
            alerts: alert_names,
        }),
        silent_edges: monitoring.silent_edges.as_ref().map(|rule| SilentEdges {
            rule: name(&rule.metadata).to_owned(),
            alert: SILENT_EDGE_ALERT.to_owned(),
            after: silent_edge_options(fleet).time_to_fire().to_string(),
            never_wrote: silent_edge_options(fleet).pending().to_string(),
        }),
        dashboards: monitoring
            .dashboards
            .iter()
            .map(|map| name(&map.metadata).to_owned())
            .collect(),
    }
}
