//! Receive: down, failing remote writes, failing replication and forwarding between
//! Receive pods, failing block uploads, a hashring it could not reload.

use super::{alert, down, failure_ratio, job, AlertSeverity, AlertingRule, Duration, Target, Text};

pub(super) fn rules(namespace: &str) -> Vec<AlertingRule> {
    let receive = job(Target::Receive);
    vec![
        down(
            Target::Receive,
            AlertSeverity::Critical,
            "The edge clusters cannot write: their agents buffer for a while, then drop samples.",
            &format!(
                "kubectl -n {namespace} get pods -l app.kubernetes.io/name=thanos-receive; \
                 kubectl -n {namespace} describe statefulset thanos-receive (volumes, scheduling)."
            ),
        ),
        alert(
            "ThanosReceiveWriteErrors",
            AlertSeverity::Critical,
            Duration::minutes(5),
            failure_ratio(
                "namespace, job",
                &format!("http_requests_total{{{receive}, handler=\"receive\", code=~\"5..\"}}"),
                &format!("http_requests_total{{{receive}, handler=\"receive\"}}"),
                "5m",
                0.05,
            ),
            &Text {
                summary: "Thanos Receive fails more than 5% of remote writes.",
                description: "{{ $value | humanizePercentage }} of the remote-write requests to \
                              Thanos Receive have failed with a 5xx for 5 minutes: edge agents \
                              retry, fall behind and drop samples once their buffer is full.",
                runbook: &format!(
                    "kubectl -n {namespace} logs statefulset/thanos-receive | grep -i error; \
                     'insufficient nodes' or quorum errors mean fewer healthy Receive pods than the \
                     replication factor needs (see ThanosReceiveReplicationErrors); check disk \
                     space of the data volumes."
                ),
            },
        ),
        alert(
            "ThanosReceiveReplicationErrors",
            AlertSeverity::Warning,
            Duration::minutes(10),
            failure_ratio(
                "namespace, job",
                &format!("thanos_receive_replications_total{{{receive}, result=\"error\"}}"),
                &format!("thanos_receive_replications_total{{{receive}}}"),
                "5m",
                0.1,
            ),
            &Text {
                summary: "Thanos Receive fails more than 10% of replications.",
                description: "{{ $value | humanizePercentage }} of Thanos Receive's replications \
                              have failed for 10 minutes. Writes still succeed while a quorum of \
                              replicas takes them; one more Receive pod down and they fail.",
                runbook: &format!(
                    "kubectl -n {namespace} get pods -l app.kubernetes.io/name=thanos-receive \
                     (all ready?); compare the hashring ConfigMap thanos-receive-hashring with \
                     the pods; kubectl -n {namespace} logs statefulset/thanos-receive | grep -i replicat."
                ),
            },
        ),
        alert(
            "ThanosReceiveForwardErrors",
            AlertSeverity::Warning,
            Duration::minutes(10),
            failure_ratio(
                "namespace, job",
                &format!("thanos_receive_forward_requests_total{{{receive}, result=\"error\"}}"),
                &format!("thanos_receive_forward_requests_total{{{receive}}}"),
                "5m",
                0.2,
            ),
            &Text {
                summary: "Thanos Receive fails more than 20% of forwards to other Receive pods.",
                description: "{{ $value | humanizePercentage }} of the requests Thanos Receive \
                              forwards to the Receive pod owning a series have failed for 10 minutes.",
                runbook: &format!(
                    "Check that every endpoint of the hashring ConfigMap thanos-receive-hashring \
                     resolves and is ready (kubectl -n {namespace} get endpoints \
                     thanos-receive-headless); look for gRPC errors in the Receive pods' logs."
                ),
            },
        ),
        alert(
            "ThanosReceiveUploadFailures",
            AlertSeverity::Critical,
            Duration::minutes(15),
            format!(
                "sum by (namespace, job, pod) (rate(thanos_shipper_upload_failures_total{{{receive}}}[5m])) > 0"
            ),
            &Text {
                summary: "Thanos Receive {{ $labels.pod }} fails to upload blocks.",
                description: "Thanos Receive {{ $labels.pod }} has failed to upload blocks to \
                              the bucket for 15 minutes. It holds the only copy of the edges' \
                              data until the upload succeeds: once its retention passes, that \
                              data is gone.",
                runbook: &format!(
                    "kubectl -n {namespace} logs {{{{ $labels.pod }}}} | grep -i upload; check the \
                     objstore Secret and the bucket; keep the pod and its volume until the upload \
                     succeeds."
                ),
            },
        ),
        alert(
            "ThanosReceiveHashringReloadFailed",
            AlertSeverity::Warning,
            Duration::minutes(5),
            format!(
                "max by (namespace, job, pod) (thanos_receive_config_last_reload_successful{{{receive}}}) != 1"
            ),
            &Text {
                summary: "Thanos Receive {{ $labels.pod }} could not reload its hashring.",
                description: "Thanos Receive {{ $labels.pod }} has failed to load the hashring \
                              file for 5 minutes: it keeps routing with the old ring, so writes \
                              go to pods that left or miss pods that joined.",
                runbook: &format!(
                    "kubectl -n {namespace} logs {{{{ $labels.pod }}}} | grep -i hashring; check the \
                     hashring ConfigMap is valid JSON listing every Receive pod."
                ),
            },
        ),
    ]
}
