//! The write path's identity: TLS on Receive's remote-write port, the tenant taken from
//! the verified client certificate, and each edge's client certificate.

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{validate::Checker, Duration};

/// How the edges write to Receive (`central.receive.remoteWrite`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[setters(strip_option, into)]
pub struct ReceiveRemoteWrite {
    /// Mutual TLS terminated by Receive itself: it refuses every write without a client
    /// certificate signed by the fleet's CA. Default `{certificates: certManager}`;
    /// `tls: null` leaves the write path open (plain HTTP, anyone who reaches the Ingress
    /// writes anything), and `check` warns.
    pub tls: Option<RemoteWriteTls>,
    /// Where Receive takes each write's tenant from (`--receive.tenant-certificate-field`):
    /// default `commonName`, the edge's tenant (its `cluster` label value) in its client
    /// certificate. Needs `tls`; `null` puts every edge into one shared tenant.
    pub tenant_field: Option<TenantField>,
    /// How the Receive Ingress passes TLS through to Receive (`cilium` or `nginx`); `None`
    /// follows the Ingress class. Only with `tls`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passthrough: Option<Passthrough>,
}

impl Default for ReceiveRemoteWrite {
    fn default() -> Self {
        Self {
            tls: Some(RemoteWriteTls::default()),
            tenant_field: Some(TenantField::CommonName),
            passthrough: None,
        }
    }
}

impl ReceiveRemoteWrite {
    /// The lab's open write path: plain HTTP, one shared tenant (`check` warns).
    #[must_use]
    pub fn open() -> Self {
        Self {
            tls: None,
            tenant_field: None,
            passthrough: None,
        }
    }

    /// Whether each edge writes into a tenant of its own, taken from its verified client
    /// certificate (TLS on and a tenant field).
    #[must_use]
    pub fn tenant_per_edge(&self) -> bool {
        self.tls.is_some() && self.tenant_field.is_some()
    }
}

/// Receive's remote-write TLS (`central.receive.remoteWrite.tls`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[setters(strip_option, into)]
pub struct RemoteWriteTls {
    /// Who issues the certificates: `certManager` (default: a CA on the central cluster
    /// issues Receive's server certificate and one client certificate per edge) or
    /// `existingSecrets` (the operator brings them as Secrets).
    pub certificates: CertificateSource,
    /// With `existingSecrets`: the Secret of Receive's server certificate in the fleet's
    /// namespace, keys `tls.crt`, `tls.key` and `ca.crt` (the CA that signs the edges'
    /// client certificates). With `certManager` the name is `thanos-receive-server-tls`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_secret: Option<String>,
    /// Lifetime of the issued server and client certificates (`certManager`), default
    /// `2160h` (90 days).
    pub duration: Duration,
    /// How long before expiry cert-manager renews them, default `720h` (30 days): every
    /// `duration - renewBefore` the edges' Secrets are copied again (runbook).
    pub renew_before: Duration,
}

impl Default for RemoteWriteTls {
    fn default() -> Self {
        Self {
            certificates: CertificateSource::CertManager,
            server_secret: None,
            duration: Duration::hours(2160),
            renew_before: Duration::hours(720),
        }
    }
}

impl RemoteWriteTls {
    /// Certificates the operator brings: Receive's server Secret `server_secret`.
    #[must_use]
    pub fn existing_secrets(server_secret: impl Into<String>) -> Self {
        Self::default()
            .certificates(CertificateSource::ExistingSecrets)
            .server_secret(server_secret)
    }
}

/// Who issues the write path's certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum CertificateSource {
    /// cert-manager on the central cluster: rendered `Issuer`s and `Certificate`s.
    CertManager,
    /// Secrets the operator creates; the tree holds their names only.
    ExistingSecrets,
}

/// The field of a verified client certificate Receive takes the tenant from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum TenantField {
    /// The subject's common name (CN), which the fleet issues as the edge's tenant.
    CommonName,
}

impl TenantField {
    /// The value of `--receive.tenant-certificate-field`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CommonName => "commonName",
        }
    }
}

/// How an Ingress controller passes TLS through to its backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Passthrough {
    /// Cilium's Ingress: `ingress.cilium.io/tls-passthrough: enabled`.
    Cilium,
    /// ingress-nginx (started with `--enable-ssl-passthrough`):
    /// `nginx.ingress.kubernetes.io/ssl-passthrough: "true"`.
    Nginx,
}

impl Passthrough {
    /// The passthrough of Ingress class `class`, when the class names a known controller.
    #[must_use]
    pub fn of_class(class: &str) -> Option<Self> {
        match class {
            "cilium" => Some(Self::Cilium),
            "nginx" => Some(Self::Nginx),
            _ => None,
        }
    }

    /// The Ingress annotation that turns passthrough on, and its value.
    #[must_use]
    pub fn annotation(self) -> (&'static str, &'static str) {
        match self {
            Self::Cilium => ("ingress.cilium.io/tls-passthrough", "enabled"),
            Self::Nginx => ("nginx.ingress.kubernetes.io/ssl-passthrough", "true"),
        }
    }
}

