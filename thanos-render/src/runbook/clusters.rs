//! The clusters: name, context, API server, role, `cluster` label, overlay.

use super::{
    fleet_view::FleetView,
    lang::Lang,
    markdown::{code, Block, Table},
};

pub(crate) fn blocks(f: &FleetView, l: Lang) -> Vec<Block> {
    let mut table = Table::new([
        l.text("Cluster", "클러스터", []),
        l.text("kubectl context", "kubectl 컨텍스트", []),
        l.text("API server", "API 서버", []),
        l.text("Role", "역할", []),
        l.text("`cluster` label", "`cluster` 레이블", []),
        l.text("Overlay", "오버레이", []),
    ]);
    for (cluster, central) in f
        .clusters()
        .zip(std::iter::once(true).chain(std::iter::repeat(false)))
    {
        table.push([
            code(&cluster.name),
            code(&cluster.context),
            code(&cluster.api_address),
            if central {
                l.text("central", "중앙", [])
            } else {
                l.text("edge (agent)", "엣지 (에이전트)", [])
            },
            code(&cluster.label),
            code(format!("{}/", cluster.dir)),
        ]);
    }
    vec![
        l.h(2, "Clusters", "클러스터", []),
        table.into(),
        l.p(
            "Everything is installed into the namespace {} of each cluster, as the Helm release {} of the chart. The shared chart values are in {}.",
            "모든 오브젝트는 각 클러스터의 {} 네임스페이스에 차트의 Helm 릴리스({})로 설치됩니다. 공통 차트 값은 {}에 있습니다.",
            [
                code(&f.namespace),
                code(&f.chart.release_name),
                code(format!("{}/", f.base_dir)),
            ],
        ),
    ]
}
