//! The corpus of bad fleet files in `tests/corpus/`: every file must be refused, and the
//! error text (position, field path, message, hint) is snapshot-tested in `snapshots/`.
//! Files under `valid/` must load; files under `warnings/` must load with warnings, which
//! are snapshot-tested too.

use std::{
    fs,
    path::{Path, PathBuf},
};

use thanos_model::{Fleet, LoadError};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    files
}

fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/../snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|stem| stem.to_str())
        .expect("UTF-8 file name")
        .to_owned()
}

#[test]
fn every_bad_file_is_refused_with_a_located_error() {
    let files = yaml_files(&corpus_dir());
    assert!(files.len() >= 25, "only {} bad files", files.len());
    for file in files {
        let name = stem(&file);
        let error = match Fleet::from_yaml_file(&file) {
            Ok(_) => panic!("{name}: loaded, but it is a bad fleet"),
            Err(error) => error,
        };
        match &error {
            LoadError::Syntax(syntax) => {
                // Every shape error but those of the text as a whole has a position.
                if !name.starts_with("input-empty")
                    && !name.starts_with("input-comments-only")
                    && !name.starts_with("input-two-documents")
                {
                    assert!(syntax.line.is_some(), "{name}: no line in {syntax}");
                }
            }
            LoadError::Invalid(invalid) => {
                for diagnostic in invalid.diagnostics() {
                    assert!(
                        diagnostic.line.is_some(),
                        "{name}: no line for {diagnostic}"
                    );
                    assert!(!diagnostic.path.is_empty(), "{name}: no path");
                }
            }
            LoadError::Io { .. } => panic!("{name}: {error}"),
        }
        snapshot(&format!("corpus__{name}"), &error.to_string());
    }
}

#[test]
fn files_with_warnings_load_and_report_them() {
    for file in yaml_files(&corpus_dir().join("warnings")) {
        let name = stem(&file);
        let fleet = Fleet::from_yaml_file(&file).unwrap_or_else(|error| panic!("{name}: {error}"));
        assert!(!fleet.warnings().is_empty(), "{name}: no warning");
        let text = fleet
            .warnings()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n");
        snapshot(&format!("corpus__warnings__{name}"), &text);
    }
}

#[test]
fn the_seed_file_loads_as_the_seed() {
    let file = corpus_dir().join("valid/seed.yaml");
    let loaded = Fleet::from_yaml_file(&file).unwrap_or_else(|error| panic!("{error}"));
    assert!(loaded.warnings().is_empty());
    let seed = thanos_model::seed::seed(3)
        .build()
        .expect("the seed is valid");
    assert_eq!(loaded.into_inner(), seed.into_inner());
}

#[test]
fn a_missing_file_is_an_io_error() {
    let error =
        Fleet::from_yaml_file(corpus_dir().join("no-such-file.yaml")).expect_err("no such file");
    assert!(matches!(error, LoadError::Io { .. }), "{error}");
}
