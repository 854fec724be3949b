//! The fleet: one central cluster, any number of edges, and what they share.

use std::ops::Deref;

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    labels, validate, Central, Chart, Component, Duration, Edge, Ingress, ObjectStorage,
    RunbookOptions, Security, ThanosImage, ValidationError,
};

/// The whole monitoring fleet. Every rendered file is a function of this value.
///
/// Build one with [`Fleet::builder`] or load one from YAML with
/// [`Fleet::from_yaml_str`](crate::Fleet::from_yaml_str); either way it is validated as a
/// whole into a [`ValidFleet`], the only form the renderer accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fleet {
    /// Namespace everything is installed in on every cluster, default `monitoring`: a
    /// DNS label (it is also written into `kubectl -n` commands).
    #[serde(default = "defaults::namespace")]
    pub namespace: String,
    /// DNS domain of the central cluster's Ingress hosts: a component's host defaults to
    /// `<component>.<domain>`, such as `thanos-receive.k8s-cluster-01.example.com`. A
    /// lowercase DNS name with at least one dot.
    pub domain: String,
    /// Storage class of every volume that does not name its own, default `longhorn`: the
    /// name of a StorageClass (a lowercase DNS name).
    #[serde(default = "defaults::storage_class")]
    pub storage_class: String,
    /// Ingress class of every Ingress that does not name its own, default `cilium`: the
    /// name of an IngressClass, checked even when every Ingress names its own.
    #[serde(default = "defaults::ingress_class")]
    pub ingress_class: String,
    /// Scrape interval of every Prometheus, default `30s`: a positive Prometheus duration;
    /// above `2m` warns (a series is stale after 5m without a sample).
    #[serde(default = "defaults::scrape_interval")]
    pub scrape_interval: Duration,
    /// The kube-prometheus-stack chart.
    #[serde(default)]
    pub chart: Chart,
    /// The Thanos image every Thanos component and the sidecar run.
    #[serde(default)]
    pub thanos: ThanosImage,
    /// The bucket blocks are stored in.
    pub object_storage: ObjectStorage,
    /// The central cluster.
    pub central: Central,
    /// The edge clusters; `null` or left out, none.
    #[serde(default)]
    pub edges: Vec<Edge>,
    /// The runbook rendered as the tree's `README.md`.
    #[serde(default)]
    pub runbook: RunbookOptions,
    /// Least privilege for the fleet's own objects (ServiceAccounts, pull policy,
    /// NetworkPolicies); the secure defaults when left out.
    #[serde(default)]
    pub security: Security,
}

mod defaults {
    pub fn namespace() -> String {
        "monitoring".to_owned()
    }
    pub fn storage_class() -> String {
        "longhorn".to_owned()
    }
    pub fn ingress_class() -> String {
        "cilium".to_owned()
    }
    pub fn scrape_interval() -> crate::Duration {
        crate::Duration::seconds(30)
    }
}

impl Fleet {
    /// Starts a fleet with the seed's defaults; `domain`, `object_storage` and `central`
    /// must be set before [`FleetBuilder::build`].
    pub fn builder() -> FleetBuilder {
        FleetBuilder::default()
    }

    /// Validates the whole fleet. Errors fail; warnings ride along in the [`ValidFleet`].
    pub fn validate(self) -> Result<ValidFleet, ValidationError> {
        self.validate_with(Vec::new())
    }

    /// Validates the whole fleet, with the grammar errors the loader found (see
    /// [`validate::fleet`]).
    pub(crate) fn validate_with(
        self,
        grammar: Vec<validate::Diagnostic>,
    ) -> Result<ValidFleet, ValidationError> {
        let diagnostics = validate::fleet(&self, grammar);
        if diagnostics
            .iter()
            .any(|d| d.severity == validate::Severity::Error)
        {
            Err(ValidationError::new(diagnostics))
        } else {
            Ok(ValidFleet {
                fleet: self,
                warnings: diagnostics,
            })
        }
    }

    /// The edge cluster named `name`, if the fleet has one.
    #[must_use]
    pub fn edge(&self, name: &str) -> Option<&Edge> {
        self.edges.iter().find(|edge| edge.name == name)
    }

    /// The host of a component's Ingress: the explicit one, else `<component>.<domain>`.
    #[must_use]
    pub fn ingress_host(&self, ingress: &Ingress, component: Component) -> String {
        ingress
            .host
            .clone()
            .unwrap_or_else(|| format!("{}.{}", component.name(), self.domain))
    }

    /// The class of an Ingress: the explicit one, else the fleet's.
    #[must_use]
    pub fn ingress_class<'a>(&'a self, ingress: &'a Ingress) -> &'a str {
        ingress.class.as_deref().unwrap_or(&self.ingress_class)
    }

    /// The image a component runs: its pin, else the fleet's.
    #[must_use]
    pub fn image<'a>(&'a self, pinned: Option<&'a ThanosImage>) -> &'a ThanosImage {
        pinned.unwrap_or(&self.thanos)
    }

