//! Writing a [`Tree`] into a directory that may already hold an earlier render, without
//! losing anything of the user's: what `thanos-kustomize render --out DIR` and the
//! `four-clusters` example run.
//!
//! 1. **Plan** ([`plan()`]): every path of the tree must be purely relative (else
//!    [`WriteError::UnsafePath`], before the disk is read). Then `DIR` is read and each
//!    path decided: a rendered file is *added*, *changed* or *unchanged*; a file we
//!    generated that is no longer rendered (an edge taken out of the fleet) is *removed*;
//!    a file we did not generate is *kept*. Whose a file is comes from its header
//!    ([`marker::provenance`](thanos_render::marker::provenance)): a file we generated
//!    and nobody edited since may be replaced or removed; a file edited by hand, or one we
//!    never wrote, is **refused** wherever the render would overwrite or delete it.
//! 2. **Apply** ([`Plan::apply`]): when anything is refused and `force` is off, nothing is
//!    written ([`WriteError::Refused`]). Otherwise each file is written whole: every new
//!    content goes into a temporary file beside its file, the temporary files reach the
//!    disk together (one `syncfs` on Linux, an `fsync` per file elsewhere), and only then
//!    is each renamed over the old file, so an interrupted write leaves every file whole,
//!    old or new, and the next write completes the tree (and removes a temporary file it
//!    left). The renames are flushed the same way. Stale generated files are deleted, and
//!    the directories they leave empty. Nothing else in `DIR` is touched.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use thanos_kustomize::write::{self, ChangeKind, WriteError};
//!
//! let fleet = thanos_model::seed::seed(1).build()?;
//! let tree = thanos_render::render(&fleet);
//! let parent = tempfile::tempdir()?;
//! let dir = parent.path().join("deploy-new");
//!
//! let report = write::write_dir(&tree, &dir, false)?;
//! assert_eq!(report.count(ChangeKind::Added), tree.len());
//!
//! // A file we did not generate is never deleted, and never overwritten without force.
//! std::fs::write(dir.join("NOTES.md"), "ours, not yours\n")?;
//! std::fs::write(dir.join("base/kube-prometheus-stack/values.yaml"), "edited: true\n")?;
//! let error = write::write_dir(&tree, &dir, false).unwrap_err();
//! assert!(matches!(error, WriteError::Refused(_)));
//! write::write_dir(&tree, &dir, true)?;
//! assert_eq!(std::fs::read_to_string(dir.join("NOTES.md"))?, "ours, not yours\n");
//! # Ok(())
//! # }
//! ```
//!
//! Two writes into one directory at the same time are not locked against each other.

mod clusters;
mod error;
mod owned_resources;
mod plan;
mod report;
#[cfg(test)]
mod tests;

use std::{
    fs,
    io::{self, Write as _},
    path::Path,
};

use tempfile::TempPath;
use thanos_render::Tree;

pub use clusters::{ClusterChange, ClusterPlan};
pub use error::WriteError;
pub use owned_resources::keep_owned_resources;
pub use plan::{plan, Plan};
pub use report::{Action, Change, ChangeKind, Found, Refusal, Report};

use error::io_error;
use plan::TEMP_PREFIX;

/// Plans and applies: writes `tree` into `dir` (see the [module documentation](self)).
pub fn write_dir(tree: &Tree, dir: impl AsRef<Path>, force: bool) -> Result<Report, WriteError> {
    plan(tree, dir.as_ref(), force)?.apply()
}

impl Plan<'_> {
    /// Writes the plan: refused as a whole when any path is refused, else each change
    /// made, every file written whole.
    pub fn apply(self) -> Result<Report, WriteError> {
        let refused: Vec<Change> = self.refused().cloned().collect();
        if !refused.is_empty() {
            return Err(WriteError::Refused(refused));
        }
        let target = &self.target;
        fs::create_dir_all(target).map_err(io_error(target))?;
        // What is in the way first, so that files and directories can take its place.
        for change in &self.changes {
            let path = target.join(&change.path);
            match change.kind {
                ChangeKind::Forced(Refusal {
                    found: Found::Directory,
                    ..
                }) => fs::remove_dir_all(&path).map_err(io_error(&path))?,
                ChangeKind::Forced(Refusal {
                    action: Action::ReplacedByDirectory | Action::Deleted,
                    ..
                })
                | ChangeKind::Removed => {
                    fs::remove_file(&path).map_err(io_error(&path))?;
                    remove_empty_parents(target, &change.path)?;
                }
                _ => {}
            }
        }
        let mut written = Vec::new();
        for change in &self.changes {
            let rewrite = matches!(
                change.kind,
                ChangeKind::Added
                    | ChangeKind::Changed
                    | ChangeKind::Forced(Refusal {
                        action: Action::Overwritten,
                        ..
                    })
            );
            if let (true, Some(content)) = (rewrite, self.tree.get(&change.path)) {
                let path = target.join(&change.path);
                written.push((write_temporary(&path, content)?, path));
            }
        }
        // Every new content on the disk before the first rename: no file is ever replaced
        // by one that is not whole yet.
        flush(target, written.iter().map(|(temporary, _)| &**temporary))?;
        for (temporary, path) in written {
            temporary
                .persist(&path)
                .map_err(|error| io_error(&path)(error.error))?;
        }
        flush(target, std::iter::empty())?;
        Ok(Report {
            dir: self.target,
            changes: self.changes,
        })
    }
}

/// Writes `content` into a temporary file in the same directory as `path`, to be renamed
/// over `path` once it is on the disk. The file is closed (a tree has thousands); the
/// returned path removes it when dropped, so a failed write leaves none behind.
fn write_temporary(path: &Path, content: &str) -> Result<TempPath, WriteError> {
    let parent = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(io_error(parent))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        // What `fs::write` would give (the umask applies), not the private 0600 of a
        // temporary file; an existing file keeps its own.
        let mode = fs::metadata(path).map_or(0o666, |meta| meta.permissions().mode());
        builder.permissions(fs::Permissions::from_mode(mode));
    }
    let mut file = builder.tempfile_in(parent).map_err(io_error(parent))?;
    file.write_all(content.as_bytes())
        .map_err(io_error(file.path()))?;
    Ok(file.into_temp_path())
}

/// Puts what was written under `target` on the disk: on Linux one `syncfs` of its
/// filesystem (the files' data and the directories' entries, one call for the whole tree
/// where an `fsync` per file took 3 to 4 ms each); elsewhere an `fsync` of each of `files`.
fn flush<'p>(target: &Path, files: impl Iterator<Item = &'p Path>) -> Result<(), WriteError> {
    #[cfg(target_os = "linux")]
    {
        let _ = files;
        let dir = fs::File::open(target).map_err(io_error(target))?;
        rustix::fs::syncfs(&dir).map_err(|errno| io_error(target)(errno.into()))
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = target;
        for file in files {
            fs::File::open(file)
                .and_then(|file| file.sync_all())
                .map_err(io_error(file))?;
        }
        Ok(())
    }
}

/// Deletes the directories above `relative` (inside `target`) that are left empty.
fn remove_empty_parents(target: &Path, relative: &str) -> Result<(), WriteError> {
    let mut dir = Path::new(relative).parent();
    while let Some(current) = dir.filter(|dir| !dir.as_os_str().is_empty()) {
        let full = target.join(current);
        let empty = fs::read_dir(&full)
            .map_err(io_error(&full))?
            .next()
            .is_none();
        if !empty {
            break;
        }
        match fs::remove_dir(&full) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(source) => return Err(WriteError::Io { path: full, source }),
        }
        dir = current.parent();
    }
    Ok(())
}
