//! The deploy order, with this fleet's commands: the central cluster first, then the
//! edges; in each, the namespace, the Secrets (central only), the build, the CRDs, then
//! everything else.

use super::{
    fleet_view::{Cluster, FleetView, GrafanaAdmin},
    lang::Lang,
    markdown::{code, Block, CodeBlock},
};
use crate::{
    overlays::central::s3_secret,
    shell::{kubectl, kubectl_in, quote, temp_file},
};

/// The environment variable the Grafana admin password is read from.
pub(crate) const GRAFANA_PASSWORD_VAR: &str = "GRAFANA_ADMIN_PASSWORD";

/// Step 1: the namespace, on its own.
pub(crate) fn namespace_command(cluster: &Cluster) -> String {
    format!(
        "{} apply --server-side -f {}",
        kubectl(&cluster.context),
        quote(&cluster.namespace_file())
    )
}

/// The build of an overlay, as one file.
pub(crate) fn build_file(cluster: &Cluster, suffix: &str) -> String {
    temp_file(&format!("{}{suffix}.yaml", cluster.name))
}

/// Step 3: the overlay built with the chart into [`build_file`].
pub(crate) fn build_command(cluster: &Cluster) -> String {
    format!(
        "kubectl kustomize --enable-helm --load-restrictor LoadRestrictionsNone {} > {}",
        quote(&cluster.dir),
        build_file(cluster, "")
    )
}

/// Step 4: the chart's CRDs from the unpacked chart, then the wait until they are served.
pub(crate) fn crd_commands(f: &FleetView, cluster: &Cluster) -> [String; 2] {
    let crds = quote(&f.crds_dir(&cluster.dir)).into_owned();
    let kubectl = kubectl(&cluster.context);
    [
        format!("{kubectl} apply --server-side -f {crds}"),
        format!("{kubectl} wait --for condition=Established --timeout=120s -f {crds}"),
    ]
}

/// Step 5: the build.
pub(crate) fn apply_command(cluster: &Cluster) -> String {
    format!(
        "{} apply --server-side -f {}",
        kubectl(&cluster.context),
        build_file(cluster, "")
    )
}

/// `read` of a variable without echo, prompting with its name.
pub(crate) fn read_secret(var: &str) -> String {
    format!("read -rsp {} {var}; echo", quote(&format!("{var}: ")))
}

