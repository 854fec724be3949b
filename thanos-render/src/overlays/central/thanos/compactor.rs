//! `thanos-compactor.yaml`: the single-replica StatefulSet and headless Service of
//! Compactor.

use thanos_model::{labels, ports, Component, Fleet};

use super::common_flags;
use crate::{
    workload::{self, ServiceKind, ThanosPod, DATA_DIR},
    yaml,
};

const COMPONENT: Component = Component::Compactor;

/// Renders the file.
pub(crate) fn render(fleet: &Fleet) -> String {
    let compactor = &fleet.central.compactor;
    let image = fleet.image(compactor.image.as_ref());

    let mut args = common_flags("compact", ports::HTTP);
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

    // One compactor per bucket: two would compact the same blocks.
    let stateful_set = ThanosPod {
        fleet,
        component: COMPONENT,
        image,
        args,
        resources: &compactor.resources,
        ports: vec![workload::port("http", ports::HTTP)],
        env: Vec::new(),
        volumes: Vec::new(),
        objstore: true,
        termination_grace_period: None,
        spread: false,
    }
    .stateful_set(1, COMPONENT.name(), &compactor.storage, false);

    let service = workload::service(
        fleet,
        COMPONENT,
        image,
        COMPONENT.name(),
        ServiceKind::Headless,
        vec![workload::service_port("http", ports::HTTP)],
    );

    yaml::documents([yaml::to_yaml(&stateful_set), yaml::to_yaml(&service)])
}
