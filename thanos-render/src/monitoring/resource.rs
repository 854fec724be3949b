//! The Kubernetes resource side of the Prometheus Operator kinds written here: the
//! k8s-openapi `Resource` and `Metadata` traits, and serialization with `apiVersion` and
//! `kind` first, as for k8s-openapi's own objects.

/// Implements `Resource`, `Metadata` and `Serialize` for a namespaced
/// `monitoring.coreos.com/v1` kind with `metadata` and `spec` fields.
macro_rules! monitoring_v1_resource {
    ($kind:ident, $spec:ty, $plural:literal) => {
        impl k8s_openapi::Resource for $kind {
            const API_VERSION: &'static str = "monitoring.coreos.com/v1";
            const GROUP: &'static str = "monitoring.coreos.com";
            const KIND: &'static str = stringify!($kind);
            const VERSION: &'static str = "v1";
            const URL_PATH_SEGMENT: &'static str = $plural;
            type Scope = k8s_openapi::NamespaceResourceScope;
        }

        impl k8s_openapi::Metadata for $kind {
            type Ty = k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

            fn metadata(&self) -> &Self::Ty {
                &self.metadata
            }

            fn metadata_mut(&mut self) -> &mut Self::Ty {
                &mut self.metadata
            }
        }

        impl serde::Serialize for $kind {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #[derive(serde::Serialize)]
                #[serde(rename_all = "camelCase")]
                struct Object<'a> {
                    api_version: &'static str,
                    kind: &'static str,
                    metadata: &'a k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
                    spec: &'a $spec,
                }
                Object {
                    api_version: <Self as k8s_openapi::Resource>::API_VERSION,
                    kind: <Self as k8s_openapi::Resource>::KIND,
                    metadata: &self.metadata,
                    spec: &self.spec,
                }
                .serialize(serializer)
            }
        }
    };
}

pub(crate) use monitoring_v1_resource;
