//! `thanos-query.yaml`: the endpoint ConfigMap, Deployment, Service and Ingress of Query,
//! and the StoreAPIs it fans out to ([`endpoints`]).

use k8s_openapi::api::{
    apps::v1::Deployment,
    core::v1::{ConfigMap, Service},
    networking::v1::Ingress,
    policy::v1::PodDisruptionBudget,
};
use serde::Serialize;
use thanos_model::{Component, Fleet};

use super::{
    common_flags,
    component::{ComponentContext, Port, ServiceKind, GRPC},
    grpc_flag,
    pod::Spread,
    receive, store,
};
use crate::{
    monitoring::ServiceMonitor,
    overlays::central::{ruler, sidecar_store_api},
    yaml::{self, Documents},
};

/// The file the objects are written to.
pub const FILE: &str = "thanos-query.yaml";
/// HTTP port Query serves its API and UI on, as Prometheus does, so the seed's
/// `localhost:9090` port-forwards keep working.
pub(crate) const HTTP: Port = Port {
    name: super::component::HTTP.name,
    number: 9090,
};
const PORTS: &[Port] = &[GRPC, HTTP];
const ENDPOINTS: &str = "endpoints";
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
        let query = &fleet.central.query;
        let context = ComponentContext::new(fleet, Component::Query, query.image.as_ref(), PORTS);
        Self {
            endpoints: endpoints_config_map(&context),
            deployment: context
                .pod(args(fleet), &query.resources)
                .config_map_volume(
                    ENDPOINTS,
                    &context.config_map_name(ENDPOINTS),
                    ENDPOINTS_DIR,
                )
                .spread(Spread::replicas(query.replicas))
                .deployment(query.replicas),
            service: context.service(ServiceKind::ClusterIp),
            ingress: context.ingress(query.ingress.as_ref(), HTTP),
            service_monitor: context.service_monitor(),
            pod_disruption_budget: context.pod_disruption_budget(query.replicas, 1),
        }
    }

    /// The file's documents, in order.
    pub(crate) fn documents(&self) -> Vec<String> {
        Documents::default()
            .one(&self.endpoints)
            .one(&self.deployment)
            .one(&self.service)
            .all(&self.ingress)
            .all(&self.pod_disruption_budget)
            .all(&self.service_monitor)
            .into_vec()
    }
}

/// The in-cluster URL of Query's HTTP API, Grafana's default datasource.
pub(crate) fn url(fleet: &Fleet) -> String {
    format!("http://{}", http_address(fleet))
}

/// Query's HTTP API as `host:port`, where the Ruler sends its queries.
pub(crate) fn http_address(fleet: &Fleet) -> String {
    format!(
        "{}.{}:{}",
        Component::Query.name(),
        super::service_domain(fleet),
        HTTP.number
    )
}

/// The StoreAPIs Query fans out to, as DNS SRV lookups of headless Services so that every
/// pod is found: the sidecars, the Receive pods, the Store pods and the Ruler's. The one
/// place Query's endpoints are derived.
pub(crate) fn endpoints(fleet: &Fleet) -> Vec<String> {
    let mut endpoints = vec![
        sidecar_store_api(fleet),
        receive::store_api(fleet),
        store::store_api(fleet),
    ];
    endpoints.extend(ruler::store_api(fleet));
    endpoints
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

fn endpoints_config_map(context: &ComponentContext) -> ConfigMap {
    let config = EndpointsConfig {
        endpoints: endpoints(context.fleet)
            .into_iter()
            .map(|address| Endpoint { address })
            .collect(),
    };
    context.config_map(ENDPOINTS, ENDPOINTS_FILE, yaml::to_yaml(&config))
}

fn args(fleet: &Fleet) -> Vec<String> {
    let mut args = common_flags("query", HTTP);
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
    args
}
