//! The built `thanos-kustomize` binary, run on temporary directories.

#[path = "support/dir_snapshot.rs"]
mod dir_snapshot;

use std::{
    fs,
    io::Write as _,
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
};

use thanos_model::{
    seed::{new_fleet, seed},
    Fleet, LoadError,
};
use thanos_render::{render, DEFAULT_ROOT};

use dir_snapshot::{names, snapshot};

const BIN: &str = env!("CARGO_BIN_EXE_thanos-kustomize");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_with(dir, args, None, &[])
}

/// [`run_in`] with the arguments written as one line (no argument holds a space).
fn cli(dir: &Path, line: &str) -> Run {
    run_in(dir, &line.split(' ').collect::<Vec<_>>())
}

fn run_with(dir: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().unwrap();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}

impl Run {
    #[track_caller]
    fn expect(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// A temporary directory holding `fleet.yaml` from `init --edges <edges>`.
fn workspace(edges: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let edges = edges.to_string();
    let init = run_in(dir.path(), &["init", "--edges", &edges]).expect(0);
    fs::write(dir.path().join("fleet.yaml"), init.stdout).unwrap();
    dir
}

/// Asserts that `text` contains `needle`, showing `text` when it does not.
#[track_caller]
fn assert_contains(text: &str, needle: &str) {
    assert!(text.contains(needle), "{needle:?} not in\n{text}");
}

/// Whether `deploy-new` in `dir` has the overlay of `cluster`.
fn has_overlay(dir: &Path, cluster: &str) -> bool {
    dir.join("deploy-new/overlays").join(cluster).is_dir()
}

/// [`workspace`] with `fleet.yaml` rendered into `deploy-new`.
fn rendered_workspace(edges: usize) -> tempfile::TempDir {
    let dir = workspace(edges);
    cli(dir.path(), "render -f fleet.yaml --out deploy-new").expect(0);
    dir
}

/// Writes `name` beside `fleet.yaml`: its text changed by `edit`.
fn edited_fleet(dir: &Path, name: &str, edit: impl Fn(&str) -> String) {
    let text = fs::read_to_string(dir.join("fleet.yaml")).unwrap();
    let changed = edit(&text);
    assert_ne!(changed, text, "{name}: the edit changes nothing");
    fs::write(dir.join(name), changed).unwrap();
}

fn init_file(dir: &Path, name: &str, edges: usize) -> PathBuf {
    let edges = edges.to_string();
    let init = run_in(dir, &["init", "--edges", &edges]).expect(0);
    let path = dir.join(name);
    fs::write(&path, init.stdout).unwrap();
    path
}

/// `render` of `two.yaml` (an edge fewer than `fleet.yaml`) into `deploy-new`, allowing
/// the removal.
const RENDER_TWO_ALLOWING_REMOVAL: &[&str] = &[
    "render",
    "-f",
    "two.yaml",
    "--out",
    "deploy-new",
    "--allow-removal",
];

const EDGE_VALUES: &str =
    "deploy-new/overlays/cluster-04-edge/kube-prometheus-stack/values-edge.yaml";
const BASE_VALUES: &str = "deploy-new/base/kube-prometheus-stack/values.yaml";

#[test]
fn help_version_and_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let help = cli(dir.path(), "--help").expect(0);
    for command in [
        "init",
        "schema",
        "check",
        "render",
        "diff",
        "Examples:",
        "Exit codes",
    ] {
        assert!(help.stdout.contains(command), "{command}: {}", help.stdout);
    }
    for command in ["init", "schema", "check", "render", "diff"] {
        let help = run_in(dir.path(), &[command, "--help"]).expect(0);
        assert!(
            help.stdout.contains("Example"),
            "{command}: {}",
            help.stdout
        );
    }
    let version = cli(dir.path(), "--version").expect(0);
    assert_eq!(
        version.stdout.trim(),
        format!(
            "thanos-kustomize {} (kube-prometheus-stack chart {}, Thanos {} by default)",
            env!("CARGO_PKG_VERSION"),
            thanos_model::Chart::default().version,
            thanos_model::DEFAULT_THANOS_VERSION,
        )
    );
    for code in [
        "  1  invalid fleet",
        "  3  diff: DIR differs",
        "  4  render: refused",
    ] {
        assert!(help.stdout.contains(code), "{code}: {}", help.stdout);
    }
    run_in(dir.path(), &[]).expect(2);
    cli(dir.path(), "bogus").expect(2);
    cli(dir.path(), "render --bogus").expect(2);
    cli(dir.path(), "diff -f fleet.yaml").expect(2);
    cli(dir.path(), "init --edges many").expect(2);
}

/// Completion scripts for bash, zsh and fish, generated from the clap definition: each
/// completes the subcommands and the options of one.
#[test]
fn completions_generate_for_each_shell() {
    let dir = tempfile::tempdir().unwrap();
    for (shell, header) in [
        ("bash", "_thanos__kustomize()"),
        ("zsh", "#compdef thanos-kustomize"),
        ("fish", "complete -c thanos-kustomize"),
    ] {
        let script = run_in(dir.path(), &["completions", shell]).expect(0);
        assert!(script.stdout.contains(header), "{shell}: {}", script.stdout);
        for word in ["render", "diff", "check", "allow-removal", "format"] {
            assert!(script.stdout.contains(word), "{shell}: no {word}");
        }
        assert!(
            script.stdout.contains("github"),
            "{shell}: no --format values"
        );
    }
    // The bash script is one bash can load.
    let bash = cli(dir.path(), "completions bash").stdout;
    let path = dir.path().join("thanos-kustomize.bash");
    fs::write(&path, bash).unwrap();
    let status = Command::new("bash")
        .arg("-n")
        .arg(&path)
        .status()
        .expect("bash runs");
    assert!(status.success());
    cli(dir.path(), "completions tcsh").expect(2);

    let man = cli(dir.path(), "man").expect(0);
    assert_contains(&man.stdout, ".TH thanos-kustomize 1");
    cli(dir.path(), "man --out pages").expect(0);
    assert!(dir.path().join("pages/thanos-kustomize-render.1").is_file());
}

/// `check --format json` and `--format github`: one JSON object, or one workflow command
/// per diagnostic, on stdout in file order; the exit code as in text.
#[test]
fn check_prints_json_and_github_annotations() {
    let dir = workspace(1);
    let text = fs::read_to_string(dir.path().join("fleet.yaml")).unwrap();
    let mut fleet = seed(1).build().unwrap().into_inner();
    fleet.namespace = "Not A Namespace".to_owned();
    fleet.edges[0].name = "cluster-01-central".to_owned();
    fs::write(dir.path().join("bad.yaml"), fleet.to_yaml_string()).unwrap();

    let json = cli(dir.path(), "check --format json -f bad.yaml").expect(1);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["valid"], false);
    assert_eq!(value["file"], "bad.yaml");
    let diagnostics = value["diagnostics"].as_array().unwrap();
    assert!(diagnostics.len() >= 2, "{value}");
    let lines: Vec<u64> = diagnostics
        .iter()
        .map(|d| d["line"].as_u64().unwrap())
        .collect();
    assert!(
        lines.windows(2).all(|w| w[0] <= w[1]),
        "file order: {lines:?}"
    );
    for d in diagnostics {
        for key in ["severity", "path", "message", "hint"] {
            assert!(d[key].is_string(), "{key}: {d}");
        }
        assert!(d["column"].is_u64(), "line:column for every error: {d}");
    }
    let errors: Vec<(&str, &str)> = diagnostics
        .iter()
        .map(|d| (d["severity"].as_str().unwrap(), d["path"].as_str().unwrap()))
        .filter(|(severity, _)| *severity == "error")
        .collect();
    assert_eq!(errors, [("error", "namespace"), ("error", "edges[0].name")]);

