//! A Thanos component's cache: the `type`/`config` file Thanos reads
//! ([`config`]), and for memcached or Redis the cache's own hardened workload
//! ([`CacheWorkload`]): ServiceAccount, Deployment, Service, NetworkPolicy.
//!
//! The workload of component `<name>` is `<name>-cache`; its pods keep nothing on disk
//! (memcached has none; Redis runs without snapshots or an append-only file), so a
//! restart empties the cache and loses nothing else.

use k8s_openapi::{
    api::{
        apps::v1::{Deployment, DeploymentSpec},
        core::v1::{
            Container, PodSpec, PodTemplateSpec, Probe, Service, ServiceAccount, TCPSocketAction,
        },
        networking::v1::NetworkPolicy,
        policy::v1::PodDisruptionBudget,
    },
    apimachinery::pkg::{apis::meta::v1::ObjectMeta, util::intstr::IntOrString},
};
use serde::Serialize;
use thanos_model::{Bytes, Cache, CacheBackend, Component, Fleet, Resources};

use super::{
    component::{
        disruption_budget, service, service_account, workload_labels, workload_selector_labels,
        Port, ServiceKind,
    },
    dns_srv,
    pod::{container_security_context, pod_security_context, replica_count},
    service_address,
};
use crate::{
    overlays::{
        self,
        central::network_policies::{self, Allow, Peer},
        FileObjects,
    },
    values::resource_requirements,
    yaml::{self, Documents},
};

const MEMCACHED: Port = Port {
    name: "memcached",
    number: 11_211,
};
const REDIS: Port = Port {
    name: "redis",
    number: 6379,
};

/// The cache file of `cache` for `user`'s pods (`--query-range.response-cache-config`,
/// `--index-cache.config`): in memory of `cache.size`, else the address of the cache
/// workload.
pub(crate) fn config(fleet: &Fleet, user: Component, cache: &Cache) -> String {
    let config = match cache.backend {
        CacheBackend::InMemory => CacheConfig {
            kind: "IN-MEMORY",
            config: BackendConfig::InMemory {
                max_size: megabytes(&cache.size),
            },
        },
        CacheBackend::Memcached => CacheConfig {
            kind: "MEMCACHED",
            config: BackendConfig::Memcached {
                addresses: vec![dns_srv(fleet, MEMCACHED.name, &name(user))],
            },
        },
        CacheBackend::Redis => CacheConfig {
            kind: "REDIS",
            config: BackendConfig::Redis {
                addr: service_address(fleet, &name(user), REDIS.number),
            },
        },
    };
    yaml::to_yaml(&config)
}

/// `bytes` in whole mebibytes, at least 1, as Thanos reads `MB` (2^20 bytes).
pub(crate) fn megabytes(bytes: &Bytes) -> String {
    format!("{}MB", (bytes.as_bytes() >> 20).max(1))
}

#[derive(Serialize)]
struct CacheConfig {
    #[serde(rename = "type")]
    kind: &'static str,
    config: BackendConfig,
}

#[derive(Serialize)]
#[serde(untagged)]
enum BackendConfig {
    InMemory { max_size: String },
    Memcached { addresses: Vec<String> },
    Redis { addr: String },
}

/// The name of the cache workload of `user`: `<name>-cache`.
fn name(user: Component) -> String {
    format!("{}-cache", user.name())
}

/// The memcached or Redis workload of a component's cache.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CacheWorkload {
    /// `<name>-cache`, when the fleet gives each workload its own ServiceAccount.
    pub service_account: Option<ServiceAccount>,
    /// `<name>-cache`: the cache pods.
    pub deployment: Deployment,
    /// `<name>-cache`: headless, so the memcached client finds every pod by DNS SRV.
    pub service: Service,
    /// `<name>-cache`, with more than one replica: a drain takes one cache pod at a
    /// time (each holds a share of the keys), and may always evict one that is not ready.
    pub pod_disruption_budget: Option<PodDisruptionBudget>,
    /// `<name>-cache`, when the fleet has NetworkPolicies: only the component reaches
    /// the cache port.
    pub network_policy: Option<NetworkPolicy>,
}

