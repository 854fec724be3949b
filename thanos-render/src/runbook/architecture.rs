//! Architecture: what runs where, and how samples flow from the edges to Grafana.

use super::{
    fleet_view::{FleetView, Label, Retention, SilentEdges, ThanosAlerts},
    lang::Lang,
    markdown::{code, codes, plain, Block, Table, Text},
};

pub(crate) fn blocks(f: &FleetView, l: Lang) -> Vec<Block> {
    let mut blocks = vec![l.h(2, "Architecture", "아키텍처", [])];
    let edges = f.edges.len();
    blocks.push(if edges == 0 {
        l.p(
            "The central cluster {} (context {}) scrapes itself and stores and queries its metrics. The fleet has no edge cluster yet.",
            "중앙 클러스터({}, 컨텍스트 {})가 자기 자신을 수집하고 메트릭을 저장, 조회합니다. 아직 엣지 클러스터는 없습니다.",
            [code(&f.central.name), code(&f.central.context)],
        )
    } else {
        l.p(
            "The central cluster {} (context {}) stores and queries the metrics of every cluster. The {} edge clusters run Prometheus in Agent mode and send everything they scrape to it; they keep nothing long-term.",
            "중앙 클러스터({}, 컨텍스트 {})가 모든 클러스터의 메트릭을 저장하고 조회합니다. 엣지 클러스터 {}개는 Prometheus를 Agent 모드로 실행해 수집한 모든 샘플을 중앙으로 보내며, 장기 보관은 하지 않습니다.",
            [
                code(&f.central.name),
                code(&f.central.context),
                plain(edges.to_string()),
            ],
        )
    });

    let header = [
        l.text("Component", "구성 요소", []),
        l.text("Objects", "오브젝트", []),
        l.text("What it does", "역할", []),
    ];
    let mut table = Table::new(header);
    let central_label = code(format!("cluster=\"{}\"", f.central.label));
    table.push([
        l.text("Prometheus (central)", "Prometheus (중앙)", []),
        objects(l, code("Prometheus"), &f.prometheus_cr, f.central.replicas).append(l.text(
            "; containers `prometheus`, `thanos-sidecar`",
            "; 컨테이너 `prometheus`, `thanos-sidecar`",
            [],
        )),
        l.text(
            "Scrapes the central cluster with the label {} and keeps {} locally; the sidecar uploads each 2-hour block to the bucket and serves recent data to Query.",
            "중앙 클러스터를 {} 레이블로 수집하고 로컬에 {} 보관합니다. 사이드카가 2시간 단위 블록을 버킷에 업로드하고 최근 데이터를 Query에 제공합니다.",
            [central_label, code(&f.prometheus_retention)],
        ),
    ]);
    table.push([
        plain("Alertmanager"),
        objects(
            l,
            code("Alertmanager"),
            &f.alertmanager_cr,
            f.alertmanager_replicas,
        ),
        if f.ruler.is_some() {
            l.text(
                "Receives the alerts of the central Prometheus and of the Thanos Ruler.",
                "중앙 Prometheus와 Thanos Ruler의 알림을 받아 전달합니다.",
                [],
            )
        } else {
            l.text(
                "Receives the alerts of the central Prometheus.",
                "중앙 Prometheus의 알림을 받아 전달합니다.",
                [],
            )
        },
    ]);
    table.push([
        plain("Grafana"),
        l.text("Deployment {}", "Deployment {}", [code(&f.grafana)]),
        l.text(
            "Dashboards, each with a `cluster` variable. Default datasource: Thanos Query ({}); the Alertmanager datasource is kept. The admin account comes from the Secret {}.",
            "대시보드(모든 대시보드에 `cluster` 변수가 있습니다). 기본 데이터소스는 Thanos Query({})이고 Alertmanager 데이터소스도 유지됩니다. 관리자 계정은 Secret {}에서 읽습니다.",
            [code(&f.grafana_datasource), code(&f.grafana_admin.secret)],
        ),
    ]);
    table.push([
        plain("Thanos Query"),
        objects(l, plain("Deployment"), &f.query.name, f.query.replicas),
        if f.ruler.is_some() {
            l.text(
                "One PromQL API over the sidecars, Receive, Store and the Ruler; removes the duplicates of replicas by {}.",
                "사이드카, Receive, Store, Ruler를 하나의 PromQL API로 묶어 제공하고, 복제본 중복을 {} 레이블 기준으로 제거합니다.",
                [codes(&f.query_replica_labels, ", ")],
            )
        } else {
            l.text(
                "One PromQL API over the sidecars, Receive and Store; removes the duplicates of replicas by {}.",
                "사이드카, Receive, Store를 하나의 PromQL API로 묶어 제공하고, 복제본 중복을 {} 레이블 기준으로 제거합니다.",
                [codes(&f.query_replica_labels, ", ")],
            )
        },
    ]);
    if let Some(frontend) = &f.query_frontend {
        table.push([
            plain("Thanos query-frontend"),
            objects(l, plain("Deployment"), &frontend.name, frontend.replicas),
            l.text(
                "Grafana's datasource in front of Query: splits range queries by day, retries failed ones and caches their results.",
                "Query 앞에 있는 Grafana의 데이터소스입니다. 범위 쿼리를 하루 단위로 나누고, 실패한 쿼리를 재시도하며, 결과를 캐시합니다.",
                [],
            ),
        ]);
    }
    table.push([
        plain("Thanos Receive"),
        objects(l, plain("StatefulSet"), &f.receive.name, f.receive.replicas).append(l.text(
            "; hashring ConfigMap {}",
            "; 해시링 ConfigMap {}",
            [code(&f.hashring.config_map)],
        )),
        l.text(
            "Takes the edges' remote write through its Ingress and spreads the series over the hashring ({}, replication factor {}); keeps {} in its TSDB and uploads 2-hour blocks to the bucket.",
            "Ingress로 엣지의 remote write를 받아 해시링({}, 복제 계수 {})으로 시리즈를 분산합니다. TSDB에 {} 보관하고 2시간 단위 블록을 버킷에 업로드합니다.",
            [
                code(f.hashring.algorithm.as_str()),
                plain(f.receive_replication_factor.to_string()),
                code(&f.receive_retention),
            ],
        ),
    ]);
    if let Some(router) = &f.receive_router {
        table.push([
            plain("Thanos Receive routers"),
            objects(l, plain("Deployment"), &router.name, router.replicas),
            l.text(
                "Take the edges' remote write through Receive's Ingress and forward each series over gRPC to the Receive pods of the hashring, which then only store; a change of the hashring reloads only the routers.",
                "Receive의 Ingress로 엣지의 remote write를 받아 각 시리즈를 gRPC로 해시링의 Receive 파드에 전달합니다. Receive 파드는 저장만 하며, 해시링이 바뀌면 라우터만 다시 읽습니다.",
                [],
            ),
        ]);
    }
    table.push([
        plain("Thanos Store"),
        objects(l, plain("StatefulSet"), &f.store.name, f.store.replicas),
        l.text(
            "Serves the blocks in the bucket to Query.",
            "버킷의 블록을 Query에 제공합니다.",
            [],
        ),
    ]);
    let Retention {
        raw,
        five_minutes: five,
        one_hour: hour,
    } = &f.compactor_retention;
    table.push([
        plain("Thanos Compactor"),
        objects(
            l,
            plain("StatefulSet"),
            &f.compactor.name,
            f.compactor.replicas,
        ),
        if f.downsampling {
            l.text(
                "Compacts the bucket's blocks, downsamples them (to 5m after 40 hours, to 1h after 10 days) and deletes them by retention: raw {}, 5m {}, 1h {}. Always one replica: two would compact the same blocks.",
                "버킷의 블록을 컴팩션하고 다운샘플링(40시간 후 5m, 10일 후 1h)하며 보존 기간에 따라 삭제합니다: raw {}, 5m {}, 1h {}. 두 개가 돌면 같은 블록을 컴팩션하므로 항상 1개만 실행합니다.",
                [code(raw), code(five), code(hour)],
            )
        } else {
            l.text(
                "Compacts the bucket's blocks and deletes them by retention (raw {}); downsampling is off. Always one replica: two would compact the same blocks.",
                "버킷의 블록을 컴팩션하고 보존 기간(raw {})에 따라 삭제합니다. 다운샘플링은 꺼져 있습니다. 두 개가 돌면 같은 블록을 컴팩션하므로 항상 1개만 실행합니다.",
                [code(raw)],
            )
        },
    ]);
    if let Some(ruler) = &f.ruler {
        table.push([
            plain("Thanos Ruler"),
            objects(l, code("ThanosRuler"), &ruler.cr, ruler.replicas).append(l.text(
                "; pods {}",
                "; 파드 {}",
                [codes(ruler.pods(), ", ")],
            )),
            l.text(
                "Evaluates the chart's recording rules and alerts, and the silent-edge alerts, over Thanos Query, so for every cluster; writes the results to the bucket, serves them to Query and sends the alerts to Alertmanager.",
                "차트의 레코딩 룰과 알림, 엣지 무응답 알림을 Thanos Query를 통해 모든 클러스터에 대해 평가합니다. 결과는 버킷에 쓰고 Query에 제공하며, 알림은 Alertmanager로 보냅니다.",
                [],
            ),
        ]);
    }
    if edges > 0 {
        table.push([
            l.text("Prometheus Agent (each edge)", "Prometheus Agent (각 엣지)", []),
            l.text(
                "`PrometheusAgent` {}; pods {}",
                "`PrometheusAgent` {}; 파드 {}",
                [
                    code(&f.prometheus_cr),
                    code(format!("prom-agent-{}-0", f.prometheus_cr)),
                ],
            ),
            l.text(
                "Scrapes its cluster with its own `cluster` label and remote-writes every sample to Receive; evaluates no rules and keeps only its write-ahead log.",
                "자기 클러스터를 고유한 `cluster` 레이블로 수집해 모든 샘플을 Receive로 remote write합니다. 룰은 평가하지 않고 WAL만 유지합니다.",
                [],
            ),
        ]);
    }
    blocks.push(table.into());

    blocks.push(l.p("How the data flows:", "데이터 흐름:", []));
    let mut flow: Vec<Text> = Vec::new();
    if let (true, Some(url)) = (edges > 0, &f.remote_write_url) {
        flow.push(l.text(
            "Each edge's agent writes to {} (Receive's Ingress, class {}, on the central cluster), every series labelled with its cluster.",
            "각 엣지의 에이전트는 모든 시리즈에 자기 클러스터 레이블을 붙여 중앙 클러스터의 Receive Ingress(주소 {0}, 클래스 {1})로 씁니다.",
            [code(url), codes(&f.ingress_classes, ", ")],
        ));
        flow.push(l.text(
            "Receive stores them with its block labels {} and `receive_replica` (the pod's name) and uploads a block to the bucket every 2 hours.",
            "Receive는 블록 레이블 {}, `receive_replica`(파드 이름)를 붙여 저장하고, 2시간마다 블록을 버킷에 업로드합니다.",
            [codes(
                f.receive_labels
                    .iter()
                    .map(|Label { name, value }| format!("{name}=\"{value}\"")),
                ", ",
            )],
        ));
    }
    flow.push(l.text(
        "The sidecars of the central Prometheus upload its blocks to the same bucket.",
        "중앙 Prometheus의 사이드카도 같은 버킷에 블록을 업로드합니다.",
        [],
    ));
    let grafana_reads = if f.query_frontend.is_some() {
        l.text(
            "Query through the query-frontend",
            "query-frontend를 거쳐 Query를 읽습니다",
            [],
        )
    } else {
        l.text("Query", "Query를 읽습니다", [])
    };
    flow.push(l.text(
        "Query reads recent data from the sidecars and Receive and older data through Store; Grafana reads {}.",
        "Query는 최근 데이터를 사이드카와 Receive에서, 과거 데이터를 Store를 통해 읽습니다. Grafana는 {}.",
        [grafana_reads],
    ));
    if f.ruler.is_some() {
        flow.push(l.text(
            "The Thanos Ruler evaluates the chart's rules over Query for every cluster (the agents evaluate none); central Prometheus evaluates only the Thanos alerts, so no series is recorded twice.",
            "Thanos Ruler가 Query를 통해 모든 클러스터에 대해 차트의 룰을 평가합니다(에이전트는 룰을 평가하지 않습니다). 중앙 Prometheus는 Thanos 알림만 평가하므로 같은 시리즈가 두 번 기록되지 않습니다.",
            [],
        ));
    }
    flow.push(l.text(
        "Compactor compacts, downsamples and deletes blocks in the bucket.",
        "Compactor가 버킷의 블록을 컴팩션, 다운샘플링, 삭제합니다.",
        [],
    ));
    blocks.push(Block::numbered(flow));
    blocks.extend(watching(f, l));

    let b = &f.bucket;
    blocks.push(l.p(
        "Object storage: the bucket {} at {} ({}), read and written through the Secret {} (key {}) by the sidecars, Receive, Store and Compactor.",
        "오브젝트 스토리지: {1}의 버킷 {0}({2}). 사이드카, Receive, Store, Compactor가 Secret {3}의 {4} 키를 통해 읽고 씁니다.",
        [
            code(&b.bucket),
            code(&b.endpoint),
            if b.insecure {
                l.text("plain HTTP", "HTTP, TLS 없음", [])
            } else {
                plain("HTTPS")
            },
            code(&b.secret),
            code(&b.secret_key),
        ],
    ));
    blocks
}

