//! The Prometheus Agent an edge cluster runs.

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    prometheus,
    validate::{shown, Checker},
    Bytes, Duration, Resources, Storage,
};

/// Helm values of an edge's Prometheus in Agent mode: it scrapes and remote-writes to the
/// central Receive, and keeps only a write-ahead log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[setters(strip_option, into)]
pub struct AgentValues {
    /// Agent replicas, default 1. With more than one each replica keeps its
    /// `prometheus_replica` label, or Receive rejects the duplicates with 409.
    #[setters(into = false)]
    pub replicas: u32,
    /// Scrape interval for this edge, a positive duration (above `2m` warns); `None` uses
    /// the fleet's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scrape_interval: Option<Duration>,
    /// The write-ahead-log volume, default `10Gi`.
    pub storage: Storage,
    /// Requests and limits of the agent container.
    pub resources: Resources,
    /// Remote-write queue tuning.
    pub queue: RemoteWriteQueue,
    /// Drop the `prometheus_replica` external label (the chart's
    /// `replicaExternalLabelNameClear`). Only safe with one replica.
    pub drop_replica_label: bool,
    /// How long the agent keeps samples it could not send
    /// (`--storage.agent.retention.max-time`): how long the edge may be cut off from
    /// Receive without losing data, if its WAL volume holds that long. Default `24h`;
    /// `null` leaves Prometheus' own 4h.
    #[setters(strip_option = false, into = false)]
    pub wal_retention: Option<Duration>,
}

impl Default for AgentValues {
    fn default() -> Self {
        Self {
            replicas: 1,
            scrape_interval: None,
            storage: Storage::new(Bytes::gibibytes(10)),
            resources: Resources::default(),
            queue: RemoteWriteQueue::default(),
            drop_replica_label: false,
            wal_retention: Some(Duration::hours(24)),
        }
    }
}

/// The remote-write queue (`remoteWrite[].queueConfig` of the Prometheus CRDs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct RemoteWriteQueue {
    /// Samples buffered per shard, default 10000; less than `maxSamplesPerSend` warns.
    pub capacity: u32,
    /// Minimum shards, default 1: from 1 to `maxShards`.
    pub min_shards: u32,
    /// Maximum shards, default 50.
    pub max_shards: u32,
    /// Samples per request, default 2000.
    pub max_samples_per_send: u32,
    /// Longest wait before a partial batch is sent, default `5s`: a positive duration.
    #[setters(into)]
    pub batch_send_deadline: Duration,
    /// Retry requests Receive answers with 429 (a tenant over its head-series limit)
    /// instead of dropping them. Default `true`.
    #[setters(into)]
    pub retry_on_rate_limit: bool,
}

impl Default for RemoteWriteQueue {
    fn default() -> Self {
        Self {
            capacity: 10_000,
            min_shards: 1,
            max_shards: 50,
            max_samples_per_send: 2_000,
            batch_send_deadline: Duration::seconds(5),
            retry_on_rate_limit: true,
        }
    }
}

impl AgentValues {
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        check.replicas(&format!("{path}.replicas"), self.replicas);
        if let Some(interval) = &self.scrape_interval {
            prometheus::check_scrape_interval(check, &format!("{path}.scrapeInterval"), interval);
        }
        self.storage.check(&format!("{path}.storage"), check);
        self.resources.check(&format!("{path}.resources"), check);
        self.queue.check(&format!("{path}.queue"), check);
        self.check_wal_retention(path, check);
        if !self.queue.retry_on_rate_limit {
            check.warning(
                &format!("{path}.queue.retryOnRateLimit"),
                "the agent drops a request Receive answers with 429 (tenant over its head-series limit)",
                "set retryOnRateLimit: true",
            );
        }
        // Rule 9: HA agents keep their replica label.
        if self.drop_replica_label && self.replicas > 1 {
            check.error(
                &format!("{path}.dropReplicaLabel"),
                format!(
                    "{} agent replicas without a replica label send identical series",
                    self.replicas
                ),
                "Receive answers 409 to the duplicates: keep the replica label (dropReplicaLabel: false) or run one replica",
            );
        }
    }
}

/// Shortest WAL retention: the agent truncates its WAL every 2h.
const MIN_WAL_RETENTION_SECS: u64 = 2 * 3600;
/// Longest WAL retention that does not warn: a week of samples must fit the volume.
const MAX_WAL_RETENTION_SECS: u64 = 7 * 24 * 3600;

impl AgentValues {
    /// Rule 26: unsent samples survive a WAN cut of a few hours at least.
    fn check_wal_retention(&self, path: &str, check: &mut Checker) {
        let field = format!("{path}.walRetention");
        let Some(retention) = &self.wal_retention else {
            check.warning(
                &field,
                "the agent keeps unsent samples for Prometheus' default 4h: a longer cut from Receive loses data",
                "set walRetention: 24h (and a WAL volume that holds a day of samples)",
            );
            return;
        };
        if !check.parsed(&field) {
            return;
        }
        if retention.as_secs() < MIN_WAL_RETENTION_SECS {
            check.error(
                &field,
                format!(
                    "the agent would drop unsent samples after {}: a WAN cut longer than that loses data",
                    shown(retention.as_str())
                ),
                "keep at least 2h (the agent truncates its WAL every 2h), such as 24h",
            );
        } else if retention.as_secs() > MAX_WAL_RETENTION_SECS {
            check.warning(
                &field,
                format!(
                    "the WAL volume must hold {} of this edge's samples",
                    shown(retention.as_str())
                ),
                "keep a day or so, or size agent.storage for it",
            );
        }
    }
}

impl RemoteWriteQueue {
    fn check(&self, path: &str, check: &mut Checker) {
        let _ = check.interval(
            &format!("{path}.batchSendDeadline"),
            &self.batch_send_deadline,
        );
        if self.min_shards == 0 || self.min_shards > self.max_shards {
            check.error(
                &format!("{path}.minShards"),
                format!("must be between 1 and maxShards ({})", self.max_shards),
                "lower minShards or raise maxShards",
            );
        }
        if self.capacity == 0 || self.max_samples_per_send == 0 {
            check.error(
                path,
                "capacity and maxSamplesPerSend must be at least 1",
                "keep the defaults (10000 and 2000) unless measured otherwise",
            );
        } else if self.capacity < self.max_samples_per_send {
            check.warning(
                &format!("{path}.capacity"),
                format!(
                    "a shard buffers {} samples, fewer than the {} it sends at once: no request is ever full",
                    self.capacity, self.max_samples_per_send
                ),
                "keep capacity several times maxSamplesPerSend (the defaults are 10000 and 2000)",
            );
        }
    }
}
