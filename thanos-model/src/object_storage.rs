//! The bucket every block producer uploads to and Store and Compactor read.

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    validate::{shown, syntax, Checker},
    Component,
};

/// Object storage shared by the sidecar, Receive, Store and Compactor.
///
/// Thanos reads it from a Secret holding an `objstore.yml` file; the tree never holds a
/// credential, only where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum ObjectStorage {
    /// An S3-compatible bucket (AWS S3, MinIO, Ceph RGW, ...).
    S3(S3),
}

impl ObjectStorage {
    /// The Secret (name and key) that holds the Thanos `objstore.yml`.
    #[must_use]
    pub fn config_secret(&self) -> &SecretKeyRef {
        match self {
            Self::S3(s3) => &s3.config_secret,
        }
    }

    /// The Secret `component` reads the bucket with: Store's or Compactor's own with
    /// `componentSecrets`, else [`Self::config_secret`].
    #[must_use]
    pub fn config_secret_of(&self, component: Component) -> &SecretKeyRef {
        let Self::S3(s3) = self;
        match (&s3.component_secrets, component) {
            (Some(secrets), Component::Store) => &secrets.store,
            (Some(secrets), Component::Compactor) => &secrets.compactor,
            _ => &s3.config_secret,
        }
    }
}

impl From<S3> for ObjectStorage {
    fn from(s3: S3) -> Self {
        Self::S3(s3)
    }
}

/// An S3-compatible bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[setters(strip_option, into)]
pub struct S3 {
    /// Endpoint host (and optional port), without a path: `https://s3.minio.example.com`,
    /// `http://10.0.0.5:9000` or a bare `s3.minio.example.com` (IPv6 in brackets). The
    /// scheme decides TLS: `https://` always speaks TLS (`insecure: true` beside it is
    /// refused), `http://` never (warns); a bare host speaks TLS unless `insecure`.
    pub endpoint: String,
    /// Bucket name: 3 to 63 lowercase letters, digits, `.` and `-`.
    pub bucket: String,
    /// Use plain HTTP instead of HTTPS with a bare-host endpoint (MinIO in a lab: the keys
    /// and every block cross the network readable). Ignored with `http://`; refused with
    /// `https://`.
    #[serde(default)]
    pub insecure: bool,
    /// Region, where the provider needs one: letters, digits, `-` and `_`, such as
    /// `us-east-1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Where the access and secret key come from; never the keys themselves.
    #[serde(default)]
    pub credentials: S3Credentials,
    /// The Secret holding the `objstore.yml` every Thanos component mounts, default
    /// `thanos-s3-config` / `objstore.yml`.
    #[serde(default = "SecretKeyRef::default_objstore")]
    pub config_secret: SecretKeyRef,
    /// Separate credentials where the bucket allows it: Store reads with a key that can
    /// only read, and only the Compactor's key deletes; the writers (sidecar, Receive,
    /// Ruler) keep `configSecret`. The Secrets hold an `objstore.yml` each and are made
    /// outside the tree (the runbook's commands); none by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component_secrets: Option<ComponentSecrets>,
}

/// The Secrets of Store's and Compactor's own S3 credentials (`componentSecrets`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ComponentSecrets {
    /// Store's: a key allowed `s3:GetObject` and `s3:ListBucket` only.
    pub store: SecretKeyRef,
    /// Compactor's: the only key also allowed `s3:DeleteObject` (and `s3:PutObject`).
    pub compactor: SecretKeyRef,
}

impl Default for ComponentSecrets {
    fn default() -> Self {
        Self {
            store: SecretKeyRef::new("thanos-s3-store", "objstore.yml"),
            compactor: SecretKeyRef::new("thanos-s3-compactor", "objstore.yml"),
        }
    }
}

impl S3 {
    /// A bucket at `endpoint`, with credentials from the `S3_ACCESS_KEY` and
    /// `S3_SECRET_KEY` environment variables at apply time.
    #[must_use]
    pub fn new(endpoint: impl Into<String>, bucket: impl Into<String>) -> Self {
        Self {
            endpoint: endpoint.into(),
            bucket: bucket.into(),
            insecure: false,
            region: None,
            credentials: S3Credentials::default(),
            config_secret: SecretKeyRef::default_objstore(),
            component_secrets: None,
        }
    }

