//! Thanos Ruler: the chart's recording rules and alerts evaluated over every cluster.

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{validate::Checker, Bytes, Duration, Resources, Storage, ThanosImage};

/// Thanos Ruler, run by the Prometheus Operator as the chart's `ThanosRuler` resource.
///
/// Edge agents evaluate no rules, and central Prometheus sees only its own series, so
/// the chart's recording rules and alerts are evaluated here instead, over Thanos Query,
/// for every cluster at once; central Prometheus then evaluates only the rules meant for
/// it (the Thanos self-monitoring alerts), so nothing is recorded twice. The results go
/// to the bucket and to Query (deduplicated on `thanos_ruler_replica`), alerts to the
/// central Alertmanager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[setters(strip_option, into)]
pub struct Ruler {
    /// Pods of the StatefulSet, default 2: both evaluate every rule; Query deduplicates
    /// the recorded series and Alertmanager the alerts.
    #[setters(into = false)]
    pub replicas: u32,
    /// How often rules are evaluated, default `30s`.
    pub evaluation_interval: Duration,
    /// How far in the past every rule is evaluated (`ruleQueryOffset`, Thanos'
    /// `--rule-query-offset`), default `1m`: the edges' samples reach Receive by remote
    /// write, up to a batch-send deadline (and retries) after they were scraped; evaluated
    /// at "now", the newest samples are not there yet and rates dip, `absent()` blinks.
    /// `check` warns when it is shorter than an edge agent's `batchSendDeadline`. Every
    /// alert of the Ruler fires this much later.
    pub query_offset: Duration,
    /// Local TSDB retention before blocks are only in the bucket, default `24h`.
    pub retention: Duration,
    /// The TSDB volume, default `10Gi`.
    pub storage: Storage,
    /// Requests and limits; left out, derived from the fleet (`central.sizing`, see
    /// `docs/design/sizing.md`), memory request = limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// An image pinned for the Ruler only; `None` uses the fleet's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<ThanosImage>,
}

impl Default for Ruler {
    fn default() -> Self {
        Self {
            replicas: 2,
            evaluation_interval: Duration::seconds(30),
            query_offset: Duration::minutes(1),
            retention: Duration::hours(24),
            storage: Storage::new(Bytes::gibibytes(10)),
            resources: None,
            image: None,
        }
    }
}

impl Ruler {
    /// Checks the Ruler's own fields.
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        check.replicas(&format!("{path}.replicas"), self.replicas);
        check.parsed(&format!("{path}.evaluationInterval"));
        check.parsed(&format!("{path}.queryOffset"));
        check.parsed(&format!("{path}.retention"));
        self.storage.check(&format!("{path}.storage"), check);
        if let Some(resources) = &self.resources {
            resources.check(&format!("{path}.resources"), check);
        }
        check.image_pin(&format!("{path}.image"), self.image.as_ref());
    }
}
