//! TLS on every Ingress a new fleet and the secure fleet render, and Grafana's least
//! privilege (issue 16): asserted on the rendered objects.

mod common;

use serde_yaml::Value;
use thanos_model::{seed, FleetBuilder, Ingress, ValidFleet};
use thanos_render::{render, Tree};

const CENTRAL: &str = "overlays/cluster-01-central/kube-prometheus-stack";

fn build(builder: FleetBuilder) -> (ValidFleet, Tree) {
    let fleet = builder.build().expect("valid");
    let tree = render(&fleet);
    (fleet, tree)
}

/// The secure fleet with Query's Ingress on as well.
fn with_query_ingress() -> FleetBuilder {
    let fleet = seed::secure_fleet(3).build().expect("valid").into_inner();
    let central = fleet
        .central
        .clone()
        .query(fleet.central.query.clone().ingress(Ingress::new()));
    seed::secure_fleet(3).central(central)
}

fn central_documents(tree: &Tree, file: &str) -> Vec<Value> {
    common::file_documents(tree, &format!("{CENTRAL}/{file}"))
}

fn values(tree: &Tree) -> Value {
    central_documents(tree, "values-central.yaml").remove(0)
}

/// Every cert-manager Certificate's Secret and DNS names.
fn certificates(tree: &Tree) -> Vec<(String, Vec<String>)> {
    central_documents(tree, "thanos-certificates.yaml")
        .into_iter()
        .filter(|d| d["kind"] == "Certificate")
        .map(|d| {
            let names = d["spec"]["dnsNames"]
                .as_sequence()
                .into_iter()
                .flatten()
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect();
            (d["spec"]["secretName"].as_str().unwrap().to_owned(), names)
        })
        .collect()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_sequence()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// Each Ingress (rendered or Grafana's from the chart values) has TLS: the controller
/// terminates it with a Secret a Certificate issues for its host, or it passes TLS
/// through to Receive, which requires client certificates.
fn assert_tls_on_every_ingress(tree: &Tree) -> usize {
    let certificates = certificates(tree);
    let issued = |secret: &str, hosts: &[String]| {
        certificates
            .iter()
            .any(|(name, names)| name == secret && hosts.iter().all(|h| names.contains(h)))
    };
    let mut checked = 0;
    for (path, content) in common::yaml_files(tree) {
        for ingress in common::documents(content)
            .into_iter()
            .filter(|d| d["kind"] == "Ingress")
        {
            let name = ingress["metadata"]["name"].as_str().unwrap().to_owned();
            let hosts: Vec<String> = ingress["spec"]["rules"]
                .as_sequence()
                .unwrap()
                .iter()
                .map(|r| r["host"].as_str().unwrap().to_owned())
                .collect();
            let annotations = &ingress["metadata"]["annotations"];
            if annotations["ingress.cilium.io/tls-passthrough"] == "enabled" {
                assert_eq!(name, "thanos-receive", "{path}");
                let receive = common::thanos_containers(tree)
                    .into_iter()
                    .find(|(_, _, args)| args[0] == "receive")
                    .expect("receive");
                assert!(
                    receive
                        .2
                        .iter()
                        .any(|a| a.starts_with("--remote-write.server-tls-client-ca=")),
                    "Receive requires client certificates"
                );
            } else {
                let tls = &ingress["spec"]["tls"][0];
                assert_eq!(strings(&tls["hosts"]), hosts, "{path}: {name}");
                let secret = tls["secretName"].as_str().expect("a Secret");
                assert_eq!(secret, format!("{name}-tls"));
                assert!(issued(secret, &hosts), "{path}: no Certificate for {name}");
            }
            checked += 1;
        }
    }
    let grafana = &values(tree)["grafana"];
    let hosts = strings(&grafana["ingress"]["hosts"]);
    let tls = &grafana["ingress"]["tls"][0];
    assert_eq!(strings(&tls["hosts"]), hosts);
    assert!(issued(tls["secretName"].as_str().unwrap(), &hosts));
    let ini = &grafana["grafana.ini"];
    assert_eq!(
        ini["server"]["root_url"],
        format!("https://{}/", hosts[0]).as_str()
    );
    assert_eq!(ini["security"]["cookie_secure"], true);
    assert_eq!(ini["security"]["cookie_samesite"], "strict");
    checked + 1
}

#[test]
fn a_new_fleet_has_tls_on_every_ingress() {
    let (fleet, tree) = build(seed::new_fleet(3));
    assert!(fleet.warnings().is_empty(), "{:?}", fleet.warnings());
    // Receive's (passed through) and Grafana's.
    assert_eq!(assert_tls_on_every_ingress(&tree), 2);
}

#[test]
fn the_secure_fleet_has_tls_on_every_ingress() {
    let (_, tree) = build(seed::secure_fleet(3));
    assert_eq!(assert_tls_on_every_ingress(&tree), 2);
}

#[test]
fn an_opened_query_ingress_gets_tls_and_its_certificate() {
    let (fleet, tree) = build(with_query_ingress());
    assert_eq!(assert_tls_on_every_ingress(&tree), 3);
    // Cilium's Ingress may reach Query's HTTP port through the NetworkPolicies.
    let cilium = central_documents(&tree, "network-policies.yaml")
        .into_iter()
        .find(|d| d["metadata"]["name"] == "thanos-query-from-ingress")
        .expect("Query's CiliumNetworkPolicy");
    assert_eq!(
        cilium["spec"]["ingress"][0]["toPorts"][0]["ports"][0]["port"],
        "9090"
    );
    assert_eq!(cilium["spec"]["ingress"][0]["fromEntities"][0], "ingress");
    // Still no authentication in front of Query: check says so.
    let paths: Vec<&str> = fleet.warnings().iter().map(|w| w.path.as_str()).collect();
    assert_eq!(paths, ["central.query.ingress"]);
}

#[test]
fn ingress_certificates_come_from_the_named_issuer() {
    use thanos_model::{IngressTls, IssuerKind, IssuerRef, Security};
    let issuer = IngressTls::default().issuer(IssuerRef::new(IssuerKind::ClusterIssuer, "acme"));
    let (_, tree) = build(seed::secure_fleet(3).security(Security::default().ingress_tls(issuer)));
    let documents = central_documents(&tree, "thanos-certificates.yaml");
    let grafana = documents
        .iter()
        .find(|d| d["metadata"]["name"] == "grafana-tls")
        .expect("Grafana's Certificate");
    assert_eq!(grafana["spec"]["issuerRef"]["kind"], "ClusterIssuer");
    assert_eq!(grafana["spec"]["issuerRef"]["name"], "acme");
    assert!(
        documents
            .iter()
            .all(|d| d["metadata"]["name"] != "thanos-ingress-ca"),
        "no own CA with an issuer of the operator's"
    );
}

#[test]
fn existing_ingress_secrets_are_named_and_nothing_is_issued() {
    use thanos_model::{IngressTls, Security};
    let security = Security::default().ingress_tls(IngressTls::existing_secrets());
    let (_, tree) = build(with_query_ingress().security(security));
    let issued: Vec<String> = certificates(&tree).into_iter().map(|(s, _)| s).collect();
    for secret in ["grafana-tls", "thanos-query-tls", "thanos-ingress-ca"] {
        assert!(!issued.contains(&secret.to_owned()), "{secret} issued");
    }
    assert!(issued.contains(&"thanos-receive-server-tls".to_owned()));
    let query = central_documents(&tree, "thanos-query.yaml")
        .into_iter()
        .find(|d| d["kind"] == "Ingress")
        .expect("Query's Ingress");
    assert_eq!(query["spec"]["tls"][0]["secretName"], "thanos-query-tls");
}

#[test]
fn the_lab_keeps_plain_http_and_warns() {
    let (fleet, tree) = build(seed::seed(3));
    // The lab warns about much else; about Ingress TLS exactly once.
    let warnings = fleet.warnings().iter();
    let tls = warnings.filter(|w| w.path == "security.ingressTls");
    assert_eq!(tls.count(), 1);
    assert!(values(&tree)["grafana"]["ingress"]["tls"].is_null());
    assert!(values(&tree)["grafana"]["grafana.ini"].is_null());
}

#[test]
fn grafana_reads_configmaps_of_its_own_namespace_only() {
    let (_, tree) = build(seed::new_fleet(3));
    let grafana = &values(&tree)["grafana"];
    assert_eq!(grafana["rbac"]["create"], false, "no chart ClusterRole");
    let sidecar = &grafana["sidecar"];
    assert_eq!(sidecar["dashboards"]["searchNamespace"], "monitoring");
    assert_eq!(sidecar["dashboards"]["resource"], "configmap");
    assert_eq!(sidecar["datasources"]["resource"], "configmap");
    let rbac = central_documents(&tree, "grafana-rbac.yaml");
    let kinds: Vec<&str> = rbac.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["Role", "RoleBinding"]);
    let rules = rbac[0]["rules"].as_sequence().unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(strings(&rules[0]["resources"]), ["configmaps"]);
    assert_eq!(strings(&rules[0]["verbs"]), ["get", "list", "watch"]);
    assert_eq!(rbac[1]["roleRef"]["name"], rbac[0]["metadata"]["name"]);
    assert_eq!(
        rbac[1]["subjects"][0]["name"], "kube-prometheus-stack-grafana",
        "the grafana subchart's ServiceAccount"
    );
    let resources = central_documents(&tree, "kustomization.yaml").remove(0)["resources"].clone();
    assert!(strings(&resources).contains(&"grafana-rbac.yaml".to_owned()));
    // The lab keeps the chart's RBAC and renders no Role.
    let (_, lab) = build(seed::seed(3));
    assert!(lab.get(&format!("{CENTRAL}/grafana-rbac.yaml")).is_none());
}

