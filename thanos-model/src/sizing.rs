//! What each central component needs for this fleet: memory, CPU and disk derived from
//! the active series the edges send, the replication factor, the retentions and the
//! number of clusters.
//!
//! The formulas and their upstream sources are in `docs/design/sizing.md`; every
//! constant below is named there. [`Fleet::sizing`] derives the needs once;
//! [`Fleet::resources`] is what a workload runs with: the fleet's explicit `resources`,
//! else the derived ones (memory request = limit, so no Thanos pod is `Burstable` for
//! memory and evicted first under memory pressure).

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{validate::Checker, Bytes, Cpu, Duration, Fleet, Resources};

/// Active series an edge sends when neither `central.sizing.activeSeriesPerCluster` nor
/// the edge's `activeSeries` says otherwise: a small Kubernetes cluster with
/// node-exporter and kube-state-metrics.
pub const DEFAULT_ACTIVE_SERIES_PER_CLUSTER: u64 = 100_000;
/// Memory one head series takes on Receive, labels, chunks and the replication buffers
/// included (a rule of thumb, not a measurement; the derived head-series write limit uses
/// it too).
pub(crate) const BYTES_PER_HEAD_SERIES: u64 = 8 * 1024;
/// Memory a Receive pod needs besides its head series (Go runtime, gRPC, WAL replay).
const RECEIVE_BASE_MEMORY: u64 = 512 * MIB;
/// Samples per second one core of Receive ingests and replicates.
const RECEIVE_SAMPLES_PER_CORE: u64 = 50_000;
/// Bytes a sample takes on Receive's disk, WAL and blocks together (blocks take about
/// 1.3 bytes, the WAL more).
const RECEIVE_DISK_BYTES_PER_SAMPLE: u64 = 2;
/// Receive keeps the WAL and the head's 2h of samples besides its retention.
const RECEIVE_HEAD_SECONDS: u64 = 3 * 3600;
/// Bytes a compressed sample takes in a block in the bucket.
const BLOCK_BYTES_PER_SAMPLE_TENTHS: u64 = 15;
/// The Compactor's largest compaction range: 2 weeks (its default `--compact` levels).
const LARGEST_COMPACTION_SECONDS: u64 = 14 * 24 * 3600;
/// The Compactor's least volume: upstream recommends about 100GB so that it keeps working
/// as compacted ranges grow.
const COMPACTOR_MIN_DISK: u64 = 100 * GIB;
/// Memory of Store and the Compactor besides what the series take.
const STORE_BASE_MEMORY: u64 = 2 * GIB;
/// Memory Store and the Compactor need per million series (index headers, postings and
/// the caches Store sizes from its limit).
const MEMORY_PER_MILLION_SERIES: u64 = GIB;
/// Query's memory besides the fan-out, and per cluster it merges and deduplicates.
const QUERY_BASE_MEMORY: u64 = GIB;
const QUERY_MEMORY_PER_CLUSTER: u64 = 64 * MIB;
/// The Ruler's memory besides its rules, and per cluster whose rules it evaluates.
const RULER_BASE_MEMORY: u64 = 512 * MIB;
const RULER_MEMORY_PER_CLUSTER: u64 = 32 * MIB;
/// Head series one Receive pod should hold at most: above it a pod needs more than 16GiB
/// and its WAL replay after a restart takes many minutes, during which its share of writes
/// fails (rule 43).
pub const MAX_SERIES_PER_RECEIVE_POD: u64 = 2_000_000;

const MIB: u64 = 1 << 20;
const GIB: u64 = 1 << 30;
const DAY_SECONDS: u64 = 24 * 3600;

/// What the fleet expects to store (`central.sizing`): the input of the derived sizes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Sizing {
    /// Active series one edge sends, default 100000; an edge's own `activeSeries`
    /// overrides it. Receive, Store and the Compactor are sized from the sum.
    pub active_series_per_cluster: u64,
}

