//! Verification: the pods of every cluster, Receive taking writes, every cluster's
//! `cluster` label in Thanos Query, blocks reaching the bucket.

use super::{
    fleet_view::{FleetView, Label, SilentEdges, Workload},
    lang::Lang,
    markdown::{code, codes, plain, Block, CodeBlock, Text},
};
use crate::{
    overlays::central::network_policies::THANOS_RULER,
    shell::{kubectl_in, quote},
};

/// A double-quoted string literal of `value`, as PromQL and Go templates read it.
pub(crate) fn string_literal(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `curl` of an instant query against Query's API at `base`.
pub(crate) fn query_command(base: &str, promql: &str) -> String {
    format!(
        "curl -fsS -G --data-urlencode {} {}",
        quote(&format!("query={promql}")),
        quote(&format!("{base}/api/v1/query"))
    )
}

/// The port-forward to Query's Service, for a fleet whose Query has no Ingress.
pub(crate) fn query_port_forward(f: &FleetView) -> String {
    format!(
        "{} port-forward svc/{} {port}:{port}",
        kubectl_in(&f.central.context, &f.namespace),
        quote(&f.query.service),
        port = f.query.http_port
    )
}

pub(crate) fn blocks(f: &FleetView, l: Lang) -> Vec<Block> {
    let central = &f.central;
    let k = kubectl_in(&central.context, &f.namespace);
    let mut blocks = vec![
        l.h(2, "Verify", "배포 확인", []),
        l.h(3, "Central pods", "중앙 클러스터 파드", []),
        CodeBlock::lines(
            "sh",
            [
                format!("{k} get pods"),
                format!("{k} get prometheus,alertmanager"),
                f.query.rollout_status(&k, "10m"),
                f.receive.rollout_status(&k, "10m"),
                f.store.rollout_status(&k, "10m"),
                f.compactor.rollout_status(&k, "10m"),
            ],
        )
        .into(),
        l.p(
            "Expected, besides the operator, kube-state-metrics and one node-exporter pod per node, all `Running` and ready:",
            "operator, kube-state-metrics, 노드마다 하나씩인 node-exporter 외에 다음 파드가 모두 `Running`이고 Ready여야 합니다:",
            [],
        ),
    ];
    let thanos_pods = |workload: &Workload| codes(workload.pods(), ", ");
    blocks.push(Block::bullets([
        l.text(
            "{}: the central Prometheus, containers `prometheus`, `config-reloader`, `thanos-sidecar`.",
            "{}: 중앙 Prometheus, 컨테이너 `prometheus`, `config-reloader`, `thanos-sidecar`.",
            [codes(f.prometheus_pods(), ", ")],
        ),
        l.text(
            "{}: Alertmanager.",
            "{}: Alertmanager.",
            [codes(f.alertmanager_pods(), ", ")],
        ),
        l.text(
            "{} (Deployment {}): Grafana.",
            "{} (Deployment {}): Grafana.",
            [code(format!("{}-…", f.grafana)), code(&f.grafana)],
        ),
        l.text(
            "{} (Deployment {}, {}): Thanos Query, container {}.",
            "{} (Deployment {}, {}): Thanos Query, 컨테이너 {}.",
            [
                code(format!("{}-…", f.query.name)),
                code(&f.query.name),
                l.replicas(f.query.replicas),
                code(&f.query.container),
            ],
        ),
        l.text(
            "{}: Thanos Receive; {}: Store; {}: Compactor; container {} in each.",
            "{}: Thanos Receive; {}: Store; {}: Compactor; 컨테이너는 모두 {}.",
            [
                thanos_pods(&f.receive),
                thanos_pods(&f.store),
                thanos_pods(&f.compactor),
                code(&f.receive.container),
            ],
        ),
    ]));

    if !f.edges.is_empty() {
        blocks.push(l.h(3, "Edge pods", "엣지 파드", []));
        let mut lines = Vec::new();
        for edge in &f.edges {
            let k = kubectl_in(&edge.context, &f.namespace);
            lines.push(format!("{k} get prometheusagent"));
            lines.push(format!("{k} get pods"));
        }
        blocks.push(CodeBlock::lines("sh", lines).into());
        blocks.push(l.p(
            "Each edge has one `PrometheusAgent`, {}, its agent pods and the operator. An edge has no `Prometheus` object: `kubectl get prometheus` finds nothing there, by design.",
            "각 엣지에는 `PrometheusAgent` {} 하나와 에이전트 파드, operator가 있습니다. 엣지에는 `Prometheus` 오브젝트가 없으므로 `kubectl get prometheus`가 아무것도 찾지 못하는 것이 정상입니다.",
            [code(&f.prometheus_cr)],
        ));
        blocks.push(Block::bullets(f.edges.iter().map(|edge| {
            let exporters: Vec<&str> = [
                (edge.node_exporter, "node-exporter"),
                (edge.kube_state_metrics, "kube-state-metrics"),
            ]
            .into_iter()
            .filter_map(|(on, name)| on.then_some(name))
            .collect();
            let pods = Text::new()
                .code(&edge.name)
                .plain(": ")
                .append(codes(f.agent_pods(edge), ", "));
            if exporters.is_empty() {
                pods
            } else {
                pods.append(l.text(", with {}", " ({}도 실행)", [plain(exporters.join(", "))]))
            }
        })));
    }

    if let (false, Some(url), Some(write_path)) =
        (f.edges.is_empty(), &f.remote_write_url, &f.write_path)
    {
        blocks.push(l.h(
            3,
            "Receive refuses writers without a certificate",
            "Receive가 인증서 없는 쓰기를 거부하는지 확인",
            [],
        ));
        blocks.push(l.p(
            "From a machine that resolves the hosts, a write without a client certificate must fail the TLS handshake: `curl` prints `000`, and `openssl s_client` shows that Receive asks for a certificate (`Acceptable client certificate CA names` lists the write CA). An HTTP status instead means the Ingress terminated TLS itself: check its passthrough annotation. That the edges do write shows in Thanos Query below.",
            "호스트 이름을 해석할 수 있는 곳에서 클라이언트 인증서 없이 쓰면 TLS 핸드셰이크가 실패해야 합니다. `curl`은 `000`을 출력하고, `openssl s_client`는 Receive가 인증서를 요구함을 보여 줍니다(`Acceptable client certificate CA names`에 쓰기 CA가 나옵니다). 대신 HTTP 상태 코드가 나오면 Ingress가 TLS를 직접 종료한 것이므로 패스스루 어노테이션을 확인하세요. 엣지가 실제로 쓰는지는 아래 Thanos Query에서 확인합니다.",
            [],
        ));
        blocks.push(
            CodeBlock::lines(
                "sh",
                [
                    format!(
                        "curl -s -o /dev/null -w '%{{http_code}}\\n' -X POST {}",
                        quote(url)
                    ),
                    format!(
                        "openssl s_client -connect {} -servername {} </dev/null 2>&1 | grep -A2 'Acceptable client certificate CA names'",
                        quote(&format!("{}:443", write_path.host)),
                        quote(&write_path.host)
                    ),
                ],
            )
            .into(),
        );
    } else if let (false, Some(url)) = (f.edges.is_empty(), &f.remote_write_url) {
        blocks.push(l.h(3, "Receive takes writes", "Receive 수신 확인", []));
        blocks.push(l.p(
            "From a machine that resolves the hosts (an edge node, for instance), an empty write to Receive's Ingress must come back `400`: Receive refused the empty body, so the Ingress reached a ready Receive. `503` means Receive is not ready (its hashring is not loaded yet); `404` or `502` come from the Ingress, not from Receive.",
            "호스트 이름을 해석할 수 있는 곳(예: 엣지 노드)에서 Receive Ingress로 빈 요청을 보내면 `400`이 와야 합니다. Receive가 빈 본문을 거부한 것이므로 Ingress가 준비된 Receive까지 도달했다는 뜻입니다. `503`은 Receive가 아직 준비되지 않은 상태(해시링 미적재)이고, `404`나 `502`는 Receive가 아니라 Ingress가 보낸 응답입니다.",
            [],
        ));
        blocks.push(
            CodeBlock::lines(
                "sh",
                [format!(
                    "curl -s -o /dev/null -w '%{{http_code}}\\n' -X POST {}",
                    quote(url)
                )],
            )
            .into(),
        );
    }

    blocks.push(l.h(
        3,
        "Every cluster in Thanos Query",
        "Thanos Query에서 모든 클러스터 확인",
        [],
    ));
    let base = f.query_url();
    if f.query.host.is_none() {
        blocks.push(l.p(
            "Query has no Ingress: forward its port in another terminal first.",
            "Query에 Ingress가 없으므로 먼저 다른 터미널에서 포트를 포워딩합니다.",
            [],
        ));
        blocks.push(CodeBlock::lines("sh", [query_port_forward(f)]).into());
    }
    blocks.push(l.p(
        "One series per cluster, with `cluster` = {}:",
        "클러스터마다 시리즈가 하나씩 나와야 하고, `cluster` 값은 {}입니다:",
        [codes(f.cluster_labels(), ", ")],
    ));
    blocks.push(CodeBlock::lines("sh", [query_command(&base, "count by (cluster) (up)")]).into());
    if let (false, Some(Label { name, value })) = (f.edges.is_empty(), f.receive_labels.first()) {
        blocks.push(l.p(
            "The edges' series come through Receive, which adds its label {}: this query shows the edges only ({}).",
            "엣지의 시리즈는 Receive를 거치면서 {} 레이블이 붙으므로, 이 쿼리에는 엣지({})만 나와야 합니다.",
            [
                code(format!("{name}={}", string_literal(value))),
                codes(f.edges.iter().map(|e| e.label.clone()), ", "),
            ],
        ));
        blocks.push(
            CodeBlock::lines(
                "sh",
                [query_command(
                    &base,
                    &format!(
                        "count by (cluster) (up{{{name}={}}})",
                        string_literal(value)
                    ),
                )],
            )
            .into(),
        );
    }
    blocks.push(l.p(
        "Query's endpoints: {} sidecars, {} Receive and {} Store pods, all listed and healthy.",
        "Query의 엔드포인트: 사이드카 {}개, Receive 파드 {}개, Store 파드 {}개가 모두 목록에 있고 정상이어야 합니다.",
        [
            plain(f.central.replicas.to_string()),
            plain(f.receive.replicas.to_string()),
            plain(f.store.replicas.to_string()),
        ],
    ));
    blocks.push(
        CodeBlock::lines(
            "sh",
            [format!(
                "curl -fsS {}",
                quote(&format!("{base}/api/v1/stores"))
            )],
        )
        .into(),
    );

    blocks.extend(rules_and_alerts(f, l, &base));

    blocks.push(l.h(3, "Blocks reach the bucket", "버킷 업로드 확인", []));
    blocks.push(l.p(
        "The first blocks are uploaded 2 to 3 hours after the start (a block covers 2 hours and is cut once the head holds 3); then the sidecar and Receive log each upload.",
        "첫 블록은 시작 후 2-3시간 뒤에 업로드되며(블록 하나는 2시간 분량이고, head에 3시간이 쌓이면 잘립니다), 이후 사이드카와 Receive가 업로드할 때마다 로그를 남깁니다.",
        [],
    ));
    let mut upload = Vec::new();
    if let Some(pod) = f.prometheus_pods().first() {
        upload.push(format!(
            "{k} logs {} -c thanos-sidecar | grep -i upload",
            quote(pod)
        ));
    }
    if let Some(pod) = f.receive.pods().first() {
        upload.push(format!(
            "{k} logs {} -c {} | grep -i upload",
            quote(pod),
            quote(&f.receive.container)
        ));
    }
    blocks.push(CodeBlock::lines("sh", upload).into());
    blocks
}

/// The Ruler runs and records every cluster's series; no edge is silent.
fn rules_and_alerts(f: &FleetView, l: Lang, base: &str) -> Vec<Block> {
    let Some(ruler) = &f.ruler else {
        return Vec::new();
    };
    let k = kubectl_in(&f.central.context, &f.namespace);
    let mut blocks = vec![
        l.h(3, "Rules for every cluster", "모든 클러스터의 룰 평가 확인", []),
        l.p(
            "The Thanos Ruler's pods run ({}), and a series the chart's rules record, `cluster:node_cpu:ratio_rate5m`, exists for every cluster ({}) a few minutes after the start:",
            "Thanos Ruler 파드({})가 실행 중이어야 하고, 시작 후 몇 분 안에 차트 룰이 기록하는 `cluster:node_cpu:ratio_rate5m` 시리즈가 모든 클러스터({})에 대해 있어야 합니다:",
            [
                codes(ruler.pods(), ", "),
                codes(f.cluster_labels(), ", "),
            ],
        ),
        CodeBlock::lines(
            "sh",
            [
                format!("{k} get thanosruler {}", quote(&ruler.cr)),
                format!("{k} get pods -l {}={}", THANOS_RULER.label.0, THANOS_RULER.label.1),
                query_command(base, "count by (cluster) (cluster:node_cpu:ratio_rate5m)"),
            ],
        )
        .into(),
    ];
    if let Some(SilentEdges { alert, after, .. }) = &f.monitoring.silent_edges {
        blocks.push(l.p(
            "No edge is silent: the query below returns no series once every edge has written for {} (each series it returns names a silent edge in its `cluster` label).",
            "조용한 엣지가 없어야 합니다. 모든 엣지가 {} 이상 쓰고 나면 아래 쿼리는 시리즈를 하나도 반환하지 않습니다(반환된 시리즈의 `cluster` 레이블이 무응답 엣지입니다).",
            [code(after)],
        ));
        blocks.push(
            CodeBlock::lines(
                "sh",
                [query_command(
                    base,
                    &format!("ALERTS{{alertname={}}}", string_literal(alert)),
                )],
            )
            .into(),
        );
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_escape_quotes_and_backslashes() {
        assert_eq!(string_literal("true"), "\"true\"");
        assert_eq!(string_literal("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(
            query_command("http://q", "count by (cluster) (up{receive=\"true\"})"),
            "curl -fsS -G --data-urlencode 'query=count by (cluster) (up{receive=\"true\"})' http://q/api/v1/query"
        );
    }
}
