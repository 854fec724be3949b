//! A central cluster that survives a node loss and is sized from its fleet (issue 17):
//! the new fleet's budgets, placement and derived sizes asserted on the rendered objects,
//! one scenario per test; the zone variant and a 50-edge fleet's runbook section are
//! snapshot-tested.

mod common;

use common::valid;
use serde_yaml::Value;
use thanos_model::{
    seed::new_fleet, Bytes, Central, Cpu, Language, Query, Receive, Resources, RunbookOptions,
    Spread, Topology, Workload,
};
use thanos_render::{render, Tree, DEFAULT_ROOT};

const CENTRAL: &str = "overlays/cluster-01-central/kube-prometheus-stack";

fn central() -> Central {
    Central::new("cluster-01-central")
        .context("cluster-01")
        .api_address("192.168.101.194")
}

/// The documents of the central overlay's file `file`.
fn central_file(tree: &Tree, file: &str) -> Vec<Value> {
    common::file_documents(tree, &format!("{CENTRAL}/{file}"))
}

/// The one document of `kind` in `documents`.
fn one<'a>(documents: &'a [Value], kind: &str) -> &'a Value {
    let mut found = documents.iter().filter(|d| d["kind"] == kind);
    let first = found.next().unwrap_or_else(|| panic!("no {kind}"));
    assert!(found.next().is_none(), "more than one {kind}");
    first
}

#[test]
fn every_replicated_thanos_workload_has_a_budget_and_receives_from_its_quorum() {
    let tree = render(&valid(new_fleet(3)));
    for (file, kind, max_unavailable) in [
        ("thanos-receive.yaml", "StatefulSet", 1),
        ("thanos-query.yaml", "Deployment", 1),
        ("thanos-store.yaml", "StatefulSet", 1),
    ] {
        let documents = central_file(&tree, file);
        let workload = one(&documents, kind);
        assert!(workload["spec"]["replicas"].as_i64() > Some(1), "{file}");
        let budget = one(&documents, "PodDisruptionBudget");
        assert_eq!(
            budget["spec"]["selector"], workload["spec"]["selector"],
            "{file}"
        );
        assert_eq!(budget["spec"]["maxUnavailable"], max_unavailable, "{file}");
        assert_eq!(budget["spec"]["unhealthyPodEvictionPolicy"], "AlwaysAllow");
    }
    // Factor 5 spares 2 of 5 copies (a write needs 3).
    let five = render(&valid(new_fleet(3).central(
        central().receive(Receive::default().replicas(5).replication_factor(5)),
    )));
    let documents = central_file(&five, "thanos-receive.yaml");
    assert_eq!(
        one(&documents, "PodDisruptionBudget")["spec"]["maxUnavailable"],
        2
    );
}

#[test]
fn the_charts_replicated_workloads_get_their_budgets_and_hard_anti_affinity() {
    let tree = render(&valid(new_fleet(3)));
    let values = &central_file(&tree, "values-central.yaml")[0];
    for (key, spec) in [
        ("prometheus", "prometheusSpec"),
        ("alertmanager", "alertmanagerSpec"),
        ("thanosRuler", "thanosRulerSpec"),
    ] {
        assert_eq!(values[key]["podDisruptionBudget"]["enabled"], true, "{key}");
        assert_eq!(
            values[key]["podDisruptionBudget"]["minAvailable"], 1,
            "{key}"
        );
        assert_eq!(values[key][spec]["podAntiAffinity"], "hard", "{key}");
    }
}

