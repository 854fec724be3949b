//! `prometheus:` values: the Prometheus (central) or PrometheusAgent (edge) object.

use indexmap::IndexMap;
use k8s_openapi::{
    api::core::v1::ResourceRequirements, apimachinery::pkg::apis::meta::v1::LabelSelector,
};
use serde::Serialize;

use thanos_model::Duration;

use super::{Enabled, StorageSpec};

/// `prometheus`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrometheusValues {
    /// `agentMode`: a PrometheusAgent instead of a Prometheus.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_mode: Option<bool>,
    /// `thanosService`: the headless Service Query discovers the sidecars through.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thanos_service: Option<Enabled>,
    /// `prometheusSpec`: fields of the custom resource's spec.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prometheus_spec: Option<PrometheusSpecValues>,
}

/// `prometheus.prometheusSpec`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrometheusSpecValues {
    /// `scrapeInterval`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scrape_interval: Option<Duration>,
    /// `serviceMonitorSelectorNilUsesHelmValues`: `false` selects every ServiceMonitor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_monitor_selector_nil_uses_helm_values: Option<bool>,
    /// `podMonitorSelectorNilUsesHelmValues`: `false` selects every PodMonitor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_monitor_selector_nil_uses_helm_values: Option<bool>,
    /// `probeSelectorNilUsesHelmValues`: `false` selects every Probe.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe_selector_nil_uses_helm_values: Option<bool>,
    /// `scrapeConfigSelectorNilUsesHelmValues`: `false` selects every ScrapeConfig.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scrape_config_selector_nil_uses_helm_values: Option<bool>,
    /// `ruleSelectorNilUsesHelmValues`: `false` selects every PrometheusRule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_selector_nil_uses_helm_values: Option<bool>,
    /// `ruleSelector`: the PrometheusRules this Prometheus evaluates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_selector: Option<LabelSelector>,
    /// `replicas`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    /// `retention` (full mode only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention: Option<Duration>,
    /// `externalLabels`, added to every series and block.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_labels: Option<IndexMap<String, String>>,
    /// `replicaExternalLabelNameClear`: drop `prometheus_replica`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replica_external_label_name_clear: Option<bool>,
    /// `remoteWrite`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_write: Option<Vec<RemoteWrite>>,
    /// `resources` of the Prometheus container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    /// `storageSpec`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_spec: Option<StorageSpec>,
    /// `thanos`: the sidecar.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thanos: Option<ThanosSidecarValues>,
    /// `additionalArgs`: flags the CRD has no field for, such as the agent's WAL
    /// retention.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_args: Option<Vec<AdditionalArg>>,
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
}

/// `prometheusSpec.thanos.objectStorageConfig` in the chart's form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectStorageConfigValues {
    /// `existingSecret`: the chart then creates no Secret of its own.
    pub existing_secret: ExistingSecret,
}

/// A key of an existing Secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExistingSecret {
    /// Secret name.
    pub name: String,
    /// Key in the Secret.
    pub key: String,
}
