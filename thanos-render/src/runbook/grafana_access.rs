//! The runbook's Grafana section: where Grafana is, how to reach it, and the admin
//! account read from its Secret.

use super::{
    deploy::GRAFANA_PASSWORD_VAR,
    fleet_view::{FleetView, GrafanaAdmin},
    lang::Lang,
    markdown::{code, Block, CodeBlock},
};
use crate::shell::{kubectl_in, quote};

/// The port Grafana's Service listens on (the grafana chart's `service.port`).
pub(crate) const SERVICE_PORT: u16 = 80;
/// The local port the runbook forwards Grafana to.
pub(crate) const LOCAL_PORT: u16 = 3000;

/// The port-forward to Grafana's Service.
pub(crate) fn port_forward(f: &FleetView) -> String {
    format!(
        "{} port-forward svc/{} {LOCAL_PORT}:{SERVICE_PORT}",
        kubectl_in(&f.central.context, &f.namespace),
        quote(&f.grafana)
    )
}

/// Prints one key of a Secret, decoded.
fn read_key(f: &FleetView, secret: &str, key: &str) -> String {
    let template = format!(
        "{{{{index .data {} | base64decode}}}}{{{{\"\\n\"}}}}",
        super::verify::string_literal(key)
    );
    format!(
        "{} get secret {} -o go-template={}",
        kubectl_in(&f.central.context, &f.namespace),
        quote(secret),
        quote(&template)
    )
}

pub(crate) fn blocks(f: &FleetView, l: Lang) -> Vec<Block> {
    let GrafanaAdmin {
        secret,
        user_key,
        password_key,
    } = &f.grafana_admin;
    let mut blocks = vec![l.h(2, "Grafana", "Grafana", [])];
    match &f.grafana_host {
        Some(host) => {
            blocks.push(l.p(
                "Open {}. Without the DNS record, forward the port and open {}:",
                "{}에 접속합니다. DNS 레코드가 없다면 포트를 포워딩해 {}에 접속합니다:",
                [
                    code(format!(
                        "{}://{host}",
                        if f.security.https(host) {
                            "https"
                        } else {
                            "http"
                        }
                    )),
                    code(format!("http://localhost:{LOCAL_PORT}")),
                ],
            ));
        }
        None => {
            blocks.push(l.p(
                "Grafana has no Ingress: forward the port and open {}:",
                "Grafana에는 Ingress가 없으므로 포트를 포워딩해 {}에 접속합니다:",
                [code(format!("http://localhost:{LOCAL_PORT}"))],
            ));
        }
    }
    blocks.push(CodeBlock::lines("sh", [port_forward(f)]).into());
    blocks.push(l.p(
        "The admin user name and password are in the Secret {} (keys {} and {}), made in step 2 of the deploy; the tree never holds them. Read them with:",
        "관리자 계정과 비밀번호는 배포 2단계에서 만든 Secret {}(키 {}, {})에 있으며, 트리에는 들어 있지 않습니다. 다음 명령으로 읽습니다:",
        [code(secret), code(user_key), code(password_key)],
    ));
    blocks.push(
        CodeBlock::lines(
            "sh",
            [
                read_key(f, secret, user_key),
                read_key(f, secret, password_key),
            ],
        )
        .into(),
    );
    blocks.push(l.p(
        "To change the password, run the Grafana command of step 2 again with the new {} and restart Grafana: without persistence (the chart's default, kept here), Grafana takes the admin account from the Secret at every start.",
        "비밀번호를 바꾸려면 새 {} 값으로 2단계의 Grafana 명령을 다시 실행한 뒤 Grafana를 재시작합니다. 영구 저장소를 쓰지 않으므로(차트 기본값 그대로) Grafana는 시작할 때마다 Secret에서 관리자 계정을 읽습니다.",
        [code(GRAFANA_PASSWORD_VAR)],
    ));
    blocks.push(
        CodeBlock::lines(
            "sh",
            [format!(
                "{} rollout restart deployment/{}",
                kubectl_in(&f.central.context, &f.namespace),
                quote(&f.grafana)
            )],
        )
        .into(),
    );
    blocks.push(l.p(
        "Every dashboard has a `cluster` variable at the top: pick one of the clusters, or all of them. Explore queries Thanos Query by default.",
        "모든 대시보드 상단에 `cluster` 변수가 있어 클러스터를 하나 또는 전체로 선택할 수 있습니다. Explore는 기본으로 Thanos Query를 조회합니다.",
        [],
    ));
    blocks
}
