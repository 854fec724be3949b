//! What the fleet examples share: `--out DIR` writes the tree with the CLI's writer
//! ([`thanos_kustomize::write`]); no argument (or `--out -`) streams it to stdout.
//! `--fleet FILE` also writes the example's fleet file (the real-chart tier renders and
//! checks the tree of that file).

use std::{io, process::ExitCode};

use thanos_kustomize::write;
use thanos_model::FleetBuilder;
use thanos_render::{render, DEFAULT_ROOT};

/// Validates `fleet`, prints its warnings, and writes or streams its tree as the command
/// line asks. `name` is the example's, for messages.
pub fn run(name: &str, fleet: FleetBuilder) -> ExitCode {
    let (out, fleet_file) = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{name}: {message}\nusage: {name} [--out DIR] [--fleet FILE]");
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
    if let Some(file) = fleet_file {
        if let Err(error) = std::fs::write(&file, fleet.to_yaml_string()) {
            eprintln!("{name}: {file}: {error}");
            return ExitCode::FAILURE;
        }
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

/// `--out DIR` writes the directory; no `--out` (or `--out -`) streams to stdout.
/// `--fleet FILE` writes the fleet file too.
fn parse_args() -> Result<(Option<String>, Option<String>), String> {
    let mut args = std::env::args().skip(1);
    let (mut out, mut fleet) = (None, None);
    while let Some(arg) = args.next() {
        let slot = match arg.as_str() {
            "--out" => &mut out,
            "--fleet" => &mut fleet,
            _ => return Err(format!("unexpected argument {arg:?}")),
        };
        let value = args.next().ok_or_else(|| format!("{arg} needs a value"))?;
        *slot = Some(value);
    }
    Ok((out.filter(|dir| dir != "-"), fleet))
}