impl Default for Sizing {
    fn default() -> Self {
        Self {
            active_series_per_cluster: DEFAULT_ACTIVE_SERIES_PER_CLUSTER,
        }
    }
}

impl Sizing {
    /// Rule 44: a positive number of series.
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        active_series(
            check,
            &format!("{path}.activeSeriesPerCluster"),
            self.active_series_per_cluster,
        );
    }
}

/// Rule 44: a cluster sends at least one series.
pub(crate) fn active_series(check: &mut Checker, path: &str, series: u64) {
    if series == 0 {
        check.error(
            path,
            "0 active series sizes every component for nothing",
            "write how many series the cluster sends, such as 100000 (count(up) is not it: sum(prometheus_tsdb_head_series) on the agent is)",
        );
    }
}

/// A workload the model sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// Thanos Receive.
    Receive,
    /// Thanos Query.
    Query,
    /// Thanos Store.
    Store,
    /// Thanos Compactor.
    Compactor,
    /// Thanos Ruler.
    Ruler,
}

impl Workload {
    /// Every sized workload, in the runbook's order.
    pub const ALL: [Self; 5] = [
        Self::Receive,
        Self::Query,
        Self::Store,
        Self::Compactor,
        Self::Ruler,
    ];

    /// The fleet-file path of the workload's settings.
    #[must_use]
    pub fn path(self) -> &'static str {
        match self {
            Self::Receive => "central.receive",
            Self::Query => "central.query",
            Self::Store => "central.store",
            Self::Compactor => "central.compactor",
            Self::Ruler => "central.ruler",
        }
    }

    /// Whether the workload keeps state on a volume (a StatefulSet).
    #[must_use]
    pub fn is_stateful(self) -> bool {
        self != Self::Query
    }
}

/// What one workload needs: its requests and limits, and its volume where the volume's
/// size depends on the fleet.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Need {
    /// Requests and limits, memory request = limit.
    pub resources: Resources,
    /// The volume, where it grows with the fleet (Receive, Compactor).
    pub storage: Option<Bytes>,
}

/// The derived needs of every sized workload and the bucket's growth, for one fleet.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FleetSizing {
    /// Clusters whose series Query and the Ruler read: the edges and central.
    pub clusters: u64,
    /// Active series of all edges together.
    pub active_series: u64,
    /// Samples per second all edges send.
    pub samples_per_second: u64,
    /// Head series on one Receive pod: `active_series × factor ÷ replicas`.
    pub series_per_receive_pod: u64,
    /// Series of the largest compaction group: every edge's with one tenant, the largest
    /// edge's with a tenant per edge.
    pub largest_group_series: u64,
    /// Receive, Query, Store, Compactor, Ruler, in [`Workload::ALL`] order.
    pub needs: [Need; 5],
    /// Raw blocks the bucket gains per day, once the Compactor has deduplicated the
    /// replicas.
    pub bucket_per_day: Bytes,
    /// The bucket at the Compactor's retentions (raw, 5m and 1h); `None` when one keeps
    /// blocks for ever.
    pub bucket_at_retention: Option<Bytes>,
}

impl FleetSizing {
    /// What `workload` needs.
    #[must_use]
    pub fn need(&self, workload: Workload) -> &Need {
        &self.needs[workload as usize]
    }
}

impl Fleet {
    /// The active series edge `index` sends: its own `activeSeries`, else the fleet's
    /// `central.sizing.activeSeriesPerCluster`.
    fn edge_series(&self, edge: &crate::Edge) -> u64 {
        edge.active_series
            .unwrap_or(self.central.sizing.active_series_per_cluster)
    }

