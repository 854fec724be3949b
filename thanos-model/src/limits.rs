//! Receive's per-tenant write limits (`--receive.limits-config-file`), derived from the
//! edges' remote-write queues unless set.

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{validate::Checker, Bytes, Edge, Fleet};

/// Bytes one sample may take in a request, labels included, for the derived size limit:
/// 4 KiB covers long label sets.
const BYTES_PER_SAMPLE: u64 = 4096;
/// Below this many bytes per sample a normal request is refused for sure (an error).
const MIN_BYTES_PER_SAMPLE: u64 = 1024;
/// Memory one head series takes on Receive: the derived head-series limit divides the
/// memory limit by it, as sizing multiplies by it.
use crate::sizing::BYTES_PER_HEAD_SERIES;
/// Head-series limits below this warn: an ordinary cluster has more series.
const MIN_HEAD_SERIES: u64 = 1000;

/// Write limits (`central.receive.limits`, or an edge's overrides in `edges[].limits`).
/// A limit left out is derived from the edges' queues (see each field); `0` means
/// unlimited.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[setters(strip_option)]
pub struct WriteLimits {
    /// Largest request, compressed and decompressed (`size_bytes_limit`); derived:
    /// `maxSamplesPerSend × 4Ki`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[setters(into)]
    pub request_size_bytes: Option<Bytes>,
    /// Most series per request (`series_limit`); derived: `2 × maxSamplesPerSend`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_series: Option<u64>,
    /// Most samples per request (`samples_limit`); derived: `2 × maxSamplesPerSend`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_samples: Option<u64>,
    /// Most head series per tenant, counted across replicas (`head_series_limit`);
    /// derived: Receive's memory limit × replicas ÷ (8Ki × edges) × replication factor,
    /// rounded down to a thousand (8Ki per series is a rule of thumb).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub head_series: Option<u64>,
}

impl WriteLimits {
    /// Whether no limit is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Limits with every value known, as Receive reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResolvedLimits {
    /// `size_bytes_limit`.
    pub request_size_bytes: u64,
    /// `series_limit`.
    pub request_series: u64,
    /// `samples_limit`.
    pub request_samples: u64,
    /// `head_series_limit`.
    pub head_series: u64,
}

impl Fleet {
    /// The limits every tenant gets (`write.default`): `central.receive.limits` with the
    /// values it leaves out derived from the largest queue of any edge and Receive's
    /// memory; `None` without limits.
    #[must_use]
    pub fn default_write_limits(&self) -> Option<ResolvedLimits> {
        let limits = self.central.receive.limits.as_ref()?;
        let per_send = self
            .edges
            .iter()
            .map(|edge| u64::from(edge.agent.queue.max_samples_per_send))
            .max()
            .unwrap_or(u64::from(
                crate::RemoteWriteQueue::default().max_samples_per_send,
            ));
        let receive = &self.central.receive;
        let edges = u64::try_from(self.edges.len().max(1)).unwrap_or(u64::MAX);
        let memory = self.resources(crate::Workload::Receive).memory_limit;
        let head = memory.as_bytes() * u64::from(receive.replicas)
            / (BYTES_PER_HEAD_SERIES * edges)
            * u64::from(receive.replication_factor);
        Some(ResolvedLimits {
            request_size_bytes: limits
                .request_size_bytes
                .as_ref()
                .map_or(per_send * BYTES_PER_SAMPLE, Bytes::as_bytes),
            request_series: limits.request_series.unwrap_or(2 * per_send),
            request_samples: limits.request_samples.unwrap_or(2 * per_send),
            head_series: limits.head_series.unwrap_or(head / 1000 * 1000),
        })
    }

    /// The limits edge `edge` gets: its overrides over the fleet's default.
    #[must_use]
    pub fn edge_write_limits(&self, edge: &Edge) -> Option<ResolvedLimits> {
        Some(self.default_write_limits()?.for_edge(edge))
    }
}

impl ResolvedLimits {
    /// These (the fleet's default) with `edge`'s overrides: what
    /// [`Fleet::edge_write_limits`] gives, without deriving the default again (the
    /// default reads every edge, so a loop over the edges derives it once).
    #[must_use]
    pub fn for_edge(self, edge: &Edge) -> Self {
        let Some(own) = &edge.limits else {
            return self;
        };
        Self {
            request_size_bytes: own
                .request_size_bytes
                .as_ref()
                .map_or(self.request_size_bytes, Bytes::as_bytes),
            request_series: own.request_series.unwrap_or(self.request_series),
            request_samples: own.request_samples.unwrap_or(self.request_samples),
            head_series: own.head_series.unwrap_or(self.head_series),
        }
    }
}

