//! Reading the target directory: what is at each path ([`Existing`]), whose a file is
//! (its header, [`Provenance`]) and what tells that it changed ([`Stamp`]).

use std::{
    collections::BTreeMap,
    fs, io,
    path::{Path, PathBuf},
};

use super::error::io_error;
use super::WriteError;
use crate::marker::{self, Provenance};

/// What is on disk at one path of the target, found by [`scan`]. Two scans that give equal
/// values saw the same thing (see `Plan::changed_since_plan`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Existing {
    /// A regular file: whose it is, its bytes (only the first ones unless it starts like a
    /// generated file), and its identity.
    File(Provenance, Vec<u8>, Stamp),
    /// A symbolic link, with its target.
    Link(PathBuf),
    /// A socket, FIFO or device file: what it is.
    Special(&'static str, Stamp),
    /// A directory; `empty` when nothing is in it.
    Directory { empty: bool },
}

/// What tells a file changed without reading all of it: size, modification time and, on
/// Unix, device, inode and mode. (Not the change time, which a hard link to the file
/// updates.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Stamp {
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
pub(super) fn scan(dir: &Path) -> Result<BTreeMap<String, Existing>, WriteError> {
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
