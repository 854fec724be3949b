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
//!
//! On the watched edge, the agent runs on the monitoring nodes too: a chart value the
//! model does not type, set in the edge's `extraValues` (`ExtraValues::set`; a fleet
//! file writes the same under `extraValues:`), checked against the chart's values keys.
//! The edge's overlay also builds a ConfigMap of the team's own, `platform-backup.yaml`:
//! added with `Manifests::insert_owned_resource`, it is listed in the overlay's
//! kustomization, and `thanos-kustomize render` keeps it listed while the file is there.

use std::{io, process::ExitCode};

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Toleration;
use thanos_kustomize::write;
use thanos_model::{seed::seed, ExtraValues, ValidFleet, ValidationError};
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

/// The team's ConfigMap in the watched edge's overlay.
const BACKUP_FILE: &str = "platform-backup.yaml";
const BACKUP_CONFIG_MAP: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: platform-backup
  namespace: monitoring
data:
  schedule: daily
";

/// The seed's fleet, its watched edge's agent on the tainted monitoring nodes: a node
/// selector and a toleration, chart values the model does not type.
fn fleet() -> Result<ValidFleet, ValidationError> {
    let mut fleet = seed(3).build()?.into_inner();
    if let Some(edge) = fleet
        .edges
        .iter_mut()
        .find(|edge| edge.name == WATCHED_EDGE)
    {
        edge.extra_values = ExtraValues::new()
            .set(
                "prometheus.prometheusSpec.nodeSelector",
                BTreeMap::from([("node-role.example.com/monitoring", "true")]),
            )
            .set(
                "prometheus.prometheusSpec.tolerations",
                [BTreeMap::from([
                    ("key", "dedicated"),
                    ("operator", "Equal"),
                    ("value", "monitoring"),
                    ("effect", "NoSchedule"),
                ])],
            );
    }
    fleet.validate()
}

/// The customized tree with the platform team's own file.
fn tree_with_own_file(fleet: &thanos_model::ValidFleet) -> thanos_render::Tree {
    let mut manifests = customized(fleet);
    manifests
        .insert_owned_resource(WATCHED_EDGE, BACKUP_FILE, BACKUP_CONFIG_MAP)
        .unwrap_or_else(|error| unreachable!("the seed has the edge and not the file: {error}"));
    let mut tree = manifests.to_tree();
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
    let fleet = match fleet() {
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
    const WATCHED: &str = "overlays/cluster-02-edge/kube-prometheus-stack";

    #[test]
    fn the_watched_edge_s_agent_runs_on_the_monitoring_nodes() {
        let tree = thanos_render::render(&fleet().unwrap());
        let values = tree.get(&format!("{WATCHED}/values-edge.yaml")).unwrap();
        assert!(
            values.contains("    nodeSelector:\n      node-role.example.com/monitoring: 'true'\n    tolerations:\n    - effect: NoSchedule\n      key: dedicated\n      operator: Equal\n      value: monitoring\n"),
            "{values}"
        );
        // Only that edge's values differ from the seed's.
        let plain = thanos_render::render(&seed(3).build().unwrap());
        let differing: Vec<&str> = plain
            .iter()
            .filter(|(path, content)| tree.get(path) != Some(content))
            .map(|(path, _)| path)
            .collect();
        assert_eq!(differing, [format!("{WATCHED}/values-edge.yaml")]);
    }

    #[test]
    fn the_team_s_config_map_stays_in_the_edge_s_build_across_a_plain_render() {
        let fleet = fleet().unwrap();
        let dir = tempfile::tempdir().unwrap();
        write::write_dir(&tree_with_own_file(&fleet), dir.path(), false).unwrap();
        let kustomization = format!("{WATCHED}/kustomization.yaml");
        let listed = std::fs::read_to_string(dir.path().join(&kustomization)).unwrap();
        assert!(listed.ends_with("- platform-backup.yaml\n"), "{listed}");
        // What `thanos-kustomize render` does: the fleet's manifests, with the files an
        // embedder listed before listed again.
        let mut manifests = thanos_render::manifests(&fleet);
        write::keep_owned_resources(&mut manifests, dir.path());
        let report = write::write_dir(&manifests.to_tree(), dir.path(), false).unwrap();
        assert_eq!(
            report.count(ChangeKind::Changed),
            4,
            "the Thanos files only"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join(&kustomization)).unwrap(),
            listed
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join(format!("{WATCHED}/{BACKUP_FILE}"))).unwrap(),
            BACKUP_CONFIG_MAP
        );
    }

    #[test]
    fn every_thanos_pod_tolerates_the_taint_and_receive_is_annotated() {
        let fleet = fleet().unwrap();
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
        let fleet = fleet().unwrap();
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
        let fleet = fleet().unwrap();
        let dir = tempfile::tempdir().unwrap();
        write::write_dir(&tree_with_own_file(&fleet), dir.path(), false).unwrap();
        let notes = std::fs::read_to_string(dir.path().join("PLATFORM.md")).unwrap();
        assert!(notes.contains("context `cluster-02`"), "{notes}");
        assert!(!notes.contains("Generated by thanos-kustomize"), "{notes}");
        // The plain tree, without the team's files: both are kept (PLATFORM.md and the
        // ConfigMap), neither deleted nor reverted.
        let report = write::write_dir(&thanos_render::render(&fleet), dir.path(), false).unwrap();
        assert_eq!(report.count(ChangeKind::Kept), 2);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("PLATFORM.md")).unwrap(),
            notes
        );
        // And the team's next write is no refusal.
        write::write_dir(&tree_with_own_file(&fleet), dir.path(), false).unwrap();
    }
}
