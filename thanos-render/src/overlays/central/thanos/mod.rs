//! The Thanos manifests of the central overlay, one file per component: name and port
//! constants, options in (the fleet), typed objects out, one constructor per object.

pub mod compactor;
pub mod monitoring;
pub mod query;
pub mod receive;
pub mod store;

use thanos_model::Fleet;

/// gRPC StoreAPI port of every Thanos component and the sidecar.
pub const GRPC_PORT: u16 = 10901;
/// HTTP port (metrics, probes, UI) of Receive, Store, Compactor and the sidecar.
pub const HTTP_PORT: u16 = 10902;
/// Name of the gRPC port on containers and Services; Query's DNS SRV lookups ask for it.
pub const GRPC_PORT_NAME: &str = "grpc";
/// Name of the HTTP port on containers and Services; the probes and metrics use it.
pub const HTTP_PORT_NAME: &str = "http";

/// In-cluster DNS suffix of the fleet's Services: `<namespace>.svc`.
fn service_domain(fleet: &Fleet) -> String {
    format!("{}.svc", fleet.namespace)
}

/// The StoreAPI address Query resolves to every pod behind a headless Service: a DNS SRV
/// lookup of its gRPC port.
pub(crate) fn store_api_srv(fleet: &Fleet, service: &str) -> String {
    format!(
        "dnssrv+_{GRPC_PORT_NAME}._tcp.{service}.{}",
        service_domain(fleet)
    )
}

/// Flags every Thanos server here starts with.
fn common_flags(subcommand: &str, http: u16) -> Vec<String> {
    vec![
        subcommand.to_owned(),
        "--log.level=info".to_owned(),
        "--enable-auto-gomemlimit".to_owned(),
        format!("--http-address=0.0.0.0:{http}"),
    ]
}

/// `--grpc-address` for components that serve the StoreAPI.
fn grpc_flag() -> String {
    format!("--grpc-address=0.0.0.0:{GRPC_PORT}")
}

/// A `--label` flag: `name="value"` with the value quoted as Thanos parses it and `$`
/// doubled, so Kubernetes does not expand a `$(VAR)` in a user's value.
fn label_flag(name: &str, value: &str) -> String {
    let escaped = value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
        .replace('$', "$$");
    format!("--label={name}=\"{escaped}\"")
}

/// The `--label` flag of Receive's replica label: the pod's name, which Kubernetes fills
/// in from the `NAME` environment variable.
fn replica_label_flag(name: &str) -> String {
    format!("--label={name}=\"$(NAME)\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_quoted_and_never_expanded_by_kubernetes() {
        assert_eq!(label_flag("receive", "true"), r#"--label=receive="true""#);
        assert_eq!(
            label_flag("site", r#"a "b" \ $(HOME)"#),
            r#"--label=site="a \"b\" \\ $$(HOME)""#
        );
        assert_eq!(
            replica_label_flag("receive_replica"),
            r#"--label=receive_replica="$(NAME)""#
        );
    }
}
