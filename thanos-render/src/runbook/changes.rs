//! Changing the fleet: edit the fleet file, render, deploy what changed; removing what
//! left the render; scaling Receive safely; upgrading; removing an edge.

use super::{
    alerting::silence_commands,
    deploy::{apply_command, build_command, build_file},
    fleet_view::FleetView,
    lang::Lang,
    markdown::{code, plain, Block, CodeBlock},
};
use crate::{
    overlays::central::thanos::receive,
    shell::{kubectl, kubectl_in, quote, temp_file},
};
use thanos_model::HashringAlgorithm;

/// The label every object thanos-kustomize writes carries (the chart's carry Helm's).
const MANAGED_BY: &str = "app.kubernetes.io/managed-by=thanos-kustomize";

pub(crate) fn blocks(f: &FleetView, l: Lang) -> Vec<Block> {
    let central = &f.central;
    let mut blocks = vec![
        l.h(2, "Changing the fleet", "fleet 변경", []),
        l.p(
            "Scaling, upgrading and removing all go the same way: edit the fleet file, check it, look at the difference, render the tree again, then deploy the clusters whose overlay changed with steps 3 to 5 (step 4 matters when the chart version changes). From the directory that holds the fleet file and this tree:",
            "스케일 조정, 업그레이드, 삭제는 모두 같은 방법으로 합니다: fleet 파일을 수정하고 검사한 뒤 차이를 확인하고 트리를 다시 렌더링합니다. 그다음 오버레이가 바뀐 클러스터에 3, 4, 5단계를 실행합니다(4단계는 차트 버전이 바뀔 때 중요합니다). fleet 파일과 이 트리가 있는 디렉터리에서:",
            [],
        ),
        CodeBlock::lines(
            "sh",
            [
                "thanos-kustomize check -f fleet.yaml".to_owned(),
                "thanos-kustomize diff -f fleet.yaml deploy-new".to_owned(),
                "thanos-kustomize render -f fleet.yaml --out deploy-new".to_owned(),
            ],
        )
        .into(),
        l.p(
            "Commit the fleet file and the rendered tree together. `render` refuses to overwrite a file edited by hand; move such a change into the fleet file.",
            "fleet 파일과 렌더링된 트리는 함께 커밋합니다. `render`는 손으로 고친 파일을 덮어쓰지 않고 거부하므로, 그런 변경은 fleet 파일로 옮기세요.",
            [],
        ),
    ];

    // Removing what left the render.
    let old = build_file(central, ".old");
    let new = build_file(central, "");
    let gone = temp_file(&format!("{}.gone", central.name));
    let k = kubectl(&central.context);
    blocks.push(l.h(
        3,
        "Removing what left the render",
        "렌더링에서 빠진 오브젝트 삭제",
        [],
    ));
    blocks.push(l.p(
        "`kubectl apply` never deletes: an object the new render no longer has (a component turned off, an Ingress removed, a chart object gone in a new version) stays on the cluster until you delete it. Keep the build of what is deployed before building the new one; if it is gone, build it the same way from the tree as committed before the change. For the central cluster:",
        "`kubectl apply`는 아무것도 삭제하지 않습니다. 새 렌더링 결과에 없는 오브젝트(끈 구성 요소, 없앤 Ingress, 새 차트 버전에서 빠진 오브젝트)는 직접 지우기 전까지 클러스터에 남습니다. 새로 빌드하기 전에 지금 배포된 빌드 결과를 보관해 두세요. 없다면 변경 전에 커밋된 트리에서 같은 방법으로 빌드합니다. 중앙 클러스터의 경우:",
        [],
    ));
    blocks.push(
        CodeBlock::lines(
            "sh",
            [
                format!("cp {new} {old}"),
                build_command(central),
                apply_command(central),
                format!(
                    "comm -23 <({k} get -f {old} -o name --ignore-not-found | sort) <({k} get -f {new} -o name | sort) > {gone}"
                ),
                format!("cat {gone}"),
            ],
        )
        .into(),
    );
    blocks.push(l.p(
        "Read the list, then delete what it names. Never delete a `CustomResourceDefinition` this way unless you mean it: every object of its kind goes with it, on the whole cluster.",
        "목록을 확인한 뒤 삭제합니다. `CustomResourceDefinition`은 의도한 경우가 아니면 이렇게 지우지 마세요. 클러스터 전체에서 그 종류의 오브젝트가 모두 함께 삭제됩니다.",
        [],
    ));
    blocks.push(
        CodeBlock::lines(
            "sh",
            [format!(
                "xargs -r {} delete < {gone}",
                kubectl_in(&central.context, &f.namespace)
            )],
        )
        .into(),
    );
    blocks.push(l.p(
        "On an edge, the same with its context and overlay. The Thanos objects and namespaces this tree writes carry the label {}; this lists them on the central cluster:",
        "엣지에서도 해당 컨텍스트와 오버레이로 같은 절차를 따릅니다. 이 트리가 만드는 Thanos 오브젝트와 네임스페이스에는 {} 레이블이 있으며, 다음 명령으로 중앙 클러스터에서 목록을 볼 수 있습니다:",
        [code(MANAGED_BY)],
    ));
    blocks.push(
        CodeBlock::lines(
            "sh",
            [format!(
                "{} get statefulset,deployment,service,configmap,ingress,secret -l {}",
                kubectl_in(&central.context, &f.namespace),
                quote(MANAGED_BY)
            )],
        )
        .into(),
    );

    blocks.extend(scaling_receive(f, l));

    blocks.push(l.h(3, "Other scaling", "그 밖의 스케일 조정", []));
    blocks.push(Block::bullets([
        l.text(
            "Query ({}), Store ({}), the central Prometheus ({}), Alertmanager ({}) and each edge's agent ({}): change the number, render, and apply the cluster's build (steps 3 and 5).",
            "Query({}), Store({}), 중앙 Prometheus({}), Alertmanager({}), 각 엣지의 에이전트({}): 값을 바꾸고 렌더링한 뒤 해당 클러스터의 빌드를 적용합니다(3, 5단계).",
            [
                code("central.query.replicas"),
                code("central.store.replicas"),
                code("central.prometheus.replicas"),
                code("central.alertmanager.replicas"),
                code("edges[].agent.replicas"),
            ],
        ),
        l.text(
            "Compactor stays at one replica whatever the load: give it more resources instead.",
            "Compactor는 부하와 상관없이 복제본 1개를 유지합니다. 대신 리소스를 늘리세요.",
            [],
        ),
        match &f.monitoring.silent_edges {
            Some(silent) => l.text(
                "A new edge: add it under {} with its own name, context and API address, render, deploy it with steps 1, 3, 4 and 5 (this runbook gets its commands), then apply central's build again (steps 3 and 5): its {} alert comes with central's rules. Deploy the edge first: its alert fires {} after the Ruler first evaluates it (within a minute or two of central's apply) if the edge has not written by then. If central must go first, silence the new edge's alert before applying central (below) and expire the silence once the edge writes.",
                "새 엣지: {} 아래에 고유한 이름, 컨텍스트, API 주소로 추가하고 렌더링한 뒤 1, 3, 4, 5단계로 배포하고(이 런북에도 해당 명령이 추가됩니다), 그다음 중앙 빌드를 다시 적용합니다(3, 5단계). 그 엣지의 {} 알림은 중앙의 룰과 함께 적용됩니다. 엣지를 먼저 배포하세요. 그때까지 엣지가 데이터를 쓰지 않으면 Ruler가 룰을 처음 평가한 뒤(중앙 적용 후 1~2분 안) {} 뒤에 알림이 발생합니다. 중앙을 먼저 적용해야 한다면 적용 전에 새 엣지의 알림을 사일런스하고(아래), 엣지가 데이터를 쓰기 시작하면 사일런스를 해제합니다.",
                [code("edges"), code(&silent.alert), code(&silent.never_wrote)],
            ),
            None => l.text(
                "A new edge: add it under {} with its own name, context and API address, render, and deploy it with steps 1, 3, 4 and 5; this runbook gets its commands.",
                "새 엣지: {} 아래에 고유한 이름, 컨텍스트, API 주소로 추가하고 렌더링한 뒤 1, 3, 4, 5단계로 배포합니다. 이 런북에도 해당 명령이 추가됩니다.",
                [code("edges")],
            ),
        },
    ]));
    if let Some(silent) = &f.monitoring.silent_edges {
        let (add, expire) = silence_commands(
            f,
            &silent.alert,
            "\"$EDGE\"",
            "2h",
            "a new edge, not deployed yet",
        );
        blocks.push(l.p(
            "The silence, with {} set to the new edge's {} label (its name unless {} sets another); the last command expires it once the edge writes:",
            "사일런스 명령입니다. {}에는 새 엣지의 {} 레이블을 넣습니다({}로 따로 정하지 않았다면 엣지 이름). 마지막 명령은 엣지가 데이터를 쓰기 시작한 뒤 사일런스를 해제합니다:",
            [code("EDGE"), code("cluster"), code("clusterLabel")],
        ));
        blocks
            .push(CodeBlock::lines("sh", ["EDGE=cluster-NN-edge".to_owned(), add, expire]).into());
    }

    blocks.push(l.h(3, "Upgrading", "업그레이드", []));
    blocks.push(Block::bullets([
        l.text(
            "The chart: change {} (now {}) and read the chart's upgrade notes. The next build unpacks the new version beside the old one in `charts/`; apply its CRDs on every cluster first (step 4 points at the new directory after the render), then the build (step 5). Delete the old version's directory afterwards.",
            "차트: fleet 파일의 {} 값(현재 {})을 바꾸고 차트의 업그레이드 노트를 읽습니다. 다음 빌드 때 새 버전이 `charts/`의 기존 버전 옆에 풀립니다. 모든 클러스터에서 먼저 새 CRD를 적용하고(렌더링 후 4단계가 새 디렉터리를 가리킵니다) 그다음 빌드를 적용합니다(5단계). 이전 버전 디렉터리는 그 뒤에 지웁니다.",
            [code("chart.version"), code(&f.chart.version)],
        ),
        l.text(
            "Thanos: change {} (now {}), render, and apply the central build; the Thanos pods and the sidecars restart one by one.",
            "Thanos: fleet 파일의 {} 값(현재 {})을 바꾸고 렌더링한 뒤 중앙 빌드를 적용합니다. Thanos 파드와 사이드카가 하나씩 재시작됩니다.",
            [code("thanos.version"), code(&f.thanos_version)],
        ),
    ]));

    if let Some(edge) = f.edges.last() {
        let file = build_file(edge, "");
        blocks.push(l.h(3, "Removing an edge cluster", "엣지 클러스터 제거", []));
        blocks.push(l.p(
            "In this order: `thanos-kustomize render` refuses to remove an overlay or change a {} label without {}, and prints these steps. For {}:",
            "다음 순서대로 진행합니다. `thanos-kustomize render`는 오버레이를 없애거나 {} 레이블을 바꾸는 렌더링을 {} 없이는 거부하고 이 단계를 출력합니다. {}의 경우:",
            [code("cluster"), code("--allow-removal"), code(&edge.name)],
        ));
        let silent = f.monitoring.silent_edges.as_ref();
        let mut steps = Vec::new();
        if let Some(silent) = silent {
            steps.push(l.text(
                "Silence its alert in Alertmanager ({}, commands below), or it fires {} after the edge stops writing, unless central's build without the edge is applied by then.",
                "Alertmanager에서 이 엣지의 알림({}, 아래 명령)을 사일런스합니다. 그러지 않으면 그때까지 엣지가 빠진 중앙 빌드를 적용하지 않는 한, 엣지가 쓰기를 멈추고 {} 뒤에 알림이 발생합니다.",
                [
                    code(format!(
                        "alertname=\"{}\", cluster=\"{}\"",
                        silent.alert, edge.label
                    )),
                    code(&silent.after),
                ],
            ));
        }
        steps.push(l.text(
            "Delete what the edge runs while its overlay is still in the tree (below).",
            "오버레이가 아직 트리에 있는 동안 엣지에서 실행 중인 것을 삭제합니다(아래).",
            [],
        ));
        steps.push(l.text(
            "Take it out of the fleet file and render with {}: its overlay directory goes (apart from the {} kustomize unpacked there, which is yours to delete).",
            "fleet 파일에서 빼고 {}로 렌더링합니다. 오버레이 디렉터리가 사라집니다(kustomize가 풀어 둔 {}는 직접 지워야 합니다).",
            [
                code("thanos-kustomize render -f fleet.yaml --out deploy-new --allow-removal"),
                code("charts/"),
            ],
        ));
        steps.push(if silent.is_some() {
            l.text(
                "Apply the central build (step 5), whose silent-edge alert no longer has the edge, then expire the silence.",
                "중앙 빌드를 적용하고(5단계) 나면 엣지 무응답 알림에서 이 엣지가 빠집니다. 그다음 사일런스를 해제합니다.",
                [],
            )
        } else {
            l.text(
                "Apply the central build (step 5).",
                "중앙 빌드를 적용합니다(5단계).",
                [],
            )
        });
        blocks.push(Block::numbered(steps));
        if let Some(silent) = silent {
            let (add, expire) = silence_commands(
                f,
                &silent.alert,
                &quote(&edge.label),
                "2h",
                &format!("{} leaves the fleet", edge.name),
            );
            blocks.push(l.p(
                "The silence (step 1) and its expiry (step 4), with amtool in the Alertmanager pod:",
                "사일런스(1단계)와 해제(4단계)는 Alertmanager 파드 안의 amtool로 합니다:",
                [],
            ));
            blocks.push(CodeBlock::lines("sh", [add, expire]).into());
            blocks.push(l.p(
                "Central first instead of a silence: build the edge's overlay into a file (the first command below) while it is still in the tree, then take the edge out of the fleet file, render with {} and apply central's build; its alert goes with the Ruler's next rule reload, a minute or two later. Then delete what the edge runs from the saved file (the second command): the edge wrote until central no longer had its alert, so nothing fires and no silence is needed.",
                "사일런스 대신 중앙을 먼저 적용하는 방법: 엣지의 오버레이가 아직 트리에 있을 때 빌드 결과를 파일로 저장하고(아래 첫 번째 명령), fleet 파일에서 엣지를 빼고 {}로 렌더링한 뒤 중앙 빌드를 적용합니다. 1~2분 뒤 Ruler가 룰을 다시 읽으면 알림이 사라집니다. 그다음 저장한 파일로 엣지에서 실행 중인 것을 삭제합니다(두 번째 명령). 중앙에서 알림이 사라질 때까지 엣지가 계속 데이터를 썼으므로 알림이 발생하지 않고 사일런스도 필요 없습니다.",
                [code("--allow-removal")],
            ));
        }
        blocks.push(
            CodeBlock::lines(
                "sh",
                [
                    build_command(edge),
                    format!(
                        "{} delete --ignore-not-found -f {file}",
                        kubectl(&edge.context)
                    ),
                ],
            )
            .into(),
        );
        blocks.push(l.p(
            "This deletes the namespace {} and the chart's CRDs too, and with the CRDs every object of their kinds on that cluster: if something else there uses the Prometheus Operator's CRDs, delete the other objects of the build instead. The edge's data already in the bucket stays queryable until the compactor's retention deletes it.",
            "이 명령은 {} 네임스페이스와 차트의 CRD도 삭제하며, CRD와 함께 그 클러스터에 있는 해당 종류의 오브젝트가 모두 삭제됩니다. 그 클러스터에서 다른 무언가가 Prometheus Operator의 CRD를 쓰고 있다면 CRD를 뺀 나머지 오브젝트만 삭제하세요. 이미 버킷에 올라간 이 엣지의 데이터는 Compactor 보존 기간이 지나 삭제될 때까지 계속 조회됩니다.",
            [code(&f.namespace)],
        ));
    }
    blocks
}

