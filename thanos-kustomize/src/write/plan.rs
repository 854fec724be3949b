//! Reading the target and deciding, path by path, what a write does ([`plan()`],
//! [`Plan`]): added, changed, unchanged, removed, kept, or refused (forced).

use std::{
    collections::{BTreeMap, BTreeSet},
    fs, io,
    path::{Path, PathBuf},
};

use thanos_render::{
    is_safe_relative_path,
    marker::{self, Provenance},
    Tree,
};

use super::{error::io_error, report::any_change};
use super::{Action, Change, ChangeKind, Found, Refusal, WriteError};

/// Name prefix of the temporary file each rendered file is written to before it is
/// renamed into place. One left by an interrupted write is removed by the next.
pub(super) const TEMP_PREFIX: &str = ".thanos-kustomize-tmp-";

/// The decisions for writing one tree into one directory. Nothing is written until
/// [`Plan::apply`](super::Plan::apply).
#[derive(Debug)]
pub struct Plan<'t> {
    pub(super) tree: &'t Tree,
    pub(super) target: PathBuf,
    pub(super) exists: bool,
    pub(super) changes: Vec<Change>,
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

    /// The directory the plan writes.
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

/// What is on disk at one path of the target.
#[derive(Debug)]
enum Existing {
    /// A regular file: whose it is, and its bytes when it is ours.
    File(Provenance, Vec<u8>),
    /// A symbolic link (never followed), socket, FIFO or device file.
    Special,
    /// A directory.
    Directory,
}

/// Reads `dir` and decides what writing `tree` into it does, file by file; with `force`,
/// files edited by hand or not ours that are in the way are planned as
/// [`ChangeKind::Forced`] instead of [`ChangeKind::Refused`]. A missing `dir` plans every
/// file as added. A tree path that is not purely relative is refused before the disk is
/// read ([`WriteError::UnsafePath`]).
pub fn plan<'t>(tree: &'t Tree, dir: &Path, force: bool) -> Result<Plan<'t>, WriteError> {
    if let Some((path, _)) = tree.iter().find(|(path, _)| !is_safe_relative_path(path)) {
        return Err(WriteError::UnsafePath(path.to_owned()));
    }
    let existing = match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => Some(scan(dir)?),
        Ok(_) => return Err(WriteError::NotADirectory(dir.to_owned())),
        Err(error) if error.kind() == io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(WriteError::Io {
                path: dir.to_owned(),
                source,
            })
        }
    };
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
            Existing::Directory if is_rendered => {
                blocking_dirs.push(path);
                refuse_or_force(Found::Directory, Action::Overwritten)
            }
            Existing::Directory => continue,
            Existing::File(..) if is_temp_file(path) && !is_rendered && !is_needed_dir => {
                ChangeKind::Removed
            }
            // An embedder's own file, in its own tree: written as given.
            Existing::File(..) if is_rendered && tree.is_owned(path) => {
                if fs::read(dir.join(path)).ok().as_deref() == tree.get(path).map(str::as_bytes) {
                    ChangeKind::Unchanged
                } else {
                    ChangeKind::Changed
                }
            }
            Existing::File(provenance, content) => {
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
                    // A stale file of ours, also where a directory now goes.
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
            Existing::Special if is_rendered => {
                refuse_or_force(Found::Special, Action::Overwritten)
            }
            Existing::Special if is_needed_dir => {
                refuse_or_force(Found::Special, Action::ReplacedByDirectory)
            }
            Existing::Special => ChangeKind::Kept,
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
        target: dir.to_owned(),
        exists,
        changes,
    })
}

/// Whether `path` names a temporary file an interrupted write left.
fn is_temp_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|name| name.starts_with(TEMP_PREFIX))
}

/// Reads the target directory: every path below it, directories included, without
/// following links.
fn scan(dir: &Path) -> Result<BTreeMap<String, Existing>, WriteError> {
    fn walk(
        dir: &Path,
        prefix: &str,
        out: &mut BTreeMap<String, Existing>,
    ) -> Result<(), WriteError> {
        for entry in fs::read_dir(dir).map_err(io_error(dir))? {
            let entry = entry.map_err(io_error(dir))?;
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
                walk(&path, &format!("{rel}/"), out)?;
                Existing::Directory
            } else if kind.is_file() {
                read_file(&path)?
            } else {
                Existing::Special
            };
            out.insert(rel, existing);
        }
        Ok(())
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
    let mut bytes = Vec::new();
    (&mut file)
        .take(marker::PROBE_LEN as u64)
        .read_to_end(&mut bytes)
        .map_err(io_error(path))?;
    if !marker::may_be_generated(&bytes) {
        return Ok(Existing::File(Provenance::Foreign, Vec::new()));
    }
    file.read_to_end(&mut bytes).map_err(io_error(path))?;
    let provenance = std::str::from_utf8(&bytes).map_or(Provenance::Foreign, marker::provenance);
    Ok(Existing::File(provenance, bytes))
}
