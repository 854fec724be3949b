//! `thanos-kustomize`: turns a fleet file into the Kustomize + Helm tree, checks it, and
//! tells whether a committed tree drifted from it.
//!
//! One module per command in [`cmd`]; the fleet file is loaded and its diagnostics
//! printed by [`fleet_file`], and printed as text, JSON or CI annotations by [`output`].
//! Exit codes: [`cmd::EXIT_CODES`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod cmd;
mod fleet_file;
mod output;

use std::process::ExitCode;

use clap::{CommandFactory as _, FromArgMatches as _, Parser, Subcommand};
use thanos_model::{Chart, DEFAULT_THANOS_VERSION};

use cmd::Exit;

/// Examples shown under `--help`.
const EXAMPLES: &str = "\
Examples:
  thanos-kustomize init --edges 3 > fleet.yaml
  thanos-kustomize schema > fleet.schema.json
  thanos-kustomize check -f fleet.yaml
  thanos-kustomize render -f fleet.yaml --out deploy-new
  thanos-kustomize diff -f fleet.yaml deploy-new
  thanos-kustomize completions bash > ~/.local/share/bash-completion/completions/thanos-kustomize";

/// Render a typed Thanos fleet model into its Kustomize + Helm tree.
///
/// The fleet file (YAML) describes one central cluster and its edge clusters; `render`
/// turns it into `base/` and `overlays/<cluster>/` for `kubectl kustomize --enable-helm`.
#[derive(Debug, Parser)]
#[command(name = "thanos-kustomize", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Init(cmd::init::InitArgs),
    Schema(cmd::schema::SchemaArgs),
    Check(cmd::check::CheckArgs),
    Render(cmd::render::RenderArgs),
    Diff(cmd::diff::DiffArgs),
    Completions(cmd::completions::CompletionsArgs),
    Man(cmd::completions::ManArgs),
}

/// The program's definition: the derived one with its version line naming the chart and
/// Thanos versions a fleet gets by default, and the examples and exit codes under `--help`.
fn command() -> clap::Command {
    let version = format!(
        "{} (kube-prometheus-stack chart {}, Thanos {} by default)",
        env!("CARGO_PKG_VERSION"),
        Chart::default().version,
        DEFAULT_THANOS_VERSION,
    );
    Cli::command()
        .version(version.leak() as &str)
        .after_help(format!("{EXAMPLES}\n\n{}", cmd::EXIT_CODES))
}

fn main() -> ExitCode {
    let cli = match Cli::from_arg_matches(&command().get_matches()) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    let exit = match cli.command {
        Command::Init(args) => cmd::init::run(&args),
        Command::Schema(args) => cmd::schema::run(&args),
        Command::Check(args) => cmd::check::run(&args),
        Command::Render(args) => cmd::render::run(&args),
        Command::Diff(args) => cmd::diff::run(&args),
        Command::Completions(args) => cmd::completions::run(&args, command()),
        Command::Man(args) => cmd::completions::run_man(&args, command()),
    };
    exit.into()
}

/// Prints `message` as this program's error on stderr and returns [`Exit::Usage`].
fn io_failure(message: impl std::fmt::Display) -> Exit {
    eprintln!("thanos-kustomize: error: {message}");
    Exit::Usage
}
