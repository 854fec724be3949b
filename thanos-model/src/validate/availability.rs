//! Rules 41-43: a central cluster that survives the loss of a node, and workloads sized
//! for the fleet they serve.
//!
//! 41 (warnings): one replica of a workload, or Receive's single copy of each series,
//! does not survive a node loss (the placement and budget warnings are
//! `Topology::check`, topology.rs). 42 (warnings): explicit requests, limits or volumes
//! below what the fleet needs ([`Fleet::sizing`](crate::Fleet::sizing)), or a stateful
//! pod whose memory request is below its limit. 43 (warning): the fleet outgrows its
//! Receive pods.

use super::Checker;
use crate::{
    sizing::{FleetSizing, MAX_SERIES_PER_RECEIVE_POD},
    Bytes, Resources, Workload,
};

impl Checker<'_> {
    /// Every rule of the family, in the fleet file's order.
    pub(crate) fn availability(&mut self) {
        self.single_replicas();
        // The sizes follow the scrape intervals: with one that did not parse, or of 0
        // (rule 14), they would follow a placeholder.
        for (path, interval) in self.scrape_intervals() {
            if !self.parsed(&path) || interval.is_zero() {
                return;
            }
        }
        let sizing = self.fleet.sizing();
        for workload in Workload::ALL {
            self.resources_fit(workload, &sizing);
        }
        self.volumes_fit(&sizing);
        self.receive_outgrown(&sizing);
    }

    /// Rule 41: one replica (or one copy of every series) does not survive a node loss.
    fn single_replicas(&mut self) {
        let central = &self.fleet.central;
        let receive = &central.receive;
        if receive.replicas == 1 {
            self.warning(
                "central.receive.replicas",
                "one Receive pod does not survive a node loss: every restart, an upgrade included, stops all ingest from every edge",
                "set replicas: 3 and replicationFactor: 3 (each pod on its own node)",
            );
        }
        if receive.replication_factor == 1 && receive.replicas > 1 {
            self.warning(
                "central.receive.replicationFactor",
                "every series has one copy: a node loss stops the writes of the series on its pod until the pod is back",
                "set replicationFactor: 3 (a write then needs 2 of 3 copies)",
            );
        } else if receive.replication_factor == 1 {
            self.warning(
                "central.receive.replicationFactor",
                "every series has one copy: it does not survive a node loss",
                "set replicationFactor: 3 with 3 replicas",
            );
        }
        let mut single = vec![
            (
                "central.query.replicas",
                central.query.replicas,
                "queries stop",
            ),
            (
                "central.store.replicas",
                central.store.replicas,
                "reads of blocks in the bucket stop",
            ),
            (
                "central.prometheus.replicas",
                central.prometheus.replicas,
                "central's own scraping stops",
            ),
            (
                "central.alertmanager.replicas",
                central.alertmanager.replicas,
                "notifications stop",
            ),
        ];
        if let Some(ruler) = &central.ruler {
            single.push((
                "central.ruler.replicas",
                ruler.replicas,
                "rules and alerts stop",
            ));
        }
        for (path, replicas, what) in single {
            if replicas == 1 {
                self.warning(
                    path,
                    format!("one replica does not survive a node loss: {what} until its pod runs again elsewhere"),
                    "set replicas: 2 (placed on different nodes)",
                );
            }
        }
    }

    /// Rule 42: explicit memory below the need; a stateful pod's memory request below its
    /// limit.
    fn resources_fit(&mut self, workload: Workload, sizing: &FleetSizing) {
        let central = &self.fleet.central;
        let explicit: Option<&Resources> = match workload {
            Workload::Receive => central.receive.resources.as_ref(),
            Workload::Query => central.query.resources.as_ref(),
            Workload::Store => central.store.resources.as_ref(),
            Workload::Compactor => central.compactor.resources.as_ref(),
            Workload::Ruler => central.ruler.as_ref().and_then(|r| r.resources.as_ref()),
        };
        let Some(explicit) = explicit else {
            return;
        };
        let path = format!("{}.resources", workload.path());
        let need = &sizing.need(workload).resources.memory_limit;
        let limit_path = format!("{path}.memoryLimit");
        let request_path = format!("{path}.memoryRequest");
        if self.parsed(&limit_path)
            && !explicit.memory_limit.is_zero()
            && below(&explicit.memory_limit, need)
        {
            self.warning(
                &limit_path,
                format!(
                    "{} is below the {need} this fleet needs ({} active series, {} clusters): the pod is killed when it runs out of memory{}",
                    explicit.memory_limit,
                    sizing.active_series,
                    sizing.clusters,
                    if workload == Workload::Receive {
                        ", replays its WAL and is killed again, and its share of writes fails"
                    } else {
                        ""
                    }
                ),
                format!("raise it to {need}, or leave resources out to derive them from central.sizing"),
            );
        }
        if workload.is_stateful()
            && self.parsed(&request_path)
            && self.parsed(&limit_path)
            && below(&explicit.memory_request, &explicit.memory_limit)
        {
            self.warning(
                &request_path,
                format!(
                    "{} is below the limit {}: the pod is Burstable, and the first to be evicted when its node runs short of memory",
                    explicit.memory_request, explicit.memory_limit
                ),
                "set memoryRequest equal to memoryLimit",
            );
        }
    }

    /// Rule 42: Receive's and the Compactor's volumes hold what the fleet needs.
    fn volumes_fit(&mut self, sizing: &FleetSizing) {
        let central = &self.fleet.central;
        for (workload, storage, why) in [
            (
                Workload::Receive,
                &central.receive.storage,
                "Receive keeps its retention and WAL of every series it holds",
            ),
            (
                Workload::Compactor,
                &central.compactor.storage,
                "the Compactor downloads the blocks of its largest compaction and writes the result beside them",
            ),
        ] {
            let path = format!("{}.storage.size", workload.path());
            let Some(need) = &sizing.need(workload).storage else {
                continue;
            };
            if self.parsed(&path) && below(&storage.size, need) {
                self.warning(
                    &path,
                    format!(
                        "{} is below the {need} this fleet needs: {why}, and a full volume stops it",
                        storage.size
                    ),
                    format!("give it {need} (a volume claim template cannot change: see the runbook's \"Growing a volume\")"),
                );
            }
        }
    }

    /// Rule 43: no Receive pod holds more head series than one pod should.
    fn receive_outgrown(&mut self, sizing: &FleetSizing) {
        let receive = &self.fleet.central.receive;
        if sizing.series_per_receive_pod <= MAX_SERIES_PER_RECEIVE_POD {
            return;
        }
        let factor = u64::from(receive.replication_factor.max(1));
        let needed = (sizing.active_series * factor).div_ceil(MAX_SERIES_PER_RECEIVE_POD);
        self.warning(
            "central.receive.replicas",
            format!(
                "each of {} Receive pods holds {} head series ({} active series, {factor} copies each): more than the {MAX_SERIES_PER_RECEIVE_POD} one pod should hold, its WAL replay after a restart takes many minutes while its share of writes fails",
                receive.replicas, sizing.series_per_receive_pod, sizing.active_series
            ),
            format!("raise replicas to {needed} (see the runbook's order for changing Receive's replicas)"),
        );
    }
}

/// Whether `value` is below `need`.
fn below(value: &Bytes, need: &Bytes) -> bool {
    value.as_bytes() < need.as_bytes()
}