/// Where an edge's client certificate comes from (`edges[].clientCertificate`).
///
/// In a fleet file: `{from: certManager}` or `{from: existingSecret, secretName: NAME}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "from", rename_all = "camelCase", deny_unknown_fields)]
pub enum ClientCertificate {
    /// Issued on the central cluster by the fleet's CA, copied to the edge by the runbook
    /// into Secret `thanos-remote-write-client`.
    CertManager,
    /// A Secret the operator created on the edge, keys `tls.crt`, `tls.key` and `ca.crt`
    /// (the CA of Receive's server certificate); its CN must be the edge's tenant.
    #[serde(rename_all = "camelCase")]
    ExistingSecret {
        /// The Secret's name in the fleet's namespace on the edge.
        secret_name: String,
    },
}

/// The Secret on an edge holding its client certificate when cert-manager issues it.
pub const EDGE_CLIENT_SECRET: &str = "thanos-remote-write-client";

impl ReceiveRemoteWrite {
    /// Rules 22 and 23: TLS has what it needs, a tenant field has client certificates,
    /// the Ingress can pass TLS through.
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        let fleet = check.fleet;
        let Some(tls) = &self.tls else {
            if self.tenant_field.is_some() {
                check.error(
                    &format!("{path}.tenantField"),
                    "a tenant taken from client certificates needs client certificates, and remoteWrite.tls is null",
                    "set remoteWrite.tls (such as {certificates: certManager}), or remove tenantField",
                );
            }
            if self.passthrough.is_some() {
                check.error(
                    &format!("{path}.passthrough"),
                    "TLS passthrough without remoteWrite.tls: Receive would get TLS it does not speak",
                    "set remoteWrite.tls, or remove passthrough",
                );
            }
            check.warning(
                &format!("{path}.tls"),
                "the write path is open: anyone who reaches Receive's Ingress can write any series into any tenant, over plain HTTP",
                "set remoteWrite.tls: {certificates: certManager} and tenantField: commonName (see the runbook's certificate steps)",
            );
            return;
        };
        let tls_path = format!("{path}.tls");
        if tls.certificates == CertificateSource::ExistingSecrets {
            match &tls.server_secret {
                None => check.error(
                    &format!("{tls_path}.serverSecret"),
                    "TLS without a CA: with existingSecrets Receive needs a Secret with tls.crt, tls.key and ca.crt",
                    "name the Secret in serverSecret, or use certificates: certManager",
                ),
                Some(name) => {
                    check.dns_subdomain(
                        &format!("{tls_path}.serverSecret"),
                        name,
                        "Secret name",
                        "use the name of the Secret holding tls.crt, tls.key and ca.crt",
                    );
                }
            }
        } else if tls.server_secret.is_some() {
            check.error(
                &format!("{tls_path}.serverSecret"),
                "cert-manager issues Receive's server certificate into its own Secret",
                "remove serverSecret, or use certificates: existingSecrets",
            );
        }
        let duration = format!("{tls_path}.duration");
        let renew = format!("{tls_path}.renewBefore");
        if check.parsed(&duration)
            && check.parsed(&renew)
            && (tls.renew_before.is_zero()
                || tls.renew_before.as_millis() >= tls.duration.as_millis())
        {
            check.error(
                &renew,
                format!(
                    "renewBefore {} is not between 0 and the duration {}",
                    tls.renew_before, tls.duration
                ),
                "renew well before expiry, such as a third of the duration (720h of 2160h)",
            );
        }
        if self.tenant_field.is_none() {
            check.warning(
                &format!("{path}.tenantField"),
                "every edge writes into one shared tenant: after a WAN cut longer than about an hour, an edge's backlog is refused (409) and dropped",
                "set tenantField: commonName, so that each edge has a head of its own",
            );
        }
        if self.passthrough.is_none() {
            if let Some(ingress) = &fleet.central.receive.ingress {
                let class = fleet.ingress_class(ingress);
                // An empty or invalid class is reported with the Ingresses (rule 8).
                if crate::ingress::is_valid_class(class) && Passthrough::of_class(class).is_none() {
                    check.error(
                        &format!("{path}.passthrough"),
                        format!("cannot tell how Ingress class {class:?} passes TLS through to Receive"),
                        "set passthrough: cilium or nginx, after the controller Receive's Ingress uses",
                    );
                }
            }
        }
    }

    /// The passthrough Receive's Ingress uses: the explicit one, else its class's.
    #[must_use]
    pub fn passthrough_for(&self, class: &str) -> Option<Passthrough> {
        self.tls.as_ref()?;
        self.passthrough.or_else(|| Passthrough::of_class(class))
    }
}

