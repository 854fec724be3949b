//! `thanos-query.yaml`: the endpoint ConfigMap, Deployment, Service and Ingress of Query,
//! and the StoreAPIs it fans out to ([`endpoints`]).

use k8s_openapi::api::{
    apps::v1::Deployment,
    core::v1::{ConfigMap, Service},
};
use serde::Serialize;
use thanos_model::{Component, Fleet};

use super::{
    common_flags,
    component::{
        self, ComponentContext, ConfigFile, Port, ServiceKind, SharedObjects, GRPC, PROMETHEUS,
    },
    grpc_flag,
    grpc_tls::{self, GrpcPeer},
    read_limit_flags, store_api_srv,
};
use crate::{
    overlays::{
        central::{
            network_policies::{self, Allow, Peer},
            ruler, sidecar_service,
        },
        FileObjects,
    },
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
const ENDPOINTS: ConfigFile = ConfigFile {
    suffix: "endpoints",
    file: "endpoints.yaml",
    dir: "/etc/thanos/query",
};

/// The objects of `thanos-query.yaml`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ThanosQuery {
    /// `thanos-query-endpoints`: the `--endpoint.sd-config-file` Query reads.
    pub endpoints: ConfigMap,
    /// `thanos-query`.
    pub deployment: Deployment,
    /// Its Service (gRPC and HTTP) and the Ingress the fleet gives it.
    pub shared: SharedObjects,
    /// `thanos-query-headless`, when the fleet has a Ruler: the ready pods, which the
    /// Ruler finds by DNS SRV.
    pub headless_service: Option<Service>,
}

impl ThanosQuery {
    /// Builds the objects of a validated fleet.
    pub(crate) fn new(fleet: &Fleet) -> Self {
        let context = ComponentContext::new(fleet, Component::Query, PORTS);
        Self {
            endpoints: endpoints_config_map(&context),
            deployment: grpc_tls::volume(fleet, context.pod(args(fleet)), GrpcPeer::Query)
                .config_file(ENDPOINTS)
                .deployment(),
            shared: context
                .shared_objects(
                    ServiceKind::ClusterIp,
                    &[Allow {
                        from: &readers(fleet),
                        ports: &[HTTP.number],
                    }],
                )
                .ingress(context.tls_ingress(fleet.central.query.ingress.as_ref(), HTTP)),
            headless_service: fleet
                .central
                .ruler
                .is_some()
                .then(|| context.ready_headless_service()),
        }
    }
}

impl FileObjects for ThanosQuery {
    fn add_to(&self, documents: Documents) -> Documents {
        let documents = documents.one(&self.endpoints).one(&self.deployment);
        self.shared.add_to(documents).all(&self.headless_service)
    }
}

/// Who may read Query's HTTP API: Grafana, the Ruler, the query-frontend when the fleet
/// has one, Prometheus (its metrics), and with an Ingress its controller.
fn readers(fleet: &Fleet) -> Vec<Peer> {
    let optional = |present: bool, peer: Peer| present.then_some(peer);
    [
        Peer::Chart(network_policies::GRAFANA),
        Peer::Chart(network_policies::THANOS_RULER),
    ]
    .into_iter()
    .chain(optional(
        fleet.central.query_frontend.is_some(),
        Peer::Thanos(Component::QueryFrontend),
    ))
    .chain([PROMETHEUS])
    .chain(optional(
        fleet.central.query.ingress.is_some(),
        Peer::IngressController,
    ))
    .collect()
}

/// The in-cluster URL of Query's HTTP API, Grafana's default datasource.
pub(crate) fn url(fleet: &Fleet) -> String {
    super::service_url(fleet, Component::Query.name(), HTTP.number)
}

/// Query's HTTP API as the Ruler reaches it: a DNS SRV lookup of the headless Service,
/// which the Ruler repeats every 30s (`--query.sd-dns-interval`), so it knows every
/// ready pod; each evaluation tries them in random order until one answers.
pub(crate) fn ruler_address(fleet: &Fleet) -> String {
    super::dns_srv(
        fleet,
        HTTP.name,
        &component::headless_service_name(Component::Query),
    )
}

/// The StoreAPI servers Query fans out to, each with the headless Service in front of
/// its pods: the sidecars, the Receive pods, the Store pods (every shard's) and the
/// Ruler's, with a Ruler. The one place they are listed: Query's [`endpoints`] and the
/// servers' gRPC certificates read it.
pub(crate) fn store_api_servers(fleet: &Fleet) -> Vec<(GrpcPeer, String)> {
    let mut servers = vec![
        (GrpcPeer::Sidecar, sidecar_service(fleet)),
        (
            GrpcPeer::Receive,
            component::headless_service_name(Component::Receive),
        ),
        (GrpcPeer::Store, Component::Store.name().to_owned()),
    ];
    servers.extend(ruler::governing_service(fleet).map(|service| (GrpcPeer::Ruler, service)));
    servers
}

/// The StoreAPIs Query fans out to, as DNS SRV lookups of headless Services so that every
/// pod is found ([`store_api_servers`]). The one place Query's endpoints are derived.
pub(crate) fn endpoints(fleet: &Fleet) -> Vec<String> {
    store_api_servers(fleet)
        .iter()
        .map(|(_, service)| store_api_srv(fleet, service))
        .collect()
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
    context.config_map(ENDPOINTS, yaml::to_yaml(&config))
}

fn args(fleet: &Fleet) -> Vec<String> {
    let mut args = common_flags("query", HTTP);
    args.push(grpc_flag());
    args.extend(grpc_tls::query_flags(fleet));
    args.push(format!("--endpoint.sd-config-file={}", ENDPOINTS.path()));
    args.extend(
        fleet
            .query_replica_labels()
            .iter()
            .map(|label| format!("--query.replica-label={label}")),
    );
    args.push("--query.auto-downsampling".to_owned());
    let query = &fleet.central.query;
    if !query.cors {
        args.push("--web.disable-cors".to_owned());
    }
    if let Some(timeout) = &query.timeout {
        args.push(format!("--query.timeout={timeout}"));
    }
    if let Some(max) = query.max_concurrent {
        args.push(format!("--query.max-concurrent={max}"));
    }
    if let Some(timeout) = &query.store_response_timeout {
        args.push(format!("--store.response-timeout={timeout}"));
    }
    if let Some(limits) = &fleet.central.read_limits {
        args.extend(read_limit_flags(limits));
    }
    args
}
