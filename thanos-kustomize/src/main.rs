//! `thanos-kustomize`: turns a fleet file into the Kustomize + Helm tree, checks it, and
//! tells whether a committed tree drifted from it.
//!
//! One module per command in [`cmd`]; the fleet file is loaded and its diagnostics
//! printed by [`fleet_file`]. Exit codes: 0 success, 1 an invalid fleet, a tree that
//! differs or files refused, 2 a usage or I/O error.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod cmd;
mod fleet_file;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use cmd::Exit;

/// Examples shown under `--help`.
const EXAMPLES: &str = "\
Examples:
  thanos-kustomize init --edges 3 > fleet.yaml
  thanos-kustomize schema > fleet.schema.json
  thanos-kustomize check -f fleet.yaml
  thanos-kustomize render -f fleet.yaml --out deploy-new
  thanos-kustomize diff -f fleet.yaml deploy-new

Exit codes: 0 success; 1 invalid fleet, tree differs, or files refused; 2 usage or I/O error.";

/// Render a typed Thanos fleet model into its Kustomize + Helm tree.
///
/// The fleet file (YAML) describes one central cluster and its edge clusters; `render`
/// turns it into `base/` and `overlays/<cluster>/` for `kubectl kustomize --enable-helm`.
#[derive(Debug, Parser)]
#[command(name = "thanos-kustomize", version, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Init(cmd::init::Args),
    Schema(cmd::schema::Args),
    Check(cmd::check::Args),
    Render(cmd::render::Args),
    Diff(cmd::diff::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let exit = match cli.command {
        Command::Init(args) => cmd::init::run(&args),
        Command::Schema(args) => cmd::schema::run(&args),
        Command::Check(args) => cmd::check::run(&args),
        Command::Render(args) => cmd::render::run(&args),
        Command::Diff(args) => cmd::diff::run(&args),
    };
    exit.into()
}

/// Prints `message` as this program's error on stderr and returns [`Exit::Usage`].
fn io_failure(message: impl std::fmt::Display) -> Exit {
    eprintln!("thanos-kustomize: error: {message}");
    Exit::Usage
}
