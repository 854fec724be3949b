//! Mutual TLS on the StoreAPIs (`security.grpcTls`): the Secrets cert-manager issues for
//! each StoreAPI server and for Query, where the pods read them, and the flags.
//!
//! Query reaches the StoreAPIs through DNS SRV lookups, so it dials pod IPs: no name it
//! dials is in a certificate. Every server certificate therefore carries one shared DNS
//! name, [`server_name`], and Query (and Receive, when it replicates to its peers)
//! verifies that name (`--grpc-client-server-name`, `--remote-write.client-server-name`)
//! against the gRPC CA, which issues StoreAPI certificates only.

use k8s_openapi::api::core::v1::{Volume, VolumeMount};
use thanos_model::Fleet;

use super::{
    pod::{ThanosPod, TlsSecretMount, CA_CRT, TLS_CRT, TLS_KEY},
    service_host,
};
use crate::values::GrpcServerTlsConfig;

/// Where the Thanos pods (and the operator's sidecar and Ruler) read their gRPC
/// certificate, key and CA.
const MOUNT: TlsSecretMount = TlsSecretMount {
    volume: "grpc-tls",
    dir: "/etc/thanos/grpc-tls",
};

/// A StoreAPI server, or a client of the StoreAPIs, with a certificate of the gRPC CA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrpcPeer {
    /// The Prometheus sidecar (the chart's `<fullname>-thanos-discovery`).
    Sidecar,
    /// Receive: a server, and a client of its peers when it replicates.
    Receive,
    /// Store.
    Store,
    /// The Ruler.
    Ruler,
    /// Query: a client only.
    Query,
}

impl GrpcPeer {
    /// The name of its Certificate: `thanos-<peer>-grpc`.
    #[must_use]
    pub fn certificate(self) -> String {
        format!("thanos-{}-grpc", self.as_str())
    }

    /// The Secret cert-manager issues its certificate into: `thanos-<peer>-grpc-tls`.
    #[must_use]
    pub fn secret(self) -> String {
        format!("{}-tls", self.certificate())
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Sidecar => "sidecar",
            Self::Receive => "receive",
            Self::Store => "store",
            Self::Ruler => "ruler",
            Self::Query => "query",
        }
    }
}

/// Whether the fleet runs its StoreAPIs over mutual TLS.
#[must_use]
pub fn enabled(fleet: &Fleet) -> bool {
    fleet.security.grpc_tls
}

/// The DNS name every StoreAPI server certificate carries and every client verifies:
/// `thanos-store-api.<namespace>.svc` (no Service has the name: it names the role).
#[must_use]
pub fn server_name(fleet: &Fleet) -> String {
    service_host(fleet, "thanos-store-api")
}

/// The DNS names of a server's certificate: [`server_name`], its Service and its pods
/// behind it (`*.<service>`), for a client that dials them by name.
#[must_use]
pub fn dns_names(fleet: &Fleet, service: &str) -> Vec<String> {
    let host = service_host(fleet, service);
    vec![server_name(fleet), host.clone(), format!("*.{host}")]
}

/// `pod` with `peer`'s Secret mounted at [`MOUNT`], with gRPC TLS.
pub(crate) fn volume<'a>(fleet: &Fleet, pod: ThanosPod<'a>, peer: GrpcPeer) -> ThanosPod<'a> {
    if enabled(fleet) {
        pod.tls_secret(MOUNT, &peer.secret())
    } else {
        pod
    }
}

/// A StoreAPI server's flags: its certificate, and the gRPC CA as the only CA whose
/// clients it accepts. None without gRPC TLS.
pub(crate) fn server_flags(fleet: &Fleet) -> Vec<String> {
    if !enabled(fleet) {
        return Vec::new();
    }
    MOUNT.file_flags("grpc-server-tls", "client-ca").into()
}

/// Query's flags as a client of the StoreAPIs. None without gRPC TLS.
pub(crate) fn query_flags(fleet: &Fleet) -> Vec<String> {
    client_flags(fleet, "grpc-client-tls", "grpc-client-server-name")
}

/// Receive's flags as a client of its peers (replication, and the routers' forwarding).
/// None without gRPC TLS.
pub(crate) fn replication_flags(fleet: &Fleet) -> Vec<String> {
    client_flags(
        fleet,
        "remote-write.client-tls",
        "remote-write.client-server-name",
    )
}

fn client_flags(fleet: &Fleet, prefix: &str, server_name_flag: &str) -> Vec<String> {
    if !enabled(fleet) {
        return Vec::new();
    }
    let mut flags = vec![format!("--{prefix}-secure")];
    flags.extend(MOUNT.file_flags(prefix, "ca"));
    flags.push(format!("--{server_name_flag}={}", server_name(fleet)));
    flags
}

/// The `grpcServerTlsConfig` of a StoreAPI the operator runs (the sidecar, the Ruler),
/// and the pod volume and container mount of its Secret at [`MOUNT`]. The operator gives
/// the sidecar container only the mounts of `thanos.volumeMounts` (not those of
/// `secrets`, which are the Prometheus container's), so both CRs get a volume of their
/// own. `None` without gRPC TLS.
pub(crate) fn operator_mount(
    fleet: &Fleet,
    peer: GrpcPeer,
) -> Option<(GrpcServerTlsConfig, Volume, VolumeMount)> {
    enabled(fleet).then(|| {
        let (volume, mount) = MOUNT.volume(&peer.secret());
        let config = GrpcServerTlsConfig {
            ca_file: MOUNT.file(CA_CRT),
            cert_file: MOUNT.file(TLS_CRT),
            key_file: MOUNT.file(TLS_KEY),
        };
        (config, volume, mount)
    })
}
