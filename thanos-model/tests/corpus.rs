//! The corpus of fleet files in `tests/corpus/`, one reported test per file (a
//! `libtest-mimic` harness): every file at the top is refused, every file under
//! `warnings/` loads with warnings, every file under `valid/` loads as the seed.
//!
//! A file is its whole scenario: its `# expect:` comment lines list every diagnostic it
//! must raise, one line each, as `error <path>`, `warning <path>` or `syntax <path>` (a
//! shape or YAML error, which stops the loader; `syntax` alone when it has no path). The
//! test asserts exactly that set of field paths, then snapshot-tests the text (position,
//! path, message, hint) in `snapshots/corpus__<file>.snap`. With `CORPUS_WRITE_EXPECT=1`
//! the `# expect:` lines are rewritten from what the loader reports (review the diff).
//!
//! `the_corpus_covers_every_field` checks that every field of the fleet file (every
//! property of its JSON Schema) is on the path of some corpus diagnostic;
//! `the_rule_table_names_every_corpus_file` that the rule table of `src/validate/mod.rs`
//! names every corpus file (by name or pattern) and only files that exist, and
//! `the_rule_table_names_functions_that_exist` that each function it names is in the file
//! it names.

use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
};

use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::Value;
use thanos_model::{Fleet, LoadError, Severity};

const EXPECT: &str = "# expect: ";

fn main() {
    let args = Arguments::from_args();
    let root = corpus_dir();
    let mut trials = Vec::new();
    let bad = yaml_files(&root);
    assert!(bad.len() >= 25, "only {} bad files", bad.len());
    for file in bad {
        trials.push(Trial::test(format!("bad::{}", stem(&file)), move || {
            refused(&file)
        }));
    }
    for file in yaml_files(&root.join("warnings")) {
        trials.push(Trial::test(
            format!("warnings::{}", stem(&file)),
            move || warns(&file),
        ));
    }
    let valid = yaml_files(&root.join("valid"));
    assert!(valid.len() >= 2);
    for file in valid {
        trials.push(Trial::test(format!("valid::{}", stem(&file)), move || {
            loads_as_the_seed(&file)
        }));
    }
    trials.push(Trial::test("a_missing_file_is_an_io_error", || {
        a_missing_file_is_an_io_error()
    }));
    trials.push(Trial::test("the_corpus_covers_every_field", || {
        the_corpus_covers_every_field()
    }));
    trials.push(Trial::test(
        "the_rule_table_names_every_corpus_file",
        the_rule_table_names_every_corpus_file,
    ));
    trials.push(Trial::test(
        "the_rule_table_names_functions_that_exist",
        the_rule_table_names_functions_that_exist,
    ));
    libtest_mimic::run(&args, trials).exit();
}

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

/// What the loader reports for a file, as `# expect:` entries (`error <path>`, ...),
/// sorted; `None` for an I/O error.
fn reported(file: &Path) -> Result<Vec<String>, Failed> {
    let mut found: Vec<String> = match Fleet::from_yaml_file(file) {
        Ok(fleet) => fleet
            .warnings()
            .iter()
            .map(|d| format!("{} {}", d.severity, d.path))
            .collect(),
        Err(LoadError::Invalid(invalid)) => invalid
            .diagnostics()
            .iter()
            .map(|d| format!("{} {}", d.severity, d.path))
            .collect(),
        Err(LoadError::Syntax(syntax)) => {
            vec![format!("syntax {}", syntax.path.unwrap_or_default())
                .trim_end()
                .to_owned()]
        }
        Err(error @ LoadError::Io { .. }) => return Err(error.to_string().into()),
    };
    found.sort();
    Ok(found)
}

/// The file's `# expect:` entries, sorted.
fn expected(text: &str) -> Vec<String> {
    let mut expected: Vec<String> = text
        .lines()
        .filter_map(|line| line.strip_prefix(EXPECT))
        .map(|entry| entry.trim_end().to_owned())
        .collect();
    expected.sort();
    expected
}

