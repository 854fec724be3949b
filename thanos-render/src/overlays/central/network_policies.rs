//! `network-policies.yaml`: the namespace's default deny, the chart's pods each accepting
//! only their real peers, and what Cilium needs to let its Ingress through. Each Thanos
//! component's own NetworkPolicy is one of its [`SharedObjects`](thanos::component::SharedObjects),
//! made with the same port constants as its Services and endpoints.
//!
//! Only ingress is restricted: egress (DNS, S3, the API server) varies per site. Kubelet
//! probes come from the node, which Cilium and most CNIs let through.

use std::collections::BTreeMap;

use k8s_openapi::{
    api::networking::v1::{
        NetworkPolicy, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort,
        NetworkPolicySpec,
    },
    apimachinery::pkg::{apis::meta::v1::LabelSelector, util::intstr::IntOrString},
};
use serde::Serialize;
use thanos_model::{Component, Fleet};

use super::thanos::{self, component::selector_labels};
use crate::{
    overlays::{self, FileObjects},
    yaml::Documents,
};

/// The file the objects are written to.
pub const FILE: &str = "network-policies.yaml";

/// The ingress class whose controller Cilium runs as its own `ingress` identity.
const CILIUM: &str = "cilium";
/// The ingress class of ingress-nginx, and the namespace its controller runs in.
const NGINX: &str = "nginx";
const NGINX_NAMESPACE: &str = "ingress-nginx";

/// A pod of the chart, as its `app.kubernetes.io/name` label (set by the chart or the
/// Prometheus operator) selects it, and the ports it serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ChartPod {
    pub name: &'static str,
    /// `app.kubernetes.io/name`, or the chart's `app` label for the operator.
    pub label: (&'static str, &'static str),
}

impl ChartPod {
    /// A pod the chart (or the operator) labels `app.kubernetes.io/name: <name>`.
    const fn named(name: &'static str) -> Self {
        Self {
            name,
            label: ("app.kubernetes.io/name", name),
        }
    }

    fn labels(self) -> BTreeMap<String, String> {
        overlays::label(self.label)
    }

    /// The pod's own NetworkPolicy, named after it, accepting only `allows`.
    fn policy(self, fleet: &Fleet, allows: &[Allow]) -> NetworkPolicy {
        policy(fleet, self.name, labels(), self.labels(), allows)
    }
}

/// Prometheus (and its Thanos sidecar): web 9090, sidecar gRPC 10901 and HTTP 10902,
/// config reloader 8080.
pub(crate) const PROMETHEUS: ChartPod = ChartPod::named("prometheus");
/// The edges' Prometheus agents (the chart's Service selects them by this label in agent
/// mode, templates/prometheus/service.yaml).
pub(crate) const PROMETHEUS_AGENT: ChartPod = ChartPod::named("prometheus-agent");
/// Alertmanager: web 9093, cluster 9094, config reloader 8080.
pub(crate) const ALERTMANAGER: ChartPod = ChartPod::named("alertmanager");
/// The Thanos Ruler: gRPC 10901 (StoreAPI), HTTP 10902.
pub(crate) const THANOS_RULER: ChartPod = ChartPod::named("thanos-ruler");
/// Grafana: 3000.
pub(crate) const GRAFANA: ChartPod = ChartPod::named("grafana");
/// kube-state-metrics: 8080.
pub(crate) const KUBE_STATE_METRICS: ChartPod = ChartPod::named("kube-state-metrics");
/// The Prometheus operator: its admission webhook on 10250 (the chart labels it `app`).
pub(crate) const PROMETHEUS_OPERATOR: ChartPod = ChartPod {
    name: "prometheus-operator",
    label: ("app", "kube-prometheus-stack-operator"),
};

/// Ports of the chart's pods (their container ports in chart 78.2.1); Prometheus's and
/// Alertmanager's Services (the chart's, and the operator's [`PROMETHEUS_OPERATED`] and
/// [`ALERTMANAGER_OPERATED`]) serve their web port under the same number.
pub(crate) const PROMETHEUS_WEB: u16 = 9090;
const RELOADER: u16 = 8080;
pub(crate) const ALERTMANAGER_WEB: u16 = 9093;
const ALERTMANAGER_CLUSTER: u16 = 9094;
const GRAFANA_WEB: u16 = 3000;
const KUBE_STATE_METRICS_HTTP: u16 = 8080;
const OPERATOR_WEBHOOK: u16 = 10250;

