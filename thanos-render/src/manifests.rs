//! [`Manifests`]: the whole tree as typed objects, before any text is written.

use std::collections::{BTreeMap, BTreeSet};

use thanos_model::ValidFleet;

use crate::{
    base::Base,
    kustomize::Kustomization,
    overlays::{
        central::{self, CentralOverlay},
        edge::{self, EdgeOverlay},
        namespace, ChartYaml, KUSTOMIZATION_FILE,
    },
    runbook::Runbook,
    Tree,
};

/// Every file of the tree as typed contents: k8s-openapi objects, typed chart values and
/// kustomizations. Change what you need, then serialize once with
/// [`Manifests::to_tree`]; the files carry the usual generated-file header, so the next
/// `thanos-kustomize render` of an embedding tool's output sees them as its own.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Manifests {
    /// `base/<chart>/`.
    pub base: Base,
    /// `overlays/<central>/<chart>/`.
    pub central: CentralOverlay,
    /// `overlays/<edge>/<chart>/`, in fleet order.
    pub edges: Vec<EdgeOverlay>,
    /// `README.md`: the runbook, made from the objects above; `None` when the fleet turns
    /// it off.
    pub runbook: Option<Runbook>,
    /// Files an embedding tool owns, listed in their overlay's kustomization
    /// ([`Manifests::insert_owned_resource`]), by path.
    owned: BTreeMap<String, String>,
    /// The paths of the resources listed for an embedding tool.
    listed: BTreeSet<String>,
}

/// Why an embedder's file cannot be listed as a resource of an overlay.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OwnedResourceError {
    /// No cluster of the fleet has this name.
    #[error("no cluster of the fleet is named {0:?}: a resource goes into the overlay of the central cluster or of an edge")]
    UnknownCluster(String),
    /// The name is not one YAML file name in the overlay's directory.
    #[error("{0:?} is not a file name for a resource: one `.yaml` or `.yml` file name, no `/`, not hidden")]
    BadName(String),
    /// The render writes a file of that name into the overlay.
    #[error("{0:?} is a file the render writes into the overlay: choose another name")]
    Rendered(String),
}

impl Manifests {
    /// Builds every object of a validated fleet.
    #[must_use]
    pub fn new(fleet: &ValidFleet) -> Self {
        let base = Base::new(fleet);
        let central = CentralOverlay::new(fleet);
        let edges = EdgeOverlay::all(fleet, central.receive.remote_write_url());
        let runbook = Runbook::new(fleet, &base, &central, &edges);
        Self {
            base,
            central,
            edges,
            runbook,
            owned: BTreeMap::new(),
            listed: BTreeSet::new(),
        }
    }

    /// Adds `file`, a YAML file of Kubernetes objects the embedding tool owns, to the
    /// overlay of `cluster` (the central cluster or an edge) and lists it in the overlay's
    /// kustomization `resources`, so the overlay's build applies it. The file is written
    /// exactly as given, like [`Tree::insert_owned`]: no generated-file header, never
    /// deleted or reverted by a later render; `thanos-kustomize render` and `diff` keep
    /// it listed while it is in the directory.
    ///
    /// ```
    /// let fleet = thanos_model::seed::new_fleet(1).build().unwrap();
    /// let mut manifests = thanos_render::manifests(&fleet);
    /// let priority = "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: monitoring\nvalue: 1000\n";
    /// manifests
    ///     .insert_owned_resource("cluster-02-edge", "priority-class.yaml", priority)
    ///     .unwrap();
    /// let tree = manifests.to_tree();
    /// let dir = "overlays/cluster-02-edge/kube-prometheus-stack";
    /// assert_eq!(tree.get(&format!("{dir}/priority-class.yaml")), Some(priority));
    /// assert!(tree.is_owned(&format!("{dir}/priority-class.yaml")));
    /// assert!(tree.get(&format!("{dir}/kustomization.yaml")).unwrap().contains("- priority-class.yaml"));
    /// ```
    ///
    /// # Errors
    ///
    /// [`OwnedResourceError`]: no such cluster, a name that is not one YAML file name, or
    /// a file the render writes there.
    pub fn insert_owned_resource(
        &mut self,
        cluster: &str,
        file: &str,
        content: impl Into<String>,
    ) -> Result<(), OwnedResourceError> {
        let dir = self.list_owned_resource(cluster, file)?;
        self.owned.insert(format!("{dir}/{file}"), content.into());
        Ok(())
    }

