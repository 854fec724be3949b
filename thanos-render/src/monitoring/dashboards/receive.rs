//! Receive: remote writes, replication and forwarding, head series, uploads.

use super::{
    aggregate_by, p99_by, rate_by, rate_panel, ratio_by, upload_failures, Panel, Row, Unit,
};

const WRITES: &str = r#"handler="receive""#;

pub(super) fn rows() -> Vec<Row> {
    vec![
        Row::new("Remote write")
            .panel(
                Panel::time_series("Write requests by code", Unit::RequestsPerSecond)
                    .query(rate_by("code", "http_requests_total", WRITES), "{{code}}"),
            )
            .panel(Panel::time_series("Write errors (5xx)", Unit::Ratio).query(
                ratio_by("job", "http_requests_total", r#"code=~"5..""#, WRITES),
                "{{job}}",
            ))
            .panel(
                Panel::time_series("Write latency p99", Unit::Seconds).query(
                    p99_by("job", "http_request_duration_seconds", WRITES),
                    "{{job}}",
                ),
            ),
        Row::new("Replication and forwarding")
            .panel(rate_panel(
                "Replications by result",
                Unit::OpsPerSecond,
                "result",
                "thanos_receive_replications_total",
            ))
            .panel(rate_panel(
                "Forwards by result",
                Unit::OpsPerSecond,
                "result",
                "thanos_receive_forward_requests_total",
            ))
            .panel(Panel::time_series("Head series by pod", Unit::Count).query(
                aggregate_by("sum", "pod", "prometheus_tsdb_head_series"),
                "{{pod}}",
            )),
        Row::new("Uploads")
            .panel(rate_panel(
                "Blocks uploaded by pod",
                Unit::OpsPerSecond,
                "pod",
                "thanos_shipper_uploads_total",
            ))
            .panel(upload_failures()),
    ]
}
