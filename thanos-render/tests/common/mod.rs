//! Checks of a rendered tree against the upstream facts in `facts/` (kube-prometheus-stack
//! 78.2.1 values keys, Prometheus and PrometheusAgent CRD fields, Thanos v0.42.4 flags),
//! shared by the integration tests.

#![allow(dead_code)] // Each test binary uses a different subset.

pub mod builds;
pub mod facts;
pub mod runbook;
pub mod tools;

use std::collections::BTreeMap;

use k8s_openapi::{
    api::{
        apps::v1::{Deployment, StatefulSet},
        core::v1::{ConfigMap, Namespace, Secret, Service, ServiceAccount},
        networking::v1::{Ingress, NetworkPolicy},
        policy::v1::PodDisruptionBudget,
        rbac::v1::{Role, RoleBinding},
    },
    serde::{de::DeserializeOwned, Serialize},
};
use serde_yaml::Value;
use thanos_model::{FleetBuilder, ValidFleet};
use thanos_render::Tree;

/// insta settings of every snapshot of the rendered tree: the workspace's `snapshots/`,
/// named by the test alone, without the assertion's expression.
pub fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/../snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}

/// The fleet `builder` makes, which the test holds to be valid (it panics with the
/// diagnostics otherwise).
pub fn valid(builder: FleetBuilder) -> ValidFleet {
    builder.build().expect("the fleet is valid")
}

/// The tree's YAML files: every file but the runbook (`README.md`).
pub fn yaml_files(tree: &Tree) -> impl Iterator<Item = (&str, &str)> {
    tree.iter().filter(|(path, _)| path.ends_with(".yaml"))
}

/// The parsed documents of the rendered file `path`, which must be rendered.
pub fn file_documents(tree: &Tree, path: &str) -> Vec<Value> {
    documents(
        tree.get(path)
            .unwrap_or_else(|| panic!("{path} is rendered")),
    )
}

/// Every YAML document of a file, parsed.
pub fn documents(content: &str) -> Vec<Value> {
    serde_yaml::Deserializer::from_str(content)
        .map(|document| Value::deserialize(document).expect("rendered YAML parses"))
        .filter(|value| !value.is_null())
        .collect()
}

/// Snapshot-tests each (path, content) of a rendered tree as `<prefix>__<path with
/// / as __>`, described by its path in the default root.
pub fn assert_file_snapshots<'a>(
    prefix: &str,
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
) {
    snapshot_settings().bind(|| {
        for (path, content) in files {
            let mut settings = insta::Settings::clone_current();
            settings.set_description(format!("{}/{path}", thanos_render::DEFAULT_ROOT));
            let name = format!("{prefix}__{}", path.replace('/', "__"));
            settings.bind(|| insta::assert_snapshot!(name, content));
        }
    });
}

/// Asserts that every Thanos flag and values key of `tree` is upstream's and every
/// object round-trips through its type; the number of objects of each kind.
pub fn assert_upstream(tree: &Tree) -> BTreeMap<String, usize> {
    assert_eq!(flag_violations(tree), Vec::<String>::new());
    assert_eq!(values_violations(tree), Vec::<String>::new());
    round_trip_objects(tree).unwrap_or_else(|p| panic!("{p:#?}"))
}

/// The one document of `kind` named `name` in `documents`.
pub fn one<'a>(documents: &'a [Value], kind: &str, name: &str) -> &'a Value {
    let found: Vec<&Value> = documents
        .iter()
        .filter(|d| d["kind"] == kind && d["metadata"]["name"] == name)
        .collect();
    assert_eq!(found.len(), 1, "one {kind} {name}");
    found[0]
}

/// The args of a workload's first container.
pub fn container_args(workload: &Value) -> Vec<String> {
    workload["spec"]["template"]["spec"]["containers"][0]["args"]
        .as_sequence()
        .expect("args")
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// The value of `--name=` in `args`, given at most once.
pub fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    let prefix = format!("{name}=");
    let values: Vec<&str> = args
        .iter()
        .filter_map(|a| a.strip_prefix(&prefix))
        .collect();
    assert!(values.len() <= 1, "{name} given {} times", values.len());
    values.first().copied()
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
                "PodDisruptionBudget" => round_trip::<PodDisruptionBudget>(&document),
                "Secret" => round_trip::<Secret>(&document),
                "Service" => round_trip::<Service>(&document),
                "ServiceAccount" => round_trip::<ServiceAccount>(&document),
                "NetworkPolicy" => round_trip::<NetworkPolicy>(&document),
                "Role" => round_trip::<Role>(&document),
                "RoleBinding" => round_trip::<RoleBinding>(&document),
                "StatefulSet" => round_trip::<StatefulSet>(&document),
                // Prometheus Operator, cert-manager and Cilium kinds have no k8s-openapi
                // type: the real-chart tier (scripts/e2e.sh) validates them against their CRDs.
                "PrometheusRule"
                | "ServiceMonitor"
                | "Issuer"
                | "Certificate"
                | "CiliumNetworkPolicy" => Ok(document.clone()),
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

/// The Thanos containers (named `thanos`) of a tree: (file, workload name, args); the
/// cache workloads' memcached and Redis containers are not Thanos.
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
                .filter(|container| container["name"] == "thanos")
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
        let known = facts::thanos_flags(subcommand);
        for arg in &args[1..] {
            let flag = arg.split('=').next().unwrap_or(arg);
            match known.iter().find(|known| known.name == flag) {
                None => violations.push(format!(
                    "{path}: {workload}: {flag} is not a `thanos {subcommand}` flag"
                )),
                Some(known) if known.deprecated => {
                    violations.push(format!("{path}: {workload}: {flag} is deprecated"));
                }
                Some(_) => {}
            }
        }
    }
    violations
}

