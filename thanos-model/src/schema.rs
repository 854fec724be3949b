//! The JSON Schema of the fleet file, for editors and CI. It accepts exactly the shapes
//! the loader accepts: a field that may be left out may also be `null` (the loader reads
//! `key: null` as the key left out, `ingress: null` as "no Ingress" and `ruler: null` as
//! "no Thanos Ruler"), quantities may
//! be numbers, and counts stay within their range.

use schemars::Schema;
use serde_json::{json, Map, Value};

use crate::Fleet;

impl Fleet {
    /// The JSON Schema of the fleet file, with every field's documentation as its
    /// description.
    #[must_use]
    pub fn json_schema() -> Schema {
        let mut schema = schemars::schema_for!(Fleet);
        if let Some(object) = schema.as_object_mut() {
            nullable_optionals(object);
            for value in object.values_mut() {
                walk(value);
            }
        }
        schema
    }
}

/// Applies [`nullable_optionals`] and [`bounded_counts`] to every schema inside `value`.
fn walk(value: &mut Value) {
    match value {
        Value::Object(object) => {
            nullable_optionals(object);
            bounded_counts(object);
            for child in object.values_mut() {
                walk(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(walk),
        _ => {}
    }
}

/// Every property an object schema does not require also accepts `null`.
fn nullable_optionals(object: &mut Map<String, Value>) {
    let required: Vec<String> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|names| {
            names
                .iter()
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let Some(Value::Object(properties)) = object.get_mut("properties") else {
        return;
    };
    for (name, property) in properties.iter_mut() {
        if required.contains(name) {
            continue;
        }
        let Value::Object(property) = property else {
            continue;
        };
        let nothing = json!({ "type": "null" });
        if let Some(reference) = property.remove("$ref") {
            property.insert("anyOf".to_owned(), json!([{ "$ref": reference }, nothing]));
        } else if let Some(Value::Array(alternatives)) = property.get_mut("anyOf") {
            if !alternatives.contains(&nothing) {
                alternatives.push(nothing);
            }
        } else if let Some(kind) = property.get_mut("type") {
            match kind {
                Value::String(one) => *kind = json!([one.clone(), "null"]),
                Value::Array(kinds) if !kinds.contains(&json!("null")) => kinds.push(json!("null")),
                _ => {}
            }
        }
    }
}

/// A `uint32` count goes up to its largest value, as the loader reads it.
fn bounded_counts(object: &mut Map<String, Value>) {
    if object.get("format") == Some(&json!("uint32")) {
        object.insert("maximum".to_owned(), json!(u32::MAX));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_fields_are_nullable_and_required_ones_are_not() {
        let schema = Fleet::json_schema();
        let value = schema.as_value();
        assert_eq!(
            value["properties"]["namespace"]["type"],
            json!(["string", "null"])
        );
        assert_eq!(value["properties"]["domain"]["type"], json!("string"));
        assert_eq!(
            value["properties"]["chart"]["anyOf"],
            json!([{ "$ref": "#/$defs/Chart" }, { "type": "null" }])
        );
        let grafana_ingress = &value["$defs"]["Grafana"]["properties"]["ingress"];
        assert_eq!(grafana_ingress["anyOf"].as_array().map(Vec::len), Some(2));
        assert!(grafana_ingress["description"]
            .as_str()
            .is_some_and(|d| d.contains("`ingress: null`")));
        let edge = &value["$defs"]["Edge"]["properties"];
        assert_eq!(edge["context"]["type"], json!("string"));
        assert_eq!(edge["clusterLabel"]["type"], json!(["string", "null"]));
        let replicas = &value["$defs"]["AgentValues"]["properties"]["replicas"];
        assert_eq!(replicas["maximum"], json!(u32::MAX));
        assert_eq!(
            value["$defs"]["Resources"]["properties"]["cpuLimit"]["type"],
            json!(["string", "number"])
        );
    }
}
