//! A quantity of bytes (`256Mi`, `50Gi`): memory requests and limits, volume sizes.

use crate::{
    grammar_error::GrammarErrorKind,
    quantity::{quantity_newtype, Suffix, NANO},
};

quantity_newtype!(
    /// An amount of memory or storage as a Kubernetes quantity of bytes: `256Mi`, `50Gi`,
    /// `1G`, `1073741824`. A fraction of a byte (`512m`, a classic slip for `512Mi`) is
    /// refused.
    ///
    /// Parsed once; it keeps the text as written, which [`Display`](std::fmt::Display) and
    /// serde print unchanged. In a fleet file it may be a string or a number
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
    Bytes,
    "bytes",
    refusing (
        Suffix::Decimal { fractional: true },
        GrammarErrorKind::FractionOfAByte,
    )
);

/// The constructors of whole binary units: name, power of 1024, suffix, example.
macro_rules! binary_units {
    ($($name:ident $power:literal $suffix:literal $example:literal),* $(,)?) => {$(
        #[doc = concat!("`count` ", $suffix, "B: `", $example, "`.")]
        #[must_use]
        pub fn $name(count: u32) -> Self {
            Self::binary(count, $power, $suffix)
        }
    )*};
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

    binary_units! {
        kibibytes 1 "Ki" "512Ki",
        mebibytes 2 "Mi" "512Mi",
        gibibytes 3 "Gi" "2Gi",
        tebibytes 4 "Ti" "1Ti",
    }

    /// Whole bytes (saturating at `u64::MAX`).
    #[must_use]
    pub fn as_bytes(&self) -> u64 {
        u64::try_from(self.nanos / NANO).unwrap_or(u64::MAX)
    }
}

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
}
