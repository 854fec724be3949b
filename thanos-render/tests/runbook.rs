//! The runbook rendered with the tree (`README.md`): what an operator following it relies
//! on. Its commands parse, name files the tree has, address this fleet's clusters and
//! never hold a secret; it lists every cluster; it follows the fleet's language and goes
//! away when the fleet turns it off. The seed's runbook is snapshot-tested in Korean (with
//! the rest of the seed's tree, `four-clusters__README.md`) and here in English.

mod common;

use std::collections::BTreeSet;

use common::runbook::{bash_syntax, sh_blocks};
use serde_yaml::Value;
use thanos_model::{
    seed::{new_fleet, seed},
    Central, Edge, FleetBuilder, Grafana, Language, ObjectStorage, Query, Receive, RunbookOptions,
    S3Credentials, ValidFleet, S3,
};
use thanos_render::{
    marker::{self, Provenance},
    render, Tree, DEFAULT_ROOT,
};

const README: &str = "README.md";

fn build(builder: FleetBuilder) -> ValidFleet {
    builder.build().expect("the fleet is valid")
}

fn english(builder: FleetBuilder) -> FleetBuilder {
    builder.runbook(RunbookOptions::default().language(Language::English))
}

/// The seed, and variants that take the runbook's other branches: Receive 3/3, Query 2
/// without Ingress, Grafana without Ingress, the objstore Secret made outside the tree, a
/// labelled fifth edge, no edge at all.
fn fleets() -> Vec<(&'static str, ValidFleet)> {
    let ha = seed(3)
        .object_storage(ObjectStorage::S3(
            S3::new("s3.minio.miribit.lab", "thanos")
                .insecure(true)
                .credentials(S3Credentials::ExistingSecret),
        ))
        .central(
            Central::new("cluster-01-central")
                .context("cluster-01")
                .api_address("192.168.101.194")
                .receive(Receive::default().replicas(3).replication_factor(3))
                .query(Query::default().replicas(2).without_ingress())
                .grafana(Grafana::default().without_ingress()),
        );
    vec![
        ("seed", build(seed(3))),
        ("seed in English", build(english(seed(3)))),
        ("high availability", build(ha.clone())),
        ("high availability in English", build(english(ha))),
        (
            "a labelled edge",
            build(
                seed(3).edge(
                    Edge::new("cluster-05-edge")
                        .context("lab-05")
                        .api_address("10.9.9.5")
                        .cluster_label("site-five")
                        .node_exporter(false),
                ),
            ),
        ),
        ("no edge", build(seed(0))),
        ("a new fleet", build(english(new_fleet(3)))),
    ]
}

fn readme(tree: &Tree) -> &str {
    tree.get(README).expect("the runbook is rendered")
}

