//! Receive's routers, when the fleet splits them from the ingesting pods: a stateless
//! Deployment `thanos-receive-router` that takes the edges' remote write through
//! Receive's Ingress, holds the hashring (`--receive.hashrings-file` on the routers only)
//! and forwards each series over gRPC to the StatefulSet's pods, which then only store.
//! Written into `thanos-receive.yaml`, after Receive's own objects.

use k8s_openapi::api::apps::v1::Deployment;
use thanos_model::{Component, Fleet, ReceiveRouter};

use super::{
    common_flags,
    component::{
        ComponentContext, ComponentOptions, Port, ServiceKind, SharedObjects, HTTP, METRICS,
    },
    grpc_tls,
    receive::{
        self, capnproto_flag, hashring_flags, label_flags, write_path_args, write_path_volumes,
        REMOTE_WRITE,
    },
};
use crate::{
    overlays::{
        central::network_policies::{Allow, Peer},
        FileObjects,
    },
    yaml::Documents,
};

const COMPONENT: Component = Component::ReceiveRouter;
const PORTS: &[Port] = &[HTTP, REMOTE_WRITE];

/// The routers' objects.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ThanosReceiveRouter {
    /// `thanos-receive-router`.
    pub deployment: Deployment,
    /// Its Service (HTTP and remote write), Receive's Ingress pointed at it, its
    /// ServiceAccount, PodDisruptionBudget, ServiceMonitor and NetworkPolicy.
    pub shared: SharedObjects,
}

impl ThanosReceiveRouter {
    /// The routers of a validated fleet that has them (`router`), behind Receive's
    /// Ingress host (so the edges' URL and the server certificate stay Receive's).
    pub(crate) fn new(fleet: &Fleet, router: &ReceiveRouter) -> Self {
        let options = ComponentOptions {
            image: fleet.central.receive.image.as_ref(),
            replicas: router.replicas,
            resources: router.resources.clone(),
        };
        let context = ComponentContext::with_options(fleet, COMPONENT, PORTS, options);
        let pod = receive::pod(&context, args(&context));
        let ingress = receive::write_ingress(&context);
        Self {
            deployment: write_path_volumes(&context, pod).deployment(),
            shared: context
                .shared_objects(
                    ServiceKind::ClusterIp,
                    &[
                        // The edges' remote write, through the Ingress controller.
                        Allow {
                            from: &[Peer::IngressController],
                            ports: &[REMOTE_WRITE.number],
                        },
                        METRICS,
                    ],
                )
                .ingress(ingress),
        }
    }
}

impl FileObjects for ThanosReceiveRouter {
    fn add_to(&self, documents: Documents) -> Documents {
        self.shared.add_to(documents.one(&self.deployment))
    }
}

/// The routers' flags: remote write, the labels Receive requires, the hashring and the
/// write path; no TSDB, no local endpoint, no bucket.
fn args(context: &ComponentContext) -> Vec<String> {
    let receive = &context.fleet.central.receive;
    let mut args = common_flags("receive", HTTP);
    args.push(format!(
        "--remote-write.address=0.0.0.0:{}",
        REMOTE_WRITE.number
    ));
    args.extend(label_flags(context));
    args.extend(hashring_flags(context));
    args.extend(grpc_tls::replication_flags(context.fleet));
    args.extend(write_path_args(context));
    args.extend(capnproto_flag(receive));
    args
}
