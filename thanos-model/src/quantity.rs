//! Kubernetes quantities (`500m`, `2`, `256Mi`, `1e3`): their grammar and their value.
//!
//! The public types are [`Cpu`](crate::Cpu) and [`Bytes`](crate::Bytes); this is the
//! grammar they share. In a fleet file a quantity may be a string or a number
//! (`cpuLimit: 2`), as in a Kubernetes manifest ([`Written::StringOrNumber`](crate::grammar::Written)).

use crate::grammar_error::{GrammarError, GrammarErrorKind};

/// Nano-units in one unit.
pub(crate) const NANO: u128 = 1_000_000_000;

/// How a quantity's number is scaled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Suffix {
    /// No suffix: a plain number of units (cores, bytes).
    None,
    /// `Ki`, `Mi`, ... (powers of 1024).
    Binary,
    /// `m`, `k`, `M`, ... or an exponent (powers of 10); `milli` for `m`, `u` and `n`.
    Decimal {
        /// Below one unit: `m`, `u`, `n`, or a negative exponent.
        fractional: bool,
    },
}

/// A parsed quantity: its exact value in nano-units (rounded up, as Kubernetes does) and
/// its kind of suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Quantity {
    pub nanos: u128,
    pub suffix: Suffix,
}

impl Quantity {
    /// The nano-units of `text`, a quantity whose suffix is not of the kind `refused.0`:
    /// malformed text is not a quantity, the refused kind of suffix is the error
    /// `refused.1`.
    pub fn parse_refusing(
        text: &str,
        refused: (Suffix, GrammarErrorKind),
    ) -> Result<u128, GrammarError> {
        let parsed = Self::parse(text)
            .ok_or_else(|| GrammarError::of(text, GrammarErrorKind::NotAQuantity))?;
        if parsed.suffix == refused.0 {
            return Err(GrammarError::new(text, refused.1));
        }
        Ok(parsed.nanos)
    }

    /// Parses `<number><suffix>`: a non-negative decimal number, then one of `Ki Mi Gi Ti
    /// Pi Ei`, `n u m k M G T P E`, an exponent (`e3`, `E-2`) or nothing. `None` when
    /// malformed or beyond 2^96 units.
    pub fn parse(text: &str) -> Option<Self> {
        let number_end = text
            .char_indices()
            .find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || (i == 0 && c == '+')))
            .map_or(text.len(), |(i, _)| i);
        let (number, suffix) = text.split_at(number_end);
        let number = number.strip_prefix('+').unwrap_or(number);
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if (whole.is_empty() && fraction.is_empty()) || fraction.contains('.') {
            return None;
        }
        let (scale, kind): (Scale, Suffix) = match suffix {
            "" => (Scale::Ten(0), Suffix::None),
            "Ki" => (Scale::Binary(1), Suffix::Binary),
            "Mi" => (Scale::Binary(2), Suffix::Binary),
            "Gi" => (Scale::Binary(3), Suffix::Binary),
            "Ti" => (Scale::Binary(4), Suffix::Binary),
            "Pi" => (Scale::Binary(5), Suffix::Binary),
            "Ei" => (Scale::Binary(6), Suffix::Binary),
            "n" => (Scale::Ten(-9), Suffix::Decimal { fractional: true }),
            "u" => (Scale::Ten(-6), Suffix::Decimal { fractional: true }),
            "m" => (Scale::Ten(-3), Suffix::Decimal { fractional: true }),
            "k" => (Scale::Ten(3), Suffix::Decimal { fractional: false }),
            "M" => (Scale::Ten(6), Suffix::Decimal { fractional: false }),
            "G" => (Scale::Ten(9), Suffix::Decimal { fractional: false }),
            "T" => (Scale::Ten(12), Suffix::Decimal { fractional: false }),
            "P" => (Scale::Ten(15), Suffix::Decimal { fractional: false }),
            "E" => (Scale::Ten(18), Suffix::Decimal { fractional: false }),
            exponent => {
                let digits = exponent.strip_prefix(['e', 'E'])?;
                let unsigned = digits.strip_prefix(['+', '-']).unwrap_or(digits);
                if unsigned.is_empty()
                    || unsigned.len() > 3
                    || !unsigned.bytes().all(|b| b.is_ascii_digit())
                {
                    return None;
                }
                let power: i32 = digits.parse().ok()?;
                (
                    Scale::Ten(power),
                    Suffix::Decimal {
                        fractional: power < 0,
                    },
                )
            }
        };
        if !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
        {
            return None;
        }
        // The digits as one integer, and the power of ten that places the point.
        let digits = format!("{whole}{fraction}");
        let digits = digits.trim_start_matches('0');
        if digits.len() > 30 {
            return None;
        }
        let mantissa: u128 = if digits.is_empty() {
            0
        } else {
            digits.parse().ok()?
        };
        let point = -i32::try_from(fraction.len()).ok()?;
        let nanos = match scale {
            Scale::Ten(power) => shift(mantissa.checked_mul(NANO)?, point + power)?,
            Scale::Binary(power) => shift(
                mantissa
                    .checked_mul(NANO)?
                    .checked_mul(1024u128.pow(power))?,
                point,
            )?,
        };
        (nanos <= NANO << 96).then_some(Self {
            nanos,
            suffix: kind,
        })
    }
}

