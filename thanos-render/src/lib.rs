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
//! Types mirror the tree:
//!
//! | file | object |
//! | --- | --- |
//! | `base/<chart>/values.yaml`, `kustomization.yaml` | [`Manifests::base`]: [`Base`] |
//! | `overlays/<central>/<chart>/values-central.yaml`, `kustomization.yaml` | [`Manifests::central`]: [`CentralOverlay`] |
//! | `overlays/<central>/<chart>/thanos-s3-secret.yaml` | [`CentralOverlay::s3_secret`] |
//! | `overlays/<central>/<chart>/thanos-query.yaml` | [`CentralOverlay::query`]: [`ThanosQuery`] |
//! | `overlays/<central>/<chart>/thanos-receive.yaml` | [`CentralOverlay::receive`]: [`ThanosReceive`] |
//! | `overlays/<central>/<chart>/thanos-store.yaml` | [`CentralOverlay::store`]: [`ThanosStore`] |
//! | `overlays/<central>/<chart>/thanos-compactor.yaml` | [`CentralOverlay::compactor`]: [`ThanosCompactor`] |
//! | `overlays/<central>/<chart>/thanos-monitoring.yaml` (when it holds anything) | [`CentralOverlay::monitoring`]: [`ThanosMonitoring`], built from [`monitoring`] |
//! | `overlays/<cluster>/<chart>/namespace.yaml` | [`CentralOverlay::namespace`], [`EdgeOverlay::namespace`] |
//! | `overlays/<edge>/<chart>/values-edge.yaml`, `kustomization.yaml` | [`Manifests::edges`]: [`EdgeOverlay`] |
//! | `README.md`, the runbook (unless the fleet turns it off) | [`Manifests::runbook`]: [`Runbook`] |
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
pub use manifests::Manifests;
pub use overlays::{
    central::{
        thanos::{
            compactor::ThanosCompactor,
            component::SharedObjects,
            monitoring::ThanosMonitoring,
            query::ThanosQuery,
            receive::{RemoteWriteUrl, ThanosReceive},
            store::ThanosStore,
        },
        CentralOverlay,
    },
    edge::EdgeOverlay,
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
