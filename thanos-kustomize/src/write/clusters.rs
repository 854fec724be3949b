//! What a write does to each cluster ([`ClusterPlan`]): overlays added or removed, the
//! `cluster` label changed, volume-claim templates changed, and objects `kubectl apply`
//! leaves on the cluster. Read from the file [`Plan`] and the files already in its
//! directory; `render` refuses a removal or a re-label without `--allow-removal`.

use std::{
    collections::{BTreeMap, BTreeSet},
    fmt::{self, Write as _},
    fs,
};

use serde_yaml::Value;

use super::{ChangeKind, Plan};

/// What a write does to each cluster, by overlay name (`base` for what every cluster
/// shares).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusterPlan {
    /// One entry per cluster the write touches, sorted by name.
    pub clusters: BTreeMap<String, ClusterChange>,
}

/// What a write does to one cluster's overlay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusterChange {
    /// Its overlay is new.
    pub added: bool,
    /// Its overlay leaves the tree: the files we generated there are deleted. The kubectl
    /// context its overlay named, where known.
    pub removed: Option<Option<String>>,
    /// The `cluster` label of a removed overlay, where its values file says.
    pub removed_label: Option<String>,
    /// The directory of a removed overlay (`overlays/<name>/<chart>`), as it is on disk.
    pub removed_dir: Option<String>,
    /// Its `cluster` external label changes: (old, new). Its series start again under the
    /// new label.
    pub relabelled: Option<(String, String)>,
    /// Volume-claim templates that change (`<file>: <object>`): a StatefulSet cannot
    /// change them in place.
    pub volume_claims: Vec<String>,
    /// Objects the old files defined and the new ones do not (`<file>: <Kind>/<name>`):
    /// `kubectl apply` leaves them on the cluster.
    pub not_deleted: Vec<String>,
}

impl ClusterPlan {
    /// Reads the files of `plan`'s directory that the write would change or remove and
    /// compares them with the rendered ones. Files it cannot read or parse are skipped:
    /// the plan is advice; the file [`Plan`] decides what may be written.
    #[must_use]
    pub fn new(plan: &Plan<'_>) -> Self {
        let mut clusters: BTreeMap<String, ClusterChange> = BTreeMap::new();
        let mut old_overlays = BTreeSet::new();
        let mut new_overlays = BTreeSet::new();
        for (path, _) in plan.tree.iter() {
            if let Some(name) = overlay_of(path) {
                new_overlays.insert(name.to_owned());
            }
        }
        for change in &plan.changes {
            let on_disk = !matches!(change.kind, ChangeKind::Added | ChangeKind::Kept);
            if let (true, Some(name)) = (on_disk, overlay_of(&change.path)) {
                old_overlays.insert(name.to_owned());
            }
        }
        for name in new_overlays.difference(&old_overlays) {
            if plan.exists {
                clusters.entry(name.clone()).or_default().added = true;
            }
        }
        for name in old_overlays.difference(&new_overlays) {
            // Its chart directory as it is on disk: the fleet's chart may have another
            // name now.
            let overlay_dir = plan
                .changes
                .iter()
                .filter_map(|c| overlay_dir_of(&c.path))
                .find(|dir| overlay_of(dir) == Some(name.as_str()));
            let context = overlay_dir
                .and_then(|dir| {
                    read(
                        plan,
                        &format!("{dir}/{}", thanos_render::KUSTOMIZATION_FILE),
                    )
                })
                .and_then(|text| context_of(&text));
            let label = plan
                .changes
                .iter()
                .filter(|c| overlay_of(&c.path) == Some(name.as_str()))
                .filter(|c| file_name(&c.path).starts_with("values"))
                .find_map(|c| cluster_label(&documents(&read(plan, &c.path)?)));
            let entry = clusters.entry(name.clone()).or_default();
            entry.removed = Some(context);
            entry.removed_label = label;
            entry.removed_dir = overlay_dir.map(str::to_owned);
        }
        for change in &plan.changes {
            let cluster = overlay_of(&change.path).unwrap_or("base").to_owned();
            let file = file_name(&change.path);
            if !file.ends_with(".yaml") {
                continue;
            }
            let (old, new) = match change.kind {
                ChangeKind::Changed | ChangeKind::Refused(_) | ChangeKind::Forced(_) => (
                    read(plan, &change.path),
                    plan.tree.get(&change.path).map(str::to_owned),
                ),
                ChangeKind::Removed
                    if clusters.get(&cluster).is_none_or(|c| c.removed.is_none()) =>
                {
                    (read(plan, &change.path), None)
                }
                _ => continue,
            };
            let (Some(old), new) = (old, new) else {
                continue;
            };
            let old = documents(&old);
            let new = new.as_deref().map(documents).unwrap_or_default();
            let entry = clusters.entry(cluster).or_default();
            if file.starts_with("values") {
                if let (Some(old), Some(new)) = (cluster_label(&old), cluster_label(&new)) {
                    if old != new {
                        entry.relabelled = Some((old, new));
                    }
                }
            }
            let (old_claims, new_claims) = (claims(&old), claims(&new));
            for (object, template) in &old_claims {
                if new_claims.get(object).is_some_and(|new| new != template) {
                    entry.volume_claims.push(format!("{file}: {object}"));
                }
            }
            let new_objects = objects(&new);
            for object in objects(&old).difference(&new_objects) {
                entry.not_deleted.push(format!("{file}: {object}"));
            }
        }
        clusters.retain(|_, change| *change != ClusterChange::default());
        Self { clusters }
    }

