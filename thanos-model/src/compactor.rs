//! Thanos Compactor, the bucket's only writer of compacted and downsampled blocks.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{setters::setters, Resources, Storage, ThanosImage};

/// Thanos Compactor: always one replica per bucket, running with `--wait`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Compactor {
    /// How long blocks of each resolution are kept.
    pub retention: Retention,
    /// Downsample raw data to 5m and 1h resolution (on by default).
    pub downsampling: bool,
    /// Scratch volume for compaction, default `20Gi`.
    pub storage: Storage,
    /// Requests and limits.
    pub resources: Resources,
    /// An image pinned for Compactor only; `None` uses the fleet's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<ThanosImage>,
}

impl Default for Compactor {
    fn default() -> Self {
        Self {
            retention: Retention::default(),
            downsampling: true,
            storage: Storage::new("20Gi"),
            resources: Resources::new("100m", "512Mi", "1", "2Gi"),
            image: None,
        }
    }
}

impl Compactor {
    setters! {
        set retention: Retention,
        copy downsampling: bool,
        set storage: Storage,
        set resources: Resources,
        some image: ThanosImage,
    }
}

/// Retention per resolution, as Prometheus durations; `0d` keeps blocks forever.
///
/// Raw data is downsampled to 5m after 40 hours and 5m to 1h after 10 days, so shorter
/// retentions delete data before it is downsampled; validation refuses them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Retention {
    /// Raw resolution, default `30d`.
    pub raw: String,
    /// 5 minute resolution, default `90d`.
    #[serde(rename = "5m")]
    pub five_minutes: String,
    /// 1 hour resolution, default `1y`.
    #[serde(rename = "1h")]
    pub one_hour: String,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            raw: "30d".to_owned(),
            five_minutes: "90d".to_owned(),
            one_hour: "1y".to_owned(),
        }
    }
}

impl Retention {
    /// Retentions for raw, 5m and 1h data.
    #[must_use]
    pub fn new(
        raw: impl Into<String>,
        five_minutes: impl Into<String>,
        one_hour: impl Into<String>,
    ) -> Self {
        Self {
            raw: raw.into(),
            five_minutes: five_minutes.into(),
            one_hour: one_hour.into(),
        }
    }
}
