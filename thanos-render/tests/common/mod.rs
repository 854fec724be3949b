//! Checks of a rendered tree against the upstream reference data in `../shared/reference/`
//! (kube-prometheus-stack 78.2.1 values and CRDs, Thanos v0.42.4 flags), shared by the
//! integration tests.

#![allow(dead_code)] // Each test binary uses a different subset.

pub mod runbook;

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::PathBuf,
};

use k8s_openapi::{
    api::{
        apps::v1::{Deployment, StatefulSet},
        core::v1::{ConfigMap, Namespace, Secret, Service},
        networking::v1::Ingress,
    },
    serde::{de::DeserializeOwned, Serialize},
};
use serde_yaml::Value;
use thanos_render::Tree;

/// `../shared/reference/` beside the checkout, or `$THANOS_REFERENCE_DIR`.
pub fn reference_dir() -> PathBuf {
    std::env::var_os("THANOS_REFERENCE_DIR").map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../shared/reference"
            ))
        },
        PathBuf::from,
    )
}

fn read_reference(relative: &str) -> String {
    let path = reference_dir().join(relative);
    fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "cannot read reference file {}: {error} (the upstream reference data lives in \
                 ../shared/reference beside the checkout; set THANOS_REFERENCE_DIR to use \
                 another place)",
            path.display()
        )
    })
}

/// The tree's YAML files: every file but the runbook (`README.md`).
pub fn yaml_files(tree: &Tree) -> impl Iterator<Item = (&str, &str)> {
    tree.iter().filter(|(path, _)| path.ends_with(".yaml"))
}

/// Every YAML document of a file, parsed.
pub fn documents(content: &str) -> Vec<Value> {
    serde_yaml::Deserializer::from_str(content)
        .map(|document| Value::deserialize(document).expect("rendered YAML parses"))
        .filter(|value| !value.is_null())
        .collect()
}

use serde::Deserialize;

/// Deserializes a document into its k8s-openapi type and back.
fn round_trip<T: DeserializeOwned + Serialize>(document: &Value) -> Result<Value, String> {
    let typed: T = serde_yaml::from_value(document.clone()).map_err(|e| e.to_string())?;
    serde_yaml::to_value(&typed).map_err(|e| e.to_string())
}

/// Round-trips every Kubernetes object of the tree (every document of a file that is not
/// a kustomization or values file) through its k8s-openapi type: the result must be the
/// document itself, so no field is unknown, misplaced or of the wrong type. Returns the
/// count of objects of each kind, or every problem.
pub fn round_trip_objects(tree: &Tree) -> Result<BTreeMap<String, usize>, Vec<String>> {
    let mut kinds = BTreeMap::<String, usize>::new();
    let mut problems = Vec::new();
    for (path, content) in yaml_files(tree) {
        let file = path.rsplit('/').next().unwrap_or(path);
        if file == "kustomization.yaml" || file.starts_with("values") {
            continue;
        }
        for document in documents(content) {
            let kind = document["kind"].as_str().unwrap_or_default().to_owned();
            let back = match kind.as_str() {
                "ConfigMap" => round_trip::<ConfigMap>(&document),
                "Deployment" => round_trip::<Deployment>(&document),
                "Ingress" => round_trip::<Ingress>(&document),
                "Namespace" => round_trip::<Namespace>(&document),
                "Secret" => round_trip::<Secret>(&document),
                "Service" => round_trip::<Service>(&document),
                "StatefulSet" => round_trip::<StatefulSet>(&document),
                other => Err(format!("unexpected kind {other:?}")),
            };
            match back {
                Ok(back) if back == document => *kinds.entry(kind).or_default() += 1,
                Ok(_) => problems.push(format!("{path}: {kind} changes through its type")),
                Err(error) => problems.push(format!("{path}: {kind}: {error}")),
            }
        }
    }
    if problems.is_empty() {
        Ok(kinds)
    } else {
        Err(problems)
    }
}

/// The flags Thanos v0.42.4 accepts for a subcommand, from `flags-<subcommand>.txt`.
pub fn thanos_flags(subcommand: &str) -> BTreeSet<String> {
    read_reference(&format!("thanos/flags-{subcommand}.txt"))
        .lines()
        .filter_map(|line| line.split('\t').next())
        .filter(|flag| flag.starts_with("--"))
        .map(str::to_owned)
        .collect()
}

