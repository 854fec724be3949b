//! The large fleet (`cargo run --example large-fleet`): 50 edges, Receive 3 x 3, the
//! query-frontend and the caches in memcached. A sample of its files is snapshot-tested
//! (the central kustomization, the query-frontend, Receive, Store and one edge); the rest
//! is asserted: what the read path relies on (Grafana reads the frontend, the frontend
//! reaches Query, each Thanos cache client reaches its memcached, nobody else does),
//! every flag, values key and object upstream's.

mod common;

use common::{container_args as args, flag, one};

use serde_yaml::Value;
use thanos_model::{seed::large_fleet, ValidFleet};
use thanos_render::{render, Tree};

const CENTRAL: &str = "overlays/cluster-01-central/kube-prometheus-stack";
const EDGES: usize = 50;

fn fleet() -> ValidFleet {
    common::valid(large_fleet(EDGES))
}

fn tree() -> Tree {
    render(&fleet())
}

/// The documents of the central overlay's `file`.
fn central(tree: &Tree, file: &str) -> Vec<Value> {
    common::file_documents(tree, &format!("{CENTRAL}/{file}"))
}

/// The `app.kubernetes.io/name` of every pod a NetworkPolicy's rules admit on `port`.
fn admitted(policy: &Value, port: u64) -> Vec<String> {
    let mut names = Vec::new();
    for rule in policy["spec"]["ingress"].as_sequence().expect("rules") {
        let on_port = rule["ports"]
            .as_sequence()
            .expect("ports")
            .iter()
            .any(|p| p["port"].as_u64() == Some(port));
        if !on_port {
            continue;
        }
        for peer in rule["from"].as_sequence().into_iter().flatten() {
            if let Some(name) =
                peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"].as_str()
            {
                names.push(name.to_owned());
            }
        }
    }
    names.sort();
    names
}

#[test]
fn the_large_fleet_passes_check_without_a_warning() {
    assert_eq!(fleet().warnings(), &[]);
}

#[test]
fn a_sample_of_files_matches_its_snapshots() {
    let tree = tree();
    let sample = [
        format!("{CENTRAL}/kustomization.yaml"),
        format!("{CENTRAL}/thanos-query-frontend.yaml"),
        format!("{CENTRAL}/thanos-receive.yaml"),
        format!("{CENTRAL}/thanos-store.yaml"),
        "overlays/cluster-51-edge/kube-prometheus-stack/values-edge.yaml".to_owned(),
    ];
    common::assert_file_snapshots(
        "large-fleet",
        sample.iter().map(|path| {
            let content = tree.get(path).unwrap_or_else(|| panic!("no {path}"));
            (path.as_str(), content)
        }),
    );
}

#[test]
fn every_edge_has_an_overlay() {
    let tree = tree();
    let edges = tree
        .iter()
        .filter(|(path, _)| path.ends_with("/values-edge.yaml"))
        .count();
    assert_eq!(edges, EDGES);
}

#[test]
fn every_flag_values_key_and_object_is_upstreams() {
    let kinds = common::assert_upstream(&tree());
    assert_eq!(
        kinds.get("Certificate"),
        Some(&(4 + EDGES + 6)),
        "write CA, server, edges; Ingress CA, Grafana's; gRPC CA, sidecar, Receive, Store, Ruler, Query"
    );
}

