//! The seed's fleet: the four-cluster lab the project started from, as a builder.
//!
//! Central `cluster-01-central` (context `cluster-01`, API `192.168.101.194`) and edges
//! `cluster-02-edge`, `cluster-03-edge`, ... (contexts `cluster-02`, ..., API addresses
//! `192.168.101.196` upwards), domain `k8s-cluster-01.miribit.lab`, MinIO bucket `thanos`
//! at `s3.minio.miribit.lab`. `seed(3)` is the seed itself; the `four-clusters` example and
//! `thanos-kustomize init` both start from here, so they cannot drift apart.
//!
//! ```
//! let fleet = thanos_model::seed::seed(3).build()?;
//! assert_eq!(fleet.edges.len(), 3);
//! assert_eq!(fleet.edges[2].name, "cluster-04-edge");
//! assert_eq!(fleet.edges[2].api_address, "192.168.101.198");
//! # Ok::<(), thanos_model::ValidationError>(())
//! ```

use std::net::Ipv4Addr;

use crate::{Central, Edge, Fleet, FleetBuilder, Language, RunbookOptions, S3};

/// API address of the seed's central cluster.
const CENTRAL_API: Ipv4Addr = Ipv4Addr::new(192, 168, 101, 194);
/// API address of the seed's first edge; the next edges count up from it.
const FIRST_EDGE_API: Ipv4Addr = Ipv4Addr::new(192, 168, 101, 196);

/// The seed's fleet with `edges` edge clusters (the seed has 3).
///
/// Edge `i` (0-based) is `cluster-<i+2>-edge` (two digits at least) with context
/// `cluster-<i+2>` and API address `192.168.101.196 + i`.
pub fn seed(edges: usize) -> FleetBuilder {
    let first = u32::from(FIRST_EDGE_API);
    let edges = (0..edges).map(|index| {
        let context = format!("cluster-{:02}", index + 2);
        let offset = u32::try_from(index).unwrap_or(u32::MAX);
        let api_address = Ipv4Addr::from(first.saturating_add(offset));
        Edge::new(format!("{context}-edge"))
            .context(context)
            .api_address(api_address.to_string())
    });

    Fleet::builder()
        .namespace("monitoring")
        .domain("k8s-cluster-01.miribit.lab")
        .storage_class("longhorn")
        .ingress_class("cilium")
        .object_storage(S3::new("s3.minio.miribit.lab", "thanos").insecure(true))
        .central(
            Central::new("cluster-01-central")
                .context("cluster-01")
                .api_address(CENTRAL_API.to_string()),
        )
        .edges(edges)
        // The seed's own runbook is Korean.
        .runbook(RunbookOptions::default().language(Language::Korean))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_names_and_addresses() {
        let fleet = seed(3).build().unwrap();
        let edges: Vec<_> = fleet
            .edges
            .iter()
            .map(|e| (e.name.as_str(), e.context.as_str(), e.api_address.as_str()))
            .collect();
        assert_eq!(
            edges,
            [
                ("cluster-02-edge", "cluster-02", "192.168.101.196"),
                ("cluster-03-edge", "cluster-03", "192.168.101.197"),
                ("cluster-04-edge", "cluster-04", "192.168.101.198"),
            ]
        );
        assert_eq!(fleet.central.api_address, "192.168.101.194");
        assert!(seed(0).build().unwrap().edges.is_empty());
        let many = seed(70).build().unwrap();
        assert_eq!(many.edges[69].name, "cluster-71-edge");
        assert_eq!(many.edges[69].api_address, "192.168.102.9");
    }
}