/// Flags the help marks deprecated, which the tree must not use.
pub const DEPRECATED_FLAGS: &[&str] = &[
    "--endpoint",
    "--endpoint-group",
    "--endpoint-strict",
    "--endpoint-group-strict",
    "--store.sd-files",
    "--store.sd-interval",
    "--tsdb.allow-overlapping-blocks",
    "--tsdb.enable-native-histograms",
];

/// The Thanos containers of a tree: (file, workload name, args).
pub fn thanos_containers(tree: &Tree) -> Vec<(String, String, Vec<String>)> {
    let mut found = Vec::new();
    for (path, content) in yaml_files(tree) {
        for document in documents(content) {
            let kind = document["kind"].as_str().unwrap_or_default();
            if kind != "Deployment" && kind != "StatefulSet" {
                continue;
            }
            let name = document["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            for container in document["spec"]["template"]["spec"]["containers"]
                .as_sequence()
                .into_iter()
                .flatten()
            {
                let args = container["args"]
                    .as_sequence()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect();
                found.push((path.to_owned(), name.clone(), args));
            }
        }
    }
    found
}

/// Every Thanos flag in the tree that v0.42.4 does not list, or lists as deprecated.
pub fn flag_violations(tree: &Tree) -> Vec<String> {
    let mut violations = Vec::new();
    for (path, workload, args) in thanos_containers(tree) {
        let Some(subcommand) = args.first() else {
            violations.push(format!("{path}: {workload} has no subcommand"));
            continue;
        };
        let known = thanos_flags(subcommand);
        for arg in &args[1..] {
            let flag = arg.split('=').next().unwrap_or(arg);
            if !known.contains(flag) {
                violations.push(format!(
                    "{path}: {workload}: {flag} is not a `thanos {subcommand}` flag"
                ));
            } else if DEPRECATED_FLAGS.contains(&flag) {
                violations.push(format!("{path}: {workload}: {flag} is deprecated"));
            }
        }
    }
    violations
}

/// Keys of the grafana subchart (grafana 10.1.0, not in the reference data) that kube-prometheus-stack passes
/// through without listing them in its own values.yaml.
const GRAFANA_SUBCHART_KEYS: &[&str] = &[
    "grafana.admin.existingSecret",
    "grafana.admin.userKey",
    "grafana.admin.passwordKey",
];

/// Keys the chart's values.yaml documents only as a commented-out example, with the line
/// that documents each (checked to be in the file, so the list cannot go stale).
const COMMENTED_KEYS: &[(&str, &str)] = &[
    (
        "grafana.ingress.ingressClassName",
        "    # ingressClassName: nginx",
    ),
    (
        "grafana.sidecar.datasources.url",
        "      # url: http://prometheus-stack-prometheus:9090/",
    ),
    (
        "grafana.sidecar.datasources.extraJsonData",
        "      # extraJsonData:",
    ),
];

/// Every values key path in the tree's values files that the chart does not know.
///
/// A path must exist in the chart's values.yaml; below a key whose reference value is
/// free-form (`{}` or `[]`), paths under `prometheus.prometheusSpec` are checked against
/// the Prometheus CRD (or the PrometheusAgent CRD when `agentMode` is on), others are
/// accepted.
pub fn values_violations(tree: &Tree) -> Vec<String> {
    let reference_text = read_reference("kube-prometheus-stack/values.yaml");
    for (key, line) in COMMENTED_KEYS {
        assert!(
            reference_text.lines().any(|l| l == *line),
            "values.yaml no longer documents {key} as {line:?}"
        );
    }
    let reference: Value =
        serde_yaml::from_str(&reference_text).expect("reference values.yaml parses");
    let prometheus_crd =
        crd_spec_schema("kube-prometheus-stack/monitoring.coreos.com_prometheuses.yaml");
    let agent_crd =
        crd_spec_schema("kube-prometheus-stack/monitoring.coreos.com_prometheusagents.yaml");
    let mut violations = Vec::new();
    for (path, content) in yaml_files(tree) {
        let file = path.rsplit('/').next().unwrap_or(path);
        if !file.starts_with("values") {
            continue;
        }
        for values in documents(content) {
            let agent = values["prometheus"]["agentMode"].as_bool() == Some(true);
            let crd = if agent { &agent_crd } else { &prometheus_crd };
            let mut checker = ValuesChecker {
                file: path,
                crd,
                violations: &mut violations,
            };
            checker.walk(&values, &reference, "");
        }
    }
    violations
}

fn crd_spec_schema(relative: &str) -> Value {
    let crd = documents(&read_reference(relative))
        .into_iter()
        .next()
        .expect("the CRD file holds a document");
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"].clone()
}

struct ValuesChecker<'a> {
    file: &'a str,
    crd: &'a Value,
    violations: &'a mut Vec<String>,
}

