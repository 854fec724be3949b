//! `thanos-receive.yaml`: the hashring ConfigMap, StatefulSet, Services and Ingress of
//! Receive, and the names the edges and Query reach it by.

use std::fmt;

use k8s_openapi::api::{
    apps::v1::StatefulSet,
    core::v1::{ConfigMap, Service},
    networking::v1::Ingress,
};
use serde::Serialize;
use thanos_model::{labels, CertificateSource, Component, Fleet, ResolvedLimits};

use super::{
    common_flags,
    component::{
        ComponentContext, ConfigFile, Port, ServiceKind, SharedObjects, GRPC, HTTP, METRICS, QUERY,
    },
    grpc_flag,
    grpc_tls::{self, GrpcPeer},
    label_flag,
    pod::{
        field_env, objstore_flag, ObjstoreSecret, PodManagement, ThanosPod, TlsSecretMount,
        DATA_DIR,
    },
    read_limit_flags,
    receive_router::ThanosReceiveRouter,
    replica_label_flag, service_address, service_url,
};
use crate::{
    overlays::{
        central::network_policies::{Allow, Peer, PROMETHEUS_OPERATED, PROMETHEUS_WEB},
        FileObjects,
    },
    yaml::Documents,
};

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
const HASHRING: ConfigFile = ConfigFile {
    suffix: "hashring",
    file: "hashrings.json",
    dir: "/etc/thanos/hashring",
};
/// Where Receive reads its remote-write server certificate, key and client CA.
const REMOTE_WRITE_TLS: TlsSecretMount = TlsSecretMount {
    volume: "remote-write-tls",
    dir: "/etc/thanos/remote-write-tls",
};
/// The Certificate of Receive's remote-write server, when cert-manager issues it.
pub const SERVER_CERTIFICATE: &str = "thanos-receive-server";
/// The Secret cert-manager issues Receive's server certificate ([`SERVER_CERTIFICATE`])
/// into.
pub const SERVER_TLS_SECRET: &str = "thanos-receive-server-tls";
/// The write limits file.
const LIMITS: ConfigFile = ConfigFile {
    suffix: "limits",
    file: "limits.yaml",
    dir: "/etc/thanos/limits",
};
/// The hashring of the edges' tenants.
const EDGES_HASHRING: &str = "edges";
/// The port of the Cap'n Proto (replication) server Receive always starts; on
/// `127.0.0.1` when it is not used.
pub(crate) const CAPNPROTO_PORT: u16 = 19391;
/// The label Receive adds for the tenant: the edge's own `cluster` label, so that a value
/// the client sends is overwritten with its verified tenant.
const TENANT_LABEL: &str = labels::CLUSTER;
/// The environment variable holding the pod's name, which the replica label and the local
/// endpoint are made of.
pub(super) const POD_NAME_ENV: &str = "NAME";
/// Receive flushes its head block on shutdown; give it time.
const TERMINATION_GRACE_SECONDS: i64 = 900;
/// With more than one replica, a new Receive pod stays ready this long before the
/// rollout restarts the next one: ready is not yet answering its peers' replication, and
/// restarting the next pod at once loses the write quorum. Upstream users found 120s
/// removes the quorum errors of rollouts (thanos-io/thanos#4831, comment of 2023-04-11;
/// kube-thanos and the Bitnami chart expose the field for it).
const MIN_READY_SECONDS: i32 = 120;

/// The objects of `thanos-receive.yaml`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ThanosReceive {
    /// `thanos-receive-hashring`: the `--receive.hashrings-file`, exactly the
    /// StatefulSet's pods (and, with a tenant per edge, exactly the edges' tenants).
    pub hashring: ConfigMap,
    /// `thanos-receive-limits`: the `--receive.limits-config-file`, when the fleet sets
    /// write limits.
    pub limits: Option<ConfigMap>,
    /// `thanos-receive`.
    pub stateful_set: StatefulSet,
    /// `thanos-receive-headless`: names the pods (hashring endpoints, Query's lookup).
    pub headless_service: Service,
    /// Its Service is one address for the Ingress, where the edges write; a drain takes
    /// no more pods than writes tolerate (see `drainable_replicas`).
    pub shared: SharedObjects,
    /// `thanos-receive-router`, when the fleet splits routers from the ingesting pods:
    /// then the routers hold the hashring, the write path's TLS and limits and the
    /// Ingress, and the StatefulSet only stores.
    pub router: Option<ThanosReceiveRouter>,
    remote_write_url: Option<RemoteWriteUrl>,
}

