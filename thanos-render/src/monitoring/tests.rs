//! The seed's monitoring objects (namespace `monitoring`, edges `cluster-02-edge` to
//! `cluster-04-edge`) as YAML: snapshot-tested, and written to a directory on demand for
//! `scripts/promtool.sh`.

use std::fmt::Write as _;

use k8s_openapi::api::core::v1::ConfigMap;
use serde_json::Value;

use super::{
    dashboards, service_monitors, silent_edge_alerts, thanos_alerts, MonitoringOptions,
    SilentEdgeOptions,
};
use crate::yaml;

const NAMESPACE: &str = "monitoring";
const EDGES: [&str; 3] = ["cluster-02-edge", "cluster-03-edge", "cluster-04-edge"];
const DASHBOARDS_FILE: &str = "thanos-dashboards.yaml";

/// The example's files: name and multi-document YAML content.
fn files() -> Vec<(&'static str, String)> {
    let options = MonitoringOptions::default();
    vec![
        (
            "thanos-service-monitors.yaml",
            yaml::documents(
                service_monitors(NAMESPACE, &options)
                    .iter()
                    .map(yaml::to_yaml),
            ),
        ),
        (
            "thanos-alerts.yaml",
            yaml::to_yaml(&thanos_alerts(NAMESPACE, &options)),
        ),
        (
            "thanos-silent-edges.yaml",
            yaml::to_yaml(&silent_edge_alerts(
                NAMESPACE,
                &EDGES,
                &SilentEdgeOptions::default(),
            )),
        ),
        (
            DASHBOARDS_FILE,
            yaml::documents(dashboards(NAMESPACE, &options).iter().map(yaml::to_yaml)),
        ),
    ]
}

/// What a person checks in a dashboard, read back from the shipped JSON: title, uid,
/// variables, rows, and every panel's type, unit, title, queries and legends.
fn outline(config_map: &ConfigMap) -> String {
    let mut text = String::new();
    for (key, json) in config_map.data.as_ref().unwrap() {
        let dashboard: Value = serde_json::from_str(json).unwrap();
        let _ = writeln!(
            text,
            "# {} (uid {}), ConfigMap {} key {key}",
            dashboard["title"].as_str().unwrap(),
            dashboard["uid"].as_str().unwrap(),
            config_map.metadata.name.as_deref().unwrap()
        );
        for variable in dashboard["templating"]["list"].as_array().unwrap() {
            let _ = writeln!(
                text,
                "${} ({}): {}",
                variable["name"].as_str().unwrap(),
                variable["type"].as_str().unwrap(),
                variable["query"].as_str().unwrap()
            );
        }
        for panel in dashboard["panels"].as_array().unwrap() {
            let kind = panel["type"].as_str().unwrap();
            let title = panel["title"].as_str().unwrap();
            if kind == "row" {
                let _ = writeln!(text, "## {title}");
                continue;
            }
            let unit = panel["fieldConfig"]["defaults"]["unit"].as_str().unwrap();
            let _ = writeln!(text, "- {title} [{kind}, {unit}]");
            for target in panel["targets"].as_array().unwrap() {
                let expr = target["expr"].as_str().unwrap().replace('\n', " ");
                let legend = target["legendFormat"].as_str().unwrap();
                let _ = writeln!(text, "    {expr}    # {legend}");
            }
        }
        text.push('\n');
    }
    text
}

#[test]
fn every_file_matches_its_snapshot() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/../snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        for (name, content) in files() {
            if name == DASHBOARDS_FILE {
                continue;
            }
            insta::assert_snapshot!(format!("monitoring__{name}"), content);
        }
        // The dashboards' JSON is long; their content is snapshot as an outline, and the
        // JSON shape once, for Query.
        let maps = dashboards(NAMESPACE, &MonitoringOptions::default());
        let outlines: String = maps.iter().map(outline).collect();
        insta::assert_snapshot!("monitoring__dashboards-outline", outlines);
        insta::assert_snapshot!(
            "monitoring__thanos-dashboard-query.yaml",
            yaml::to_yaml(&maps[0])
        );
    });
}
