//! Writing a [`Tree`] into a directory that may already hold an earlier render, carefully.
//!
//! [`write_dir`] is what `thanos-kustomize render --out DIR` and the `four-clusters`
//! example run. It works in two steps:
//!
//! 1. **Plan** ([`plan`]): read `DIR` and decide, file by file, what happens: a rendered
//!    file is *added*, *changed* or *unchanged*; a file we generated that is no longer
//!    rendered (an edge taken out of the fleet) is *removed*; a file we did not generate is
//!    *kept*. Whether a file on disk is ours comes from its header
//!    ([`marker::provenance`]): a file we generated and nobody edited since may be
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
//! `.DIR.old-XXXXXX` exists every write (and [`plan`]) is refused
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

use std::{
    collections::{BTreeMap, BTreeSet},
    fmt, fs, io,
    path::{Path, PathBuf},
};

use crate::{
    marker::{self, Provenance},
    Tree,
};

/// What happens, or happened, to one path of the target directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The path, relative to the target directory, `/`-separated.
    pub path: String,
    /// What happens to it.
    pub kind: ChangeKind,
}

/// What happens to one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChangeKind {
    /// Rendered, not on disk yet.
    Added,
    /// Rendered, on disk as an unedited file we generated, with other content.
    Changed,
    /// Rendered, on disk with exactly this content.
    Unchanged,
    /// Generated by us, unedited, and no longer rendered: deleted.
    Removed,
    /// Not ours and in nobody's way: left as it is.
    Kept,
    /// Edited by hand or not ours, and in the render's way: refused, nothing is written.
    Refused(Refusal),
    /// Edited by hand or not ours, and in the render's way: replaced or deleted because
    /// the write was forced.
    Forced(Refusal),
}

impl ChangeKind {
    /// Whether this is a change to the directory (anything but unchanged and kept).
    #[must_use]
    pub fn is_change(self) -> bool {
        !matches!(self, Self::Unchanged | Self::Kept)
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Added => f.write_str("added"),
            Self::Changed => f.write_str("changed"),
            Self::Unchanged => f.write_str("unchanged"),
            Self::Removed => f.write_str("removed"),
            Self::Kept => f.write_str("kept"),
            Self::Refused(refusal) => write!(f, "refused: {refusal}"),
            Self::Forced(refusal) => write!(f, "forced: {refusal}"),
        }
    }
}

/// Why a path stands in the render's way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Refusal {
    /// What is on disk.
    pub found: Found,
    /// What the render would do to it.
    pub action: Action,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} would be {}", self.found, self.action)
    }
}

/// What is on disk at a refused path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Found {
    /// A file we generated, edited by hand since.
    Edited,
    /// A file we did not generate.
    Foreign,
    /// A symbolic link, socket, FIFO or device file.
    ///
    /// Where one is in nobody's way it is [`ChangeKind::Kept`], but only a symbolic link
    /// can be carried over into the new tree (it is made again with the same target,
    /// which is not followed); a socket, FIFO or device file that is kept makes
    /// [`Plan::apply`] fail with [`WriteError::CannotCarryOver`] before anything is
    /// written. Where one is in the way it is refused like any file not ours, and replaced
    /// or deleted when forced.
    Special,
    /// A directory (with everything in it).
    Directory,
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Edited => "generated file edited by hand",
            Self::Foreign => "file not generated by thanos-kustomize",
            Self::Special => "link or special file",
            Self::Directory => "directory",
        })
    }
}

/// What the render would do to a refused path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Replace it with a rendered file.
    Overwritten,
    /// Delete it, as a file we generated that is no longer rendered.
    Deleted,
    /// Replace it with a directory the render needs.
    ReplacedByDirectory,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Overwritten => "overwritten",
            Self::Deleted => "deleted",
            Self::ReplacedByDirectory => "replaced by a directory",
        })
    }
}