    let github = cli(dir.path(), "check --format github -f bad.yaml").expect(1);
    assert_eq!(
        github.stdout.lines().count(),
        diagnostics.len(),
        "{}",
        github.stdout
    );
    for line in github.stdout.lines() {
        assert!(
            line.starts_with("::error file=bad.yaml,line=")
                || line.starts_with("::warning file=bad.yaml,line="),
            "{line}"
        );
        assert!(line.contains(",col="), "{line}");
    }
    assert_contains(&github.stdout, "::error file=bad.yaml,line=");
    assert_contains(&github.stdout, ",title=namespace::");

    // A valid file: an empty list; a syntax error: one diagnostic at its position.
    let ok = cli(dir.path(), "check --format json -f fleet.yaml").expect(0);
    let value: serde_json::Value = serde_json::from_str(&ok.stdout).unwrap();
    assert_eq!(value["valid"], true);
    fs::write(
        dir.path().join("syntax.yaml"),
        text.replace("namespace:", "namespace"),
    )
    .unwrap();
    let syntax = cli(dir.path(), "check --format github -f syntax.yaml").expect(1);
    assert!(
        syntax.stdout.starts_with("::error file=syntax.yaml,line="),
        "{}",
        syntax.stdout
    );
    cli(dir.path(), "check --format json -f missing.yaml").expect(2);
}

