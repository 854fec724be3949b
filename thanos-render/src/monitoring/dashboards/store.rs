//! Store: StoreAPI requests, bucket operations, loaded blocks.

use super::{aggregate_by, bucket_row, grpc_server_panels, p99_by, Panel, Row, Unit};

pub(super) fn rows() -> Vec<Row> {
    vec![
        grpc_server_panels(
            Row::new("StoreAPI (gRPC)"),
            "Requests by method",
            "Errors by code",
        )
        .panel(
            Panel::time_series("Series latency p99", Unit::Seconds).query(
                p99_by(
                    "",
                    "grpc_server_handling_seconds",
                    r#"grpc_method="Series""#,
                ),
                "p99",
            ),
        ),
        bucket_row().panel(Panel::time_series("Blocks loaded", Unit::Count).query(
            aggregate_by("sum", "pod", "thanos_bucket_store_blocks_loaded"),
            "{{pod}}",
        )),
    ]
}
