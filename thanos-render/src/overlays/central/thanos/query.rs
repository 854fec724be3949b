//! `thanos-query.yaml`: the endpoint ConfigMap, Deployment, Service and Ingress of Query.

use std::collections::BTreeMap;

use k8s_openapi::api::{
    apps::v1::Deployment,
    core::v1::{ConfigMap, Service},
    networking::v1::Ingress,
    policy::v1::PodDisruptionBudget,
};
use serde::Serialize;
use thanos_model::{Component, Fleet};

use super::{
    common_flags, grpc_flag, receive, service_domain, store, GRPC_PORT, GRPC_PORT_NAME,
    HTTP_PORT_NAME,
};
use crate::{
    monitoring::{ServiceMonitor, Target},
    overlays::central::{ruler, sidecar_store_api},
    workload::{self, ServiceKind, ThanosPod},
    yaml,
};

const COMPONENT: Component = Component::Query;
/// The file the objects are written to.
pub const FILE: &str = "thanos-query.yaml";
/// HTTP port Query serves its API and UI on, as Prometheus does, so the seed's
/// `localhost:9090` port-forwards keep working.
pub const HTTP_PORT: u16 = 9090;
const ENDPOINTS_FILE: &str = "endpoints.yaml";
const ENDPOINTS_DIR: &str = "/etc/thanos/query";

/// The objects of `thanos-query.yaml`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ThanosQuery {
    /// `thanos-query-endpoints`: the `--endpoint.sd-config-file` Query reads.
    pub endpoints: ConfigMap,
    /// `thanos-query`.
    pub deployment: Deployment,
    /// `thanos-query`: gRPC and HTTP.
    pub service: Service,
    /// `thanos-query`, when the fleet gives Query an Ingress.
    pub ingress: Option<Ingress>,
    /// `thanos-query`: central Prometheus scrapes it, when the fleet wants
    /// ServiceMonitors.
    pub service_monitor: Option<ServiceMonitor>,
    /// `thanos-query`, when it has more than one replica: a drain takes one pod at a time.
    pub pod_disruption_budget: Option<PodDisruptionBudget>,
}

impl ThanosQuery {
    /// Builds the objects of a validated fleet.
    pub(crate) fn new(fleet: &Fleet) -> Self {
        Self {
            pod_disruption_budget: workload::pod_disruption_budget(
                fleet,
                COMPONENT,
                image(fleet),
                fleet.central.query.replicas,
                1,
            ),
            service_monitor: super::monitoring::service_monitor(fleet, Target::Query),
            endpoints: endpoints_config_map(fleet),
            deployment: deployment(fleet),
            service: service(fleet),
            ingress: fleet.central.query.ingress.as_ref().map(|ingress| {
                workload::ingress(fleet, COMPONENT, image(fleet), ingress, HTTP_PORT_NAME)
            }),
        }
    }

    /// The file's documents, in order.
    pub(crate) fn documents(&self) -> Vec<String> {
        let mut documents = vec![
            yaml::to_yaml(&self.endpoints),
            yaml::to_yaml(&self.deployment),
            yaml::to_yaml(&self.service),
        ];
        documents.extend(self.ingress.iter().map(yaml::to_yaml));
        documents.extend(self.pod_disruption_budget.iter().map(yaml::to_yaml));
        documents.extend(self.service_monitor.iter().map(yaml::to_yaml));
        documents
    }
}

/// The in-cluster URL of Query's HTTP API, Grafana's default datasource.
pub(crate) fn url(fleet: &Fleet) -> String {
    format!("http://{}", http_address(fleet))
}

/// Query's HTTP API as `host:port`, where the Ruler sends its queries.
pub(crate) fn http_address(fleet: &Fleet) -> String {
    format!("{}.{}:{HTTP_PORT}", COMPONENT.name(), service_domain(fleet))
}

/// The StoreAPIs Query fans out to, as DNS SRV lookups of headless Services so that every
/// pod is found: the sidecars, the Receive pods, the Store pods and the Ruler's.
pub(crate) fn endpoints(fleet: &Fleet) -> Vec<String> {
    let mut endpoints = vec![
        sidecar_store_api(fleet),
        receive::store_api(fleet),
        store::store_api(fleet),
    ];
    endpoints.extend(ruler::store_api(fleet));
    endpoints
}

fn image(fleet: &Fleet) -> &thanos_model::ThanosImage {
    fleet.image(fleet.central.query.image.as_ref())
}

fn endpoints_config_map_name() -> String {
    format!("{}-endpoints", COMPONENT.name())
}

/// The `--endpoint.sd-config` file.
#[derive(Serialize)]
struct EndpointsConfig {
    endpoints: Vec<Endpoint>,
}

#[derive(Serialize)]
struct Endpoint {
    address: String,
}

fn endpoints_config_map(fleet: &Fleet) -> ConfigMap {
    let config = EndpointsConfig {
        endpoints: endpoints(fleet)
            .into_iter()
            .map(|address| Endpoint { address })
            .collect(),
    };
    ConfigMap {
        metadata: workload::metadata(
            fleet,
            endpoints_config_map_name(),
            workload::labels(COMPONENT, image(fleet)),
        ),
        data: Some(BTreeMap::from([(
            ENDPOINTS_FILE.to_owned(),
            yaml::to_yaml(&config),
        )])),
        ..ConfigMap::default()
    }
}

fn deployment(fleet: &Fleet) -> Deployment {
    let query = &fleet.central.query;
    let mut args = common_flags("query", HTTP_PORT);
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

    ThanosPod {
        fleet,
        component: COMPONENT,
        image: image(fleet),
        args,
        resources: &query.resources,
        ports: workload::grpc_and_http_ports(HTTP_PORT),
        env: Vec::new(),
        volumes: vec![workload::config_map_volume(
            "endpoints",
            &endpoints_config_map_name(),
            ENDPOINTS_DIR,
        )],
        objstore: false,
        termination_grace_period: None,
        spread: query.replicas > 1,
    }
    .deployment(query.replicas)
}

fn service(fleet: &Fleet) -> Service {
    workload::service(
        fleet,
        COMPONENT,
        image(fleet),
        COMPONENT.name(),
        ServiceKind::ClusterIp,
        vec![
            workload::service_port(GRPC_PORT_NAME, GRPC_PORT),
            workload::service_port(HTTP_PORT_NAME, HTTP_PORT),
        ],
    )
}
