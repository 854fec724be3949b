//! Property tests over random fleets.
//!
//! Random valid fleets (1 to 50 edges, random replicas, replication factors, retentions,
//! ingresses and credentials) always validate and render; every rendered file parses;
//! every Kubernetes object round-trips through its k8s-openapi type; the runbook's shell
//! blocks parse (`bash -n`) in either language; every Thanos flag and every values key
//! exists in the upstream facts (`facts/`); the Receive hashring lists
//! exactly the Receive pods and each pod's local endpoint. Random invalid fleets are
//! always rejected, so never rendered.

mod common;

use std::collections::BTreeSet;

use indexmap::IndexMap;
use proptest::prelude::*;
use serde_yaml::Value;
use thanos_model::{
    AgentValues, Bytes, Central, Compactor, Duration, Edge, Fleet, FleetBuilder, Grafana, Ingress,
    Language, Prometheus, Query, Receive, Retention, RunbookOptions, S3Credentials, Store,
    ThanosImage, S3,
};
use thanos_render::{render, Tree};

/// Retentions in increasing order; `0d` (forever) is the longest.
const RETENTIONS: [&str; 7] = ["41h", "2d", "11d", "30d", "90d", "1y", "0d"];
/// The first retention 5m data may have with downsampling on (more than 10 days).
const FIRST_5M: usize = 2;

#[derive(Debug, Clone)]
struct EdgeParams {
    replicas: u32,
    drop_replica_label: bool,
    scrape_interval: Option<&'static str>,
    cluster_label: bool,
    node_exporter: bool,
}

#[derive(Debug, Clone)]
struct FleetParams {
    edges: Vec<EdgeParams>,
    prometheus_replicas: u32,
    receive_replicas: u32,
    /// 1..=receive_replicas after scaling.
    factor_seed: u32,
    retention: (usize, usize, usize),
    downsampling: bool,
    query_replicas: u32,
    store_replicas: u32,
    grafana_ingress: bool,
    query_ingress: bool,
    existing_secret: bool,
    pinned_store: bool,
    hashmod: bool,
    korean: bool,
}

fn edge_params() -> impl Strategy<Value = EdgeParams> {
    (
        1u32..=4,
        any::<bool>(),
        prop::option::of(prop::sample::select(vec!["15s", "30s", "1m", "1m30s"])),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(replicas, drop, scrape_interval, cluster_label, node_exporter)| EdgeParams {
                replicas,
                // Only a single agent may drop its replica label.
                drop_replica_label: drop && replicas == 1,
                scrape_interval,
                cluster_label,
                node_exporter,
            },
        )
}

fn fleet_params(max_edges: usize) -> impl Strategy<Value = FleetParams> {
    (
        prop::collection::vec(edge_params(), 1..=max_edges),
        (1u32..=4, 1u32..=8, 1u32..=8),
        (
            0..RETENTIONS.len(),
            0..RETENTIONS.len(),
            0..RETENTIONS.len(),
        ),
        (any::<bool>(), 1u32..=3, 1u32..=3),
        (
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        ),
        any::<bool>(),
    )
        .prop_map(
            |(
                edges,
                (prometheus_replicas, receive_replicas, factor_seed),
                retention,
                (downsampling, query_replicas, store_replicas),
                (grafana_ingress, query_ingress, existing_secret, pinned_store, hashmod),
                korean,
            )| FleetParams {
                edges,
                prometheus_replicas,
                receive_replicas,
                factor_seed,
                retention,
                downsampling,
                query_replicas,
                store_replicas,
                grafana_ingress,
                query_ingress,
                existing_secret,
                pinned_store,
                hashmod,
                korean,
            },
        )
}

impl FleetParams {
    fn factor(&self) -> u32 {
        (self.factor_seed - 1) % self.receive_replicas + 1
    }

    fn retention(&self) -> Retention {
        let (raw, five, hour) = self.retention;
        // Without downsampling there is only raw data: longer 5m and 1h retentions would
        // be ignored (and warned about).
        let (five, hour) = if self.downsampling {
            let five = five.max(raw).max(FIRST_5M);
            (five, hour.max(five))
        } else {
            (raw, raw)
        };
        let duration = |index: usize| RETENTIONS[index].parse::<Duration>().expect("a duration");
        Retention::default()
            .raw(duration(raw))
            .five_minutes(duration(five))
            .one_hour(duration(hour))
    }

