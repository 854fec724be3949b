//! Golden files of the option variants the seed leaves at their default, one scenario per
//! test (kustomize's api/krusty style), so every option is reviewed as a diff against the
//! seed's four-cluster tree: each file of a variant that differs from the seed's is
//! snapshot-tested as `<variant>__<path>`, and each test states which files differ, are
//! added and are removed, so a variant that stops making a difference is noticed.

mod common;

use thanos_model::{
    seed::seed, Central, FleetBuilder, HashringAlgorithm, Language, ObjectStorage, RunbookOptions,
    S3Credentials, ThanosMonitoringOptions, S3,
};
use thanos_render::{render, Tree, DEFAULT_ROOT};

const CENTRAL: &str = "overlays/cluster-01-central/kube-prometheus-stack";

/// The seed's central cluster, to change one component of (with the lab's open write
/// path, as the seed has it).
fn central() -> Central {
    thanos_model::seed::seed_central()
}

/// The seed's bucket with the objstore Secret made outside the tree.
fn existing_secret() -> ObjectStorage {
    ObjectStorage::S3(
        S3::new("s3.minio.miribit.lab", "thanos")
            .insecure(true)
            .credentials(S3Credentials::ExistingSecret),
    )
}

/// How a variant's tree differs from the seed's, each list sorted.
#[derive(Debug, PartialEq, Eq)]
struct Difference {
    changed: Vec<String>,
    added: Vec<String>,
    removed: Vec<String>,
}

impl Difference {
    fn of(seed: &Tree, variant: &Tree) -> Self {
        let mut changed = Vec::new();
        let mut added = Vec::new();
        for (path, content) in variant.iter() {
            match seed.get(path) {
                Some(seeded) if seeded == content => {}
                Some(_) => changed.push(path.to_owned()),
                None => added.push(path.to_owned()),
            }
        }
        let mut removed: Vec<String> = seed
            .iter()
            .map(|(path, _)| path)
            .filter(|path| variant.get(path).is_none())
            .map(str::to_owned)
            .collect();
        changed.sort();
        added.sort();
        removed.sort();
        Self {
            changed,
            added,
            removed,
        }
    }
}

/// Paths of the central overlay's files (`README.md` stays as given).
fn paths(files: &[&str]) -> Vec<String> {
    let mut paths: Vec<String> = files
        .iter()
        .map(|file| {
            if file.contains('/') || *file == "README.md" {
                (*file).to_owned()
            } else {
                format!("{CENTRAL}/{file}")
            }
        })
        .collect();
    paths.sort();
    paths
}

/// Renders the variant, asserts which files it changes, adds and removes against the
/// seed's tree, and snapshots every changed and added file as `<name>__<path>`.
fn assert_variant(
    name: &str,
    builder: FleetBuilder,
    changed: &[&str],
    added: &[&str],
    removed: &[&str],
) {
    let fleet = builder
        .build()
        .unwrap_or_else(|error| panic!("the {name} variant is valid: {error}"));
    let variant = render(&fleet);
    let seed = render(&seed(3).build().expect("the seed is valid"));
    let difference = Difference::of(&seed, &variant);
    assert_eq!(
        difference,
        Difference {
            changed: paths(changed),
            added: paths(added),
            removed: paths(removed),
        },
        "the files the {name} variant changes, adds and removes"
    );
    let mut settings = common::snapshot_settings();
    for path in difference.changed.iter().chain(&difference.added) {
        let content = variant
            .get(path)
            .expect("a changed or added file is rendered");
        settings.set_description(format!("{DEFAULT_ROOT}/{path} ({name})"));
        settings.bind(|| {
            insta::assert_snapshot!(format!("{name}__{}", path.replace('/', "__")), content);
        });
    }
}

