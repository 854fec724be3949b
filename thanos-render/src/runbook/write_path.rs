//! The write path's certificates (with remote-write TLS): how it works, each edge's
//! certificate steps, renewal, the migration of a running fleet, and how long an edge may
//! be cut off without losing data.

use thanos_model::{CertificateSource, Fleet};

use super::{
    fleet_view::FleetView,
    lang::Lang,
    markdown::{code, plain, Block, CodeBlock, Text},
};
use crate::{
    overlays::{
        central::{
            certificates::{self, edge_certificate},
            thanos::receive::server_tls_secret,
        },
        edge::WAL_RETENTION_FLAG,
    },
    shell::{kubectl_in, quote},
    CentralOverlay, EdgeOverlay,
};

/// Prometheus' own WAL retention in agent mode, when the fleet leaves it.
const PROMETHEUS_WAL_RETENTION: &str = "4h";

/// The runbook's view of the write path, when Receive speaks TLS.
#[derive(Debug, Clone)]
pub(crate) struct WritePath {
    /// Receive's Ingress host: the certificate's DNS name and the edges' SNI.
    pub host: String,
    /// The Ingress annotation that passes TLS through, as `key: value`.
    pub passthrough: String,
    pub cert_manager: bool,
    /// Receive's server certificate Secret.
    pub server_secret: String,
    /// Whether each edge writes into its own tenant.
    pub tenant_per_edge: bool,
    /// `duration` and `renewBefore` of the issued certificates.
    pub duration: String,
    pub renew_before: String,
    pub edges: Vec<EdgeWrite>,
}

/// One edge's part of the write path.
#[derive(Debug, Clone)]
pub(crate) struct EdgeWrite {
    pub name: String,
    pub context: String,
    pub tenant: String,
    /// The Certificate and Secret on central, when cert-manager issues it.
    pub issued: Option<String>,
    /// The Secret on the edge the agent reads.
    pub secret: String,
    /// How long the agent keeps unsent samples: the outage an edge survives.
    pub wal_retention: String,
    pub wal_volume: String,
}

impl WritePath {
    pub(crate) fn new(
        fleet: &Fleet,
        central: &CentralOverlay,
        edges: &[EdgeOverlay],
    ) -> Option<Self> {
        let receive = &fleet.central.receive;
        let tls = receive.remote_write.tls.as_ref()?;
        let ingress = receive.ingress.as_ref()?;
        let write_ingress = central.receive.write_ingress()?;
        let passthrough = write_ingress
            .metadata
            .annotations
            .iter()
            .flatten()
            .map(|(key, value)| format!("{key}: {value}"))
            .next()?;
        let issued: Vec<String> = central
            .certificates
            .iter()
            .flat_map(|c| c.edges.iter())
            .filter_map(|c| c.metadata.name.clone())
            .collect();
        Some(Self {
            host: fleet.ingress_host(ingress, thanos_model::Component::Receive),
            passthrough,
            cert_manager: tls.certificates == CertificateSource::CertManager,
            server_secret: server_tls_secret(fleet)?.to_owned(),
            tenant_per_edge: receive.remote_write.tenant_per_edge(),
            duration: tls.duration.to_string(),
            renew_before: tls.renew_before.to_string(),
            edges: fleet
                .edges
                .iter()
                .zip(edges)
                .map(|(edge, overlay)| {
                    let name = edge_certificate(edge);
                    Some(EdgeWrite {
                        name: edge.name.clone(),
                        context: edge.context.clone(),
                        tenant: edge.tenant().to_owned(),
                        issued: issued.contains(&name).then_some(name),
                        secret: client_secret(overlay)?,
                        wal_retention: edge.agent.wal_retention.as_ref().map_or_else(
                            || PROMETHEUS_WAL_RETENTION.to_owned(),
                            ToString::to_string,
                        ),
                        wal_volume: edge.agent.storage.size.to_string(),
                    })
                })
                .collect::<Option<_>>()?,
        })
    }
}