    fn builder(&self) -> FleetBuilder {
        let edges = self.edges.iter().enumerate().map(|(i, p)| {
            let mut agent = AgentValues::default()
                .replicas(p.replicas)
                .drop_replica_label(p.drop_replica_label);
            if let Some(interval) = p.scrape_interval {
                agent = agent.scrape_interval(interval.parse::<Duration>().expect("a duration"));
            }
            let mut edge = Edge::new(format!("edge-{i:02}"))
                .context(format!("context-{i}"))
                .api_address(format!("10.1.{}.{}", i / 200, i % 200 + 1))
                .agent(agent)
                .node_exporter(p.node_exporter);
            if p.cluster_label {
                edge = edge.cluster_label(format!("site-{i}"));
            }
            edge
        });
        let grafana = if self.grafana_ingress {
            Grafana::default()
        } else {
            Grafana::default().without_ingress()
        };
        let query = Query::default().replicas(self.query_replicas);
        let query = if self.query_ingress {
            query.ingress(Ingress::new().host("query.example.org"))
        } else {
            query.without_ingress()
        };
        let mut store = Store::default().replicas(self.store_replicas);
        if self.pinned_store {
            store = store.image(ThanosImage::default().version("v0.41.0"));
        }
        let receive = Receive::default()
            .replicas(self.receive_replicas)
            .replication_factor(self.factor())
            .hashring_algorithm(if self.hashmod {
                thanos_model::HashringAlgorithm::Hashmod
            } else {
                thanos_model::HashringAlgorithm::Ketama
            });
        let credentials = if self.existing_secret {
            S3Credentials::ExistingSecret
        } else {
            S3Credentials::default()
        };
        Fleet::builder()
            .domain("k8s.example.org")
            .object_storage(
                S3::new("s3.example.org:9000", "thanos-blocks").credentials(credentials),
            )
            .central(
                Central::new("central")
                    .context("context-central")
                    .api_address("10.0.0.1")
                    .prometheus(Prometheus::default().replicas(self.prometheus_replicas))
                    .grafana(grafana)
                    .query(query)
                    .receive(receive)
                    .store(store)
                    .compactor(
                        Compactor::default()
                            .downsampling(self.downsampling)
                            .retention(self.retention()),
                    ),
            )
            .edges(edges)
            .runbook(RunbookOptions::default().language(if self.korean {
                Language::Korean
            } else {
                Language::English
            }))
    }
}

/// Every file parses; every Kubernetes object round-trips through its type.
fn check_objects(tree: &Tree) -> Result<(), TestCaseError> {
    common::round_trip_objects(tree)
        .map(drop)
        .map_err(|problems| TestCaseError::fail(problems.join("\n")))
}

/// The runbook names every cluster's context, and its shell blocks parse.
fn check_runbook(fleet: &Fleet, tree: &Tree) -> Result<(), TestCaseError> {
    let readme = tree
        .get("README.md")
        .ok_or_else(|| TestCaseError::fail("no README.md"))?;
    for edge in &fleet.edges {
        let context = format!("--context {} ", edge.context);
        prop_assert!(readme.contains(&context), "{} missing", context);
    }
    let blocks = common::runbook::sh_blocks(readme);
    prop_assert!(blocks.len() > 10, "{} shell blocks", blocks.len());
    common::runbook::bash_syntax(&blocks.join("\n")).map_err(TestCaseError::fail)
}

