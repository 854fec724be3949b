//! Building blocks shared by the Thanos manifests: labels, hardened pods, probes,
//! volumes, Services and Ingresses. Options in, k8s-openapi objects out.

use std::collections::BTreeMap;

use k8s_openapi::{
    api::{
        apps::v1::{Deployment, DeploymentSpec, StatefulSet, StatefulSetSpec},
        core::v1::{
            Affinity, Capabilities, ConfigMapVolumeSource, Container, ContainerPort, EnvVar,
            EnvVarSource, HTTPGetAction, ObjectFieldSelector, PersistentVolumeClaim,
            PersistentVolumeClaimSpec, PodAffinityTerm, PodAntiAffinity, PodSecurityContext,
            PodSpec, PodTemplateSpec, Probe, SeccompProfile, SecretVolumeSource, SecurityContext,
            Service, ServicePort, ServiceSpec, Volume, VolumeMount, VolumeResourceRequirements,
            WeightedPodAffinityTerm,
        },
        networking::v1::{
            HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule,
            IngressServiceBackend, IngressSpec, ServiceBackendPort,
        },
        policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec},
    },
    apimachinery::pkg::{
        api::resource::Quantity,
        apis::meta::v1::{LabelSelector, ObjectMeta},
        util::intstr::IntOrString,
    },
};
use thanos_model::{Component, Fleet, Resources, Storage, ThanosImage};

use crate::{
    overlays::central::thanos::{GRPC_PORT, GRPC_PORT_NAME, HTTP_PORT_NAME},
    values::resource_requirements,
};

/// Where the data volume is mounted in every Thanos container.
pub(crate) const DATA_DIR: &str = "/var/thanos/data";
/// Where the object storage Secret is mounted.
const OBJSTORE_DIR: &str = "/etc/thanos/objstore";
/// The unprivileged user (nobody) every Thanos container runs as.
const NOBODY: i64 = 65_534;

/// The labels that select a component's pods; never changed after the first deploy.
pub(crate) fn selector_labels(component: Component) -> BTreeMap<String, String> {
    BTreeMap::from([
        (
            "app.kubernetes.io/name".to_owned(),
            component.name().to_owned(),
        ),
        ("app.kubernetes.io/part-of".to_owned(), "thanos".to_owned()),
    ])
}

/// Every label of a component's objects: the selector labels, its role and version.
pub(crate) fn labels(component: Component, image: &ThanosImage) -> BTreeMap<String, String> {
    let mut labels = selector_labels(component);
    labels.insert(
        "app.kubernetes.io/component".to_owned(),
        component.kind().to_owned(),
    );
    labels.insert(
        "app.kubernetes.io/managed-by".to_owned(),
        "thanos-kustomize".to_owned(),
    );
    labels.insert(
        "app.kubernetes.io/version".to_owned(),
        image.version.clone(),
    );
    labels
}

/// Metadata of an object named `name` in the fleet's namespace.
pub(crate) fn metadata(
    fleet: &Fleet,
    name: impl Into<String>,
    labels: BTreeMap<String, String>,
) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.into()),
        namespace: Some(fleet.namespace.clone()),
        labels: Some(labels),
        ..ObjectMeta::default()
    }
}

/// A named container port.
pub(crate) fn port(name: &str, number: u16) -> ContainerPort {
    ContainerPort {
        name: Some(name.to_owned()),
        container_port: i32::from(number),
        protocol: Some("TCP".to_owned()),
        ..ContainerPort::default()
    }
}

/// The `--objstore.config-file` flag for the mounted object storage Secret.
pub(crate) fn objstore_flag(fleet: &Fleet) -> String {
    format!(
        "--objstore.config-file={OBJSTORE_DIR}/{}",
        fleet.object_storage.config_secret().key
    )
}

/// An environment variable taken from a field of the pod, such as `metadata.name`.
pub(crate) fn field_env(name: &str, field_path: &str) -> EnvVar {
    EnvVar {
        name: name.to_owned(),
        value_from: Some(EnvVarSource {
            field_ref: Some(ObjectFieldSelector {
                field_path: field_path.to_owned(),
                ..ObjectFieldSelector::default()
            }),
            ..EnvVarSource::default()
        }),
        ..EnvVar::default()
    }
}