#[test]
fn schema_is_json_with_descriptions() {
    let dir = tempfile::tempdir().unwrap();
    let schema = cli(dir.path(), "schema").expect(0);
    let value: serde_json::Value = serde_json::from_str(&schema.stdout).unwrap();
    assert_eq!(
        value,
        serde_json::to_value(Fleet::json_schema()).unwrap(),
        "the library's schema"
    );
    assert!(value["properties"]["namespace"]["description"]
        .as_str()
        .unwrap()
        .contains("Namespace"));
}

#[test]
fn init_with_three_edges_renders_a_new_fleet_over_the_seeds_clusters() {
    let dir = workspace(3);
    let text = fs::read_to_string(dir.path().join("fleet.yaml")).unwrap();
    assert!(text.starts_with("# yaml-language-server: $schema=./fleet.schema.json\n"));
    let stream = cli(dir.path(), "render -f fleet.yaml").expect(0);
    let expected = render(&new_fleet(3).build().unwrap()).to_stream(DEFAULT_ROOT);
    assert!(
        stream.stdout == expected,
        "the stream differs from seed::new_fleet's"
    );
    let dash = cli(dir.path(), "render -f fleet.yaml --out -").expect(0);
    assert!(dash.stdout == expected);

    // N edges.
    let five = workspace(5);
    let check = cli(five.path(), "check -f fleet.yaml").expect(0);
    assert_contains(&check.stderr, "5 edge clusters");
    cli(five.path(), "init --edges 0").expect(0);
}

/// `init` for 50 edges grows Receive to keep each pod under 2M head series (8 pods for
/// 5M series and factor 3): the fleet passes `check --strict`.
#[test]
fn init_for_many_edges_sizes_receive_for_them() {
    let dir = workspace(50);
    let text = fs::read_to_string(dir.path().join("fleet.yaml")).unwrap();
    assert_contains(&text, "replicas: 8\n");
    run_in(dir.path(), &["check", "--strict", "-f", "fleet.yaml"]).expect(0);
}

/// `init`'s flags for what every new user changes; the result passes `check --strict`.
#[test]
fn init_flags_set_names_domain_namespace_and_language() {
    let dir = tempfile::tempdir().unwrap();
    let default = cli(dir.path(), "init --edges 1").expect(0);
    assert!(
        default
            .stdout
            .contains("`en` (default) or `ko`.\n  language: en\n"),
        "the default language is written as the default"
    );
    let init = cli(dir.path(), "init --domain mon.example.com --namespace observability --central-name hub --central-context hub-admin --edge-names site-a,site-b --language ko")
    .expect(0);
    fs::write(dir.path().join("fleet.yaml"), &init.stdout).unwrap();
    cli(dir.path(), "check --strict -f fleet.yaml").expect(0);
    let fleet = Fleet::from_yaml_str(&init.stdout).unwrap();
    assert_eq!(fleet.domain, "mon.example.com");
    assert_eq!(fleet.namespace, "observability");
    assert_eq!(
        (fleet.central.name.as_str(), fleet.central.context.as_str()),
        ("hub", "hub-admin")
    );
    let edges: Vec<_> = fleet
        .edges
        .iter()
        .map(|e| (&*e.name, &*e.context))
        .collect();
    assert_eq!(edges, [("site-a", "site-a"), ("site-b", "site-b")]);
    assert_eq!(fleet.runbook.language, thanos_model::Language::Korean);
    cli(dir.path(), "render -f fleet.yaml --out deploy-new").expect(0);
    assert!(dir.path().join("deploy-new/overlays/site-b").is_dir());

    // A value the model refuses is reported with its field, and nothing is printed.
    let bad = cli(dir.path(), "init --edge-names Bad_Name").expect(1);
    assert_eq!(bad.stdout, "");
    assert_contains(&bad.stderr, "edges[0].name: \"Bad_Name\"");
    cli(dir.path(), "init --edges 2 --edge-names a,b").expect(2);
    cli(dir.path(), "init --language de").expect(2);
}

