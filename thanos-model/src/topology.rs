//! Where the central cluster's replicas run, and what a drain may take: the placement and
//! disruption budgets that let the central cluster survive the loss of a node (or a
//! zone).

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::validate::{syntax, Checker};

/// The node label every node has (one value per node): replicas are spread over it.
pub const HOSTNAME_KEY: &str = "kubernetes.io/hostname";

/// How the replicas of one workload keep apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Spread {
    /// The scheduler never puts two replicas on one node (or zone) while another one has
    /// fewer: Query and Store by a topology spread constraint (`DoNotSchedule`, skew 1),
    /// Prometheus, Alertmanager and the Ruler by the chart's `podAntiAffinity: hard`.
    Required,
    /// The scheduler tries to keep replicas apart, and puts them together when it cannot:
    /// one node's loss may take every replica (warns).
    Preferred,
}

/// Placement and disruption budgets of the central cluster (`central.topology`).
///
/// Receive with a replication factor above 1 is always placed one pod per node (a
/// required pod anti-affinity on [`HOSTNAME_KEY`]), whatever `spread` says: two of its
/// pods on one node would lose the write quorum of every series they share with that
/// node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[setters(strip_option, into)]
pub struct Topology {
    /// The node label naming each node's zone, such as `topology.kubernetes.io/zone`:
    /// replicas are spread over its values as well as over nodes. Unset, zones are not
    /// considered (a zone's loss may take every replica).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_key: Option<String>,
    /// How replicas of Query, Store, Prometheus, Alertmanager and the Ruler keep apart,
    /// default `required`; `preferred` warns.
    pub spread: Spread,
    /// The chart's PodDisruptionBudgets for Prometheus, Alertmanager and the Thanos Ruler
    /// (a drain takes one replica at a time), default `true`; `false` warns. The Thanos
    /// components' own budgets are always rendered for more than one replica.
    pub disruption_budgets: bool,
}

impl Default for Topology {
    fn default() -> Self {
        Self {
            zone_key: None,
            spread: Spread::Required,
            disruption_budgets: true,
        }
    }
}

impl Topology {
    /// The seed lab's placement: replicas only preferred apart, none of the chart's
    /// PodDisruptionBudgets (`check` warns about each).
    #[must_use]
    pub fn lab() -> Self {
        Self {
            zone_key: None,
            spread: Spread::Preferred,
            disruption_budgets: false,
        }
    }
}

impl Topology {
    /// Rule 44 (the zone key's grammar) and rule 41 (the lab's placement warns).
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        if let Some(key) = &self.zone_key {
            let key_path = format!("{path}.zoneKey");
            if check.clean(&key_path, key) {
                if !syntax::is_label_key(key) {
                    check.error(
                        &key_path,
                        format!(
                            "{} is not a node label key",
                            crate::validate::shown(key)
                        ),
                        "write a label key such as topology.kubernetes.io/zone: an optional DNS prefix and '/', then letters, digits, '-', '_' or '.'",
                    );
                } else if key == HOSTNAME_KEY {
                    check.warning(
                        &key_path,
                        "the hostname is not a zone: replicas are already spread over nodes",
                        "name the label of the nodes' zones, such as topology.kubernetes.io/zone, or leave zoneKey out",
                    );
                }
            }
        }
        if self.spread == Spread::Preferred {
            check.warning(
                &format!("{path}.spread"),
                "replicas of Query, Store, Prometheus, Alertmanager and the Ruler are only preferred on different nodes: one node's loss can take every replica of one of them",
                "set spread: required",
            );
        }
        if !self.disruption_budgets {
            check.warning(
                &format!("{path}.disruptionBudgets"),
                "Prometheus, Alertmanager and the Thanos Ruler have no PodDisruptionBudget: one drain can evict every replica at once",
                "set disruptionBudgets: true",
            );
        }
    }
}
