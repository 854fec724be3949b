//! The commands, one module each.

pub mod check;
pub mod completions;
pub mod diff;
pub mod init;
pub mod render;
pub mod schema;

use std::{io, process::ExitCode};

/// How a command ended: one exit code per kind of outcome, so that a pipeline can tell
/// them apart (the README's table and `--help` list them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: done; the fleet is valid, the tree written or up to date.
    Success,
    /// 1: the fleet is invalid (with `check --strict`, also when it has warnings).
    Invalid,
    /// 2: a usage or I/O error: a bad argument, an unreadable fleet file, a missing DIR, a
    /// failed write.
    Usage,
    /// 3: `diff`: DIR differs from what the fleet file renders.
    Drift,
    /// 4: `render`: refused, nothing written: files edited by hand or not ours are in the
    /// way (`--force`), or a cluster would be removed or re-labelled (`--allow-removal`).
    Refused,
}

/// The exit codes, as `--help` prints them.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  success: valid fleet, tree written or up to date
  1  invalid fleet (check --strict: warnings too)
  2  usage or I/O error (bad argument, unreadable file, missing DIR, failed write)
  3  diff: DIR differs from the render (drift)
  4  render: refused, nothing written (edited or foreign files in the way: --force;
     a cluster removed or re-labelled: --allow-removal)";

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit.code())
    }
}

impl Exit {
    /// The process exit code.
    #[must_use]
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Invalid => 1,
            Exit::Usage => 2,
            Exit::Drift => 3,
            Exit::Refused => 4,
        }
    }
}

/// Writes `text` to stdout. A closed pipe (`| head`) is not an error.
pub fn print_stdout(text: &str) -> Exit {
    use io::Write as _;
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Exit::Success,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Exit::Success,
        Err(error) => crate::io_failure(format!("cannot write to stdout: {error}")),
    }
}
