//! Sidecar: its Prometheus, StoreAPI requests from Query, block uploads, bucket operations.

use super::{
    aggregate_by, bucket_failures, grpc_server_panels, matchers, upload_failures, Panel, Row, Unit,
};

pub(super) fn rows() -> Vec<Row> {
    vec![
        grpc_server_panels(
            Row::new("Prometheus and Query").panel(
                Panel::time_series("Prometheus reachable by pod", Unit::Count)
                    .description("1 while the sidecar reaches the Prometheus beside it.")
                    .query(
                        aggregate_by("min", "pod", "thanos_sidecar_prometheus_up"),
                        "{{pod}}",
                    ),
            ),
            "StoreAPI requests by method",
            "StoreAPI errors by code",
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
            .panel(upload_failures())
            .panel(bucket_failures()),
    ]
}
