//! `thanos-receive.yaml`: the hashring ConfigMap, StatefulSet, Services and Ingress of
//! Receive, and the names the edges and Query reach it by.

use std::collections::BTreeMap;

use k8s_openapi::api::{
    apps::v1::StatefulSet,
    core::v1::{ConfigMap, Service},
    networking::v1::Ingress,
    policy::v1::PodDisruptionBudget,
};
use serde::Serialize;
use thanos_model::{labels, Component, Fleet};

use super::{
    common_flags, grpc_flag, label_flag, replica_label_flag, service_domain, store_api_srv,
    GRPC_PORT, GRPC_PORT_NAME, HTTP_PORT, HTTP_PORT_NAME,
};
use crate::{
    monitoring::{ServiceMonitor, Target},
    workload::{self, ServiceKind, ThanosPod, DATA_DIR},
    yaml,
};

const COMPONENT: Component = Component::Receive;
/// The file the objects are written to.
pub const FILE: &str = "thanos-receive.yaml";
/// Receive's remote-write port.
pub const REMOTE_WRITE_PORT: u16 = 19291;
/// Name of the remote-write port on the container, the Services and the Ingress backend.
pub const REMOTE_WRITE_PORT_NAME: &str = "remote-write";
/// The remote-write path, behind the Ingress too.
const REMOTE_WRITE_PATH: &str = "/api/v1/receive";
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
    /// `thanos-receive`: one address for the Ingress.
    pub service: Service,
    /// `thanos-receive`: where the edges write, when the fleet gives Receive an Ingress.
    pub ingress: Option<Ingress>,
    /// `thanos-receive`: central Prometheus scrapes it, when the fleet wants
    /// ServiceMonitors.
    pub service_monitor: Option<ServiceMonitor>,
    /// `thanos-receive`, when it has more than one replica: a drain takes no more pods
    /// than writes tolerate (see `drainable_replicas`).
    pub pod_disruption_budget: Option<PodDisruptionBudget>,
}

impl ThanosReceive {
    /// Builds the objects of a validated fleet.
    pub(crate) fn new(fleet: &Fleet) -> Self {
        Self {
            pod_disruption_budget: workload::pod_disruption_budget(
                fleet,
                COMPONENT,
                image(fleet),
                fleet.central.receive.replicas,
                drainable_replicas(fleet),
            ),
            service_monitor: super::monitoring::service_monitor(fleet, Target::Receive),
            hashring: hashring_config_map(fleet),
            stateful_set: stateful_set(fleet),
            headless_service: service(
                fleet,
                &headless_service_name(),
                ServiceKind::HeadlessWithUnready,
            ),
            service: service(fleet, COMPONENT.name(), ServiceKind::ClusterIp),
            ingress: fleet.central.receive.ingress.as_ref().map(|ingress| {
                workload::ingress(
                    fleet,
                    COMPONENT,
                    image(fleet),
                    ingress,
                    REMOTE_WRITE_PORT_NAME,
                )
            }),
        }
    }

    /// The file's documents, in order.
    pub(crate) fn documents(&self) -> Vec<String> {
        let mut documents = vec![
            yaml::to_yaml(&self.hashring),
            yaml::to_yaml(&self.stateful_set),
            yaml::to_yaml(&self.headless_service),
            yaml::to_yaml(&self.service),
        ];
        documents.extend(self.ingress.iter().map(yaml::to_yaml));
        documents.extend(self.pod_disruption_budget.iter().map(yaml::to_yaml));
        documents.extend(self.service_monitor.iter().map(yaml::to_yaml));
        documents
    }
}

/// The URL the edge agents remote-write to, through Receive's Ingress; `None` when Receive
/// has no Ingress (validation refuses that while the fleet has edges).
pub(crate) fn remote_write_url(fleet: &Fleet) -> Option<String> {
    let ingress = fleet.central.receive.ingress.as_ref()?;
    Some(format!(
        "http://{}{REMOTE_WRITE_PATH}",
        fleet.ingress_host(ingress, COMPONENT)
    ))
}

/// Receive's StoreAPI, as Query resolves it: every pod, through the headless Service.
pub(crate) fn store_api(fleet: &Fleet) -> String {
    store_api_srv(fleet, &headless_service_name())
}

