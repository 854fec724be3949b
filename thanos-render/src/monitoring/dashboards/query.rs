//! Query: API requests, errors and latency; StoreAPI fan-out.

use super::{aggregate_by, p99_by, rate_by, rate_panel, ratio_by, Panel, Row, Unit};

const QUERY_API: &str = r#"handler=~"query|query_range""#;

pub(super) fn rows() -> Vec<Row> {
    vec![
        Row::new("Query API")
            .panel(
                Panel::time_series("Requests by handler", Unit::RequestsPerSecond).query(
                    rate_by("handler", "http_requests_total", QUERY_API),
                    "{{handler}}",
                ),
            )
            .panel(
                Panel::time_series("Errors (5xx) by handler", Unit::Ratio).query(
                    ratio_by(
                        "handler",
                        "http_requests_total",
                        r#"code=~"5..""#,
                        QUERY_API,
                    ),
                    "{{handler}}",
                ),
            )
            .panel(
                Panel::time_series("Latency p99 by handler", Unit::Seconds).query(
                    p99_by("handler", "http_request_duration_seconds", QUERY_API),
                    "{{handler}}",
                ),
            )
            .panel(Panel::time_series("Queries in flight", Unit::Count).query(
                aggregate_by(
                    "sum",
                    "pod",
                    "thanos_query_concurrent_gate_queries_in_flight",
                ),
                "{{pod}}",
            )),
        Row::new("StoreAPI endpoints")
            .panel(
                Panel::time_series("Connected endpoints by type", Unit::Count)
                    .description(
                        "gRPC connections Query holds to StoreAPIs, by store_type; a type \
                         dropping to nothing fires ThanosQueryEndpointGroupMissing.",
                    )
                    .query(
                        aggregate_by("sum", "store_type", "thanos_store_nodes_grpc_connections"),
                        "{{store_type}}",
                    ),
            )
            .panel(rate_panel(
                "StoreAPI calls by code",
                Unit::RequestsPerSecond,
                "grpc_code",
                "grpc_client_handled_total",
            ))
            .panel(
                Panel::time_series("StoreAPI call errors", Unit::Ratio).query(
                    format!(
                        "{}\n/\n{}",
                        rate_by(
                            "job",
                            "grpc_client_handled_total",
                            r#"grpc_code!~"OK|Canceled""#
                        ),
                        rate_by("job", "grpc_client_started_total", "")
                    ),
                    "{{job}}",
                ),
            ),
    ]
}
