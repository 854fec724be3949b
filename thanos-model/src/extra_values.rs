//! Chart values the model does not type, set on one cluster beside the typed ones.
//!
//! A cluster's `extraValues` is a mapping of kube-prometheus-stack values, such as a
//! `nodeSelector` for the edge's agent:
//!
//! ```yaml
//! extraValues:
//!   prometheus:
//!     prometheusSpec:
//!       nodeSelector: {kubernetes.io/os: linux}
//! ```
//!
//! Its keys are checked against the chart's values keys
//! (`facts/kube-prometheus-stack-78.2.1-values-keys.txt`, read once): a key the chart does
//! not have is a typo (rule 49). A key the model sets, or one that would weaken what the
//! model secures, is refused and the error names the field that sets it (rule 50): the
//! typed values and the extra ones never set the same key, so neither has to win. A value
//! may not replace a mapping of the chart's keys with a scalar, a list or null (rule 51),
//! and no credential goes into the rendered tree (rule 52). Below a key whose value the
//! chart leaves free-form (a `nodeSelector`, a list of tolerations) any value is taken.
//!
//! The render merges the extra values into the cluster's values file after the typed
//! ones, keys in the order they were written.

use std::{
    borrow::Cow,
    collections::{BTreeSet, HashMap},
    sync::OnceLock,
};

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_yaml::{Mapping, Value};

use crate::{
    load::{closest, path},
    validate::{shown, Checker},
};

/// Chart values one cluster sets beside the typed ones (see the module documentation):
/// a YAML mapping, keys in the order they were written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ExtraValues(Mapping);

impl ExtraValues {
    /// No extra values.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the chart value at `path`, the chart's keys joined by `.`
    /// (`prometheus.prometheusSpec.nodeSelector`), to `value`: anything that serializes,
    /// such as a `BTreeMap` or `serde_json::json!({...})`. A key that holds a `.` (a
    /// label name such as `kubernetes.io/os`) goes inside `value`.
    ///
    /// # Panics
    ///
    /// If `value`'s `Serialize` implementation fails (a plain data tree never does).
    #[must_use]
    pub fn set(mut self, path: &str, value: impl Serialize) -> Self {
        let value = serde_yaml::to_value(value)
            .unwrap_or_else(|error| panic!("extra value at {path} does not serialize: {error}"));
        let (parents, last) = path.rsplit_once('.').unwrap_or(("", path));
        let mut mapping = &mut self.0;
        for key in parents.split('.').filter(|key| !key.is_empty()) {
            let entry = mapping
                .entry(Value::from(key))
                .or_insert_with(|| Value::Mapping(Mapping::new()));
            if !entry.is_mapping() {
                *entry = Value::Mapping(Mapping::new());
            }
            let Value::Mapping(inner) = entry else {
                unreachable!("made a mapping above")
            };
            mapping = inner;
        }
        mapping.insert(Value::from(last), value);
        self
    }

    /// Whether no value is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `typed` (a cluster's typed values, as a YAML value) with these values merged in:
    /// mappings merged key by key, the extra keys after the typed ones. Validation
    /// refuses an extra key the model sets, so no value of `typed` is replaced; were one
    /// to clash, the typed value is kept.
    #[must_use]
    pub fn merged_into(&self, typed: Value) -> Value {
        let mut typed = typed;
        if let Value::Mapping(mapping) = &mut typed {
            merge(mapping, &self.0);
        }
        typed
    }
}

fn merge(into: &mut Mapping, extra: &Mapping) {
    for (key, value) in extra {
        match (into.get_mut(key), value) {
            (Some(Value::Mapping(typed)), Value::Mapping(extra)) => merge(typed, extra),
            (Some(_), _) => {}
            (None, _) => {
                into.insert(key.clone(), value.clone());
            }
        }
    }
}

impl JsonSchema for ExtraValues {
    fn schema_name() -> Cow<'static, str> {
        "ExtraValues".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "object" })
    }
}

/// The chart's values keys: for each key path (the facts file's form), the keys below it.
struct ChartKeys {
    children: HashMap<&'static str, BTreeSet<String>>,
}

const FACTS: &str = include_str!("../facts/kube-prometheus-stack-78.2.1-values-keys.txt");

