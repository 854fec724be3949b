//! `base/<chart>/`: the chart and the values every cluster shares.

use thanos_model::Fleet;

use crate::{
    kustomize::{HelmChart, Kustomization},
    overlays::{add_chart_files, ChartYaml},
    values::{
        ChartImageValues, ChartValues, Enabled, NodeExporterValues, PrometheusSpecValues,
        PrometheusValues, StorageSpec,
    },
    yaml, Tree,
};

/// The values file of the base, which every overlay's values are merged over.
pub const VALUES_FILE: &str = "values.yaml";
/// The base's values file of image digests, merged over [`VALUES_FILE`] (and under each
/// overlay's values) when the fleet pins a chart image.
pub const IMAGES_FILE: &str = "values-images.yaml";

/// `base/<chart>/`: the chart and the values every cluster shares. It builds on its own
/// (with the shared values only), which is how a chart upgrade is tried before the
/// overlays follow.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Base {
    /// `values.yaml`.
    pub values: ChartValues,
    /// `values-images.yaml`, when the fleet pins an image the chart runs.
    pub images: Option<ChartImageValues>,
    /// `kustomization.yaml`.
    pub kustomization: Kustomization,
    dir: String,
}

impl Base {
    /// Builds the base of a validated fleet.
    pub(crate) fn new(fleet: &Fleet) -> Self {
        let images = images(fleet);
        let mut chart = HelmChart::new(fleet, VALUES_FILE);
        if images.is_some() {
            chart = chart.additional_values_file(IMAGES_FILE);
        }
        Self {
            values: values(fleet),
            images,
            kustomization: Kustomization::new(chart),
            dir: dir(fleet),
        }
    }

    /// The base directory, relative to the tree's root.
    #[must_use]
    pub fn dir(&self) -> &str {
        &self.dir
    }

    /// Serializes the base's files into `tree`.
    pub(crate) fn add_to(&self, tree: &mut Tree) {
        add_chart_files(
            tree,
            &mut ChartYaml::default(),
            &self.dir,
            (VALUES_FILE, &self.values),
            &self.kustomization,
            &[],
            &[],
        );
        if let Some(images) = &self.images {
            tree.insert(
                format!("{}/{IMAGES_FILE}", self.dir),
                yaml::to_yaml(images),
                &[],
            );
        }
    }
}

/// The image digests of the chart's values, when the fleet pins any.
pub(crate) fn images(fleet: &Fleet) -> Option<ChartImageValues> {
    ChartImageValues::new(&fleet.chart.images, &fleet.thanos)
}

/// The base directory, relative to the tree's root.
pub(crate) fn dir(fleet: &Fleet) -> String {
    format!("base/{}", fleet.chart.name)
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
        prometheus_node_exporter: fleet
            .security
            .node_exporter_namespace(&fleet.namespace)
            .map(|namespace_override| NodeExporterValues { namespace_override }),
        ..ChartValues::default()
    }
}
