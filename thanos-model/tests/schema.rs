//! The JSON Schema accepts exactly the shapes the loader accepts: every file of the
//! corpus, and a set of shape cases, is given to both (the file read as YAML into JSON,
//! as an editor does, for the schema). Validation rules (grammars, whole-fleet rules)
//! are the loader's alone: the comparison is with the shape errors of
//! `Fleet::from_yaml_str` (a `LoadError::Syntax`); a value that does not parse by its
//! grammar (a duration, a quantity) is a validation error there, reported with the others.

mod common;

use std::{
    fs,
    path::{Path, PathBuf},
};

use thanos_model::{Fleet, LoadError};

/// Corpus files whose mistake is in the YAML text itself, which JSON cannot express: a
/// key given twice (a JSON object holds each key once, so the last one wins there).
const YAML_ONLY: &[&str] = &["input-duplicate-key", "input-duplicate-map-key"];

fn validator() -> jsonschema::Validator {
    let schema = Fleet::json_schema().to_value();
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

/// Whether the schema accepts the YAML text; `None` when the text does not read as one
/// JSON value (a YAML syntax error, several documents).
fn schema_accepts(validator: &jsonschema::Validator, yaml: &str) -> Option<bool> {
    let value: serde_json::Value = serde_yaml::from_str(yaml).ok()?;
    Some(validator.is_valid(&value))
}

/// Whether the loader reads the file's shape (it may then fail validation).
fn loader_accepts(yaml: &str) -> bool {
    !matches!(Fleet::from_yaml_str(yaml), Err(LoadError::Syntax(_)))
}

fn corpus_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files = Vec::new();
    for dir in [root.clone(), root.join("valid"), root.join("warnings")] {
        for entry in fs::read_dir(&dir).expect("corpus directory") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "yaml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn schema_and_loader_agree_on_every_corpus_file() {
    let validator = validator();
    let mut compared = 0;
    for file in corpus_files() {
        let name = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let yaml = fs::read_to_string(&file).expect("readable");
        let loader = loader_accepts(&yaml);
        let Some(schema) = schema_accepts(&validator, &yaml) else {
            assert!(
                !loader,
                "{name}: not YAML for JSON, yet the loader reads it"
            );
            continue;
        };
        if YAML_ONLY.contains(&name) {
            assert!(!loader, "{name}: the loader reads it");
            continue;
        }
        let explain = || match Fleet::from_yaml_str(&yaml) {
            Err(LoadError::Syntax(error)) => format!("the loader refuses it: {error}"),
            _ => "the loader reads it".to_owned(),
        };
        assert_eq!(schema, loader, "{name}: schema {schema}, {}", explain());
        compared += 1;
    }
    assert!(compared >= 100, "only {compared} files compared");
}

/// A fleet file with one edge.
fn seed() -> String {
    format!(
        "{}edges:\n- name: cluster-02-edge\n  context: cluster-02\n  apiAddress: 10.0.0.2\n",
        common::MINIMAL_FLEET
    )
}

#[test]
fn schema_and_loader_agree_on_types_nulls_and_ranges() {
    let validator = validator();
    let central = "  apiAddress: 10.0.0.1\n";
    let edge = "  apiAddress: 10.0.0.2\n";
    let cases: Vec<(String, bool)> = vec![
        (seed().to_owned(), true),
        // Quantities are strings or numbers.
        (
            seed().replace(edge, &format!("{edge}  agent:\n    resources: {{cpuRequest: 0.5, memoryRequest: 256Mi, cpuLimit: 2, memoryLimit: 1073741824}}\n")),
            true,
        ),
        // Other strings are strings.
        (format!("namespace: 123\n{}", seed()), false),
        (format!("namespace: true\n{}", seed()), false),
        (format!("namespace: '123'\n{}", seed()), true),
        (seed().replace(edge, &format!("{edge}  clusterLabel: 7\n")), false),
        // null is "left out" where a field may be left out.
        (format!("namespace: null\nedges: ~\n{}", seed().split("edges:").next().unwrap_or_default()), true),
        (seed().replace(central, &format!("{central}  receive: {{ingress: null, labels: null}}\n  prometheus: null\n")), true),
        (seed().replace("  bucket: thanos\n", "  bucket: thanos\n  insecure: null\n  region: ~\n"), true),
        (seed().replace(edge, &format!("{edge}  clusterLabel: null\n  agent: {{queue: null}}\n")), true),
        // ... and refused where a value is required.
        (seed().replace("domain: k8s-cluster-01.example.com", "domain: null"), false),
        (seed().replace("  context: cluster-02", "  context:"), false),
        (seed().replace("  bucket: thanos", "  bucket: ~"), false),
        (seed().replace(central, &format!("{central}  receive:\n    labels: {{site: null}}\n")), false),
        (seed().replace(central, &format!("{central}  query:\n    replicaLabels: [null]\n")), false),
        (seed().replace("edges:\n", "edges:\n- null\n"), false),
        // Counts: whole numbers within u32.
        (seed().replace(edge, &format!("{edge}  agent: {{replicas: 4294967295}}\n")), true),
        (seed().replace(edge, &format!("{edge}  agent: {{replicas: 4294967296}}\n")), false),
        (seed().replace(edge, &format!("{edge}  agent: {{replicas: -1}}\n")), false),
        (seed().replace(edge, &format!("{edge}  agent: {{replicas: 2.0}}\n")), true),
        (seed().replace(edge, &format!("{edge}  agent: {{replicas: 2.5}}\n")), false),
        (seed().replace(edge, &format!("{edge}  agent: {{replicas: '2'}}\n")), false),
        // Tagged sections.
        (seed().replace("  bucket: thanos\n", "  bucket: thanos\n  credentials: {from: existingSecret}\n"), true),
        (seed().replace("  bucket: thanos\n", "  bucket: thanos\n  credentials: {from: envsubst}\n"), false),
        (seed().replace("  type: S3\n", "  type: null\n"), false),
        (seed().replace(central, &format!("{central}  receive: {{hashringAlgorithm: ketama}}\n")), true),
        (seed().replace(central, &format!("{central}  receive: {{hashringAlgorithm: Ketama}}\n")), false),
    ];
    for (yaml, accepted) in cases {
        assert_eq!(loader_accepts(&yaml), accepted, "loader on\n{yaml}");
        assert_eq!(
            schema_accepts(&validator, &yaml),
            Some(accepted),
            "schema on\n{yaml}"
        );
    }
}

#[test]
fn every_written_fleet_is_accepted_by_the_schema() {
    let validator = validator();
    for edges in [0, 1, 3, 12] {
        let fleet = thanos_model::seed::seed(edges)
            .build()
            .expect("the seed is valid");
        assert_eq!(
            schema_accepts(&validator, &fleet.to_yaml_string()),
            Some(true),
            "{edges} edges"
        );
    }
}
