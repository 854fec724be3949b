//! The central overlay: `values-central.yaml`, `kustomization.yaml`, the S3 Secret and the
//! Thanos manifests.

mod s3_secret;
mod thanos;

use indexmap::IndexMap;
use thanos_model::{labels, Component, Fleet};

use crate::{
    kustomize::Kustomization,
    overlays,
    values::{
        resource_requirements, AlertmanagerSpecValues, AlertmanagerValues, ChartValues,
        DatasourcesSidecar, Enabled, ExistingSecret, ExtraJsonData, GrafanaAdminValues,
        GrafanaIngressValues, GrafanaSidecarValues, GrafanaValues, ObjectStorageConfigValues,
        PrometheusSpecValues, PrometheusValues, StorageSpec, ThanosSidecarValues,
    },
    yaml, Tree,
};

const VALUES: &str = "values-central.yaml";

/// Adds the central cluster's files.
pub(crate) fn render(fleet: &Fleet, tree: &mut Tree) {
    let central = &fleet.central;
    let dir = overlays::dir(fleet, &central.name);
    tree.insert(
        format!("{dir}/{VALUES}"),
        yaml::to_yaml(&values(fleet)),
        &[],
    );

    let manifests = [
        (Component::Query, thanos::query::render(fleet)),
        (Component::Receive, thanos::receiver::render(fleet)),
        (Component::Store, thanos::store::render(fleet)),
        (Component::Compactor, thanos::compactor::render(fleet)),
    ]
    .map(|(component, content)| (format!("{}.yaml", component.name()), content));
    // The S3 Secret is deliberately not a resource: it holds envsubst placeholders and is
    // applied on its own, so applying the overlay never replaces the real Secret.
    let kustomization = Kustomization::new(&fleet.namespace, overlays::chart(fleet, VALUES))
        .resources(manifests.iter().map(|(file, _)| file.clone()));
    tree.insert(
        format!("{dir}/kustomization.yaml"),
        yaml::to_yaml(&kustomization),
        &overlays::cluster_comment(&central.context, &central.api_address, &dir),
    );
    if let Some((secret, comment)) = s3_secret::render(fleet) {
        tree.insert(format!("{dir}/{}", s3_secret::FILE), secret, &comment);
    }
    for (file, content) in manifests {
        tree.insert(format!("{dir}/{file}"), content, &[]);
    }
}

/// Prometheus in full mode with the sidecar, Alertmanager, and Grafana reading Thanos
/// Query.
fn values(fleet: &Fleet) -> ChartValues {
    let central = &fleet.central;
    let prometheus = &central.prometheus;
    let sidecar_image = fleet.image(prometheus.sidecar.image.as_ref());
    let objstore = fleet.object_storage.config_secret();
    let grafana = &central.grafana;

    ChartValues {
        prometheus: Some(PrometheusValues {
            thanos_service: Some(Enabled::ON),
            prometheus_spec: Some(PrometheusSpecValues {
                replicas: Some(prometheus.replicas),
                retention: Some(prometheus.retention.clone()),
                external_labels: Some(IndexMap::from([(
                    labels::CLUSTER.to_owned(),
                    central.cluster_label_value().to_owned(),
                )])),
                resources: Some(resource_requirements(&prometheus.resources)),
                storage_spec: Some(StorageSpec::new(
                    prometheus.storage.class.as_deref(),
                    Some(&prometheus.storage.size),
                )),
                thanos: Some(ThanosSidecarValues {
                    image: sidecar_image.to_string(),
                    version: sidecar_image.version.clone(),
                    resources: resource_requirements(&prometheus.sidecar.resources),
                    object_storage_config: ObjectStorageConfigValues {
                        existing_secret: ExistingSecret {
                            name: objstore.name.clone(),
                            key: objstore.key.clone(),
                        },
                    },
                }),
                ..PrometheusSpecValues::default()
            }),
            ..PrometheusValues::default()
        }),
        alertmanager: Some(AlertmanagerValues {
            alertmanager_spec: Some(AlertmanagerSpecValues {
                replicas: central.alertmanager.replicas,
                storage: StorageSpec::new(
                    Some(central.alertmanager.storage.class_or(&fleet.storage_class)),
                    Some(&central.alertmanager.storage.size),
                ),
            }),
            ..AlertmanagerValues::default()
        }),
        grafana: Some(GrafanaValues {
            admin: Some(GrafanaAdminValues {
                existing_secret: grafana.admin.existing_secret.clone(),
                user_key: grafana.admin.user_key.clone(),
                password_key: grafana.admin.password_key.clone(),
            }),
            ingress: grafana
                .ingress
                .as_ref()
                .map(|ingress| GrafanaIngressValues {
                    enabled: true,
                    ingress_class_name: fleet.ingress_class(ingress).to_owned(),
                    hosts: vec![fleet.ingress_host(ingress, Component::Grafana)],
                    path: "/".to_owned(),
                }),
            sidecar: Some(GrafanaSidecarValues {
                datasources: DatasourcesSidecar {
                    default_datasource_enabled: true,
                    is_default_datasource: true,
                    name: "Thanos Query".to_owned(),
                    uid: "thanos-query".to_owned(),
                    url: fleet.query_url(),
                    extra_json_data: ExtraJsonData {
                        prometheus_type: "Thanos".to_owned(),
                    },
                },
            }),
            ..GrafanaValues::default()
        }),
        ..ChartValues::default()
    }
}
