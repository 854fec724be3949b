//! The secure fleet grown to 50 edges with the read path of a large fleet: Receive at 3
//! replicas with a replication factor of 3 behind 2 routers, Query, Store and the
//! query-frontend at 2, Store in 2 shards by block hash, results and index caches in
//! memcached.
//!
//! ```sh
//! cargo run --example large-fleet -- --out deploy-large
//! ```
//!
//! The fleet is [`thanos_model::seed::large_fleet`] with 50 edges.

mod support;

use std::process::ExitCode;

/// The edges of "50 edges next quarter".
const EDGES: usize = 50;

fn main() -> ExitCode {
    support::run("large-fleet", thanos_model::seed::large_fleet(EDGES))
}
