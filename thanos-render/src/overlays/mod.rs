//! `overlays/<cluster>/<chart>/`: one directory per cluster.

pub mod central;
pub mod edge;
pub mod namespace;

use std::collections::BTreeMap;

use indexmap::IndexMap;
use k8s_openapi::{
    api::core::v1::Namespace,
    apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta},
};
use thanos_model::{labels, Fleet};

use crate::{
    base,
    kustomize::{HelmChart, Kustomization},
    values::ChartValues,
    yaml::{self, Documents},
    Tree,
};

/// The kustomization file of every chart directory of the tree (the base's and each
/// overlay's).
pub const KUSTOMIZATION_FILE: &str = "kustomization.yaml";

/// The label of every object the tool makes: who manages it.
pub(crate) const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "thanos-kustomize");

/// The labels of one label, `(key, value)`.
pub(crate) fn label((key, value): (&str, &str)) -> BTreeMap<String, String> {
    BTreeMap::from([(key.to_owned(), value.to_owned())])
}

/// A selector of the objects that have all of `labels`.
pub(crate) fn match_labels(labels: BTreeMap<String, String>) -> LabelSelector {
    LabelSelector {
        match_labels: Some(labels),
        ..LabelSelector::default()
    }
}

/// Metadata of an object named `name` in the fleet's namespace.
pub(crate) fn metadata(
    fleet: &Fleet,
    name: impl Into<String>,
    labels: BTreeMap<String, String>,
) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.into()),
        namespace: Some(fleet.namespace.clone()),
        labels: Some(labels),
        ..ObjectMeta::default()
    }
}

/// The objects of a rendered file, or of a part of one, in the order they are written.
pub(crate) trait FileObjects {
    /// Adds the objects to a file's documents, in order.
    fn add_to(&self, documents: Documents) -> Documents;

    /// The documents of a file of these objects alone.
    fn documents(&self) -> Vec<String> {
        self.add_to(Documents::default()).into_vec()
    }
}

/// A part a file may lack (the query-frontend, a cache workload, Receive's routers, a
/// file's optional objects): nothing when there is none.
impl<T: FileObjects> FileObjects for Option<T> {
    fn add_to(&self, documents: Documents) -> Documents {
        match self {
            Some(objects) => objects.add_to(documents),
            None => documents,
        }
    }
}

/// The `externalLabels` of a cluster's Prometheus (or agent): the `cluster` label
/// `value`, which its series carry into Thanos.
pub(crate) fn cluster_external_labels(value: &str) -> IndexMap<String, String> {
    IndexMap::from([(labels::CLUSTER.to_owned(), value.to_owned())])
}

/// A cluster's overlay directory, relative to the tree's root.
pub(crate) fn dir(fleet: &Fleet, cluster: &str) -> String {
    format!("overlays/{cluster}/{}", fleet.chart.name)
}

/// The chart entry of an overlay: the base values (and image digests) with the overlay's
/// merged over them.
pub(crate) fn chart(fleet: &Fleet, overlay_values: &str) -> HelmChart {
    let base = |file: &str| format!("../../../{}/{file}", base::dir(fleet));
    let mut chart = HelmChart::new(fleet, base(base::VALUES_FILE));
    if base::images(fleet).is_some() {
        chart = chart.additional_values_file(base(base::IMAGES_FILE));
    }
    chart.additional_values_file(overlay_values)
}

/// Comment lines that tell the operator which cluster an overlay is for, how it is built
/// and where the deploy order is.
pub(crate) fn cluster_comment(context: &str, api_address: &str, dir: &str) -> Vec<String> {
    vec![
        format!("Cluster: kubectl context {context}, API server {api_address}."),
        format!(
            "Build: kubectl kustomize --enable-helm --load-restrictor LoadRestrictionsNone {dir}"
        ),
        format!(
            "Apply with kubectl --context {context} apply --server-side, in the order the tree's README.md gives: {}, Secrets, CRDs established, then the build.",
            namespace::FILE
        ),
    ]
}

/// The YAML of the chart files of a run of chart directories (the edges'), each file's
/// reused from the directory before while its object is the same ([`yaml::Repeated`]).
#[derive(Debug, Default)]
pub(crate) struct ChartYaml<'a> {
    values: yaml::Repeated<'a, ChartValues>,
    kustomization: yaml::Repeated<'a, Kustomization>,
}

/// Writes the files every chart directory has, the base's and each overlay's: its values
/// file, its kustomization (with `comment` on top) and, in an overlay, the Namespace.
pub(crate) fn add_chart_files<'a>(
    tree: &mut Tree,
    yaml: &mut ChartYaml<'a>,
    dir: &str,
    (values_file, values): (&str, &'a ChartValues),
    kustomization: &'a Kustomization,
    comment: &[String],
    namespaces: &[&Namespace],
) {
    tree.insert(
        format!("{dir}/{values_file}"),
        yaml.values.serialize_with(values, ChartValues::to_yaml),
        &[],
    );
    tree.insert(
        format!("{dir}/{KUSTOMIZATION_FILE}"),
        yaml.kustomization.serialize(kustomization),
        comment,
    );
    if !namespaces.is_empty() {
        let documents = namespaces.iter().map(yaml::to_yaml);
        tree.insert(
            format!("{dir}/{}", namespace::FILE),
            yaml::documents(documents),
            &[],
        );
    }
}
