//! The upstream facts in `facts/` (made by `scripts/update-facts.py`), compiled into the
//! tests so that `cargo test` needs nothing beside the checkout.

use std::collections::{BTreeMap, BTreeSet};

const THANOS_FLAGS: &str = include_str!("../../../facts/thanos-v0.42.4-flags.txt");
const VALUES_KEYS: &str =
    include_str!("../../../facts/kube-prometheus-stack-78.2.1-values-keys.txt");
const CRD_FIELDS: &str = include_str!("../../../facts/prometheus-operator-v0.86.0-crd-fields.txt");

/// The lines of a fact file that are not comments, split at spaces.
fn records(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| line.split(' ').collect())
}

/// A key as one path segment, as the fact files write it: plain words as they are,
/// anything else JSON-quoted (`"grafana.ini"`).
pub fn segment(key: &str) -> String {
    if !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        key.to_owned()
    } else {
        serde_json::to_string(key).expect("a string serializes")
    }
}

/// `path.segment(key)`, or the segment alone at the top.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        segment(key)
    } else {
        format!("{path}.{}", segment(key))
    }
}

/// A Thanos v0.42.4 flag of one component.
pub struct Flag {
    pub name: String,
    pub deprecated: bool,
    /// A flag hidden from `--help`, accepted as a documented exception: the upstream
    /// source line that registers it.
    pub hidden: Option<String>,
}

/// The flags Thanos v0.42.4 accepts for a subcommand; empty for an unknown subcommand.
pub fn thanos_flags(subcommand: &str) -> Vec<Flag> {
    records(THANOS_FLAGS)
        .filter(|record| record[0] == subcommand)
        .map(|record| Flag {
            name: record[1].to_owned(),
            deprecated: record.get(2) == Some(&"deprecated"),
            hidden: (record.get(2) == Some(&"hidden"))
                .then(|| record.get(3).map(|source| (*source).to_owned()))
                .flatten(),
        })
        .collect()
}

/// The key paths of the chart's values (its dependencies' under their names).
pub struct ValuesKeys {
    paths: BTreeSet<String>,
    commented: BTreeSet<String>,
}

/// Where a key path stands in the chart's values.
#[derive(Debug, PartialEq, Eq)]
pub enum ValuesKey {
    /// Not a key of the chart.
    Unknown,
    /// A non-empty mapping: its keys are known too.
    Branch,
    /// A scalar, a list or `{}`: what goes below is the chart's business.
    FreeForm,
    /// Only documented as a commented-out example.
    Commented,
}

impl ValuesKeys {
    pub fn load() -> Self {
        let (commented, paths) = records(VALUES_KEYS)
            .partition::<Vec<_>, _>(|record| record.get(1) == Some(&"commented"));
        Self {
            paths: paths.into_iter().map(|r| r[0].to_owned()).collect(),
            commented: commented.into_iter().map(|r| r[0].to_owned()).collect(),
        }
    }

    /// Whether a listed path continues `path.`: sorted, those come right after `path.`.
    fn has_children(&self, path: &str) -> bool {
        let prefix = format!("{path}.");
        self.paths
            .range(prefix.clone()..)
            .next()
            .is_some_and(|next| next.starts_with(&prefix))
    }

    pub fn get(&self, path: &str) -> ValuesKey {
        if self.commented.contains(path) {
            ValuesKey::Commented
        } else if !self.paths.contains(path) {
            ValuesKey::Unknown
        } else if self.has_children(path) {
            ValuesKey::Branch
        } else {
            ValuesKey::FreeForm
        }
    }
}

/// The shape of a CRD field the fact file marks.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Field {
    /// An object with known properties, an array or a scalar.
    Known,
    /// An object whose keys are free (`additionalProperties`).
    Map,
    /// Anything goes below (`x-kubernetes-preserve-unknown-fields`).
    Any,
}

/// The field paths under `spec` of one custom resource kind.
pub struct CrdFields(BTreeMap<String, Field>);

impl CrdFields {
    /// `"P"` for Prometheus, `"A"` for PrometheusAgent, as the fact file marks them.
    pub fn load(kind: char) -> Self {
        let fields = records(CRD_FIELDS)
            .filter(|record| record[1].contains(kind))
            .map(|record| {
                let shape = match record.get(2) {
                    Some(&"map") => Field::Map,
                    Some(&"any") => Field::Any,
                    _ => Field::Known,
                };
                (record[0].to_owned(), shape)
            })
            .collect::<BTreeMap<_, _>>();
        assert!(!fields.is_empty(), "no CRD field of kind {kind} in facts/");
        Self(fields)
    }

    pub fn get(&self, path: &str) -> Option<Field> {
        self.0.get(path).copied()
    }
}