/// A volume from a ConfigMap, mounted read-only at `path`.
pub(crate) fn config_map_volume(name: &str, config_map: &str, path: &str) -> (Volume, VolumeMount) {
    (
        Volume {
            name: name.to_owned(),
            config_map: Some(ConfigMapVolumeSource {
                name: config_map.to_owned(),
                ..ConfigMapVolumeSource::default()
            }),
            ..Volume::default()
        },
        VolumeMount {
            name: name.to_owned(),
            mount_path: path.to_owned(),
            read_only: Some(true),
            ..VolumeMount::default()
        },
    )
}

/// One Thanos container in a hardened pod. The component files fill in what differs.
pub(crate) struct ThanosPod<'a> {
    pub fleet: &'a Fleet,
    pub component: Component,
    pub image: &'a ThanosImage,
    /// The subcommand and its flags.
    pub args: Vec<String>,
    pub resources: &'a Resources,
    /// Name and number of every port; the one named `http` serves the probes.
    pub ports: Vec<ContainerPort>,
    pub env: Vec<EnvVar>,
    /// Volumes besides the object storage Secret and the data volume.
    pub volumes: Vec<(Volume, VolumeMount)>,
    /// Mount the object storage Secret.
    pub objstore: bool,
    /// Seconds to let the process flush on shutdown, where the default is too short.
    pub termination_grace_period: Option<i64>,
    /// Prefer spreading replicas over nodes.
    pub spread: bool,
}

