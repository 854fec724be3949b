//! Mutual TLS on the StoreAPIs (`security.grpcTls`), one scenario per test: every
//! StoreAPI server is told to serve with a certificate of the gRPC CA and to accept only
//! clients that CA signed; Query and Receive's replication are told to present one and to
//! verify the name every server certificate carries; every file they read is in a Secret
//! a rendered Certificate issues.
//!
//! The flags' meaning is Thanos v0.42.4's (pkg/tls/options.go): `--grpc-server-tls-client-ca`
//! makes the server require and verify a client certificate; `--grpc-client-tls-secure`
//! with `--grpc-client-tls-ca` verifies the server against that CA and
//! `--grpc-client-server-name` (Query dials pod IPs found by DNS SRV, which no certificate
//! names).

mod common;

use common::{container_args, file_documents, flag, one};

use serde_yaml::Value;
use thanos_model::seed::{large_fleet, secure_fleet, seed};
use thanos_render::{render, Tree};

const CENTRAL: &str = "overlays/cluster-01-central/kube-prometheus-stack";
const SERVER_NAME: &str = "thanos-store-api.monitoring.svc";

fn tree_of(builder: thanos_model::FleetBuilder) -> Tree {
    render(&common::valid(builder))
}

fn central(tree: &Tree, file: &str) -> Vec<Value> {
    file_documents(tree, &format!("{CENTRAL}/{file}"))
}

/// The Certificates of `thanos-certificates.yaml`.
fn certificates(tree: &Tree) -> Vec<Value> {
    central(tree, "thanos-certificates.yaml")
        .into_iter()
        .filter(|d| d["kind"] == "Certificate")
        .collect()
}

/// The Certificate that issues Secret `secret`, which must be issued by the gRPC CA.
fn grpc_certificate<'a>(certificates: &'a [Value], secret: &str) -> &'a Value {
    let certificate = certificates
        .iter()
        .find(|c| c["spec"]["secretName"] == secret)
        .unwrap_or_else(|| panic!("no Certificate issues Secret {secret}"));
    assert_eq!(
        certificate["spec"]["issuerRef"]["name"], "thanos-grpc-ca",
        "{secret} is issued by the gRPC CA, not the write CA the edges' certificates come from"
    );
    certificate
}

fn usages(certificate: &Value) -> Vec<&str> {
    certificate["spec"]["usages"]
        .as_sequence()
        .expect("usages")
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

/// The Secret mounted at `dir` in `workload`'s first container, and the files the flags
/// name there exist in a cert-manager Secret (`tls.crt`, `tls.key`, `ca.crt`).
fn secret_at(workload: &Value, dir: &str) -> String {
    let pod = &workload["spec"]["template"]["spec"];
    let mount = pod["containers"][0]["volumeMounts"]
        .as_sequence()
        .expect("mounts")
        .iter()
        .find(|m| m["mountPath"] == dir)
        .unwrap_or_else(|| panic!("nothing is mounted at {dir}"));
    let volume = pod["volumes"]
        .as_sequence()
        .expect("volumes")
        .iter()
        .find(|v| v["name"] == mount["name"])
        .expect("the mount's volume");
    volume["secret"]["secretName"]
        .as_str()
        .expect("a Secret volume")
        .to_owned()
}

/// The directory of `path`, which must be one of a cert-manager Secret's files.
fn dir_of(path: &str) -> &str {
    let (dir, file) = path.rsplit_once('/').expect("a path");
    assert!(
        ["tls.crt", "tls.key", "ca.crt"].contains(&file),
        "{path} is a file of a cert-manager Secret"
    );
    dir
}

/// Asserts that `args` give `prefix`-cert, -key and `-<ca>` in one mounted Secret of
/// `workload`, issued by the gRPC CA, and returns that Certificate.
fn assert_tls_files<'a>(
    certificates: &'a [Value],
    workload: &Value,
    args: &[String],
    prefix: &str,
    ca: &str,
) -> &'a Value {
    let files: Vec<&str> = ["cert", "key", ca]
        .iter()
        .map(|suffix| {
            flag(args, &format!("{prefix}-{suffix}"))
                .unwrap_or_else(|| panic!("{prefix}-{suffix} is set"))
        })
        .collect();
    let dir = dir_of(files[0]);
    assert!(files.iter().all(|file| dir_of(file) == dir), "{files:?}");
    grpc_certificate(certificates, &secret_at(workload, dir))
}