#[test]
fn receive_pods_never_share_a_node_even_where_others_are_only_preferred_apart() {
    let fleet = valid(
        new_fleet(3).central(central().topology(Topology::default().spread(Spread::Preferred))),
    );
    let tree = render(&fleet);
    let receive = central_file(&tree, "thanos-receive.yaml");
    let anti =
        &one(&receive, "StatefulSet")["spec"]["template"]["spec"]["affinity"]["podAntiAffinity"];
    assert_eq!(
        anti["requiredDuringSchedulingIgnoredDuringExecution"][0]["topologyKey"],
        "kubernetes.io/hostname"
    );
    assert_eq!(one(&receive, "StatefulSet")["spec"]["minReadySeconds"], 120);
    let query = central_file(&tree, "thanos-query.yaml");
    let pod = &one(&query, "Deployment")["spec"]["template"]["spec"];
    assert!(
        pod["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
            .is_sequence()
    );
    assert!(pod["topologySpreadConstraints"].is_null());
}

#[test]
fn query_and_store_spread_evenly_over_nodes_without_blocking_a_surge() {
    let tree = render(&valid(new_fleet(3)));
    for (file, kind) in [
        ("thanos-query.yaml", "Deployment"),
        ("thanos-store.yaml", "StatefulSet"),
    ] {
        let documents = central_file(&tree, file);
        let workload = one(&documents, kind);
        let pod = &workload["spec"]["template"]["spec"];
        assert!(pod["affinity"].is_null(), "{file}: no anti-affinity");
        let spread = &pod["topologySpreadConstraints"][0];
        assert_eq!(spread["topologyKey"], "kubernetes.io/hostname", "{file}");
        assert_eq!(spread["whenUnsatisfiable"], "DoNotSchedule", "{file}");
        assert_eq!(spread["maxSkew"], 1, "{file}");
        assert_eq!(spread["nodeTaintsPolicy"], "Honor", "{file}");
        assert_eq!(
            spread["labelSelector"], workload["spec"]["selector"],
            "{file}"
        );
    }
}

/// The zone key spreads every replicated workload over zones too: the files it changes.
#[test]
fn zones_snapshot() {
    let tree = render(&valid(new_fleet(3).central(
        central().topology(Topology::default().zone_key("topology.kubernetes.io/zone")),
    )));
    // The spread constraints are fields of the chart's custom resources.
    assert_eq!(common::values_violations(&tree), Vec::<String>::new());
    let mut settings = common::snapshot_settings();
    for file in [
        "thanos-receive.yaml",
        "thanos-query.yaml",
        "values-central.yaml",
    ] {
        let path = format!("{CENTRAL}/{file}");
        let content = tree.get(&path).expect("rendered");
        settings.set_description(format!("{DEFAULT_ROOT}/{path} (new fleet, zones)"));
        settings.bind(|| {
            insta::assert_snapshot!(format!("new-fleet-zones__{file}"), content);
        });
    }
}

#[test]
fn derived_resources_follow_the_fleet_and_explicit_ones_are_kept() {
    let memory = |tree: &Tree, file: &str, kind: &str| {
        let documents = central_file(tree, file);
        let resources =
            one(&documents, kind)["spec"]["template"]["spec"]["containers"][0]["resources"].clone();
        (
            resources["requests"]["memory"].clone(),
            resources["limits"]["memory"].clone(),
        )
    };
    // 4 edges of 100k series, factor 3 over 3 pods: 400k head series a pod, 4Gi.
    let four = render(&valid(new_fleet(4)));
    assert_eq!(
        memory(&four, "thanos-receive.yaml", "StatefulSet"),
        (Value::from("4Gi"), Value::from("4Gi"))
    );
    // Twice the series per edge: 800k a pod, 7Gi.
    let fleet = valid(new_fleet(4).central(
        central().sizing(thanos_model::Sizing::default().active_series_per_cluster(200_000)),
    ));
    assert_eq!(
        memory(&render(&fleet), "thanos-receive.yaml", "StatefulSet"),
        (Value::from("7Gi"), Value::from("7Gi"))
    );
    // An explicit value is rendered as it is (check warns that it is below the need).
    let own = Resources::default()
        .cpu(Cpu::millicores(100), Cpu::cores(1))
        .memory(Bytes::gibibytes(1), Bytes::gibibytes(1));
    let fleet = valid(new_fleet(4).central(central().query(Query::default().resources(own))));
    assert_eq!(
        memory(&render(&fleet), "thanos-query.yaml", "Deployment"),
        (Value::from("1Gi"), Value::from("1Gi"))
    );
    let warnings: Vec<&str> = fleet.warnings().iter().map(|w| w.path.as_str()).collect();
    assert_eq!(warnings, ["central.query.resources.memoryLimit"]);
    assert_eq!(
        fleet.resources(Workload::Query).memory_limit.to_string(),
        "1Gi"
    );
}

/// The runbook's availability and sizing section of a 50-edge new fleet: its sizing table,
/// and the warning that 3 Receive pods of 5M series each are too few.
#[test]
fn fifty_edges_sizing_section_snapshot() {
    let fleet = valid(new_fleet(50).runbook(RunbookOptions::default().language(Language::English)));
    let warnings: Vec<&str> = fleet.warnings().iter().map(|w| w.path.as_str()).collect();
    assert_eq!(
        warnings,
        ["central.receive.storage.size", "central.receive.replicas"]
    );
    assert!(fleet.warnings()[1].hint.contains("raise replicas to 8"));
    let tree = render(&fleet);
    let readme = tree.get("README.md").expect("runbook");
    let start = readme
        .find("## Availability and sizing")
        .expect("the section");
    let end = start
        + readme[start..]
            .find("## Changing the fleet")
            .expect("next section");
    let mut settings = common::snapshot_settings();
    settings.set_description("README.md, Availability and sizing (new fleet, 50 edges)");
    settings.bind(|| {
        insta::assert_snapshot!("new-fleet-50__availability.md", &readme[start..end]);
    });
}
