//! An edge overlay: `values-edge.yaml` and `kustomization.yaml`.

use k8s_openapi::api::core::v1::Namespace;
use thanos_model::{ClientCertificate, Component, Edge, Fleet, EDGE_CLIENT_SECRET};

use crate::{
    kustomize::Kustomization,
    overlays::{
        self,
        central::{
            network_policies::{self, NetworkPolicies},
            thanos::{
                pod::{CA_CRT, TLS_CRT, TLS_KEY},
                receive::RemoteWriteUrl,
            },
        },
        namespace, FileObjects,
    },
    values::{
        resource_requirements, AdditionalArg, AlertmanagerValues, ChartValues, Create, Enabled,
        ExistingSecret, GrafanaValues, PrometheusSpecValues, PrometheusValues, QueueConfig,
        RemoteWrite, RemoteWriteTlsConfig, SecretOrConfigMap, StorageSpec,
    },
    yaml, Tree,
};

/// An edge overlay's values file.
pub const VALUES_FILE: &str = "values-edge.yaml";

/// `overlays/<edge>/<chart>/`: the chart in agent mode, writing to the central Receive.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct EdgeOverlay {
    /// The edge cluster's name, as in the fleet.
    pub name: String,
    /// `values-edge.yaml`.
    pub values: ChartValues,
    /// `kustomization.yaml`: the chart with the base and edge values.
    pub kustomization: Kustomization,
    /// `namespace.yaml`.
    pub namespace: Namespace,
    /// node-exporter's own namespace, in `namespace.yaml` too, when the fleet's namespace
    /// enforces a Pod Security level.
    pub node_exporter_namespace: Option<Namespace>,
    /// `network-policies.yaml`, when the fleet has NetworkPolicies: the default deny and
    /// what the agent needs.
    pub network_policies: Option<NetworkPolicies>,
    dir: String,
    kustomization_comment: Vec<String>,
}

impl EdgeOverlay {
    /// Builds the overlay of every edge of a validated fleet, each writing to
    /// Receive's `remote_write_url`: validation refuses edges while Receive has no Ingress
    /// (`Checker::receive_reachable` in thanos-model), so without one there are
    /// no edges.
    pub(crate) fn all(fleet: &Fleet, remote_write_url: Option<&RemoteWriteUrl>) -> Vec<Self> {
        let Some(remote_write_url) = remote_write_url else {
            return Vec::new();
        };
        fleet
            .edges
            .iter()
            .map(|edge| Self::new(fleet, edge, remote_write_url))
            .collect()
    }

    /// Builds the overlay of one edge of a validated fleet.
    fn new(fleet: &Fleet, edge: &Edge, remote_write_url: &RemoteWriteUrl) -> Self {
        let dir = overlays::dir(fleet, &edge.name);
        let network_policies = NetworkPolicies::edge(fleet);
        Self {
            name: edge.name.clone(),
            values: values(fleet, edge, remote_write_url),
            kustomization: Kustomization::new(overlays::chart(fleet, VALUES_FILE)).resources(
                [namespace::FILE]
                    .into_iter()
                    .chain(network_policies.is_some().then_some(network_policies::FILE))
                    .map(str::to_owned),
            ),
            network_policies,
            namespace: namespace::namespace(fleet),
            node_exporter_namespace: namespace::node_exporter_namespace(fleet),
            kustomization_comment: overlays::cluster_comment(
                &edge.context,
                &edge.api_address,
                &dir,
            ),
            dir,
        }
    }

    /// The overlay's directory, relative to the tree's root.
    #[must_use]
    pub fn dir(&self) -> &str {
        &self.dir
    }

    /// Serializes the overlay's files into `tree`, reusing the YAML of the edge before
    /// (in `yaml`) where it is the same.
    pub(crate) fn add_to<'a>(&'a self, tree: &mut Tree, yaml: &mut overlays::ChartYaml<'a>) {
        overlays::add_chart_files(
            tree,
            yaml,
            &self.dir,
            (VALUES_FILE, &self.values),
            &self.kustomization,
            &self.kustomization_comment,
            &std::iter::once(&self.namespace)
                .chain(&self.node_exporter_namespace)
                .collect::<Vec<_>>(),
        );
        if let Some(policies) = &self.network_policies {
            tree.insert(
                format!("{}/{}", self.dir, network_policies::FILE),
                yaml::documents(policies.documents()),
                &[],
            );
        }
    }
}

