//! Changing Receive's replicas without failing writes: the hashring may list fewer pods
//! than the StatefulSet runs for the time of a two-step change (rule 48).
//!
//! Scaling up: raise `replicas` with `hashringReplicas` at the old count, apply, wait for
//! the new pods to be ready, then drop `hashringReplicas` and apply again. Scaling down:
//! set `hashringReplicas` to the new count, apply, wait until every pod has reloaded the
//! ring, then lower `replicas` and drop `hashringReplicas`. At no time does the ring name
//! a pod that does not run.

use crate::{validate::Checker, Receive};

impl Receive {
    /// Sets `hashring_replicas` (see the field's documentation).
    #[must_use]
    pub fn hashring_replicas(mut self, pods: u32) -> Self {
        self.hashring_replicas = Some(pods);
        self
    }

    /// The pods the hashring lists: `hashringReplicas`, else every replica.
    #[must_use]
    pub fn hashring_members(&self) -> u32 {
        self.hashring_replicas.unwrap_or(self.replicas)
    }

    /// Rule 48: the ring lists pods that run, enough for the replication factor; a ring
    /// narrower than the StatefulSet (the middle of a two-step change) warns.
    pub(crate) fn check_scaling(&self, path: &str, check: &mut Checker) {
        let Some(members) = self.hashring_replicas else {
            return;
        };
        let path = format!("{path}.hashringReplicas");
        if members > self.replicas {
            check.error(
                &path,
                format!(
                    "the hashring would list {members} pods while the StatefulSet runs {}: writes routed to the missing ones fail",
                    self.replicas
                ),
                "list at most the replicas: scale the StatefulSet up first, then the ring",
            );
        } else if members < self.replication_factor.max(1) {
            check.error(
                &path,
                format!(
                    "{members} pods in the hashring cannot hold the replication factor {}: every write fails with \"insufficient nodes\"",
                    self.replication_factor
                ),
                "list at least as many pods as the replication factor",
            );
        } else if members < self.replicas {
            check.warning(
                &path,
                format!(
                    "the hashring lists {members} of the {} Receive pods: the others only forward writes and hold no series (the middle of a two-step change)",
                    self.replicas
                ),
                "finish the change: once the new pods are ready (scaling up) or every pod has reloaded the ring (scaling down), remove hashringReplicas and set replicas",
            );
        } else {
            check.warning(
                &path,
                "the hashring lists every replica already",
                "remove hashringReplicas",
            );
        }
    }
}
