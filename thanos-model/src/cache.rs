//! A cache of a Thanos component: in its own memory, or a memcached or Redis workload
//! rendered beside it.

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    validate::{shown, syntax, Checker, Severity},
    Bytes, Digest,
};

/// Default memcached image of a cache workload.
pub const DEFAULT_MEMCACHED_IMAGE: &str = "docker.io/library/memcached:1.6.39-alpine";
/// Default Redis image of a cache workload.
pub const DEFAULT_REDIS_IMAGE: &str = "docker.io/library/redis:7.4.6-alpine";

/// Where a cache keeps its entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum CacheBackend {
    /// In the component's own memory (`type: IN-MEMORY`): lost on restart, not shared
    /// between replicas.
    InMemory,
    /// A memcached Deployment rendered beside the component (`type: MEMCACHED`), shared by
    /// its replicas and kept over their restarts.
    Memcached,
    /// A Redis Deployment rendered beside the component (`type: REDIS`), without
    /// persistence: a cache, not a database.
    Redis,
}

/// A cache of a Thanos component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[setters(strip_option, into)]
pub struct Cache {
    /// `inMemory` (default), `memcached` or `redis`.
    pub backend: CacheBackend,
    /// In memory, the most the cache holds in the component's memory (its memory limit
    /// must leave room for it); with memcached or Redis, the memory limit of each cache
    /// pod, of which the cache is told to use seven eighths. Default `256Mi`.
    pub size: Bytes,
    /// Pods of the memcached or Redis Deployment, default 1 (unused in memory); Redis runs
    /// one pod (its pods would share nothing), memcached's client spreads keys over all.
    #[setters(into = false)]
    pub replicas: u32,
    /// The memcached or Redis image (`repository:tag`), by default
    /// [`DEFAULT_MEMCACHED_IMAGE`] or [`DEFAULT_REDIS_IMAGE`]: a lowercase repository and
    /// a tag, as a Thanos image's; a tag that moves (`latest`, none) is refused, and the
    /// digest goes into `digest`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The digest (`sha256:<64 hex>`) of the memcached or Redis image, so that every node
    /// runs exactly that image; a cache workload without one warns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<Digest>,
}

impl Default for Cache {
    fn default() -> Self {
        Self {
            backend: CacheBackend::InMemory,
            size: Bytes::mebibytes(256),
            replicas: 1,
            image: None,
            digest: None,
        }
    }
}

impl Cache {
    /// Whether the cache is a workload of its own (memcached or Redis).
    #[must_use]
    pub fn has_workload(&self) -> bool {
        self.backend != CacheBackend::InMemory
    }

    /// The cache workload's image: the pinned one, else the backend's default, with its
    /// digest when it has one.
    #[must_use]
    pub fn image_reference(&self) -> String {
        let image = self.image.as_deref().unwrap_or(match self.backend {
            CacheBackend::Redis => DEFAULT_REDIS_IMAGE,
            CacheBackend::InMemory | CacheBackend::Memcached => DEFAULT_MEMCACHED_IMAGE,
        });
        match &self.digest {
            Some(digest) => format!("{image}@{digest}"),
            None => image.to_owned(),
        }
    }
}

impl Cache {
    /// Rule 45: a cache that holds something, a cache workload with pods (one Redis: its
    /// pods share nothing) and an image that does not move.
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        check.when_zero(
            Severity::Error,
            &format!("{path}.size"),
            &self.size,
            "a cache of 0 bytes holds nothing",
            "give the cache memory, such as 256Mi",
        );
        if !self.has_workload() {
            return;
        }
        if self.digest.is_none() {
            check.warning(
                &format!("{path}.digest"),
                "the cache image is pulled by its tag: a node may run another image under the same tag",
                "pin it: digest: sha256:<64 hex> (crane digest <image>)",
            );
        }
        let replicas_path = format!("{path}.replicas");
        check.replicas(&replicas_path, self.replicas);
        if self.backend == CacheBackend::Redis && self.replicas > 1 {
            check.error(
                &replicas_path,
                format!(
                    "{} Redis pods share no entries: each request lands on one of them at random",
                    self.replicas
                ),
                "run one Redis pod, or memcached, whose client spreads the keys over its pods",
            );
        }
        if let Some(image) = &self.image {
            let image_path = format!("{path}.image");
            if check.clean(&image_path, image) {
                check_image(check, &image_path, image);
            }
        }
    }
}

/// A cache workload's `repository:tag`, by the grammars of a Thanos image's repository and
/// tag: a tag that moves (none, empty, `latest`) is refused first, with its own message.
fn check_image(check: &mut Checker, path: &str, image: &str) {
    let (repository, tag) = image
        .rsplit_once(':')
        .filter(|(_, tag)| !tag.contains('/'))
        .map_or((image, None), |(repository, tag)| (repository, Some(tag)));
    match tag {
        Some(tag) if !tag.is_empty() && !tag.eq_ignore_ascii_case("latest") => {
            if !(syntax::is_image_repository(repository) && syntax::is_image_tag(tag)) {
                check.error(
                    path,
                    format!("{} is not an image repository:tag", shown(image)),
                    "name the image as a lowercase repository and its version tag, such as docker.io/library/memcached:1.6.39-alpine (its digest goes into digest)",
                );
            }
        }
        _ => check.error(
            path,
            format!("{} is not an image with a tag that stays put", shown(image)),
            "name the image with its version tag, such as docker.io/library/memcached:1.6.39-alpine",
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::{seed::new_fleet, Cache, CacheBackend, Central, QueryFrontend};

    /// The errors on the query-frontend's results cache when its workload runs `image`.
    fn image_errors(image: &str) -> Vec<String> {
        let cache = Cache::default()
            .backend(CacheBackend::Memcached)
            .image(image)
            .digest(
                "sha256:0000000000000000000000000000000000000000000000000000000000000000"
                    .parse::<crate::Digest>()
                    .unwrap(),
            );
        let central = Central::new("cluster-01-central")
            .context("cluster-01")
            .api_address("10.0.0.1")
            .query_frontend(QueryFrontend::default().results_cache(cache));
        match new_fleet(1).central(central).build() {
            Ok(_) => Vec::new(),
            Err(error) => error
                .diagnostics()
                .iter()
                .map(|d| format!("{}: {}", d.path, d.message))
                .collect(),
        }
    }

    #[test]
    fn a_cache_image_is_a_repository_and_a_tag_that_stays_put() {
        let at = "central.queryFrontend.resultsCache.image";
        for good in [
            "memcached:1.6.39-alpine",
            "docker.io/library/memcached:1.6.39-alpine",
            "registry.example.com:5000/cache/redis:7.4.6",
        ] {
            assert_eq!(image_errors(good), Vec::<String>::new(), "{good}");
        }
        for moving in [
            "memcached",
            "memcached:",
            "memcached:latest",
            "memcached:LATEST",
            "registry:5000/memcached",
        ] {
            assert_eq!(
                image_errors(moving),
                [format!(
                    "{at}: {moving:?} is not an image with a tag that stays put"
                )],
            );
        }
        for bad in [
            "Memcached:1.6",
            "memcached:1.6@sha256:0000",
            "memcached:-1",
            "docker.io//memcached:1.6",
        ] {
            assert_eq!(
                image_errors(bad),
                [format!("{at}: {bad:?} is not an image repository:tag")],
            );
        }
    }
}