/// Why a tree could not be written. The target directory is as it was, except in one case:
/// when the swap moved it aside, could not move the new tree in and could not move it back
/// either, the [`WriteError::Io`] message says where the previous tree is.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Files are in the way and the write was not forced; nothing was written.
    #[error(
        "refusing to overwrite or delete {} path{} edited by hand or not generated by \
         thanos-kustomize; nothing was written:{}",
        .0.len(),
        if .0.len() == 1 { "" } else { "s" },
        list(.0)
    )]
    Refused(Vec<Change>),
    /// The target exists and is not a directory.
    #[error("{} exists and is not a directory", .0.display())]
    NotADirectory(PathBuf),
    /// A path of the tree is not purely relative (`..`, a leading `/`, an empty or `.`
    /// component): it could name something outside the target. Nothing was read or
    /// written.
    #[error("refusing to write {0:?}: a path of the tree must be relative, without `..`, `.` or empty components")]
    UnsafePath(String),
    /// A `.DIR.old-*` directory is beside the target: an earlier write crashed during
    /// its swap, or kept the previous tree because files changed while it ran. It may
    /// hold the only copy of files of the target, so nothing is written until someone
    /// looked at it.
    #[error(
        "{leftover} is left over from an earlier write of {dir} that did not finish, or that kept \
         the previous tree because files in it changed meanwhile; its `tree` directory \
         holds that previous tree. If {dir} is missing, move it back \
         (mv {leftover}/tree {dir}); otherwise copy what you need from it into {dir}. \
         Then delete {leftover} and run again",
        leftover = .leftover.display(),
        dir = .dir.display()
    )]
    Interrupted {
        /// The target.
        dir: PathBuf,
        /// The `.DIR.old-*` directory.
        leftover: PathBuf,
    },
    /// Paths of the target changed between [`plan`] and the swap (another program wrote,
    /// deleted or replaced them); nothing was written, run again.
    #[error(
        "{} changed while the new tree was being built, in: {}; nothing was written, run again",
        dir.display(),
        .paths.join(", ")
    )]
    ChangedMeanwhile {
        /// The target.
        dir: PathBuf,
        /// The paths that changed, appeared or disappeared.
        paths: Vec<String>,
    },
    /// Sockets, FIFOs or device files are in the target, in nobody's way. The write
    /// replaces the whole directory and can carry only regular files, directories and
    /// symbolic links over: they would be lost, so nothing was written.
    #[error(
        "cannot write {}: it holds {}, which the write cannot carry over into the new \
         directory (it replaces the whole directory); move them out of it and run again; \
         nothing was written",
        dir.display(),
        .paths.iter().map(|(path, kind)| format!("{path} ({kind})")).collect::<Vec<_>>().join(", ")
    )]
    CannotCarryOver {
        /// The target.
        dir: PathBuf,
        /// The paths and what they are (`socket`, `FIFO`, `device file`).
        paths: Vec<(String, &'static str)>,
    },
    /// The target cannot be swapped (it is `/`, has no name, or holds the current
    /// directory).
    #[error("cannot write into {}: {reason}", path.display())]
    BadTarget {
        /// The target.
        path: PathBuf,
        /// Why.
        reason: &'static str,
    },
    /// A file system operation failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path the operation was on.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
}

fn list(changes: &[Change]) -> String {
    changes
        .iter()
        .map(|change| match change.kind {
            ChangeKind::Refused(refusal) | ChangeKind::Forced(refusal) => {
                format!("\n  {}: {refusal}", change.path)
            }
            other => format!("\n  {}: {other}", change.path),
        })
        .collect()
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_owned(),
        source,
    }
}

/// What is on disk at one path of the target, found by [`scan`]. Two scans that give equal
/// values saw the same thing (see [`Plan::changed_since_plan`]).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Existing {
    /// A regular file: whose it is, its bytes (only the first ones unless it starts like a
    /// generated file), and its identity.
    File(Provenance, Vec<u8>, Stamp),
    /// A symbolic link, with its target.
    Link(PathBuf),
    /// A socket, FIFO or device file: what it is.
    Special(&'static str, Stamp),
    Directory {
        empty: bool,
    },
}

/// What tells a file changed without reading all of it: size, modification time and, on
/// Unix, device, inode and mode. (Not the change time, which a hard link to the file
/// updates.)
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    identity: (u64, u64, u32),
}

impl Stamp {
    fn of(meta: &fs::Metadata) -> Self {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt as _;
        Self {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            identity: (meta.dev(), meta.ino(), meta.mode()),
        }
    }
}

/// What kind of file a special file is, for messages.
fn special_kind(kind: fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if kind.is_socket() {
            return "socket";
        }
        if kind.is_fifo() {
            return "FIFO";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "device file";
        }
    }
    let _ = kind;
    "special file"
}

