//! Prerequisites: tools with their versions, and what every cluster must already have.

use super::{
    fleet_view::FleetView,
    lang::Lang,
    markdown::{code, codes, Block, CodeBlock, Text},
};
use crate::shell::{kubectl, quote};

pub(crate) fn blocks(f: &FleetView, l: Lang) -> Vec<Block> {
    let chart = &f.chart;
    let mut items: Vec<Text> = vec![
        l.text(
            "`kubectl` with its built-in kustomize v5.5 or later (`kubectl version --client` shows both).",
            "kustomize v5.5 이상이 내장된 `kubectl` (`kubectl version --client`로 둘 다 확인).",
            [],
        ),
        l.text(
            "`helm` v3 on the `PATH` (CI uses v3.17.2). Not helm v4: kustomize 5.5 runs `helm version -c`, which helm 4 refuses.",
            "`PATH`에 있는 `helm` v3 (CI는 v3.17.2 사용). helm v4는 쓸 수 없습니다: kustomize 5.5가 실행하는 `helm version -c`를 helm 4가 거부합니다.",
            [],
        ),
        l.text(
            "The chart {} {} from {}. The first build pulls it into each overlay's `charts/` directory, so it needs access to the repository; without it, unpack the chart archive into {} of each overlay beforehand. Keep `charts/` out of git.",
            "차트 {} {} ({}). 첫 빌드 때 각 오버레이의 `charts/` 디렉터리로 내려받으므로 저장소에 접근할 수 있어야 합니다. 접근할 수 없다면 차트 아카이브를 각 오버레이의 {}에 미리 풀어 두세요. `charts/`는 git에 넣지 않습니다.",
            [
                code(&chart.name),
                code(&chart.version),
                code(&chart.repo),
                code(format!("charts/{}-{}/", chart.name, chart.version)),
            ],
        ),
    ];
    items.push(if f.bucket.envsubst.is_some() {
        l.text(
            "`envsubst` (GNU gettext) for the S3 Secret, and `curl` for the checks.",
            "S3 Secret을 만들 `envsubst`(GNU gettext)와 확인용 `curl`.",
            [],
        )
    } else {
        l.text("`curl` for the checks.", "확인용 `curl`.", [])
    });
    items.push(l.text(
        "A kubeconfig with the contexts {}.",
        "{} 컨텍스트가 들어 있는 kubeconfig.",
        [codes(f.clusters().map(|c| c.context.clone()), ", ")],
    ));
    items.push(l.text(
        "The storage class {} on the central cluster (volumes of Prometheus, Alertmanager, Receive, Store and Compactor).",
        "중앙 클러스터의 스토리지 클래스 {} (Prometheus, Alertmanager, Receive, Store, Compactor 볼륨).",
        [codes(&f.central_storage_classes, ", ")],
    ));
    if !f.edges.is_empty() {
        items.push(l.text(
            "The storage class {} on every edge (the agent's volume).",
            "모든 엣지의 스토리지 클래스 {} (에이전트 볼륨).",
            [codes(&f.edge_storage_classes, ", ")],
        ));
    }
    let hosts: Vec<&String> = [&f.receive.host, &f.query.host, &f.grafana_host]
        .into_iter()
        .flatten()
        .collect();
    if !hosts.is_empty() {
        items.push(l.text(
            "The ingress class {} on the central cluster, and DNS records of {} pointing at its ingress controller.",
            "중앙 클러스터의 인그레스 클래스 {}, 그리고 중앙 인그레스 컨트롤러를 가리키는 {} DNS 레코드.",
            [codes(&f.ingress_classes, ", "), codes(hosts, ", ")],
        ));
    }
    if let (false, Some(host)) = (f.edges.is_empty(), &f.receive.host) {
        items.push(l.text(
            "Every edge can reach {} over HTTP (port 80): the agents write there.",
            "모든 엣지에서 {}에 HTTP(80 포트)로 접근할 수 있어야 합니다. 에이전트가 이 주소로 데이터를 보냅니다.",
            [code(host)],
        ));
    }
    items.push(l.text(
        "The bucket {} at {}, and an access key that may read, write, list and delete objects in it.",
        "{1}의 버킷 {0}, 그리고 이 버킷의 객체를 읽기, 쓰기, 목록 조회, 삭제할 수 있는 액세스 키.",
        [code(&f.bucket.bucket), code(&f.bucket.endpoint)],
    ));

    let mut check = vec![
        "kubectl version --client".to_owned(),
        "helm version --short".to_owned(),
    ];
    for (cluster, classes) in f.clusters().zip(
        std::iter::once(&f.central_storage_classes)
            .chain(std::iter::repeat(&f.edge_storage_classes)),
    ) {
        for class in classes {
            check.push(format!(
                "{} get storageclass {}",
                kubectl(&cluster.context),
                quote(class)
            ));
        }
    }
    for class in &f.ingress_classes {
        check.push(format!(
            "{} get ingressclass {}",
            kubectl(&f.central.context),
            quote(class)
        ));
    }

    vec![
        l.h(2, "Prerequisites", "사전 준비", []),
        Block::bullets(items),
        l.p(
            "Check the tools, and that each cluster has what it needs:",
            "도구와 각 클러스터에 필요한 리소스가 있는지 확인합니다:",
            [],
        ),
        CodeBlock::lines("sh", check).into(),
    ]
}
