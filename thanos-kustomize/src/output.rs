//! `check --format`: diagnostics as text, as JSON, or as GitHub Actions workflow commands.

use std::fmt::Write as _;

use serde_json::{json, Value};
use thanos_model::{Diagnostic, Severity};

use crate::fleet_file::format_diagnostic;

/// How `check` prints its diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `FILE:LINE:COLUMN: severity: field.path: message` and a hint line, on stderr.
    Text,
    /// One JSON object on stdout: the file, whether it is valid, the counts and every
    /// diagnostic with its severity, path, line, column, message and hint.
    Json,
    /// GitHub Actions workflow commands on stdout (`::error file=..,line=..,col=..,title=..::`),
    /// which annotate the pull request's lines.
    Github,
}

/// The JSON document of `check --format json`.
pub fn json(file: &str, valid: bool, diagnostics: &[Diagnostic]) -> Value {
    let count = |severity| {
        diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    json!({
        "file": file,
        "valid": valid,
        "errors": count(Severity::Error),
        "warnings": count(Severity::Warning),
        "diagnostics": diagnostics.iter().map(|d| json!({
            "severity": d.severity.to_string(),
            "path": d.path,
            "line": d.line,
            "column": d.column,
            "message": d.message,
            "hint": d.hint,
        })).collect::<Vec<_>>(),
    })
}

/// Every diagnostic as text, each ending in a newline.
pub fn text(file: &str, diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| format_diagnostic(file, d))
        .collect()
}

/// Every diagnostic as a GitHub Actions workflow command, one a line: `::error` or
/// `::warning` with the file, line, column and the field path as its title; the message
/// and the hint on a second line of the annotation.
pub fn github(file: &str, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut properties = vec![format!("file={}", escape_property(file))];
        if let Some(line) = d.line {
            properties.push(format!("line={line}"));
        }
        if let Some(column) = d.column {
            properties.push(format!("col={column}"));
        }
        if !d.path.is_empty() {
            properties.push(format!("title={}", escape_property(&d.path)));
        }
        let mut message = d.message.clone();
        if !d.hint.is_empty() {
            let _ = write!(message, "\nhint: {}", d.hint);
        }
        let _ = writeln!(
            out,
            "::{command} {}::{}",
            properties.join(","),
            escape_data(&message)
        );
    }
    out
}

/// A workflow command's message: `%`, CR and LF escaped (the runner's `escapeData`).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: as a message, and `:` and `,` too (the runner's
/// `escapeProperty`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostic() -> Diagnostic {
        let mut d = Diagnostic::error(
            "central.apiAddress",
            "100% wrong: a, b\r\nnext",
            "quote it: \"10.0.0.1:6443\"",
        );
        d.line = Some(7);
        d.column = Some(15);
        d
    }

    #[test]
    fn workflow_commands_escape_messages_and_properties() {
        assert_eq!(
            github("dir,1/fleet:a%.yaml", &[diagnostic()]),
            "::error file=dir%2C1/fleet%3Aa%25.yaml,line=7,col=15,title=central.apiAddress::\
             100%25 wrong: a, b%0D%0Anext%0Ahint: quote it: \"10.0.0.1:6443\"\n"
        );
        let mut warning = Diagnostic::warning("a,b:c", "m", "");
        warning.line = None;
        assert_eq!(
            github("f.yaml", &[warning]),
            "::warning file=f.yaml,title=a%2Cb%3Ac::m\n"
        );
    }

    #[test]
    fn json_names_every_field() {
        let value = json("fleet.yaml", false, &[diagnostic()]);
        assert_eq!(
            value,
            serde_json::json!({
                "file": "fleet.yaml", "valid": false, "errors": 1, "warnings": 0,
                "diagnostics": [{
                    "severity": "error", "path": "central.apiAddress", "line": 7,
                    "column": 15, "message": "100% wrong: a, b\r\nnext",
                    "hint": "quote it: \"10.0.0.1:6443\"",
                }],
            })
        );
    }
}
