//! Loading the fleet file named by `-f`, and printing its diagnostics as
//! `<file>:<line>: <severity>: <path>: <message>` with a hint line.

use std::{
    fmt::Write as _,
    io::{self, Read as _},
    path::{Path, PathBuf},
};

use thanos_model::{Diagnostic, Fleet, LoadError, SyntaxError, ValidFleet};

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

    /// Loads and validates the file; on failure prints why and says how to exit.
    /// Warnings of a valid fleet are printed here too.
    pub fn load(&self) -> Result<ValidFleet, Exit> {
        let name = self.display();
        let loaded = if self.is_stdin() {
            let mut yaml = String::new();
            if let Err(error) = io::stdin().read_to_string(&mut yaml) {
                return Err(crate::io_failure(format!("cannot read stdin: {error}")));
            }
            Fleet::from_yaml_str(&yaml)
        } else {
            Fleet::from_yaml_file(&self.file)
        };
        match loaded {
            Ok(fleet) => {
                for warning in fleet.warnings() {
                    eprint!("{}", format_diagnostic(&name, warning));
                }
                Ok(fleet)
            }
            Err(error @ LoadError::Io { .. }) => Err(crate::io_failure(error)),
            Err(LoadError::Syntax(error)) => {
                eprint!("{}", format_syntax_error(&name, &error));
                Err(Exit::Failure)
            }
            Err(LoadError::Invalid(error)) => {
                for diagnostic in error.diagnostics() {
                    eprint!("{}", format_diagnostic(&name, diagnostic));
                }
                let errors = error.errors().count();
                eprintln!(
                    "{name}: the fleet is invalid: {errors} error{}",
                    plural(errors)
                );
                Err(Exit::Failure)
            }
        }
    }
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
    let _ = writeln!(
        out,
        " {}: {}: {}",
        diagnostic.severity, diagnostic.path, diagnostic.message
    );
    if !diagnostic.hint.is_empty() {
        let _ = writeln!(out, "  hint: {}", diagnostic.hint);
    }
    out
}

/// `<file>:<line>:<column>: error: <what the library says>` and `  hint: <hint>`.
pub fn format_syntax_error(file: &str, error: &SyntaxError) -> String {
    let mut out = format!("{file}:");
    if let Some(line) = error.line {
        let _ = write!(out, "{line}:");
        if let Some(column) = error.column {
            let _ = write!(out, "{column}:");
        }
    }
    // The library's text without its position, which is printed in front here.
    let _ = writeln!(out, " error: {}", error.without_position());
    if !error.hint.is_empty() {
        let _ = writeln!(out, "  hint: {}", error.hint);
    }
    out
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
