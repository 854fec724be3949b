//! The Helm chart every cluster installs.

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    validate::{
        shown,
        syntax::{self, RepoUrl},
        Checker,
    },
    ChartImages,
};

/// The kube-prometheus-stack chart reference used by the base and every overlay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[setters(into)]
pub struct Chart {
    /// Chart name, default `kube-prometheus-stack`: a DNS label (it is a directory of the
    /// tree).
    pub name: String,
    /// Chart repository URL, default `https://prometheus-community.github.io/helm-charts`:
    /// `https://` for a chart repository or `oci://` for a registry, never plain `http://`.
    pub repo: String,
    /// Chart version, default `78.2.1`: one exact SemVer version, never a range, so every
    /// render pulls the same chart.
    pub version: String,
    /// Helm release name, default `kube-prometheus-stack`: a DNS label of at most 53
    /// characters (Helm's limit). It prefixes the names of the chart's objects, such as
    /// the sidecar discovery Service Thanos Query reads.
    pub release: String,
    /// Digests of the chart's images, none by default (see [`ChartImages`]).
    #[serde(skip_serializing_if = "ChartImages::is_empty")]
    pub images: ChartImages,
}

impl Default for Chart {
    fn default() -> Self {
        Self {
            name: "kube-prometheus-stack".to_owned(),
            repo: "https://prometheus-community.github.io/helm-charts".to_owned(),
            version: "78.2.1".to_owned(),
            release: "kube-prometheus-stack".to_owned(),
            images: ChartImages::default(),
        }
    }
}

impl Chart {
    /// The chart's full name for this release (`kube-prometheus-stack.fullname`): the release
    /// name when it already contains the chart name, else `<release>-<chart>`, cut to 26
    /// characters as the chart does.
    #[must_use]
    pub fn fullname(&self) -> String {
        helm_fullname(&self.release, &self.name, 26)
    }
}

/// A Helm chart's usual full name for `release` of chart (or subchart) `chart`: the
/// release name when it already contains the chart's, else `<release>-<chart>`, cut to
/// `max` characters ([`helm_trunc`]).
#[must_use]
pub fn helm_fullname(release: &str, chart: &str, max: usize) -> String {
    if release.contains(chart) {
        helm_trunc(release, max)
    } else {
        helm_trunc(&format!("{release}-{chart}"), max)
    }
}

/// Helm's `trunc max | trimSuffix "-"` of a name, as charts write object names.
#[must_use]
pub fn helm_trunc(name: &str, max: usize) -> String {
    let cut: String = name.chars().take(max).collect();
    cut.trim_end_matches('-').to_owned()
}

/// Longest Helm release name.
const MAX_RELEASE: usize = 53;

impl Chart {
    /// The chart name is a directory of the tree and the release prefixes object names;
    /// the repository and version say exactly which chart every render pulls.
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        check.chart_image_digests(path);
        check.dns_label(&format!("{path}.name"), &self.name, "chart name");
        let repo = format!("{path}.repo");
        if check.not_empty(&repo, &self.repo) {
            match syntax::repo_url(&self.repo) {
                RepoUrl::Ok => {}
                RepoUrl::Scheme => check.error(
                    &repo,
                    format!("{} is not an https:// or oci:// URL", shown(&self.repo)),
                    "the chart is downloaded from it, and plain http can be tampered with on the way: use https:// (a chart repository) or oci:// (a registry)",
                ),
                RepoUrl::Malformed => check.error(
                    &repo,
                    format!("{} is not a chart repository URL", shown(&self.repo)),
                    "write https://host/path or oci://host/path, such as https://prometheus-community.github.io/helm-charts",
                ),
            }
        }
        let version = format!("{path}.version");
        if check.not_empty(&version, &self.version) && !syntax::is_exact_semver(&self.version) {
            check.error(
                &version,
                format!("{} is not an exact chart version", shown(&self.version)),
                "pin one version, such as 78.2.1: a range or a partial version lets every render pull another chart",
            );
        }
        let release = format!("{path}.release");
        if check.dns_label(&release, &self.release, "Helm release name")
            && self.release.len() > MAX_RELEASE
        {
            check.error(
                &release,
                format!(
                    "{} is longer than {MAX_RELEASE} characters, the longest name Helm accepts for a release",
                    shown(&self.release)
                ),
                "use a shorter release name",
            );
        }
    }
}
