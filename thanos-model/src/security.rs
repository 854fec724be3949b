//! Fleet-wide least-privilege settings: ServiceAccounts, image pull policy,
//! NetworkPolicies.

use std::collections::BTreeMap;

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{validate::Checker, IngressTls};

/// How the fleet's own workloads pull their images (`imagePullPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PullPolicy {
    /// Ask the registry on every start: a digest-pinned image still starts from the cache,
    /// and a node never runs an image the registry no longer serves under its tag.
    Always,
    /// Use the node's copy when it has one: whatever was pulled under the tag first.
    IfNotPresent,
}

impl PullPolicy {
    /// The `imagePullPolicy` value.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Always => "Always",
            Self::IfNotPresent => "IfNotPresent",
        }
    }
}

/// The Pod Security Standard the fleet's namespace enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PodSecurityLevel {
    /// `restricted`: non-root, no privilege escalation, capabilities dropped, seccomp.
    /// node-exporter, which needs the host, runs in `<namespace>-node-exporter`
    /// (`privileged`).
    Restricted,
    /// `baseline`: no host namespaces or privileged containers; node-exporter moves out
    /// as for `restricted`.
    Baseline,
    /// No Pod Security label: the namespace admits any pod (warns).
    None,
}

impl PodSecurityLevel {
    /// The `pod-security.kubernetes.io/enforce` value; `None` for no label.
    #[must_use]
    pub fn label(self) -> Option<&'static str> {
        match self {
            Self::Restricted => Some("restricted"),
            Self::Baseline => Some("baseline"),
            Self::None => None,
        }
    }
}

/// Least privilege for the fleet's own objects. The defaults are the secure ones; the
/// seed's lab turns each off explicitly, and `check` warns about each, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[setters(strip_option, into)]
pub struct Security {
    /// A ServiceAccount per Thanos component (`thanos-query`, ...) with no API token
    /// mounted, default `true`; `false` runs the pods as the namespace's `default`
    /// ServiceAccount (warns).
    pub service_accounts: bool,
    /// `imagePullPolicy` of the Thanos workloads, default `Always` (`IfNotPresent` warns).
    pub image_pull_policy: PullPolicy,
    /// NetworkPolicies: deny every ingress in the namespace, then let each component
    /// accept only its real peers, default `true` (`false` warns).
    pub network_policies: bool,
    /// The Pod Security Standard enforced on the fleet's namespace, default `restricted`;
    /// with a level, node-exporter runs in `<namespace>-node-exporter` (`privileged`).
    /// `none` warns.
    pub pod_security: PodSecurityLevel,
    /// TLS on the Ingresses the controller terminates (Grafana, Query), default
    /// `{certificates: certManager}` (the fleet's own CA); `null` serves them over plain
    /// HTTP, login and session cookie included (warns).
    pub ingress_tls: Option<IngressTls>,
    /// The pods of the central cluster's Ingress controller, which the NetworkPolicies
    /// let reach Receive's remote-write port and Grafana. Needed on a CNI other than
    /// Cilium with a controller other than ingress-nginx (in `ingress-nginx`); without
    /// it such a controller's traffic is let in from every namespace (warns).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ingress_controller: Option<IngressController>,
    /// Mutual TLS on the StoreAPIs (gRPC, 10901) of the sidecar, Receive, Store and the
    /// Ruler, and on Receive's replication between its pods: cert-manager issues a gRPC CA
    /// of its own, a server certificate per StoreAPI server and a client certificate for
    /// Query (and Receive's replication); a server accepts only clients the CA signed.
    /// Default `true`; `false` leaves every StoreAPI in plain text (warns).
    pub grpc_tls: bool,
}

/// Where the Ingress controller's pods run (`security.ingressController`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IngressController {
    /// Its namespace, a DNS label such as `ingress-nginx` or `traefik`.
    pub namespace: String,
    /// Labels of its pods, such as `{app.kubernetes.io/name: traefik}`; none selects every
    /// pod of the namespace.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pod_labels: BTreeMap<String, String>,
}

impl IngressController {
    /// Every pod of `namespace`.
    #[must_use]
    pub fn new(namespace: impl Into<String>) -> Self {
        Self {
            namespace: namespace.into(),
            pod_labels: BTreeMap::new(),
        }
    }

    /// Only its pods labelled `key: value` (and any labels given before).
    #[must_use]
    pub fn pod_label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.pod_labels.insert(key.into(), value.into());
        self
    }
}

impl Default for Security {
    fn default() -> Self {
        Self {
            service_accounts: true,
            image_pull_policy: PullPolicy::Always,
            network_policies: true,
            pod_security: PodSecurityLevel::Restricted,
            ingress_tls: Some(IngressTls::default()),
            ingress_controller: None,
            grpc_tls: true,
        }
    }
}

impl Security {
    /// Plain HTTP on every Ingress the controller terminates (warns).
    #[must_use]
    pub fn without_ingress_tls(mut self) -> Self {
        self.ingress_tls = None;
        self
    }

    /// The namespace node-exporter runs in when the fleet's namespace enforces a Pod
    /// Security level (it needs the host's namespaces): `<namespace>-node-exporter`.
    #[must_use]
    pub fn node_exporter_namespace(&self, namespace: &str) -> Option<String> {
        self.pod_security
            .label()
            .map(|_| format!("{namespace}-node-exporter"))
    }

    /// The seed's lab as it was deployed: every setting off (each warns).
    #[must_use]
    pub fn lab() -> Self {
        Self {
            service_accounts: false,
            image_pull_policy: PullPolicy::IfNotPresent,
            network_policies: false,
            pod_security: PodSecurityLevel::None,
            ingress_tls: None,
            ingress_controller: None,
            grpc_tls: false,
        }
    }

    /// Rule 28: the lab's settings warn, naming the field; rule 37: Ingress TLS; rule 53:
    /// gRPC TLS without Cap'n Proto replication.
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        let tls_path = format!("{path}.ingressTls");
        match &self.ingress_tls {
            Some(tls) => tls.check(&tls_path, check),
            None => check.plain_http_ingresses(&tls_path),
        }
        check.ingress_controller(&format!("{path}.ingressController"));
        check.grpc_tls(&format!("{path}.grpcTls"));
        if !self.service_accounts {
            check.warning(
                &format!("{path}.serviceAccounts"),
                "the Thanos pods run as the namespace's default ServiceAccount, shared with every other pod there",
                "set serviceAccounts: true (one ServiceAccount per component, no API token)",
            );
        }
        if self.image_pull_policy == PullPolicy::IfNotPresent {
            check.warning(
                &format!("{path}.imagePullPolicy"),
                "a node runs whatever image it pulled under the tag first",
                "set imagePullPolicy: Always, and pin thanos.digest",
            );
        }
        if self.pod_security == PodSecurityLevel::None {
            check.warning(
                &format!("{path}.podSecurity"),
                "the namespace enforces no Pod Security level: any pod there may run privileged or as root",
                "set podSecurity: restricted (node-exporter then runs in a namespace of its own)",
            );
        }
        if !self.grpc_tls {
            check.warning(
                &format!("{path}.grpcTls"),
                "the StoreAPIs (sidecar, Receive, Store, Ruler) answer any client in plain text, and Receive replicates in plain text",
                "set grpcTls: true (cert-manager issues the gRPC certificates)",
            );
        }
        if !self.network_policies {
            check.warning(
                &format!("{path}.networkPolicies"),
                "no NetworkPolicy: every pod reaches every StoreAPI, Receive's write ports and Alertmanager",
                "set networkPolicies: true",
            );
        }
    }
}
