//! `values-images.yaml`: the digest of every image the chart runs, at the chart key that
//! takes it, in the form that key takes (the chart has three).

use serde::Serialize;
use thanos_model::{ChartImages, Digest, ThanosImage};

/// The root of `values-images.yaml`: only image keys.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartImageValues {
    /// `prometheusOperator`.
    pub prometheus_operator: Option<OperatorImages>,
    /// `prometheus.prometheusSpec.image` (the agents' too).
    pub prometheus: Option<PrometheusImage>,
    /// `alertmanager.alertmanagerSpec.image`.
    pub alertmanager: Option<AlertmanagerImage>,
    /// `grafana.image`, `grafana.sidecar.image`.
    pub grafana: Option<GrafanaImages>,
    /// `kube-state-metrics.image`.
    #[serde(rename = "kube-state-metrics")]
    pub kube_state_metrics: Option<WithImage<PrefixedSha>>,
    /// `prometheus-node-exporter.image`.
    #[serde(rename = "prometheus-node-exporter")]
    pub node_exporter: Option<WithImage<DigestValue>>,
}

/// `{sha: <hex>}`: the kube-prometheus-stack and grafana charts' form (they add
/// `@sha256:` themselves). Quoted, so that an all-digit digest stays a string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sha {
    /// `sha`.
    pub sha: String,
}

/// `{sha: sha256:<hex>}`: kube-state-metrics' form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrefixedSha {
    /// `sha`.
    pub sha: String,
}

/// `{digest: sha256:<hex>}`: node-exporter's form (its `image.sha` fails the chart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DigestValue {
    /// `digest`.
    pub digest: String,
}

/// `{image: ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WithImage<T> {
    /// `image`.
    pub image: T,
}

/// `prometheusOperator`'s images.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OperatorImages {
    /// `image`.
    pub image: Option<Sha>,
    /// `prometheusConfigReloader.image`.
    pub prometheus_config_reloader: Option<WithImage<Sha>>,
    /// `admissionWebhooks.patch.image`.
    pub admission_webhooks: Option<AdmissionWebhooksImage>,
    /// `thanosImage`: the operator's default Thanos image (`--thanos-default-base-image`),
    /// the fleet's pinned one.
    pub thanos_image: Option<ThanosImageValues>,
}

/// `prometheusOperator.admissionWebhooks.patch.image`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdmissionWebhooksImage {
    /// `patch`.
    pub patch: WithImage<Sha>,
}

/// `prometheusOperator.thanosImage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThanosImageValues {
    /// `registry`.
    pub registry: String,
    /// `repository`.
    pub repository: String,
    /// `tag`.
    pub tag: String,
    /// `sha`.
    pub sha: String,
}

/// `prometheus.prometheusSpec.image`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrometheusImage {
    /// `prometheusSpec`.
    pub prometheus_spec: WithImage<Sha>,
}

/// `alertmanager.alertmanagerSpec.image`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertmanagerImage {
    /// `alertmanagerSpec`.
    pub alertmanager_spec: WithImage<Sha>,
}

/// Grafana's images.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GrafanaImages {
    /// `image`.
    pub image: Option<Sha>,
    /// `sidecar.image`.
    pub sidecar: Option<WithImage<Sha>>,
}

impl ChartImageValues {
    /// The values of the pinned images; `None` when nothing is pinned.
    #[must_use]
    pub(crate) fn new(images: &ChartImages, thanos: &ThanosImage) -> Option<Self> {
        let sha = |digest: &Option<Digest>| {
            digest.as_ref().map(|d| Sha {
                sha: d.hex().to_owned(),
            })
        };
        let with_sha = |digest: &Option<Digest>| sha(digest).map(|image| WithImage { image });
        let thanos_image = thanos.digest.as_ref().map(|digest| {
            let (registry, repository) = thanos.registry_and_repository();
            ThanosImageValues {
                registry: registry.to_owned(),
                repository: repository.to_owned(),
                tag: thanos.version.clone(),
                sha: digest.hex().to_owned(),
            }
        });
        let operator = OperatorImages {
            image: sha(&images.prometheus_operator),
            prometheus_config_reloader: with_sha(&images.prometheus_config_reloader),
            admission_webhooks: with_sha(&images.admission_webhook_patch)
                .map(|patch| AdmissionWebhooksImage { patch }),
            thanos_image,
        };
        let grafana = GrafanaImages {
            image: sha(&images.grafana),
            sidecar: with_sha(&images.grafana_sidecar),
        };
        let values = Self {
            prometheus_operator: (operator != OperatorImages::default()).then_some(operator),
            prometheus: with_sha(&images.prometheus)
                .map(|prometheus_spec| PrometheusImage { prometheus_spec }),
            alertmanager: with_sha(&images.alertmanager)
                .map(|alertmanager_spec| AlertmanagerImage { alertmanager_spec }),
            grafana: (grafana != GrafanaImages::default()).then_some(grafana),
            kube_state_metrics: images.kube_state_metrics.as_ref().map(|d| WithImage {
                image: PrefixedSha { sha: d.to_string() },
            }),
            node_exporter: images.node_exporter.as_ref().map(|d| WithImage {
                image: DigestValue {
                    digest: d.to_string(),
                },
            }),
        };
        (values != Self::default()).then_some(values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A digest reads back as the same string from the YAML however it looks: all
    /// digits (an integer to YAML) or digits with an `e` (a float): unquoted, the chart
    /// would get a number and drop the pin.
    #[test]
    fn every_digest_stays_a_string() {
        for hex in [
            "0".repeat(64),
            format!("1e{}", "0".repeat(62)),
            "ab".repeat(32),
        ] {
            let digest: Digest = format!("sha256:{hex}").parse().unwrap();
            let images = ChartImages::all(&digest);
            let values = ChartImageValues::new(&images, &ThanosImage::default()).unwrap();
            let text = crate::yaml::to_yaml(&values);
            let read: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
            assert_eq!(read["grafana"]["image"]["sha"].as_str(), Some(hex.as_str()));
            assert_eq!(
                read["prometheus-node-exporter"]["image"]["digest"].as_str(),
                Some(format!("sha256:{hex}").as_str())
            );
        }
    }

    #[test]
    fn nothing_pinned_writes_no_file() {
        assert!(ChartImageValues::new(&ChartImages::default(), &ThanosImage::default()).is_none());
    }
}
