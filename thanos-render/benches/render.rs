//! Speed and memory of validating and rendering: the seed's 4 clusters and a 50-edge
//! fleet. Run with `cargo bench -p thanos-render`; figures are quoted in the README.
//!
//! A plain harness (no benchmarking crate): it repeats each case, reports the median time
//! per render and the process's peak resident memory afterwards.

use std::{hint::black_box, time::Instant};

use thanos_model::{Central, Edge, Fleet, Receive, ValidFleet, S3};

fn fleet(edges: usize) -> ValidFleet {
    Fleet::builder()
        .domain("k8s-cluster-01.example.com")
        .object_storage(S3::new("s3.example.com", "thanos"))
        .central(
            Central::new("central")
                .context("central")
                .api_address("10.0.0.1")
                .receive(Receive::default().replicas(3).replication_factor(3)),
        )
        .edges((0..edges).map(|i| {
            Edge::new(format!("edge-{i:02}"))
                .context(format!("edge-{i:02}"))
                .api_address(format!("10.0.1.{i}"))
        }))
        .build()
        .expect("valid fleet")
}

fn median_micros(mut run: impl FnMut(), iterations: usize) -> f64 {
    let mut samples: Vec<f64> = (0..iterations)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
}

fn main() {
    for edges in [3, 50] {
        let built = fleet(edges);
        let tree = thanos_render::render(&built);
        let bytes: usize = tree.iter().map(|(_, content)| content.len()).sum();
        let validate = median_micros(
            || {
                black_box(built.clone().into_inner().validate().is_ok());
            },
            200,
        );
        let render = median_micros(
            || {
                black_box(thanos_render::render(black_box(&built)));
            },
            200,
        );
        let stream = median_micros(
            || {
                black_box(tree.to_stream("deploy-new"));
            },
            200,
        );
        println!(
            "{} clusters: {} files, {} KiB; validate {validate:.0} µs, render {render:.0} µs, stream {stream:.0} µs (median of 200)",
            edges + 1,
            tree.len(),
            bytes / 1024,
        );
    }
    if let Some(peak) = peak_rss_kib() {
        println!("peak resident memory of the whole run: {} MiB", peak / 1024);
    }
}
