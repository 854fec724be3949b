//! Thanos Query, the fleet's single query endpoint.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    setters::setters,
    validate::{shown, syntax, Checker},
    Ingress, Resources, ThanosImage,
};

/// Thanos Query: fans queries out to the sidecars, Receive and Store and deduplicates
/// the replicas.
///
/// Its endpoints and replica labels are derived from the fleet (see
/// [`Fleet::query_replica_labels`](crate::Fleet::query_replica_labels)); only an explicit
/// override is stored here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Query {
    /// Replicas of the stateless Deployment, default 1.
    pub replicas: u32,
    /// The Ingress, default host `thanos-query.<domain>`. Left out of a fleet file it is the
    /// default Ingress; `ingress: null` keeps Query inside the cluster.
    pub ingress: Option<Ingress>,
    /// Replica labels to deduplicate on instead of the derived ones: Prometheus label
    /// names, each once. Validation rejects a list that drops a label a producer uses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replica_labels: Option<Vec<String>>,
    /// Requests and limits.
    pub resources: Resources,
    /// An image pinned for Query only; `None` uses the fleet's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<ThanosImage>,
}

impl Default for Query {
    fn default() -> Self {
        Self {
            replicas: 1,
            ingress: Some(Ingress::new()),
            replica_labels: None,
            resources: Resources::default(),
            image: None,
        }
    }
}

impl Query {
    setters! {
        copy replicas: u32,
        some ingress: Ingress,
        some replica_labels: Vec<String>,
        set resources: Resources,
        some image: ThanosImage,
    }

    /// Query without an Ingress.
    #[must_use]
    pub fn without_ingress(mut self) -> Self {
        self.ingress = None;
        self
    }
}

impl Query {
    /// The Ingress is checked with the fleet's other Ingresses.
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        check.replicas(&format!("{path}.replicas"), self.replicas);
        self.resources.check(&format!("{path}.resources"), check);
        check.image_pin(&format!("{path}.image"), self.image.as_ref());
        check.query_deduplication(self);
        let labels = self.replica_labels.iter().flatten();
        for (index, label) in labels.clone().enumerate() {
            let label_path = format!("{path}.replicaLabels[{index}]");
            if !check.clean(&label_path, label) {
                continue;
            }
            if !syntax::is_label_name(label) {
                check.error(
                    &label_path,
                    format!("{} is not a label name", shown(label)),
                    "use letters, digits and '_', not starting with a digit",
                );
            } else if labels.clone().take(index).any(|earlier| earlier == label) {
                check.warning(
                    &label_path,
                    format!("{} is listed twice", shown(label)),
                    "list every replica label once",
                );
            }
        }
    }
}