/// Asserts the file raises exactly its `# expect:` entries (or rewrites them, with
/// `CORPUS_WRITE_EXPECT`).
fn check_expected(file: &Path) -> Result<(), Failed> {
    let text = fs::read_to_string(file).map_err(|e| e.to_string())?;
    let found = reported(file)?;
    if std::env::var_os("CORPUS_WRITE_EXPECT").is_some() {
        write_expected(file, &text, &found)?;
        return Ok(());
    }
    let expected = expected(&text);
    if expected.is_empty() {
        return Err(format!("no `{EXPECT}` line; the loader reports {found:#?}").into());
    }
    if found != expected {
        return Err(format!("expected {expected:#?}\nfound {found:#?}").into());
    }
    Ok(())
}

/// Puts one `# expect:` line per entry after the file's first comment line, in place of
/// the old ones (and of the seed's "four-cluster fleet" line, so that files with one
/// diagnostic keep their line numbers).
fn write_expected(file: &Path, text: &str, found: &[String]) -> Result<(), Failed> {
    let mut lines: Vec<&str> = text
        .lines()
        .filter(|line| !line.starts_with(EXPECT) && *line != "# The seed's four-cluster fleet.")
        .collect();
    let at = usize::from(lines.first().is_some_and(|l| l.starts_with('#')));
    let entries: Vec<String> = found.iter().map(|e| format!("{EXPECT}{e}")).collect();
    for (offset, entry) in entries.iter().enumerate() {
        lines.insert(at + offset, entry);
    }
    let mut out = lines.join("\n");
    if text.ends_with('\n') || !out.is_empty() {
        out.push('\n');
    }
    fs::write(file, out).map_err(|e| e.to_string().into())
}

fn refused(file: &Path) -> Result<(), Failed> {
    let name = stem(file);
    check_expected(file)?;
    let error = match Fleet::from_yaml_file(file) {
        Ok(_) => return Err("loaded, but it is a bad fleet".into()),
        Err(error) => error,
    };
    match &error {
        LoadError::Syntax(syntax) => {
            // Every error but that of a file without a fleet has a position.
            if !name.starts_with("input-empty") && !name.starts_with("input-comments-only") {
                assert!(syntax.line.is_some(), "no line in {syntax}");
            }
            assert!(!syntax.hint.is_empty(), "no hint in {syntax}");
        }
        LoadError::Invalid(invalid) => {
            for diagnostic in invalid.diagnostics() {
                assert!(diagnostic.line.is_some(), "no line for {diagnostic}");
                assert!(!diagnostic.path.is_empty(), "no path");
                assert!(!diagnostic.hint.is_empty(), "no hint for {diagnostic}");
            }
        }
        LoadError::Io { .. } => return Err(error.to_string().into()),
    }
    snapshot(&format!("corpus__{name}"), &error.to_string());
    Ok(())
}

fn warns(file: &Path) -> Result<(), Failed> {
    let name = stem(file);
    check_expected(file)?;
    let fleet = Fleet::from_yaml_file(file).map_err(|error| error.to_string())?;
    assert!(!fleet.warnings().is_empty(), "no warning");
    for warning in fleet.warnings() {
        assert_eq!(warning.severity, Severity::Warning);
        assert!(warning.line.is_some(), "no line for {warning}");
    }
    let text = fleet
        .warnings()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    snapshot(&format!("corpus__warnings__{name}"), &text);
    Ok(())
}

fn loads_as_the_seed(file: &Path) -> Result<(), Failed> {
    let seed = thanos_model::seed::seed(3)
        .build()
        .expect("the seed is valid")
        .into_inner();
    // The lab's unsafe settings warn, each naming its field: the file lists them.
    check_expected(file)?;
    let loaded = Fleet::from_yaml_file(file).map_err(|error| error.to_string())?;
    assert_eq!(loaded.into_inner(), seed);
    Ok(())
}

fn a_missing_file_is_an_io_error() -> Result<(), Failed> {
    let error =
        Fleet::from_yaml_file(corpus_dir().join("no-such-file.yaml")).expect_err("no such file");
    assert!(matches!(error, LoadError::Io { .. }), "{error}");
    Ok(())
}

