//! The runbook's security section: what the tree locks down and the operator's steps for
//! it: the Pod Security dry run on a running cluster, the network boundaries and how to
//! check them, the Ingress certificates (each credential's step), and the image digests.

use thanos_model::{CertificateSource, Component, Fleet, IssuerKind};

use super::{
    lang::Lang,
    markdown::{code, plain, Block, CodeBlock},
    FleetView,
};
use crate::{
    overlays::central::{
        certificates::{GRPC_CA, INGRESS_CA},
        network_policies::{ALERTMANAGER_OPERATED, ALERTMANAGER_WEB},
        s3_secret,
        thanos::{
            component::{GRPC, HTTP},
            receive::CAPNPROTO_PORT,
            service_address,
        },
    },
    shell::{kubectl, kubectl_in, quote},
    CentralOverlay,
};

/// Each Ingress that terminates TLS, as rendered: its Secret and host, Grafana's (in its
/// values) then Query's.
fn tls_ingresses(central: &CentralOverlay) -> Vec<(String, String)> {
    let grafana = central
        .values
        .grafana
        .iter()
        .filter_map(|grafana| grafana.ingress.as_ref()?.tls.as_ref())
        .flatten()
        .flat_map(|tls| {
            let secret = &tls.secret_name;
            tls.hosts.iter().map(|host| (secret.clone(), host.clone()))
        });
    let query = central
        .query
        .shared
        .ingress
        .iter()
        .filter_map(|ingress| ingress.spec.as_ref()?.tls.as_ref())
        .flatten()
        .flat_map(|tls| {
            let secret = tls.secret_name.clone();
            tls.hosts
                .iter()
                .flatten()
                .filter_map(move |host| Some((secret.clone()?, host.clone())))
        });
    grafana.chain(query).collect()
}

/// Where the Ingress certificates come from.
#[derive(Debug, Clone)]
pub(crate) enum IngressCertificateSource {
    /// The fleet's own CA, `thanos-ingress-ca`.
    OwnCa,
    /// An Issuer or ClusterIssuer of the operator's.
    Issuer { kind: IssuerKind, name: String },
    /// Secrets the operator creates.
    ExistingSecrets,
}

/// What the security section quotes.
#[derive(Debug, Clone)]
pub(crate) struct SecurityView {
    /// The Pod Security level the namespace enforces, if any.
    pub pod_security: Option<&'static str>,
    /// node-exporter's own namespace, with a Pod Security level.
    pub node_exporter_namespace: Option<String>,
    /// With NetworkPolicies: URLs a pod of another namespace must not reach, Store's
    /// and Alertmanager's readiness.
    pub network_checks: Option<[String; 2]>,
    /// Each TLS Ingress: its Secret and host.
    pub tls_ingresses: Vec<(String, String)>,
    pub certificates: Option<IngressCertificateSource>,
    /// Whether the chart's images are pinned by digest.
    pub pinned_images: bool,
    /// With gRPC TLS: the names of the StoreAPIs' Certificates (the servers', then
    /// Query's).
    pub grpc_certificates: Vec<String>,
    /// With separate S3 credentials: Store's and Compactor's Secret, key variables and
    /// the command that makes the Secret.
    pub s3_component_secrets: Vec<(String, [String; 2], String)>,
}

