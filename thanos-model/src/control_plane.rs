//! The control-plane components a cluster lets Prometheus scrape.

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Which control-plane components of the central cluster Prometheus can scrape. The
/// chart scrapes and alerts on each one that is `true`; one that is `false` is neither
/// scraped nor alerted on, so a target the cluster does not expose never pages.
///
/// The defaults are those of the seed's clusters, kubeadm with Cilium replacing
/// kube-proxy: kubeadm binds the scheduler, the controller manager and etcd's metrics to
/// `127.0.0.1`, and there is no kube-proxy, so all four are `false`. The kubelet and the
/// API server are always scraped, on every cluster. Edges never scrape these four.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[allow(clippy::struct_excessive_bools)] // One switch per component, as the chart has.
#[setters(into)]
pub struct ControlPlaneTargets {
    /// kube-scheduler, default `false`.
    pub scheduler: bool,
    /// kube-controller-manager, default `false`.
    pub controller_manager: bool,
    /// etcd, default `false`.
    pub etcd: bool,
    /// kube-proxy, default `false` (Cilium's kube-proxy replacement).
    pub proxy: bool,
}

impl ControlPlaneTargets {
    /// Every component scraped: the chart's defaults.
    #[must_use]
    pub fn all() -> Self {
        Self {
            scheduler: true,
            controller_manager: true,
            etcd: true,
            proxy: true,
        }
    }
}
