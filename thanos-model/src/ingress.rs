//! How a component is reached from outside the cluster.

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    validate::{shown, syntax, Checker},
    Component,
};

/// An Ingress in front of a component.
///
/// Both fields default from the fleet: the class from
/// [`Fleet::ingress_class`](crate::Fleet::ingress_class) and the host from the component's
/// name under [`Fleet::domain`](crate::Fleet::domain) (`thanos-query.<domain>`), so the seed's
/// hosts are never typed twice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[setters(strip_option, into)]
pub struct Ingress {
    /// Ingress class, the name of an IngressClass; `None` (or `null`) uses the fleet's
    /// ingress class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// Host name, a lowercase DNS name with a dot; `None` (or `null`) uses
    /// `<component>.<fleet domain>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

impl Ingress {
    /// An Ingress with the fleet's class and the component's default host.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }
}

impl Ingress {
    /// Rule 8: a valid host and an ingress class. Defaulted hosts and classes are
    /// checked once, at the fleet's `domain` and `ingressClass`.
    pub(crate) fn check(&self, path: &str, component: Component, check: &mut Checker) {
        let host = check.fleet.ingress_host(self, component);
        let host_path = format!("{path}.host");
        if self.host.is_some()
            && check.clean(&host_path, &host)
            && (!syntax::is_dns_subdomain(&host) || !host.contains('.'))
        {
            check.error(
                &host_path,
                format!("{} is not a valid host name", shown(&host)),
                "use a lowercase DNS name such as thanos-query.example.com",
            );
        }
        if let Some(class) = &self.class {
            check_class(check, &format!("{path}.class"), class, &host);
        }
    }
}

/// Whether `class` is one rule 8 accepts (the name of an IngressClass): the rules that
/// read the class skip any other, which [`check_class`] has reported.
pub(crate) fn is_valid_class(class: &str) -> bool {
    syntax::is_dns_subdomain(class)
}

/// An ingress class for the Ingresses of `hosts`: set, and the name of an IngressClass.
pub(crate) fn check_class(check: &mut Checker, path: &str, class: &str, hosts: &str) {
    if class.trim().is_empty() {
        check.error(
            path,
            format!("no ingress class for the Ingress of {hosts}"),
            "set the ingress's class or the fleet's ingressClass, such as cilium or nginx",
        );
    } else if check.clean(path, class) && !syntax::is_dns_subdomain(class) {
        check.error(
            path,
            format!("{} is not a valid ingress class name", shown(class)),
            "use the name of an IngressClass of the central cluster, such as cilium or nginx",
        );
    }
}