/// Every values key path in the tree's values files that the chart does not know.
///
/// A path must be a key of the chart's values (a dependency chart's under its name); below
/// a free-form key (a scalar, a list or `{}`), paths under `prometheus.prometheusSpec` are
/// checked against the Prometheus CRD (or the PrometheusAgent CRD when `agentMode` is on),
/// others are accepted.
pub fn values_violations(tree: &Tree) -> Vec<String> {
    let keys = facts::ValuesKeys::load();
    let prometheus = facts::CrdFields::load('P');
    let agent = facts::CrdFields::load('A');
    let mut violations = Vec::new();
    for (path, content) in yaml_files(tree) {
        let file = path.rsplit('/').next().unwrap_or(path);
        if !file.starts_with("values") {
            continue;
        }
        for values in documents(content) {
            let is_agent = values["prometheus"]["agentMode"].as_bool() == Some(true);
            let mut checker = ValuesChecker {
                file: path,
                keys: &keys,
                crd: if is_agent { &agent } else { &prometheus },
                violations: &mut violations,
            };
            checker.walk(&values, "");
        }
    }
    violations
}

struct ValuesChecker<'a> {
    file: &'a str,
    keys: &'a facts::ValuesKeys,
    crd: &'a facts::CrdFields,
    violations: &'a mut Vec<String>,
}

impl ValuesChecker<'_> {
    fn walk(&mut self, rendered: &Value, path: &str) {
        let Some(map) = rendered.as_mapping() else {
            return;
        };
        for (key, value) in map {
            let child = facts::join(path, key.as_str().unwrap_or_default());
            match self.keys.get(&child) {
                // grafana.ini is Grafana's INI file: the grafana chart's `_config.tpl`
                // writes every section and key of it, listed in values.yaml or not.
                facts::ValuesKey::Unknown if child.starts_with("grafana.\"grafana.ini\".") => {}
                facts::ValuesKey::Unknown => self.violations.push(format!(
                    "{}: {child} is not a key of the chart's values",
                    self.file
                )),
                facts::ValuesKey::Commented => {}
                facts::ValuesKey::Branch => self.walk(value, &child),
                facts::ValuesKey::FreeForm => {
                    if let Some(field) = child.strip_prefix("prometheus.prometheusSpec.") {
                        // The chart copies these into the custom resource; `storageSpec`
                        // becomes `storage`.
                        let field = if field == "storageSpec" {
                            "storage"
                        } else {
                            field
                        };
                        let field = format!("spec.{field}");
                        if self.crd.get(&field).is_some() {
                            self.walk_crd(value, &field, &child);
                        } else if !is_chart_only_prometheus_spec_key(&child) {
                            self.violations
                                .push(format!("{}: {child} is not a field of the CRD", self.file));
                        }
                    }
                }
            }
        }
    }

    /// Checks a value against the CRD field at `field` (`shown` is its values path).
    fn walk_crd(&mut self, rendered: &Value, field: &str, shown: &str) {
        let shape = self.crd.get(field);
        if shape == Some(facts::Field::Any) {
            return;
        }
        match rendered {
            Value::Mapping(map) => {
                for (key, value) in map {
                    let key = key.as_str().unwrap_or_default();
                    let child = facts::join(field, key);
                    let shown_child = format!("{shown}.{key}");
                    // The chart's form of `objectStorageConfig`: a Secret it does not create.
                    if key == "existingSecret" && shown.ends_with("thanos.objectStorageConfig") {
                        self.walk_crd(value, field, &shown_child);
                    } else if self.crd.get(&child).is_some() {
                        self.walk_crd(value, &child, &shown_child);
                    } else if shape != Some(facts::Field::Map) {
                        self.violations.push(format!(
                            "{}: {shown_child} is not a field of the CRD",
                            self.file
                        ));
                    }
                }
            }
            Value::Sequence(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.walk_crd(item, &format!("{field}[]"), &format!("{shown}[{index}]"));
                }
            }
            _ => {}
        }
    }
}

/// prometheusSpec keys the chart consumes itself rather than copying to the CRD.
fn is_chart_only_prometheus_spec_key(path: &str) -> bool {
    path.ends_with("SelectorNilUsesHelmValues")
        || path.ends_with(".replicaExternalLabelNameClear")
        // The chart writes it into the custom resource's `affinity`.
        || path.ends_with(".podAntiAffinity")
        // The chart joins `image.{registry,repository,tag,sha}` into the CR's `image`
        // string (templates/prometheus/prometheus.yaml).
        || path.starts_with("prometheus.prometheusSpec.image.")
}