impl Checker<'_> {
    /// Rule 24: no limit refuses a normal request of an edge's own queue (a 413 is
    /// permanent for the agent: it drops the data), and head limits fit a cluster.
    pub(crate) fn write_limits(&mut self) {
        let fleet = self.fleet;
        if fleet.central.receive.limits.is_none() {
            self.warning(
                "central.receive.limits",
                "no write limits: one oversized request or tenant can exhaust Receive",
                "set limits: {} to derive them from the edges' queues",
            );
            for (index, edge) in fleet.edges.iter().enumerate() {
                if edge.limits.is_some() {
                    self.error(
                        &format!("edges[{index}].limits"),
                        "per-edge limits while central.receive.limits is null: Receive reads no limits",
                        "set central.receive.limits: {}, or remove the edge's limits",
                    );
                }
            }
            return;
        }
        let mut reported = std::collections::HashSet::new();
        let central_size = "central.receive.limits.requestSizeBytes";
        let sizes_parsed = self.parsed(central_size);
        let default = fleet.default_write_limits();
        for (index, edge) in fleet.edges.iter().enumerate() {
            let own_size = format!("edges[{index}].limits.requestSizeBytes");
            if !self.parsed(&own_size) || !sizes_parsed {
                continue;
            }
            let Some(limits) = default.map(|d| d.for_edge(edge)) else {
                continue;
            };
            let path = if edge.limits.is_some() {
                format!("edges[{index}].limits")
            } else {
                "central.receive.limits".to_owned()
            };
            let per_send = u64::from(edge.agent.queue.max_samples_per_send);
            let normal = |what: &str| {
                format!(
                    "a normal request of {} ({per_send} {what}) would be refused with 413, which the agent drops",
                    edge.name
                )
            };
            for (field, value, what) in [
                ("requestSamples", limits.request_samples, "samples"),
                ("requestSeries", limits.request_series, "series"),
            ] {
                if value != 0 && value < per_send && reported.insert(format!("{path}.{field}")) {
                    self.error(
                        &format!("{path}.{field}"),
                        normal(what),
                        format!("raise it to at least maxSamplesPerSend ({per_send}), or 0 for no limit"),
                    );
                }
            }
            let size = limits.request_size_bytes;
            let size_path = format!("{path}.requestSizeBytes");
            if !reported.insert(size_path.clone()) {
                continue;
            }
            if size != 0 && size < per_send * MIN_BYTES_PER_SAMPLE {
                self.error(
                    &size_path,
                    normal("samples at 1Ki or more each"),
                    format!("raise it to at least {}", per_send * BYTES_PER_SAMPLE),
                );
            } else if size != 0 && size < per_send * BYTES_PER_SAMPLE {
                self.warning(
                    &size_path,
                    normal("samples with long label sets"),
                    format!("allow 4Ki per sample: {}", per_send * BYTES_PER_SAMPLE),
                );
            }
            if limits.head_series != 0
                && limits.head_series < MIN_HEAD_SERIES
                && reported.insert(format!("{path}.headSeries"))
            {
                self.warning(
                    &format!("{path}.headSeries"),
                    format!(
                        "a head series limit of {} refuses an ordinary cluster",
                        limits.head_series
                    ),
                    "keep at least 1000, or 0 for no limit",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::{new_fleet, secure_fleet};

    #[test]
    fn derived_limits_follow_the_queue_and_receive_memory() {
        let fleet = new_fleet(3).build().unwrap();
        // 2000 samples per send; Receive's derived 3Gi (512Mi + 300k series × 8Ki) × 3
        // replicas / (8Ki × 3 edges) × RF 3 = 1179648.
        assert_eq!(
            fleet.default_write_limits(),
            Some(ResolvedLimits {
                request_size_bytes: 2000 * 4096,
                request_series: 4000,
                request_samples: 4000,
                head_series: 1_179_000,
            })
        );
    }

    #[test]
    fn an_edge_override_replaces_only_its_own_fields() {
        let fleet = secure_fleet(3).build().unwrap();
        let default = fleet.default_write_limits().unwrap();
        let first = fleet.edge_write_limits(&fleet.edges[0]).unwrap();
        assert_eq!(first.request_samples, 8000);
        assert_eq!(first.request_series, default.request_series);
        assert_eq!(fleet.edge_write_limits(&fleet.edges[1]), Some(default));
    }

    #[test]
    fn the_lab_has_no_limits() {
        let fleet = crate::seed::seed(3).build().unwrap();
        assert_eq!(fleet.default_write_limits(), None);
    }
}
