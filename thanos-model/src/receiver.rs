//! Alertmanager receivers: who is told about an alert, and how.
//!
//! Every URL, key and password comes from a Secret by reference; the fleet file names the
//! Secret and its key, never the value. The Secrets are mounted into Alertmanager and the
//! rendered configuration reads them as files.

use std::collections::BTreeSet;

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    validate::{shown, syntax, Checker},
    SecretKeyRef,
};

/// The names the rendered configuration keeps for itself.
pub const RESERVED_RECEIVER_NAMES: [&str; 2] = ["null", DEAD_MANS_SWITCH_RECEIVER];

/// The receiver the Watchdog alerts go to, when the fleet has a dead man's switch.
pub const DEAD_MANS_SWITCH_RECEIVER: &str = "dead-mans-switch";

/// The severity label of an alert, as the chart's and the project's alerts set it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum AlertSeverity {
    /// Someone must act now.
    Critical,
    /// Someone must act soon.
    Warning,
    /// Worth knowing; usually only shown.
    Info,
}

impl AlertSeverity {
    /// The label value.
    #[must_use]
    pub const fn label_value(self) -> &'static str {
        match self {
            Self::Critical => "critical",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

/// An Alertmanager receiver and the alerts routed to it.
///
/// Alerts are grouped per `cluster`, `namespace` and `alertname`; each receiver gets
/// the alerts of its [`severities`](Self::severities) from its
/// [`clusters`](Self::clusters). An alert no receiver takes (another severity, no
/// `severity` label) goes to the first receiver, so every alert reaches someone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[setters(into)]
pub struct Receiver {
    /// Name in the Alertmanager configuration: lowercase letters, digits and `-`, not
    /// `null` or `dead-mans-switch`.
    pub name: String,
    /// Where notifications go.
    pub notify: Notifier,
    /// The severities it is told about, default `[critical, warning]`.
    #[serde(default = "default_severities")]
    pub severities: Vec<AlertSeverity>,
    /// The `cluster` label values it is told about; empty (the default) means every
    /// cluster.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clusters: Vec<String>,
}

fn default_severities() -> Vec<AlertSeverity> {
    vec![AlertSeverity::Critical, AlertSeverity::Warning]
}

impl Receiver {
    /// A receiver `name` notifying `notify` of critical and warning alerts of every
    /// cluster.
    #[must_use]
    pub fn new(name: impl Into<String>, notify: impl Into<Notifier>) -> Self {
        Self {
            name: name.into(),
            notify: notify.into(),
            severities: default_severities(),
            clusters: Vec::new(),
        }
    }

    /// The receiver of a new fleet: `oncall`, a webhook whose URL is in Secret
    /// `alertmanager-oncall`, key `url` (the runbook creates it).
    #[must_use]
    pub fn oncall() -> Self {
        Self::new(
            "oncall",
            Notifier::Webhook {
                url: SecretKeyRef::new("alertmanager-oncall", "url"),
            },
        )
    }
}

/// How a receiver is notified. Each secret value is a key of a Secret in the fleet's
/// namespace, mounted into Alertmanager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum Notifier {
    /// An HTTP POST of the alerts as JSON.
    Webhook {
        /// The Secret key holding the URL (it often carries a token).
        url: SecretKeyRef,
    },
    /// A Slack incoming webhook.
    Slack {
        /// The Secret key holding the webhook URL.
        #[serde(rename = "apiUrl")]
        api_url: SecretKeyRef,
        /// The channel, such as `#alerts`; the webhook's own channel when unset.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        channel: Option<String>,
    },
    /// PagerDuty Events API v2.
    #[serde(rename = "pagerduty")]
    PagerDuty {
        /// The Secret key holding the integration's routing key.
        #[serde(rename = "routingKey")]
        routing_key: SecretKeyRef,
    },
    /// E-mail through an SMTP server.
    Email {
        /// The address notified.
        to: String,
        /// The sender address.
        from: String,
        /// The SMTP server as `host:port`.
        smarthost: String,
        /// The SMTP user, when the server needs one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        username: Option<String>,
        /// The Secret key holding the SMTP password, when the server needs one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        password: Option<SecretKeyRef>,
    },
}

impl Notifier {
    /// The dead man's switch of a new fleet: a webhook whose URL is in Secret
    /// `alertmanager-dead-mans-switch`, key `url` (the runbook creates it).
    #[must_use]
    pub fn dead_mans_switch() -> Self {
        Self::Webhook {
            url: SecretKeyRef::new("alertmanager-dead-mans-switch", "url"),
        }
    }

