//! The secure fleet (`cargo run --example secure-fleet`): every file snapshot-tested, and
//! its write path proven from the rendered configuration against the upstream facts.
//!
//! No Thanos binary runs here. That a write is refused is shown from what Receive is
//! told to do and what the facts say it then does (docs/design/security-facts.md):
//! `--remote-write.server-tls-client-ca` makes the server require and verify a client
//! certificate (pkg/tls/options.go), `--receive.tenant-certificate-field` takes the tenant
//! from that certificate and ignores the header (pkg/tenancy/tenancy.go), a tenant no
//! hashring lists has "no matching hashring" (pkg/receive/hashring.go), and
//! `--tsdb.too-far-in-future.time-window` refuses later samples. Each flag must be a flag
//! of Thanos v0.42.4 in `facts/` (or its documented hidden exception).

mod common;

use common::{flag, one};

use serde_json::Value as Json;
use serde_yaml::Value;
use thanos_model::{seed::secure_fleet, ValidFleet};
use thanos_render::{render, Tree, WAL_RETENTION_FLAG};

const CENTRAL: &str = "overlays/cluster-01-central/kube-prometheus-stack";

fn fleet() -> ValidFleet {
    common::valid(secure_fleet(3))
}

fn tree() -> Tree {
    render(&fleet())
}

/// Receive's StatefulSet args.
fn receive_args(tree: &Tree) -> Vec<String> {
    let documents = common::file_documents(tree, &format!("{CENTRAL}/thanos-receive.yaml"));
    common::container_args(one(&documents, "StatefulSet", "thanos-receive"))
}

/// The mount directory of the volume that holds Secret or ConfigMap `source`.
fn mount_of(tree: &Tree, source_kind: &str, source: &str) -> String {
    let documents = common::file_documents(tree, &format!("{CENTRAL}/thanos-receive.yaml"));
    let pod = &one(&documents, "StatefulSet", "thanos-receive")["spec"]["template"]["spec"];
    let volume = pod["volumes"]
        .as_sequence()
        .expect("volumes")
        .iter()
        .find(|v| match source_kind {
            "secret" => v["secret"]["secretName"] == source,
            _ => v["configMap"]["name"] == source,
        })
        .unwrap_or_else(|| panic!("no volume of {source_kind} {source}"));
    pod["containers"][0]["volumeMounts"]
        .as_sequence()
        .expect("mounts")
        .iter()
        .find(|m| m["name"] == volume["name"])
        .and_then(|m| m["mountPath"].as_str())
        .expect("the volume is mounted")
        .to_owned()
}

/// Asserts that each of Receive's `flags` (flag, file) names its file in the directory
/// where Receive mounts the Secret or ConfigMap `source`.
#[track_caller]
fn assert_flags_read_the_mount(
    tree: &Tree,
    source_kind: &str,
    source: &str,
    flags: &[(&str, &str)],
) {
    let args = receive_args(tree);
    let dir = mount_of(tree, source_kind, source);
    for (name, file) in flags {
        assert_eq!(
            flag(&args, name),
            Some(format!("{dir}/{file}").as_str()),
            "{name}"
        );
    }
}

#[test]
fn every_file_matches_its_snapshot() {
    common::assert_file_snapshots("secure-fleet", tree().iter());
}

#[test]
fn every_flag_values_key_and_object_is_upstreams() {
    let kinds = common::assert_upstream(&tree());
    assert_eq!(
        kinds.get("Certificate"),
        Some(&13),
        "write CA, server, 3 edges; Ingress CA, Grafana's; gRPC CA, sidecar, Receive, Store, Ruler, Query"
    );
    assert_eq!(
        kinds.get("Issuer"),
        Some(&4),
        "self-signed, write CA, Ingress CA, gRPC CA"
    );
}

#[test]
fn the_hidden_limits_flag_is_a_documented_exception() {
    let flags = common::facts::thanos_flags("receive");
    let limits = flags
        .iter()
        .find(|f| f.name == "--receive.limits-config-file")
        .expect("in facts/");
    assert_eq!(limits.hidden.as_deref(), Some("cmd/thanos/receive.go:1142"));
    // Only this one flag is an exception.
    assert_eq!(flags.iter().filter(|f| f.hidden.is_some()).count(), 1);
}

