//! Availability and sizing: what survives the loss of a node, where the replicas run,
//! and what each Thanos component is given against what this fleet needs (the model's
//! [`Fleet::sizing`], the same function the rendered requests and limits come from).

use thanos_model::{Bytes, Fleet, FleetSizing, Resources, Spread, Workload};

use super::{
    fleet_view::FleetView,
    lang::Lang,
    markdown::{code, codes, plain, Block, CodeBlock, Table, Text},
};
use crate::{
    shell::{kubectl_in, quote},
    CentralOverlay,
};

/// Seconds a new Receive pod stays ready before a rollout moves on, read from the
/// rendered StatefulSet.
fn min_ready_seconds(central: &CentralOverlay) -> Option<i32> {
    central
        .receive
        .stateful_set
        .spec
        .as_ref()?
        .min_ready_seconds
}

/// How many Receive pods a drain may take, from the rendered PodDisruptionBudget.
fn receive_max_unavailable(central: &CentralOverlay) -> Option<i32> {
    let budget = central.receive.shared.pod_disruption_budget.as_ref()?;
    match budget.spec.as_ref()?.max_unavailable.as_ref()? {
        k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(n) => Some(*n),
        k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(_) => None,
    }
}

/// One sized workload as rendered: its replicas and resources, against its need.
#[derive(Debug, Clone)]
struct Row {
    workload: Workload,
    replicas: u32,
    resources: Resources,
    need: Resources,
    /// Whether the fleet file sets the resources (else they are the need).
    explicit: bool,
    /// Its volume and the volume the fleet needs, where that grows with the fleet.
    volume: Option<(Bytes, Option<Bytes>)>,
}

/// What the section quotes about the fleet.
#[derive(Debug, Clone)]
pub(crate) struct AvailabilityView {
    sizing: FleetSizing,
    rows: Vec<Row>,
    edges: usize,
    series_per_cluster: u64,
    factor: u32,
    quorum: u32,
    receive_max_unavailable: Option<i32>,
    min_ready_seconds: Option<i32>,
    zone_key: Option<String>,
    spread: Spread,
    chart_budgets: bool,
    /// The fields whose single replica (or single copy) does not survive a node loss.
    single: Vec<&'static str>,
}

impl AvailabilityView {
    pub(crate) fn new(fleet: &Fleet, central: &CentralOverlay) -> Self {
        let c = &fleet.central;
        let sizing = fleet.sizing();
        let rows = Workload::ALL
            .into_iter()
            .filter_map(|workload| {
                let (replicas, explicit, volume) = match workload {
                    Workload::Receive => (
                        c.receive.replicas,
                        c.receive.resources.is_some(),
                        Some(&c.receive.storage.size),
                    ),
                    Workload::Query => (c.query.replicas, c.query.resources.is_some(), None),
                    Workload::Store => (
                        c.store.replicas,
                        c.store.resources.is_some(),
                        Some(&c.store.storage.size),
                    ),
                    Workload::Compactor => (
                        1,
                        c.compactor.resources.is_some(),
                        Some(&c.compactor.storage.size),
                    ),
                    Workload::Ruler => {
                        let ruler = c.ruler.as_ref()?;
                        (
                            ruler.replicas,
                            ruler.resources.is_some(),
                            Some(&ruler.storage.size),
                        )
                    }
                };
                let need = sizing.need(workload);
                Some(Row {
                    workload,
                    replicas,
                    resources: fleet.resources(workload),
                    need: need.resources.clone(),
                    explicit,
                    volume: volume.map(|size| (size.clone(), need.storage.clone())),
                })
            })
            .collect();
        let mut single = Vec::new();
        for (path, replicas) in [
            ("central.receive.replicas", c.receive.replicas),
            (
                "central.receive.replicationFactor",
                c.receive.replication_factor,
            ),
            ("central.query.replicas", c.query.replicas),
            ("central.store.replicas", c.store.replicas),
            ("central.prometheus.replicas", c.prometheus.replicas),
            ("central.alertmanager.replicas", c.alertmanager.replicas),
            (
                "central.ruler.replicas",
                c.ruler.as_ref().map_or(2, |ruler| ruler.replicas),
            ),
        ] {
            if replicas == 1 {
                single.push(path);
            }
        }
        Self {
            sizing,
            rows,
            edges: fleet.edges.len(),
            series_per_cluster: c.sizing.active_series_per_cluster,
            factor: c.receive.replication_factor,
            quorum: c.receive.replication_factor / 2 + 1,
            receive_max_unavailable: receive_max_unavailable(central),
            min_ready_seconds: min_ready_seconds(central),
            zone_key: c.topology.zone_key.clone(),
            spread: c.topology.spread,
            chart_budgets: c.topology.disruption_budgets,
            single,
        }
    }
}

