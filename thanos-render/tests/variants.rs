//! Golden files of option variants the seed leaves off, one scenario per test, so every
//! option is reviewed as a diff: each file of the variant that differs from the seed's is
//! snapshot-tested as `<variant>__<path>`.

mod common;

use thanos_model::{
    seed::seed, Central, Grafana, ObjectStorage, Query, Receive, S3Credentials, S3,
};
use thanos_render::{render, Tree, DEFAULT_ROOT};

/// Snapshots every file of `variant` whose content differs from the seed's, and returns
/// their paths.
fn snapshot_differences(name: &str, variant: &Tree) -> Vec<String> {
    let seed = render(&seed(3).build().expect("the seed is valid"));
    let mut settings = common::snapshot_settings();
    let mut differing = Vec::new();
    for (path, content) in variant.iter() {
        if seed.get(path) == Some(content) {
            continue;
        }
        differing.push(path.to_owned());
        settings.set_description(format!("{DEFAULT_ROOT}/{path} ({name})"));
        settings.bind(|| {
            insta::assert_snapshot!(format!("{name}__{}", path.replace('/', "__")), content);
        });
    }
    differing
}

/// Receive 3 replicas with factor 3, Query 2 replicas, Grafana without Ingress, the
/// objstore Secret made outside the tree.
#[test]
fn high_availability() {
    let fleet = seed(3)
        .object_storage(ObjectStorage::S3(
            S3::new("s3.minio.miribit.lab", "thanos")
                .insecure(true)
                .credentials(S3Credentials::ExistingSecret),
        ))
        .central(
            Central::new("cluster-01-central")
                .context("cluster-01")
                .api_address("192.168.101.194")
                .receive(Receive::default().replicas(3).replication_factor(3))
                .query(Query::default().replicas(2))
                .grafana(Grafana::default().without_ingress()),
        )
        .build()
        .expect("the HA variant is valid");
    let tree = render(&fleet);
    const CENTRAL: &str = "overlays/cluster-01-central/kube-prometheus-stack";
    assert!(
        tree.get(&format!("{CENTRAL}/thanos-s3-secret.yaml"))
            .is_none(),
        "an existing Secret is not rendered"
    );
    let mut differing = snapshot_differences("ha", &tree);
    differing.sort();
    let mut expected: Vec<String> = [
        "thanos-compactor.yaml",
        "thanos-query.yaml",
        "thanos-receive.yaml",
        "values-central.yaml",
    ]
    .map(|file| format!("{CENTRAL}/{file}"))
    .into();
    // The runbook follows: port-forwards for Query and Grafana, three Receive pods, the
    // objstore Secret checked rather than made.
    expected.insert(0, "README.md".to_owned());
    assert_eq!(differing, expected);
}
