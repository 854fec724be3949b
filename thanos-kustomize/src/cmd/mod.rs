//! The commands, one module each.

pub mod check;
pub mod diff;
pub mod init;
pub mod render;
pub mod schema;

use std::{io, process::ExitCode};

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: done; the fleet is valid, the tree written or up to date.
    Success,
    /// 1: the fleet is invalid, the tree differs, or files were refused.
    Failure,
    /// 2: a usage or I/O error.
    Usage,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        match exit {
            Exit::Success => ExitCode::SUCCESS,
            Exit::Failure => ExitCode::from(1),
            Exit::Usage => ExitCode::from(2),
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
