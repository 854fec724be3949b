//! [`Manifests`]: the whole tree as typed objects, before any text is written.

use thanos_model::ValidFleet;

use crate::{base::Base, overlays::central::CentralOverlay, overlays::edge::EdgeOverlay, Tree};

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
}

impl Manifests {
    /// Builds every object of a validated fleet.
    #[must_use]
    pub fn new(fleet: &ValidFleet) -> Self {
        Self {
            base: Base::new(fleet),
            central: CentralOverlay::new(fleet),
            edges: fleet
                .edges
                .iter()
                .map(|edge| EdgeOverlay::new(fleet, edge))
                .collect(),
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

    /// Serializes every file: base, central overlay, then the edges in fleet order.
    #[must_use]
    pub fn to_tree(&self) -> Tree {
        let mut tree = Tree::default();
        self.base.add_to(&mut tree);
        self.central.add_to(&mut tree);
        for edge in &self.edges {
            edge.add_to(&mut tree);
        }
        tree
    }
}