/// Reads the target directory: every path below it, directories included, without
/// following links.
fn scan(dir: &Path) -> Result<BTreeMap<String, Existing>, WriteError> {
    fn walk(
        dir: &Path,
        prefix: &str,
        out: &mut BTreeMap<String, Existing>,
    ) -> Result<bool, WriteError> {
        let mut empty = true;
        let mut entries = fs::read_dir(dir)
            .map_err(io_error(dir))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(io_error(dir))?;
        entries.sort_by_key(fs::DirEntry::file_name);
        for entry in entries {
            empty = false;
            let path = entry.path();
            let name = entry.file_name();
            let Some(name) = name.to_str() else {
                return Err(WriteError::Io {
                    path,
                    source: io::Error::new(
                        io::ErrorKind::InvalidData,
                        "the file name is not UTF-8; move it out of the directory",
                    ),
                });
            };
            let rel = format!("{prefix}{name}");
            let kind = entry.file_type().map_err(io_error(&path))?;
            let existing = if kind.is_dir() {
                let empty = walk(&path, &format!("{rel}/"), out)?;
                Existing::Directory { empty }
            } else if kind.is_file() {
                read_file(&path)?
            } else if kind.is_symlink() {
                Existing::Link(fs::read_link(&path).map_err(io_error(&path))?)
            } else {
                let meta = fs::symlink_metadata(&path).map_err(io_error(&path))?;
                Existing::Special(special_kind(kind), Stamp::of(&meta))
            };
            out.insert(rel, existing);
        }
        Ok(empty)
    }
    let mut out = BTreeMap::new();
    walk(dir, "", &mut out)?;
    Ok(out)
}

/// Reads a regular file of the target: whole when it starts like a generated file, else
/// only its first bytes (a large file of someone else's is not read into memory).
fn read_file(path: &Path) -> Result<Existing, WriteError> {
    use io::Read as _;
    let mut file = fs::File::open(path).map_err(io_error(path))?;
    let stamp = Stamp::of(&file.metadata().map_err(io_error(path))?);
    let header = marker::GENERATED_LINE.len() + 1;
    let mut bytes = Vec::new();
    (&mut file)
        .take(header as u64)
        .read_to_end(&mut bytes)
        .map_err(io_error(path))?;
    if !bytes.starts_with(marker::GENERATED_LINE.as_bytes()) {
        return Ok(Existing::File(Provenance::Foreign, bytes, stamp));
    }
    file.read_to_end(&mut bytes).map_err(io_error(path))?;
    let provenance = std::str::from_utf8(&bytes).map_or(Provenance::Foreign, marker::provenance);
    Ok(Existing::File(provenance, bytes, stamp))
}

/// The decisions for writing one tree into one directory. Nothing is written until
/// [`Plan::apply`].
#[derive(Debug)]
pub struct Plan<'t> {
    tree: &'t Tree,
    target: PathBuf,
    exists: bool,
    /// What the scan saw, to tell whether the directory changed before the swap.
    existing: BTreeMap<String, Existing>,
    changes: Vec<Change>,
    /// Empty directories already there, carried over.
    empty_dirs: Vec<String>,
    /// Directories that were there, with their permissions carried over.
    dirs: BTreeSet<String>,
}

/// Reads `dir` and decides what writing `tree` into it does, file by file; with `force`,
/// files edited by hand or not ours that are in the way are planned as
/// [`ChangeKind::Forced`] instead of [`ChangeKind::Refused`]. A missing `dir` plans every
/// file as added.
///
/// Refused before the disk is read: a tree path that is not purely relative
/// ([`WriteError::UnsafePath`]), and a `.DIR.old-*` directory beside `DIR` left by an
/// earlier write ([`WriteError::Interrupted`]).
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
        None => (absolute(dir)?, None),
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

/// A `.DIR.old-*` directory beside `target`, left by a write that crashed during its swap
/// or kept the previous tree (see the [module documentation](self)).
fn leftover_beside(target: &Path) -> Result<Option<PathBuf>, WriteError> {
    let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
        return Ok(None);
    };
    let prefix = format!(".{}.old-", name.to_string_lossy());
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

fn absolute(dir: &Path) -> Result<PathBuf, WriteError> {
    if dir.is_absolute() {
        Ok(dir.to_owned())
    } else {
        let cwd = std::env::current_dir().map_err(io_error(Path::new(".")))?;
        Ok(cwd.join(dir))
    }
}

/// The outcome of a write: every path and what happened to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The directory written, with links resolved.
    pub dir: PathBuf,
    /// Every path of the old and the new tree, sorted.
    pub changes: Vec<Change>,
    /// Set when the previous tree was not deleted after the swap: where it is and why.
    /// A later write refuses ([`WriteError::Interrupted`]) until it is deleted.
    pub leftover: Option<Leftover>,
}