    /// The endpoint's host and port, without its scheme: what Thanos' `endpoint` takes.
    #[must_use]
    pub fn endpoint_host(&self) -> &str {
        let (_, host) = self.scheme_and_host();
        host
    }

    /// Whether Thanos talks to the bucket in plain HTTP (`insecure: true` in its
    /// `objstore.yml`): an `http://` endpoint, or a bare one with `insecure`.
    #[must_use]
    pub fn plain_http(&self) -> bool {
        match self.scheme_and_host() {
            (Some(scheme), _) => scheme == "http",
            (None, _) => self.insecure,
        }
    }

    /// The endpoint's scheme (`http` or `https`, when written) and the rest.
    fn scheme_and_host(&self) -> (Option<&'static str>, &str) {
        for scheme in ["https", "http"] {
            if let Some(host) = self
                .endpoint
                .strip_prefix(scheme)
                .and_then(|rest| rest.strip_prefix("://"))
            {
                return (Some(scheme), host);
            }
        }
        (None, &self.endpoint)
    }
}

/// Where the S3 access and secret key come from.
///
/// In a fleet file: `credentials: {from: envsubst, accessKeyVar: S3_ACCESS_KEY,
/// secretKeyVar: S3_SECRET_KEY}` or `credentials: {from: existingSecret}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "from", rename_all = "camelCase", deny_unknown_fields)]
pub enum S3Credentials {
    /// The tree holds a Secret manifest with `${ACCESS}` / `${SECRET}` placeholders that
    /// `envsubst` fills from the environment when the Secret is applied on its own.
    #[serde(rename_all = "camelCase")]
    Envsubst {
        /// Environment variable with the access key, default `S3_ACCESS_KEY`: an
        /// upper-case variable name (it is written into an `envsubst` command), never the
        /// key itself.
        access_key_var: String,
        /// Environment variable with the secret key, default `S3_SECRET_KEY`: an
        /// upper-case variable name other than the access key's.
        secret_key_var: String,
    },
    /// The `objstore.yml` Secret already exists in the cluster; the tree holds no Secret.
    ExistingSecret,
}

impl Default for S3Credentials {
    fn default() -> Self {
        Self::Envsubst {
            access_key_var: "S3_ACCESS_KEY".to_owned(),
            secret_key_var: "S3_SECRET_KEY".to_owned(),
        }
    }
}

/// A key of a Secret in the fleet's namespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretKeyRef {
    /// Secret name, a lowercase DNS name.
    pub name: String,
    /// Key inside the Secret: letters, digits, `-`, `_` and `.`.
    pub key: String,
}

impl SecretKeyRef {
    /// The key `key` of Secret `name`.
    #[must_use]
    pub fn new(name: impl Into<String>, key: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            key: key.into(),
        }
    }

    fn default_objstore() -> Self {
        Self::new("thanos-s3-config", "objstore.yml")
    }
}

impl ObjectStorage {
    /// Rule 7: a valid endpoint and bucket, credentials only by reference.
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        match self {
            Self::S3(s3) => s3.check(path, check),
        }
    }
}

impl S3 {
    fn check(&self, path: &str, check: &mut Checker) {
        let endpoint = format!("{path}.endpoint");
        if check.clean(&endpoint, &self.endpoint) {
            if syntax::is_host_port(self.endpoint_host()) {
                self.check_tls(path, check);
            } else {
                check.error(
                    &endpoint,
                    format!("{} is not a host or host:port", shown(&self.endpoint)),
                    "write https://host[:port] (or a bare host), without a path, such as https://s3.example.com or minio.example.com:9000",
                );
            }
        }
        check.grammar(
            &format!("{path}.bucket"),
            &self.bucket,
            syntax::is_s3_bucket,
            "S3 bucket name",
            "use 3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
        );
        if let Some(region) = &self.region {
            check.grammar(
                &format!("{path}.region"),
                region,
                syntax::is_region,
                "S3 region",
                "write the region's name, such as us-east-1, or leave region out where the provider needs none",
            );
        }
        self.credentials
            .check(&format!("{path}.credentials"), check);
        self.config_secret
            .check(&format!("{path}.configSecret"), check);
        if let Some(secrets) = &self.component_secrets {
            let own = format!("{path}.componentSecrets");
            secrets.store.check(&format!("{own}.store"), check);
            secrets.compactor.check(&format!("{own}.compactor"), check);
            // Rule 40: three Secrets, or the keys are shared after all.
            let shared = &self.config_secret.name;
            for (field, secret) in [("store", &secrets.store), ("compactor", &secrets.compactor)] {
                if &secret.name == shared
                    || (field == "compactor" && secret.name == secrets.store.name)
                {
                    check.error(
                        &format!("{own}.{field}.name"),
                        format!("{} is already another component's Secret: the credentials would be shared", shown(&secret.name)),
                        "name a Secret of its own, such as thanos-s3-store or thanos-s3-compactor",
                    );
                }
            }
        }
    }
}