impl Checker<'_> {
    /// Rule 22: with TLS every edge has a credential its certificates' source can give.
    pub(crate) fn client_certificate(&mut self, path: &str, edge: &crate::Edge) {
        let field = format!("{path}.clientCertificate");
        let tls = self.fleet.central.receive.remote_write.tls.as_ref();
        match (tls.map(|tls| tls.certificates), &edge.client_certificate) {
            (None, Some(_)) => self.error(
                &field,
                "a client certificate while central.receive.remoteWrite.tls is null: Receive speaks plain HTTP",
                "set central.receive.remoteWrite.tls, or remove clientCertificate",
            ),
            (Some(CertificateSource::ExistingSecrets), None) => self.error(
                &field,
                format!(
                    "edge {} has no client certificate: Receive will refuse its writes",
                    edge.name
                ),
                "set clientCertificate: {from: existingSecret, secretName: NAME}, or use certificates: certManager",
            ),
            (Some(CertificateSource::ExistingSecrets), Some(ClientCertificate::CertManager)) => {
                self.error(
                    &field,
                    "cert-manager cannot issue it: central.receive.remoteWrite.tls.certificates is existingSecrets, so there is no Issuer to sign it",
                    "set clientCertificate: {from: existingSecret, secretName: NAME}",
                );
            }
            (_, Some(ClientCertificate::ExistingSecret { secret_name })) => {
                self.dns_subdomain(
                    &format!("{field}.secretName"),
                    secret_name,
                    "Secret name",
                    "use the name of the Secret on the edge holding tls.crt, tls.key and ca.crt",
                );
            }
            _ => {}
        }
    }
}

/// TLS on the Ingresses the fleet terminates at the Ingress controller (Grafana, Query):
/// `security.ingressTls`.
///
/// Each such Ingress gets `spec.tls` with the Secret `<component>-tls` (`grafana-tls`,
/// `thanos-query-tls`). Receive's Ingress is not one of them: it passes TLS through to
/// Receive, which terminates it itself (`central.receive.remoteWrite.tls`).
///
/// In a fleet file: `ingressTls: {certificates: certManager}` (the default: the fleet's
/// own CA on the central cluster issues them), `{certificates: certManager, issuer:
/// {kind: ClusterIssuer, name: NAME}}` (an issuer of yours, such as a public ACME one) or
/// `{certificates: existingSecrets}` (you create each `<component>-tls` Secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[setters(strip_option, into)]
pub struct IngressTls {
    /// Who issues the certificates: `certManager` (default) or `existingSecrets` (kubernetes.io/tls
    /// Secrets `<component>-tls` the operator creates; the tree names them only).
    pub certificates: CertificateSource,
    /// With `certManager`: the Issuer or ClusterIssuer that signs them. `None` (default)
    /// renders the fleet's own CA, `thanos-ingress-ca` (browsers trust it once it is
    /// imported; the runbook shows how to read its certificate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<IssuerRef>,
}

impl Default for IngressTls {
    fn default() -> Self {
        Self {
            certificates: CertificateSource::CertManager,
            issuer: None,
        }
    }
}

impl IngressTls {
    /// Certificates the operator brings as Secrets `<component>-tls`.
    #[must_use]
    pub fn existing_secrets() -> Self {
        Self::default().certificates(CertificateSource::ExistingSecrets)
    }

    /// The Secret of the TLS certificate of the Ingress named `ingress`:
    /// `<ingress>-tls`.
    #[must_use]
    pub fn secret_name(ingress: &str) -> String {
        format!("{ingress}-tls")
    }
}

/// A cert-manager issuer the fleet does not render, by reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IssuerRef {
    /// `Issuer` (in the fleet's namespace) or `ClusterIssuer`.
    pub kind: IssuerKind,
    /// Its name: a lowercase DNS name.
    pub name: String,
}

impl IssuerRef {
    /// The issuer `name` of `kind`.
    #[must_use]
    pub fn new(kind: IssuerKind, name: impl Into<String>) -> Self {
        Self {
            kind,
            name: name.into(),
        }
    }
}

/// The kind of a cert-manager issuer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum IssuerKind {
    /// An `Issuer` in the fleet's namespace.
    Issuer,
    /// A cluster-wide `ClusterIssuer`.
    ClusterIssuer,
}

impl IssuerKind {
    /// The kind's name, as `issuerRef.kind` takes it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Issuer => "Issuer",
            Self::ClusterIssuer => "ClusterIssuer",
        }
    }
}

impl IngressTls {
    /// Rule 37: an issuer only with cert-manager, and a valid name.
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        let Some(issuer) = &self.issuer else {
            return;
        };
        let issuer_path = format!("{path}.issuer");
        if self.certificates == CertificateSource::ExistingSecrets {
            check.error(
                &issuer_path,
                "an issuer while certificates is existingSecrets: nothing would ask it for a certificate",
                "remove issuer, or use certificates: certManager",
            );
        } else {
            check.dns_subdomain(
                &format!("{issuer_path}.name"),
                &issuer.name,
                "issuer name",
                "name the Issuer or ClusterIssuer that signs the Ingress certificates",
            );
        }
    }
}
