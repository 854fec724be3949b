//! `thanos-store.yaml`: the StatefulSet and headless Service of Store.

use k8s_openapi::api::{apps::v1::StatefulSet, core::v1::ConfigMap};
use thanos_model::{Component, Fleet, ShardBy, StoreShards};

use super::{
    admin_flags,
    cache::{self, CacheWorkload},
    common_flags,
    component::{
        ComponentContext, ConfigFile, Port, ServiceKind, SharedObjects, GRPC, HTTP, METRICS, QUERY,
    },
    grpc_flag,
    grpc_tls::{self, GrpcPeer},
    pod::{objstore_flag, ObjstoreSecret, PodManagement, DATA_DIR},
    read_limit_flags,
};
use crate::{
    overlays::{central::network_policies::Allow, FileObjects},
    yaml::Documents,
};

const COMPONENT: Component = Component::Store;
/// The file the objects are written to.
pub const FILE: &str = "thanos-store.yaml";
const PORTS: &[Port] = &[GRPC, HTTP];
const INDEX_CACHE: ConfigFile = ConfigFile {
    suffix: "index-cache",
    file: "index-cache.yaml",
    dir: "/etc/thanos/store",
};

/// The objects of `thanos-store.yaml`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ThanosStore {
    /// `thanos-store-index-cache`: the `--index-cache.config-file`, when the fleet
    /// configures Store's index cache.
    pub index_cache: Option<ConfigMap>,
    /// `thanos-store`: every block, or shard 0 when the fleet shards Store (it keeps
    /// Store's name and selector, so turning sharding on never recreates it).
    pub stateful_set: StatefulSet,
    /// `thanos-store-shard-<i>`: shards 1 and up, when the fleet shards Store.
    pub shards: Vec<StatefulSet>,
    /// Its Service is headless, so Query's DNS SRV lookup finds every Store pod, of
    /// every shard.
    pub shared: SharedObjects,
    /// `thanos-store-cache`, when the index cache is memcached or Redis.
    pub cache: Option<CacheWorkload>,
}

impl ThanosStore {
    /// Builds the objects of a validated fleet.
    pub(crate) fn new(fleet: &Fleet) -> Self {
        let context = ComponentContext::new(fleet, COMPONENT, PORTS);
        let store = &fleet.central.store;
        let index_cache = store.index_cache.as_ref();
        let shard = |index: usize| {
            let mut args = args(&context);
            args.extend(
                store
                    .shards
                    .as_ref()
                    .map(|shards| shard_flags(shards, index))
                    .into_iter()
                    .flatten(),
            );
            let pod = context.pod(args).objstore(ObjstoreSecret::Mounted);
            let mut pod = grpc_tls::volume(fleet, pod, GrpcPeer::Store);
            if index_cache.is_some() {
                pod = pod.config_file(INDEX_CACHE);
            }
            let stateful_set = pod.stateful_set(
                COMPONENT.name(),
                &store.storage,
                PodManagement::OrderedReady,
            );
            match store.shards {
                Some(_) => into_shard(stateful_set, index),
                None => stateful_set,
            }
        };
        let count = store.shards.as_ref().map_or(1, StoreShards::shards) as usize;
        Self {
            index_cache: index_cache.map(|cache| {
                context.config_map(INDEX_CACHE, cache::config(fleet, COMPONENT, cache))
            }),
            stateful_set: shard(0),
            shards: (1..count).map(shard).collect(),
            shared: context.shared_objects(
                ServiceKind::Headless,
                &[
                    Allow {
                        from: &[QUERY],
                        ports: &[GRPC.number],
                    },
                    METRICS,
                ],
            ),
            cache: index_cache.and_then(|cache| CacheWorkload::new(fleet, COMPONENT, cache)),
        }
    }
}

impl FileObjects for ThanosStore {
    fn add_to(&self, documents: Documents) -> Documents {
        let documents = documents
            .all(&self.index_cache)
            .one(&self.stateful_set)
            .all(&self.shards);
        self.cache.add_to(self.shared.add_to(documents))
    }
}

