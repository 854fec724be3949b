//! `thanos-compactor.yaml`: the single-replica StatefulSet and headless Service of
//! Compactor.

use k8s_openapi::api::{apps::v1::StatefulSet, core::v1::Service};
use thanos_model::{labels, Component, Fleet};

use super::{common_flags, HTTP_PORT, HTTP_PORT_NAME};
use crate::{
    monitoring::{ServiceMonitor, Target},
    workload::{self, ServiceKind, ThanosPod, DATA_DIR},
    yaml,
};

const COMPONENT: Component = Component::Compactor;
/// The file the objects are written to.
pub const FILE: &str = "thanos-compactor.yaml";

/// The objects of `thanos-compactor.yaml`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ThanosCompactor {
    /// `thanos-compactor`, always one replica: two would compact the same blocks.
    pub stateful_set: StatefulSet,
    /// `thanos-compactor`, headless (metrics only).
    pub service: Service,
    /// `thanos-compactor`: central Prometheus scrapes it, when the fleet wants
    /// ServiceMonitors.
    pub service_monitor: Option<ServiceMonitor>,
}

impl ThanosCompactor {
    /// Builds the objects of a validated fleet.
    pub(crate) fn new(fleet: &Fleet) -> Self {
        Self {
            service_monitor: super::monitoring::service_monitor(fleet, Target::Compactor),
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
        documents.extend(self.service_monitor.iter().map(yaml::to_yaml));
        documents
    }
}

fn image(fleet: &Fleet) -> &thanos_model::ThanosImage {
    fleet.image(fleet.central.compactor.image.as_ref())
}

fn stateful_set(fleet: &Fleet) -> StatefulSet {
    let compactor = &fleet.central.compactor;
    let mut args = common_flags("compact", HTTP_PORT);
    args.push(format!("--data-dir={DATA_DIR}"));
    args.push(workload::objstore_flag(fleet));
    args.push("--wait".to_owned());
    args.push(format!(
        "--retention.resolution-raw={}",
        compactor.retention.raw
    ));
    args.push(format!(
        "--retention.resolution-5m={}",
        compactor.retention.five_minutes
    ));
    args.push(format!(
        "--retention.resolution-1h={}",
        compactor.retention.one_hour
    ));
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

    ThanosPod {
        fleet,
        component: COMPONENT,
        image: image(fleet),
        args,
        resources: &compactor.resources,
        ports: vec![workload::port(HTTP_PORT_NAME, HTTP_PORT)],
        env: Vec::new(),
        volumes: Vec::new(),
        objstore: true,
        termination_grace_period: None,
        spread: false,
    }
    .stateful_set(1, COMPONENT.name(), &compactor.storage, false)
}

fn service(fleet: &Fleet) -> Service {
    workload::service(
        fleet,
        COMPONENT,
        image(fleet),
        COMPONENT.name(),
        ServiceKind::Headless,
        vec![workload::service_port(HTTP_PORT_NAME, HTTP_PORT)],
    )
}
