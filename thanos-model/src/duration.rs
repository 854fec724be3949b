//! A Prometheus duration (`30s`, `1h30m`, `10d`): parsed once, carried with its text.

use std::{ops::Add, str::FromStr};

use crate::{
    grammar::{grammar_newtype, Written},
    grammar_error::{GrammarError, GrammarErrorKind},
};

/// A length of time in the Prometheus grammar: numbers with the units `y w d h m s ms`,
/// largest first, each at most once (`1h30m`, `10d`, `500ms`), or `0`.
///
/// Parsed once, from a fleet file or with [`str::parse`]; it keeps the text as written,
/// which [`Display`](std::fmt::Display) and serde print unchanged, so a rendered file says
/// what the fleet file said. Built in Rust, it is written in hours, minutes, seconds and
/// milliseconds, largest first (`Duration::seconds(90)` is `1m30s`), or in days, weeks or
/// years for [`days`](Self::days), [`weeks`](Self::weeks) and [`years`](Self::years).
///
/// ```
/// use thanos_model::Duration;
///
/// let interval: Duration = "1m30s".parse()?;
/// assert_eq!(interval.as_millis(), 90_000);
/// assert_eq!(interval, Duration::seconds(90));
/// assert_eq!(Duration::days(10).to_string(), "10d");
/// assert!("90".parse::<Duration>().is_err());
/// # Ok::<(), thanos_model::GrammarError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Duration {
    millis: u64,
    text: String,
}

/// Milliseconds in one of each unit, largest first (`ms` after `m`: tried longest first).
const UNITS: [(&str, u64); 7] = [
    ("y", 365 * 24 * 3_600_000),
    ("w", 7 * 24 * 3_600_000),
    ("d", 24 * 3_600_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1_000),
    ("ms", 1),
];

impl Duration {
    /// `millis` milliseconds, written largest unit first.
    #[must_use]
    pub fn milliseconds(millis: u64) -> Self {
        Self {
            millis,
            text: canonical(millis),
        }
    }

    /// `seconds` seconds (saturating), written largest unit first: 90 is `1m30s`.
    #[must_use]
    pub fn seconds(seconds: u64) -> Self {
        Self::milliseconds(seconds.saturating_mul(1_000))
    }

    /// `minutes` minutes (saturating), written largest unit first.
    #[must_use]
    pub fn minutes(minutes: u64) -> Self {
        Self::milliseconds(minutes.saturating_mul(60_000))
    }

    /// `hours` hours (saturating), written in hours: 24 is `24h`.
    #[must_use]
    pub fn hours(hours: u64) -> Self {
        Self::milliseconds(hours.saturating_mul(3_600_000))
    }

    /// `days` days, written in days: `10d`.
    #[must_use]
    pub fn days(days: u64) -> Self {
        Self::in_unit(days, "d")
    }

    /// `weeks` weeks, written in weeks: `2w`.
    #[must_use]
    pub fn weeks(weeks: u64) -> Self {
        Self::in_unit(weeks, "w")
    }

    /// `years` years of 365 days, written in years: `1y`.
    #[must_use]
    pub fn years(years: u64) -> Self {
        Self::in_unit(years, "y")
    }

    fn in_unit(count: u64, unit: &str) -> Self {
        let factor = UNITS
            .iter()
            .find(|(u, _)| *u == unit)
            .map_or(1, |(_, factor)| *factor);
        match count.checked_mul(factor) {
            Some(millis) => Self {
                millis,
                text: format!("{count}{unit}"),
            },
            None => Self::milliseconds(u64::MAX),
        }
    }

    /// The length in milliseconds.
    #[must_use]
    pub fn as_millis(&self) -> u64 {
        self.millis
    }

    /// The length in whole seconds, rounded down.
    #[must_use]
    pub fn as_secs(&self) -> u64 {
        self.millis / 1_000
    }

    /// Whether it is zero (`0`, `0s`, `0d`): a retention of zero keeps data for ever.
    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.millis == 0
    }
}

/// Largest unit first from hours down, zero parts left out; zero is `0`.
fn canonical(millis: u64) -> String {
    if millis == 0 {
        return "0".to_owned();
    }
    let mut text = String::new();
    let mut rest = millis;
    for (unit, factor) in &UNITS[3..] {
        let count = rest / factor;
        rest %= factor;
        if count > 0 {
            text.push_str(&format!("{count}{unit}"));
        }
    }
    text
}