    /// Derives what every sized workload needs. See `docs/design/sizing.md`.
    #[must_use]
    pub fn sizing(&self) -> FleetSizing {
        let central = &self.central;
        let receive = &central.receive;
        let series: Vec<(u64, u64)> = self
            .edges
            .iter()
            .map(|edge| {
                let interval = edge
                    .agent
                    .scrape_interval
                    .as_ref()
                    .unwrap_or(&self.scrape_interval);
                let seconds = interval.as_secs().max(1);
                let series = self.edge_series(edge);
                (series, series.div_ceil(seconds))
            })
            .collect();
        let active_series: u64 = series.iter().map(|(s, _)| s).sum();
        let samples_per_second: u64 = series.iter().map(|(_, r)| r).sum();
        let clusters = u64::try_from(self.edges.len()).unwrap_or(u64::MAX) + 1;
        let replicas = u64::from(receive.replicas.max(1));
        let factor = u64::from(receive.replication_factor.max(1));
        let series_per_receive_pod = (active_series * factor).div_ceil(replicas);
        let samples_per_receive_pod = (samples_per_second * factor).div_ceil(replicas);
        let (largest_group_series, largest_group_samples) =
            if receive.remote_write.tenant_per_edge() {
                series.iter().copied().max().unwrap_or((0, 0))
            } else {
                (active_series, samples_per_second)
            };

        let receive_need = Need {
            resources: stateful(
                cpu_for(250 + samples_per_receive_pod * 1000 / RECEIVE_SAMPLES_PER_CORE),
                RECEIVE_BASE_MEMORY + series_per_receive_pod * BYTES_PER_HEAD_SERIES,
            ),
            storage: (!receive.retention.is_zero()).then(|| {
                let seconds = receive.retention.as_secs() + RECEIVE_HEAD_SECONDS;
                let bytes = samples_per_receive_pod * seconds * RECEIVE_DISK_BYTES_PER_SAMPLE;
                gibibytes(bytes + bytes / 4 + GIB)
            }),
        };
        let query = stateful(
            cpu_for(500 + 20 * clusters),
            QUERY_BASE_MEMORY + QUERY_MEMORY_PER_CLUSTER * clusters,
        );
        let store = stateful(
            cpu_for(500 + active_series / 10_000),
            STORE_BASE_MEMORY + per_million(active_series),
        );
        let group_block = block_bytes(largest_group_samples * LARGEST_COMPACTION_SECONDS);
        let compactor = Need {
            resources: stateful(
                cpu_for(500),
                STORE_BASE_MEMORY + per_million(largest_group_series),
            ),
            // The sources and the compacted block of the largest compaction, with a tenth
            // to spare.
            storage: Some(gibibytes(
                (2 * group_block + group_block / 5).max(COMPACTOR_MIN_DISK),
            )),
        };
        let ruler = stateful(
            cpu_for(100 + 10 * clusters),
            RULER_BASE_MEMORY + RULER_MEMORY_PER_CLUSTER * clusters,
        );
        let bucket_per_day = block_bytes(samples_per_second * DAY_SECONDS);
        FleetSizing {
            clusters,
            active_series,
            samples_per_second,
            series_per_receive_pod,
            largest_group_series,
            needs: [
                receive_need,
                Need {
                    resources: query,
                    storage: None,
                },
                Need {
                    resources: store,
                    storage: None,
                },
                compactor,
                Need {
                    resources: ruler,
                    storage: None,
                },
            ],
            bucket_per_day: gibibytes_or_mebibytes(bucket_per_day),
            bucket_at_retention: bucket_at_retention(
                &central.compactor.retention,
                active_series,
                bucket_per_day,
            ),
        }
    }