/// Agent mode writing to the central Receive, and everything an agent cluster does not
/// run turned off: Grafana, Alertmanager, the default rules (an agent evaluates none),
/// and scrapers of control-plane parts that edges do not expose.
fn values(fleet: &Fleet, edge: &Edge, remote_write_url: &RemoteWriteUrl) -> ChartValues {
    let agent = &edge.agent;
    let queue = &agent.queue;
    ChartValues {
        prometheus: Some(PrometheusValues {
            agent_mode: Some(true),
            prometheus_spec: Some(PrometheusSpecValues {
                scrape_interval: agent.scrape_interval.clone(),
                replicas: Some(agent.replicas),
                external_labels: Some(overlays::cluster_external_labels(
                    edge.cluster_label_value(),
                )),
                replica_external_label_name_clear: agent.drop_replica_label.then_some(true),
                remote_write: Some(vec![RemoteWrite {
                    name: Component::Receive.name().to_owned(),
                    url: remote_write_url.to_string(),
                    queue_config: QueueConfig {
                        capacity: queue.capacity,
                        min_shards: queue.min_shards,
                        max_shards: queue.max_shards,
                        max_samples_per_send: queue.max_samples_per_send,
                        batch_send_deadline: queue.batch_send_deadline.clone(),
                        retry_on_rate_limit: queue.retry_on_rate_limit.then_some(true),
                    },
                    tls_config: tls_config(fleet, edge),
                }]),
                additional_args: agent.wal_retention.as_ref().map(|retention| {
                    vec![AdditionalArg {
                        name: WAL_RETENTION_FLAG.to_owned(),
                        value: retention.to_string(),
                    }]
                }),
                resources: Some(resource_requirements(&agent.resources)),
                storage_spec: Some(StorageSpec::of(&agent.storage, None)),
                ..PrometheusSpecValues::default()
            }),
            ..PrometheusValues::default()
        }),
        alertmanager: Some(AlertmanagerValues {
            enabled: Some(false),
            ..AlertmanagerValues::default()
        }),
        grafana: Some(GrafanaValues {
            enabled: Some(false),
            ..GrafanaValues::default()
        }),
        default_rules: Some(Create::default()),
        kube_controller_manager: Some(Enabled::OFF),
        kube_etcd: Some(Enabled::OFF),
        kube_scheduler: Some(Enabled::OFF),
        kube_proxy: Some(Enabled::OFF),
        // On in the base; only an edge that turns them off says so.
        node_exporter: (!edge.node_exporter).then_some(Enabled::OFF),
        kube_state_metrics: (!edge.kube_state_metrics).then_some(Enabled::OFF),
        extra_values: edge.extra_values.clone(),
        ..ChartValues::default()
    }
}

/// The agent flag (without `--`) that bounds how long unsent samples stay in the WAL.
pub const WAL_RETENTION_FLAG: &str = "storage.agent.retention.max-time";

/// The Secret on the edge holding its client certificate, when Receive speaks TLS.
#[must_use]
pub fn client_secret(fleet: &Fleet, edge: &Edge) -> Option<String> {
    fleet.central.receive.remote_write.tls.as_ref()?;
    Some(match &edge.client_certificate {
        Some(ClientCertificate::ExistingSecret { secret_name }) => secret_name.clone(),
        Some(ClientCertificate::CertManager) | None => EDGE_CLIENT_SECRET.to_owned(),
    })
}

/// `remoteWrite[].tlsConfig`: the edge's client certificate Secret, by reference only.
fn tls_config(fleet: &Fleet, edge: &Edge) -> Option<RemoteWriteTlsConfig> {
    let secret = client_secret(fleet, edge)?;
    let ingress = fleet.central.receive.ingress.as_ref()?;
    let key = |key: &str| ExistingSecret {
        name: secret.clone(),
        key: key.to_owned(),
    };
    Some(RemoteWriteTlsConfig {
        ca: SecretOrConfigMap {
            secret: key(CA_CRT),
        },
        cert: SecretOrConfigMap {
            secret: key(TLS_CRT),
        },
        key_secret: key(TLS_KEY),
        server_name: fleet.ingress_host(ingress, Component::Receive),
        min_version: "TLS13".to_owned(),
    })
}
