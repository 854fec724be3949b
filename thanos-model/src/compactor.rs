//! Thanos Compactor, the bucket's only writer of compacted and downsampled blocks.

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{validate::Checker, Bytes, Duration, Resources, Storage, ThanosImage};

/// Thanos Compactor: always one replica per bucket, running with `--wait`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[setters(strip_option, into)]
pub struct Compactor {
    /// How long blocks of each resolution are kept.
    pub retention: Retention,
    /// Downsample raw data to 5m and 1h resolution (on by default).
    pub downsampling: bool,
    /// Scratch volume for compaction, default `100Gi` (upstream's recommendation); below
    /// the fleet's largest compaction warns.
    pub storage: Storage,
    /// Requests and limits; left out, derived from the fleet (`central.sizing`, see
    /// `docs/design/sizing.md`), memory request = limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// An image pinned for Compactor only; `None` uses the fleet's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<ThanosImage>,
    /// Serve the admin API that marks blocks for deletion, default `false`
    /// (`--disable-admin-operations`). `check` warns when it is on.
    pub admin_operations: bool,
}

impl Default for Compactor {
    fn default() -> Self {
        Self {
            retention: Retention::default(),
            downsampling: true,
            storage: Storage::new(Bytes::gibibytes(100)),
            resources: None,
            image: None,
            admin_operations: false,
        }
    }
}

/// Retention per resolution, as Prometheus durations; `0d` keeps blocks forever.
///
/// Raw data is downsampled to 5m after 40 hours and 5m to 1h after 10 days, so shorter
/// retentions delete data before it is downsampled; validation refuses them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[setters(into)]
pub struct Retention {
    /// Raw resolution, default `30d`.
    pub raw: Duration,
    /// 5 minute resolution, default `90d`.
    #[serde(rename = "5m")]
    pub five_minutes: Duration,
    /// 1 hour resolution, default `1y`.
    #[serde(rename = "1h")]
    pub one_hour: Duration,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            raw: Duration::days(30),
            five_minutes: Duration::days(90),
            one_hour: Duration::years(1),
        }
    }
}

/// Each resolution is set by name, with a typed duration:
///
/// ```
/// use thanos_model::{Duration, Retention};
///
/// let retention = Retention::default()
///     .raw(Duration::days(60))
///     .one_hour(Duration::years(2));
/// assert_eq!(retention.five_minutes.to_string(), "90d");
/// ```
impl Retention {
    /// Every resolution kept for ever (`0d`).
    #[must_use]
    pub fn forever() -> Self {
        Self {
            raw: Duration::days(0),
            five_minutes: Duration::days(0),
            one_hour: Duration::days(0),
        }
    }
}

/// Raw data is downsampled to 5m once it is 40 hours old.
const RAW_DOWNSAMPLE_AGE_MS: u64 = 40 * 3_600_000;
/// 5m data is downsampled to 1h once it is 10 days old.
const FIVE_MINUTE_DOWNSAMPLE_AGE_MS: u64 = 10 * 24 * 3_600_000;

impl Compactor {
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        self.retention
            .check(&format!("{path}.retention"), self.downsampling, check);
        self.storage.check(&format!("{path}.storage"), check);
        if let Some(resources) = &self.resources {
            resources.check(&format!("{path}.resources"), check);
        }
        check.image_pin(&format!("{path}.image"), self.image.as_ref());
        check.admin_operations(&format!("{path}.adminOperations"), self.admin_operations);
    }
}

impl Retention {
    /// Rule 5: retention never deletes data before it is downsampled, and never shrinks
    /// with coarser resolution.
    fn check(&self, path: &str, downsampling: bool, check: &mut Checker) {
        let read = [
            check.parsed(&format!("{path}.raw")),
            check.parsed(&format!("{path}.5m")),
            check.parsed(&format!("{path}.1h")),
        ];
        if read.contains(&false) {
            return;
        }
        let [raw, five, hour] =
            [&self.raw, &self.five_minutes, &self.one_hour].map(Duration::as_millis);
        if downsampling {
            if raw != 0 && raw <= RAW_DOWNSAMPLE_AGE_MS {
                check.error(
                    &format!("{path}.raw"),
                    format!(
                        "{} deletes raw data before it is downsampled at 40h",
                        self.raw
                    ),
                    "keep raw data longer than 40h (such as 30d), or 0d for ever",
                );
            }
            if five != 0 && five <= FIVE_MINUTE_DOWNSAMPLE_AGE_MS {
                check.error(
                    &format!("{path}.5m"),
                    format!(
                        "{} deletes 5m data before it is downsampled at 10d",
                        self.five_minutes
                    ),
                    "keep 5m data longer than 10d (such as 90d), or 0d for ever",
                );
            }
        }
        // 0 keeps blocks for ever: it is the longest retention.
        let forever = |ms: u64| if ms == 0 { u64::MAX } else { ms };
        if forever(five) < forever(raw) {
            check.error(
                &format!("{path}.5m"),
                format!(
                    "5m data is kept shorter ({}) than raw data ({})",
                    self.five_minutes, self.raw
                ),
                "coarser resolutions must be kept at least as long as finer ones",
            );
        }
        if forever(hour) < forever(five) {
            check.error(
                &format!("{path}.1h"),
                format!(
                    "1h data is kept shorter ({}) than 5m data ({})",
                    self.one_hour, self.five_minutes
                ),
                "coarser resolutions must be kept at least as long as finer ones",
            );
        }
    }
}