/// The chart's values keys, read from the facts file once.
fn chart_keys() -> &'static ChartKeys {
    static KEYS: OnceLock<ChartKeys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut children: HashMap<&'static str, BTreeSet<String>> = HashMap::new();
        let lines = FACTS
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty());
        for line in lines {
            let key_path = line.split(' ').next().unwrap_or(line);
            let (parent, last) = split_last(key_path);
            children.entry(parent).or_default().insert(last);
        }
        ChartKeys { children }
    })
}

/// A facts key path as its parent's path and its last key (unquoted).
fn split_last(key_path: &str) -> (&str, String) {
    let (at, last) = if let Some(quoted) = key_path.strip_suffix('"') {
        let start = quoted.rfind(".\"").map_or(0, |i| i + 1);
        let key = serde_json::from_str(&key_path[start..]).unwrap_or_default();
        (start, key)
    } else {
        let start = key_path.rfind('.').map_or(0, |i| i + 1);
        (start, key_path[start..].to_owned())
    };
    (key_path[..at].trim_end_matches('.'), last)
}

/// A key as the facts file writes it: plain, or JSON-quoted.
fn facts_segment(key: &str) -> Cow<'_, str> {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'));
    if plain {
        Cow::Borrowed(key)
    } else {
        Cow::Owned(serde_json::to_string(key).unwrap_or_default())
    }
}

