//! Ruler: down, evaluating nothing, failing evaluations, evaluating on partial answers,
//! alerts dropped before or after the queue.

use super::{alert, down, job, AlertSeverity, AlertingRule, Duration, Target, Text};

pub(super) fn rules(namespace: &str) -> Vec<AlertingRule> {
    let ruler = job(Target::Ruler);
    let ruler_pods =
        format!("kubectl -n {namespace} get pods -l app.kubernetes.io/name=thanos-ruler");
    vec![
        down(
            Target::Ruler,
            AlertSeverity::Critical,
            "Nothing records the edges' series or evaluates their alerts (silent edges included).",
            &format!(
                "{ruler_pods}; kubectl -n {namespace} describe thanosruler; check the operator's \
                 logs for errors reconciling the ThanosRuler."
            ),
        ),
        alert(
            "ThanosRulerEvaluationFailures",
            AlertSeverity::Critical,
            Duration::minutes(15),
            format!(
                "sum by (namespace, job, pod, rule_group) (rate(prometheus_rule_evaluation_failures_total{{{ruler}}}[5m])) > 0"
            ),
            &Text {
                summary: "Thanos Ruler {{ $labels.pod }} fails to evaluate {{ $labels.rule_group }}.",
                description: "Rules of group {{ $labels.rule_group }} have kept failing on \
                              Thanos Ruler {{ $labels.pod }} for 15 minutes: their series are not \
                              recorded and their alerts cannot fire.",
                runbook: &format!(
                    "kubectl -n {namespace} logs {{{{ $labels.pod }}}} -c thanos-ruler | grep -i \
                     'evaluat'; a query error means Thanos Query is unreachable or returned a \
                     partial response (see the Query alerts)."
                ),
            },
        ),
        // The groups on `partial_response_strategy: warn` (docs/design/alerting.md) stay
        // correct while one store errs, because every series has a second copy; this says
        // that a store errs, before a second one makes the answers lie.
        alert(
            "ThanosRulerPartialEvaluations",
            AlertSeverity::Warning,
            Duration::minutes(15),
            format!(
                "sum by (namespace, job, pod) (rate(thanos_rule_evaluation_with_warnings_total{{{ruler}, strategy=\"warn\"}}[5m])) > 0"
            ),
            &Text {
                summary: "Thanos Ruler {{ $labels.pod }} evaluates on partial answers.",
                description: "For 15 minutes some evaluations of Thanos Ruler {{ $labels.pod }} \
                              got an answer from which a store was missing. The alerts that \
                              allow it stay correct while every series has a second copy; \
                              one more failing store and they would not.",
                runbook: &format!(
                    "kubectl -n {namespace} logs {{{{ $labels.pod }}}} -c thanos-ruler | grep -i \
                     warn names the store; see ThanosReceiveDown, ThanosStoreDown and \
                     ThanosQueryStoreApiErrors."
                ),
            },
        ),
        alert(
            "ThanosRulerQueueOverflow",
            AlertSeverity::Critical,
            Duration::minutes(5),
            format!(
                "sum by (namespace, job, pod) (rate(thanos_alert_queue_alerts_dropped_total{{{ruler}}}[5m])) > 0"
            ),
            &Text {
                summary: "Thanos Ruler {{ $labels.pod }} drops alerts from a full queue.",
                description: "Thanos Ruler {{ $labels.pod }} has been dropping alerts for 5 \
                              minutes because its queue to Alertmanager is full.",
                runbook: "Alertmanager is slow or unreachable (see \
                          ThanosRulerAlertmanagerUnreachable), or far more alerts fire than \
                          usual: look at the firing alerts in Thanos Ruler's UI.",
            },
        ),
        alert(
            "ThanosRulerAlertmanagerUnreachable",
            AlertSeverity::Critical,
            Duration::minutes(5),
            format!(
                "sum by (namespace, job, pod) (rate(thanos_alert_sender_alerts_dropped_total{{{ruler}}}[5m])) > 0"
            ),
            &Text {
                summary: "Thanos Ruler {{ $labels.pod }} reaches no Alertmanager.",
                description: "For 5 minutes every send of Thanos Ruler {{ $labels.pod }} to all \
                              its Alertmanagers has failed, so its alerts (silent edges included) \
                              reach nobody. This alert comes from the central Prometheus.",
                runbook: &format!(
                    "kubectl -n {namespace} logs {{{{ $labels.pod }}}} -c thanos-ruler | grep -i \
                     alertmanager; check the Ruler's Alertmanager configuration (the \
                     alertmanagersConfig Secret) and kubectl -n {namespace} get endpoints \
                     alertmanager-operated."
                ),
            },
        ),
        alert(
            "ThanosRulerEvaluatesNothing",
            AlertSeverity::Critical,
            Duration::minutes(15),
            format!(
                "(\n  sum by (namespace, job, pod) (rate(prometheus_rule_evaluations_total{{{ruler}}}[5m]))\n\
                 or\n  sum by (namespace, job, pod) (up{{{ruler}}} == 1) * 0\n) == 0"
            ),
            &Text {
                summary: "Thanos Ruler {{ $labels.pod }} evaluates no rule.",
                description: "Thanos Ruler {{ $labels.pod }} is up but has evaluated no rule for \
                              15 minutes: its rule selector matches no PrometheusRule, or the \
                              operator did not hand it any. The chart's, the per-cluster and \
                              the silent-edge alerts cannot fire.",
                runbook: &format!(
                    "kubectl -n {namespace} get prometheusrules --show-labels; kubectl -n \
                     {namespace} get thanosruler -o jsonpath='{{.items[0].spec.ruleSelector}}'; \
                     kubectl -n {namespace} get configmaps | grep thanos-ruler."
                ),
            },
        ),
    ]
}
