//! The Alertmanager of `values-central.yaml`: its volume, the receivers' Secrets it
//! mounts, and the configuration that routes every alert of the fleet to a receiver.
//!
//! The configuration is the chart's `alertmanager.config`, not an `AlertmanagerConfig`
//! object made the global one (`alertmanagerConfiguration`): it is plain Alertmanager
//! syntax, so the receivers read their URLs, keys and passwords from the Secrets mounted
//! with `alertmanagerSpec.secrets` as files (`url_file`, `api_url_file`,
//! `routing_key_file`, `auth_password_file`) and nothing secret enters the tree or the
//! operator's generated configuration; it replaces the chart's routing tree (every alert
//! to `"null"`) and its inhibition (on `namespace` only) as a whole; and it has no
//! `namespace` matcher to switch off, so alerts without a `namespace` label
//! (`ThanosEdgeSilent`, `absent()` alerts, Watchdog) are routed like every other.
//!
//! The tree:
//!
//! - grouped by `cluster`, `namespace` and `alertname`, so one cluster's alerts never
//!   merge into another's notification;
//! - `Watchdog` (the chart's, evaluated by the Ruler, and central Prometheus's own) to
//!   the dead man's switch, or to `"null"` without one; `InfoInhibitor` to `"null"`;
//! - each receiver its severities and clusters (`continue`, so several receivers can
//!   take one alert);
//! - anything no route took (another severity, no `severity` label) to the first
//!   receiver, so every alert reaches someone.
//!
//! Inhibition mutes a lower severity of the same alert only within one cluster and
//! namespace (`equal` holds `cluster`), so a critical alert in one edge never hides a
//! warning in another.

use thanos_model::{Alertmanager, Fleet, Notifier, Receiver, DEAD_MANS_SWITCH_RECEIVER};

use crate::monitoring::promql::string_literal;
use crate::values::{
    AlertmanagerConfig, AlertmanagerSpecValues, AlertmanagerValues, EmailConfig, InhibitRule,
    PagerDutyConfig, ReceiverConfig, Route, SlackConfig, StorageSpec, WebhookConfig,
};

/// Where the Prometheus Operator mounts the Secrets of `alertmanagerSpec.secrets`.
pub const SECRETS_DIR: &str = "/etc/alertmanager/secrets";
/// The receiver that notifies nobody.
pub const NULL_RECEIVER: &str = "null";
/// The labels alerts are grouped by, and inhibited within.
pub const GROUP_BY: [&str; 3] = ["cluster", "namespace", "alertname"];
/// The always-firing alert of the chart (and of central Prometheus's own rules).
pub const WATCHDOG: &str = "Watchdog";
/// The chart's alert that only inhibits `info` alerts.
const INFO_INHIBITOR: &str = "InfoInhibitor";

/// `alertmanager` of the central values.
pub(crate) fn values(fleet: &Fleet) -> AlertmanagerValues {
    let alertmanager = &fleet.central.alertmanager;
    let (placement, budget) = super::thanos::pod::chart_placement(
        fleet,
        super::network_policies::ALERTMANAGER.label,
        alertmanager.replicas,
    );
    AlertmanagerValues {
        config: config(alertmanager),
        alertmanager_spec: Some(AlertmanagerSpecValues {
            replicas: alertmanager.replicas,
            storage: StorageSpec::of(&alertmanager.storage, Some(&fleet.storage_class)),
            secrets: alertmanager
                .secret_names()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            placement,
        }),
        pod_disruption_budget: budget,
        ..AlertmanagerValues::default()
    }
}

