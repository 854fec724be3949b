//! End-to-end tests of [`write_dir`] and [`plan()`]: every one writes real directories.

use std::{collections::BTreeMap, fs, path::Path};

use super::swap::with_after_swap_hook;
use super::*;
use crate::Tree;

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

#[test]
fn files_changed_during_the_swap_keep_the_previous_tree_and_block_the_next_write() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("deploy");
    write_dir(&tree(THREE), &dir, false).unwrap();
    let next = tree(&THREE[..2]);
    // Something writes into the old directory after the check before the swap (a
    // program whose working directory it is, say).
    let report = with_after_swap_hook(
        |path| fs::write(path.join("late.txt"), "late\n").unwrap(),
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
