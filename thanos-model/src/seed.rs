//! Ready-made fleets over the seed's clusters, as builders.
//!
//! All three have the seed's clusters: central `cluster-01-central` (context `cluster-01`,
//! API `192.168.101.194`) and edges `cluster-02-edge`, `cluster-03-edge`, ... (contexts
//! `cluster-02`, ..., API addresses `192.168.101.196` upwards), domain
//! `k8s-cluster-01.miribit.lab`, MinIO bucket `thanos` at `s3.minio.miribit.lab`. They
//! differ in their settings:
//!
//! | builder | settings | used by |
//! | --- | --- | --- |
//! | [`seed`] | the seed's lab as it was deployed, every unsafe setting kept explicitly (`check` warns about each, naming the field) | the `four-clusters` example |
//! | [`new_fleet`] | the model's defaults: what a new fleet should run | `thanos-kustomize init` |
//! | [`secure_fleet`] | the defaults with every optional safety setting on as well | the `secure-fleet` example |
//! | [`large_fleet`] | the secure fleet grown to many edges: HA replicas, caches in memcached | the `large-fleet` example |
//!
//! ```
//! let fleet = thanos_model::seed::seed(3).build()?;
//! assert_eq!(fleet.edges.len(), 3);
//! assert_eq!(fleet.edges[2].name, "cluster-04-edge");
//! assert_eq!(fleet.edges[2].api_address, "192.168.101.198");
//! # Ok::<(), thanos_model::ValidationError>(())
//! ```

use std::net::Ipv4Addr;

use crate::{
    AgentValues, Alertmanager, Bytes, Cache, CacheBackend, Central, Chart, ChartImages, Compactor,
    ComponentSecrets, ControlPlaneTargets, Cpu, Digest, Edge, Fleet, FleetBuilder, Grafana,
    GrafanaRbac, Ingress, Language, Passthrough, Query, QueryFrontend, Receive, ReceiveRemoteWrite,
    ReceiveRouter, RemoteWriteQueue, Resources, Ruler, RunbookOptions, Security, Storage, Store,
    StoreShards, ThanosImage, ThanosMonitoringOptions, Topology, WriteLimits, S3,
};

/// API address of the seed's central cluster.
const CENTRAL_API: Ipv4Addr = Ipv4Addr::new(192, 168, 101, 194);
/// API address of the seed's first edge; the next edges count up from it.
const FIRST_EDGE_API: Ipv4Addr = Ipv4Addr::new(192, 168, 101, 196);

/// The seed's lab with `edges` edge clusters (the seed has 3): its clusters and the
/// settings it was deployed with, including those `check` warns about.
pub fn seed(edges: usize) -> FleetBuilder {
    // The lab's write path (open, no limits) is seed_central's; its agents keep 4h of WAL
    // and drop what Receive answers with 429.
    let lab_edge = |edge: Edge| {
        edge.agent(
            AgentValues::default()
                .wal_retention(None)
                .queue(RemoteWriteQueue::default().retry_on_rate_limit(false)),
        )
    };
    clusters(edges, seed_central(), lab_edge)
        .object_storage(S3::new("s3.minio.miribit.lab", "thanos").insecure(true))
        .security(Security::lab())
        // The seed's own runbook is Korean.
        .runbook(RunbookOptions::default().language(Language::Korean))
}

/// A new fleet over the seed's clusters with `edges` edges: the model's defaults, which
/// is what `thanos-kustomize init` writes.
pub fn new_fleet(edges: usize) -> FleetBuilder {
    clusters(edges, central(), |edge| edge)
        .object_storage(S3::new("s3.minio.miribit.lab", "thanos"))
}

/// [`new_fleet`] with every optional safety setting on as well.
///
/// Write path (issue 14): TLS with cert-manager, the tenant from the client certificate,
/// passthrough named explicitly, limits derived with one edge's own override, the
/// far-future window, a day of WAL. Object storage (issue 16): an `https://` endpoint,
/// Store and Compactor with keys of their own. Images (issue 16): the Thanos image and every image
/// the chart runs pinned by digest.
///
/// The digests are [`PLACEHOLDER_DIGEST`], not the real ones of the images (nothing here
/// can ask a registry): replace each with `crane digest IMAGE:TAG` (such as
/// `crane digest quay.io/thanos/thanos:v0.42.4`) before deploying. A placeholder fails closed: the pull is refused, no other image runs.
pub fn secure_fleet(edges: usize) -> FleetBuilder {
    secure_clusters(edges, secure_central())
}

/// [`secure_fleet`] grown to `edges` edges with the read path of a large fleet: Receive
/// at 3 replicas with a replication factor of 3 behind 2 routers (the edges write to the
/// routers), Query, Store and the query-frontend at
/// 2, Store in 2 shards by block hash, the query-frontend's results cache and Store's
/// index cache in memcached workloads (shared by the replicas, kept over their restarts).
///
/// ```
/// let fleet = thanos_model::seed::large_fleet(50).build()?;
/// assert_eq!(fleet.edges.len(), 50);
/// assert_eq!(fleet.central.receive.replication_factor, 3);
/// # Ok::<(), thanos_model::ValidationError>(())
/// ```
pub fn large_fleet(edges: usize) -> FleetBuilder {
    let central = secure_central();
    // Pinned by digest like the Thanos image: the placeholder, to replace with
    // `crane digest docker.io/library/memcached:1.6.39-alpine`.
    let memcached = || {
        Cache::default()
            .backend(CacheBackend::Memcached)
            .size(Bytes::gibibytes(1))
            .replicas(2)
            .digest(placeholder_digest())
    };
    let central = Central {
        receive: central
            .receive
            .replicas(3)
            .replication_factor(3)
            .router(ReceiveRouter::default()),
        query: central.query.replicas(2),
        store: central
            .store
            .replicas(2)
            .index_cache(memcached())
            .shards(StoreShards::by_hash(2)),
        ..central
    }
    .query_frontend(
        QueryFrontend::default()
            .replicas(2)
            .results_cache(memcached()),
    );
    // Enough Receive pods and volume for the fleet's series, as `init` writes it.
    secure_clusters(edges, central).grown_to_need()
}