enum Scale {
    Ten(i32),
    Binary(u32),
}

/// `value` times ten to `power`, rounded up.
fn shift(value: u128, power: i32) -> Option<u128> {
    if power >= 0 {
        value.checked_mul(10u128.checked_pow(power.unsigned_abs())?)
    } else {
        let divisor = 10u128.checked_pow(power.unsigned_abs());
        Some(divisor.map_or(u128::from(value > 0), |d| value.div_ceil(d)))
    }
}

/// Defines a quantity newtype (the struct with `attrs`, its nano-units and text),
/// `is_zero`, `nanos`, `FromStr` refusing the kind of suffix `refused` (a [`Suffix`] and
/// the [`GrammarErrorKind`] it is), and the grammar newtype's traits: what
/// [`Cpu`](crate::Cpu) and [`Bytes`](crate::Bytes) share.
macro_rules! quantity_newtype {
    ($(#[$attr:meta])* $type:ident, $unit:literal, refusing $refused:expr) => {
        $(#[$attr])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $type {
            #[doc = concat!("Nano-", $unit, ", rounded up.")]
            nanos: u128,
            text: String,
        }

        impl $type {
            /// Whether it is zero.
            #[must_use]
            pub fn is_zero(&self) -> bool {
                self.nanos == 0
            }

            #[doc = concat!("Nano-", $unit, ", for comparing a request with its limit.")]
            pub(crate) fn nanos(&self) -> u128 {
                self.nanos
            }
        }

        impl std::str::FromStr for $type {
            type Err = $crate::GrammarError;

            fn from_str(text: &str) -> Result<Self, $crate::GrammarError> {
                Ok(Self {
                    nanos: $crate::quantity::Quantity::parse_refusing(text, $refused)?,
                    text: text.to_owned(),
                })
            }
        }

        $crate::grammar::grammar_newtype!($type, $crate::grammar::Written::StringOrNumber);
    };
}

pub(crate) use quantity_newtype;

#[cfg(test)]
mod tests {
    use super::*;

    fn nanos(text: &str) -> Option<u128> {
        Quantity::parse(text).map(|q| q.nanos)
    }

    #[test]
    fn values() {
        assert_eq!(nanos("1"), Some(NANO));
        assert_eq!(nanos("500m"), Some(NANO / 2));
        assert_eq!(nanos("0.5"), Some(NANO / 2));
        assert_eq!(nanos(".5"), Some(NANO / 2));
        assert_eq!(nanos("1Ki"), Some(1024 * NANO));
        assert_eq!(nanos("1.5Gi"), Some(1536 * 1024 * 1024 * NANO));
        assert_eq!(nanos("1e3"), Some(1000 * NANO));
        assert_eq!(nanos("1E-3"), Some(NANO / 1000));
        assert_eq!(nanos("1Gi"), nanos("1073741824"));
        assert_eq!(nanos("100m"), nanos("0.1"));
        assert_eq!(nanos("1n"), Some(1));
        assert_eq!(nanos("0.1n"), Some(1), "rounded up");
        assert_eq!(nanos("+2"), Some(2 * NANO));
    }

    #[test]
    fn grammar() {
        for good in [
            "50Gi",
            "500m",
            "1",
            "1.5",
            "0.5Gi",
            "1e3",
            "128974848",
            "0",
            "5.",
        ] {
            assert!(Quantity::parse(good).is_some(), "{good:?} refused");
        }
        for bad in [
            "", "Gi", "50GB", "-1Gi", "1..2", ".", "50 Gi", "1e", "1e+", "1ee3", "0x10", "1e9999",
            "1Gi\n", "١",
        ] {
            assert!(Quantity::parse(bad).is_none(), "{bad:?} accepted");
        }
        assert!(Quantity::parse(&"9".repeat(40)).is_none());
    }

    #[test]
    fn suffix_kinds() {
        let kind = |text: &str| Quantity::parse(text).map(|q| q.suffix);
        assert_eq!(kind("512m"), Some(Suffix::Decimal { fractional: true }));
        assert_eq!(kind("2G"), Some(Suffix::Decimal { fractional: false }));
        assert_eq!(kind("2Gi"), Some(Suffix::Binary));
        assert_eq!(kind("2"), Some(Suffix::None));
    }

    #[test]
    fn errors_say_what_and_why() {
        use crate::{Bytes, Cpu};
        for (error, message) in [
            (
                "512m".parse::<Bytes>().unwrap_err(),
                "\"512m\" is a fraction of a byte: the suffix m means a thousandth",
            ),
            (
                "1GB".parse::<Bytes>().unwrap_err(),
                "\"1GB\" is not a Kubernetes quantity",
            ),
            (
                "1Gi".parse::<Cpu>().unwrap_err(),
                "\"1Gi\" counts CPU in powers of 1024",
            ),
            (
                "two".parse::<Cpu>().unwrap_err(),
                "\"two\" is not a Kubernetes quantity",
            ),
        ] {
            assert_eq!(error.to_string(), message);
        }
        let error = "512m".parse::<Bytes>().unwrap_err();
        assert_eq!(error.hint(), "use Mi or Gi, such as 512Mi");
    }

    /// Serde reads a string or a number and writes the text as read (quoted where YAML
    /// would read it as a number); a value of the
    /// other type's grammar is refused.
    #[test]
    fn serde_takes_strings_and_numbers() {
        use crate::{Bytes, Cpu};
        fn round_trip<T>(read: &str) -> String
        where
            T: serde::de::DeserializeOwned + serde::Serialize,
        {
            let value: T = serde_yaml::from_str(read).unwrap();
            serde_yaml::to_string(&value).unwrap()
        }
        assert_eq!(round_trip::<Bytes>("1073741824"), "'1073741824'\n");
        assert_eq!(round_trip::<Bytes>("1Gi"), "1Gi\n");
        assert_eq!(round_trip::<Cpu>("0.5"), "'0.5'\n");
        assert_eq!(round_trip::<Cpu>("100m"), "100m\n");
        assert_eq!(serde_yaml::from_str::<Cpu>("2").unwrap(), Cpu::cores(2));
        assert!(serde_yaml::from_str::<Bytes>("50GB").is_err());
        assert!(serde_yaml::from_str::<Cpu>("2Gi").is_err());
    }
}
