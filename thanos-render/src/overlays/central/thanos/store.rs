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
            pod_disruption_budget: (fleet.central.store.replicas > 1)
                .then(|| workload::pod_disruption_budget(fleet, COMPONENT, image(fleet), 1)),
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
