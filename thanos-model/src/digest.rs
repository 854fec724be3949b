//! An image digest (`sha256:<64 hex>`): parsed once, carried as its hex.

use std::str::FromStr;

use crate::{
    grammar::{grammar_newtype, Written},
    grammar_error::{GrammarError, GrammarErrorKind},
};

/// The content digest of an image, `sha256:` and 64 lowercase hexadecimal digits, as
/// `crane digest IMAGE:TAG` or `skopeo inspect` print it. Parsed once, from a fleet file
/// or with [`str::parse`]; [`Display`](std::fmt::Display) and serde print `sha256:<hex>`, and
/// [`Digest::hex`] gives the hex alone (some chart keys want that form).
///
/// ```
/// use thanos_model::Digest;
///
/// let hex = "0".repeat(64);
/// let digest: Digest = format!("sha256:{hex}").parse()?;
/// assert_eq!(digest.hex(), hex);
/// assert_eq!(digest.to_string(), format!("sha256:{hex}"));
/// assert!("sha256:ABC".parse::<Digest>().is_err());
/// # Ok::<(), thanos_model::GrammarError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Digest {
    /// `sha256:<hex>`.
    text: String,
}

/// The algorithm prefix of every digest.
const PREFIX: &str = "sha256:";
/// Hex digits of a SHA-256 digest.
const HEX_DIGITS: usize = 64;

impl Digest {
    /// The digest the loader reads in place of one it could not parse, and the
    /// examples' stand-in for a real one. Not all digits: the chart writes the
    /// Alertmanager digest unquoted into its custom resource (`spec.sha`), where an
    /// all-digit digest would become a number the CRD refuses.
    pub(crate) const PLACEHOLDER: &'static str =
        "sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";

    /// The 64 hexadecimal digits, without `sha256:`.
    #[must_use]
    pub fn hex(&self) -> &str {
        &self.text[PREFIX.len()..]
    }
}

impl FromStr for Digest {
    type Err = GrammarError;

    fn from_str(text: &str) -> Result<Self, GrammarError> {
        text.strip_prefix(PREFIX)
            .filter(|hex| {
                hex.len() == HEX_DIGITS
                    && hex
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            })
            .map(|_| Self {
                text: text.to_owned(),
            })
            .ok_or_else(|| GrammarError::of(text, GrammarErrorKind::NotADigest))
    }
}

grammar_newtype!(Digest, Written::String, Digest::PLACEHOLDER);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar() {
        let hex = "a1".repeat(32);
        assert_eq!(
            format!("sha256:{hex}").parse::<Digest>().unwrap().hex(),
            hex
        );
        for bad in [
            "",
            "sha256:",
            &hex,
            &format!("sha512:{hex}"),
            &format!("sha256:{}", hex.to_uppercase()),
            &format!("sha256:{hex}0"),
            &format!("sha256:{}", &hex[1..]),
            &format!("sha256:{}g", &hex[1..]),
            &format!(" sha256:{hex}"),
        ] {
            assert!(bad.parse::<Digest>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn serde_reads_and_writes_the_text() {
        let text = format!("sha256:{}", "0".repeat(64));
        let digest: Digest = serde_json::from_str(&format!("{text:?}")).unwrap();
        assert_eq!(serde_json::to_string(&digest).unwrap(), format!("{text:?}"));
        assert!(serde_json::from_str::<Digest>("\"sha256:0\"").is_err());
    }
}