/// Every field of every part of the fleet file (every property in its JSON Schema, as
/// `Type.field`) is on the path of an error or a warning of some corpus file.
fn the_corpus_covers_every_field() -> Result<(), Failed> {
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
            Err(error) => return Err(error.to_string().into()),
        };
        for path in paths {
            fields_on_path(&schema, &path, &mut covered);
        }
    }
    let missing: Vec<_> = fields.difference(&covered).collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("fields no corpus file covers: {missing:?}").into())
    }
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

/// Every refused and warning corpus file is named by the last column of the rule table in
/// `src/validate/mod.rs` (`rule4-*`, `warnings/rule4-*`, `grammar-replicas-zero`), and
/// every name or pattern there matches a file.
fn the_rule_table_names_every_corpus_file() -> Result<(), Failed> {
    let table = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/validate/mod.rs"))
        .map_err(|e| e.to_string())?;
    let patterns: Vec<&str> = table
        .lines()
        .filter_map(|line| line.strip_prefix("//! | "))
        .filter_map(|row| row.trim_end().trim_end_matches('|').rsplit('|').next())
        .flat_map(|cell| cell.split('`').skip(1).step_by(2))
        .collect();
    let root = corpus_dir();
    let files: Vec<String> = yaml_files(&root)
        .iter()
        .map(|file| stem(file))
        .chain(
            yaml_files(&root.join("warnings"))
                .iter()
                .map(|file| format!("warnings/{}", stem(file))),
        )
        .collect();
    let unnamed: Vec<&String> = files
        .iter()
        .filter(|file| !patterns.iter().any(|pattern| matches(pattern, file)))
        .collect();
    let unmatched: Vec<&&str> = patterns
        .iter()
        .filter(|pattern| !files.iter().any(|file| matches(pattern, file)))
        .collect();
    if unnamed.is_empty() && unmatched.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "corpus files the rule table does not name: {unnamed:?}; names in it no file has: {unmatched:?}"
        )
        .into())
    }
}

/// Every `Type::function` in the function column of the rule table is defined in a file
/// of the parentheses after it (`Checker::clusters` (validate/fleet.rs)): `fn function`
/// there, or a `FromStr` implementation for `from_str`.
fn the_rule_table_names_functions_that_exist() -> Result<(), Failed> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let table = fs::read_to_string(src.join("validate/mod.rs")).map_err(|e| e.to_string())?;
    let mut missing = Vec::new();
    for row in table.lines().filter_map(|line| line.strip_prefix("//! | ")) {
        let Some(mut rest) = row.split('|').nth(1) else {
            continue;
        };
        while let Some((before, after)) = rest.split_once('(') {
            let Some((group, after)) = after.split_once(')') else {
                break;
            };
            rest = after;
            let files: Vec<String> = group
                .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '/' | '.')))
                .filter(|word| word.ends_with(".rs"))
                .map(|file| fs::read_to_string(src.join(file)).unwrap_or_default())
                .collect();
            let names = before.split('`').skip(1).step_by(2);
            for name in names.filter(|name| name.contains("::")) {
                let function = name.rsplit("::").next().unwrap_or(name);
                if !files.iter().any(|text| defines(text, function)) {
                    missing.push(format!("{name} ({group})"));
                }
            }
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(
            format!("functions the rule table names that its files do not define: {missing:?}")
                .into(),
        )
    }
}

/// Whether a source file defines `function` (`fn function`, or `FromStr` for `from_str`).
fn defines(text: &str, function: &str) -> bool {
    let definition = format!("fn {function}");
    text.match_indices(&definition).any(|(at, _)| {
        !text[at + definition.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
    }) || (function == "from_str" && text.contains("FromStr"))
}

/// Whether `name` matches `pattern`, whose `*` stands for any text.
fn matches(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, tail)) => name.strip_prefix(head).is_some_and(|rest| {
            (0..=rest.len())
                .filter(|at| rest.is_char_boundary(*at))
                .any(|at| matches(tail, &rest[at..]))
        }),
    }
}