/// The chart values the model sets, by key path (and everything below it), with the field
/// that sets each or the reason it is the model's.
const OWNED: &[(&str, &str)] = &[
    (
        "nameOverride",
        "the chart's object names, which Thanos Query and the runbook refer to",
    ),
    (
        "fullnameOverride",
        "the chart's object names, which Thanos Query and the runbook refer to",
    ),
    ("namespaceOverride", "namespace"),
    (
        "crds",
        "the CRDs, applied apart from the build in the runbook's order",
    ),
    ("global.rbac", "security.serviceAccounts"),
    ("global.imageRegistry", "the images each component pins"),
    (
        "prometheusOperator.enabled",
        "every cluster runs the Prometheus Operator",
    ),
    ("prometheus.enabled", "every cluster runs Prometheus"),
    (
        "prometheus.agentMode",
        "an edge runs an agent, central a full Prometheus",
    ),
    (
        "prometheus.thanosService",
        "central.prometheus (the sidecar Service Thanos Query reads)",
    ),
    (
        "prometheus.prometheusSpec.additionalArgs",
        "edges[].agent.walRetention",
    ),
    ("prometheus.prometheusSpec.externalLabels", "clusterLabel"),
    (
        "prometheus.prometheusSpec.replicaExternalLabelName",
        "central.query.replicaLabels",
    ),
    (
        "prometheus.prometheusSpec.replicaExternalLabelNameClear",
        "edges[].agent.dropReplicaLabel",
    ),
    (
        "prometheus.prometheusSpec.prometheusExternalLabelName",
        "central.query.replicaLabels",
    ),
    (
        "prometheus.prometheusSpec.prometheusExternalLabelNameClear",
        "central.query.replicaLabels",
    ),
    (
        "prometheus.prometheusSpec.remoteWrite",
        "central.receive and edges[].agent.queue (the write path)",
    ),
    (
        "prometheus.prometheusSpec.replicas",
        "central.prometheus.replicas or edges[].agent.replicas",
    ),
    (
        "prometheus.prometheusSpec.resources",
        "central.prometheus.resources or edges[].agent.resources",
    ),
    (
        "prometheus.prometheusSpec.retention",
        "central.prometheus.retention",
    ),
    (
        "prometheus.prometheusSpec.ruleSelector",
        "central.ruler and central.thanosMonitoring",
    ),
    (
        "prometheus.prometheusSpec.ruleSelectorNilUsesHelmValues",
        "central.thanosMonitoring",
    ),
    (
        "prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues",
        "central.thanosMonitoring",
    ),
    (
        "prometheus.prometheusSpec.podMonitorSelectorNilUsesHelmValues",
        "central.thanosMonitoring",
    ),
    (
        "prometheus.prometheusSpec.probeSelectorNilUsesHelmValues",
        "central.thanosMonitoring",
    ),
    (
        "prometheus.prometheusSpec.scrapeConfigSelectorNilUsesHelmValues",
        "central.thanosMonitoring",
    ),
    (
        "prometheus.prometheusSpec.scrapeInterval",
        "scrapeInterval or edges[].agent.scrapeInterval",
    ),
    (
        "prometheus.prometheusSpec.storageSpec",
        "central.prometheus.storage or edges[].agent.storage",
    ),
    (
        "prometheus.prometheusSpec.thanos",
        "central.prometheus.sidecar and objectStorage",
    ),
    ("alertmanager.enabled", "central.alertmanager"),
    ("alertmanager.config", "central.alertmanager.receivers"),
    (
        "alertmanager.alertmanagerSpec.replicas",
        "central.alertmanager.replicas",
    ),
    (
        "alertmanager.alertmanagerSpec.secrets",
        "central.alertmanager.receivers (their Secret references)",
    ),
    (
        "alertmanager.alertmanagerSpec.storage",
        "central.alertmanager.storage",
    ),
    ("grafana.enabled", "central.grafana"),
    ("grafana.admin", "central.grafana.admin"),
    ("grafana.adminUser", "central.grafana.admin"),
    ("grafana.ingress", "central.grafana.ingress"),
    (
        "grafana.sidecar.dashboards",
        "central.thanosMonitoring (the dashboards)",
    ),
    (
        "grafana.sidecar.datasources",
        "central.query (the Thanos Query datasource)",
    ),
    ("thanosRuler.enabled", "central.ruler"),
    (
        "thanosRuler.thanosRulerSpec.alertmanagersConfig",
        "central.ruler",
    ),
    (
        "thanosRuler.thanosRulerSpec.evaluationInterval",
        "central.ruler.evaluationInterval",
    ),
    ("thanosRuler.thanosRulerSpec.image", "central.ruler.image"),
    (
        "thanosRuler.thanosRulerSpec.objectStorageConfig",
        "objectStorage",
    ),
    (
        "thanosRuler.thanosRulerSpec.queryEndpoints",
        "central.query",
    ),
    (
        "thanosRuler.thanosRulerSpec.replicas",
        "central.ruler.replicas",
    ),
    (
        "thanosRuler.thanosRulerSpec.resources",
        "central.ruler.resources",
    ),
    (
        "thanosRuler.thanosRulerSpec.retention",
        "central.ruler.retention",
    ),
    (
        "thanosRuler.thanosRulerSpec.ruleSelector",
        "central.thanosMonitoring",
    ),
    (
        "thanosRuler.thanosRulerSpec.storage",
        "central.ruler.storage",
    ),
    (
        "defaultRules.create",
        "central.thanosMonitoring.perClusterRules",
    ),
    (
        "defaultRules.disabled",
        "central.controlPlane and central.thanosMonitoring",
    ),
    ("defaultRules.labels", "central.thanosMonitoring"),
    ("kubeControllerManager.enabled", "central.controlPlane"),
    ("kubeEtcd.enabled", "central.controlPlane"),
    ("kubeScheduler.enabled", "central.controlPlane"),
    ("kubeProxy.enabled", "central.controlPlane"),
    ("kubeStateMetrics.enabled", "edges[].kubeStateMetrics"),
    ("nodeExporter.enabled", "edges[].nodeExporter"),
    (
        "prometheus-node-exporter.namespaceOverride",
        "security.podSecurity (node-exporter's namespace)",
    ),
    (
        "prometheus.podDisruptionBudget",
        "central.topology.disruptionBudgets",
    ),
    (
        "prometheus.prometheusSpec.podAntiAffinity",
        "central.topology",
    ),
    (
        "prometheus.prometheusSpec.podAntiAffinityTopologyKey",
        "central.topology",
    ),
    (
        "prometheus.prometheusSpec.topologySpreadConstraints",
        "central.topology",
    ),
    (
        "alertmanager.podDisruptionBudget",
        "central.topology.disruptionBudgets",
    ),
    (
        "alertmanager.alertmanagerSpec.podAntiAffinity",
        "central.topology",
    ),
    (
        "alertmanager.alertmanagerSpec.podAntiAffinityTopologyKey",
        "central.topology",
    ),
    (
        "alertmanager.alertmanagerSpec.topologySpreadConstraints",
        "central.topology",
    ),
    (
        "thanosRuler.podDisruptionBudget",
        "central.topology.disruptionBudgets",
    ),
    (
        "thanosRuler.thanosRulerSpec.podAntiAffinity",
        "central.topology",
    ),
    (
        "thanosRuler.thanosRulerSpec.podAntiAffinityTopologyKey",
        "central.topology",
    ),
    (
        "thanosRuler.thanosRulerSpec.topologySpreadConstraints",
        "central.topology",
    ),
    (
        "thanosRuler.thanosRulerSpec.additionalConfig",
        "central.ruler.queryOffset",
    ),
    (
        "grafana.grafana.ini.server.root_url",
        "security.ingressTls (Grafana's https URL)",
    ),
    (
        "grafana.grafana.ini.security",
        "security.ingressTls (Grafana's secure cookies)",
    ),
    ("grafana.ingress.tls", "security.ingressTls"),
    (
        "grafana.sidecar",
        "central.grafana.rbac (the dashboard sidecars' namespaces and resources)",
    ),
    (
        "prometheus.prometheusSpec.thanos.additionalArgs",
        "central.readLimits",
    ),
    (
        "thanosRuler.thanosRulerSpec.additionalArgs",
        "central.readLimits",
    ),
    (
        "prometheus.prometheusSpec.volumes",
        "security.grpcTls (the sidecar's gRPC certificate)",
    ),
    (
        "prometheus.prometheusSpec.thanos.grpcServerTlsConfig",
        "security.grpcTls",
    ),
    (
        "thanosRuler.thanosRulerSpec.additionalConfig.grpcServerTlsConfig",
        "security.grpcTls",
    ),
    (
        "thanosRuler.thanosRulerSpec.volumes",
        "security.grpcTls (the Ruler's gRPC certificate)",
    ),
    (
        "thanosRuler.thanosRulerSpec.volumeMounts",
        "security.grpcTls (the Ruler's gRPC certificate)",
    ),
    ("prometheusOperator.image.sha", "chart.images"),
    (
        "prometheusOperator.prometheusConfigReloader.image.sha",
        "chart.images",
    ),
    (
        "prometheusOperator.admissionWebhooks.patch.image.sha",
        "chart.images",
    ),
    ("prometheusOperator.thanosImage", "chart.images"),
    ("prometheus.prometheusSpec.image.sha", "chart.images"),
    ("alertmanager.alertmanagerSpec.image.sha", "chart.images"),
    ("grafana.image.sha", "chart.images"),
    ("kube-state-metrics.image.sha", "chart.images"),
    ("prometheus-node-exporter.image.digest", "chart.images"),
];

