//! Renders a validated [`thanos_model`] fleet into its Kustomize + Helm `deploy-new/`
//! tree: objects first, text last.
//!
//! [`manifests`] builds every file of the tree as typed contents ([`Manifests`]):
//! k8s-openapi objects for the Thanos components and the S3 Secret, typed chart values
//! ([`values::ChartValues`]) and kustomizations ([`kustomize::Kustomization`]). An
//! embedding tool changes what it needs, by name, and serializes once with
//! [`Manifests::to_tree`]; [`render`] is the one-call shortcut. The result is a [`Tree`]:
//! relative paths to file contents, byte for byte deterministic, each file starting with
//! the generated-file header of [`marker`]. A tree streams as one multi-document YAML in
//! helm's `# Source:` convention and comes back from it. This crate does no I/O: writing
//! a tree into a directory is the `thanos-kustomize` crate's.
//!
//! Types mirror the tree (paths below are relative to `thanos-render/src/`):
//!
//! | file | object | source |
//! | --- | --- | --- |
//! | `base/<chart>/values.yaml`, `kustomization.yaml` | [`Manifests::base`]: [`Base`] | `base.rs` |
//! | `base/<chart>/values-images.yaml` (the chart images' digests, when any is pinned) | [`Base::images`] | `values/images.rs`, `base.rs` |
//! | `overlays/<central>/<chart>/values-central.yaml`, `kustomization.yaml` | [`Manifests::central`]: [`CentralOverlay`] | `overlays/central/mod.rs` (the Ruler's values: `overlays/central/ruler.rs`; typed values: `values/`) |
//! | `overlays/<central>/<chart>/thanos-s3-secret.yaml` | [`CentralOverlay::s3_secret`] | `overlays/central/s3_secret.rs` |
//! | `overlays/<central>/<chart>/thanos-query.yaml` | [`CentralOverlay::query`]: [`ThanosQuery`] | `overlays/central/thanos/query.rs` |
//! | `overlays/<central>/<chart>/thanos-query-frontend.yaml` (when the fleet has one), with its memcached or Redis cache workload | [`CentralOverlay::query_frontend`]: [`ThanosQueryFrontend`], [`CacheWorkload`] | `overlays/central/thanos/query_frontend.rs`, `overlays/central/thanos/cache.rs` |
//! | `overlays/<central>/<chart>/thanos-receive.yaml` (with its routers, when the fleet splits them) | [`CentralOverlay::receive`]: [`ThanosReceive`], [`ThanosReceive::router`]: [`ThanosReceiveRouter`] | `overlays/central/thanos/receive.rs`, `overlays/central/thanos/receive_router.rs` |
//! | `overlays/<central>/<chart>/thanos-store.yaml` (its shards, its index cache's workload) | [`CentralOverlay::store`]: [`ThanosStore`], [`CacheWorkload`] | `overlays/central/thanos/store.rs`, `overlays/central/thanos/cache.rs` |
//! | `overlays/<central>/<chart>/thanos-compactor.yaml` | [`CentralOverlay::compactor`]: [`ThanosCompactor`] | `overlays/central/thanos/compactor.rs` |
//! | the ServiceAccount, Service, Ingress, PodDisruptionBudget, ServiceMonitor, NetworkPolicy and hardened pod of each of the Thanos components above | [`SharedObjects`] and the workloads | `overlays/central/thanos/component.rs`, `overlays/central/thanos/pod.rs` |
//! | `overlays/<central>/<chart>/thanos-monitoring.yaml` (when it holds anything) | [`CentralOverlay::monitoring`]: [`ThanosMonitoring`], built from [`monitoring`] | `overlays/central/thanos/monitoring.rs` (alerts: `monitoring/alerts/`, silent edges: `monitoring/silent_edges.rs`, dashboards: `monitoring/dashboards/`) |
//! | `overlays/<central>/<chart>/thanos-certificates.yaml` (write path, Ingress and gRPC certificates) | [`CentralOverlay::certificates`]: [`WriteCertificates`], [`CentralOverlay::ingress_certificates`]: [`IngressCertificates`], [`CentralOverlay::grpc_certificates`]: [`GrpcCertificates`] (flags and mounts: `overlays/central/thanos/grpc_tls.rs`) | `overlays/central/certificates.rs` |
//! | `overlays/<central>/<chart>/network-policies.yaml` (the namespace's default deny, the chart's pods, Cilium's Ingress), when the fleet has NetworkPolicies | [`CentralOverlay::network_policies`]: [`NetworkPolicies`] | `overlays/central/network_policies.rs` |
//! | `overlays/<central>/<chart>/grafana-rbac.yaml` (Grafana's sidecars' Role) and Grafana's values | [`CentralOverlay::grafana_rbac`]: [`GrafanaRbacObjects`] | `overlays/central/grafana.rs` |
//! | `overlays/<cluster>/<chart>/namespace.yaml` | [`CentralOverlay::namespace`], [`EdgeOverlay::namespace`] | `overlays/namespace.rs` |
//! | `overlays/<edge>/<chart>/values-edge.yaml`, `kustomization.yaml` | [`Manifests::edges`]: [`EdgeOverlay`] | `overlays/edge/mod.rs` |
//! | `overlays/<edge>/<chart>/network-policies.yaml` (default deny, the agent's own peers), when the fleet has NetworkPolicies | [`EdgeOverlay::network_policies`]: [`NetworkPolicies`] | `overlays/central/network_policies.rs` (`NetworkPolicies::edge`), written by `overlays/edge/mod.rs` |
//! | `README.md`, the runbook (unless the fleet turns it off) | [`Manifests::runbook`]: [`Runbook`] | `runbook/mod.rs`, one file per section; what it quotes: `runbook/fleet_view.rs` |
//!
//! Each derived value is made by one function:
//!
//! | value | function |
//! | --- | --- |
//! | the edges' remote-write URL | `RemoteWriteUrl::new` (`overlays/central/thanos/receive.rs`), read through [`ThanosReceive::remote_write_url`] and handed to the edges by [`Manifests::new`] |
//! | Query's endpoints, from the StoreAPI servers and their Services (which the gRPC server certificates name too) | `query::endpoints`, `query::store_api_servers` (`overlays/central/thanos/query.rs`) |
//! | a Service's in-cluster host, `host:port` and DNS SRV lookup | `thanos::service_host`, `thanos::service_address`, `thanos::dns_srv` (`overlays/central/thanos/mod.rs`) |
//! | central Prometheus's name (its resource, its Service, its `job`) and the sidecars' Service | `central::prometheus_name`, `central::sidecar_service` (`overlays/central/mod.rs`) |
//! | the read limits' flags and `additionalArgs` | `thanos::read_limits` (`overlays/central/thanos/mod.rs`) |
//! | the Receive hashring and its endpoints | `receive::hashring_endpoints` (`overlays/central/thanos/receive.rs`) |
//! | Grafana's Thanos datasource (the query-frontend, else Query) | `query_frontend::datasource_url` (`overlays/central/thanos/query_frontend.rs`) |
//! | a cache's file and address | `cache::config` (`overlays/central/thanos/cache.rs`) |
//! | Ingress hosts | [`thanos_model::Fleet::ingress_host`] (thanos-model) |
//!
//! ```
//! use k8s_openapi::api::core::v1::Toleration;
//! use thanos_model::{Central, Edge, Fleet, S3};
//!
//! let fleet = Fleet::builder()
//!     .domain("k8s-cluster-01.example.com")
//!     .object_storage(S3::new("s3.example.com", "thanos"))
//!     .central(Central::new("cluster-01-central").context("cluster-01").api_address("10.0.0.1"))
//!     .edge(Edge::new("cluster-02-edge").context("cluster-02").api_address("10.0.0.2"))
//!     .build()?;
//!
//! let mut manifests = thanos_render::manifests(&fleet);
//! for template in manifests.central.thanos_pod_templates_mut() {
//!     let spec = template.spec.as_mut().expect("every Thanos pod template has a spec");
//!     spec.tolerations.get_or_insert_with(Vec::new).push(Toleration {
//!         key: Some("dedicated".to_owned()),
//!         value: Some("monitoring".to_owned()),
//!         effect: Some("NoSchedule".to_owned()),
//!         operator: Some("Equal".to_owned()),
//!         ..Toleration::default()
//!     });
//! }
//! let tree = manifests.to_tree();
//! let receive = tree
//!     .get("overlays/cluster-01-central/kube-prometheus-stack/thanos-receive.yaml")
//!     .unwrap();
//! assert!(receive.contains("key: dedicated"));
//!
//! // The stream gives the same files back, byte for byte.
//! let stream = tree.to_stream(thanos_render::DEFAULT_ROOT);
//! assert_eq!(thanos_render::Tree::from_stream(&stream, thanos_render::DEFAULT_ROOT)?, tree);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod base;
pub mod kustomize;
mod manifests;
pub mod marker;
pub mod monitoring;
mod overlays;
pub mod runbook;
mod safe_path;
mod shell;
mod tree;
pub mod values;
mod yaml;

