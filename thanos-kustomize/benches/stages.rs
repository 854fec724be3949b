//! The median time of each stage of a render, for fleets of 4 to 10,000 edges: the
//! README's "Performance" table. Run with `cargo bench -p thanos-kustomize`.
//!
//! The fleet is a new fleet ([`thanos_model::seed::new_fleet`], what
//! `thanos-kustomize init --edges N` writes), so the tree has the runbook and the
//! monitoring. The stages:
//!
//! - `load`: [`Fleet::from_yaml_str`] of its fleet file (parse, read and validate);
//! - `validate`: [`FleetBuilder::build`](thanos_model::FleetBuilder::build) of the
//!   same fleet made in code;
//! - `render`: [`thanos_render::manifests`] then
//!   [`to_tree`](thanos_render::Manifests::to_tree);
//! - `write`: [`write_dir`] of the tree into a new temporary directory.

use divan::{black_box, Bencher};
use thanos_kustomize::write::write_dir;
use thanos_model::{seed::new_fleet, Fleet};

/// The fleet sizes, in edges.
const EDGES: [usize; 4] = [4, 100, 1000, 10_000];

fn main() {
    divan::main();
}

/// The fleet file of a new fleet with `edges` edges.
fn fleet_file(edges: usize) -> String {
    new_fleet(edges)
        .build()
        .expect("a new fleet is valid")
        .to_yaml_string()
}

#[divan::bench(args = EDGES, max_time = 5)]
fn load(bencher: Bencher, edges: usize) {
    let file = fleet_file(edges);
    bencher.bench(|| Fleet::from_yaml_str(black_box(&file)).expect("the fleet file loads"));
}

#[divan::bench(args = EDGES, max_time = 5)]
fn validate(bencher: Bencher, edges: usize) {
    bencher
        .with_inputs(|| new_fleet(edges))
        .bench_values(|builder| builder.build().expect("a new fleet is valid"));
}

#[divan::bench(args = EDGES, max_time = 5)]
fn render(bencher: Bencher, edges: usize) {
    let fleet = new_fleet(edges).build().expect("a new fleet is valid");
    bencher.bench(|| thanos_render::manifests(black_box(&fleet)).to_tree());
}

#[divan::bench(args = EDGES, max_time = 5)]
fn write(bencher: Bencher, edges: usize) {
    let fleet = new_fleet(edges).build().expect("a new fleet is valid");
    let tree = thanos_render::render(&fleet);
    bencher
        .with_inputs(|| tempfile::tempdir().expect("a temporary directory"))
        .bench_refs(|parent| {
            write_dir(&tree, parent.path().join("deploy-new"), false).expect("the tree writes")
        });
}
