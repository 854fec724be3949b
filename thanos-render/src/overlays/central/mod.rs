//! The central overlay: `values-central.yaml`, `kustomization.yaml`, the S3 Secret and the
//! Thanos manifests.

pub mod alertmanager;
pub mod certificates;
pub mod grafana;
pub mod network_policies;
pub mod ruler;
pub mod s3_secret;
pub mod thanos;

use k8s_openapi::api::core::v1::{Namespace, PodTemplateSpec, Secret};
use thanos_model::Fleet;

use self::certificates::{GrpcCertificates, IngressCertificates, WriteCertificates};
use self::grafana::GrafanaRbacObjects;
use self::network_policies::NetworkPolicies;
use self::thanos::{
    compactor::{self, ThanosCompactor},
    monitoring::{self, ThanosMonitoring},
    query::{self, ThanosQuery},
    query_frontend::{self, ThanosQueryFrontend},
    receive::{self, ThanosReceive},
    store::{self, ThanosStore},
};
use crate::{
    kustomize::Kustomization,
    overlays::{self, namespace, FileObjects},
    values::{
        resource_requirements, ChartValues, Enabled, ObjectStorageConfigValues,
        PrometheusSpecValues, PrometheusValues, StorageSpec, ThanosSidecarValues,
    },
    yaml::{self, Documents},
    Tree,
};

/// The central overlay's values file.
pub const VALUES_FILE: &str = "values-central.yaml";

/// `overlays/<central>/<chart>/`: the chart with the central values, the Thanos
/// components, and the object storage Secret applied on its own.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CentralOverlay {
    /// `values-central.yaml`: Prometheus with the sidecar, Alertmanager, Grafana.
    pub values: ChartValues,
    /// `kustomization.yaml`: the chart with the base and central values, and the Thanos
    /// files as resources.
    pub kustomization: Kustomization,
    /// `namespace.yaml`.
    pub namespace: Namespace,
    /// node-exporter's own namespace, in `namespace.yaml` too, when the fleet's namespace
    /// enforces a Pod Security level.
    pub node_exporter_namespace: Option<Namespace>,
    /// `thanos-s3-secret.yaml`, with envsubst placeholders; `None` when the fleet reads
    /// the objstore config from an existing Secret.
    pub s3_secret: Option<Secret>,
    /// `thanos-query.yaml`.
    pub query: ThanosQuery,
    /// `thanos-query-frontend.yaml`, when the fleet has a query-frontend.
    pub query_frontend: Option<ThanosQueryFrontend>,
    /// `thanos-receive.yaml`.
    pub receive: ThanosReceive,
    /// `thanos-store.yaml`.
    pub store: ThanosStore,
    /// `thanos-compactor.yaml`.
    pub compactor: ThanosCompactor,
    /// `thanos-monitoring.yaml`, written when it holds anything.
    pub monitoring: ThanosMonitoring,
    /// `thanos-certificates.yaml`, when cert-manager issues the write path's
    /// certificates.
    pub certificates: Option<WriteCertificates>,
    /// The Ingress certificates in `thanos-certificates.yaml` (after the write path's),
    /// when cert-manager issues them.
    pub ingress_certificates: Option<IngressCertificates>,
    /// The StoreAPIs' certificates in `thanos-certificates.yaml` (after the Ingresses'),
    /// with `security.grpcTls`.
    pub grpc_certificates: Option<GrpcCertificates>,
    /// `network-policies.yaml`, when the fleet has NetworkPolicies.
    pub network_policies: Option<NetworkPolicies>,
    /// `grafana-rbac.yaml`, when Grafana's sidecars read the fleet's namespace only.
    pub grafana_rbac: Option<GrafanaRbacObjects>,
    name: String,
    dir: String,
    kustomization_comment: Vec<String>,
    s3_secret_comment: Vec<String>,
}

