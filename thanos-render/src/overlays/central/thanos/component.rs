//! The component context: what every Thanos component of the central overlay shares,
//! in one place a component file configures.
//!
//! A component file names its [`Component`] and its [`Port`]s; [`ComponentContext::new`]
//! reads the options every component has from the fleet (image, replicas, resources: its
//! [`ComponentOptions`]), or a component the fleet may lack passes its own to
//! [`ComponentContext::with_options`], and the context makes each object, one constructor
//! per object:
//!
//! | object | constructor |
//! | --- | --- |
//! | labels, selector, metadata | [`ComponentContext::labels`], [`ComponentContext::metadata`] |
//! | ConfigMap of a file the pods read ([`ConfigFile`]) | [`ComponentContext::config_map`], mounted by [`ThanosPod::config_file`] |
//! | the hardened pod, as a Deployment or a StatefulSet | [`ComponentContext::pod`], then [`ThanosPod::deployment`] or [`ThanosPod::stateful_set`] |
//! | ServiceAccount, Service `<name>`, PodDisruptionBudget, ServiceMonitor, Ingress: [`SharedObjects`] | [`ComponentContext::shared_objects`] (with [`ComponentContext::service_account`], [`ComponentContext::service`], [`ComponentContext::pod_disruption_budget`], [`ComponentContext::service_monitor`], [`ComponentContext::tls_ingress`]) |
//! | headless Service `<name>-headless` | [`ComponentContext::headless_service`] |
//!
//! What a component adds on top (its flags, its ConfigMap) stays in its own file. An
//! object every component gets (a ServiceAccount, a NetworkPolicy) is a field of
//! [`SharedObjects`] and one constructor here.

use std::collections::BTreeMap;

use k8s_openapi::{
    api::{
        core::v1::{ConfigMap, ContainerPort, Service, ServiceAccount, ServicePort, ServiceSpec},
        networking::v1::{
            HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule,
            IngressServiceBackend, IngressSpec, IngressTLS, NetworkPolicy, ServiceBackendPort,
        },
        policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec},
    },
    apimachinery::pkg::{
        apis::meta::v1::{LabelSelector, ObjectMeta},
        util::intstr::IntOrString,
    },
};
use thanos_model::{Component, Fleet, IngressTls, Resources, ThanosImage, Workload};

use super::{
    monitoring,
    pod::{replica_count, ThanosPod},
};
use crate::{
    monitoring::ServiceMonitor,
    overlays::{
        self,
        central::network_policies::{self, Allow, Peer},
        FileObjects,
    },
    yaml::Documents,
};

/// A named TCP port of a Thanos container, and of the Services in front of it under the
/// same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Port {
    /// The name containers, Services, probes, Ingress backends and DNS SRV lookups use.
    pub name: &'static str,
    pub number: u16,
}

impl Port {
    /// The container port.
    pub(crate) fn container_port(self) -> ContainerPort {
        ContainerPort {
            name: Some(self.name.to_owned()),
            container_port: i32::from(self.number),
            protocol: Some("TCP".to_owned()),
            ..ContainerPort::default()
        }
    }

    /// The Service port forwarding to the container port of the same name.
    pub(crate) fn service_port(self) -> ServicePort {
        ServicePort {
            name: Some(self.name.to_owned()),
            port: i32::from(self.number),
            target_port: Some(IntOrString::String(self.name.to_owned())),
            protocol: Some("TCP".to_owned()),
            ..ServicePort::default()
        }
    }
}

/// A file a component's pods read from a ConfigMap `<name>-<suffix>`
/// ([`ComponentContext::config_map`]), mounted read-only at `dir` as the volume
/// `<suffix>` ([`ThanosPod::config_file`]); its flag names [`Self::path`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ConfigFile {
    /// The ConfigMap's name after the component's, and the volume's name.
    pub suffix: &'static str,
    /// The file's key in the ConfigMap.
    pub file: &'static str,
    /// The directory the pods read it in.
    pub dir: &'static str,
}

impl ConfigFile {
    /// The path the pods read the file at.
    pub(crate) fn path(self) -> String {
        format!("{}/{}", self.dir, self.file)
    }