impl S3 {
    /// Rule 40: TLS as the endpoint says. `insecure: true` beside `https://` is refused
    /// (it would send the keys in plain HTTP to an endpoint that speaks TLS); `http://`
    /// warns. (A bare host with `insecure: true`, the lab's form, does not warn yet: see
    /// docs/design/security.md §12.)
    fn check_tls(&self, path: &str, check: &mut Checker) {
        match self.scheme_and_host() {
            (Some("https"), _) if self.insecure => check.error(
                &format!("{path}.insecure"),
                "insecure: true with an https:// endpoint: Thanos would send the keys and blocks in plain HTTP to an endpoint that speaks TLS",
                "remove insecure: the https:// endpoint decides",
            ),
            (Some("http"), _) => check.warning(
                &format!("{path}.endpoint"),
                "an http:// endpoint: the S3 keys and every block cross the network readable",
                "use the bucket's https:// endpoint",
            ),
            _ => {}
        }
    }
}

impl S3Credentials {
    /// Variable names, never the keys themselves. They are written into the Secret
    /// manifest as `${NAME}` and into the `envsubst` command of its comment.
    fn check(&self, path: &str, check: &mut Checker) {
        let Self::Envsubst {
            access_key_var,
            secret_key_var,
        } = self
        else {
            return;
        };
        for (field, var) in [
            ("accessKeyVar", access_key_var),
            ("secretKeyVar", secret_key_var),
        ] {
            let path = format!("{path}.{field}");
            if !check.clean(&path, var) {
                continue;
            }
            if syntax::looks_like_access_key(var) {
                check.error(
                    &path,
                    "looks like a literal access key, not the name of a variable",
                    "never put credentials in the fleet: name the environment variable envsubst reads, such as S3_ACCESS_KEY",
                );
            } else if !syntax::is_env_var(var) && var.len() >= 16 {
                check.error(
                    &path,
                    "looks like a literal secret key, not the name of a variable",
                    "never put credentials in the fleet: name the environment variable envsubst reads, such as S3_SECRET_KEY",
                );
            } else if !syntax::is_env_var(var) {
                check.error(
                    &path,
                    format!("{} is not an environment variable name", shown(var)),
                    "name the variable envsubst reads, such as S3_ACCESS_KEY; never the key itself",
                );
            } else if var.bytes().any(|b| b.is_ascii_lowercase()) {
                check.error(
                    &path,
                    format!(
                        "{} looks like a literal credential, not an upper-case variable name",
                        shown(var)
                    ),
                    "never put credentials in the fleet: name the environment variable envsubst reads, such as S3_ACCESS_KEY",
                );
            } else {
                check.credential_variable_meaning(&path, var);
            }
        }
        if access_key_var == secret_key_var {
            check.error(
                &format!("{path}.secretKeyVar"),
                "the access key and the secret key come from the same variable",
                "use two variables, such as S3_ACCESS_KEY and S3_SECRET_KEY",
            );
        }
    }
}

impl SecretKeyRef {
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        check.dns_subdomain(
            &format!("{path}.name"),
            &self.name,
            "Secret name",
            "use a lowercase DNS name such as thanos-s3-config",
        );
        check.grammar(
            &format!("{path}.key"),
            &self.key,
            syntax::is_config_key,
            "Secret key",
            "use letters, digits, '-', '_' and '.', such as objstore.yml",
        );
    }
}
