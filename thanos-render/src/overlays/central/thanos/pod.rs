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
            SeccompProfile, SecretVolumeSource, SecurityContext, TopologySpreadConstraint, Volume,
            VolumeMount, VolumeResourceRequirements, WeightedPodAffinityTerm,
        },
    },
    apimachinery::pkg::{
        api::resource::Quantity,
        apis::meta::v1::{LabelSelector, ObjectMeta},
        util::intstr::IntOrString,
    },
};
use thanos_model::{Component, Fleet, Spread, Storage, HOSTNAME_KEY};

use super::component::{ComponentContext, ConfigFile, HTTP};
use crate::{
    overlays,
    values::{resource_requirements, AntiAffinity, ChartPlacement, DisruptionBudgetValues},
};

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
        context
            .fleet
            .object_storage
            .config_secret_of(context.component)
            .key
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

/// `volume`, and a container's read-only mount of it at `path`.
fn read_only(volume: Volume, path: &str) -> (Volume, VolumeMount) {
    let mount = VolumeMount {
        name: volume.name.clone(),
        mount_path: path.to_owned(),
        read_only: Some(true),
        ..VolumeMount::default()
    };
    (volume, mount)
}

/// The keys of a TLS Secret as cert-manager issues it: the certificate, its private key
/// and the certificate of the CA that issued it.
pub(crate) const TLS_CRT: &str = "tls.crt";
pub(crate) const TLS_KEY: &str = "tls.key";
pub(crate) const CA_CRT: &str = "ca.crt";

/// A TLS Secret as cert-manager issues it ([`TLS_CRT`], [`TLS_KEY`], [`CA_CRT`]), mounted
/// read-only as the volume `volume` at `dir`, readable by the owner and group only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TlsSecretMount {
    pub volume: &'static str,
    pub dir: &'static str,
}

impl TlsSecretMount {
    /// The pod volume of `secret`, and a container's mount of it.
    pub(crate) fn volume(self, secret: &str) -> (Volume, VolumeMount) {
        let volume = Volume {
            name: self.volume.to_owned(),
            secret: Some(SecretVolumeSource {
                secret_name: Some(secret.to_owned()),
                default_mode: Some(0o440),
                ..SecretVolumeSource::default()
            }),
            ..Volume::default()
        };
        read_only(volume, self.dir)
    }

    /// The path of `file` ([`TLS_CRT`], [`TLS_KEY`], [`CA_CRT`]) in the mounted Secret.
    pub(crate) fn file(self, file: &str) -> String {
        format!("{}/{file}", self.dir)
    }

