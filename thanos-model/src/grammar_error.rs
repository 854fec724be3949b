//! Why a value of a grammar type ([`Duration`](crate::Duration), [`Cpu`](crate::Cpu),
//! [`Bytes`](crate::Bytes)) could not be read from its text.

use std::fmt;

use crate::validate::{shown, syntax};

/// A text that is not a value of its grammar: the text, and what is wrong with it.
///
/// [`Display`](fmt::Display) says what and why (`"30" is not a Prometheus duration`);
/// [`hint`](Self::hint) says what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrammarError {
    text: String,
    kind: GrammarErrorKind,
}

/// What is wrong with a text, by grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GrammarErrorKind {
    /// A control, line-break or invisible character, at this index (in characters).
    Character {
        /// Index of the character, 0-based, in characters.
        index: usize,
        /// The character.
        character: char,
    },
    /// Not a Prometheus duration (`30s`, `1h30m`, `10d`).
    NotADuration,
    /// Not a Kubernetes quantity (`500m`, `2`, `256Mi`).
    NotAQuantity,
    /// A CPU quantity with a binary suffix (`Ki`..`Ei`).
    CpuInPowersOf1024,
    /// A quantity of bytes in thousandths (`m`, `u`, `n`, or a negative exponent).
    FractionOfAByte,
    /// Not an image digest (`sha256:` and 64 lowercase hex digits).
    NotADigest,
}

impl GrammarError {
    pub(crate) fn new(text: &str, kind: GrammarErrorKind) -> Self {
        Self {
            text: text.to_owned(),
            kind,
        }
    }

    /// `kind`, unless the text holds a character no value may hold.
    pub(crate) fn of(text: &str, kind: GrammarErrorKind) -> Self {
        match syntax::forbidden_char(text) {
            Some((index, character)) => {
                Self::new(text, GrammarErrorKind::Character { index, character })
            }
            None => Self::new(text, kind),
        }
    }

    /// The text as written.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// What is wrong with it.
    #[must_use]
    pub fn kind(&self) -> GrammarErrorKind {
        self.kind
    }

    /// How to fix it.
    #[must_use]
    pub fn hint(&self) -> &'static str {
        match self.kind {
            GrammarErrorKind::Character { .. } => "a value is one line of visible text: remove it (a `|` or `>` block, or \\n in double quotes, makes one)",
            GrammarErrorKind::NotADuration => "write a number and a unit (ms, s, m, h, d, w, y), largest first, such as 30s, 1h30m or 10d",
            GrammarErrorKind::NotAQuantity => "write a number with an optional suffix, such as 500m, 2, 256Mi or 50Gi",
            GrammarErrorKind::CpuInPowersOf1024 => "CPU is counted in cores or thousandths of a core, such as 2 or 500m",
            GrammarErrorKind::FractionOfAByte => "use Mi or Gi, such as 512Mi",
            GrammarErrorKind::NotADigest => "write sha256: and 64 lowercase hex digits, as `crane digest IMAGE:TAG` prints them",
        }
    }
}

impl fmt::Display for GrammarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = shown(&self.text);
        match self.kind {
            GrammarErrorKind::Character { index, character } => write!(
                f,
                "{text} contains {} (character {})",
                syntax::describe_char(character),
                index + 1
            ),
            GrammarErrorKind::NotADuration => write!(f, "{text} is not a Prometheus duration"),
            GrammarErrorKind::NotAQuantity => write!(f, "{text} is not a Kubernetes quantity"),
            GrammarErrorKind::CpuInPowersOf1024 => write!(f, "{text} counts CPU in powers of 1024"),
            GrammarErrorKind::FractionOfAByte => write!(
                f,
                "{text} is a fraction of a byte: the suffix m means a thousandth"
            ),
            GrammarErrorKind::NotADigest => write!(f, "{text} is not an image digest"),
        }
    }
}

impl std::error::Error for GrammarError {}