    /// Raises what a new fleet sets to what its edges need, so that `check` has nothing
    /// to warn about: Receive's replicas until no pod holds more than
    /// [`MAX_SERIES_PER_RECEIVE_POD`] head series (the factor kept), then Receive's and
    /// the Compactor's volumes to their need. Never lowers a value. `thanos-kustomize
    /// init` writes a fleet grown so.
    ///
    /// ```
    /// let mut fleet = thanos_model::seed::new_fleet(50).build()?.into_inner();
    /// fleet.grow_to_need();
    /// assert_eq!(fleet.central.receive.replicas, 8);
    /// assert_eq!(fleet.central.receive.storage.size.to_string(), "20Gi");
    /// assert!(fleet.validate()?.warnings().is_empty());
    /// # Ok::<(), thanos_model::ValidationError>(())
    /// ```
    pub fn grow_to_need(&mut self) {
        let sizing = self.sizing();
        let receive = &mut self.central.receive;
        let factor = u64::from(receive.replication_factor.max(1));
        let needed = (sizing.active_series * factor).div_ceil(MAX_SERIES_PER_RECEIVE_POD);
        receive.replicas = receive
            .replicas
            .max(u32::try_from(needed).unwrap_or(u32::MAX));
        let sizing = self.sizing();
        let central = &mut self.central;
        for (storage, workload) in [
            (&mut central.receive.storage, Workload::Receive),
            (&mut central.compactor.storage, Workload::Compactor),
        ] {
            if let Some(need) = &sizing.need(workload).storage {
                if need.as_bytes() > storage.size.as_bytes() {
                    storage.size = need.clone();
                }
            }
        }
    }

    /// What `workload` runs with: the fleet's explicit `resources`, else the derived
    /// ones.
    #[must_use]
    pub fn resources(&self, workload: Workload) -> Resources {
        let central = &self.central;
        let explicit = match workload {
            Workload::Receive => central.receive.resources.as_ref(),
            Workload::Query => central.query.resources.as_ref(),
            Workload::Store => central.store.resources.as_ref(),
            Workload::Compactor => central.compactor.resources.as_ref(),
            Workload::Ruler => central.ruler.as_ref().and_then(|r| r.resources.as_ref()),
        };
        explicit.map_or_else(
            || self.sizing().need(workload).resources.clone(),
            Clone::clone,
        )
    }
}

/// Bytes of compressed samples in blocks.
fn block_bytes(samples: u64) -> u64 {
    samples * BLOCK_BYTES_PER_SAMPLE_TENTHS / 10
}

/// The bucket at the Compactor's retentions: raw samples for the raw retention, and the
/// 5m and 1h downsampled series (5 aggregates each) for theirs.
fn bucket_at_retention(
    retention: &crate::Retention,
    series: u64,
    raw_per_day: u64,
) -> Option<Bytes> {
    let days = |d: &Duration| (!d.is_zero()).then(|| d.as_secs().div_ceil(DAY_SECONDS));
    let raw = days(&retention.raw)? * raw_per_day;
    let five = days(&retention.five_minutes)? * block_bytes(series * 288 * 5);
    let hour = days(&retention.one_hour)? * block_bytes(series * 24 * 5);
    Some(gibibytes_or_mebibytes(raw + five + hour))
}

/// `MEMORY_PER_MILLION_SERIES` for every started million of `series`.
fn per_million(series: u64) -> u64 {
    series.div_ceil(1_000_000) * MEMORY_PER_MILLION_SERIES
}

/// A stateful pod's resources: CPU `request` millicores up to twice as much (whole cores,
/// at least one), memory `bytes` rounded up to a GiB, as request and limit.
fn stateful(cpu_request: Cpu, memory: u64) -> Resources {
    let limit = Cpu::cores(
        u32::try_from(cpu_request.as_millicores().div_ceil(500).max(1)).unwrap_or(u32::MAX),
    );
    let memory = gibibytes(memory);
    Resources::default()
        .cpu(cpu_request, limit)
        .memory(memory.clone(), memory)
}

/// `millicores`, rounded up to a tenth of a core.
fn cpu_for(millicores: u64) -> Cpu {
    let tenths = millicores.div_ceil(100) * 100;
    Cpu::millicores(u32::try_from(tenths).unwrap_or(u32::MAX))
}

