//! Every directory of the seed's tree built by the real kustomize (kubectl's built-in
//! v5.5) with `--enable-helm`, as the README tells operators to build it.
//!
//! The kube-prometheus-stack chart cannot be fetched here, so helm's part is played by
//! `tests/fake-helm/helm`, which records what kustomize hands to helm instead of rendering
//! the chart. What this proves is our side of the contract: kustomize accepts every
//! kustomization, finds the base values from the overlay (with the load restrictor
//! relaxed), passes the base values then the overlay's, the release, the namespace and the
//! CRDs, and adds the Thanos manifests in the overlay's namespace.
//! `scripts/e2e.sh` builds the tree with the real helm and chart (CI runs it).
//!
//! Where kubectl cannot run, each test is reported as ignored with the reason (failed when
//! `CI` is set): the harness is `libtest-mimic`, see `tools`.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use libtest_mimic::{Arguments, Trial};
use serde_yaml::Value;
use thanos_render::Tree;

#[path = "../../thanos-render/tests/common/tools.rs"]
mod tools;

const FAKE_HELM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fake-helm/helm");

fn seed_tree() -> Tree {
    thanos_render::render(&thanos_model::seed::seed(3).build().expect("valid seed"))
}

fn main() {
    let args = Arguments::from_args();
    let trials: Vec<Trial> = [
        (
            "kustomize_builds_every_directory_with_the_chart_and_the_right_values",
            kustomize_builds_every_directory_with_the_chart_and_the_right_values as fn(),
        ),
        (
            "overlays_need_the_relaxed_load_restrictor_the_readme_gives",
            overlays_need_the_relaxed_load_restrictor_the_readme_gives,
        ),
        (
            "an_embedder_s_resource_is_built_with_its_overlay_across_renders",
            an_embedder_s_resource_is_built_with_its_overlay_across_renders,
        ),
    ]
    .into_iter()
    .map(|(name, test)| tools::needs(name, kubectl_missing, test))
    .collect();
    libtest_mimic::run(&args, trials).exit();
}

/// Why kubectl's built-in kustomize cannot run here, if it cannot.
fn kubectl_missing() -> Option<String> {
    tools::tool_missing("kubectl", &["kustomize", "--help"])
}

/// Runs `kubectl kustomize` with the fake helm.
fn kustomize(dir: &Path, relaxed: bool) -> Output {
    let mut command = Command::new("kubectl");
    command
        .arg("kustomize")
        .arg("--enable-helm")
        .arg("--helm-command")
        .arg(FAKE_HELM);
    if relaxed {
        command.args(["--load-restrictor", "LoadRestrictionsNone"]);
    }
    command
        .arg(dir)
        .output()
        .unwrap_or_else(|error| panic!("kubectl ran a moment ago and now does not: {error}"))
}

/// What the fake helm recorded: its arguments and the parsed values files, in order.
fn helm_call(objects: &[Value]) -> (Vec<String>, Vec<Value>) {
    let config_map = objects
        .iter()
        .find(|o| o["metadata"]["name"].as_str() == Some("fake-helm-template"))
        .expect("kustomize ran helm template");
    let args: Vec<String> =
        serde_json::from_str(config_map["data"]["args"].as_str().unwrap()).unwrap();
    let values: Vec<String> =
        serde_json::from_str(config_map["data"]["values"].as_str().unwrap()).unwrap();
    let values = values
        .iter()
        .map(|text| serde_yaml::from_str(text).expect("values file parses"))
        .collect();
    (args, values)
}

fn parse(tree: &Tree, path: &str) -> Value {
    serde_yaml::from_str(tree.get(path).unwrap()).unwrap()
}