    /// Lists `file`, already in the overlay directory of `cluster`, in the overlay's
    /// kustomization `resources` (once), without writing it: what `thanos-kustomize
    /// render` does for the files an embedder listed before. Returns the overlay
    /// directory.
    ///
    /// # Errors
    ///
    /// As [`Manifests::insert_owned_resource`].
    pub fn list_owned_resource(
        &mut self,
        cluster: &str,
        file: &str,
    ) -> Result<String, OwnedResourceError> {
        let hidden = file.starts_with('.');
        let yaml = file.ends_with(".yaml") || file.ends_with(".yml");
        if file.contains('/') || hidden || !yaml || !crate::is_safe_relative_path(file) {
            return Err(OwnedResourceError::BadName(file.to_owned()));
        }
        let listed_before = &self.listed;
        let (dir, kustomization, values_file) =
            overlay_mut(&mut self.central, &mut self.edges, cluster)
                .ok_or_else(|| OwnedResourceError::UnknownCluster(cluster.to_owned()))?;
        let path = format!("{dir}/{file}");
        let listed = kustomization.resources.iter().any(|r| r == file);
        let rendered = [KUSTOMIZATION_FILE, namespace::FILE, values_file].contains(&file)
            || (listed && !listed_before.contains(&path));
        if rendered {
            return Err(OwnedResourceError::Rendered(file.to_owned()));
        }
        if !listed {
            kustomization.resources.push(file.to_owned());
        }
        self.listed.insert(path);
        Ok(dir)
    }

    /// The cluster names and overlay directories, central first.
    pub fn overlays(&self) -> impl Iterator<Item = (&str, &str)> {
        let central = (self.central.name(), self.central.dir());
        std::iter::once(central).chain(
            self.edges
                .iter()
                .map(|edge| (edge.name.as_str(), edge.dir())),
        )
    }

    /// The edge overlay of the cluster named `name`.
    #[must_use]
    pub fn edge(&self, name: &str) -> Option<&EdgeOverlay> {
        self.edges.iter().find(|edge| edge.name == name)
    }

    /// The edge overlay of the cluster named `name`, to change.
    pub fn edge_mut(&mut self, name: &str) -> Option<&mut EdgeOverlay> {
        self.edges.iter_mut().find(|edge| edge.name == name)
    }

    /// Serializes every file: base, central overlay, the edges in fleet order, then the
    /// runbook.
    #[must_use]
    pub fn to_tree(&self) -> Tree {
        let mut tree = Tree::default();
        self.base.add_to(&mut tree);
        self.central.add_to(&mut tree);
        let mut edge_yaml = ChartYaml::default();
        for edge in &self.edges {
            edge.add_to(&mut tree, &mut edge_yaml);
        }
        if let Some(runbook) = &self.runbook {
            runbook.add_to(&mut tree);
        }
        for (path, content) in &self.owned {
            tree.insert_owned(path.clone(), content.clone());
        }
        tree
    }
}

/// The overlay directory, kustomization and values file name of the cluster named
/// `cluster`.
fn overlay_mut<'m>(
    central: &'m mut CentralOverlay,
    edges: &'m mut [EdgeOverlay],
    cluster: &str,
) -> Option<(String, &'m mut Kustomization, &'static str)> {
    if central.name() == cluster {
        let dir = central.dir().to_owned();
        return Some((dir, &mut central.kustomization, central::VALUES_FILE));
    }
    let edge = edges.iter_mut().find(|edge| edge.name == cluster)?;
    Some((
        edge.dir().to_owned(),
        &mut edge.kustomization,
        edge::VALUES_FILE,
    ))
}

#[cfg(test)]
mod tests {
    use thanos_model::seed::seed;

    use super::{Manifests, OwnedResourceError};

    /// An owned resource goes into one existing overlay, under a YAML file name the render
    /// does not write there; a refusal changes nothing.
    #[test]
    fn owned_resources_go_into_an_existing_overlay_under_a_name_of_their_own() {
        let fleet = seed(2).build().expect("the seed is valid");
        let mut manifests = Manifests::new(&fleet);
        use OwnedResourceError::{BadName, Rendered, UnknownCluster};
        let unknown = "cluster-09-edge";
        for (cluster, file, refusal) in [
            (
                unknown,
                "a.yaml",
                UnknownCluster as fn(String) -> OwnedResourceError,
            ),
            ("cluster-02-edge", "../a.yaml", BadName),
            ("cluster-02-edge", "notes.md", BadName),
            ("cluster-02-edge", ".hidden.yaml", BadName),
            ("cluster-02-edge", "values-edge.yaml", Rendered),
            ("cluster-01-central", "thanos-query.yaml", Rendered),
            ("cluster-01-central", "kustomization.yaml", Rendered),
        ] {
            // The error names the cluster that is not there, else the file.
            let named = if cluster == unknown { cluster } else { file };
            let result = manifests.insert_owned_resource(cluster, file, "{}");
            assert_eq!(result, Err(refusal(named.to_owned())), "{cluster} {file}");
        }
        assert_eq!(
            manifests,
            Manifests::new(&fleet),
            "a refusal changes nothing"
        );
    }

