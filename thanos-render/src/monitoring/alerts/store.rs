//! Store: down, failing bucket operations.

use super::{alert, down, failure_ratio, job, AlertSeverity, AlertingRule, Duration, Target, Text};

pub(super) fn rules(namespace: &str) -> Vec<AlertingRule> {
    let store = job(Target::Store);
    vec![
        down(
            Target::Store,
            AlertSeverity::Critical,
            "Data older than what the sidecars and Receive pods hold cannot be read.",
            &format!(
                "kubectl -n {namespace} get pods -l app.kubernetes.io/name=thanos-store; a Store \
                 killed for memory needs a higher limit (index cache and chunk pool)."
            ),
        ),
        alert(
            "ThanosStoreBucketErrors",
            AlertSeverity::Warning,
            Duration::minutes(15),
            failure_ratio(
                "namespace, job, operation",
                &format!("thanos_objstore_bucket_operation_failures_total{{{store}}}"),
                &format!("thanos_objstore_bucket_operations_total{{{store}}}"),
                "5m",
                0.05,
            ),
            &Text {
                summary:
                    "Thanos Store fails more than 5% of bucket {{ $labels.operation }} operations.",
                description: "{{ $value | humanizePercentage }} of Thanos Store's bucket \
                              {{ $labels.operation }} operations have failed for 15 minutes: \
                              queries of older data fail or come back partial.",
                runbook: &format!(
                    "kubectl -n {namespace} logs statefulset/thanos-store | grep -i bucket; check \
                     the object storage endpoint, the credentials in the objstore Secret and \
                     the bucket's health."
                ),
            },
        ),
    ]
}