/// The "Objects" cell of a component: its workload's `kind` (the same word in every
/// language), name and replica count.
fn objects(l: Lang, kind: Text, name: &str, replicas: impl std::fmt::Display) -> Text {
    Text::template("{} {}, {}", [kind, code(name), l.replicas(replicas)])
}

/// What watches Thanos and the edges: ServiceMonitors, alerts, dashboards.
fn watching(f: &FleetView, l: Lang) -> Vec<Block> {
    let m = &f.monitoring;
    let mut items = Vec::new();
    if m.service_monitors {
        items.push(l.text(
            "Central Prometheus scrapes Query, Receive, Store, Compactor and the sidecars through the ServiceMonitors of the Thanos files (the chart's own for the Ruler).",
            "중앙 Prometheus가 Thanos 파일의 ServiceMonitor로 Query, Receive, Store, Compactor, 사이드카를 수집합니다(Ruler는 차트의 ServiceMonitor).",
            [],
        ));
    }
    if let Some(ThanosAlerts { rule, alerts }) = &m.alerts {
        items.push(l.text(
            "The PrometheusRule {}, evaluated by central Prometheus (so it still fires when Query or the Ruler is down), alerts on each component's failures: {}.",
            "PrometheusRule {}는 중앙 Prometheus가 평가하며(Query나 Ruler가 멈춰도 동작합니다) 각 구성 요소의 장애를 알립니다: {}.",
            [code(rule), codes(alerts, ", ")],
        ));
    }
    if let Some(SilentEdges {
        rule,
        alert,
        after,
        never_wrote,
    }) = &m.silent_edges
    {
        items.push(l.text(
            "The PrometheusRule {}, evaluated by the Ruler, has one {} alert per edge, labelled with the edge's `cluster`: it fires {} after the edge's last sample reached Receive (an edge that never wrote: {} after the Ruler first evaluates its rule, that is after central's build with the edge is applied).",
            "PrometheusRule {}는 Ruler가 평가하며 엣지마다 그 엣지의 `cluster` 레이블을 단 {} 알림이 하나씩 있습니다. 엣지의 마지막 샘플이 Receive에 도착하고 {} 뒤에 발생합니다(한 번도 쓰지 않은 엣지는 Ruler가 그 룰을 처음 평가한 뒤, 즉 그 엣지가 들어간 중앙 빌드를 적용한 뒤 {} 뒤에 발생).",
            [code(rule), code(alert), code(after), code(never_wrote)],
        ));
    }
    if !m.dashboards.is_empty() {
        items.push(l.text(
            "Grafana loads the Thanos dashboards from the ConfigMaps {}.",
            "Grafana가 ConfigMap {}에서 Thanos 대시보드를 읽어 옵니다.",
            [codes(&m.dashboards, ", ")],
        ));
    }
    if items.is_empty() {
        return Vec::new();
    }
    vec![
        l.p(
            "What watches the fleet (from `thanos-monitoring.yaml` and the Thanos files of the central overlay):",
            "fleet 감시 구성(중앙 오버레이의 `thanos-monitoring.yaml`과 Thanos 파일):",
            [],
        ),
        Block::bullets(items),
    ]
}
