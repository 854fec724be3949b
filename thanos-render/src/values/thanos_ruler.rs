//! `thanosRuler:` values: the chart's `ThanosRuler` resource, which the Prometheus
//! Operator runs.

use k8s_openapi::{
    api::core::v1::ResourceRequirements, apimachinery::pkg::apis::meta::v1::LabelSelector,
};
use serde::Serialize;

use thanos_model::Duration;

use super::{ChartPlacement, DisruptionBudgetValues, ObjectStorageConfigValues, StorageSpec};

/// `thanosRuler`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ThanosRulerValues {
    /// `enabled`.
    pub enabled: bool,
    /// `thanosRulerSpec`: fields of the custom resource's spec.
    pub thanos_ruler_spec: ThanosRulerSpecValues,
    /// `podDisruptionBudget`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_disruption_budget: Option<DisruptionBudgetValues>,
}

/// `thanosRuler.thanosRulerSpec`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ThanosRulerSpecValues {
    /// `image`, the fleet's Thanos image in the chart's split form.
    pub image: ImageValues,
    /// `replicas`.
    pub replicas: u32,
    /// `evaluationInterval`.
    pub evaluation_interval: Duration,
    /// `retention` of the local TSDB.
    pub retention: Duration,
    /// `ruleSelector`: the PrometheusRules the Ruler evaluates.
    pub rule_selector: LabelSelector,
    /// `queryEndpoints`: Thanos Query, which sees every cluster, as a DNS SRV lookup of
    /// its ready pods (Thanos' `--query` takes `dnssrv+`).
    pub query_endpoints: Vec<String>,
    /// `additionalConfig`: fields of the custom resource the chart has no value of its
    /// own for, copied into its spec as they are.
    #[serde(skip_serializing_if = "RulerAdditionalConfig::is_empty")]
    pub additional_config: RulerAdditionalConfig,
    /// `alertmanagersConfig`: where alerts go.
    pub alertmanagers_config: AlertmanagersConfigValues,
    /// `objectStorageConfig`: upload the recorded series to the bucket.
    pub object_storage_config: ObjectStorageConfigValues,
    /// `storage`: the TSDB volume.
    pub storage: StorageSpec,
    /// `resources` of the Ruler container.
    pub resources: ResourceRequirements,
    /// `additionalArgs`: the read limits of its StoreAPI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_args: Option<Vec<super::AdditionalArg>>,
    /// `volumes`: its gRPC certificate's Secret (`security.grpcTls`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volumes: Option<Vec<k8s_openapi::api::core::v1::Volume>>,
    /// `volumeMounts` of the Ruler container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume_mounts: Option<Vec<k8s_openapi::api::core::v1::VolumeMount>>,
    /// `podAntiAffinity`, `topologySpreadConstraints`.
    #[serde(flatten)]
    pub placement: ChartPlacement,
}

/// `thanosRulerSpec.additionalConfig`: the `ThanosRuler` fields the chart's template does
/// not name.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RulerAdditionalConfig {
    /// `ruleQueryOffset` (Prometheus Operator, Thanos >= 0.38: `--rule-query-offset`):
    /// every group evaluated this far in the past, so the edges' remote-written samples
    /// are in Receive. The per-group `query_offset` of a PrometheusRule is the
    /// Prometheus-only way ("It is not supported for ThanosRuler", the CRD says).
    pub rule_query_offset: Option<Duration>,
    /// `grpcServerTlsConfig`: mutual TLS on its StoreAPI (`security.grpcTls`).
    pub grpc_server_tls_config: Option<super::GrpcServerTlsConfig>,
}

impl RulerAdditionalConfig {
    /// From the fleet's Ruler: a zero offset (the lab's) is left out, the Ruler's default.
    #[must_use]
    pub fn new(ruler: &thanos_model::Ruler) -> Self {
        Self {
            rule_query_offset: (ruler.query_offset.as_millis() != 0)
                .then(|| ruler.query_offset.clone()),
            grpc_server_tls_config: None,
        }
    }

    /// Whether nothing is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// `image` in the chart's `{registry, repository, tag}` form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageValues {
    /// `registry`.
    pub registry: String,
    /// `repository`.
    pub repository: String,
    /// `tag`.
    pub tag: String,
}

/// `thanosRulerSpec.alertmanagersConfig`: the chart writes `secret` into a Secret of its
/// own. It holds Alertmanager addresses, nothing confidential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertmanagersConfigValues {
    /// `secret`: Thanos's `--alertmanagers.config` file.
    pub secret: AlertmanagersFile,
}

/// Thanos's `--alertmanagers.config` file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertmanagersFile {
    /// `alertmanagers`.
    pub alertmanagers: Vec<AlertmanagerEndpoints>,
}

/// One `alertmanagers` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertmanagerEndpoints {
    /// `static_configs`: addresses, here one DNS SRV lookup that finds every replica.
    pub static_configs: Vec<String>,
    /// `scheme`.
    pub scheme: String,
    /// `api_version`.
    pub api_version: String,
}
