//! Alertmanager on the central cluster, and who it tells.

use std::collections::BTreeSet;

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{validate::Checker, Bytes, Notifier, Receiver, Storage};

/// The chart's Alertmanager, clustered across replicas, with the fleet's receivers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[setters(strip_option, into)]
pub struct Alertmanager {
    /// Replicas, default 2 (they gossip, so notifications are not lost with one down).
    #[setters(into = false)]
    pub replicas: u32,
    /// Volume for silences and the notification log, default `1Gi`.
    pub storage: Storage,
    /// Who is told about alerts, default one webhook receiver `oncall` whose URL is in
    /// Secret `alertmanager-oncall`, key `url`. Empty keeps the chart's configuration,
    /// which sends every alert to the receiver `null`: nobody is paged (`check` warns).
    pub receivers: Vec<Receiver>,
    /// Where the Watchdog alerts go: a dead man's switch (such as healthchecks.io or
    /// PagerDuty's heartbeat), which pages when the heartbeats stop, so someone learns
    /// that alerting itself is down. Default a webhook whose URL is in Secret
    /// `alertmanager-dead-mans-switch`, key `url` (the runbook creates it); `null`
    /// sends Watchdog nowhere (`check` warns: nobody notices when the Ruler, central
    /// Prometheus or Alertmanager stops).
    pub dead_mans_switch: Option<Notifier>,
}

impl Default for Alertmanager {
    fn default() -> Self {
        Self {
            replicas: 2,
            storage: Storage::new(Bytes::gibibytes(1)),
            receivers: vec![Receiver::oncall()],
            dead_mans_switch: Some(Notifier::dead_mans_switch()),
        }
    }
}

impl Alertmanager {
    /// No dead man's switch: Watchdog goes nowhere (`check` warns).
    #[must_use]
    pub fn without_dead_mans_switch(mut self) -> Self {
        self.dead_mans_switch = None;
        self
    }

    /// The Secrets the receivers and the dead man's switch read, each name once, sorted:
    /// what Alertmanager mounts.
    #[must_use]
    pub fn secret_names(&self) -> Vec<&str> {
        let names: BTreeSet<&str> = self
            .receivers
            .iter()
            .map(|receiver| &receiver.notify)
            .chain(&self.dead_mans_switch)
            .flat_map(Notifier::secrets)
            .map(|secret| secret.name.as_str())
            .collect();
        names.into_iter().collect()
    }
}

impl Alertmanager {
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        check.replicas(&format!("{path}.replicas"), self.replicas);
        self.storage.check(&format!("{path}.storage"), check);
        let fleet = check.fleet;
        let clusters: BTreeSet<&str> = std::iter::once(fleet.central.cluster_label_value())
            .chain(fleet.edges.iter().map(crate::Edge::cluster_label_value))
            .collect();
        let mut names = BTreeSet::new();
        for (index, receiver) in self.receivers.iter().enumerate() {
            let at = format!("{path}.receivers[{index}]");
            receiver.check(&at, &clusters, check);
            if !names.insert(receiver.name.as_str()) {
                check.error(
                    &format!("{at}.name"),
                    format!("a second receiver named {}", receiver.name),
                    "give each receiver its own name",
                );
            }
        }
        if self.receivers.is_empty() {
            check.warning(
                &format!("{path}.receivers"),
                "no receiver: every alert goes to the chart's receiver \"null\" and nobody is paged",
                "add a receiver (webhook, slack, pagerduty or email) whose URL or key is in a Secret",
            );
        }
        match &self.dead_mans_switch {
            Some(notify) => notify.check(&format!("{path}.deadMansSwitch"), check),
            // With no receiver at all the warning above says it already.
            None if !self.receivers.is_empty() => check.warning(
                &format!("{path}.deadMansSwitch"),
                "no dead man's switch: Watchdog goes to the receiver \"null\", so nobody notices when alerting itself stops (the Ruler, central Prometheus or Alertmanager down)",
                "set deadMansSwitch to a webhook, slack, pagerduty or email notifier of a service that pages when the Watchdog heartbeat stops",
            ),
            None => {}
        }
    }
}
