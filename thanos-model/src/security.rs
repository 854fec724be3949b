//! Fleet-wide least-privilege settings: ServiceAccounts, image pull policy,
//! NetworkPolicies.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{setters::setters, validate::Checker};

/// How the fleet's own workloads pull their images (`imagePullPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PullPolicy {
    /// Ask the registry on every start: a digest-pinned image still starts from the cache,
    /// and a node never runs an image the registry no longer serves under its tag.
    Always,
    /// Use the node's copy when it has one: whatever was pulled under the tag first.
    IfNotPresent,
}

impl PullPolicy {
    /// The `imagePullPolicy` value.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Always => "Always",
            Self::IfNotPresent => "IfNotPresent",
        }
    }
}

/// Least privilege for the fleet's own objects. The defaults are the secure ones; the
/// seed's lab turns each off explicitly, and `check` warns about each, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Security {
    /// A ServiceAccount per Thanos component (`thanos-query`, ...) with no API token
    /// mounted, default `true`; `false` runs the pods as the namespace's `default`
    /// ServiceAccount (warns).
    pub service_accounts: bool,
    /// `imagePullPolicy` of the Thanos workloads, default `Always` (`IfNotPresent` warns).
    pub image_pull_policy: PullPolicy,
    /// NetworkPolicies: deny every ingress in the namespace, then let each component
    /// accept only its real peers, default `true` (`false` warns).
    pub network_policies: bool,
}

impl Default for Security {
    fn default() -> Self {
        Self {
            service_accounts: true,
            image_pull_policy: PullPolicy::Always,
            network_policies: true,
        }
    }
}

impl Security {
    setters! {
        copy service_accounts: bool,
        copy image_pull_policy: PullPolicy,
        copy network_policies: bool,
    }

    /// The seed's lab as it was deployed: every setting off (each warns).
    #[must_use]
    pub fn lab() -> Self {
        Self {
            service_accounts: false,
            image_pull_policy: PullPolicy::IfNotPresent,
            network_policies: false,
        }
    }

    /// Rule 28: the lab's settings warn, naming the field.
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        if !self.service_accounts {
            check.warning(
                &format!("{path}.serviceAccounts"),
                "the Thanos pods run as the namespace's default ServiceAccount, shared with every other pod there",
                "set serviceAccounts: true (one ServiceAccount per component, no API token)",
            );
        }
        if self.image_pull_policy == PullPolicy::IfNotPresent {
            check.warning(
                &format!("{path}.imagePullPolicy"),
                "a node runs whatever image it pulled under the tag first",
                "set imagePullPolicy: Always, and pin thanos.digest",
            );
        }
        if !self.network_policies {
            check.warning(
                &format!("{path}.networkPolicies"),
                "no NetworkPolicy: every pod reaches every StoreAPI, Receive's write ports and Alertmanager",
                "set networkPolicies: true",
            );
        }
    }
}
