//! The Thanos Ruler of `values-central.yaml`: the chart's `ThanosRuler` resource, and the
//! split of rules between it and central Prometheus.
//!
//! The Ruler evaluates every PrometheusRule except those labelled
//! [`EVALUATOR_LABEL`]` = prometheus` (the chart's own rules and the silent-edge alerts
//! among them), over Thanos Query, so for every cluster; central Prometheus evaluates
//! exactly those labelled rules (the Thanos self-monitoring alerts, about components it scrapes
//! itself, which must keep working when Query or the Ruler does not). No rule is
//! evaluated by both, so no series is recorded twice.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};
use thanos_model::{Fleet, Ruler, Workload};

use super::thanos::{self, query};
use crate::kustomize::{JsonPatchOperation, Patch, PatchTarget};
use crate::monitoring::{heavy_groups, Evaluator, EVALUATOR_LABEL, REPLACED_CHART_ALERTS};
use crate::overlays;
use crate::values::{
    resource_requirements, AlertmanagerEndpoints, AlertmanagersConfigValues, AlertmanagersFile,
    Create, ImageValues, ObjectStorageConfigValues, RulerAdditionalConfig, StorageSpec,
    ThanosRulerSpecValues, ThanosRulerValues,
};

/// The Service the Prometheus Operator puts in front of every Ruler pod.
const GOVERNING_SERVICE: &str = "thanos-ruler-operated";
/// The Service the Prometheus Operator puts in front of every Alertmanager pod, and the
/// name of its HTTP port.
const ALERTMANAGER_GOVERNING_SERVICE: (&str, &str) =
    (super::network_policies::ALERTMANAGER_OPERATED, "http-web");

/// `thanosRuler` of the central values, when the fleet has a Ruler.
pub(crate) fn values(fleet: &Fleet) -> Option<ThanosRulerValues> {
    let ruler: &Ruler = fleet.central.ruler.as_ref()?;
    let image = fleet.image(ruler.image.as_ref());
    let (registry, repository) = image.registry_and_repository();
    let objstore = fleet.object_storage.config_secret();
    let (alertmanager_service, alertmanager_port) = ALERTMANAGER_GOVERNING_SERVICE;
    let (placement, budget) = super::thanos::pod::chart_placement(
        fleet,
        super::network_policies::THANOS_RULER.label,
        ruler.replicas,
    );
    let tls = thanos::grpc_tls::operator_mount(fleet, thanos::grpc_tls::GrpcPeer::Ruler);
    let mut additional_config = RulerAdditionalConfig::new(ruler);
    additional_config.grpc_server_tls_config = tls.as_ref().map(|(config, ..)| config.clone());
    Some(ThanosRulerValues {
        enabled: true,
        pod_disruption_budget: budget,
        thanos_ruler_spec: ThanosRulerSpecValues {
            image: ImageValues {
                registry: registry.to_owned(),
                repository: repository.to_owned(),
                tag: image.tag_and_digest(),
            },
            replicas: ruler.replicas,
            evaluation_interval: ruler.evaluation_interval.clone(),
            retention: ruler.retention.clone(),
            rule_selector: rule_selector(fleet),
            query_endpoints: vec![query::ruler_address(fleet)],
            additional_config,
            alertmanagers_config: AlertmanagersConfigValues {
                secret: AlertmanagersFile {
                    alertmanagers: vec![AlertmanagerEndpoints {
                        static_configs: vec![thanos::dns_srv(
                            fleet,
                            alertmanager_port,
                            alertmanager_service,
                        )],
                        scheme: "http".to_owned(),
                        api_version: "v2".to_owned(),
                    }],
                },
            },
            object_storage_config: ObjectStorageConfigValues::existing(objstore),
            storage: StorageSpec::of(&ruler.storage, Some(&fleet.storage_class)),
            resources: resource_requirements(&fleet.resources(Workload::Ruler)),
            placement,
            additional_args: thanos::read_limit_args(fleet),
            volumes: tls.as_ref().map(|(_, volume, _)| vec![volume.clone()]),
            volume_mounts: tls.map(|(.., mount)| vec![mount]),
        },
    })
}