/// The Secret an edge's agent reads its client certificate from, as its rendered
/// `remoteWrite` names it.
fn client_secret(edge: &EdgeOverlay) -> Option<String> {
    let spec = edge.values.prometheus.as_ref()?.prometheus_spec.as_ref()?;
    let remote_write = spec.remote_write.as_ref()?.first()?;
    Some(remote_write.tls_config.as_ref()?.cert.secret.name.clone())
}

/// Copies an edge's issued Secret from central to the edge through pipes only: the key
/// is never in a file, an argument or an annotation (server-side apply).
fn copy_secret(f: &FleetView, edge: &EdgeWrite, issued: &str) -> Vec<String> {
    let central = kubectl_in(&f.central.context, &f.namespace);
    let on_edge = kubectl_in(&edge.context, &f.namespace);
    let get = |key: &str| {
        format!(
            "--from-file={key}=<({central} get secret {} -o {} | base64 -d)",
            quote(issued),
            quote(&format!("jsonpath={{.data.{}}}", key.replace('.', "\\.")))
        )
    };
    vec![
        format!(
            "{central} wait --for=condition=Ready certificate/{} --timeout=120s",
            quote(issued)
        ),
        format!(
            "{on_edge} create secret generic {} {} {} {} --dry-run=client -o yaml \\",
            quote(&edge.secret),
            get("tls.crt"),
            get("tls.key"),
            get("ca.crt")
        ),
        format!("  | {on_edge} apply --server-side --field-manager=thanos-kustomize -f -"),
    ]
}

/// Prints the subject and expiry of the certificate in an edge's Secret, through a pipe.
fn check_subject(f: &FleetView, edge: &EdgeWrite) -> String {
    format!(
        "{} get secret {} -o 'jsonpath={{.data.tls\\.crt}}' | base64 -d | openssl x509 -noout -subject -enddate",
        kubectl_in(&edge.context, &f.namespace),
        quote(&edge.secret)
    )
}

