//! `check`: every error and warning of a fleet file, as text, JSON or CI annotations.

use crate::{
    fleet_file::{plural, FleetArg},
    output::{self, Format},
};

use super::{print_stdout, Exit};

/// Validate a fleet file: print every error and warning with its file, line, column and
/// field path, in file order.
///
/// Exits 0 when the fleet is valid, 1 when it is not (with `--strict`, also when it has
/// warnings), 2 when the file cannot be read. `--format json` prints one JSON object on
/// stdout; `--format github` prints GitHub Actions workflow commands on stdout, which
/// annotate the lines of a pull request.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  thanos-kustomize check -f fleet.yaml\n  \
                        thanos-kustomize check --strict -f fleet.yaml   # fail on warnings too\n  \
                        thanos-kustomize check --format github -f fleet.yaml   # in a GitHub Actions job\n  \
                        thanos-kustomize check --format json -f fleet.yaml | jq '.diagnostics[]'")]
pub struct CheckArgs {
    #[command(flatten)]
    fleet: FleetArg,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    strict: bool,
    /// How to print the diagnostics: `text` on stderr, `json` or `github` on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text, value_name = "FORMAT")]
    format: Format,
}

/// Runs `check`.
pub fn run(args: &CheckArgs) -> Exit {
    let name = args.fleet.display();
    let loaded = match args.fleet.read() {
        Ok(loaded) => loaded,
        Err(exit) => return exit,
    };
    let warnings = loaded.warnings();
    let failed = loaded.fleet.is_none() || (args.strict && warnings > 0);
    let exit = if failed { Exit::Invalid } else { Exit::Success };
    let printed = match args.format {
        Format::Json => {
            let mut text = output::json(&name, !failed, &loaded.diagnostics).to_string();
            text.push('\n');
            print_stdout(&text)
        }
        Format::Github => print_stdout(&output::github(&name, &loaded.diagnostics)),
        Format::Text => {
            eprint!("{}", output::text(&name, &loaded.diagnostics));
            Exit::Success
        }
    };
    if printed != Exit::Success {
        return printed;
    }
    if args.format == Format::Text {
        match &loaded.fleet {
            None => {
                if let Some(summary) = loaded.invalid_summary(&name) {
                    eprintln!("{summary}");
                }
            }
            Some(fleet) => eprintln!(
                "{name}: {} (1 central cluster, {} edge cluster{}, {warnings} warning{})",
                if failed {
                    "invalid with --strict"
                } else {
                    "valid"
                },
                fleet.edges.len(),
                plural(fleet.edges.len()),
                plural(warnings),
            ),
        }
    }
    exit
}
