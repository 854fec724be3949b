//! The seed's four clusters as a new fleet with every safety option on: what
//! `thanos-kustomize init` writes, plus the options a new fleet leaves to the operator.
//!
//! ```sh
//! cargo run --example secure-fleet -- --out deploy-secure
//! ```
//!
//! The fleet is [`thanos_model::seed::secure_fleet`] with three edges.

mod support;

use std::process::ExitCode;

/// The seed's number of edge clusters.
const SEED_EDGES: usize = 3;

fn main() -> ExitCode {
    support::run("secure-fleet", thanos_model::seed::secure_fleet(SEED_EDGES))
}
