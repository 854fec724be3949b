//! The Thanos container image.

use std::fmt;

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    validate::{shown, syntax, Checker},
    Digest,
};

/// Default Thanos image repository.
pub const DEFAULT_THANOS_REPOSITORY: &str = "quay.io/thanos/thanos";
/// Default Thanos version, the release whose flags `thanos-render` is checked against.
pub const DEFAULT_THANOS_VERSION: &str = "v0.42.4";

/// A Thanos image: repository and version tag.
///
/// The fleet holds one, used by every Thanos component including the Prometheus sidecar;
/// a component may pin its own (validation then warns), because mixed versions are a
/// common source of subtle incompatibilities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[setters(strip_option, into)]
pub struct ThanosImage {
    /// Image repository, default `quay.io/thanos/thanos`: an optional registry host and
    /// lowercase path, without a tag.
    pub repository: String,
    /// Version tag, default `v0.42.4`. `latest` and an empty tag are refused (the image
    /// would change under the pods); a tag that is not a release version warns. It is
    /// also the workloads' `app.kubernetes.io/version` label, so at most 63 characters.
    pub version: String,
    /// The image's digest (`sha256:<64 hex>`), none by default: with it every node runs
    /// exactly this image, whatever the tag points at later (`check` warns without one).
    /// Get it with `crane digest quay.io/thanos/thanos:v0.42.4`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<Digest>,
}

impl Default for ThanosImage {
    fn default() -> Self {
        Self {
            repository: DEFAULT_THANOS_REPOSITORY.to_owned(),
            version: DEFAULT_THANOS_VERSION.to_owned(),
            digest: None,
        }
    }
}

impl ThanosImage {
    /// The image `repository:version`.
    #[must_use]
    pub fn new(repository: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            repository: repository.into(),
            version: version.into(),
            digest: None,
        }
    }

    /// The tag and digest as the chart's `image.tag` keys take them: `<version>` or
    /// `<version>@sha256:<hex>`.
    #[must_use]
    pub fn tag_and_digest(&self) -> String {
        match &self.digest {
            Some(digest) => format!("{}@{digest}", self.version),
            None => self.version.clone(),
        }
    }
}

impl fmt::Display for ThanosImage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.repository, self.tag_and_digest())
    }
}

impl ThanosImage {
    /// A valid repository and tag; `false` after reporting either.
    ///
    /// The tag must name one image for good: `latest` (or no tag, which pulls `latest`)
    /// is refused, a tag that is not a release version warns. It is also the
    /// `app.kubernetes.io/version` label of the workloads, so it must be a label value.
    pub(crate) fn check(&self, path: &str, check: &mut Checker) -> bool {
        let ok = check.grammar(
            &format!("{path}.repository"),
            &self.repository,
            syntax::is_image_repository,
            "image repository",
            "use a lowercase repository such as quay.io/thanos/thanos, without a tag",
        );
        let version = format!("{path}.version");
        let tag = &self.version;
        if tag.is_empty() {
            check.error(
                &version,
                "is empty: an image without a tag runs whatever `latest` is at the time",
                "pin a Thanos release tag such as v0.42.4",
            );
            return false;
        }
        if !check.clean(&version, tag) {
            return false;
        }
        if !syntax::is_image_tag(tag) {
            check.error(
                &version,
                format!("{} is not an image tag", shown(tag)),
                "use a Thanos release tag such as v0.42.4",
            );
            return false;
        }
        if tag.eq_ignore_ascii_case("latest") {
            check.error(
                &version,
                "`latest` moves to every new release: pods restarted at different times run different versions",
                "pin a Thanos release tag such as v0.42.4",
            );
            return false;
        }
        if !syntax::is_label_value(tag) {
            check.error(
                &version,
                format!(
                    "{} cannot be the app.kubernetes.io/version label of the workloads (at most 63 characters, ending in a letter or digit)",
                    shown(tag)
                ),
                "use a Thanos release tag such as v0.42.4",
            );
            return false;
        }
        if !syntax::is_release_tag(tag) {
            check.warning(
                &version,
                format!(
                    "{} is not a release version: a branch or build tag can be moved to another image",
                    shown(tag)
                ),
                "pin a Thanos release tag such as v0.42.4",
            );
        }
        ok
    }
}

