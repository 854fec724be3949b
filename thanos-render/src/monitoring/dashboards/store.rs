//! Store: StoreAPI requests, bucket operations, loaded blocks.

use super::{aggregate_by, bucket_row, p99_by, rate_by, Panel, Row, Unit};

pub(super) fn rows() -> Vec<Row> {
    vec![
        Row::new("StoreAPI (gRPC)")
            .panel(
                Panel::time_series("Requests by method", Unit::RequestsPerSecond).query(
                    rate_by("grpc_method", "grpc_server_handled_total", ""),
                    "{{grpc_method}}",
                ),
            )
            .panel(
                Panel::time_series("Errors by code", Unit::RequestsPerSecond).query(
                    rate_by(
                        "grpc_code",
                        "grpc_server_handled_total",
                        r#"grpc_code!="OK""#,
                    ),
                    "{{grpc_code}}",
                ),
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