#[test]
fn init_render_diff_round_trip() {
    let dir = workspace(3);
    let out = cli(dir.path(), "render -f fleet.yaml --out deploy-new").expect(0);
    let tree = render(&new_fleet(3).build().unwrap());
    assert_contains(
        &out.stdout,
        &format!(
            "deploy-new: {} added, 0 changed, 0 removed, 0 unchanged",
            tree.len()
        ),
    );
    for (path, content) in tree.iter() {
        assert_eq!(
            fs::read_to_string(dir.path().join("deploy-new").join(path)).unwrap(),
            content
        );
    }
    let diff = cli(dir.path(), "diff -f fleet.yaml deploy-new").expect(0);
    assert_eq!(diff.stdout, "");
    assert_contains(&diff.stderr, "up to date");

    // Rendering again changes nothing.
    let before = snapshot(&dir.path().join("deploy-new"));
    let again = cli(dir.path(), "render -f fleet.yaml --out deploy-new").expect(0);
    assert_contains(
        &again.stdout,
        &format!("0 added, 0 changed, 0 removed, {} unchanged", tree.len()),
    );
    assert_eq!(snapshot(&dir.path().join("deploy-new")), before);
    assert_eq!(names(dir.path()), ["deploy-new", "fleet.yaml"]);
}

#[test]
fn a_removed_edge_loses_its_overlay() {
    let dir = rendered_workspace(3);
    init_file(dir.path(), "two.yaml", 2);
    assert!(dir.path().join(EDGE_VALUES).is_file());

    let diff = cli(dir.path(), "diff -f two.yaml deploy-new").expect(3);
    assert_contains(
        &diff.stdout,
        &format!("--- a/{EDGE_VALUES}\n+++ /dev/null\n"),
    );

    // Refused without --allow-removal, with the plan and the steps to run first.
    let before = snapshot(&dir.path().join("deploy-new"));
    let refused = cli(dir.path(), "render -f two.yaml --out deploy-new").expect(4);
    assert_eq!(snapshot(&dir.path().join("deploy-new")), before);
    for expected in [
        "cluster-04-edge:\n    overlay removed (kubectl context cluster-04)",
        "alertname=\"ThanosEdgeSilent\", cluster=\"cluster-04-edge\"",
        "kubectl --context cluster-04 delete --ignore-not-found",
        "render again with --allow-removal",
    ] {
        assert!(
            refused.stderr.contains(expected),
            "{expected}: {}",
            refused.stderr
        );
    }
    let silence = refused.stderr.find("ThanosEdgeSilent").unwrap();
    let delete = refused.stderr.find("delete --ignore-not-found").unwrap();
    let render = refused
        .stderr
        .find("3. Render with --allow-removal")
        .unwrap();
    assert!(silence < delete && delete < render, "{}", refused.stderr);

    let out = run_in(dir.path(), RENDER_TWO_ALLOWING_REMOVAL).expect(0);
    assert_contains(&out.stderr, "overlay removed");
    assert_contains(&out.stdout, &format!("removed  {EDGE_VALUES}\n"));
    // The runbook loses the edge's rows and commands, Receive's hashring its tenant,
    // the certificates file its client certificate.
    // Its overlay: values, kustomization, namespace and NetworkPolicies.
    assert_contains(&out.stdout, "0 added, 4 changed, 4 removed");
    assert_contains(&out.stdout, "changed  deploy-new/README.md\n");
    // The edge's silent-edge alert goes with it.
    assert_contains(&out.stdout, "changed  deploy-new/overlays/cluster-01-central/kube-prometheus-stack/thanos-monitoring.yaml\n");
    assert!(!has_overlay(dir.path(), "cluster-04-edge"));
    assert!(has_overlay(dir.path(), "cluster-03-edge"));
    cli(dir.path(), "diff -f two.yaml deploy-new").expect(0);
}

/// With a chart of another name the overlay of a removed edge is found where it is
/// (`overlays/<edge>/<chart>`): the plan names its kubectl context and the steps build
/// that directory.
#[test]
fn a_removed_edge_of_another_chart_is_planned_from_its_own_directory() {
    let dir = workspace(3);
    let chart = |text: &str| {
        text.replace(
            "\n  name: kube-prometheus-stack\n",
            "\n  name: monitoring-stack\n",
        )
    };
    edited_fleet(dir.path(), "fleet.yaml", chart);
    cli(dir.path(), "render -f fleet.yaml --out deploy-new").expect(0);
    let two = init_file(dir.path(), "two.yaml", 2);
    fs::write(&two, chart(&fs::read_to_string(&two).unwrap())).unwrap();
    let refused = cli(dir.path(), "render -f two.yaml --out deploy-new").expect(4);
    for expected in [
        "cluster-04-edge:\n    overlay removed (kubectl context cluster-04)",
        "LoadRestrictionsNone deploy-new/overlays/cluster-04-edge/monitoring-stack > ",
        "kubectl --context cluster-04 delete --ignore-not-found",
    ] {
        assert_contains(&refused.stderr, expected);
    }
}