impl SecurityView {
    pub(crate) fn new(fleet: &Fleet, central: &CentralOverlay) -> Self {
        let security = &fleet.security;
        let certificates =
            security
                .ingress_tls
                .as_ref()
                .map(|tls| match (tls.certificates, &tls.issuer) {
                    (CertificateSource::ExistingSecrets, _) => {
                        IngressCertificateSource::ExistingSecrets
                    }
                    (CertificateSource::CertManager, None) => IngressCertificateSource::OwnCa,
                    (CertificateSource::CertManager, Some(issuer)) => {
                        IngressCertificateSource::Issuer {
                            kind: issuer.kind,
                            name: issuer.name.clone(),
                        }
                    }
                });
        Self {
            pod_security: security.pod_security.label(),
            node_exporter_namespace: security.node_exporter_namespace(&fleet.namespace),
            network_checks: central.network_policies.as_ref().map(|_| {
                let ready = |service: &str, port: u16| {
                    format!("http://{}/-/ready", service_address(fleet, service, port))
                };
                [
                    ready(Component::Store.name(), HTTP.number),
                    ready(ALERTMANAGER_OPERATED, ALERTMANAGER_WEB),
                ]
            }),
            tls_ingresses: tls_ingresses(central),
            certificates,
            pinned_images: !fleet.chart.images.is_empty() || fleet.thanos.digest.is_some(),
            grpc_certificates: central
                .grpc_certificates
                .iter()
                .flat_map(|grpc| grpc.servers.iter().chain([&grpc.client]))
                .filter_map(|certificate| certificate.metadata.name.clone())
                .collect(),
            s3_component_secrets: {
                let thanos_model::ObjectStorage::S3(s3) = &fleet.object_storage;
                s3.component_secrets
                    .iter()
                    .flat_map(|_| [Component::Store, Component::Compactor])
                    .map(|component| {
                        (
                            fleet
                                .object_storage
                                .config_secret_of(component)
                                .name
                                .clone(),
                            s3_secret::component_key_vars(component),
                            s3_secret::component_secret_command(fleet, component),
                        )
                    })
                    .collect()
            },
        }
    }

    /// Whether the Ingress of `host` terminates TLS.
    pub(crate) fn https(&self, host: &str) -> bool {
        self.tls_ingresses.iter().any(|(_, h)| h == host)
    }
}

