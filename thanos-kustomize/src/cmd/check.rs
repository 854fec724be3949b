//! `check`: every error and warning of a fleet file.

use crate::fleet_file::{plural, FleetArg};

use super::Exit;

/// Validate a fleet file: print every error and warning with its file, line and field path.
///
/// Exits 0 when the fleet is valid, 1 when it is not (with `--strict`, also when it has
/// warnings), 2 when the file cannot be read.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  thanos-kustomize check -f fleet.yaml\n  \
                        thanos-kustomize check --strict -f fleet.yaml   # fail on warnings too")]
pub struct Args {
    #[command(flatten)]
    fleet: FleetArg,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    strict: bool,
}

/// Runs `check`.
pub fn run(args: &Args) -> Exit {
    let name = args.fleet.display();
    let fleet = match args.fleet.load() {
        Ok(fleet) => fleet,
        Err(exit) => return exit,
    };
    let warnings = fleet.warnings().len();
    let failed = args.strict && warnings > 0;
    eprintln!(
        "{name}: {} (1 central cluster, {} edge cluster{}, {warnings} warning{})",
        if failed {
            "invalid with --strict"
        } else {
            "valid"
        },
        fleet.edges.len(),
        plural(fleet.edges.len()),
        plural(warnings),
    );
    if failed {
        Exit::Failure
    } else {
        Exit::Success
    }
}