    /// The name of `owner`'s ConfigMap holding the file: `<name>-<suffix>`.
    pub(crate) fn config_map_name(self, owner: Component) -> String {
        format!("{}-{}", owner.name(), self.suffix)
    }
}

/// gRPC StoreAPI port of every Thanos component and the sidecar; Query's DNS SRV lookups
/// ask for its name.
pub(crate) const GRPC: Port = Port {
    name: "grpc",
    number: 10901,
};
/// HTTP port (metrics, probes, UI) of Receive, Store, Compactor and the sidecar; the
/// probes and metrics use its name, which every component's HTTP port has.
pub(crate) const HTTP: Port = Port {
    name: "http",
    number: 10902,
};

/// Central Prometheus, which scrapes every component.
pub(crate) const PROMETHEUS: Peer = Peer::Chart(network_policies::PROMETHEUS);
/// Query, the client of every StoreAPI.
pub(crate) const QUERY: Peer = Peer::Thanos(Component::Query);
/// Every component's metrics: its HTTP port, to Prometheus.
pub(crate) const METRICS: Allow<'static> = Allow {
    from: &[PROMETHEUS],
    ports: &[HTTP.number],
};

/// How a Service exposes a component's pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ServiceKind {
    /// One virtual IP, balanced over the ready pods.
    ClusterIp,
    /// No virtual IP: DNS (and SRV) records of every ready pod, for Query's discovery
    /// and StatefulSet pod names.
    Headless,
    /// Headless, with records of pods that are not ready yet too: Receive pods must
    /// reach each other through the hashring before any of them is ready.
    HeadlessWithUnready,
}

/// The objects every Thanos component has besides its workload, in the order of its file:
/// ServiceAccount, Service, Ingress, PodDisruptionBudget, ServiceMonitor.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SharedObjects {
    /// `<name>`, when the fleet gives each component its own ServiceAccount: the pods'
    /// identity, with no API token mounted (they never call the API server).
    pub service_account: Option<ServiceAccount>,
    /// `<name>`: the Service in front of the pods, with every port.
    pub service: Service,
    /// `<name>`, when the fleet gives the component an Ingress.
    pub ingress: Option<Ingress>,
    /// `<name>`, when the component has more than one replica: how many pods a drain may
    /// take at a time.
    pub pod_disruption_budget: Option<PodDisruptionBudget>,
    /// `<name>`: central Prometheus scrapes the component, when the fleet wants
    /// ServiceMonitors.
    pub service_monitor: Option<ServiceMonitor>,
    /// `<name>`, when the fleet has NetworkPolicies: the pods accept only their real
    /// peers, on the ports of the Service.
    pub network_policy: Option<NetworkPolicy>,
}

impl SharedObjects {
    /// With the Ingress `ingress`.
    #[must_use]
    pub(crate) fn ingress(mut self, ingress: Option<Ingress>) -> Self {
        self.ingress = ingress;
        self
    }

    /// With the PodDisruptionBudget `budget`.
    #[must_use]
    pub(crate) fn pod_disruption_budget(mut self, budget: Option<PodDisruptionBudget>) -> Self {
        self.pod_disruption_budget = budget;
        self
    }
}

impl FileObjects for SharedObjects {
    fn add_to(&self, documents: Documents) -> Documents {
        documents
            .all(&self.service_account)
            .one(&self.service)
            .all(&self.ingress)
            .all(&self.pod_disruption_budget)
            .all(&self.service_monitor)
            .all(&self.network_policy)
    }
}

/// One Thanos component of the central overlay in one fleet: the options every component
/// has (name, image, replicas, resources, ports), from which its objects are made.
#[derive(Debug, Clone)]
pub(crate) struct ComponentContext<'a> {
    pub fleet: &'a Fleet,
    pub component: Component,
    /// Its pinned image, else the fleet's.
    pub image: &'a ThanosImage,
    pub replicas: u32,
    /// Its requests and limits: the fleet's explicit ones, else derived from the fleet
    /// (`Fleet::resources`).
    pub resources: Resources,
    /// Every port of the container, in order; each Service has them all.
    pub ports: &'static [Port],
}

/// What one component runs with: its pinned image (else the fleet's), replicas and
/// resources.
#[derive(Debug, Clone)]
pub(crate) struct ComponentOptions<'a> {
    pub image: Option<&'a ThanosImage>,
    pub replicas: u32,
    /// Its requests and limits: the fleet's explicit ones, else derived from the fleet
    /// (`Fleet::resources`).
    pub resources: Resources,
}