/// Keys that set what `security` decides, refused wherever they stand, with the field.
const SECURITY: &[(&str, &str)] = &[
    (
        "securityContext",
        "security.podSecurity (the model hardens every pod)",
    ),
    (
        "containerSecurityContext",
        "security.podSecurity (the model hardens every pod)",
    ),
    (
        "podSecurityContext",
        "security.podSecurity (the model hardens every pod)",
    ),
    (
        "hostNetwork",
        "security.podSecurity (the model hardens every pod)",
    ),
    (
        "hostPID",
        "security.podSecurity (the model hardens every pod)",
    ),
    (
        "hostIPC",
        "security.podSecurity (the model hardens every pod)",
    ),
    (
        "privileged",
        "security.podSecurity (the model hardens every pod)",
    ),
    (
        "allowPrivilegeEscalation",
        "security.podSecurity (the model hardens every pod)",
    ),
    (
        "podSecurityPolicy",
        "security.podSecurity (the model hardens every pod)",
    ),
    ("serviceAccount", "security.serviceAccounts"),
    ("serviceAccountName", "security.serviceAccounts"),
    ("automountServiceAccountToken", "security.serviceAccounts"),
    ("rbac", "security.serviceAccounts"),
    ("networkPolicy", "security.networkPolicies"),
    ("imagePullPolicy", "security.imagePullPolicy"),
];

/// Words of a key that holds a credential (compared without case, `_` and `-`).
const CREDENTIAL_WORDS: &[&str] = &[
    "password",
    "passwd",
    "token",
    "apikey",
    "secretkey",
    "privatekey",
    "accesskey",
];

/// What sets the chart value at `keys` (its keys from the top of the values file), when
/// the model does: the field, or why the value is the model's. `None` for a value an
/// `extraValues` mapping may set.
#[must_use]
pub fn owner(keys: &[&str]) -> Option<&'static str> {
    let security = SECURITY
        .iter()
        .find(|(key, _)| keys.contains(key))
        .map(|(_, owner)| *owner);
    if security.is_some() {
        return security;
    }
    let joined = keys.join(".");
    OWNED
        .iter()
        .find(|(owned, _)| {
            joined == *owned
                || joined
                    .strip_prefix(owned)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
        .map(|(_, owner)| *owner)
}

/// Whether a key names a credential (a file or a Secret holding one is not one).
fn credential(key: &str) -> bool {
    let folded: String = key
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    let names_a_secret = ["existingsecret", "secretname", "secretref"]
        .iter()
        .any(|word| folded.contains(word))
        || folded.ends_with("file")
        || folded.ends_with("secret");
    CREDENTIAL_WORDS.iter().any(|word| folded.contains(word)) && !names_a_secret
}

/// One place of an `extraValues` mapping being checked.
struct At<'k> {
    /// The field path in the fleet file.
    path: String,
    /// The chart's keys from the top.
    keys: Vec<&'k str>,
    /// The facts form of `keys`, while the chart lists keys there.
    facts: Option<String>,
}