    /// The Secret keys it reads.
    #[must_use]
    pub fn secrets(&self) -> Vec<&SecretKeyRef> {
        match self {
            Self::Webhook { url } => vec![url],
            Self::Slack { api_url, .. } => vec![api_url],
            Self::PagerDuty { routing_key } => vec![routing_key],
            Self::Email { password, .. } => password.iter().collect(),
        }
    }

    /// The name of the kind, as the fleet file writes it.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Webhook { .. } => "webhook",
            Self::Slack { .. } => "slack",
            Self::PagerDuty { .. } => "pagerduty",
            Self::Email { .. } => "email",
        }
    }
}

impl Receiver {
    pub(crate) fn check(&self, path: &str, clusters: &BTreeSet<&str>, check: &mut Checker) {
        let name = format!("{path}.name");
        if check.dns_label(&name, &self.name, "receiver name")
            && RESERVED_RECEIVER_NAMES.contains(&self.name.as_str())
        {
            check.error(
                &name,
                format!(
                    "{} is a receiver the rendered configuration keeps for itself",
                    shown(&self.name)
                ),
                "choose another name, such as oncall",
            );
        }
        self.notify.check(&format!("{path}.notify"), check);
        if self.severities.is_empty() {
            check.error(
                &format!("{path}.severities"),
                "no severity: this receiver is never told about anything",
                "list the severities it is told about, such as [critical, warning], or remove the receiver",
            );
        }
        for (index, cluster) in self.clusters.iter().enumerate() {
            let path = format!("{path}.clusters[{index}]");
            if check.clean(&path, cluster) && !clusters.contains(cluster.as_str()) {
                check.error(
                    &path,
                    format!(
                        "{} is not the cluster label of a cluster of the fleet",
                        shown(cluster)
                    ),
                    format!(
                        "use one of {}, or leave clusters out for every cluster",
                        clusters.iter().copied().collect::<Vec<_>>().join(", ")
                    ),
                );
            }
        }
    }
}

impl Notifier {
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        match self {
            Self::Webhook { url } => url.check(&format!("{path}.url"), check),
            Self::Slack { api_url, channel } => {
                api_url.check(&format!("{path}.apiUrl"), check);
                if let Some(channel) = channel {
                    check.not_empty(&format!("{path}.channel"), channel);
                }
            }
            Self::PagerDuty { routing_key } => {
                routing_key.check(&format!("{path}.routingKey"), check);
            }
            Self::Email {
                to,
                from,
                smarthost,
                username,
                password,
            } => {
                for (field, address) in [("to", to), ("from", from)] {
                    check.grammar(
                        &format!("{path}.{field}"),
                        address,
                        syntax::is_mail_address,
                        "e-mail address",
                        "write one address such as oncall@example.com",
                    );
                }
                check.grammar(
                    &format!("{path}.smarthost"),
                    smarthost,
                    syntax::is_host_and_port,
                    "host:port",
                    "write the SMTP server with its port, such as smtp.example.com:587",
                );
                if let Some(username) = username {
                    check.not_empty(&format!("{path}.username"), username);
                }
                if let Some(password) = password {
                    password.check(&format!("{path}.password"), check);
                }
            }
        }
    }
}