/// How many Receive pods may be down while every write still reaches its quorum of
/// `factor / 2 + 1` copies: `factor - quorum`, at least one, so that a drain can proceed
/// (with a factor of 1 or 2 a drained pod's share of writes fails until it is back, and
/// the agents retry).
fn drainable_replicas(fleet: &Fleet) -> u32 {
    let factor = fleet.central.receive.replication_factor;
    factor.saturating_sub(factor / 2 + 1).max(1)
}

fn headless_service_name() -> String {
    format!("{}-headless", COMPONENT.name())
}

fn hashring_config_map_name() -> String {
    format!("{}-hashring", COMPONENT.name())
}

/// The gRPC endpoint of the Receive pod named `pod`: the one string both the hashring and
/// that pod's `--receive.local-endpoint` hold, so each pod finds itself in the ring.
fn endpoint(fleet: &Fleet, pod: &str) -> String {
    format!(
        "{pod}.{}.{}:{GRPC_PORT}",
        headless_service_name(),
        service_domain(fleet)
    )
}

/// The hashring's endpoints: exactly the StatefulSet's pods, in ordinal order.
fn hashring_endpoints(fleet: &Fleet) -> Vec<String> {
    (0..fleet.central.receive.replicas)
        .map(|ordinal| endpoint(fleet, &format!("{}-{ordinal}", COMPONENT.name())))
        .collect()
}

fn image(fleet: &Fleet) -> &thanos_model::ThanosImage {
    fleet.image(fleet.central.receive.image.as_ref())
}

/// One hashring of the `--receive.hashrings-file`.
#[derive(Serialize)]
struct Hashring<'a> {
    hashring: &'a str,
    algorithm: &'a str,
    endpoints: Vec<String>,
}

fn hashring_config_map(fleet: &Fleet) -> ConfigMap {
    let hashrings = [Hashring {
        hashring: "default",
        algorithm: fleet.central.receive.hashring_algorithm.as_str(),
        endpoints: hashring_endpoints(fleet),
    }];
    let json = serde_json::to_string_pretty(&hashrings)
        .unwrap_or_else(|error| unreachable!("a hashring always serializes: {error}"));
    ConfigMap {
        metadata: workload::metadata(
            fleet,
            hashring_config_map_name(),
            workload::labels(COMPONENT, image(fleet)),
        ),
        data: Some(BTreeMap::from([(HASHRING_FILE.to_owned(), json + "\n")])),
        ..ConfigMap::default()
    }
}

fn stateful_set(fleet: &Fleet) -> StatefulSet {
    let receive = &fleet.central.receive;
    let mut args = common_flags("receive", HTTP_PORT);
    args.push(grpc_flag());
    args.push(format!(
        "--remote-write.address=0.0.0.0:{REMOTE_WRITE_PORT}"
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
    args.push(format!(
        "--receive.local-endpoint={}",
        endpoint(fleet, &format!("$({POD_NAME_ENV})"))
    ));

    let mut ports = workload::grpc_and_http_ports(HTTP_PORT);
    ports.push(workload::port(REMOTE_WRITE_PORT_NAME, REMOTE_WRITE_PORT));

    ThanosPod {
        fleet,
        component: COMPONENT,
        image: image(fleet),
        args,
        resources: &receive.resources,
        ports,
        env: vec![workload::field_env(POD_NAME_ENV, "metadata.name")],
        volumes: vec![workload::config_map_volume(
            "hashring",
            &hashring_config_map_name(),
            HASHRING_DIR,
        )],
        objstore: true,
        termination_grace_period: Some(TERMINATION_GRACE_SECONDS),
        spread: receive.replicas > 1,
    }
    .stateful_set(
        receive.replicas,
        &headless_service_name(),
        &receive.storage,
        true,
    )
}

fn service(fleet: &Fleet, name: &str, kind: ServiceKind) -> Service {
    workload::service(
        fleet,
        COMPONENT,
        image(fleet),
        name,
        kind,
        vec![
            workload::service_port(GRPC_PORT_NAME, GRPC_PORT),
            workload::service_port(HTTP_PORT_NAME, HTTP_PORT),
            workload::service_port(REMOTE_WRITE_PORT_NAME, REMOTE_WRITE_PORT),
        ],
    )
}

#[cfg(test)]
mod tests {
    use thanos_model::{seed::seed, Central, Receive};

    use super::drainable_replicas;

    #[test]
    fn a_drain_never_takes_more_receivers_than_the_write_quorum_spares() {
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
