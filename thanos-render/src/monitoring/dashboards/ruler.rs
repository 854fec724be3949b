//! Ruler: rule evaluations and their failures and duration, alerts sent and dropped.

use super::{matchers, rate_by, rate_panel, Panel, Row, Unit};

pub(super) fn rows() -> Vec<Row> {
    let sel = matchers("");
    vec![
        Row::new("Evaluation")
            .panel(rate_panel(
                "Evaluations by group",
                Unit::OpsPerSecond,
                "rule_group",
                "prometheus_rule_evaluations_total",
            ))
            .panel(rate_panel(
                "Evaluation failures by group",
                Unit::OpsPerSecond,
                "rule_group",
                "prometheus_rule_evaluation_failures_total",
            ))
            .panel(
                Panel::time_series("Group duration / interval", Unit::Ratio)
                    .description("Above 100% a group takes longer than its interval and skips evaluations.")
                    .query(
                        format!(
                            "max by (rule_group) (prometheus_rule_group_last_duration_seconds{{{sel}}})\n/\n\
                             max by (rule_group) (prometheus_rule_group_interval_seconds{{{sel}}})"
                        ),
                        "{{rule_group}}",
                    ),
            ),
        Row::new("Alerts")
            .panel(rate_panel(
                "Alerts sent by Alertmanager",
                Unit::OpsPerSecond,
                "alertmanager",
                "thanos_alert_sender_alerts_sent_total",
            ))
            .panel(rate_panel(
                "Send errors by Alertmanager",
                Unit::OpsPerSecond,
                "alertmanager",
                "thanos_alert_sender_errors_total",
            ))
            .panel(
                Panel::time_series("Alerts dropped", Unit::OpsPerSecond)
                    .query(
                        rate_by("pod", "thanos_alert_sender_alerts_dropped_total", ""),
                        "no Alertmanager reached {{pod}}",
                    )
                    .query(
                        rate_by("pod", "thanos_alert_queue_alerts_dropped_total", ""),
                        "queue full {{pod}}",
                    ),
            ),
    ]
}