/// Renaming an edge removes its overlay: refused with the plan unless --allow-removal.
#[test]
fn renaming_an_edge_is_refused_with_a_plan() {
    let dir = rendered_workspace(2);
    edited_fleet(dir.path(), "renamed.yaml", |text| {
        text.replace("cluster-03-edge", "cluster-33-edge")
    });
    let diff = cli(dir.path(), "diff -f renamed.yaml deploy-new").expect(3);
    assert_contains(&diff.stderr, "cluster-03-edge:\n    overlay removed");
    assert_contains(&diff.stderr, "cluster-33-edge:\n    overlay added");
    let refused = cli(dir.path(), "render -f renamed.yaml --out deploy-new").expect(4);
    assert_contains(&refused.stderr, "Before removing cluster-03-edge");
    assert!(has_overlay(dir.path(), "cluster-03-edge"));
    cli(
        dir.path(),
        "render -f renamed.yaml --out deploy-new --allow-removal",
    )
    .expect(0);
    assert!(!has_overlay(dir.path(), "cluster-03-edge"));
    assert!(has_overlay(dir.path(), "cluster-33-edge"));
}

/// A new `cluster` label breaks the edge's series: refused like a removal.
#[test]
fn relabelling_an_edge_is_refused_with_a_plan() {
    let dir = rendered_workspace(1);
    edited_fleet(dir.path(), "relabelled.yaml", |text| {
        text.replace(
            "- name: cluster-02-edge\n",
            "- name: cluster-02-edge\n  clusterLabel: site-a\n",
        )
    });
    let refused = cli(dir.path(), "render -f relabelled.yaml --out deploy-new").expect(4);
    assert_contains(&refused.stderr, "cluster label cluster-02-edge -> site-a");
    cli(
        dir.path(),
        "render -f relabelled.yaml --out deploy-new --allow-removal",
    )
    .expect(0);
}

/// A volume size change is named with the StatefulSet to delete with --cascade=orphan.
#[test]
fn a_volume_claim_change_is_in_the_plan() {
    let dir = rendered_workspace(1);
    let mut fleet = new_fleet(1).build().unwrap().into_inner();
    fleet.central.receive.storage.size = "77Gi".parse().unwrap();
    fs::write(dir.path().join("bigger.yaml"), fleet.to_yaml_string()).unwrap();
    let out = cli(dir.path(), "render -f bigger.yaml --out deploy-new").expect(0);
    assert_contains(&out.stderr, "volume-claim template changed, thanos-receive.yaml: StatefulSet/thanos-receive spec.volumeClaimTemplates: run kubectl delete statefulset thanos-receive --cascade=orphan");
}

