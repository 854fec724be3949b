//! An embedder on another Kubernetes version: a crate on k8s-openapi `v1_34` that depends
//! on the workspace's library crates and the writer builds (the `thanos-kustomize`
//! library enables no k8s-openapi version; only its binary does), and the tree it writes
//! is one the command-line tool then keeps up to date, keeping the embedder's own files
//! (one listed in an edge's kustomization) and the chart value it sets that the model does
//! not type (a `nodeSelector` for the edge's agent, in the fleet file's `extraValues`).
//!
//! It builds the crate with `cargo build --offline` into `target/embedder` (kept between
//! runs), so it needs the workspace's dependencies in the local cargo cache, as every
//! other test does.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

const MANIFEST: &str = r#"[package]
name = "embedder"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
thanos-model = { path = "WORKSPACE/thanos-model" }
thanos-render = { path = "WORKSPACE/thanos-render" }
thanos-kustomize = { path = "WORKSPACE/thanos-kustomize", default-features = false }
k8s-openapi = { version = "0.29", default-features = false, features = ["std", "v1_34"] }

[workspace]
"#;

const MAIN: &str = r##"
fn main() {
    let dir = std::env::args().nth(1).expect("DIR");
    let mut fleet = thanos_model::seed::new_fleet(1).build().expect("valid").into_inner();
    // A chart value the model does not type: the edge's agent on Linux nodes.
    fleet.edges[0].extra_values = thanos_model::ExtraValues::new().set(
        "prometheus.prometheusSpec.nodeSelector",
        std::collections::BTreeMap::from([("kubernetes.io/os", "linux")]),
    );
    let fleet = fleet.validate().expect("valid");
    let mut manifests = thanos_render::manifests(&fleet);
    // A resource of the embedder's own, built with the edge's overlay.
    manifests
        .insert_owned_resource("cluster-02-edge", "platform.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: platform\n  namespace: monitoring\n")
        .expect("a new file name");
    let mut tree = manifests.to_tree();
    // A file of the embedder's own, listed by nobody but kept by every render.
    tree.insert_owned("ours/NOTES.md".to_owned(), "# The embedder's notes\n".to_owned());
    let report = thanos_kustomize::write::write_dir(&tree, &dir, false).expect("written");
    println!("{}", report.summary(&dir));
}
"##;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

#[test]
fn an_embedder_on_v1_34_builds_against_the_library_crates_and_the_writer() {
    let root = workspace();
    let krate = tempfile::tempdir().unwrap();
    let manifest = MANIFEST.replace("WORKSPACE", root.to_str().unwrap());
    fs::write(krate.path().join("Cargo.toml"), manifest).unwrap();
    // The workspace's versions, so that the offline build finds them in the cache.
    fs::copy(root.join("Cargo.lock"), krate.path().join("Cargo.lock")).unwrap();
    fs::create_dir(krate.path().join("src")).unwrap();
    fs::write(krate.path().join("src/main.rs"), MAIN).unwrap();
    let target = root.join("target/embedder");
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .args(["build", "--offline", "--quiet", "--manifest-path"])
        .arg(krate.path().join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        // Outside the workspace, whose .cargo/config.toml is not the embedder's.
        .current_dir(krate.path());
    // Nor is the workspace's environment.
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("CARGO_FEATURE_") || key == "K8S_OPENAPI_ENABLED_VERSION" {
            cargo.env_remove(&*key);
        }
    }
    let output = cargo.output().expect("cargo runs");
    assert!(
        output.status.success(),
        "the embedder does not build:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // It writes a tree, and the command-line tool finds it up to date.
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("deploy-new");
    let embedder = target.join("debug/embedder");
    succeeds(Command::new(&embedder).arg(&dir));
    let cli = |edges: usize, command: &str| {
        let fleet = fleet_with_extra_values(edges);
        fs::write(out.path().join("fleet.yaml"), fleet.to_yaml_string()).unwrap();
        let mut run = Command::new(env!("CARGO_BIN_EXE_thanos-kustomize"));
        run.current_dir(out.path())
            .args([command, "-f", "fleet.yaml"]);
        if command == "render" {
            run.arg("--out");
        }
        run.arg("deploy-new");
        succeeds(&mut run);
    };
    cli(1, "diff");
    // The CLI renders a fleet with one more edge: the embedder's file stays as it wrote it.
    cli(2, "render");
    assert_eq!(
        fs::read_to_string(dir.join("ours/NOTES.md")).unwrap(),
        "# The embedder's notes\n"
    );
    let edge = dir.join("overlays/cluster-02-edge/kube-prometheus-stack");
    let kustomization = fs::read_to_string(edge.join("kustomization.yaml")).unwrap();
    assert!(
        kustomization.ends_with("\n- platform.yaml\n"),
        "{kustomization}"
    );
    assert!(edge.join("platform.yaml").is_file());
    let values = fs::read_to_string(edge.join("values-edge.yaml")).unwrap();
    assert!(
        values.contains("    nodeSelector:\n      kubernetes.io/os: linux\n"),
        "{values}"
    );
    // And the embedder's next write keeps it too, without refusing it as not ours.
    succeeds(Command::new(&embedder).arg(&dir));
}

/// The embedder's fleet with `edges` edges, as a fleet file would hold it.
fn fleet_with_extra_values(edges: usize) -> thanos_model::ValidFleet {
    let mut fleet = thanos_model::seed::new_fleet(edges)
        .build()
        .unwrap()
        .into_inner();
    fleet.edges[0].extra_values = thanos_model::ExtraValues::new().set(
        "prometheus.prometheusSpec.nodeSelector",
        std::collections::BTreeMap::from([("kubernetes.io/os", "linux")]),
    );
    fleet.validate().unwrap()
}

/// Runs `command` and asserts it exits 0.
#[track_caller]
fn succeeds(command: &mut Command) {
    let output = command.output().expect("runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{command:?}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