/// The configuration, when the fleet has a receiver or a dead man's switch; `None`
/// keeps the chart's (every alert to `"null"`, which `check` warns about).
pub fn config(alertmanager: &Alertmanager) -> Option<AlertmanagerConfig> {
    if alertmanager.receivers.is_empty() && alertmanager.dead_mans_switch.is_none() {
        return None;
    }
    let watchdog_receiver = if alertmanager.dead_mans_switch.is_some() {
        DEAD_MANS_SWITCH_RECEIVER
    } else {
        NULL_RECEIVER
    };
    let mut watchdog = Route {
        receiver: Some(watchdog_receiver.to_owned()),
        matchers: vec![matcher("alertname", "=", WATCHDOG)],
        ..Route::default()
    };
    if alertmanager.dead_mans_switch.is_some() {
        // A heartbeat: the switch pages when it stops hearing one.
        watchdog.group_wait = Some("0s".to_owned());
        watchdog.group_interval = Some("1m".to_owned());
        watchdog.repeat_interval = Some("1m".to_owned());
    }
    let info_inhibitor = Route {
        receiver: Some(NULL_RECEIVER.to_owned()),
        matchers: vec![matcher("alertname", "=", INFO_INHIBITOR)],
        ..Route::default()
    };
    let routes = [watchdog, info_inhibitor]
        .into_iter()
        .chain(alertmanager.receivers.iter().map(receiver_route))
        .collect();
    let root = Route {
        receiver: Some(
            alertmanager
                .receivers
                .first()
                .map_or(NULL_RECEIVER, |receiver| receiver.name.as_str())
                .to_owned(),
        ),
        group_by: GROUP_BY.map(str::to_owned).to_vec(),
        group_wait: Some("30s".to_owned()),
        group_interval: Some("5m".to_owned()),
        repeat_interval: Some("12h".to_owned()),
        routes,
        ..Route::default()
    };
    let mut receivers = vec![ReceiverConfig {
        name: NULL_RECEIVER.to_owned(),
        ..ReceiverConfig::default()
    }];
    if let Some(notify) = &alertmanager.dead_mans_switch {
        receivers.push(receiver_config(DEAD_MANS_SWITCH_RECEIVER, notify));
    }
    receivers.extend(
        alertmanager
            .receivers
            .iter()
            .map(|receiver| receiver_config(&receiver.name, &receiver.notify)),
    );
    Some(AlertmanagerConfig {
        route: root,
        inhibit_rules: inhibit_rules(),
        receivers,
    })
}

/// `name<op>"value"`, the value quoted.
fn matcher(name: &str, op: &str, value: &str) -> String {
    format!("{name}{op}{}", string_literal(value))
}

/// A receiver's route: its severities and clusters, matching on.
fn receiver_route(receiver: &Receiver) -> Route {
    let severities: Vec<&str> = receiver
        .severities
        .iter()
        .map(|severity| severity.label_value())
        .collect();
    let mut matchers = vec![matcher("severity", "=~", &severities.join("|"))];
    if !receiver.clusters.is_empty() {
        matchers.push(matcher("cluster", "=~", &receiver.clusters.join("|")));
    }
    Route {
        receiver: Some(receiver.name.clone()),
        matchers,
        continue_matching: true,
        ..Route::default()
    }
}

/// A lower severity of the same alert is muted while a higher one fires, within one
/// cluster and namespace; `InfoInhibitor` mutes `info` alerts of its cluster and
/// namespace.
fn inhibit_rules() -> Vec<InhibitRule> {
    let equal = GROUP_BY.map(str::to_owned).to_vec();
    vec![
        InhibitRule {
            source_matchers: vec![matcher("severity", "=", "critical")],
            target_matchers: vec![matcher("severity", "=~", "warning|info")],
            equal: equal.clone(),
        },
        InhibitRule {
            source_matchers: vec![matcher("severity", "=", "warning")],
            target_matchers: vec![matcher("severity", "=", "info")],
            equal,
        },
        InhibitRule {
            source_matchers: vec![matcher("alertname", "=", INFO_INHIBITOR)],
            target_matchers: vec![matcher("severity", "=", "info")],
            equal: vec!["cluster".to_owned(), "namespace".to_owned()],
        },
    ]
}

/// The mounted file of a Secret key.
fn secret_file(secret: &thanos_model::SecretKeyRef) -> String {
    format!("{SECRETS_DIR}/{}/{}", secret.name, secret.key)
}

