//! `thanos-s3-secret.yaml`: the object storage Secret, with envsubst placeholders in place
//! of the keys.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Secret;
use serde::Serialize;
use thanos_model::{Component, Fleet, ObjectStorage, S3Credentials, S3};

use crate::{
    overlays::{self, namespace},
    shell,
};

/// The file the Secret is written to.
pub const FILE: &str = "thanos-s3-secret.yaml";

/// Thanos's `objstore.yml`, written as JSON (which is YAML too): envsubst puts the keys
/// inside double-quoted strings, so a key with `: `, ` #`, a leading `*`, `&`, `!` or
/// quote of its own stays one string value (only `"` and `\` would need escaping, and
/// S3 keys do not use them).
#[derive(Serialize)]
struct ObjstoreConfig<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    config: S3Config<'a>,
}

#[derive(Serialize)]
struct S3Config<'a> {
    bucket: &'a str,
    endpoint: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    access_key: String,
    secret_key: String,
    insecure: bool,
}

/// The bucket and the environment variables envsubst fills its keys from, when the tree
/// holds the Secret (`None`: it exists outside the tree).
fn envsubst(fleet: &Fleet) -> Option<(&S3, &str, &str)> {
    let ObjectStorage::S3(s3) = &fleet.object_storage;
    match &s3.credentials {
        S3Credentials::Envsubst {
            access_key_var,
            secret_key_var,
        } => Some((s3, access_key_var, secret_key_var)),
        S3Credentials::ExistingSecret => None,
    }
}

/// The `objstore.yml` of the bucket with the keys written as `access_key` and
/// `secret_key` (placeholders, never the keys).
fn objstore_config(s3: &S3, access_key: String, secret_key: String) -> ObjstoreConfig<'_> {
    ObjstoreConfig {
        kind: "S3",
        config: S3Config {
            bucket: &s3.bucket,
            endpoint: s3.endpoint_host(),
            region: s3.region.as_deref(),
            access_key,
            secret_key,
            insecure: s3.plain_http(),
        },
    }
}

/// The Secret, or `None` when it exists outside the tree.
pub(crate) fn secret(fleet: &Fleet) -> Option<Secret> {
    let (s3, access_key_var, secret_key_var) = envsubst(fleet)?;
    let config = objstore_config(
        s3,
        format!("${{{access_key_var}}}"),
        format!("${{{secret_key_var}}}"),
    );
    let secret = Secret {
        metadata: overlays::metadata(
            fleet,
            &s3.config_secret.name,
            BTreeMap::from([("app.kubernetes.io/part-of".to_owned(), "thanos".to_owned())]),
        ),
        type_: Some("Opaque".to_owned()),
        string_data: Some(BTreeMap::from([(
            s3.config_secret.key.clone(),
            serde_json::to_string_pretty(&config)
                .unwrap_or_else(|error| unreachable!("the objstore config serializes: {error}"))
                + "\n",
        )])),
        ..Secret::default()
    };
    Some(secret)
}

/// The comment on top of the file: how it is applied.
pub(crate) fn comment(fleet: &Fleet) -> Vec<String> {
    let Some(apply) = apply_command(fleet, FILE) else {
        return Vec::new();
    };
    vec![
        "Not a resource of the overlay: it holds placeholders, not keys. Apply it on its own,"
            .to_owned(),
        format!(
            "after {} and before the overlay; unset variables are refused:",
            namespace::FILE
        ),
        apply,
    ]
}

/// The one command line that applies the Secret file at `path` with its placeholders
/// filled from the environment, server-side (a client-side apply would copy the keys into
/// the `last-applied-configuration` annotation), refusing unset or empty variables first (on the same
/// line, so an interactive shell skips the rest too); `None` when the tree holds no
/// Secret. The file's comment and the runbook both print it.
pub(crate) fn apply_command(fleet: &Fleet, path: &str) -> Option<String> {
    let (_, access_key_var, secret_key_var) = envsubst(fleet)?;
    Some(format!(
        ": \"${{{access_key_var}:?}}\" \"${{{secret_key_var}:?}}\"; envsubst {} < {} | {} apply --server-side --field-manager=thanos-kustomize -f -",
        shell::quote(&format!("${access_key_var} ${secret_key_var}")),
        shell::quote(path),
        shell::kubectl(&fleet.central.context),
    ))
}

/// The variables `component`'s own S3 keys are typed into: `S3_STORE_ACCESS_KEY` and
/// `S3_STORE_SECRET_KEY` for Store, `S3_COMPACTOR_...` for Compactor.
pub(crate) fn component_key_vars(component: Component) -> [String; 2] {
    let name = component.kind().to_uppercase();
    [
        format!("S3_{name}_ACCESS_KEY"),
        format!("S3_{name}_SECRET_KEY"),
    ]
}

/// The command that makes `component`'s own objstore Secret (with `componentSecrets`)
/// from its two key variables ([`component_key_vars`]): it refuses empty ones, writes the
/// `objstore.yml` with `printf` (a shell builtin: the keys are on no command line) into
/// `kubectl create secret --dry-run`, and applies it server-side.
pub(crate) fn component_secret_command(fleet: &Fleet, component: Component) -> String {
    let ObjectStorage::S3(s3) = &fleet.object_storage;
    let secret = fleet.object_storage.config_secret_of(component);
    let [access, secret_var] = component_key_vars(component);
    let config = objstore_config(s3, "%s".to_owned(), "%s".to_owned());
    let format = serde_json::to_string(&config)
        .unwrap_or_else(|error| unreachable!("the objstore config serializes: {error}"))
        + "\\n";
    let central = &fleet.central.context;
    format!(
            ": \"${{{access}:?}}\" \"${{{secret_var}:?}}\"; {} create secret generic {} --from-file={}=<(printf {} \"${access}\" \"${secret_var}\") --dry-run=client -o yaml | {} apply --server-side --field-manager=thanos-kustomize -f -",
            shell::kubectl_in(central, &fleet.namespace),
            shell::quote(&secret.name),
            shell::quote(&secret.key),
            shell::quote(&format),
        shell::kubectl(central),
    )
}

#[cfg(test)]
mod tests {
    use thanos_model::{seed, S3};

    use super::*;

    /// The objstore config Thanos reads, for a bucket at `endpoint`.
    fn objstore(s3: S3) -> serde_json::Value {
        let fleet = seed::new_fleet(1).object_storage(s3).build().unwrap();
        let secret = secret(&fleet).expect("envsubst credentials");
        let text = &secret.string_data.unwrap()["objstore.yml"];
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn the_endpoints_scheme_decides_tls() {
        let https = objstore(S3::new("https://s3.example.com:9000", "thanos"));
        assert_eq!(https["config"]["endpoint"], "s3.example.com:9000");
        assert_eq!(https["config"]["insecure"], false);
        let http = objstore(S3::new("http://minio.example.com", "thanos"));
        assert_eq!(http["config"]["endpoint"], "minio.example.com");
        assert_eq!(http["config"]["insecure"], true);
        // A bare host keeps `insecure` as written (the lab's form).
        let bare = objstore(S3::new("s3.example.com", "thanos").insecure(true));
        assert_eq!(bare["config"]["insecure"], true);
        let bare = objstore(S3::new("s3.example.com", "thanos"));
        assert_eq!(bare["config"]["insecure"], false);
    }
}
