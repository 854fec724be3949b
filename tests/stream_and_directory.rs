//! The two outputs of `cargo run --example four-clusters`: the YAML stream on stdout and
//! the directory `--out` writes hold the same files, byte for byte — the 20 manifests and
//! the runbook `README.md` — so either is a transport of the tree.

use std::{collections::BTreeMap, fs, path::Path};

use thanos_kustomize::write;
use thanos_model::seed::seed;
use thanos_render::{render, Tree, DEFAULT_ROOT};

/// Every file under `root` by its path relative to it.
fn read_dir(root: &Path, dir: &Path, files: &mut BTreeMap<String, String>) {
    for entry in fs::read_dir(dir).expect("the written directory reads") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            read_dir(root, &path, files);
        } else {
            let relative = path.strip_prefix(root).expect("under the root");
            files.insert(
                relative.to_string_lossy().into_owned(),
                fs::read_to_string(&path).expect("a written file is UTF-8"),
            );
        }
    }
}

fn files_of(tree: &Tree) -> BTreeMap<String, String> {
    tree.iter()
        .map(|(path, content)| (path.to_owned(), content.to_owned()))
        .collect()
}

#[test]
fn the_stream_and_the_directory_hold_the_same_files() {
    // What the example does with and without `--out`.
    let tree = render(&seed(3).build().expect("the seed is valid"));
    let mut stream = Vec::new();
    tree.write_stream(DEFAULT_ROOT, &mut stream)
        .expect("the stream is written");
    let work = tempfile::tempdir().expect("a temporary directory");
    let dir = work.path().join(DEFAULT_ROOT);
    write::write_dir(&tree, &dir, false).expect("the directory is written");

    let stream = String::from_utf8(stream).expect("the stream is UTF-8");
    let from_stream =
        Tree::from_stream(&stream, DEFAULT_ROOT).expect("the stream reads back into files");
    let mut on_disk = BTreeMap::new();
    read_dir(&dir, &dir, &mut on_disk);

    assert_eq!(on_disk.len(), 21, "{:?}", on_disk.keys());
    assert!(on_disk.contains_key("README.md"));
    assert_eq!(
        on_disk
            .iter()
            .filter(|(path, _)| path.ends_with(".yaml"))
            .count(),
        20
    );
    assert!(
        files_of(&from_stream) == on_disk,
        "the stream and the directory differ"
    );
}
