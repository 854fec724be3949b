//! `thanos-store.yaml`: the StatefulSet and headless Service of Store.

use k8s_openapi::api::{apps::v1::StatefulSet, core::v1::Service, policy::v1::PodDisruptionBudget};
use thanos_model::{Component, Fleet};

use super::{
    common_flags,
    component::{ComponentContext, Port, ServiceKind, GRPC, HTTP},
    grpc_flag,
    pod::{objstore_flag, ObjectStorage, PodManagement, Spread, DATA_DIR},
};
use crate::{monitoring::ServiceMonitor, yaml::Documents};

/// The file the objects are written to.
pub const FILE: &str = "thanos-store.yaml";
const PORTS: &[Port] = &[GRPC, HTTP];

/// The objects of `thanos-store.yaml`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ThanosStore {
    /// `thanos-store`.
    pub stateful_set: StatefulSet,
    /// `thanos-store`, headless, so Query's DNS SRV lookup finds every Store pod.
    pub service: Service,
    /// `thanos-store`: central Prometheus scrapes it, when the fleet wants
    /// ServiceMonitors.
    pub service_monitor: Option<ServiceMonitor>,
    /// `thanos-store`, when it has more than one replica: a drain takes one pod at a time.
    pub pod_disruption_budget: Option<PodDisruptionBudget>,
}

impl ThanosStore {
    /// Builds the objects of a validated fleet.
    pub(crate) fn new(fleet: &Fleet) -> Self {
        let store = &fleet.central.store;
        let context = context(fleet);
        Self {
            stateful_set: context
                .pod(args(&context), &store.resources)
                .object_storage(ObjectStorage::Mounted)
                .spread(Spread::replicas(store.replicas))
                .stateful_set(
                    store.replicas,
                    context.name(),
                    &store.storage,
                    PodManagement::OrderedReady,
                ),
            service: context.service(ServiceKind::Headless),
            service_monitor: context.service_monitor(),
            pod_disruption_budget: context.pod_disruption_budget(store.replicas, 1),
        }
    }

    /// The file's documents, in order.
    pub(crate) fn documents(&self) -> Vec<String> {
        Documents::default()
            .one(&self.stateful_set)
            .one(&self.service)
            .all(&self.pod_disruption_budget)
            .all(&self.service_monitor)
            .into_vec()
    }
}

fn context(fleet: &Fleet) -> ComponentContext<'_> {
    ComponentContext::new(
        fleet,
        Component::Store,
        fleet.central.store.image.as_ref(),
        PORTS,
    )
}

/// Store's StoreAPI, as Query resolves it.
pub(crate) fn store_api(fleet: &Fleet) -> String {
    let context = context(fleet);
    context.store_api(context.name())
}

fn args(context: &ComponentContext) -> Vec<String> {
    let mut args = common_flags("store", HTTP);
    args.push(grpc_flag());
    args.push(format!("--data-dir={DATA_DIR}"));
    args.push(objstore_flag(context));
    args.extend(memory_flags(&context.fleet.central.store.resources));
    args
}

/// Store's caches sized to its memory limit: Thanos's defaults (a 2GB chunk pool and a
/// 250MB index cache) outgrow the limits a small Store is given, and the kernel kills the
/// pod under load. Half the limit for the chunk pool and an eighth for the index cache
/// leave the rest to the Go runtime and the index headers.
fn memory_flags(resources: &thanos_model::Resources) -> Vec<String> {
    let Some(limit) = resources.memory_limit_bytes() else {
        return Vec::new();
    };
    // kingpin reads `MB` as 2^20 bytes.
    let mib = |bytes: u64| (bytes >> 20).max(1);
    vec![
        format!("--chunk-pool-size={}MB", mib(limit / 2)),
        format!("--index-cache-size={}MB", mib(limit / 8)),
    ]
}

#[cfg(test)]
mod tests {
    use thanos_model::Resources;

    use super::memory_flags;

    #[test]
    fn caches_fit_the_memory_limit() {
        assert_eq!(
            memory_flags(&Resources::new("100m", "512Mi", "1", "2Gi")),
            ["--chunk-pool-size=1024MB", "--index-cache-size=256MB"]
        );
        assert_eq!(
            memory_flags(&Resources::new("100m", "256Mi", "1", "1G")),
            ["--chunk-pool-size=476MB", "--index-cache-size=119MB"]
        );
    }
}