impl CentralOverlay {
    /// Builds the overlay of a validated fleet.
    pub(crate) fn new(fleet: &Fleet) -> Self {
        let central = &fleet.central;
        let dir = overlays::dir(fleet, &central.name);
        // The S3 Secret is deliberately not a resource: it holds envsubst placeholders and
        // is applied on its own, so applying the overlay never replaces the real Secret.
        let monitoring = ThanosMonitoring::new(fleet);
        let (certificates, ingress_certificates, grpc_certificates) = certificates::parts(fleet);
        let network_policies = NetworkPolicies::new(fleet);
        let grafana_rbac = GrafanaRbacObjects::new(fleet);
        let query_frontend = ThanosQueryFrontend::new(fleet);
        let kustomization = Kustomization::new(overlays::chart(fleet, VALUES_FILE))
            .resources(
                [namespace::FILE]
                    .into_iter()
                    .chain(
                        (certificates.is_some()
                            || ingress_certificates.is_some()
                            || grpc_certificates.is_some())
                        .then_some(certificates::FILE),
                    )
                    .chain([query::FILE])
                    .chain(query_frontend.as_ref().map(|_| query_frontend::FILE))
                    .chain([receive::FILE, store::FILE, compactor::FILE])
                    .chain((!monitoring.is_empty()).then_some(monitoring::FILE))
                    .chain(network_policies.is_some().then_some(network_policies::FILE))
                    .chain(grafana_rbac.is_some().then_some(grafana::RBAC_FILE))
                    .map(str::to_owned),
            )
            .patches(ruler::heavy_group_patches(fleet));
        Self {
            values: values(fleet),
            kustomization,
            namespace: namespace::namespace(fleet),
            node_exporter_namespace: namespace::node_exporter_namespace(fleet),
            s3_secret: s3_secret::secret(fleet),
            query: ThanosQuery::new(fleet),
            query_frontend,
            receive: ThanosReceive::new(fleet),
            store: ThanosStore::new(fleet),
            compactor: ThanosCompactor::new(fleet),
            monitoring,
            certificates,
            ingress_certificates,
            grpc_certificates,
            network_policies,
            grafana_rbac,
            kustomization_comment: overlays::cluster_comment(
                &central.context,
                &central.api_address,
                &dir,
            ),
            s3_secret_comment: s3_secret::comment(fleet),
            name: central.name.clone(),
            dir,
        }
    }

    /// The central cluster's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The overlay's directory, relative to the tree's root.
    #[must_use]
    pub fn dir(&self) -> &str {
        &self.dir
    }

    /// The pod template of every Thanos workload of the overlay (Query, the
    /// query-frontend, Receive and its routers, Store, Compactor), to add what every Thanos pod needs,
    /// such as a toleration.
    pub fn thanos_pod_templates_mut(&mut self) -> impl Iterator<Item = &mut PodTemplateSpec> {
        let frontend = self
            .query_frontend
            .as_mut()
            .and_then(|frontend| frontend.deployment.spec.as_mut())
            .map(|spec| &mut spec.template);
        let router = self
            .receive
            .router
            .as_mut()
            .and_then(|router| router.deployment.spec.as_mut())
            .map(|spec| &mut spec.template);
        let deployment = self.query.deployment.spec.as_mut();
        let stateful_sets = [
            &mut self.receive.stateful_set,
            &mut self.store.stateful_set,
            &mut self.compactor.stateful_set,
        ]
        .into_iter()
        .chain(&mut self.store.shards)
        .filter_map(|stateful_set| stateful_set.spec.as_mut());
        let templates = deployment.map(|spec| &mut spec.template);
        templates
            .into_iter()
            .chain(frontend)
            .chain(router)
            .chain(stateful_sets.map(|spec| &mut spec.template))
    }

