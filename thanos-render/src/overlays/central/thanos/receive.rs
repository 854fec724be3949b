//! `thanos-receive.yaml`: the hashring ConfigMap, StatefulSet, Services and Ingress of
//! Receive, and the names the edges and Query reach it by.

use std::fmt;

use k8s_openapi::api::{
    apps::v1::StatefulSet,
    core::v1::{ConfigMap, Service},
};
use serde::Serialize;
use thanos_model::{labels, Component, Fleet};

use super::{
    common_flags,
    component::{ComponentContext, Port, ServiceKind, SharedObjects, GRPC, HTTP},
    grpc_flag, label_flag,
    pod::{field_env, objstore_flag, ObjstoreSecret, PodManagement, DATA_DIR},
    read_limit_flags, replica_label_flag, service_domain, store_api_srv,
};
use crate::yaml::Documents;

const COMPONENT: Component = Component::Receive;
/// The file the objects are written to.
pub const FILE: &str = "thanos-receive.yaml";
/// Receive's remote-write port, on the container, the Services and the Ingress backend.
pub(crate) const REMOTE_WRITE: Port = Port {
    name: "remote-write",
    number: 19291,
};
const PORTS: &[Port] = &[GRPC, HTTP, REMOTE_WRITE];
/// The remote-write path, behind the Ingress too.
const REMOTE_WRITE_PATH: &str = "/api/v1/receive";
const HASHRING: &str = "hashring";
const HASHRING_FILE: &str = "hashrings.json";
const HASHRING_DIR: &str = "/etc/thanos/hashring";
/// The environment variable holding the pod's name, which the replica label and the local
/// endpoint are made of.
const POD_NAME_ENV: &str = "NAME";
/// Receive flushes its head block on shutdown; give it time.
const TERMINATION_GRACE_SECONDS: i64 = 900;

/// The objects of `thanos-receive.yaml`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ThanosReceive {
    /// `thanos-receive-hashring`: the `--receive.hashrings-file`, exactly the
    /// StatefulSet's pods.
    pub hashring: ConfigMap,
    /// `thanos-receive`.
    pub stateful_set: StatefulSet,
    /// `thanos-receive-headless`: names the pods (hashring endpoints, Query's lookup).
    pub headless_service: Service,
    /// Its Service is one address for the Ingress, where the edges write; a drain takes
    /// no more pods than writes tolerate (see `drainable_replicas`).
    pub shared: SharedObjects,
    remote_write_url: Option<RemoteWriteUrl>,
}

impl ThanosReceive {
    /// Builds the objects of a validated fleet.
    pub(crate) fn new(fleet: &Fleet) -> Self {
        let context = ComponentContext::new(fleet, COMPONENT, PORTS);
        let receive = &fleet.central.receive;
        let hashring = context.config_map_name(HASHRING);
        Self {
            hashring: hashring_config_map(&context),
            stateful_set: context
                .pod(args(&context))
                .env(field_env(POD_NAME_ENV, "metadata.name"))
                .config_map_volume(HASHRING, &hashring, HASHRING_DIR)
                .objstore(ObjstoreSecret::Mounted)
                .termination_grace_period(TERMINATION_GRACE_SECONDS)
                .stateful_set(
                    &context.headless_service_name(),
                    &receive.storage,
                    PodManagement::Parallel,
                ),
            headless_service: context.headless_service(),
            shared: context
                .shared_objects(ServiceKind::ClusterIp)
                .ingress(context.ingress(receive.ingress.as_ref(), REMOTE_WRITE))
                .pod_disruption_budget(context.pod_disruption_budget(drainable_replicas(fleet))),
            remote_write_url: RemoteWriteUrl::new(fleet),
        }
    }

    /// Where the edge agents remote-write, through Receive's Ingress; `None` when Receive
    /// has no Ingress, which validation refuses while the fleet has edges.
    #[must_use]
    pub fn remote_write_url(&self) -> Option<&RemoteWriteUrl> {
        self.remote_write_url.as_ref()
    }

    /// The file's documents, in order.
    pub(crate) fn documents(&self) -> Vec<String> {
        let documents = Documents::default()
            .one(&self.hashring)
            .one(&self.stateful_set)
            .one(&self.headless_service);
        self.shared.add_to(documents).into_vec()
    }
}

/// The URL the edge agents remote-write to: Receive's Ingress host and the remote-write
/// path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteWriteUrl {
    url: String,
}