/// The component's name in the table.
fn name(workload: Workload) -> &'static str {
    match workload {
        Workload::Receive => "Thanos Receive",
        Workload::Query => "Thanos Query",
        Workload::Store => "Thanos Store",
        Workload::Compactor => "Thanos Compactor",
        Workload::Ruler => "Thanos Ruler",
    }
}

/// `request / limit`.
fn pair(request: &impl std::fmt::Display, limit: &impl std::fmt::Display) -> Text {
    plain(format!("{request} / {limit}"))
}

pub(crate) fn blocks(f: &FleetView, l: Lang) -> Vec<Block> {
    let a = &f.availability;
    let mut blocks = vec![
        l.h(2, "Availability and sizing", "가용성과 용량", []),
        l.h(3, "The loss of a node", "노드 하나의 장애", []),
    ];
    if a.single.is_empty() {
        blocks.push(l.p(
            "This fleet survives the loss of one node. Receive keeps {} copies of every series on {}, never two of them on one node, and a write needs {} of the copies, so its PodDisruptionBudget lets a drain take {} at a time.",
            "이 fleet은 노드 하나의 장애를 견딥니다. Receive는 모든 시리즈를 {}개 복제해 {}에 두며, 한 노드에 둘을 두지 않습니다. 쓰기 한 번에 그중 {}개가 성공해야 하므로 PodDisruptionBudget은 드레인에 한 번에 {}까지만 허용합니다.",
            [
                plain(a.factor.to_string()),
                l.replicas(f.receive.replicas),
                plain(a.quorum.to_string()),
                l.replicas(a.receive_max_unavailable.unwrap_or(0)),
            ],
        ));
    } else {
        blocks.push(l.p(
            "This fleet does not survive the loss of a node: {} keep a single replica (or a single copy of each series), so a node's loss, a drain or an upgrade stops them until their pod runs again. `thanos-kustomize check` warns about each; the model's defaults (what `thanos-kustomize init` writes) run Receive 3 with factor 3 and the others 2.",
            "이 fleet은 노드 하나의 장애를 견디지 못합니다. {}가 복제본 하나(또는 시리즈당 복제 하나)뿐이라 노드 장애, 드레인, 업그레이드 때 파드가 다시 뜰 때까지 멈춥니다. `thanos-kustomize check`가 각각 경고하며, 모델 기본값(`thanos-kustomize init`이 쓰는 값)은 Receive 3개(복제 계수 3), 나머지 2개입니다.",
            [codes(a.single.iter().copied(), ", ")],
        ));
    }
    let mut placement = vec![
        l.text(
            "Receive with a replication factor above 1: at most one pod per node (a required pod anti-affinity on {}). The central cluster needs as many schedulable nodes as Receive has replicas ({}); with fewer, a pod stays `Pending`.",
            "복제 계수가 1보다 큰 Receive: 노드당 파드 하나까지(호스트 이름 {}에 대한 필수 pod anti-affinity). 중앙 클러스터에는 Receive 복제본 수({})만큼 스케줄 가능한 노드가 필요하며, 부족하면 파드가 `Pending`에 머뭅니다.",
            [code(thanos_model::HOSTNAME_KEY), plain(f.receive.replicas.to_string())],
        ),
        match a.spread {
            Spread::Required => l.text(
                "Query and Store: even over the nodes (a topology spread constraint, skew 1, `DoNotSchedule`); Prometheus, Alertmanager and the Ruler: never two replicas on one node (the chart's `podAntiAffinity: hard`). Set by {}.",
                "Query와 Store: 노드에 고르게 분산(topology spread constraint, skew 1, `DoNotSchedule`). Prometheus, Alertmanager, Ruler: 한 노드에 복제본 둘을 두지 않음(차트의 `podAntiAffinity: hard`). {}로 설정합니다.",
                [code("central.topology.spread: required")],
            ),
            Spread::Preferred => l.text(
                "Query, Store, Prometheus, Alertmanager and the Ruler are only preferred on different nodes ({}): one node may hold every replica of one of them.",
                "Query, Store, Prometheus, Alertmanager, Ruler는 서로 다른 노드를 선호만 합니다({}). 한 노드에 어느 하나의 복제본이 모두 놓일 수 있습니다.",
                [code("central.topology.spread: preferred")],
            ),
        },
        match &a.zone_key {
            Some(key) => l.text(
                "Zones: every replicated workload is spread evenly over the values of the node label {} as well.",
                "영역(zone): 복제된 모든 워크로드가 노드 레이블 {}의 값에도 고르게 분산됩니다.",
                [code(key)],
            ),
            None => l.text(
                "Zones are not considered: a zone's loss may take every replica. Name the nodes' zone label in {} to spread over zones too.",
                "영역(zone)은 고려하지 않으므로 한 영역의 장애로 모든 복제본을 잃을 수 있습니다. 영역에도 분산하려면 {}에 노드의 영역 레이블을 지정하세요.",
                [code("central.topology.zoneKey")],
            ),
        },
        if a.chart_budgets {
            l.text(
                "PodDisruptionBudgets: Receive's from its write quorum; Query, Store, Prometheus, Alertmanager and the Ruler keep all replicas but one through a drain. A pod that is not ready may always be evicted, so a crash loop never blocks a node's maintenance.",
                "PodDisruptionBudget: Receive는 쓰기 정족수에 맞춰, Query, Store, Prometheus, Alertmanager, Ruler는 드레인 중에도 하나를 뺀 모든 복제본을 유지합니다. 준비되지 않은 파드는 언제나 축출할 수 있어 크래시 루프가 노드 유지보수를 막지 않습니다.",
                [],
            )
        } else {
            l.text(
                "The chart's Prometheus, Alertmanager and Ruler have no PodDisruptionBudget ({}): a drain may evict every replica at once.",
                "차트의 Prometheus, Alertmanager, Ruler에 PodDisruptionBudget이 없습니다({}). 드레인 한 번에 모든 복제본이 축출될 수 있습니다.",
                [code("central.topology.disruptionBudgets: false")],
            )
        },
    ];
    if let Some(seconds) = a.min_ready_seconds {
        placement.push(l.text(
            "A restarted Receive pod stays ready {} seconds before the rollout restarts the next one (`minReadySeconds`): restarting the next pod as soon as the previous one is ready loses the write quorum for a moment.",
            "재시작된 Receive 파드는 다음 파드를 재시작하기 전에 {}초 동안 준비 상태를 유지해야 합니다(`minReadySeconds`). 앞 파드가 준비되자마자 다음 파드를 재시작하면 잠시 쓰기 정족수를 잃습니다.",
            [plain(seconds.to_string())],
        ));
    }
    blocks.push(Block::bullets(placement));
    blocks.extend(sizing_blocks(f, l));
    blocks
}

