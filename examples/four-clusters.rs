//! The seed's fleet: central `cluster-01` and edges `cluster-02` to `cluster-04`.
//!
//! ```sh
//! cargo run --example four-clusters > deploy-new          # the tree as one YAML stream
//! cargo run --example four-clusters -- --out deploy-new   # the tree as a directory
//! ```

use std::{io, process::ExitCode};

use thanos_model::{Central, Edge, Fleet, ValidFleet, ValidationError, S3};
use thanos_render::{render, DEFAULT_ROOT};

/// The seed's fleet, built with the model's builders.
fn seed_fleet() -> Result<ValidFleet, ValidationError> {
    let edges = [
        ("cluster-02", "192.168.101.196"),
        ("cluster-03", "192.168.101.197"),
        ("cluster-04", "192.168.101.198"),
    ]
    .into_iter()
    .map(|(context, api_address)| {
        Edge::new(format!("{context}-edge"))
            .context(context)
            .api_address(api_address)
    });

    Fleet::builder()
        .namespace("monitoring")
        .domain("k8s-cluster-01.miribit.lab")
        .storage_class("longhorn")
        .ingress_class("cilium")
        .object_storage(S3::new("s3.minio.miribit.lab", "thanos").insecure(true))
        .central(
            Central::new("cluster-01-central")
                .context("cluster-01")
                .api_address("192.168.101.194"),
        )
        .edges(edges)
        .build()
}

fn main() -> ExitCode {
    let out = match parse_args() {
        Ok(out) => out,
        Err(message) => {
            eprintln!("four-clusters: {message}\nusage: four-clusters [--out DIR]");
            return ExitCode::from(2);
        }
    };
    let fleet = match seed_fleet() {
        Ok(fleet) => fleet,
        Err(error) => {
            eprintln!("four-clusters: {error}");
            return ExitCode::FAILURE;
        }
    };
    for warning in fleet.warnings() {
        eprintln!("{warning}");
    }
    let tree = render(&fleet);
    let written = match &out {
        Some(dir) => tree.write_to_dir(dir),
        None => tree.write_stream(DEFAULT_ROOT, io::stdout().lock()),
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("four-clusters: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `--out DIR` writes the directory; no argument streams to stdout.
fn parse_args() -> Result<Option<String>, String> {
    let mut args = std::env::args().skip(1);
    match (args.next().as_deref(), args.next(), args.next()) {
        (None, _, _) => Ok(None),
        (Some("--out"), Some(dir), None) if dir != "-" => Ok(Some(dir)),
        (Some("--out"), Some(_), None) => Ok(None),
        (Some(arg), _, _) => Err(format!("unexpected argument {arg:?}")),
    }
}
