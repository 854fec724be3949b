//! The hardened Thanos pod every component runs (non-root, read-only root filesystem,
//! no capabilities, no service account token, probes, requests and limits), and the
//! Deployment or StatefulSet around it.

use std::collections::BTreeMap;

use k8s_openapi::{
    api::{
        apps::v1::{Deployment, DeploymentSpec, StatefulSet, StatefulSetSpec},
        core::v1::{
            Affinity, Capabilities, ConfigMapVolumeSource, Container, EnvVar, EnvVarSource,
            HTTPGetAction, ObjectFieldSelector, PersistentVolumeClaim, PersistentVolumeClaimSpec,
            PodAffinityTerm, PodAntiAffinity, PodSecurityContext, PodSpec, PodTemplateSpec, Probe,
            SeccompProfile, SecretVolumeSource, SecurityContext, Volume, VolumeMount,
            VolumeResourceRequirements, WeightedPodAffinityTerm,
        },
    },
    apimachinery::pkg::{
        api::resource::Quantity, apis::meta::v1::ObjectMeta, util::intstr::IntOrString,
    },
};
use thanos_model::Storage;

use super::component::{ComponentContext, HTTP};
use crate::values::resource_requirements;

/// Where the data volume is mounted in every Thanos container.
pub(crate) const DATA_DIR: &str = "/var/thanos/data";
/// Where the object storage Secret is mounted.
const OBJSTORE_DIR: &str = "/etc/thanos/objstore";
/// The unprivileged user (nobody) every Thanos container runs as.
const NOBODY: i64 = 65_534;

/// Whether a pod reads and writes the object storage bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ObjstoreSecret {
    /// The object storage Secret is mounted; [`objstore_flag`] points at it.
    Mounted,
    /// No access to the bucket.
    None,
}

/// How a StatefulSet starts and stops its pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PodManagement {
    /// One by one, each waiting for the previous one to be ready (Kubernetes' default).
    OrderedReady,
    /// All together.
    Parallel,
}

/// Whether the pod has the `data` volume of a StatefulSet's claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DataVolume {
    Claimed,
    None,
}