#[test]
fn grafana_reads_the_query_frontend_and_the_frontend_reads_query() {
    let tree = tree();
    let values = &central(&tree, "values-central.yaml")[0];
    let datasource = &values["grafana"]["sidecar"]["datasources"];
    assert_eq!(
        datasource["url"],
        "http://thanos-query-frontend.monitoring.svc:9090"
    );
    let frontend = central(&tree, "thanos-query-frontend.yaml");
    let deployment = one(&frontend, "Deployment", "thanos-query-frontend");
    let args = args(deployment);
    assert_eq!(args[0], "query-frontend");
    assert_eq!(
        flag(&args, "--query-frontend.downstream-url"),
        Some("http://thanos-query.monitoring.svc:9090")
    );
    assert_eq!(flag(&args, "--query-range.split-interval"), Some("24h"));
    assert_eq!(
        flag(&args, "--query-range.max-retries-per-request"),
        Some("5")
    );
    // Grafana may reach the frontend; the frontend may reach Query.
    let policy = one(&frontend, "NetworkPolicy", "thanos-query-frontend");
    assert_eq!(admitted(policy, 9090), ["grafana", "prometheus"]);
    let query = central(&tree, "thanos-query.yaml");
    let policy = one(&query, "NetworkPolicy", "thanos-query");
    assert!(admitted(policy, 9090).contains(&"thanos-query-frontend".to_owned()));
}

#[test]
fn each_cache_client_reaches_its_memcached_and_nobody_else_does() {
    let tree = tree();
    for (file, user, config_map, key) in [
        (
            "thanos-query-frontend.yaml",
            "thanos-query-frontend",
            "thanos-query-frontend-results-cache",
            "results-cache.yaml",
        ),
        (
            "thanos-store.yaml",
            "thanos-store",
            "thanos-store-index-cache",
            "index-cache.yaml",
        ),
    ] {
        let documents = central(&tree, file);
        let cache = format!("{user}-cache");
        let config: Value = serde_yaml::from_str(
            one(&documents, "ConfigMap", config_map)["data"][key]
                .as_str()
                .expect("a cache file"),
        )
        .expect("YAML");
        assert_eq!(config["type"], "MEMCACHED");
        // The client's DNS SRV lookup names the cache Service's port.
        let service = one(&documents, "Service", &cache);
        let port_name = service["spec"]["ports"][0]["name"]
            .as_str()
            .expect("a port");
        assert_eq!(
            config["config"]["addresses"][0],
            format!("dnssrv+_{port_name}._tcp.{cache}.monitoring.svc").as_str()
        );
        assert_eq!(service["spec"]["clusterIP"], "None");
        let deployment = one(&documents, "Deployment", &cache);
        assert_eq!(deployment["spec"]["replicas"], 2);
        let pod = &deployment["spec"]["template"]["spec"];
        assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
        assert_eq!(
            pod["containers"][0]["securityContext"]["readOnlyRootFilesystem"],
            true
        );
        let port = service["spec"]["ports"][0]["port"]
            .as_u64()
            .expect("a port");
        let policy = one(&documents, "NetworkPolicy", &cache);
        assert_eq!(admitted(policy, port), [user]);
    }
}

/// The endpoints of Receive's hashring and the replicas of its StatefulSet.
fn receive_ring(fleet: &ValidFleet) -> (usize, u64) {
    let tree = render(fleet);
    let documents = central(&tree, "thanos-receive.yaml");
    let ring: serde_json::Value = serde_json::from_str(
        one(&documents, "ConfigMap", "thanos-receive-hashring")["data"]["hashrings.json"]
            .as_str()
            .expect("a hashring file"),
    )
    .expect("JSON");
    let endpoints = ring[0]["endpoints"].as_array().expect("endpoints").len();
    let replicas = one(&documents, "StatefulSet", "thanos-receive")["spec"]["replicas"]
        .as_u64()
        .expect("replicas");
    (endpoints, replicas)
}

/// The middle of a two-step change of Receive's replicas (R to R + 2 up, R + 2 to R
/// down, R the replicas the fleet's series need): the StatefulSet runs R + 2 pods, the
/// ring lists the R that stay, and `check` says the change is unfinished.
#[test]
fn mid_change_the_hashring_lists_only_the_pods_that_stay() {
    let fleet = fleet().into_inner();
    let stay = fleet.central.receive.replicas;
    let receive = fleet
        .central
        .receive
        .clone()
        .replicas(stay + 2)
        .hashring_replicas(stay);
    let middle = large_fleet(EDGES)
        .central(fleet.central.receive(receive))
        .build()
        .expect("a valid fleet");
    assert_eq!(receive_ring(&middle), (stay as usize, u64::from(stay + 2)));
    let paths: Vec<&str> = middle.warnings().iter().map(|w| w.path.as_str()).collect();
    assert_eq!(paths, ["central.receive.hashringReplicas"]);
    assert_eq!(
        receive_ring(&self::fleet()),
        (stay as usize, u64::from(stay))
    );
}