    /// The replica labels the producers of this fleet put on their series and blocks:
    /// `prometheus_replica` (the operator adds it to every Prometheus and agent pod),
    /// `receive_replica` (Receive's block label) and, with a Ruler,
    /// `thanos_ruler_replica`.
    #[must_use]
    pub fn producer_replica_labels(&self) -> Vec<String> {
        let mut labels = vec![
            labels::PROMETHEUS_REPLICA.to_owned(),
            labels::RECEIVE_REPLICA.to_owned(),
        ];
        if self.central.ruler.is_some() {
            labels.push(labels::THANOS_RULER_REPLICA.to_owned());
        }
        labels
    }

    /// The external label names on the series of every Prometheus and agent of the fleet
    /// (and so on the series Receive is sent and the sidecar's blocks): the `cluster`
    /// label the values set, and `prometheus` and `prometheus_replica`, which the
    /// Prometheus Operator adds. Receive's own block labels must use other names.
    #[must_use]
    pub fn producer_external_label_names(&self) -> Vec<&'static str> {
        vec![
            labels::CLUSTER,
            labels::PROMETHEUS,
            labels::PROMETHEUS_REPLICA,
        ]
    }

    /// The labels Query deduplicates on: the override, else every producer replica label.
    #[must_use]
    pub fn query_replica_labels(&self) -> Vec<String> {
        self.central
            .query
            .replica_labels
            .clone()
            .unwrap_or_else(|| self.producer_replica_labels())
    }
}

/// A fleet that passed validation, with the warnings it raised.
///
/// The renderer takes only this type, so an invalid fleet cannot be rendered.
///
/// It dereferences to [`Fleet`], so every field and method of the fleet is read through
/// it: [`namespace`](Fleet::namespace), [`domain`](Fleet::domain),
/// [`storage_class`](Fleet::storage_class), [`ingress_class`](Fleet::ingress_class),
/// [`scrape_interval`](Fleet::scrape_interval), [`chart`](Fleet::chart),
/// [`thanos`](Fleet::thanos), [`object_storage`](Fleet::object_storage),
/// [`central`](Fleet::central), [`edges`](Fleet::edges), [`runbook`](Fleet::runbook) and
/// [`security`](Fleet::security);
/// [`Fleet::edge`] finds an edge by name.
///
/// Built with [`FleetBuilder`], a diagnostic's hint also names the Rust setter or field
/// (`in Rust: \`Central::api_address\``), beside the fleet file's path it carries.
///
/// ```
/// let fleet = thanos_model::seed::new_fleet(2).build().unwrap();
/// assert_eq!(fleet.central.name, "cluster-01-central");
/// assert_eq!(fleet.edge("cluster-03-edge").unwrap().context, "cluster-03");
/// assert!(fleet.edge("cluster-09-edge").is_none());
///
/// let central = thanos_model::Central::new("cluster-01-central")
///     .context("cluster-01")
///     .api_address("not an address");
/// let error = thanos_model::seed::new_fleet(1)
///     .central(central)
///     .build()
///     .unwrap_err();
/// let diagnostic = &error.diagnostics()[0];
/// assert_eq!(diagnostic.path, "central.apiAddress");
/// assert!(diagnostic.hint.ends_with("in Rust: `Central::api_address`"), "{}", diagnostic.hint);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidFleet {
    fleet: Fleet,
    warnings: Vec<validate::Diagnostic>,
}

impl ValidFleet {
    /// Warnings raised by validation (no errors: those fail it).
    #[must_use]
    pub fn warnings(&self) -> &[validate::Diagnostic] {
        &self.warnings
    }

    /// The warnings, for attaching file positions.
    pub(crate) fn warnings_mut(&mut self) -> &mut [validate::Diagnostic] {
        &mut self.warnings
    }

    /// The validated fleet.
    #[must_use]
    pub fn into_inner(self) -> Fleet {
        self.fleet
    }
}

impl Deref for ValidFleet {
    type Target = Fleet;

    fn deref(&self) -> &Fleet {
        &self.fleet
    }
}

/// Builds a [`Fleet`] and validates it as a whole.
///
/// A setter per field of the fleet (`#[derive(Setters)]`); one left unset takes the
/// seed's default, but `domain`, `object_storage` and `central`, which [`build`](Self::build)
/// requires.
#[derive(Debug, Clone, Default, Setters)]
#[setters(strip_option, into)]
#[must_use]
pub struct FleetBuilder {
    /// Sets [`Fleet::namespace`].
    namespace: Option<String>,
    /// Sets [`Fleet::domain`].
    domain: Option<String>,
    /// Sets [`Fleet::storage_class`].
    storage_class: Option<String>,
    /// Sets [`Fleet::ingress_class`].
    ingress_class: Option<String>,
    /// Sets [`Fleet::scrape_interval`].
    scrape_interval: Option<Duration>,
    /// Sets [`Fleet::chart`].
    chart: Option<Chart>,
    /// Sets [`Fleet::thanos`].
    thanos: Option<ThanosImage>,
    /// Sets [`Fleet::object_storage`].
    object_storage: Option<ObjectStorage>,
    /// Sets [`Fleet::central`].
    central: Option<Central>,
    /// The edges, added by [`edge`](Self::edge) and [`edges`](Self::edges).
    #[setters(skip)]
    edges: Vec<Edge>,
    /// Sets [`Fleet::runbook`].
    runbook: Option<RunbookOptions>,
    /// Sets [`Fleet::security`].
    security: Option<Security>,
}

