//! The access table: every endpoint an operator reaches, and how.

use super::{
    fleet_view::FleetView,
    grafana_access,
    lang::Lang,
    markdown::{code, codes, plain, Block, Table, Text},
    verify,
};
use crate::{
    overlays::central::{
        network_policies::{ALERTMANAGER_WEB, PROMETHEUS_WEB},
        thanos::component::HTTP,
    },
    shell::{kubectl_in, quote},
};

/// The local port the central Prometheus is forwarded to (9090 is Query's).
const PROMETHEUS_LOCAL_PORT: u16 = 9091;

pub(crate) fn blocks(f: &FleetView, l: Lang) -> Vec<Block> {
    let k = kubectl_in(&f.central.context, &f.namespace);
    let forward = |service: &str, local: i64, remote: i64| {
        code(format!(
            "{k} port-forward svc/{} {local}:{remote}",
            quote(service)
        ))
    };
    let none = || l.text("none", "없음", []);
    let ingress = |host: &Option<String>, path: &str| match host {
        Some(host) => code(format!("http://{host}{path}")),
        None => none(),
    };
    let or_forward = |host: &Option<String>, forward: Text| match host {
        Some(_) => l.text(
            "Ingress (class {}); or {}",
            "Ingress(클래스 {}) 또는 {}",
            [codes(&f.ingress_classes, ", "), forward],
        ),
        None => forward,
    };

    let mut table = Table::new([
        l.text("What", "대상", []),
        l.text("Address", "주소", []),
        l.text("How to reach it", "접근 방법", []),
    ]);
    table.push([
        plain("Grafana"),
        ingress(&f.grafana_host, ""),
        or_forward(&f.grafana_host, code(grafana_access::port_forward(f))),
    ]);
    table.push([
        l.text("Thanos Query (UI and API)", "Thanos Query (UI, API)", []),
        ingress(&f.query.host, ""),
        or_forward(&f.query.host, code(verify::query_port_forward(f))),
    ]);
    if let Some(url) = &f.remote_write_url {
        table.push([
            l.text(
                "Thanos Receive (remote write)",
                "Thanos Receive (remote write)",
                [],
            ),
            code(url),
            l.text(
                "Ingress, for the edge agents",
                "Ingress, 엣지 에이전트용",
                [],
            ),
        ]);
    }
    table.push([
        plain("Alertmanager"),
        none(),
        // The chart names the Services like the custom resources.
        forward(
            &f.alertmanager_cr,
            ALERTMANAGER_WEB.into(),
            ALERTMANAGER_WEB.into(),
        ),
    ]);
    table.push([
        l.text("Prometheus (central)", "Prometheus (중앙)", []),
        none(),
        forward(
            &f.prometheus_cr,
            PROMETHEUS_LOCAL_PORT.into(),
            PROMETHEUS_WEB.into(),
        ),
    ]);
    if let Some(ruler) = &f.ruler {
        table.push([
            l.text(
                "Thanos Ruler (rules and alerts)",
                "Thanos Ruler (룰, 알림)",
                [],
            ),
            none(),
            // The chart's Thanos Ruler Service (`thanosRuler.service.port`) on Thanos' HTTP port.
            forward(&ruler.service, HTTP.number.into(), HTTP.number.into()),
        ]);
    }
    // No row for the compactor's bucket UI: its HTTP port also serves the API that marks
    // blocks for deletion, so the runbook forwards no port of Compactor or Store.
    let scheme = if f.bucket.insecure { "http" } else { "https" };
    table.push([
        l.text("Object storage", "오브젝트 스토리지", []),
        l.text(
            "{}, bucket {}",
            "{}, 버킷 {}",
            [
                code(format!("{scheme}://{}", f.bucket.endpoint)),
                code(&f.bucket.bucket),
            ],
        ),
        l.text(
            "The keys in the Secret {} (key {})",
            "Secret {}(키 {})의 자격 증명",
            [code(&f.bucket.secret), code(&f.bucket.secret_key)],
        ),
    ]);
    vec![
        l.h(2, "Access", "접근 정보", []),
        table.into(),
        l.p(
            "A port-forward runs until you stop it (Ctrl-C); open {} meanwhile.",
            "포트 포워딩은 멈출 때까지(Ctrl-C) 계속 실행되며, 그동안 {} 주소로 접속합니다.",
            [code("http://localhost:<local port>")],
        ),
    ]
}