/// The previous tree, left beside the target after a successful swap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    /// The `.DIR.old-*` directory; the previous tree is its `tree` directory.
    pub holder: PathBuf,
    /// Why it was left.
    pub reason: LeftoverReason,
}

/// Why the previous tree was left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeftoverReason {
    /// These paths changed in the previous tree between the check before the swap and
    /// the swap (or during it): what was written there is only in the previous tree.
    Changed(Vec<String>),
    /// The previous tree could not be read again to check it, so it was kept.
    NotChecked(String),
    /// Deleting it failed.
    NotDeleted(String),
}

impl fmt::Display for Leftover {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tree = self.holder.join("tree");
        match &self.reason {
            LeftoverReason::Changed(paths) => write!(
                f,
                "files changed in the directory while it was being replaced ({}); the \
                 previous tree, with those changes, is kept in {}: copy what you need from \
                 it, then delete {}",
                paths.join(", "),
                tree.display(),
                self.holder.display()
            ),
            LeftoverReason::NotChecked(error) => write!(
                f,
                "the previous tree could not be checked for changes made during the write \
                 ({error}); it is kept in {}: copy what you need from it, then delete {}",
                tree.display(),
                self.holder.display()
            ),
            LeftoverReason::NotDeleted(error) => write!(
                f,
                "the previous tree could not be deleted ({error}): delete {}",
                self.holder.display()
            ),
        }
    }
}

impl Report {
    /// How many paths had this outcome.
    #[must_use]
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.changes.iter().filter(|c| c.kind == kind).count()
    }

    /// Whether the directory already held exactly the render.
    #[must_use]
    pub fn is_unchanged(&self) -> bool {
        !self.changes.iter().any(|c| c.kind.is_change())
    }

    /// What `thanos-kustomize render --out` and the `four-clusters` example print: one
    /// line per added, changed, removed or forced path (`shown` is how the directory is
    /// named, such as the argument given), then the counts. Ends in a newline.
    #[must_use]
    pub fn summary(&self, shown: &str) -> String {
        use fmt::Write as _;
        let mut out = String::new();
        for change in &self.changes {
            match change.kind {
                ChangeKind::Added | ChangeKind::Changed | ChangeKind::Removed => {
                    let _ = writeln!(
                        out,
                        "{:<8} {shown}/{}",
                        change.kind.to_string(),
                        change.path
                    );
                }
                ChangeKind::Forced(refusal) => {
                    let _ = writeln!(out, "{:<8} {shown}/{} ({refusal})", "forced", change.path);
                }
                ChangeKind::Unchanged | ChangeKind::Kept | ChangeKind::Refused(_) => {}
            }
        }
        let forced = self
            .changes
            .iter()
            .filter(|c| matches!(c.kind, ChangeKind::Forced(_)))
            .count();
        let _ = write!(
            out,
            "{shown}: {} added, {} changed, {} removed, {} unchanged",
            self.count(ChangeKind::Added),
            self.count(ChangeKind::Changed),
            self.count(ChangeKind::Removed),
            self.count(ChangeKind::Unchanged),
        );
        if forced > 0 {
            let _ = write!(out, ", {forced} forced");
        }
        let kept = self.count(ChangeKind::Kept);
        if kept > 0 {
            let _ = write!(
                out,
                ", {kept} other file{} left alone",
                if kept == 1 { "" } else { "s" }
            );
        }
        out.push('\n');
        out
    }
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

    /// The directory the plan writes, with links resolved.
    #[must_use]
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Whether the plan changes nothing: the directory exists and holds exactly the
    /// render (besides files that are not ours and in nobody's way).
    #[must_use]
    pub fn is_up_to_date(&self) -> bool {
        self.exists && !self.changes.iter().any(|c| c.kind.is_change())
    }

    /// Writes the plan: refuses as a whole when anything is refused, else builds the new
    /// tree beside the target and swaps it in (see the [module documentation](self)).
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

    /// Swaps the staged tree in. Returns where the previous tree was left when it was not
    /// deleted.
    ///
    /// Just before the swap, the target is read again and compared with what the plan
    /// saw: any difference aborts with [`WriteError::ChangedMeanwhile`] and nothing is
    /// written. After the swap, before the previous tree is deleted, it is compared once
    /// more (what changed in the few system calls between); on any difference, or when it
    /// cannot be read, it is kept and reported instead of deleted.
    fn swap(
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
        hook(Stage::BeforeCheck, &self.target);
        let changed = self.changed_since_plan(&self.target, staged)?;
        if !changed.is_empty() {
            return Err(WriteError::ChangedMeanwhile {
                dir: self.target.clone(),
                paths: changed,
            });
        }
        let old_holder = tempfile::Builder::new()
            .prefix(&format!(".{name}.old-"))
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
        hook(Stage::AfterSwap, &old);
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

/// Points of [`Plan::swap`] where tests change the directory, as another program could.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// The new tree is built; the target is about to be checked against the plan.
    BeforeCheck,
    /// The swap is done; the previous tree (the path given) is about to be checked.
    AfterSwap,
}