pub(crate) fn blocks(f: &FleetView, l: Lang) -> Vec<Block> {
    let central = &f.central;
    let mut blocks = vec![
        l.h(2, "Deploy", "배포", []),
        l.p(
            "Deploy the central cluster first (the edges write to it), then the edges in any order. Every step can be run again: `kubectl apply` creates or changes what differs and never deletes anything (see {}).",
            "엣지가 중앙으로 데이터를 보내므로 중앙 클러스터를 먼저 배포하고, 엣지는 순서에 상관없이 배포합니다. 모든 단계는 다시 실행해도 됩니다. `kubectl apply`는 없는 것을 만들고 달라진 것을 바꿀 뿐 아무것도 삭제하지 않습니다({} 참고).",
            [l.text(
                "Removing what left the render",
                "렌더링에서 빠진 오브젝트 삭제",
                [],
            )],
        ),
        l.h(
            3,
            "1. {} (central, context {})",
            "1. {} (중앙, 컨텍스트 {})",
            [code(&central.name), code(&central.context)],
        ),
        l.p(
            "**Step 1: namespace.** The Secrets of step 2 go into it.",
            "**1단계: 네임스페이스.** 2단계의 Secret이 이 네임스페이스에 들어갑니다.",
            [],
        ),
        CodeBlock::lines("sh", [namespace_command(central)]).into(),
    ];

    let GrafanaAdmin {
        secret,
        user_key,
        password_key,
    } = &f.grafana_admin;
    // The password reaches kubectl through a pipe `printf` (a shell builtin) writes: it is
    // on no command line, so no `ps` shows it.
    let grafana_secret = format!(
        ": \"${{{GRAFANA_PASSWORD_VAR}:?}}\"; {} create secret generic {} --from-literal={}=admin --from-file={}=<(printf %s \"${GRAFANA_PASSWORD_VAR}\") --dry-run=client -o yaml | {} apply --server-side --field-manager=thanos-kustomize -f -",
        kubectl_in(&central.context, &f.namespace),
        quote(secret),
        quote(user_key),
        quote(password_key),
        kubectl(&central.context),
    );
    match &f.bucket.envsubst {
        Some(envsubst) => {
            let (access, secret_var) = (&envsubst.access_key_var, &envsubst.secret_key_var);
            blocks.push(l.p(
                "**Step 2: Secrets.** Type the S3 keys and the Grafana admin password into shell variables (nothing is echoed; the S3 keys are exported for envsubst). Each command refuses to run while its variables are unset or empty, so an empty key never reaches the cluster; the S3 command is the one in the comment of {}. No key or password is on a command line (the password goes through a pipe), the Secrets are applied server-side (no copy of the keys in a `last-applied-configuration` annotation), and the last line removes the variables from the shell.",
                "**2단계: Secret.** S3 키와 Grafana 관리자 비밀번호를 셸 변수로 입력합니다(화면에 표시되지 않으며, S3 키는 envsubst가 읽도록 export합니다). 변수가 설정되지 않았거나 비어 있으면 명령이 실행되지 않으므로 빈 키가 클러스터에 들어가지 않습니다. S3 명령은 {}의 주석에 있는 명령과 같습니다. 키와 비밀번호는 명령줄에 나타나지 않고(비밀번호는 파이프로 전달), Secret은 server-side로 적용되므로 `last-applied-configuration` 어노테이션에 키 사본이 남지 않으며, 마지막 줄에서 셸 변수를 지웁니다.",
                [code(s3_secret::FILE)],
            ));
            blocks.push(
                CodeBlock::lines(
                    "sh",
                    [
                        read_secret(access),
                        read_secret(secret_var),
                        format!("export {access} {secret_var}"),
                        envsubst.command.clone(),
                        read_secret(GRAFANA_PASSWORD_VAR),
                        grafana_secret,
                        format!("unset {access} {secret_var} {GRAFANA_PASSWORD_VAR}"),
                    ],
                )
                .into(),
            );
        }
        None => {
            blocks.push(l.p(
                "**Step 2: Secrets.** The object storage Secret {} is made outside this tree: check that it exists. Then type the Grafana admin password (nothing is echoed); the command refuses to run while the variable is unset or empty, passes the password through a pipe (never on a command line), and the last line removes it from the shell.",
                "**2단계: Secret.** 오브젝트 스토리지 Secret({})은 이 트리 밖에서 만듭니다. 있는지 확인하세요. 그다음 Grafana 관리자 비밀번호를 입력합니다(화면에 표시되지 않습니다). 변수가 설정되지 않았거나 비어 있으면 명령이 실행되지 않으며, 비밀번호는 명령줄이 아니라 파이프로 전달되고, 마지막 줄에서 셸 변수를 지웁니다.",
                [code(&f.bucket.secret)],
            ));
            blocks.push(
                CodeBlock::lines(
                    "sh",
                    [
                        format!(
                            "{} get secret {}",
                            kubectl_in(&central.context, &f.namespace),
                            quote(&f.bucket.secret)
                        ),
                        read_secret(GRAFANA_PASSWORD_VAR),
                        grafana_secret,
                        format!("unset {GRAFANA_PASSWORD_VAR}"),
                    ],
                )
                .into(),
            );
        }
    }

    blocks.extend(super::alerting::secret_blocks(f, l));
    blocks.push(l.p(
        "**Step 3: build.** The overlay with the chart, into one file. The first build pulls the chart into {} (see Prerequisites); the file holds every object of the cluster, the CRDs included.",
        "**3단계: 빌드.** 차트를 포함한 오버레이를 파일 하나로 빌드합니다. 첫 빌드 때 차트를 {}에 내려받습니다(사전 준비 참고). 결과 파일에는 CRD를 포함해 이 클러스터의 모든 오브젝트가 들어 있습니다.",
        [code(format!("{}/charts/", central.dir))],
    ));
    blocks.push(CodeBlock::lines("sh", [build_command(central)]).into());
    blocks.push(l.p(
        "**Step 4: CRDs first.** Apply the chart's CRDs from the unpacked chart and wait until the API server serves them; until then a new cluster refuses the custom resources of step 5 (Prometheus, Alertmanager, ServiceMonitor, ...).",
        "**4단계: CRD 먼저.** 내려받은 차트의 CRD를 먼저 적용하고 API 서버가 제공(Established)할 때까지 기다립니다. 그 전에는 새 클러스터가 5단계의 커스텀 리소스(Prometheus, Alertmanager, ServiceMonitor 등)를 거부합니다.",
        [],
    ));
    blocks.push(CodeBlock::lines("sh", crd_commands(f, central)).into());
    blocks.push(l.p(
        "**Step 5: everything else.** Server-side apply, because the chart's CRDs are too large for client-side apply.",
        "**5단계: 나머지 전체.** 차트의 CRD가 커서 client-side apply로는 적용되지 않으므로 server-side apply를 씁니다.",
        [],
    ));
    blocks.push(CodeBlock::lines("sh", [apply_command(central)]).into());

    if !f.edges.is_empty() {
        blocks.push(l.h(3, "2. The edges", "2. 엣지 클러스터", []));
        blocks.push(if f.write_path.is_some() {
            l.p(
                "Each edge takes steps 1, 3, 4 and 5 in that order; its one Secret, the client certificate it writes to Receive with, is put into it between steps 1 and 3, as \"Each edge's certificate\" below shows.",
                "각 엣지는 1, 3, 4, 5단계를 순서대로 실행합니다. 엣지의 유일한 Secret인 Receive 쓰기용 클라이언트 인증서는 1단계와 3단계 사이에 넣습니다(아래 \"엣지별 인증서\" 참고).",
                [],
            )
        } else {
            l.p(
                "Each edge takes steps 1, 3, 4 and 5 in that order; an edge has no Secret.",
                "각 엣지는 1, 3, 4, 5단계를 순서대로 실행합니다. 엣지에는 Secret이 없습니다.",
                [],
            )
        });
        for edge in &f.edges {
            blocks.push(l.h(
                4,
                "{} (context {})",
                "{} (컨텍스트 {})",
                [code(&edge.name), code(&edge.context)],
            ));
            let [crds, wait] = crd_commands(f, edge);
            blocks.push(
                CodeBlock::lines(
                    "sh",
                    [
                        namespace_command(edge),
                        build_command(edge),
                        crds,
                        wait,
                        apply_command(edge),
                    ],
                )
                .into(),
            );
        }
    }
    blocks
}