impl ThanosReceive {
    /// Builds the objects of a validated fleet.
    pub(crate) fn new(fleet: &Fleet) -> Self {
        let context = ComponentContext::new(fleet, COMPONENT, PORTS);
        let receive = &fleet.central.receive;
        let limits = limits_config_map(&context);
        let mut pod = pod(&context, args(&context));
        let router = receive
            .router
            .as_ref()
            .map(|router| ThanosReceiveRouter::new(fleet, router));
        // The edges write through the routers' Ingress when the fleet has routers.
        let mut ingress = None;
        if router.is_none() {
            ingress = write_ingress(&context);
            pod = write_path_volumes(&context, pod);
        }
        if receive.replicas > 1 {
            pod = pod.min_ready_seconds(MIN_READY_SECONDS);
        }
        Self {
            hashring: hashring_config_map(&context),
            limits,
            stateful_set: pod
                .objstore(ObjstoreSecret::Mounted)
                .termination_grace_period(TERMINATION_GRACE_SECONDS)
                .stateful_set(
                    &context.headless_service_name(),
                    &receive.storage,
                    PodManagement::Parallel,
                ),
            headless_service: context.headless_service(),
            shared: context
                .shared_objects(ServiceKind::ClusterIp, &allows(fleet))
                .ingress(ingress)
                .pod_disruption_budget(context.pod_disruption_budget(drainable_replicas(fleet))),
            router,
            remote_write_url: RemoteWriteUrl::new(fleet),
        }
    }

    /// Where the edge agents remote-write, through Receive's Ingress; `None` when Receive
    /// has no Ingress, which validation refuses while the fleet has edges.
    #[must_use]
    pub fn remote_write_url(&self) -> Option<&RemoteWriteUrl> {
        self.remote_write_url.as_ref()
    }

    /// The Ingress the edges write through: Receive's, or its routers' when the fleet
    /// splits them; `None` without a Receive Ingress.
    #[must_use]
    pub fn write_ingress(&self) -> Option<&Ingress> {
        self.router
            .as_ref()
            .map_or(&self.shared, |router| &router.shared)
            .ingress
            .as_ref()
    }
}

impl FileObjects for ThanosReceive {
    fn add_to(&self, documents: Documents) -> Documents {
        let documents = documents
            .one(&self.hashring)
            .all(&self.limits)
            .one(&self.stateful_set)
            .one(&self.headless_service);
        self.router.add_to(self.shared.add_to(documents))
    }
}

/// The Ingress the edges write through, in front of `context`'s Service (Receive's, or
/// its routers' when split): Receive's host (the edges' URL and the server certificate
/// name it) and, with remote-write TLS, the annotation that passes TLS through.
pub(super) fn write_ingress(context: &ComponentContext) -> Option<Ingress> {
    let fleet = context.fleet;
    let receive = &fleet.central.receive;
    let model = receive.ingress.as_ref()?;
    let mut ingress = context.ingress_for(model, REMOTE_WRITE, COMPONENT);
    let class = fleet.ingress_class(model);
    if let Some(passthrough) = receive.remote_write.passthrough_for(class) {
        let (key, value) = passthrough.annotation();
        ingress.metadata.annotations =
            Some([(key.to_owned(), value.to_owned())].into_iter().collect());
    }
    Some(ingress)
}

/// Who may reach Receive's pods: Query their StoreAPI, and their peers for replication
/// (the edges through the Ingress controller on the remote-write port); with routers,
/// the routers forward over gRPC and the pods take no remote write.
fn allows(fleet: &Fleet) -> Vec<Allow<'static>> {
    let store_api = |from| Allow {
        from,
        ports: &[GRPC.number],
    };
    match fleet.central.receive.router {
        Some(_) => vec![
            store_api(&[Peer::Thanos(Component::ReceiveRouter), QUERY]),
            METRICS,
        ],
        None => vec![
            Allow {
                from: &[Peer::IngressController],
                ports: &[REMOTE_WRITE.number],
            },
            store_api(&[Peer::Thanos(COMPONENT), QUERY]),
            METRICS,
        ],
    }
}

