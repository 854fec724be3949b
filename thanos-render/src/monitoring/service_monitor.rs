//! `ServiceMonitor` (`monitoring.coreos.com/v1`): which Services' endpoints a Prometheus
//! scrapes, on which port and path.
//!
//! Only the fields this project writes are typed; names follow the CRD
//! (kube-prometheus-stack 78.2.1, `crd-servicemonitors.yaml`).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde::Serialize;

use super::Duration;

/// A `ServiceMonitor` object.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServiceMonitor {
    /// Name, namespace and labels.
    pub metadata: ObjectMeta,
    /// What to scrape.
    pub spec: ServiceMonitorSpec,
}

/// `spec` of a [`ServiceMonitor`].
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceMonitorSpec {
    /// Labels of the Services whose endpoints are scraped.
    pub selector: LabelSelector,
    /// Namespaces the Services are looked up in; the ServiceMonitor's own when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace_selector: Option<NamespaceSelector>,
    /// One scrape configuration per Service port.
    pub endpoints: Vec<Endpoint>,
}

/// `spec.namespaceSelector`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceSelector {
    /// Every namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub any: Option<bool>,
    /// These namespaces.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub match_names: Vec<String>,
}

/// One item of `spec.endpoints`: a named Service port and how to scrape it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    /// Name of the Service port.
    pub port: String,
    /// HTTP path of the metrics; `/metrics` when unset.
    pub path: Option<String>,
    /// Scrape interval; the Prometheus' global interval when unset.
    pub interval: Option<Duration>,
    /// Relabelling of the discovered targets, applied after the operator's own (so a
    /// `job` set here wins over the default, the Service name).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub relabelings: Vec<RelabelConfig>,
}

/// One relabelling step (`relabelings[]`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelabelConfig {
    /// Labels whose values, joined, are matched against `regex`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub source_labels: Vec<String>,
    /// Label written by `replace`.
    pub target_label: Option<String>,
    /// Anchored RE2 pattern; `(.*)` when unset.
    pub regex: Option<String>,
    /// Value written by `replace`; `$1` when unset.
    pub replacement: Option<String>,
    /// What to do; `replace` when unset.
    pub action: Option<RelabelAction>,
}

/// `relabelings[].action`, in the CRD's lower-case spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RelabelAction {
    /// Write `replacement` to `target_label` when `regex` matches.
    Replace,
    /// Keep only targets whose source labels match `regex`.
    Keep,
    /// Drop targets whose source labels match `regex`.
    Drop,
    /// Copy labels whose names match `regex`.
    LabelMap,
    /// Remove labels whose names match `regex`.
    LabelDrop,
    /// Keep only labels whose names match `regex`.
    LabelKeep,
}

impl RelabelConfig {
    /// Sets `label` to the fixed `value` on every target.
    #[must_use]
    pub fn set(label: &str, value: &str) -> Self {
        Self {
            target_label: Some(label.to_owned()),
            replacement: Some(value.to_owned()),
            action: Some(RelabelAction::Replace),
            ..Self::default()
        }
    }

    /// Keeps only the targets whose `label` matches `regex`.
    #[must_use]
    pub fn keep(label: &str, regex: &str) -> Self {
        Self {
            source_labels: vec![label.to_owned()],
            regex: Some(regex.to_owned()),
            action: Some(RelabelAction::Keep),
            ..Self::default()
        }
    }
}

super::resource::monitoring_v1_resource!(ServiceMonitor, ServiceMonitorSpec, "servicemonitors");

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
    use serde_json::json;

    use super::{Endpoint, NamespaceSelector, RelabelConfig, ServiceMonitor, ServiceMonitorSpec};
    use crate::monitoring::Duration;

    #[test]
    fn serializes_in_the_crd_shape() {
        let monitor = ServiceMonitor {
            metadata: ObjectMeta {
                name: Some("m".to_owned()),
                ..ObjectMeta::default()
            },
            spec: ServiceMonitorSpec {
                selector: LabelSelector {
                    match_labels: Some(BTreeMap::from([("app".to_owned(), "x".to_owned())])),
                    ..LabelSelector::default()
                },
                namespace_selector: Some(NamespaceSelector {
                    match_names: vec!["monitoring".to_owned()],
                    ..NamespaceSelector::default()
                }),
                endpoints: vec![Endpoint {
                    port: "http".to_owned(),
                    path: Some("/metrics".to_owned()),
                    interval: Some(Duration::seconds(30)),
                    relabelings: vec![
                        RelabelConfig::keep("__meta_kubernetes_service_name", "x"),
                        RelabelConfig::set("job", "x"),
                    ],
                }],
            },
        };
        assert_eq!(
            serde_json::to_value(&monitor).unwrap(),
            json!({
                "apiVersion": "monitoring.coreos.com/v1",
                "kind": "ServiceMonitor",
                "metadata": {"name": "m"},
                "spec": {
                    "selector": {"matchLabels": {"app": "x"}},
                    "namespaceSelector": {"matchNames": ["monitoring"]},
                    "endpoints": [{
                        "port": "http",
                        "path": "/metrics",
                        "interval": "30s",
                        "relabelings": [
                            {"sourceLabels": ["__meta_kubernetes_service_name"], "regex": "x", "action": "keep"},
                            {"targetLabel": "job", "replacement": "x", "action": "replace"}
                        ]
                    }]
                }
            })
        );
    }
}
