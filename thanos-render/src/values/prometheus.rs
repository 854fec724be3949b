//! `prometheus:` values: the Prometheus (central) or PrometheusAgent (edge) object.

use indexmap::IndexMap;
use k8s_openapi::{
    api::core::v1::ResourceRequirements, apimachinery::pkg::apis::meta::v1::LabelSelector,
};
use serde::Serialize;

use thanos_model::{Duration, SecretKeyRef};

use super::{ChartPlacement, DisruptionBudgetValues, Enabled, StorageSpec};

/// `prometheus`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrometheusValues {
    /// `agentMode`: a PrometheusAgent instead of a Prometheus.
    pub agent_mode: Option<bool>,
    /// `thanosService`: the headless Service Query discovers the sidecars through.
    pub thanos_service: Option<Enabled>,
    /// `prometheusSpec`: fields of the custom resource's spec.
    pub prometheus_spec: Option<PrometheusSpecValues>,
    /// `podDisruptionBudget`.
    pub pod_disruption_budget: Option<DisruptionBudgetValues>,
}

/// `prometheus.prometheusSpec`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrometheusSpecValues {
    /// `scrapeInterval`.
    pub scrape_interval: Option<Duration>,
    /// `serviceMonitorSelectorNilUsesHelmValues`: `false` selects every ServiceMonitor.
    pub service_monitor_selector_nil_uses_helm_values: Option<bool>,
    /// `podMonitorSelectorNilUsesHelmValues`: `false` selects every PodMonitor.
    pub pod_monitor_selector_nil_uses_helm_values: Option<bool>,
    /// `probeSelectorNilUsesHelmValues`: `false` selects every Probe.
    pub probe_selector_nil_uses_helm_values: Option<bool>,
    /// `scrapeConfigSelectorNilUsesHelmValues`: `false` selects every ScrapeConfig.
    pub scrape_config_selector_nil_uses_helm_values: Option<bool>,
    /// `ruleSelectorNilUsesHelmValues`: `false` selects every PrometheusRule.
    pub rule_selector_nil_uses_helm_values: Option<bool>,
    /// `ruleSelector`: the PrometheusRules this Prometheus evaluates.
    pub rule_selector: Option<LabelSelector>,
    /// `replicas`.
    pub replicas: Option<u32>,
    /// `retention` (full mode only).
    pub retention: Option<Duration>,
    /// `externalLabels`, added to every series and block.
    pub external_labels: Option<IndexMap<String, String>>,
    /// `replicaExternalLabelNameClear`: drop `prometheus_replica`.
    pub replica_external_label_name_clear: Option<bool>,
    /// `remoteWrite`.
    pub remote_write: Option<Vec<RemoteWrite>>,
    /// `resources` of the Prometheus container.
    pub resources: Option<ResourceRequirements>,
    /// `storageSpec`.
    pub storage_spec: Option<StorageSpec>,
    /// `thanos`: the sidecar.
    pub thanos: Option<ThanosSidecarValues>,
    /// `volumes` of the pod: the sidecar's gRPC certificate (`security.grpcTls`).
    pub volumes: Option<Vec<k8s_openapi::api::core::v1::Volume>>,
    /// `additionalArgs`: flags the CRD has no field for, such as the agent's WAL
    /// retention.
    pub additional_args: Option<Vec<AdditionalArg>>,
    /// `podAntiAffinity`, `topologySpreadConstraints`.
    #[serde(flatten)]
    pub placement: ChartPlacement,
}

/// One `additionalArgs` entry: `--<name>=<value>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdditionalArg {
    /// The flag's name without `--`.
    pub name: String,
    /// Its value.
    pub value: String,
}

/// One `remoteWrite` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteWrite {
    /// Name shown in the agent's metrics.
    pub name: String,
    /// Receive's remote-write URL.
    pub url: String,
    /// Queue tuning.
    pub queue_config: QueueConfig,
    /// `tlsConfig`: the edge's client certificate and the CA of Receive's server
    /// certificate, by Secret reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_config: Option<RemoteWriteTlsConfig>,
}

/// `remoteWrite[].tlsConfig`: every key and certificate by Secret reference, none inline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteWriteTlsConfig {
    /// `ca`: the CA that signed Receive's server certificate.
    pub ca: SecretOrConfigMap,
    /// `cert`: the client certificate.
    pub cert: SecretOrConfigMap,
    /// `keySecret`: the client key.
    pub key_secret: ExistingSecret,
    /// `serverName`: Receive's Ingress host (also the SNI the passthrough routes by).
    pub server_name: String,
    /// `minVersion`.
    pub min_version: String,
}

/// `{secret: {name, key}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecretOrConfigMap {
    /// `secret`.
    pub secret: ExistingSecret,
}

/// `remoteWrite[].queueConfig`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueConfig {
    /// `capacity`.
    pub capacity: u32,
    /// `minShards`.
    pub min_shards: u32,
    /// `maxShards`.
    pub max_shards: u32,
    /// `maxSamplesPerSend`.
    pub max_samples_per_send: u32,
    /// `batchSendDeadline`.
    pub batch_send_deadline: Duration,
    /// `retryOnRateLimit`: retry 429 answers instead of dropping them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_on_rate_limit: Option<bool>,
}

/// `prometheusSpec.thanos`: the sidecar (the chart copies it into the CR's `spec.thanos`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ThanosSidecarValues {
    /// `image`, the fleet's Thanos image.
    pub image: String,
    /// `version`, so the operator knows which flags the sidecar takes.
    pub version: String,
    /// `resources` of the sidecar container.
    pub resources: ResourceRequirements,
    /// `objectStorageConfig`: upload blocks to the bucket.
    pub object_storage_config: ObjectStorageConfigValues,
    /// `additionalArgs`: the read limits of its StoreAPI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_args: Option<Vec<AdditionalArg>>,
    /// `grpcServerTlsConfig`: mutual TLS on its StoreAPI (`security.grpcTls`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grpc_server_tls_config: Option<GrpcServerTlsConfig>,
    /// `volumeMounts` of the sidecar container: its gRPC certificate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume_mounts: Option<Vec<k8s_openapi::api::core::v1::VolumeMount>>,
}

/// `grpcServerTlsConfig` of the sidecar and of the `ThanosRuler`: files in the pod (the
/// only fields the operator supports there, its CRDs say), which it passes as
/// `--grpc-server-tls-{cert,key,client-ca}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GrpcServerTlsConfig {
    /// `caFile`: the CA whose clients the StoreAPI accepts.
    pub ca_file: String,
    /// `certFile`: its server certificate.
    pub cert_file: String,
    /// `keyFile`: its key.
    pub key_file: String,
}

/// `objectStorageConfig` of the sidecar (`prometheusSpec.thanos`) and of the Ruler
/// (`thanosRulerSpec`) in the chart's form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectStorageConfigValues {
    /// `existingSecret`: the chart then creates no Secret of its own.
    pub existing_secret: ExistingSecret,
}

impl ObjectStorageConfigValues {
    /// The objstore config in the key `secret` names.
    #[must_use]
    pub fn existing(secret: &SecretKeyRef) -> Self {
        Self {
            existing_secret: ExistingSecret {
                name: secret.name.clone(),
                key: secret.key.clone(),
            },
        }
    }
}

/// A key of an existing Secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExistingSecret {
    /// Secret name.
    pub name: String,
    /// Key in the Secret.
    pub key: String,
}