/// The URL the edge agents remote-write to: Receive's Ingress host and the remote-write
/// path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteWriteUrl {
    url: String,
}

impl RemoteWriteUrl {
    /// The one place the remote-write URL is derived: `https://` (with remote-write
    /// TLS, else `http://`), Receive's Ingress host and the remote-write path; `None` when
    /// Receive has no Ingress.
    fn new(fleet: &Fleet) -> Option<Self> {
        let ingress = fleet.central.receive.ingress.as_ref()?;
        let scheme = if fleet.central.receive.remote_write.tls.is_some() {
            "https"
        } else {
            "http"
        };
        Some(Self {
            url: format!(
                "{scheme}://{}{REMOTE_WRITE_PATH}",
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

/// How many Receive pods may be down while every write still reaches its quorum of
/// `factor / 2 + 1` copies (Thanos' write quorum, `writeQuorum` in thanos-io/thanos
/// pkg/receive/handler.go; later releases take 1 for a factor of 2, which this leaves
/// at one pod as well): `factor - quorum`, at least one, so that a drain can proceed
/// (with a factor of 1 or 2 a drained pod's share of writes fails until it is back, and
/// the agents retry).
fn drainable_replicas(fleet: &Fleet) -> u32 {
    let factor = fleet.central.receive.replication_factor;
    factor.saturating_sub(factor / 2 + 1).max(1)
}

/// The gRPC endpoint of the Receive pod named `pod`: the one string both the hashring and
/// that pod's `--receive.local-endpoint` hold, so each pod finds itself in the ring.
fn endpoint(context: &ComponentContext, pod: &str) -> String {
    service_address(
        context.fleet,
        &format!("{pod}.{}", context.headless_service_name()),
        GRPC.number,
    )
}

/// The hashring's endpoints: the StatefulSet's pods in ordinal order, all of them but
/// during a two-step change of the replicas (`hashringReplicas`: the first ones). The one
/// place the hashring is derived.
fn hashring_endpoints(context: &ComponentContext) -> Vec<String> {
    (0..context.fleet.central.receive.hashring_members())
        .map(|ordinal| endpoint(context, &format!("{}-{ordinal}", context.name())))
        .collect()
}

/// One hashring of the `--receive.hashrings-file`.
#[serde_with::skip_serializing_none]
#[derive(Serialize)]
struct Hashring<'a> {
    hashring: &'a str,
    /// The tenants the ring serves; a ring without any serves every tenant.
    tenants: Option<Vec<&'a str>>,
    tenant_matcher_type: Option<&'a str>,
    algorithm: &'a str,
    endpoints: Vec<String>,
}

/// The hashring file: with a tenant per edge one ring `edges` listing exactly the edges'
/// tenants (exact match, no catch-all ring, so an unknown tenant finds no ring and no
/// TSDB is created for it); otherwise one ring `default` for every tenant.
fn hashring_config_map(context: &ComponentContext) -> ConfigMap {
    let fleet = context.fleet;
    let tenants = fleet
        .central
        .receive
        .remote_write
        .tenant_per_edge()
        .then(|| fleet.edges.iter().map(|edge| edge.tenant()).collect());
    let hashrings = [Hashring {
        hashring: if tenants.is_some() {
            EDGES_HASHRING
        } else {
            "default"
        },
        tenant_matcher_type: tenants.as_ref().map(|_| "exact"),
        tenants,
        algorithm: fleet.central.receive.hashring_algorithm.as_str(),
        endpoints: hashring_endpoints(context),
    }];
    let json = serde_json::to_string_pretty(&hashrings)
        .unwrap_or_else(|error| unreachable!("a hashring always serializes: {error}"));
    context.config_map(HASHRING, json + "\n")
}

/// The pod of a Receive process, ingesting or routing: `args`, its own name in
/// [`POD_NAME_ENV`], and Receive's gRPC certificate.
pub(super) fn pod<'a>(context: &ComponentContext<'a>, args: Vec<String>) -> ThanosPod<'a> {
    let pod = context
        .pod(args)
        .env(field_env(POD_NAME_ENV, "metadata.name"));
    grpc_tls::volume(context.fleet, pod, GrpcPeer::Receive)
}

/// The volumes of the pods that take the edges' remote write (Receive's, or its routers'):
/// the hashring, the server certificate with TLS, and the limits file when the fleet
/// sets limits (as `--receive.limits-config-file` and Receive's limits ConfigMap do).
pub(super) fn write_path_volumes<'a>(
    context: &ComponentContext,
    pod: ThanosPod<'a>,
) -> ThanosPod<'a> {
    let fleet = context.fleet;
    let mut pod = pod.config_file_of(COMPONENT, HASHRING);
    if let Some(secret) = server_tls_secret(fleet) {
        pod = pod.tls_secret(REMOTE_WRITE_TLS, secret);
    }
    if fleet.default_write_limits().is_some() {
        pod = pod.config_file_of(COMPONENT, LIMITS);
    }
    pod
}