    /// `--<prefix>-cert`, `--<prefix>-key` and `--<prefix>-<ca>` over its files.
    pub(crate) fn file_flags(self, prefix: &str, ca: &str) -> [String; 3] {
        [
            format!("--{prefix}-cert={}", self.file(TLS_CRT)),
            format!("--{prefix}-key={}", self.file(TLS_KEY)),
            format!("--{prefix}-{ca}={}", self.file(CA_CRT)),
        ]
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
    /// Seconds a new pod must stay ready before a rollout moves on (`minReadySeconds`).
    min_ready_seconds: Option<i32>,
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
            min_ready_seconds: None,
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

    /// `file` from the component's own ConfigMap, mounted read-only.
    pub(crate) fn config_file(self, file: ConfigFile) -> Self {
        let owner = self.context.component;
        self.config_file_of(owner, file)
    }

    /// `file` from the ConfigMap of `owner` (Receive's hashring on its routers), mounted
    /// read-only at its directory as the volume of its suffix.
    pub(crate) fn config_file_of(mut self, owner: Component, file: ConfigFile) -> Self {
        let volume = Volume {
            name: file.suffix.to_owned(),
            config_map: Some(ConfigMapVolumeSource {
                name: file.config_map_name(owner),
                ..ConfigMapVolumeSource::default()
            }),
            ..Volume::default()
        };
        self.volumes.push(read_only(volume, file.dir));
        self
    }

    /// The TLS Secret `secret` mounted as `mount` says.
    pub(crate) fn tls_secret(mut self, mount: TlsSecretMount, secret: &str) -> Self {
        self.volumes.push(mount.volume(secret));
        self
    }

    /// Seconds to let the process flush on shutdown, where the default is too short.
    pub(crate) fn termination_grace_period(mut self, seconds: i64) -> Self {
        self.termination_grace_period = Some(seconds);
        self
    }

    /// Seconds a new pod must stay ready before a rollout moves on to the next one.
    pub(crate) fn min_ready_seconds(mut self, seconds: i32) -> Self {
        self.min_ready_seconds = Some(seconds);
        self
    }

    /// A Deployment of the component's replicas of this pod, without storage.
    pub(crate) fn deployment(self) -> Deployment {
        let context = self.context.clone();
        let min_ready_seconds = self.min_ready_seconds;
        Deployment {
            metadata: context.metadata(context.name()),
            spec: Some(DeploymentSpec {
                replicas: Some(replica_count(context.replicas)),
                selector: context.selector(),
                min_ready_seconds,
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
        let context = self.context.clone();
        let min_ready_seconds = self.min_ready_seconds;
        StatefulSet {
            metadata: context.metadata(context.name()),
            spec: Some(StatefulSetSpec {
                replicas: Some(replica_count(context.replicas)),
                min_ready_seconds,
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
        let (affinity, topology_spread_constraints) = placement(&context);
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
            let secret = context
                .fleet
                .object_storage
                .config_secret_of(context.component);
            let (volume, mount) = read_only(
                Volume {
                    name: "objstore".to_owned(),
                    secret: Some(SecretVolumeSource {
                        secret_name: Some(secret.name.clone()),
                        ..SecretVolumeSource::default()
                    }),
                    ..Volume::default()
                },
                OBJSTORE_DIR,
            );
            volumes.push(volume);
            mounts.push(mount);
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
            resources: Some(resource_requirements(&context.resources)),
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
                affinity,
                automount_service_account_token: Some(false),
                containers: vec![container],
                service_account_name: context
                    .fleet
                    .security
                    .service_accounts
                    .then(|| context.name().to_owned()),
                security_context: Some(pod_security_context()),
                termination_grace_period_seconds: self.termination_grace_period,
                topology_spread_constraints,
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

/// Where the replicas of a component run: the one place its placement is decided (see
/// `docs/design/sizing.md`, "Placement").
///
/// - One replica: anywhere.
/// - Receive with a replication factor above 1: never two pods on one node (a required
///   pod anti-affinity on the hostname), whatever `central.topology.spread` says: two
///   pods on one node would lose the write quorum of every series they share when the
///   node goes.
/// - Otherwise, with `spread: required`: evenly over the nodes (a topology spread
///   constraint, skew 1, `DoNotSchedule`), which never blocks a Deployment's surge pod
///   as a required anti-affinity would on a cluster with as many nodes as replicas;
///   with `spread: preferred` (the lab), one node each where the scheduler can.
/// - With a zone key, evenly over the zones as well (`DoNotSchedule` where the nodes
///   are required apart, `ScheduleAnyway` otherwise).
fn placement(
    context: &ComponentContext,
) -> (Option<Affinity>, Option<Vec<TopologySpreadConstraint>>) {
    if context.replicas <= 1 {
        return (None, None);
    }
    let central = &context.fleet.central;
    let topology = &central.topology;
    let selector = context.selector();
    let quorum = context.component == Component::Receive && central.receive.replication_factor > 1;
    let required = quorum || topology.spread == Spread::Required;
    let mut constraints = Vec::new();
    let affinity = if quorum {
        Some(anti_affinity(selector.clone(), Spread::Required))
    } else if required {
        constraints.push(spread_constraint(
            HOSTNAME_KEY,
            selector.clone(),
            Spread::Required,
        ));
        None
    } else {
        Some(anti_affinity(selector.clone(), Spread::Preferred))
    };
    if let Some(zone) = &topology.zone_key {
        let spread = if required {
            Spread::Required
        } else {
            Spread::Preferred
        };
        constraints.push(spread_constraint(zone, selector, spread));
    }
    (affinity, (!constraints.is_empty()).then_some(constraints))
}

/// The pod anti-affinity that keeps the pods `selector` selects on different nodes:
/// required, or preferred.
fn anti_affinity(selector: LabelSelector, spread: Spread) -> Affinity {
    let term = PodAffinityTerm {
        label_selector: Some(selector),
        topology_key: HOSTNAME_KEY.to_owned(),
        ..PodAffinityTerm::default()
    };
    let anti_affinity = match spread {
        Spread::Required => PodAntiAffinity {
            required_during_scheduling_ignored_during_execution: Some(vec![term]),
            ..PodAntiAffinity::default()
        },
        Spread::Preferred => PodAntiAffinity {
            preferred_during_scheduling_ignored_during_execution: Some(vec![
                WeightedPodAffinityTerm {
                    weight: 100,
                    pod_affinity_term: term,
                },
            ]),
            ..PodAntiAffinity::default()
        },
    };
    Affinity {
        pod_anti_affinity: Some(anti_affinity),
        ..Affinity::default()
    }
}

/// A topology spread constraint keeping the pods `selector` selects even (skew 1) over
/// the values of node label `key`; tainted nodes the pods cannot run on are not counted
/// (`nodeTaintsPolicy: Honor`), so a control-plane node never holds the skew up. Shared
/// by the Thanos pods and the chart's (`chart_placement`).
pub(crate) fn spread_constraint(
    key: &str,
    selector: LabelSelector,
    spread: Spread,
) -> TopologySpreadConstraint {
    TopologySpreadConstraint {
        label_selector: Some(selector),
        max_skew: 1,
        node_taints_policy: Some("Honor".to_owned()),
        topology_key: key.to_owned(),
        when_unsatisfiable: match spread {
            Spread::Required => "DoNotSchedule",
            Spread::Preferred => "ScheduleAnyway",
        }
        .to_owned(),
        ..TopologySpreadConstraint::default()
    }
}

/// The chart's placement and disruption budget for one of its replicated workloads
/// (Prometheus, Alertmanager, the Ruler), whose pods carry `pod_label`: with
/// `spread: required`, never two replicas on one node (`podAntiAffinity: hard`), with a
/// zone key even over the zones, and with `disruptionBudgets`, a budget keeping every
/// replica but one through a drain. One replica, or the lab's settings: the chart's own
/// (empty, nothing rendered).
pub(crate) fn chart_placement(
    fleet: &Fleet,
    pod_label: (&str, &str),
    replicas: u32,
) -> (ChartPlacement, Option<DisruptionBudgetValues>) {
    if replicas <= 1 {
        return (ChartPlacement::default(), None);
    }
    let topology = &fleet.central.topology;
    let selector = overlays::match_labels(overlays::label(pod_label));
    let placement = ChartPlacement {
        pod_anti_affinity: (topology.spread == Spread::Required).then_some(AntiAffinity::Hard),
        topology_spread_constraints: topology
            .zone_key
            .as_ref()
            .map(|zone| vec![spread_constraint(zone, selector, topology.spread)]),
    };
    let budget = topology.disruption_budgets.then(|| DisruptionBudgetValues {
        enabled: true,
        min_available: replicas - 1,
    });
    (placement, budget)
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
