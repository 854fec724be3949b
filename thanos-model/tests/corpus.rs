//! The corpus of bad fleet files in `tests/corpus/`: every file must be refused, and the
//! error text (position, field path, message, hint) is snapshot-tested in `snapshots/`.
//! Files under `valid/` must load; files under `warnings/` must load with warnings, which
//! are snapshot-tested too.

use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
};

use serde_json::Value;
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
                // Every error but that of a file without a fleet has a position.
                if !name.starts_with("input-empty") && !name.starts_with("input-comments-only") {
                    assert!(syntax.line.is_some(), "{name}: no line in {syntax}");
                }
                assert!(!syntax.hint.is_empty(), "{name}: no hint in {syntax}");
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
        for warning in fleet.warnings() {
            assert!(warning.line.is_some(), "{name}: no line for {warning}");
        }
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
fn the_valid_files_load_as_the_seed() {
    let seed = thanos_model::seed::seed(3)
        .build()
        .expect("the seed is valid")
        .into_inner();
    let files = yaml_files(&corpus_dir().join("valid"));
    assert!(files.len() >= 2);
    for file in files {
        let name = stem(&file);
        let loaded = Fleet::from_yaml_file(&file).unwrap_or_else(|error| panic!("{name}: {error}"));
        assert!(
            loaded.warnings().is_empty(),
            "{name}: {:?}",
            loaded.warnings()
        );
        assert_eq!(loaded.into_inner(), seed, "{name}");
    }
}

#[test]
fn a_missing_file_is_an_io_error() {
    let error =
        Fleet::from_yaml_file(corpus_dir().join("no-such-file.yaml")).expect_err("no such file");
    assert!(matches!(error, LoadError::Io { .. }), "{error}");
}

/// Every field of every part of the fleet file (every property in its JSON Schema, as
/// `Type.field`) is on the path of an error or a warning of some corpus file.
#[test]
fn the_corpus_covers_every_field() {
    let schema = Fleet::json_schema().to_value();
    let mut fields = BTreeSet::new();
    fields_of(&schema, "Fleet", &mut fields);
    for (name, definition) in schema["$defs"].as_object().expect("definitions") {
        fields_of(definition, name, &mut fields);
    }
    let mut covered = BTreeSet::new();
    let root = corpus_dir();
    for file in yaml_files(&root)
        .into_iter()
        .chain(yaml_files(&root.join("warnings")))
    {
        let paths: Vec<String> = match Fleet::from_yaml_file(&file) {
            Ok(fleet) => fleet.warnings().iter().map(|d| d.path.clone()).collect(),
            Err(LoadError::Syntax(error)) => error.path.into_iter().collect(),
            Err(LoadError::Invalid(error)) => {
                error.diagnostics().iter().map(|d| d.path.clone()).collect()
            }
            Err(error) => panic!("{error}"),
        };
        for path in paths {
            fields_on_path(&schema, &path, &mut covered);
        }
    }
    let missing: Vec<_> = fields.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "fields no corpus file covers: {missing:?}"
    );
}

/// `Type.field` for every property of a definition (and of its variants).
fn fields_of(definition: &Value, name: &str, out: &mut BTreeSet<String>) {
    if let Some(properties) = definition["properties"].as_object() {
        out.extend(properties.keys().map(|field| format!("{name}.{field}")));
    }
    for variant in definition["oneOf"].as_array().into_iter().flatten() {
        fields_of(variant, name, out);
    }
}

/// The definition a property's schema leads to (through `$ref` and nullable `anyOf`),
/// with its name.
fn resolve<'a>(schema: &'a Value, node: &'a Value, name: &str) -> (&'a Value, String) {
    if let Some(reference) = node["$ref"].as_str() {
        let target = reference.trim_start_matches("#/$defs/");
        return (&schema["$defs"][target], target.to_owned());
    }
    if let Some(alternatives) = node["anyOf"].as_array() {
        if let Some(other) = alternatives.iter().find(|a| a["type"] != "null") {
            return resolve(schema, other, name);
        }
    }
    (node, name.to_owned())
}

/// Adds `Type.field` for every step of a diagnostic path.
fn fields_on_path(schema: &Value, path: &str, out: &mut BTreeSet<String>) {
    let (mut node, mut name) = (schema, "Fleet".to_owned());
    for segment in path.split('.') {
        let (key, indexed) = match segment.split_once('[') {
            Some((key, _)) => (key, true),
            None => (segment, false),
        };
        let variants = std::iter::once(node).chain(node["oneOf"].as_array().into_iter().flatten());
        let Some(property) = variants.filter_map(|v| v["properties"].get(key)).next() else {
            return;
        };
        out.insert(format!("{name}.{key}"));
        (node, name) = resolve(schema, property, &name);
        if indexed {
            (node, name) = resolve(schema, &node["items"], &name);
        }
    }
}