/// The Secret holding Receive's server certificate, key and client CA, with TLS.
pub(crate) fn server_tls_secret(fleet: &Fleet) -> Option<&str> {
    let tls = fleet.central.receive.remote_write.tls.as_ref()?;
    Some(match tls.certificates {
        CertificateSource::CertManager => SERVER_TLS_SECRET,
        CertificateSource::ExistingSecrets => tls.server_secret.as_deref()?,
    })
}

/// `write.default.request` / `write.tenants.<t>.request` of the limits file.
#[derive(Serialize, PartialEq)]
struct RequestLimits {
    size_bytes_limit: u64,
    series_limit: u64,
    samples_limit: u64,
}

/// `write.default` / `write.tenants.<t>`.
#[derive(Serialize, PartialEq)]
struct TenantLimits {
    request: RequestLimits,
    head_series_limit: u64,
}

impl From<ResolvedLimits> for TenantLimits {
    fn from(limits: ResolvedLimits) -> Self {
        Self {
            request: RequestLimits {
                size_bytes_limit: limits.request_size_bytes,
                series_limit: limits.request_series,
                samples_limit: limits.request_samples,
            },
            head_series_limit: limits.head_series,
        }
    }
}

/// `write.global`: where Receive counts head series per tenant.
#[derive(Serialize)]
struct GlobalLimits {
    meta_monitoring_url: String,
    meta_monitoring_limit_query: String,
}

#[derive(Serialize)]
struct WriteLimitsFile {
    global: GlobalLimits,
    default: TenantLimits,
    #[serde(skip_serializing_if = "indexmap::IndexMap::is_empty")]
    tenants: indexmap::IndexMap<String, TenantLimits>,
}

#[derive(Serialize)]
struct LimitsFile {
    write: WriteLimitsFile,
}

/// `thanos-receive-limits`: the default limits, and each edge whose limits differ as its
/// tenant (only with a tenant per edge: otherwise every edge writes as one tenant).
fn limits_config_map(context: &ComponentContext) -> Option<ConfigMap> {
    let fleet = context.fleet;
    let default = fleet.default_write_limits()?;
    let per_edge = fleet.central.receive.remote_write.tenant_per_edge();
    let tenants = fleet
        .edges
        .iter()
        .filter(|_| per_edge)
        .filter_map(|edge| {
            let own = default.for_edge(edge);
            (own != default).then(|| (edge.tenant().to_owned(), TenantLimits::from(own)))
        })
        .collect();
    let file = LimitsFile {
        write: WriteLimitsFile {
            global: GlobalLimits {
                meta_monitoring_url: service_url(fleet, PROMETHEUS_OPERATED, PROMETHEUS_WEB),
                meta_monitoring_limit_query: format!(
                    "sum by (tenant) (prometheus_tsdb_head_series{{namespace=\"{}\", job=\"{}\"}})",
                    fleet.namespace,
                    context.name()
                ),
            },
            default: default.into(),
            tenants,
        },
    };
    Some(context.config_map(LIMITS, crate::yaml::to_yaml(&file)))
}

