//! Golden files of a new fleet's alerting (`thanos-kustomize init`, the model's defaults,
//! which the secure-fleet example renders too): the central values (receivers, routing,
//! mounted Secrets, the chart's single-cluster alerts switched off, the Ruler's selector)
//! and `thanos-monitoring.yaml` (the per-cluster alerts). Reviewed like code.

use thanos_model::seed::new_fleet;
use thanos_render::{render, DEFAULT_ROOT};

const CENTRAL: &str = "overlays/cluster-01-central/kube-prometheus-stack";

/// Snapshots the documents of `file` that contain `only` (all with `""`).
fn snapshot(file: &str, only: &str) {
    let fleet = new_fleet(3).build().expect("a new fleet is valid");
    assert!(fleet.warnings().is_empty(), "{:?}", fleet.warnings());
    let tree = render(&fleet);
    let path = format!("{CENTRAL}/{file}");
    let content = tree
        .get(&path)
        .unwrap_or_else(|| panic!("{DEFAULT_ROOT}/{path} is not rendered"));
    let content: Vec<&str> = content
        .split("\n---\n")
        .filter(|document| document.contains(only))
        .collect();
    assert!(!content.is_empty(), "no document of {path} holds {only:?}");
    let content = content.join("\n---\n");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/../snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_description(format!("{DEFAULT_ROOT}/{path}"));
    settings.bind(|| insta::assert_snapshot!(format!("new-fleet__{file}"), content));
}

#[test]
fn central_values_route_every_alert_and_switch_off_single_cluster_alerts() {
    snapshot("values-central.yaml", "");
}

#[test]
fn per_cluster_alerts_are_in_thanos_monitoring() {
    snapshot("thanos-monitoring.yaml", "name: thanos-per-cluster");
}
