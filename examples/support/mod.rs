//! What the fleet examples share: `--out DIR` writes the tree with the CLI's writer
//! ([`thanos_kustomize::write`]); no argument (or `--out -`) streams it to stdout.

use std::{io, process::ExitCode};

use thanos_kustomize::write;
use thanos_model::FleetBuilder;
use thanos_render::{render, DEFAULT_ROOT};

/// Validates `fleet`, prints its warnings, and writes or streams its tree as the command
/// line asks. `name` is the example's, for messages.
pub fn run(name: &str, fleet: FleetBuilder) -> ExitCode {
    let out = match parse_args() {
        Ok(out) => out,
        Err(message) => {
            eprintln!("{name}: {message}\nusage: {name} [--out DIR]");
            return ExitCode::from(2);
        }
    };
    let fleet = match fleet.build() {
        Ok(fleet) => fleet,
        Err(error) => {
            eprintln!("{name}: {error}");
            return ExitCode::FAILURE;
        }
    };
    for warning in fleet.warnings() {
        eprintln!("{warning}");
    }
    let tree = render(&fleet);
    let Some(dir) = out else {
        return match tree.write_stream(DEFAULT_ROOT, io::stdout().lock()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("{name}: {error}");
                ExitCode::FAILURE
            }
        };
    };
    match write::write_dir(&tree, &dir, false) {
        Ok(report) => {
            print!("{}", report.summary(&dir));
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{name}: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `--out DIR` writes the directory; no argument (or `--out -`) streams to stdout.
fn parse_args() -> Result<Option<String>, String> {
    let mut args = std::env::args().skip(1);
    match (args.next().as_deref(), args.next(), args.next()) {
        (None, _, _) => Ok(None),
        (Some("--out"), Some(dir), None) if dir != "-" => Ok(Some(dir)),
        (Some("--out"), Some(_), None) => Ok(None),
        (Some(arg), _, _) => Err(format!("unexpected argument {arg:?}")),
    }
}