/// The headless Service the Prometheus operator puts in front of every Prometheus pod.
pub(crate) const PROMETHEUS_OPERATED: &str = "prometheus-operated";
/// The headless Service the Prometheus operator puts in front of every Alertmanager pod.
pub(crate) const ALERTMANAGER_OPERATED: &str = "alertmanager-operated";

/// Who may connect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Peer {
    /// The pods of a Thanos component.
    Thanos(Component),
    /// A pod of the chart.
    Chart(ChartPod),
    /// The ingress controller of `class` (no plain peer for Cilium's own; see
    /// [`cilium_policy`]).
    IngressController,
    /// Anyone: the API server calling a webhook cannot be selected.
    Anyone,
}

/// One allow rule: these peers, these TCP ports.
pub(crate) struct Allow<'a> {
    pub from: &'a [Peer],
    pub ports: &'a [u16],
}

fn pods(labels: BTreeMap<String, String>) -> NetworkPolicyPeer {
    NetworkPolicyPeer {
        pod_selector: Some(overlays::match_labels(labels)),
        ..NetworkPolicyPeer::default()
    }
}

/// The plain NetworkPolicy peers of `peer`; empty `from` (anyone) for [`Peer::Anyone`]
/// and for an ingress controller of a class we cannot select.
fn peers(fleet: &Fleet, class: &str, peer: Peer) -> Option<Vec<NetworkPolicyPeer>> {
    match peer {
        Peer::Thanos(component) => Some(vec![pods(selector_labels(component))]),
        Peer::Chart(pod) => Some(vec![pods(pod.labels())]),
        // The controller the fleet names: its namespace, and its pods there.
        Peer::IngressController if fleet.security.ingress_controller.is_some() => {
            let controller = fleet.security.ingress_controller.as_ref()?;
            Some(vec![NetworkPolicyPeer {
                namespace_selector: Some(namespace_named(&controller.namespace)),
                pod_selector: Some(LabelSelector {
                    match_labels: (!controller.pod_labels.is_empty())
                        .then(|| controller.pod_labels.clone()),
                    ..LabelSelector::default()
                }),
                ..NetworkPolicyPeer::default()
            }])
        }
        Peer::IngressController if class == CILIUM => Some(Vec::new()),
        Peer::IngressController if class == NGINX => Some(vec![NetworkPolicyPeer {
            namespace_selector: Some(namespace_named(NGINX_NAMESPACE)),
            ..NetworkPolicyPeer::default()
        }]),
        // Any other controller: from every namespace (its pods cannot be told apart).
        Peer::IngressController => Some(vec![NetworkPolicyPeer {
            namespace_selector: Some(LabelSelector::default()),
            ..NetworkPolicyPeer::default()
        }]),
        Peer::Anyone => None,
    }
}

/// The namespace named `name` (its `kubernetes.io/metadata.name` label).
fn namespace_named(name: &str) -> LabelSelector {
    overlays::match_labels(overlays::label(("kubernetes.io/metadata.name", name)))
}

/// A NetworkPolicy `name` letting the pods `selector` accept only `allows`.
pub(crate) fn policy(
    fleet: &Fleet,
    name: &str,
    labels: BTreeMap<String, String>,
    selector: BTreeMap<String, String>,
    allows: &[Allow],
) -> NetworkPolicy {
    let class = fleet.ingress_class.as_str();
    let ingress = allows
        .iter()
        .filter_map(|allow| {
            let mut from = Vec::new();
            for peer in allow.from {
                match peers(fleet, class, *peer) {
                    Some(peers) => from.extend(peers),
                    None => return Some((None, allow.ports)),
                }
            }
            (!from.is_empty()).then_some((Some(from), allow.ports))
        })
        .map(|(from, ports)| NetworkPolicyIngressRule {
            from,
            ports: Some(ports.iter().flat_map(|port| protocols(*port)).collect()),
        })
        .collect();
    NetworkPolicy {
        metadata: overlays::metadata(fleet, name, labels),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(overlays::match_labels(selector)),
            policy_types: Some(vec!["Ingress".to_owned()]),
            ingress: Some(ingress),
            ..NetworkPolicySpec::default()
        }),
    }
}

