//! A Prometheus duration (`30s`, `5m`, `1h30m`), the one type for every `for`, interval
//! and range in the monitoring objects.

use std::{fmt, ops::Add};

use serde::{Serialize, Serializer};

/// A whole number of seconds, written the way Prometheus and the Prometheus Operator CRDs
/// read durations (`^(0|(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?)$`, a subset of the CRDs'
/// pattern). Built from seconds, minutes or hours, so a malformed duration cannot be
/// written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(u64);

impl Duration {
    /// `seconds` seconds.
    #[must_use]
    pub const fn seconds(seconds: u64) -> Self {
        Self(seconds)
    }

    /// `minutes` minutes.
    #[must_use]
    pub const fn minutes(minutes: u64) -> Self {
        Self(minutes * 60)
    }

    /// `hours` hours.
    #[must_use]
    pub const fn hours(hours: u64) -> Self {
        Self(hours * 3600)
    }

    /// The length in seconds.
    #[must_use]
    pub const fn as_seconds(self) -> u64 {
        self.0
    }
}

impl Add for Duration {
    type Output = Self;

    fn add(self, other: Self) -> Self {
        Self(self.0 + other.0)
    }
}

impl fmt::Display for Duration {
    /// Largest units first, zero parts left out: `90` seconds is `1m30s`, zero is `0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0");
        }
        let (hours, minutes, seconds) = (self.0 / 3600, self.0 % 3600 / 60, self.0 % 60);
        for (value, unit) in [(hours, "h"), (minutes, "m"), (seconds, "s")] {
            if value > 0 {
                write!(f, "{value}{unit}")?;
            }
        }
        Ok(())
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::Duration;

    #[test]
    fn durations_are_written_in_prometheus_form() {
        assert_eq!(Duration::seconds(0).to_string(), "0");
        assert_eq!(Duration::seconds(30).to_string(), "30s");
        assert_eq!(Duration::seconds(90).to_string(), "1m30s");
        assert_eq!(Duration::minutes(15).to_string(), "15m");
        assert_eq!(Duration::hours(6).to_string(), "6h");
        assert_eq!(Duration::seconds(3600 + 60 + 1).to_string(), "1h1m1s");
        assert_eq!(Duration::hours(24).to_string(), "24h");
    }

    #[test]
    fn durations_add_up() {
        assert_eq!(
            Duration::minutes(10) + Duration::minutes(5),
            Duration::minutes(15)
        );
    }
}
