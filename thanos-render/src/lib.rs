//! Renders a validated [`thanos_model`] fleet into its Kustomize + Helm `deploy-new/`
//! tree.
//!
//! The output is a [`Tree`]: relative paths to file contents, byte for byte
//! deterministic, which can be written to a directory or streamed as one multi-document
//! YAML in helm's `# Source:` convention. Kubernetes objects are k8s-openapi types, the
//! chart values and kustomizations typed structs; nothing is assembled from string
//! templates. Modules mirror the files they render:
//!
//! | file | module |
//! | --- | --- |
//! | `base/<chart>/values.yaml`, `kustomization.yaml` | `base` |
//! | `overlays/<central>/<chart>/values-central.yaml`, `kustomization.yaml` | `overlays::central` |
//! | `overlays/<central>/<chart>/thanos-s3-secret.yaml` | `overlays::central::s3_secret` |
//! | `overlays/<central>/<chart>/thanos-query.yaml` | `overlays::central::thanos::query` |
//! | `overlays/<central>/<chart>/thanos-receiver.yaml` | `overlays::central::thanos::receiver` |
//! | `overlays/<central>/<chart>/thanos-store.yaml` | `overlays::central::thanos::store` |
//! | `overlays/<central>/<chart>/thanos-compactor.yaml` | `overlays::central::thanos::compactor` |
//! | `overlays/<edge>/<chart>/values-edge.yaml`, `kustomization.yaml` | `overlays::edge` |
//!
//! ```
//! use thanos_model::{Central, Edge, Fleet, S3};
//!
//! let fleet = Fleet::builder()
//!     .domain("k8s-cluster-01.example.com")
//!     .object_storage(S3::new("s3.example.com", "thanos"))
//!     .central(Central::new("cluster-01-central").context("cluster-01").api_address("10.0.0.1"))
//!     .edge(Edge::new("cluster-02-edge").context("cluster-02").api_address("10.0.0.2"))
//!     .build()?;
//!
//! let tree = thanos_render::render(&fleet);
//! let edge_values = tree
//!     .get("overlays/cluster-02-edge/kube-prometheus-stack/values-edge.yaml")
//!     .unwrap();
//! assert!(edge_values.contains("url: http://thanos-receiver.k8s-cluster-01.example.com/api/v1/receive"));
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
pub mod marker;
pub mod monitoring;
mod overlays;
mod safe_path;
mod tree;
pub mod values;
mod workload;
pub mod write;
mod yaml;

use thanos_model::ValidFleet;

pub use tree::{StreamError, Tree, DEFAULT_ROOT};

/// Name of the values file of the base.
const VALUES_FILE: &str = "values.yaml";

/// Renders the whole tree of a validated fleet.
#[must_use]
pub fn render(fleet: &ValidFleet) -> Tree {
    let mut tree = Tree::default();
    base::render(fleet, &mut tree);
    overlays::central::render(fleet, &mut tree);
    for edge in &fleet.edges {
        overlays::edge::render(fleet, edge, &mut tree);
    }
    tree
}