/// A client without a certificate of the fleet's CA cannot complete the handshake:
/// Receive gets a client CA (so it requires and verifies client certificates), from the
/// Secret cert-manager issues its server certificate into, and the Ingress passes TLS
/// through instead of terminating it.
#[test]
fn a_write_without_a_client_certificate_is_refused() {
    let tree = tree();
    assert_flags_read_the_mount(
        &tree,
        "secret",
        "thanos-receive-server-tls",
        &[
            ("--remote-write.server-tls-client-ca", "ca.crt"),
            ("--remote-write.server-tls-cert", "tls.crt"),
            ("--remote-write.server-tls-key", "tls.key"),
        ],
    );
    let certificates =
        common::file_documents(&tree, &format!("{CENTRAL}/thanos-certificates.yaml"));
    let server = one(&certificates, "Certificate", "thanos-receive-server");
    assert_eq!(server["spec"]["secretName"], "thanos-receive-server-tls");
    assert_eq!(server["spec"]["issuerRef"]["name"], "thanos-write-ca");

    let receive = common::file_documents(&tree, &format!("{CENTRAL}/thanos-receive.yaml"));
    let ingress = one(&receive, "Ingress", "thanos-receive");
    assert_eq!(
        ingress["metadata"]["annotations"]["ingress.cilium.io/tls-passthrough"],
        "enabled"
    );
    assert!(
        ingress["spec"]["tls"].is_null(),
        "the Ingress does not terminate TLS"
    );
}

/// The tenant is the verified certificate's CN, which the CA issues as the edge's tenant,
/// and the one hashring lists exactly the edges' tenants (exact match, no catch-all): any
/// other tenant has no hashring, so no TSDB is created for it.
#[test]
fn a_write_for_an_unknown_tenant_is_refused() {
    let fleet = fleet();
    let tree = tree();
    let args = receive_args(&tree);
    assert_eq!(
        flag(&args, "--receive.tenant-certificate-field"),
        Some("commonName")
    );
    assert_eq!(flag(&args, "--receive.tenant-label-name"), Some("cluster"));
    let receive = common::file_documents(&tree, &format!("{CENTRAL}/thanos-receive.yaml"));
    let hashring = one(&receive, "ConfigMap", "thanos-receive-hashring");
    let rings: Json =
        serde_json::from_str(hashring["data"]["hashrings.json"].as_str().expect("json"))
            .expect("the hashring parses");
    let rings = rings.as_array().expect("a list of rings");
    assert_eq!(rings.len(), 1, "one ring, no catch-all");
    let tenants: Vec<&str> = rings[0]["tenants"]
        .as_array()
        .expect("the ring lists tenants")
        .iter()
        .filter_map(Json::as_str)
        .collect();
    assert_eq!(
        tenants,
        ["cluster-02-edge", "cluster-03-edge", "cluster-04-edge"]
    );
    assert_eq!(rings[0]["tenant_matcher_type"], "exact");
    // Each edge's certificate names its own tenant, and only a client certificate.
    let certificates =
        common::file_documents(&tree, &format!("{CENTRAL}/thanos-certificates.yaml"));
    for edge in &fleet.edges {
        let certificate = one(
            &certificates,
            "Certificate",
            &format!("thanos-edge-{}", edge.name),
        );
        assert_eq!(certificate["spec"]["commonName"], edge.tenant());
        assert_eq!(
            certificate["spec"]["usages"],
            serde_yaml::from_str::<Value>("[client auth, digital signature]").unwrap()
        );
    }
}

#[test]
fn a_far_future_sample_is_refused() {
    let args = receive_args(&tree());
    assert_eq!(
        flag(&args, "--tsdb.too-far-in-future.time-window"),
        Some("5m")
    );
    assert_eq!(
        flag(&args, "--receive.capnproto-address"),
        Some("127.0.0.1:19391"),
        "Cap'n Proto, which bypasses the Ingress, listens on localhost only"
    );
}

