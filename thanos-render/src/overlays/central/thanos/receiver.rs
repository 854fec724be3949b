//! `thanos-receiver.yaml`: the hashring ConfigMap, StatefulSet, Services and Ingress of
//! Receive.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ConfigMap;
use serde::Serialize;
use thanos_model::{labels, ports, Component, Fleet};

use super::{common_flags, grpc_flag, label_flag, replica_label_flag};
use crate::{
    workload::{self, ServiceKind, ThanosPod, DATA_DIR},
    yaml,
};

const COMPONENT: Component = Component::Receive;
const HASHRING_FILE: &str = "hashrings.json";
const HASHRING_DIR: &str = "/etc/thanos/hashring";
/// Receive flushes its head block on shutdown; give it time.
const TERMINATION_GRACE_SECONDS: i64 = 900;

/// One hashring of the `--receive.hashrings-file`.
#[derive(Serialize)]
struct Hashring<'a> {
    hashring: &'a str,
    algorithm: &'a str,
    endpoints: Vec<String>,
}

/// Renders the file.
pub(crate) fn render(fleet: &Fleet) -> String {
    let receive = &fleet.central.receive;
    let image = fleet.image(receive.image.as_ref());
    let labels = workload::labels(COMPONENT, image);
    let headless = fleet.receive_headless_service();
    let hashring_config_map = format!("{}-hashring", COMPONENT.name());

    let hashrings = [Hashring {
        hashring: "default",
        algorithm: receive.hashring_algorithm.as_str(),
        endpoints: fleet.receive_hashring(),
    }];
    let hashring_json = serde_json::to_string_pretty(&hashrings)
        .unwrap_or_else(|error| unreachable!("a hashring always serializes: {error}"));
    let config_map = ConfigMap {
        metadata: workload::metadata(fleet, &hashring_config_map, labels.clone()),
        data: Some(BTreeMap::from([(
            HASHRING_FILE.to_owned(),
            hashring_json + "\n",
        )])),
        ..ConfigMap::default()
    };

    let mut args = common_flags("receive", ports::HTTP);
    args.push(grpc_flag());
    args.push(format!(
        "--remote-write.address=0.0.0.0:{}",
        ports::REMOTE_WRITE
    ));
    args.push(format!("--tsdb.path={DATA_DIR}"));
    args.push(format!("--tsdb.retention={}", receive.retention));
    args.push(workload::objstore_flag(fleet));
    args.push(replica_label_flag(labels::RECEIVE_REPLICA));
    args.extend(
        receive
            .labels
            .iter()
            .map(|(name, value)| label_flag(name, value)),
    );
    args.push(format!(
        "--receive.replication-factor={}",
        receive.replication_factor
    ));
    args.push(format!(
        "--receive.hashrings-file={HASHRING_DIR}/{HASHRING_FILE}"
    ));
    args.push(format!(
        "--receive.hashrings-algorithm={}",
        receive.hashring_algorithm.as_str()
    ));
    // The same string the hashring lists for this pod, with the pod name filled in.
    args.push(format!(
        "--receive.local-endpoint=$(NAME).{headless}.{}:{}",
        fleet.service_domain(),
        ports::GRPC
    ));

    let mut container_ports = workload::grpc_and_http_ports(ports::HTTP);
    container_ports.push(workload::port("remote-write", ports::REMOTE_WRITE));

    let stateful_set = ThanosPod {
        fleet,
        component: COMPONENT,
        image,
        args,
        resources: &receive.resources,
        ports: container_ports,
        env: vec![workload::field_env("NAME", "metadata.name")],
        volumes: vec![workload::config_map_volume(
            "hashring",
            &hashring_config_map,
            HASHRING_DIR,
        )],
        objstore: true,
        termination_grace_period: Some(TERMINATION_GRACE_SECONDS),
        spread: receive.replicas > 1,
    }
    .stateful_set(receive.replicas, &headless, &receive.storage, true);

    let service_ports = || {
        vec![
            workload::service_port("grpc", ports::GRPC),
            workload::service_port("http", ports::HTTP),
            workload::service_port("remote-write", ports::REMOTE_WRITE),
        ]
    };
    let headless_service = workload::service(
        fleet,
        COMPONENT,
        image,
        &headless,
        ServiceKind::HeadlessWithUnready,
        service_ports(),
    );
    let service = workload::service(
        fleet,
        COMPONENT,
        image,
        COMPONENT.name(),
        ServiceKind::ClusterIp,
        service_ports(),
    );

    let mut documents = vec![
        yaml::to_yaml(&config_map),
        yaml::to_yaml(&stateful_set),
        yaml::to_yaml(&headless_service),
        yaml::to_yaml(&service),
    ];
    if let Some(ingress) = &receive.ingress {
        documents.push(yaml::to_yaml(&workload::ingress(
            fleet,
            COMPONENT,
            image,
            ingress,
            "remote-write",
        )));
    }
    yaml::documents(documents)
}
