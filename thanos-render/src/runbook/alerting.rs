//! Alerting: the receivers' Secrets (created in deploy step 2, before Alertmanager
//! mounts them), where alerts go, and a test alert through the Alertmanager API.
//!
//! Everything is read from the rendered `alertmanager.config` and
//! `alertmanagerSpec.secrets`; a fleet that keeps the chart's configuration (every alert
//! to `"null"`, which `check` warns about) gets none of it.

use std::collections::BTreeMap;

use super::{
    deploy::read_secret,
    fleet_view::FleetView,
    lang::Lang,
    markdown::{code, codes, Block, CodeBlock},
};
use thanos_model::DEAD_MANS_SWITCH_RECEIVER;

use crate::{
    overlays::central::alertmanager::{GROUP_BY, NULL_RECEIVER, SECRETS_DIR, WATCHDOG},
    shell::{kubectl, kubectl_in, quote},
    values::{ChartValues, ReceiverConfig},
};

/// Alertmanager's HTTP port.
const PORT: u16 = crate::overlays::central::network_policies::ALERTMANAGER_WEB;

/// The rendered alerting of the central cluster.
#[derive(Debug, Clone)]
pub(crate) struct Alerting {
    /// Each mounted Secret with the keys the configuration reads.
    pub secrets: BTreeMap<String, Vec<String>>,
    /// The receivers, `"null"` and the dead man's switch included, in order.
    pub receivers: Vec<String>,
    /// The receiver of everything no other route takes.
    pub default_receiver: String,
    /// The receiver Watchdog goes to.
    pub watchdog_receiver: String,
    /// The label (name, value) a PrometheusRule needs for the Ruler to evaluate it, when
    /// the Ruler selects by one.
    pub ruler_rule_label: Option<(String, String)>,
    /// How the Ruler reaches Query, when the fleet has a Ruler.
    pub ruler_query: Option<RulerQuery>,
}

/// The Ruler's query path, from the central values.
#[derive(Debug, Clone)]
pub(crate) struct RulerQuery {
    /// `queryEndpoints`.
    pub endpoints: Vec<String>,
    /// `ruleQueryOffset`, when set.
    pub offset: Option<String>,
}

impl Alerting {
    /// From the central values; `None` when they keep the chart's configuration.
    pub fn from_values(values: &ChartValues) -> Option<Self> {
        let config = values.alertmanager.as_ref()?.config.as_ref()?;
        let ruler_rule_label = values
            .thanos_ruler
            .as_ref()
            .and_then(|ruler| ruler.thanos_ruler_spec.rule_selector.match_labels.as_ref())
            .and_then(|labels| labels.iter().next())
            .map(|(name, value)| (name.clone(), value.clone()));
        let ruler_query = values.thanos_ruler.as_ref().map(|ruler| RulerQuery {
            endpoints: ruler.thanos_ruler_spec.query_endpoints.clone(),
            offset: ruler
                .thanos_ruler_spec
                .additional_config
                .rule_query_offset
                .as_ref()
                .map(ToString::to_string),
        });
        let mut secrets: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for file in config.receivers.iter().flat_map(files) {
            let Some((secret, key)) = file
                .strip_prefix(SECRETS_DIR)
                .and_then(|rest| rest.strip_prefix('/'))
                .and_then(|rest| rest.split_once('/'))
            else {
                continue;
            };
            let keys = secrets.entry(secret.to_owned()).or_default();
            if !keys.iter().any(|k| k == key) {
                keys.push(key.to_owned());
            }
        }
        let watchdog_receiver = config
            .route
            .routes
            .iter()
            .find(|route| route.matchers.iter().any(|m| m.contains(WATCHDOG)))
            .and_then(|route| route.receiver.clone())
            .unwrap_or_default();
        Some(Self {
            secrets,
            receivers: config.receivers.iter().map(|r| r.name.clone()).collect(),
            default_receiver: config.route.receiver.clone().unwrap_or_default(),
            watchdog_receiver,
            ruler_rule_label,
            ruler_query,
        })
    }
}

/// The files a receiver reads.
fn files(receiver: &ReceiverConfig) -> Vec<&str> {
    let webhook = receiver.webhook_configs.iter().map(|c| c.url_file.as_str());
    let slack = receiver
        .slack_configs
        .iter()
        .map(|c| c.api_url_file.as_str());
    let pagerduty = receiver
        .pagerduty_configs
        .iter()
        .map(|c| c.routing_key_file.as_str());
    let email = receiver
        .email_configs
        .iter()
        .filter_map(|c| c.auth_password_file.as_deref());
    webhook.chain(slack).chain(pagerduty).chain(email).collect()
}