fn kustomize_builds_every_directory_with_the_chart_and_the_right_values() {
    let tree = seed_tree();
    let work = tempfile::tempdir().unwrap();
    thanos_kustomize::write::write_dir(&tree, work.path(), false).unwrap();
    let base_values = parse(&tree, "base/kube-prometheus-stack/values.yaml");

    let mut dirs: Vec<PathBuf> = vec![PathBuf::from("base/kube-prometheus-stack")];
    dirs.push("overlays/cluster-01-central/kube-prometheus-stack".into());
    for n in 2..=4 {
        dirs.push(format!("overlays/cluster-0{n}-edge/kube-prometheus-stack").into());
    }
    for dir in dirs {
        let output = kustomize(&work.path().join(&dir), true);
        assert!(
            output.status.success(),
            "{}: {}",
            dir.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        let objects = documents(&String::from_utf8(output.stdout).unwrap());
        let (args, values) = helm_call(&objects);

        // `helm template <release> <chart> --namespace <ns> ... --include-crds`.
        assert_eq!(args[1], "kube-prometheus-stack", "{}", dir.display());
        assert!(args[2].ends_with("charts/kube-prometheus-stack-78.2.1/kube-prometheus-stack"));
        assert!(args.windows(2).any(|w| w == ["--namespace", "monitoring"]));
        assert!(args.contains(&"--include-crds".to_owned()));
        // The chart's `helm test` pods stay out of the build.
        assert!(args.contains(&"--skip-tests".to_owned()), "{args:?}");

        // The base values first, then the overlay's own, which helm merges over them.
        assert_eq!(values[0], base_values, "{}: base values", dir.display());
        let overlay_values: Vec<Value> = tree
            .iter()
            .filter(|(path, _)| {
                path.starts_with(dir.to_str().unwrap())
                    && path.rsplit('/').next().unwrap().starts_with("values-")
            })
            .map(|(path, _)| parse(&tree, path))
            .collect();
        assert_eq!(values[1..], overlay_values[..], "{}", dir.display());

        // Every object lands in the fleet's namespace, which the build of every overlay
        // (not the base, which only tries the chart) creates first.
        let (namespaces, namespaced): (Vec<&Value>, Vec<&Value>) = objects
            .iter()
            .partition(|object| object["kind"] == "Namespace");
        for object in namespaced {
            assert_eq!(object["metadata"]["namespace"].as_str(), Some("monitoring"));
        }
        if dir.starts_with("overlays") {
            assert_eq!(namespaces.len(), 1, "{}", dir.display());
            assert_eq!(namespaces[0]["metadata"]["name"], "monitoring");
            assert_eq!(objects[0]["kind"], "Namespace", "the Namespace comes first");
        } else {
            assert!(namespaces.is_empty());
        }
        let mut thanos: Vec<String> = objects
            .iter()
            .filter(|o| {
                o["metadata"]["name"]
                    .as_str()
                    .unwrap()
                    .starts_with("thanos-")
            })
            .map(|o| {
                format!(
                    "{}/{}",
                    o["kind"].as_str().unwrap(),
                    o["metadata"]["name"].as_str().unwrap()
                )
            })
            .collect();
        thanos.sort();
        if dir.starts_with("overlays/cluster-01-central") {
            // The Thanos manifests, and not the S3 Secret with its placeholders.
            assert_eq!(
                thanos,
                [
                    "ConfigMap/thanos-dashboard-compactor",
                    "ConfigMap/thanos-dashboard-query",
                    "ConfigMap/thanos-dashboard-receive",
                    "ConfigMap/thanos-dashboard-ruler",
                    "ConfigMap/thanos-dashboard-sidecar",
                    "ConfigMap/thanos-dashboard-store",
                    "ConfigMap/thanos-query-endpoints",
                    "ConfigMap/thanos-receive-hashring",
                    "Deployment/thanos-query",
                    "Ingress/thanos-query",
                    "Ingress/thanos-receive",
                    "PrometheusRule/thanos-alerts",
                    "PrometheusRule/thanos-silent-edges",
                    "PrometheusRule/thanos-watchdog",
                    "Service/thanos-compactor",
                    "Service/thanos-query",
                    "Service/thanos-query-headless",
                    "Service/thanos-receive",
                    "Service/thanos-receive-headless",
                    "Service/thanos-store",
                    "ServiceMonitor/thanos-compactor",
                    "ServiceMonitor/thanos-query",
                    "ServiceMonitor/thanos-receive",
                    "ServiceMonitor/thanos-sidecar",
                    "ServiceMonitor/thanos-store",
                    "StatefulSet/thanos-compactor",
                    "StatefulSet/thanos-receive",
                    "StatefulSet/thanos-store",
                ]
            );
        } else {
            assert_eq!(thanos, Vec::<String>::new(), "{}", dir.display());
        }
    }
}

fn overlays_need_the_relaxed_load_restrictor_the_readme_gives() {
    let tree = seed_tree();
    let work = tempfile::tempdir().unwrap();
    thanos_kustomize::write::write_dir(&tree, work.path(), false).unwrap();
    let overlay = work
        .path()
        .join("overlays/cluster-02-edge/kube-prometheus-stack");
    let output = kustomize(&overlay, false);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("security"), "{stderr}");
}

