//! Sidecar: down, cut off from its Prometheus, failing uploads and bucket operations.

use super::{alert, down, job, AlertSeverity, AlertingRule, Duration, Target, Text};

pub(super) fn rules(namespace: &str) -> Vec<AlertingRule> {
    let sidecar = job(Target::Sidecar);
    vec![
        down(
            Target::Sidecar,
            AlertSeverity::Critical,
            "Query cannot read the central cluster's recent data and no block is uploaded.",
            &format!(
                "kubectl -n {namespace} get pods -l app.kubernetes.io/name=prometheus; check the \
                 thanos-sidecar container of each pod and that the Service \
                 kube-prometheus-stack-thanos-discovery exists (prometheus.thanosService.enabled)."
            ),
        ),
        alert(
            "ThanosSidecarPrometheusUnreachable",
            AlertSeverity::Critical,
            Duration::minutes(10),
            format!("thanos_sidecar_prometheus_up{{{sidecar}}} == 0"),
            &Text {
                summary: "Thanos sidecar {{ $labels.pod }} cannot reach its Prometheus.",
                description: "The Thanos sidecar in {{ $labels.pod }} has not reached the \
                              Prometheus beside it for 10 minutes: Query gets nothing from this \
                              replica.",
                runbook: &format!(
                    "kubectl -n {namespace} logs {{{{ $labels.pod }}}} -c prometheus (still \
                     replaying its WAL? crashing?) and -c thanos-sidecar."
                ),
            },
        ),
        alert(
            "ThanosSidecarUploadFailures",
            AlertSeverity::Warning,
            Duration::minutes(30),
            format!(
                "sum by (namespace, job, pod) (rate(thanos_shipper_upload_failures_total{{{sidecar}}}[5m])) > 0"
            ),
            &Text {
                summary: "Thanos sidecar {{ $labels.pod }} fails to upload blocks.",
                description: "The Thanos sidecar in {{ $labels.pod }} has failed block uploads \
                              for 30 minutes. Blocks not uploaded are lost when Prometheus' local \
                              retention deletes them.",
                runbook: &format!(
                    "kubectl -n {namespace} logs {{{{ $labels.pod }}}} -c thanos-sidecar | grep -i \
                     upload; check the objstore Secret and that the bucket is reachable from the \
                     pod."
                ),
            },
        ),
        alert(
            "ThanosSidecarBucketErrors",
            AlertSeverity::Warning,
            Duration::minutes(15),
            format!(
                "sum by (namespace, job, pod, operation) (rate(thanos_objstore_bucket_operation_failures_total{{{sidecar}}}[5m])) > 0"
            ),
            &Text {
                summary: "Thanos sidecar {{ $labels.pod }} fails bucket {{ $labels.operation }} operations.",
                description: "Bucket {{ $labels.operation }} operations of the Thanos sidecar in \
                              {{ $labels.pod }} have kept failing for 15 minutes.",
                runbook: "Check the object storage endpoint and credentials (objstore Secret) \
                          and the sidecar's logs for the error the bucket returns.",
            },
        ),
    ]
}