    /// Whether the write removes or re-labels a cluster: what `render` refuses without
    /// `--allow-removal`.
    #[must_use]
    pub fn removes_or_relabels(&self) -> bool {
        self.clusters
            .values()
            .any(|c| c.removed.is_some() || c.relabelled.is_some())
    }

    /// Whether there is nothing to say.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.clusters.is_empty()
    }

    /// The runbook steps to run before a render that removes or re-labels clusters, in
    /// the order `render --allow-removal` expects them (the tree's README.md, "Removing an
    /// edge cluster", gives the same).
    #[must_use]
    pub fn steps_first(&self, dir: &str) -> String {
        let mut out = String::new();
        // Shell words: the commands are copied into a shell.
        let word = |text: &str| {
            shlex::try_quote(text)
                .map_or_else(|_| format!("{text:?}"), |quoted| quoted.into_owned())
        };
        let shown = dir;
        let dir = &word(dir);
        for (name, change) in &self.clusters {
            if let Some(context) = &change.removed {
                let context = &word(context.as_deref().unwrap_or("CONTEXT"));
                let label = change.removed_label.as_deref().unwrap_or(name);
                // Its directory on disk, else where the default chart puts it.
                let overlay = change.removed_dir.clone().unwrap_or_else(|| {
                    format!("overlays/{name}/{}", thanos_model::Chart::default().name)
                });
                let overlay = &word(&overlay);
                let _ = write!(
                    out,
                    "Before removing {name}:\n  \
                     1. Silence its alert in Alertmanager: alertname=\"ThanosEdgeSilent\", cluster=\"{label}\" \
                     (where the fleet renders the silent-edge alert; else it fires once the edge stops writing).\n  \
                     2. Delete what it runs while its overlay is still in {shown}:\n       \
                     kubectl kustomize --enable-helm --load-restrictor LoadRestrictionsNone {dir}/{overlay} > \"${{TMPDIR:-/tmp}}/{name}.yaml\"\n       \
                     kubectl --context {context} delete --ignore-not-found -f \"${{TMPDIR:-/tmp}}/{name}.yaml\"\n  \
                     3. Render with --allow-removal, apply the central overlay (its silent-edge alert loses the edge), then expire the silence.\n",
                );
            }
            if let Some((old, new)) = &change.relabelled {
                let _ = write!(
                    out,
                    "Before re-labelling {name} from {old} to {new}:\n  \
                     1. Silence ThanosEdgeSilent for cluster=\"{old}\": its series stop under the old label.\n  \
                     2. Render with --allow-removal, apply {name}'s overlay, then the central overlay.\n  \
                     3. Queries, dashboards and alerts by cluster=\"{old}\" see only the old series; update them.\n",
                );
            }
        }
        out
    }
}

impl fmt::Display for ClusterPlan {
    /// One block per cluster: `<name>:` and one indented line per change.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, change) in &self.clusters {
            writeln!(f, "  {name}:")?;
            if change.added {
                writeln!(f, "    overlay added")?;
            }
            if let Some(context) = &change.removed {
                let context = context.as_deref().unwrap_or("unknown");
                writeln!(f, "    overlay removed (kubectl context {context}): what it runs stays on the cluster until deleted")?;
            }
            if let Some((old, new)) = &change.relabelled {
                writeln!(
                    f,
                    "    cluster label {old} -> {new}: its series start again under the new label"
                )?;
            }
            for claim in &change.volume_claims {
                let statefulset = claim
                    .split_once("StatefulSet/")
                    .and_then(|(_, rest)| rest.split(' ').next())
                    .unwrap_or("<its StatefulSet>");
                writeln!(f, "    volume-claim template changed, {claim}: run kubectl delete statefulset {statefulset} --cascade=orphan before applying (the pods and their claims stay; resize existing claims yourself)")?;
            }
            for object in &change.not_deleted {
                writeln!(
                    f,
                    "    no longer rendered, {object}: kubectl apply does not delete it"
                )?;
            }
        }
        Ok(())
    }
}