impl ValuesChecker<'_> {
    fn walk(&mut self, rendered: &Value, reference: &Value, path: &str) {
        let Some(map) = rendered.as_mapping() else {
            return;
        };
        for (key, value) in map {
            let key = key.as_str().unwrap_or_default();
            let child = if path.is_empty() {
                key.to_owned()
            } else {
                format!("{path}.{key}")
            };
            if GRAFANA_SUBCHART_KEYS.contains(&child.as_str())
                || COMMENTED_KEYS.iter().any(|(k, _)| *k == child)
            {
                continue;
            }
            let subchart_parent = format!("{child}.");
            if reference.get(key).is_none()
                && GRAFANA_SUBCHART_KEYS
                    .iter()
                    .any(|k| k.starts_with(&subchart_parent))
            {
                self.walk(value, &Value::Null, &child);
                continue;
            }
            let Some(reference_child) = reference.get(key) else {
                self.violations.push(format!(
                    "{}: {child} is not a key of the chart's values",
                    self.file
                ));
                continue;
            };
            let free_form = match reference_child {
                Value::Mapping(m) => m.is_empty(),
                _ => true,
            };
            if !free_form {
                self.walk(value, reference_child, &child);
            } else if let Some(field) = child.strip_prefix("prometheus.prometheusSpec.") {
                // The chart copies these into the custom resource; `storageSpec` becomes
                // `storage`.
                let field = if field == "storageSpec" {
                    "storage"
                } else {
                    field
                };
                let schema = &self.crd["properties"][field];
                if schema.is_null() {
                    if !is_chart_only_prometheus_spec_key(field) {
                        self.violations
                            .push(format!("{}: {child} is not a field of the CRD", self.file));
                    }
                } else {
                    self.walk_schema(value, schema, &child);
                }
            }
        }
    }

    /// Checks a value against an OpenAPI v3 schema node of the CRD.
    fn walk_schema(&mut self, rendered: &Value, schema: &Value, path: &str) {
        if schema["x-kubernetes-preserve-unknown-fields"].as_bool() == Some(true) {
            return;
        }
        match rendered {
            Value::Mapping(map) => {
                let properties = schema["properties"].as_mapping();
                let open = !schema["additionalProperties"].is_null();
                for (key, value) in map {
                    let key = key.as_str().unwrap_or_default();
                    let child = format!("{path}.{key}");
                    // The chart's form of `objectStorageConfig`: a Secret it does not create.
                    if key == "existingSecret" && path.ends_with("thanos.objectStorageConfig") {
                        self.walk_schema(value, schema, &child);
                        continue;
                    }
                    match properties.and_then(|p| p.get(key)) {
                        Some(property) => self.walk_schema(value, property, &child),
                        None if open => {}
                        None => self
                            .violations
                            .push(format!("{}: {child} is not a field of the CRD", self.file)),
                    }
                }
            }
            Value::Sequence(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.walk_schema(item, &schema["items"], &format!("{path}[{index}]"));
                }
            }
            _ => {}
        }
    }
}

/// prometheusSpec keys the chart consumes itself rather than copying to the CRD.
fn is_chart_only_prometheus_spec_key(field: &str) -> bool {
    field.ends_with("SelectorNilUsesHelmValues") || field == "replicaExternalLabelNameClear"
}
