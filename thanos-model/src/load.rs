//! Loading a fleet from its YAML file form.
//!
//! The text is read once by a YAML parser into a compact tree that keeps every node's
//! position ([`document`]), refusing on the way what no fleet holds (nesting deeper than
//! 32 levels, a key given twice, a second document). The fleet is then read out of the
//! tree with serde ([`de`]): scalars are typed as YAML 1.2 reads them (`2` is a number,
//! `null` is null, never the text "null"), `key: null` in a mapping of fields is the
//! key left out (except `ingress: null`, which means "no Ingress", and `ruler: null`,
//! "no Thanos Ruler"), and every shape error gets its field path, its position and a
//! hint. Parser errors are put in plain words
//! ([`explain`]). Time and memory are linear in the size of the file.
//!
//! A value of a grammar type ([`Duration`](crate::Duration), [`Cpu`](crate::Cpu),
//! [`Bytes`](crate::Bytes)) that does not parse does not stop the reading: it is
//! recorded with its path, line and column, and reported with the validation errors, so
//! every mistake of the file is reported in one pass ([`Fleet::parse_yaml_str`], which
//! does not validate, refuses the first one instead).
//!
//! Validation errors of a loaded file get the line of their field, or of the nearest
//! enclosing field the file holds when the field itself is defaulted, and come in file
//! order (line, column, then path), whatever the order of the rules that found them.

mod de;
mod document;
mod explain;
pub(crate) mod path;

pub(crate) use de::closest;

use std::{
    fmt,
    path::{Path, PathBuf},
};

use serde::Deserialize;

use crate::{Diagnostic, Fleet, ValidFleet, ValidationError, S3};
use document::{Document, KeyIndex, NodeId};

/// Why a fleet file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The text is not YAML, or not the shape of a fleet (unknown or missing field, wrong
    /// type, duplicate key).
    #[error("{0}")]
    Syntax(SyntaxError),
    /// The fleet is well-formed but fails validation. Each diagnostic carries the line
    /// of its field in the file, where known.
    #[error("{0}")]
    Invalid(ValidationError),
}

/// A YAML or shape error, with the position and field path where known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Line, 1-based.
    pub line: Option<usize>,
    /// Column, 1-based.
    pub column: Option<usize>,
    /// Path of the field in the fleet file's terms, such as `edges[1].agent.replicas`:
    /// for a YAML error, the key being read when the parser stopped. `None` when there is
    /// none (an empty file, an error before the first key).
    pub path: Option<String>,
    /// What is wrong, in plain words, without the position or the path.
    pub message: String,
    /// How to fix it; empty when there is nothing to add.
    pub hint: String,
}

impl SyntaxError {
    /// The error without its position: `<path>: <message>`, or the message alone when
    /// there is no path. For callers that print the position their own way, such as
    /// `file:line:column:`; [`Display`](fmt::Display) is `line L column C: ` followed by
    /// this, then the hint on a line of its own.
    #[must_use]
    pub fn without_position(&self) -> impl fmt::Display + '_ {
        WithoutPosition(self)
    }
}

struct WithoutPosition<'e>(&'e SyntaxError);

impl fmt::Display for WithoutPosition<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = self.0.path.as_deref().filter(|p| !p.is_empty()) {
            write!(f, "{path}: ")?;
        }
        f.write_str(&self.0.message)
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "line {line} column {column}: ")?,
            (Some(line), None) => write!(f, "line {line}: ")?,
            _ => {}
        }
        write!(f, "{}", self.without_position())?;
        if !self.hint.is_empty() {
            write!(f, "\n  hint: {}", self.hint)?;
        }
        Ok(())
    }
}

impl std::error::Error for SyntaxError {}

impl Fleet {
    /// Parses a fleet from YAML without validating it. A value that does not parse by
    /// its grammar (a [`Duration`](crate::Duration), [`Cpu`](crate::Cpu) or
    /// [`Bytes`](crate::Bytes)) is a [`SyntaxError`] here.
    pub fn parse_yaml_str(yaml: &str) -> Result<Fleet, SyntaxError> {
        parse(yaml).map(|(fleet, _)| fleet)
    }

    /// Parses and validates a fleet from YAML.
    pub fn from_yaml_str(yaml: &str) -> Result<ValidFleet, LoadError> {
        finish(Document::parse(yaml).map_err(LoadError::Syntax)?)
    }

