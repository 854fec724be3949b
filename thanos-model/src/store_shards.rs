//! Store sharding: several Store StatefulSets, each serving part of the bucket's blocks,
//! by block hash or by block age, behind the one headless Service Query resolves.

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    validate::{shown, Checker},
    Duration,
};

/// Most Store shards: each is a StatefulSet of its own.
pub const MAX_STORE_SHARDS: u32 = 64;

/// What splits the blocks between Store shards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ShardBy {
    /// By a hash of the block's ID (`--selector.relabel-config`, `hashmod` over
    /// `__block_id`): shards of even size, every query asks every shard.
    Hash,
    /// By the block's age (`--min-time`, `--max-time`, relative to now): recent data on
    /// one shard, older data on others, a query asks only the shards of its range.
    Time,
}

/// The Store shards: `count` shards by hash, or shards by time split at `boundaries`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[setters(strip_option, into)]
pub struct StoreShards {
    /// `hash` or `time`.
    pub by: ShardBy,
    /// By hash: the number of shards, 2 to 64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[setters(into = false)]
    pub count: Option<u32>,
    /// By time: the ages where one shard ends and the next begins, youngest first, such
    /// as `[2w, 8w]`: shard 0 serves the last 2 weeks, shard 1 from 8 to 2 weeks ago,
    /// shard 2 everything older. Each boundary belongs to both shards beside it, so no
    /// block falls between two shards.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub boundaries: Vec<Duration>,
}

impl StoreShards {
    /// `count` shards by block hash.
    #[must_use]
    pub fn by_hash(count: u32) -> Self {
        Self {
            by: ShardBy::Hash,
            count: Some(count),
            boundaries: Vec::new(),
        }
    }

    /// Shards by block age, split at `boundaries` (youngest first).
    #[must_use]
    pub fn by_time(boundaries: impl IntoIterator<Item = Duration>) -> Self {
        Self {
            by: ShardBy::Time,
            count: None,
            boundaries: boundaries.into_iter().collect(),
        }
    }

    /// The number of shards: the count by hash, one more than the boundaries by time.
    #[must_use]
    pub fn shards(&self) -> u32 {
        match self.by {
            ShardBy::Hash => self.count.unwrap_or(1),
            ShardBy::Time => u32::try_from(self.boundaries.len())
                .unwrap_or(u32::MAX)
                .saturating_add(1),
        }
    }

    /// The time range of shard `index` by time, as `--min-time` and `--max-time`
    /// values (`-<age>`, relative to now); `None` is open (the beginning, or now and
    /// later).
    #[must_use]
    pub fn time_range(&self, index: usize) -> (Option<String>, Option<String>) {
        let age = |i: usize| self.boundaries.get(i).map(|age| format!("-{age}"));
        let max = index.checked_sub(1).and_then(age);
        (age(index), max)
    }
}

impl StoreShards {
    /// Rule 47: shards that neither overlap nor leave a gap, every one reached by Query
    /// (they share the headless Service Query resolves, so that holds by construction);
    /// the settings of the other way of sharding refused.
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        match self.by {
            ShardBy::Hash => {
                let count_path = format!("{path}.count");
                match self.count {
                    None => check.error(
                        &count_path,
                        "sharding by hash needs the number of shards",
                        "set count: 2 or more",
                    ),
                    Some(count) if !(2..=MAX_STORE_SHARDS).contains(&count) => check.error(
                        &count_path,
                        format!("a count of {count}: from 2 to {MAX_STORE_SHARDS} shards split the blocks"),
                        "set count: 2 or more, or remove shards for one Store",
                    ),
                    Some(_) => {}
                }
                if !self.boundaries.is_empty() {
                    check.error(
                        &format!("{path}.boundaries"),
                        "boundaries split shards by time, not by hash",
                        "remove boundaries, or set by: time",
                    );
                }
            }
            ShardBy::Time => {
                if self.count.is_some() {
                    check.error(
                        &format!("{path}.count"),
                        "by time the boundaries make the shards, one more than there are boundaries",
                        "remove count",
                    );
                }
                self.check_boundaries(path, check);
            }
        }
    }

    /// Boundaries above 0, each older than the one before: two equal boundaries would
    /// make an empty shard, a younger one after an older one shards that overlap and a
    /// range no shard serves.
    fn check_boundaries(&self, path: &str, check: &mut Checker) {
        let boundaries_path = format!("{path}.boundaries");
        if self.boundaries.is_empty() {
            check.error(
                &boundaries_path,
                "sharding by time needs at least one boundary",
                "list the ages where shards meet, youngest first, such as [2w, 8w]",
            );
            return;
        }
        let mut previous: Option<&Duration> = None;
        for (index, boundary) in self.boundaries.iter().enumerate() {
            let item = format!("{boundaries_path}[{index}]");
            if !check.parsed(&item) {
                return;
            }
            if boundary.is_zero() {
                check.error(
                    &item,
                    "a boundary of 0 leaves the youngest shard nothing to serve",
                    "give every boundary an age above 0, such as 2w",
                );
            } else if let Some(previous) =
                previous.filter(|previous| previous.as_millis() >= boundary.as_millis())
            {
                check.error(
                    &item,
                    format!(
                        "{} is not older than the boundary before it, {}: the shards between them overlap and leave a range no shard serves",
                        shown(&boundary.to_string()),
                        shown(&previous.to_string())
                    ),
                    "list the boundaries youngest first, each once",
                );
            }
            previous = Some(boundary);
        }
    }
}
