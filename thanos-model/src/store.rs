//! Thanos Store, the gateway to the bucket's blocks.

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    validate::{shown, Checker},
    Bytes, Cache, Resources, Storage, StoreShards, ThanosImage,
};

/// Thanos Store: serves the blocks in object storage to Query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[setters(strip_option, into)]
pub struct Store {
    /// Pods of the StatefulSet, default 2 on different nodes (each serves every block).
    #[setters(into = false)]
    pub replicas: u32,
    /// Volume for index headers and caches, default `10Gi`.
    pub storage: Storage,
    /// Requests and limits; left out, derived from the fleet (`central.sizing`, see
    /// `docs/design/sizing.md`), memory request = limit. Store's chunk pool and index cache are sized to half and an
    /// eighth of the memory limit; a limit under `512Mi` warns, as too little is then left
    /// for index headers and queries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// An image pinned for Store only; `None` uses the fleet's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<ThanosImage>,
    /// Serve the admin API that marks blocks for deletion, default `false`
    /// (`--disable-admin-operations`). `check` warns when it is on.
    pub admin_operations: bool,
    /// The index cache (`--index-cache.config`); `None` (default) keeps it in memory
    /// sized to an eighth of the memory limit (`--index-cache-size`). A memcached or
    /// Redis cache is a workload of its own, shared by the Store pods and kept over their
    /// restarts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_cache: Option<Cache>,
    /// Shards of Store, by block hash or by block age; `None` (default) is one Store
    /// serving every block. Each shard is a StatefulSet `thanos-store-<i>` of `replicas`
    /// pods behind the one headless Service Query resolves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shards: Option<StoreShards>,
}

impl Default for Store {
    fn default() -> Self {
        Self {
            replicas: 2,
            storage: Storage::new(Bytes::gibibytes(10)),
            resources: None,
            image: None,
            admin_operations: false,
            index_cache: None,
            shards: None,
        }
    }
}

/// Least memory limit for Store's defaults: its index cache alone may take 250MB
/// (`--index-cache-size`), index headers and queries need the rest.
const MIN_MEMORY_LIMIT_BYTES: u64 = 512 * 1024 * 1024;

impl Store {
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        check.replicas(&format!("{path}.replicas"), self.replicas);
        self.storage.check(&format!("{path}.storage"), check);
        let limit_path = format!("{path}.resources.memoryLimit");
        if let Some(resources) = &self.resources {
            resources.check(&format!("{path}.resources"), check);
        }
        if let Some(limit) = self.resources.as_ref().map(|r| &r.memory_limit) {
            if check.parsed(&limit_path)
                && !limit.is_zero()
                && limit.as_bytes() < MIN_MEMORY_LIMIT_BYTES
            {
                check.warning(
                    &limit_path,
                    format!(
                        "{} leaves Store too little for its caches (half the limit for the chunk pool, an eighth for the index cache), index headers and queries",
                        shown(limit.as_str())
                    ),
                    "give Store 512Mi at least",
                );
            }
        }
        check.image_pin(&format!("{path}.image"), self.image.as_ref());
        check.admin_operations(&format!("{path}.adminOperations"), self.admin_operations);
        if let Some(cache) = &self.index_cache {
            cache.check(&format!("{path}.indexCache"), check);
        }
        if let Some(shards) = &self.shards {
            shards.check(&format!("{path}.shards"), check);
        }
    }
}
