//! Limits of one StoreAPI `Series` request: what a single query may pull from each Store,
//! Receive and sidecar.

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::validate::Checker;

/// Series and samples one StoreAPI `Series` request may touch, enforced by each Store and
/// Receive (`--store.limits.request-series`, `--store.limits.request-samples`; Store also
/// `--store.grpc.series-sample-limit`). Query has no per-query limit of its own: these
/// stop a `{__name__=~".+"}` over a year before it takes Query, Store or Receive down.
///
/// The defaults are sized for a fleet like the seed's: a million series is about the
/// whole fleet's head several times over, fifty million samples a fleet-wide one-hour
/// panel over every series with room to spare.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ReadLimits {
    /// Series per request, default 1,000,000; 0 is unlimited (warns).
    pub series: u64,
    /// Samples per request, default 50,000,000; 0 is unlimited (warns).
    pub samples: u64,
}

/// Default series per request.
const DEFAULT_SERIES: u64 = 1_000_000;
/// Default samples per request.
const DEFAULT_SAMPLES: u64 = 50_000_000;

impl Default for ReadLimits {
    fn default() -> Self {
        Self {
            series: DEFAULT_SERIES,
            samples: DEFAULT_SAMPLES,
        }
    }
}

impl ReadLimits {
    /// Rule 27: a limit of 0 is no limit (warns).
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        for (field, value) in [("series", self.series), ("samples", self.samples)] {
            if value == 0 {
                check.warning(
                    &format!("{path}.{field}"),
                    "0 is unlimited: one query can pull every series of the fleet",
                    "set a limit, such as the default (series 1000000, samples 50000000)",
                );
            }
        }
    }
}