/// The sizing table and how to grow a volume.
fn sizing_blocks(f: &FleetView, l: Lang) -> Vec<Block> {
    let a = &f.availability;
    let s = &a.sizing;
    let mut blocks = vec![
        l.h(3, "Sizing", "용량", []),
        l.p(
            "Sized for {} active series ({} edges, {} each unless an edge states its own in {}; {}), {} samples a second. Each Receive pod holds {} head series ({} copies over {}). The bucket grows by about {} a day; at the Compactor's retentions it holds about {}. The formulas and their sources are in thanos-kustomize's `docs/design/sizing.md`.",
            "활성 시리즈 {}개 기준으로 산정했습니다(엣지 {}개, 각 {}개이며 엣지마다 {}로 따로 정할 수 있음; {}), 초당 샘플 {}개. Receive 파드 하나가 head 시리즈 {}개를 가집니다({}개 복제를 {}에 분산). 버킷은 하루에 약 {}씩 늘어나며, Compactor 보존 기간 기준으로 약 {}를 차지합니다. 계산식과 출처는 thanos-kustomize의 `docs/design/sizing.md`에 있습니다.",
            [
                plain(s.active_series.to_string()),
                plain(a.edges.to_string()),
                plain(a.series_per_cluster.to_string()),
                code("edges[].activeSeries"),
                code("central.sizing.activeSeriesPerCluster"),
                plain(s.samples_per_second.to_string()),
                plain(s.series_per_receive_pod.to_string()),
                plain(a.factor.to_string()),
                l.replicas(f.receive.replicas),
                plain(s.bucket_per_day.to_string()),
                s.bucket_at_retention.as_ref().map_or_else(
                    || l.text("an ever growing amount (a retention keeps blocks for ever)", "계속 늘어나는 양(보존 기간 중 하나가 무기한)", []),
                    |size| plain(size.to_string()),
                ),
            ],
        ),
    ];
    let mut table = Table::new([
        l.text("Component", "구성 요소", []),
        l.text("Replicas", "복제본", []),
        l.text("CPU request / limit", "CPU 요청 / 한도", []),
        l.text("Memory request / limit", "메모리 요청 / 한도", []),
        l.text("Memory the fleet needs", "fleet에 필요한 메모리", []),
        l.text("Volume (the fleet needs)", "볼륨(fleet에 필요한 크기)", []),
    ]);
    for row in &a.rows {
        let r = &row.resources;
        let need = if row.explicit {
            plain(row.need.memory_limit.to_string())
        } else {
            l.text(
                "{} (derived)",
                "{} (산정값)",
                [plain(row.need.memory_limit.to_string())],
            )
        };
        let volume = match &row.volume {
            Some((size, Some(need))) => plain(format!("{size} ({need})")),
            Some((size, None)) => plain(size.to_string()),
            None => plain("-"),
        };
        table.push([
            plain(name(row.workload)),
            plain(row.replicas.to_string()),
            pair(&r.cpu_request, &r.cpu_limit),
            pair(&r.memory_request, &r.memory_limit),
            need,
            volume,
        ]);
    }
    blocks.push(table.into());
    blocks.push(l.p(
        "Requests and limits left out of the fleet file are derived (memory request = limit, so no Thanos pod is the first evicted under memory pressure) and follow the fleet when edges are added; set ones are rendered as they are, and `check` warns when one is below the need. Volumes never follow by themselves (a StatefulSet's claim template cannot change): `check` warns when one is below the need, and it is grown as below.",
        "fleet 파일에 적지 않은 요청과 한도는 산정값을 씁니다(메모리 요청 = 한도이므로 메모리 부족 시 Thanos 파드가 먼저 축출되지 않습니다). 엣지를 추가하면 함께 늘어납니다. 직접 적은 값은 그대로 렌더링하며, 필요량보다 작으면 `check`가 경고합니다. 볼륨은 스스로 늘어나지 않으므로(StatefulSet의 클레임 템플릿은 바꿀 수 없음) 필요량보다 작으면 `check`가 경고하고, 아래 순서로 늘립니다.",
        [],
    ));
    blocks.extend(resize_blocks(f, l));
    blocks
}

