//! `thanos-store.yaml`: the StatefulSet and headless Service of Store.

use k8s_openapi::{
    api::apps::v1::{StatefulSet, StatefulSetSpec},
    apimachinery::pkg::apis::meta::v1::LabelSelector,
};
use thanos_model::{ports, Component, Fleet};

use super::{common_flags, grpc_flag};
use crate::{
    workload::{self, ThanosPod, DATA_DIR},
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

    let template = ThanosPod {
        fleet,
        component: COMPONENT,
        image,
        args,
        resources: &store.resources,
        ports: workload::grpc_and_http_ports(ports::HTTP),
        env: Vec::new(),
        volumes: Vec::new(),
        objstore: true,
        data: true,
        termination_grace_period: None,
        spread: store.replicas > 1,
    }
    .template();

    let stateful_set = StatefulSet {
        metadata: workload::metadata(fleet, COMPONENT.name(), workload::labels(COMPONENT, image)),
        spec: Some(StatefulSetSpec {
            replicas: Some(i32::try_from(store.replicas).unwrap_or(i32::MAX)),
            service_name: Some(COMPONENT.name().to_owned()),
            selector: LabelSelector {
                match_labels: Some(workload::selector_labels(COMPONENT)),
                ..LabelSelector::default()
            },
            template,
            volume_claim_templates: Some(vec![workload::data_claim(fleet, &store.storage)]),
            ..StatefulSetSpec::default()
        }),
        ..StatefulSet::default()
    };

    // Headless, so Query's DNS SRV lookup finds every Store pod.
    let service = workload::service(
        fleet,
        COMPONENT,
        image,
        COMPONENT.name(),
        true,
        vec![
            workload::service_port("grpc", ports::GRPC),
            workload::service_port("http", ports::HTTP),
        ],
    );

    yaml::documents([yaml::to_yaml(&stateful_set), yaml::to_yaml(&service)])
}
