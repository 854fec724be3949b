//! Thanos query-frontend, in front of Query: splits long range queries, retries them and
//! caches their results.

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    validate::{Checker, Severity},
    Cache, Duration, Resources, ThanosImage,
};

/// Default `--query-range.split-interval`: a range query is split into one query a day,
/// which Query answers in parallel and the results cache keeps day by day.
const DEFAULT_SPLIT_INTERVAL_HOURS: u64 = 24;
/// Default `--query-range.max-retries-per-request` and `--query.max-retries-per-request`.
const DEFAULT_MAX_RETRIES: u32 = 5;

/// Thanos query-frontend: Grafana's datasource when it is on, forwarding to Query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[setters(strip_option, into)]
pub struct QueryFrontend {
    /// Replicas of the stateless Deployment, default 1.
    #[setters(into = false)]
    pub replicas: u32,
    /// Requests and limits; the memory limit holds an in-memory results cache.
    pub resources: Resources,
    /// An image pinned for the query-frontend only; `None` uses the fleet's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<ThanosImage>,
    /// `--query-range.split-interval`, default `24h`: a range query is split into queries
    /// of at most this long, run in parallel and cached one by one. `0s` does not split,
    /// and caches nothing (`check` warns).
    pub split_interval: Duration,
    /// `--query-range.max-retries-per-request` and `--query.max-retries-per-request`,
    /// default 5: a query that fails (a Query pod restarting) is sent again this often.
    /// 0 fails the panel at once (`check` warns).
    #[setters(into = false)]
    pub max_retries: u32,
    /// The results cache (`--query-range.response-cache-config`), in memory by default.
    pub results_cache: Cache,
}

impl Default for QueryFrontend {
    fn default() -> Self {
        Self {
            replicas: 1,
            resources: Resources::default(),
            image: None,
            split_interval: Duration::hours(DEFAULT_SPLIT_INTERVAL_HOURS),
            max_retries: DEFAULT_MAX_RETRIES,
            results_cache: Cache::default(),
        }
    }
}

impl QueryFrontend {
    /// Rule 45: replicas, resources and image as every component; splitting and retries
    /// on (warns), an in-memory cache of at most half the memory limit.
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        check.replicas(&format!("{path}.replicas"), self.replicas);
        self.resources.check(&format!("{path}.resources"), check);
        check.image_pin(&format!("{path}.image"), self.image.as_ref());
        check.when_zero(
            Severity::Warning,
            &format!("{path}.splitInterval"),
            &self.split_interval,
            "0s sends every range query whole to Query and caches no result",
            "split range queries by day: splitInterval: 24h",
        );
        if self.max_retries == 0 {
            check.warning(
                &format!("{path}.maxRetries"),
                "a query that meets a restarting Query pod fails the panel at once",
                "retry a few times: maxRetries: 5",
            );
        }
        let cache_path = format!("{path}.resultsCache");
        self.results_cache.check(&cache_path, check);
        let limit_path = format!("{path}.resources.memoryLimit");
        let cache = &self.results_cache;
        if !cache.has_workload()
            && check.parsed(&limit_path)
            && check.parsed(&format!("{cache_path}.size"))
            && cache.size.as_bytes() > self.resources.memory_limit.as_bytes() / 2
        {
            check.error(
                &format!("{cache_path}.size"),
                format!(
                    "an in-memory cache of {} is more than half the memory limit {}: the query-frontend is killed when the cache fills",
                    cache.size, self.resources.memory_limit
                ),
                "keep the cache at half the memory limit at most, or use memcached",
            );
        }
    }
}