/// The hashring ConfigMap lists exactly the Receive StatefulSet's pods, and each pod's
/// `--receive.local-endpoint` is among them.
fn check_hashring(fleet: &Fleet, tree: &Tree) -> Result<(), TestCaseError> {
    let (path, content) = tree
        .iter()
        .find(|(path, _)| path.ends_with("/thanos-receive.yaml"))
        .ok_or_else(|| TestCaseError::fail("no thanos-receive.yaml"))?;
    let documents = common::documents(content);
    let config_map = documents
        .iter()
        .find(|d| d["kind"] == "ConfigMap")
        .ok_or_else(|| TestCaseError::fail(format!("{path}: no hashring ConfigMap")))?;
    let ring_json = config_map["data"]["hashrings.json"]
        .as_str()
        .unwrap_or_default();
    let rings: serde_json::Value = serde_json::from_str(ring_json)
        .map_err(|e| TestCaseError::fail(format!("hashring JSON: {e}")))?;
    let endpoints: Vec<String> = rings[0]["endpoints"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e.as_str().or_else(|| e["address"].as_str()))
        .map(str::to_owned)
        .collect();
    prop_assert_eq!(rings.as_array().map(Vec::len), Some(1));
    prop_assert_eq!(
        rings[0]["algorithm"].as_str(),
        Some(fleet.central.receive.hashring_algorithm.as_str())
    );
    // With a tenant per edge the one ring lists exactly the edges' tenants, exactly
    // matched: any other tenant finds no ring.
    if fleet.central.receive.remote_write.tenant_per_edge() {
        let tenants: Vec<&str> = rings[0]["tenants"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(serde_json::Value::as_str)
            .collect();
        let edges: Vec<&str> = fleet.edges.iter().map(|edge| edge.tenant()).collect();
        prop_assert_eq!(tenants, edges);
        prop_assert_eq!(rings[0]["tenant_matcher_type"].as_str(), Some("exact"));
    }

    let statefulset = documents
        .iter()
        .find(|d| d["kind"] == "StatefulSet")
        .ok_or_else(|| TestCaseError::fail(format!("{path}: no StatefulSet")))?;
    let name = statefulset["metadata"]["name"].as_str().unwrap_or_default();
    let replicas = statefulset["spec"]["replicas"].as_u64().unwrap_or(1);
    prop_assert_eq!(replicas, u64::from(fleet.central.receive.replicas));
    let args: Vec<&str> = statefulset["spec"]["template"]["spec"]["containers"][0]["args"]
        .as_sequence()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let local = args
        .iter()
        .find_map(|a| a.strip_prefix("--receive.local-endpoint="))
        .ok_or_else(|| TestCaseError::fail("no --receive.local-endpoint"))?;
    let factor = args
        .iter()
        .find_map(|a| a.strip_prefix("--receive.replication-factor="))
        .and_then(|f| f.parse::<u64>().ok());
    prop_assert_eq!(
        factor,
        Some(u64::from(fleet.central.receive.replication_factor))
    );
    prop_assert!(factor.unwrap_or(0) <= endpoints.len() as u64);

    let pods_in_order: Vec<String> = (0..replicas)
        .map(|ordinal| local.replace("$(NAME)", &format!("{name}-{ordinal}")))
        .collect();
    let pods: BTreeSet<String> = pods_in_order.iter().cloned().collect();
    let ring: BTreeSet<String> = endpoints.iter().cloned().collect();
    prop_assert_eq!(
        ring.len(),
        endpoints.len(),
        "the hashring repeats an endpoint"
    );
    prop_assert_eq!(&ring, &pods);
    prop_assert_eq!(endpoints, pods_in_order, "the hashring is in ordinal order");
    Ok(())
}

/// Ways to break a valid fleet, each a whole-fleet rule.
#[derive(Debug, Clone, Copy)]
enum Breakage {
    DuplicateClusterLabel,
    TraversalName,
    ReceiveLabelCluster,
    QueryDropsReplicaLabel,
    FactorAboveReplicas,
    RawRetentionTooShort,
    RetentionShrinks,
    BadBucket,
    LiteralKey,
    BadHost,
    ZeroVolume,
    HaAgentDropsReplicaLabel,
    NoReceiveIngress,
}

const BREAKAGES: [Breakage; 13] = [
    Breakage::DuplicateClusterLabel,
    Breakage::TraversalName,
    Breakage::ReceiveLabelCluster,
    Breakage::QueryDropsReplicaLabel,
    Breakage::FactorAboveReplicas,
    Breakage::RawRetentionTooShort,
    Breakage::RetentionShrinks,
    Breakage::BadBucket,
    Breakage::LiteralKey,
    Breakage::BadHost,
    Breakage::ZeroVolume,
    Breakage::HaAgentDropsReplicaLabel,
    Breakage::NoReceiveIngress,
];

/// The fleet of `params`, broken in one way, as a model value (validated afterwards).
fn broken(params: &FleetParams, breakage: Breakage, at: usize) -> Fleet {
    let mut fleet = params
        .builder()
        .build()
        .expect("the unbroken fleet is valid")
        .into_inner();
    let at = at % fleet.edges.len();
    let central = &mut fleet.central;
    match breakage {
        Breakage::DuplicateClusterLabel => {
            let label = central.cluster_label_value().to_owned();
            fleet.edges[at].cluster_label = Some(label);
        }
        Breakage::TraversalName => fleet.edges[at].name = "../etc".to_owned(),
        Breakage::ReceiveLabelCluster => {
            central.receive.labels = IndexMap::from([("cluster".to_owned(), "x".to_owned())]);
        }
        Breakage::QueryDropsReplicaLabel => {
            central.query.replica_labels = Some(vec!["prometheus_replica".to_owned()]);
        }
        Breakage::FactorAboveReplicas => {
            central.receive.replication_factor = central.receive.replicas + 1;
        }
        Breakage::RawRetentionTooShort => {
            central.compactor.downsampling = true;
            central.compactor.retention.raw = Duration::days(1);
        }
        Breakage::RetentionShrinks => {
            central.compactor.retention = Retention::default()
                .raw(Duration::days(90))
                .five_minutes(Duration::days(30))
                .one_hour(Duration::years(1));
        }
        Breakage::BadBucket => {
            let thanos_model::ObjectStorage::S3(s3) = &mut fleet.object_storage;
            s3.bucket = "Bad_Bucket".to_owned();
        }
        Breakage::LiteralKey => {
            let thanos_model::ObjectStorage::S3(s3) = &mut fleet.object_storage;
            s3.credentials = S3Credentials::Envsubst {
                access_key_var: "AKIAIOSFODNN7EXAMPLE".to_owned(),
                secret_key_var: "S3_SECRET_KEY".to_owned(),
            };
        }
        Breakage::BadHost => {
            central.receive.ingress = Some(Ingress::new().host("bad host"));
        }
        // A malformed quantity does not compile; a zero one is a validation error.
        Breakage::ZeroVolume => central.store.storage.size = Bytes::new(0),
        Breakage::HaAgentDropsReplicaLabel => {
            let agent = &mut fleet.edges[at].agent;
            agent.replicas = 2;
            agent.drop_replica_label = true;
        }
        Breakage::NoReceiveIngress => central.receive.ingress = None,
    }
    fleet
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn valid_fleets_render_into_parsable_round_tripping_objects(params in fleet_params(50)) {
        let fleet = params.builder().build().map_err(|e| TestCaseError::fail(e.to_string()))?;
        // Only the pinned Store, even factors (or 1), a Query Ingress (no authentication),
        // single replicas, more series per Receive pod than one holds and default volumes
        // a large fleet outgrows warn.
        for warning in fleet.warnings() {
            prop_assert!(
                warning.path == "central.store.image"
                    || warning.path == "central.receive.replicationFactor"
                    || (warning.path.starts_with("central.") && warning.path.ends_with(".replicas"))
                    || warning.path.ends_with(".storage.size")
                    || (params.query_ingress && warning.path == "central.query.ingress"),
                "unexpected warning {}", warning
            );
        }
        let tree = render(&fleet);
        // base 2; central values, kustomization, namespace, 5 Thanos files (the
        // query-frontend's too: a new fleet has one), monitoring, NetworkPolicies,
        // Grafana's Role (+ the certificates while Receive has an Ingress or an Ingress
        // terminates TLS, + the S3 Secret); per edge values, kustomization, namespace,
        // NetworkPolicies; the runbook.
        let central = &fleet.central;
        let certificates = usize::from(
            central.receive.ingress.is_some()
                || central.grafana.ingress.is_some()
                || central.query.ingress.is_some(),
        );
        prop_assert_eq!(
            tree.len(),
            13 + certificates + usize::from(!params.existing_secret) + 4 * fleet.edges.len() + 1
        );
        check_runbook(&fleet, &tree)?;
        check_objects(&tree)?;
        check_hashring(&fleet, &tree)?;
        // The fleet file form loads back as the same fleet.
        let loaded = Fleet::from_yaml_str(&fleet.to_yaml_string())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(loaded.into_inner(), fleet.clone().into_inner());
    }

    #[test]
    fn invalid_fleets_are_rejected(
        params in fleet_params(8),
        breakage in prop::sample::select(BREAKAGES.to_vec()),
        at in any::<usize>(),
    ) {
        let fleet = broken(&params, breakage, at);
        let yaml = fleet.to_yaml_string();
        prop_assert!(fleet.validate().is_err(), "{:?} was accepted", breakage);
        prop_assert!(Fleet::from_yaml_str(&yaml).is_err(), "{:?} loaded", breakage);
    }
}

proptest! {
    // Each case loads the fact files and walks every values file: 64 cases take about 2 s.
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_flag_and_values_key_exists_in_the_reference(params in fleet_params(6)) {
        let fleet = params.builder().build().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let tree = render(&fleet);
        let flags = common::flag_violations(&tree);
        prop_assert!(flags.is_empty(), "{:#?}", flags);
        let keys = common::values_violations(&tree);
        prop_assert!(keys.is_empty(), "{:#?}", keys);
    }
}
