//! The secure fleet (`examples/secure-fleet.rs`), its read path, network and privileges
//! (issue 16): each safety setting a user relies on is asserted on the rendered objects.
//! Its files are snapshot-tested, and its write path proven, in `secure_fleet.rs`.

mod common;

use thanos_model::ValidFleet;
use thanos_render::{render, Tree};

/// The fleet `cargo run --example secure-fleet` renders.
fn fleet() -> ValidFleet {
    common::valid(thanos_model::seed::secure_fleet(3))
}

fn tree() -> Tree {
    render(&fleet())
}

/// The arguments of the Thanos container whose subcommand is `subcommand`.
fn args_of(tree: &Tree, subcommand: &str) -> Vec<String> {
    common::thanos_containers(tree)
        .into_iter()
        .map(|(_, _, args)| args)
        .find(|args| args[0] == subcommand)
        .unwrap_or_else(|| panic!("no thanos {subcommand} container"))
}

#[test]
fn the_secure_fleet_has_no_warning() {
    assert_eq!(fleet().warnings(), []);
}

#[test]
fn every_thanos_flag_exists_in_v0_42_4_and_none_is_deprecated() {
    assert_eq!(common::flag_violations(&tree()), Vec::<String>::new());
}

#[test]
fn query_answers_no_other_origin_and_bounds_its_queries() {
    let args = args_of(&tree(), "query");
    for flag in [
        "--web.disable-cors",
        "--query.timeout=2m",
        "--query.max-concurrent=20",
    ] {
        assert!(args.contains(&flag.to_owned()), "{flag} in {args:?}");
    }
}

#[test]
fn no_one_marks_blocks_for_deletion_through_store_or_compactor() {
    let tree = tree();
    for subcommand in ["store", "compact"] {
        let args = args_of(&tree, subcommand);
        assert!(
            args.contains(&"--disable-admin-operations".to_owned()),
            "{subcommand}: {args:?}"
        );
    }
    let runbook = tree.get("README.md").expect("the runbook");
    assert!(!runbook.contains("port-forward svc/thanos-compactor"));
    assert!(!runbook.contains("port-forward svc/thanos-store"));
}

#[test]
fn store_and_receive_limit_each_request() {
    let tree = tree();
    for subcommand in ["store", "receive"] {
        let args = args_of(&tree, subcommand);
        for flag in [
            "--store.limits.request-series=1000000",
            "--store.limits.request-samples=50000000",
        ] {
            assert!(args.contains(&flag.to_owned()), "{subcommand}: {flag}");
        }
    }
    assert!(
        args_of(&tree, "store").contains(&"--store.grpc.series-sample-limit=50000000".to_owned())
    );
}

/// The parsed documents of every central Thanos file.
fn thanos_documents(tree: &Tree) -> Vec<serde_yaml::Value> {
    ["query", "receive", "store", "compactor"]
        .iter()
        .flat_map(|component| {
            common::file_documents(
                tree,
                &format!(
                    "overlays/cluster-01-central/kube-prometheus-stack/thanos-{component}.yaml"
                ),
            )
        })
        .collect()
}