impl CacheWorkload {
    /// The workload of `user`'s cache, `None` for a cache in the component's memory.
    pub(crate) fn new(fleet: &Fleet, user: Component, cache: &Cache) -> Option<Self> {
        let port = match cache.backend {
            CacheBackend::InMemory => return None,
            CacheBackend::Memcached => MEMCACHED,
            CacheBackend::Redis => REDIS,
        };
        let name = name(user);
        let selector = workload_selector_labels(&name);
        let labels = workload_labels(&name, &format!("{}-cache", user.kind()));
        let metadata = || overlays::metadata(fleet, name.clone(), labels.clone());
        let service_accounts = fleet.security.service_accounts;
        Some(Self {
            service_account: service_accounts.then(|| service_account(metadata())),
            deployment: Deployment {
                metadata: metadata(),
                spec: Some(DeploymentSpec {
                    replicas: Some(replica_count(cache.replicas)),
                    selector: overlays::match_labels(selector.clone()),
                    template: PodTemplateSpec {
                        metadata: Some(ObjectMeta {
                            labels: Some(labels.clone()),
                            ..ObjectMeta::default()
                        }),
                        spec: Some(PodSpec {
                            automount_service_account_token: Some(false),
                            containers: vec![container(fleet, cache, port)],
                            service_account_name: service_accounts.then(|| name.clone()),
                            security_context: Some(pod_security_context()),
                            ..PodSpec::default()
                        }),
                    },
                    ..DeploymentSpec::default()
                }),
                ..Deployment::default()
            },
            service: service(metadata(), ServiceKind::Headless, &[port], selector.clone()),
            pod_disruption_budget: (cache.replicas > 1).then(|| {
                disruption_budget(metadata(), overlays::match_labels(selector.clone()), 1)
            }),
            network_policy: fleet.security.network_policies.then(|| {
                network_policies::policy(
                    fleet,
                    &name,
                    labels.clone(),
                    selector.clone(),
                    &[Allow {
                        from: &[Peer::Thanos(user)],
                        ports: &[port.number],
                    }],
                )
            }),
        })
    }
}

impl FileObjects for CacheWorkload {
    fn add_to(&self, documents: Documents) -> Documents {
        documents
            .all(&self.service_account)
            .one(&self.deployment)
            .one(&self.service)
            .all(&self.pod_disruption_budget)
            .all(&self.network_policy)
    }
}

/// The cache container: memcached or Redis told to use seven eighths of its memory limit
/// (the rest is its connections and its own bookkeeping), evicting the least recently
/// used entries, writing nothing to disk.
fn container(fleet: &Fleet, cache: &Cache, port: Port) -> Container {
    let usable = cache.size.as_bytes() / 8 * 7;
    let (name, args) = match cache.backend {
        CacheBackend::Redis => (
            "redis",
            [
                "redis-server",
                "--port",
                &port.number.to_string(),
                "--save",
                "",
                "--appendonly",
                "no",
                "--maxmemory",
                &usable.to_string(),
                "--maxmemory-policy",
                "allkeys-lru",
            ]
            .map(str::to_owned)
            .to_vec(),
        ),
        CacheBackend::InMemory | CacheBackend::Memcached => (
            "memcached",
            vec![
                format!("--port={}", port.number),
                format!("--memory-limit={}", (usable >> 20).max(1)),
                "--conn-limit=1024".to_owned(),
            ],
        ),
    };
    let probe = |period| Probe {
        tcp_socket: Some(TCPSocketAction {
            port: IntOrString::String(port.name.to_owned()),
            ..TCPSocketAction::default()
        }),
        period_seconds: Some(period),
        timeout_seconds: Some(1),
        ..Probe::default()
    };
    Container {
        name: name.to_owned(),
        image: Some(cache.image_reference()),
        image_pull_policy: Some(fleet.security.image_pull_policy.as_str().to_owned()),
        args: Some(args),
        ports: Some(vec![port.container_port()]),
        liveness_probe: Some(probe(30)),
        readiness_probe: Some(probe(5)),
        resources: Some(resource_requirements(
            &Resources::default().memory(cache.size.clone(), cache.size.clone()),
        )),
        security_context: Some(container_security_context()),
        termination_message_policy: Some("FallbackToLogsOnError".to_owned()),
        ..Container::default()
    }
}

#[cfg(test)]
mod tests {
    use thanos_model::{Cache, CacheBackend, Component};

    use super::config;

    /// Each backend's file: the size in memory, else the address of the cache workload's
    /// headless Service (every memcached pod by DNS SRV, Redis's one address).
    #[test]
    fn each_backend_s_file_names_its_size_or_its_workload() {
        let fleet = thanos_model::seed::seed(1)
            .build()
            .expect("the seed is valid");
        for (backend, expected) in [
            (
                CacheBackend::InMemory,
                "type: IN-MEMORY\nconfig:\n  max_size: 256MB\n",
            ),
            (
                CacheBackend::Memcached,
                "type: MEMCACHED\nconfig:\n  addresses:\n  - dnssrv+_memcached._tcp.thanos-store-cache.monitoring.svc\n",
            ),
            (
                CacheBackend::Redis,
                "type: REDIS\nconfig:\n  addr: thanos-store-cache.monitoring.svc:6379\n",
            ),
        ] {
            let cache = Cache::default().backend(backend);
            assert_eq!(config(&fleet, Component::Store, &cache), expected, "{backend:?}");
        }
    }
}
