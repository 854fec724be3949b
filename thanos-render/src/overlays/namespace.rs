//! `namespace.yaml`: the fleet's namespace, in every overlay.
//!
//! A file of its own rather than a document of another file: it is the one object every
//! cluster needs before anything else, applied on its own first (the Secrets made by hand
//! go into it before the overlay is applied), and a resource of the overlay too, so that
//! the overlay alone also creates it on a new cluster.

use k8s_openapi::{api::core::v1::Namespace, apimachinery::pkg::apis::meta::v1::ObjectMeta};
use thanos_model::Fleet;

use super::{label, MANAGED_BY};

/// The file the Namespace is written to.
pub const FILE: &str = "namespace.yaml";

/// The Pod Security label keys: the level enforced, the version of the standard, and
/// the levels that warn and audit.
const PSS_ENFORCE: &str = "pod-security.kubernetes.io/enforce";
const PSS_ENFORCE_VERSION: &str = "pod-security.kubernetes.io/enforce-version";
const PSS_WARN: &str = "pod-security.kubernetes.io/warn";
const PSS_AUDIT: &str = "pod-security.kubernetes.io/audit";
/// The level of node-exporter's own namespace: it needs the host's namespaces.
const PRIVILEGED: &str = "privileged";

fn namespace_with(name: &str, level: Option<&str>) -> Namespace {
    let mut labels = label(MANAGED_BY);
    if let Some(level) = level {
        for key in [PSS_ENFORCE, PSS_WARN, PSS_AUDIT] {
            labels.insert(key.to_owned(), level.to_owned());
        }
        labels.insert(PSS_ENFORCE_VERSION.to_owned(), "latest".to_owned());
    }
    Namespace {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            labels: Some(labels),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    }
}

/// The fleet's namespace, with the Pod Security labels of the fleet's level.
pub(crate) fn namespace(fleet: &Fleet) -> Namespace {
    namespace_with(&fleet.namespace, fleet.security.pod_security.label())
}

/// node-exporter's own namespace (`privileged`), when the fleet's namespace enforces a
/// Pod Security level node-exporter cannot meet.
pub(crate) fn node_exporter_namespace(fleet: &Fleet) -> Option<Namespace> {
    fleet
        .security
        .node_exporter_namespace(&fleet.namespace)
        .map(|name| namespace_with(&name, Some(PRIVILEGED)))
}
