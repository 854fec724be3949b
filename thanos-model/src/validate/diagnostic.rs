//! What validation reports: typed diagnostics with a field path and a hint.

use std::fmt;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The fleet would misbehave once deployed; it is not rendered.
    Error,
    /// Legal but risky; the fleet renders and the caller is told.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Error => "error",
            Self::Warning => "warning",
        })
    }
}

/// One problem found in a fleet: where, what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Path of the field in the fleet file's terms, such as `edges[1].clusterLabel`.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
    /// Line of the field in the file it was loaded from, where known (1-based).
    pub line: Option<usize>,
    /// Column in the file it was loaded from, where known (1-based): of the value the
    /// loader could not read by its grammar, else of the field's key (or of the nearest
    /// enclosing key the file holds).
    pub column: Option<usize>,
}

impl Diagnostic {
    /// A diagnostic of `severity` at `path`, without a position.
    #[must_use]
    pub fn new(
        severity: Severity,
        path: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Self {
            severity,
            path: path.into(),
            message: message.into(),
            hint: hint.into(),
            line: None,
            column: None,
        }
    }

    /// An error at `path`.
    #[must_use]
    pub fn error(
        path: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Error, path, message, hint)
    }

    /// A warning at `path`.
    #[must_use]
    pub fn warning(
        path: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Warning, path, message, hint)
    }

    /// The error of a value of a grammar type that did not parse, at its position.
    pub(crate) fn grammar(
        path: String,
        error: &crate::GrammarError,
        line: usize,
        column: usize,
    ) -> Self {
        Self {
            line: Some(line),
            column: Some(column),
            ..Self::error(path, error.to_string(), error.hint())
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.severity, self.path)?;
        if let Some(line) = self.line {
            write!(f, " (line {line})")?;
        }
        write!(f, ": {}", self.message)?;
        if !self.hint.is_empty() {
            write!(f, "\n  hint: {}", self.hint)?;
        }
        Ok(())
    }
}

/// A fleet that failed validation: every diagnostic found in one pass, errors and
/// warnings, in the order of the fields.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ValidationError {
    diagnostics: Vec<Diagnostic>,
}

impl ValidationError {
    /// Wraps the diagnostics of a failed validation.
    #[must_use]
    pub fn new(diagnostics: Vec<Diagnostic>) -> Self {
        Self { diagnostics }
    }

    /// Every diagnostic, errors and warnings.
    #[must_use]
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self.errors().count();
        write!(
            f,
            "the fleet is invalid: {errors} error{}",
            if errors == 1 { "" } else { "s" }
        )?;
        for diagnostic in &self.diagnostics {
            write!(f, "\n{diagnostic}")?;
        }
        Ok(())
    }
}
