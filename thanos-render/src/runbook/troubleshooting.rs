//! Troubleshooting, by symptom, with this fleet's pod, container and object names.

use super::{
    deploy::build_file,
    fleet_view::{FleetView, SilentEdges},
    lang::Lang,
    markdown::{code, codes, Block, CodeBlock},
};
use crate::shell::{kubectl, kubectl_in, quote};

pub(crate) fn blocks(f: &FleetView, l: Lang) -> Vec<Block> {
    let central = &f.central;
    let k = kubectl_in(&central.context, &f.namespace);
    let thanos = &f.receive.container;
    let receive0 = f.receive.pods().first().cloned().unwrap_or_default();
    let compactor0 = f.compactor.pods().first().cloned().unwrap_or_default();
    let store0 = f.store.pods().first().cloned().unwrap_or_default();
    let prometheus0 = f.prometheus_pods().first().cloned().unwrap_or_default();
    let sh = |lines: Vec<String>| -> Block { CodeBlock::lines("sh", lines).into() };

    let mut blocks = vec![
        l.h(2, "Troubleshooting", "문제 해결", []),
        l.h(3, "A pod stays `Pending`", "파드가 `Pending`에서 멈춤", []),
        l.p(
            "Its volume claim is not bound: the storage class {} must exist on the central cluster ({} on the edges), see Prerequisites.",
            "볼륨 클레임(PVC)이 바인딩되지 않은 경우입니다. 중앙 클러스터에는 {} 스토리지 클래스가, 엣지에는 {} 스토리지 클래스가 있어야 합니다(사전 준비 참고).",
            [
                codes(&f.central_storage_classes, ", "),
                codes(&f.edge_storage_classes, ", "),
            ],
        ),
        sh(vec![
            format!("{k} get pvc"),
            format!("{k} describe pod {}", quote(&receive0)),
        ]),
        l.h(
            3,
            "Thanos pods stay in `ContainerCreating`",
            "Thanos 파드가 `ContainerCreating`에서 멈춤",
            [],
        ),
        l.p(
            "Receive, Store and Compactor mount the Secret {}, and the central Prometheus pods read it into their `thanos-sidecar` container (they show `CreateContainerConfigError`): when it is missing, run step 2 of the deploy. The pods start once it exists.",
            "Receive, Store, Compactor는 Secret({})을 마운트하고, 중앙 Prometheus 파드는 `thanos-sidecar` 컨테이너에서 이 Secret을 읽습니다(`CreateContainerConfigError`로 표시됩니다). Secret이 없다면 배포 2단계를 실행하세요. Secret이 생기면 파드가 시작됩니다.",
            [code(&f.bucket.secret)],
        ),
        sh(vec![
            format!("{k} get secret {}", quote(&f.bucket.secret)),
            format!("{k} describe pod {}", quote(&store0)),
        ]),
        l.h(
            3,
            "`kubectl apply` says `no matches for kind`",
            "`kubectl apply`가 `no matches for kind`로 실패",
            [],
        ),
        l.p(
            "The CRDs are not established yet: run step 4 of the deploy, then step 5 again. Both CRDs this fleet's Prometheus objects need must be listed:",
            "CRD가 아직 등록(Established)되지 않았습니다. 배포 4단계를 실행한 뒤 5단계를 다시 실행하세요. 이 fleet의 Prometheus 오브젝트에 필요한 두 CRD가 모두 보여야 합니다:",
            [],
        ),
        sh(vec![format!(
            "{} get crd prometheuses.monitoring.coreos.com prometheusagents.monitoring.coreos.com",
            kubectl(&central.context)
        )]),
        l.h(
            3,
            "`kubectl apply` reports conflicts",
            "`kubectl apply`가 충돌(conflict)을 보고",
            [],
        ),
        l.p(
            "Another field manager owns the fields (an earlier `helm install`, a client-side `kubectl apply`, a hand edit). When the tree should own them, take them over:",
            "다른 필드 매니저(이전의 `helm install`, client-side `kubectl apply`, 수동 수정)가 해당 필드를 소유하고 있습니다. 트리가 소유해야 하는 필드라면 가져옵니다:",
            [],
        ),
        sh(vec![format!(
            "{} apply --server-side --force-conflicts -f {}",
            kubectl(&central.context),
            build_file(central, "")
        )]),
    ];

    if let (Some(edge), Some(remote_write_url)) = (f.edges.first(), &f.remote_write_url) {
        let ke = kubectl_in(&edge.context, &f.namespace);
        let agent0 = f.agent_pods(edge).first().cloned().unwrap_or_default();
        blocks.push(l.h(
            3,
            "An edge is missing from Thanos Query",
            "Thanos Query에 엣지가 보이지 않음",
            [],
        ));
        blocks.push(l.p(
            "Look at the edge's agent: the pods {} of the `PrometheusAgent` {} (not a `Prometheus`), container `prometheus`. Its remote-write errors name the URL {}. For {}:",
            "엣지의 에이전트를 확인합니다. `PrometheusAgent` {1}(`Prometheus`가 아닙니다)의 파드 {0}, 컨테이너 `prometheus`입니다. remote write 오류에는 {2} URL이 찍힙니다. {3}의 경우:",
            [
                code(format!("prom-agent-{}-<i>", f.prometheus_cr)),
                code(&f.prometheus_cr),
                code(remote_write_url),
                code(&edge.name),
            ],
        ));
        blocks.push(sh(vec![
            format!("{ke} get prometheusagent {}", quote(&f.prometheus_cr)),
            grep_logs(&ke, &agent0, "prometheus", "remote|error"),
        ]));
        blocks.push(l.h(
            3,
            "Receive answers `409 Conflict`, or logs out-of-order samples",
            "Receive가 `409 Conflict`를 반환하거나 out-of-order 샘플을 기록",
            [],
        ));
        blocks.push(l.p(
            "Two writers send the same series: usually two agents with the same `cluster` label (the fleet model refuses that) or an HA agent pair whose replica label was dropped. An agent restarting and replaying its write-ahead log causes a short, harmless burst. Receive drops the conflicting samples and the agent does not retry them.",
            "두 곳에서 같은 시리즈를 보내고 있습니다. 보통 같은 `cluster` 레이블을 쓰는 에이전트 두 개(fleet 모델이 거부합니다)이거나, replica 레이블을 없앤 HA 에이전트 쌍입니다. 에이전트가 재시작하며 WAL을 재전송할 때도 잠깐 발생하는데 이는 무해합니다. Receive는 충돌하는 샘플을 버리고 에이전트는 이를 재시도하지 않습니다.",
            [],
        ));
        blocks.push(sh(vec![grep_logs(
            &k,
            &receive0,
            thanos,
            "conflict|out of order|out-of-order|duplicate",
        )]));
    }

    blocks.push(l.h(
        3,
        "Receive answers `500` or `503`",
        "Receive가 `500` 또는 `503`을 반환",
        [],
    ));
    blocks.push(l.p(
        "Receive cannot reach the replicas a write needs (replication factor {}), or has not loaded its hashring yet (`503`). Every pod of the ring must run, and the ring must list exactly the pods {}:",
        "Receive가 쓰기에 필요한 복제본(복제 계수 {})에 도달하지 못하거나, 아직 해시링을 읽지 못한 상태(`503`)입니다. 해시링의 모든 파드가 실행 중이어야 하고, 해시링에는 정확히 {} 파드만 있어야 합니다:",
        [
            code(f.receive_replication_factor.to_string()),
            codes(f.receive.pods(), ", "),
        ],
    ));
    blocks.push(sh(vec![
        format!("{k} get pods -l {}", quote(&f.receive.selector)),
        f.hashring.command(&k),
        grep_logs(&k, &receive0, thanos, "hashring|quorum|forward"),
    ]));

    blocks.push(l.h(
        3,
        "The compactor has halted",
        "Compactor가 중단(halt)됨",
        [],
    ));
    blocks.push(l.p(
        "On overlapping or broken blocks the compactor stops compacting but keeps running, so nothing restarts it; its metric `thanos_compact_halted` is 1 and its log says why. Overlaps come from two producers uploading blocks with the same external labels. Fix the cause first, then delete or mark the offending blocks with `thanos tools bucket` and restart the pod.",
        "겹치거나 손상된 블록을 만나면 Compactor는 컴팩션을 멈추지만 프로세스는 계속 실행되므로 아무것도 재시작하지 않습니다. 이때 `thanos_compact_halted` 메트릭이 1이 되고 로그에 원인이 남습니다. 블록 겹침은 두 생산자가 같은 외부 레이블로 블록을 올릴 때 생깁니다. 원인을 먼저 고친 뒤 `thanos tools bucket`으로 문제 블록을 삭제하거나 표시(mark)하고 파드를 재시작하세요.",
        [],
    ));
    blocks.push(sh(vec![
        grep_logs(&k, &compactor0, thanos, "halt|overlap|critical"),
        format!("{k} delete pod {}", quote(&compactor0)),
    ]));
    blocks.push(l.p(
        "The metric, read inside the pod: no port of the compactor is forwarded, since its HTTP port also serves the API that marks blocks for deletion when admin operations are on.",
        "메트릭은 파드 안에서 읽습니다. Compactor의 HTTP 포트는 관리 기능이 켜져 있으면 블록 삭제 표시 API도 제공하므로 포트를 포워딩하지 않습니다.",
        [],
    ));
    let port = f.compactor.http_port;
    blocks.push(sh(vec![format!(
        "{k} exec {} -c {} -- wget -qO- http://localhost:{port}/metrics | grep '^thanos_compact_halted'",
        quote(&compactor0),
        quote(&f.compactor.container)
    )]));

    blocks.push(l.h(
        3,
        "Nothing reaches the bucket",
        "버킷에 아무것도 올라가지 않음",
        [],
    ));
    blocks.push(l.p(
        "Four hours after the start the bucket {} must hold blocks. The sidecar and Receive log every failed upload: wrong keys, a missing bucket, an unreachable {}, or HTTP against HTTPS.",
        "시작 후 4시간이 지나면 버킷 {}에 블록이 있어야 합니다. 사이드카와 Receive는 업로드 실패를 모두 로그에 남깁니다. 잘못된 키, 없는 버킷, 접근할 수 없는 {}, HTTP/HTTPS 불일치 등이 원인입니다.",
        [code(&f.bucket.bucket), code(&f.bucket.endpoint)],
    ));
    blocks.push(sh(vec![
        grep_logs(&k, &prometheus0, "thanos-sidecar", "upload|bucket|error"),
        grep_logs(&k, &receive0, thanos, "upload|bucket|error"),
    ]));

    blocks.push(l.h(3, "Query misses data", "Query에 데이터가 빠짐", []));
    blocks.push(l.p(
        "Query lists its endpoints and their health; its log tells why one is unhealthy.",
        "Query는 엔드포인트와 상태를 보여 주며, 비정상인 이유는 로그에 남습니다.",
        [],
    ));
    blocks.push(sh(vec![
        format!(
            "curl -fsS {}",
            quote(&format!("{}/api/v1/stores", f.query_url()))
        ),
        grep_logs(
            &k,
            &format!("deployment/{}", f.query.name),
            &f.query.container,
            "endpoint|error",
        ),
    ]));
    if let Some(ruler) = &f.ruler {
        let ruler0 = ruler.pods().first().cloned().unwrap_or_default();
        blocks.push(l.h(
            3,
            "Recorded series or alerts miss a cluster",
            "레코딩 시리즈나 알림에 클러스터가 빠짐",
            [],
        ));
        blocks.push(l.p(
            "The chart's rules run in the Thanos Ruler, not in the agents or the central Prometheus: look at the `ThanosRuler` {}, its pods' container `thanos-ruler` (evaluation and query errors) and the rules it loaded. A cluster missing here is missing in Query first (see above).",
            "차트의 룰은 에이전트나 중앙 Prometheus가 아니라 Thanos Ruler에서 실행됩니다. `ThanosRuler` {}, 파드의 `thanos-ruler` 컨테이너 로그(평가, 쿼리 오류)와 적재된 룰을 확인하세요. 여기서 빠진 클러스터는 먼저 Query에서 빠져 있습니다(위 항목 참고).",
            [code(&ruler.cr)],
        ));
        blocks.push(sh(vec![
            format!("{k} get thanosruler {} -o wide", quote(&ruler.cr)),
            grep_logs(&k, &ruler0, "thanos-ruler", "error|fail"),
            format!("{k} get prometheusrules -L thanos-kustomize.io/evaluator"),
        ]));
    }
    if let (Some(SilentEdges { alert, .. }), Some(remote_write_url)) =
        (&f.monitoring.silent_edges, &f.remote_write_url)
    {
        blocks.push(l.h(3, "{} fires", "{} 알림 발생", [code(alert)]));
        blocks.push(l.p(
            "The edge named in the alert's `cluster` label has sent nothing to Receive: follow \"An edge is missing from Thanos Query\" for that edge. A network or DNS change between the edge and {} is the usual cause.",
            "알림의 `cluster` 레이블이 가리키는 엣지가 Receive로 아무것도 보내지 않고 있습니다. 해당 엣지에 대해 \"Thanos Query에 엣지가 보이지 않음\" 항목을 따라 확인하세요. 흔한 원인은 엣지와 {} 사이의 네트워크나 DNS 변경입니다.",
            [code(remote_write_url)],
        ));
    }
    blocks
}

/// `kubectl logs` of `container` in `pod` (or `deployment/<name>`): the lines that match
/// `pattern`, an extended regular expression, in any case.
fn grep_logs(k: &str, pod: &str, container: &str, pattern: &str) -> String {
    format!(
        "{k} logs {} -c {} | grep -iE '{pattern}'",
        quote(pod),
        quote(container)
    )
}
