//! One failing input per whole-fleet rule, built with the builders: each asserts the
//! exact diagnostics (severity, field path and message), so an extra one fails the test.
//! Malformed durations and quantities do not compile here: their grammar errors are
//! asserted on the types (`grammar_errors_are_type_errors`) and, loaded from a file, by
//! the corpus.

use indexmap::IndexMap;
use thanos_model::{
    seed::seed, AgentValues, Bytes, Central, Chart, Compactor, Cpu, Diagnostic, Duration, Edge,
    FleetBuilder, Grafana, GrafanaAdmin, GrammarError, Ingress, Prometheus, Query, Receive,
    RemoteWriteQueue, Resources, Retention, Ruler, S3Credentials, Severity, Storage, Store,
    ThanosImage, ThanosMonitoringOptions, S3,
};

fn central() -> Central {
    Central::new("cluster-01-central")
        .context("cluster-01")
        .api_address("192.168.101.194")
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

/// Every diagnostic of a fleet, errors and warnings.
fn diagnostics(builder: FleetBuilder) -> Vec<Diagnostic> {
    match builder.build() {
        Ok(fleet) => fleet.warnings().to_vec(),
        Err(error) => error.diagnostics().to_vec(),
    }
}

#[track_caller]
fn assert_reports(builder: FleetBuilder, severity: Severity, path: &str) {
    let found = diagnostics(builder);
    assert!(
        found
            .iter()
            .any(|d| d.severity == severity && d.path == path),
        "expected {severity} at {path}, got {found:#?}"
    );
}

#[track_caller]
fn assert_error(builder: FleetBuilder, path: &str) {
    assert_reports(builder, Severity::Error, path);
}

#[test]
fn the_seed_is_clean() {
    assert!(diagnostics(seed(3)).is_empty());
}

#[test]
fn rule1_cluster_names_and_labels() {
    assert_error(
        seed(0)
            .edge(edge("a", "a").cluster_label("x"))
            .edge(edge("b", "b").cluster_label("x")),
        "edges[1].clusterLabel",
    );
    assert_error(
        seed(0).edge(edge("cluster-01-central", "a")),
        "edges[0].name",
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
        assert_error(seed(0).edge(edge(bad, "a")), "edges[0].name");
        assert_error(
            seed(0).edge(edge("a", "a").cluster_label(bad)),
            "edges[0].clusterLabel",
        );
    }
    assert_error(seed(0).central(central().context("")), "central.context");
    assert_error(seed(0).edge(edge("a", "cluster-01")), "edges[0].context");
}

#[test]
fn rule2_receive_labels_never_reuse_series_labels() {
    for name in ["cluster", "prometheus", "prometheus_replica"] {
        let labels = IndexMap::from([(name.to_owned(), "x".to_owned())]);
        assert_error(
            seed(1).central(central().receive(Receive::default().labels(labels))),
            &format!("central.receive.labels.{name}"),
        );
    }
    assert_error(
        seed(1).central(central().receive(Receive::default().labels(IndexMap::new()))),
        "central.receive.labels",
    );
    let empty_value = IndexMap::from([("receive".to_owned(), String::new())]);
    assert_error(
        seed(1).central(central().receive(Receive::default().labels(empty_value))),
        "central.receive.labels.receive",
    );
    let reserved = IndexMap::from([("receive_replica".to_owned(), "x".to_owned())]);
    assert_error(
        seed(1).central(central().receive(Receive::default().labels(reserved))),
        "central.receive.labels.receive_replica",
    );
}

#[test]
fn rule3_query_deduplicates_on_every_replica_label() {
    for kept in [
        "prometheus_replica",
        "receive_replica",
        "thanos_ruler_replica",
    ] {
        assert_error(
            seed(1)
                .central(central().query(Query::default().replica_labels(vec![kept.to_owned()]))),
            "central.query.replicaLabels",
        );
    }
    let without_ruler = vec![
        "prometheus_replica".to_owned(),
        "receive_replica".to_owned(),
    ];
    assert_error(
        seed(1).central(central().query(Query::default().replica_labels(without_ruler.clone()))),
        "central.query.replicaLabels",
    );
    assert!(diagnostics(
        seed(1).central(
            central()
                .without_ruler()
                .thanos_monitoring(ThanosMonitoringOptions::default().silent_edge_alerts(false))
                .query(Query::default().replica_labels(without_ruler.clone()))
        )
    )
    .is_empty());
    let mut all = without_ruler;
    all.push("thanos_ruler_replica".to_owned());
    assert!(
        diagnostics(seed(1).central(central().query(Query::default().replica_labels(all))))
            .is_empty()
    );
}

#[test]
fn rule4_receive_replicas_and_factor() {
    assert_error(
        seed(1).central(central().receive(Receive::default().replicas(2).replication_factor(3))),
        "central.receive.replicationFactor",
    );
    assert_error(
        seed(1).central(central().receive(Receive::default().replication_factor(0))),
        "central.receive.replicationFactor",
    );
    assert_error(
        seed(1).central(central().receive(Receive::default().replicas(0))),
        "central.receive.replicas",
    );
    assert_reports(
        seed(1).central(central().receive(Receive::default().replicas(4).replication_factor(2))),
        Severity::Warning,
        "central.receive.replicationFactor",
    );
    seed(1)
        .central(central().receive(Receive::default().replicas(3).replication_factor(3)))
        .build()
        .expect("a factor equal to the replicas is valid");
}

#[test]
fn rule5_compactor_retention() {
    let retention = |raw: &str, five: &str, hour: &str| {
        seed(1).central(
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
    );
    assert_error(
        retention("30d", "10d", "1y"),
        "central.compactor.retention.5m",
    );
    assert_error(
        retention("90d", "30d", "1y"),
        "central.compactor.retention.5m",
    );
    assert_error(
        retention("30d", "90d", "30d"),
        "central.compactor.retention.1h",
    );
    assert_error(
        retention("30d", "0d", "1y"),
        "central.compactor.retention.1h",
    );
    assert!(diagnostics(retention("0d", "0d", "0d")).is_empty());
    assert!(diagnostics(retention("41h", "11d", "1y")).is_empty());
    // Without downsampling short retentions are fine, shrinking ones are not.
    let no_downsampling = |raw: &str, five: &str| {
        seed(1).central(
            central().compactor(
                Compactor::default().downsampling(false).retention(
                    Retention::default()
                        .raw(duration(raw))
                        .five_minutes(duration(five)),
                ),
            ),
        )
    };
    assert!(diagnostics(no_downsampling("1d", "1d")).is_empty());
    assert_error(
        no_downsampling("2d", "1d"),
        "central.compactor.retention.5m",
    );
}

#[test]
fn rule6_one_thanos_version() {
    let other = ThanosImage::default().version("v0.41.0");
    assert_reports(
        seed(1).central(central().store(Store::default().image(other.clone()))),
        Severity::Warning,
        "central.store.image",
    );
    assert_reports(
        seed(1).central(central().compactor(Compactor::default().image(other.clone()))),
        Severity::Warning,
        "central.compactor.image",
    );
    assert_reports(
        seed(1).central(central().receive(Receive::default().image(other.clone()))),
        Severity::Warning,
        "central.receive.image",
    );
    assert_reports(
        seed(1).central(central().query(Query::default().image(other))),
        Severity::Warning,
        "central.query.image",
    );
    assert_error(
        seed(1).thanos(ThanosImage::default().version("")),
        "thanos.version",
    );
    assert_error(
        seed(1).thanos(ThanosImage::default().repository("Quay.io/x y")),
        "thanos.repository",
    );
    // Pinning the fleet's own version is no warning.
    assert!(diagnostics(
        seed(1).central(central().store(Store::default().image(ThanosImage::default())))
    )
    .is_empty());
}

#[test]
fn rule7_object_storage() {
    assert_error(
        seed(1).object_storage(S3::new("https://s3.example.com", "thanos")),
        "objectStorage.endpoint",
    );
    assert_error(
        seed(1).object_storage(S3::new("s3.example.com", "Thanos_Bucket")),
        "objectStorage.bucket",
    );
    for (access, secret, path) in [
        ("AKIAIOSFODNN7EXAMPLE", "S3_SECRET_KEY", "accessKeyVar"),
        (
            "S3_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "secretKeyVar",
        ),
        ("minioadmin", "S3_SECRET_KEY", "accessKeyVar"),
        ("S3_KEY", "S3_KEY", "secretKeyVar"),
    ] {
        let credentials = S3Credentials::Envsubst {
            access_key_var: access.to_owned(),
            secret_key_var: secret.to_owned(),
        };
        assert_error(
            seed(1).object_storage(S3::new("s3.example.com", "thanos").credentials(credentials)),
            &format!("objectStorage.credentials.{path}"),
        );
    }
    assert!(diagnostics(seed(1).object_storage(
        S3::new("s3.example.com:9000", "thanos").credentials(S3Credentials::ExistingSecret)
    ))
    .is_empty());
}

#[test]
fn rule8_hosts_classes_sizes_durations() {
    assert_error(
        seed(1).central(
            central().query(Query::default().ingress(Ingress::new().host("Bad_Host.example.com"))),
        ),
        "central.query.ingress.host",
    );
    assert_error(seed(1).domain("Not A Domain"), "domain");
    assert_error(seed(1).ingress_class(""), "ingressClass");
    assert_error(
        seed(1).central(central().query(Query::default().ingress(Ingress::new().class("")))),
        "central.query.ingress.class",
    );
    assert_error(
        seed(1).central(
            central()
                .query(Query::default().ingress(Ingress::new().host("a.example.com")))
                .receive(Receive::default().ingress(Ingress::new().host("a.example.com"))),
        ),
        "central.receive.ingress.host",
    );
    assert_error(
        seed(1).central(central().receive(Receive::default().without_ingress())),
        "central.receive.ingress",
    );
}

#[test]
fn rule9_ha_agents_keep_their_replica_label() {
    assert_error(
        seed(0).edge(
            edge("a", "a").agent(AgentValues::default().replicas(2).drop_replica_label(true)),
        ),
        "edges[0].agent.dropReplicaLabel",
    );
    assert!(diagnostics(
        seed(0).edge(
            edge("a", "a").agent(AgentValues::default().replicas(1).drop_replica_label(true))
        )
    )
    .is_empty());
}

#[test]
fn absurd_replica_counts_are_refused() {
    assert_error(
        seed(1).central(central().store(Store::default().replicas(u32::MAX))),
        "central.store.replicas",
    );
    assert_error(
        seed(1).central(central().receive(Receive::default().replicas(1_000_000))),
        "central.receive.replicas",
    );
}

#[test]
fn all_diagnostics_come_in_one_pass() {
    let error = seed(0)
        .domain("bad domain")
        .edge(edge("../x", "a").agent(AgentValues::default().replicas(0)))
        .build()
        .expect_err("invalid");
    let paths: Vec<_> = error.errors().map(|d| d.path.as_str()).collect();
    assert!(paths.contains(&"domain"), "{paths:?}");
    assert!(paths.contains(&"edges[0].name"), "{paths:?}");
    assert!(paths.contains(&"edges[0].agent.replicas"), "{paths:?}");
    assert!(error.diagnostics().iter().all(|d| !d.hint.is_empty()));
}

#[test]
fn silent_edge_alerts_need_the_ruler_and_alerts_the_service_monitors() {
    assert_error(
        seed(1).central(central().without_ruler()),
        "central.thanosMonitoring.silentEdgeAlerts",
    );
    assert!(diagnostics(
        seed(1).central(
            central()
                .without_ruler()
                .thanos_monitoring(ThanosMonitoringOptions::default().silent_edge_alerts(false))
        )
    )
    .is_empty());
    assert_reports(
        seed(1).central(
            central().thanos_monitoring(ThanosMonitoringOptions::default().service_monitors(false)),
        ),
        Severity::Warning,
        "central.thanosMonitoring.alerts",
    );
    assert_error(
        seed(1).central(central().ruler(Ruler::default().replicas(0))),
        "central.ruler.replicas",
    );
}

#[test]
fn rule10_every_string_is_one_line_of_its_grammar() {
    for context in ["a\nb", "a b", "-n", "a;b", ""] {
        assert_error(seed(0).edge(edge("a", context)), "edges[0].context");
    }
    for address in ["10.0.0.2\n# x", "https://10.0.0.2", "10.0.0.2:0", "a b"] {
        assert_error(
            seed(0).edge(Edge::new("a").context("a").api_address(address)),
            "edges[0].apiAddress",
        );
    }
    assert!(diagnostics(
        seed(0).edge(
            Edge::new("a")
                .context("arn:aws:eks:eu-west-1:1:cluster/a")
                .api_address("[fd00::1]:6443")
        )
    )
    .is_empty());
    assert_error(seed(1).namespace("monitoring\u{202e}"), "namespace");
    assert_error(
        seed(1).object_storage(S3::new("s3.example.com", "thanos").region("us\neast")),
        "objectStorage.region",
    );
    let labels = IndexMap::from([("receive".to_owned(), "true\nx".to_owned())]);
    assert_error(
        seed(1).central(central().receive(Receive::default().labels(labels))),
        "central.receive.labels.receive",
    );
}

#[test]
fn rule11_image_tags_do_not_move() {
    assert_error(
        seed(1).thanos(ThanosImage::default().version("latest")),
        "thanos.version",
    );
    assert_error(
        seed(1).thanos(ThanosImage::default().version("")),
        "thanos.version",
    );
    assert_reports(
        seed(1).thanos(ThanosImage::default().version("main-2025-01-01-abc")),
        Severity::Warning,
        "thanos.version",
    );
}

#[test]
fn rule12_requests_limits_and_sizes() {
    let resources = |cpu_request: &str, memory_limit: &str| {
        seed(1).central(
            central().store(
                Store::default().resources(
                    Resources::default()
                        .cpu(cpu(cpu_request), Cpu::cores(1))
                        .memory(Bytes::mebibytes(256), bytes(memory_limit)),
                ),
            ),
        )
    };
    assert_error(resources("2", "2Gi"), "central.store.resources.cpuRequest");
    assert_error(
        resources("100m", "0"),
        "central.store.resources.memoryLimit",
    );
    // Equal values in other units are not above the limit.
    assert!(diagnostics(resources("1000m", "2Gi")).is_empty());
    assert_error(
        seed(1).central(central().store(Store::default().storage(Storage::new(Bytes::bytes(0))))),
        "central.store.storage.size",
    );
}

#[test]
fn rule13_the_chart_is_pinned_and_fetched_safely() {
    assert_error(
        seed(1).chart(Chart::default().repo("http://x.example.com")),
        "chart.repo",
    );
    assert_error(
        seed(1).chart(Chart::default().version("78.x")),
        "chart.version",
    );
    assert_error(
        seed(1).chart(Chart::default().release("a".repeat(54))),
        "chart.release",
    );
    assert!(
        diagnostics(seed(1).chart(Chart::default().repo("oci://registry.example.com/charts")))
            .is_empty()
    );
}

#[test]
fn rule14_intervals_and_retentions() {
    assert_error(seed(1).scrape_interval(duration("0s")), "scrapeInterval");
    assert_reports(
        seed(1).scrape_interval(Duration::minutes(3)),
        Severity::Warning,
        "scrapeInterval",
    );
    let retention = |r: &str| {
        seed(1).central(central().prometheus(Prometheus::default().retention(duration(r))))
    };
    assert_error(retention("2h"), "central.prometheus.retention");
    assert_error(retention("0"), "central.prometheus.retention");
    assert_reports(
        retention("5h"),
        Severity::Warning,
        "central.prometheus.retention",
    );
    assert!(diagnostics(retention("6h")).is_empty());
    assert_reports(
        seed(1).central(central().receive(Receive::default().retention(Duration::days(0)))),
        Severity::Warning,
        "central.receive.retention",
    );
}

#[test]
fn rule15_grafana_user_and_password_come_from_two_keys() {
    assert_error(
        seed(1).central(central().grafana(
            Grafana::default().admin(GrafanaAdmin::default().user_key("k").password_key("k")),
        )),
        "central.grafana.admin.passwordKey",
    );
}

#[test]
fn rule16_store_memory_fits_its_index_cache() {
    let store = |limit: &str| {
        seed(1).central(
            central().store(
                Store::default()
                    .resources(Resources::default().memory(Bytes::mebibytes(128), bytes(limit))),
            ),
        )
    };
    assert_reports(
        store("300Mi"),
        Severity::Warning,
        "central.store.resources.memoryLimit",
    );
    assert!(diagnostics(store("512Mi")).is_empty());
}

#[test]
fn rule17_agent_queues() {
    let queue = |queue: RemoteWriteQueue| {
        seed(0).edge(edge("a", "a").agent(AgentValues::default().queue(queue)))
    };
    assert_error(
        queue(RemoteWriteQueue::default().min_shards(5).max_shards(2)),
        "edges[0].agent.queue.minShards",
    );
    assert_reports(
        queue(RemoteWriteQueue::default().capacity(100)),
        Severity::Warning,
        "edges[0].agent.queue.capacity",
    );
    assert_error(
        queue(RemoteWriteQueue::default().batch_send_deadline(Duration::seconds(0))),
        "edges[0].agent.queue.batchSendDeadline",
    );
}

#[test]
fn rule18_query_lists_each_replica_label_once() {
    let labels = [
        "prometheus_replica",
        "receive_replica",
        "prometheus_replica",
    ]
    .map(str::to_owned)
    .to_vec();
    assert_reports(
        seed(1).central(central().query(Query::default().replica_labels(labels))),
        Severity::Warning,
        "central.query.replicaLabels[2]",
    );
}

/// What rules 8 and 12 refused at validation before the values were typed: a malformed
/// duration or quantity, CPU in `Ki`..`Ei`, memory in `m`. They no longer reach a fleet.
#[test]
fn grammar_errors_are_type_errors() {
    let error = |result: Result<(), GrammarError>| result.expect_err("refused").to_string();
    assert_eq!(
        error("30".parse::<Duration>().map(drop)),
        "\"30\" is not a Prometheus duration"
    );
    assert_eq!(
        error("1m1h".parse::<Duration>().map(drop)),
        "\"1m1h\" is not a Prometheus duration"
    );
    assert_eq!(
        error("30 days".parse::<Duration>().map(drop)),
        "\"30 days\" is not a Prometheus duration"
    );
    assert_eq!(
        error("50GB".parse::<Bytes>().map(drop)),
        "\"50GB\" is not a Kubernetes quantity"
    );
    assert_eq!(
        error("2000m".parse::<Bytes>().map(drop)),
        "\"2000m\" is a fraction of a byte: the suffix m means a thousandth"
    );
    assert_eq!(
        error("1Gi".parse::<Cpu>().map(drop)),
        "\"1Gi\" counts CPU in powers of 1024"
    );
}
