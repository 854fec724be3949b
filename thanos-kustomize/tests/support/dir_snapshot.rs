//! A directory's whole content, to compare before and after a write. Shared by the
//! writer's unit tests (`src/write/tests.rs`) and the command-line tests (`tests/cli.rs`).

use std::{collections::BTreeMap, fs, path::Path};

/// Everything below `dir`: paths to file bytes, `<dir>` or `-> target` for links.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
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

pub fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
