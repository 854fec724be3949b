//! Receive at scale (rule 48): changing Receive's replicas without failing writes (the
//! hashring may list fewer pods than the StatefulSet runs for the time of a two-step
//! change), and routers apart from the ingesting pods ([`ReceiveRouter`]).
//!
//! Scaling up: raise `replicas` with `hashringReplicas` at the old count, apply, wait for
//! the new pods to be ready, then drop `hashringReplicas` and apply again. Scaling down:
//! set `hashringReplicas` to the new count, apply, wait until every pod has reloaded the
//! ring, then lower `replicas` and drop `hashringReplicas`. At no time does the ring name
//! a pod that does not run.

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{validate::Checker, Bytes, Receive, Resources};

/// Receive's routers: a stateless Deployment `thanos-receive-router` that takes the
/// edges' remote write (through Receive's Ingress), holds the hashring and forwards each
/// series to the ingesting pods, which then only store. A change of the hashring then
/// reloads only the routers; the ingesting pods never flush for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ReceiveRouter {
    /// Replicas of the Deployment, default 2.
    pub replicas: u32,
    /// Requests and limits, default `100m`-`1` CPU and `512Mi` of memory.
    #[setters(into)]
    pub resources: Resources,
}

impl Default for ReceiveRouter {
    fn default() -> Self {
        Self {
            replicas: 2,
            resources: Resources::default().memory(Bytes::mebibytes(512), Bytes::mebibytes(512)),
        }
    }
}

impl Receive {
    /// The pods the hashring lists: `hashringReplicas`, else every replica.
    #[must_use]
    pub fn hashring_members(&self) -> u32 {
        self.hashring_replicas.unwrap_or(self.replicas)
    }

    /// Rule 48: the ring lists pods that run, enough for the replication factor; a ring
    /// narrower than the StatefulSet (the middle of a two-step change) warns.
    pub(crate) fn check_scaling(&self, path: &str, check: &mut Checker) {
        if let Some(router) = &self.router {
            let router_path = format!("{path}.router");
            check.replicas(&format!("{router_path}.replicas"), router.replicas);
            router
                .resources
                .check(&format!("{router_path}.resources"), check);
            if router.replicas == 1 {
                check.warning(
                    &format!("{router_path}.replicas"),
                    "one router: while it restarts, every edge's writes fail",
                    "run 2 routers or more",
                );
            }
        }
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
