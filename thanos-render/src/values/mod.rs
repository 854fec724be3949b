//! Typed kube-prometheus-stack 78.2.1 values: only the keys this tree sets, each checked
//! against the chart's `values.yaml` (and the Prometheus CRDs below `prometheusSpec`) by
//! the tests.

mod alertmanager;
mod grafana_subchart;
mod images;
mod placement;
mod prometheus;
mod thanos_ruler;

use std::collections::BTreeMap;

use k8s_openapi::{
    api::core::v1::{PersistentVolumeClaimSpec, ResourceRequirements, VolumeResourceRequirements},
    apimachinery::pkg::api::resource::Quantity,
};
use serde::Serialize;
use thanos_model::{Bytes, ExtraValues, Resources, Storage};

pub use alertmanager::{
    AlertmanagerConfig, AlertmanagerSpecValues, AlertmanagerValues, EmailConfig, InhibitRule,
    PagerDutyConfig, ReceiverConfig, Route, SlackConfig, WebhookConfig,
};
pub use grafana_subchart::{
    DashboardsSidecar, DatasourcesSidecar, ExtraJsonData, GrafanaAdminValues, GrafanaIngressTls,
    GrafanaIngressValues, GrafanaIni, GrafanaIniSecurity, GrafanaIniServer, GrafanaRbacValues,
    GrafanaSidecarValues, GrafanaValues, MulticlusterDashboards,
};
pub use images::ChartImageValues;
pub use placement::{AntiAffinity, ChartPlacement, DisruptionBudgetValues};
pub use prometheus::{
    AdditionalArg, ExistingSecret, GrpcServerTlsConfig, ObjectStorageConfigValues,
    PrometheusSpecValues, PrometheusValues, QueueConfig, RemoteWrite, RemoteWriteTlsConfig,
    SecretOrConfigMap, ThanosSidecarValues,
};
pub use thanos_ruler::{
    AlertmanagerEndpoints, AlertmanagersConfigValues, AlertmanagersFile, ImageValues,
    RulerAdditionalConfig, ThanosRulerSpecValues, ThanosRulerValues,
};

/// The root of a values file.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartValues {
    /// `prometheusOperator`: every cluster runs it (it runs the agents too).
    pub prometheus_operator: Option<Enabled>,
    /// `prometheus`.
    pub prometheus: Option<PrometheusValues>,
    /// `alertmanager`.
    pub alertmanager: Option<AlertmanagerValues>,
    /// `grafana`.
    pub grafana: Option<GrafanaValues>,
    /// `thanosRuler`: global rule evaluation.
    pub thanos_ruler: Option<ThanosRulerValues>,
    /// `defaultRules`: the chart's alerting and recording rules.
    pub default_rules: Option<Create>,
    /// `kubeControllerManager` scraping.
    pub kube_controller_manager: Option<Enabled>,
    /// `kubeEtcd` scraping.
    pub kube_etcd: Option<Enabled>,
    /// `kubeScheduler` scraping.
    pub kube_scheduler: Option<Enabled>,
    /// `kubeProxy` scraping.
    pub kube_proxy: Option<Enabled>,
    /// `nodeExporter`.
    pub node_exporter: Option<Enabled>,
    /// `kubeStateMetrics`.
    pub kube_state_metrics: Option<Enabled>,
    /// `prometheus-node-exporter`: the node-exporter subchart.
    #[serde(rename = "prometheus-node-exporter")]
    pub prometheus_node_exporter: Option<NodeExporterValues>,
    /// The cluster's chart values the model does not type (`extraValues`), merged after
    /// the typed ones when the file is written ([`ChartValues::to_yaml`]).
    #[serde(skip)]
    pub extra_values: ExtraValues,
}

impl ChartValues {
    /// The values file: the typed values, then the extra ones merged in
    /// ([`ExtraValues::merged_into`]; validation keeps them off every key the model sets).
    #[must_use]
    pub fn to_yaml(&self) -> String {
        if self.extra_values.is_empty() {
            crate::yaml::to_yaml(self)
        } else {
            crate::yaml::to_yaml(&self.extra_values.merged_into(crate::yaml::to_value(self)))
        }
    }
}

/// `prometheus-node-exporter` values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeExporterValues {
    /// The namespace node-exporter runs in, instead of the release's: one whose Pod
    /// Security level admits its host access.
    pub namespace_override: String,
}

/// `{enabled: bool}`, the chart's switch for a part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Enabled {
    /// Whether the part is installed.
    pub enabled: bool,
}

impl Enabled {
    /// The part is installed.
    pub const ON: Self = Self { enabled: true };
    /// The part is not installed.
    pub const OFF: Self = Self { enabled: false };
}

/// `defaultRules`: the switch of the chart's rules, the alerts switched off one by one,
/// and the labels every rule object carries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Create {
    /// Whether the rules are created.
    pub create: bool,
    /// `disabled`: alert name -> `true` for each alert left out.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub disabled: BTreeMap<String, bool>,
    /// `labels`: added to every PrometheusRule of the chart.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

/// `storageSpec` / `storage` of the Prometheus and Alertmanager CRDs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageSpec {
    /// The claim each replica's StatefulSet pod gets.
    pub volume_claim_template: VolumeClaimTemplate,
}

/// An embedded PersistentVolumeClaim: only its spec.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VolumeClaimTemplate {
    /// The claim's spec.
    pub spec: PersistentVolumeClaimSpec,
}

impl StorageSpec {
    /// A claim template with any of class, access mode and size.
    #[must_use]
    pub(crate) fn new(class: Option<&str>, size: Option<&Bytes>) -> Self {
        let spec = PersistentVolumeClaimSpec {
            storage_class_name: class.map(str::to_owned),
            access_modes: class.map(|_| vec!["ReadWriteOnce".to_owned()]),
            resources: size.map(|size| VolumeResourceRequirements {
                requests: Some(BTreeMap::from([(
                    "storage".to_owned(),
                    Quantity(size.to_string()),
                )])),
                ..VolumeResourceRequirements::default()
            }),
            ..PersistentVolumeClaimSpec::default()
        };
        Self {
            volume_claim_template: VolumeClaimTemplate { spec },
        }
    }

    /// The claim template of the model's `storage`: its size, in its class, else in
    /// `default_class` (`None` leaves the class to the values below, the base's).
    #[must_use]
    pub(crate) fn of(storage: &Storage, default_class: Option<&str>) -> Self {
        Self::new(
            storage.class.as_deref().or(default_class),
            Some(&storage.size),
        )
    }
}

/// Kubernetes requests and limits from the model's resources.
#[must_use]
pub(crate) fn resource_requirements(resources: &Resources) -> ResourceRequirements {
    let pair = |cpu: &thanos_model::Cpu, memory: &Bytes| {
        BTreeMap::from([
            ("cpu".to_owned(), Quantity(cpu.to_string())),
            ("memory".to_owned(), Quantity(memory.to_string())),
        ])
    };
    ResourceRequirements {
        requests: Some(pair(&resources.cpu_request, &resources.memory_request)),
        limits: Some(pair(&resources.cpu_limit, &resources.memory_limit)),
        ..ResourceRequirements::default()
    }
}