#[test]
fn every_storeapi_server_of_the_secure_fleet_requires_a_client_certificate_of_the_grpc_ca() {
    let tree = tree_of(secure_fleet(3));
    let certificates = certificates(&tree);
    let receive = central(&tree, "thanos-receive.yaml");
    let store = central(&tree, "thanos-store.yaml");
    for workload in [
        one(&receive, "StatefulSet", "thanos-receive"),
        one(&store, "StatefulSet", "thanos-store"),
    ] {
        let args = container_args(workload);
        let certificate = assert_tls_files(
            &certificates,
            workload,
            &args,
            "--grpc-server-tls",
            "client-ca",
        );
        assert!(usages(certificate).contains(&"server auth"));
        let names = certificate["spec"]["dnsNames"]
            .as_sequence()
            .expect("names");
        assert!(
            names.iter().any(|n| n == SERVER_NAME),
            "{names:?} carry the name Query verifies"
        );
    }
}

/// The Secret a `grpcServerTlsConfig`'s files are in: one directory, mounted by one of
/// `mounts` from one of `volumes`.
fn operator_secret(config: &Value, mounts: &Value, volumes: &Value) -> String {
    let dirs: Vec<&str> = ["caFile", "certFile", "keyFile"]
        .iter()
        .map(|key| dir_of(config[*key].as_str().expect("a file")))
        .collect();
    assert!(dirs.iter().all(|dir| *dir == dirs[0]), "{dirs:?}");
    let mount = mounts
        .as_sequence()
        .expect("mounts")
        .iter()
        .find(|m| m["mountPath"] == dirs[0])
        .expect("the files' directory is mounted");
    volumes
        .as_sequence()
        .expect("volumes")
        .iter()
        .find(|v| v["name"] == mount["name"])
        .and_then(|v| v["secret"]["secretName"].as_str())
        .expect("a Secret volume")
        .to_owned()
}

#[test]
fn the_operators_storeapis_serve_with_their_grpc_certificates() {
    let tree = tree_of(secure_fleet(3));
    let certificates = certificates(&tree);
    let values = &central(&tree, "values-central.yaml")[0];
    // The operator mounts only `thanos.volumeMounts` into the sidecar container.
    let spec = &values["prometheus"]["prometheusSpec"];
    let thanos = &spec["thanos"];
    let sidecar = operator_secret(
        &thanos["grpcServerTlsConfig"],
        &thanos["volumeMounts"],
        &spec["volumes"],
    );
    grpc_certificate(&certificates, &sidecar);
    let ruler = &values["thanosRuler"]["thanosRulerSpec"];
    let secret = operator_secret(
        &ruler["additionalConfig"]["grpcServerTlsConfig"],
        &ruler["volumeMounts"],
        &ruler["volumes"],
    );
    grpc_certificate(&certificates, &secret);
    assert_ne!(sidecar, secret, "a key per workload");
}

#[test]
fn query_presents_its_client_certificate_and_verifies_the_servers_name() {
    let tree = tree_of(secure_fleet(3));
    let certificates = certificates(&tree);
    let documents = central(&tree, "thanos-query.yaml");
    let query = one(&documents, "Deployment", "thanos-query");
    let args = container_args(query);
    assert!(args.iter().any(|a| a == "--grpc-client-tls-secure"));
    assert_eq!(flag(&args, "--grpc-client-server-name"), Some(SERVER_NAME));
    let certificate = assert_tls_files(&certificates, query, &args, "--grpc-client-tls", "ca");
    assert_eq!(usages(certificate), ["client auth", "digital signature"]);
}

#[test]
fn receive_replicates_to_its_peers_and_routers_forward_over_tls() {
    let tree = tree_of(large_fleet(3));
    let certificates = certificates(&tree);
    let documents = central(&tree, "thanos-receive.yaml");
    let workloads: Vec<&Value> = documents
        .iter()
        .filter(|d| d["kind"] == "StatefulSet" || d["kind"] == "Deployment")
        .collect();
    assert_eq!(workloads.len(), 2, "the ingesting pods and the routers");
    for workload in workloads {
        let args = container_args(workload);
        assert!(args.iter().any(|a| a == "--remote-write.client-tls-secure"));
        assert_eq!(
            flag(&args, "--remote-write.client-server-name"),
            Some(SERVER_NAME)
        );
        let certificate = assert_tls_files(
            &certificates,
            workload,
            &args,
            "--remote-write.client-tls",
            "ca",
        );
        assert!(usages(certificate).contains(&"client auth"));
    }
}

#[test]
fn the_lab_keeps_its_storeapis_in_plain_text() {
    let tree = tree_of(seed(3));
    for (path, content) in tree.iter() {
        assert!(
            !content.contains("grpc-server-tls")
                && !content.contains("grpc-client-tls")
                && !content.contains("grpcServerTlsConfig")
                && !content.contains("thanos-grpc-ca"),
            "{path} has gRPC TLS in the lab"
        );
    }
}