    /// Reads, parses and validates a fleet file.
    pub fn from_yaml_file(path: impl AsRef<Path>) -> Result<ValidFleet, LoadError> {
        let path = path.as_ref();
        let yaml = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
            path: path.to_owned(),
            source,
        })?;
        let document = Document::parse(&yaml).map_err(LoadError::Syntax)?;
        // The tree holds what is needed of the text.
        drop(yaml);
        finish(document)
    }

    /// The fleet in its YAML file form.
    #[must_use]
    pub fn to_yaml_string(&self) -> String {
        serde_yaml::to_string(self)
            .unwrap_or_else(|error| unreachable!("a fleet always serializes to YAML: {error}"))
    }
}

/// The two passes of the module documentation, with every value parsed.
fn parse(yaml: &str) -> Result<(Fleet, Document), SyntaxError> {
    let document = Document::parse(yaml)?;
    let fleet = read(&document, None)?;
    Ok((fleet, document))
}

/// Reads the fleet out of its document, then validates it with the values that did not
/// parse.
fn finish(document: Document) -> Result<ValidFleet, LoadError> {
    let grammar = de::GrammarErrors::default();
    let fleet = read(&document, Some(&grammar)).map_err(LoadError::Syntax)?;
    match fleet.validate_with(grammar.into_inner()) {
        Ok(mut valid) => {
            place(valid.warnings_mut(), &document);
            Ok(valid)
        }
        Err(error) => {
            let mut diagnostics = error.diagnostics().to_vec();
            place(&mut diagnostics, &document);
            Err(LoadError::Invalid(ValidationError::new(diagnostics)))
        }
    }
}

/// The fleet of a document, not yet validated; with `lenient`, values that do not parse
/// by their grammar are recorded there (and read as a placeholder).
fn read(document: &Document, lenient: Option<&de::GrammarErrors>) -> Result<Fleet, SyntaxError> {
    let Some(root) = document.root() else {
        return Err(SyntaxError {
            line: None,
            column: None,
            path: None,
            message: "the file holds no fleet (it is empty, only comments or null)".to_owned(),
            hint: "a fleet needs at least domain, objectStorage and central: `thanos-kustomize init` writes a starting point".to_owned(),
        });
    };
    let mut reader = de::De::new(document, root, &de::Path::Root);
    if let Some(errors) = lenient {
        reader = reader.lenient(errors);
    }
    Fleet::deserialize(reader).map_err(|error| shape_error(error, document, root))
}

/// A deserialization error as a [`SyntaxError`]. The fields of `objectStorage` are read
/// by serde from a buffer (the section is tagged by its `type`), which loses their path:
/// an error there is looked for again by reading the section on its own.
fn shape_error(error: de::Error, document: &Document, root: NodeId) -> SyntaxError {
    let error = match error.path.as_deref() {
        Some(de::OBJECT_STORAGE) => object_storage_error(document, root).unwrap_or(error),
        _ => error,
    };
    SyntaxError {
        line: error.at.map(|at| at.line),
        column: error.at.map(|at| at.column),
        path: error.path.filter(|p| !p.is_empty()),
        message: error.message,
        hint: error.hint,
    }
}

/// The error of `objectStorage` read on its own as S3, when it has a deeper path.
fn object_storage_error(document: &Document, root: NodeId) -> Option<de::Error> {
    let (_, section) = document.get(root, de::OBJECT_STORAGE)?;
    let (_, tag) = document.get(section, "type")?;
    if document.text(tag) != "S3" {
        return None;
    }
    let path = de::Path::Key(&de::Path::Root, de::OBJECT_STORAGE);
    let error = S3::deserialize(de::De::new(document, section, &path).skipping("type")).err()?;
    (error.path.as_deref() != Some(de::OBJECT_STORAGE)).then_some(error)
}

