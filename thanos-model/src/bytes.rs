//! A quantity of bytes (`256Mi`, `50Gi`): memory requests and limits, volume sizes.

use std::str::FromStr;

use crate::{
    grammar::{grammar_newtype, Written},
    grammar_error::{GrammarError, GrammarErrorKind},
    quantity::{Quantity, Suffix, NANO},
};

/// An amount of memory or storage as a Kubernetes quantity of bytes: `256Mi`, `50Gi`,
/// `1G`, `1073741824`. A fraction of a byte (`512m`, a classic slip for `512Mi`) is
/// refused.
///
/// Parsed once; it keeps the text as written, which [`Display`](std::fmt::Display) and serde
/// print unchanged. In a fleet file it may be a string or a number
/// (`memoryLimit: 1073741824`).
///
/// ```
/// use thanos_model::Bytes;
///
/// assert_eq!("1Gi".parse::<Bytes>()?.as_bytes(), 1 << 30);
/// assert_eq!(Bytes::gibibytes(2).to_string(), "2Gi");
/// assert!("512m".parse::<Bytes>().is_err());
/// # Ok::<(), thanos_model::GrammarError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Bytes {
    /// Nano-bytes (whole bytes, as a fraction is refused, times 10^9).
    nanos: u128,
    text: String,
}

impl Bytes {
    fn binary(count: u32, power: u32, suffix: &str) -> Self {
        Self {
            nanos: u128::from(count) * 1024u128.pow(power) * NANO,
            text: format!("{count}{suffix}"),
        }
    }

    /// `bytes` bytes, written as the number: `1073741824`.
    #[must_use]
    pub fn new(bytes: u64) -> Self {
        Self {
            nanos: u128::from(bytes) * NANO,
            text: bytes.to_string(),
        }
    }

    /// `count` KiB: `512Ki`.
    #[must_use]
    pub fn kibibytes(count: u32) -> Self {
        Self::binary(count, 1, "Ki")
    }

    /// `count` MiB: `512Mi`.
    #[must_use]
    pub fn mebibytes(count: u32) -> Self {
        Self::binary(count, 2, "Mi")
    }

    /// `count` GiB: `2Gi`.
    #[must_use]
    pub fn gibibytes(count: u32) -> Self {
        Self::binary(count, 3, "Gi")
    }

    /// `count` TiB: `1Ti`.
    #[must_use]
    pub fn tebibytes(count: u32) -> Self {
        Self::binary(count, 4, "Ti")
    }

    /// Whole bytes (saturating at `u64::MAX`).
    #[must_use]
    pub fn as_bytes(&self) -> u64 {
        u64::try_from(self.nanos / NANO).unwrap_or(u64::MAX)
    }

    /// Whether it is zero.
    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.nanos == 0
    }

    /// Nano-bytes, for comparing a request with its limit.
    pub(crate) fn nanos(&self) -> u128 {
        self.nanos
    }
}

impl FromStr for Bytes {
    type Err = GrammarError;

    fn from_str(text: &str) -> Result<Self, GrammarError> {
        let refused = (
            Suffix::Decimal { fractional: true },
            GrammarErrorKind::FractionOfAByte,
        );
        Ok(Self {
            nanos: Quantity::parse_refusing(text, refused)?,
            text: text.to_owned(),
        })
    }
}

grammar_newtype!(Bytes, Written::StringOrNumber);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_text() {
        assert_eq!(Bytes::gibibytes(2).as_bytes(), 2 << 30);
        assert_eq!(Bytes::mebibytes(512).to_string(), "512Mi");
        let bytes: Bytes = "1G".parse().unwrap();
        assert_eq!((bytes.as_bytes(), bytes.as_str()), (1_000_000_000, "1G"));
        assert_eq!(
            "1073741824".parse::<Bytes>().unwrap().nanos(),
            Bytes::gibibytes(1).nanos()
        );
        assert!(Bytes::new(0).is_zero());
    }

    #[test]
    fn errors_say_what_and_why() {
        let error = "512m".parse::<Bytes>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "\"512m\" is a fraction of a byte: the suffix m means a thousandth"
        );
        assert_eq!(error.hint(), "use Mi or Gi, such as 512Mi");
        let error = "1GB".parse::<Bytes>().unwrap_err();
        assert_eq!(error.to_string(), "\"1GB\" is not a Kubernetes quantity");
    }

    #[test]
    fn serde_takes_strings_and_numbers() {
        let bytes: Bytes = serde_yaml::from_str("1073741824").unwrap();
        assert_eq!(bytes.as_str(), "1073741824");
        assert_eq!(
            serde_yaml::to_string(&Bytes::gibibytes(1)).unwrap(),
            "1Gi\n"
        );
        assert!(serde_yaml::from_str::<Bytes>("50GB").is_err());
    }
}