/// Milliseconds of a Prometheus duration; `None` when malformed or overflowing.
fn parse_millis(s: &str) -> Option<u64> {
    if s == "0" {
        return Some(0);
    }
    if s.is_empty() {
        return None;
    }
    let mut rest = s;
    let mut total: u64 = 0;
    let mut next_unit = 0;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let value: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let (index, (unit, factor)) = UNITS
            .iter()
            .enumerate()
            .skip(next_unit)
            .filter(|(_, (unit, _))| rest.starts_with(unit))
            .max_by_key(|(_, (unit, _))| unit.len())?;
        rest = &rest[unit.len()..];
        total = total.checked_add(value.checked_mul(*factor)?)?;
        next_unit = index + 1;
    }
    Some(total)
}

impl FromStr for Duration {
    type Err = GrammarError;

    fn from_str(text: &str) -> Result<Self, GrammarError> {
        match parse_millis(text) {
            Some(millis) => Ok(Self {
                millis,
                text: text.to_owned(),
            }),
            None => Err(GrammarError::of(text, GrammarErrorKind::NotADuration)),
        }
    }
}

impl Add for Duration {
    type Output = Self;

    /// The sum, written largest unit first (saturating).
    fn add(self, other: Self) -> Self {
        Self::milliseconds(self.millis.saturating_add(other.millis))
    }
}

grammar_newtype!(Duration, Written::String);

#[cfg(test)]
mod tests {
    use super::*;

    fn millis(text: &str) -> Option<u64> {
        text.parse::<Duration>().ok().map(|d| d.as_millis())
    }

    #[test]
    fn grammar() {
        assert_eq!(millis("0"), Some(0));
        assert_eq!(millis("0d"), Some(0));
        assert_eq!(millis("30s"), Some(30_000));
        assert_eq!(millis("1h30m"), Some(5_400_000));
        assert_eq!(millis("100ms"), Some(100));
        assert_eq!(millis("1m5ms"), Some(60_005));
        assert_eq!(millis("40h"), Some(40 * 3_600_000));
        for bad in [
            "",
            "d",
            "10",
            "1m1h",
            "1d1d",
            "1x",
            "-1d",
            "99999999999999999999y",
        ] {
            assert_eq!(millis(bad), None, "{bad:?} accepted");
        }
    }

    #[test]
    fn the_text_is_kept() {
        let duration: Duration = "600s".parse().unwrap();
        assert_eq!(duration.to_string(), "600s");
        assert_ne!(duration, Duration::minutes(10), "the texts differ");
        assert_eq!(duration.as_millis(), Duration::minutes(10).as_millis());
    }

    #[test]
    fn built_durations_are_written_in_prometheus_form() {
        assert_eq!(Duration::seconds(0).to_string(), "0");
        assert_eq!(Duration::seconds(30).to_string(), "30s");
        assert_eq!(Duration::seconds(90).to_string(), "1m30s");
        assert_eq!(Duration::minutes(15).to_string(), "15m");
        assert_eq!(Duration::hours(6).to_string(), "6h");
        assert_eq!(Duration::hours(24).to_string(), "24h");
        assert_eq!(Duration::seconds(3600 + 60 + 1).to_string(), "1h1m1s");
        assert_eq!(Duration::milliseconds(1_500).to_string(), "1s500ms");
        assert_eq!(Duration::days(10).to_string(), "10d");
        assert_eq!(Duration::years(1).as_millis(), 365 * 24 * 3_600_000);
        for built in [Duration::seconds(90), Duration::days(3), Duration::weeks(2)] {
            assert_eq!(built.to_string().parse::<Duration>().unwrap(), built);
        }
    }

    #[test]
    fn durations_add_up() {
        assert_eq!(
            Duration::minutes(10) + Duration::minutes(5),
            Duration::minutes(15)
        );
    }

    #[test]
    fn errors_say_what_and_why() {
        let error = "30".parse::<Duration>().unwrap_err();
        assert_eq!(error.to_string(), "\"30\" is not a Prometheus duration");
        assert_eq!(error.kind(), GrammarErrorKind::NotADuration);
        let error = "30s\n".parse::<Duration>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "\"30s\\n\" contains a line break (character 4)"
        );
    }

    #[test]
    fn serde_reads_and_writes_the_text() {
        let duration: Duration = serde_yaml::from_str("1h30m").unwrap();
        assert_eq!(duration.as_millis(), 5_400_000);
        assert_eq!(serde_yaml::to_string(&duration).unwrap(), "1h30m\n");
        let error = serde_yaml::from_str::<Duration>("ninety").unwrap_err();
        assert!(
            error.to_string().contains("is not a Prometheus duration"),
            "{error}"
        );
    }
}