/// Receive 3 replicas with factor 3, Query 2 replicas, Grafana without Ingress, the
/// objstore Secret made outside the tree.
#[test]
fn high_availability() {
    assert_variant(
        "ha",
        seed(3).object_storage(existing_secret()).central(
            central()
                .receive(central().receive.replicas(3).replication_factor(3))
                .query(central().query.replicas(2))
                .grafana(central().grafana.without_ingress()),
        ),
        // The runbook follows: port-forwards for Query and Grafana, three Receive pods,
        // the objstore Secret checked rather than made; with every series held three
        // times, the silent-edge alerts keep evaluating when one Receive pod errs.
        &[
            "README.md",
            "thanos-compactor.yaml",
            "thanos-monitoring.yaml",
            "thanos-query.yaml",
            "thanos-receive.yaml",
            "values-central.yaml",
        ],
        &[],
        &["thanos-s3-secret.yaml"],
    );
}

/// No Thanos Ruler (and so no silent-edge alerts, which only the Ruler can evaluate):
/// central Prometheus evaluates the chart's rules over its own series.
#[test]
fn ruler_off() {
    assert_variant(
        "ruler-off",
        seed(3).central(
            central()
                .without_ruler()
                .thanos_monitoring(ThanosMonitoringOptions::default().silent_edge_alerts(false)),
        ),
        // The runbook loses the Ruler's steps; Query no longer lists the Ruler as an
        // endpoint; the chart's rules go back to Prometheus; no silent-edge alerts.
        &[
            "README.md",
            "thanos-monitoring.yaml",
            "thanos-query.yaml",
            "values-central.yaml",
        ],
        &[],
        &[],
    );
}

/// No ServiceMonitors, alerts, silent-edge alerts or dashboards for Thanos.
#[test]
fn thanos_monitoring_off() {
    assert_variant(
        "monitoring-off",
        seed(3).central(central().thanos_monitoring(ThanosMonitoringOptions::off())),
        // Each component file loses its ServiceMonitor, the kustomization the monitoring
        // file, the runbook its checks of them.
        &[
            "README.md",
            "kustomization.yaml",
            "thanos-compactor.yaml",
            "thanos-query.yaml",
            "thanos-receive.yaml",
            "thanos-store.yaml",
        ],
        &[],
        &["thanos-monitoring.yaml"],
    );
}

/// The objstore Secret made outside the tree: no Secret manifest with placeholders.
#[test]
fn s3_from_an_existing_secret() {
    assert_variant(
        "s3-existing-secret",
        seed(3).object_storage(existing_secret()),
        // The runbook checks the Secret rather than making it.
        &["README.md"],
        &[],
        &["thanos-s3-secret.yaml"],
    );
}

/// The central cluster alone.
#[test]
fn no_edges() {
    let edge_files: Vec<String> = (2..=4)
        .flat_map(|n| {
            ["kustomization.yaml", "namespace.yaml", "values-edge.yaml"]
                .map(|file| format!("overlays/cluster-0{n}-edge/kube-prometheus-stack/{file}"))
        })
        .collect();
    let removed: Vec<&str> = edge_files.iter().map(String::as_str).collect();
    // The runbook has no edge to deploy; no silent-edge alert.
    assert_variant(
        "no-edges",
        seed(0),
        &["README.md", "thanos-monitoring.yaml"],
        &[],
        &removed,
    );
}

/// No runbook: the tree holds only manifests.
#[test]
fn runbook_off() {
    assert_variant(
        "runbook-off",
        seed(3).runbook(RunbookOptions::disabled()),
        &[],
        &[],
        &["README.md"],
    );
}

/// The runbook in English (the seed's is Korean): only `README.md` changes. Its snapshot
/// is the one `tests/runbook.rs` names `four-clusters-en__README.md`.
#[test]
fn english_runbook() {
    assert_variant(
        "four-clusters-en",
        seed(3).runbook(RunbookOptions::default().language(Language::English)),
        &["README.md"],
        &[],
        &[],
    );
}

/// Receive spreads series with `hashmod` instead of `ketama`.
#[test]
fn hashmod_hashring() {
    assert_variant(
        "hashmod",
        seed(3).central(
            central().receive(
                central()
                    .receive
                    .hashring_algorithm(HashringAlgorithm::Hashmod),
            ),
        ),
        // The flag and the hashring file; the runbook's description of the ring.
        &["README.md", "thanos-receive.yaml"],
        &[],
        &[],
    );
}
