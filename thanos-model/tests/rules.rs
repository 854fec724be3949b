//! One failing input per whole-fleet rule, built with the builders: each asserts the
//! exact diagnostics (severity, field path and message), so an extra one fails the test.
//! Malformed durations and quantities do not compile here: their grammar errors are
//! asserted on the types (`grammar_errors_are_type_errors`) and, loaded from a file, by
//! the corpus.

use indexmap::IndexMap;
use thanos_model::{
    seed::{new_fleet, seed},
    AgentValues, AlertSeverity, Alertmanager, Bytes, Central, Chart, Compactor, Cpu, Diagnostic,
    Duration, Edge, ExtraValues, FleetBuilder, Grafana, GrafanaAdmin, GrammarError, Ingress,
    Notifier, Prometheus, Query, Receive, Receiver, RemoteWriteQueue, Resources, Retention, Ruler,
    S3Credentials, SecretKeyRef, Severity, Storage, Store, ThanosImage, ThanosMonitoringOptions,
    S3,
};

fn central() -> Central {
    Central::new("cluster-01-central")
        .context("cluster-01")
        .api_address("192.168.101.194")
}

/// Central without the Thanos Ruler, and so without the silent-edge alerts it evaluates.
fn central_without_ruler() -> Central {
    central()
        .without_ruler()
        .thanos_monitoring(ThanosMonitoringOptions::default().silent_edge_alerts(false))
}

fn duration(text: &str) -> Duration {
    text.parse().unwrap_or_else(|error| panic!("{error}"))
}

fn cpu(text: &str) -> Cpu {
    text.parse().unwrap_or_else(|error| panic!("{error}"))
}

fn bytes(text: &str) -> Bytes {
    text.parse().unwrap_or_else(|error| panic!("{error}"))
}

fn edge(name: &str, context: &str) -> Edge {
    Edge::new(name).context(context).api_address("10.0.0.2")
}

/// Receive block labels as the tests write them: (name, value).
type Labels<'a> = &'a [(&'a str, &'a str)];

/// A new fleet whose Receive has these block labels.
fn receive_labels(labels: Labels) -> FleetBuilder {
    let labels = labels
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect::<IndexMap<_, _>>();
    new_fleet(1).central(central().receive(Receive::default().labels(labels)))
}

/// The paths of the lab's own warnings: it kept the chart's Alertmanager configuration
/// and the chart's rules evaluated over the whole fleet.
const LAB_RECEIVERS: &str = "central.alertmanager.receivers";
const LAB_RULES: &str = "central.thanosMonitoring.perClusterRules";

/// Every diagnostic of a fleet, errors and warnings, but the lab's own warning (no
/// receiver), which every fleet built on [`seed`] raises.
fn diagnostics(builder: FleetBuilder) -> Vec<Diagnostic> {
    all_diagnostics(builder)
        .into_iter()
        .filter(|d| {
            !(d.severity == Severity::Warning
                && [LAB_RECEIVERS, LAB_RULES].contains(&d.path.as_str()))
        })
        .collect()
}

/// Every diagnostic of a fleet, errors and warnings.
fn all_diagnostics(builder: FleetBuilder) -> Vec<Diagnostic> {
    match builder.build() {
        Ok(fleet) => fleet.warnings().to_vec(),
        Err(error) => error.diagnostics().to_vec(),
    }
}

/// The warning about a Query Ingress, which has no authentication.
const QUERY_OPEN: &str = "Query is reachable through its Ingress without authentication: anyone who reaches the host reads every cluster's metrics";

/// A diagnostic as the tests write it: severity, path, message.
type Expected<'a> = (Severity, &'a str, &'a str);