impl ExtraValues {
    /// Rules 49 to 52 (see the module documentation).
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        let at = At {
            path: path.to_owned(),
            keys: Vec::new(),
            facts: Some(String::new()),
        };
        check_mapping(&self.0, &at, check);
    }
}

fn check_mapping(mapping: &Mapping, at: &At<'_>, check: &mut Checker) {
    for (key, value) in mapping {
        let Some(key) = key.as_str() else {
            check.error(
                &at.path,
                format!("{} is not text, and chart values keys are", yaml_text(key)),
                "quote the key",
            );
            continue;
        };
        let mut keys = at.keys.clone();
        keys.push(key);
        let path = path::child(&at.path, key);
        let chart_path = keys.join(".");
        if let Some(owner) = owner(&keys) {
            check.error(
                &path,
                format!("{chart_path} is the model's to set: {owner}"),
                "remove it from extraValues, which holds only chart values the model does not set (change the model's field instead)",
            );
            continue;
        }
        if credential(key) {
            check.error(
                &path,
                format!("{chart_path} would put a credential into the rendered tree"),
                "a password, token or key does not belong in a values file: give the chart the name of a Secret created apart from the tree (its existingSecret key)",
            );
            continue;
        }
        let facts = match &at.facts {
            Some(parent) => match known(parent, key, &path, &chart_path, check) {
                Some(facts) => Some(facts),
                None => continue,
            },
            None => None,
        };
        let listed = facts.as_deref().and_then(|f| chart_keys().children.get(f));
        let inner = At {
            path,
            keys,
            facts: listed.and(facts),
        };
        match (value, listed) {
            (Value::Mapping(mapping), _) => check_mapping(mapping, &inner, check),
            (_, Some(below)) => check.error(
                &inner.path,
                format!(
                    "{chart_path} is a mapping of the chart's keys ({}); {} would replace it",
                    listing(below),
                    yaml_text(value)
                ),
                format!(
                    "set the keys below it instead, such as {chart_path}.{}",
                    below.first().map_or("", String::as_str)
                ),
            ),
            (Value::Sequence(items), None) => check_items(items, &inner, check),
            (_, None) => check_text(value, &inner, check),
        }
    }
}

/// Items of a free-form list: their mappings are checked for what the model owns and
/// for credentials.
fn check_items(items: &[Value], at: &At<'_>, check: &mut Checker) {
    for (index, item) in items.iter().enumerate() {
        let inner = At {
            path: path::index(&at.path, index),
            keys: at.keys.clone(),
            facts: None,
        };
        match item {
            Value::Mapping(mapping) => check_mapping(mapping, &inner, check),
            Value::Sequence(items) => check_items(items, &inner, check),
            _ => check_text(item, &inner, check),
        }
    }
}

/// A private key written as a value (rule 52).
fn check_text(value: &Value, at: &At<'_>, check: &mut Checker) {
    if value
        .as_str()
        .is_some_and(|text| text.contains("-----BEGIN") && text.contains("PRIVATE KEY"))
    {
        check.error(
            &at.path,
            format!("{} holds a private key", at.keys.join(".")),
            "a private key does not belong in a values file: keep it in a Secret created apart from the tree",
        );
    }
}

/// The facts path of `key` below `parent` when the chart has it; else reports it.
fn known(
    parent: &str,
    key: &str,
    path: &str,
    chart_path: &str,
    check: &mut Checker,
) -> Option<String> {
    let siblings = chart_keys().children.get(parent)?;
    let segment = facts_segment(key);
    if siblings.contains(key) {
        return Some(if parent.is_empty() {
            segment.into_owned()
        } else {
            format!("{parent}.{segment}")
        });
    }
    let names: Vec<&str> = siblings.iter().map(String::as_str).collect();
    let close = closest(key, &names);
    let under = if parent.is_empty() {
        "at the top of the chart's values".to_owned()
    } else {
        format!("under {parent}")
    };
    check.error(
        path,
        format!("{chart_path} is not a key of kube-prometheus-stack 78.2.1's values"),
        match close {
            Some(close) => format!(
                "did you mean `{close}`? (every key of the chart's values is in facts/kube-prometheus-stack-78.2.1-values-keys.txt)"
            ),
            None => format!("the keys {under} are {}", listing(siblings)),
        },
    );
    None
}