/// The runbook says how to trust the Ingress CA and check the network boundaries, in the
/// fleet's language, and the lab's runbook has no security section.
#[test]
fn the_runbook_explains_each_security_step_in_both_languages() {
    use thanos_model::{Language, RunbookOptions};
    for (language, heading, trust) in [
        (Language::English, "## Security", "trust store"),
        (Language::Korean, "## 보안", "신뢰 저장소"),
    ] {
        let (_, tree) =
            build(seed::secure_fleet(3).runbook(RunbookOptions::default().language(language)));
        let readme = tree.get("README.md").expect("the runbook");
        assert!(readme.contains(heading), "{language:?}");
        assert!(readme.contains(trust), "{language:?}");
        for command in [
            "label --dry-run=server --overwrite namespace monitoring pod-security.kubernetes.io/enforce=restricted",
            "wait --for=condition=Ready --timeout=5m certificate/grafana-tls",
            "get secret thanos-ingress-ca -o go-template=",
            "wget -T 5 -qO- http://thanos-store.monitoring.svc:10902/-/ready",
        ] {
            assert!(readme.contains(command), "{language:?}: {command}");
        }
        assert!(readme.contains("https://grafana.k8s-cluster-01.miribit.lab"));
    }
    let (_, lab) = build(seed::seed(3));
    assert!(!lab.get("README.md").unwrap().contains("## 보안"));
}