    /// Serializes the overlay's files into `tree`.
    pub(crate) fn add_to(&self, tree: &mut Tree) {
        let dir = &self.dir;
        overlays::add_chart_files(
            tree,
            &mut overlays::ChartYaml::default(),
            dir,
            (VALUES_FILE, &self.values),
            &self.kustomization,
            &self.kustomization_comment,
            &std::iter::once(&self.namespace)
                .chain(&self.node_exporter_namespace)
                .collect::<Vec<_>>(),
        );
        if let Some(secret) = &self.s3_secret {
            tree.insert(
                format!("{dir}/{}", s3_secret::FILE),
                yaml::to_yaml(secret),
                &self.s3_secret_comment,
            );
        }
        let files: [(&str, &[&dyn FileObjects]); 9] = [
            (
                certificates::FILE,
                &[
                    &self.certificates,
                    &self.ingress_certificates,
                    &self.grpc_certificates,
                ],
            ),
            (query::FILE, &[&self.query]),
            (query_frontend::FILE, &[&self.query_frontend]),
            (receive::FILE, &[&self.receive]),
            (store::FILE, &[&self.store]),
            (compactor::FILE, &[&self.compactor]),
            (monitoring::FILE, &[&self.monitoring]),
            (network_policies::FILE, &[&self.network_policies]),
            (grafana::RBAC_FILE, &[&self.grafana_rbac]),
        ];
        // A file is written when it holds anything.
        for (file, parts) in files {
            let documents = parts
                .iter()
                .fold(Documents::default(), |documents, part| {
                    part.add_to(documents)
                })
                .into_vec();
            if !documents.is_empty() {
                tree.insert(format!("{dir}/{file}"), yaml::documents(documents), &[]);
            }
        }
    }
}

/// The chart's headless Service in front of the sidecars.
pub(crate) fn sidecar_service(fleet: &Fleet) -> String {
    format!("{}-thanos-discovery", fleet.chart.fullname())
}

/// The chart's central Prometheus: the name of its `Prometheus` resource and of its
/// Service, and so the `job` of its series: `<fullname>-prometheus`.
pub(crate) fn prometheus_name(fleet: &Fleet) -> String {
    format!("{}-prometheus", fleet.chart.fullname())
}

/// Prometheus in full mode with the sidecar, Alertmanager, and Grafana reading Thanos
/// Query (through the query-frontend when the fleet has one).
fn values(fleet: &Fleet) -> ChartValues {
    let central = &fleet.central;
    let prometheus = &central.prometheus;
    let sidecar_image = fleet.image(prometheus.sidecar.image.as_ref());
    let objstore = fleet.object_storage.config_secret();
    let control_plane = &central.control_plane;
    let sidecar_tls = thanos::grpc_tls::operator_mount(fleet, thanos::grpc_tls::GrpcPeer::Sidecar);
    let (prometheus_placement, prometheus_budget) = thanos::pod::chart_placement(
        fleet,
        network_policies::PROMETHEUS.label,
        prometheus.replicas,
    );

    ChartValues {
        prometheus: Some(PrometheusValues {
            thanos_service: Some(Enabled::ON),
            prometheus_spec: Some(PrometheusSpecValues {
                rule_selector: ruler::prometheus_rule_selector(fleet),
                replicas: Some(prometheus.replicas),
                retention: Some(prometheus.retention.clone()),
                external_labels: Some(overlays::cluster_external_labels(
                    central.cluster_label_value(),
                )),
                resources: Some(resource_requirements(&prometheus.resources)),
                storage_spec: Some(StorageSpec::of(&prometheus.storage, None)),
                thanos: Some(ThanosSidecarValues {
                    image: sidecar_image.to_string(),
                    version: sidecar_image.version.clone(),
                    resources: resource_requirements(&prometheus.sidecar.resources),
                    object_storage_config: ObjectStorageConfigValues::existing(objstore),
                    additional_args: thanos::read_limit_args(fleet),
                    grpc_server_tls_config: sidecar_tls.as_ref().map(|(config, ..)| config.clone()),
                    volume_mounts: sidecar_tls.as_ref().map(|(.., mount)| vec![mount.clone()]),
                }),
                volumes: sidecar_tls.map(|(_, volume, _)| vec![volume]),
                placement: prometheus_placement,
                ..PrometheusSpecValues::default()
            }),
            pod_disruption_budget: prometheus_budget,
            ..PrometheusValues::default()
        }),
        alertmanager: Some(alertmanager::values(fleet)),
        grafana: Some(grafana::values(fleet)),
        thanos_ruler: ruler::values(fleet),
        default_rules: ruler::default_rules(fleet),
        kube_controller_manager: (!control_plane.controller_manager).then_some(Enabled::OFF),
        kube_etcd: (!control_plane.etcd).then_some(Enabled::OFF),
        kube_scheduler: (!control_plane.scheduler).then_some(Enabled::OFF),
        kube_proxy: (!control_plane.proxy).then_some(Enabled::OFF),
        extra_values: central.extra_values.clone(),
        ..ChartValues::default()
    }
}