/// Scaling Receive: two renders, so that the hashring lists only pods that run
/// (`hashringReplicas`).
fn scaling_receive(f: &FleetView, l: Lang) -> Vec<Block> {
    let central = &f.central;
    let k = kubectl_in(&central.context, &f.namespace);
    let rf = f.receive_replication_factor;
    vec![
        l.h(3, "Scaling Receive", "Receive 스케일 조정", []),
        l.p(
            "Receive runs {} ({}) with replication factor {} ({}). The factor can be at most the replicas (the render refuses more), and an odd factor tolerates as many failures as the next even one: a write needs {} of the factor's copies.",
            "현재 Receive는 {}({}), 복제 계수 {}({})입니다. 복제 계수는 복제본 수보다 클 수 없고(렌더링이 거부합니다), 짝수 계수는 바로 아래 홀수 계수보다 장애를 더 견디지 못합니다. 쓰기 한 번에 계수 중 {}개의 복제가 성공해야 하기 때문입니다.",
            [
                l.replicas(f.receive.replicas),
                code("central.receive.replicas"),
                plain(rf.to_string()),
                code("central.receive.replicationFactor"),
                l.text("floor(factor / 2) + 1", "floor(계수 / 2) + 1", []),
            ],
        ),
        l.p(
            "Change the replicas in two renders, so that the hashring ConfigMap {} never lists a pod that is not ready, nor one about to stop: the field {} makes the ring list only the first pods of the StatefulSet {} while they differ (`check` warns until it is gone). A pod outside the ring still takes writes from the Ingress and forwards them; it holds no series. The ring and the StatefulSet are both in {}: apply the central build each time (steps 3 and 5).",
            "복제본 수는 두 번의 렌더링으로 바꿉니다. 그래야 해시링 ConfigMap({})이 준비되지 않은 파드나 곧 종료될 파드를 가리키지 않습니다. {} 필드를 설정하면 그동안 해시링은 StatefulSet({})의 앞쪽 파드만 나열합니다(필드가 남아 있는 동안 `check`가 경고합니다). 해시링 밖의 파드도 Ingress에서 쓰기를 받아 전달하지만 시리즈는 보관하지 않습니다. 해시링과 StatefulSet은 모두 {}에 있으므로 매번 중앙 빌드를 적용합니다(3, 5단계).",
            [
                code(&f.hashring.config_map),
                code("central.receive.hashringReplicas"),
                code(&f.receive.name),
                code(format!("{}/{}", central.dir, receive::FILE)),
            ],
        ),
        l.p("Scaling up, from N to M pods:", "N개에서 M개로 늘릴 때:", []),
        Block::numbered([
            l.text(
                "Set {} to M and {} to N; render and apply. The StatefulSet starts the new pods; the ring does not change, so no series moves yet.",
                "{}를 M으로, {}를 N으로 설정하고 렌더링해 적용합니다. StatefulSet이 새 파드를 시작하지만 해시링은 그대로이므로 아직 시리즈가 이동하지 않습니다.",
                [
                    code("central.receive.replicas"),
                    code("central.receive.hashringReplicas"),
                ],
            ),
            l.text(
                "Wait until every pod is ready: {}.",
                "모든 파드가 준비될 때까지 기다립니다: {}.",
                [code(f.receive.rollout_status(&k, "20m"))],
            ),
            l.text(
                "Remove {}; render and apply. The ring now lists every pod.",
                "{}를 지우고 렌더링해 적용합니다. 이제 해시링이 모든 파드를 나열합니다.",
                [code("central.receive.hashringReplicas")],
            ),
        ]),
        l.p("Scaling down, from M to N pods:", "M개에서 N개로 줄일 때:", []),
        Block::numbered([
            l.text(
                "Set {} to N, keeping {} at M; render and apply. The pods that will go leave the ring but keep running.",
                "{}를 N으로 설정하고 {}는 M으로 둔 채 렌더링해 적용합니다. 제거될 파드는 해시링에서 빠지지만 계속 실행됩니다.",
                [
                    code("central.receive.hashringReplicas"),
                    code("central.receive.replicas"),
                ],
            ),
            l.text(
                "Wait until every pod has reloaded the ring: the kubelet updates the mounted ConfigMap within a minute or two and Receive rereads the file at the latest after {} (its refresh interval). The ConfigMap as the pods read it: {}.",
                "모든 파드가 해시링을 다시 읽을 때까지 기다립니다. kubelet은 보통 1-2분 안에 마운트된 ConfigMap을 갱신하고, Receive는 늦어도 {}(파일 갱신 주기) 안에 파일을 다시 읽습니다. 파드가 읽는 ConfigMap 내용: {}.",
                [code("5m"), code(f.hashring.command(&k))],
            ),
            l.text(
                "Set {} to N and remove {}; render and apply. The StatefulSet removes the highest ordinals.",
                "{}를 N으로 바꾸고 {}를 지운 뒤 렌더링해 적용합니다. StatefulSet이 가장 큰 번호의 파드부터 제거합니다.",
                [
                    code("central.receive.replicas"),
                    code("central.receive.hashringReplicas"),
                ],
            ),
        ]),
        Block::bullets([
            if f.hashring.algorithm == HashringAlgorithm::Ketama {
                l.text(
                    "While pods reload a changed ring, within a minute or two, they route by different rings and some writes fail with 5xx; the agents retry them. With {} only the series of the added or removed endpoints move.",
                    "파드가 바뀐 해시링을 다시 읽는 동안(보통 1-2분) 파드마다 다른 해시링으로 라우팅해 일부 쓰기가 5xx로 실패하지만 에이전트가 재시도합니다. {} 알고리즘에서는 추가되거나 빠진 엔드포인트의 시리즈만 이동합니다.",
                    [code(f.hashring.algorithm.as_str())],
                )
            } else {
                l.text(
                    "While pods reload a changed ring, within a minute or two, they route by different rings and some writes fail with 5xx; the agents retry them. With {} almost every series moves to another pod when the number of endpoints changes: each pod starts a head for the series it now owns, and memory stays raised until the old heads are compacted (about 2 hours). Prefer ketama before scaling a large fleet.",
                    "파드가 바뀐 해시링을 다시 읽는 동안(보통 1-2분) 파드마다 다른 해시링으로 라우팅해 일부 쓰기가 5xx로 실패하지만 에이전트가 재시도합니다. {} 알고리즘에서는 엔드포인트 수가 바뀌면 거의 모든 시리즈가 다른 파드로 이동합니다. 각 파드는 새로 맡은 시리즈의 head를 새로 만들고, 이전 head가 컴팩션될 때까지(약 2시간) 메모리 사용량이 높게 유지됩니다. 큰 fleet을 스케일하기 전에는 ketama를 권장합니다.",
                    [code(f.hashring.algorithm.as_str())],
                )
            },
            l.text(
                "A changed replication factor changes every pod's flags: the StatefulSet restarts the Receive pods one by one. Change it in a render of its own, not with the replicas.",
                "복제 계수를 바꾸면 모든 파드의 플래그가 바뀌므로 StatefulSet이 Receive 파드를 하나씩 재시작합니다. 복제본 수와 함께 바꾸지 말고 따로 렌더링하세요.",
                [],
            ),
            l.text(
                "A removed pod flushes its head block and uploads what it has not uploaded yet to the bucket when it stops (it has {} seconds); from then on Store serves that data. What it could not upload in time stays only on its volume: the claim {} is not deleted with the pod. Check the pod's log before deleting the claim.",
                "제거되는 파드는 종료하면서 head 블록을 플러시하고 아직 올리지 않은 블록을 버킷에 업로드합니다({}초의 유예 시간). 그 뒤로는 Store가 그 데이터를 제공합니다. 시간 안에 올리지 못한 데이터는 그 파드의 볼륨에만 남으며, PVC({})는 파드와 함께 삭제되지 않습니다. PVC를 지우기 전에 파드 로그를 확인하세요.",
                [
                    plain(f.receive_grace_seconds.to_string()),
                    code(format!("data-{}-<i>", f.receive.name)),
                ],
            ),
        ]),
        l.p(
            "While it rolls, for a pod {} being removed (set {} to its ordinal):",
            "진행 중에는 제거되는 파드 {}에 대해 다음을 확인합니다({}를 그 번호로 설정):",
            [code(format!("{}-$i", f.receive.name)), code("i")],
        ),
        CodeBlock::lines(
            "sh",
            [
                "i=1".to_owned(),
                format!(
                    "{k} logs -f {}-\"$i\" -c {}",
                    quote(&f.receive.name),
                    quote(&f.receive.container)
                ),
                f.receive.rollout_status(&k, "20m"),
                f.hashring.command(&k),
                format!("{k} delete pvc data-{}-\"$i\"", quote(&f.receive.name)),
            ],
        )
        .into(),
    ]
}
