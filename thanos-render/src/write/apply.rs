//! Applying a [`Plan`]: the checks that refuse it as a whole, then building the complete new
//! tree in a staging directory beside the target (rendered files, kept files carried over,
//! directories and their permissions) before [`swap`](super::swap) puts it in place.

use std::{
    fs, io,
    path::{Path, PathBuf},
};

use super::error::io_error;
use super::scan::Existing;
use super::{Change, ChangeKind, Plan, Report, WriteError};

impl Plan<'_> {
    /// Writes the plan: refuses as a whole when anything is refused, else builds the new
    /// tree beside the target and swaps it in (see the [module documentation](super)).
    /// When the directory is already up to date nothing is written at all.
    pub fn apply(self) -> Result<Report, WriteError> {
        let refused: Vec<Change> = self.refused().cloned().collect();
        if !refused.is_empty() {
            return Err(WriteError::Refused(refused));
        }
        let mut report = Report {
            dir: self.target.clone(),
            changes: self.changes.clone(),
            leftover: None,
        };
        if self.is_up_to_date() {
            return Ok(report);
        }
        let uncarriable: Vec<(String, &'static str)> = self
            .changes
            .iter()
            .filter(|c| c.kind == ChangeKind::Kept)
            .filter_map(|c| match self.existing.get(&c.path) {
                Some(Existing::Special(kind, _)) => Some((c.path.clone(), *kind)),
                _ => None,
            })
            .collect();
        if !uncarriable.is_empty() {
            return Err(WriteError::CannotCarryOver {
                dir: self.target.clone(),
                paths: uncarriable,
            });
        }
        let (parent, name) = self.parent_and_name()?;
        if let Ok(cwd) = std::env::current_dir() {
            if self.exists && cwd.starts_with(&self.target) {
                return Err(WriteError::BadTarget {
                    path: self.target.clone(),
                    reason: "it holds the current directory; run from outside it",
                });
            }
        }
        fs::create_dir_all(&parent).map_err(io_error(&parent))?;
        let staging = tempfile::Builder::new()
            .prefix(&format!(".{name}.tmp-"))
            .tempdir_in(&parent)
            .map_err(io_error(&parent))?;
        // The staged tree is a directory inside the 0700 staging directory, made like
        // any other directory (so with the usual permissions), renamed into place.
        let staged = staging.path().join("tree");
        self.build(&staged)?;
        report.leftover = self.swap(&parent, &name, &staged)?;
        // `staging` is empty now, or holds what is left of a failed swap: drop it.
        drop(staging);
        Ok(report)
    }

    /// The target's parent directory and its name, which the staging and old directories
    /// beside it are named after.
    fn parent_and_name(&self) -> Result<(PathBuf, String), WriteError> {
        let bad = |reason| WriteError::BadTarget {
            path: self.target.clone(),
            reason,
        };
        let name = self
            .target
            .file_name()
            .and_then(|name| name.to_str())
            .ok_or_else(|| bad("it has no (UTF-8) name"))?;
        if name == ".." || name == "." {
            return Err(bad("it has no name"));
        }
        let parent = self
            .target
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .ok_or_else(|| bad("it has no parent directory"))?;
        Ok((parent.to_owned(), name.to_owned()))
    }

    /// Builds the complete new tree at `staged`.
    fn build(&self, staged: &Path) -> Result<(), WriteError> {
        fs::create_dir(staged).map_err(io_error(staged))?;
        if self.exists {
            copy_permissions(&self.target, staged)?;
        }
        let ensure_parent = |file: &Path| -> Result<(), WriteError> {
            match file.parent() {
                Some(parent) => fs::create_dir_all(parent).map_err(io_error(parent)),
                None => Ok(()),
            }
        };
        for change in &self.changes {
            let from = self.target.join(&change.path);
            let to = staged.join(&change.path);
            match change.kind {
                ChangeKind::Added | ChangeKind::Changed | ChangeKind::Forced(_) => {
                    if let Some(content) = self.tree.get(&change.path) {
                        ensure_parent(&to)?;
                        fs::write(&to, content).map_err(io_error(&to))?;
                        if change.kind == ChangeKind::Changed {
                            copy_permissions(&from, &to)?;
                        }
                    }
                }
                ChangeKind::Unchanged | ChangeKind::Kept => {
                    ensure_parent(&to)?;
                    carry_over(&from, &to)?;
                }
                ChangeKind::Removed | ChangeKind::Refused(_) => {}
            }
        }
        for dir in &self.empty_dirs {
            let to = staged.join(dir);
            if !to.exists() {
                fs::create_dir_all(&to).map_err(io_error(&to))?;
            }
        }
        // Directories that were there keep their permissions.
        for dir in &self.dirs {
            let to = staged.join(dir);
            if to.is_dir() {
                copy_permissions(&self.target.join(dir), &to)?;
            }
        }
        Ok(())
    }
}

/// Carries a file that stays over into the new tree, as the same file where possible
/// (a hard link keeps its content, permissions and times), else as a copy; a symbolic
/// link is made again.
fn carry_over(from: &Path, to: &Path) -> Result<(), WriteError> {
    let meta = fs::symlink_metadata(from).map_err(io_error(from))?;
    let kind = meta.file_type();
    if kind.is_symlink() {
        let target = fs::read_link(from).map_err(io_error(from))?;
        return symlink(&target, to);
    }
    if !kind.is_file() {
        return Err(WriteError::Io {
            path: from.to_owned(),
            source: io::Error::new(
                io::ErrorKind::Unsupported,
                "cannot carry this kind of file over into the new tree (not a regular file, \
                 directory or link); move it out of the directory",
            ),
        });
    }
    if fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    fs::copy(from, to).map_err(io_error(to))?;
    Ok(())
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> Result<(), WriteError> {
    std::os::unix::fs::symlink(target, link).map_err(io_error(link))
}

#[cfg(not(unix))]
fn symlink(_target: &Path, link: &Path) -> Result<(), WriteError> {
    Err(WriteError::Io {
        path: link.to_owned(),
        source: io::Error::new(
            io::ErrorKind::Unsupported,
            "cannot carry a symbolic link over on this platform",
        ),
    })
}

fn copy_permissions(from: &Path, to: &Path) -> Result<(), WriteError> {
    let permissions = fs::metadata(from).map_err(io_error(from))?.permissions();
    fs::set_permissions(to, permissions).map_err(io_error(to))
}