/// Store's StatefulSets of a fleet whose Store is sharded by `shards`: (name, args,
/// pod labels, selector), and the selector of the headless Service Query resolves.
#[allow(clippy::type_complexity)]
fn store_shards(
    shards: thanos_model::StoreShards,
) -> (Vec<(String, Vec<String>, Value, Value)>, Value) {
    let fleet = fleet().into_inner();
    let store = fleet.central.store.clone().shards(shards);
    let fleet = large_fleet(EDGES)
        .central(fleet.central.store(store))
        .build()
        .expect("a valid fleet");
    let tree = render(&fleet);
    let documents = central(&tree, "thanos-store.yaml");
    let sets = documents
        .iter()
        .filter(|d| d["kind"] == "StatefulSet")
        .map(|set| {
            (
                set["metadata"]["name"].as_str().expect("a name").to_owned(),
                args(set),
                set["spec"]["template"]["metadata"]["labels"].clone(),
                set["spec"]["selector"]["matchLabels"].clone(),
            )
        })
        .collect();
    let service = one(&documents, "Service", "thanos-store")["spec"]["selector"].clone();
    (sets, service)
}

/// Whether every label of `selector` is on `labels`.
fn selects(selector: &Value, labels: &Value) -> bool {
    selector
        .as_mapping()
        .expect("a selector")
        .iter()
        .all(|(key, value)| labels.get(key) == Some(value))
}

#[test]
fn store_sharded_by_hash_keeps_each_shards_blocks_and_query_reaches_every_shard() {
    let (sets, service) = store_shards(thanos_model::StoreShards::by_hash(3));
    let names: Vec<&str> = sets.iter().map(|(name, ..)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "thanos-store",
            "thanos-store-shard-1",
            "thanos-store-shard-2"
        ]
    );
    for (index, (name, args, labels, selector)) in sets.iter().enumerate() {
        let relabel = flag(args, "--selector.relabel-config").expect("a relabel config");
        let rules: Value = serde_yaml::from_str(relabel).expect("YAML");
        assert_eq!(rules[0]["action"], "hashmod");
        assert_eq!(rules[0]["source_labels"][0], "__block_id");
        assert_eq!(rules[0]["modulus"], 3);
        assert_eq!(rules[1]["action"], "keep");
        assert_eq!(rules[1]["regex"], index.to_string().as_str());
        assert!(selects(selector, labels), "{name} selects its own pods");
        assert!(selects(&service, labels), "Query's Service reaches {name}");
    }
    // No shard's StatefulSet but shard 0's (which keeps Store's selector) selects
    // another shard's pods.
    for (name, _, _, selector) in &sets[1..] {
        let others = sets
            .iter()
            .filter(|(_, _, labels, _)| selects(selector, labels));
        assert_eq!(others.count(), 1, "{name}");
    }
}

#[test]
fn store_sharded_by_time_covers_every_age_once() {
    let boundaries = ["2w", "8w"].map(|age| age.parse().expect("a duration"));
    let (sets, service) = store_shards(thanos_model::StoreShards::by_time(boundaries));
    let ranges: Vec<(Option<&str>, Option<&str>)> = sets
        .iter()
        .map(|(_, args, ..)| (flag(args, "--min-time"), flag(args, "--max-time")))
        .collect();
    // Youngest first: each shard's oldest age is the next shard's youngest.
    assert_eq!(
        ranges,
        [
            (Some("-2w"), None),
            (Some("-8w"), Some("-2w")),
            (None, Some("-8w")),
        ]
    );
    assert!(sets
        .iter()
        .all(|(_, _, labels, _)| selects(&service, labels)));
}