/// `<name>` of `overlays/<name>/...`.
fn overlay_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("overlays/")?;
    rest.split_once('/').map(|(name, _)| name)
}

/// `overlays/<name>/<chart>` of `overlays/<name>/<chart>/...`: the overlay's directory.
fn overlay_dir_of(path: &str) -> Option<&str> {
    let name = overlay_of(path)?;
    let rest = &path["overlays/".len() + name.len() + 1..];
    let (chart, _) = rest.split_once('/')?;
    Some(&path[.."overlays/".len() + name.len() + 1 + chart.len()])
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// `prometheus.prometheusSpec.externalLabels.cluster` of a values file.
fn cluster_label(docs: &[Value]) -> Option<String> {
    let doc = docs.first()?;
    lookup(
        doc,
        &["prometheus", "prometheusSpec", "externalLabels", "cluster"],
    )?
    .as_str()
    .map(str::to_owned)
}

fn read(plan: &Plan<'_>, path: &str) -> Option<String> {
    fs::read_to_string(plan.target.join(path)).ok()
}

/// The context of `# Cluster: kubectl context <context>, ...` in a kustomization.
fn context_of(kustomization: &str) -> Option<String> {
    kustomization.lines().find_map(|line| {
        let rest = line.strip_prefix("# Cluster: kubectl context ")?;
        Some(rest.split([',', ' ']).next()?.to_owned())
    })
}

/// The YAML documents of `text`, up to the first that does not parse (after an error the
/// deserializer cannot go on).
fn documents(text: &str) -> Vec<Value> {
    serde_yaml::Deserializer::from_str(text)
        .map_while(|doc| serde::Deserialize::deserialize(doc).ok())
        .collect()
}

fn lookup<'v>(value: &'v Value, keys: &[&str]) -> Option<&'v Value> {
    keys.iter().try_fold(value, |value, key| value.get(key))
}

/// `Kind/name` of every object of `docs` (documents without both are not objects).
fn objects(docs: &[Value]) -> BTreeSet<String> {
    docs.iter()
        .filter_map(|doc| {
            let kind = doc.get("kind")?.as_str()?;
            let name = lookup(doc, &["metadata", "name"])?.as_str()?;
            Some(format!("{kind}/{name}"))
        })
        .collect()
}

/// Every volume-claim template of `docs` by its object and key path: a StatefulSet's
/// `volumeClaimTemplates`, a chart value's `volumeClaimTemplate`.
fn claims(docs: &[Value]) -> BTreeMap<String, Value> {
    fn walk(value: &Value, path: &str, out: &mut BTreeMap<String, Value>) {
        if let Value::Mapping(map) = value {
            for (key, child) in map {
                let Some(key) = key.as_str() else { continue };
                let here = if path.is_empty() {
                    key.to_owned()
                } else {
                    format!("{path}.{key}")
                };
                if key == "volumeClaimTemplate" || key == "volumeClaimTemplates" {
                    out.insert(here, child.clone());
                } else {
                    walk(child, &here, out);
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    for doc in docs {
        let mut found = BTreeMap::new();
        walk(doc, "", &mut found);
        let owner = objects(std::slice::from_ref(doc)).into_iter().next();
        for (path, template) in found {
            let key = match &owner {
                Some(object) => format!("{object} {path}"),
                None => path,
            };
            out.insert(key, template);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_context_is_read_from_the_kustomization_header() {
        assert_eq!(
            context_of("# x\n# Cluster: kubectl context cluster-02, API server 10.0.0.1.\n"),
            Some("cluster-02".to_owned())
        );
    }

    #[test]
    fn claims_and_objects_are_found_per_object() {
        let docs = documents(
            "kind: StatefulSet\nmetadata: {name: r}\nspec:\n  volumeClaimTemplates: [{a: 1}]\n---\nprometheus:\n  storageSpec:\n    volumeClaimTemplate: {b: 2}\n",
        );
        let found = claims(&docs);
        assert_eq!(
            found.keys().collect::<Vec<_>>(),
            [
                "StatefulSet/r spec.volumeClaimTemplates",
                "prometheus.storageSpec.volumeClaimTemplate"
            ]
        );
        assert_eq!(
            objects(&docs).into_iter().collect::<Vec<_>>(),
            ["StatefulSet/r"]
        );
    }
}