pub(crate) fn blocks(f: &FleetView, l: Lang) -> Vec<Block> {
    let s = &f.security;
    let mut blocks = vec![l.h(2, "Security", "보안", [])];
    if let Some(level) = s.pod_security {
        blocks.push(l.p(
            "**Pod Security.** {} enforces {} on every cluster{}. On a cluster that already runs pods, ask the API server which of them the level would refuse before applying {} (a dry run changes nothing); it prints a warning per refused pod, and none means the label is safe to apply:",
            "**Pod Security.** 모든 클러스터의 {}에 {} 수준을 강제합니다{}. 이미 파드가 돌고 있는 클러스터라면 {}를 적용하기 전에 이 수준이 거부할 파드가 있는지 API 서버에 물어봅니다(dry run은 아무것도 바꾸지 않습니다). 거부될 파드마다 경고가 출력되며, 경고가 없으면 적용해도 안전합니다:",
            [
                code(&f.namespace),
                code(level),
                match &s.node_exporter_namespace {
                    Some(ns) => l.text(
                        "; node-exporter, which needs the host, runs in {} (privileged)",
                        "; 호스트 접근이 필요한 node-exporter는 {}(privileged)에서 실행됩니다",
                        [code(ns)],
                    ),
                    None => l.text("", "", []),
                },
                code(crate::overlays::namespace::FILE),
            ],
        ));
        blocks.push(
            CodeBlock::lines(
                "sh",
                f.clusters().map(|cluster| {
                    format!(
                        "{} label --dry-run=server --overwrite namespace {} pod-security.kubernetes.io/enforce={level}",
                        kubectl(&cluster.context),
                        quote(&f.namespace)
                    )
                }),
            )
            .into(),
        );
    }
    if let Some(checks) = &s.network_checks {
        blocks.push(l.p(
            "**Network boundaries.** Each cluster's {} denies every connection into {} that no policy allows, then lets each component accept only its real peers on its own ports: Query from Grafana, the Ruler and Prometheus; every StoreAPI ({2}) from Query (and Receive from its peers); Receive's remote-write port from the Ingress controller only; Alertmanager from Prometheus, the Ruler and Grafana; every metrics port from Prometheus. Cap'n Proto ({3}) is in no rule. On an edge, only the agent reaches its own pods and kube-state-metrics. Egress is not restricted (DNS, S3 and the API server differ per site). Check from a pod of another namespace that Store and Alertmanager do not answer (both commands must time out):",
            "**네트워크 경계.** 각 클러스터의 {}는 {}로 들어오는 연결 중 정책이 허용하지 않은 것을 모두 막고, 각 컴포넌트가 실제 상대에게서만 자기 포트로 연결을 받게 합니다. Query는 Grafana, Ruler, Prometheus에서, 모든 StoreAPI({2})는 Query에서(Receive는 다른 Receive에서도), Receive의 remote-write 포트는 Ingress 컨트롤러에서만, Alertmanager는 Prometheus, Ruler, Grafana에서, 모든 메트릭 포트는 Prometheus에서만 받습니다. Cap'n Proto({3})는 어떤 규칙에도 없습니다. 엣지에서는 에이전트만 자기 파드와 kube-state-metrics에 접근합니다. 나가는 연결(egress)은 제한하지 않습니다(DNS, S3, API 서버가 사이트마다 다르기 때문). 다른 네임스페이스의 파드에서 Store와 Alertmanager가 응답하지 않는지 확인합니다(두 명령 모두 시간 초과로 끝나야 합니다):",
            [
                code(crate::overlays::central::network_policies::FILE),
                code(&f.namespace),
                plain(GRPC.number.to_string()),
                plain(CAPNPROTO_PORT.to_string()),
            ],
        ));
        let probe = |url: &String| {
            format!(
                "{} run np-check --rm -i --restart=Never --image=busybox:1.36 -- wget -T 5 -qO- {}",
                kubectl_in(&f.central.context, "default"),
                quote(url)
            )
        };
        blocks.push(CodeBlock::lines("sh", checks.iter().map(probe)).into());
    }
    if let Some(certificates) = &s.certificates {
        blocks.extend(ingress_certificate_blocks(f, l, certificates));
    }
    if !s.grpc_certificates.is_empty() {
        blocks.extend(grpc_certificate_blocks(f, l));
    }
    if !s.s3_component_secrets.is_empty() {
        let [store, compactor] = [&s.s3_component_secrets[0], &s.s3_component_secrets[1]];
        blocks.push(l.p(
            "**Separate S3 keys.** The sidecar, Receive and the Ruler write with the keys of {}; Store reads with its own key in {}, and only the Compactor's key, in {}, deletes. Give each key only what it needs in the bucket's policy: Store {}; the writers {}; the Compactor {}. Before step 5 of the central deploy, type each pair (nothing is echoed, an empty key is refused, the keys reach the Secret through `printf`, a shell builtin, and are on no command line; the last line of each removes them):",
            "**S3 키 분리.** 사이드카, Receive, Ruler는 {}의 키로 씁니다. Store는 {}의 자기 키로 읽기만 하고, 삭제는 {}에 있는 Compactor의 키만 할 수 있습니다. 버킷 정책에서 각 키에 필요한 권한만 주세요. Store는 {}, 쓰는 쪽은 {}, Compactor는 {}. 중앙 배포 5단계 전에 키 쌍을 하나씩 입력합니다(화면에 표시되지 않고, 빈 키는 거부되며, 키는 셸 내장 명령 `printf`로 Secret에 전달되어 명령줄에 나타나지 않습니다. 각 블록의 마지막 줄이 변수를 지웁니다):",
            [
                code(&f.bucket.secret),
                code(&store.0),
                code(&compactor.0),
                code("s3:GetObject, s3:ListBucket"),
                code("+ s3:PutObject"),
                code("+ s3:PutObject, s3:DeleteObject"),
            ],
        ));
        for (_, [access, secret], command) in &s.s3_component_secrets {
            blocks.push(
                CodeBlock::lines(
                    "sh",
                    [
                        super::deploy::read_secret(access),
                        super::deploy::read_secret(secret),
                        command.clone(),
                        format!("unset {access} {secret}"),
                    ],
                )
                .into(),
            );
        }
    }
    if s.pinned_images {
        blocks.push(l.p(
            "**Images pinned by digest.** Every image runs by its digest (the fleet file's {} and {}), whatever its tag points at later. An example's digests are placeholders that no registry serves: replace each with the real one, {} for the tag the chart uses, and render again; a placeholder fails closed (the pull is refused, no other image runs).",
            "**다이제스트로 고정한 이미지.** 모든 이미지가 다이제스트(fleet 파일의 {}와 {})로 실행되므로 태그가 나중에 다른 이미지를 가리켜도 바뀌지 않습니다. 예제의 다이제스트는 어떤 레지스트리에도 없는 자리 표시자입니다. 차트가 쓰는 태그마다 {}로 실제 값을 구해 바꾸고 다시 렌더링하세요. 자리 표시자는 안전하게 실패합니다(pull이 거부되고 다른 이미지가 실행되지 않습니다).",
            [
                code("thanos.digest"),
                code("chart.images"),
                code("crane digest IMAGE:TAG"),
            ],
        ));
    }
    // Nothing locked down (the seed's lab): no section.
    if blocks.len() == 1 {
        blocks.clear();
    }
    blocks
}

