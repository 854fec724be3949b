//! The project's alerts on the Thanos components, in one PrometheusRule `thanos-alerts`
//! with one group per component.
//!
//! One object because it is one unit for whoever selects rules (one
//! [`EVALUATOR_LABEL`](super::EVALUATOR_LABEL) to set, one file to check); one group per
//! component so a slow or failing expression of one component never delays another's,
//! and the groups read like the component list.
//!
//! The central Prometheus evaluates them ([`Evaluator::Prometheus`]): it scrapes the
//! components itself, so these alerts keep working while Query or the Ruler is down, the
//! moment they matter most. Thresholds were chosen after reading the upstream Thanos
//! mixin (v0.42.4) for what to watch; expressions and texts are the project's own.

mod compactor;
mod query;
mod receive;
mod ruler;
mod sidecar;
mod store;

use super::{
    labels, promql, AlertSeverity, AlertingRule, Duration, Evaluator, MonitoringOptions,
    PrometheusRule, RuleGroup, Target, EVALUATOR_LABEL, SEVERITY_LABEL,
};

/// `metadata.name` of the object [`thanos_alerts`] returns.
pub const THANOS_ALERTS_NAME: &str = "thanos-alerts";

/// The alerts on every component [`MonitoringOptions::targets`] lists, in `namespace`
/// (which is also where the runbook hints look for the pods).
#[must_use]
pub fn thanos_alerts(namespace: &str, options: &MonitoringOptions) -> PrometheusRule {
    let metadata = labels::metadata(
        namespace,
        THANOS_ALERTS_NAME,
        [(EVALUATOR_LABEL, Evaluator::Prometheus.label_value())],
    );
    options
        .targets()
        .into_iter()
        .map(|target| {
            let rules = match target {
                Target::Query => query::rules(namespace, options),
                Target::Receive => receive::rules(namespace),
                Target::Store => store::rules(namespace),
                Target::Compactor => compactor::rules(namespace),
                Target::Sidecar => sidecar::rules(namespace),
                Target::Ruler => ruler::rules(namespace),
            };
            rules.into_iter().fold(
                RuleGroup::new(format!("thanos-{}", target.slug())),
                RuleGroup::rule,
            )
        })
        .fold(PrometheusRule::new(metadata), PrometheusRule::group)
}

/// The label matcher of a component's series: `job="<job>"`.
fn job(target: Target) -> String {
    format!("job={}", promql::string_literal(target.job()))
}

/// `failed / total > threshold`: the share of the `total` rate (a series selector) that
/// `failed`, both over `window` and summed `by` the same labels.
fn failure_ratio(by: &str, failed: &str, total: &str, window: &str, threshold: f64) -> String {
    format!(
        "(\n  sum by ({by}) (rate({failed}[{window}]))\n/\n  sum by ({by}) (rate({total}[{window}]))\n) > {threshold}"
    )
}

/// What a person reads on the alert.
struct Text<'a> {
    summary: &'a str,
    description: &'a str,
    runbook: &'a str,
}

/// An alert with everything the project's alerts carry: severity, summary, description
/// and a runbook hint.
fn alert(
    name: &str,
    severity: AlertSeverity,
    pending_for: Duration,
    expr: String,
    text: &Text<'_>,
) -> AlertingRule {
    AlertingRule::new(name, expr)
        .pending_for(pending_for)
        .label(SEVERITY_LABEL, severity.label_value())
        .annotation("summary", text.summary)
        .annotation("description", text.description)
        .annotation("runbook", text.runbook)
}

