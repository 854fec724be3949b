//! Whole-fleet validation: the mistakes hand-written multi-cluster trees make, refused
//! before anything reaches a cluster.
//!
//! Every rule reports a [`Diagnostic`] naming the field path in the fleet file's terms
//! (`edges[1].clusterLabel`), and all rules run in one pass. A rule lives beside the type
//! it checks (`Retention::check` in `compactor.rs`); the rules that compare parts of the
//! fleet with each other live together in `validate/fleet.rs`. The corpus files are in
//! `thanos-model/tests/corpus/` (`warnings/` for warnings), each error text
//! snapshot-tested.
//!
//! | rule | function | corpus files |
//! | --- | --- | --- |
//! | 1. cluster names, `cluster` labels and kubectl contexts valid and unique | `Checker::clusters` (validate/fleet.rs) | `rule1-*` |
//! | 2. Receive labels: present, label names, no series or Receive-owned label | `Checker::receive_labels` (validate/fleet.rs) | `rule2-*` |
//! | 3. Query deduplicates on every producer replica label | `Checker::query_deduplication` (validate/fleet.rs); label names in `Query::check` | `rule3-*` |
//! | 4. Receive replicas at least the replication factor (an even factor warns) | `Checker::receive_replication` (validate/fleet.rs); replicas in `Checker::replicas` | `rule4-*`, `warnings/rule4-*`, `input-too-many-replicas` |
//! | 5. compactor retention never deletes before downsampling, never shrinks | `Retention::check` (compactor.rs) | `rule5-*` |
//! | 6. one Thanos version unless pinned (warns); valid image | `Checker::image_pin` (validate/fleet.rs), `ThanosImage::check` (image.rs) | `rule6-*`, `warnings/rule6-*` |
//! | 7. S3 endpoint and bucket, credentials only by reference, config Secret | `S3::check`, `S3Credentials::check`, `SecretKeyRef::check` (object_storage.rs) | `rule7-*` |
//! | 8. Ingress hosts and classes valid, hosts unique | `Ingress::check`, `ingress::check_class` (ingress.rs), `Checker::ingresses` (validate/fleet.rs) | `rule8-bad-ingress-host`, `rule8-duplicate-ingress-host`, `rule8-ingress-without-class` |
//! | 8. quantities and durations | `Storage::check` (storage.rs), `Resources::check` (resources.rs), `Checker::duration` (validate/checker.rs) | `rule8-bad-quantity`, `rule8-bad-duration` |
//! | 9. HA edge agents keep their replica label | `AgentValues::check` (agent.rs) | `rule9-*` |
//! | the fleet's own settings and the chart | `Checker::fleet_settings` (validate/fleet.rs), `Chart::check` (chart.rs) | `rule8-bad-duration` |
//! | the file's shape: YAML, unknown, missing or duplicate fields, types | the loader (load.rs) | `input-*` |

mod checker;
mod diagnostic;
mod fleet;
pub(crate) mod syntax;

pub(crate) use checker::{shown, Checker};
pub use diagnostic::{Diagnostic, Severity, ValidationError};

/// Runs every rule over the fleet, in the order of the fleet file's sections.
pub(crate) fn fleet(fleet: &crate::Fleet) -> Vec<Diagnostic> {
    let mut check = Checker::new(fleet);
    check.fleet_settings();
    fleet.object_storage.check("objectStorage", &mut check);
    check.clusters();
    check.ingresses();
    fleet.central.check("central", &mut check);
    for (index, edge) in fleet.edges.iter().enumerate() {
        edge.check(&format!("edges[{index}]"), &mut check);
    }
    check.finish()
}