/// Growing the volumes of a StatefulSet: its claim template cannot change.
fn resize_blocks(f: &FleetView, l: Lang) -> Vec<Block> {
    let k = kubectl_in(&f.central.context, &f.namespace);
    let receive = &f.receive;
    let size = f
        .availability
        .rows
        .iter()
        .find(|row| row.workload == Workload::Receive)
        .and_then(|row| row.volume.as_ref())
        .map(|(size, need)| {
            // The need where it is above the volume, else the volume as it is.
            need.as_ref()
                .filter(|need| need.as_bytes() > size.as_bytes())
                .unwrap_or(size)
                .to_string()
        })
        .unwrap_or_default();
    vec![
        l.h(4, "Growing a volume", "볼륨 늘리기", []),
        Block::numbered([
            l.text(
                "Set the size ({} for Receive) and render. The storage class must allow volume expansion.",
                "크기를 지정하고({}, Receive의 경우) 렌더링합니다. 스토리지 클래스가 볼륨 확장을 허용해야 합니다.",
                [code("central.receive.storage.size")],
            ),
            l.text(
                "Delete the StatefulSet but not its pods ({}): they keep running and serving.",
                "StatefulSet만 지우고 파드는 남깁니다({}). 파드는 계속 실행되며 요청을 처리합니다.",
                [code("--cascade=orphan")],
            ),
            l.text(
                "Grow each pod's claim to the new size.",
                "각 파드의 클레임을 새 크기로 늘립니다.",
                [],
            ),
            l.text(
                "Apply the central build (steps 3 and 5): the StatefulSet comes back with the new claim template and adopts the running pods.",
                "중앙 빌드를 적용합니다(3, 5단계). StatefulSet이 새 클레임 템플릿으로 다시 만들어지고 실행 중인 파드를 다시 관리합니다.",
                [],
            ),
        ]),
        CodeBlock::lines(
            "sh",
            [
                format!(
                    "{k} delete statefulset {} --cascade=orphan",
                    quote(&receive.name)
                ),
                format!(
                    "for pvc in {}; do {k} patch pvc \"$pvc\" -p '{{\"spec\":{{\"resources\":{{\"requests\":{{\"storage\":\"{size}\"}}}}}}}}'; done",
                    receive
                        .pods()
                        .iter()
                        .map(|pod| format!("data-{pod}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            ],
        )
        .into(),
    ]
}