#[test]
fn hand_edited_and_foreign_files_are_refused_unless_forced() {
    let dir = rendered_workspace(3);
    let edited = dir.path().join(BASE_VALUES);
    let text = fs::read_to_string(&edited).unwrap();
    fs::write(&edited, format!("{text}# tuned by hand\n")).unwrap();
    let foreign = dir
        .path()
        .join("deploy-new/overlays/cluster-02-edge/kube-prometheus-stack/values-edge.yaml");
    fs::write(&foreign, "written: by someone else\n").unwrap();
    let notes = dir.path().join("deploy-new/overlays/NOTES.md");
    fs::write(&notes, "not ours\n").unwrap();
    // The runbook's header is an HTML comment; an edit below it is seen all the same.
    let runbook = dir.path().join("deploy-new/README.md");
    let runbook_text = fs::read_to_string(&runbook).unwrap();
    fs::write(
        &runbook,
        format!("{runbook_text}\nOn call: the platform team.\n"),
    )
    .unwrap();
    let before = snapshot(&dir.path().join("deploy-new"));

    let refused = cli(dir.path(), "render -f fleet.yaml --out deploy-new").expect(4);
    assert_contains(&refused.stderr, "base/kube-prometheus-stack/values.yaml: generated file edited by hand would be overwritten");
    assert_contains(&refused.stderr, "overlays/cluster-02-edge/kube-prometheus-stack/values-edge.yaml: file not generated by thanos-kustomize would be overwritten");
    assert!(!refused.stderr.contains("NOTES.md"), "{}", refused.stderr);
    assert_contains(
        &refused.stderr,
        "README.md: generated file edited by hand would be overwritten",
    );
    assert_eq!(snapshot(&dir.path().join("deploy-new")), before);
    assert_eq!(names(dir.path()), ["deploy-new", "fleet.yaml"]);

    // A hand-edited stale file is not deleted either.
    init_file(dir.path(), "two.yaml", 2);
    let stale = dir.path().join(EDGE_VALUES);
    fs::write(
        &stale,
        format!("{}# edited\n", fs::read_to_string(&stale).unwrap()),
    )
    .unwrap();
    fs::write(&edited, &text).unwrap();
    fs::write(&runbook, &runbook_text).unwrap();
    fs::remove_file(&foreign).unwrap();
    let before = snapshot(&dir.path().join("deploy-new"));
    let refused = run_in(dir.path(), RENDER_TWO_ALLOWING_REMOVAL).expect(4);
    assert_contains(
        &refused.stderr,
        "values-edge.yaml: generated file edited by hand would be deleted",
    );
    assert_eq!(snapshot(&dir.path().join("deploy-new")), before);

    // --force overrides; files in nobody's way survive.
    let forced = cli(
        dir.path(),
        "render -f two.yaml --out deploy-new --force --allow-removal",
    )
    .expect(0);
    assert_contains(&forced.stdout, "forced");
    assert!(!stale.exists());
    assert_eq!(fs::read_to_string(&notes).unwrap(), "not ours\n");
    cli(dir.path(), "diff -f two.yaml deploy-new").expect(0);
}

#[test]
fn a_failed_write_leaves_the_old_tree_byte_identical() {
    let dir = workspace(3);
    // DIR's parent is a regular file: nothing can be written, even as root.
    fs::write(dir.path().join("blocker"), "a file\n").unwrap();
    let failed = cli(dir.path(), "render -f fleet.yaml --out blocker/deploy-new").expect(2);
    assert_contains(&failed.stderr, "blocker");
    assert_eq!(
        fs::read_to_string(dir.path().join("blocker")).unwrap(),
        "a file\n"
    );

    // DIR itself is a regular file.
    cli(dir.path(), "render -f fleet.yaml --out blocker").expect(2);
    assert_eq!(
        fs::read_to_string(dir.path().join("blocker")).unwrap(),
        "a file\n"
    );
    cli(dir.path(), "diff -f fleet.yaml blocker").expect(2);

    // A socket in the tree, in nobody's way, is left where it is.
    #[cfg(unix)]
    {
        init_file(dir.path(), "two.yaml", 2);
        cli(dir.path(), "render -f fleet.yaml --out deploy-new").expect(0);
        let _socket =
            std::os::unix::net::UnixListener::bind(dir.path().join("deploy-new/zz.sock")).unwrap();
        let rendered = run_in(dir.path(), RENDER_TWO_ALLOWING_REMOVAL).expect(0);
        assert_contains(&rendered.stdout, "1 other file left alone");
        assert!(dir.path().join("deploy-new/zz.sock").exists());
    }
}

#[test]
fn diff_marks_a_missing_final_newline_so_that_git_apply_takes_it() {
    let dir = rendered_workspace(2);
    let path = dir.path().join(BASE_VALUES);
    let rendered = fs::read_to_string(&path).unwrap();
    let edited = rendered.strip_suffix('\n').unwrap();
    fs::write(&path, edited).unwrap();

    let diff = cli(dir.path(), "diff -f fleet.yaml deploy-new").expect(3);
    let last_line = edited.rsplit('\n').next().unwrap();
    assert_contains(
        &diff.stdout,
        &format!("\n-{last_line}\n\\ No newline at end of file\n+{last_line}\n"),
    );

    // git applies it and the tree is up to date again.
    let patch = dir.path().join("fix.patch");
    fs::write(&patch, &diff.stdout).unwrap();
    let output = Command::new("git")
        .args(["apply", "fix.patch"])
        .current_dir(dir.path())
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), rendered);
    cli(dir.path(), "diff -f fleet.yaml deploy-new").expect(0);
}