/// `amtool` run in the first Alertmanager pod against that Alertmanager (the image ships
/// it as `/bin/amtool`); the silences it makes are gossiped to the other replicas.
fn amtool(f: &FleetView, args: &str) -> String {
    let pod = f.alertmanager_pods().into_iter().next().unwrap_or_default();
    format!(
        "{} exec {} -c alertmanager -- amtool --alertmanager.url=http://127.0.0.1:{PORT} {args}",
        kubectl_in(&f.central.context, &f.namespace),
        quote(&pod)
    )
}

/// The `amtool` matchers of one cluster's alert `alert`, as shell words; `cluster` is
/// written as it is (a shell word or a `"$VARIABLE"` the caller sets).
fn matchers(alert: &str, cluster: &str) -> String {
    format!("{} cluster={cluster}", quote(&format!("alertname={alert}")))
}

/// The commands that silence `alert` of `cluster` for `duration` and, later, expire that
/// silence (every silence with these matchers).
pub(crate) fn silence_commands(
    f: &FleetView,
    alert: &str,
    cluster: &str,
    duration: &str,
    comment: &str,
) -> (String, String) {
    let matchers = matchers(alert, cluster);
    (
        amtool(
            f,
            &format!(
                "silence add {matchers} --duration={duration} --comment={}",
                quote(comment)
            ),
        ),
        format!(
            "{} $({})",
            amtool(f, "silence expire"),
            amtool(f, &format!("silence query -q {matchers}"))
        ),
    )
}

