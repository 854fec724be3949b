//! The central Prometheus, in full (server) mode.

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    validate::{shown, Checker},
    Bytes, Cpu, Duration, Resources, Sidecar, Storage,
};

/// The central cluster's Prometheus: highly available, with the Thanos sidecar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[setters(into)]
pub struct Prometheus {
    /// Replicas; with more than one, Query deduplicates on `prometheus_replica`. Default 2.
    #[setters(into = false)]
    pub replicas: u32,
    /// Local retention, a Prometheus duration, default `10d`. Older data is read from the
    /// bucket. It must outlive the 2h blocks the sidecar uploads (up to `2h` is refused,
    /// under `6h` warns: a bucket outage would delete blocks before they are uploaded).
    pub retention: Duration,
    /// The TSDB volume, default `50Gi`.
    pub storage: Storage,
    /// Requests and limits of the Prometheus container.
    pub resources: Resources,
    /// The Thanos sidecar.
    pub sidecar: Sidecar,
}

impl Default for Prometheus {
    fn default() -> Self {
        Self {
            replicas: 2,
            retention: Duration::days(10),
            storage: Storage::new(Bytes::gibibytes(50)),
            resources: Resources::default()
                .cpu(Cpu::millicores(200), Cpu::cores(2))
                .memory(Bytes::gibibytes(1), Bytes::gibibytes(4)),
            sidecar: Sidecar::default(),
        }
    }
}

/// Length of the blocks the sidecar uploads (Prometheus' fixed block range with Thanos).
const BLOCK_MS: u64 = 2 * 3_600_000;
/// Local retention below which a short bucket outage already loses blocks.
const SAFE_RETENTION_MS: u64 = 6 * 3_600_000;
/// Widest scrape interval that keeps series fresh: Prometheus marks a series stale
/// after 5m without a sample, so wider intervals show gaps.
const MAX_SCRAPE_INTERVAL_MS: u64 = 2 * 60_000;

impl Prometheus {
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        check.replicas(&format!("{path}.replicas"), self.replicas);
        self.check_retention(&format!("{path}.retention"), check);
        self.storage.check(&format!("{path}.storage"), check);
        self.resources.check(&format!("{path}.resources"), check);
        self.sidecar.check(&format!("{path}.sidecar"), check);
    }

    /// Local data must outlive the 2h blocks the sidecar uploads, by several hours so
    /// that a bucket outage does not delete blocks before they are uploaded.
    fn check_retention(&self, path: &str, check: &mut Checker) {
        if !check.parsed(path) {
            return;
        }
        let retention = self.retention.as_millis();
        if retention == 0 {
            check.error(
                path,
                format!("{} is no retention", shown(self.retention.as_str())),
                "write how long Prometheus keeps data locally, such as 10d; older data is read from the bucket",
            );
        } else if retention <= BLOCK_MS {
            check.error(
                path,
                format!(
                    "{} does not outlive the 2h blocks the sidecar uploads: blocks are deleted before they reach the bucket",
                    shown(self.retention.as_str())
                ),
                "keep local data several hours at least, such as 1d; older data is read from the bucket",
            );
        } else if retention < SAFE_RETENTION_MS {
            check.warning(
                path,
                format!(
                    "{} leaves little time to upload: a bucket outage of a few hours deletes blocks before the sidecar uploads them",
                    shown(self.retention.as_str())
                ),
                "keep local data several hours at least, such as 1d",
            );
        }
    }
}

/// A scrape interval: a positive duration, at most 2m.
pub(crate) fn check_scrape_interval(check: &mut Checker, path: &str, value: &Duration) {
    if check
        .interval(path, value)
        .is_some_and(|interval| interval.as_millis() > MAX_SCRAPE_INTERVAL_MS)
    {
        check.warning(
            path,
            format!(
                "scraping every {} leaves gaps: a series is stale after 5m without a sample",
                shown(value.as_str())
            ),
            "scrape every 2m or more often, such as 30s",
        );
    }
}