/// The first keys of a set, for a message.
fn listing(keys: &BTreeSet<String>) -> String {
    const SHOWN: usize = 12;
    let mut text = keys
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if keys.len() > SHOWN {
        text.push_str(&format!(", ... ({} in all)", keys.len()));
    }
    text
}

fn yaml_text(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::String(text) => shown(text),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim_end()
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::{seed, Edge};

    fn linux() -> BTreeMap<&'static str, &'static str> {
        BTreeMap::from([("kubernetes.io/os", "linux")])
    }

    #[test]
    fn chart_values_the_model_does_not_set_are_taken() {
        let edge_values = ExtraValues::new()
            .set("prometheus.prometheusSpec.nodeSelector", linux())
            .set(
                "prometheus.prometheusSpec.tolerations",
                [BTreeMap::from([
                    ("key", "dedicated"),
                    ("effect", "NoSchedule"),
                ])],
            )
            .set("kube-state-metrics.nodeSelector.disk", "ssd");
        let edge = Edge::new("cluster-09-edge")
            .context("cluster-09")
            .api_address("10.0.0.9")
            .extra_values(edge_values);
        let fleet = seed::new_fleet(1).edge(edge).build();
        assert!(
            fleet.is_ok(),
            "{}",
            fleet.err().map(|e| e.to_string()).unwrap_or_default()
        );
    }

    #[test]
    fn the_facts_are_read_into_parents_and_keys() {
        let keys = chart_keys();
        assert!(keys.children[""].contains("prometheus"));
        assert!(keys.children["prometheus.prometheusSpec"].contains("nodeSelector"));
        assert!(keys.children["grafana"].contains("grafana.ini"));
        assert!(keys.children.contains_key("grafana.\"grafana.ini\""));
        assert!(!keys
            .children
            .contains_key("prometheus.prometheusSpec.nodeSelector"));
    }

    #[test]
    fn set_builds_nested_mappings_in_order() {
        let extra = ExtraValues::new()
            .set("prometheus.prometheusSpec.nodeSelector", linux())
            .set("prometheus.prometheusSpec.priorityClassName", "monitoring");
        assert_eq!(
            serde_yaml::to_string(&extra).unwrap(),
            "prometheus:\n  prometheusSpec:\n    nodeSelector:\n      kubernetes.io/os: linux\n    priorityClassName: monitoring\n"
        );
    }

    #[test]
    fn extra_keys_merge_after_the_typed_ones_and_never_replace_them() {
        let typed: Value =
            serde_yaml::from_str("prometheus:\n  prometheusSpec:\n    replicas: 2\n").unwrap();
        let extra = ExtraValues::new()
            .set("prometheus.prometheusSpec.replicas", 5)
            .set("prometheus.prometheusSpec.priorityClassName", "monitoring")
            .set("kubeApiServer.enabled", false);
        assert_eq!(
            serde_yaml::to_string(&extra.merged_into(typed)).unwrap(),
            "prometheus:\n  prometheusSpec:\n    replicas: 2\n    priorityClassName: monitoring\nkubeApiServer:\n  enabled: false\n"
        );
    }

    #[test]
    fn owners_cover_the_key_and_below() {
        assert_eq!(
            owner(&["prometheus", "prometheusSpec", "thanos", "image"]),
            Some("central.prometheus.sidecar and objectStorage")
        );
        assert_eq!(owner(&["prometheus", "prometheusSpec", "thanosX"]), None);
        assert!(owner(&[
            "prometheus",
            "prometheusSpec",
            "securityContext",
            "runAsUser"
        ])
        .is_some());
        assert_eq!(
            owner(&["prometheus", "prometheusSpec", "nodeSelector"]),
            None
        );
    }

    #[test]
    fn credentials_are_keys_not_their_files_or_secrets() {
        for (key, is_one) in [
            ("adminPassword", true),
            ("bearer_token", true),
            ("secretKey", true),
            ("bearerTokenFile", false),
            ("passwordSecret", false),
            ("existingSecretPasswordKey", false),
            ("nodeSelector", false),
        ] {
            assert_eq!(credential(key), is_one, "{key}");
        }
    }
}
