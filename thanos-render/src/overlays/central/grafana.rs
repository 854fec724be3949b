//! Grafana on the central cluster: its chart values (Ingress with TLS, secure cookies,
//! the Thanos Query datasource, sidecars limited to the fleet's namespace) and
//! `grafana-rbac.yaml`, the Role its sidecars run with instead of the chart's ClusterRole.

use k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleBinding, RoleRef, Subject};
use thanos_model::{Component, Fleet, GrafanaRbac, IngressTls};

use super::thanos::query_frontend;
use crate::{
    overlays::{self, FileObjects},
    values::{
        DashboardsSidecar, DatasourcesSidecar, Enabled, ExtraJsonData, GrafanaAdminValues,
        GrafanaIngressTls, GrafanaIngressValues, GrafanaIni, GrafanaIniSecurity, GrafanaIniServer,
        GrafanaRbacValues, GrafanaSidecarValues, GrafanaValues, MulticlusterDashboards,
    },
    yaml::Documents,
};

/// The file of Grafana's Role and RoleBinding.
pub const RBAC_FILE: &str = "grafana-rbac.yaml";
/// The name of the Role and RoleBinding.
const RBAC_NAME: &str = "grafana-sidecars";
/// The only resource the sidecars read.
const CONFIG_MAPS: &str = "configmap";

/// `grafana:` values of the central overlay.
pub(crate) fn values(fleet: &Fleet) -> GrafanaValues {
    let grafana = &fleet.central.grafana;
    let namespaced = grafana.rbac == GrafanaRbac::Namespaced;
    let host = grafana
        .ingress
        .as_ref()
        .map(|ingress| fleet.ingress_host(ingress, Component::Grafana));
    let tls_host = host
        .clone()
        .filter(|_| fleet.security.ingress_tls.is_some());
    GrafanaValues {
        admin: Some(GrafanaAdminValues {
            existing_secret: grafana.admin.existing_secret.clone(),
            user_key: grafana.admin.user_key.clone(),
            password_key: grafana.admin.password_key.clone(),
        }),
        ingress: grafana
            .ingress
            .as_ref()
            .zip(host)
            .map(|(ingress, host)| GrafanaIngressValues {
                enabled: true,
                ingress_class_name: fleet.ingress_class(ingress).to_owned(),
                hosts: vec![host.clone()],
                path: "/".to_owned(),
                tls: tls_host.as_ref().map(|_| {
                    vec![GrafanaIngressTls {
                        secret_name: IngressTls::secret_name(Component::Grafana.name()),
                        hosts: vec![host],
                    }]
                }),
            }),
        sidecar: Some(GrafanaSidecarValues {
            dashboards: DashboardsSidecar {
                multicluster: MulticlusterDashboards {
                    global: Enabled::ON,
                },
                search_namespace: namespaced.then(|| fleet.namespace.clone()),
                resource: namespaced.then_some(CONFIG_MAPS),
            },
            datasources: DatasourcesSidecar {
                default_datasource_enabled: true,
                is_default_datasource: true,
                name: "Thanos Query".to_owned(),
                uid: "thanos-query".to_owned(),
                url: query_frontend::datasource_url(fleet),
                extra_json_data: ExtraJsonData {
                    prometheus_type: "Thanos".to_owned(),
                },
                resource: namespaced.then_some(CONFIG_MAPS),
            },
        }),
        rbac: namespaced.then_some(GrafanaRbacValues { create: false }),
        grafana_ini: tls_host.map(|host| GrafanaIni {
            server: GrafanaIniServer {
                root_url: format!("https://{host}/"),
            },
            security: GrafanaIniSecurity {
                cookie_secure: true,
                cookie_samesite: "strict".to_owned(),
            },
        }),
        ..GrafanaValues::default()
    }
}

/// `grafana-rbac.yaml`: a Role reading ConfigMaps of the fleet's namespace and its
/// binding to Grafana's ServiceAccount, in place of the chart's ClusterRole (which reads
/// every Secret of the cluster).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GrafanaRbacObjects {
    /// `grafana-sidecars`: get, list and watch ConfigMaps.
    pub role: Role,
    /// `grafana-sidecars`: the Role for Grafana's ServiceAccount.
    pub role_binding: RoleBinding,
}

impl GrafanaRbacObjects {
    /// The objects of a validated fleet; `None` with the chart's RBAC.
    pub(crate) fn new(fleet: &Fleet) -> Option<Self> {
        if fleet.central.grafana.rbac != GrafanaRbac::Namespaced {
            return None;
        }
        let metadata = || overlays::metadata(fleet, RBAC_NAME, crate::monitoring::labels::common());
        Some(Self {
            role: Role {
                metadata: metadata(),
                rules: Some(vec![PolicyRule {
                    api_groups: Some(vec![String::new()]),
                    resources: Some(vec!["configmaps".to_owned()]),
                    verbs: ["get", "list", "watch"].map(str::to_owned).to_vec(),
                    ..PolicyRule::default()
                }]),
            },
            role_binding: RoleBinding {
                metadata: metadata(),
                role_ref: RoleRef {
                    api_group: "rbac.authorization.k8s.io".to_owned(),
                    kind: "Role".to_owned(),
                    name: RBAC_NAME.to_owned(),
                },
                subjects: Some(vec![Subject {
                    kind: "ServiceAccount".to_owned(),
                    name: fullname(&fleet.chart.release),
                    namespace: Some(fleet.namespace.clone()),
                    ..Subject::default()
                }]),
            },
        })
    }
}

impl FileObjects for GrafanaRbacObjects {
    fn add_to(&self, documents: Documents) -> Documents {
        documents.one(&self.role).one(&self.role_binding)
    }
}

/// The grafana subchart's fullname (`grafana.fullname`), the name of Grafana's
/// Deployment, Service and ServiceAccount: the release name when it contains `grafana`,
/// else `<release>-grafana`, at most 63 characters.
pub(crate) fn fullname(release: &str) -> String {
    thanos_model::helm_fullname(release, "grafana", 63)
}

#[cfg(test)]
mod tests {
    use super::fullname;

    #[test]
    fn fullname_follows_the_subchart() {
        assert_eq!(
            fullname("kube-prometheus-stack"),
            "kube-prometheus-stack-grafana"
        );
        assert_eq!(fullname("my-grafana"), "my-grafana");
    }
}
