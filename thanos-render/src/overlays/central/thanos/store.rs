//! `thanos-store.yaml`: the StatefulSet and headless Service of Store.

use k8s_openapi::api::{apps::v1::StatefulSet, core::v1::Service, policy::v1::PodDisruptionBudget};
use thanos_model::{Component, Fleet};

use super::{
    common_flags, grpc_flag, store_api_srv, GRPC_PORT, GRPC_PORT_NAME, HTTP_PORT, HTTP_PORT_NAME,
};
use crate::{
    monitoring::{ServiceMonitor, Target},
    workload::{self, ServiceKind, ThanosPod, DATA_DIR},
    yaml,
};

const COMPONENT: Component = Component::Store;
/// The file the objects are written to.
pub const FILE: &str = "thanos-store.yaml";

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
        Self {
            pod_disruption_budget: workload::pod_disruption_budget(
                fleet,
                COMPONENT,
                image(fleet),
                fleet.central.store.replicas,
                1,
            ),
            service_monitor: super::monitoring::service_monitor(fleet, Target::Store),
            stateful_set: stateful_set(fleet),
            service: service(fleet),
        }
    }

    /// The file's documents, in order.
    pub(crate) fn documents(&self) -> Vec<String> {
        let mut documents = vec![
            yaml::to_yaml(&self.stateful_set),
            yaml::to_yaml(&self.service),
        ];
        documents.extend(self.pod_disruption_budget.iter().map(yaml::to_yaml));
        documents.extend(self.service_monitor.iter().map(yaml::to_yaml));
        documents
    }
}

/// Store's StoreAPI, as Query resolves it.
pub(crate) fn store_api(fleet: &Fleet) -> String {
    store_api_srv(fleet, COMPONENT.name())
}

fn image(fleet: &Fleet) -> &thanos_model::ThanosImage {
    fleet.image(fleet.central.store.image.as_ref())
}

fn stateful_set(fleet: &Fleet) -> StatefulSet {
    let store = &fleet.central.store;
    let mut args = common_flags("store", HTTP_PORT);
    args.push(grpc_flag());
    args.push(format!("--data-dir={DATA_DIR}"));
    args.push(workload::objstore_flag(fleet));
    args.extend(memory_flags(&store.resources));

    ThanosPod {
        fleet,
        component: COMPONENT,
        image: image(fleet),
        args,
        resources: &store.resources,
        ports: workload::grpc_and_http_ports(HTTP_PORT),
        env: Vec::new(),
        volumes: Vec::new(),
        objstore: true,
        termination_grace_period: None,
        spread: store.replicas > 1,
    }
    .stateful_set(store.replicas, COMPONENT.name(), &store.storage, false)
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

fn service(fleet: &Fleet) -> Service {
    workload::service(
        fleet,
        COMPONENT,
        image(fleet),
        COMPONENT.name(),
        ServiceKind::Headless,
        vec![
            workload::service_port(GRPC_PORT_NAME, GRPC_PORT),
            workload::service_port(HTTP_PORT_NAME, HTTP_PORT),
        ],
    )
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