    /// An owned resource is listed once however often it is added, its last content
    /// written; the other overlays' kustomizations stay as they were.
    #[test]
    fn owned_resources_are_listed_once() {
        let fleet = seed(2).build().expect("the seed is valid");
        let mut manifests = Manifests::new(&fleet);
        for content in ["kind: A\n", "kind: B\n"] {
            manifests
                .insert_owned_resource("cluster-01-central", "extra.yaml", content)
                .unwrap();
        }
        let central = &manifests.central.kustomization.resources;
        assert_eq!(central.iter().filter(|r| *r == "extra.yaml").count(), 1);
        assert_eq!(central.last().map(String::as_str), Some("extra.yaml"));
        let tree = manifests.to_tree();
        let path = "overlays/cluster-01-central/kube-prometheus-stack/extra.yaml";
        assert_eq!(tree.get(path), Some("kind: B\n"));
        assert!(tree.is_owned(path));
        let edge = |m: &Manifests| m.edge("cluster-02-edge").unwrap().kustomization.clone();
        assert_eq!(edge(&manifests), edge(&Manifests::new(&fleet)));
    }

    /// The edges' YAML is serialized once while their objects repeat: an edge whose
    /// objects an embedder changed still gets its own files, and the edges after it theirs.
    #[test]
    fn a_changed_edge_gets_its_own_files_between_repeated_ones() {
        let fleet = seed(3).build().expect("the seed is valid");
        let mut manifests = Manifests::new(&fleet);
        let plain = manifests.to_tree();
        let edge = &mut manifests.edges[1];
        edge.namespace
            .metadata
            .labels
            .get_or_insert_with(Default::default)
            .insert("team".to_owned(), "edge-03".to_owned());
        edge.kustomization.resources.push("extra.yaml".to_owned());
        let changed = manifests.to_tree();
        let dirs: Vec<String> = manifests.edges.iter().map(|e| e.dir().to_owned()).collect();
        for (index, dir) in dirs.iter().enumerate() {
            for file in ["namespace.yaml", "kustomization.yaml", "values-edge.yaml"] {
                let path = format!("{dir}/{file}");
                let (before, after) = (plain.get(&path).unwrap(), changed.get(&path).unwrap());
                let expect_change = index == 1 && file != "values-edge.yaml";
                assert_eq!(before != after, expect_change, "{path}");
            }
        }
        let path = format!("{}/namespace.yaml", dirs[1]);
        assert!(changed.get(&path).unwrap().contains("team: edge-03"));
        let path = format!("{}/kustomization.yaml", dirs[1]);
        assert!(changed.get(&path).unwrap().contains("- extra.yaml"));
    }

    /// The overlays by cluster name and directory: the central cluster's first, then the
    /// edges' in fleet order.
    #[test]
    fn overlays_are_named_after_their_clusters_central_first() {
        let fleet = seed(2).build().expect("the seed is valid");
        let manifests = Manifests::new(&fleet);
        let overlays: Vec<(&str, &str)> = manifests.overlays().collect();
        assert_eq!(
            overlays,
            [
                (
                    "cluster-01-central",
                    "overlays/cluster-01-central/kube-prometheus-stack"
                ),
                (
                    "cluster-02-edge",
                    "overlays/cluster-02-edge/kube-prometheus-stack"
                ),
                (
                    "cluster-03-edge",
                    "overlays/cluster-03-edge/kube-prometheus-stack"
                ),
            ]
        );
    }

    #[test]
    fn every_edge_writes_to_the_url_of_receive_s_ingress() {
        let fleet = seed(3).build().expect("the seed is valid");
        let manifests = Manifests::new(&fleet);
        let receive = &manifests.central.receive;
        let url = receive
            .remote_write_url()
            .expect("Receive has an Ingress while there are edges");
        let host = receive
            .shared
            .ingress
            .as_ref()
            .and_then(|ingress| ingress.spec.as_ref()?.rules.as_ref()?.first()?.host.clone());
        assert_eq!(
            url.as_str(),
            format!("http://{}/api/v1/receive", host.expect("a host"))
        );
        assert_eq!(manifests.edges.len(), 3);
        for edge in &manifests.edges {
            let spec = edge
                .values
                .prometheus
                .as_ref()
                .unwrap()
                .prometheus_spec
                .as_ref();
            let written: Vec<&str> = spec
                .and_then(|spec| spec.remote_write.as_ref())
                .into_iter()
                .flatten()
                .map(|remote_write| remote_write.url.as_str())
                .collect();
            assert_eq!(written, [url.as_str()], "{}", edge.name);
        }
    }
}
