//! The Thanos manifests of the central overlay, one file per component: name and port
//! constants, options in (the fleet), typed objects out, one constructor per object.
//!
//! | file | holds |
//! | --- | --- |
//! | [`component`] | the component context: labels, Services, Ingress, PodDisruptionBudget, ServiceMonitor of any component |
//! | [`pod`] | the hardened pod, as a Deployment or a StatefulSet |
//! | [`query`], [`query_frontend`], [`receive`] (and [`receive_router`]), [`store`], [`compactor`] | one component each: its flags, its own ConfigMap, its objects |
//! | [`cache`] | a component's cache file, and the memcached or Redis workload of a cache |
//! | [`monitoring`] | `thanos-monitoring.yaml`: alerts, silent-edge alerts, dashboards, the sidecars' ServiceMonitor |
//! | this file | the flags every component shares and the StoreAPI addresses Query resolves |

pub mod cache;
pub mod compactor;
pub(crate) mod component;
pub mod grpc_tls;
pub mod monitoring;
pub(crate) mod pod;
pub mod query;
pub mod query_frontend;
pub mod receive;
pub mod receive_router;
pub mod store;

use thanos_model::{Fleet, ReadLimits};

use self::component::{Port, GRPC};

/// The in-cluster DNS name of the fleet's Service `service`: `<service>.<namespace>.svc`.
/// The one place a Service's host is derived; [`service_address`], [`service_url`] and
/// [`dns_srv`] add a port.
pub(crate) fn service_host(fleet: &Fleet, service: &str) -> String {
    format!("{service}.{}.svc", fleet.namespace)
}

/// The Service `service`'s `host:port` in the cluster, for port number `port`.
pub(crate) fn service_address(fleet: &Fleet, service: &str, port: u16) -> String {
    format!("{}:{port}", service_host(fleet, service))
}

/// The Service `service`'s plain-HTTP URL in the cluster, for port number `port`.
pub(crate) fn service_url(fleet: &Fleet, service: &str, port: u16) -> String {
    format!("http://{}", service_address(fleet, service, port))
}

/// A DNS SRV lookup (Thanos' `dnssrv+` prefix) of the port named `port` of the
/// headless Service `service`: every pod behind it.
pub(crate) fn dns_srv(fleet: &Fleet, port: &str, service: &str) -> String {
    format!("dnssrv+_{port}._tcp.{}", service_host(fleet, service))
}

/// The StoreAPI address Query resolves to every pod behind a headless Service: a DNS SRV
/// lookup of its gRPC port.
pub(crate) fn store_api_srv(fleet: &Fleet, service: &str) -> String {
    dns_srv(fleet, GRPC.name, service)
}

/// Flags every Thanos server here starts with: the subcommand, logging, memory, and the
/// HTTP address on its `http` port ([`component::HTTP`] for all but Query).
fn common_flags(subcommand: &str, http: Port) -> Vec<String> {
    vec![
        subcommand.to_owned(),
        "--log.level=info".to_owned(),
        "--enable-auto-gomemlimit".to_owned(),
        format!("--http-address=0.0.0.0:{}", http.number),
    ]
}

/// `--grpc-address` for components that serve the StoreAPI.
fn grpc_flag() -> String {
    format!("--grpc-address=0.0.0.0:{}", GRPC.number)
}

/// The limits of one StoreAPI `Series` request, as flag names and values: enforced by the
/// StoreAPI servers (Store and Receive) and by Query over everything it fans out to.
fn read_limits(limits: &ReadLimits) -> [(&'static str, String); 2] {
    [
        ("store.limits.request-series", limits.series.to_string()),
        ("store.limits.request-samples", limits.samples.to_string()),
    ]
}

/// The read limits as flags, for the components rendered here.
fn read_limit_flags(limits: &ReadLimits) -> [String; 2] {
    read_limits(limits).map(|(name, value)| format!("--{name}={value}"))
}

/// The read limits as `additionalArgs` entries, for the StoreAPIs the operator runs (the
/// sidecar, the Ruler); `None` without limits.
pub(crate) fn read_limit_args(fleet: &Fleet) -> Option<Vec<crate::values::AdditionalArg>> {
    let limits = fleet.central.read_limits.as_ref()?;
    Some(
        read_limits(limits)
            .into_iter()
            .map(|(name, value)| crate::values::AdditionalArg {
                name: name.to_owned(),
                value,
            })
            .collect(),
    )
}

/// `--disable-admin-operations` unless the fleet keeps the admin API on (Store and
/// Compactor: the API that marks blocks for deletion).
fn admin_flags(admin_operations: bool) -> Option<String> {
    (!admin_operations).then(|| "--disable-admin-operations".to_owned())
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
/// in from the environment variable [`receive::POD_NAME_ENV`].
fn replica_label_flag(name: &str) -> String {
    format!("--label={name}=\"$({})\"", receive::POD_NAME_ENV)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_addresses_are_in_the_fleet_s_namespace() {
        let fleet = thanos_model::seed::seed(1)
            .build()
            .expect("the seed is valid");
        assert_eq!(service_host(&fleet, "a"), "a.monitoring.svc");
        assert_eq!(service_address(&fleet, "a", 80), "a.monitoring.svc:80");
        assert_eq!(
            dns_srv(&fleet, "grpc", "a-headless"),
            "dnssrv+_grpc._tcp.a-headless.monitoring.svc"
        );
        assert_eq!(
            store_api_srv(&fleet, "a-headless"),
            "dnssrv+_grpc._tcp.a-headless.monitoring.svc"
        );
    }

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
