//! A cluster's `extraValues`: chart values the model does not type, merged into its
//! values file after the typed ones, and never on a key the render sets.

use std::collections::BTreeMap;

use serde_yaml::{Mapping, Value};
use thanos_model::{extra_values::owner, seed, ExtraValues, FleetBuilder, ValidFleet};
use thanos_render::{render, Tree};

const EDGE: &str = "overlays/cluster-02-edge/kube-prometheus-stack/values-edge.yaml";
const OTHER_EDGE: &str = "overlays/cluster-03-edge/kube-prometheus-stack/values-edge.yaml";
const CENTRAL: &str = "overlays/cluster-01-central/kube-prometheus-stack/values-central.yaml";

fn tree(fleet: FleetBuilder) -> Tree {
    render(&fleet.build().expect("the fleet is valid"))
}

fn customized_tree(fleet: FleetBuilder) -> Tree {
    render(&customized(fleet))
}

fn values(tree: &Tree, path: &str) -> Value {
    serde_yaml::from_str(tree.get(path).expect("the values file")).expect("YAML")
}

/// `fleet` with an edge's agent on Linux nodes and central's Prometheus at a priority.
fn customized(fleet: FleetBuilder) -> ValidFleet {
    let mut fleet = fleet.build().expect("the fleet is valid").into_inner();
    fleet.edges[0].extra_values = ExtraValues::new().set(
        "prometheus.prometheusSpec.nodeSelector",
        BTreeMap::from([("kubernetes.io/os", "linux")]),
    );
    fleet.central.extra_values =
        ExtraValues::new().set("prometheus.prometheusSpec.priorityClassName", "monitoring");
    fleet.validate().expect("the extra values are valid")
}

/// `value` without the key at `keys` (and without mappings it leaves empty).
fn without(mut value: Value, keys: &[&str]) -> Value {
    fn remove(mapping: &mut Mapping, keys: &[&str]) {
        match keys {
            [last] => {
                mapping.remove(*last);
            }
            [first, rest @ ..] => {
                if let Some(Value::Mapping(inner)) = mapping.get_mut(*first) {
                    remove(inner, rest);
                    if inner.is_empty() {
                        mapping.remove(*first);
                    }
                }
            }
            [] => {}
        }
    }
    remove(value.as_mapping_mut().expect("a mapping"), keys);
    value
}

#[test]
fn an_edge_sets_a_chart_value_the_model_does_not_type() {
    let plain = tree(seed::new_fleet(2));
    let custom = customized_tree(seed::new_fleet(2));
    let edge = values(&custom, EDGE);
    assert_eq!(
        edge["prometheus"]["prometheusSpec"]["nodeSelector"],
        serde_yaml::from_str::<Value>("{kubernetes.io/os: linux}").unwrap()
    );
    // The typed values are all still there, unchanged, and nothing else was added.
    assert_eq!(
        without(edge, &["prometheus", "prometheusSpec", "nodeSelector"]),
        values(&plain, EDGE)
    );
    let central = values(&custom, CENTRAL);
    assert_eq!(
        central["prometheus"]["prometheusSpec"]["priorityClassName"],
        Value::from("monitoring")
    );
    assert_eq!(
        without(
            central,
            &["prometheus", "prometheusSpec", "priorityClassName"]
        ),
        values(&plain, CENTRAL)
    );
    // The other edge's file is the one it had.
    assert_eq!(custom.get(OTHER_EDGE), plain.get(OTHER_EDGE));
}

#[test]
fn extra_keys_follow_the_typed_ones_in_their_mapping() {
    let custom = customized_tree(seed::new_fleet(2));
    let text = custom.get(EDGE).expect("the values file");
    let values: Value = serde_yaml::from_str(text).unwrap();
    let spec = values["prometheus"]["prometheusSpec"]
        .as_mapping()
        .expect("a mapping");
    let last = spec.keys().last().and_then(Value::as_str);
    assert_eq!(last, Some("nodeSelector"), "{text}");
    assert!(spec.len() > 1, "{text}");
    // Rendering twice gives the same bytes.
    assert_eq!(customized_tree(seed::new_fleet(2)).get(EDGE), Some(text));
}

/// Every key path of a values file down to its leaves (a scalar, a list or `{}`).
fn leaves(value: &Value, keys: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match value {
        Value::Mapping(mapping) if !mapping.is_empty() => {
            for (key, value) in mapping {
                keys.push(key.as_str().expect("string keys").to_owned());
                leaves(value, keys, out);
                keys.pop();
            }
        }
        _ => out.push(keys.clone()),
    }
}

/// Validation refuses an extra value on a key the model owns; the render must set no
/// other, or an extra value could silently meet a typed one. A new typed value needs its
/// key in `thanos_model::extra_values`'s table.
#[test]
fn the_model_owns_every_chart_value_the_render_sets() {
    for (name, fleet) in [
        ("seed", seed::seed(3)),
        ("new fleet", seed::new_fleet(3)),
        ("secure fleet", seed::secure_fleet(3)),
    ] {
        let tree = tree(fleet);
        let files: Vec<&str> = tree
            .iter()
            .map(|(path, _)| path)
            .filter(|path| {
                let file = path.rsplit('/').next().unwrap_or(path);
                file.starts_with("values") && file.ends_with(".yaml")
            })
            .collect();
        assert!(files.len() >= 5, "{name}: {files:?}");
        for file in files {
            let mut out = Vec::new();
            leaves(&values(&tree, file), &mut Vec::new(), &mut out);
            for keys in out {
                let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
                assert!(
                    owner(&keys).is_some(),
                    "{name}: {file} sets {} and no model field owns it",
                    keys.join(".")
                );
            }
        }
    }
}