/// The ingesting pods' flags (and, without routers, the routing ones too).
fn args(context: &ComponentContext) -> Vec<String> {
    let receive = &context.fleet.central.receive;
    let mut args = common_flags("receive", HTTP);
    args.push(grpc_flag());
    args.extend(grpc_tls::server_flags(context.fleet));
    args.extend(grpc_tls::replication_flags(context.fleet));
    args.push(format!(
        "--remote-write.address=0.0.0.0:{}",
        REMOTE_WRITE.number
    ));
    args.push(format!("--tsdb.path={DATA_DIR}"));
    args.push(format!("--tsdb.retention={}", receive.retention));
    args.push(objstore_flag(context));
    args.extend(label_flags(context));
    if receive.router.is_none() {
        args.extend(hashring_flags(context));
    }
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
    if receive.router.is_none() {
        args.extend(write_path_args(context));
    }
    args.extend(ingest_args(context));
    args
}

/// The replica label and Receive's labels.
pub(super) fn label_flags(context: &ComponentContext) -> Vec<String> {
    let receive = &context.fleet.central.receive;
    std::iter::once(replica_label_flag(labels::RECEIVE_REPLICA))
        .chain(
            receive
                .labels
                .iter()
                .map(|(name, value)| label_flag(name, value)),
        )
        .collect()
}

/// The routing flags: the replication factor and the hashring.
pub(super) fn hashring_flags(context: &ComponentContext) -> [String; 3] {
    let receive = &context.fleet.central.receive;
    [
        format!(
            "--receive.replication-factor={}",
            receive.replication_factor
        ),
        format!("--receive.hashrings-file={}", HASHRING.path()),
        format!(
            "--receive.hashrings-algorithm={}",
            receive.hashring_algorithm.as_str()
        ),
    ]
}

/// The write path's flags of the pods that take the edges' remote write: TLS with
/// client certificates, the tenant from them, limits. None in the seed's lab.
pub(super) fn write_path_args(context: &ComponentContext) -> Vec<String> {
    let fleet = context.fleet;
    let remote_write = &fleet.central.receive.remote_write;
    let mut args = Vec::new();
    if remote_write.tls.is_some() {
        args.extend(REMOTE_WRITE_TLS.file_flags("remote-write.server-tls", "client-ca"));
        if let (true, Some(field)) = (remote_write.tenant_per_edge(), remote_write.tenant_field) {
            args.push(format!(
                "--receive.tenant-certificate-field={}",
                field.as_str()
            ));
        }
    }
    args.extend(tenant_label_flag(context));
    if fleet.default_write_limits().is_some() {
        args.push(format!("--receive.limits-config-file={}", LIMITS.path()));
    }
    args
}

/// `--receive.tenant-label-name`, when the tenant comes from the client certificate: the
/// label the storing pods add for the tenant.
fn tenant_label_flag(context: &ComponentContext) -> Option<String> {
    let remote_write = &context.fleet.central.receive.remote_write;
    (remote_write.tls.is_some()
        && remote_write.tenant_per_edge()
        && remote_write.tenant_field.is_some())
    .then(|| format!("--receive.tenant-label-name={TENANT_LABEL}"))
}

/// The flags of the pods that store (behind routers, the tenant label too, which the
/// write path's flags hold otherwise): the far-future window, Cap'n Proto on localhost.
fn ingest_args(context: &ComponentContext) -> Vec<String> {
    let receive = &context.fleet.central.receive;
    let mut args = Vec::new();
    if receive.router.is_some() {
        args.extend(tenant_label_flag(context));
    }
    if let Some(window) = &receive.too_far_in_future {
        args.push(format!("--tsdb.too-far-in-future.time-window={window}"));
    }
    args.extend(capnproto_flag(receive));
    args
}

/// `--receive.capnproto-address` on localhost, unless Receive replicates over Cap'n Proto.
pub(super) fn capnproto_flag(receive: &thanos_model::Receive) -> Option<String> {
    (!receive.capnproto).then(|| format!("--receive.capnproto-address=127.0.0.1:{CAPNPROTO_PORT}"))
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