impl FleetBuilder {
    /// Adds an edge cluster.
    pub fn edge(mut self, edge: Edge) -> Self {
        self.edges.push(edge);
        self
    }

    /// Adds edge clusters.
    pub fn edges(mut self, edges: impl IntoIterator<Item = Edge>) -> Self {
        self.edges.extend(edges);
        self
    }

    /// Grows Receive's replicas and volumes to what the fleet needs, as `init` does
    /// ([`Fleet::grow_to_need`]); a fleet that does not build yet is left as it is.
    pub fn grown_to_need(mut self) -> Self {
        if let Ok(valid) = self.clone().build() {
            let mut fleet = valid.into_inner();
            fleet.grow_to_need();
            self.central = Some(fleet.central);
        }
        self
    }

    /// Validates the fleet as a whole: every problem is reported at once, each with the
    /// path of its field.
    pub fn build(self) -> Result<ValidFleet, ValidationError> {
        let mut missing = Vec::new();
        let mut required = |value: bool, path: &str| {
            if !value {
                missing.push(validate::Diagnostic::error(
                    path,
                    "is required",
                    format!("set it with FleetBuilder::{}", to_snake(path)),
                ));
            }
        };
        required(self.domain.is_some(), "domain");
        required(self.object_storage.is_some(), "objectStorage");
        required(self.central.is_some(), "central");
        let (Some(domain), Some(object_storage), Some(central)) =
            (self.domain, self.object_storage, self.central)
        else {
            return Err(ValidationError::new(missing));
        };
        Fleet {
            namespace: self.namespace.unwrap_or_else(defaults::namespace),
            domain,
            storage_class: self.storage_class.unwrap_or_else(defaults::storage_class),
            ingress_class: self.ingress_class.unwrap_or_else(defaults::ingress_class),
            scrape_interval: self
                .scrape_interval
                .unwrap_or_else(defaults::scrape_interval),
            chart: self.chart.unwrap_or_default(),
            thanos: self.thanos.unwrap_or_default(),
            object_storage,
            central,
            edges: self.edges,
            runbook: self.runbook.unwrap_or_default(),
            security: self.security.unwrap_or_default(),
        }
        .validate()
        .map(|mut fleet| {
            fleet.warnings_mut().iter_mut().for_each(name_in_rust);
            fleet
        })
        .map_err(|error| {
            let mut diagnostics = error.diagnostics().to_vec();
            diagnostics.iter_mut().for_each(name_in_rust);
            ValidationError::new(diagnostics)
        })
    }
}

/// Adds the Rust name of a diagnostic's field to its hint, for a fleet made with the
/// builder: `central.apiAddress` is `Central::api_address`.
fn name_in_rust(diagnostic: &mut validate::Diagnostic) {
    let name = rust_name(&diagnostic.path);
    if diagnostic.hint.contains(&name) {
        return;
    }
    let sep = if diagnostic.hint.is_empty() { "" } else { "; " };
    diagnostic.hint = format!("{}{sep}in Rust: `{name}`", diagnostic.hint);
}

/// `domain` is `FleetBuilder::domain`, `central.apiAddress` `Central::api_address`,
/// `edges[1].clusterLabel` `Edge::cluster_label`; deeper fields are named by their
/// path, `fleet.central.receive.replicas`; a chart value by the `ExtraValues::set` that
/// sets it (its keys are the chart's, not Rust names).
fn rust_name(path: &str) -> String {
    if let Some((cluster, keys)) = path.split_once(".extraValues.") {
        let owner = if cluster.starts_with("edges") {
            "Edge"
        } else {
            "Central"
        };
        return format!("{owner}::extra_values with ExtraValues::set(\"{keys}\", ..)");
    }
    let segments: Vec<&str> = path.split('.').collect();
    let bare = |segment: &str| segment.split('[').next().unwrap_or(segment).to_owned();
    match segments.as_slice() {
        [field] => format!("FleetBuilder::{}", to_snake(&bare(field))),
        [first, field] if bare(first) == "central" => {
            format!("Central::{}", to_snake(&bare(field)))
        }
        [first, field] if bare(first) == "edges" => format!("Edge::{}", to_snake(&bare(field))),
        _ => format!(
            "fleet.{}",
            segments
                .iter()
                .map(|segment| to_snake(segment))
                .collect::<Vec<_>>()
                .join(".")
        ),
    }
}

fn to_snake(camel: &str) -> String {
    let mut out = String::new();
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
