//! Embedding the renderer: change typed objects by name before the tree is written.
//!
//! ```sh
//! cargo run --example customize                      # the tree as one YAML stream
//! cargo run --example customize -- --out deploy-new  # the tree as a directory
//! ```
//!
//! A platform team runs its monitoring nodes tainted `dedicated=monitoring:NoSchedule`:
//! every Thanos pod gets the toleration, and the Receive StatefulSet an annotation for
//! their backup tool. No YAML is parsed or patched: the objects are k8s-openapi types,
//! changed before serializing, so the files carry the generated-file header and the next
//! `thanos-kustomize render` treats them as its own.
//!
//! The team also keeps a file of its own in the tree, `PLATFORM.md` (which edge their
//! backup tool watches, found with `Fleet::edge`): added with `Tree::insert_owned`, it has
//! no generated-file header, and a later `thanos-kustomize render` leaves it alone.

use std::{io, process::ExitCode};

use k8s_openapi::api::core::v1::Toleration;
use thanos_kustomize::write;
use thanos_model::seed::seed;
use thanos_render::{Manifests, DEFAULT_ROOT};

/// The annotation added to the Receive StatefulSet.
const BACKUP_ANNOTATION: (&str, &str) = ("backup.example.com/schedule", "daily");

/// The seed's manifests with the platform team's changes.
fn customized(fleet: &thanos_model::ValidFleet) -> Manifests {
    let mut manifests = thanos_render::manifests(fleet);
    for template in manifests.central.thanos_pod_templates_mut() {
        if let Some(spec) = template.spec.as_mut() {
            spec.tolerations
                .get_or_insert_with(Vec::new)
                .push(Toleration {
                    key: Some("dedicated".to_owned()),
                    operator: Some("Equal".to_owned()),
                    value: Some("monitoring".to_owned()),
                    effect: Some("NoSchedule".to_owned()),
                    ..Toleration::default()
                });
        }
    }
    manifests
        .central
        .receive
        .stateful_set
        .metadata
        .annotations
        .get_or_insert_with(Default::default)
        .insert(
            BACKUP_ANNOTATION.0.to_owned(),
            BACKUP_ANNOTATION.1.to_owned(),
        );
    manifests
}

/// The edge whose backups the platform team watches first.
const WATCHED_EDGE: &str = "cluster-02-edge";

/// The customized tree with the platform team's own file.
fn tree_with_own_file(fleet: &thanos_model::ValidFleet) -> thanos_render::Tree {
    let mut tree = customized(fleet).to_tree();
    let context = fleet
        .edge(WATCHED_EDGE)
        .map_or("none", |edge| edge.context.as_str());
    tree.insert_owned(
        "PLATFORM.md".to_owned(),
        format!("# Platform notes\n\nBackups are watched first on kubectl context `{context}`.\n"),
    );
    tree
}

fn main() -> ExitCode {
    let out = match std::env::args().skip(1).collect::<Vec<_>>().as_slice() {
        [] => None,
        [flag, dir] if flag == "--out" && dir != "-" => Some(dir.clone()),
        [flag, _] if flag == "--out" => None,
        _ => {
            eprintln!("usage: customize [--out DIR]");
            return ExitCode::from(2);
        }
    };
    let fleet = match seed(3).build() {
        Ok(fleet) => fleet,
        Err(error) => {
            eprintln!("customize: {error}");
            return ExitCode::FAILURE;
        }
    };
    let tree = tree_with_own_file(&fleet);
    let result = match out {
        None => tree
            .write_stream(DEFAULT_ROOT, io::stdout().lock())
            .map_err(|error| error.to_string()),
        Some(dir) => write::write_dir(&tree, &dir, false)
            .map(|report| print!("{}", report.summary(&dir)))
            .map_err(|error| error.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("customize: {error}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use thanos_kustomize::write::ChangeKind;

    use super::*;

    const CENTRAL: &str = "overlays/cluster-01-central/kube-prometheus-stack";

    #[test]
    fn every_thanos_pod_tolerates_the_taint_and_receive_is_annotated() {
        let fleet = seed(3).build().unwrap();
        let tree = customized(&fleet).to_tree();
        for file in [
            "thanos-query.yaml",
            "thanos-receive.yaml",
            "thanos-store.yaml",
            "thanos-compactor.yaml",
        ] {
            let content = tree.get(&format!("{CENTRAL}/{file}")).unwrap();
            assert!(
                content.contains("tolerations:\n      - effect: NoSchedule\n        key: dedicated\n        operator: Equal\n        value: monitoring\n"),
                "{file} has no toleration:\n{content}"
            );
        }
        let receive = tree.get(&format!("{CENTRAL}/thanos-receive.yaml")).unwrap();
        assert!(
            receive.contains("  annotations:\n    backup.example.com/schedule: daily\n"),
            "{receive}"
        );
        // Nothing else changed.
        let plain = thanos_render::render(&fleet);
        let differing: Vec<&str> = plain
            .iter()
            .filter(|(path, content)| tree.get(path) != Some(content))
            .map(|(path, _)| path)
            .collect();
        assert_eq!(differing.len(), 4, "{differing:?}");
    }

    #[test]
    fn the_customized_tree_is_ours_to_render_over() {
        let fleet = seed(3).build().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let customized = customized(&fleet).to_tree();
        write::write_dir(&customized, dir.path(), false).unwrap();
        // The plain render replaces the customized files without --force: they are
        // generated files, not hand edits.
        let report = write::write_dir(&thanos_render::render(&fleet), dir.path(), false).unwrap();
        assert_eq!(report.count(ChangeKind::Changed), 4);
    }

    #[test]
    fn the_teams_own_file_survives_a_plain_render() {
        let fleet = seed(3).build().unwrap();
        let dir = tempfile::tempdir().unwrap();
        write::write_dir(&tree_with_own_file(&fleet), dir.path(), false).unwrap();
        let notes = std::fs::read_to_string(dir.path().join("PLATFORM.md")).unwrap();
        assert!(notes.contains("context `cluster-02`"), "{notes}");
        assert!(!notes.contains("Generated by thanos-kustomize"), "{notes}");
        // What `thanos-kustomize render` writes: the plain tree, without the file.
        let report = write::write_dir(&thanos_render::render(&fleet), dir.path(), false).unwrap();
        assert_eq!(report.count(ChangeKind::Kept), 1);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("PLATFORM.md")).unwrap(),
            notes
        );
        // And the team's next write is no refusal.
        write::write_dir(&tree_with_own_file(&fleet), dir.path(), false).unwrap();
    }
}