/// The gRPC certificates: what they protect, and how to see that they are issued and
/// that Query reaches every StoreAPI with them.
fn grpc_certificate_blocks(f: &FleetView, l: Lang) -> Vec<Block> {
    let in_central = kubectl_in(&f.central.context, &f.namespace);
    vec![
        l.p(
            "**gRPC certificates.** The StoreAPIs ({2}: the sidecar, Receive, Store, the Ruler) serve mutual TLS: cert-manager issues each a server certificate from the CA {}, which issues nothing else, and Query a client certificate; a StoreAPI accepts no client without a certificate of that CA, so no pod that reaches {2}, and no edge with its write certificate, reads metrics. Receive replicates to its peers with its own certificate. cert-manager renews every certificate 30 days before it expires (a pod that keeps an old one shows on the same page; restart it). After step 5 of the central deploy, wait until they are ready, then check on Query's Stores page ({}) that every StoreAPI is up; a certificate problem shows there as a TLS handshake error:",
            "**gRPC 인증서.** StoreAPI({2}: 사이드카, Receive, Store, Ruler)는 상호 TLS로 서비스합니다. cert-manager가 다른 것은 발급하지 않는 CA {}에서 각 StoreAPI에 서버 인증서를, Query에 클라이언트 인증서를 발급합니다. StoreAPI는 이 CA의 인증서가 없는 클라이언트를 받지 않으므로, {2}에 닿는 파드도, 쓰기용 인증서를 가진 엣지도 메트릭을 읽을 수 없습니다. Receive는 자기 인증서로 다른 Receive에 복제합니다. cert-manager가 모든 인증서를 만료 30일 전에 갱신합니다(예전 인증서를 계속 쓰는 파드는 같은 페이지에 나타나니 재시작하세요). 중앙 배포 5단계 후 준비될 때까지 기다린 다음, Query의 Stores 페이지({})에서 모든 StoreAPI가 up인지 확인합니다. 인증서 문제는 그곳에 TLS handshake 오류로 나타납니다:",
            [
                code(GRPC_CA),
                code("/stores"),
                plain(GRPC.number.to_string()),
            ],
        ),
        CodeBlock::lines(
            "sh",
            [
                wait_certificates(
                    &in_central,
                    f.security.grpc_certificates.iter().map(String::as_str),
                ),
                format!("{in_central} get certificate"),
            ],
        )
        .into(),
    ]
}

