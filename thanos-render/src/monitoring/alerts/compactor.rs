//! Compactor: down, halted, not completing iterations, failing compactions, two running
//! at once, failing bucket operations.

use super::{alert, down, failure_ratio, job, AlertSeverity, AlertingRule, Duration, Target, Text};

pub(super) fn rules(namespace: &str) -> Vec<AlertingRule> {
    let compactor = job(Target::Compactor);
    vec![
        down(
            Target::Compactor,
            AlertSeverity::Warning,
            "Blocks are not compacted, downsampled or deleted at the end of their retention.",
            &format!(
                "kubectl -n {namespace} get pods -l app.kubernetes.io/name=thanos-compactor; \
                 kubectl -n {namespace} describe statefulset thanos-compactor."
            ),
        ),
        alert(
            "ThanosCompactorHalted",
            AlertSeverity::Critical,
            Duration::minutes(5),
            format!("thanos_compact_halted{{{compactor}}} == 1"),
            &Text {
                summary: "Thanos Compactor {{ $labels.pod }} has halted.",
                description: "Thanos Compactor {{ $labels.pod }} stopped on an error it will not \
                              retry and has stayed halted for 5 minutes: nothing is compacted, \
                              downsampled or deleted until a person fixes the cause and restarts it.",
                runbook: &format!(
                    "kubectl -n {namespace} logs statefulset/thanos-compactor | grep -iE \
                     'halt|critical' gives the cause. Overlapping blocks mean two producers \
                     upload with the same external labels (make them distinct); then remove or \
                     mark the bad blocks (thanos tools bucket) and delete the pod."
                ),
            },
        ),
        alert(
            "ThanosCompactorNotRunning",
            AlertSeverity::Warning,
            Duration::minutes(30),
            format!(
                "sum by (namespace, job) (increase(thanos_compact_iterations_total{{{compactor}}}[6h])) == 0\n\
                 unless on (namespace, job)\n  max by (namespace, job) (thanos_compact_halted{{{compactor}}}) == 1"
            ),
            &Text {
                summary: "Thanos Compactor has completed no iteration in 6 hours.",
                description: "Thanos Compactor is up and not halted but has not finished a \
                              compaction iteration in the last 6 hours (for 30 minutes): it is \
                              stuck or each iteration fails and is retried.",
                runbook: &format!(
                    "kubectl -n {namespace} logs statefulset/thanos-compactor --since=1h for \
                     retried errors; check its data volume is not full and it is not killed for \
                     memory (kubectl -n {namespace} describe pod thanos-compactor-0)."
                ),
            },
        ),
        alert(
            "ThanosCompactorCompactionFailures",
            AlertSeverity::Warning,
            Duration::minutes(15),
            failure_ratio(
                "namespace, job",
                &format!("thanos_compact_group_compactions_failures_total{{{compactor}}}"),
                &format!("thanos_compact_group_compactions_total{{{compactor}}}"),
                "15m",
                0.05,
            ),
            &Text {
                summary: "Thanos Compactor fails more than 5% of compactions.",
                description: "{{ $value | humanizePercentage }} of Thanos Compactor's group \
                              compactions have failed for 15 minutes.",
                runbook: &format!(
                    "kubectl -n {namespace} logs statefulset/thanos-compactor | grep -i compact \
                     for the failing group; check bucket access and free space on the data volume."
                ),
            },
        ),
        alert(
            "ThanosCompactorMultipleRunning",
            AlertSeverity::Critical,
            Duration::minutes(5),
            format!("count by (namespace, job) (up{{{compactor}}} == 1) > 1"),
            &Text {
                summary: "More than one Thanos Compactor is running.",
                description: "{{ $value }} Thanos Compactor pods have been up for 5 minutes. \
                              The Compactor must run alone against a bucket: two compact and \
                              delete the same blocks and corrupt them.",
                runbook: &format!(
                    "kubectl -n {namespace} get pods -l app.kubernetes.io/name=thanos-compactor \
                     -o wide; scale the StatefulSet to 1 and make sure no other cluster runs a \
                     Compactor against the same bucket."
                ),
            },
        ),
        alert(
            "ThanosCompactorBucketErrors",
            AlertSeverity::Warning,
            Duration::minutes(15),
            failure_ratio(
                "namespace, job",
                &format!("thanos_objstore_bucket_operation_failures_total{{{compactor}}}"),
                &format!("thanos_objstore_bucket_operations_total{{{compactor}}}"),
                "5m",
                0.05,
            ),
            &Text {
                summary: "Thanos Compactor fails more than 5% of its bucket operations.",
                description: "{{ $value | humanizePercentage }} of Thanos Compactor's bucket \
                              operations have failed for 15 minutes: compaction, downsampling \
                              and retention stall.",
                runbook: &format!(
                    "kubectl -n {namespace} logs statefulset/thanos-compactor | grep -i bucket; \
                     check the objstore Secret's credentials and that the bucket is reachable."
                ),
            },
        ),
    ]
}
