//! Issue 16's rules that compare settings across the fleet: Ingress TLS and the Ingress
//! controller the NetworkPolicies admit (37).

use super::{shown, syntax, Checker};

impl Checker<'_> {
    /// Rule 37: without `security.ingressTls`, the Ingresses the controller terminates
    /// (Grafana's, Query's) serve logins, session cookies and every cluster's metrics
    /// over plain HTTP: a warning naming them.
    pub(crate) fn plain_http_ingresses(&mut self, path: &str) {
        let central = &self.fleet.central;
        let plain: Vec<&str> = [
            (central.grafana.ingress.is_some(), "Grafana"),
            (central.query.ingress.is_some(), "Query"),
        ]
        .into_iter()
        .filter_map(|(has, name)| has.then_some(name))
        .collect();
        if plain.is_empty() {
            return;
        }
        self.warning(
            path,
            format!(
                "the Ingress of {} serves plain HTTP: logins, session cookies and metrics cross the network readable",
                plain.join(" and ")
            ),
            "set security.ingressTls: {certificates: certManager} (or existingSecrets with a <component>-tls Secret each)",
        );
    }
}

impl Checker<'_> {
    /// Rule 53: with `security.grpcTls`, Receive replicates over gRPC: Cap'n Proto
    /// replication has no TLS in Thanos v0.42 (its port takes any write in plain text),
    /// so the two together are refused at `central.receive.capnproto`.
    pub(crate) fn grpc_tls(&mut self, path: &str) {
        if self.fleet.security.grpc_tls && self.fleet.central.receive.capnproto {
            self.error(
                "central.receive.capnproto",
                format!(
                    "{path} is on, but Receive would replicate over Cap'n Proto, which has no TLS: every series crosses the network in plain text"
                ),
                "set capnproto: false (Receive then replicates over gRPC, with the gRPC certificates), or grpcTls: false",
            );
        }
    }
}

/// The Ingress classes whose controller the NetworkPolicies know without being told:
/// Cilium's Ingress (its own identity, a CiliumNetworkPolicy) and ingress-nginx (its
/// namespace `ingress-nginx`).
const KNOWN_CONTROLLERS: [&str; 2] = ["cilium", "nginx"];

impl Checker<'_> {
    /// Rule 37: the NetworkPolicies admit the Ingress controller: a valid namespace and
    /// pod labels when named; when not, a class other than Cilium's and ingress-nginx's
    /// lets every namespace reach Receive's remote-write port and Grafana (warns).
    pub(crate) fn ingress_controller(&mut self, path: &str) {
        let fleet = self.fleet;
        match &fleet.security.ingress_controller {
            Some(controller) => {
                self.dns_label(
                    &format!("{path}.namespace"),
                    &controller.namespace,
                    "namespace",
                );
                for (key, value) in &controller.pod_labels {
                    let label = format!("{path}.podLabels");
                    if !syntax::is_label_key(key) || !syntax::is_label_value(value) {
                        self.error(
                            &label,
                            format!("{}: {} is not a Kubernetes label", shown(key), shown(value)),
                            "use the labels of the controller's pods, such as app.kubernetes.io/name: traefik",
                        );
                    }
                }
            }
            None if fleet.security.network_policies => {
                let central = &fleet.central;
                let unknown: Vec<&str> = [
                    &central.receive.ingress,
                    &central.grafana.ingress,
                    &central.query.ingress,
                ]
                .into_iter()
                .flatten()
                .map(|ingress| fleet.ingress_class(ingress))
                .filter(|class| {
                    // An empty or invalid class is reported with the Ingresses (rule 8).
                    crate::ingress::is_valid_class(class) && !KNOWN_CONTROLLERS.contains(class)
                })
                .collect();
                if let Some(class) = unknown.first() {
                    self.warning(
                        path,
                        format!("the NetworkPolicies cannot tell the pods of Ingress class {} apart: every pod of every namespace may reach Receive's remote-write port and Grafana", shown(class)),
                        "set security.ingressController: {namespace: NAME, podLabels: {...}} to the controller's pods",
                    );
                }
            }
            None => {}
        }
    }
}