/// The credential step of the Ingress certificates, by where they come from.
fn ingress_certificate_blocks(
    f: &FleetView,
    l: Lang,
    certificates: &IngressCertificateSource,
) -> Vec<Block> {
    let s = &f.security;
    if s.tls_ingresses.is_empty() {
        return Vec::new();
    }
    let hosts: Vec<String> = s.tls_ingresses.iter().map(|(_, h)| h.clone()).collect();
    let in_central = kubectl_in(&f.central.context, &f.namespace);
    let mut blocks = Vec::new();
    match certificates {
        IngressCertificateSource::ExistingSecrets => {
            blocks.push(l.p(
                "**Ingress certificates.** Before step 5 of the central deploy, create one TLS Secret per Ingress from your certificate and key files (the key is read from its file, never typed on a command line, and applied server-side):",
                "**Ingress 인증서.** 중앙 배포 5단계 전에 Ingress마다 인증서와 키 파일로 TLS Secret을 하나씩 만듭니다(키는 명령줄에 쓰지 않고 파일에서 읽으며, server-side로 적용합니다):",
                [],
            ));
            blocks.push(
                CodeBlock::lines(
                    "sh",
                    s.tls_ingresses.iter().map(|(secret, host)| {
                        format!(
                            "{in_central} create secret tls {} --cert={} --key={} --dry-run=client -o yaml | {} apply --server-side --field-manager=thanos-kustomize -f -",
                            quote(secret),
                            quote(&format!("{host}.crt")),
                            quote(&format!("{host}.key")),
                            kubectl(&f.central.context),
                        )
                    }),
                )
                .into(),
            );
        }
        IngressCertificateSource::OwnCa | IngressCertificateSource::Issuer { .. } => {
            let issuer = match certificates {
                IngressCertificateSource::Issuer { kind, name } => {
                    l.text("the {} {}", "{} {}", [code(kind.as_str()), code(name)])
                }
                _ => l.text(
                    "the fleet's own CA {}",
                    "fleet 자체 CA {}",
                    [code(INGRESS_CA)],
                ),
            };
            blocks.push(l.p(
                "**Ingress certificates.** cert-manager issues the certificates of {} from {}. After step 5 of the central deploy, wait until they are ready:",
                "**Ingress 인증서.** cert-manager가 {}의 인증서를 {}에서 발급합니다. 중앙 배포 5단계 후 준비될 때까지 기다립니다:",
                [code(hosts.join(", ")), issuer],
            ));
            blocks.push(
                CodeBlock::lines(
                    "sh",
                    [wait_certificates(
                        &in_central,
                        s.tls_ingresses.iter().map(|(secret, _)| secret.as_str()),
                    )],
                )
                .into(),
            );
            if matches!(certificates, IngressCertificateSource::OwnCa) {
                blocks.push(l.p(
                    "Browsers do not know this CA: import its certificate (public, no key) into your browser's or system's trust store once. It stays the same for ten years; each Ingress certificate is renewed by cert-manager 30 days before it expires.",
                    "브라우저는 이 CA를 모르므로, CA 인증서(공개 정보이며 키는 없음)를 브라우저나 시스템 신뢰 저장소에 한 번 가져옵니다. CA는 10년 동안 그대로이고, 각 Ingress 인증서는 만료 30일 전에 cert-manager가 갱신합니다.",
                    [],
                ));
                blocks.push(
                    CodeBlock::lines(
                        "sh",
                        [format!(
                            "{in_central} get secret {INGRESS_CA} -o go-template={} > {INGRESS_CA}.crt",
                            quote("{{index .data \"ca.crt\" | base64decode}}")
                        )],
                    )
                    .into(),
                );
            }
        }
    }
    blocks
}

/// `kubectl wait` until cert-manager has issued the Certificates `names`.
fn wait_certificates<'a>(in_central: &str, names: impl IntoIterator<Item = &'a str>) -> String {
    let certificates: Vec<String> = names
        .into_iter()
        .map(|name| format!("certificate/{}", quote(name)))
        .collect();
    format!(
        "{in_central} wait --for=condition=Ready --timeout=5m {}",
        certificates.join(" ")
    )
}
