//! Compactor: halted, iterations, compactions, downsampling, deletions, bucket operations.

use super::{aggregate_by, bucket_row, matchers, rate_panel, with_failures, Panel, Row, Unit};

pub(super) fn rows() -> Vec<Row> {
    let sel = matchers("");
    vec![
        Row::new("Progress")
            .panel(
                Panel::stat("Halted", Unit::Count)
                    .description("1 when the compactor stopped on an error it will not retry.")
                    .red_at(1.0)
                    .query(
                        aggregate_by("max", "job", "thanos_compact_halted"),
                        "{{job}}",
                    ),
            )
            .panel(
                Panel::time_series("Iterations completed per hour", Unit::Count).query(
                    format!(
                        "sum by (job) (increase(thanos_compact_iterations_total{{{sel}}}[1h]))"
                    ),
                    "{{job}}",
                ),
            )
            .panel(with_failures(
                "Group compactions",
                "thanos_compact_group_compactions_total",
                "thanos_compact_group_compactions_failures_total",
                "compactions",
            )),
        Row::new("Downsampling and deletion")
            .panel(with_failures(
                "Downsamplings",
                "thanos_compact_downsample_total",
                "thanos_compact_downsample_failures_total",
                "downsamplings",
            ))
            .panel(rate_panel(
                "Blocks marked for deletion",
                Unit::OpsPerSecond,
                "job",
                "thanos_compact_garbage_collected_blocks_total",
            ))
            .panel(rate_panel(
                "Blocks deleted",
                Unit::OpsPerSecond,
                "job",
                "thanos_compact_blocks_cleaned_total",
            )),
        bucket_row(),
    ]
}
