//! End-to-end tests of [`write_dir`] and [`plan()`]: every one writes real directories.

use std::{collections::BTreeMap, fs, path::Path};

use thanos_render::Tree;

use super::*;

#[path = "../../tests/support/dir_snapshot.rs"]
mod dir_snapshot;
use dir_snapshot::{names, snapshot};

fn tree(files: &[(&str, &str)]) -> Tree {
    let mut tree = Tree::default();
    for (path, body) in files {
        tree.insert((*path).to_owned(), (*body).to_owned(), &[]);
    }
    tree
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

/// A temporary directory holding `THREE` written into its `deploy`, and that directory.
fn written() -> (tempfile::TempDir, std::path::PathBuf) {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("deploy");
    write_dir(&tree(THREE), &dir, false).unwrap();
    (parent, dir)
}

#[test]
fn fresh_write_adds_everything_and_leaves_nothing_beside() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("deploy");
    let tree = tree(THREE);
    let report = write_dir(&tree, &dir, false).unwrap();
    assert_eq!(report.count(ChangeKind::Added), 3);
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
    let (parent, dir) = written();
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
    let (parent, dir) = written();
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
fn the_summary_lists_changes_and_counts() {
    let (_parent, dir) = written();
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
    assert_eq!(report.dir, link);
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(!real.join("overlays").exists());
    assert_eq!(names(parent.path()), ["link", "real"]);
}

#[cfg(unix)]
#[test]
fn a_socket_in_nobodys_way_is_kept_and_one_in_the_way_refused() {
    let (_parent, dir) = written();
    let _kept = std::os::unix::net::UnixListener::bind(dir.join("zz.sock")).unwrap();
    let report = write_dir(&tree(&THREE[..2]), &dir, false).unwrap();
    assert_eq!(report.count(ChangeKind::Removed), 1);
    assert_eq!(report.count(ChangeKind::Kept), 1);
    assert!(dir.join("zz.sock").exists());

    let _in_the_way =
        std::os::unix::net::UnixListener::bind(dir.join("base/values.yaml.new")).unwrap();
    let wants_it = tree(&[("base/values.yaml.new", "x: 1\n")]);
    let before = snapshot(&dir);
    assert!(matches!(
        write_dir(&wants_it, &dir, false),
        Err(WriteError::Refused(_))
    ));
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn an_interrupted_write_is_completed_by_the_next_and_its_temporary_file_removed() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("deploy");
    let old = tree(THREE);
    write_dir(&old, &dir, false).unwrap();
    // What a write killed midway leaves: one file already new, the others old, and the
    // temporary file of the next one, partly written.
    let new = tree(&[
        ("base/values.yaml", "a: 2\n"),
        ("overlays/one/kustomization.yaml", "b: 2\n"),
        ("overlays/two/kustomization.yaml", "c: 2\n"),
    ]);
    fs::write(
        dir.join("base/values.yaml"),
        new.get("base/values.yaml").unwrap(),
    )
    .unwrap();
    let temp = format!("overlays/one/{}kustomization", plan::TEMP_PREFIX);
    fs::write(dir.join(&temp), "# Generated by thanos-kus").unwrap();

    let report = write_dir(&new, &dir, false).unwrap();
    assert_eq!(
        kinds(&report),
        [
            ("base/values.yaml", ChangeKind::Unchanged),
            (temp.as_str(), ChangeKind::Removed),
            ("overlays/one/kustomization.yaml", ChangeKind::Changed),
            ("overlays/two/kustomization.yaml", ChangeKind::Changed),
        ]
    );
    let expected: BTreeMap<String, Vec<u8>> = ["base", "overlays", "overlays/one", "overlays/two"]
        .into_iter()
        .map(|dir| (dir.to_owned(), b"<dir>".to_vec()))
        .chain(
            new.iter()
                .map(|(path, content)| (path.to_owned(), content.as_bytes().to_vec())),
        )
        .collect();
    assert_eq!(snapshot(&dir), expected);
}

#[cfg(unix)]
#[test]
fn written_files_get_ordinary_permissions_and_keep_their_own() {
    use std::os::unix::fs::PermissionsExt as _;
    let (_parent, dir) = written();
    let mode = |path: &str| fs::metadata(dir.join(path)).unwrap().permissions().mode() & 0o777;
    // Not the 0600 of a temporary file: readable by the group like `fs::write` (umask).
    let fresh = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(dir.join("probe"))
        .unwrap();
    let umask_mode = fresh.metadata().unwrap().permissions().mode() & 0o777;
    assert_eq!(mode("base/values.yaml"), umask_mode);
    fs::set_permissions(
        dir.join("overlays/one/kustomization.yaml"),
        fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    write_dir(
        &tree(&[("overlays/one/kustomization.yaml", "b: 2\n")]),
        &dir,
        false,
    )
    .unwrap();
    assert_eq!(mode("overlays/one/kustomization.yaml"), 0o640);
}