pub(crate) fn blocks(f: &FleetView, l: Lang) -> Vec<Block> {
    let Some(w) = &f.write_path else {
        return Vec::new();
    };
    let mut blocks = vec![l.h(
        2,
        "Write path: one certificate per edge",
        "쓰기 경로: 엣지마다 인증서 하나",
        [],
    )];
    blocks.push(l.p(
        "The edges write over TLS that Receive terminates itself: the Ingress of {} only passes the connection through ({}), and Receive refuses the handshake of any client without a certificate signed by the fleet's write CA. No certificate, no write: nothing reaches Receive's HTTP handler.",
        "엣지는 Receive가 직접 종료하는 TLS로 씁니다. {}의 Ingress는 연결을 그대로 전달만 하고({}), Receive는 fleet의 쓰기 CA가 서명한 인증서가 없는 클라이언트의 핸드셰이크를 거부합니다. 인증서가 없으면 쓰기도 없습니다. Receive의 HTTP 처리기까지 아무것도 도달하지 않습니다.",
        [
            code(&w.host),
            code(&w.passthrough),
        ],
    ));
    if w.tenant_per_edge {
        blocks.push(l.p(
            "Each edge writes into a tenant of its own, named by its certificate's common name (its {} label value), never by a header. The hashring lists exactly these tenants: any other tenant is refused before a TSDB exists for it. Receive sets each series' {} label to the tenant, so an edge cannot write series of another cluster. Who can create Certificates in namespace {} on the central cluster can write as any edge: grant that right as you would the edges' keys.",
            "각 엣지는 헤더가 아니라 인증서의 common name(엣지의 {} 레이블 값)으로 정해지는 자신만의 테넌트에 씁니다. 해시링에는 정확히 이 테넌트들만 있으므로, 다른 테넌트는 TSDB가 만들어지기 전에 거부됩니다. Receive가 모든 시리즈의 {} 레이블을 테넌트로 덮어쓰므로 엣지는 다른 클러스터의 시리즈를 쓸 수 없습니다. 중앙 클러스터의 {} 네임스페이스에서 Certificate를 만들 수 있는 사람은 어느 엣지로든 쓸 수 있으니, 그 권한은 엣지 키처럼 다루세요.",
            [code("cluster"), code("cluster"), code(&f.namespace)],
        ));
    }
    blocks.push(l.p(
        "The Ingress routes {} with path type {}, not only {}: a passthrough Ingress never sees the HTTP path (Cilium ignores passthrough rules with any other path, ingress-nginx passes TLS through at layer 4). The other paths of the port ({}, {}) are reachable only by clients that completed the handshake, that is by the fleet's edges, and OTLP writes go to the certificate's tenant with the same limits.",
        "Ingress는 {2}만이 아니라 경로 유형 {1}의 {0}를 라우팅합니다. 패스스루 Ingress는 HTTP 경로를 볼 수 없기 때문입니다(Cilium은 다른 경로의 패스스루 규칙을 무시하고, ingress-nginx는 4계층에서 TLS를 전달합니다). 같은 포트의 다른 경로({3}, {4})는 핸드셰이크를 마친 클라이언트, 즉 fleet의 엣지만 접근할 수 있고, OTLP 쓰기도 인증서의 테넌트와 같은 제한을 받습니다.",
        [
            code("/"),
            code("Prefix"),
            code("/api/v1/receive"),
            code("/api/v1/otlp"),
            code("/api/v1/status/tsdb"),
        ],
    ));
    if w.cert_manager {
        blocks.push(l.p(
            "Prerequisites: cert-manager's CRDs and controller on the central cluster ({} issues the write CA, the CA {} issues Receive's server certificate into {} and one client certificate per edge, see {}); an Ingress controller that passes TLS through (ingress-nginx needs {}).",
            "사전 준비: 중앙 클러스터에 cert-manager CRD와 컨트롤러({}가 쓰기 CA를 발급하고, CA {}가 Receive 서버 인증서를 {}에, 엣지마다 클라이언트 인증서를 발급합니다. {} 참고), TLS를 그대로 전달하는 Ingress 컨트롤러(ingress-nginx는 {} 필요).",
            [
                code(certificates::SELF_SIGNED),
                code(certificates::WRITE_CA),
                code(&w.server_secret),
                code(certificates::FILE),
                code("--enable-ssl-passthrough"),
            ],
        ));
    } else {
        blocks.push(l.p(
            "Prerequisites: the Secret {} in namespace {} on the central cluster, with keys {}, {} and {} (the CA that signs the edges' certificates); on each edge the Secret named below, with its client certificate, key and the CA of Receive's certificate. The tree holds their names only.",
            "사전 준비: 중앙 클러스터의 {1} 네임스페이스에 키 {2}, {3}, {4}(엣지 인증서를 서명한 CA)를 가진 Secret {0}, 각 엣지에는 아래 이름의 Secret(클라이언트 인증서와 키, Receive 인증서의 CA). 트리에는 이름만 있습니다.",
            [
                code(&w.server_secret),
                code(&f.namespace),
                code("tls.crt"),
                code("tls.key"),
                code("ca.crt"),
            ],
        ));
    }
    blocks.push(l.h(3, "Each edge's certificate", "엣지별 인증서", []));
    blocks.push(l.p(
        "After the central overlay is applied and before each edge's overlay, put the edge's certificate into its cluster. The key passes through pipes only: never a file, a command-line argument or an annotation (server-side apply keeps no copy). Then check that the certificate's CN is the edge's tenant.",
        "중앙 오버레이를 적용한 뒤, 각 엣지 오버레이를 적용하기 전에 엣지의 인증서를 그 클러스터에 넣습니다. 키는 파이프로만 전달되며 파일, 명령줄 인자, 어노테이션에 남지 않습니다(server-side apply는 사본을 남기지 않습니다). 그다음 인증서의 CN이 엣지의 테넌트인지 확인합니다.",
        [],
    ));
    for edge in &w.edges {
        blocks.push(l.p(
            "{} (tenant {}, Secret {} on context {}):",
            "{0}(테넌트 {1}, 컨텍스트 {3}의 Secret {2}):",
            [
                code(&edge.name),
                code(&edge.tenant),
                code(&edge.secret),
                code(&edge.context),
            ],
        ));
        let mut lines = edge
            .issued
            .as_ref()
            .map(|issued| copy_secret(f, edge, issued))
            .unwrap_or_default();
        lines.push(check_subject(f, edge));
        blocks.push(CodeBlock::lines("sh", lines).into());
    }
    if w.cert_manager {
        blocks.push(l.p(
            "Renewal: cert-manager renews the certificates {} before they expire (they last {}), with a new key each time. Repeat each edge's commands above after every renewal (check with {}); an expired certificate stops the edge's writes, its samples wait in the agent's WAL, and the silent-edge alert fires.",
            "갱신: cert-manager는 인증서(유효 기간 {1})를 만료 {0} 전에 새 키로 갱신합니다. 갱신할 때마다(확인: {2}) 위의 엣지별 명령을 다시 실행하세요. 인증서가 만료되면 엣지의 쓰기가 멈추고, 샘플은 에이전트의 WAL에서 기다리며, 침묵한 엣지 알림이 발생합니다.",
            [
                code(&w.renew_before),
                code(&w.duration),
                code(format!(
                    "{} get certificate",
                    kubectl_in(&f.central.context, &f.namespace)
                )),
            ],
        ));
    }
    blocks.extend(migration(f, l));
    blocks.extend(outage(w, l));
    blocks
}

