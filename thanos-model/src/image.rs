//! The Thanos container image.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    setters::setters,
    validate::{syntax, Checker},
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ThanosImage {
    /// Image repository, default `quay.io/thanos/thanos`.
    pub repository: String,
    /// Version tag, default `v0.42.4`.
    pub version: String,
}

impl Default for ThanosImage {
    fn default() -> Self {
        Self {
            repository: DEFAULT_THANOS_REPOSITORY.to_owned(),
            version: DEFAULT_THANOS_VERSION.to_owned(),
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
        }
    }

    setters! { set repository: String, set version: String }
}

impl fmt::Display for ThanosImage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.repository, self.version)
    }
}

impl ThanosImage {
    /// A valid repository and tag; `false` after reporting either.
    pub(crate) fn check(&self, path: &str, check: &mut Checker) -> bool {
        let mut ok = true;
        if !syntax::is_image_repository(&self.repository) {
            check.error(
                &format!("{path}.repository"),
                format!("{:?} is not an image repository", self.repository),
                "use a lowercase repository such as quay.io/thanos/thanos",
            );
            ok = false;
        }
        if !syntax::is_image_tag(&self.version) {
            check.error(
                &format!("{path}.version"),
                format!("{:?} is not an image tag", self.version),
                "use a Thanos release tag such as v0.42.4",
            );
            ok = false;
        }
        ok
    }
}
