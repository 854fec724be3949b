//! One alert per edge cluster that has stopped writing to Receive, or never started.
//!
//! Every edge's Prometheus agent writes an `up` series for each of its scrape targets,
//! labelled with the edge's `cluster` external label, whatever the targets' health. So an
//! edge with no `up{cluster="<edge>"}` sample in Receive for a while is not writing at
//! all (agent down, remote write refused, network cut), and an edge that never wrote has
//! none from the start. Only Receive holds the edges' series, so the Thanos Ruler
//! evaluates these rules over Thanos Query ([`Evaluator::ThanosRuler`]).
//!
//! Time to fire, with the defaults: `absent_over_time` over 10 minutes becomes true 10
//! minutes after the edge's last sample, then the alert is pending for 5 minutes: it fires
//! 15 minutes after the last sample, plus the Ruler's query offset (it evaluates that far
//! in the past), give or take one 1-minute evaluation interval. An edge that never wrote
//! fires 5 minutes after the rule is first evaluated.
//!
//! The partial-response strategy ([`PartialResponse::for_absence`]) matters here: with
//! Receive replicated, one failing Receive pod leaves every edge's series whole and the
//! alerts keep evaluating (`warn`); with one copy of each series, the evaluation fails
//! (`abort`, and `ThanosRulerEvaluationFailures` fires) instead of every edge on that pod
//! looking silent.
//!
//! The Ruler's external labels (the ThanosRuler's `labels`) must not include `cluster`:
//! Thanos sets its external labels over an alert's own, which would give every edge's
//! alert the same `cluster` and merge them into one in Alertmanager.

use std::collections::BTreeSet;

use super::{
    labels, per_cluster, promql, AlertSeverity, AlertingRule, Duration, Evaluator, PartialResponse,
    PrometheusRule, RuleGroup, SeriesCopies, EVALUATOR_LABEL,
};

/// The alert name every edge's rule shares; the `cluster` label tells them apart.
pub const SILENT_EDGE_ALERT: &str = "ThanosEdgeSilent";
/// `metadata.name` of the object [`silent_edge_alerts`] returns.
pub const SILENT_EDGES_NAME: &str = "thanos-silent-edges";
/// The series label naming an edge.
pub const CLUSTER_LABEL: &str = "cluster";

/// How long an edge may stay silent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SilentEdgeOptions {
    window: Duration,
    pending_for: Duration,
    interval: Duration,
    query_offset: Duration,
    copies: SeriesCopies,
}

impl Default for SilentEdgeOptions {
    /// No sample for 10 minutes, pending 5 more, evaluated every minute: fires 15
    /// minutes after an edge's last sample.
    fn default() -> Self {
        Self {
            window: Duration::minutes(10),
            pending_for: Duration::minutes(5),
            interval: Duration::minutes(1),
            query_offset: Duration::milliseconds(0),
            copies: SeriesCopies::One,
        }
    }
}