use thanos_model::ValidFleet;

pub use base::Base;
pub use manifests::{Manifests, OwnedResourceError};
pub use overlays::{
    central::{
        certificates::{GrpcCertificates, IngressCertificates, WriteCertificates},
        grafana::GrafanaRbacObjects,
        network_policies::{CiliumNetworkPolicy, NetworkPolicies},
        thanos::{
            cache::CacheWorkload,
            compactor::ThanosCompactor,
            component::SharedObjects,
            monitoring::ThanosMonitoring,
            query::ThanosQuery,
            query_frontend::ThanosQueryFrontend,
            receive::{RemoteWriteUrl, ThanosReceive},
            receive_router::ThanosReceiveRouter,
            store::ThanosStore,
        },
        CentralOverlay,
    },
    edge::{client_secret, EdgeOverlay, WAL_RETENTION_FLAG},
    KUSTOMIZATION_FILE,
};
pub use runbook::Runbook;
pub use safe_path::is_safe_relative_path;
pub use tree::{StreamError, Tree, DEFAULT_ROOT};

/// Builds every object of a validated fleet, to change before serializing with
/// [`Manifests::to_tree`].
#[must_use]
pub fn manifests(fleet: &ValidFleet) -> Manifests {
    Manifests::new(fleet)
}

/// Renders the whole tree of a validated fleet: `manifests(fleet).to_tree()`.
#[must_use]
pub fn render(fleet: &ValidFleet) -> Tree {
    manifests(fleet).to_tree()
}
