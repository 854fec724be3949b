//! Grafana on the central cluster.

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    validate::{shown, syntax, Checker},
    Ingress,
};

/// The chart's Grafana, with Thanos Query as its default datasource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[setters(strip_option, into)]
pub struct Grafana {
    /// The Ingress, default host `grafana.<domain>`. Left out of a fleet file it is the
    /// default Ingress; `ingress: null` keeps Grafana inside the cluster.
    pub ingress: Option<Ingress>,
    /// The existing Secret with the admin user name and password; the tree never holds them.
    pub admin: GrafanaAdmin,
    /// What Grafana's dashboard and datasource sidecars may read, default `namespaced`:
    /// ConfigMaps of the fleet's namespace only. `clusterWide` keeps the chart's RBAC,
    /// which lets them read every ConfigMap and Secret of every namespace (warns).
    pub rbac: GrafanaRbac,
}

/// The API access of Grafana's sidecars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum GrafanaRbac {
    /// A Role of the tree's (`grafana-rbac.yaml`): get, list and watch ConfigMaps in the
    /// fleet's namespace, which the sidecars search for dashboards and datasources.
    Namespaced,
    /// The chart's ClusterRole: ConfigMaps and Secrets of every namespace.
    ClusterWide,
}

impl Default for Grafana {
    fn default() -> Self {
        Self {
            ingress: Some(Ingress::new()),
            admin: GrafanaAdmin::default(),
            rbac: GrafanaRbac::Namespaced,
        }
    }
}

impl Grafana {
    /// Grafana without an Ingress.
    #[must_use]
    pub fn without_ingress(mut self) -> Self {
        self.ingress = None;
        self
    }
}

/// The Secret holding Grafana's admin credentials, created outside the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[setters(into)]
pub struct GrafanaAdmin {
    /// Secret name, default `grafana-admin`: a lowercase DNS name.
    pub existing_secret: String,
    /// Key with the user name, default `admin-user`: letters, digits, `-`, `_` and `.`.
    pub user_key: String,
    /// Key with the password, default `admin-password`; never the user name's key.
    pub password_key: String,
}

impl Default for GrafanaAdmin {
    fn default() -> Self {
        Self {
            existing_secret: "grafana-admin".to_owned(),
            user_key: "admin-user".to_owned(),
            password_key: "admin-password".to_owned(),
        }
    }
}

impl Grafana {
    /// The admin Secret; the Ingress is checked with the fleet's other Ingresses. Rule
    /// 38: the chart's cluster-wide RBAC warns.
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        self.admin.check(&format!("{path}.admin"), check);
        if self.rbac == GrafanaRbac::ClusterWide {
            check.warning(
                &format!("{path}.rbac"),
                "Grafana's sidecars can read every Secret and ConfigMap of every namespace of the central cluster",
                "set rbac: namespaced (ConfigMaps of the fleet's namespace only)",
            );
        }
    }
}

impl GrafanaAdmin {
    fn check(&self, path: &str, check: &mut Checker) {
        check.dns_subdomain(
            &format!("{path}.existingSecret"),
            &self.existing_secret,
            "Secret name",
            "name the Secret holding Grafana's admin user and password",
        );
        let mut keys_ok = true;
        for (field, key) in [
            ("userKey", &self.user_key),
            ("passwordKey", &self.password_key),
        ] {
            keys_ok &= check.grammar(
                &format!("{path}.{field}"),
                key,
                syntax::is_config_key,
                "Secret key",
                "use letters, digits, '-', '_' and '.'",
            );
        }
        if keys_ok && self.user_key == self.password_key {
            check.error(
                &format!("{path}.passwordKey"),
                format!(
                    "the admin user name and password are read from the same key {}",
                    shown(&self.password_key)
                ),
                "the password would be the user name: use two keys, such as admin-user and admin-password",
            );
        }
    }
}