/// Asserts the fleet raises exactly these diagnostics, in this order.
#[track_caller]
fn assert_diagnostics(builder: FleetBuilder, expected: &[Expected]) {
    let found = diagnostics(builder);
    let found: Vec<Expected> = found
        .iter()
        .map(|d| (d.severity, d.path.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(found, expected);
}

/// Asserts the fleet raises exactly one diagnostic.
#[track_caller]
fn assert_reports(builder: FleetBuilder, severity: Severity, path: &str, message: &str) {
    assert_diagnostics(builder, &[(severity, path, message)]);
}

/// Asserts the fleet raises exactly one diagnostic, an error.
#[track_caller]
fn assert_error(builder: FleetBuilder, path: &str, message: &str) {
    assert_reports(builder, Severity::Error, path, message);
}

#[test]
fn a_new_fleet_is_clean() {
    assert!(diagnostics(new_fleet(3)).is_empty());
}

/// The seed's lab keeps its unsafe settings explicitly; `check` names the field of each.
#[test]
fn the_seed_warns_about_each_lab_setting() {
    let found: Vec<(Severity, String)> = all_diagnostics(seed(3))
        .into_iter()
        .map(|d| (d.severity, d.path))
        .collect();
    let expected: Vec<(Severity, String)> = [
        LAB_RECEIVERS,
        "central.grafana.rbac",
        "central.query.storeResponseTimeout",
        "central.query.cors",
        "central.query.ingress",
        "central.queryFrontend",
        "central.receive.remoteWrite.tls",
        "central.receive.limits",
        "central.receive.tooFarInFuture",
        "central.receive.capnproto",
        "central.store.adminOperations",
        "central.compactor.adminOperations",
        "central.readLimits",
        "central.topology.spread",
        "central.topology.disruptionBudgets",
        LAB_RULES,
        "security.ingressTls",
        "security.serviceAccounts",
        "security.imagePullPolicy",
        "security.podSecurity",
        "security.grpcTls",
        "security.networkPolicies",
        "edges[0].agent.walRetention",
        "edges[0].agent.queue.retryOnRateLimit",
        "edges[1].agent.walRetention",
        "edges[1].agent.queue.retryOnRateLimit",
        "edges[2].agent.walRetention",
        "edges[2].agent.queue.retryOnRateLimit",
        "central.ruler.queryOffset",
        // Rule 41: it does not survive a node loss.
        "central.receive.replicas",
        "central.receive.replicationFactor",
        "central.query.replicas",
        "central.store.replicas",
        // Rule 42: its fixed resources and the compactor's volume are below the need,
        // and its stateful pods are Burstable.
        "central.receive.resources.memoryLimit",
        "central.receive.resources.memoryRequest",
        "central.query.resources.memoryLimit",
        "central.store.resources.memoryLimit",
        "central.store.resources.memoryRequest",
        "central.compactor.resources.memoryLimit",
        "central.compactor.resources.memoryRequest",
        "central.ruler.resources.memoryRequest",
        "central.compactor.storage.size",
    ]
    .into_iter()
    .map(|path| (Severity::Warning, path.to_owned()))
    .collect();
    assert_eq!(found, expected);
}

#[test]
fn a_new_fleet_pages_someone() {
    assert!(all_diagnostics(new_fleet(3)).is_empty());
    let fleet = new_fleet(3).build().unwrap();
    assert_eq!(fleet.central.alertmanager.receivers, [Receiver::oncall()]);
    assert_eq!(
        fleet.central.alertmanager.dead_mans_switch,
        Some(Notifier::dead_mans_switch())
    );
}

#[test]
fn rule32_receivers() {
    let alertmanager = |receivers: Vec<Receiver>| {
        new_fleet(1).central(central().alertmanager(Alertmanager::default().receivers(receivers)))
    };
    let webhook = |name: &str| Notifier::Webhook {
        url: SecretKeyRef::new(name, "url"),
    };
    assert_diagnostics(
        alertmanager(vec![
            Receiver::new("oncall", webhook("a")),
            Receiver::new("oncall", webhook("b")).clusters(vec!["cluster-03-edge".to_owned()]),
        ]),
        &[
            (
                Severity::Error,
                "central.alertmanager.receivers[1].clusters[0]",
                "\"cluster-03-edge\" is not the cluster label of a cluster of the fleet",
            ),
            (
                Severity::Error,
                "central.alertmanager.receivers[1].name",
                "a second receiver named oncall",
            ),
        ],
    );
    assert_error(
        alertmanager(vec![Receiver::new("dead-mans-switch", webhook("a"))]),
        "central.alertmanager.receivers[0].name",
        "\"dead-mans-switch\" is a receiver the rendered configuration keeps for itself",
    );
    assert_error(
        alertmanager(vec![
            Receiver::new("oncall", webhook("a")).severities(Vec::new())
        ]),
        "central.alertmanager.receivers[0].severities",
        "no severity: this receiver is never told about anything",
    );
    assert_diagnostics(
        alertmanager(vec![Receiver::new(
            "mail",
            Notifier::Email {
                to: "oncall@example.com".to_owned(),
                from: "alertmanager@example.com".to_owned(),
                smarthost: "smtp.example.com:587".to_owned(),
                username: Some("alertmanager".to_owned()),
                password: Some(SecretKeyRef::new("smtp", "password")),
            },
        )
        .severities(vec![AlertSeverity::Critical])]),
        &[],
    );
    assert_eq!(
        all_diagnostics(alertmanager(Vec::new()))
            .iter()
            .map(|d| (d.severity, d.path.as_str(), d.message.as_str()))
            .collect::<Vec<_>>(),
        [(
            Severity::Warning,
            LAB_RECEIVERS,
            "no receiver: every alert goes to the chart's receiver \"null\" and nobody is paged"
        )]
    );
}

#[test]
fn rule1_cluster_names_and_labels() {
    assert_error(
        new_fleet(0)
            .edge(edge("a", "a").cluster_label("x"))
            .edge(edge("b", "b").cluster_label("x")),
        "edges[1].clusterLabel",
        "cluster label \"x\" is already used by edges[0]",
    );
    assert_error(
        new_fleet(0).edge(edge("cluster-01-central", "a")),
        "edges[0].name",
        "\"cluster-01-central\" is already the name of central",
    );
    for bad in [
        "../x",
        "/",
        "",
        "A",
        &"a".repeat(64),
        "clüster",
        "a/b",
        "..",
    ] {
        assert_error(
            new_fleet(0).edge(edge(bad, "a")),
            "edges[0].name",
            &format!("{bad:?} is not a valid cluster name"),
        );
        assert_error(
            new_fleet(0).edge(edge("a", "a").cluster_label(bad)),
            "edges[0].clusterLabel",
            &format!("{bad:?} is not a valid cluster label value"),
        );
    }
    assert_error(
        new_fleet(0).central(central().context("")),
        "central.context",
        "must not be empty",
    );
    assert_error(
        new_fleet(0).edge(edge("a", "cluster-01")),
        "edges[0].context",
        "kubectl context \"cluster-01\" is already the context of central",
    );
}

#[test]
fn rule2_receive_labels_never_reuse_series_labels() {
    for name in ["cluster", "prometheus", "prometheus_replica"] {
        assert_error(
            receive_labels(&[(name, "x")]),
            &format!("central.receive.labels.{name}"),
            &format!("{name:?} is a label of the series the agents send"),
        );
    }
    let cases: [(Labels, &str, &str); 3] = [
        (
            &[],
            "central.receive.labels",
            "Receive needs a label besides its replica label",
        ),
        (
            &[("receive", "")],
            "central.receive.labels.receive",
            "an empty label value removes the label",
        ),
        (
            &[("receive_replica", "x")],
            "central.receive.labels.receive_replica",
            "\"receive_replica\" is set by Receive itself",
        ),
    ];
    for (labels, path, message) in cases {
        assert_error(receive_labels(labels), path, message);
    }
}

#[test]
fn rule3_query_deduplicates_on_every_replica_label() {
    let labels = [
        "prometheus_replica",
        "receive_replica",
        "thanos_ruler_replica",
    ];
    for kept in labels {
        let missing: Vec<String> = labels
            .iter()
            .filter(|label| **label != kept)
            .map(|label| format!("does not list {label:?}, a replica label the producers use"))
            .collect();
        assert_diagnostics(
            new_fleet(1)
                .central(central().query(Query::default().replica_labels(vec![kept.to_owned()]))),
            &missing
                .iter()
                .map(|message| {
                    (
                        Severity::Error,
                        "central.query.replicaLabels",
                        message.as_str(),
                    )
                })
                .collect::<Vec<_>>(),
        );
    }
    let without_ruler = vec![
        "prometheus_replica".to_owned(),
        "receive_replica".to_owned(),
    ];
    assert_error(
        new_fleet(1)
            .central(central().query(Query::default().replica_labels(without_ruler.clone()))),
        "central.query.replicaLabels",
        "does not list \"thanos_ruler_replica\", a replica label the producers use",
    );
    assert!(diagnostics(new_fleet(1).central(
        central_without_ruler().query(Query::default().replica_labels(without_ruler.clone()))
    ))
    .is_empty());
    let mut all = without_ruler;
    all.push("thanos_ruler_replica".to_owned());
    assert!(diagnostics(
        new_fleet(1).central(central().query(Query::default().replica_labels(all)))
    )
    .is_empty());
}

#[test]
fn rule4_receive_replicas_and_factor() {
    assert_error(
        new_fleet(1)
            .central(central().receive(Receive::default().replicas(2).replication_factor(3))),
        "central.receive.replicationFactor",
        "replication factor 3 is more than the 2 Receive replicas in the hashring",
    );
    assert_error(
        new_fleet(1).central(central().receive(Receive::default().replication_factor(0))),
        "central.receive.replicationFactor",
        "must be at least 1",
    );
    assert_error(
        new_fleet(1).central(central().receive(Receive::default().replicas(0))),
        "central.receive.replicas",
        "must be at least 1",
    );
    assert_reports(
        new_fleet(1)
            .central(central().receive(Receive::default().replicas(4).replication_factor(2))),
        Severity::Warning,
        "central.receive.replicationFactor",
        "factor 2 survives no more lost replicas than factor 1 does: a write needs 2 of 2 copies",
    );
    new_fleet(1)
        .central(central().receive(Receive::default().replicas(3).replication_factor(3)))
        .build()
        .expect("a factor equal to the replicas is valid");
}

#[test]
fn rule5_compactor_retention() {
    let retention = |raw: &str, five: &str, hour: &str| {
        new_fleet(1).central(
            central().compactor(
                Compactor::default().retention(
                    Retention::default()
                        .raw(duration(raw))
                        .five_minutes(duration(five))
                        .one_hour(duration(hour)),
                ),
            ),
        )
    };
    assert_error(
        retention("40h", "90d", "1y"),
        "central.compactor.retention.raw",
        "40h deletes raw data before it is downsampled at 40h",
    );
    assert_diagnostics(
        retention("30d", "10d", "1y"),
        &[
            (
                Severity::Error,
                "central.compactor.retention.5m",
                "10d deletes 5m data before it is downsampled at 10d",
            ),
            (
                Severity::Error,
                "central.compactor.retention.5m",
                "5m data is kept shorter (10d) than raw data (30d)",
            ),
        ],
    );
    assert_error(
        retention("90d", "30d", "1y"),
        "central.compactor.retention.5m",
        "5m data is kept shorter (30d) than raw data (90d)",
    );
    assert_error(
        retention("30d", "90d", "30d"),
        "central.compactor.retention.1h",
        "1h data is kept shorter (30d) than 5m data (90d)",
    );
    assert_error(
        retention("30d", "0d", "1y"),
        "central.compactor.retention.1h",
        "1h data is kept shorter (1y) than 5m data (0d)",
    );
    assert!(diagnostics(retention("0d", "0d", "0d")).is_empty());
    assert!(diagnostics(retention("41h", "11d", "1y")).is_empty());
    // Without downsampling short retentions are fine, shrinking ones are not.
    let no_downsampling = |raw: &str, five: &str| {
        new_fleet(1).central(
            central().compactor(
                Compactor::default().downsampling(false).retention(
                    Retention::default()
                        .raw(duration(raw))
                        .five_minutes(duration(five))
                        .one_hour(duration(five)),
                ),
            ),
        )
    };
    assert!(diagnostics(no_downsampling("1d", "1d")).is_empty());
    assert_error(
        no_downsampling("2d", "1d"),
        "central.compactor.retention.5m",
        "5m data is kept shorter (1d) than raw data (2d)",
    );
}

#[test]
fn rule33_data_safety() {
    assert_error(
        new_fleet(1).central(central().receive(Receive::default().retention(duration("2h")))),
        "central.receive.retention",
        "2h deletes blocks before Thanos Store serves them: a 2h block is uploaded when it is cut and Store finds it up to 15m later, so the newest data would be in no component for a while",
    );
    assert!(diagnostics(
        new_fleet(1).central(central().ruler(Ruler::default().retention(duration("2h15m"))))
    )
    .is_empty());
    assert_diagnostics(
        new_fleet(1).central(
            central().compactor(
                Compactor::default()
                    .downsampling(false)
                    .retention(Retention::default().raw(duration("30d"))),
            ),
        ),
        &[
            (
                Severity::Warning,
                "central.compactor.retention.5m",
                "90d is ignored: with downsampling off there is no 5m data, and everything is deleted after the raw retention (30d)",
            ),
            (
                Severity::Warning,
                "central.compactor.retention.1h",
                "1y is ignored: with downsampling off there is no 1h data, and everything is deleted after the raw retention (30d)",
            ),
        ],
    );
    let silent_after = |after: &str| {
        new_fleet(1).central(
            central().thanos_monitoring(
                ThanosMonitoringOptions::default()
                    .per_cluster_rules(false)
                    .silent_edge_after(duration(after)),
            ),
        )
    };
    assert!(diagnostics(silent_after("90s")).is_empty());
    assert_diagnostics(
        silent_after("89s"),
        &[(
            Severity::Warning,
            "central.thanosMonitoring.silentEdgeAfter",
            "89s is less than 3 scrape intervals of the slowest edge (30s): one late remote-write batch makes a writing edge look silent, and the alert flaps",
        )],
    );
}

/// Rules 49 to 52: chart values beside the typed ones take the chart's keys only, none
/// the model sets or security decides, no scalar for a mapping of keys, no credential.
#[test]
fn rule49_to_52_extra_chart_values() {
    let extra = ExtraValues::new()
        .set("prometheus.prometheusSpec.nodeSelectr.disk", "ssd")
        .set("prometheus.prometheusSpec.replicas", 3)
        .set(
            "prometheus.prometheusSpec.podMetadata.labels.securityContext",
            "x",
        )
        .set("kubeStateMetrics", false)
        .set("grafana.adminPassword", "hunter2")
        .set("prometheus.prometheusSpec.priorityClassName", "monitoring");
    let fleet = new_fleet(1).edge(edge("cluster-09-edge", "cluster-09").extra_values(extra));
    let at = |keys: &str| format!("edges[1].extraValues.{keys}");
    let (typo, replicas, security, mapping, password) = (
        at("prometheus.prometheusSpec.nodeSelectr"),
        at("prometheus.prometheusSpec.replicas"),
        at("prometheus.prometheusSpec.podMetadata.labels.securityContext"),
        at("kubeStateMetrics"),
        at("grafana.adminPassword"),
    );
    assert_diagnostics(
        fleet.clone(),
        &[
            (Severity::Error, &typo, "prometheus.prometheusSpec.nodeSelectr is not a key of kube-prometheus-stack 78.2.1's values"),
            (Severity::Error, &replicas, "prometheus.prometheusSpec.replicas is the model's to set: central.prometheus.replicas or edges[].agent.replicas"),
            (Severity::Error, &security, "prometheus.prometheusSpec.podMetadata.labels.securityContext is the model's to set: security.podSecurity (the model hardens every pod)"),
            (Severity::Error, &mapping, "kubeStateMetrics is a mapping of the chart's keys (enabled); false would replace it"),
            (Severity::Error, &password, "grafana.adminPassword would put a credential into the rendered tree"),
        ],
    );
    // A builder's hint names the Rust call that sets the value.
    let error = fleet.build().unwrap_err();
    assert_eq!(
        error.diagnostics()[0].hint,
        "did you mean `nodeSelector`? (every key of the chart's values is in facts/kube-prometheus-stack-78.2.1-values-keys.txt); in Rust: `Edge::extra_values with ExtraValues::set(\"prometheus.prometheusSpec.nodeSelectr\", ..)`"
    );
}

#[test]
fn rule32_watchdog_needs_a_dead_mans_switch() {
    assert_reports(
        new_fleet(1).central(
            central().alertmanager(Alertmanager::default().without_dead_mans_switch()),
        ),
        Severity::Warning,
        "central.alertmanager.deadMansSwitch",
        "no dead man's switch: Watchdog goes to the receiver \"null\", so nobody notices when alerting itself stops (the Ruler, central Prometheus or Alertmanager down)",
    );
}

#[test]
fn rule34_ruler_offset_covers_the_slowest_batch() {
    let fleet = |offset: &str, deadline: &str| {
        new_fleet(0)
            .central(central().ruler(Ruler::default().query_offset(duration(offset))))
            .edges([
                edge("cluster-02-edge", "cluster-02"),
                edge("cluster-03-edge", "cluster-03")
                    .agent(AgentValues::default().queue(
                        RemoteWriteQueue::default().batch_send_deadline(duration(deadline)),
                    )),
            ])
    };
    assert_diagnostics(fleet("30s", "30s"), &[]);
    assert_reports(
        fleet("29s", "30s"),
        Severity::Warning,
        "central.ruler.queryOffset",
        "29s is shorter than the batch-send deadline of edge cluster-03-edge (30s): the Ruler evaluates before that edge's newest samples reach Receive, so its absent() alerts blink and its rates dip on every late batch",
    );
}

#[test]
fn rule35_ruler_evaluates_within_the_lookback() {
    let every = |interval: &str| {
        new_fleet(1)
            .central(central().ruler(Ruler::default().evaluation_interval(duration(interval))))
    };
    assert!(diagnostics(every("5m")).is_empty());
    assert_reports(
        every("301s"),
        Severity::Warning,
        "central.ruler.evaluationInterval",
        "301s is longer than Query's 5m lookback delta: the series the Ruler records vanish between evaluations, and alerts over them resolve and fire again",
    );
}

#[test]
fn rule36_scrapes_within_the_lookback() {
    let scrape_every = |interval: &str| new_fleet(1).scrape_interval(duration(interval));
    // At 5m as at 6m, rule 14 warns (above 2m) and rule 33 (the silent-edge window).
    assert_diagnostics(
        scrape_every("5m"),
        &[
            (
                Severity::Warning,
                "scrapeInterval",
                "scraping every \"5m\" leaves gaps: a series is stale after 5m without a sample",
            ),
            (
                Severity::Warning,
                "central.thanosMonitoring.silentEdgeAfter",
                "10m is less than 3 scrape intervals of the slowest edge (5m): one late remote-write batch makes a writing edge look silent, and the alert flaps",
            ),
        ],
    );
    assert_diagnostics(
        scrape_every("6m"),
        &[
            (
                Severity::Warning,
                "scrapeInterval",
                "scraping every \"6m\" leaves gaps: a series is stale after 5m without a sample",
            ),
            (
                Severity::Warning,
                "central.thanosMonitoring.silentEdgeAfter",
                "10m is less than 3 scrape intervals of the slowest edge (6m): one late remote-write batch makes a writing edge look silent, and the alert flaps",
            ),
            (
                Severity::Error,
                "scrapeInterval",
                "6m is longer than the 5m lookback delta of Prometheus and Thanos Query: between two scrapes the series is missing from instant queries, so absent() alerts flap and 5m rates see one sample",
            ),
        ],
    );
}

#[test]
fn rule6_one_thanos_version() {
    let other = ThanosImage::default().version("v0.41.0");
    for (component, pinned) in [
        (
            "store",
            central().store(Store::default().image(other.clone())),
        ),
        (
            "compactor",
            central().compactor(Compactor::default().image(other.clone())),
        ),
        (
            "receive",
            central().receive(Receive::default().image(other.clone())),
        ),
        ("query", central().query(Query::default().image(other))),
    ] {
        assert_reports(
            new_fleet(1).central(pinned),
            Severity::Warning,
            &format!("central.{component}.image"),
            "pinned to quay.io/thanos/thanos:v0.41.0 while the fleet runs quay.io/thanos/thanos:v0.42.4",
        );
    }
    assert_error(
        new_fleet(1).thanos(ThanosImage::default().version("")),
        "thanos.version",
        "is empty: an image without a tag runs whatever `latest` is at the time",
    );
    assert_error(
        new_fleet(1).thanos(ThanosImage::default().repository("Quay.io/x y")),
        "thanos.repository",
        "\"Quay.io/x y\" is not a valid image repository",
    );
    // Pinning the fleet's own version is no warning.
    assert!(diagnostics(
        new_fleet(1).central(central().store(Store::default().image(ThanosImage::default())))
    )
    .is_empty());
}

#[test]
fn rule7_object_storage() {
    assert_error(
        new_fleet(1).object_storage(S3::new("https://s3.example.com/thanos", "thanos")),
        "objectStorage.endpoint",
        "\"https://s3.example.com/thanos\" is not a host or host:port",
    );
    assert_error(
        new_fleet(1).object_storage(S3::new("s3.example.com", "Thanos_Bucket")),
        "objectStorage.bucket",
        "\"Thanos_Bucket\" is not a valid S3 bucket name",
    );
    for (access, secret, path, message) in [
        (
            "AKIAIOSFODNN7EXAMPLE",
            "S3_SECRET_KEY",
            "accessKeyVar",
            "looks like a literal access key, not the name of a variable",
        ),
        (
            "S3_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "secretKeyVar",
            "looks like a literal secret key, not the name of a variable",
        ),
        (
            "minioadmin",
            "S3_SECRET_KEY",
            "accessKeyVar",
            "\"minioadmin\" looks like a literal credential, not an upper-case variable name",
        ),
        (
            "S3_KEY",
            "S3_KEY",
            "secretKeyVar",
            "the access key and the secret key come from the same variable",
        ),
    ] {
        let credentials = S3Credentials::Envsubst {
            access_key_var: access.to_owned(),
            secret_key_var: secret.to_owned(),
        };
        assert_error(
            new_fleet(1)
                .object_storage(S3::new("s3.example.com", "thanos").credentials(credentials)),
            &format!("objectStorage.credentials.{path}"),
            message,
        );
    }
    assert!(diagnostics(new_fleet(1).object_storage(
        S3::new("s3.example.com:9000", "thanos").credentials(S3Credentials::ExistingSecret)
    ))
    .is_empty());
}

#[test]
fn rule8_hosts_classes_sizes_durations() {
    assert_diagnostics(
        new_fleet(1).central(
            central().query(Query::default().ingress(Ingress::new().host("Bad_Host.example.com"))),
        ),
        &[
            (
                Severity::Error,
                "central.query.ingress.host",
                "\"Bad_Host.example.com\" is not a valid host name",
            ),
            (Severity::Warning, "central.query.ingress", QUERY_OPEN),
        ],
    );
    assert_error(
        new_fleet(1).domain("Not A Domain"),
        "domain",
        "\"Not A Domain\" is not a valid DNS domain",
    );
    assert_error(new_fleet(1).ingress_class(""), "ingressClass", "no ingress class for the Ingress of grafana.k8s-cluster-01.miribit.lab, thanos-receive.k8s-cluster-01.miribit.lab");
    assert_diagnostics(
        new_fleet(1).central(central().query(Query::default().ingress(Ingress::new().class("")))),
        &[
            (
                Severity::Error,
                "central.query.ingress.class",
                "no ingress class for the Ingress of thanos-query.k8s-cluster-01.miribit.lab",
            ),
            (Severity::Warning, "central.query.ingress", QUERY_OPEN),
        ],
    );
    assert_diagnostics(
        new_fleet(1).central(
            central()
                .query(Query::default().ingress(Ingress::new().host("a.example.com")))
                .receive(Receive::default().ingress(Ingress::new().host("a.example.com"))),
        ),
        &[
            (
                Severity::Error,
                "central.receive.ingress.host",
                "\"a.example.com\" is already the host of central.query.ingress",
            ),
            (Severity::Warning, "central.query.ingress", QUERY_OPEN),
        ],
    );
    assert_error(
        new_fleet(1).central(central().receive(Receive::default().without_ingress())),
        "central.receive.ingress",
        "the edges remote-write through Receive's Ingress, and it has none",
    );
}

/// An invalid ingress class is rule 8's alone: the rules that read the class (23's
/// passthrough, derived from the class of a new fleet, 37's Ingress controller) skip it
/// rather than report it again.
#[test]
fn rule8_an_invalid_ingress_class_is_reported_once() {
    assert_error(
        new_fleet(1).ingress_class("Not_A_Class"),
        "ingressClass",
        "\"Not_A_Class\" is not a valid ingress class name",
    );
}

#[test]
fn rule9_ha_agents_keep_their_replica_label() {
    assert_error(
        new_fleet(0).edge(
            edge("a", "a").agent(AgentValues::default().replicas(2).drop_replica_label(true)),
        ),
        "edges[0].agent.dropReplicaLabel",
        "2 agent replicas without a replica label send identical series",
    );
    assert!(diagnostics(
        new_fleet(0).edge(
            edge("a", "a").agent(AgentValues::default().replicas(1).drop_replica_label(true))
        )
    )
    .is_empty());
}

#[test]
fn absurd_replica_counts_are_refused() {
    assert_error(
        new_fleet(1).central(central().store(Store::default().replicas(u32::MAX))),
        "central.store.replicas",
        "4294967295 replicas is more than 1000",
    );
    assert_error(
        new_fleet(1).central(central().receive(Receive::default().replicas(1_000_000))),
        "central.receive.replicas",
        "1000000 replicas is more than 1000",
    );
}

#[test]
fn all_diagnostics_come_in_one_pass() {
    let error = new_fleet(0)
        .domain("bad domain")
        .edge(edge("../x", "a").agent(AgentValues::default().replicas(0)))
        .build()
        .expect_err("invalid");
    let paths: Vec<_> = error
        .diagnostics()
        .iter()
        .map(|d| d.path.as_str())
        .collect();
    assert_eq!(
        paths,
        ["domain", "edges[0].name", "edges[0].agent.replicas"]
    );
    assert!(error.diagnostics().iter().all(|d| !d.hint.is_empty()));
}

#[test]
fn silent_edge_alerts_need_the_ruler_and_alerts_the_service_monitors() {
    assert_error(
        new_fleet(1).central(central().without_ruler()),
        "central.thanosMonitoring.silentEdgeAlerts",
        "needs the Thanos Ruler: only rules evaluated over Thanos Query see what the edges write to Receive",
    );
    assert!(diagnostics(new_fleet(1).central(central_without_ruler())).is_empty());
    assert_reports(
        new_fleet(1).central(
            central().thanos_monitoring(ThanosMonitoringOptions::default().service_monitors(false)),
        ),
        Severity::Warning,
        "central.thanosMonitoring.alerts",
        "the Thanos alerts read metrics that only the ServiceMonitors scrape: without them the component-down alerts fire and the others never do",
    );
    assert_error(
        new_fleet(1).central(central().ruler(Ruler::default().replicas(0))),
        "central.ruler.replicas",
        "must be at least 1",
    );
}

#[test]
fn rule10_every_string_is_one_line_of_its_grammar() {
    for (context, message) in [
        ("a\nb", "\"a\\nb\" contains a line break (character 2)"),
        (
            "a b",
            "\"a b\" is not a valid kubectl context for a command line",
        ),
        (
            "-n",
            "\"-n\" is not a valid kubectl context for a command line",
        ),
        (
            "a;b",
            "\"a;b\" is not a valid kubectl context for a command line",
        ),
        ("", "must not be empty"),
    ] {
        assert_error(
            new_fleet(0).edge(edge("a", context)),
            "edges[0].context",
            message,
        );
    }
    for (address, message) in [
        (
            "10.0.0.2\n# x",
            "\"10.0.0.2\\n# x\" contains a line break (character 9)",
        ),
        (
            "https://10.0.0.2",
            "\"https://10.0.0.2\" is not a valid API server address",
        ),
        (
            "10.0.0.2:0",
            "\"10.0.0.2:0\" is not a valid API server address",
        ),
        ("a b", "\"a b\" is not a valid API server address"),
    ] {
        assert_error(
            new_fleet(0).edge(Edge::new("a").context("a").api_address(address)),
            "edges[0].apiAddress",
            message,
        );
    }
    assert!(diagnostics(
        new_fleet(0).edge(
            Edge::new("a")
                .context("arn:aws:eks:eu-west-1:1:cluster/a")
                .api_address("[fd00::1]:6443")
        )
    )
    .is_empty());
    assert_error(
        new_fleet(1).namespace("monitoring\u{202e}"),
        "namespace",
        "\"monitoring\\u{202e}\" contains the invisible character U+202E (character 11)",
    );
    assert_error(
        new_fleet(1).object_storage(S3::new("s3.example.com", "thanos").region("us\neast")),
        "objectStorage.region",
        "\"us\\neast\" contains a line break (character 3)",
    );
    assert_error(
        receive_labels(&[("receive", "true\nx")]),
        "central.receive.labels.receive",
        "\"true\\nx\" contains a line break (character 5)",
    );
}

#[test]
fn rule11_image_tags_do_not_move() {
    assert_error(
        new_fleet(1).thanos(ThanosImage::default().version("latest")),
        "thanos.version",
        "`latest` moves to every new release: pods restarted at different times run different versions",
    );
    assert_error(
        new_fleet(1).thanos(ThanosImage::default().version("")),
        "thanos.version",
        "is empty: an image without a tag runs whatever `latest` is at the time",
    );
    assert_reports(
        new_fleet(1).thanos(ThanosImage::default().version("main-2025-01-01-abc")),
        Severity::Warning,
        "thanos.version",
        "\"main-2025-01-01-abc\" is not a release version: a branch or build tag can be moved to another image",
    );
}

#[test]
fn rule12_requests_limits_and_sizes() {
    let resources = |cpu_request: &str, memory_limit: &str| {
        new_fleet(1).central(
            central().store(
                Store::default().resources(
                    Resources::default()
                        .cpu(cpu(cpu_request), Cpu::cores(1))
                        .memory(bytes(memory_limit), bytes(memory_limit)),
                ),
            ),
        )
    };
    assert_error(
        resources("2", "4Gi"),
        "central.store.resources.cpuRequest",
        "the cpu request \"2\" is above the limit \"1\"",
    );
    assert_error(
        resources("100m", "0"),
        "central.store.resources.memoryLimit",
        "a memory limit of \"0\" leaves the container no memory",
    );
    // Equal values in other units are not above the limit.
    assert!(diagnostics(resources("1000m", "4Gi")).is_empty());
    assert_error(
        new_fleet(1)
            .central(central().store(Store::default().storage(Storage::new(Bytes::new(0))))),
        "central.store.storage.size",
        "a volume of size 0",
    );
}

#[test]
fn rule13_the_chart_is_pinned_and_fetched_safely() {
    assert_error(
        new_fleet(1).chart(Chart::default().repo("http://x.example.com")),
        "chart.repo",
        "\"http://x.example.com\" is not an https:// or oci:// URL",
    );
    assert_error(
        new_fleet(1).chart(Chart::default().version("78.x")),
        "chart.version",
        "\"78.x\" is not an exact chart version",
    );
    assert_error(
        new_fleet(1).chart(Chart::default().release("a".repeat(54))),
        "chart.release",
        "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is longer than 53 characters, the longest name Helm accepts for a release",
    );
    assert!(diagnostics(
        new_fleet(1).chart(Chart::default().repo("oci://registry.example.com/charts"))
    )
    .is_empty());
}

#[test]
fn rule14_intervals_and_retentions() {
    assert_error(
        new_fleet(1).scrape_interval(duration("0s")),
        "scrapeInterval",
        "\"0s\" is zero",
    );
    assert_reports(
        new_fleet(1).scrape_interval(Duration::minutes(3)),
        Severity::Warning,
        "scrapeInterval",
        "scraping every \"3m\" leaves gaps: a series is stale after 5m without a sample",
    );
    let retention = |r: &str| {
        new_fleet(1).central(central().prometheus(Prometheus::default().retention(duration(r))))
    };
    assert_error(retention("2h"), "central.prometheus.retention", "\"2h\" does not outlive the 2h blocks the sidecar uploads: blocks are deleted before they reach the bucket");
    assert_error(
        retention("0"),
        "central.prometheus.retention",
        "\"0\" is no retention",
    );
    assert_reports(
        retention("5h"),
        Severity::Warning,
        "central.prometheus.retention",
        "\"5h\" leaves little time to upload: a bucket outage of a few hours deletes blocks before the sidecar uploads them",
    );
    assert!(diagnostics(retention("6h")).is_empty());
    assert_reports(
        new_fleet(1).central(central().receive(Receive::default().retention(Duration::days(0)))),
        Severity::Warning,
        "central.receive.retention",
        "\"0d\" keeps every block on Receive's volume for ever: the volume fills up",
    );
}

#[test]
fn rule15_grafana_user_and_password_come_from_two_keys() {
    assert_error(
        new_fleet(1).central(central().grafana(
            Grafana::default().admin(GrafanaAdmin::default().user_key("k").password_key("k")),
        )),
        "central.grafana.admin.passwordKey",
        "the admin user name and password are read from the same key \"k\"",
    );
}

#[test]
fn rule16_store_memory_fits_its_index_cache() {
    let store = |limit: &str| {
        new_fleet(1).central(
            central().store(
                Store::default()
                    .resources(Resources::default().memory(Bytes::mebibytes(128), bytes(limit))),
            ),
        )
    };
    const CACHES: &str = "\"300Mi\" leaves Store too little for its caches (half the limit for the chunk pool, an eighth for the index cache), index headers and queries";
    assert_diagnostics(
        store("300Mi"),
        &[
            (Severity::Warning, "central.store.resources.memoryLimit", CACHES),
            // Rule 42: below the fleet's need as well, and Burstable.
            (
                Severity::Warning,
                "central.store.resources.memoryLimit",
                "300Mi is below the 3Gi this fleet needs (100000 active series, 2 clusters): the pod is killed when it runs out of memory",
            ),
            (
                Severity::Warning,
                "central.store.resources.memoryRequest",
                "128Mi is below the limit 300Mi: the pod is Burstable, and the first to be evicted when its node runs short of memory",
            ),
        ],
    );
    // 512Mi leaves room for the caches: only rule 42 warns.
    assert_diagnostics(
        store("512Mi"),
        &[
            (
                Severity::Warning,
                "central.store.resources.memoryLimit",
                "512Mi is below the 3Gi this fleet needs (100000 active series, 2 clusters): the pod is killed when it runs out of memory",
            ),
            (
                Severity::Warning,
                "central.store.resources.memoryRequest",
                "128Mi is below the limit 512Mi: the pod is Burstable, and the first to be evicted when its node runs short of memory",
            ),
        ],
    );
}

#[test]
fn rule17_agent_queues() {
    let queue = |queue: RemoteWriteQueue| {
        new_fleet(0).edge(edge("a", "a").agent(AgentValues::default().queue(queue)))
    };
    assert_error(
        queue(RemoteWriteQueue::default().min_shards(5).max_shards(2)),
        "edges[0].agent.queue.minShards",
        "must be between 1 and maxShards (2)",
    );
    assert_reports(
        queue(RemoteWriteQueue::default().capacity(100)),
        Severity::Warning,
        "edges[0].agent.queue.capacity",
        "a shard buffers 100 samples, fewer than the 2000 it sends at once: no request is ever full",
    );
    assert_error(
        queue(RemoteWriteQueue::default().batch_send_deadline(Duration::seconds(0))),
        "edges[0].agent.queue.batchSendDeadline",
        "\"0\" is zero",
    );
}

#[test]
fn rule18_query_lists_each_replica_label_once() {
    let labels = [
        "prometheus_replica",
        "receive_replica",
        "thanos_ruler_replica",
        "prometheus_replica",
    ]
    .map(str::to_owned)
    .to_vec();
    assert_reports(
        new_fleet(1).central(central().query(Query::default().replica_labels(labels))),
        Severity::Warning,
        "central.query.replicaLabels[3]",
        "\"prometheus_replica\" is listed twice",
    );
}

/// What rules 8 and 12 refused at validation before the values were typed: a malformed
/// duration or quantity, CPU in `Ki`..`Ei`, memory in `m`. They no longer reach a fleet.
#[test]
fn grammar_errors_are_type_errors() {
    let error = |result: Result<(), GrammarError>| result.expect_err("refused").to_string();
    let duration = |text: &str| error(text.parse::<Duration>().map(drop));
    let bytes = |text: &str| error(text.parse::<Bytes>().map(drop));
    let cpu = |text: &str| error(text.parse::<Cpu>().map(drop));
    for (found, text, what) in [
        (duration("30"), "30", "is not a Prometheus duration"),
        (duration("1m1h"), "1m1h", "is not a Prometheus duration"),
        (
            duration("30 days"),
            "30 days",
            "is not a Prometheus duration",
        ),
        (bytes("50GB"), "50GB", "is not a Kubernetes quantity"),
        (
            bytes("2000m"),
            "2000m",
            "is a fraction of a byte: the suffix m means a thousandth",
        ),
        (cpu("1Gi"), "1Gi", "counts CPU in powers of 1024"),
    ] {
        assert_eq!(found, format!("{text:?} {what}"));
    }
}

#[test]
fn rule41_a_single_replica_does_not_survive_a_node_loss() {
    assert_diagnostics(
        new_fleet(3).central(
            central()
                .query(Query::default().replicas(1))
                .receive(Receive::default().replicas(3).replication_factor(1)),
        ),
        &[
            (
                Severity::Warning,
                "central.receive.replicationFactor",
                "every series has one copy: a node loss stops the writes of the series on its pod until the pod is back",
            ),
            (
                Severity::Warning,
                "central.query.replicas",
                "one replica does not survive a node loss: queries stop until its pod runs again elsewhere",
            ),
        ],
    );
    // The new fleet survives a node loss: no warning.
    assert!(all_diagnostics(new_fleet(3)).is_empty());
}

#[test]
fn rule42_explicit_resources_below_the_fleets_need() {
    // 3 edges of 100k series, factor 3 over 3 pods: 512Mi + 300k × 8Ki = 2.8Gi, 3Gi.
    let receive = |memory: &str| {
        new_fleet(3).central(central().receive(
            Receive::default().resources(Resources::default().memory(bytes(memory), bytes(memory))),
        ))
    };
    assert_reports(
        receive("2Gi"),
        Severity::Warning,
        "central.receive.resources.memoryLimit",
        "2Gi is below the 3Gi this fleet needs (300000 active series, 4 clusters): the pod is killed when it runs out of memory, replays its WAL and is killed again, and its share of writes fails",
    );
    assert!(all_diagnostics(receive("3Gi")).is_empty());
    // A request below the limit makes a stateful pod Burstable.
    assert_reports(
        new_fleet(3).central(central().receive(Receive::default().resources(
            Resources::default().memory(bytes("2Gi"), bytes("4Gi")),
        ))),
        Severity::Warning,
        "central.receive.resources.memoryRequest",
        "2Gi is below the limit 4Gi: the pod is Burstable, and the first to be evicted when its node runs short of memory",
    );
}

#[test]
fn rule43_the_fleet_outgrows_its_receive_pods() {
    let fleet = new_fleet(3).central(
        central()
            .sizing(thanos_model::Sizing::default().active_series_per_cluster(1_000_000))
            .receive(Receive::default().storage(Storage::new(Bytes::gibibytes(100)))),
    );
    assert_diagnostics(
        fleet.clone(),
        &[
            // Rule 42: the Compactor's volume is sized for 300k series, not 3M.
            (
                Severity::Warning,
                "central.compactor.storage.size",
                "100Gi is below the 124Gi this fleet needs: the Compactor downloads the blocks of its largest compaction and writes the result beside them, and a full volume stops it",
            ),
            (
                Severity::Warning,
                "central.receive.replicas",
                "each of 3 Receive pods holds 3000000 head series (3000000 active series, 3 copies each): more than the 2000000 one pod should hold, its WAL replay after a restart takes many minutes while its share of writes fails",
            ),
        ],
    );
    // The hint names the replicas that hold the fleet.
    let warnings = all_diagnostics(fleet);
    assert_eq!(
        warnings[1].hint,
        "raise replicas to 5 (see the runbook's order for changing Receive's replicas); in Rust: `fleet.central.receive.replicas`"
    );
}

#[test]
fn rule44_sizing_and_placement_inputs() {
    assert_error(
        new_fleet(1).central(
            central().sizing(thanos_model::Sizing::default().active_series_per_cluster(0)),
        ),
        "central.sizing.activeSeriesPerCluster",
        "0 active series sizes every component for nothing",
    );
    assert_error(
        new_fleet(1)
            .central(central().topology(thanos_model::Topology::default().zone_key("zone/"))),
        "central.topology.zoneKey",
        "\"zone/\" is not a node label key",
    );
    assert!(all_diagnostics(
        new_fleet(1).central(
            central().topology(
                thanos_model::Topology::default().zone_key("topology.kubernetes.io/zone")
            )
        )
    )
    .is_empty());
}