impl ThanosImage {
    /// The registry and the repository path, as the chart's split `image` keys take them:
    /// the first path segment is the registry when it looks like a host (a `.` or `:`,
    /// or `localhost`), else `docker.io`.
    #[must_use]
    pub fn registry_and_repository(&self) -> (&str, &str) {
        self.repository
            .split_once('/')
            .filter(|(registry, _)| registry.contains(['.', ':']) || *registry == "localhost")
            .unwrap_or(("docker.io", &self.repository))
    }
}

/// Digests of the images the kube-prometheus-stack chart runs (`chart.images`), each
/// optional: a pinned image runs exactly that content whatever its tag points at later.
///
/// Each pins the chart's default tag of that image (chart 78.2.1: prometheus v3.6.0,
/// alertmanager v0.28.1, prometheus-operator and prometheus-config-reloader v0.86.0,
/// kube-webhook-certgen v1.6.3, grafana 12.2.0, k8s-sidecar 1.30.10, kube-state-metrics
/// v2.17.0, node-exporter v1.9.1); get each with `crane digest IMAGE:TAG`. `check` warns
/// about one left out while `thanos.digest` is set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[setters(strip_option, into)]
pub struct ChartImages {
    /// `quay.io/prometheus/prometheus` (central Prometheus and the edges' agents).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prometheus: Option<Digest>,
    /// `quay.io/prometheus/alertmanager`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alertmanager: Option<Digest>,
    /// `quay.io/prometheus-operator/prometheus-operator`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prometheus_operator: Option<Digest>,
    /// `quay.io/prometheus-operator/prometheus-config-reloader` (beside every Prometheus,
    /// agent and Alertmanager).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prometheus_config_reloader: Option<Digest>,
    /// `registry.k8s.io/ingress-nginx/kube-webhook-certgen` (the admission webhook's
    /// certificate Jobs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admission_webhook_patch: Option<Digest>,
    /// `docker.io/grafana/grafana`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grafana: Option<Digest>,
    /// `quay.io/kiwigrid/k8s-sidecar` (Grafana's dashboard and datasource sidecars).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grafana_sidecar: Option<Digest>,
    /// `registry.k8s.io/kube-state-metrics/kube-state-metrics`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kube_state_metrics: Option<Digest>,
    /// `quay.io/prometheus/node-exporter`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_exporter: Option<Digest>,
}

impl ChartImages {
    /// Every image pinned to `digest` (a placeholder in examples and tests).
    #[must_use]
    pub fn all(digest: &Digest) -> Self {
        let d = || Some(digest.clone());
        Self {
            prometheus: d(),
            alertmanager: d(),
            prometheus_operator: d(),
            prometheus_config_reloader: d(),
            admission_webhook_patch: d(),
            grafana: d(),
            grafana_sidecar: d(),
            kube_state_metrics: d(),
            node_exporter: d(),
        }
    }

    /// Each image by its fleet-file name, with its digest.
    #[must_use]
    pub fn by_name(&self) -> [(&'static str, Option<&Digest>); 9] {
        [
            ("prometheus", self.prometheus.as_ref()),
            ("alertmanager", self.alertmanager.as_ref()),
            ("prometheusOperator", self.prometheus_operator.as_ref()),
            (
                "prometheusConfigReloader",
                self.prometheus_config_reloader.as_ref(),
            ),
            (
                "admissionWebhookPatch",
                self.admission_webhook_patch.as_ref(),
            ),
            ("grafana", self.grafana.as_ref()),
            ("grafanaSidecar", self.grafana_sidecar.as_ref()),
            ("kubeStateMetrics", self.kube_state_metrics.as_ref()),
            ("nodeExporter", self.node_exporter.as_ref()),
        ]
    }

    /// Whether no image is pinned.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.by_name().iter().all(|(_, digest)| digest.is_none())
    }
}