/// The limits file is read from the mounted ConfigMap and holds only keys Thanos
/// v0.42.4 knows (it parses the file strictly: a misspelt key would make Receive refuse
/// it), with each limit above a normal request of the edges' queues.
#[test]
fn limits_are_set_and_never_refuse_a_normal_request() {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        write: Write,
    }
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Write {
        global: Global,
        default: Tenant,
        tenants: std::collections::BTreeMap<String, Tenant>,
    }
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Global {
        meta_monitoring_url: String,
        meta_monitoring_limit_query: String,
    }
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Tenant {
        request: Request,
        head_series_limit: u64,
    }
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Request {
        size_bytes_limit: u64,
        series_limit: u64,
        samples_limit: u64,
    }
    let fleet = fleet();
    let tree = tree();
    assert_flags_read_the_mount(
        &tree,
        "configMap",
        "thanos-receive-limits",
        &[("--receive.limits-config-file", "limits.yaml")],
    );
    let receive = common::file_documents(&tree, &format!("{CENTRAL}/thanos-receive.yaml"));
    let config_map = one(&receive, "ConfigMap", "thanos-receive-limits");
    let limits: File =
        serde_yaml::from_str(config_map["data"]["limits.yaml"].as_str().expect("text"))
            .expect("only keys of pkg/receive/limiter_config.go");
    for edge in &fleet.edges {
        let per_send = u64::from(edge.agent.queue.max_samples_per_send);
        let tenant = limits
            .write
            .tenants
            .get(edge.tenant())
            .unwrap_or(&limits.write.default);
        assert!(tenant.request.samples_limit >= per_send);
        assert!(tenant.request.series_limit >= per_send);
        assert!(tenant.request.size_bytes_limit >= per_send * 1024);
        assert!(tenant.head_series_limit >= 1000);
    }
    // Head series are counted by central Prometheus, which scrapes Receive as job
    // thanos-receive.
    let global = &limits.write.global;
    assert_eq!(
        global.meta_monitoring_url,
        "http://prometheus-operated.monitoring.svc:9090"
    );
    assert!(global
        .meta_monitoring_limit_query
        .contains(r#"job="thanos-receive""#));
    assert_eq!(
        limits.write.tenants["cluster-02-edge"]
            .request
            .samples_limit,
        8000
    );
    assert_eq!(
        limits.write.tenants.len(),
        1,
        "only the edge with overrides"
    );
}

/// Every edge writes over HTTPS with its own client certificate, by Secret reference.
#[test]
fn every_edge_writes_over_https_with_its_client_certificate() {
    let tree = tree();
    for edge in &fleet().edges {
        let values = common::file_documents(
            &tree,
            &format!(
                "overlays/{}/kube-prometheus-stack/values-edge.yaml",
                edge.name
            ),
        );
        let write = &values[0]["prometheus"]["prometheusSpec"]["remoteWrite"][0];
        assert_eq!(
            write["url"],
            "https://thanos-receive.k8s-cluster-01.miribit.lab/api/v1/receive"
        );
        let tls = &write["tlsConfig"];
        assert_eq!(tls["keySecret"]["name"], "thanos-remote-write-client");
        assert_eq!(tls["keySecret"]["key"], "tls.key");
        assert_eq!(tls["cert"]["secret"]["key"], "tls.crt");
        assert_eq!(tls["ca"]["secret"]["key"], "ca.crt");
        assert_eq!(
            tls["serverName"],
            "thanos-receive.k8s-cluster-01.miribit.lab"
        );
        assert_eq!(write["queueConfig"]["retryOnRateLimit"], true);
    }
}

#[test]
fn no_key_or_certificate_body_is_in_the_tree() {
    for (path, content) in tree().iter() {
        for needle in ["BEGIN", "PRIVATE KEY", "tls.key:", "ca.crt:"] {
            assert!(!content.contains(needle), "{path} holds {needle:?}");
        }
    }
}

/// How long an edge may be cut off: each agent keeps unsent samples for the model's WAL
/// retention (rendered from the same `Duration`), no `sampleAgeLimit` drops old samples,
/// and the README states that window for each edge. The WAL's behaviour itself cannot be
/// run here (neither promtool nor the agent can test it).
#[test]
fn the_outage_window_is_the_agents_wal_retention() {
    let fleet = fleet();
    let tree = tree();
    let readme = tree.get("README.md").expect("README.md");
    for edge in &fleet.edges {
        let retention = edge
            .agent
            .wal_retention
            .as_ref()
            .expect("set in a new fleet");
        let values = common::file_documents(
            &tree,
            &format!(
                "overlays/{}/kube-prometheus-stack/values-edge.yaml",
                edge.name
            ),
        );
        let spec = &values[0]["prometheus"]["prometheusSpec"];
        let args = spec["additionalArgs"]
            .as_sequence()
            .expect("additionalArgs");
        assert_eq!(args.len(), 1);
        assert_eq!(args[0]["name"], WAL_RETENTION_FLAG);
        assert_eq!(args[0]["value"].as_str(), Some(retention.as_str()));
        assert!(spec["remoteWrite"][0]["queueConfig"]["sampleAgeLimit"].is_null());
        let line = format!("- `{}`: **{retention}** (WAL volume", edge.name);
        assert!(readme.contains(&line), "README lacks {line:?}");
    }
}
