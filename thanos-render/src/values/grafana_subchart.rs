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
    /// `rbac`: `{create: false}` when the tree renders Grafana's Role itself.
    pub rbac: Option<GrafanaRbacValues>,
    /// `grafana.ini`: the sections the tree sets (merged over the chart's).
    #[serde(rename = "grafana.ini")]
    pub grafana_ini: Option<GrafanaIni>,
}

/// `grafana.rbac`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GrafanaRbacValues {
    /// `create`: whether the chart renders Grafana's (Cluster)Role and binding.
    pub create: bool,
}

/// `grafana."grafana.ini"`: Grafana served over HTTPS by the Ingress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrafanaIni {
    /// `server`.
    pub server: GrafanaIniServer,
    /// `security`.
    pub security: GrafanaIniSecurity,
}

/// `grafana.ini` `[server]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrafanaIniServer {
    /// `root_url`: `https://<host>/`, the address in links and redirects.
    pub root_url: String,
}

/// `grafana.ini` `[security]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrafanaIniSecurity {
    /// `cookie_secure`: the session cookie is sent over HTTPS only.
    pub cookie_secure: bool,
    /// `cookie_samesite`: `strict`, no session cookie on requests from other sites.
    pub cookie_samesite: String,
}

/// One `grafana.ingress.tls` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GrafanaIngressTls {
    /// `secretName`: the certificate's Secret.
    pub secret_name: String,
    /// `hosts`.
    pub hosts: Vec<String>,
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
    /// `tls`: TLS terminated by the Ingress controller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<Vec<GrafanaIngressTls>>,
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
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DashboardsSidecar {
    /// `multicluster`.
    pub multicluster: MulticlusterDashboards,
    /// `searchNamespace`: the namespace the sidecar finds dashboards in (the chart's is
    /// `ALL`).
    pub search_namespace: Option<String>,
    /// `resource`: `configmap`, not Secrets too (the chart's is `both`).
    pub resource: Option<&'static str>,
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
    /// `resource`: `configmap`, not Secrets too (the chart's is `both`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<&'static str>,
}

/// `grafana.sidecar.datasources.extraJsonData`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtraJsonData {
    /// `prometheusType`: `Thanos`.
    pub prometheus_type: String,
}
