//! The seed's lab: central `cluster-01` and edges `cluster-02` to `cluster-04`, with the
//! settings the lab was deployed with (`check` warns about each unsafe one).
//!
//! ```sh
//! cargo run --example four-clusters > deploy-new.yaml     # the tree as one YAML stream
//! cargo run --example four-clusters -- --out deploy-new   # the tree as a directory
//! ```
//!
//! The fleet is [`thanos_model::seed::seed`] with three edges, and `--out` writes with the
//! same careful writer as `thanos-kustomize render --out` ([`thanos_kustomize::write`]):
//! files edited by hand or not generated are refused, stale generated files removed, each
//! file written whole.

mod support;

use std::process::ExitCode;

/// The seed's number of edge clusters.
const SEED_EDGES: usize = 3;

fn main() -> ExitCode {
    support::run("four-clusters", thanos_model::seed::seed(SEED_EDGES))
}