fn args(context: &ComponentContext) -> Vec<String> {
    let mut args = common_flags("store", HTTP);
    let fleet = context.fleet;
    args.push(grpc_flag());
    args.extend(grpc_tls::server_flags(fleet));
    args.push(format!("--data-dir={DATA_DIR}"));
    args.push(objstore_flag(context));
    let [chunk_pool, index_cache_size] = memory_flags(&context.resources);
    args.push(chunk_pool);
    args.push(match fleet.central.store.index_cache {
        Some(_) => format!("--index-cache.config-file={}", INDEX_CACHE.path()),
        None => index_cache_size,
    });
    if let Some(limits) = &fleet.central.read_limits {
        args.extend(read_limit_flags(limits));
        args.push(format!(
            "--store.grpc.series-sample-limit={}",
            limits.samples
        ));
    }
    args.extend(admin_flags(fleet.central.store.admin_operations));
    args
}

/// The label of a Store pod's shard.
const SHARD_LABEL: &str = "thanos.io/store-shard";

/// The flags that make a Store pod serve shard `index` only: the blocks whose ID hashes
/// to it, or the blocks of its time range.
fn shard_flags(shards: &StoreShards, index: usize) -> Vec<String> {
    match shards.by {
        ShardBy::Hash => vec![format!(
            "--selector.relabel-config=[{{action: hashmod, source_labels: [__block_id], target_label: shard, modulus: {}}}, {{action: keep, source_labels: [shard], regex: \"{index}\"}}]",
            shards.shards()
        )],
        ShardBy::Time => {
            let (min, max) = shards.time_range(index);
            min.map(|min| format!("--min-time={min}"))
                .into_iter()
                .chain(max.map(|max| format!("--max-time={max}")))
                .collect()
        }
    }
}

/// Store's StatefulSet as shard `index`: its pods labelled with their shard; shard 0
/// keeps Store's name and selector, the others are `thanos-store-shard-<i>` selecting
/// their shard's pods.
fn into_shard(mut stateful_set: StatefulSet, index: usize) -> StatefulSet {
    let label = (SHARD_LABEL.to_owned(), index.to_string());
    if let Some(spec) = stateful_set.spec.as_mut() {
        if let Some(metadata) = spec.template.metadata.as_mut() {
            metadata
                .labels
                .get_or_insert_with(Default::default)
                .insert(label.0.clone(), label.1.clone());
        }
        if index > 0 {
            spec.selector
                .match_labels
                .get_or_insert_with(Default::default)
                .insert(label.0, label.1);
        }
    }
    if index > 0 {
        stateful_set.metadata.name = Some(format!("{}-shard-{index}", COMPONENT.name()));
    }
    stateful_set
}

/// Store's caches sized to its memory limit: Thanos's defaults (a 2GB chunk pool and a
/// 250MB index cache) outgrow the limits a small Store is given, and the kernel kills the
/// pod under load. Half the limit for the chunk pool and an eighth for the index cache
/// leave the rest to the Go runtime and the index headers.
/// A configured index cache (`indexCache`) replaces the second flag.
fn memory_flags(resources: &thanos_model::Resources) -> [String; 2] {
    let limit = resources.memory_limit.as_bytes();
    let part = |divisor: u64| cache::megabytes(&thanos_model::Bytes::new(limit / divisor));
    [
        format!("--chunk-pool-size={}", part(2)),
        format!("--index-cache-size={}", part(8)),
    ]
}

#[cfg(test)]
mod tests {
    use thanos_model::{Bytes, Resources};

    use super::memory_flags;

    #[test]
    fn caches_fit_the_memory_limit() {
        assert_eq!(
            memory_flags(&Resources::default().memory_limit(Bytes::gibibytes(2))),
            ["--chunk-pool-size=1024MB", "--index-cache-size=256MB"]
        );
        assert_eq!(
            memory_flags(&Resources::default().memory_limit(Bytes::new(1_000_000_000))),
            ["--chunk-pool-size=476MB", "--index-cache-size=119MB"]
        );
    }
}
