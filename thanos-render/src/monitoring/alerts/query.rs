//! Query: down, an endpoint group it cannot reach, failing queries, failing StoreAPI calls.

use super::{
    alert, down, failure_ratio, job, AlertSeverity, AlertingRule, Duration, MonitoringOptions,
    Target, Text,
};

/// Each StoreAPI group Query must be connected to (`store_type` of
/// `thanos_store_nodes_grpc_connections`), what is missing without it, and the Service
/// Query discovers it through.
const ENDPOINT_GROUPS: [(&str, &str, &str); 4] = [
    (
        "sidecar",
        "the central cluster's recent data (what its Prometheus has not uploaded yet)",
        "the chart's thanos-discovery Service",
    ),
    (
        "receive",
        "the edge clusters' recent data",
        "thanos-receive-headless",
    ),
    (
        "store",
        "everything older, read from the bucket",
        "thanos-store",
    ),
    (
        "rule",
        "the series the Thanos Ruler records",
        "thanos-ruler-operated",
    ),
];

pub(super) fn rules(namespace: &str, options: &MonitoringOptions) -> Vec<AlertingRule> {
    let query = job(Target::Query);
    let mut rules = vec![down(
        Target::Query,
        AlertSeverity::Critical,
        "Grafana and the Thanos Ruler cannot read any metric.",
        &format!(
            "kubectl -n {namespace} get pods -l app.kubernetes.io/name=thanos-query; \
             kubectl -n {namespace} describe deployment thanos-query; check the ServiceMonitor \
             thanos-query still finds the Service thanos-query."
        ),
    )];

    for (store_type, serves, service) in ENDPOINT_GROUPS {
        if store_type == "rule" && !options.has_ruler() {
            continue;
        }
        rules.push(
            alert(
                "ThanosQueryEndpointGroupMissing",
                AlertSeverity::Critical,
                Duration::minutes(10),
                format!(
                    "up{{{query}}} == 1\nunless on (job, instance)\n  \
                     thanos_store_nodes_grpc_connections{{{query}, store_type=\"{store_type}\"}} > 0"
                ),
                &Text {
                    summary: &format!(
                        "Thanos Query {{{{ $labels.pod }}}} reaches no {store_type} endpoint."
                    ),
                    description: &format!(
                        "Thanos Query {{{{ $labels.pod }}}} has had no gRPC connection to any \
                         {store_type} StoreAPI for 10 minutes, so queries miss {serves}."
                    ),
                    runbook: &format!(
                        "The Stores page of Thanos Query (port 9090, /stores) shows each endpoint's \
                         last error; kubectl -n {namespace} get endpoints shows whether {service} \
                         has ready pods; kubectl -n {namespace} logs deployment/thanos-query | grep \
                         -i endpoint."
                    ),
                },
            )
            .label("store_type", store_type),
        );
    }

    rules.push(alert(
        "ThanosQueryRequestErrors",
        AlertSeverity::Warning,
        Duration::minutes(10),
        failure_ratio(
            "namespace, job, handler",
            &format!(
                "http_requests_total{{{query}, handler=~\"query|query_range\", code=~\"5..\"}}"
            ),
            &format!("http_requests_total{{{query}, handler=~\"query|query_range\"}}"),
            "5m",
            0.05,
        ),
        &Text {
            summary: "Thanos Query fails more than 5% of {{ $labels.handler }} requests.",
            description:
                "{{ $value | humanizePercentage }} of Thanos Query's {{ $labels.handler }} \
                          requests have failed with a 5xx for 10 minutes: dashboards and rule \
                          evaluations see errors.",
            runbook: &format!(
                "kubectl -n {namespace} logs deployment/thanos-query for the failing queries; \
                 check ThanosQueryStoreApiErrors and the Store, Receive and sidecar alerts, and \
                 the pods' memory (OOM kills)."
            ),
        },
    ));

    rules.push(alert(
        "ThanosQueryStoreApiErrors",
        AlertSeverity::Warning,
        Duration::minutes(10),
        failure_ratio(
            "namespace, job",
            &format!("grpc_client_handled_total{{{query}, grpc_code!~\"OK|Canceled\"}}"),
            &format!("grpc_client_started_total{{{query}}}"),
            "5m",
            0.05,
        ),
        &Text {
            summary: "Thanos Query's calls to StoreAPIs fail.",
            description: "{{ $value | humanizePercentage }} of Thanos Query's gRPC calls to its \
                          StoreAPIs (sidecars, Receive, Store, Ruler) have failed for 10 minutes: \
                          query results may be partial.",
            runbook: &format!(
                "kubectl -n {namespace} logs deployment/thanos-query | grep -i 'rpc error' names \
                 the failing endpoint; then look at that component's alerts and logs."
            ),
        },
    ));
    rules
}