#[test]
fn diff_shows_a_unified_diff_coloured_only_when_asked() {
    let dir = rendered_workspace(3);
    let fleet = fs::read_to_string(dir.path().join("fleet.yaml")).unwrap();
    fs::write(
        dir.path().join("fleet.yaml"),
        fleet.replace("scrapeInterval: 30s", "scrapeInterval: 15s"),
    )
    .unwrap();
    let diff = cli(dir.path(), "diff -f fleet.yaml deploy-new").expect(3);
    assert_contains(
        &diff.stdout,
        &format!("--- a/{BASE_VALUES}\n+++ b/{BASE_VALUES}\n@@ "),
    );
    assert_contains(&diff.stdout, "\n-    scrapeInterval: 30s\n");
    assert_contains(&diff.stdout, "\n+    scrapeInterval: 15s\n");
    assert!(!diff.stdout.contains('\x1b'), "colour on a pipe");
    assert_contains(&diff.stderr, "differs");

    let always = cli(dir.path(), "diff -f fleet.yaml deploy-new --color always").expect(3);
    assert_contains(&always.stdout, "\x1b[32m+    scrapeInterval: 15s\x1b[0m");
    let no_color = run_with(
        dir.path(),
        &["diff", "-f", "fleet.yaml", "deploy-new"],
        None,
        &[("NO_COLOR", "1")],
    )
    .expect(3);
    assert!(!no_color.stdout.contains('\x1b'));

    // A missing (mistyped) directory is an error, not a diff adding every file.
    let missing = cli(dir.path(), "diff -f fleet.yaml nowhere").expect(2);
    assert_eq!(missing.stdout, "");
    assert_contains(&missing.stderr, "nowhere: no such directory");
}

#[test]
fn check_exit_codes() {
    let dir = workspace(2);
    let valid = cli(dir.path(), "check -f fleet.yaml").expect(0);
    assert_contains(&valid.stderr, "fleet.yaml: valid");
    cli(dir.path(), "check --strict -f fleet.yaml").expect(0);
    cli(dir.path(), "check").expect(0); // fleet.yaml is the default
    let missing = cli(dir.path(), "check -f missing.yaml").expect(2);
    assert_contains(&missing.stderr, "missing.yaml");
    cli(dir.path(), "render -f missing.yaml --out x").expect(2);
    cli(dir.path(), "diff -f missing.yaml x").expect(2);
    assert!(!dir.path().join("x").exists());

    // From stdin.
    let text = fs::read_to_string(dir.path().join("fleet.yaml")).unwrap();
    let stdin = run_with(dir.path(), &["check", "-f", "-"], Some(&text), &[]).expect(0);
    assert_contains(&stdin.stderr, "<stdin>: valid");

    // A warning: an even replication factor. Valid, but not with --strict.
    let mut fleet = seed(2).build().unwrap().into_inner();
    fleet.central.receive.replicas = 2;
    fleet.central.receive.replication_factor = 2;
    fs::write(dir.path().join("warn.yaml"), fleet.to_yaml_string()).unwrap();
    let warned = cli(dir.path(), "check -f warn.yaml").expect(0);
    assert_contains(
        &warned.stderr,
        ": warning: central.receive.replicationFactor: ",
    );
    cli(dir.path(), "check --strict -f warn.yaml").expect(1);
    // Warnings do not stop a render.
    cli(dir.path(), "render -f warn.yaml").expect(0);
}

/// Bad fleet files: the CLI reports what the library reports, with file and line.
#[test]
fn bad_files_give_the_library_errors() {
    let dir = tempfile::tempdir().unwrap();
    let mut duplicate = seed(2).build().unwrap().into_inner();
    duplicate.edges[1].cluster_label = Some(duplicate.edges[0].name.clone());
    let mut two_errors = seed(1).build().unwrap().into_inner();
    two_errors.namespace = "Not A Namespace".to_owned();
    two_errors.edges[0].name = "cluster-01-central".to_owned();
    let valid = seed(1).build().unwrap().into_inner().to_yaml_string();
    let cases = [
        (
            "unknown-field.yaml",
            valid.replace(
                "namespace: monitoring",
                "namespace: monitoring\nnamespaces: typo",
            ),
        ),
        ("duplicate-label.yaml", duplicate.to_yaml_string()),
        ("two-errors.yaml", two_errors.to_yaml_string()),
        ("not-yaml.yaml", "central: [unclosed\n".to_owned()),
        (
            "missing-field.yaml",
            valid.replace("domain: k8s-cluster-01.miribit.lab\n", ""),
        ),
        (
            "wrong-type.yaml",
            valid.replace("replicas: 2", "replicas: two"),
        ),
    ];
    for (name, text) in &cases {
        let path = dir.path().join(name);
        fs::write(&path, text).unwrap();
        let error = Fleet::from_yaml_file(&path).expect_err(name);
        for command in [
            vec!["check", "-f", name],
            vec!["render", "-f", name],
            vec!["diff", "-f", name, "out"],
        ] {
            let run = run_in(dir.path(), &command).expect(1);
            assert_reports_like_the_library(name, &error, &run.stderr);
            assert_eq!(run.stdout, "", "{name}");
        }
    }
    assert!(!dir.path().join("out").exists());
}