/// Gives every diagnostic without a line the line and column of its field, or of the
/// nearest enclosing field the file holds, then puts them in file order: by line, then
/// column, then path (those without a line last), so every consumer reads them in the
/// order of the file.
fn place(diagnostics: &mut [Diagnostic], document: &Document) {
    let mut index = KeyIndex::default();
    for diagnostic in diagnostics.iter_mut().filter(|d| d.line.is_none()) {
        let at = document.nearest(&diagnostic.path, &mut index);
        diagnostic.line = at.map(|p| p.line);
        diagnostic.column = diagnostic.column.or(at.map(|p| p.column));
    }
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| (d.line.is_none(), d.line, d.column);
        key(a).cmp(&key(b)).then_with(|| a.path.cmp(&b.path))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = "\
domain: k8s-cluster-01.miribit.lab
objectStorage:
  type: S3
  endpoint: s3.minio.miribit.lab
  bucket: thanos
central:
  name: cluster-01-central
  context: cluster-01
  apiAddress: 192.168.101.194
edges:
- name: cluster-02-edge
  context: cluster-02
  apiAddress: 192.168.101.196
";

    fn syntax(yaml: &str) -> SyntaxError {
        match Fleet::from_yaml_str(yaml) {
            Err(LoadError::Syntax(error)) => error,
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn the_seed_loads() {
        assert!(Fleet::from_yaml_str(SEED).is_ok());
    }

    #[test]
    fn fields_of_the_object_storage_have_a_path_and_line() {
        let error = syntax(&SEED.replace("  bucket: thanos\n", "  bucket: thanos\n  foo: 1\n"));
        assert_eq!(error.path.as_deref(), Some("objectStorage.foo"));
        assert_eq!(error.line, Some(6));
        let error = syntax(&SEED.replace("  bucket: thanos\n", ""));
        assert_eq!(error.path.as_deref(), Some("objectStorage.bucket"));
        // The line of the mapping that lacks it.
        assert_eq!(error.line, Some(3));
        assert_eq!(error.message, "is required and missing");
        assert_eq!(error.hint, "add `bucket:` with a value");
    }

    #[test]
    fn the_text_without_position_is_the_display_text_after_the_position() {
        let error = syntax(&SEED.replace("  bucket: thanos\n", "  bucket: thanos\n  foo: 1\n"));
        let text = error.without_position().to_string();
        assert!(text.starts_with("objectStorage.foo: "), "{text}");
        assert!(!text.contains("line "), "{text}");
        assert_eq!(
            error.to_string(),
            format!("line 6 column 3: {text}\n  hint: {}", error.hint)
        );
        // A message that itself starts like a position is kept whole.
        let error = SyntaxError {
            line: Some(1),
            column: Some(1),
            path: None,
            message: "line 1 column 1: looks like a position".to_owned(),
            hint: String::new(),
        };
        assert_eq!(
            error.without_position().to_string(),
            "line 1 column 1: looks like a position"
        );
    }

    #[test]
    fn an_unreadable_file_names_its_path() {
        let missing = Path::new("/nonexistent/dir/fleet.yaml");
        let Err(LoadError::Io { path, .. }) = Fleet::from_yaml_file(missing) else {
            panic!("expected an I/O error");
        };
        assert_eq!(path, missing);
    }

    #[test]
    fn duplicate_keys() {
        let error = syntax(&format!("{SEED}domain: example.com\n"));
        assert_eq!(error.path.as_deref(), Some("domain"));
        assert_eq!((error.line, error.column), (Some(14), Some(1)));
    }

    #[test]
    fn validation_errors_get_lines() {
        let yaml = SEED.replace(
            "  context: cluster-02\n",
            "  context: cluster-02\n  agent:\n    replicas: 0\n",
        );
        let Err(LoadError::Invalid(error)) = Fleet::from_yaml_str(&yaml) else {
            panic!("expected invalid");
        };
        let diagnostic = &error.diagnostics()[0];
        assert_eq!(diagnostic.path, "edges[0].agent.replicas");
        assert_eq!(diagnostic.line, Some(14));
    }

    fn loads(yaml: &str) -> Fleet {
        Fleet::from_yaml_str(yaml)
            .unwrap_or_else(|e| panic!("{e}"))
            .into_inner()
    }

    #[test]
    fn null_is_the_field_left_out() {
        let fleet = loads(&format!(
            "namespace: null\nscrapeInterval: ~\nchart:\nthanos: null\n{}",
            SEED.replace(
                "  apiAddress: 192.168.101.194\n",
                "  apiAddress: 192.168.101.194\n  clusterLabel: null\n  prometheus: null\n  \
                 store: {replicas: null, resources: null}\n",
            )
            .replace(
                "  bucket: thanos\n",
                "  bucket: thanos\n  insecure: null\n  region: null\n"
            )
        ));
        let seed = loads(SEED);
        assert_eq!(fleet, seed);
        assert_eq!(fleet.namespace, "monitoring");
        let no_edges = loads(&SEED.replace(
            "edges:\n- name: cluster-02-edge\n  context: cluster-02\n  apiAddress: 192.168.101.196\n",
            "edges: null\n",
        ));
        assert!(no_edges.edges.is_empty());
    }

    #[test]
    fn ingress_null_means_no_ingress() {
        let yaml = SEED.replace(
            "  apiAddress: 192.168.101.194\n",
            "  apiAddress: 192.168.101.194\n  grafana: {ingress: null}\n  query:\n    ingress: ~\n",
        );
        let fleet = loads(&yaml);
        assert_eq!(fleet.central.grafana.ingress, None);
        assert_eq!(fleet.central.query.ingress, None);
        // Left out, it is the default Ingress.
        assert!(loads(SEED).central.grafana.ingress.is_some());
    }

    #[test]
    fn ruler_null_means_no_ruler() {
        let yaml = SEED.replace(
            "  apiAddress: 192.168.101.194\n",
            "  apiAddress: 192.168.101.194\n  ruler: null\n  thanosMonitoring: {silentEdgeAlerts: false}\n",
        );
        assert_eq!(loads(&yaml).central.ruler, None);
        assert!(loads(SEED).central.ruler.is_some());
    }

    #[test]
    fn null_where_a_value_is_required_names_the_field() {
        let error = syntax(&SEED.replace("  context: cluster-02\n", "  context: null\n"));
        assert_eq!(error.path.as_deref(), Some("edges[0].context"));
        assert_eq!((error.line, error.column), (Some(12), Some(3)));
        assert_eq!(error.message, "is required, and null is not a value");
        let error = syntax(&SEED.replace("domain: k8s-cluster-01.miribit.lab\n", "domain:\n"));
        assert_eq!(error.path.as_deref(), Some("domain"));
        assert_eq!(error.line, Some(1));
        // In a map of free keys null is no value either.
        let error = syntax(&SEED.replace(
            "  apiAddress: 192.168.101.194\n",
            "  apiAddress: 192.168.101.194\n  receive:\n    labels: {site: null}\n",
        ));
        assert_eq!(error.path.as_deref(), Some("central.receive.labels.site"));
        assert_eq!(error.message, "expected a string, found null");
        // A quoted "null" is the text.
        let fleet = loads(&SEED.replace("  context: cluster-02\n", "  context: \"null\"\n"));
        assert_eq!(fleet.edges[0].context, "null");
    }

    #[test]
    fn scalars_keep_their_yaml_type() {
        let error = syntax(&format!("namespace: 123\n{SEED}"));
        assert_eq!(error.path.as_deref(), Some("namespace"));
        assert_eq!(error.column, Some(12));
        assert_eq!(error.message, "expected a string, found the number 123");
        assert_eq!(
            error.hint,
            "YAML reads it as a number: write it in quotes, \"123\""
        );
        let error = syntax(&SEED.replace("  context: cluster-02\n", "  context: true\n"));
        assert_eq!(error.message, "expected a string, found true");
        let error = syntax(&SEED.replace(
            "  context: cluster-02\n",
            "  context: cluster-02\n  agent: {replicas: \"2\"}\n",
        ));
        assert_eq!(error.hint, "write the number without quotes");
        // Quantities take numbers, as in a Kubernetes manifest.
        let fleet = loads(&SEED.replace(
            "  context: cluster-02\n",
            "  context: cluster-02\n  agent:\n    resources: {cpuRequest: 0.5, memoryRequest: 256Mi, \
             cpuLimit: 2, memoryLimit: 1073741824}\n",
        ));
        let resources = &fleet.edges[0].agent.resources;
        assert_eq!(
            (resources.cpu_request.as_str(), resources.cpu_limit.as_str()),
            ("0.5", "2")
        );
        assert_eq!(resources.memory_limit.as_str(), "1073741824");
    }

    #[test]
    fn diagnostics_come_in_file_order() {
        // Rule order would report the edge's clash (rule 1, `clusters`) before the central
        // cluster's replicas (its own check), and the edge's agent after both.
        let yaml = SEED
            .replace(
                "  apiAddress: 192.168.101.194\n",
                "  apiAddress: 192.168.101.194\n  query: {replicas: 0}\n",
            )
            .replace("- name: cluster-02-edge", "- name: cluster-01-central")
            .replace(
                "  apiAddress: 192.168.101.196\n",
                "  apiAddress: 192.168.101.196\n  agent: {replicas: 0}\n",
            );
        let Err(LoadError::Invalid(error)) = Fleet::from_yaml_str(&yaml) else {
            panic!("expected invalid");
        };
        let found: Vec<_> = error
            .diagnostics()
            .iter()
            .map(|d| (d.line, d.column, d.path.as_str()))
            .collect();
        let mut sorted = found.clone();
        sorted.sort();
        assert_eq!(found, sorted, "{error}");
        assert_eq!(
            found.iter().map(|(_, _, path)| *path).collect::<Vec<_>>(),
            [
                "central.query.replicas",
                "edges[0].name",
                "edges[0].agent.replicas"
            ],
            "{error}"
        );
    }

    #[test]
    fn malformed_values_are_reported_with_validation_in_one_pass() {
        let yaml = format!("scrapeInterval: 30\n{SEED}").replace(
            "  context: cluster-02\n",
            "  context: cluster-02\n  agent:\n    replicas: 0\n    storage: {size: 10 GB}\n",
        );
        // `30` is a number, not a duration string: a shape error, as for any string field.
        assert_eq!(
            syntax(&yaml).message,
            "expected a string, found the number 30"
        );
        let yaml = yaml.replace("scrapeInterval: 30\n", "scrapeInterval: '30'\n");
        let Err(LoadError::Invalid(error)) = Fleet::from_yaml_str(&yaml) else {
            panic!("expected invalid");
        };
        let found: Vec<_> = error
            .diagnostics()
            .iter()
            .map(|d| (d.path.as_str(), d.line, d.column, d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "scrapeInterval",
                    Some(1),
                    Some(17),
                    "\"30\" is not a Prometheus duration"
                ),
                (
                    "edges[0].agent.replicas",
                    Some(15),
                    // A rule's error: the column of its key.
                    Some(5),
                    "must be at least 1"
                ),
                (
                    "edges[0].agent.storage.size",
                    Some(16),
                    Some(21),
                    "\"10 GB\" is not a Kubernetes quantity"
                ),
            ]
        );
        // Parsed without validation, the first malformed value is a shape error.
        let error = Fleet::parse_yaml_str(&yaml).unwrap_err();
        assert_eq!(error.path.as_deref(), Some("scrapeInterval"));
        assert_eq!((error.line, error.column), (Some(1), Some(17)));
        assert_eq!(error.message, "\"30\" is not a Prometheus duration");
        assert!(error.hint.starts_with("write a number and a unit"));
    }

    #[test]
    fn unknown_fields_suggest_the_field_meant() {
        let error = syntax(&SEED.replace("  apiAddress: 192.168.101.196\n", "  api_address: x\n"));
        assert_eq!(error.path.as_deref(), Some("edges[0].api_address"));
        assert!(
            error.hint.starts_with("did you mean `apiAddress`?"),
            "{}",
            error.hint
        );
    }

    #[test]
    fn yaml_mistakes_are_told_in_plain_words() {
        /// Replace, by, expected position, path and start of the message.
        type Case<'a> = (&'a str, &'a str, (usize, usize), Option<&'a str>, &'a str);
        let cases: &[Case] = &[
            (
                "  context: cluster-02\n",
                "\tcontext: cluster-02\n",
                (12, 1),
                Some("edges[0]"),
                "a tab character indents this line",
            ),
            (
                "  context: cluster-02\n",
                "  context: [cluster-02\n",
                (12, 12),
                Some("edges[0].context"),
                "this `[` is never closed",
            ),
            (
                "  context: cluster-02\n",
                "  context: {name: x\n",
                (12, 12),
                Some("edges[0].context"),
                "this `{` is never closed",
            ),
            (
                "  context: cluster-02\n",
                "  context: \"cluster-02\n",
                (12, 12),
                Some("edges[0].context"),
                "the value quoted with \" here is never closed",
            ),
            (
                "  context: cluster-02\n",
                "  context: a: b\n",
                (12, 13),
                Some("edges[0].context"),
                "the value of `context` contains `: `",
            ),
            (
                "  context: cluster-02\n",
                " context: cluster-02\n",
                (12, 2),
                None,
                "this line is indented differently from the keys of the mapping it is in",
            ),
            (
                "  context: cluster-01\n",
                " context: cluster-01\n",
                (8, 2),
                None,
                "this line is indented differently from the keys of the mapping it is in",
            ),
            (
                "  context: cluster-01\n",
                "    context: cluster-01\n",
                (8, 5),
                Some("central"),
                "this key is indented more than the keys before it",
            ),
            (
                "  context: cluster-01\n",
                "  context: @cluster-01\n",
                (8, 12),
                Some("central.context"),
                "a value cannot start with `@` unless it is quoted",
            ),
        ];
        for (from, to, (line, column), path, message) in cases {
            let error = syntax(&SEED.replace(from, to));
            assert!(error.message.starts_with(message), "{to:?}: {error}");
            assert_eq!(
                (error.line, error.column),
                (Some(*line), Some(*column)),
                "{to:?}: {error}"
            );
            assert_eq!(error.path.as_deref(), *path, "{to:?}: {error}");
            assert!(!error.hint.is_empty(), "{to:?}: no hint");
        }
    }
}