/// The Ruler's `ruleSelector`. With per-cluster rules, only the PrometheusRules labelled
/// [`EVALUATOR_LABEL`]` = thanos-ruler` (the chart's through `defaultRules.labels`, the
/// fleet's, and a user's own that carries the label): a rule written for one cluster
/// (cert-manager's, Longhorn's) is not evaluated across the fleet by accident. Without
/// (the lab), every rule but those labelled for central Prometheus.
fn rule_selector(fleet: &Fleet) -> LabelSelector {
    if fleet.central.thanos_monitoring.per_cluster_rules {
        return overlays::match_labels(ruler_labels());
    }
    LabelSelector {
        match_expressions: Some(vec![LabelSelectorRequirement {
            key: EVALUATOR_LABEL.to_owned(),
            operator: "NotIn".to_owned(),
            values: Some(vec![Evaluator::Prometheus.label_value().to_owned()]),
        }]),
        ..LabelSelector::default()
    }
}

/// `defaultRules` of the central values when the Ruler evaluates per-cluster rules: the
/// chart's single-cluster alerts switched off (the fleet's per-cluster rules replace
/// them), and every chart rule labelled for the Ruler's selector. `None` otherwise (the
/// chart's defaults).
pub(crate) fn default_rules(fleet: &Fleet) -> Option<Create> {
    if !per_cluster_rules(fleet) {
        return None;
    }
    Some(Create {
        create: true,
        disabled: REPLACED_CHART_ALERTS
            .iter()
            .map(|alert| ((*alert).to_owned(), true))
            .collect(),
        labels: ruler_labels(),
    })
}

/// Whether the Ruler evaluates the chart's rules with the fleet's per-cluster variants:
/// the fleet has a Ruler and wants them.
pub(crate) fn per_cluster_rules(fleet: &Fleet) -> bool {
    fleet.central.ruler.is_some() && fleet.central.thanos_monitoring.per_cluster_rules
}

/// The label of the rules the Ruler evaluates.
fn ruler_labels() -> BTreeMap<String, String> {
    overlays::label((EVALUATOR_LABEL, Evaluator::ThanosRuler.label_value()))
}

/// Central Prometheus's `ruleSelector` when the fleet has a Ruler: only the rules
/// labelled for it.
pub(crate) fn prometheus_rule_selector(fleet: &Fleet) -> Option<LabelSelector> {
    fleet.central.ruler.as_ref()?;
    Some(overlays::match_labels(overlays::label((
        EVALUATOR_LABEL,
        Evaluator::Prometheus.label_value(),
    ))))
}

/// The central overlay's patches of the chart's PrometheusRules: each heavy group
/// ([`crate::monitoring::heavy_groups`]) on its own interval, whoever evaluates it.
pub(crate) fn heavy_group_patches(fleet: &Fleet) -> Vec<Patch> {
    let fullname = fleet.chart.fullname();
    heavy_groups()
        .into_iter()
        .map(|heavy| {
            let group = "/spec/groups/0";
            Patch::json6902(
                PatchTarget {
                    group: "monitoring.coreos.com".to_owned(),
                    version: "v1".to_owned(),
                    kind: "PrometheusRule".to_owned(),
                    name: heavy.rule_name(&fullname),
                },
                &[
                    JsonPatchOperation {
                        op: "test",
                        path: format!("{group}/name"),
                        value: heavy.group.to_owned(),
                    },
                    JsonPatchOperation {
                        op: "add",
                        path: format!("{group}/interval"),
                        value: heavy.interval.to_string(),
                    },
                ],
            )
        })
        .collect()
}

/// The Service the operator puts in front of every Ruler pod, when the fleet has a Ruler.
pub(crate) fn governing_service(fleet: &Fleet) -> Option<String> {
    fleet.central.ruler.as_ref()?;
    Some(GOVERNING_SERVICE.to_owned())
}
