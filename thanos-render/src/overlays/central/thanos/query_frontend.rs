//! `thanos-query-frontend.yaml`: the results-cache ConfigMap, Deployment and Service of
//! the query-frontend in front of Query, and its cache workload when the cache is
//! memcached or Redis.

use k8s_openapi::api::{apps::v1::Deployment, core::v1::ConfigMap};
use thanos_model::{Component, Fleet, QueryFrontend};

use super::{
    cache::{self, CacheWorkload},
    common_flags,
    component::{
        ComponentContext, ComponentOptions, ConfigFile, Port, ServiceKind, SharedObjects,
        PROMETHEUS,
    },
    query, service_url,
};
use crate::{
    overlays::{
        central::network_policies::{self, Allow, Peer},
        FileObjects,
    },
    yaml::Documents,
};

const COMPONENT: Component = Component::QueryFrontend;
/// The file the objects are written to.
pub const FILE: &str = "thanos-query-frontend.yaml";
/// HTTP port of the query-frontend: Query's API on Query's port, so a datasource or a
/// port-forward moves from one to the other by its host alone.
pub(crate) const HTTP: Port = query::HTTP;
const PORTS: &[Port] = &[HTTP];
const CACHE: ConfigFile = ConfigFile {
    suffix: "results-cache",
    file: "results-cache.yaml",
    dir: "/etc/thanos/query-frontend",
};

/// The objects of `thanos-query-frontend.yaml`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ThanosQueryFrontend {
    /// `thanos-query-frontend-results-cache`: the `--query-range.response-cache-config-file`.
    pub results_cache: ConfigMap,
    /// `thanos-query-frontend`.
    pub deployment: Deployment,
    /// Its Service, ServiceAccount, PodDisruptionBudget, ServiceMonitor, NetworkPolicy.
    pub shared: SharedObjects,
    /// `thanos-query-frontend-cache`, when the results cache is memcached or Redis.
    pub cache: Option<CacheWorkload>,
}

impl ThanosQueryFrontend {
    /// Builds the objects of a validated fleet; `None` when it has no query-frontend.
    pub(crate) fn new(fleet: &Fleet) -> Option<Self> {
        let frontend = fleet.central.query_frontend.as_ref()?;
        let options = ComponentOptions {
            image: frontend.image.as_ref(),
            replicas: frontend.replicas,
            resources: frontend.resources.clone(),
        };
        let context = ComponentContext::with_options(fleet, COMPONENT, PORTS, options);
        Some(Self {
            results_cache: context.config_map(
                CACHE,
                cache::config(fleet, COMPONENT, &frontend.results_cache),
            ),
            deployment: context
                .pod(args(fleet, frontend))
                .config_file(CACHE)
                .deployment(),
            // Grafana reads it; Prometheus its metrics, on the same port.
            shared: context.shared_objects(
                ServiceKind::ClusterIp,
                &[Allow {
                    from: &[Peer::Chart(network_policies::GRAFANA), PROMETHEUS],
                    ports: &[HTTP.number],
                }],
            ),
            cache: CacheWorkload::new(fleet, COMPONENT, &frontend.results_cache),
        })
    }
}

impl FileObjects for ThanosQueryFrontend {
    fn add_to(&self, documents: Documents) -> Documents {
        let documents = documents.one(&self.results_cache).one(&self.deployment);
        self.cache.add_to(self.shared.add_to(documents))
    }
}

/// The URL Grafana's Thanos datasource reads: the query-frontend's when the fleet has
/// one, else Query's.
pub(crate) fn datasource_url(fleet: &Fleet) -> String {
    match fleet.central.query_frontend {
        Some(_) => service_url(fleet, COMPONENT.name(), HTTP.number),
        None => query::url(fleet),
    }
}

fn args(fleet: &Fleet, frontend: &QueryFrontend) -> Vec<String> {
    let mut args = common_flags("query-frontend", HTTP);
    args.push(format!(
        "--query-frontend.downstream-url={}",
        query::url(fleet)
    ));
    args.push("--query-frontend.compress-responses".to_owned());
    args.push(format!(
        "--query-range.split-interval={}",
        frontend.split_interval
    ));
    let retries = frontend.max_retries;
    args.push(format!("--query-range.max-retries-per-request={retries}"));
    args.push(format!("--query.max-retries-per-request={retries}"));
    args.push(format!(
        "--query-range.response-cache-config-file={}",
        CACHE.path()
    ));
    if !fleet.central.query.cors {
        args.push("--web.disable-cors".to_owned());
    }
    args
}
