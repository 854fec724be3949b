//! [`Manifests`]: the whole tree as typed objects, before any text is written.

use thanos_model::ValidFleet;

use crate::{
    base::Base,
    overlays::{central::CentralOverlay, edge::EdgeOverlay, ChartYaml},
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
        }
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
        tree
    }
}

#[cfg(test)]
mod tests {
    use thanos_model::seed::seed;

    use super::Manifests;

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
