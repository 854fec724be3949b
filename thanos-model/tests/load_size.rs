//! Loading is linear in the size of the file, and deep nesting is refused at once.
//!
//! The large cases are `#[ignore]`d (they take seconds in a release build, minutes in a
//! debug one); run them with
//! `cargo test --release -p thanos-model --test load_size -- --ignored --nocapture`,
//! which prints the figures the README gives.

mod common;

use std::time::{Duration, Instant};

use thanos_model::{Fleet, LoadError};

/// A fleet of about `bytes` bytes: as many edges as fit, each with its agent's resources.
fn fleet_of(bytes: usize) -> (String, usize) {
    let mut yaml = format!("{}edges:\n", common::MINIMAL_FLEET);
    let mut edges = 0;
    while yaml.len() < bytes {
        let i = edges;
        yaml.push_str(&format!(
            "- name: edge-{i}\n  context: ctx-{i}\n  apiAddress: 10.{}.{}.{}\n  agent:\n    replicas: 1\n    \
             resources: {{cpuRequest: 100m, memoryRequest: 256Mi, cpuLimit: '1', memoryLimit: 1Gi}}\n",
            i / 65_536 % 256,
            i / 256 % 256,
            i % 256
        ));
        edges += 1;
    }
    (yaml, edges)
}

/// The process's peak resident memory, in KiB, after resetting it (Linux only).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn load(yaml: &str) -> (Duration, usize) {
    let started = Instant::now();
    let fleet = Fleet::from_yaml_str(yaml).unwrap_or_else(|e| panic!("{e}"));
    (started.elapsed(), fleet.edges.len())
}

#[test]
fn nesting_of_100000_levels_is_refused_at_once() {
    for yaml in [
        format!("domain:\n{}x\n", "- ".repeat(100_000)),
        format!("domain: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        format!("domain: {}\n", "{a: ".repeat(100_000)),
    ] {
        let started = Instant::now();
        let Err(LoadError::Syntax(error)) = Fleet::from_yaml_str(&yaml) else {
            panic!("loaded");
        };
        let elapsed = started.elapsed();
        assert!(error.message.contains("levels deep"), "{error}");
        assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");
    }
}

#[test]
fn a_thousand_edges_load_in_proportion() {
    let (small, _) = fleet_of(20_000);
    let (large, edges) = fleet_of(200_000);
    let (small_time, _) = load(&small);
    let (large_time, loaded) = load(&large);
    assert_eq!(loaded, edges);
    // Ten times the text; far from a hundred times the time (generous for noisy CI).
    assert!(
        large_time < small_time * 40 + Duration::from_millis(50),
        "{small_time:?} for 20 kB, {large_time:?} for 200 kB"
    );
}

#[test]
#[ignore = "large: run in a release build, see the module documentation"]
fn a_50_megabyte_fleet_loads_in_seconds() {
    for megabytes in [5, 50] {
        let (yaml, edges) = fleet_of(megabytes * 1_000_000);
        let before = rss_kib().unwrap_or_default();
        reset_peak();
        let (elapsed, loaded) = load(&yaml);
        assert_eq!(loaded, edges);
        let peak = peak_kib().unwrap_or_default().saturating_sub(before);
        println!(
            "{megabytes} MB, {edges} edges: {elapsed:.2?}, peak memory {} MiB above the text ({:.1}x its size)",
            peak / 1024,
            peak as f64 * 1024.0 / yaml.len() as f64
        );
        assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
    }
}