impl ThanosPod<'_> {
    /// A Deployment of `replicas` of this pod, without storage.
    pub(crate) fn deployment(self, replicas: u32) -> Deployment {
        let (fleet, component, image) = (self.fleet, self.component, self.image);
        Deployment {
            metadata: metadata(fleet, component.name(), labels(component, image)),
            spec: Some(DeploymentSpec {
                replicas: Some(replica_count(replicas)),
                selector: selector(component),
                template: self.template(false),
                ..DeploymentSpec::default()
            }),
            ..Deployment::default()
        }
    }

    /// A StatefulSet of `replicas` of this pod, each with its own `data` volume claim
    /// mounted at [`DATA_DIR`]; `service` is the headless Service that names the pods.
    /// Pods of a `parallel` set start and stop together instead of one by one.
    pub(crate) fn stateful_set(
        self,
        replicas: u32,
        service: &str,
        storage: &Storage,
        parallel: bool,
    ) -> StatefulSet {
        let (fleet, component, image) = (self.fleet, self.component, self.image);
        StatefulSet {
            metadata: metadata(fleet, component.name(), labels(component, image)),
            spec: Some(StatefulSetSpec {
                replicas: Some(replica_count(replicas)),
                service_name: Some(service.to_owned()),
                pod_management_policy: parallel.then(|| "Parallel".to_owned()),
                selector: selector(component),
                template: self.template(true),
                volume_claim_templates: Some(vec![data_claim(fleet, storage)]),
                ..StatefulSetSpec::default()
            }),
            ..StatefulSet::default()
        }
    }

    /// The pod template: non-root, read-only root filesystem, no capabilities, no
    /// service account token (no Thanos component here calls the Kubernetes API),
    /// liveness and readiness probes, requests and limits.
    fn template(self, data: bool) -> PodTemplateSpec {
        let mut volumes = Vec::new();
        let mut mounts = Vec::new();
        if data {
            mounts.push(VolumeMount {
                name: "data".to_owned(),
                mount_path: DATA_DIR.to_owned(),
                ..VolumeMount::default()
            });
        }
        if self.objstore {
            let secret = self.fleet.object_storage.config_secret();
            volumes.push(Volume {
                name: "objstore".to_owned(),
                secret: Some(SecretVolumeSource {
                    secret_name: Some(secret.name.clone()),
                    ..SecretVolumeSource::default()
                }),
                ..Volume::default()
            });
            mounts.push(VolumeMount {
                name: "objstore".to_owned(),
                mount_path: OBJSTORE_DIR.to_owned(),
                read_only: Some(true),
                ..VolumeMount::default()
            });
        }
        for (volume, mount) in self.volumes {
            volumes.push(volume);
            mounts.push(mount);
        }

        let probe = |path: &str, period: i32, failures: i32| Probe {
            http_get: Some(HTTPGetAction {
                path: Some(path.to_owned()),
                port: IntOrString::String(HTTP_PORT_NAME.to_owned()),
                scheme: Some("HTTP".to_owned()),
                ..HTTPGetAction::default()
            }),
            period_seconds: Some(period),
            timeout_seconds: Some(1),
            failure_threshold: Some(failures),
            ..Probe::default()
        };

        let container = Container {
            name: "thanos".to_owned(),
            image: Some(self.image.to_string()),
            image_pull_policy: Some("IfNotPresent".to_owned()),
            args: Some(self.args),
            env: (!self.env.is_empty()).then_some(self.env),
            ports: Some(self.ports),
            liveness_probe: Some(probe("/-/healthy", 30, 4)),
            readiness_probe: Some(probe("/-/ready", 5, 20)),
            resources: Some(resource_requirements(self.resources)),
            security_context: Some(SecurityContext {
                allow_privilege_escalation: Some(false),
                read_only_root_filesystem: Some(true),
                run_as_non_root: Some(true),
                capabilities: Some(Capabilities {
                    drop: Some(vec!["ALL".to_owned()]),
                    ..Capabilities::default()
                }),
                ..SecurityContext::default()
            }),
            termination_message_policy: Some("FallbackToLogsOnError".to_owned()),
            volume_mounts: (!mounts.is_empty()).then_some(mounts),
            ..Container::default()
        };

        let affinity = self.spread.then(|| Affinity {
            pod_anti_affinity: Some(PodAntiAffinity {
                preferred_during_scheduling_ignored_during_execution: Some(vec![
                    WeightedPodAffinityTerm {
                        weight: 100,
                        pod_affinity_term: PodAffinityTerm {
                            label_selector: Some(selector(self.component)),
                            topology_key: "kubernetes.io/hostname".to_owned(),
                            ..PodAffinityTerm::default()
                        },
                    },
                ]),
                ..PodAntiAffinity::default()
            }),
            ..Affinity::default()
        });

        PodTemplateSpec {
            metadata: Some(ObjectMeta {
                labels: Some(labels(self.component, self.image)),
                ..ObjectMeta::default()
            }),
            spec: Some(PodSpec {
                affinity,
                automount_service_account_token: Some(false),
                containers: vec![container],
                security_context: Some(PodSecurityContext {
                    fs_group: Some(NOBODY),
                    run_as_group: Some(NOBODY),
                    run_as_non_root: Some(true),
                    run_as_user: Some(NOBODY),
                    seccomp_profile: Some(SeccompProfile {
                        type_: "RuntimeDefault".to_owned(),
                        ..SeccompProfile::default()
                    }),
                    ..PodSecurityContext::default()
                }),
                termination_grace_period_seconds: self.termination_grace_period,
                volumes: (!volumes.is_empty()).then_some(volumes),
                ..PodSpec::default()
            }),
        }
    }
}

/// The selector of a component's pods.
fn selector(component: Component) -> LabelSelector {
    LabelSelector {
        match_labels: Some(selector_labels(component)),
        ..LabelSelector::default()
    }
}

/// A replica count as Kubernetes' `int32` (validation caps replicas far below it).
fn replica_count(replicas: u32) -> i32 {
    i32::try_from(replicas).unwrap_or(i32::MAX)
}

