//! The runbook rendered with the tree (`deploy-new/README.md`).

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The operator's runbook, rendered as the tree's `README.md`: this fleet's architecture,
/// clusters, prerequisites, deploy order with exact commands, verification, scaling,
/// upgrading and troubleshooting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[setters(into)]
pub struct RunbookOptions {
    /// Render `README.md` with the tree. Default `true`.
    pub enabled: bool,
    /// The runbook's language, `en` (default) or `ko`.
    pub language: Language,
}

impl Default for RunbookOptions {
    fn default() -> Self {
        Self {
            enabled: true,
            language: Language::English,
        }
    }
}

impl RunbookOptions {
    /// No runbook: the tree holds only manifests.
    #[must_use]
    pub fn disabled() -> Self {
        Self::default().enabled(false)
    }
}

/// A language the runbook is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum Language {
    /// English.
    #[default]
    #[serde(rename = "en")]
    English,
    /// Korean, the language of the seed's hand-written runbook.
    #[serde(rename = "ko")]
    Korean,
}

impl Language {
    /// Every language, in the order a command line offers them.
    pub const ALL: [Self; 2] = [Self::English, Self::Korean];

    /// Its code, as in the fleet file: `en` or `ko`.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::English => "en",
            Self::Korean => "ko",
        }
    }

    /// The language of `code` (`en` or `ko`), if it is one.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|language| language.code() == code)
    }
}