/// The embedder's own ConfigMap beside an edge's chart.
const PLATFORM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: platform-notes\n  namespace: monitoring\ndata:\n  team: platform\n";

/// The kinds and names a build of `overlay` yields.
fn built(overlay: &Path) -> Vec<String> {
    let output = kustomize(overlay, true);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    documents(&String::from_utf8(output.stdout).unwrap())
        .iter()
        .map(|o| {
            format!(
                "{}/{}",
                o["kind"].as_str().unwrap(),
                o["metadata"]["name"].as_str().unwrap()
            )
        })
        .collect()
}

fn an_embedder_s_resource_is_built_with_its_overlay_across_renders() {
    let fleet = thanos_model::seed::seed(3).build().expect("valid seed");
    let work = tempfile::tempdir().unwrap();
    let overlay = work
        .path()
        .join("overlays/cluster-02-edge/kube-prometheus-stack");
    let mut manifests = thanos_render::manifests(&fleet);
    manifests
        .insert_owned_resource("cluster-02-edge", "platform.yaml", PLATFORM)
        .unwrap();
    thanos_kustomize::write::write_dir(&manifests.to_tree(), work.path(), false).unwrap();
    let objects = built(&overlay);
    assert!(
        objects.contains(&"ConfigMap/platform-notes".to_owned()),
        "{objects:?}"
    );
    // Another edge's build does not have it.
    let other = built(
        &work
            .path()
            .join("overlays/cluster-03-edge/kube-prometheus-stack"),
    );
    assert!(
        !other.contains(&"ConfigMap/platform-notes".to_owned()),
        "{other:?}"
    );

    // A render of the fleet alone, as `thanos-kustomize render` does it: nothing changes,
    // and the build still has the embedder's ConfigMap.
    let render = || {
        let mut manifests = thanos_render::manifests(&fleet);
        thanos_kustomize::write::keep_owned_resources(&mut manifests, work.path());
        thanos_kustomize::write::write_dir(&manifests.to_tree(), work.path(), false).unwrap()
    };
    let report = render();
    assert!(report.is_unchanged(), "{}", report.summary("deploy-new"));
    assert_eq!(built(&overlay), objects);

    // The embedder removes its file: the next render stops listing it, and the overlay
    // builds without it.
    std::fs::remove_file(overlay.join("platform.yaml")).unwrap();
    let report = render();
    assert!(
        !report.is_unchanged(),
        "the kustomization no longer lists it"
    );
    let without = built(&overlay);
    assert!(
        !without.contains(&"ConfigMap/platform-notes".to_owned()),
        "{without:?}"
    );
    assert_eq!(without.len() + 1, objects.len());
}

/// Every YAML document of a build's output, parsed.
fn documents(content: &str) -> Vec<Value> {
    use serde::Deserialize as _;
    serde_yaml::Deserializer::from_str(content)
        .map(|document| Value::deserialize(document).expect("kustomize output parses"))
        .filter(|value| !value.is_null())
        .collect()
}