#[test]
fn each_component_runs_as_its_own_service_account_without_a_token() {
    let documents = thanos_documents(&tree());
    let accounts: Vec<&str> = documents
        .iter()
        .filter(|d| d["kind"] == "ServiceAccount")
        .inspect(|d| assert_eq!(d["automountServiceAccountToken"], false))
        .map(|d| d["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        accounts,
        [
            "thanos-query",
            "thanos-receive",
            "thanos-store",
            "thanos-compactor"
        ]
    );
    let workloads: Vec<_> = documents
        .iter()
        .filter(|d| d["kind"] == "Deployment" || d["kind"] == "StatefulSet")
        .collect();
    assert_eq!(workloads.len(), 4);
    for workload in workloads {
        let pod = &workload["spec"]["template"]["spec"];
        assert_eq!(pod["serviceAccountName"], workload["metadata"]["name"]);
        assert_eq!(pod["automountServiceAccountToken"], false);
        let container = &pod["containers"][0];
        assert_eq!(container["imagePullPolicy"], "Always");
        assert_eq!(
            container["image"],
            format!(
                "quay.io/thanos/thanos:v0.42.4@{}",
                thanos_model::seed::PLACEHOLDER_DIGEST
            )
            .as_str()
        );
    }
}

#[test]
fn the_sidecar_and_the_ruler_run_the_pinned_image() {
    let tree = tree();
    let values = tree
        .get("overlays/cluster-01-central/kube-prometheus-stack/values-central.yaml")
        .expect("rendered");
    let values: serde_yaml::Value = serde_yaml::from_str(values).expect("YAML");
    let digest = thanos_model::seed::PLACEHOLDER_DIGEST;
    assert_eq!(
        values["prometheus"]["prometheusSpec"]["thanos"]["image"],
        format!("quay.io/thanos/thanos:v0.42.4@{digest}").as_str()
    );
    assert_eq!(
        values["thanosRuler"]["thanosRulerSpec"]["image"]["tag"],
        format!("v0.42.4@{digest}").as_str()
    );
}

#[test]
fn network_policies_deny_by_default_and_open_only_service_ports_to_real_peers() {
    let tree = tree();
    let central = "overlays/cluster-01-central/kube-prometheus-stack";
    let kustomization = tree
        .get(&format!("{central}/kustomization.yaml"))
        .expect("rendered");
    assert!(kustomization.contains("- network-policies.yaml"));
    let shared = common::file_documents(&tree, &format!("{central}/network-policies.yaml"));
    assert_eq!(shared[0]["metadata"]["name"], "default-deny-ingress");
    assert_eq!(
        shared[0]["spec"]["podSelector"],
        serde_yaml::Value::from(serde_yaml::Mapping::new())
    );
    assert!(shared[0]["spec"]["ingress"].is_null());
    // Cilium's Ingress reaches Receive's remote-write port and Grafana.
    let cilium: Vec<(&str, &str)> = shared
        .iter()
        .filter(|d| d["kind"] == "CiliumNetworkPolicy")
        .map(|d| {
            (
                d["metadata"]["name"].as_str().unwrap(),
                d["spec"]["ingress"][0]["toPorts"][0]["ports"][0]["port"]
                    .as_str()
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(
        cilium,
        [
            ("thanos-receive-from-ingress", "19291"),
            ("grafana-from-ingress", "3000")
        ]
    );
    // Each component's policy opens only ports of its own Service.
    let documents = thanos_documents(&tree);
    for policy in documents.iter().filter(|d| d["kind"] == "NetworkPolicy") {
        let name = &policy["metadata"]["name"];
        let service = documents
            .iter()
            .find(|d| d["kind"] == "Service" && d["metadata"]["name"] == *name)
            .expect("its Service");
        let service_ports: Vec<&serde_yaml::Value> = service["spec"]["ports"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|p| &p["port"])
            .collect();
        for rule in policy["spec"]["ingress"].as_sequence().unwrap() {
            assert!(!rule["from"].is_null(), "{name:?}: a rule open to anyone");
            for port in rule["ports"].as_sequence().unwrap() {
                assert!(service_ports.contains(&&port["port"]), "{name:?}: {port:?}");
                assert_ne!(port["port"], 19391, "Cap'n Proto is closed");
            }
        }
    }
    let store = documents
        .iter()
        .find(|d| d["kind"] == "NetworkPolicy" && d["metadata"]["name"] == "thanos-store")
        .expect("Store's policy");
    let grpc = &store["spec"]["ingress"][0];
    assert_eq!(grpc["ports"][0]["port"], 10901);
    assert_eq!(
        grpc["from"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"],
        "thanos-query"
    );
}

#[test]
fn namespaces_enforce_restricted_and_node_exporter_runs_apart() {
    let tree = tree();
    for overlay in [
        "cluster-01-central",
        "cluster-02-edge",
        "cluster-03-edge",
        "cluster-04-edge",
    ] {
        let dir = format!("overlays/{overlay}/kube-prometheus-stack");
        let namespaces = common::file_documents(&tree, &format!("{dir}/namespace.yaml"));
        let levels: Vec<(&str, &str)> = namespaces
            .iter()
            .map(|n| {
                (
                    n["metadata"]["name"].as_str().unwrap(),
                    n["metadata"]["labels"]["pod-security.kubernetes.io/enforce"]
                        .as_str()
                        .unwrap(),
                )
            })
            .collect();
        assert_eq!(
            levels,
            [
                ("monitoring", "restricted"),
                ("monitoring-node-exporter", "privileged")
            ],
            "{overlay}"
        );
        // No top-level namespace: it would move node-exporter back into `monitoring`.
        let kustomization: serde_yaml::Value = serde_yaml::from_str(
            tree.get(&format!("{dir}/kustomization.yaml"))
                .expect("rendered"),
        )
        .unwrap();
        assert!(kustomization["namespace"].is_null(), "{overlay}");
    }
    let base: serde_yaml::Value = serde_yaml::from_str(
        tree.get("base/kube-prometheus-stack/values.yaml")
            .expect("rendered"),
    )
    .unwrap();
    assert_eq!(
        base["prometheus-node-exporter"]["namespaceOverride"],
        "monitoring-node-exporter"
    );
}

#[test]
fn an_edge_denies_by_default_and_admits_only_what_its_agent_needs() {
    let tree = tree();
    for edge in ["cluster-02-edge", "cluster-03-edge", "cluster-04-edge"] {
        let dir = format!("overlays/{edge}/kube-prometheus-stack");
        let kustomization = tree.get(&format!("{dir}/kustomization.yaml")).unwrap();
        assert!(kustomization.contains("- network-policies.yaml"), "{edge}");
        let policies = common::file_documents(&tree, &format!("{dir}/network-policies.yaml"));
        let rules: Vec<(String, Vec<i64>)> = policies
            .iter()
            .map(|p| {
                let ports = p["spec"]["ingress"]
                    .as_sequence()
                    .into_iter()
                    .flatten()
                    .flat_map(|rule| rule["ports"].as_sequence().unwrap().iter())
                    .map(|port| port["port"].as_i64().unwrap())
                    .collect();
                (p["metadata"]["name"].as_str().unwrap().to_owned(), ports)
            })
            .collect();
        assert_eq!(
            rules,
            [
                ("default-deny-ingress".to_owned(), vec![]),
                ("prometheus-agent".to_owned(), vec![9090, 8080]),
                ("kube-state-metrics".to_owned(), vec![8080]),
                ("prometheus-operator".to_owned(), vec![10250]),
            ]
        );
        // Only the agent scrapes; only the webhook port is open to the API server.
        for policy in &policies[1..3] {
            assert_eq!(
                policy["spec"]["ingress"][0]["from"][0]["podSelector"]["matchLabels"]
                    ["app.kubernetes.io/name"],
                "prometheus-agent"
            );
        }
    }
    // The lab has none.
    let lab = render(&thanos_model::seed::seed(3).build().unwrap());
    assert!(lab
        .get("overlays/cluster-02-edge/kube-prometheus-stack/network-policies.yaml")
        .is_none());
}

/// On a CNI other than Cilium, with a controller the policies cannot guess, the named
/// controller's pods are the only peers of Receive's remote-write port and Grafana.
#[test]
fn a_named_ingress_controller_is_the_only_ingress_peer() {
    use thanos_model::{IngressController, Security};
    let controller =
        IngressController::new("traefik").pod_label("app.kubernetes.io/name", "traefik");
    let unnamed = thanos_model::seed::secure_fleet(3).ingress_class("traefik");
    let warned = unnamed.clone().build().expect("valid");
    let paths = |fleet: &thanos_model::ValidFleet| -> Vec<String> {
        fleet.warnings().iter().map(|w| w.path.clone()).collect()
    };
    assert_eq!(paths(&warned), ["security.ingressController"]);
    let fleet = unnamed
        .security(Security::default().ingress_controller(controller))
        .build()
        .expect("valid");
    assert_eq!(paths(&fleet), Vec::<String>::new());
    let tree = render(&fleet);
    let central = "overlays/cluster-01-central/kube-prometheus-stack";
    let receive = common::file_documents(&tree, &format!("{central}/thanos-receive.yaml"))
        .into_iter()
        .find(|d| d["kind"] == "NetworkPolicy")
        .expect("Receive's policy");
    let write = &receive["spec"]["ingress"][0];
    assert_eq!(write["ports"][0]["port"], 19291);
    let from = &write["from"][0];
    assert_eq!(
        from["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"],
        "traefik"
    );
    assert_eq!(
        from["podSelector"]["matchLabels"]["app.kubernetes.io/name"],
        "traefik"
    );
    let shared = common::file_documents(&tree, &format!("{central}/network-policies.yaml"));
    let grafana = shared
        .iter()
        .find(|d| d["metadata"]["name"] == "grafana")
        .expect("Grafana's policy");
    assert_eq!(grafana["spec"]["ingress"][0]["from"][0], *from);
    assert!(
        shared.iter().all(|d| d["kind"] != "CiliumNetworkPolicy"),
        "no Cilium identity without Cilium's Ingress"
    );
}

/// The sidecar and the Ruler, whose flags the operator writes, limit each request of
/// their StoreAPI as Store and Receive do, with flags their subcommands have.
#[test]
fn the_sidecar_and_the_ruler_limit_each_request() {
    let tree = tree();
    let values = common::file_documents(
        &tree,
        "overlays/cluster-01-central/kube-prometheus-stack/values-central.yaml",
    )
    .remove(0);
    for (subcommand, args) in [
        (
            "sidecar",
            &values["prometheus"]["prometheusSpec"]["thanos"]["additionalArgs"],
        ),
        (
            "rule",
            &values["thanosRuler"]["thanosRulerSpec"]["additionalArgs"],
        ),
    ] {
        let flags: Vec<String> = args
            .as_sequence()
            .expect("additionalArgs")
            .iter()
            .map(|a| {
                format!(
                    "--{}={}",
                    a["name"].as_str().unwrap(),
                    a["value"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(
            flags,
            [
                "--store.limits.request-series=1000000",
                "--store.limits.request-samples=50000000"
            ],
            "{subcommand}"
        );
        let known = common::facts::thanos_flags(subcommand);
        for flag in &flags {
            let name = flag.split('=').next().unwrap();
            assert!(known.iter().any(|k| k.name == name), "{subcommand} {name}");
        }
    }
}
