//! `overlays/<cluster>/<chart>/`: one directory per cluster.

pub mod central;
pub mod edge;
pub mod namespace;

use thanos_model::Fleet;

use crate::{base, kustomize::HelmChart};

/// Every overlay's kustomization file.
pub(crate) const KUSTOMIZATION_FILE: &str = "kustomization.yaml";

/// A cluster's overlay directory, relative to the tree's root.
pub(crate) fn dir(fleet: &Fleet, cluster: &str) -> String {
    format!("overlays/{cluster}/{}", fleet.chart.name)
}

/// The chart entry of an overlay: the base values with the overlay's merged over them.
pub(crate) fn chart(fleet: &Fleet, overlay_values: &str) -> HelmChart {
    HelmChart::new(
        fleet,
        format!("../../../{}/{}", base::dir(fleet), base::VALUES_FILE),
    )
    .additional_values_file(overlay_values)
}

/// Comment lines that tell the operator which cluster an overlay is for, how it is built
/// and where the deploy order is.
pub(crate) fn cluster_comment(context: &str, api_address: &str, dir: &str) -> Vec<String> {
    vec![
        format!("Cluster: kubectl context {context}, API server {api_address}."),
        format!(
            "Build: kubectl kustomize --enable-helm --load-restrictor LoadRestrictionsNone {dir}"
        ),
        format!(
            "Apply with kubectl --context {context} apply --server-side, in the order the tree's README.md gives: {}, Secrets, CRDs established, then the build.",
            namespace::FILE
        ),
    ]
}
