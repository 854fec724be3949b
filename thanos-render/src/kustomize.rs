//! The `kustomization.yaml` files: typed `Kustomization` and its `helmCharts` entries.

use serde::Serialize;
use thanos_model::Fleet;

/// A `kustomize.config.k8s.io/v1beta1` Kustomization, the fields this tree uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Kustomization {
    api_version: &'static str,
    kind: &'static str,
    /// The charts inflated with `kustomize build --enable-helm`.
    pub helm_charts: Vec<HelmChart>,
    /// Plain manifests added to the chart's objects.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    /// Changes to objects the chart renders.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub patches: Vec<Patch>,
}

impl Kustomization {
    /// A Kustomization of one chart. It sets no `namespace:` of its own: every object of
    /// ours names its namespace, the chart's name the release namespace or their own (the
    /// control-plane Services of `kube-system`, node-exporter's namespace), and a
    /// top-level `namespace:` would move those too.
    #[must_use]
    pub(crate) fn new(chart: HelmChart) -> Self {
        Self {
            api_version: "kustomize.config.k8s.io/v1beta1",
            kind: "Kustomization",
            helm_charts: vec![chart],
            resources: Vec::new(),
            patches: Vec::new(),
        }
    }

    /// Adds patches.
    #[must_use]
    pub(crate) fn patches(mut self, patches: impl IntoIterator<Item = Patch>) -> Self {
        self.patches.extend(patches);
        self
    }

    /// Adds plain manifests as resources.
    #[must_use]
    pub(crate) fn resources(mut self, resources: impl IntoIterator<Item = String>) -> Self {
        self.resources.extend(resources);
        self
    }
}

/// One `patches` entry: JSON 6902 operations on the one object `target` names. A `test`
/// operation first makes the build fail, rather than patch the wrong place, when a new
/// chart version moves what the patch expects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Patch {
    /// The object.
    pub target: PatchTarget,
    /// The operations, as the YAML list kustomize reads.
    pub patch: String,
}

/// `patches[].target`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatchTarget {
    /// API group.
    pub group: String,
    /// API version.
    pub version: String,
    /// Kind.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
}

/// One JSON 6902 operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsonPatchOperation {
    /// `test`, `add`, `replace`, ...
    pub op: &'static str,
    /// A JSON pointer.
    pub path: String,
    /// The value it tests or sets.
    pub value: String,
}

impl Patch {
    /// `operations` on `target`.
    #[must_use]
    pub fn json6902(target: PatchTarget, operations: &[JsonPatchOperation]) -> Self {
        Self {
            target,
            patch: crate::yaml::to_yaml(operations),
        }
    }
}

/// One `helmCharts` entry of a Kustomization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HelmChart {
    /// Chart name.
    pub name: String,
    /// Chart repository URL.
    pub repo: String,
    /// Chart version.
    pub version: String,
    /// Helm release name.
    pub release_name: String,
    /// Release namespace.
    pub namespace: String,
    /// Render the chart's CRDs too, so one build carries everything a cluster needs.
    #[serde(rename = "includeCRDs")]
    pub include_crds: bool,
    /// Leave out the chart's `helm test` hooks: kustomize would render them as plain pods
    /// that run once and sit in `Error` or `Completed`.
    pub skip_tests: bool,
    /// The values file, relative to the kustomization.
    pub values_file: String,
    /// Values files merged over `values_file`, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub additional_values_files: Vec<String>,
}

impl HelmChart {
    /// The fleet's chart with `values_file` as its values.
    #[must_use]
    pub(crate) fn new(fleet: &Fleet, values_file: impl Into<String>) -> Self {
        Self {
            name: fleet.chart.name.clone(),
            repo: fleet.chart.repo.clone(),
            version: fleet.chart.version.clone(),
            release_name: fleet.chart.release.clone(),
            namespace: fleet.namespace.clone(),
            include_crds: true,
            skip_tests: true,
            values_file: values_file.into(),
            additional_values_files: Vec::new(),
        }
    }

    /// Adds a values file merged over the previous ones.
    #[must_use]
    pub(crate) fn additional_values_file(mut self, file: impl Into<String>) -> Self {
        self.additional_values_files.push(file.into());
        self
    }
}
