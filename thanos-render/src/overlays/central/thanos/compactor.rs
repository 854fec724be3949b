//! `thanos-compactor.yaml`: the single-replica StatefulSet and headless Service of
//! Compactor.

use k8s_openapi::api::apps::v1::StatefulSet;
use thanos_model::{labels, Component, Fleet};

use super::{
    admin_flags, common_flags,
    component::{ComponentContext, Port, ServiceKind, SharedObjects, HTTP, METRICS},
    pod::{objstore_flag, ObjstoreSecret, PodManagement, DATA_DIR},
};
use crate::{overlays::FileObjects, yaml::Documents};

/// The file the objects are written to.
pub const FILE: &str = "thanos-compactor.yaml";
/// Compactor serves no StoreAPI: HTTP only.
const PORTS: &[Port] = &[HTTP];

/// The objects of `thanos-compactor.yaml`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ThanosCompactor {
    /// `thanos-compactor`, always one replica: two would compact the same blocks.
    pub stateful_set: StatefulSet,
    /// Its Service is headless (metrics only); one replica has no PodDisruptionBudget.
    pub shared: SharedObjects,
}

impl ThanosCompactor {
    /// Builds the objects of a validated fleet.
    pub(crate) fn new(fleet: &Fleet) -> Self {
        let context = ComponentContext::new(fleet, Component::Compactor, PORTS);
        let storage = &fleet.central.compactor.storage;
        Self {
            stateful_set: context
                .pod(args(&context))
                .objstore(ObjstoreSecret::Mounted)
                .stateful_set(context.name(), storage, PodManagement::OrderedReady),
            // Nothing reads the Compactor but Prometheus its metrics.
            shared: context.shared_objects(ServiceKind::Headless, &[METRICS]),
        }
    }
}

impl FileObjects for ThanosCompactor {
    fn add_to(&self, documents: Documents) -> Documents {
        self.shared.add_to(documents.one(&self.stateful_set))
    }
}

fn args(context: &ComponentContext) -> Vec<String> {
    let fleet = context.fleet;
    let compactor = &fleet.central.compactor;
    let mut args = common_flags("compact", HTTP);
    args.push(format!("--data-dir={DATA_DIR}"));
    args.push(objstore_flag(context));
    args.push("--wait".to_owned());
    let retention = &compactor.retention;
    for (resolution, retention) in [
        ("raw", &retention.raw),
        ("5m", &retention.five_minutes),
        ("1h", &retention.one_hour),
    ] {
        args.push(format!("--retention.resolution-{resolution}={retention}"));
    }
    if !compactor.downsampling {
        args.push("--downsampling.disable".to_owned());
    }
    // Replicated Receive uploads one copy of each block per replica; vertical compaction
    // merges them.
    if fleet.central.receive.replication_factor > 1 {
        args.push(format!(
            "--deduplication.replica-label={}",
            labels::RECEIVE_REPLICA
        ));
    }
    args.extend(admin_flags(compactor.admin_operations));
    args
}
