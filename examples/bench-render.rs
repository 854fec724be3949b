//! Whole-process cost of one render, for `/usr/bin/time -v` and `valgrind --tool=callgrind`
//! (the README's "Performance" section).
//!
//! ```sh
//! cargo build --release --example bench-render
//! target/release/examples/bench-render fleet 1000 > fleet-1000.yaml   # a fleet file
//! /usr/bin/time -v target/release/examples/bench-render render fleet-1000.yaml
//! ```
//!
//! `fleet N` prints the fleet file of a new fleet with `N` edges
//! ([`thanos_model::seed::new_fleet`], what `thanos-kustomize init --edges N` writes,
//! without its comments). `render FILE` loads and validates that file, renders its tree
//! once and prints the number of files and bytes; `render FILE --out DIR` also writes the
//! tree into `DIR` with the CLI's writer.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["fleet", edges] => match edges.parse() {
            Ok(edges) => fleet(edges),
            Err(error) => fail(&format!("{edges:?}: {error}")),
        },
        ["render", file] => render(file, None),
        ["render", file, "--out", dir] => render(file, Some(dir)),
        _ => {
            eprintln!("usage: bench-render fleet N | bench-render render FILE [--out DIR]");
            ExitCode::from(2)
        }
    }
}

/// Prints the fleet file of a new fleet with `edges` edges.
fn fleet(edges: usize) -> ExitCode {
    match thanos_model::seed::new_fleet(edges).build() {
        Ok(fleet) => {
            print!("{}", fleet.to_yaml_string());
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error.to_string()),
    }
}

/// Loads, validates and renders `file`, and writes the tree into `out` when given.
fn render(file: &str, out: Option<&str>) -> ExitCode {
    let fleet = match thanos_model::Fleet::from_yaml_file(file) {
        Ok(fleet) => fleet,
        Err(error) => return fail(&error.to_string()),
    };
    let tree = thanos_render::manifests(&fleet).to_tree();
    let bytes: usize = tree.iter().map(|(_, content)| content.len()).sum();
    println!(
        "{} edges: {} files, {bytes} bytes",
        fleet.edges.len(),
        tree.len()
    );
    if let Some(dir) = out {
        if let Err(error) = thanos_kustomize::write::write_dir(&tree, dir, false) {
            return fail(&error.to_string());
        }
    }
    ExitCode::SUCCESS
}

fn fail(message: &str) -> ExitCode {
    eprintln!("bench-render: {message}");
    ExitCode::FAILURE
}
