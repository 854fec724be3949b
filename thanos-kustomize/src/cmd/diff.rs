//! `diff`: what `render --out DIR` would change in DIR, as a unified diff.

use std::{
    env,
    fmt::Write as _,
    fs,
    io::IsTerminal as _,
    path::{Path, PathBuf},
};

use similar::TextDiff;
use thanos_kustomize::write::{self, Action, ChangeKind, ClusterPlan, Found};

use crate::fleet_file::FleetArg;

use super::{print_stdout, Exit};

/// Show the difference between what the fleet file renders and the tree in DIR.
///
/// A unified diff over the whole tree: rendered files that are missing or differ, and files
/// generated earlier that would no longer be rendered. Files in DIR that thanos-kustomize did
/// not generate and that are in nobody's way are ignored. Exits 0 when DIR is up to date, 3
/// when it differs (a CI drift check), 1 when the fleet is invalid, 2 on a usage or I/O
/// error, such as a DIR that does not exist.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    thanos-kustomize diff -f fleet.yaml deploy-new\n  \
    thanos-kustomize diff -f fleet.yaml deploy-new --color never | less")]
pub struct DiffArgs {
    #[command(flatten)]
    fleet: FleetArg,
    /// The rendered tree to compare with.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// Colour the diff: `auto` on a terminal unless `NO_COLOR` is set.
    #[arg(long, value_enum, default_value_t = Color::Auto, value_name = "WHEN")]
    color: Color,
}

/// When to colour the diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    /// On a terminal, unless `NO_COLOR` is set and not empty.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Runs `diff`.
pub fn run(args: &DiffArgs) -> Exit {
    let fleet = match args.fleet.load() {
        Ok(fleet) => fleet,
        Err(exit) => return exit,
    };
    if !args.dir.is_dir() {
        return crate::io_failure(format!(
            "{}: no such directory (render it first with `thanos-kustomize render -f {} --out {0}`)",
            args.dir.display(),
            args.fleet.display(),
        ));
    }
    let mut manifests = thanos_render::manifests(&fleet);
    write::keep_owned_resources(&mut manifests, &args.dir);
    let tree = manifests.to_tree();
    let plan = match write::plan(&tree, &args.dir, false) {
        Ok(plan) => plan,
        Err(error) => return crate::io_failure(error),
    };
    let shown = args.dir.display().to_string();
    let mut out = String::new();
    let (mut to_add, mut to_change, mut to_remove) = (0, 0, 0);
    for change in plan.changes() {
        let on_disk = args.dir.join(&change.path);
        // Git's `a/` and `b/` prefixes, so that a relative DIR's diff applies with
        // `git apply` from here.
        let a = format!("a/{}/{}", shown.trim_start_matches('/'), change.path);
        let b = format!("b/{}/{}", shown.trim_start_matches('/'), change.path);
        let rendered = tree.get(&change.path);
        match change.kind {
            ChangeKind::Unchanged | ChangeKind::Kept => continue,
            ChangeKind::Added => {
                to_add += 1;
                unified(&mut out, "", rendered.unwrap_or_default(), "/dev/null", &b);
            }
            ChangeKind::Changed
            | ChangeKind::Refused(write::Refusal {
                found: Found::Edited | Found::Foreign,
                action: Action::Overwritten,
            }) => {
                to_change += 1;
                let old = read_lossy(&on_disk);
                unified(&mut out, &old, rendered.unwrap_or_default(), &a, &b);
            }
            ChangeKind::Removed
            | ChangeKind::Refused(write::Refusal {
                found: Found::Edited,
                action: Action::Deleted,
            }) => {
                to_remove += 1;
                unified(&mut out, &read_lossy(&on_disk), "", &a, "/dev/null");
            }
            ChangeKind::Refused(refusal) | ChangeKind::Forced(refusal) => {
                to_change += 1;
                let _ = writeln!(out, "{shown}/{}: {refusal}", change.path);
            }
        }
    }
    let differs = to_add + to_change + to_remove > 0;
    let clusters = ClusterPlan::new(&plan);
    if !out.is_empty() {
        let text = if use_color(args.color) {
            colorize(&out)
        } else {
            out
        };
        if print_stdout(&text) != Exit::Success {
            return Exit::Usage;
        }
    }
    if !clusters.is_empty() {
        eprint!("Plan:\n{clusters}");
        if clusters.removes_or_relabels() {
            eprint!("{}", clusters.steps_first(&shown));
            eprintln!("`render` refuses this without --allow-removal.");
        }
    }
    if differs {
        eprintln!(
            "{shown}: differs from {}: {to_add} to add, {to_change} to change, {to_remove} to remove",
            args.fleet.display(),
        );
        Exit::Drift
    } else {
        eprintln!("{shown}: up to date with {}", args.fleet.display());
        Exit::Success
    }
}

fn read_lossy(path: &Path) -> String {
    match fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(error) => format!("<cannot read: {error}>\n"),
    }
}

fn unified(out: &mut String, old: &str, new: &str, a: &str, b: &str) {
    let diff = TextDiff::from_lines(old, new);
    let _ = write!(
        out,
        "{}",
        diff.unified_diff()
            .context_radius(3)
            // `\ No newline at end of file`, which `git apply` needs for such a file.
            .missing_newline_hint(true)
            .header(a, b)
    );
}

fn use_color(color: Color) -> bool {
    match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";

fn colorize(diff: &str) -> String {
    let mut out = String::with_capacity(diff.len() + diff.len() / 4);
    for line in diff.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        let style = if body.starts_with("--- ") || body.starts_with("+++ ") {
            BOLD
        } else if body.starts_with("@@") {
            CYAN
        } else if body.starts_with('+') {
            GREEN
        } else if body.starts_with('-') {
            RED
        } else {
            ""
        };
        if style.is_empty() {
            out.push_str(line);
        } else {
            let _ = write!(out, "{style}{body}{RESET}{newline}");
        }
    }
    out
}
