//! Writing a [`Tree`] into a directory that may already hold an earlier render, carefully.
//!
//! [`write_dir`] is what `thanos-kustomize render --out DIR` and the `four-clusters`
//! example run. It works in two steps:
//!
//! 1. **Plan** ([`plan()`]): read `DIR` and decide, file by file, what happens: a rendered
//!    file is *added*, *changed* or *unchanged*; a file we generated that is no longer
//!    rendered (an edge taken out of the fleet) is *removed*; a file we did not generate is
//!    *kept*. Whether a file on disk is ours comes from its header
//!    ([`marker::provenance`](crate::marker::provenance)): a file we generated and nobody edited since may be
//!    replaced or removed; a file edited by hand, or one we never wrote, is **refused**
//!    wherever the render would overwrite or delete it. Nothing is written while planning.
//!    Before anything is read, every path of the tree must be purely relative (no `..`,
//!    `.`, empty component, root or drive prefix), else [`WriteError::UnsafePath`].
//! 2. **Apply** ([`Plan::apply`]): when anything is refused and `force` is off, the whole
//!    write is refused ([`WriteError::Refused`]) and `DIR` is not touched, so a tree is
//!    never left half-updated. Otherwise the complete new tree is built in a staging
//!    directory beside `DIR` (`.DIR.tmp-XXXXXX/tree`, same parent, so same file system):
//!    the rendered files, plus every file that is kept (hard-linked from `DIR` where the
//!    file system allows, else copied), plus empty directories that were already empty.
//!    Then `DIR` is renamed aside (into `.DIR.old-XXXXXX/`), the staged tree is renamed
//!    into place, and the old tree is deleted. Any error before the swap deletes the
//!    staging directory and leaves `DIR` byte-identical; if the second rename fails, the
//!    old tree is renamed back.
//!
//! A directory that held only files we generated disappears with them; a directory with
//! anything else in it stays.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let fleet = thanos_model::seed::seed(1).build()?;
//! let tree = thanos_render::render(&fleet);
//! let parent = tempfile::tempdir()?;
//! let dir = parent.path().join("deploy-new");
//!
//! let report = thanos_render::write::write_dir(&tree, &dir, false)?;
//! assert_eq!(report.count(thanos_render::write::ChangeKind::Added), tree.len());
//!
//! // A file we did not generate is never deleted, and never overwritten without force.
//! std::fs::write(dir.join("NOTES.md"), "ours, not yours\n")?;
//! std::fs::write(dir.join("base/kube-prometheus-stack/values.yaml"), "edited: true\n")?;
//! let error = thanos_render::write::write_dir(&tree, &dir, false).unwrap_err();
//! assert!(matches!(error, thanos_render::write::WriteError::Refused(_)));
//! thanos_render::write::write_dir(&tree, &dir, true)?;
//! assert_eq!(std::fs::read_to_string(dir.join("NOTES.md"))?, "ours, not yours\n");
//! # Ok(())
//! # }
//! ```
//!
//! # Changes made while the write runs
//!
//! `DIR` is read when planning and replaced whole at the swap; what another program
//! writes into it in between (an editor saving a kept file by writing a new file and
//! renaming it over, `kubectl kustomize --enable-helm` pulling a chart into `charts/`)
//! would otherwise be lost with the old tree. So `DIR` is checked twice against what the
//! plan saw (every path; the bytes of our files; the size, modification time, inode and
//! mode of every file; that each kept file is the same file in the new tree, or has the
//! same bytes when it was copied):
//!
//! - just **before** the swap: any difference aborts the write
//!   ([`WriteError::ChangedMeanwhile`]); nothing is written, run again;
//! - just **after** the swap, on the old tree, before deleting it (covering the few
//!   system calls in between, and programs still writing into the old directory through
//!   a working directory or an open handle): on any difference, or when it cannot be
//!   read, the old tree is **not** deleted but kept as `.DIR.old-XXXXXX/tree` and named
//!   in [`Report::leftover`], so the user can copy what was written there.
//!
//! Aborting before the swap is the safe choice for everything seen in time; the check
//! after the swap only narrows the remaining window to nothing lost: what changes after
//! it, in the old directory, is outside `DIR` anyway.
//!
//! # Leftovers and crashes
//!
//! A crash (not an error) can leave a `.DIR.tmp-XXXXXX` or `.DIR.old-XXXXXX` directory
//! beside `DIR`. A `.DIR.tmp-XXXXXX` holds only a staged tree (rendered files and links
//! to files still in `DIR`) and can be deleted. Between the two renames of the swap, a
//! window of two system calls, `DIR` does not exist and the previous tree, with every
//! file that was not ours, is complete in `.DIR.old-XXXXXX/tree`; a kept old tree (see
//! above) is there too. Either may hold the only copy of files, so while a
//! `.DIR.old-XXXXXX` exists every write (and [`plan()`]) is refused
//! ([`WriteError::Interrupted`]): move `.DIR.old-XXXXXX/tree` back to `DIR` if `DIR` is
//! missing, or copy from it what is needed, then delete it.
//!
//! # Limits of the whole-directory swap
//!
//! - `DIR` is renamed: it cannot be a mount point (the rename fails with "device or
//!   resource busy", nothing is written), and its parent must be writable.
//! - Only regular files, directories and symbolic links can be carried over. A socket,
//!   FIFO or device file anywhere in `DIR` refuses the write
//!   ([`WriteError::CannotCarryOver`]) rather than being lost in the swap; move it out.
//! - A kept file is carried over as the same file (a hard link) where the file system
//!   allows; where it does not, it is copied, and the copy has the writer's ownership
//!   and the current times, with the permissions kept. Directories are made again, with
//!   their permissions but not their owner or times.
//! - A program whose working directory is inside `DIR` stays in the old directory,
//!   which is deleted: it sees an empty, deleted directory afterwards (a shell there
//!   needs `cd .`). A write run from inside `DIR` is refused
//!   ([`WriteError::BadTarget`]).
//! - The new `DIR` is a new directory (another inode): watches or open handles on the
//!   directory itself keep pointing at the old one.
//!
//! # Where things are
//!
//! | file | what it holds |
//! | --- | --- |
//! | `write/mod.rs` | this overview, [`write_dir`] |
//! | `write/scan.rs` | reading `DIR`: what is at each path, whose a file is, what tells it changed |
//! | `write/plan.rs` | [`plan()`] and [`Plan`]: the decision for each path |
//! | `write/apply.rs` | [`Plan::apply`]: the checks that refuse the write as a whole, building the staged tree, carrying kept files over |
//! | `write/swap.rs` | the checks before and after the swap, the two renames, `.DIR.old-*` leftovers |
//! | `write/report.rs` | [`Change`], [`ChangeKind`], [`Refusal`], [`Report`], [`Leftover`], [`Report::summary`] |
//! | `write/error.rs` | [`WriteError`] |
//! | `write/tests.rs` | end-to-end tests through [`write_dir`] and [`plan()`] |

mod apply;
mod error;
mod plan;
mod report;
mod scan;
mod swap;
#[cfg(test)]
mod tests;

use std::path::Path;

pub use error::WriteError;
pub use plan::{plan, Plan};
pub use report::{Action, Change, ChangeKind, Found, Leftover, LeftoverReason, Refusal, Report};

use crate::Tree;

/// Plans and applies: writes `tree` into `dir` (see the [module documentation](self)).
pub fn write_dir(tree: &Tree, dir: impl AsRef<Path>, force: bool) -> Result<Report, WriteError> {
    plan(tree, dir.as_ref(), force)?.apply()
}