/// A `receivers` entry.
fn receiver_config(name: &str, notify: &Notifier) -> ReceiverConfig {
    let mut config = ReceiverConfig {
        name: name.to_owned(),
        ..ReceiverConfig::default()
    };
    match notify {
        Notifier::Webhook { url } => config.webhook_configs.push(WebhookConfig {
            url_file: secret_file(url),
            send_resolved: true,
        }),
        Notifier::Slack { api_url, channel } => config.slack_configs.push(SlackConfig {
            api_url_file: secret_file(api_url),
            channel: channel.clone(),
            send_resolved: true,
        }),
        Notifier::PagerDuty { routing_key } => config.pagerduty_configs.push(PagerDutyConfig {
            routing_key_file: secret_file(routing_key),
            send_resolved: true,
        }),
        Notifier::Email {
            to,
            from,
            smarthost,
            username,
            password,
        } => config.email_configs.push(EmailConfig {
            to: to.clone(),
            from: from.clone(),
            smarthost: smarthost.clone(),
            auth_username: username.clone(),
            auth_password_file: password.as_ref().map(secret_file),
            send_resolved: true,
        }),
    }
    config
}

#[cfg(test)]
mod tests {
    use thanos_model::{seed, AlertSeverity, SecretKeyRef};

    use super::*;

    #[test]
    fn the_lab_keeps_the_charts_configuration() {
        let fleet = seed::seed(3).build().unwrap();
        let values = values(&fleet);
        assert_eq!(values.config, None);
        assert!(values.alertmanager_spec.unwrap().secrets.is_empty());
    }

    #[test]
    fn a_new_fleet_pages_oncall_from_its_mounted_secret() {
        let fleet = seed::new_fleet(3).build().unwrap();
        let values = values(&fleet);
        assert_eq!(
            values.alertmanager_spec.unwrap().secrets,
            ["alertmanager-dead-mans-switch", "alertmanager-oncall"]
        );
        let config = values.config.unwrap();
        assert_eq!(config.route.receiver.as_deref(), Some("oncall"));
        assert_eq!(config.route.group_by, GROUP_BY);
        let oncall = config
            .receivers
            .iter()
            .find(|r| r.name == "oncall")
            .unwrap();
        assert_eq!(
            oncall.webhook_configs[0].url_file,
            "/etc/alertmanager/secrets/alertmanager-oncall/url"
        );
        assert!(config
            .inhibit_rules
            .iter()
            .all(|r| r.equal.contains(&"cluster".to_owned())));
        let watchdog = config
            .route
            .routes
            .iter()
            .find(|route| route.matchers.iter().any(|m| m.contains(WATCHDOG)))
            .unwrap();
        assert_eq!(
            watchdog.receiver.as_deref(),
            Some(DEAD_MANS_SWITCH_RECEIVER)
        );
        let switch = config
            .receivers
            .iter()
            .find(|r| r.name == DEAD_MANS_SWITCH_RECEIVER)
            .unwrap();
        assert_eq!(
            switch.webhook_configs[0].url_file,
            "/etc/alertmanager/secrets/alertmanager-dead-mans-switch/url"
        );
    }

    #[test]
    fn watchdog_goes_to_the_dead_mans_switch_and_receivers_to_their_clusters() {
        let alertmanager = Alertmanager::default()
            .receivers(vec![
                Receiver::oncall(),
                Receiver::new(
                    "edge-team",
                    Notifier::Slack {
                        api_url: SecretKeyRef::new("slack", "url"),
                        channel: Some("#edges".to_owned()),
                    },
                )
                .severities(vec![AlertSeverity::Critical])
                .clusters(vec![
                    "cluster-02-edge".to_owned(),
                    "cluster-03-edge".to_owned(),
                ]),
            ])
            .dead_mans_switch(Notifier::Webhook {
                url: SecretKeyRef::new("healthchecks", "url"),
            });
        assert_eq!(
            alertmanager.secret_names(),
            ["alertmanager-oncall", "healthchecks", "slack"]
        );
        let config = config(&alertmanager).unwrap();
        let watchdog = &config.route.routes[0];
        assert_eq!(watchdog.matchers, ["alertname=\"Watchdog\""]);
        assert_eq!(
            watchdog.receiver.as_deref(),
            Some(DEAD_MANS_SWITCH_RECEIVER)
        );
        assert!(!watchdog.continue_matching);
        let team = &config.route.routes[3];
        assert_eq!(
            team.matchers,
            [
                "severity=~\"critical\"",
                "cluster=~\"cluster-02-edge|cluster-03-edge\""
            ]
        );
        assert!(team.continue_matching);
        assert_eq!(
            config
                .receivers
                .iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>(),
            ["null", "dead-mans-switch", "oncall", "edge-team"]
        );
    }
}
