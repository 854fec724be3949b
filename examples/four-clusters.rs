//! The seed's fleet: central `cluster-01` and edges `cluster-02` to `cluster-04`.
//!
//! ```sh
//! cargo run --example four-clusters > deploy-new.yaml     # the tree as one YAML stream
//! cargo run --example four-clusters -- --out deploy-new   # the tree as a directory
//! ```
//!
//! The fleet is [`thanos_model::seed::seed`] with three edges, the same one
//! `thanos-kustomize init --edges 3` prints, and `--out` writes with the same careful
//! writer as `thanos-kustomize render --out` ([`thanos_kustomize::write`]): files edited
//! by hand or not generated are refused, stale generated files removed, each file written
//! whole.

use std::{io, process::ExitCode};

use thanos_kustomize::write;
use thanos_model::seed::seed;
use thanos_render::{render, DEFAULT_ROOT};

/// The seed's number of edge clusters.
const SEED_EDGES: usize = 3;

fn main() -> ExitCode {
    let out = match parse_args() {
        Ok(out) => out,
        Err(message) => {
            eprintln!("four-clusters: {message}\nusage: four-clusters [--out DIR]");
            return ExitCode::from(2);
        }
    };
    let fleet = match seed(SEED_EDGES).build() {
        Ok(fleet) => fleet,
        Err(error) => {
            eprintln!("four-clusters: {error}");
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
                eprintln!("four-clusters: {error}");
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
            eprintln!("four-clusters: {error}");
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