/// The shell variable a Secret key is typed into: `ALERTMANAGER_ONCALL_URL`.
fn variable(secret: &str, key: &str) -> String {
    format!("{secret}_{key}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// Deploy step 2, the receivers' Secrets: each value typed without echo and handed to
/// kubectl through a file descriptor, never on a command line.
pub(crate) fn secret_blocks(f: &FleetView, l: Lang) -> Vec<Block> {
    let Some(alerting) = &f.alerting else {
        return Vec::new();
    };
    if alerting.secrets.is_empty() {
        return Vec::new();
    }
    let central = &f.central;
    let mut lines = Vec::new();
    for (secret, keys) in &alerting.secrets {
        let mut create = format!(
            "{} create secret generic {}",
            kubectl_in(&central.context, &f.namespace),
            quote(secret)
        );
        for key in keys {
            let var = variable(secret, key);
            lines.push(read_secret(&var));
            create.push_str(&format!(
                " --from-file={}=<(printf '%s' \"${{{var}:?}}\")",
                quote(key)
            ));
        }
        lines.push(format!(
            "{create} --dry-run=client -o yaml | {} apply --server-side -f -",
            kubectl(&central.context)
        ));
    }
    vec![
        l.p(
            "Then the Secrets of the alert receivers, {}: Alertmanager mounts them and reads each URL, key or password as a file, so it does not start until they exist. Type each value (nothing is echoed); it reaches kubectl through a pipe, never on a command line, and an empty value stops the command.",
            "그다음 알림 수신자(receiver)의 Secret {}을 만듭니다. Alertmanager가 이 Secret을 마운트해 URL, 키, 비밀번호를 파일로 읽으므로, Secret이 없으면 Alertmanager가 시작되지 않습니다. 각 값을 입력하세요(화면에 표시되지 않습니다). 값은 명령줄이 아니라 파이프로 kubectl에 전달되며, 값이 비어 있으면 명령이 실행되지 않습니다.",
            [codes(alerting.secrets.keys(), ", ")],
        ),
        CodeBlock::lines("sh", lines).into(),
    ]
}

/// The section: where alerts go, and a test alert.
pub(crate) fn blocks(f: &FleetView, l: Lang) -> Vec<Block> {
    let Some(alerting) = &f.alerting else {
        return Vec::new();
    };
    let central = &f.central;
    let receivers: Vec<&String> = alerting
        .receivers
        .iter()
        .filter(|name| ![NULL_RECEIVER, DEAD_MANS_SWITCH_RECEIVER].contains(&name.as_str()))
        .collect();
    let alert = serde_json::json!([{
        "labels": {
            "alertname": "RunbookTestAlert",
            "severity": "critical",
            "cluster": central.label,
            "namespace": f.namespace,
        },
        "annotations": {"summary": "A test alert sent by hand from the runbook."},
    }]);
    let mut blocks = vec![
        l.h(2, "Alerting", "알림", []),
        l.p(
            "Alertmanager groups alerts by {} and mutes a lower severity of an alert only while a higher one fires in the same cluster and namespace. Each receiver ({}) gets the severities and clusters of the fleet file; anything no receiver takes goes to {}, so every alert reaches someone. {} goes to {}.",
            "Alertmanager는 알림을 {} 기준으로 묶고, 같은 클러스터와 네임스페이스에서 더 높은 심각도의 같은 알림이 발생 중일 때만 낮은 심각도를 억제합니다. 각 수신자({})는 fleet 파일에 적힌 심각도와 클러스터의 알림을 받고, 어느 수신자도 받지 않는 알림은 {}로 가므로 모든 알림이 누군가에게 전달됩니다. {}는 {}로 갑니다.",
            [
                codes(GROUP_BY, ", "),
                codes(receivers, ", "),
                code(&alerting.default_receiver),
                code(WATCHDOG),
                code(&alerting.watchdog_receiver),
            ],
        ),
    ];
    if alerting.watchdog_receiver != NULL_RECEIVER {
        blocks.push(if alerting.ruler_query.is_some() {
            l.p(
                "Two {} alerts always fire: the chart's, evaluated by the Thanos Ruler, and central Prometheus's own (label {}). The dead man's switch hears them every minute and pages when they stop. Check that both reach Alertmanager:",
                "{} 알림 두 개가 항상 발생합니다. 차트의 것은 Thanos Ruler가, 중앙 Prometheus 자신의 것(레이블 {})은 중앙 Prometheus가 평가합니다. dead man's switch는 매분 이 알림을 받으며, 끊기면 호출합니다. 둘 다 Alertmanager에 도달하는지 확인합니다:",
                [code(WATCHDOG), code("evaluator=\"prometheus\"")],
            )
        } else {
            l.p(
                "{} always fires; the dead man's switch hears it every minute and pages when it stops. Check that it reaches Alertmanager:",
                "{}는 항상 발생합니다. dead man's switch는 매분 이 알림을 받으며, 끊기면 호출합니다. Alertmanager에 도달하는지 확인합니다:",
                [code(WATCHDOG)],
            )
        });
        blocks.push(
            CodeBlock::lines(
                "sh",
                [amtool(
                    f,
                    &format!("alert query {}", quote(&format!("alertname={WATCHDOG}"))),
                )],
            )
            .into(),
        );
    } else {
        blocks.push(l.p(
            "Without a dead man's switch nobody notices when alerting itself stops (Ruler, central Prometheus or Alertmanager down): set {} to a service that pages when the Watchdog heartbeat stops.",
            "dead man's switch가 없으면 알림 자체가 멈춰도(Ruler, 중앙 Prometheus, Alertmanager 중단) 아무도 알아차리지 못합니다. Watchdog 신호가 끊기면 호출하는 서비스를 {}에 설정하세요.",
            [code("central.alertmanager.deadMansSwitch")],
        ));
    }
    if let Some((name, value)) = &alerting.ruler_rule_label {
        blocks.push(l.p(
            "The Thanos Ruler evaluates, over every cluster, only the PrometheusRules labelled {}: the chart's, and this tree's {}. To have it evaluate a rule of your own, give the PrometheusRule this label, and write the rule for many clusters: `by (cluster)` in aggregations, a `cluster` matcher inside `absent()`. A rule without the label (a third-party chart's, written for one cluster) is not evaluated across the fleet.",
            "Thanos Ruler는 {} 레이블이 붙은 PrometheusRule만 모든 클러스터에 대해 평가합니다. 차트의 룰과 이 트리의 {}가 그렇습니다. 직접 만든 룰을 평가하게 하려면 PrometheusRule에 이 레이블을 붙이고, 여러 클러스터를 전제로 작성하세요. 집계에는 `by (cluster)`, `absent()` 안에는 `cluster` 매처를 씁니다. 레이블이 없는 룰(한 클러스터용으로 작성된 서드파티 차트의 룰)은 fleet 전체에 대해 평가되지 않습니다.",
            [
                code(format!("{name}: {value}")),
                code(crate::monitoring::PER_CLUSTER_NAME),
            ],
        ));
    }
    if let Some(query) = &alerting.ruler_query {
        blocks.extend(rule_path(query, l));
    }
    blocks.extend([
        l.p(
            "Send a test alert through the Alertmanager API and check that the receiver gets it after about 30 seconds (the group wait); it resolves by itself after 5 minutes:",
            "Alertmanager API로 테스트 알림을 보내고 약 30초(group wait) 뒤 수신자가 받는지 확인합니다. 테스트 알림은 5분 뒤 저절로 해소됩니다:",
            [],
        ),
        CodeBlock::lines(
            "sh",
            [
                format!(
                    "{} port-forward svc/{} {PORT}:{PORT} &",
                    kubectl_in(&central.context, &f.namespace),
                    quote(&f.alertmanager_cr)
                ),
                "sleep 3".to_owned(),
                format!(
                    "curl -fsS -X POST -H 'Content-Type: application/json' --data {} http://127.0.0.1:{PORT}/api/v2/alerts",
                    quote(&alert.to_string())
                ),
                format!("curl -fsS http://127.0.0.1:{PORT}/api/v2/alerts/groups | grep -c RunbookTestAlert"),
                "kill %1".to_owned(),
            ],
        )
        .into(),
    ]);
    blocks
}

/// How the Ruler's alerts survive one failing Query pod or store, and when they fire
/// (docs/design/alerting.md).
fn rule_path(query: &RulerQuery, l: Lang) -> Vec<Block> {
    let mut bullets = vec![
        l.text(
            "The Ruler queries {}: a DNS SRV lookup of Query's headless Service, repeated every 30 seconds, gives it every ready Query pod, and each evaluation tries them in turn until one answers. One Query pod down does not stop the alerts; all of them down fires {} from central Prometheus.",
            "Ruler는 {}로 질의합니다. Query headless Service의 DNS SRV 조회(30초마다 반복)로 준비된 Query 파드를 모두 알고, 평가할 때마다 응답하는 파드가 나올 때까지 차례로 시도합니다. Query 파드 하나가 죽어도 알림은 멈추지 않으며, 모두 죽으면 중앙 Prometheus가 {}를 발생시킵니다.",
            [codes(&query.endpoints, ", "), code("ThanosRulerEvaluationFailures")],
        ),
        l.text(
            "A group whose alerts fire when a series is missing (silent edges, a cluster's target down) evaluates on a partial response ({}) only when Receive holds every series twice or more: one failing store then leaves the answer whole, and {} says a store is missing. With one copy it fails instead ({}), rather than page for every cluster on that store. Recording rules always fail rather than record partial data.",
            "시리즈가 없을 때 발생하는 알림 그룹(엣지 무응답, 클러스터 대상 중단)은 Receive가 모든 시리즈를 두 벌 이상 가질 때만 부분 응답({})으로 평가합니다. 그러면 저장소 하나가 실패해도 답이 온전하며, {}가 저장소 하나가 빠졌음을 알립니다. 한 벌뿐이면 그 저장소의 모든 클러스터에 대해 호출하는 대신 평가가 실패합니다({}). 기록 룰은 부분 데이터를 기록하지 않도록 항상 실패합니다.",
            [
                code("partial_response_strategy: warn"),
                code("ThanosRulerPartialEvaluations"),
                code("abort"),
            ],
        ),
    ];
    bullets.extend(crate::monitoring::heavy_groups().into_iter().map(|heavy| {
        l.text(
            "The chart's {} group, which reads ranges of up to days, is evaluated every {} instead of at the Ruler's interval.",
            "차트의 {} 그룹은 최대 며칠 범위를 읽으므로 Ruler 주기 대신 {}마다 평가합니다.",
            [code(heavy.group), code(heavy.interval.to_string())],
        )
    }));
    if let Some(offset) = &query.offset {
        bullets.push(l.text(
            "Every rule is evaluated {} in the past ({}), so the edges' newest remote-written samples have reached Receive: every alert of the Ruler fires that much later.",
            "모든 룰은 {} 과거 시점으로 평가합니다({}). 엣지가 원격 쓰기로 보낸 최신 샘플이 Receive에 도착한 뒤에 평가하기 위해서이며, Ruler의 모든 알림은 그만큼 늦게 발생합니다.",
            [code(offset), code("central.ruler.queryOffset")],
        ));
    }
    vec![Block::bullets(bullets)]
}

#[cfg(test)]
mod tests {
    use super::variable;

    #[test]
    fn variables_are_shell_names() {
        assert_eq!(
            variable("alertmanager-oncall", "url"),
            "ALERTMANAGER_ONCALL_URL"
        );
        assert_eq!(variable("smtp", "pass.word"), "SMTP_PASS_WORD");
    }
}
