//! The chart's alerts that assume one cluster, rewritten for one cluster among many.
//!
//! The Thanos Ruler evaluates the chart's rules over Thanos Query, which sees every
//! cluster. Written for one cluster, `absent(up{job="kubelet"} == 1)` is true only when
//! *no* cluster has a healthy kubelet, so one edge losing its kubelet never pages; and
//! `PrometheusNotConnectedToAlertmanagers` matches the edge agents too, which report 0
//! Alertmanagers under the same job name, so it fires for every edge forever. The chart's
//! versions are switched off (`defaultRules.disabled`, [`REPLACED_CHART_ALERTS`]) and this
//! PrometheusRule holds one rule per cluster instead, each with that cluster's `cluster`
//! matcher and label: a cluster's target is down when *its* `up` is, and its alert is
//! routed and grouped as that cluster's. Only the targets a cluster exposes get a rule,
//! so a target the cluster does not have (kubeadm's scheduler on `127.0.0.1`, no
//! kube-proxy under Cilium) never pages.

use std::collections::BTreeSet;

use super::{
    labels, promql, AlertSeverity, AlertingRule, Duration, Evaluator, PartialResponse,
    PrometheusRule, RuleGroup, SeriesCopies, CLUSTER_LABEL, EVALUATOR_LABEL, SEVERITY_LABEL,
};

/// `metadata.name` of the object [`central_watchdog`] returns.
pub const WATCHDOG_NAME: &str = "thanos-watchdog";
/// The Ruler's alert that central Prometheus is gone.
pub const CENTRAL_PROMETHEUS_GONE_ALERT: &str = "ThanosCentralPrometheusGone";

/// A second `Watchdog`, evaluated by central Prometheus itself (the chart's is evaluated
/// by the Ruler): the dead man's switch hears one heartbeat per evaluator, so it notices
/// when either stops. It carries central's `cluster` external label.
#[must_use]
pub fn central_watchdog(namespace: &str) -> PrometheusRule {
    PrometheusRule::new(labels::metadata(
        namespace,
        WATCHDOG_NAME,
        [(EVALUATOR_LABEL, Evaluator::Prometheus.label_value())],
    ))
    .group(
        RuleGroup::new("thanos-watchdog").rule(
            AlertingRule::new("Watchdog", "vector(1)")
                .label(SEVERITY_LABEL, "none")
                .label("evaluator", Evaluator::Prometheus.label_value())
                .annotation(
                    "summary",
                    "Central Prometheus evaluates its rules and reaches Alertmanager.",
                )
                .annotation(
                    "description",
                    "Always firing while central Prometheus evaluates rules and sends alerts: \
                     a dead man's switch pages when it stops.",
                ),
        ),
    )
}

/// The Ruler's alert that central Prometheus is gone (both replicas), which evaluates the
/// Thanos alerts: `absent()` of its own `up` over Query. The group's partial response is
/// `warn`: with `abort`, the sidecar of a dead Prometheus makes every evaluation fail,
/// precisely when this alert must fire; an `absent()` that misses one store's series can
/// only fire (never hide an outage), and only that store is the one in question.
#[must_use]
pub fn central_prometheus_gone(central: &str, prometheus_job: &str) -> RuleGroup {
    RuleGroup::new("central-prometheus")
        .partial_response(PartialResponse::Warn)
        .rule(cluster_alert(
            CENTRAL_PROMETHEUS_GONE_ALERT,
            format!(
                "absent(up{{job={}, {CLUSTER_LABEL}={}}} == 1)",
                promql::string_literal(prometheus_job),
                promql::string_literal(central)
            ),
            central,
            AlertSeverity::Critical,
            Duration::minutes(5),
            format!("Central Prometheus of cluster {central} is gone."),
            format!(
                "No central Prometheus of cluster {central} has been up for 5 minutes \
                 (as Thanos Query sees it): the Thanos alerts it evaluates, and its own \
                 Watchdog, are silent. This alert comes from the Thanos Ruler."
            ),
        ))
}

/// An alert about one cluster: labelled with its severity and with the cluster's
/// `cluster` (so Alertmanager routes, groups and inhibits it as that cluster's), and
/// carrying the summary and description a person reads.
pub(super) fn cluster_alert(
    alert: &str,
    expr: String,
    cluster: &str,
    severity: AlertSeverity,
    pending_for: Duration,
    summary: String,
    description: String,
) -> AlertingRule {
    AlertingRule::new(alert, expr)
        .pending_for(pending_for)
        .label(SEVERITY_LABEL, severity.label_value())
        .label(CLUSTER_LABEL, cluster)
        .annotation("summary", summary)
        .annotation("description", description)
}