#[cfg(test)]
type Hook = Box<dyn FnMut(Stage, &Path)>;

#[cfg(test)]
thread_local! {
    static HOOK: std::cell::RefCell<Option<Hook>> = const { std::cell::RefCell::new(None) };
}

#[cfg(test)]
fn hook(stage: Stage, path: &Path) {
    HOOK.with(|hook| {
        if let Some(hook) = hook.borrow_mut().as_mut() {
            hook(stage, path);
        }
    });
}

#[cfg(not(test))]
fn hook(_stage: Stage, _path: &Path) {}

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

/// Plans and applies: writes `tree` into `dir` (see the [module documentation](self)).
pub fn write_dir(tree: &Tree, dir: impl AsRef<Path>, force: bool) -> Result<Report, WriteError> {
    plan(tree, dir.as_ref(), force)?.apply()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> Tree {
        let mut tree = Tree::default();
        for (path, body) in files {
            tree.insert((*path).to_owned(), (*body).to_owned(), &[]);
        }
        tree
    }

    /// Everything below `dir`: paths to file bytes, `<dir>` or `-> target` for links.
    fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) {
            for entry in fs::read_dir(dir).unwrap() {
                let entry = entry.unwrap();
                let rel = format!("{prefix}{}", entry.file_name().to_str().unwrap());
                let kind = entry.file_type().unwrap();
                if kind.is_dir() {
                    out.insert(rel.clone(), b"<dir>".to_vec());
                    walk(&entry.path(), &format!("{rel}/"), out);
                } else if kind.is_symlink() {
                    let target = fs::read_link(entry.path()).unwrap();
                    out.insert(rel, format!("-> {}", target.display()).into_bytes());
                } else if kind.is_file() {
                    out.insert(rel, fs::read(entry.path()).unwrap());
                } else {
                    out.insert(rel, b"<special>".to_vec());
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(dir, "", &mut out);
        out
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn kinds(report: &Report) -> Vec<(&str, ChangeKind)> {
        report
            .changes
            .iter()
            .map(|c| (c.path.as_str(), c.kind))
            .collect()
    }

    const THREE: &[(&str, &str)] = &[
        ("base/values.yaml", "a: 1\n"),
        ("overlays/one/kustomization.yaml", "b: 1\n"),
        ("overlays/two/kustomization.yaml", "c: 1\n"),
    ];

    #[test]
    fn fresh_write_adds_everything_and_leaves_nothing_beside() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("deploy");
        let tree = tree(THREE);
        let report = write_dir(&tree, &dir, false).unwrap();
        assert_eq!(report.count(ChangeKind::Added), 3);
        assert_eq!(report.leftover, None);
        for (path, content) in tree.iter() {
            assert_eq!(fs::read_to_string(dir.join(path)).unwrap(), content);
        }
        assert_eq!(names(parent.path()), ["deploy"]);

        // Writing again changes nothing, not even the files' identity.
        let before = snapshot(&dir);
        let report = write_dir(&tree, &dir, false).unwrap();
        assert!(report.is_unchanged());
        assert_eq!(report.count(ChangeKind::Unchanged), 3);
        assert_eq!(snapshot(&dir), before);
    }

    #[test]
    fn missing_parents_are_created() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("a/b/deploy");
        write_dir(&tree(THREE), &dir, false).unwrap();
        assert!(dir.join("base/values.yaml").is_file());
    }

    #[test]
    fn stale_generated_files_and_their_directories_go_foreign_ones_stay() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("deploy");
        write_dir(&tree(THREE), &dir, false).unwrap();
        fs::write(dir.join("overlays/one/README.md"), "mine\n").unwrap();
        fs::create_dir(dir.join("empty")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("../base/values.yaml", dir.join("overlays/link")).unwrap();

        let smaller = tree(&[("base/values.yaml", "a: 2\n")]);
        let report = write_dir(&smaller, &dir, false).unwrap();
        let mut expected = vec![
            ("base/values.yaml", ChangeKind::Changed),
            ("overlays/one/README.md", ChangeKind::Kept),
            ("overlays/one/kustomization.yaml", ChangeKind::Removed),
            ("overlays/two/kustomization.yaml", ChangeKind::Removed),
        ];
        if cfg!(unix) {
            expected.insert(1, ("overlays/link", ChangeKind::Kept));
        }
        assert_eq!(kinds(&report), expected);
        assert!(dir.join("empty").is_dir());
        assert!(!dir.join("overlays/two").exists());
        assert!(!dir.join("overlays/one/kustomization.yaml").exists());
        assert_eq!(
            fs::read_to_string(dir.join("overlays/one/README.md")).unwrap(),
            "mine\n"
        );
        #[cfg(unix)]
        assert_eq!(
            fs::read_link(dir.join("overlays/link")).unwrap(),
            Path::new("../base/values.yaml")
        );
        assert_eq!(names(parent.path()), ["deploy"]);
    }

    #[test]
    fn edited_and_foreign_files_in_the_way_are_refused_as_a_whole_unless_forced() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("deploy");
        write_dir(&tree(THREE), &dir, false).unwrap();
        let edited = dir.join("overlays/two/kustomization.yaml");
        let text = fs::read_to_string(&edited).unwrap();
        fs::write(&edited, text.replace("c: 1", "c: 2")).unwrap();
        fs::write(dir.join("base/values.yaml"), "hand: written\n").unwrap();
        let before = snapshot(&dir);

        // The edited file is stale (to be deleted), the foreign one would be overwritten.
        let next = tree(&[
            ("base/values.yaml", "a: 1\n"),
            ("overlays/one/kustomization.yaml", "b: 2\n"),
        ]);
        let error = write_dir(&next, &dir, false).unwrap_err();
        let WriteError::Refused(refused) = &error else {
            panic!("{error}");
        };
        assert_eq!(
            refused
                .iter()
                .map(|c| (c.path.as_str(), c.kind))
                .collect::<Vec<_>>(),
            [
                (
                    "base/values.yaml",
                    ChangeKind::Refused(Refusal {
                        found: Found::Foreign,
                        action: Action::Overwritten
                    })
                ),
                (
                    "overlays/two/kustomization.yaml",
                    ChangeKind::Refused(Refusal {
                        found: Found::Edited,
                        action: Action::Deleted
                    })
                ),
            ]
        );
        let message = error.to_string();
        assert!(
            message.contains("base/values.yaml: file not generated"),
            "{message}"
        );
        assert_eq!(snapshot(&dir), before);
        assert_eq!(names(parent.path()), ["deploy"]);

        let report = write_dir(&next, &dir, true).unwrap();
        assert_eq!(report.count(ChangeKind::Changed), 1);
        assert_eq!(
            fs::read_to_string(dir.join("base/values.yaml")).unwrap(),
            next.get("base/values.yaml").unwrap()
        );
        assert!(!dir.join("overlays/two").exists());
    }

    #[test]
    fn a_file_where_a_directory_goes_and_the_reverse_are_refused() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("deploy");
        fs::create_dir_all(dir.join("base/values.yaml")).unwrap();
        fs::write(dir.join("base/values.yaml/x"), "x\n").unwrap();
        fs::write(dir.join("base/values.yaml-notes"), "n\n").unwrap();
        fs::write(dir.join("overlays"), "not a directory\n").unwrap();
        let before = snapshot(&dir);
        let tree = tree(THREE);

        let plan = plan(&tree, &dir, false).unwrap();
        let refused: Vec<_> = plan.refused().map(|c| c.path.as_str()).collect();
        assert_eq!(refused, ["base/values.yaml", "overlays"]);
        assert!(matches!(plan.apply(), Err(WriteError::Refused(_))));
        assert_eq!(snapshot(&dir), before);

        write_dir(&tree, &dir, true).unwrap();
        for (path, content) in tree.iter() {
            assert_eq!(fs::read_to_string(dir.join(path)).unwrap(), content);
        }
        assert_eq!(
            fs::read_to_string(dir.join("base/values.yaml-notes")).unwrap(),
            "n\n"
        );
    }

    #[test]
    fn a_target_that_is_a_file_is_an_error() {
        let parent = tempfile::tempdir().unwrap();
        let file = parent.path().join("deploy");
        fs::write(&file, "x").unwrap();
        assert!(matches!(
            write_dir(&tree(THREE), &file, false),
            Err(WriteError::NotADirectory(_))
        ));
        assert!(matches!(
            write_dir(&tree(THREE), file.join("below"), true),
            Err(WriteError::Io { .. })
        ));
        assert_eq!(fs::read_to_string(&file).unwrap(), "x");
        assert_eq!(names(parent.path()), ["deploy"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_socket_in_nobodys_way_is_refused_before_anything_is_written() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("deploy");
        write_dir(&tree(THREE), &dir, false).unwrap();
        // A socket cannot be carried over into the new tree: it would be lost.
        let _socket = std::os::unix::net::UnixListener::bind(dir.join("zz.sock")).unwrap();
        let before = snapshot(&dir);
        let error = write_dir(&tree(&THREE[..2]), &dir, true).unwrap_err();
        let WriteError::CannotCarryOver { paths, .. } = &error else {
            panic!("{error}");
        };
        assert_eq!(paths, &[("zz.sock".to_owned(), "socket")]);
        assert!(error.to_string().contains("zz.sock (socket)"), "{error}");
        assert_eq!(snapshot(&dir), before);
        assert_eq!(names(parent.path()), ["deploy"]);
        // Nothing to write: the socket stays where it is.
        assert!(write_dir(&tree(THREE), &dir, false).unwrap().is_unchanged());
    }

    #[test]
    fn a_failure_while_building_leaves_the_old_tree_byte_identical() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("deploy");
        write_dir(&tree(THREE), &dir, false).unwrap();
        fs::write(dir.join("NOTES.md"), "mine\n").unwrap();
        let next = tree(&THREE[..2]);
        let plan = plan(&next, &dir, false).unwrap();
        // The kept file goes between plan and apply: carrying it over fails midway.
        fs::remove_file(dir.join("NOTES.md")).unwrap();
        let before = snapshot(&dir);
        let error = plan.apply().unwrap_err();
        assert!(error.to_string().contains("NOTES.md"), "{error}");
        assert_eq!(snapshot(&dir), before);
        assert_eq!(names(parent.path()), ["deploy"]);
    }

    #[test]
    fn a_path_leaving_the_directory_is_refused_before_the_disk_is_touched() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("a/deploy");
        for bad in [
            "../escape.yaml",
            "base/../../escape.yaml",
            "/tmp/escape.yaml",
            "base//x",
            "./x",
        ] {
            let tree = tree(&[("base/values.yaml", "a: 1\n"), (bad, "x: 1\n")]);
            let error = plan(&tree, &dir, true).unwrap_err();
            assert!(
                matches!(&error, WriteError::UnsafePath(path) if path == bad),
                "{error}"
            );
            assert!(write_dir(&tree, &dir, true).is_err());
        }
        assert!(names(parent.path()).is_empty());
    }

    #[test]
    fn files_changed_between_plan_and_swap_abort_the_write() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("deploy");
        write_dir(&tree(THREE), &dir, false).unwrap();
        fs::write(dir.join("NOTES.md"), "mine\n").unwrap();
        let next = tree(&THREE[..2]);

        // A chart pulled into the directory (kubectl kustomize --enable-helm).
        let plan_one = plan(&next, &dir, false).unwrap();
        fs::create_dir_all(dir.join("overlays/two/charts")).unwrap();
        fs::write(dir.join("overlays/two/charts/chart.tgz"), "chart").unwrap();
        let before = snapshot(&dir);
        let error = plan_one.apply().unwrap_err();
        let WriteError::ChangedMeanwhile { paths, .. } = &error else {
            panic!("{error}");
        };
        assert_eq!(
            paths,
            &["overlays/two/charts", "overlays/two/charts/chart.tgz"]
        );
        assert_eq!(snapshot(&dir), before);
        assert_eq!(names(parent.path()), ["deploy"]);
        fs::remove_dir_all(dir.join("overlays/two/charts")).unwrap();

        // An editor saving a kept file: write a new file, rename it over the old one.
        let plan_two = plan(&next, &dir, false).unwrap();
        fs::write(dir.join(".NOTES.md.swp"), "mine, edited\n").unwrap();
        fs::rename(dir.join(".NOTES.md.swp"), dir.join("NOTES.md")).unwrap();
        let error = plan_two.apply().unwrap_err();
        assert!(
            matches!(&error, WriteError::ChangedMeanwhile { paths, .. } if paths == &["NOTES.md"]),
            "{error}"
        );
        assert_eq!(
            fs::read_to_string(dir.join("NOTES.md")).unwrap(),
            "mine, edited\n"
        );

        // Run again: written, the edit kept.
        write_dir(&next, &dir, false).unwrap();
        assert_eq!(
            fs::read_to_string(dir.join("NOTES.md")).unwrap(),
            "mine, edited\n"
        );
    }

    /// Runs `f` with the swap's test hook set to `hook`.
    fn with_hook<T>(hook: impl FnMut(Stage, &Path) + 'static, f: impl FnOnce() -> T) -> T {
        HOOK.with(|h| *h.borrow_mut() = Some(Box::new(hook)));
        let result = f();
        HOOK.with(|h| *h.borrow_mut() = None);
        result
    }

    #[test]
    fn files_changed_during_the_swap_keep_the_previous_tree_and_block_the_next_write() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("deploy");
        write_dir(&tree(THREE), &dir, false).unwrap();
        let next = tree(&THREE[..2]);
        // Something writes into the old directory after the check before the swap (a
        // program whose working directory it is, say).
        let report = with_hook(
            |stage, path| {
                if stage == Stage::AfterSwap {
                    fs::write(path.join("late.txt"), "late\n").unwrap();
                }
            },
            || write_dir(&next, &dir, false).unwrap(),
        );
        let leftover = report.leftover.expect("the previous tree is kept");
        assert_eq!(
            leftover.reason,
            LeftoverReason::Changed(vec!["late.txt".to_owned()])
        );
        assert_eq!(
            fs::read_to_string(leftover.holder.join("tree/late.txt")).unwrap(),
            "late\n"
        );
        assert!(leftover.to_string().contains("late.txt"), "{leftover}");
        // The new tree is in place.
        assert!(!dir.join("overlays/two").exists());

        // The next write refuses until the previous tree is dealt with.
        let error = write_dir(&next, &dir, false).unwrap_err();
        assert!(matches!(&error, WriteError::Interrupted { .. }), "{error}");
        fs::remove_dir_all(&leftover.holder).unwrap();
        assert!(write_dir(&next, &dir, false).unwrap().is_unchanged());
    }

    #[test]
    fn a_crash_between_the_renames_blocks_the_next_write() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("deploy");
        write_dir(&tree(THREE), &dir, false).unwrap();
        fs::write(dir.join("NOTES.md"), "mine\n").unwrap();
        // The state a crash after the first rename leaves.
        let holder = parent.path().join(".deploy.old-AbC123");
        fs::create_dir(&holder).unwrap();
        fs::rename(&dir, holder.join("tree")).unwrap();

        for force in [false, true] {
            let error = write_dir(&tree(THREE), &dir, force).unwrap_err();
            let WriteError::Interrupted { leftover, .. } = &error else {
                panic!("{error}");
            };
            assert_eq!(leftover, &fs::canonicalize(&holder).unwrap());
            let message = error.to_string();
            assert!(message.contains("mv "), "{message}");
            assert!(message.contains(".deploy.old-AbC123"), "{message}");
        }
        assert!(!dir.exists());
        assert!(plan(&tree(THREE), &dir, false).is_err());

        // Restored as the message says: the foreign file is there again.
        fs::rename(holder.join("tree"), &dir).unwrap();
        fs::remove_dir(&holder).unwrap();
        write_dir(&tree(THREE), &dir, false).unwrap();
        assert_eq!(fs::read_to_string(dir.join("NOTES.md")).unwrap(), "mine\n");
    }

    #[test]
    fn the_summary_lists_changes_and_counts() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("deploy");
        write_dir(&tree(THREE), &dir, false).unwrap();
        fs::write(dir.join("NOTES.md"), "mine\n").unwrap();
        let next = tree(&[
            ("base/values.yaml", "a: 2\n"),
            ("overlays/one/kustomization.yaml", "b: 1\n"),
            ("overlays/three/kustomization.yaml", "d: 1\n"),
        ]);
        let report = write_dir(&next, &dir, false).unwrap();
        assert_eq!(
            report.summary("out"),
            "changed  out/base/values.yaml\n\
             added    out/overlays/three/kustomization.yaml\n\
             removed  out/overlays/two/kustomization.yaml\n\
             out: 1 added, 1 changed, 1 removed, 1 unchanged, 1 other file left alone\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_target_is_written_through_the_link() {
        let parent = tempfile::tempdir().unwrap();
        let real = parent.path().join("real");
        write_dir(&tree(THREE), &real, false).unwrap();
        let link = parent.path().join("link");
        std::os::unix::fs::symlink("real", &link).unwrap();
        let report = write_dir(&tree(&THREE[..1]), &link, false).unwrap();
        assert_eq!(report.dir, fs::canonicalize(&real).unwrap());
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert!(!real.join("overlays").exists());
        assert_eq!(names(parent.path()), ["link", "real"]);
    }
}
