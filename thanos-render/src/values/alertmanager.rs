//! `alertmanager:` values, with the Alertmanager configuration of the fleet's receivers.

use serde::Serialize;

use super::{ChartPlacement, DisruptionBudgetValues, StorageSpec};

/// `alertmanager`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertmanagerValues {
    /// `enabled`.
    pub enabled: Option<bool>,
    /// `config`: the whole Alertmanager configuration (the chart writes it into the
    /// Secret the Alertmanager reads); the chart's own when unset.
    pub config: Option<AlertmanagerConfig>,
    /// `alertmanagerSpec`.
    pub alertmanager_spec: Option<AlertmanagerSpecValues>,
    /// `podDisruptionBudget`.
    pub pod_disruption_budget: Option<DisruptionBudgetValues>,
}

/// `alertmanager.alertmanagerSpec`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertmanagerSpecValues {
    /// `replicas`.
    pub replicas: u32,
    /// `storage`.
    pub storage: StorageSpec,
    /// `secrets`: Secrets mounted at `/etc/alertmanager/secrets/<name>/`, where the
    /// configuration reads the receivers' URLs, keys and passwords as files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<String>,
    /// `podAntiAffinity`, `topologySpreadConstraints`.
    #[serde(flatten)]
    pub placement: ChartPlacement,
}

/// An Alertmanager configuration file (`alertmanager.yaml`): only the keys this tree
/// sets. Helm merges it over the chart's default, so `global` and `templates` stay the
/// chart's, and the lists here replace the chart's lists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertmanagerConfig {
    /// `route`: the routing tree.
    pub route: Route,
    /// `inhibit_rules`.
    pub inhibit_rules: Vec<InhibitRule>,
    /// `receivers`.
    pub receivers: Vec<ReceiverConfig>,
}

/// A node of the routing tree.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Route {
    /// `receiver`: inherited from the parent when unset.
    pub receiver: Option<String>,
    /// `matchers`: Alertmanager matchers such as `severity="critical"`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub matchers: Vec<String>,
    /// `group_by`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub group_by: Vec<String>,
    /// `group_wait`.
    pub group_wait: Option<String>,
    /// `group_interval`.
    pub group_interval: Option<String>,
    /// `repeat_interval`.
    pub repeat_interval: Option<String>,
    /// `continue`: keep matching the next siblings after this route.
    #[serde(rename = "continue", skip_serializing_if = "std::ops::Not::not")]
    pub continue_matching: bool,
    /// `routes`: the children.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<Route>,
}

/// One `inhibit_rules` entry: while a source alert fires, matching targets are muted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InhibitRule {
    /// `source_matchers`.
    pub source_matchers: Vec<String>,
    /// `target_matchers`.
    pub target_matchers: Vec<String>,
    /// `equal`: labels source and target must share.
    pub equal: Vec<String>,
}

/// One `receivers` entry.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ReceiverConfig {
    /// `name`.
    pub name: String,
    /// `webhook_configs`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub webhook_configs: Vec<WebhookConfig>,
    /// `slack_configs`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub slack_configs: Vec<SlackConfig>,
    /// `pagerduty_configs`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pagerduty_configs: Vec<PagerDutyConfig>,
    /// `email_configs`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub email_configs: Vec<EmailConfig>,
}

/// `webhook_configs` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookConfig {
    /// `url_file`: the mounted Secret key holding the URL.
    pub url_file: String,
    /// `send_resolved`.
    pub send_resolved: bool,
}

/// `slack_configs` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlackConfig {
    /// `api_url_file`: the mounted Secret key holding the webhook URL.
    pub api_url_file: String,
    /// `channel`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// `send_resolved`.
    pub send_resolved: bool,
}

/// `pagerduty_configs` entry (Events API v2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PagerDutyConfig {
    /// `routing_key_file`: the mounted Secret key holding the routing key.
    pub routing_key_file: String,
    /// `send_resolved`.
    pub send_resolved: bool,
}

/// `email_configs` entry.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmailConfig {
    /// `to`.
    pub to: String,
    /// `from`.
    pub from: String,
    /// `smarthost`.
    pub smarthost: String,
    /// `auth_username`.
    pub auth_username: Option<String>,
    /// `auth_password_file`: the mounted Secret key holding the password.
    pub auth_password_file: Option<String>,
    /// `send_resolved`.
    pub send_resolved: bool,
}