/// `bytes` rounded up to whole GiB.
fn gibibytes(bytes: u64) -> Bytes {
    Bytes::gibibytes(u32::try_from(bytes.div_ceil(GIB).max(1)).unwrap_or(u32::MAX))
}

/// `bytes` in whole GiB, or MiB below one GiB.
fn gibibytes_or_mebibytes(bytes: u64) -> Bytes {
    if bytes >= GIB {
        gibibytes(bytes)
    } else {
        Bytes::mebibytes(u32::try_from(bytes.div_ceil(MIB).max(1)).unwrap_or(u32::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::new_fleet;

    fn sizing(edges: usize) -> FleetSizing {
        new_fleet(edges).build().unwrap().into_inner().sizing()
    }

    /// The memory limit `workload` needs, as written.
    fn memory(sizing: &FleetSizing, workload: Workload) -> String {
        sizing.need(workload).resources.memory_limit.to_string()
    }

    /// The volume `workload` needs, as written.
    fn volume(sizing: &FleetSizing, workload: Workload) -> String {
        sizing.need(workload).storage.as_ref().unwrap().to_string()
    }

    #[test]
    fn receive_holds_every_series_factor_times_over_its_replicas() {
        // 4 edges of 100k series, factor 3 over 3 pods: every pod holds all 400k.
        let four = sizing(4);
        assert_eq!(four.active_series, 400_000);
        assert_eq!(four.series_per_receive_pod, 400_000);
        let receive = &four.need(Workload::Receive).resources;
        // 512Mi + 400k × 8Ki = 3.6GiB, rounded up.
        assert_eq!(receive.memory_limit.to_string(), "4Gi");
        assert_eq!(receive.memory_request, receive.memory_limit);
        // 50 edges: 5M series per pod, 38.6GiB.
        let fifty = sizing(50);
        assert_eq!(fifty.series_per_receive_pod, 5_000_000);
        assert_eq!(memory(&fifty, Workload::Receive), "39Gi");
    }

    #[test]
    fn the_compactor_gets_upstreams_100gb_at_least_and_its_largest_compaction() {
        let four = sizing(4);
        assert_eq!(volume(&four, Workload::Compactor), "100Gi");
        // With a tenant per edge (the new fleet's TLS write path) the largest group is
        // one edge's: 100k series stay within the 100Gi.
        let fifty = sizing(50);
        assert_eq!(fifty.largest_group_series, 100_000);
        assert_eq!(volume(&fifty, Workload::Compactor), "100Gi");
        // One edge of 5M series at 30s: 2 weeks at 1.5 bytes a sample is 282GiB; the
        // sources and the result, and a tenth to spare.
        let mut big = new_fleet(1).build().unwrap().into_inner();
        big.edges[0].active_series = Some(5_000_000);
        assert_eq!(volume(&big.sizing(), Workload::Compactor), "620Gi");
    }

    #[test]
    fn query_and_the_ruler_grow_with_the_clusters() {
        let four = sizing(4);
        let fifty = sizing(50);
        for workload in [Workload::Query, Workload::Ruler] {
            assert!(
                fifty.need(workload).resources.memory_limit.as_bytes()
                    > four.need(workload).resources.memory_limit.as_bytes(),
                "{workload:?}"
            );
        }
        assert_eq!(four.clusters, 5);
    }

    #[test]
    fn an_edge_states_its_own_series() {
        let mut fleet = new_fleet(2).build().unwrap().into_inner();
        fleet.edges[0].active_series = Some(1_000_000);
        assert_eq!(fleet.sizing().active_series, 1_100_000);
    }

    #[test]
    fn explicit_resources_win() {
        let mut fleet = new_fleet(2).build().unwrap().into_inner();
        let own = Resources::default();
        fleet.central.query.resources = Some(own.clone());
        assert_eq!(fleet.resources(Workload::Query), own);
        assert_ne!(fleet.resources(Workload::Store), own);
    }
}
