//! `namespace.yaml`: the fleet's namespace, in every overlay.
//!
//! A file of its own rather than a document of another file: it is the one object every
//! cluster needs before anything else, applied on its own first (the Secrets made by hand
//! go into it before the overlay is applied), and a resource of the overlay too, so that
//! the overlay alone also creates it on a new cluster.

use std::collections::BTreeMap;

use k8s_openapi::{api::core::v1::Namespace, apimachinery::pkg::apis::meta::v1::ObjectMeta};
use thanos_model::Fleet;

/// The file the Namespace is written to.
pub const FILE: &str = "namespace.yaml";

/// The fleet's namespace.
pub(crate) fn namespace(fleet: &Fleet) -> Namespace {
    Namespace {
        metadata: ObjectMeta {
            name: Some(fleet.namespace.clone()),
            labels: Some(BTreeMap::from([(
                "app.kubernetes.io/managed-by".to_owned(),
                "thanos-kustomize".to_owned(),
            )])),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    }
}