/// `metadata.name` of the object [`per_cluster_alerts`] returns.
pub const PER_CLUSTER_NAME: &str = "thanos-per-cluster";

/// A scrape target whose absence the chart alerts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ClusterTarget {
    /// The kubelets (`job="kubelet"`, `metrics_path="/metrics"`).
    Kubelet,
    /// The API server.
    ApiServer,
    /// kube-scheduler.
    Scheduler,
    /// kube-controller-manager.
    ControllerManager,
    /// kube-proxy.
    Proxy,
}

impl ClusterTarget {
    /// Every target, in rule order.
    pub const ALL: [Self; 5] = [
        Self::Kubelet,
        Self::ApiServer,
        Self::Scheduler,
        Self::ControllerManager,
        Self::Proxy,
    ];

    /// The chart's alert on it.
    #[must_use]
    pub const fn alert(self) -> &'static str {
        match self {
            Self::Kubelet => "KubeletDown",
            Self::ApiServer => "KubeAPIDown",
            Self::Scheduler => "KubeSchedulerDown",
            Self::ControllerManager => "KubeControllerManagerDown",
            Self::Proxy => "KubeProxyDown",
        }
    }

    /// The selector of its `up` series, without the cluster.
    fn selector(self) -> &'static str {
        match self {
            Self::Kubelet => r#"job="kubelet", metrics_path="/metrics""#,
            Self::ApiServer => r#"job="apiserver""#,
            Self::Scheduler => r#"job="kube-scheduler""#,
            Self::ControllerManager => r#"job="kube-controller-manager""#,
            Self::Proxy => r#"job="kube-proxy""#,
        }
    }

    /// Its name in a sentence.
    fn title(self) -> &'static str {
        match self {
            Self::Kubelet => "The kubelet",
            Self::ApiServer => "The API server",
            Self::Scheduler => "kube-scheduler",
            Self::ControllerManager => "kube-controller-manager",
            Self::Proxy => "kube-proxy",
        }
    }

    /// What is lost with it.
    fn impact(self) -> &'static str {
        match self {
            Self::Kubelet => "Nothing is known about its nodes' pods and containers, and pods there may not start or stop.",
            Self::ApiServer => "Nothing can be changed on the cluster, and controllers stop working.",
            Self::Scheduler => "New pods are not scheduled.",
            Self::ControllerManager => "Deployments, ReplicaSets and node lifecycle stop being reconciled.",
            Self::Proxy => "Services may stop routing to their pods.",
        }
    }
}

/// The alert that must not fire for the agents: only central Prometheus has Alertmanagers.
pub const NOT_CONNECTED_ALERT: &str = "PrometheusNotConnectedToAlertmanagers";

/// The chart's alerts [`per_cluster_alerts`] replaces: the chart's rules must switch them
/// off (`defaultRules.disabled`).
pub const REPLACED_CHART_ALERTS: [&str; 6] = [
    "KubeletDown",
    "KubeAPIDown",
    "KubeSchedulerDown",
    "KubeControllerManagerDown",
    "KubeProxyDown",
    NOT_CONNECTED_ALERT,
];

/// One cluster and the targets it exposes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterTargets {
    /// Its `cluster` label value.
    pub cluster: String,
    /// What Prometheus scrapes there.
    pub targets: BTreeSet<ClusterTarget>,
}

/// The per-cluster alerts: one `absent()` rule per cluster and target it exposes, and
/// `PrometheusNotConnectedToAlertmanagers` for the central cluster only (`central`: its
/// `cluster` value; `prometheus_job`: the job of central Prometheus and of the agents),
/// labelled for the Thanos Ruler. `copies`: how many copies of every cluster's `up`
/// series the stores hold (two or more with Receive's replication factor 2 or more and
/// two central Prometheus replicas), which decides the targets group's partial-response
/// strategy ([`PartialResponse::for_absence`]).
#[must_use]
pub fn per_cluster_alerts(
    namespace: &str,
    clusters: &[ClusterTargets],
    central: &str,
    prometheus_job: &str,
    copies: SeriesCopies,
) -> PrometheusRule {
    let targets = ClusterTarget::ALL
        .into_iter()
        .flat_map(|target| {
            clusters
                .iter()
                .filter(move |cluster| cluster.targets.contains(&target))
                .map(move |cluster| down(target, &cluster.cluster))
        })
        .fold(
            RuleGroup::new("per-cluster-targets")
                .partial_response(PartialResponse::for_absence(copies)),
            RuleGroup::rule,
        );
    // `warn`: the alert fires on a present series of 0 Alertmanagers; a failing store
    // can only hide its own Prometheus' series, never make another one fire.
    let prometheus = RuleGroup::new("per-cluster-prometheus")
        .partial_response(PartialResponse::Warn)
        .rule(not_connected(namespace, central, prometheus_job));
    PrometheusRule::new(labels::metadata(
        namespace,
        PER_CLUSTER_NAME,
        [(EVALUATOR_LABEL, Evaluator::ThanosRuler.label_value())],
    ))
    .group(targets)
    .group(prometheus)
    .group(central_prometheus_gone(central, prometheus_job))
}

