//! The labels the monitoring objects carry, and what selects on them.
//!
//! | label | on | value | read by |
//! | --- | --- | --- | --- |
//! | [`EVALUATOR_LABEL`] | PrometheusRules | [`Evaluator::label_value`] | the `ruleSelector` of the central Prometheus (`prometheus` only) and of the ThanosRuler (`thanos-ruler` only, the chart's rules labelled through `defaultRules.labels`; with `perClusterRules: false`, everything but `prometheus`) |
//! | [`GRAFANA_DASHBOARD_LABEL`] | dashboard ConfigMaps | [`GRAFANA_DASHBOARD_VALUE`] | the chart's Grafana dashboard sidecar (`grafana.sidecar.dashboards.label` / `labelValue`, chart defaults) |
//! | `app.kubernetes.io/part-of`, `app.kubernetes.io/managed-by` | everything here | `thanos`, `thanos-kustomize` | people and `kubectl -l` |
//!
//! No object here carries `release: kube-prometheus-stack`: the central Prometheus
//! selects every ServiceMonitor and PrometheusRule (`*SelectorNilUsesHelmValues: false`),
//! and the Ruler selects on [`EVALUATOR_LABEL`] rather than on `release`.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// Which rule evaluator a PrometheusRule is meant for.
pub const EVALUATOR_LABEL: &str = "thanos-kustomize.io/evaluator";
/// The label the chart's Grafana sidecar loads dashboard ConfigMaps by.
pub const GRAFANA_DASHBOARD_LABEL: &str = "grafana_dashboard";
/// The value of [`GRAFANA_DASHBOARD_LABEL`] the chart's sidecar looks for.
pub const GRAFANA_DASHBOARD_VALUE: &str = "1";

/// Who evaluates a PrometheusRule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Evaluator {
    /// The central Prometheus: rules over what it scrapes itself (the Thanos components).
    /// They keep working while Query or the Ruler is down, which is when they matter.
    Prometheus,
    /// The Thanos Ruler, over Thanos Query: rules that need the edges' series, which only
    /// Receive holds. Central Prometheus must not load these: without the edges' data
    /// every silent-edge alert would fire there. The chart's rules carry it too
    /// (`defaultRules.labels`), and a user's own rule joins by it; with
    /// `perClusterRules: false` the Ruler evaluates every rule without the label as well.
    ThanosRuler,
}

impl Evaluator {
    /// The value of [`EVALUATOR_LABEL`].
    #[must_use]
    pub const fn label_value(self) -> &'static str {
        match self {
            Self::Prometheus => "prometheus",
            Self::ThanosRuler => "thanos-ruler",
        }
    }
}

/// The labels every monitoring object carries.
pub(crate) fn common() -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/part-of".to_owned(), "thanos".to_owned()),
        (
            "app.kubernetes.io/managed-by".to_owned(),
            "thanos-kustomize".to_owned(),
        ),
    ])
}

/// Metadata of object `name` in `namespace` with the common labels plus `extra`.
pub(crate) fn metadata<'a>(
    namespace: &str,
    name: &str,
    extra: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> ObjectMeta {
    let mut labels = common();
    labels.extend(
        extra
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value.to_owned())),
    );
    ObjectMeta {
        name: Some(name.to_owned()),
        namespace: Some(namespace.to_owned()),
        labels: Some(labels),
        ..ObjectMeta::default()
    }
}
