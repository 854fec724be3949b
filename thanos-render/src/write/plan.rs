//! Deciding, path by path, what a write does ([`plan()`], [`Plan`]): added, changed,
//! unchanged, removed, kept, or refused (forced).

use std::{
    collections::{BTreeMap, BTreeSet},
    fs, io,
    path::{Path, PathBuf},
};

use super::error::io_error;
use super::report::any_change;
use super::scan::{scan, Existing};
use super::swap::leftover_beside;
use super::{Action, Change, ChangeKind, Found, Refusal, WriteError};
use crate::{marker::Provenance, Tree};

/// The decisions for writing one tree into one directory. Nothing is written until
/// [`Plan::apply`].
#[derive(Debug)]
pub struct Plan<'t> {
    /// The render to write.
    pub(super) tree: &'t Tree,
    /// The target: canonical when it existed, else made absolute.
    pub(super) target: PathBuf,
    /// Whether the target existed when planned.
    pub(super) exists: bool,
    /// What the scan saw, to tell whether the directory changed before the swap.
    pub(super) existing: BTreeMap<String, Existing>,
    /// Every path of the old and the new tree, sorted.
    pub(super) changes: Vec<Change>,
    /// Empty directories already there, carried over.
    pub(super) empty_dirs: Vec<String>,
    /// Directories that were there, with their permissions carried over.
    pub(super) dirs: BTreeSet<String>,
}

impl Plan<'_> {
    /// Every path of the old and the new tree and what happens to it, sorted by path.
    #[must_use]
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// The paths refused (none when the plan is forced).
    pub fn refused(&self) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(|c| matches!(c.kind, ChangeKind::Refused(_)))
    }

    /// The directory the plan writes: absolute, with links resolved when it exists.
    #[must_use]
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Whether the plan changes nothing: the directory exists and holds exactly the
    /// render (besides files that are not ours and in nobody's way).
    #[must_use]
    pub fn is_up_to_date(&self) -> bool {
        self.exists && !any_change(&self.changes)
    }
}

/// Reads `dir` and decides what writing `tree` into it does, file by file; with `force`,
/// files edited by hand or not ours that are in the way are planned as
/// [`ChangeKind::Forced`] instead of [`ChangeKind::Refused`]. A missing `dir` plans every
/// file as added.
///
/// Refused before the disk is read: a tree path that is not purely relative
/// ([`WriteError::UnsafePath`]). Refused after reading it: a `.DIR.old-*` directory beside
/// `DIR` left by an earlier write ([`WriteError::Interrupted`]).
pub fn plan<'t>(tree: &'t Tree, dir: &Path, force: bool) -> Result<Plan<'t>, WriteError> {
    if let Some((path, _)) = tree
        .iter()
        .find(|(path, _)| !crate::safe_path::is_safe_relative_path(path))
    {
        return Err(WriteError::UnsafePath(path.to_owned()));
    }
    let meta = match fs::metadata(dir) {
        Ok(meta) => Some(meta),
        Err(error) if error.kind() == io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(WriteError::Io {
                path: dir.to_owned(),
                source,
            })
        }
    };
    let (target, existing) = match meta {
        Some(meta) if !meta.is_dir() => return Err(WriteError::NotADirectory(dir.to_owned())),
        // Resolve links and `.`: the swap renames the real directory.
        Some(_) => {
            let target = fs::canonicalize(dir).map_err(io_error(dir))?;
            let existing = scan(&target)?;
            (target, Some(existing))
        }
        // Not there yet, so it cannot be canonicalized: made absolute against the current
        // directory.
        None => (std::path::absolute(dir).map_err(io_error(dir))?, None),
    };
    if let Some(leftover) = leftover_beside(&target)? {
        return Err(WriteError::Interrupted {
            dir: target,
            leftover,
        });
    }
    let exists = existing.is_some();
    let existing = existing.unwrap_or_default();

    let rendered: BTreeSet<&str> = tree.iter().map(|(path, _)| path).collect();
    let needed_dirs: BTreeSet<&str> = rendered
        .iter()
        .flat_map(|path| path.match_indices('/').map(|(index, _)| &path[..index]))
        .collect();
    let refuse_or_force = |found, action| {
        let refusal = Refusal { found, action };
        if force {
            ChangeKind::Forced(refusal)
        } else {
            ChangeKind::Refused(refusal)
        }
    };

    let mut changes = Vec::new();
    let mut empty_dirs = Vec::new();
    let mut dirs = BTreeSet::new();
    // Directories standing where a rendered file goes: their whole content is in the way.
    let mut blocking_dirs: Vec<&str> = Vec::new();
    for (path, entry) in &existing {
        let inside_blocking = blocking_dirs.iter().any(|blocking| {
            path.strip_prefix(blocking)
                .is_some_and(|rest| rest.starts_with('/'))
        });
        if inside_blocking {
            continue;
        }
        let is_rendered = rendered.contains(path.as_str());
        let is_needed_dir = needed_dirs.contains(path.as_str());
        let kind = match entry {
            Existing::Directory { .. } if is_rendered => {
                blocking_dirs.push(path);
                refuse_or_force(Found::Directory, Action::Overwritten)
            }
            Existing::Directory { empty } => {
                dirs.insert(path.clone());
                if *empty {
                    empty_dirs.push(path.clone());
                }
                continue;
            }
            Existing::File(provenance, content, _) => {
                let found = match provenance {
                    Provenance::Generated => None,
                    Provenance::Edited => Some(Found::Edited),
                    Provenance::Foreign => Some(Found::Foreign),
                };
                match (found, is_rendered, is_needed_dir) {
                    (None, true, _) if tree.get(path).map(str::as_bytes) == Some(content) => {
                        ChangeKind::Unchanged
                    }
                    (None, true, _) => ChangeKind::Changed,
                    (None, false, _) => ChangeKind::Removed,
                    (Some(found), true, _) => refuse_or_force(found, Action::Overwritten),
                    (Some(found), false, true) => {
                        refuse_or_force(found, Action::ReplacedByDirectory)
                    }
                    (Some(Found::Edited), false, false) => {
                        refuse_or_force(Found::Edited, Action::Deleted)
                    }
                    (Some(_), false, false) => ChangeKind::Kept,
                }
            }
            Existing::Link(_) | Existing::Special(..) if is_rendered => {
                refuse_or_force(Found::Special, Action::Overwritten)
            }
            Existing::Link(_) | Existing::Special(..) if is_needed_dir => {
                refuse_or_force(Found::Special, Action::ReplacedByDirectory)
            }
            Existing::Link(_) | Existing::Special(..) => ChangeKind::Kept,
        };
        changes.push(Change {
            path: path.clone(),
            kind,
        });
    }
    for path in &rendered {
        if !existing.contains_key(*path) {
            changes.push(Change {
                path: (*path).to_owned(),
                kind: ChangeKind::Added,
            });
        }
    }
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Plan {
        tree,
        target,
        exists,
        existing,
        changes,
        empty_dirs,
        dirs,
    })
}