/// The `--objstore.config-file` flag for the mounted object storage Secret.
pub(crate) fn objstore_flag(context: &ComponentContext) -> String {
    format!(
        "--objstore.config-file={OBJSTORE_DIR}/{}",
        context.fleet.object_storage.config_secret().key
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

/// A replica count as Kubernetes' `int32` (validation caps replicas far below it).
pub(crate) fn replica_count(replicas: u32) -> i32 {
    i32::try_from(replicas).unwrap_or(i32::MAX)
}

/// One Thanos container in a hardened pod, made by [`ComponentContext::pod`]; the
/// setters add what differs between components.
#[must_use]
pub(crate) struct ThanosPod<'a> {
    context: ComponentContext<'a>,
    /// The subcommand and its flags.
    args: Vec<String>,
    env: Vec<EnvVar>,
    /// Volumes besides the object storage Secret and the data volume.
    volumes: Vec<(Volume, VolumeMount)>,
    objstore: ObjstoreSecret,
    /// Seconds to let the process flush on shutdown, where the default is too short.
    termination_grace_period: Option<i64>,
}

impl<'a> ThanosPod<'a> {
    pub(super) fn new(context: ComponentContext<'a>, args: Vec<String>) -> Self {
        Self {
            context,
            args,
            env: Vec::new(),
            volumes: Vec::new(),
            objstore: ObjstoreSecret::None,
            termination_grace_period: None,
        }
    }

    /// Reads and writes the bucket, or not.
    pub(crate) fn objstore(mut self, objstore: ObjstoreSecret) -> Self {
        self.objstore = objstore;
        self
    }

    /// An environment variable.
    pub(crate) fn env(mut self, env: EnvVar) -> Self {
        self.env.push(env);
        self
    }

    /// The ConfigMap `config_map` mounted read-only at `path` as volume `name`.
    pub(crate) fn config_map_volume(self, name: &str, config_map: &str, path: &str) -> Self {
        self.read_only_volume(
            Volume {
                name: name.to_owned(),
                config_map: Some(ConfigMapVolumeSource {
                    name: config_map.to_owned(),
                    ..ConfigMapVolumeSource::default()
                }),
                ..Volume::default()
            },
            path,
        )
    }

    /// The Secret `secret` mounted read-only at `path` as volume `name`, readable by
    /// the owner and group only.
    pub(crate) fn secret_volume(self, name: &str, secret: &str, path: &str) -> Self {
        self.read_only_volume(
            Volume {
                name: name.to_owned(),
                secret: Some(SecretVolumeSource {
                    secret_name: Some(secret.to_owned()),
                    default_mode: Some(0o440),
                    ..SecretVolumeSource::default()
                }),
                ..Volume::default()
            },
            path,
        )
    }

    /// `volume` mounted read-only at `path`.
    fn read_only_volume(mut self, volume: Volume, path: &str) -> Self {
        let mount = VolumeMount {
            name: volume.name.clone(),
            mount_path: path.to_owned(),
            read_only: Some(true),
            ..VolumeMount::default()
        };
        self.volumes.push((volume, mount));
        self
    }

    /// Seconds to let the process flush on shutdown, where the default is too short.
    pub(crate) fn termination_grace_period(mut self, seconds: i64) -> Self {
        self.termination_grace_period = Some(seconds);
        self
    }

    /// A Deployment of the component's replicas of this pod, without storage.
    pub(crate) fn deployment(self) -> Deployment {
        let context = self.context;
        Deployment {
            metadata: context.metadata(context.name()),
            spec: Some(DeploymentSpec {
                replicas: Some(replica_count(context.replicas)),
                selector: context.selector(),
                template: self.template(DataVolume::None),
                ..DeploymentSpec::default()
            }),
            ..Deployment::default()
        }
    }

    /// A StatefulSet of the component's replicas of this pod, each with its own `data`
    /// volume claim of `storage` mounted at [`DATA_DIR`]; `service` is the headless
    /// Service that names the pods.
    pub(crate) fn stateful_set(
        self,
        service: &str,
        storage: &Storage,
        pod_management: PodManagement,
    ) -> StatefulSet {
        let context = self.context;
        StatefulSet {
            metadata: context.metadata(context.name()),
            spec: Some(StatefulSetSpec {
                replicas: Some(replica_count(context.replicas)),
                service_name: Some(service.to_owned()),
                pod_management_policy: (pod_management == PodManagement::Parallel)
                    .then(|| "Parallel".to_owned()),
                selector: context.selector(),
                template: self.template(DataVolume::Claimed),
                volume_claim_templates: Some(vec![data_claim(&context, storage)]),
                ..StatefulSetSpec::default()
            }),
            ..StatefulSet::default()
        }
    }

    /// The pod template: non-root, read-only root filesystem, no capabilities, no
    /// service account token (no Thanos component here calls the Kubernetes API),
    /// liveness and readiness probes, requests and limits.
    fn template(self, data: DataVolume) -> PodTemplateSpec {
        let context = self.context;
        let mut volumes = Vec::new();
        let mut mounts = Vec::new();
        if data == DataVolume::Claimed {
            mounts.push(VolumeMount {
                name: "data".to_owned(),
                mount_path: DATA_DIR.to_owned(),
                ..VolumeMount::default()
            });
        }
        if self.objstore == ObjstoreSecret::Mounted {
            let secret = context.fleet.object_storage.config_secret();
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

        let container = Container {
            name: "thanos".to_owned(),
            image: Some(context.image.to_string()),
            image_pull_policy: Some(context.fleet.security.image_pull_policy.as_str().to_owned()),
            args: Some(self.args),
            env: (!self.env.is_empty()).then_some(self.env),
            ports: Some(
                context
                    .ports
                    .iter()
                    .map(|port| port.container_port())
                    .collect(),
            ),
            liveness_probe: Some(probe("/-/healthy", 30, 4)),
            readiness_probe: Some(probe("/-/ready", 5, 20)),
            resources: Some(resource_requirements(context.resources)),
            security_context: Some(container_security_context()),
            termination_message_policy: Some("FallbackToLogsOnError".to_owned()),
            volume_mounts: (!mounts.is_empty()).then_some(mounts),
            ..Container::default()
        };

        PodTemplateSpec {
            metadata: Some(ObjectMeta {
                labels: Some(context.labels()),
                ..ObjectMeta::default()
            }),
            spec: Some(PodSpec {
                // Replicas prefer one node each.
                affinity: (context.replicas > 1).then(|| spread(&context)),
                automount_service_account_token: Some(false),
                containers: vec![container],
                service_account_name: context
                    .fleet
                    .security
                    .service_accounts
                    .then(|| context.name().to_owned()),
                security_context: Some(pod_security_context()),
                termination_grace_period_seconds: self.termination_grace_period,
                volumes: (!volumes.is_empty()).then_some(volumes),
                ..PodSpec::default()
            }),
        }
    }
}

/// The container of a hardened pod: no privilege escalation, a read-only root
/// filesystem, not root, no capabilities.
pub(crate) fn container_security_context() -> SecurityContext {
    SecurityContext {
        allow_privilege_escalation: Some(false),
        read_only_root_filesystem: Some(true),
        run_as_non_root: Some(true),
        capabilities: Some(Capabilities {
            drop: Some(vec!["ALL".to_owned()]),
            ..Capabilities::default()
        }),
        ..SecurityContext::default()
    }
}

/// A hardened pod: runs as nobody, with the runtime's default seccomp profile.
pub(crate) fn pod_security_context() -> PodSecurityContext {
    PodSecurityContext {
        fs_group: Some(NOBODY),
        run_as_group: Some(NOBODY),
        run_as_non_root: Some(true),
        run_as_user: Some(NOBODY),
        seccomp_profile: Some(SeccompProfile {
            type_: "RuntimeDefault".to_owned(),
            ..SeccompProfile::default()
        }),
        ..PodSecurityContext::default()
    }
}

/// An HTTP probe of `path` on the container's [`HTTP`] port.
fn probe(path: &str, period: i32, failures: i32) -> Probe {
    Probe {
        http_get: Some(HTTPGetAction {
            path: Some(path.to_owned()),
            port: IntOrString::String(HTTP.name.to_owned()),
            scheme: Some("HTTP".to_owned()),
            ..HTTPGetAction::default()
        }),
        period_seconds: Some(period),
        timeout_seconds: Some(1),
        failure_threshold: Some(failures),
        ..Probe::default()
    }
}

/// The anti-affinity that prefers one node per replica.
fn spread(context: &ComponentContext) -> Affinity {
    Affinity {
        pod_anti_affinity: Some(PodAntiAffinity {
            preferred_during_scheduling_ignored_during_execution: Some(vec![
                WeightedPodAffinityTerm {
                    weight: 100,
                    pod_affinity_term: PodAffinityTerm {
                        label_selector: Some(context.selector()),
                        topology_key: "kubernetes.io/hostname".to_owned(),
                        ..PodAffinityTerm::default()
                    },
                },
            ]),
            ..PodAntiAffinity::default()
        }),
        ..Affinity::default()
    }
}

/// The `data` volume claim template of a StatefulSet.
fn data_claim(context: &ComponentContext, storage: &Storage) -> PersistentVolumeClaim {
    PersistentVolumeClaim {
        metadata: ObjectMeta {
            name: Some("data".to_owned()),
            ..ObjectMeta::default()
        },
        spec: Some(PersistentVolumeClaimSpec {
            access_modes: Some(vec!["ReadWriteOnce".to_owned()]),
            storage_class_name: Some(storage.class_or(&context.fleet.storage_class).to_owned()),
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
