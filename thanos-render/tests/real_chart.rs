//! The real-chart tier: what operators deploy, built with the real tools, checked object by
//! object. `scripts/e2e.sh` installs helm v3.17.2, renders the fleets, unpacks the
//! kube-prometheus-stack chart into each kustomization and builds the base and every
//! overlay with `kubectl kustomize --enable-helm` into `target/e2e` (or `E2E_BUILDS`);
//! these tests read those builds into k8s-openapi types (and small typed views of the
//! Prometheus Operator's custom resources) and check them, one scenario per test, named
//! `<fleet>::<cluster or base>::<check>`.
//!
//! Where the builds are missing (`cargo test` without `scripts/e2e.sh` first) the tests
//! are reported as ignored with the reason; under CI (`CI` set) they fail. So are builds
//! of another render (an older checkout's, or made before an edit): each fleet's tree on
//! disk must be this checkout's render of its `fleet.yaml`.

mod common;

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
    sync::{Arc, OnceLock},
};

use common::{
    builds::{self, describe, kind_of, name_of, Build},
    runbook::sh_blocks,
    tools,
};
use k8s_openapi::{
    api::{
        apps::v1::{DaemonSet, Deployment, StatefulSet},
        core::v1::{ConfigMap, PodSpec, Secret, Service},
    },
    apimachinery::pkg::apis::meta::v1::LabelSelector,
};
use libtest_mimic::{Arguments, Completion, Trial};
use serde::Deserialize;
use serde_json::Value;
use thanos_model::{Fleet, ValidFleet};
use thanos_render::Tree;

/// The command the runbook builds every kustomization with, run from the tree's root.
const BUILD: &str = "kubectl kustomize --enable-helm --load-restrictor LoadRestrictionsNone";
const S3_SECRET: &str = "thanos-s3-config";
const GRAFANA_ADMIN_SECRET: &str = "grafana-admin";

fn main() {
    let args = Arguments::from_args();
    let root = builds::builds_root();
    let fleets = builds::built_fleets(&root);
    let mut trials = Vec::new();
    if fleets.is_empty() {
        let reason = format!(
            "no real-chart builds in {} (run scripts/e2e.sh, or set E2E_BUILDS)",
            root.display()
        );
        trials.push(Trial::ignorable_test("real_chart_builds", move || {
            tools::missing(&reason)
        }));
    }
    for (name, dir) in fleets {
        trials.extend(fleet_trials(&name, &dir));
    }
    libtest_mimic::run(&args, trials).exit();
}

/// A check of one build: every problem found, none when it holds.
type Check = fn(&Build, &Expect) -> Checked;

/// What a check found: its problems, or the one reason it could not look (an object it
/// reads is missing or does not parse), which is a problem too.
type Checked = Result<Vec<String>, String>;

/// What a fleet's builds are expected to hold, from its fleet file.
#[derive(Debug)]
struct Expect {
    fleet: ValidFleet,
    tree: Tree,
    /// The fleet's directory under the builds root.
    dir: PathBuf,
    /// Cluster name (the overlay directory) -> `cluster` label.
    labels: BTreeMap<String, String>,
}

impl Expect {
    fn namespace(&self) -> &str {
        &self.fleet.namespace
    }

    /// The `cluster` label of the overlay a build is of.
    fn cluster_label(&self, build: &Build) -> &str {
        cluster_of(&build.dir).map_or("", |cluster| &self.labels[cluster])
    }

    /// The edges' `cluster` labels, sorted.
    fn edge_labels(&self) -> Vec<&str> {
        let mut labels: Vec<&str> = self
            .fleet
            .edges
            .iter()
            .map(|edge| edge.cluster_label_value())
            .collect();
        labels.sort_unstable();
        labels
    }
}

/// The cluster an overlay directory is of (`overlays/<cluster>/...`); `None` for the base.
fn cluster_of(dir: &str) -> Option<&str> {
    dir.strip_prefix("overlays/")?.split('/').next()
}

/// A build read once, by the first test that needs it.
struct LazyBuild {
    builds: PathBuf,
    dir: String,
    build: OnceLock<Result<Build, String>>,
}

impl LazyBuild {
    fn get(&self) -> Result<&Build, String> {
        self.build
            .get_or_init(|| Build::read(&self.builds, &self.dir))
            .as_ref()
            .map_err(Clone::clone)
    }
}

fn fleet_trials(name: &str, dir: &Path) -> Vec<Trial> {
    let fleet = match Fleet::from_yaml_file(dir.join("fleet.yaml")) {
        Ok(fleet) => fleet,
        Err(error) => {
            let message = format!("{}: {error}", dir.join("fleet.yaml").display());
            return vec![Trial::test(
                format!("{name}::fleet_file_loads"),
                move || Err(message.into()),
            )];
        }
    };
    let tree = thanos_render::render(&fleet);
    let mut labels = BTreeMap::new();
    labels.insert(
        fleet.central.name.clone(),
        fleet.central.cluster_label_value().to_owned(),
    );
    for edge in &fleet.edges {
        labels.insert(edge.name.clone(), edge.cluster_label_value().to_owned());
    }
    let expect = Arc::new(Expect {
        fleet,
        tree,
        dir: dir.to_owned(),
        labels,
    });

    // Builds of another render (an older checkout's, or before an edit) are not this
    // checkout's to check: like missing builds, ignored with the reason, failed under CI.
    if let Err(reason) = tree_is_this_checkouts_render(&expect) {
        return vec![Trial::ignorable_test(
            format!("{name}::builds_are_of_this_checkouts_render"),
            move || tools::missing(&reason),
        )];
    }
    let mut trials = Vec::new();
    for (check, test) in [
        (
            "overlays_are_the_fleets_clusters",
            overlays_are_the_fleets_clusters as fn(&Expect) -> Result<(), String>,
        ),
        (
            "every_kustomization_is_built_with_the_runbooks_command",
            every_kustomization_is_built_with_the_runbooks_command,
        ),
    ] {
        let expect = Arc::clone(&expect);
        trials.push(Trial::test(format!("{name}::{check}"), move || {
            test(&expect).map_err(Into::into)
        }));
    }

    for dir in kustomization_dirs(&expect.tree) {
        let lazy = Arc::new(LazyBuild {
            builds: expect.dir.join("builds"),
            dir: dir.clone(),
            build: OnceLock::new(),
        });
        let label = cluster_of(&dir).unwrap_or("base").to_owned();
        for (check, test) in checks_for(&dir, &expect) {
            let lazy = Arc::clone(&lazy);
            let expect = Arc::clone(&expect);
            trials.push(Trial::ignorable_test(
                format!("{name}::{label}::{check}"),
                move || {
                    let build = lazy.get()?;
                    let problems = test(build, &expect).unwrap_or_else(|error| vec![error]);
                    if problems.is_empty() {
                        Ok(Completion::Completed)
                    } else {
                        Err(format!("{}:\n  {}", build.dir, problems.join("\n  ")).into())
                    }
                },
            ));
        }
    }
    trials
}

/// Every kustomization directory of a tree, base first.
fn kustomization_dirs(tree: &Tree) -> Vec<String> {
    let mut dirs: Vec<String> = tree
        .iter()
        .filter_map(|(path, _)| path.strip_suffix("/kustomization.yaml"))
        .map(str::to_owned)
        .collect();
    dirs.sort_by_key(|dir| (!dir.starts_with("base/"), dir.clone()));
    dirs
}

/// The checks of a build: every build's, then an applied overlay's, then the central's or
/// an edge's.
fn checks_for(dir: &str, expect: &Expect) -> Vec<(&'static str, Check)> {
    let mut checks: Vec<(&'static str, Check)> = vec![
        (
            "custom_resources_valid_against_their_crds",
            custom_resources_valid_against_their_crds,
        ),
        (
            "crd_validation_refuses_an_unknown_field",
            crd_validation_refuses_an_unknown_field,
        ),
        (
            "every_namespaced_object_in_the_namespace",
            every_namespaced_object_in_the_namespace,
        ),
        ("no_helm_test_hook", no_helm_test_hook),
    ];
    let images = &expect.fleet.chart.images;
    if expect.fleet.thanos.digest.is_some() && images.by_name().iter().all(|(_, d)| d.is_some()) {
        checks.push((
            "every_image_is_pinned_by_digest",
            every_image_is_pinned_by_digest,
        ));
    }
    let Some(cluster) = cluster_of(dir) else {
        // The base only builds: its Grafana keeps the chart's default admin Secret, which
        // no overlay deploys.
        return checks;
    };
    checks.extend([
        (
            "no_secret_with_a_placeholder_or_a_credential",
            no_secret_with_a_placeholder_or_a_credential as Check,
        ),
        (
            "namespace_before_what_needs_it",
            namespace_before_what_needs_it,
        ),
    ]);
    if cluster == expect.fleet.central.name {
        if expect.fleet.central.grafana.rbac == thanos_model::GrafanaRbac::Namespaced {
            checks.push((
                "grafana_reads_configmaps_of_its_namespace_only",
                grafana_reads_configmaps_of_its_namespace_only,
            ));
        }
        checks.extend([
            (
                "prometheus_uploads_with_the_central_label",
                prometheus_uploads_with_the_central_label as Check,
            ),
            (
                "alertmanager_has_two_replicas",
                alertmanager_has_two_replicas,
            ),
            (
                "every_alert_reaches_a_receiver_grouped_per_cluster",
                every_alert_reaches_a_receiver_grouped_per_cluster,
            ),
            (
                "the_ruler_evaluates_no_single_cluster_absent",
                the_ruler_evaluates_no_single_cluster_absent,
            ),
            (
                "the_ruler_evaluates_past_the_remote_write_lag",
                the_ruler_evaluates_past_the_remote_write_lag,
            ),
            (
                "long_range_groups_have_a_longer_interval",
                long_range_groups_have_a_longer_interval,
            ),
            ("partial_responses_never_lie", partial_responses_never_lie),
            (
                "grafana_reads_thanos_query_by_default",
                grafana_reads_thanos_query_by_default,
            ),
            (
                "grafana_admin_from_its_secret",
                grafana_admin_from_its_secret,
            ),
            (
                "thanos_components_read_the_bucket_secret",
                thanos_components_read_the_bucket_secret,
            ),
            (
                "receive_hashring_lists_every_replica",
                receive_hashring_lists_every_replica,
            ),
            (
                "query_endpoints_are_grpc_services",
                query_endpoints_are_grpc_services,
            ),
            (
                "the_query_frontend_reaches_query_and_its_cache",
                the_query_frontend_reaches_query_and_its_cache,
            ),
            (
                "query_reaches_every_store_shard",
                query_reaches_every_store_shard,
            ),
            (
                "ruler_evaluates_the_chart_rules_over_query",
                ruler_evaluates_the_chart_rules_over_query,
            ),
            (
                "a_service_monitor_reaches_every_thanos_component",
                a_service_monitor_reaches_every_thanos_component,
            ),
            (
                "one_silent_edge_alert_per_edge",
                one_silent_edge_alert_per_edge,
            ),
            (
                "dashboards_show_their_cluster_variable",
                dashboards_show_their_cluster_variable,
            ),
            (
                "every_replicated_workload_has_a_budget",
                every_replicated_workload_has_a_budget,
            ),
            (
                "receive_pods_never_share_a_node",
                receive_pods_never_share_a_node,
            ),
        ]);
        if expect
            .fleet
            .central
            .receive
            .remote_write
            .tls
            .as_ref()
            .map(|t| t.certificates)
            == Some(thanos_model::CertificateSource::CertManager)
        {
            checks.push(("write_certificates", write_certificates));
        }
        if expect.fleet.security.ingress_tls.is_some() {
            checks.push(("every_ingress_has_tls", every_ingress_has_tls));
        }
        if expect.fleet.security.grpc_tls {
            checks.push(("storeapis_serve_grpc_tls", storeapis_serve_grpc_tls));
        }
    } else {
        checks.extend([
            (
                "agent_writes_to_receive_with_its_label",
                agent_writes_to_receive_with_its_label as Check,
            ),
            (
                "node_exporter_and_kube_state_metrics",
                node_exporter_and_kube_state_metrics,
            ),
            ("edge_runs_nothing_else", edge_runs_nothing_else),
            (
                "agent_writes_with_its_client_certificate",
                agent_writes_with_its_client_certificate,
            ),
        ]);
    }
    checks
}