impl<'a> ComponentContext<'a> {
    /// The context of `component`, one of the four Thanos components every fleet has
    /// (Query, Receive, Store, Compactor), in `fleet`: its options read from the fleet,
    /// the one place they are.
    pub(crate) fn new(fleet: &'a Fleet, component: Component, ports: &'static [Port]) -> Self {
        let c = &fleet.central;
        let (image, replicas, workload) = match component {
            Component::Query => (c.query.image.as_ref(), c.query.replicas, Workload::Query),
            Component::Receive => (
                c.receive.image.as_ref(),
                c.receive.replicas,
                Workload::Receive,
            ),
            Component::Store => (c.store.image.as_ref(), c.store.replicas, Workload::Store),
            // Always one replica: two would compact the same blocks.
            Component::Compactor => (c.compactor.image.as_ref(), 1, Workload::Compactor),
            Component::QueryFrontend | Component::ReceiveRouter | Component::Grafana => {
                unreachable!(
                    "{component:?} is optional or the chart's: its file passes its own options (ComponentContext::with_options)"
                )
            }
        };
        let options = ComponentOptions {
            image,
            replicas,
            resources: fleet.resources(workload),
        };
        Self::with_options(fleet, component, ports, options)
    }

    /// The context of `component` in `fleet`, running with `options`: the file of a
    /// component the fleet may lack (the query-frontend, Receive's routers) passes its
    /// model's.
    pub(crate) fn with_options(
        fleet: &'a Fleet,
        component: Component,
        ports: &'static [Port],
        options: ComponentOptions<'a>,
    ) -> Self {
        Self {
            fleet,
            component,
            image: fleet.image(options.image),
            replicas: options.replicas,
            resources: options.resources,
            ports,
        }
    }