/// [`secure_fleet`]'s central cluster: the defaults with TLS passthrough named.
fn secure_central() -> Central {
    central().receive(
        Receive::default()
            .remote_write(ReceiveRemoteWrite::default().passthrough(Passthrough::Cilium)),
    )
}

/// The secure fleets' clusters around `central`: the first edge with its own write
/// limits, the Thanos image pinned by digest.
fn secure_clusters(edges: usize, central: Central) -> FleetBuilder {
    let first_edge_limits = |edge: Edge| {
        if edge.name == "cluster-02-edge" {
            edge.limits(WriteLimits::default().request_samples(8_000))
        } else {
            edge
        }
    };
    clusters(edges, central, first_edge_limits)
        .object_storage(
            S3::new("https://s3.minio.miribit.lab", "thanos")
                .component_secrets(ComponentSecrets::default()),
        )
        .thanos(ThanosImage::default().digest(placeholder_digest()))
        .chart(Chart::default().images(ChartImages::all(&placeholder_digest())))
}

/// The digest [`secure_fleet`] pins, to be replaced with the image's real one.
pub const PLACEHOLDER_DIGEST: &str = Digest::PLACEHOLDER;

fn placeholder_digest() -> Digest {
    PLACEHOLDER_DIGEST
        .parse()
        .unwrap_or_else(|error| unreachable!("the placeholder is a digest: {error}"))
}

/// The seed's central cluster with the lab's settings as they were deployed: Query open
/// through its Ingress and to any web page, no query or request limits, no store
/// response timeout, no query-frontend, admin APIs on,
/// Receive's write path open, the chart's Alertmanager configuration (every alert to
/// "null"), the chart's rules evaluated over the whole fleet with no query offset, and
/// its control-plane scraping; one replica of Receive (factor 1), Query and Store,
/// replicas only preferred apart, none of the chart's PodDisruptionBudgets, and the lab's
/// fixed requests and limits (requests a quarter of the limits). A variant of the lab
/// changes a component of it.
pub fn seed_central() -> Central {
    let lab_memory = || Resources::default().memory(Bytes::mebibytes(512), Bytes::gibibytes(2));
    central()
        .topology(Topology::lab())
        .alertmanager(
            Alertmanager::default()
                .receivers(Vec::new())
                .without_dead_mans_switch(),
        )
        .thanos_monitoring(ThanosMonitoringOptions::default().per_cluster_rules(false))
        // The lab's Ruler: the lab's fixed resources, evaluating at "now", before the
        // edges' last batch arrived.
        .ruler(
            Ruler::default()
                .resources(Resources::default())
                .query_offset(crate::Duration::seconds(0)),
        )
        .control_plane(ControlPlaneTargets::all())
        .query(
            Query::default()
                .ingress(Ingress::new())
                .cors(true)
                .without_query_limits()
                .replicas(1)
                .resources(Resources::default()),
        )
        .receive(
            Receive::default()
                .lab_write_path()
                .replicas(1)
                .replication_factor(1)
                .resources(lab_memory().cpu(Cpu::millicores(200), Cpu::cores(1))),
        )
        .store(
            Store::default()
                .admin_operations(true)
                .replicas(1)
                .resources(lab_memory()),
        )
        .compactor(
            Compactor::default()
                .admin_operations(true)
                .storage(Storage::new(Bytes::gibibytes(20)))
                .resources(lab_memory()),
        )
        .without_query_frontend()
        .without_read_limits()
        .grafana(Grafana::default().rbac(GrafanaRbac::ClusterWide))
}

/// The seed's central cluster.
fn central() -> Central {
    Central::new("cluster-01-central")
        .context("cluster-01")
        .api_address(CENTRAL_API.to_string())
}

/// The seed's names and addresses around `central`, with `edges` edges.
///
/// Edge `i` (0-based) is `cluster-<i+2>-edge` (two digits at least) with context
/// `cluster-<i+2>` and API address `192.168.101.196 + i`.
fn clusters(edges: usize, central: Central, edge: impl Fn(Edge) -> Edge) -> FleetBuilder {
    let first = u32::from(FIRST_EDGE_API);
    let edges = (0..edges).map(|index| {
        let context = format!("cluster-{:02}", index + 2);
        let offset = u32::try_from(index).unwrap_or(u32::MAX);
        let api_address = Ipv4Addr::from(first.saturating_add(offset));
        edge(
            Edge::new(format!("{context}-edge"))
                .context(context)
                .api_address(api_address.to_string()),
        )
    });
    Fleet::builder()
        .namespace("monitoring")
        .domain("k8s-cluster-01.miribit.lab")
        .storage_class("longhorn")
        .ingress_class("cilium")
        .central(central)
        .edges(edges)
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

    #[test]
    fn every_kind_of_fleet_has_the_seeds_clusters() {
        for builder in [seed(3), new_fleet(3), secure_fleet(3), large_fleet(3)] {
            let fleet = builder.build().unwrap();
            assert_eq!(fleet.central.name, "cluster-01-central");
            assert_eq!(fleet.edges[2].name, "cluster-04-edge");
        }
    }
}