/// The order that moves a running fleet with an open write path to TLS without losing
/// data.
fn migration(f: &FleetView, l: Lang) -> Vec<Block> {
    vec![
        l.h(3, "Moving a running fleet to TLS", "운영 중인 fleet을 TLS로 옮기기", []),
        Block::numbered([
            l.text(
                "Central first, without writers noticing: apply the certificates file {} and wait for them (step above), and copy every edge's Secret into its cluster. Nothing changes for the writers yet.",
                "먼저 중앙, 쓰는 쪽은 모르게: 인증서 파일 {}를 적용하고 발급을 기다린 뒤(위 단계), 모든 엣지의 Secret을 각 클러스터에 복사합니다. 아직 쓰는 쪽에는 변화가 없습니다.",
                [code(certificates::FILE)],
            ),
            l.text(
                "Then in the same few minutes: apply the central overlay (Receive restarts with TLS, its Ingress passes TLS through), then each edge's overlay (the https URL and its certificate). In between, writes fail with connection errors, which the agents retry; their samples wait in the WAL. The pause is Receive's rollout (up to {} seconds of grace per pod) plus the agents' reconcile: minutes, far below the WAL retention below.",
                "그다음 몇 분 안에: 중앙 오버레이를 적용하고(Receive가 TLS로 재시작되고 Ingress가 TLS를 전달), 이어서 각 엣지 오버레이(https URL과 인증서)를 적용합니다. 그 사이 쓰기는 연결 오류로 실패하고 에이전트가 재시도하며, 샘플은 WAL에서 기다립니다. 중단 시간은 Receive 롤아웃(파드당 최대 {}초의 유예)과 에이전트 재조정 시간, 즉 몇 분이며 아래 WAL 보존 기간보다 훨씬 짧습니다.",
                [plain(f.receive_grace_seconds.to_string())],
            ),
            l.text(
                "Why nothing is lost: every failed write of the switch is a connection error or a 5xx, which the agent retries, never a 4xx it would drop; the limits are never below a normal request; and each edge's backlog goes into its own, new tenant head, in order. The old shared tenant's blocks stay queryable from the bucket with the same {} label.",
                "데이터가 유실되지 않는 이유: 전환 중 실패하는 쓰기는 모두 연결 오류나 5xx로 에이전트가 재시도하며, 에이전트가 버리는 4xx가 아닙니다. 제한은 정상 요청보다 작지 않고, 각 엣지의 밀린 데이터는 자신만의 새 테넌트 head에 순서대로 들어갑니다. 이전 공유 테넌트의 블록은 같은 {} 레이블로 버킷에서 계속 조회됩니다.",
                [code("cluster")],
            ),
        ]),
    ]
}