/// The cluster is written into the texts: `absent()` of a comparison returns no labels,
/// so `$labels` holds only the rule's own.
fn down(target: ClusterTarget, cluster: &str) -> AlertingRule {
    cluster_alert(
        target.alert(),
        format!(
            "absent(up{{{}, {CLUSTER_LABEL}={}}} == 1)",
            target.selector(),
            promql::string_literal(cluster)
        ),
        cluster,
        AlertSeverity::Critical,
        Duration::minutes(15),
        format!("{} of cluster {cluster} is down.", target.title()),
        format!(
            "No target {{{}}} of cluster {cluster} has been up for 15 minutes, or none is scraped. {}",
            target.selector(),
            target.impact()
        ),
    )
}

fn not_connected(namespace: &str, central: &str, job: &str) -> AlertingRule {
    // max_over_time: a failed scrape in the window must not look like 0 Alertmanagers.
    cluster_alert(
        NOT_CONNECTED_ALERT,
        format!(
            "max_over_time(prometheus_notifications_alertmanagers_discovered{{job={}, namespace={}, {CLUSTER_LABEL}={}}}[5m]) < 1",
            promql::string_literal(job),
            promql::string_literal(namespace),
            promql::string_literal(central)
        ),
        central,
        AlertSeverity::Warning,
        Duration::minutes(10),
        "Central Prometheus {{ $labels.pod }} reaches no Alertmanager.".to_owned(),
        "Central Prometheus {{ $labels.pod }} has discovered no Alertmanager for 10 minutes: \
         the Thanos alerts it evaluates reach nobody. The edge agents send no alerts and are \
         not checked."
            .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clusters() -> Vec<ClusterTargets> {
        let base = BTreeSet::from([ClusterTarget::Kubelet, ClusterTarget::ApiServer]);
        let mut central = base.clone();
        central.insert(ClusterTarget::Scheduler);
        vec![
            ClusterTargets {
                cluster: "central".to_owned(),
                targets: central,
            },
            ClusterTargets {
                cluster: "edge-a".to_owned(),
                targets: base.clone(),
            },
            ClusterTargets {
                cluster: "edge-b".to_owned(),
                targets: base,
            },
        ]
    }

    #[test]
    fn one_rule_per_cluster_and_exposed_target_each_with_its_cluster() {
        let rules = per_cluster_alerts(
            "monitoring",
            &clusters(),
            "central",
            "kps-prometheus",
            SeriesCopies::One,
        );
        rules.validate().unwrap();
        let alerts: Vec<(&str, &str)> = rules
            .alerts()
            .map(|a| (a.alert.as_str(), a.labels[CLUSTER_LABEL].as_str()))
            .collect();
        assert_eq!(
            alerts,
            [
                ("KubeletDown", "central"),
                ("KubeletDown", "edge-a"),
                ("KubeletDown", "edge-b"),
                ("KubeAPIDown", "central"),
                ("KubeAPIDown", "edge-a"),
                ("KubeAPIDown", "edge-b"),
                ("KubeSchedulerDown", "central"),
                (NOT_CONNECTED_ALERT, "central"),
                (CENTRAL_PROMETHEUS_GONE_ALERT, "central"),
            ]
        );
        let strategies: Vec<_> = rules
            .spec
            .groups
            .iter()
            .map(|group| group.partial_response_strategy)
            .collect();
        assert_eq!(
            strategies,
            [
                None,
                Some(PartialResponse::Warn),
                Some(PartialResponse::Warn)
            ]
        );
        let replicated = per_cluster_alerts(
            "monitoring",
            &clusters(),
            "central",
            "kps-prometheus",
            SeriesCopies::AtLeastTwo,
        );
        assert_eq!(
            replicated.spec.groups[0].partial_response_strategy,
            Some(PartialResponse::Warn)
        );
        for alert in rules
            .alerts()
            .filter(|a| a.alert != CENTRAL_PROMETHEUS_GONE_ALERT)
        {
            let cluster = &alert.labels[CLUSTER_LABEL];
            assert!(
                alert.expr.contains(&format!("cluster=\"{cluster}\"")),
                "{}",
                alert.expr
            );
            assert!(REPLACED_CHART_ALERTS.contains(&alert.alert.as_str()));
        }
        let labels = rules.metadata.labels.unwrap();
        assert_eq!(labels[EVALUATOR_LABEL], "thanos-ruler");
    }
}
