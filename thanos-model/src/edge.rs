//! An edge cluster: a Prometheus Agent writing to the central Receive.

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{validate::Checker, AgentValues, ClientCertificate, ExtraValues, WriteLimits};

/// An edge cluster. It runs the Prometheus Operator, a Prometheus Agent, node-exporter and
/// kube-state-metrics, and nothing that needs storage of its own or a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[setters(strip_option, into)]
pub struct Edge {
    /// Cluster name, the overlay directory `overlays/<name>/`.
    pub name: String,
    /// kubectl context the overlay is applied with.
    ///
    /// It is written into the overlay's comment and into `kubectl --context` commands, so
    /// it is one word of letters, digits and `. _ : @ / -`, not starting with `-`.
    pub context: String,
    /// Address of the cluster's API server (recorded in the overlay's comment for
    /// operators): an IP address or DNS name with an optional port, no scheme, such as
    /// `10.0.0.1` or `api.example.com:6443`.
    pub api_address: String,
    /// Value of the `cluster` external label on every series, a DNS label unique in the
    /// fleet; `None` uses the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_label: Option<String>,
    /// The agent's Helm values.
    #[serde(default)]
    pub agent: AgentValues,
    /// Run node-exporter (default on).
    #[serde(default = "on")]
    pub node_exporter: bool,
    /// Run kube-state-metrics (default on).
    #[serde(default = "on")]
    pub kube_state_metrics: bool,
    /// The edge's client certificate for writing to Receive; `None` follows
    /// `central.receive.remoteWrite.tls` (`certManager` issues one; `existingSecrets`
    /// needs `{from: existingSecret, secretName: ...}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_certificate: Option<ClientCertificate>,
    /// Write limits of this edge's tenant over `central.receive.limits`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<WriteLimits>,
    /// Active series this edge sends, over `central.sizing.activeSeriesPerCluster`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[setters(into = false)]
    pub active_series: Option<u64>,
    /// Chart values this cluster sets beside the typed ones, such as a `nodeSelector` for
    /// the agent: keys of the chart's values, none the model sets (see [`ExtraValues`]).
    #[serde(default, skip_serializing_if = "ExtraValues::is_empty")]
    pub extra_values: ExtraValues,
}

fn on() -> bool {
    true
}

impl Edge {
    /// An edge named `name` (its overlay directory and, by default, its `cluster` label).
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            context: String::new(),
            api_address: String::new(),
            cluster_label: None,
            agent: AgentValues::default(),
            node_exporter: true,
            kube_state_metrics: true,
            client_certificate: None,
            limits: None,
            active_series: None,
            extra_values: ExtraValues::default(),
        }
    }

    /// The edge's tenant on Receive when each edge writes into its own: its `cluster`
    /// label value, the CN of its client certificate.
    #[must_use]
    pub fn tenant(&self) -> &str {
        self.cluster_label_value()
    }

    /// The `cluster` label value: the explicit one, else the name.
    #[must_use]
    pub fn cluster_label_value(&self) -> &str {
        self.cluster_label.as_deref().unwrap_or(&self.name)
    }
}

impl Edge {
    /// The edge's own fields; its name, label and context are checked against the other
    /// clusters' with the whole fleet.
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        check.context(&format!("{path}.context"), &self.context);
        check.api_address(&format!("{path}.apiAddress"), &self.api_address);
        self.agent.check(&format!("{path}.agent"), check);
        check.client_certificate(path, self);
        if let Some(series) = self.active_series {
            crate::sizing::active_series(check, &format!("{path}.activeSeries"), series);
        }
        self.extra_values
            .check(&format!("{path}.extraValues"), check);
    }
}