    /// The name of its workload, Service, Ingress, PodDisruptionBudget and ServiceMonitor.
    pub(crate) fn name(&self) -> &'static str {
        self.component.name()
    }

    /// The labels that select its pods; never changed after the first deploy.
    pub(crate) fn selector_labels(&self) -> BTreeMap<String, String> {
        selector_labels(self.component)
    }

    /// The selector of its pods.
    pub(crate) fn selector(&self) -> LabelSelector {
        overlays::match_labels(self.selector_labels())
    }

    /// Every label of its objects: the selector labels, its role and version.
    pub(crate) fn labels(&self) -> BTreeMap<String, String> {
        let mut labels = workload_labels(self.name(), self.component.kind());
        labels.insert(
            "app.kubernetes.io/version".to_owned(),
            self.image.version.clone(),
        );
        labels
    }

    /// Metadata of its object named `name`, with its labels.
    pub(crate) fn metadata(&self, name: impl Into<String>) -> ObjectMeta {
        overlays::metadata(self.fleet, name, self.labels())
    }

    /// Its ConfigMap `<name>-<suffix>` holding `file`, one file its pods read, with
    /// `contents`.
    pub(crate) fn config_map(&self, file: ConfigFile, contents: String) -> ConfigMap {
        ConfigMap {
            metadata: self.metadata(file.config_map_name(self.component)),
            data: Some(BTreeMap::from([(file.file.to_owned(), contents)])),
            ..ConfigMap::default()
        }
    }

    /// Its hardened pod running `args`, to finish as a Deployment or a StatefulSet.
    pub(crate) fn pod(&self, args: Vec<String>) -> ThanosPod<'a> {
        ThanosPod::new(self.clone(), args)
    }

    /// Its [`SharedObjects`]: a Service of `kind`, a PodDisruptionBudget letting a drain
    /// take one pod at a time, the ServiceMonitor, the NetworkPolicy admitting `allows`,
    /// no Ingress.
    pub(crate) fn shared_objects(&self, kind: ServiceKind, allows: &[Allow]) -> SharedObjects {
        SharedObjects {
            service_account: self.service_account(),
            service: self.service(kind),
            ingress: None,
            pod_disruption_budget: self.pod_disruption_budget(1),
            service_monitor: self.service_monitor(),
            network_policy: self.network_policy(allows),
        }
    }

    /// Its NetworkPolicy, when the fleet has NetworkPolicies: its pods accept only
    /// `allows`, its real peers on its own ports (from the same port constants as its
    /// Services and Query's endpoints), which its file names. Every HTTP port answers
    /// Prometheus ([`METRICS`]); Cap'n Proto replication (19391) is in no rule: the
    /// namespace's default deny closes it.
    pub(crate) fn network_policy(&self, allows: &[Allow]) -> Option<NetworkPolicy> {
        self.fleet.security.network_policies.then(|| {
            network_policies::policy(
                self.fleet,
                self.name(),
                self.labels(),
                self.selector_labels(),
                allows,
            )
        })
    }

    /// Its ServiceAccount `<name>` with no API token mounted, when the fleet gives each
    /// component its own; `None` leaves the pods on the namespace's `default`.
    pub(crate) fn service_account(&self) -> Option<ServiceAccount> {
        self.fleet
            .security
            .service_accounts
            .then(|| service_account(self.metadata(self.name())))
    }

    /// The Service `<name>` in front of its pods, with every port.
    pub(crate) fn service(&self, kind: ServiceKind) -> Service {
        self.service_named(self.name(), kind)
    }

    /// The name of the Service [`Self::headless_service`] makes: `<name>-headless`.
    pub(crate) fn headless_service_name(&self) -> String {
        headless_service_name(self.component)
    }

    /// The headless Service `<name>-headless` beside the ClusterIP [`Self::service`]:
    /// DNS records of every pod, ready or not, so that pods reach each other (Receive's
    /// hashring) before any of them is ready.
    pub(crate) fn headless_service(&self) -> Service {
        self.service_named(
            &self.headless_service_name(),
            ServiceKind::HeadlessWithUnready,
        )
    }

    /// The headless Service `<name>-headless` of the ready pods only: a DNS SRV record per
    /// pod that can answer, for a client that spreads over the pods itself (the Ruler
    /// over Query's pods).
    pub(crate) fn ready_headless_service(&self) -> Service {
        self.service_named(&self.headless_service_name(), ServiceKind::Headless)
    }

    fn service_named(&self, name: &str, kind: ServiceKind) -> Service {
        service(
            self.metadata(name),
            kind,
            self.ports,
            self.selector_labels(),
        )
    }

    /// Its Ingress `model`, routing the host of `host_of`'s Ingress to port `port` of its
    /// Service: the component's own host, or (Receive's routers) the host of the
    /// component it stands in front of.
    pub(crate) fn ingress_for(
        &self,
        model: &thanos_model::Ingress,
        port: Port,
        host_of: Component,
    ) -> Ingress {
        let backend = IngressBackend {
            service: Some(IngressServiceBackend {
                name: self.name().to_owned(),
                port: Some(ServiceBackendPort {
                    name: Some(port.name.to_owned()),
                    ..ServiceBackendPort::default()
                }),
            }),
            ..IngressBackend::default()
        };
        Ingress {
            metadata: self.metadata(self.name()),
            spec: Some(IngressSpec {
                ingress_class_name: Some(self.fleet.ingress_class(model).to_owned()),
                rules: Some(vec![IngressRule {
                    host: Some(self.fleet.ingress_host(model, host_of)),
                    http: Some(HTTPIngressRuleValue {
                        paths: vec![HTTPIngressPath {
                            path: Some("/".to_owned()),
                            path_type: "Prefix".to_owned(),
                            backend,
                        }],
                    }),
                }]),
                ..IngressSpec::default()
            }),
            ..Ingress::default()
        }
    }

    /// The Ingress the fleet gives it (`None` without one), routing its host to port
    /// `port` of its Service, with TLS terminated by the Ingress controller
    /// when the fleet has `security.ingressTls`: `spec.tls` names its host and the Secret
    /// `<name>-tls` (issued by `thanos-certificates.yaml`, or the operator's).
    pub(crate) fn tls_ingress(
        &self,
        model: Option<&thanos_model::Ingress>,
        port: Port,
    ) -> Option<Ingress> {
        let model = model?;
        let mut ingress = self.ingress_for(model, port, self.component);
        if self.fleet.security.ingress_tls.is_some() {
            if let Some(spec) = ingress.spec.as_mut() {
                spec.tls = Some(vec![IngressTLS {
                    hosts: Some(vec![self.fleet.ingress_host(model, self.component)]),
                    secret_name: Some(IngressTls::secret_name(self.name())),
                }]);
            }
        }
        Some(ingress)
    }

    /// A PodDisruptionBudget letting a drain take at most `max_unavailable` of its pods
    /// at a time; `None` for a single replica, where no pod can stand in for another and
    /// a budget would only block drains. A pod that is not ready serves nothing, so a
    /// drain may always evict it (`unhealthyPodEvictionPolicy: AlwaysAllow`): a crash
    /// loop never blocks a node's maintenance.
    pub(crate) fn pod_disruption_budget(
        &self,
        max_unavailable: u32,
    ) -> Option<PodDisruptionBudget> {
        (self.replicas > 1).then(|| {
            disruption_budget(self.metadata(self.name()), self.selector(), max_unavailable)
        })
    }

    /// Its ServiceMonitor (central Prometheus scrapes it), when the fleet wants
    /// ServiceMonitors.
    pub(crate) fn service_monitor(&self) -> Option<ServiceMonitor> {
        monitoring::service_monitor(self.fleet, self.component)
    }
}