/// The port over TCP, and over UDP too for Alertmanager's cluster port (its gossip
/// speaks both).
fn protocols(port: u16) -> Vec<NetworkPolicyPort> {
    let over = |protocol: &str| NetworkPolicyPort {
        port: Some(IntOrString::Int(i32::from(port))),
        protocol: Some(protocol.to_owned()),
        ..NetworkPolicyPort::default()
    };
    if port == ALERTMANAGER_CLUSTER {
        vec![over("TCP"), over("UDP")]
    } else {
        vec![over("TCP")]
    }
}

fn labels() -> BTreeMap<String, String> {
    overlays::label(overlays::MANAGED_BY)
}

/// `CiliumNetworkPolicy` (cilium.io/v2): lets Cilium's own Ingress (the `ingress`
/// identity, which no plain NetworkPolicy can select) reach a backend port.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CiliumNetworkPolicy {
    api_version: &'static str,
    kind: &'static str,
    metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    spec: CiliumSpec,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
struct CiliumSpec {
    endpoint_selector: LabelSelector,
    ingress: Vec<CiliumIngress>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
struct CiliumIngress {
    from_entities: Vec<&'static str>,
    to_ports: Vec<CiliumPorts>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct CiliumPorts {
    ports: Vec<CiliumPort>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct CiliumPort {
    port: String,
    protocol: &'static str,
}

fn cilium_policy(
    fleet: &Fleet,
    name: &str,
    selector: BTreeMap<String, String>,
    port: u16,
) -> CiliumNetworkPolicy {
    CiliumNetworkPolicy {
        api_version: "cilium.io/v2",
        kind: "CiliumNetworkPolicy",
        metadata: overlays::metadata(fleet, format!("{name}-from-ingress"), labels()),
        spec: CiliumSpec {
            endpoint_selector: overlays::match_labels(selector),
            ingress: vec![CiliumIngress {
                from_entities: vec!["ingress"],
                to_ports: vec![CiliumPorts {
                    ports: vec![CiliumPort {
                        port: port.to_string(),
                        protocol: "TCP",
                    }],
                }],
            }],
        },
    }
}

/// The objects of `network-policies.yaml`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct NetworkPolicies {
    /// `default-deny-ingress`: every pod of the namespace accepts nothing unless a policy
    /// below (or a component's own) allows it.
    pub default_deny: NetworkPolicy,
    /// One per chart pod: Prometheus, Alertmanager, the Ruler, Grafana,
    /// kube-state-metrics, the operator.
    pub chart: Vec<NetworkPolicy>,
    /// With Cilium's Ingress: its `ingress` identity to Receive's remote-write port and
    /// Grafana.
    pub cilium: Vec<CiliumNetworkPolicy>,
}

/// `default-deny-ingress`: no pod of the namespace accepts anything a policy does not
/// allow.
fn default_deny(fleet: &Fleet) -> NetworkPolicy {
    NetworkPolicy {
        metadata: overlays::metadata(fleet, "default-deny-ingress", labels()),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(LabelSelector::default()),
            policy_types: Some(vec!["Ingress".to_owned()]),
            ..NetworkPolicySpec::default()
        }),
    }
}

/// kube-state-metrics' policy: `scraper` (central Prometheus, an edge's agent) on its
/// metrics port.
fn kube_state_metrics(fleet: &Fleet, scraper: Peer) -> NetworkPolicy {
    KUBE_STATE_METRICS.policy(
        fleet,
        &[Allow {
            from: &[scraper],
            ports: &[KUBE_STATE_METRICS_HTTP],
        }],
    )
}

/// The operator's policy: anyone on its admission webhook port (the API server calls it,
/// and no policy can select the API server).
fn operator_webhook(fleet: &Fleet) -> NetworkPolicy {
    PROMETHEUS_OPERATOR.policy(
        fleet,
        &[Allow {
            from: &[Peer::Anyone],
            ports: &[OPERATOR_WEBHOOK],
        }],
    )
}

