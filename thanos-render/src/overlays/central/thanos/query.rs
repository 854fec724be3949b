//! `thanos-query.yaml`: the endpoint ConfigMap, Deployment, Service and Ingress of Query.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ConfigMap;
use serde::Serialize;
use thanos_model::{ports, Component, Fleet};

use super::{common_flags, grpc_flag};
use crate::{
    workload::{self, ServiceKind, ThanosPod},
    yaml,
};

const COMPONENT: Component = Component::Query;
const ENDPOINTS_FILE: &str = "endpoints.yaml";
const ENDPOINTS_DIR: &str = "/etc/thanos/query";

/// The `--endpoint.sd-config` file: the StoreAPIs Query fans out to.
#[derive(Serialize)]
struct EndpointsConfig {
    endpoints: Vec<Endpoint>,
}

#[derive(Serialize)]
struct Endpoint {
    address: String,
}

/// Renders the file.
pub(crate) fn render(fleet: &Fleet) -> String {
    let query = &fleet.central.query;
    let image = fleet.image(query.image.as_ref());
    let labels = workload::labels(COMPONENT, image);
    let endpoints_config_map = format!("{}-endpoints", COMPONENT.name());

    let endpoints = EndpointsConfig {
        endpoints: fleet
            .query_endpoints()
            .into_iter()
            .map(|address| Endpoint { address })
            .collect(),
    };
    let config_map = ConfigMap {
        metadata: workload::metadata(fleet, &endpoints_config_map, labels.clone()),
        data: Some(BTreeMap::from([(
            ENDPOINTS_FILE.to_owned(),
            yaml::to_yaml(&endpoints),
        )])),
        ..ConfigMap::default()
    };

    let mut args = common_flags("query", ports::QUERY_HTTP);
    args.push(grpc_flag());
    args.push(format!(
        "--endpoint.sd-config-file={ENDPOINTS_DIR}/{ENDPOINTS_FILE}"
    ));
    args.extend(
        fleet
            .query_replica_labels()
            .iter()
            .map(|label| format!("--query.replica-label={label}")),
    );
    args.push("--query.auto-downsampling".to_owned());

    let deployment = ThanosPod {
        fleet,
        component: COMPONENT,
        image,
        args,
        resources: &query.resources,
        ports: workload::grpc_and_http_ports(ports::QUERY_HTTP),
        env: Vec::new(),
        volumes: vec![workload::config_map_volume(
            "endpoints",
            &endpoints_config_map,
            ENDPOINTS_DIR,
        )],
        objstore: false,
        termination_grace_period: None,
        spread: query.replicas > 1,
    }
    .deployment(query.replicas);

    let service = workload::service(
        fleet,
        COMPONENT,
        image,
        COMPONENT.name(),
        ServiceKind::ClusterIp,
        vec![
            workload::service_port("grpc", ports::GRPC),
            workload::service_port("http", ports::QUERY_HTTP),
        ],
    );

    let mut documents = vec![
        yaml::to_yaml(&config_map),
        yaml::to_yaml(&deployment),
        yaml::to_yaml(&service),
    ];
    if let Some(ingress) = &query.ingress {
        documents.push(yaml::to_yaml(&workload::ingress(
            fleet, COMPONENT, image, ingress, "http",
        )));
    }
    yaml::documents(documents)
}
