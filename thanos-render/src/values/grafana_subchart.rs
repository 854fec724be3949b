//! `grafana:` values (the grafana subchart, configured through kube-prometheus-stack).

use serde::Serialize;

/// `grafana`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GrafanaValues {
    /// `enabled`.
    pub enabled: Option<bool>,
    /// `admin`: credentials from an existing Secret (grafana subchart key).
    pub admin: Option<GrafanaAdminValues>,
    /// `ingress`.
    pub ingress: Option<GrafanaIngressValues>,
    /// `sidecar`: the datasource provisioning.
    pub sidecar: Option<GrafanaSidecarValues>,
}

/// `grafana.admin`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GrafanaAdminValues {
    /// `existingSecret`.
    pub existing_secret: String,
    /// `userKey`.
    pub user_key: String,
    /// `passwordKey`.
    pub password_key: String,
}

/// `grafana.ingress`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GrafanaIngressValues {
    /// `enabled`.
    pub enabled: bool,
    /// `ingressClassName`.
    pub ingress_class_name: String,
    /// `hosts`.
    pub hosts: Vec<String>,
    /// `path`.
    pub path: String,
}

/// `grafana.sidecar`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrafanaSidecarValues {
    /// `dashboards`.
    pub dashboards: DashboardsSidecar,
    /// `datasources`.
    pub datasources: DatasourcesSidecar,
}

/// `grafana.sidecar.dashboards`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DashboardsSidecar {
    /// `multicluster`.
    pub multicluster: MulticlusterDashboards,
}

/// `grafana.sidecar.dashboards.multicluster`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MulticlusterDashboards {
    /// `global`: the chart's dashboards show their `cluster` variable (hidden otherwise),
    /// so one Grafana filters every cluster's data.
    pub global: super::Enabled,
}

/// `grafana.sidecar.datasources`: the chart's default datasource, pointed at Thanos
/// Query. Keeping the default datasource on keeps the chart's Alertmanager datasource,
/// which is generated in the same block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasourcesSidecar {
    /// `defaultDatasourceEnabled`.
    pub default_datasource_enabled: bool,
    /// `isDefaultDatasource`.
    pub is_default_datasource: bool,
    /// `name`.
    pub name: String,
    /// `uid`.
    pub uid: String,
    /// `url`.
    pub url: String,
    /// `extraJsonData`: Grafana then offers Thanos's query options (deduplication,
    /// partial response, downsampling).
    pub extra_json_data: ExtraJsonData,
}

/// `grafana.sidecar.datasources.extraJsonData`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtraJsonData {
    /// `prometheusType`: `Thanos`.
    pub prometheus_type: String,
}
