//! How a component is reached from outside the cluster.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::setters::setters;

/// An Ingress in front of a component.
///
/// Both fields default from the fleet: the class from
/// [`Fleet::ingress_class`](crate::Fleet::ingress_class) and the host from the component's
/// name under [`Fleet::domain`](crate::Fleet::domain) (`thanos-query.<domain>`), so the seed's
/// hosts are never typed twice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Ingress {
    /// Ingress class; `None` uses the fleet's ingress class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// Host name; `None` uses `<component>.<fleet domain>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

impl Ingress {
    /// An Ingress with the fleet's class and the component's default host.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    setters! { some class: String, some host: String }
}
