//! What the fleet examples share: `--out DIR` writes the tree with the CLI's writer
//! ([`thanos_kustomize::write`]); no argument (or `--out -`) streams it to stdout;
//! `--fleet` prints the fleet file instead (the model's YAML form, which
//! `thanos-kustomize render -f` renders into the same tree).

use std::{
    io::{self, Write},
    process::ExitCode,
};

use thanos_kustomize::write;
use thanos_model::FleetBuilder;
use thanos_render::{render, DEFAULT_ROOT};

/// Validates `fleet`, prints its warnings, and writes or streams its tree as the command
/// line asks. `name` is the example's, for messages.
pub fn run(name: &str, fleet: FleetBuilder) -> ExitCode {
    let output = match parse_args() {
        Ok(output) => output,
        Err(message) => {
            eprintln!("{name}: {message}\nusage: {name} [--out DIR | --fleet]");
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
    let dir = match output {
        Output::Dir(dir) => dir,
        Output::Stream => {
            return stdout(name, |out| render(&fleet).write_stream(DEFAULT_ROOT, out))
        }
        Output::FleetFile => {
            return stdout(name, |mut out| {
                out.write_all(fleet.to_yaml_string().as_bytes())
            })
        }
    };
    match write::write_dir(&render(&fleet), &dir, false) {
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

/// Writes to standard output with `write`.
fn stdout(name: &str, write: impl FnOnce(io::StdoutLock<'static>) -> io::Result<()>) -> ExitCode {
    match write(io::stdout().lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{name}: {error}");
            ExitCode::FAILURE
        }
    }
}

/// What an example prints or writes.
enum Output {
    /// The tree as one YAML stream on standard output.
    Stream,
    /// The tree into a directory.
    Dir(String),
    /// The fleet file on standard output.
    FleetFile,
}

/// `--out DIR` writes the directory; no argument (or `--out -`) streams to stdout;
/// `--fleet` prints the fleet file.
fn parse_args() -> Result<Output, String> {
    let mut args = std::env::args().skip(1);
    match (args.next().as_deref(), args.next(), args.next()) {
        (None, _, _) => Ok(Output::Stream),
        (Some("--fleet"), None, _) => Ok(Output::FleetFile),
        (Some("--out"), Some(dir), None) if dir != "-" => Ok(Output::Dir(dir)),
        (Some("--out"), Some(_), None) => Ok(Output::Stream),
        (Some(arg), _, _) => Err(format!("unexpected argument {arg:?}")),
    }
}
