//! `thanos-store.yaml`: the StatefulSet and headless Service of Store.

use k8s_openapi::api::apps::v1::StatefulSet;
use thanos_model::{Component, Fleet};

use super::{
    admin_flags, common_flags,
    component::{ComponentContext, Port, ServiceKind, SharedObjects, GRPC, HTTP},
    grpc_flag,
    pod::{objstore_flag, ObjstoreSecret, PodManagement, DATA_DIR},
    read_limit_flags, store_api_srv,
};
use crate::yaml::Documents;

const COMPONENT: Component = Component::Store;
/// The file the objects are written to.
pub const FILE: &str = "thanos-store.yaml";
const PORTS: &[Port] = &[GRPC, HTTP];

/// The objects of `thanos-store.yaml`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ThanosStore {
    /// `thanos-store`.
    pub stateful_set: StatefulSet,
    /// Its Service is headless, so Query's DNS SRV lookup finds every Store pod.
    pub shared: SharedObjects,
}

impl ThanosStore {
    /// Builds the objects of a validated fleet.
    pub(crate) fn new(fleet: &Fleet) -> Self {
        let context = ComponentContext::new(fleet, COMPONENT, PORTS);
        Self {
            stateful_set: context
                .pod(args(&context))
                .objstore(ObjstoreSecret::Mounted)
                .stateful_set(
                    COMPONENT.name(),
                    &fleet.central.store.storage,
                    PodManagement::OrderedReady,
                ),
            shared: context.shared_objects(ServiceKind::Headless),
        }
    }

    /// The file's documents, in order.
    pub(crate) fn documents(&self) -> Vec<String> {
        let documents = Documents::default().one(&self.stateful_set);
        self.shared.add_to(documents).into_vec()
    }
}

/// Store's StoreAPI, as Query resolves it.
pub(crate) fn store_api(fleet: &Fleet) -> String {
    store_api_srv(fleet, COMPONENT.name())
}

fn args(context: &ComponentContext) -> Vec<String> {
    let mut args = common_flags("store", HTTP);
    args.push(grpc_flag());
    args.push(format!("--data-dir={DATA_DIR}"));
    args.push(objstore_flag(context));
    args.extend(memory_flags(&context.resources));
    let fleet = context.fleet;
    if let Some(limits) = &fleet.central.read_limits {
        args.extend(read_limit_flags(limits));
        args.push(format!(
            "--store.grpc.series-sample-limit={}",
            limits.samples
        ));
    }
    args.extend(admin_flags(fleet.central.store.admin_operations));
    args
}

/// Store's caches sized to its memory limit: Thanos's defaults (a 2GB chunk pool and a
/// 250MB index cache) outgrow the limits a small Store is given, and the kernel kills the
/// pod under load. Half the limit for the chunk pool and an eighth for the index cache
/// leave the rest to the Go runtime and the index headers.
fn memory_flags(resources: &thanos_model::Resources) -> Vec<String> {
    let limit = resources.memory_limit.as_bytes();
    // kingpin reads `MB` as 2^20 bytes.
    let mib = |bytes: u64| (bytes >> 20).max(1);
    vec![
        format!("--chunk-pool-size={}MB", mib(limit / 2)),
        format!("--index-cache-size={}MB", mib(limit / 8)),
    ]
}

#[cfg(test)]
mod tests {
    use thanos_model::{Bytes, Resources};

    use super::memory_flags;

    #[test]
    fn caches_fit_the_memory_limit() {
        assert_eq!(
            memory_flags(&Resources::default().memory_limit(Bytes::gibibytes(2))),
            ["--chunk-pool-size=1024MB", "--index-cache-size=256MB"]
        );
        assert_eq!(
            memory_flags(&Resources::default().memory_limit(Bytes::new(1_000_000_000))),
            ["--chunk-pool-size=476MB", "--index-cache-size=119MB"]
        );
    }
}