/// `Thanos<Component>Down`: no target of the component has been up for 5 minutes,
/// including when none is discovered at all (a ServiceMonitor that selects nothing).
fn down(target: Target, severity: AlertSeverity, impact: &str, runbook: &str) -> AlertingRule {
    let title = target.title();
    alert(
        &format!("Thanos{title}Down"),
        severity,
        Duration::minutes(5),
        format!("absent(up{{{}}} == 1)", job(target)),
        &Text {
            summary: &format!("Thanos {title} is down."),
            description: &format!(
                "No target of job {} has been up for 5 minutes (or none is discovered). {impact}",
                target.job()
            ),
            runbook,
        },
    )
    .label("job", target.job())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::thanos_alerts;
    use crate::monitoring::{
        MonitoringOptions, Rule, Target, EVALUATOR_LABEL, SEVERITY_LABEL, SIDECAR_JOB,
    };

    #[test]
    fn every_alert_has_severity_summary_description_and_runbook() {
        let rules = thanos_alerts("monitoring", &MonitoringOptions::default());
        rules.validate().unwrap();
        for alert in rules.alerts() {
            let severity = alert.labels.get(SEVERITY_LABEL).map(String::as_str);
            assert!(
                matches!(severity, Some("critical" | "warning")),
                "{}: severity {severity:?}",
                alert.alert
            );
            for annotation in ["summary", "description", "runbook"] {
                assert!(
                    alert
                        .annotations
                        .get(annotation)
                        .is_some_and(|text| !text.trim().is_empty()),
                    "{}: no {annotation}",
                    alert.alert
                );
            }
            assert!(alert.pending_for.is_some(), "{}: no `for`", alert.alert);
        }
    }

    #[test]
    fn one_group_per_component_each_with_a_down_alert() {
        let rules = thanos_alerts("monitoring", &MonitoringOptions::default());
        let groups: Vec<_> = rules.spec.groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(
            groups,
            [
                "thanos-query",
                "thanos-receive",
                "thanos-store",
                "thanos-compactor",
                "thanos-sidecar",
                "thanos-ruler"
            ]
        );
        for (group, target) in rules.spec.groups.iter().zip(Target::ALL) {
            let Rule::Alert(first) = &group.rules[0] else {
                panic!("{}: first rule is not an alert", group.name);
            };
            assert_eq!(first.alert, format!("Thanos{}Down", target.title()));
            assert_eq!(
                first.expr,
                format!("absent(up{{job=\"{}\"}} == 1)", target.job())
            );
        }
    }

    #[test]
    fn every_expression_selects_its_components_job() {
        let rules = thanos_alerts("monitoring", &MonitoringOptions::default());
        for (group, target) in rules.spec.groups.iter().zip(Target::ALL) {
            for rule in &group.rules {
                let Rule::Alert(alert) = rule else { continue };
                assert!(
                    alert.expr.contains(&format!("job=\"{}\"", target.job())),
                    "{} does not select job {}",
                    alert.alert,
                    target.job()
                );
            }
        }
    }

    #[test]
    fn alert_names_are_unique() {
        let rules = thanos_alerts("monitoring", &MonitoringOptions::default());
        let mut seen = BTreeSet::new();
        for alert in rules.alerts() {
            let key = (alert.alert.clone(), alert.labels.get("store_type").cloned());
            assert!(seen.insert(key), "{} twice", alert.alert);
        }
    }

    #[test]
    fn without_a_ruler_there_is_no_ruler_group_and_no_rule_endpoint_expected() {
        let rules = thanos_alerts("monitoring", &MonitoringOptions::default().ruler(false));
        assert!(rules.spec.groups.iter().all(|g| g.name != "thanos-ruler"));
        assert!(rules
            .alerts()
            .all(|alert| alert.labels.get("store_type").map(String::as_str) != Some("rule")));
        let with = thanos_alerts("monitoring", &MonitoringOptions::default());
        assert!(with
            .alerts()
            .any(|alert| alert.labels.get("store_type").map(String::as_str) == Some("rule")));
    }

    #[test]
    fn labelled_for_the_central_prometheus() {
        let rules = thanos_alerts("observability", &MonitoringOptions::default());
        let labels = rules.metadata.labels.as_ref().unwrap();
        assert_eq!(labels[EVALUATOR_LABEL], "prometheus");
        assert!(!labels.contains_key("release"));
        assert_eq!(rules.metadata.namespace.as_deref(), Some("observability"));
        assert!(rules
            .alerts()
            .any(|alert| alert.annotations["runbook"].contains("-n observability")));
        assert!(rules
            .alerts()
            .any(|alert| alert.expr.contains(&format!("job=\"{SIDECAR_JOB}\""))));
    }
}
