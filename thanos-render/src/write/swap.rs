//! The swap: checking the target against the plan, the two renames that put the staged tree
//! in place, checking the previous tree again before deleting it, and the `.DIR.old-*`
//! leftovers that block later writes.

use std::{
    collections::BTreeSet,
    fs, io,
    path::{Path, PathBuf},
};

use super::error::io_error;
use super::scan::{scan, Existing};
use super::{ChangeKind, Leftover, LeftoverReason, Plan, WriteError};

impl Plan<'_> {
    /// Swaps the staged tree in. Returns where the previous tree was left when it was not
    /// deleted.
    ///
    /// Just before the swap, the target is read again and compared with what the plan
    /// saw: any difference aborts with [`WriteError::ChangedMeanwhile`] and nothing is
    /// written. After the swap, before the previous tree is deleted, it is compared once
    /// more (what changed in the few system calls between); on any difference, or when it
    /// cannot be read, it is kept and reported instead of deleted. A target that did not
    /// exist is not checked: the staged tree is renamed into place.
    pub(super) fn swap(
        &self,
        parent: &Path,
        name: &str,
        staged: &Path,
    ) -> Result<Option<Leftover>, WriteError> {
        if !self.exists {
            // A directory made at the target meanwhile makes the rename fail, unless empty.
            fs::rename(staged, &self.target).map_err(io_error(&self.target))?;
            return Ok(None);
        }
        let changed = self.changed_since_plan(&self.target, staged)?;
        if !changed.is_empty() {
            return Err(WriteError::ChangedMeanwhile {
                dir: self.target.clone(),
                paths: changed,
            });
        }
        let old_holder = tempfile::Builder::new()
            .prefix(&old_prefix(name))
            .tempdir_in(parent)
            .map_err(io_error(parent))?;
        let old = old_holder.path().join("tree");
        fs::rename(&self.target, &old).map_err(io_error(&self.target))?;
        if let Err(source) = fs::rename(staged, &self.target) {
            // Put the previous tree back; if even that fails, keep it where it is.
            return match fs::rename(&old, &self.target) {
                Ok(()) => Err(WriteError::Io {
                    path: self.target.clone(),
                    source,
                }),
                Err(_) => {
                    let kept = old_holder.keep();
                    Err(WriteError::Io {
                        path: self.target.clone(),
                        source: io::Error::new(
                            source.kind(),
                            format!(
                                "{source}; the previous tree is in {}: move it back to {}, \
                                 then delete {}",
                                kept.join("tree").display(),
                                self.target.display(),
                                kept.display()
                            ),
                        ),
                    })
                }
            };
        }
        after_swap_hook(&old);
        let reason = match self.changed_since_plan(&old, &self.target) {
            Ok(changed) if changed.is_empty() => None,
            Ok(changed) => Some(LeftoverReason::Changed(changed)),
            Err(error) => Some(LeftoverReason::NotChecked(error.to_string())),
        };
        if let Some(reason) = reason {
            return Ok(Some(Leftover {
                holder: old_holder.keep(),
                reason,
            }));
        }
        let holder = old_holder.path().to_owned();
        match old_holder.close() {
            Ok(()) => Ok(None),
            Err(error) => Ok(Some(Leftover {
                holder,
                reason: LeftoverReason::NotDeleted(error.to_string()),
            })),
        }
    }

    /// The paths under `root` (the target, or the previous tree after the swap) that are
    /// not as the plan saw them: appeared, disappeared, another kind, other bytes or
    /// another identity (size, modification time, inode, mode). A file carried over into
    /// `new` (the staged tree, or the target after the swap) must moreover be the same
    /// file there (a hard link) or hold the same bytes (a copy).
    fn changed_since_plan(&self, root: &Path, new: &Path) -> Result<Vec<String>, WriteError> {
        let now = scan(root)?;
        let mut changed: BTreeSet<&str> = BTreeSet::new();
        for (path, before) in &self.existing {
            if now.get(path) != Some(before) {
                changed.insert(path);
            }
        }
        for path in now.keys() {
            if !self.existing.contains_key(path) {
                changed.insert(path);
            }
        }
        for change in &self.changes {
            let carried = matches!(change.kind, ChangeKind::Unchanged | ChangeKind::Kept);
            if carried
                && !changed.contains(change.path.as_str())
                && matches!(self.existing.get(&change.path), Some(Existing::File(..)))
                && !same_file_or_bytes(&root.join(&change.path), &new.join(&change.path))?
            {
                changed.insert(&change.path);
            }
        }
        Ok(changed.into_iter().map(str::to_owned).collect())
    }
}

/// Whether `b` is the file `a` (a hard link), or holds the same bytes.
fn same_file_or_bytes(a: &Path, b: &Path) -> Result<bool, WriteError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let meta_a = fs::symlink_metadata(a).map_err(io_error(a))?;
        let meta_b = fs::symlink_metadata(b).map_err(io_error(b))?;
        if (meta_a.dev(), meta_a.ino()) == (meta_b.dev(), meta_b.ino()) {
            return Ok(true);
        }
    }
    Ok(fs::read(a).map_err(io_error(a))? == fs::read(b).map_err(io_error(b))?)
}

/// The name of a directory holding the previous tree of `name` starts with this:
/// `.DIR.old-`, followed by random characters.
fn old_prefix(name: &str) -> String {
    format!(".{name}.old-")
}

/// A `.DIR.old-*` directory beside `target`, left by a write that crashed during its swap
/// or kept the previous tree (see the [module documentation](super)).
pub(super) fn leftover_beside(target: &Path) -> Result<Option<PathBuf>, WriteError> {
    let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
        return Ok(None);
    };
    let prefix = old_prefix(&name.to_string_lossy());
    let entries = match fs::read_dir(parent) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(WriteError::Io {
                path: parent.to_owned(),
                source,
            })
        }
    };
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(io_error(parent))?;
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            found.push(entry.path());
        }
    }
    found.sort();
    Ok(found.into_iter().next())
}

/// Where tests write into the previous tree right after the swap, as another program
/// could; nothing outside tests.
#[cfg(not(test))]
fn after_swap_hook(_previous_tree: &Path) {}

#[cfg(test)]
use test_hook::after_swap_hook;
#[cfg(test)]
pub(super) use test_hook::with_after_swap_hook;

#[cfg(test)]
mod test_hook {
    use std::{cell::RefCell, path::Path};

    type Hook = Box<dyn FnMut(&Path)>;

    thread_local! {
        static HOOK: RefCell<Option<Hook>> = const { RefCell::new(None) };
    }

    /// Calls the hook set by [`with_after_swap_hook`], if any.
    pub(super) fn after_swap_hook(previous_tree: &Path) {
        HOOK.with(|hook| {
            if let Some(hook) = hook.borrow_mut().as_mut() {
                hook(previous_tree);
            }
        });
    }

    /// Runs `f` with `hook` called on the previous tree right after the swap.
    pub(in crate::write) fn with_after_swap_hook<T>(
        hook: impl FnMut(&Path) + 'static,
        f: impl FnOnce() -> T,
    ) -> T {
        HOOK.with(|h| *h.borrow_mut() = Some(Box::new(hook)));
        let result = f();
        HOOK.with(|h| *h.borrow_mut() = None);
        result
    }
}