/// Every line of every `sh` block.
fn command_lines(markdown: &str) -> Vec<String> {
    sh_blocks(markdown)
        .iter()
        .flat_map(|block| block.lines().map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

#[test]
fn the_seed_runbook_in_english_matches_its_snapshot() {
    let tree = render(&build(english(seed(3))));
    let mut settings = common::snapshot_settings();
    settings.set_description(format!("{DEFAULT_ROOT}/{README} (the seed, in English)"));
    settings.bind(|| insta::assert_snapshot!("four-clusters-en__README.md", readme(&tree)));
}

#[test]
fn the_fleet_file_chooses_the_language_and_the_commands_stay_the_same() {
    let korean = render(&build(seed(3)));
    let english = render(&build(english(seed(3))));
    assert!(
        readme(&korean).contains("\n# 런북: "),
        "the seed's runbook is Korean"
    );
    assert!(readme(&english).contains("\n# Runbook: "));
    assert!(!readme(&english).contains("클러스터"));
    assert_eq!(sh_blocks(readme(&korean)), sh_blocks(readme(&english)));
    // Nothing but the runbook depends on its language.
    for (path, content) in korean.iter().filter(|(path, _)| *path != README) {
        assert_eq!(english.get(path), Some(content), "{path}");
    }
}

#[test]
fn the_runbook_carries_the_generated_file_header_as_html_comments() {
    let tree = render(&build(seed(3)));
    let readme = readme(&tree);
    assert!(
        readme.starts_with(&format!("<!-- {} -->\n<!-- ", marker::GENERATED_TEXT)),
        "{}",
        &readme[..200]
    );
    assert_eq!(marker::provenance(readme), Provenance::Generated);
    assert_eq!(
        marker::provenance(&readme.replacen("kubectl", "kubectI", 1)),
        Provenance::Edited
    );
}

#[test]
fn every_shell_block_parses() {
    // The checker can fail.
    assert!(bash_syntax("echo (\n").is_err());
    assert_eq!(
        sh_blocks("a\n\n```sh\nls\n```\n\n````text\n```sh\nx\n````\n\n```sh\npwd\n```\n"),
        ["ls\n", "pwd\n"]
    );
    for (name, fleet) in fleets() {
        let tree = render(&fleet);
        let readme = readme(&tree);
        let blocks = sh_blocks(readme);
        assert_eq!(
            blocks.len(),
            readme.lines().filter(|line| *line == "```sh").count(),
            "{name}: every sh block is read"
        );
        assert!(blocks.len() >= 15, "{name}: {} blocks", blocks.len());
        for block in &blocks {
            if let Err(error) = bash_syntax(block) {
                panic!("{name}: {error}");
            }
        }
    }
}

#[test]
fn the_runbook_lists_every_cluster() {
    for (name, fleet) in fleets() {
        let tree = render(&fleet);
        let readme = readme(&tree);
        let central = std::iter::once((
            &fleet.central.name,
            &fleet.central.context,
            &fleet.central.api_address,
            fleet.central.cluster_label_value(),
        ));
        let edges = fleet
            .edges
            .iter()
            .map(|e| (&e.name, &e.context, &e.api_address, e.cluster_label_value()));
        for (cluster, context, api, label) in central.chain(edges) {
            let row = readme
                .lines()
                .find(|line| line.starts_with(&format!("| `{cluster}` | ")))
                .unwrap_or_else(|| panic!("{name}: no row of {cluster}"));
            let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
            assert_eq!(cells[1], format!("`{context}`"), "{name}: {row}");
            assert_eq!(cells[2], format!("`{api}`"), "{name}: {row}");
            assert_eq!(cells[4], format!("`{label}`"), "{name}: {row}");
            assert_eq!(
                cells[5],
                format!("`overlays/{cluster}/kube-prometheus-stack/`"),
                "{name}: {row}"
            );
            // The cluster label the runbook promises is the one its values set.
            let values = tree
                .iter()
                .find(|(path, _)| {
                    path.starts_with(&format!("overlays/{cluster}/")) && path.contains("/values-")
                })
                .map(|(_, content)| common::documents(content).remove(0))
                .unwrap();
            assert_eq!(
                values["prometheus"]["prometheusSpec"]["externalLabels"]["cluster"].as_str(),
                Some(label)
            );
            // Every cluster is deployed: its namespace step names its context.
            assert!(
                command_lines(readme)
                    .iter()
                    .any(|line| line.starts_with(&format!(
                        "kubectl --context {context} apply --server-side -f overlays/{cluster}/"
                    ))),
                "{name}: {cluster} is never deployed"
            );
        }
    }
}

#[test]
fn disabling_the_runbook_removes_readme() {
    let on = render(&build(seed(3)));
    let fleet = build(seed(3).runbook(RunbookOptions::disabled()));
    assert!(thanos_render::manifests(&fleet).runbook.is_none());
    let off = render(&fleet);
    assert_eq!(off.get(README), None);
    assert_eq!(off.len(), 20);
    assert_eq!(on.len(), 21);
    let expected: Vec<(&str, &str)> = on.iter().filter(|(path, _)| *path != README).collect();
    assert_eq!(off.iter().collect::<Vec<_>>(), expected);
}

/// The chart's CRD directory in an overlay once the build has unpacked the chart, from
/// the chart entry of the overlay's own kustomization.
fn crd_dir(tree: &Tree, overlay: &str) -> String {
    let kustomization =
        common::file_documents(tree, &format!("{overlay}/kustomization.yaml")).remove(0);
    let chart = &kustomization["helmCharts"][0];
    let (name, version) = (
        chart["name"].as_str().unwrap(),
        chart["version"].as_str().unwrap(),
    );
    format!("{overlay}/charts/{name}-{version}/{name}/charts/crds/crds/")
}

#[test]
fn commands_name_paths_of_the_rendered_tree() {
    for (name, fleet) in fleets() {
        let tree = render(&fleet);
        let readme = readme(&tree);
        let overlays: BTreeSet<String> = tree
            .iter()
            .filter_map(|(path, _)| path.strip_suffix("/kustomization.yaml"))
            .filter(|dir| dir.starts_with("overlays/"))
            .map(str::to_owned)
            .collect();
        let mut named = BTreeSet::new();
        for line in command_lines(readme) {
            for word in line.split_whitespace() {
                let word = word.trim_matches(['"', '\'']);
                if !word.starts_with("overlays/") && !word.starts_with("base/") {
                    continue;
                }
                named.insert(word.to_owned());
                if let Some((overlay, _)) = word.split_once("/charts/") {
                    // Made by the build: kustomize unpacks the chart of the overlay's
                    // kustomization there (checked against the real chart by the e2e tier).
                    assert!(overlays.contains(overlay), "{name}: {word}");
                    assert_eq!(word, crd_dir(&tree, overlay), "{name}");
                } else {
                    assert!(
                        tree.get(word).is_some() || overlays.contains(word),
                        "{name}: `{line}` names {word}, which the tree does not have"
                    );
                }
            }
        }
        for overlay in &overlays {
            for expected in [
                overlay.clone(),
                format!("{overlay}/namespace.yaml"),
                crd_dir(&tree, overlay),
            ] {
                assert!(
                    named.contains(&expected),
                    "{name}: {expected} is never used"
                );
            }
        }
        let secret = format!(
            "overlays/{}/kube-prometheus-stack/thanos-s3-secret.yaml",
            fleet.central.name
        );
        assert_eq!(
            named.contains(&secret),
            tree.get(&secret).is_some(),
            "{name}: the S3 Secret step follows the tree"
        );
    }
}

#[test]
fn the_s3_step_is_the_command_of_the_secret_files_comment() {
    let tree = render(&build(seed(3)));
    let dir = "overlays/cluster-01-central/kube-prometheus-stack";
    let secret = tree.get(&format!("{dir}/thanos-s3-secret.yaml")).unwrap();
    let comment = secret
        .lines()
        .find_map(|line| line.strip_prefix("# : "))
        .expect("the comment holds the command");
    let command = format!(": {comment}").replace(
        "< thanos-s3-secret.yaml",
        &format!("< {dir}/thanos-s3-secret.yaml"),
    );
    assert!(command_lines(readme(&tree)).contains(&command), "{command}");
}

#[test]
fn secrets_come_from_refused_unset_variables_never_from_the_text() {
    for (name, fleet) in fleets() {
        let tree = render(&fleet);
        let readme = readme(&tree);
        for forbidden in [
            "admin123",
            "prom-operator",
            "--from-literal=admin-password=admin",
        ] {
            assert!(!readme.contains(forbidden), "{name}: {forbidden}");
        }
        let lines = command_lines(readme);
        // The write path's client certificates are copied edge by edge, their key read
        // through a process substitution only (never a file or a literal).
        let (certificates, others): (Vec<&String>, Vec<&String>) = lines
            .iter()
            .filter(|line| line.contains("create secret generic"))
            .partition(|line| line.contains("--from-file=tls.key="));
        for line in certificates {
            assert!(
                line.contains("--from-file=tls.key=<(kubectl "),
                "{name}: {line}"
            );
        }
        // No Secret's value (a key, a receiver's URL, the password) on a command line.
        for line in &others {
            assert!(
                !line.contains("--from-literal=admin-password"),
                "{name}: {line}"
            );
            assert!(
                line.contains("grafana-admin") || !line.contains("--from-literal"),
                "{name}: {line}"
            );
        }
        let grafana: Vec<&String> = others
            .into_iter()
            .filter(|line| line.contains("GRAFANA"))
            .collect();
        assert_eq!(grafana.len(), 1, "{name}");
        // Refused when unset, then through a pipe: the password is on no command line.
        assert!(
            grafana[0].starts_with(": \"${GRAFANA_ADMIN_PASSWORD:?}\"; ")
                && grafana[0].contains(
                    "--from-file=admin-password=<(printf %s \"$GRAFANA_ADMIN_PASSWORD\")"
                )
                && !grafana[0].contains("--from-literal=admin-password"),
            "{name}: {}",
            grafana[0]
        );
        // Server-side apply: no copy of a key in the last-applied-configuration annotation.
        assert!(grafana[0].contains("apply --server-side"), "{name}");
        for line in lines.iter().filter(|line| line.contains("envsubst")) {
            assert!(
                line.starts_with(": \"${S3_ACCESS_KEY:?}\" \"${S3_SECRET_KEY:?}\"; envsubst '$S3_ACCESS_KEY $S3_SECRET_KEY' < ")
                    && line.ends_with("apply --server-side --field-manager=thanos-kustomize -f -"),
                "{name}: {line}"
            );
        }
        // The shell forgets the secrets after use.
        assert!(
            lines
                .iter()
                .any(|line| line.starts_with("unset ") && line.contains("GRAFANA_ADMIN_PASSWORD")),
            "{name}"
        );
    }
}

#[test]
fn edges_are_addressed_as_prometheus_agents() {
    for (name, fleet) in fleets() {
        let tree = render(&fleet);
        let lines = command_lines(readme(&tree));
        for edge in &fleet.edges {
            let on_edge: Vec<&String> = lines
                .iter()
                .filter(|line| line.contains(&format!("--context {} ", edge.context)))
                .collect();
            assert!(on_edge.len() >= 6, "{name}: {}", edge.name);
            for line in &on_edge {
                assert!(
                    !line.contains("prometheus-kube-prometheus-stack-prometheus-")
                        && !line.contains("get prometheus,")
                        && !line.ends_with("get prometheus"),
                    "{name}: an edge runs no Prometheus: {line}"
                );
            }
            assert!(
                on_edge
                    .iter()
                    .any(|line| line.ends_with("get prometheusagent")),
                "{name}: {}",
                edge.name
            );
        }
        if let Some(edge) = fleet.edges.first() {
            assert!(lines.iter().any(|line| line.contains(&format!(
                "--context {} -n monitoring logs prom-agent-kube-prometheus-stack-prometheus-0 -c prometheus",
                edge.context
            ))));
        }
    }
}

#[test]
fn hosts_and_expected_labels_are_this_fleets() {
    let fleet = build(seed(3));
    let tree = render(&fleet);
    let markdown = readme(&tree);
    let lines = command_lines(markdown);
    let host = |file: &str| {
        common::file_documents(
            &tree,
            &format!("overlays/cluster-01-central/kube-prometheus-stack/{file}"),
        )
        .into_iter()
        .find(|d| d["kind"] == "Ingress")
        .map(|d| d["spec"]["rules"][0]["host"].as_str().unwrap().to_owned())
        .unwrap()
    };
    let query = host("thanos-query.yaml");
    let receive = host("thanos-receive.yaml");
    assert!(lines.contains(&format!(
        "curl -fsS -G --data-urlencode 'query=count by (cluster) (up)' http://{query}/api/v1/query"
    )));
    assert!(lines.contains(&format!(
        "curl -s -o /dev/null -w '%{{http_code}}\\n' -X POST http://{receive}/api/v1/receive"
    )));
    let labels: Vec<String> = std::iter::once(fleet.central.cluster_label_value())
        .chain(fleet.edges.iter().map(|e| e.cluster_label_value()))
        .map(|label| format!("`{label}`"))
        .collect();
    assert!(markdown.contains(&labels.join(", ")), "{labels:?}");

    // Without an Ingress the same check goes through a port-forward to Query's Service.
    let ha = fleets().remove(2).1;
    let tree = render(&ha);
    let lines = command_lines(readme(&tree));
    assert!(lines.contains(
        &"kubectl --context cluster-01 -n monitoring port-forward svc/thanos-query 9090:9090"
            .to_owned()
    ));
    assert!(lines
        .iter()
        .any(|l| l.ends_with(" http://localhost:9090/api/v1/query")));
    let values: Value = common::file_documents(
        &tree,
        "overlays/cluster-01-central/kube-prometheus-stack/values-central.yaml",
    )
    .remove(0);
    assert_eq!(values["grafana"]["ingress"], Value::Null);
    assert!(lines.contains(&"kubectl --context cluster-01 -n monitoring port-forward svc/kube-prometheus-stack-grafana 3000:80".to_owned()));
}

#[test]
fn a_new_fleet_creates_its_receiver_secret_before_the_build_and_sends_a_test_alert() {
    let tree = render(&build(english(new_fleet(3))));
    let lines = command_lines(readme(&tree));
    let position = |needle: &str| {
        lines
            .iter()
            .position(|line| line.contains(needle))
            .unwrap_or_else(|| panic!("no command with {needle}"))
    };
    let secret = position("create secret generic alertmanager-oncall");
    assert!(
        lines[secret].contains("--from-file=url=<(printf '%s' \"${ALERTMANAGER_ONCALL_URL:?}\")")
    );
    assert_eq!(
        lines[secret - 1],
        "read -rsp 'ALERTMANAGER_ONCALL_URL: ' ALERTMANAGER_ONCALL_URL; echo"
    );
    assert!(secret < position("kubectl kustomize --enable-helm"));
    let test_alert = position("127.0.0.1:9093/api/v2/alerts");
    assert!(lines[test_alert].contains("\"severity\":\"critical\""));
    assert!(position("port-forward svc/kube-prometheus-stack-alertmanager 9093:9093") < test_alert);
    // A user's own rule joins the Ruler by the label the README names.
    assert!(readme(&tree).contains("`thanos-kustomize.io/evaluator: thanos-ruler`"));
    // The lab has no receiver: no receiver Secret, no alerting section.
    let lab = render(&build(english(seed(3))));
    assert!(!readme(&lab).contains("alertmanager-oncall"));
    assert!(!readme(&lab).contains("## Alerting"));
}
