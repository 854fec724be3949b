//! `base/<chart>/`: the chart and the values every cluster shares.

use thanos_model::Fleet;

use crate::{
    kustomize::{HelmChart, Kustomization},
    values::{ChartValues, Enabled, PrometheusSpecValues, PrometheusValues, StorageSpec},
    yaml, Tree, VALUES_FILE,
};

/// The base directory, relative to the tree's root.
pub(crate) fn dir(fleet: &Fleet) -> String {
    format!("base/{}", fleet.chart.name)
}

/// Adds `values.yaml` and `kustomization.yaml`.
pub(crate) fn render(fleet: &Fleet, tree: &mut Tree) {
    let dir = dir(fleet);
    tree.insert(
        format!("{dir}/{VALUES_FILE}"),
        yaml::to_yaml(&values(fleet)),
        &[],
    );
    // The base builds on its own (with the shared values only), which is how a chart
    // upgrade is tried before the overlays follow.
    let kustomization = Kustomization::new(&fleet.namespace, HelmChart::new(fleet, VALUES_FILE));
    tree.insert(
        format!("{dir}/kustomization.yaml"),
        yaml::to_yaml(&kustomization),
        &[],
    );
}

/// Shared values: the operator, selectors that pick up every monitor of every
/// namespace, node-exporter, kube-state-metrics, the scrape interval and storage class.
fn values(fleet: &Fleet) -> ChartValues {
    ChartValues {
        prometheus_operator: Some(Enabled::ON),
        prometheus: Some(PrometheusValues {
            prometheus_spec: Some(PrometheusSpecValues {
                scrape_interval: Some(fleet.scrape_interval.clone()),
                service_monitor_selector_nil_uses_helm_values: Some(false),
                pod_monitor_selector_nil_uses_helm_values: Some(false),
                probe_selector_nil_uses_helm_values: Some(false),
                scrape_config_selector_nil_uses_helm_values: Some(false),
                rule_selector_nil_uses_helm_values: Some(false),
                storage_spec: Some(StorageSpec::new(Some(&fleet.storage_class), None)),
                ..PrometheusSpecValues::default()
            }),
            ..PrometheusValues::default()
        }),
        node_exporter: Some(Enabled::ON),
        kube_state_metrics: Some(Enabled::ON),
        ..ChartValues::default()
    }
}