/// With remote-write TLS, the edge's PrometheusAgent (validated against its CRD by
/// `custom_resources_valid_against_their_crds`) reads its client certificate, key and CA
/// from the edge's Secret by reference, and keeps unsent samples for the fleet's WAL
/// retention; without TLS, no tlsConfig.
fn agent_writes_with_its_client_certificate(build: &Build, expect: &Expect) -> Checked {
    let Some(edge) = cluster_of(&build.dir)
        .and_then(|cluster| expect.fleet.edges.iter().find(|e| e.name == cluster))
    else {
        return Ok(vec![format!("{} is not an edge's overlay", build.dir)]);
    };
    let Some(agent) = build.all("PrometheusAgent").next() else {
        return Ok(vec!["no PrometheusAgent".to_owned()]);
    };
    let mut problems = Vec::new();
    let tls = &agent["spec"]["remoteWrite"][0]["tlsConfig"];
    let secret = thanos_render::client_secret(&expect.fleet, edge);
    match secret {
        Some(secret) => {
            for (path, key) in [
                ("/ca/secret", "ca.crt"),
                ("/cert/secret", "tls.crt"),
                ("/keySecret", "tls.key"),
            ] {
                let reference = tls.pointer(path).cloned().unwrap_or_default();
                let expected = serde_json::json!({"name": secret, "key": key});
                if reference != expected {
                    problems.push(format!("tlsConfig{path} is {reference}, not {expected}"));
                }
            }
            for field in ["caFile", "certFile", "keyFile", "insecureSkipVerify"] {
                if !tls[field].is_null() {
                    problems.push(format!("tlsConfig.{field} is set"));
                }
            }
        }
        None if !tls.is_null() => problems.push(format!("tlsConfig {tls} without TLS")),
        None => {}
    }
    let retention = edge.agent.wal_retention.as_ref().map(ToString::to_string);
    let args = &agent["spec"]["additionalArgs"];
    let found = args
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["name"] == "storage.agent.retention.max-time")
        .and_then(|a| a["value"].as_str())
        .map(str::to_owned);
    if found != retention {
        problems.push(format!("WAL retention is {found:?}, not {retention:?}"));
    }
    if agent["spec"]["remoteWrite"][0]["queueConfig"]["sampleAgeLimit"] != Value::Null {
        problems.push("queueConfig.sampleAgeLimit drops old samples on purpose".to_owned());
    }
    Ok(problems)
}

/// With cert-manager, the central build holds the write path's Issuers and Certificates
/// (validated against cert-manager's CRDs by `custom_resources_valid_against_their_crds`):
/// two Issuers, the CA, Receive's server certificate and one client certificate per edge
/// whose common name is the edge's tenant.
fn write_certificates(build: &Build, expect: &Expect) -> Checked {
    let mut problems = Vec::new();
    // The Ingress certificates (`ingress_certificates`) and the gRPC certificates
    // (`storeapis_serve_grpc_tls`) are not the write path's.
    let write_path = |c: &&Value| {
        let name = name_of(c);
        !["thanos-ingress-ca", "thanos-grpc-ca"].contains(&name)
            && !name.ends_with("-tls")
            && !name.ends_with("-grpc")
    };
    let issuers = build.all("Issuer").filter(write_path).count();
    if issuers != 2 {
        problems.push(format!("{issuers} Issuers, not 2"));
    }
    let names: Vec<(String, String)> = build
        .all("Certificate")
        .filter(write_path)
        .map(|c| {
            (
                name_of(c).to_owned(),
                c["spec"]["commonName"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    for edge in &expect.fleet.edges {
        let name = format!("thanos-edge-{}", edge.name);
        if !names.contains(&(name.clone(), edge.tenant().to_owned())) {
            problems.push(format!(
                "no Certificate {name} with commonName {}",
                edge.tenant()
            ));
        }
    }
    if names.len() != expect.fleet.edges.len() + 2 {
        problems.push(format!("Certificates {names:?}"));
    }
    // cert-manager's CRDs are among the build's, so these objects are custom resources
    // the schema check validates.
    if !build.crds.groups().any(|g| g == builds::CERT_MANAGER_GROUP) {
        problems.push("cert-manager's CRDs are not loaded for the build".to_owned());
    }
    Ok(problems)
}

/// With `security.grpcTls`, as the chart and the operator get them: the Prometheus CR's
/// sidecar and the ThanosRuler CR have a `grpcServerTlsConfig` whose files are in a Secret
/// mounted for them (a volume of the CR, mounted by `thanos.volumeMounts` or
/// `volumeMounts`); every Thanos
/// workload's gRPC flags name files of a mounted Secret; and every Secret mounted for TLS
/// (the CRs' and every `*-tls` Secret volume of a workload) is issued by a Certificate of
/// the build.
fn storeapis_serve_grpc_tls(build: &Build, _: &Expect) -> Checked {
    let mut problems = Vec::new();
    let issued: BTreeSet<&str> = build
        .all("Certificate")
        .filter_map(|c| c["spec"]["secretName"].as_str())
        .collect();
    let mut mounted: Vec<(String, String)> = Vec::new();
    let prometheus: Vec<&Value> = build.all("Prometheus").collect();
    if prometheus.len() != 1 {
        problems.push(format!("{} Prometheus resources, not 1", prometheus.len()));
    }
    let rulers: Vec<&Value> = build.all("ThanosRuler").collect();
    if rulers.len() != 1 {
        problems.push(format!("{} ThanosRuler resources, not 1", rulers.len()));
    }
    // The sidecar's files must be in one of its own mounts (the operator gives the
    // sidecar container only `thanos.volumeMounts`), the Ruler's in one of the CR's.
    let sidecars = prometheus.into_iter().map(|cr| {
        let thanos = &cr["spec"]["thanos"];
        (cr, &thanos["grpcServerTlsConfig"], &thanos["volumeMounts"])
    });
    let rulers = rulers.into_iter().map(|cr| {
        let spec = &cr["spec"];
        (cr, &spec["grpcServerTlsConfig"], &spec["volumeMounts"])
    });
    for (cr, config, mounts) in sidecars.chain(rulers) {
        tls_config_files(
            &describe(cr),
            config,
            (&mut problems, &mut mounted),
            &|dir| {
                let mount = mounts.as_array()?.iter().find(|m| m["mountPath"] == dir)?;
                cr["spec"]["volumes"]
                    .as_array()?
                    .iter()
                    .find(|v| v["name"] == mount["name"])?["secret"]["secretName"]
                    .as_str()
                    .map(str::to_owned)
            },
        );
    }
    for workload in build
        .all("Deployment")
        .chain(build.all("StatefulSet"))
        .filter(|w| name_of(w).starts_with("thanos-"))
    {
        let pod = &workload["spec"]["template"]["spec"];
        let secrets: BTreeMap<&str, &str> = pod["volumes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| Some((v["name"].as_str()?, v["secret"]["secretName"].as_str()?)))
            .collect();
        let container = &pod["containers"][0];
        let mounts: BTreeMap<&str, &str> = container["volumeMounts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| Some((m["mountPath"].as_str()?, m["name"].as_str()?)))
            .collect();
        for secret in secrets.values().filter(|s| s.ends_with("-tls")) {
            mounted.push((describe(workload), (*secret).to_owned()));
        }
        let args: Vec<&str> = json_strings(&container["args"]);
        let grpc_files: Vec<&str> = args
            .iter()
            .filter(|a| a.starts_with("--grpc-") || a.starts_with("--remote-write.client-tls"))
            .filter_map(|a| a.split_once('=').map(|(_, v)| v))
            .filter(|v| v.starts_with('/'))
            .collect();
        let serves_store_api = ["thanos-receive", "thanos-store"]
            .iter()
            .any(|n| name_of(workload).starts_with(n))
            && !name_of(workload).contains("router")
            && !name_of(workload).contains("cache");
        if serves_store_api
            && !args
                .iter()
                .any(|a| a.starts_with("--grpc-server-tls-client-ca="))
        {
            problems.push(format!(
                "{}: no --grpc-server-tls-client-ca",
                describe(workload)
            ));
        }
        if name_of(workload) == "thanos-query" && !args.contains(&"--grpc-client-tls-secure") {
            problems.push("thanos-query: no --grpc-client-tls-secure".to_owned());
        }
        for file in grpc_files {
            let dir = file.rsplit_once('/').map_or("", |(dir, _)| dir);
            let secret = mounts.get(dir).and_then(|volume| secrets.get(volume));
            if secret.is_none() {
                problems.push(format!(
                    "{}: {file} is in no mounted Secret",
                    describe(workload)
                ));
            }
        }
    }
    for (owner, secret) in mounted {
        if !issued.contains(secret.as_str()) {
            problems.push(format!(
                "{owner}: Secret {secret} is issued by no Certificate of the build"
            ));
        }
    }
    Ok(problems)
}

/// A `grpcServerTlsConfig`'s three files: each in the directory `dir_secret` maps to a
/// mounted Secret, which is added to `mounted`; a problem otherwise.
fn tls_config_files(
    owner: &str,
    config: &Value,
    (problems, mounted): (&mut Vec<String>, &mut Vec<(String, String)>),
    dir_secret: &dyn Fn(&str) -> Option<String>,
) {
    for field in ["caFile", "certFile", "keyFile"] {
        let Some(path) = config[field].as_str() else {
            problems.push(format!("{owner}: grpcServerTlsConfig.{field} is not set"));
            continue;
        };
        let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
        match dir_secret(dir) {
            Some(secret) => mounted.push((owner.to_owned(), secret)),
            None => problems.push(format!("{owner}: {path} is in no mounted Secret")),
        }
    }
}

// --- The fleet's builds ------------------------------------------------------------------

/// The tree the builds were made from is this checkout's render of the fleet file: builds
/// of an older checkout are not taken for this one's.
fn tree_is_this_checkouts_render(expect: &Expect) -> Result<(), String> {
    let on_disk = builds::read_tree(&expect.dir.join("deploy-new"))?;
    let rendered: BTreeMap<String, String> = expect
        .tree
        .iter()
        .map(|(path, content)| (path.to_owned(), content.to_owned()))
        .collect();
    if on_disk == rendered {
        return Ok(());
    }
    let differing: Vec<&String> = rendered
        .keys()
        .chain(on_disk.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|path| rendered.get(*path) != on_disk.get(*path))
        .collect();
    Err(format!(
        "the real-chart builds in {} are of another render than this checkout's of fleet.yaml (run scripts/e2e.sh again); differing: {differing:?}",
        expect.dir.display()
    ))
}

/// The tree has an overlay for each of the fleet's clusters and no other, and each
/// kustomization has its build.
fn overlays_are_the_fleets_clusters(expect: &Expect) -> Result<(), String> {
    let dirs = kustomization_dirs(&expect.tree);
    let overlays: BTreeSet<&str> = dirs.iter().filter_map(|dir| cluster_of(dir)).collect();
    let clusters: BTreeSet<&str> = expect.labels.keys().map(String::as_str).collect();
    if overlays != clusters {
        return Err(format!(
            "the tree has overlays {overlays:?}, the fleet's clusters are {clusters:?}"
        ));
    }
    let missing: Vec<&String> = dirs
        .iter()
        .filter(|dir| {
            !expect
                .dir
                .join("builds")
                .join(dir)
                .join("build.yaml")
                .is_file()
        })
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("no build of {missing:?}"))
    }
}

/// Each overlay was built with the runbook's `kubectl kustomize` line for it (the base,
/// which the runbook does not build, with the same command), and the runbook has one for
/// every overlay.
fn every_kustomization_is_built_with_the_runbooks_command(expect: &Expect) -> Result<(), String> {
    let runbook_lines: BTreeSet<String> = expect
        .tree
        .get("README.md")
        .map(|readme| {
            sh_blocks(readme)
                .iter()
                .flat_map(|block| block.lines().map(str::to_owned).collect::<Vec<_>>())
                .filter_map(|line| {
                    let start = line.find("kubectl kustomize")?;
                    let command: String = line[start..]
                        .split(['>', '|', ';', '&'])
                        .next()
                        .unwrap_or_default()
                        .trim()
                        .to_owned();
                    Some(command)
                })
                .collect()
        })
        .unwrap_or_default();
    let mut problems = Vec::new();
    for dir in kustomization_dirs(&expect.tree) {
        let wanted = format!("{BUILD} {dir}");
        if expect.tree.get("README.md").is_some()
            && cluster_of(&dir).is_some()
            && !runbook_lines.contains(&wanted)
        {
            problems.push(format!("the runbook has no build line `{wanted}`"));
        }
        let path = expect.dir.join("builds").join(&dir).join("command");
        match std::fs::read_to_string(&path) {
            Ok(used) if used.trim() == wanted => {}
            Ok(used) => problems.push(format!(
                "{dir} was built with `{}`, not `{wanted}`",
                used.trim()
            )),
            Err(error) => problems.push(format!("{}: {error}", path.display())),
        }
    }
    let stray: Vec<&String> = runbook_lines
        .iter()
        .filter(|line| {
            !kustomization_dirs(&expect.tree)
                .iter()
                .any(|dir| **line == format!("{BUILD} {dir}"))
        })
        .collect();
    if !stray.is_empty() {
        problems.push(format!(
            "the runbook builds with lines that are not `{BUILD} <kustomization dir>`: {stray:?}"
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

// --- Every build -------------------------------------------------------------------------

/// The custom resources of a build: the Prometheus Operator's and any other group the
/// build's CRDs define.
fn custom_resources<'a>(build: &'a Build) -> impl Iterator<Item = &'a Value> + 'a {
    let mut groups: BTreeSet<&str> = build.crds.groups().collect();
    groups.insert("monitoring.coreos.com");
    build.objects.iter().filter(move |o| {
        groups.contains(builds::group_of(o)) && kind_of(o) != "CustomResourceDefinition"
    })
}

/// Every custom resource is valid against its CRD from the same build, unknown fields
/// refused.
fn custom_resources_valid_against_their_crds(build: &Build, _: &Expect) -> Checked {
    let mut problems = Vec::new();
    let mut checked = 0;
    for object in custom_resources(build) {
        checked += 1;
        problems.extend(
            build
                .crds
                .errors(object)
                .into_iter()
                .map(|e| format!("{}: {e}", describe(object))),
        );
    }
    if checked == 0 {
        problems.push("no custom resource in the build".to_owned());
    }
    Ok(problems)
}

/// The CRD check can fail: each Prometheus Operator kind of the build with an unknown
/// field `spec.notAField` is refused.
fn crd_validation_refuses_an_unknown_field(build: &Build, _: &Expect) -> Checked {
    let mut kinds = BTreeMap::new();
    for object in custom_resources(build) {
        kinds.entry(kind_of(object)).or_insert(object);
    }
    Ok(kinds
        .into_iter()
        .filter_map(|(kind, object)| {
            let mut sample = object.clone();
            sample["spec"]["notAField"] = Value::from(1);
            build.crds.errors(&sample).is_empty().then(|| {
                format!("the {kind} CRD validation accepts an unknown field spec.notAField")
            })
        })
        .collect())
}

/// Every namespaced object is in the fleet's namespace, except where the chart puts it
/// on purpose and no kustomization moves it back: the control-plane Services the chart
/// scrapes through (`kube-system`), and node-exporter in its own namespace when the
/// fleet's namespace enforces a Pod Security level.
fn every_namespaced_object_in_the_namespace(build: &Build, expect: &Expect) -> Checked {
    let node_exporter = expect
        .fleet
        .security
        .node_exporter_namespace(&expect.fleet.namespace);
    let allowed = |o: &&Value| {
        let namespace = o["metadata"]["namespace"].as_str();
        let name = name_of(o);
        namespace == Some(expect.namespace())
            || (namespace == Some("kube-system") && kind_of(o) == "Service")
            || (namespace.is_some()
                && namespace == node_exporter.as_deref()
                && name.contains("node-exporter"))
    };
    Ok(build
        .objects
        .iter()
        .filter(|o| build.namespaced(o))
        .filter(|o| !allowed(o))
        .map(|o| {
            format!(
                "{} is in namespace {}",
                describe(o),
                o["metadata"]["namespace"]
            )
        })
        .collect())
}

/// No object of the chart's `helm test` (kustomize passes `--skip-tests`).
fn no_helm_test_hook(build: &Build, _: &Expect) -> Checked {
    Ok(build
        .objects
        .iter()
        .filter_map(|o| {
            let hook = o["metadata"]["annotations"]["helm.sh/hook"].as_str()?;
            let test = hook.split(',').any(|h| h.trim() == "test") || hook.contains("test-success");
            test.then(|| format!("{} has helm.sh/hook: {hook}", describe(o)))
        })
        .collect())
}

// --- Every overlay -----------------------------------------------------------------------

/// A Secret key, or a key inside Secret content, that names a credential.
fn is_credential_name(name: &str) -> bool {
    let name = name.to_lowercase();
    let joined: String = name.chars().filter(|c| !matches!(c, '_' | '-')).collect();
    name.contains("pass")
        || name.contains("token")
        || joined.contains("secretkey")
        || joined.contains("accesskey")
}

/// The credentials written out in a text: lines `<key>: <value>` or `<key>=<value>` whose
/// key names a credential and whose value is not empty.
fn literal_credentials(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let unquoted = line.trim_start_matches(['"', '\'']);
            let key_end = unquoted
                .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '-')))
                .unwrap_or(unquoted.len());
            let (key, rest) = unquoted.split_at(key_end);
            let rest = rest.trim_start_matches(['"', '\'']).trim_start();
            let value = rest.strip_prefix([':', '='])?.trim();
            let value = value.trim_matches(['"', '\'']);
            (is_credential_name(key) && !matches!(value, "" | "null" | "~")).then(|| key.to_owned())
        })
        .collect()
}

/// No Secret holds a `${...}` placeholder (envsubst's, which must not reach a cluster) or
/// a literal credential.
fn no_secret_with_a_placeholder_or_a_credential(build: &Build, _: &Expect) -> Checked {
    let secrets: Vec<Secret> = build.typed_all("Secret")?;
    let mut problems = Vec::new();
    for secret in secrets {
        let name = secret.metadata.name.clone().unwrap_or_default();
        let mut values: BTreeMap<String, String> = secret
            .data
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, String::from_utf8_lossy(&v.0).into_owned()))
            .collect();
        values.extend(secret.string_data.unwrap_or_default());
        for (key, value) in values {
            if let Some(start) = value.find("${") {
                if value[start..].contains('}') {
                    problems.push(format!("Secret {name}: {key} holds a ${{...}} placeholder"));
                }
            }
            if is_credential_name(&key) && !value.trim().is_empty() {
                problems.push(format!("Secret {name}: {key} is a literal credential"));
            }
            for found in literal_credentials(&value) {
                problems.push(format!(
                    "Secret {name}: {key} holds a literal credential ({found})"
                ));
            }
        }
    }
    Ok(problems)
}