impl RemoteWriteUrl {
    /// The one place the remote-write URL is derived: `http://<Receive's Ingress host>`
    /// and the remote-write path; `None` when Receive has no Ingress.
    fn new(fleet: &Fleet) -> Option<Self> {
        let ingress = fleet.central.receive.ingress.as_ref()?;
        Some(Self {
            url: format!(
                "http://{}{REMOTE_WRITE_PATH}",
                fleet.ingress_host(ingress, Component::Receive)
            ),
        })
    }

    /// The URL as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.url
    }
}

impl fmt::Display for RemoteWriteUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

/// Receive's StoreAPI, as Query resolves it: every pod, through the headless Service.
pub(crate) fn store_api(fleet: &Fleet) -> String {
    let context = ComponentContext::new(fleet, COMPONENT, PORTS);
    store_api_srv(fleet, &context.headless_service_name())
}

/// How many Receive pods may be down while every write still reaches its quorum of
/// `factor / 2 + 1` copies: `factor - quorum`, at least one, so that a drain can proceed
/// (with a factor of 1 or 2 a drained pod's share of writes fails until it is back, and
/// the agents retry).
fn drainable_replicas(fleet: &Fleet) -> u32 {
    let factor = fleet.central.receive.replication_factor;
    factor.saturating_sub(factor / 2 + 1).max(1)
}

/// The gRPC endpoint of the Receive pod named `pod`: the one string both the hashring and
/// that pod's `--receive.local-endpoint` hold, so each pod finds itself in the ring.
fn endpoint(context: &ComponentContext, pod: &str) -> String {
    format!(
        "{pod}.{}.{}:{}",
        context.headless_service_name(),
        service_domain(context.fleet),
        GRPC.number
    )
}

/// The hashring's endpoints: exactly the StatefulSet's pods, in ordinal order. The one
/// place the hashring is derived.
fn hashring_endpoints(context: &ComponentContext) -> Vec<String> {
    (0..context.fleet.central.receive.replicas)
        .map(|ordinal| endpoint(context, &format!("{}-{ordinal}", context.name())))
        .collect()
}

/// One hashring of the `--receive.hashrings-file`.
#[derive(Serialize)]
struct Hashring<'a> {
    hashring: &'a str,
    algorithm: &'a str,
    endpoints: Vec<String>,
}

fn hashring_config_map(context: &ComponentContext) -> ConfigMap {
    let hashrings = [Hashring {
        hashring: "default",
        algorithm: context.fleet.central.receive.hashring_algorithm.as_str(),
        endpoints: hashring_endpoints(context),
    }];
    let json = serde_json::to_string_pretty(&hashrings)
        .unwrap_or_else(|error| unreachable!("a hashring always serializes: {error}"));
    context.config_map(HASHRING, HASHRING_FILE, json + "\n")
}

fn args(context: &ComponentContext) -> Vec<String> {
    let receive = &context.fleet.central.receive;
    let mut args = common_flags("receive", HTTP);
    args.push(grpc_flag());
    args.push(format!(
        "--remote-write.address=0.0.0.0:{}",
        REMOTE_WRITE.number
    ));
    args.push(format!("--tsdb.path={DATA_DIR}"));
    args.push(format!("--tsdb.retention={}", receive.retention));
    args.push(objstore_flag(context));
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
    args.push(format!(
        "--receive.local-endpoint={}",
        endpoint(context, &format!("$({POD_NAME_ENV})"))
    ));
    args.extend(
        context
            .fleet
            .central
            .read_limits
            .iter()
            .flat_map(read_limit_flags),
    );
    args
}

#[cfg(test)]
mod tests {
    use thanos_model::{seed::seed, Central, Receive};

    use super::drainable_replicas;

    #[test]
    fn a_drain_never_takes_more_receive_pods_than_the_write_quorum_spares() {
        for (replicas, factor, drainable) in [(1, 1, 1), (2, 2, 1), (3, 3, 1), (5, 5, 2), (6, 3, 1)]
        {
            let fleet = seed(1)
                .central(
                    Central::new("central")
                        .context("central")
                        .api_address("10.0.0.1")
                        .receive(
                            Receive::default()
                                .replicas(replicas)
                                .replication_factor(factor),
                        ),
                )
                .build()
                .expect("valid");
            assert_eq!(drainable_replicas(&fleet), drainable, "factor {factor}");
        }
    }
}
