//! `thanos-store.yaml`: the StatefulSet and headless Service of Store.

use thanos_model::{ports, Component, Fleet};

use super::{common_flags, grpc_flag};
use crate::{
    workload::{self, ServiceKind, ThanosPod, DATA_DIR},
    yaml,
};

const COMPONENT: Component = Component::Store;

/// Renders the file.
pub(crate) fn render(fleet: &Fleet) -> String {
    let store = &fleet.central.store;
    let image = fleet.image(store.image.as_ref());

    let mut args = common_flags("store", ports::HTTP);
    args.push(grpc_flag());
    args.push(format!("--data-dir={DATA_DIR}"));
    args.push(workload::objstore_flag(fleet));

    let stateful_set = ThanosPod {
        fleet,
        component: COMPONENT,
        image,
        args,
        resources: &store.resources,
        ports: workload::grpc_and_http_ports(ports::HTTP),
        env: Vec::new(),
        volumes: Vec::new(),
        objstore: true,
        termination_grace_period: None,
        spread: store.replicas > 1,
    }
    .stateful_set(store.replicas, COMPONENT.name(), &store.storage, false);

    // Headless, so Query's DNS SRV lookup finds every Store pod.
    let service = workload::service(
        fleet,
        COMPONENT,
        image,
        COMPONENT.name(),
        ServiceKind::Headless,
        vec![
            workload::service_port("grpc", ports::GRPC),
            workload::service_port("http", ports::HTTP),
        ],
    );

    yaml::documents([yaml::to_yaml(&stateful_set), yaml::to_yaml(&service)])
}