/// A Service of `kind` with `ports`, in front of the pods `selector` selects (a
/// component's, or its cache's).
pub(crate) fn service(
    metadata: ObjectMeta,
    kind: ServiceKind,
    ports: &[Port],
    selector: BTreeMap<String, String>,
) -> Service {
    Service {
        metadata,
        spec: Some(ServiceSpec {
            cluster_ip: (kind != ServiceKind::ClusterIp).then(|| "None".to_owned()),
            publish_not_ready_addresses: (kind == ServiceKind::HeadlessWithUnready).then_some(true),
            ports: Some(ports.iter().map(|port| port.service_port()).collect()),
            selector: Some(selector),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    }
}

/// A PodDisruptionBudget over the pods `selector` selects: a drain takes at most
/// `max_unavailable` of them at a time, and may always evict one that is not ready
/// (`unhealthyPodEvictionPolicy: AlwaysAllow`), so a crash loop never blocks a node's
/// maintenance.
pub(crate) fn disruption_budget(
    metadata: ObjectMeta,
    selector: LabelSelector,
    max_unavailable: u32,
) -> PodDisruptionBudget {
    PodDisruptionBudget {
        metadata,
        spec: Some(PodDisruptionBudgetSpec {
            max_unavailable: Some(IntOrString::Int(replica_count(max_unavailable))),
            selector: Some(selector),
            unhealthy_pod_eviction_policy: Some("AlwaysAllow".to_owned()),
            ..PodDisruptionBudgetSpec::default()
        }),
        ..PodDisruptionBudget::default()
    }
}

/// The name of `component`'s headless Service ([`ComponentContext::headless_service`]):
/// `<name>-headless`.
pub(crate) fn headless_service_name(component: Component) -> String {
    format!("{}-headless", component.name())
}

/// A ServiceAccount with no API token mounted: the identity of pods that never call the
/// API server.
pub(crate) fn service_account(metadata: ObjectMeta) -> ServiceAccount {
    ServiceAccount {
        metadata,
        automount_service_account_token: Some(false),
        ..ServiceAccount::default()
    }
}

/// The labels that select a Thanos component's pods, by its workload and by the
/// NetworkPolicies that admit them; never changed after the first deploy.
pub(crate) fn selector_labels(component: Component) -> BTreeMap<String, String> {
    workload_selector_labels(component.name())
}

/// Every label of the objects of the Thanos workload `name` (a component's, or its
/// cache's) but a version: its selector labels, its role (`app.kubernetes.io/component`)
/// and who manages it.
pub(crate) fn workload_labels(name: &str, role: &str) -> BTreeMap<String, String> {
    let mut labels = workload_selector_labels(name);
    labels.insert("app.kubernetes.io/component".to_owned(), role.to_owned());
    labels.extend(overlays::label(overlays::MANAGED_BY));
    labels
}

/// The labels that select the pods of the Thanos workload `name` (a component's, or its
/// cache's).
pub(crate) fn workload_selector_labels(name: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".to_owned(), name.to_owned()),
        ("app.kubernetes.io/part-of".to_owned(), "thanos".to_owned()),
    ])
}
