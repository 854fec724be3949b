//! Loading the fleet file named by `-f`, and printing its diagnostics as
//! `<file>:<line>: <severity>: <path>: <message>` with a hint line.

use std::{
    fmt::Write as _,
    io::{self, Read as _},
    path::{Path, PathBuf},
};

use thanos_model::{Diagnostic, Fleet, LoadError, Severity, SyntaxError, ValidFleet};

use crate::cmd::Exit;

/// The `-f` argument shared by the commands that read a fleet file.
#[derive(Debug, clap::Args)]
pub struct FleetArg {
    /// The fleet file (YAML); `-` reads standard input.
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FLEET",
        default_value = "fleet.yaml"
    )]
    pub file: PathBuf,
}

impl FleetArg {
    /// How diagnostics name the file.
    pub fn display(&self) -> String {
        if self.is_stdin() {
            "<stdin>".to_owned()
        } else {
            self.file.display().to_string()
        }
    }

    fn is_stdin(&self) -> bool {
        self.file == Path::new("-")
    }

    /// Reads, loads and validates the file, printing nothing but an I/O error (then
    /// `Err(Exit::Usage)`): the fleet when it is valid, and every diagnostic (a syntax
    /// error, validation errors, warnings) sorted by line and column.
    pub fn read(&self) -> Result<Loaded, Exit> {
        let loaded = if self.is_stdin() {
            let mut yaml = String::new();
            if let Err(error) = io::stdin().read_to_string(&mut yaml) {
                return Err(crate::io_failure(format!("cannot read stdin: {error}")));
            }
            Fleet::from_yaml_str(&yaml)
        } else {
            Fleet::from_yaml_file(&self.file)
        };
        // The library gives the diagnostics in file order.
        Ok(match loaded {
            Ok(fleet) => Loaded {
                diagnostics: fleet.warnings().to_vec(),
                fleet: Some(fleet),
                syntax: false,
            },
            Err(error @ LoadError::Io { .. }) => return Err(crate::io_failure(error)),
            Err(LoadError::Syntax(error)) => Loaded {
                fleet: None,
                diagnostics: vec![syntax_diagnostic(&error)],
                syntax: true,
            },
            Err(LoadError::Invalid(error)) => Loaded {
                fleet: None,
                diagnostics: error.diagnostics().to_vec(),
                syntax: false,
            },
        })
    }

    /// Loads and validates the file; on failure prints why and says how to exit
    /// ([`Exit::Invalid`], or [`Exit::Usage`] when it cannot be read). Warnings of a
    /// valid fleet are printed here too.
    pub fn load(&self) -> Result<ValidFleet, Exit> {
        let name = self.display();
        let loaded = self.read()?;
        for diagnostic in &loaded.diagnostics {
            eprint!("{}", format_diagnostic(&name, diagnostic));
        }
        match loaded.fleet {
            Some(fleet) => Ok(fleet),
            None => {
                if let Some(summary) = loaded.invalid_summary(&name) {
                    eprintln!("{summary}");
                }
                Err(Exit::Invalid)
            }
        }
    }
}

/// A fleet file read: the fleet when it is valid, and every diagnostic in file order.
#[derive(Debug)]
pub struct Loaded {
    /// The fleet, when it has no error.
    pub fleet: Option<ValidFleet>,
    /// Errors and warnings, sorted by line and column (those without a line last).
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the file could not be read as a fleet at all (YAML or shape): its one
    /// diagnostic is that error.
    pub syntax: bool,
}

impl Loaded {
    /// How many diagnostics are errors.
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// `<file>: the fleet is invalid: N errors` after a fleet's validation errors; none
    /// after a syntax error (it is one) or for a valid fleet.
    pub fn invalid_summary(&self, name: &str) -> Option<String> {
        if self.fleet.is_some() || self.syntax {
            return None;
        }
        let errors = self.errors();
        Some(format!(
            "{name}: the fleet is invalid: {errors} error{}",
            plural(errors)
        ))
    }

    /// How many diagnostics are warnings.
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// A YAML or shape error as a diagnostic: an error at its path (empty when it has none).
pub fn syntax_diagnostic(error: &SyntaxError) -> Diagnostic {
    let mut diagnostic = Diagnostic::error(
        error.path.clone().unwrap_or_default(),
        error.message.clone(),
        error.hint.clone(),
    );
    diagnostic.line = error.line;
    diagnostic.column = error.column;
    diagnostic
}

/// `s` unless `n` is 1.
pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `<file>:<line>: <severity>: <path>: <message>` (`<file>:<line>:<column>:` for a value
/// that did not parse, whose column is known) and `  hint: <hint>`, each line ending in a
/// newline.
pub fn format_diagnostic(file: &str, diagnostic: &Diagnostic) -> String {
    let mut out = String::new();
    let _ = write!(out, "{file}:");
    if let Some(line) = diagnostic.line {
        let _ = write!(out, "{line}:");
        if let Some(column) = diagnostic.column {
            let _ = write!(out, "{column}:");
        }
    }
    let _ = write!(out, " {}: ", diagnostic.severity);
    if !diagnostic.path.is_empty() {
        let _ = write!(out, "{}: ", diagnostic.path);
    }
    let _ = writeln!(out, "{}", diagnostic.message);
    if !diagnostic.hint.is_empty() {
        let _ = writeln!(out, "  hint: {}", diagnostic.hint);
    }
    out
}

/// `<file>:<line>:<column>: error: <what the library says>` and `  hint: <hint>`.
#[cfg(test)]
fn format_syntax_error(file: &str, error: &SyntaxError) -> String {
    format_diagnostic(file, &syntax_diagnostic(error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_syntax_error_is_printed_with_its_position_in_front_only() {
        let error = SyntaxError {
            line: Some(3),
            column: Some(7),
            path: Some("edges[0].agent".to_owned()),
            message: "unknown field `replica`".to_owned(),
            hint: "did you mean `replicas`?".to_owned(),
        };
        assert_eq!(
            format_syntax_error("fleet.yaml", &error),
            "fleet.yaml:3:7: error: edges[0].agent: unknown field `replica`\n  hint: did you mean `replicas`?\n"
        );
        let error = SyntaxError {
            line: None,
            column: None,
            path: None,
            message: "the file holds no fleet".to_owned(),
            hint: String::new(),
        };
        assert_eq!(
            format_syntax_error("-", &error),
            "-: error: the file holds no fleet\n"
        );
    }

    #[test]
    fn a_value_that_did_not_parse_is_printed_with_its_column() {
        let yaml = "domain: example.com\nscrapeInterval: '30'\nobjectStorage: {type: S3, endpoint: s3.example.com, bucket: thanos}\ncentral: {name: c, context: c, apiAddress: 10.0.0.1}\n";
        let Err(LoadError::Invalid(error)) = Fleet::from_yaml_str(yaml) else {
            panic!("expected invalid");
        };
        assert_eq!(
            format_diagnostic("fleet.yaml", &error.diagnostics()[0]),
            "fleet.yaml:2:17: error: scrapeInterval: \"30\" is not a Prometheus duration\n  hint: write a number and a unit (ms, s, m, h, d, w, y), largest first, such as 30s, 1h30m or 10d\n"
        );
    }
}
