//! The runbook's language: every sentence is written in each, side by side, so the two
//! cannot drift apart in what they say; commands are never translated.

use thanos_model::Language;

use super::markdown::{Block, Text};

/// The language the runbook is written in, picking between each sentence's versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lang(pub Language);

impl Lang {
    /// The English or the Korean wording.
    pub fn t<'a>(self, english: &'a str, korean: &'a str) -> &'a str {
        match self.0 {
            Language::English => english,
            Language::Korean => korean,
        }
    }

    /// A [`Text::template`] in this language, with the same `args` in either.
    pub fn text(self, english: &str, korean: &str, args: impl IntoIterator<Item = Text>) -> Text {
        Text::template(self.t(english, korean), args)
    }

    /// A paragraph of [`Lang::text`].
    pub fn p(self, english: &str, korean: &str, args: impl IntoIterator<Item = Text>) -> Block {
        Block::paragraph(self.text(english, korean, args))
    }

    /// `n` replicas: "1 replica", "2 replicas", "복제본 2개".
    pub fn replicas(self, n: impl std::fmt::Display) -> Text {
        let n = n.to_string();
        let text = match (self.0, n.as_str()) {
            (Language::English, "1") => "1 replica".to_owned(),
            (Language::English, _) => format!("{n} replicas"),
            (Language::Korean, _) => format!("복제본 {n}개"),
        };
        Text::from(text)
    }

    /// A heading of [`Lang::text`].
    pub fn h(
        self,
        level: u8,
        english: &str,
        korean: &str,
        args: impl IntoIterator<Item = Text>,
    ) -> Block {
        Block::heading(level, self.text(english, korean, args))
    }
}