/// The `data` volume claim template of a StatefulSet.
fn data_claim(fleet: &Fleet, storage: &Storage) -> PersistentVolumeClaim {
    PersistentVolumeClaim {
        metadata: ObjectMeta {
            name: Some("data".to_owned()),
            ..ObjectMeta::default()
        },
        spec: Some(PersistentVolumeClaimSpec {
            access_modes: Some(vec!["ReadWriteOnce".to_owned()]),
            storage_class_name: Some(storage.class_or(&fleet.storage_class).to_owned()),
            resources: Some(VolumeResourceRequirements {
                requests: Some(BTreeMap::from([(
                    "storage".to_owned(),
                    Quantity(storage.size.to_string()),
                )])),
                ..VolumeResourceRequirements::default()
            }),
            ..PersistentVolumeClaimSpec::default()
        }),
        ..PersistentVolumeClaim::default()
    }
}

/// A Service port forwarding to the container port of the same name.
pub(crate) fn service_port(name: &str, number: u16) -> ServicePort {
    ServicePort {
        name: Some(name.to_owned()),
        port: i32::from(number),
        target_port: Some(IntOrString::String(name.to_owned())),
        protocol: Some("TCP".to_owned()),
        ..ServicePort::default()
    }
}

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

/// A Service named `name` in front of a component's pods.
pub(crate) fn service(
    fleet: &Fleet,
    component: Component,
    image: &ThanosImage,
    name: &str,
    kind: ServiceKind,
    ports: Vec<ServicePort>,
) -> Service {
    let headless = kind != ServiceKind::ClusterIp;
    Service {
        metadata: metadata(fleet, name, labels(component, image)),
        spec: Some(ServiceSpec {
            cluster_ip: headless.then(|| "None".to_owned()),
            publish_not_ready_addresses: (kind == ServiceKind::HeadlessWithUnready).then_some(true),
            ports: Some(ports),
            selector: Some(selector_labels(component)),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    }
}

/// An Ingress routing `host` to port `port_name` of Service `service`.
pub(crate) fn ingress(
    fleet: &Fleet,
    component: Component,
    image: &ThanosImage,
    model: &thanos_model::Ingress,
    port_name: &str,
) -> Ingress {
    Ingress {
        metadata: metadata(fleet, component.name(), labels(component, image)),
        spec: Some(IngressSpec {
            ingress_class_name: Some(fleet.ingress_class(model).to_owned()),
            rules: Some(vec![IngressRule {
                host: Some(fleet.ingress_host(model, component)),
                http: Some(HTTPIngressRuleValue {
                    paths: vec![HTTPIngressPath {
                        path: Some("/".to_owned()),
                        path_type: "Prefix".to_owned(),
                        backend: IngressBackend {
                            service: Some(IngressServiceBackend {
                                name: component.name().to_owned(),
                                port: Some(ServiceBackendPort {
                                    name: Some(port_name.to_owned()),
                                    ..ServiceBackendPort::default()
                                }),
                            }),
                            ..IngressBackend::default()
                        },
                    }],
                }),
            }]),
            ..IngressSpec::default()
        }),
        ..Ingress::default()
    }
}

/// A PodDisruptionBudget letting a drain take at most `max_unavailable` of a component's
/// `replicas` pods at a time; `None` for a single replica, where no pod can stand in for
/// another and a budget would only block drains.
pub(crate) fn pod_disruption_budget(
    fleet: &Fleet,
    component: Component,
    image: &ThanosImage,
    replicas: u32,
    max_unavailable: u32,
) -> Option<PodDisruptionBudget> {
    (replicas > 1).then(|| PodDisruptionBudget {
        metadata: metadata(fleet, component.name(), labels(component, image)),
        spec: Some(PodDisruptionBudgetSpec {
            max_unavailable: Some(IntOrString::Int(replica_count(max_unavailable))),
            selector: Some(selector(component)),
            ..PodDisruptionBudgetSpec::default()
        }),
        ..PodDisruptionBudget::default()
    })
}

/// The gRPC and HTTP container ports every Thanos server here has.
pub(crate) fn grpc_and_http_ports(http: u16) -> Vec<ContainerPort> {
    vec![port(GRPC_PORT_NAME, GRPC_PORT), port(HTTP_PORT_NAME, http)]
}
