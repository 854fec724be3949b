//! The seed's four-cluster fleet, rendered whole: every file snapshot-tested, every
//! Thanos flag and values key checked against the upstream facts in `facts/`, every Kubernetes
//! object round-tripped through its k8s-openapi type.

mod common;

use std::collections::BTreeMap;

use serde_yaml::Value;
use thanos_model::ValidFleet;
use thanos_render::{render, Tree, DEFAULT_ROOT};

const CENTRAL: &str = "overlays/cluster-01-central/kube-prometheus-stack";

/// The seed's fleet, the one `cargo run --example four-clusters` renders.
fn seed() -> ValidFleet {
    common::valid(thanos_model::seed::seed(3))
}

fn tree() -> Tree {
    render(&seed())
}

/// The strings of a YAML sequence.
fn strings(sequence: &Value) -> Vec<&str> {
    sequence
        .as_sequence()
        .expect("a sequence")
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

#[test]
fn renders_exactly_the_seed_tree() {
    let tree = tree();
    let paths: Vec<&str> = tree.iter().map(|(path, _)| path).collect();
    let mut expected = vec![
        "base/kube-prometheus-stack/values.yaml".to_owned(),
        "base/kube-prometheus-stack/kustomization.yaml".to_owned(),
    ];
    for file in [
        "values-central.yaml",
        "kustomization.yaml",
        "namespace.yaml",
        "thanos-s3-secret.yaml",
        "thanos-query.yaml",
        "thanos-receive.yaml",
        "thanos-store.yaml",
        "thanos-compactor.yaml",
        "thanos-monitoring.yaml",
    ] {
        expected.push(format!("{CENTRAL}/{file}"));
    }
    for n in 2..=4 {
        for file in ["values-edge.yaml", "kustomization.yaml", "namespace.yaml"] {
            expected.push(format!(
                "overlays/cluster-0{n}-edge/kube-prometheus-stack/{file}"
            ));
        }
    }
    expected.push("README.md".to_owned());
    let mut sorted_paths = paths.clone();
    sorted_paths.sort_unstable();
    expected.sort_unstable();
    assert_eq!(sorted_paths, expected);
}

#[test]
fn every_file_matches_its_snapshot() {
    let settings = common::snapshot_settings();
    settings.bind(|| {
        for (path, content) in tree().iter() {
            let name = format!("four-clusters__{}", path.replace('/', "__"));
            settings_description(&name, path, content);
        }
    });
}

fn settings_description(name: &str, path: &str, content: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_description(format!("{DEFAULT_ROOT}/{path}"));
    settings.bind(|| insta::assert_snapshot!(name.to_owned(), content));
}

#[test]
fn rendering_is_deterministic_and_the_stream_holds_the_same_bytes() {
    let first = tree();
    let second = tree();
    assert_eq!(first, second);
    let stream = first.to_stream(DEFAULT_ROOT);
    assert_eq!(stream, second.to_stream(DEFAULT_ROOT));
    assert_eq!(
        Tree::from_stream(&stream, DEFAULT_ROOT).expect("stream parses"),
        first
    );
    // Helm's convention: every document starts with `---` and names its file.
    for document in stream.split("---\n").skip(1) {
        assert!(
            document.starts_with(&format!("# Source: {DEFAULT_ROOT}/")),
            "document without a Source line: {document:.80}"
        );
    }
}

#[test]
fn every_thanos_flag_exists_in_v0_42_4_and_none_is_deprecated() {
    let tree = tree();
    let containers = common::thanos_containers(&tree);
    let subcommands: Vec<&str> = containers
        .iter()
        .map(|(_, _, args)| args[0].as_str())
        .collect();
    assert_eq!(subcommands, ["query", "receive", "store", "compact"]);
    assert_eq!(common::flag_violations(&tree), Vec::<String>::new());
}

#[test]
fn the_flag_checker_catches_unknown_and_deprecated_flags() {
    // The checker must be able to fail: a misspelt flag and a deprecated one.
    let path = format!("{CENTRAL}/thanos-query.yaml");
    let bad = tree()
        .get(&path)
        .unwrap()
        .replace("--query.auto-downsampling", "--query.auto-downsampeling")
        .replace("--endpoint.sd-config-file=", "--store.sd-files=");
    let tree = Tree::from_stream(&format!("---\n# Source: x/{path}\n{bad}"), "x").unwrap();
    assert_eq!(
        common::flag_violations(&tree),
        [
            format!("{path}: thanos-query: --store.sd-files is deprecated"),
            format!(
                "{path}: thanos-query: --query.auto-downsampeling is not a `thanos query` flag"
            ),
        ]
    );
}

#[test]
fn every_values_key_exists_in_the_chart_or_its_crds() {
    assert_eq!(common::values_violations(&tree()), Vec::<String>::new());
}

#[test]
fn the_values_checker_catches_unknown_keys() {
    // The checker must be able to fail: a misspelt key and a CRD field that does not exist.
    let mut tree = tree();
    let bad = tree
        .get(&format!("{CENTRAL}/values-central.yaml"))
        .unwrap()
        .replace("thanosService:", "thanosServise:")
        .replacen("objectStorageConfig:", "objectStoreConfig:", 1)
        .replace("passwordKey:", "passwordKy:");
    tree = Tree::from_stream(
        &format!("---\n# Source: x/{CENTRAL}/values-central.yaml\n{bad}"),
        "x",
    )
    .unwrap();
    let file = format!("{CENTRAL}/values-central.yaml");
    assert_eq!(
        common::values_violations(&tree),
        [
            format!("{file}: prometheus.thanosServise is not a key of the chart's values"),
            format!(
                "{file}: prometheus.prometheusSpec.thanos.objectStoreConfig is not a field of the CRD"
            ),
            format!("{file}: grafana.admin.passwordKy is not a key of the chart's values"),
        ]
    );
}

#[test]
fn every_kubernetes_object_round_trips_through_k8s_openapi() {
    let kinds = common::round_trip_objects(&tree()).unwrap_or_else(|problems| {
        panic!("objects that do not fit their k8s-openapi type: {problems:#?}")
    });
    let expected: BTreeMap<String, usize> = [
        ("ConfigMap", 8),
        ("Deployment", 1),
        ("Ingress", 2),
        ("Namespace", 4),
        ("PrometheusRule", 3),
        ("Secret", 1),
        ("Service", 6),
        ("ServiceMonitor", 5),
        ("StatefulSet", 3),
    ]
    .into_iter()
    .map(|(kind, count)| (kind.to_owned(), count))
    .collect();
    assert_eq!(kinds, expected);
}

#[test]
fn workloads_are_hardened() {
    let tree = tree();
    for (path, content) in common::yaml_files(&tree) {
        for document in common::documents(content) {
            let kind = document["kind"].as_str().unwrap_or_default();
            if kind != "Deployment" && kind != "StatefulSet" {
                continue;
            }
            let pod = &document["spec"]["template"]["spec"];
            let name = document["metadata"]["name"].as_str().unwrap();
            assert_eq!(
                pod["automountServiceAccountToken"],
                Value::Bool(false),
                "{name}"
            );
            assert_eq!(
                pod["securityContext"]["runAsNonRoot"],
                Value::Bool(true),
                "{name}"
            );
            assert_eq!(
                pod["securityContext"]["seccompProfile"]["type"].as_str(),
                Some("RuntimeDefault")
            );
            for container in pod["containers"].as_sequence().unwrap() {
                let security = &container["securityContext"];
                assert_eq!(
                    security["readOnlyRootFilesystem"],
                    Value::Bool(true),
                    "{path} {name}"
                );
                assert_eq!(
                    security["allowPrivilegeEscalation"],
                    Value::Bool(false),
                    "{name}"
                );
                assert_eq!(
                    security["capabilities"]["drop"][0].as_str(),
                    Some("ALL"),
                    "{name}"
                );
                for probe in ["livenessProbe", "readinessProbe"] {
                    assert!(
                        container[probe]["httpGet"]["path"].is_string(),
                        "{name} {probe}"
                    );
                }
                for bound in ["requests", "limits"] {
                    for resource in ["cpu", "memory"] {
                        assert!(
                            container["resources"][bound][resource].is_string(),
                            "{name} {bound}.{resource}"
                        );
                    }
                }
                // Object storage comes from the mounted Secret file, never the environment.
                let args = strings(&container["args"]);
                assert!(
                    !args.iter().any(|arg| arg.starts_with("--objstore.config=")),
                    "{name}"
                );
            }
        }
    }
}

#[test]
fn no_secret_is_written_in_plain_text() {
    for (path, content) in tree().iter() {
        for forbidden in [
            "admin123",
            "prom-operator",
            "adminPassword",
            "access_key: A",
            "secret_key: s",
        ] {
            assert!(
                !content.contains(forbidden),
                "{path} contains {forbidden:?}"
            );
        }
    }
    let secret = &common::file_documents(&tree(), &format!("{CENTRAL}/thanos-s3-secret.yaml"))[0];
    let objstore = secret["stringData"]["objstore.yml"].as_str().unwrap();
    let config: Value = serde_yaml::from_str(objstore).unwrap();
    assert_eq!(config["config"]["access_key"], "${S3_ACCESS_KEY}");
    assert_eq!(config["config"]["secret_key"], "${S3_SECRET_KEY}");
}

/// What `envsubst` makes of the Secret file is still the same Secret, whatever YAML
/// characters the keys hold.
#[test]
fn keys_substituted_into_the_s3_secret_stay_single_values() {
    let file = tree()
        .get(&format!("{CENTRAL}/thanos-s3-secret.yaml"))
        .unwrap()
        .to_owned();
    for (access, secret) in [
        (
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY+",
        ),
        ("a: b #c", "*alias &anchor !tag 'q' {x} [y] % @ `"),
        ("- list", "| > block"),
    ] {
        let substituted = file
            .replace("${S3_ACCESS_KEY}", access)
            .replace("${S3_SECRET_KEY}", secret);
        let document = &common::documents(&substituted)[0];
        let objstore: Value =
            serde_yaml::from_str(document["stringData"]["objstore.yml"].as_str().unwrap())
                .unwrap_or_else(|error| panic!("{access:?}/{secret:?}: {error}"));
        assert_eq!(objstore["config"]["access_key"], access);
        assert_eq!(objstore["config"]["secret_key"], secret);
        assert_eq!(objstore["config"]["bucket"], "thanos");
    }
}

#[test]
fn the_s3_secret_is_not_a_resource_of_the_overlay() {
    let kustomization =
        &common::file_documents(&tree(), &format!("{CENTRAL}/kustomization.yaml"))[0];
    let resources = strings(&kustomization["resources"]);
    assert_eq!(
        resources,
        [
            "namespace.yaml",
            "thanos-query.yaml",
            "thanos-receive.yaml",
            "thanos-store.yaml",
            "thanos-compactor.yaml",
            "thanos-monitoring.yaml",
        ]
    );
}

#[test]
fn query_reads_every_producer_and_deduplicates_every_replica_label() {
    let tree = tree();
    let query = common::file_documents(&tree, &format!("{CENTRAL}/thanos-query.yaml"));
    let endpoints: Value =
        serde_yaml::from_str(query[0]["data"]["endpoints.yaml"].as_str().unwrap()).unwrap();
    let addresses: Vec<&str> = endpoints["endpoints"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|e| e["address"].as_str().unwrap())
        .collect();
    assert_eq!(
        addresses,
        [
            "dnssrv+_grpc._tcp.kube-prometheus-stack-thanos-discovery.monitoring.svc",
            "dnssrv+_grpc._tcp.thanos-receive-headless.monitoring.svc",
            "dnssrv+_grpc._tcp.thanos-store.monitoring.svc",
            "dnssrv+_grpc._tcp.thanos-ruler-operated.monitoring.svc",
        ]
    );
    let args = &common::thanos_containers(&tree)[0].2;
    assert!(args.contains(&"--http-address=0.0.0.0:9090".to_owned()));
    assert!(args.contains(&"--query.replica-label=prometheus_replica".to_owned()));
    assert!(args.contains(&"--query.replica-label=receive_replica".to_owned()));
    assert!(args.contains(&"--query.replica-label=thanos_ruler_replica".to_owned()));
    // Those are the labels the producers really carry.
    let receive = &common::thanos_containers(&tree)[1].2;
    assert!(receive.contains(&"--label=receive_replica=\"$(NAME)\"".to_owned()));
}

#[test]
fn the_hashring_lists_exactly_the_receive_pods_and_each_local_endpoint() {
    let tree = tree();
    let receive = common::file_documents(&tree, &format!("{CENTRAL}/thanos-receive.yaml"));
    let hashrings: serde_json::Value =
        serde_json::from_str(receive[0]["data"]["hashrings.json"].as_str().unwrap()).unwrap();
    let replicas = receive[1]["spec"]["replicas"].as_u64().unwrap();
    let endpoints = hashrings[0]["endpoints"].as_array().unwrap();
    assert_eq!(endpoints.len() as u64, replicas);
    let args = &common::thanos_containers(&tree)[1].2;
    let local = args
        .iter()
        .find_map(|a| a.strip_prefix("--receive.local-endpoint="))
        .unwrap();
    for (ordinal, endpoint) in endpoints.iter().enumerate() {
        let pod = format!("thanos-receive-{ordinal}");
        assert_eq!(endpoint.as_str().unwrap(), local.replace("$(NAME)", &pod));
    }
    assert_eq!(hashrings[0]["algorithm"], "ketama");
    assert!(args.contains(&"--receive.hashrings-algorithm=ketama".to_owned()));
}

#[test]
fn edges_write_to_the_receiver_ingress_with_their_own_cluster_label() {
    let tree = tree();
    for n in 2..=4 {
        let values = &common::file_documents(
            &tree,
            &format!("overlays/cluster-0{n}-edge/kube-prometheus-stack/values-edge.yaml"),
        )[0];
        let spec = &values["prometheus"]["prometheusSpec"];
        assert_eq!(values["prometheus"]["agentMode"], Value::Bool(true));
        assert_eq!(
            spec["externalLabels"]["cluster"].as_str(),
            Some(format!("cluster-0{n}-edge").as_str())
        );
        assert_eq!(
            spec["remoteWrite"][0]["url"].as_str(),
            Some("http://thanos-receive.k8s-cluster-01.miribit.lab/api/v1/receive")
        );
        for off in [
            "alertmanager",
            "grafana",
            "kubeEtcd",
            "kubeControllerManager",
            "kubeScheduler",
            "kubeProxy",
        ] {
            assert_eq!(values[off]["enabled"], Value::Bool(false), "{off}");
        }
        assert_eq!(values["defaultRules"]["create"], Value::Bool(false));
    }
    // The host edges write to is the one Receive's Ingress serves.
    let receive = common::file_documents(&tree, &format!("{CENTRAL}/thanos-receive.yaml"));
    let ingress = receive.iter().find(|d| d["kind"] == "Ingress").unwrap();
    assert_eq!(
        ingress["spec"]["rules"][0]["host"].as_str(),
        Some("thanos-receive.k8s-cluster-01.miribit.lab")
    );
}
