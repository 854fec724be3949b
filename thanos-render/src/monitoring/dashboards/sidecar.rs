//! Sidecar: its Prometheus, StoreAPI requests from Query, block uploads, bucket operations.

use super::{aggregate_by, bucket_failures, matchers, rate_by, Panel, Row, Unit};

pub(super) fn rows() -> Vec<Row> {
    vec![
        Row::new("Prometheus and Query")
            .panel(
                Panel::time_series("Prometheus reachable by pod", Unit::Count)
                    .description("1 while the sidecar reaches the Prometheus beside it.")
                    .query(
                        aggregate_by("min", "pod", "thanos_sidecar_prometheus_up"),
                        "{{pod}}",
                    ),
            )
            .panel(
                Panel::time_series("StoreAPI requests by method", Unit::RequestsPerSecond).query(
                    rate_by("grpc_method", "grpc_server_handled_total", ""),
                    "{{grpc_method}}",
                ),
            )
            .panel(
                Panel::time_series("StoreAPI errors by code", Unit::RequestsPerSecond).query(
                    rate_by(
                        "grpc_code",
                        "grpc_server_handled_total",
                        r#"grpc_code!="OK""#,
                    ),
                    "{{grpc_code}}",
                ),
            ),
        Row::new("Uploads")
            .panel(
                Panel::time_series("Blocks uploaded per hour by pod", Unit::Count).query(
                    format!(
                        "sum by (pod) (increase(thanos_shipper_uploads_total{{{}}}[1h]))",
                        matchers("")
                    ),
                    "{{pod}}",
                ),
            )
            .panel(
                Panel::time_series("Upload failures by pod", Unit::OpsPerSecond).query(
                    rate_by("pod", "thanos_shipper_upload_failures_total", ""),
                    "{{pod}}",
                ),
            )
            .panel(bucket_failures()),
    ]
}