/// How long an edge may be cut off from Receive without losing data, and why.
fn outage(w: &WritePath, l: Lang) -> Vec<Block> {
    if !w.tenant_per_edge {
        return vec![
            l.h(3, "How long an edge may be cut off", "엣지가 끊겨도 되는 시간", []),
            l.p(
                "About an hour, whatever the WAL retention: every edge writes into one shared tenant, whose head the other edges keep moving, so an edge's backlog older than about an hour (half a 2h block) is refused (409) and dropped by the agent. Set {} so that each edge has a head of its own.",
                "WAL 보존 기간과 관계없이 약 1시간입니다. 모든 엣지가 하나의 공유 테넌트에 쓰고 다른 엣지들이 그 head를 계속 앞으로 옮기므로, 약 1시간(2시간 블록의 절반)보다 오래된 밀린 데이터는 거부(409)되어 에이전트가 버립니다. 엣지마다 head를 갖도록 {}를 설정하세요.",
                [code("central.receive.remoteWrite.tenantField: commonName")],
            ),
        ];
    }
    let mut blocks = vec![
        l.h(3, "How long an edge may be cut off", "엣지가 끊겨도 되는 시간", []),
        l.p(
            "An edge cut off from Receive keeps scraping into its agent's WAL; the queue retries the same data until it is accepted, and nothing is dropped for connection errors or 5xx. The agent deletes unsent samples only when they are older than its WAL retention ({}). When the link returns, the backlog goes into the edge's own tenant head, whose newest sample is the last one before the cut, so it arrives in order and is accepted; the far-future window does not touch it (it is in the past). So an edge may be cut off for its WAL retention, provided its WAL volume holds that long of its samples:",
            "Receive와 끊긴 엣지는 계속 에이전트의 WAL에 수집하고, 큐는 받아들여질 때까지 같은 데이터를 재시도하며, 연결 오류나 5xx로는 아무것도 버리지 않습니다. 에이전트는 WAL 보존 기간({})보다 오래된 미전송 샘플만 삭제합니다. 연결이 돌아오면 밀린 데이터는 엣지 자신의 테넌트 head에 들어가는데, 그 head의 최신 샘플은 끊기기 직전의 것이므로 순서대로 도착해 받아들여집니다. 미래 시간 창은 과거 데이터에 영향을 주지 않습니다. 따라서 엣지는 WAL 볼륨이 그만큼의 샘플을 담을 수 있다면 WAL 보존 기간 동안 끊겨도 됩니다:",
            [code(format!("--{WAL_RETENTION_FLAG}"))],
        ),
    ];
    blocks.push(Block::bullets(w.edges.iter().map(|edge| {
        l.text(
            "{}: {} (WAL volume {})",
            "{}: {} (WAL 볼륨 {})",
            [
                code(&edge.name),
                Text::new().strong(&edge.wal_retention),
                code(&edge.wal_volume),
            ],
        )
    })));
    blocks.push(l.p(
        "Measure the WAL's growth per hour on each edge from the agent's own metrics before trusting a long cut; without a tenant per edge, backlog older than about an hour would be refused (409) and dropped.",
        "긴 단절을 믿기 전에 각 엣지에서 에이전트 자체 메트릭으로 시간당 WAL 증가량을 측정하세요. 엣지마다 테넌트가 없다면 약 1시간보다 오래된 밀린 데이터는 거부(409)되어 버려집니다.",
        [],
    ));
    blocks
}