impl NetworkPolicies {
    /// An edge's `network-policies.yaml`, when the fleet has NetworkPolicies: the default
    /// deny, the agent scraping itself and kube-state-metrics, and the operator's
    /// admission webhook (called by the API server, which no policy can select). An edge
    /// serves nothing else: the agent only writes out, and node-exporter runs on the host
    /// network, where policies do not apply.
    pub(crate) fn edge(fleet: &Fleet) -> Option<Self> {
        if !fleet.security.network_policies {
            return None;
        }
        let agent = Peer::Chart(PROMETHEUS_AGENT);
        Some(Self {
            default_deny: default_deny(fleet),
            chart: vec![
                PROMETHEUS_AGENT.policy(
                    fleet,
                    &[Allow {
                        from: &[agent],
                        ports: &[PROMETHEUS_WEB, RELOADER],
                    }],
                ),
                kube_state_metrics(fleet, agent),
                operator_webhook(fleet),
            ],
            cilium: Vec::new(),
        })
    }

    /// The central overlay's policies; `None` when the fleet has none.
    pub(crate) fn new(fleet: &Fleet) -> Option<Self> {
        if !fleet.security.network_policies {
            return None;
        }
        let default_deny = default_deny(fleet);
        let prometheus = Peer::Chart(PROMETHEUS);
        let grafana = Peer::Chart(GRAFANA);
        let ruler = Peer::Chart(THANOS_RULER);
        let query = Peer::Thanos(Component::Query);
        let write_limiter = match fleet.central.receive.router {
            Some(_) => Component::ReceiveRouter,
            None => Component::Receive,
        };
        let grpc = thanos::component::GRPC.number;
        let http = thanos::component::HTTP.number;
        let mut chart = vec![
            PROMETHEUS.policy(
                fleet,
                &[
                    Allow {
                        from: &[query],
                        ports: &[grpc],
                    },
                    // Receive (its routers, when split) asks for head series per tenant.
                    Allow {
                        from: &[prometheus, grafana, Peer::Thanos(write_limiter)],
                        ports: &[PROMETHEUS_WEB],
                    },
                    Allow {
                        from: &[prometheus],
                        ports: &[http, RELOADER],
                    },
                ],
            ),
            ALERTMANAGER.policy(
                fleet,
                &[
                    Allow {
                        from: &[prometheus, ruler, grafana],
                        ports: &[ALERTMANAGER_WEB],
                    },
                    Allow {
                        from: &[Peer::Chart(ALERTMANAGER)],
                        ports: &[ALERTMANAGER_CLUSTER],
                    },
                    Allow {
                        from: &[prometheus],
                        ports: &[ALERTMANAGER_WEB, RELOADER],
                    },
                ],
            ),
            GRAFANA.policy(
                fleet,
                &[Allow {
                    from: &[Peer::IngressController, prometheus],
                    ports: &[GRAFANA_WEB],
                }],
            ),
            kube_state_metrics(fleet, prometheus),
            operator_webhook(fleet),
        ];
        if fleet.central.ruler.is_some() {
            chart.push(THANOS_RULER.policy(
                fleet,
                &[
                    Allow {
                        from: &[query],
                        ports: &[grpc],
                    },
                    Allow {
                        from: &[prometheus],
                        ports: &[http],
                    },
                ],
            ));
        }
        let mut cilium = Vec::new();
        let class_of = |ingress: &thanos_model::Ingress| fleet.ingress_class(ingress) == CILIUM;
        if fleet.central.receive.ingress.as_ref().is_some_and(class_of) {
            // The edges' writes land on the routers when Receive has them.
            cilium.push(cilium_policy(
                fleet,
                write_limiter.name(),
                selector_labels(write_limiter),
                thanos::receive::REMOTE_WRITE.number,
            ));
        }
        if fleet.central.query.ingress.as_ref().is_some_and(class_of) {
            cilium.push(cilium_policy(
                fleet,
                Component::Query.name(),
                selector_labels(Component::Query),
                thanos::query::HTTP.number,
            ));
        }
        if fleet.central.grafana.ingress.as_ref().is_some_and(class_of) {
            cilium.push(cilium_policy(
                fleet,
                GRAFANA.name,
                GRAFANA.labels(),
                GRAFANA_WEB,
            ));
        }
        Some(Self {
            default_deny,
            chart,
            cilium,
        })
    }
}

impl FileObjects for NetworkPolicies {
    fn add_to(&self, documents: Documents) -> Documents {
        documents
            .one(&self.default_deny)
            .all(&self.chart)
            .all(&self.cilium)
    }
}