/// The overlay's Namespace comes before anything namespaced, so one apply creates it first.
fn namespace_before_what_needs_it(build: &Build, expect: &Expect) -> Checked {
    let namespace = build
        .objects
        .iter()
        .position(|o| kind_of(o) == "Namespace" && name_of(o) == expect.namespace());
    let Some(namespace) = namespace else {
        return Ok(vec![format!(
            "no Namespace {} in the build",
            expect.namespace()
        )]);
    };
    Ok(
        match build.objects.iter().position(|o| build.namespaced(o)) {
            Some(first) if first < namespace => vec![format!(
                "{} comes before Namespace {}",
                describe(&build.objects[first]),
                expect.namespace()
            )],
            _ => Vec::new(),
        },
    )
}

// --- The central overlay -----------------------------------------------------------------

/// A Secret name and key, as the Prometheus Operator's resources refer to them.
#[derive(Debug, Default, Deserialize)]
struct SecretKey {
    #[serde(default)]
    name: String,
    #[serde(default)]
    key: String,
}

#[derive(Debug, Deserialize)]
struct Resource<S> {
    spec: S,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct PrometheusSpec {
    replicas: Option<i64>,
    external_labels: BTreeMap<String, String>,
    thanos: Option<ThanosSidecarSpec>,
    rule_selector: Option<LabelSelector>,
    remote_write: Vec<RemoteWrite>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ThanosSidecarSpec {
    object_storage_config: Option<SecretKey>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RemoteWrite {
    url: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ThanosRulerSpec {
    replicas: Option<i64>,
    query_endpoints: Vec<String>,
    rule_query_offset: Option<String>,
    object_storage_config: Option<SecretKey>,
    alertmanagers_config: Option<SecretKey>,
    rule_selector: Option<LabelSelector>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct AlertmanagerSpec {
    replicas: Option<i64>,
    port_name: Option<String>,
    secrets: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ServiceMonitorSpec {
    selector: Option<LabelSelector>,
    endpoints: Vec<ServiceMonitorEndpoint>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ServiceMonitorEndpoint {
    port: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RuleGroups {
    groups: Vec<RuleGroup>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RuleGroup {
    rules: Vec<Rule>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Rule {
    alert: Option<String>,
    labels: BTreeMap<String, String>,
}

/// The keys of the S3 Secret manifest the tree keeps beside the overlay.
fn s3_secret_keys(tree: &Tree, dir: &str) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for (path, content) in tree.iter() {
        if !path.starts_with(&format!("{dir}/")) || !path.ends_with(".yaml") {
            continue;
        }
        for document in builds::json_documents(content).unwrap_or_default() {
            if kind_of(&document) == "Secret" && name_of(&document) == S3_SECRET {
                for field in ["stringData", "data"] {
                    if let Some(map) = document[field].as_object() {
                        keys.extend(map.keys().cloned());
                    }
                }
            }
        }
    }
    keys
}

/// Central Prometheus: 2 replicas, the sidecar uploading through a key of the tree's
/// `thanos-s3-config` Secret, the central's `cluster` label.
fn prometheus_uploads_with_the_central_label(build: &Build, expect: &Expect) -> Checked {
    let prometheus: Resource<PrometheusSpec> = build.one("Prometheus", None)?;
    let spec = prometheus.spec;
    let mut problems = Vec::new();
    if spec.replicas != Some(2) {
        problems.push(format!("replicas is {:?}", spec.replicas));
    }
    let keys = s3_secret_keys(&expect.tree, &build.dir);
    match spec.thanos.and_then(|thanos| thanos.object_storage_config) {
        Some(storage) if storage.name == S3_SECRET => {
            if !keys.contains(&storage.key) {
                problems.push(format!(
                    "thanos.objectStorageConfig key {:?} is not a key of the tree's {S3_SECRET} ({keys:?})",
                    storage.key
                ));
            }
        }
        other => problems.push(format!(
            "thanos.objectStorageConfig is {other:?}, not Secret {S3_SECRET}"
        )),
    }
    let label = spec.external_labels.get("cluster").map(String::as_str);
    if label != Some(expect.cluster_label(build)) {
        problems.push(format!("externalLabels.cluster is {label:?}"));
    }
    Ok(problems)
}

fn alertmanager_has_two_replicas(build: &Build, _: &Expect) -> Checked {
    let replicas = build
        .one::<Resource<AlertmanagerSpec>>("Alertmanager", None)?
        .spec
        .replicas;
    Ok(if replicas == Some(2) {
        Vec::new()
    } else {
        vec![format!("replicas is {replicas:?}")]
    })
}

/// The Alertmanager configuration the chart wrote into its Secret.
fn alertmanager_config(build: &Build) -> Result<serde_yaml::Value, String> {
    let secrets: Vec<Secret> = build.typed_all("Secret")?;
    let data = secrets
        .iter()
        .find_map(|secret| secret.data.as_ref()?.get("alertmanager.yaml"))
        .ok_or("no Secret holds alertmanager.yaml")?;
    serde_yaml::from_slice(&data.0).map_err(|error| format!("alertmanager.yaml: {error}"))
}

/// Whether an Alertmanager matcher (`name="value"`, `name=~"a|b"`, `!=`, `!~`) matches
/// `labels`. Regular expressions are read as alternations of literal values, which is all
/// the rendered configuration writes; anything else is an error.
fn matcher_matches(matcher: &str, labels: &BTreeMap<String, String>) -> Result<bool, String> {
    let at = matcher
        .find(['=', '!'])
        .ok_or_else(|| format!("matcher {matcher:?} has no operator"))?;
    let name = matcher[..at].trim();
    let rest = &matcher[at..];
    let (op, value) = ["=~", "!~", "!=", "="]
        .into_iter()
        .find_map(|op| rest.strip_prefix(op).map(|value| (op, value.trim())))
        .ok_or_else(|| format!("matcher {matcher:?} has no operator"))?;
    let value: String = if value.starts_with('"') {
        serde_json::from_str(value).map_err(|e| format!("matcher {matcher:?}: {e}"))?
    } else {
        value.to_owned()
    };
    let actual = labels.get(name).map_or("", String::as_str);
    let in_alternation = || -> Result<bool, String> {
        if value.contains([
            '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '^', '$', '\\',
        ]) {
            return Err(format!(
                "matcher {matcher:?}: not an alternation of literal values"
            ));
        }
        Ok(value.split('|').any(|alternative| alternative == actual))
    };
    Ok(match op {
        "=" => actual == value,
        "!=" => actual != value,
        "=~" => in_alternation()?,
        _ => !in_alternation()?,
    })
}

/// The receivers an alert with `labels` is sent to, walking the routing tree as
/// Alertmanager does: the first matching child (and the next ones while `continue`
/// holds), else the node's own receiver.
fn route_alert(
    node: &serde_yaml::Value,
    labels: &BTreeMap<String, String>,
    inherited: &str,
) -> Result<Vec<String>, String> {
    let receiver = node
        .get("receiver")
        .and_then(serde_yaml::Value::as_str)
        .unwrap_or(inherited);
    let mut receivers = Vec::new();
    for child in node
        .get("routes")
        .and_then(serde_yaml::Value::as_sequence)
        .into_iter()
        .flatten()
    {
        if child.get("match").is_some() || child.get("match_re").is_some() {
            return Err("a route uses the deprecated match/match_re".to_owned());
        }
        let mut matches = true;
        for matcher in child
            .get("matchers")
            .and_then(serde_yaml::Value::as_sequence)
            .into_iter()
            .flatten()
        {
            let matcher = matcher.as_str().ok_or("a matcher is not a string")?;
            matches &= matcher_matches(matcher, labels)?;
        }
        if matches {
            receivers.extend(route_alert(child, labels, receiver)?);
            if child.get("continue").and_then(serde_yaml::Value::as_bool) != Some(true) {
                break;
            }
        }
    }
    if receivers.is_empty() {
        receivers.push(receiver.to_owned());
    }
    Ok(receivers)
}

/// Every alert of every PrometheusRule of the build (the chart's and ours), with its
/// `severity` label, each name once.
fn alerts_of(build: &Build) -> BTreeMap<String, Option<String>> {
    let mut alerts = BTreeMap::new();
    for rule in build.all("PrometheusRule") {
        for rule in rules_of(rule) {
            if let Some(name) = rule.get("alert").and_then(Value::as_str) {
                let severity = rule
                    .pointer("/labels/severity")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                alerts.entry(name.to_owned()).or_insert(severity);
            }
        }
    }
    alerts
}

/// With receivers in the fleet, every alert of the build (the chart's, the Thanos
/// alerts, the silent-edge alerts), from every cluster, is routed to a receiver that
/// notifies someone through a mounted Secret, each fleet receiver gets what its
/// severities and clusters say, Watchdog goes to the dead man's switch (or nowhere
/// without one), and grouping and inhibition keep clusters apart. Without receivers (the
/// lab) the chart's configuration stays: everything to "null", which `check` warns about.
fn every_alert_reaches_a_receiver_grouped_per_cluster(build: &Build, expect: &Expect) -> Checked {
    let config = alertmanager_config(build)?;
    let alertmanager_model = &expect.fleet.central.alertmanager;
    let root = &config["route"];
    if alertmanager_model.receivers.is_empty() {
        return Ok(
            match root.get("receiver").and_then(serde_yaml::Value::as_str) {
                Some("null") => Vec::new(),
                other => vec![format!(
                    "a fleet without receivers routes to {other:?}, not the chart's \"null\""
                )],
            },
        );
    }
    let mounted = build
        .one::<Resource<AlertmanagerSpec>>("Alertmanager", None)?
        .spec
        .secrets;
    let mut problems = Vec::new();
    // Receivers that notify someone, each file they read in a mounted Secret.
    let mut real = BTreeSet::new();
    for receiver in config["receivers"].as_sequence().into_iter().flatten() {
        let name = receiver["name"].as_str().unwrap_or_default().to_owned();
        let mut notifies = false;
        for (key, configs) in receiver.as_mapping().into_iter().flatten() {
            let Some(configs) = configs.as_sequence() else {
                continue;
            };
            if !key.as_str().is_some_and(|key| key.ends_with("_configs")) || configs.is_empty() {
                continue;
            }
            notifies = true;
            for (field, value) in configs
                .iter()
                .flat_map(|c| c.as_mapping().into_iter().flatten())
            {
                let field = field.as_str().unwrap_or_default();
                if field.ends_with("_file") {
                    let file = value.as_str().unwrap_or_default();
                    let secret = file
                        .strip_prefix("/etc/alertmanager/secrets/")
                        .and_then(|rest| rest.split('/').next())
                        .unwrap_or_default();
                    if !mounted.iter().any(|m| m == secret) {
                        problems.push(format!("receiver {name}: {field} {file} is not in a mounted Secret ({mounted:?})"));
                    }
                } else if [
                    "url",
                    "api_url",
                    "routing_key",
                    "service_key",
                    "auth_password",
                ]
                .contains(&field)
                {
                    problems.push(format!(
                        "receiver {name}: {field} written into the configuration"
                    ));
                }
            }
        }
        if notifies {
            real.insert(name);
        }
    }
    let group_by = strings(&root["group_by"]);
    if !group_by.contains(&"cluster") {
        problems.push(format!("route.group_by {group_by:?} has no cluster"));
    }
    for rule in config["inhibit_rules"].as_sequence().into_iter().flatten() {
        let equal = strings(&rule["equal"]);
        if !equal.contains(&"cluster") {
            problems.push(format!("an inhibit rule's equal {equal:?} has no cluster"));
        }
    }
    let alerts = alerts_of(build);
    if alerts.len() < 50 {
        problems.push(format!("only {} alerts in the build", alerts.len()));
    }
    let dead_mans_switch = alertmanager_model.dead_mans_switch.is_some();
    for (alert, severity) in &alerts {
        for cluster in expect.labels.values() {
            let mut labels = BTreeMap::from([
                ("alertname".to_owned(), alert.clone()),
                ("cluster".to_owned(), cluster.clone()),
                ("namespace".to_owned(), expect.namespace().to_owned()),
            ]);
            if let Some(severity) = severity {
                labels.insert("severity".to_owned(), severity.clone());
            }
            let receivers = route_alert(root, &labels, "")?;
            let expected: Option<Vec<&str>> = match alert.as_str() {
                "Watchdog" if dead_mans_switch => Some(vec!["dead-mans-switch"]),
                "Watchdog" | "InfoInhibitor" => Some(vec!["null"]),
                _ => None,
            };
            if let Some(expected) = expected {
                if receivers != expected {
                    problems.push(format!(
                        "{alert} from {cluster} goes to {receivers:?}, not {expected:?}"
                    ));
                }
                continue;
            }
            if let Some(unreal) = receivers.iter().find(|r| !real.contains(*r)) {
                problems.push(format!(
                    "{alert} ({severity:?}) from {cluster} goes to {unreal}, which notifies nobody"
                ));
            }
            for receiver in &alertmanager_model.receivers {
                let wants = severity
                    .as_deref()
                    .is_some_and(|s| receiver.severities.iter().any(|w| w.label_value() == s))
                    && (receiver.clusters.is_empty() || receiver.clusters.contains(cluster));
                if wants && !receivers.contains(&receiver.name) {
                    problems.push(format!(
                        "{alert} ({severity:?}) from {cluster} does not reach {}",
                        receiver.name
                    ));
                }
                // The first receiver is also the catch-all: alone, it may get anything.
                let catch_all =
                    receivers.len() == 1 && receiver.name == alertmanager_model.receivers[0].name;
                if !wants && receivers.contains(&receiver.name) && !catch_all {
                    problems.push(format!("{alert} ({severity:?}) from {cluster} reaches {}, which is not told about it", receiver.name));
                }
            }
        }
    }
    Ok(problems)
}

/// With per-cluster rules, the Ruler selects only PrometheusRules labelled for it, the
/// chart's among them; none of them has an `absent()` without a `cluster` matcher, and
/// `PrometheusNotConnectedToAlertmanagers` is the central cluster's only.
fn the_ruler_evaluates_no_single_cluster_absent(build: &Build, expect: &Expect) -> Checked {
    let fleet = &expect.fleet;
    if fleet.central.ruler.is_none() || !fleet.central.thanos_monitoring.per_cluster_rules {
        return Ok(Vec::new());
    }
    let ruler = build
        .one::<Resource<ThanosRulerSpec>>("ThanosRuler", None)?
        .spec;
    let mut problems = Vec::new();
    let mut selected = 0;
    let mut chart_rules = 0;
    for rule in build.all("PrometheusRule") {
        let labels = labels_of(rule);
        if !selects(ruler.rule_selector.as_ref(), &labels) {
            if labels.get("app").map(String::as_str) == Some("kube-prometheus-stack") {
                problems.push(format!(
                    "the Ruler does not select the chart's {}",
                    name_of(rule)
                ));
            }
            continue;
        }
        selected += 1;
        if labels.get("app").map(String::as_str) == Some("kube-prometheus-stack") {
            chart_rules += 1;
        }
        for alert in rules_of(rule) {
            let Some(name) = alert.get("alert").and_then(Value::as_str) else {
                continue;
            };
            let expr = alert
                .get("expr")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if expr.contains("absent(") && !expr.contains("cluster=") {
                problems.push(format!(
                    "{}: {name} is absent() over the whole fleet: {expr}",
                    name_of(rule)
                ));
            }
            if name == "PrometheusNotConnectedToAlertmanagers"
                && !expr.contains(&format!(
                    "cluster=\"{}\"",
                    fleet.central.cluster_label_value()
                ))
            {
                problems.push(format!(
                    "{}: {name} is not the central cluster's: {expr}",
                    name_of(rule)
                ));
            }
        }
    }
    if chart_rules < 10 {
        problems.push(format!(
            "the Ruler selects {chart_rules} of the chart's PrometheusRules ({selected} in all)"
        ));
    }
    Ok(problems)
}

/// The Ruler's Query endpoint is a DNS SRV lookup (`dnssrv+_<port>._tcp.<service>.<ns>.svc`)
/// of a headless Service of Query's ready pods by a port Query's container serves: the
/// Ruler knows every Query pod and tries the next when one fails. A single address (a
/// ClusterIP Service) would keep a kept-alive connection to one pod.
fn finds_every_ready_query_pod(build: &Build, expect: &Expect, endpoint: &str) -> Vec<String> {
    let Some(rest) = endpoint.strip_prefix("dnssrv+_") else {
        return vec![format!(
            "{endpoint}: one address, not a DNS SRV lookup of every Query pod"
        )];
    };
    let mut parts = rest.split('.');
    let (port, tcp, service, namespace) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    if tcp != "_tcp" || namespace != expect.namespace() {
        return vec![format!(
            "{endpoint}: not _<port>._tcp.<service>.{}",
            expect.namespace()
        )];
    }
    let found: Vec<Service> = build
        .named("Service", service)
        .filter(|s| s["metadata"]["namespace"].as_str() == Some(namespace))
        .filter_map(|s| builds::typed(s).ok())
        .collect();
    let Some(spec) = found.first().and_then(|s| s.spec.as_ref()) else {
        return vec![format!("{endpoint}: no Service {service} in {namespace}")];
    };
    let mut problems = Vec::new();
    if spec.cluster_ip.as_deref() != Some("None") || spec.publish_not_ready_addresses == Some(true)
    {
        problems.push(format!(
            "{endpoint}: Service {service} is not headless over ready pods ({spec:?})"
        ));
    }
    if !spec
        .ports
        .iter()
        .flatten()
        .any(|p| p.name.as_deref() == Some(port))
    {
        problems.push(format!("{endpoint}: Service {service} has no port {port}"));
    }
    let query: Result<Deployment, String> = build.one("Deployment", Some("thanos-query"));
    let template = query.ok().and_then(|d| d.spec).map(|spec| spec.template);
    let pod_labels = template
        .as_ref()
        .and_then(|t| t.metadata.as_ref())
        .and_then(|m| m.labels.clone())
        .unwrap_or_default();
    let selected = spec
        .selector
        .as_ref()
        .is_some_and(|selector| selector.iter().all(|(k, v)| pod_labels.get(k) == Some(v)));
    let served = pod_spec(template.as_ref()).is_some_and(|pod| {
        pod.containers
            .iter()
            .flat_map(|c| c.ports.iter().flatten())
            .any(|p| p.name.as_deref() == Some(port))
    });
    if !selected || !served {
        problems.push(format!(
            "{endpoint}: Service {service} does not select Query's pods by a port {port} they serve"
        ));
    }
    problems
}

/// The ThanosRuler evaluates `central.ruler.queryOffset` in the past (`ruleQueryOffset`,
/// validated against the built CRD by `custom_resources_valid_against_their_crds`), or at
/// "now" when the fleet's offset is zero.
fn the_ruler_evaluates_past_the_remote_write_lag(build: &Build, expect: &Expect) -> Checked {
    let Some(model) = &expect.fleet.central.ruler else {
        return Ok(Vec::new());
    };
    let ruler = build
        .one::<Resource<ThanosRulerSpec>>("ThanosRuler", None)?
        .spec;
    let wanted = (!model.query_offset.is_zero()).then(|| model.query_offset.to_string());
    Ok(if ruler.rule_query_offset == wanted {
        Vec::new()
    } else {
        vec![format!(
            "ruleQueryOffset is {:?}, the fleet's queryOffset {wanted:?}",
            ruler.rule_query_offset
        )]
    })
}

/// The longest range an expression reads, in seconds (`[3d]`, `[30m]`, `[1h:5m]`).
fn longest_range(expr: &str) -> u64 {
    expr.match_indices('[')
        .filter_map(|(start, _)| {
            let inner = expr[start + 1..].split([']', ':']).next()?;
            let (number, unit) = inner.split_at(inner.find(|c: char| !c.is_ascii_digit())?);
            let seconds = match unit {
                "s" => 1,
                "m" => 60,
                "h" => 3_600,
                "d" => 86_400,
                "w" => 604_800,
                _ => return None,
            };
            Some(number.parse::<u64>().ok()? * seconds)
        })
        .max()
        .unwrap_or(0)
}

/// Every rule group that reads a range of a day or more (the chart's burn-rate and
/// availability groups) is evaluated at an interval of its own of at least a minute,
/// not at the evaluator's 30s.
fn long_range_groups_have_a_longer_interval(build: &Build, _: &Expect) -> Checked {
    let mut problems = Vec::new();
    let mut heavy = 0;
    for (rule, group) in rule_groups(build) {
        let reads = group["rules"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["expr"].as_str())
            .map(longest_range)
            .max()
            .unwrap_or(0);
        if reads < 86_400 {
            continue;
        }
        heavy += 1;
        let interval = group["interval"].as_str().map(longest_range_of_duration);
        if interval.is_none_or(|seconds| seconds < 60) {
            problems.push(format!(
                "{}: group {} reads {}s ranges every {:?}",
                name_of(rule),
                group["name"],
                reads,
                group["interval"].as_str()
            ));
        }
    }
    if heavy == 0 {
        problems.push("no group reads a range of a day: the check saw nothing".to_owned());
    }
    Ok(problems)
}

/// Every rule group of every PrometheusRule of the build, with its PrometheusRule.
fn rule_groups(build: &Build) -> impl Iterator<Item = (&Value, &Value)> {
    build
        .all("PrometheusRule")
        .flat_map(|rule| groups_of(rule).map(move |group| (rule, group)))
}

/// The rule groups of the PrometheusRule `rule`.
fn groups_of(rule: &Value) -> impl Iterator<Item = &Value> {
    rule.pointer("/spec/groups")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// Every rule of every group of the PrometheusRule `rule`.
fn rules_of(rule: &Value) -> impl Iterator<Item = &Value> {
    groups_of(rule).flat_map(|group| {
        group
            .get("rules")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
    })
}

/// A duration such as `1m` or `3m` in seconds, read as a range.
fn longest_range_of_duration(duration: &str) -> u64 {
    longest_range(&format!("[{duration}]"))
}

/// Partial responses only where the answer stays correct: no group with a recording rule
/// evaluates on one (it would record partial data as whole), and a group whose alerts
/// fire on a missing series (`absent`) does only when Receive holds every series twice.
fn partial_responses_never_lie(build: &Build, expect: &Expect) -> Checked {
    let replicated = expect.fleet.central.receive.replication_factor >= 2;
    let mut problems = Vec::new();
    for (rule, group) in rule_groups(build) {
        if group["partial_response_strategy"].as_str() != Some("warn") {
            continue;
        }
        let rules: Vec<&Value> = group["rules"].as_array().into_iter().flatten().collect();
        let records = rules.iter().any(|r| r.get("record").is_some());
        let absence = rules.iter().any(|r| {
            r["expr"].as_str().is_some_and(|e| e.contains("absent"))
                && r["labels"]["cluster"].as_str()
                    != Some(expect.fleet.central.cluster_label_value())
        });
        if records || (absence && !replicated) {
            problems.push(format!(
                    "{}: group {} evaluates on partial responses (records: {records}, absent() with one copy of each series: {absence})",
                    name_of(rule),
                    group["name"]
                ));
        }
    }
    Ok(problems)
}

/// Problems with a URL that should reach a port of a Service of the build.
fn reaches_a_service_port(build: &Build, expect: &Expect, url: &str) -> Vec<String> {
    let authority = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split('/')
        .next()
        .unwrap_or_default();
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, port.parse::<i32>().ok()),
        None => (authority, None),
    };
    let mut labels = host.split('.');
    let service = labels.next().unwrap_or_default();
    let namespace = labels.next().unwrap_or(expect.namespace());
    let services: Vec<Service> = build
        .named("Service", service)
        .filter(|s| s["metadata"]["namespace"].as_str() == Some(namespace))
        .filter_map(|s| builds::typed(s).ok())
        .collect();
    let Some(found) = services.first() else {
        return vec![format!(
            "{url}: no Service {service} in namespace {namespace}"
        )];
    };
    let ports: Vec<i32> = found
        .spec
        .iter()
        .flat_map(|spec| spec.ports.iter().flatten())
        .map(|p| p.port)
        .collect();
    if port.is_some_and(|port| ports.contains(&port)) {
        Vec::new()
    } else {
        vec![format!(
            "{url}: Service {service} has ports {ports:?}, not {port:?}"
        )]
    }
}

/// Grafana's datasources, from the ConfigMaps its sidecar reads (label `grafana_datasource`).
fn grafana_datasources(build: &Build) -> Result<Vec<Value>, String> {
    let mut found = Vec::new();
    for config_map in build.typed_all::<ConfigMap>("ConfigMap")? {
        let labelled = config_map
            .metadata
            .labels
            .as_ref()
            .is_some_and(|labels| labels.contains_key("grafana_datasource"));
        if !labelled {
            continue;
        }
        for text in config_map.data.unwrap_or_default().values() {
            for document in builds::json_documents(text)? {
                found.extend(
                    document["datasources"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default(),
                );
            }
        }
    }
    Ok(found)
}

/// Grafana's default datasource is Thanos Query (`prometheusType: Thanos`, its URL a port
/// of the `thanos-query` Service); the Alertmanager datasource is kept and reaches its
/// Service.
fn grafana_reads_thanos_query_by_default(build: &Build, expect: &Expect) -> Checked {
    let datasources = grafana_datasources(build)?;
    let defaults: Vec<&Value> = datasources
        .iter()
        .filter(|d| d["isDefault"] == Value::Bool(true))
        .collect();
    let [default] = defaults[..] else {
        let names: Vec<&Value> = datasources.iter().map(|d| &d["name"]).collect();
        return Ok(vec![format!(
            "{} default datasources among {names:?}",
            defaults.len()
        )]);
    };
    let mut problems = Vec::new();
    if default["type"] != "prometheus" || default["jsonData"]["prometheusType"] != "Thanos" {
        problems.push(format!(
            "the default datasource {} is not of type prometheus with prometheusType Thanos",
            default["name"]
        ));
    }
    let url = default["url"].as_str().unwrap_or_default();
    let host = url.split_once("://").map_or(url, |(_, rest)| rest);
    // Through the query-frontend when the fleet has one.
    let service = match expect.fleet.central.query_frontend {
        Some(_) => "thanos-query-frontend",
        None => "thanos-query",
    };
    if !host.starts_with(&format!("{service}.")) && !host.starts_with(&format!("{service}:")) {
        problems.push(format!(
            "the default datasource points at {url}, not {service}"
        ));
    }
    problems.extend(reaches_a_service_port(build, expect, url));
    let alertmanagers: Vec<&Value> = datasources
        .iter()
        .filter(|d| d["type"] == "alertmanager")
        .collect();
    match alertmanagers[..] {
        [alertmanager] => problems.extend(reaches_a_service_port(
            build,
            expect,
            alertmanager["url"].as_str().unwrap_or_default(),
        )),
        _ => problems.push(format!("{} Alertmanager datasources", alertmanagers.len())),
    }
    Ok(problems)
}

/// Grafana's admin user and password come from the `grafana-admin` Secret; no password in
/// a variable or in any Secret of the build.
fn grafana_admin_from_its_secret(build: &Build, _: &Expect) -> Checked {
    let deployments: Vec<Deployment> = build.typed_all("Deployment")?;
    let grafana: Vec<&Deployment> = deployments
        .iter()
        .filter(|d| {
            d.metadata
                .name
                .as_deref()
                .unwrap_or_default()
                .ends_with("grafana")
        })
        .collect();
    let [grafana] = grafana[..] else {
        return Ok(vec![format!("{} Grafana Deployments", grafana.len())]);
    };
    let env: BTreeMap<&str, &k8s_openapi::api::core::v1::EnvVar> =
        pod_spec(grafana.spec.as_ref().map(|s| &s.template))
            .map(|pod| &pod.containers)
            .into_iter()
            .flatten()
            .flat_map(|c| c.env.iter().flatten())
            .map(|e| (e.name.as_str(), e))
            .collect();
    let mut problems = Vec::new();
    for name in ["GF_SECURITY_ADMIN_USER", "GF_SECURITY_ADMIN_PASSWORD"] {
        let secret = env
            .get(name)
            .and_then(|e| e.value_from.as_ref())
            .and_then(|from| from.secret_key_ref.as_ref())
            .map(|secret| secret.name.as_str());
        if secret != Some(GRAFANA_ADMIN_SECRET) {
            problems.push(format!(
                "{name} is not from Secret {GRAFANA_ADMIN_SECRET} ({secret:?})"
            ));
        }
    }
    problems.extend(
        env.iter()
            .filter(|(name, e)| name.contains("PASSWORD") && e.value.is_some())
            .map(|(name, _)| format!("env {name} holds a literal value")),
    );
    for secret in build.all("Secret") {
        let has_password = ["data", "stringData"].iter().any(|field| {
            secret[field].as_object().is_some_and(|map| {
                map.contains_key("admin-password") || map.contains_key("admin_password")
            })
        });
        if has_password {
            problems.push(format!("{} holds an admin password", describe(secret)));
        }
    }
    Ok(problems)
}

fn pod_spec(template: Option<&k8s_openapi::api::core::v1::PodTemplateSpec>) -> Option<&PodSpec> {
    template?.spec.as_ref()
}

/// Whether a workload's pods read `secret`, as a volume or an environment variable.
fn reads_secret(pod: Option<&PodSpec>, secret: &str) -> bool {
    let Some(pod) = pod else { return false };
    let volume = pod
        .volumes
        .iter()
        .flatten()
        .filter_map(|v| v.secret.as_ref()?.secret_name.as_deref())
        .any(|name| name == secret);
    let env = pod
        .containers
        .iter()
        .flat_map(|c| c.env.iter().flatten())
        .filter_map(|e| {
            Some(
                e.value_from
                    .as_ref()?
                    .secret_key_ref
                    .as_ref()?
                    .name
                    .as_str(),
            )
        })
        .any(|name| name == secret);
    volume || env
}

/// `thanos-query`, `thanos-receive`, `thanos-store` and `thanos-compactor` exist, and all
/// but Query read the bucket's Secret.
fn thanos_components_read_the_bucket_secret(build: &Build, expect: &Expect) -> Checked {
    use thanos_model::Component;
    let mut problems = Vec::new();
    match build.one::<Deployment>("Deployment", Some("thanos-query")) {
        Ok(_) => {}
        Err(error) => problems.push(error),
    }
    for component in [Component::Receive, Component::Store, Component::Compactor] {
        let name = component.name();
        // Store and Compactor read with their own keys when the fleet separates them.
        let secret = &expect.fleet.object_storage.config_secret_of(component).name;
        if component == Component::Receive && secret != S3_SECRET {
            problems.push(format!("Receive reads {secret}, not {S3_SECRET}"));
        }
        match build.one::<StatefulSet>("StatefulSet", Some(name)) {
            Ok(workload) => {
                let pod = workload
                    .spec
                    .as_ref()
                    .and_then(|s| s.template.spec.as_ref());
                if !reads_secret(pod, secret) {
                    problems.push(format!("StatefulSet {name} does not read Secret {secret}"));
                }
            }
            Err(error) => problems.push(error),
        }
    }
    Ok(problems)
}

/// The query-frontend (when the fleet has one) sends its queries to a port of Query's
/// Service, and its results cache, when in memcached, to a port of the cache's Service by
/// that port's name.
fn the_query_frontend_reaches_query_and_its_cache(build: &Build, expect: &Expect) -> Checked {
    if expect.fleet.central.query_frontend.is_none() {
        return Ok(
            match build.one::<Deployment>("Deployment", Some("thanos-query-frontend")) {
                Ok(_) => vec!["a query-frontend the fleet does not have".to_owned()],
                Err(_) => Vec::new(),
            },
        );
    }
    let frontend: Deployment = build.one("Deployment", Some("thanos-query-frontend"))?;
    let args: Vec<String> = frontend
        .spec
        .and_then(|spec| spec.template.spec)
        .and_then(|pod| pod.containers.into_iter().next())
        .and_then(|container| container.args)
        .unwrap_or_default();
    let mut problems = Vec::new();
    match args
        .iter()
        .find_map(|a| a.strip_prefix("--query-frontend.downstream-url="))
    {
        Some(url) if url.contains("thanos-query.") => {
            problems.extend(reaches_a_service_port(build, expect, url));
        }
        other => problems.push(format!(
            "the query-frontend's downstream is {other:?}, not Query"
        )),
    }
    let config: Option<ConfigMap> = build
        .named("ConfigMap", "thanos-query-frontend-results-cache")
        .find_map(|c| builds::typed(c).ok());
    let cache = config
        .and_then(|c| c.data)
        .and_then(|data| data.get("results-cache.yaml").cloned())
        .and_then(|text| serde_yaml::from_str::<serde_yaml::Value>(&text).ok());
    let Some(cache) = cache else {
        problems.push(
            "no results cache file in ConfigMap thanos-query-frontend-results-cache".to_owned(),
        );
        return Ok(problems);
    };
    for address in cache["config"]["addresses"]
        .as_sequence()
        .into_iter()
        .flatten()
    {
        // dnssrv+_<port>._tcp.<service>.<namespace>.svc
        let srv = address.as_str().unwrap_or_default();
        let Some((port, rest)) = srv
            .strip_prefix("dnssrv+_")
            .and_then(|rest| rest.split_once("._tcp."))
        else {
            problems.push(format!("{srv}: not a DNS SRV address"));
            continue;
        };
        let service = rest.split('.').next().unwrap_or_default();
        let named = build
            .named("Service", service)
            .filter_map(|s| builds::typed::<Service>(s).ok())
            .any(|s| {
                s.spec
                    .iter()
                    .flat_map(|spec| spec.ports.iter().flatten())
                    .any(|p| p.name.as_deref() == Some(port))
            });
        if !named {
            problems.push(format!(
                "{srv}: no Service {service} with a port named {port}"
            ));
        }
    }
    Ok(problems)
}

/// Every Store StatefulSet (one per shard) runs pods the headless Service `thanos-store`
/// selects, which Query resolves; one StatefulSet per shard of the fleet.
fn query_reaches_every_store_shard(build: &Build, expect: &Expect) -> Checked {
    let service: Service = build.one("Service", Some("thanos-store"))?;
    let selector = service
        .spec
        .and_then(|spec| spec.selector)
        .unwrap_or_default();
    let sets: Vec<StatefulSet> = build.typed_all("StatefulSet")?;
    let stores: Vec<&StatefulSet> = sets
        .iter()
        .filter(|set| {
            set.metadata.name.as_deref().is_some_and(|name| {
                name == "thanos-store" || name.starts_with("thanos-store-shard-")
            })
        })
        .collect();
    let shards = expect
        .fleet
        .central
        .store
        .shards
        .as_ref()
        .map_or(1, thanos_model::StoreShards::shards) as usize;
    let mut problems = Vec::new();
    if stores.len() != shards {
        problems.push(format!("{} Store StatefulSets, not {shards}", stores.len()));
    }
    for set in stores {
        let labels = set
            .spec
            .as_ref()
            .and_then(|spec| spec.template.metadata.as_ref()?.labels.clone())
            .unwrap_or_default();
        if !selector
            .iter()
            .all(|(key, value)| labels.get(key) == Some(value))
        {
            problems.push(format!(
                "Service thanos-store does not select the pods of {:?}",
                set.metadata.name
            ));
        }
    }
    Ok(problems)
}

/// Receive runs the fleet's replicas, and the hashring its routing pods mount (Receive's,
/// or its routers') lists as many endpoints (the fleet's `hashringReplicas` during a
/// two-step change), each once.
fn receive_hashring_lists_every_replica(build: &Build, expect: &Expect) -> Checked {
    let replicas = expect.fleet.central.receive.replicas;
    let members = expect.fleet.central.receive.hashring_members() as usize;
    let receive: StatefulSet = build.one("StatefulSet", Some("thanos-receive"))?;
    let mut problems = Vec::new();
    let spec = receive.spec.unwrap_or_default();
    if spec.replicas != Some(i32::try_from(replicas).unwrap_or(i32::MAX)) {
        problems.push(format!(
            "replicas is {:?}, the fleet's is {replicas}",
            spec.replicas
        ));
    }
    // The pods that route hold the hashring: Receive's, or its routers' when split.
    let routing = match expect.fleet.central.receive.router {
        Some(_) => build
            .one::<Deployment>("Deployment", Some("thanos-receive-router"))?
            .spec
            .map(|spec| spec.template)
            .unwrap_or_default(),
        None => spec.template,
    };
    let mounted: BTreeSet<String> = routing
        .spec
        .iter()
        .flat_map(|pod| pod.volumes.iter().flatten())
        .filter_map(|v| Some(v.config_map.as_ref()?.name.clone()))
        .collect();
    let config_maps: Vec<ConfigMap> = build.typed_all("ConfigMap")?;
    let rings: Vec<String> = config_maps
        .into_iter()
        .filter(|cm| {
            cm.metadata
                .name
                .as_ref()
                .is_some_and(|name| mounted.contains(name))
        })
        .filter_map(|cm| cm.data?.get("hashrings.json").cloned())
        .collect();
    let [ring] = &rings[..] else {
        problems.push(format!(
            "{} hashring ConfigMaps mounted by the routing pods",
            rings.len()
        ));
        return Ok(problems);
    };
    let ring: Value = match serde_json::from_str(ring) {
        Ok(ring) => ring,
        Err(error) => return Ok(vec![format!("hashrings.json: {error}")]),
    };
    let addresses: Vec<String> = ring
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|group| group["endpoints"].as_array().cloned().unwrap_or_default())
        .map(|e| {
            e.as_str()
                .or_else(|| e["address"].as_str())
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    let distinct: BTreeSet<&String> = addresses.iter().collect();
    if addresses.len() != members || distinct.len() != members {
        problems.push(format!("the hashring lists {addresses:?}"));
    }
    Ok(problems)
}

/// Services the Prometheus Operator makes at run time for a custom resource of a kind.
const OPERATOR_SERVICES: &[(&str, &str)] = &[("thanos-ruler-operated", "ThanosRuler")];

/// The `(service, namespace)` of every `dnssrv+_grpc._tcp.<service>.<namespace>.svc` in a text.
fn dnssrv_grpc_endpoints(text: &str) -> Vec<(String, String)> {
    const PREFIX: &str = "dnssrv+_grpc._tcp.";
    let is_label = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    text.match_indices(PREFIX)
        .filter_map(|(start, _)| {
            let rest = &text[start + PREFIX.len()..];
            let mut labels = rest.split('.');
            let (service, namespace, svc) = (labels.next()?, labels.next()?, labels.next()?);
            (is_label(service) && is_label(namespace) && svc.starts_with("svc"))
                .then(|| (service.to_owned(), namespace.to_owned()))
        })
        .collect()
}

/// Every DNS SRV endpoint of Query is a Service of the build with a `grpc` port, or one the
/// operator makes for a custom resource the build has.
fn query_endpoints_are_grpc_services(build: &Build, _: &Expect) -> Checked {
    let config_maps: Vec<ConfigMap> = build.typed_all("ConfigMap")?;
    let endpoints: BTreeSet<(String, String)> = config_maps
        .iter()
        .filter(|cm| {
            cm.metadata
                .name
                .as_deref()
                .unwrap_or_default()
                .starts_with("thanos-query")
        })
        .flat_map(|cm| cm.data.iter().flat_map(|data| data.values()))
        .flat_map(|text| dnssrv_grpc_endpoints(text))
        .collect();
    if endpoints.is_empty() {
        return Ok(vec!["no dnssrv endpoint in Query's ConfigMaps".to_owned()]);
    }
    let mut problems = Vec::new();
    for (service, namespace) in endpoints {
        let found: Vec<Service> = build
            .named("Service", &service)
            .filter(|s| s["metadata"]["namespace"].as_str() == Some(&namespace))
            .filter_map(|s| builds::typed(s).ok())
            .collect();
        let owner = OPERATOR_SERVICES
            .iter()
            .find(|(name, _)| *name == service)
            .map(|(_, kind)| *kind);
        match (found.first(), owner) {
            (None, Some(owner)) => {
                let made = build
                    .all(owner)
                    .any(|o| o["metadata"]["namespace"].as_str() == Some(&namespace));
                if !made {
                    problems.push(format!(
                        "{service} is made by the operator for a {owner}, and the build has none in {namespace}"
                    ));
                }
            }
            (None, None) => problems.push(format!("no Service {service} in {namespace}")),
            (Some(found), _) => {
                let grpc = found
                    .spec
                    .iter()
                    .flat_map(|spec| spec.ports.iter().flatten())
                    .any(|p| p.name.as_deref() == Some("grpc"));
                if !grpc {
                    problems.push(format!("Service {service} has no port named grpc"));
                }
            }
        }
    }
    Ok(problems)
}

/// Whether a label selector (matchLabels, matchExpressions) selects `labels`; no selector
/// selects nothing.
fn selects(selector: Option<&LabelSelector>, labels: &BTreeMap<String, String>) -> bool {
    let Some(selector) = selector else {
        return false;
    };
    let match_labels = selector
        .match_labels
        .iter()
        .flatten()
        .all(|(key, value)| labels.get(key) == Some(value));
    let match_expressions = selector
        .match_expressions
        .iter()
        .flatten()
        .all(|expression| {
            let value = labels.get(&expression.key);
            let values = expression.values.as_deref().unwrap_or_default();
            match expression.operator.as_str() {
                "In" => value.is_some_and(|v| values.contains(v)),
                "NotIn" => value.is_none_or(|v| !values.contains(v)),
                "Exists" => value.is_some(),
                "DoesNotExist" => value.is_none(),
                _ => false,
            }
        });
    match_labels && match_expressions
}

fn labels_of(object: &Value) -> BTreeMap<String, String> {
    BTreeMap::deserialize(&object["metadata"]["labels"]).unwrap_or_default()
}

/// The Thanos Ruler queries the `thanos-query` Service, sends to the Alertmanagers of the
/// build through a config Secret of the build, uploads through `thanos-s3-config`, runs 2
/// replicas; every PrometheusRule is evaluated by exactly one of Prometheus and the Ruler,
/// and the chart's by the Ruler.
fn ruler_evaluates_the_chart_rules_over_query(build: &Build, expect: &Expect) -> Checked {
    let ruler = build.one::<Resource<ThanosRulerSpec>>("ThanosRuler", None);
    let prometheus = build.one::<Resource<PrometheusSpec>>("Prometheus", None);
    let (ruler, prometheus) = match (ruler, prometheus) {
        (Ok(ruler), Ok(prometheus)) => (ruler.spec, prometheus.spec),
        (ruler, prometheus) => {
            return Ok([ruler.err(), prometheus.err()]
                .into_iter()
                .flatten()
                .collect());
        }
    };
    let mut problems = Vec::new();
    if ruler.query_endpoints.is_empty() {
        problems.push("no queryEndpoints".to_owned());
    }
    for endpoint in &ruler.query_endpoints {
        problems.extend(finds_every_ready_query_pod(build, expect, endpoint));
    }
    if ruler
        .object_storage_config
        .as_ref()
        .map(|s| s.name.as_str())
        != Some(S3_SECRET)
    {
        problems.push(format!(
            "objectStorageConfig is {:?}",
            ruler.object_storage_config
        ));
    }
    let reference = ruler.alertmanagers_config.unwrap_or_default();
    match build.one::<Secret>("Secret", Some(&reference.name)) {
        Err(_) => problems.push(format!(
            "alertmanagersConfig names Secret {:?}, which the build does not hold",
            reference.name
        )),
        Ok(secret) => {
            // Every Alertmanager address is the operator's governing Service of an
            // Alertmanager of the build, by the port name that Alertmanager uses.
            let text = secret
                .data
                .unwrap_or_default()
                .get(&reference.key)
                .map(|bytes| String::from_utf8_lossy(&bytes.0).into_owned())
                .unwrap_or_default();
            let config = builds::json_documents(&text)
                .ok()
                .and_then(|documents| documents.into_iter().next())
                .unwrap_or_default();
            let addresses: Vec<&str> = config["alertmanagers"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|am| am["static_configs"].as_array().into_iter().flatten())
                .filter_map(Value::as_str)
                .collect();
            let wanted: BTreeSet<String> = build
                .typed_all::<Resource<AlertmanagerSpec>>("Alertmanager")
                .unwrap_or_default()
                .into_iter()
                .map(|am| am.spec.port_name.unwrap_or_else(|| "web".to_owned()))
                .map(|port| {
                    format!(
                        "dnssrv+_{port}._tcp.alertmanager-operated.{}.svc",
                        expect.namespace()
                    )
                })
                .collect();
            if addresses.is_empty() || !addresses.iter().all(|a| wanted.contains(*a)) {
                problems.push(format!(
                    "the Ruler sends alerts to {addresses:?}, the Alertmanagers are at {wanted:?}"
                ));
            }
        }
    }
    if ruler.replicas.unwrap_or(1) < 2 {
        problems.push(format!(
            "{:?} Ruler replica(s): a node loss stops every alert",
            ruler.replicas
        ));
    }
    for rule in build.all("PrometheusRule") {
        let labels = labels_of(rule);
        let by: Vec<&str> = [
            ("Prometheus", prometheus.rule_selector.as_ref()),
            ("ThanosRuler", ruler.rule_selector.as_ref()),
        ]
        .into_iter()
        .filter(|(_, selector)| selects(*selector, &labels))
        .map(|(who, _)| who)
        .collect();
        if by.len() != 1 {
            problems.push(format!("{} is evaluated by {by:?}", describe(rule)));
        } else if labels.get("app").map(String::as_str) == Some("kube-prometheus-stack")
            && by != ["ThanosRuler"]
        {
            problems.push(format!(
                "the chart's {} is evaluated by {}, which sees only its own series",
                describe(rule),
                by[0]
            ));
        }
    }
    Ok(problems)
}

/// A ServiceMonitor of the build selects a Service of each Thanos component (Query,
/// Receive, Store, Compactor, the sidecars, the Ruler) by a port it has.
fn a_service_monitor_reaches_every_thanos_component(build: &Build, expect: &Expect) -> Checked {
    let services: Vec<Service> = build.typed_all("Service")?;
    let monitors: Vec<Resource<ServiceMonitorSpec>> = build.typed_all("ServiceMonitor")?;
    let mut covered = BTreeSet::new();
    for monitor in &monitors {
        let ports: BTreeSet<&str> = monitor
            .spec
            .endpoints
            .iter()
            .filter_map(|e| e.port.as_deref())
            .collect();
        for service in &services {
            let labels = service.metadata.labels.clone().unwrap_or_default();
            if !selects(monitor.spec.selector.as_ref(), &labels) {
                continue;
            }
            let reached = service
                .spec
                .iter()
                .flat_map(|spec| spec.ports.iter().flatten())
                .any(|p| p.name.as_deref().is_some_and(|name| ports.contains(name)));
            if reached {
                covered.insert(service.metadata.name.clone().unwrap_or_default());
            }
        }
    }
    let frontend = expect
        .fleet
        .central
        .query_frontend
        .as_ref()
        .map(|_| "thanos-query-frontend");
    Ok([
        "thanos-query",
        "thanos-receive",
        "thanos-store",
        "thanos-compactor",
        "kube-prometheus-stack-thanos-discovery",
        "kube-prometheus-stack-thanos-ruler",
    ]
    .into_iter()
    .chain(frontend)
    .filter(|name| !covered.contains(*name))
    .map(|name| format!("nothing scrapes Service {name}"))
    .collect())
}

/// One `ThanosEdgeSilent` alert per edge, labelled with the edge's `cluster`.
fn one_silent_edge_alert_per_edge(build: &Build, expect: &Expect) -> Checked {
    let rule: Resource<RuleGroups> = build.one("PrometheusRule", Some("thanos-silent-edges"))?;
    let mut clusters: Vec<String> = rule
        .spec
        .groups
        .iter()
        .flat_map(|g| &g.rules)
        .filter(|r| r.alert.as_deref() == Some("ThanosEdgeSilent"))
        .map(|r| r.labels.get("cluster").cloned().unwrap_or_default())
        .collect();
    clusters.sort();
    let edges = expect.edge_labels();
    Ok(if clusters == edges {
        Vec::new()
    } else {
        vec![format!("alerts for {clusters:?}, edges are {edges:?}")]
    })
}

/// The chart's dashboards (ConfigMaps labelled `grafana_dashboard: "1"`) show their
/// `cluster` variable, which the fleet's many clusters need.
fn dashboards_show_their_cluster_variable(build: &Build, _: &Expect) -> Checked {
    let config_maps: Vec<ConfigMap> = build.typed_all("ConfigMap")?;
    let mut problems = Vec::new();
    let mut seen = 0;
    for config_map in config_maps {
        let labels = config_map.metadata.labels.clone().unwrap_or_default();
        if labels.get("grafana_dashboard").map(String::as_str) != Some("1") {
            continue;
        }
        for text in config_map.data.iter().flat_map(|data| data.values()) {
            let Ok(dashboard) = serde_json::from_str::<Value>(text) else {
                continue;
            };
            for variable in dashboard["templating"]["list"]
                .as_array()
                .into_iter()
                .flatten()
            {
                if variable["name"] == "cluster" {
                    seen += 1;
                    if !matches!(variable.get("hide"), None | Some(Value::Null))
                        && variable["hide"] != 0
                    {
                        problems.push(format!(
                            "ConfigMap {} hides its cluster variable",
                            config_map.metadata.name.clone().unwrap_or_default()
                        ));
                    }
                }
            }
        }
    }
    if seen == 0 {
        problems.push("no dashboard has a cluster variable".to_owned());
    }
    Ok(problems)
}

// --- Edge overlays -----------------------------------------------------------------------

/// An edge builds one PrometheusAgent and no Prometheus, with its own `cluster` label,
/// writing to `http://thanos-receive.<domain>/api/v1/receive`.
fn agent_writes_to_receive_with_its_label(build: &Build, expect: &Expect) -> Checked {
    let scheme = if expect.fleet.central.receive.remote_write.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let url = format!(
        "{scheme}://thanos-receive.{}/api/v1/receive",
        expect.fleet.domain
    );
    let mut problems: Vec<String> = build
        .all("Prometheus")
        .map(|o| format!("{} on an edge", describe(o)))
        .collect();
    let agent: Resource<PrometheusSpec> = match build.one("PrometheusAgent", None) {
        Ok(agent) => agent,
        Err(error) => {
            problems.push(error);
            return Ok(problems);
        }
    };
    let label = agent
        .spec
        .external_labels
        .get("cluster")
        .map(String::as_str);
    if label != Some(expect.cluster_label(build)) {
        problems.push(format!("externalLabels.cluster is {label:?}"));
    }
    let urls: Vec<&str> = agent
        .spec
        .remote_write
        .iter()
        .map(|w| w.url.as_str())
        .collect();
    if urls != [url.as_str()] {
        problems.push(format!("remoteWrite URLs are {urls:?}, not [{url}]"));
    }
    Ok(problems)
}

fn node_exporter_and_kube_state_metrics(build: &Build, _: &Expect) -> Checked {
    let mut problems = Vec::new();
    let daemon_sets: Vec<DaemonSet> = build.typed_all("DaemonSet").unwrap_or_default();
    if !daemon_sets.iter().any(|d| {
        d.metadata
            .name
            .as_deref()
            .unwrap_or_default()
            .contains("node-exporter")
    }) {
        problems.push("no node-exporter DaemonSet".to_owned());
    }
    let deployments: Vec<Deployment> = build.typed_all("Deployment").unwrap_or_default();
    if !deployments.iter().any(|d| {
        d.metadata
            .name
            .as_deref()
            .unwrap_or_default()
            .contains("kube-state-metrics")
    }) {
        problems.push("no kube-state-metrics Deployment".to_owned());
    }
    Ok(problems)
}

/// No Alertmanager, Grafana, rules or Thanos on an edge.
fn edge_runs_nothing_else(build: &Build, _: &Expect) -> Checked {
    Ok(build
        .objects
        .iter()
        .filter(|o| {
            let kind = kind_of(o);
            let name = name_of(o);
            matches!(kind, "Alertmanager" | "PrometheusRule")
                || (kind != "CustomResourceDefinition"
                    && (name.contains("grafana") || name.starts_with("thanos-")))
        })
        .map(|o| format!("{} on an edge", describe(o)))
        .collect())
}

/// Every Ingress of the build (the chart's Grafana Ingress included) has TLS: its hosts
/// in `spec.tls` with a Secret a Certificate of the build issues for them (or the operator
/// brings, with existingSecrets), or TLS passed through to Receive.
fn every_ingress_has_tls(build: &Build, expect: &Expect) -> Checked {
    let issued: Vec<(&str, Vec<&str>)> = build
        .all("Certificate")
        .map(|c| {
            let names = json_strings(&c["spec"]["dnsNames"]);
            (c["spec"]["secretName"].as_str().unwrap_or_default(), names)
        })
        .collect();
    let cert_manager = expect
        .fleet
        .security
        .ingress_tls
        .as_ref()
        .is_some_and(|tls| tls.certificates == thanos_model::CertificateSource::CertManager);
    let mut problems = Vec::new();
    let mut ingresses = 0;
    for ingress in build.all("Ingress") {
        ingresses += 1;
        let annotations = &ingress["metadata"]["annotations"];
        if annotations["ingress.cilium.io/tls-passthrough"] == "enabled"
            || annotations["nginx.ingress.kubernetes.io/ssl-passthrough"] == "true"
        {
            continue;
        }
        let hosts: Vec<&str> = ingress["spec"]["rules"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["host"].as_str())
            .collect();
        let Some(tls) = ingress["spec"]["tls"].as_array().and_then(|t| t.first()) else {
            problems.push(format!("{} has no TLS", describe(ingress)));
            continue;
        };
        let tls_hosts: Vec<&str> = json_strings(&tls["hosts"]);
        if hosts.iter().any(|h| !tls_hosts.contains(h)) {
            problems.push(format!(
                "{}: TLS for {tls_hosts:?}, rules {hosts:?}",
                describe(ingress)
            ));
        }
        let secret = tls["secretName"].as_str().unwrap_or_default();
        if cert_manager
            && !issued
                .iter()
                .any(|(name, names)| *name == secret && hosts.iter().all(|h| names.contains(h)))
        {
            problems.push(format!(
                "{}: no Certificate issues {secret} for {hosts:?}",
                describe(ingress)
            ));
        }
    }
    if ingresses == 0 {
        problems.push("no Ingress in the build".to_owned());
    }
    Ok(problems)
}

/// Every image reference in `value`: each string under an `image` key (containers, and
/// the Prometheus Operator's custom resources) and each image the operator is told by a
/// flag (`--prometheus-config-reloader=`, `--thanos-default-base-image=`).
fn image_references<'a>(value: &'a Value, key: Option<&str>, out: &mut Vec<&'a str>) {
    match value {
        Value::String(text) if key == Some("image") => out.push(text),
        Value::String(text) => {
            for flag in [
                "--prometheus-config-reloader=",
                "--thanos-default-base-image=",
            ] {
                if let Some(image) = text.strip_prefix(flag) {
                    out.push(image);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| image_references(i, None, out)),
        Value::Object(map) => map
            .iter()
            .for_each(|(k, v)| image_references(v, Some(k), out)),
        _ => {}
    }
}

/// With the Thanos image and every chart image pinned (`chart.images`), every image the
/// build runs is pinned by digest: the chart took each digest at its own key.
fn every_image_is_pinned_by_digest(build: &Build, _: &Expect) -> Checked {
    let mut images = Vec::new();
    for object in build
        .objects
        .iter()
        .filter(|o| kind_of(o) != "CustomResourceDefinition")
    {
        image_references(object, None, &mut images);
    }
    let mut problems: Vec<String> = images
        .iter()
        .filter(|image| !image.contains("@sha256:"))
        .map(|image| format!("{image} is not pinned by digest"))
        .collect();
    if images.is_empty() {
        problems.push("no image in the build".to_owned());
    }
    Ok(problems)
}

/// Grafana's sidecars read ConfigMaps of the fleet's namespace only: no ClusterRole or
/// ClusterRoleBinding for Grafana, the tree's Role bound to the ServiceAccount the Grafana
/// Deployment runs as, and the sidecars watching `configmap` in the namespace.
fn grafana_reads_configmaps_of_its_namespace_only(build: &Build, expect: &Expect) -> Checked {
    let mut problems: Vec<String> = build
        .objects
        .iter()
        .filter(|o| {
            matches!(kind_of(o), "ClusterRole" | "ClusterRoleBinding")
                && name_of(o).contains("grafana")
        })
        .map(|o| format!("{} grants Grafana access to the whole cluster", describe(o)))
        .collect();
    let Some(grafana) = build
        .objects
        .iter()
        .find(|o| kind_of(o) == "Deployment" && name_of(o).ends_with("-grafana"))
    else {
        return Ok(vec!["no Grafana Deployment".to_owned()]);
    };
    let pod = &grafana["spec"]["template"]["spec"];
    let account = pod["serviceAccountName"].as_str().unwrap_or_default();
    let bound = build.objects.iter().any(|o| {
        kind_of(o) == "RoleBinding"
            && o["roleRef"]["name"] == "grafana-sidecars"
            && o["subjects"][0]["name"] == account
    });
    if !bound {
        problems.push(format!("no RoleBinding grafana-sidecars for {account}"));
    }
    let roles = build
        .objects
        .iter()
        .filter(|o| kind_of(o) == "Role" && name_of(o).contains("grafana"))
        .count();
    if roles != 1 {
        problems.push(format!("{roles} Roles for Grafana, not the tree's one"));
    }
    for container in pod["containers"].as_array().into_iter().flatten() {
        let name = container["name"].as_str().unwrap_or_default();
        if !name.starts_with("grafana-sc-") {
            continue;
        }
        let env = |key: &str| {
            container["env"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|e| e["name"] == key)
                .and_then(|e| e["value"].as_str())
        };
        if env("RESOURCE") != Some("configmap") {
            problems.push(format!(
                "{name} watches {:?}, not configmap",
                env("RESOURCE")
            ));
        }
        if let Some(namespace) = env("NAMESPACE") {
            if namespace != expect.namespace() {
                problems.push(format!("{name} searches namespace {namespace}"));
            }
        }
    }
    // What the sidecars must find is all in that namespace.
    let provisioned: Vec<&Value> = build
        .objects
        .iter()
        .filter(|o| kind_of(o) == "ConfigMap")
        .filter(|o| {
            let labels = &o["metadata"]["labels"];
            !labels["grafana_dashboard"].is_null() || !labels["grafana_datasource"].is_null()
        })
        .collect();
    if provisioned.is_empty() {
        problems.push("no dashboard or datasource ConfigMap".to_owned());
    }
    for object in provisioned {
        if object["metadata"]["namespace"] != expect.namespace() {
            problems.push(format!(
                "{} is outside the namespace the sidecars search",
                describe(object)
            ));
        }
    }
    Ok(problems)
}

/// The strings of a JSON array (none when it is not one).
fn json_strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// The strings of a YAML sequence (none when it is not one).
fn strings(value: &serde_yaml::Value) -> Vec<&str> {
    value
        .as_sequence()
        .into_iter()
        .flatten()
        .filter_map(serde_yaml::Value::as_str)
        .collect()
}

/// The pod labels of every replicated workload of the build: the Deployments' and
/// StatefulSets' templates, and for the Prometheus Operator's custom resources the labels
/// the operator gives their pods (`app.kubernetes.io/name` and the resource's name).
fn replicated_pods(build: &Build) -> Vec<(String, BTreeMap<String, String>)> {
    let mut pods = Vec::new();
    for kind in ["Deployment", "StatefulSet"] {
        for object in build.all(kind) {
            if object["spec"]["replicas"].as_i64().unwrap_or(1) > 1 {
                let labels =
                    BTreeMap::deserialize(&object["spec"]["template"]["metadata"]["labels"])
                        .unwrap_or_default();
                pods.push((describe(object), labels));
            }
        }
    }
    for (kind, app, name_label) in [
        ("Prometheus", "prometheus", "operator.prometheus.io/name"),
        ("Alertmanager", "alertmanager", "alertmanager"),
        ("ThanosRuler", "thanos-ruler", "thanos-ruler"),
    ] {
        for object in build.all(kind) {
            if object["spec"]["replicas"].as_i64().unwrap_or(1) > 1 {
                let labels = BTreeMap::from([
                    ("app.kubernetes.io/name".to_owned(), app.to_owned()),
                    (name_label.to_owned(), name_of(object).to_owned()),
                ]);
                pods.push((describe(object), labels));
            }
        }
    }
    pods
}

/// With the fleet's budgets on, every workload with more than one replica (the Thanos
/// components and the chart's Prometheus, Alertmanager and Ruler) has a
/// PodDisruptionBudget selecting its pods that lets a drain take at least one and keeps
/// one; Receive's lets it take at most `factor - (factor / 2 + 1)` (at least 1), its
/// write quorum's spare.
fn every_replicated_workload_has_a_budget(build: &Build, expect: &Expect) -> Checked {
    let central = &expect.fleet.central;
    if !central.topology.disruption_budgets {
        return Ok(Vec::new());
    }
    let budgets: Vec<&Value> = build.all("PodDisruptionBudget").collect();
    let mut problems = Vec::new();
    for (workload, labels) in replicated_pods(build) {
        let selecting: Vec<&&Value> = budgets
            .iter()
            .filter(|budget| {
                let selector = LabelSelector::deserialize(&budget["spec"]["selector"]).ok();
                selects(selector.as_ref(), &labels)
            })
            .collect();
        match selecting.as_slice() {
            [] => problems.push(format!(
                "{workload}: no PodDisruptionBudget selects its pods"
            )),
            [budget] => {
                let spec = &budget["spec"];
                let spares_one = spec["maxUnavailable"].as_i64().is_some_and(|n| n >= 1)
                    || spec["minAvailable"].as_i64().is_some_and(|n| n >= 1);
                if !spares_one {
                    problems.push(format!(
                        "{workload}: {} lets no drain proceed or keeps nothing",
                        describe(budget)
                    ));
                }
                if workload.ends_with("thanos-receive") {
                    let factor = i64::from(central.receive.replication_factor);
                    let spare = (factor - (factor / 2 + 1)).max(1);
                    if spec["maxUnavailable"].as_i64() != Some(spare) {
                        problems.push(format!(
                            "{workload}: maxUnavailable {} is not the quorum's spare {spare}",
                            spec["maxUnavailable"]
                        ));
                    }
                }
            }
            more => problems.push(format!(
                "{workload}: {} PodDisruptionBudgets select its pods",
                more.len()
            )),
        }
    }
    Ok(problems)
}

/// With a replication factor above 1, Receive's pods never share a node: a required pod
/// anti-affinity on the hostname selecting its own pods.
fn receive_pods_never_share_a_node(build: &Build, expect: &Expect) -> Checked {
    let receive = &expect.fleet.central.receive;
    if receive.replication_factor <= 1 || receive.replicas <= 1 {
        return Ok(Vec::new());
    }
    let stateful_set: StatefulSet = build.one("StatefulSet", Some("thanos-receive"))?;
    let template = stateful_set
        .spec
        .map(|spec| spec.template)
        .unwrap_or_default();
    let labels = template
        .metadata
        .as_ref()
        .and_then(|meta| meta.labels.clone())
        .unwrap_or_default();
    let required = template
        .spec
        .as_ref()
        .and_then(|pod| pod.affinity.as_ref())
        .and_then(|affinity| affinity.pod_anti_affinity.as_ref())
        .and_then(|anti| {
            anti.required_during_scheduling_ignored_during_execution
                .as_ref()
        });
    let apart = required.iter().flat_map(|terms| terms.iter()).any(|term| {
        term.topology_key == thanos_model::HOSTNAME_KEY
            && selects(term.label_selector.as_ref(), &labels)
    });
    Ok(if apart {
        Vec::new()
    } else {
        vec![format!(
            "thanos-receive (factor {}) has no required anti-affinity on {} selecting its own pods",
            receive.replication_factor,
            thanos_model::HOSTNAME_KEY
        )]
    })
}