/// A `#[must_use]` setter per field that consumes and returns the options.
macro_rules! option_setters {
    ($($(#[doc = $doc:expr])* $field:ident : $ty:ty),* $(,)?) => {
        $(
            $(#[doc = $doc])*
            #[must_use]
            pub fn $field(mut self, $field: $ty) -> Self {
                self.$field = $field;
                self
            }
        )*
    };
}

impl SilentEdgeOptions {
    /// The defaults.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    option_setters! {
        /// How long without any sample before the alert is pending.
        window: Duration,
        /// How long pending before it fires (`for`).
        pending_for: Duration,
        /// Evaluation interval of the group.
        interval: Duration,
        /// How far in the past the Ruler evaluates (`ruleQueryOffset`): the alert fires
        /// that much later.
        query_offset: Duration,
        /// How many copies of every series Receive holds (two or more with a replication
        /// factor of 2 or more), which decides the group's partial-response strategy
        /// ([`PartialResponse::for_absence`]).
        copies: SeriesCopies,
    }

    /// How long the alert is pending before it fires: for an edge that never wrote, the
    /// time from the rule's first evaluation to the alert.
    #[must_use]
    pub fn pending(&self) -> &Duration {
        &self.pending_for
    }

    /// From an edge's last sample to the alert firing, give or take one evaluation
    /// interval.
    #[must_use]
    pub fn time_to_fire(&self) -> Duration {
        self.window.clone() + self.pending_for.clone() + self.query_offset.clone()
    }
}

/// One [`SILENT_EDGE_ALERT`] rule per value of `edges` (the edges' `cluster` label
/// values, in order; a repeated value gets one rule), in `namespace`, labelled for the
/// Thanos Ruler. With no edges the group is empty.
#[must_use]
pub fn silent_edge_alerts(
    namespace: &str,
    edges: &[&str],
    options: &SilentEdgeOptions,
) -> PrometheusRule {
    let mut seen = BTreeSet::new();
    let group = edges
        .iter()
        .filter(|edge| seen.insert(**edge))
        .map(|edge| silent_edge(namespace, edge, options))
        .fold(
            RuleGroup::new(SILENT_EDGES_NAME)
                .interval(options.interval.clone())
                .partial_response(PartialResponse::for_absence(options.copies)),
            RuleGroup::rule,
        );
    PrometheusRule::new(labels::metadata(
        namespace,
        SILENT_EDGES_NAME,
        [(EVALUATOR_LABEL, Evaluator::ThanosRuler.label_value())],
    ))
    .group(group)
}

fn silent_edge(namespace: &str, edge: &str, options: &SilentEdgeOptions) -> AlertingRule {
    let (window, fire) = (options.window.clone(), options.time_to_fire());
    per_cluster::cluster_alert(
        SILENT_EDGE_ALERT,
        format!(
            "absent_over_time(up{{{CLUSTER_LABEL}={}}}[{window}])",
            promql::string_literal(edge)
        ),
        edge,
        AlertSeverity::Critical,
        options.pending_for.clone(),
        format!("Edge cluster {{{{ $labels.cluster }}}} has written nothing for {window}."),
        format!(
            "Thanos Receive holds no sample from edge cluster {{{{ $labels.cluster }}}} (its \
             agent's up series) for {window}, or the edge has never written. This alert fires \
             {fire} after the edge's last sample."
        ),
    )
    .annotation(
        "runbook",
        format!(
            "On the edge: kubectl -n {namespace} get pods | grep prom-agent, then kubectl -n \
             {namespace} logs <prom-agent pod> -c prometheus | grep -i 'remote' for write \
             errors; check the edge reaches the Receive Ingress; on central, check \
             ThanosReceiveDown and ThanosReceiveWriteErrors."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::{silent_edge_alerts, SilentEdgeOptions, SILENT_EDGE_ALERT};
    use crate::monitoring::{Duration, Rule, EVALUATOR_LABEL};

    #[test]
    fn one_alert_per_edge_named_by_its_cluster_label() {
        let edges = ["cluster-02-edge", "cluster-03-edge", "cluster-04-edge"];
        let rules = silent_edge_alerts("monitoring", &edges, &SilentEdgeOptions::default());
        rules.validate().unwrap();
        let alerts: Vec<_> = rules.alerts().collect();
        assert_eq!(alerts.len(), 3);
        for (alert, edge) in alerts.iter().zip(edges) {
            assert_eq!(alert.alert, SILENT_EDGE_ALERT);
            assert_eq!(alert.labels["cluster"], edge);
            assert_eq!(alert.labels["severity"], "critical");
            assert_eq!(
                alert.expr,
                format!("absent_over_time(up{{cluster=\"{edge}\"}}[10m])")
            );
            assert_eq!(alert.pending_for, Some(Duration::minutes(5)));
        }
    }

    #[test]
    fn adding_an_edge_adds_its_alert() {
        let options = SilentEdgeOptions::default();
        let three = silent_edge_alerts("monitoring", &["a", "b", "c"], &options);
        let four = silent_edge_alerts("monitoring", &["a", "b", "c", "d"], &options);
        assert_eq!(four.alerts().count(), three.alerts().count() + 1);
        assert!(four.alerts().any(|alert| alert.labels["cluster"] == "d"));
        assert!(!three.alerts().any(|alert| alert.labels["cluster"] == "d"));
    }

    #[test]
    fn quotes_and_backslashes_in_a_cluster_value_stay_inside_the_literal() {
        let rules = silent_edge_alerts(
            "monitoring",
            &[r#"we"ird\edge"#],
            &SilentEdgeOptions::default(),
        );
        let alert = rules.alerts().next().unwrap();
        assert_eq!(
            alert.expr,
            r#"absent_over_time(up{cluster="we\"ird\\edge"}[10m])"#
        );
        // The label keeps the value as it is; only the expression needs escaping.
        assert_eq!(alert.labels["cluster"], r#"we"ird\edge"#);
    }

    #[test]
    fn a_repeated_edge_gets_one_rule() {
        let rules = silent_edge_alerts(
            "monitoring",
            &["a", "b", "a"],
            &SilentEdgeOptions::default(),
        );
        let clusters: Vec<_> = rules
            .alerts()
            .map(|a| a.labels["cluster"].as_str())
            .collect();
        assert_eq!(clusters, ["a", "b"]);
    }

    #[test]
    fn the_stated_time_to_fire_is_window_plus_pending() {
        let options = SilentEdgeOptions::default()
            .window(Duration::minutes(20))
            .pending_for(Duration::minutes(10));
        assert_eq!(options.time_to_fire(), Duration::minutes(30));
        let rules = silent_edge_alerts("monitoring", &["a"], &options);
        let alert = rules.alerts().next().unwrap();
        assert!(alert.expr.ends_with("[20m])"));
        assert!(alert.annotations["description"].contains("fires 30m after"));
        assert_eq!(
            SilentEdgeOptions::default().time_to_fire(),
            Duration::minutes(15)
        );
    }

    #[test]
    fn labelled_for_the_ruler_with_a_fixed_interval() {
        let rules = silent_edge_alerts("monitoring", &["a"], &SilentEdgeOptions::default());
        assert_eq!(
            rules.metadata.labels.as_ref().unwrap()[EVALUATOR_LABEL],
            "thanos-ruler"
        );
        let group = &rules.spec.groups[0];
        assert_eq!(group.interval, Some(Duration::minutes(1)));
        assert!(matches!(group.rules[0], Rule::Alert(_)));
    }

    #[test]
    fn no_edges_gives_an_empty_group() {
        let rules = silent_edge_alerts("monitoring", &[], &SilentEdgeOptions::default());
        assert_eq!(rules.spec.groups.len(), 1);
        assert!(rules.spec.groups[0].rules.is_empty());
    }
}