#[test]
fn the_edges_write_to_the_routers_which_alone_hold_the_hashring() {
    let tree = tree();
    let documents = central(&tree, "thanos-receive.yaml");
    let router = one(&documents, "Deployment", "thanos-receive-router");
    let router_args = args(router);
    assert_eq!(
        flag(&router_args, "--receive.hashrings-file"),
        Some("/etc/thanos/hashring/hashrings.json")
    );
    assert_eq!(flag(&router_args, "--receive.local-endpoint"), None);
    assert_eq!(flag(&router_args, "--tsdb.path"), None);
    assert!(flag(&router_args, "--remote-write.server-tls-client-ca").is_some());
    let ingesters = args(one(&documents, "StatefulSet", "thanos-receive"));
    assert_eq!(flag(&ingesters, "--receive.hashrings-file"), None);
    assert!(flag(&ingesters, "--receive.local-endpoint").is_some());
    assert_eq!(
        flag(&ingesters, "--remote-write.server-tls-client-ca"),
        None
    );
    // The edges' Ingress host is Receive's; its backend is the routers' Service.
    let ingress = one(&documents, "Ingress", "thanos-receive-router");
    let rule = &ingress["spec"]["rules"][0];
    assert_eq!(rule["host"], "thanos-receive.k8s-cluster-01.miribit.lab");
    assert_eq!(
        rule["http"]["paths"][0]["backend"]["service"]["name"],
        "thanos-receive-router"
    );
    let ingresses = documents.iter().filter(|d| d["kind"] == "Ingress").count();
    assert_eq!(ingresses, 1);
    // Only the routers reach the ingesters' gRPC port besides Query; the Ingress
    // controller reaches only the routers.
    let ingesters = one(&documents, "NetworkPolicy", "thanos-receive");
    assert_eq!(
        admitted(ingesters, 10901),
        ["thanos-query", "thanos-receive-router"]
    );
    let remote_write_rules = ingesters["spec"]["ingress"]
        .as_sequence()
        .expect("rules")
        .iter()
        .filter(|rule| {
            rule["ports"]
                .as_sequence()
                .into_iter()
                .flatten()
                .any(|p| p["port"] == 19291)
        })
        .count();
    assert_eq!(remote_write_rules, 0, "the ingesters take no remote write");
}

#[test]
fn the_runbook_names_the_routers_and_the_query_frontend() {
    let tree = tree();
    let readme = tree.get("README.md").expect("a runbook");
    for row in [
        "| Thanos query-frontend | Deployment `thanos-query-frontend`, 2 replicas |",
        "| Thanos Receive routers | Deployment `thanos-receive-router`, 2 replicas |",
    ] {
        assert!(readme.contains(row), "no row {row}");
    }
}

/// With routers the edges write through the routers' Ingress: the runbook's write path
/// quotes its passthrough annotation, read from the rendered Ingress.
#[test]
fn the_runbook_quotes_the_passthrough_of_the_routers_ingress() {
    let tree = tree();
    let documents = central(&tree, "thanos-receive.yaml");
    let ingress = one(&documents, "Ingress", "thanos-receive-router");
    let annotations: Vec<String> = ingress["metadata"]["annotations"]
        .as_mapping()
        .expect("the passthrough annotation")
        .iter()
        .map(|(key, value)| format!("{}: {}", key.as_str().unwrap(), value.as_str().unwrap()))
        .collect();
    let [annotation] = annotations.as_slice() else {
        panic!("one annotation, not {annotations:?}");
    };
    let readme = tree.get("README.md").expect("a runbook");
    let quoted = format!("only passes the connection through (`{annotation}`)");
    assert!(readme.contains(&quoted), "no {quoted}");
}