/// `stderr` holds every diagnostic of `error` as `<name>:<line>: <severity>: <path>:
/// <message>` plus the hint, or the syntax error's message at its position.
#[track_caller]
fn assert_reports_like_the_library(name: &str, error: &LoadError, stderr: &str) {
    match error {
        LoadError::Syntax(syntax) => {
            let prefix = match syntax.line {
                Some(line) => format!("{name}:{line}:"),
                None => format!("{name}:"),
            };
            assert!(stderr.starts_with(&prefix), "{name}: {stderr}");
            assert!(stderr.contains(": error: "), "{name}: {stderr}");
            assert!(
                stderr.contains(&syntax.message),
                "{name}: {syntax:?}\n{stderr}"
            );
            if !syntax.hint.is_empty() {
                assert!(
                    stderr.contains(&format!("\n  hint: {}\n", syntax.hint)),
                    "{name}: no hint line in\n{stderr}"
                );
            }
        }
        LoadError::Invalid(invalid) => {
            assert!(invalid.errors().count() > 0);
            for diagnostic in invalid.diagnostics() {
                assert!(
                    stderr.contains(&expected_line(name, diagnostic)),
                    "{name}: expected {:?} in\n{stderr}",
                    expected_line(name, diagnostic)
                );
            }
            assert!(stderr.contains("the fleet is invalid"), "{stderr}");
        }
        LoadError::Io { .. } => panic!("{name}: {error}"),
    }
}

fn expected_line(name: &str, diagnostic: &thanos_model::Diagnostic) -> String {
    let location = match (diagnostic.line, diagnostic.column) {
        (Some(line), Some(column)) => format!("{name}:{line}:{column}: "),
        (Some(line), None) => format!("{name}:{line}: "),
        (None, _) => format!("{name}: "),
    };
    let mut expected = format!(
        "{location}{}: {}: {}\n",
        diagnostic.severity, diagnostic.path, diagnostic.message
    );
    if !diagnostic.hint.is_empty() {
        expected.push_str(&format!("  hint: {}\n", diagnostic.hint));
    }
    expected
}

/// The model's corpus of bad, valid and warning fleet files.
#[test]
fn the_validation_corpus_gives_the_library_errors() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../thanos-model/tests/corpus");
    let yaml_files = |dir: &Path| {
        let mut files: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".yaml"))
            .collect();
        files.sort();
        files
    };
    let bad = yaml_files(&corpus);
    assert!(bad.len() >= 10, "{} bad files", bad.len());
    for name in &bad {
        let error = Fleet::from_yaml_file(corpus.join(name)).expect_err(name);
        let run = run_in(&corpus, &["check", "-f", name]).expect(1);
        assert_reports_like_the_library(name, &error, &run.stderr);
    }

    let valid = corpus.join("valid");
    // The valid files are the seed's lab: valid, with a warning for each of its unsafe
    // settings, which --strict turns into a failure.
    for name in yaml_files(&valid) {
        // The valid files are the seed's lab, which keeps settings check warns about
        // (nobody paged, the chart's rules over the whole fleet): --strict refuses them.
        let fleet = Fleet::from_yaml_file(valid.join(&name)).unwrap();
        run_in(&valid, &["check", "-f", &name]).expect(0);
        let strict = if fleet.warnings().is_empty() { 0 } else { 1 };
        run_in(&valid, &["check", "--strict", "-f", &name]).expect(strict);
    }

    let warnings = corpus.join("warnings");
    for name in yaml_files(&warnings) {
        let fleet = Fleet::from_yaml_file(warnings.join(&name)).unwrap();
        assert!(!fleet.warnings().is_empty(), "{name}");
        let run = run_in(&warnings, &["check", "-f", &name]).expect(0);
        for warning in fleet.warnings() {
            assert!(
                run.stderr.contains(&expected_line(&name, warning)),
                "{name}: {}",
                run.stderr
            );
        }
        run_in(&warnings, &["check", "--strict", "-f", &name]).expect(1);
    }
}
