//! The rules, one function per part of the fleet.

use std::collections::{hash_map::Entry, HashMap};

use super::{syntax, Diagnostic};
use crate::{
    labels, Central, Component, Edge, Fleet, Ingress, ObjectStorage, Resources, Retention,
    S3Credentials, Storage, ThanosImage,
};

/// Raw data is downsampled to 5m once it is 40 hours old.
const RAW_DOWNSAMPLE_AGE_MS: u64 = 40 * 3_600_000;
/// 5m data is downsampled to 1h once it is 10 days old.
const FIVE_MINUTE_DOWNSAMPLE_AGE_MS: u64 = 10 * 24 * 3_600_000;
/// Most replicas of any workload: beyond it a number is a typo (the Receive hashring and
/// the Kubernetes `int32` replica count would follow it).
const MAX_REPLICAS: u32 = 1000;

/// The central cluster's Ingresses that exist: field path, Ingress, component.
fn central_ingresses(fleet: &Fleet) -> impl Iterator<Item = (&'static str, &Ingress, Component)> {
    let central = &fleet.central;
    [
        (
            "central.grafana.ingress",
            &central.grafana.ingress,
            Component::Grafana,
        ),
        (
            "central.query.ingress",
            &central.query.ingress,
            Component::Query,
        ),
        (
            "central.receive.ingress",
            &central.receive.ingress,
            Component::Receive,
        ),
    ]
    .into_iter()
    .filter_map(|(path, ingress, component)| Some((path, ingress.as_ref()?, component)))
}

/// Runs every rule over the fleet.
pub(crate) fn fleet(fleet: &Fleet) -> Vec<Diagnostic> {
    let mut check = Checker {
        fleet,
        out: Vec::new(),
    };
    check.fleet_settings();
    check.object_storage(&fleet.object_storage);
    check.clusters();
    check.ingresses();
    check.central(&fleet.central);
    for (index, edge) in fleet.edges.iter().enumerate() {
        check.edge(&format!("edges[{index}]"), edge);
    }
    check.out
}

/// A cluster as rule 1 sees it.
struct Cluster<'a> {
    path: String,
    name: &'a str,
    context: &'a str,
    label: &'a str,
    explicit_label: bool,
}

struct Checker<'a> {
    fleet: &'a Fleet,
    out: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error(&mut self, path: &str, message: impl Into<String>, hint: impl Into<String>) {
        self.out.push(Diagnostic::error(path, message, hint));
    }

    fn warning(&mut self, path: &str, message: impl Into<String>, hint: impl Into<String>) {
        self.out.push(Diagnostic::warning(path, message, hint));
    }

    fn dns_label(&mut self, path: &str, value: &str, what: &str) {
        if !syntax::is_dns_label(value) {
            self.error(
                path,
                format!("{value:?} is not a valid {what}"),
                "use 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
            );
        }
    }

    fn dns_subdomain(&mut self, path: &str, value: &str, what: &str, hint: &str) {
        if !syntax::is_dns_subdomain(value) {
            self.error(path, format!("{value:?} is not a valid {what}"), hint);
        }
    }

    fn not_empty(&mut self, path: &str, value: &str) {
        if value.trim().is_empty() {
            self.error(path, "must not be empty", "set a value");
        }
    }

    fn quantity(&mut self, path: &str, value: &str) {
        if !syntax::is_quantity(value) {
            self.error(
                path,
                format!("{value:?} is not a Kubernetes quantity"),
                "write a number with an optional suffix, such as 500m, 2, 256Mi or 50Gi",
            );
        }
    }

    fn duration(&mut self, path: &str, value: &str) -> Option<u64> {
        let parsed = syntax::parse_duration_ms(value);
        if parsed.is_none() {
            self.error(
                path,
                format!("{value:?} is not a Prometheus duration"),
                "write a number and a unit (ms, s, m, h, d, w, y), largest first, such as 30s, 1h30m or 10d",
            );
        }
        parsed
    }

    fn positive(&mut self, path: &str, value: u32) {
        if value == 0 {
            self.error(path, "must be at least 1", "set 1 or more replicas");
        } else if value > MAX_REPLICAS {
            self.error(
                path,
                format!("{value} replicas is more than {MAX_REPLICAS}"),
                "set a realistic number of replicas",
            );
        }
    }

    fn storage(&mut self, path: &str, storage: &Storage) {
        self.quantity(&format!("{path}.size"), &storage.size);
        if let Some(class) = &storage.class {
            self.dns_subdomain(
                &format!("{path}.class"),
                class,
                "storage class name",
                "use the name of a StorageClass of the cluster",
            );
        }
    }

    fn resources(&mut self, path: &str, resources: &Resources) {
        self.quantity(&format!("{path}.cpuRequest"), &resources.cpu_request);
        self.quantity(&format!("{path}.memoryRequest"), &resources.memory_request);
        self.quantity(&format!("{path}.cpuLimit"), &resources.cpu_limit);
        self.quantity(&format!("{path}.memoryLimit"), &resources.memory_limit);
    }

    /// Rule 8: a valid host and an ingress class. Defaulted hosts and classes are
    /// checked once, at the fleet's `domain` and `ingressClass`.
    fn ingress(&mut self, path: &str, ingress: &Ingress, component: Component) {
        let host = self.fleet.ingress_host(ingress, component);
        if ingress.host.is_some() && (!syntax::is_dns_subdomain(&host) || !host.contains('.')) {
            self.error(
                &format!("{path}.host"),
                format!("{host:?} is not a valid host name"),
                "use a lowercase DNS name such as thanos-query.example.com",
            );
        }
        if let Some(class) = &ingress.class {
            self.ingress_class(&format!("{path}.class"), class, &host);
        }
    }

    fn ingress_class(&mut self, path: &str, class: &str, hosts: &str) {
        if class.trim().is_empty() {
            self.error(
                path,
                format!("no ingress class for the Ingress of {hosts}"),
                "set the ingress's class or the fleet's ingressClass, such as cilium or nginx",
            );
        } else if !syntax::is_dns_subdomain(class) {
            self.error(
                path,
                format!("{class:?} is not a valid ingress class name"),
                "use the name of an IngressClass of the central cluster, such as cilium or nginx",
            );
        }
    }

    fn image(&mut self, path: &str, image: &ThanosImage) -> bool {
        let mut ok = true;
        if !syntax::is_image_repository(&image.repository) {
            self.error(
                &format!("{path}.repository"),
                format!("{:?} is not an image repository", image.repository),
                "use a lowercase repository such as quay.io/thanos/thanos",
            );
            ok = false;
        }
        if !syntax::is_image_tag(&image.version) {
            self.error(
                &format!("{path}.version"),
                format!("{:?} is not an image tag", image.version),
                "use a Thanos release tag such as v0.42.4",
            );
            ok = false;
        }
        ok
    }

    /// Rule 6: one Thanos version everywhere unless pinned per component.
    fn image_pin(&mut self, path: &str, pinned: Option<&ThanosImage>) {
        let Some(pinned) = pinned else { return };
        if self.image(path, pinned) && *pinned != self.fleet.thanos {
            self.warning(
                path,
                format!(
                    "pinned to {pinned} while the fleet runs {}",
                    self.fleet.thanos
                ),
                "remove the pin once the component can run the fleet's Thanos version",
            );
        }
    }

    fn fleet_settings(&mut self) {
        let fleet = self.fleet;
        self.dns_label("namespace", &fleet.namespace, "namespace name");
        if !syntax::is_dns_subdomain(&fleet.domain) || !fleet.domain.contains('.') {
            self.error(
                "domain",
                format!("{:?} is not a valid DNS domain", fleet.domain),
                "use a lowercase DNS name such as k8s-cluster-01.example.com",
            );
        }
        self.dns_subdomain(
            "storageClass",
            &fleet.storage_class,
            "storage class name",
            "use the name of a StorageClass present on every cluster",
        );
        self.duration("scrapeInterval", &fleet.scrape_interval);
        self.image("thanos", &fleet.thanos);
        let defaulted = central_ingresses(fleet)
            .filter(|(_, ingress, _)| ingress.class.is_none())
            .map(|(_, ingress, component)| fleet.ingress_host(ingress, component))
            .collect::<Vec<_>>();
        if !defaulted.is_empty() {
            self.ingress_class("ingressClass", &fleet.ingress_class, &defaulted.join(", "));
        }
        // The chart name is also a directory of the tree.
        self.dns_label("chart.name", &fleet.chart.name, "chart name");
        for (path, value) in [
            ("chart.repo", &fleet.chart.repo),
            ("chart.version", &fleet.chart.version),
        ] {
            self.not_empty(path, value);
        }
        self.dns_label("chart.release", &fleet.chart.release, "Helm release name");
    }

    fn object_storage(&mut self, storage: &ObjectStorage) {
        let ObjectStorage::S3(s3) = storage;
        if !syntax::is_host_port(&s3.endpoint) {
            self.error(
                "objectStorage.endpoint",
                format!("{:?} is not a host or host:port", s3.endpoint),
                "write the endpoint without a scheme, such as s3.example.com or minio.example.com:9000",
            );
        }
        if !syntax::is_s3_bucket(&s3.bucket) {
            self.error(
                "objectStorage.bucket",
                format!("{:?} is not a valid S3 bucket name", s3.bucket),
                "use 3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
            );
        }
        if let S3Credentials::Envsubst {
            access_key_var,
            secret_key_var,
        } = &s3.credentials
        {
            for (field, var) in [
                ("accessKeyVar", access_key_var),
                ("secretKeyVar", secret_key_var),
            ] {
                let path = format!("objectStorage.credentials.{field}");
                if syntax::looks_like_access_key(var) {
                    self.error(
                        &path,
                        "looks like a literal access key, not the name of a variable",
                        "never put credentials in the fleet: name the environment variable envsubst reads, such as S3_ACCESS_KEY",
                    );
                } else if !syntax::is_env_var(var) && var.len() >= 16 {
                    self.error(
                        &path,
                        "looks like a literal secret key, not the name of a variable",
                        "never put credentials in the fleet: name the environment variable envsubst reads, such as S3_SECRET_KEY",
                    );
                } else if !syntax::is_env_var(var) {
                    self.error(
                        &path,
                        format!("{var:?} is not an environment variable name"),
                        "name the variable envsubst reads, such as S3_ACCESS_KEY; never the key itself",
                    );
                } else if var.bytes().any(|b| b.is_ascii_lowercase()) {
                    self.error(
                        &path,
                        format!("{var:?} looks like a literal credential, not an upper-case variable name"),
                        "never put credentials in the fleet: name the environment variable envsubst reads, such as S3_ACCESS_KEY",
                    );
                }
            }
            if access_key_var == secret_key_var {
                self.error(
                    "objectStorage.credentials.secretKeyVar",
                    "the access key and the secret key come from the same variable",
                    "use two variables, such as S3_ACCESS_KEY and S3_SECRET_KEY",
                );
            }
        }
        let secret = &s3.config_secret;
        self.dns_subdomain(
            "objectStorage.configSecret.name",
            &secret.name,
            "Secret name",
            "use a lowercase DNS name such as thanos-s3-config",
        );
        if !syntax::is_config_key(&secret.key) {
            self.error(
                "objectStorage.configSecret.key",
                format!("{:?} is not a valid Secret key", secret.key),
                "use letters, digits, '-', '_' and '.', such as objstore.yml",
            );
        }
    }

    /// Rule 1: names and `cluster` labels are valid and unique across the fleet.
    fn clusters(&mut self) {
        let fleet = self.fleet;
        let central = &fleet.central;
        let clusters = std::iter::once(Cluster {
            path: "central".to_owned(),
            name: &central.name,
            context: &central.context,
            label: central.cluster_label_value(),
            explicit_label: central.cluster_label.is_some(),
        })
        .chain(fleet.edges.iter().enumerate().map(|(i, edge)| Cluster {
            path: format!("edges[{i}]"),
            name: &edge.name,
            context: &edge.context,
            label: edge.cluster_label_value(),
            explicit_label: edge.cluster_label.is_some(),
        }))
        .collect::<Vec<_>>();

        let mut names: HashMap<&str, &str> = HashMap::new();
        let mut labels: HashMap<&str, &str> = HashMap::new();
        let mut contexts: HashMap<&str, &str> = HashMap::new();
        for Cluster { path, context, .. } in &clusters {
            if context.trim().is_empty() {
                continue;
            }
            if let Some(first) = contexts.get(context) {
                self.error(
                    &format!("{path}.context"),
                    format!("kubectl context {context:?} is already the context of {first}"),
                    "every cluster has its own context: two overlays applied to one cluster overwrite each other's release",
                );
            } else {
                contexts.insert(context, path);
            }
        }
        for Cluster {
            path,
            name,
            label,
            explicit_label,
            ..
        } in &clusters
        {
            self.dns_label(&format!("{path}.name"), name, "cluster name");
            let duplicate_name = match names.entry(name) {
                Entry::Occupied(first) => {
                    self.error(
                        &format!("{path}.name"),
                        format!("{name:?} is already the name of {}", first.get()),
                        "every cluster needs its own name: it is its overlay directory",
                    );
                    true
                }
                Entry::Vacant(slot) => {
                    slot.insert(path);
                    false
                }
            };
            let label_path = if *explicit_label {
                format!("{path}.clusterLabel")
            } else {
                format!("{path}.name")
            };
            if *explicit_label {
                self.dns_label(&label_path, label, "cluster label value");
            }
            if let Some(first) = labels.get(label).copied() {
                if duplicate_name && !explicit_label {
                    // Already reported: the label is the name.
                    continue;
                }
                self.error(
                    &label_path,
                    format!("cluster label {label:?} is already used by {first}"),
                    "every cluster needs its own `cluster` label, or their series and blocks collide",
                );
            } else {
                labels.insert(label, path);
            }
        }
    }

    /// Rule 8: every Ingress has a valid host and class, and no two share a host.
    fn ingresses(&mut self) {
        let mut hosts: HashMap<String, &str> = HashMap::new();
        for (path, ingress, component) in central_ingresses(self.fleet) {
            self.ingress(path, ingress, component);
            let host = self.fleet.ingress_host(ingress, component);
            if let Some(first) = hosts.get(&host) {
                self.error(
                    &format!("{path}.host"),
                    format!("{host:?} is already the host of {first}"),
                    "give every Ingress its own host",
                );
            } else {
                hosts.insert(host, path);
            }
        }
    }

    fn central(&mut self, central: &Central) {
        self.not_empty("central.context", &central.context);
        self.not_empty("central.apiAddress", &central.api_address);

        let prometheus = &central.prometheus;
        self.positive("central.prometheus.replicas", prometheus.replicas);
        self.duration("central.prometheus.retention", &prometheus.retention);
        self.storage("central.prometheus.storage", &prometheus.storage);
        self.resources("central.prometheus.resources", &prometheus.resources);
        self.resources(
            "central.prometheus.sidecar.resources",
            &prometheus.sidecar.resources,
        );
        self.image_pin(
            "central.prometheus.sidecar.image",
            prometheus.sidecar.image.as_ref(),
        );

        self.positive(
            "central.alertmanager.replicas",
            central.alertmanager.replicas,
        );
        self.storage(
            "central.alertmanager.storage",
            &central.alertmanager.storage,
        );

        let admin = &central.grafana.admin;
        self.dns_subdomain(
            "central.grafana.admin.existingSecret",
            &admin.existing_secret,
            "Secret name",
            "name the Secret holding Grafana's admin user and password",
        );
        for (path, key) in [
            ("central.grafana.admin.userKey", &admin.user_key),
            ("central.grafana.admin.passwordKey", &admin.password_key),
        ] {
            if !syntax::is_config_key(key) {
                self.error(
                    path,
                    format!("{key:?} is not a valid Secret key"),
                    "use letters, digits, '-', '_' and '.'",
                );
            }
        }

        self.query(central);
        self.receive(central);

        let store = &central.store;
        self.positive("central.store.replicas", store.replicas);
        self.storage("central.store.storage", &store.storage);
        self.resources("central.store.resources", &store.resources);
        self.image_pin("central.store.image", store.image.as_ref());

        let compactor = &central.compactor;
        self.retention(
            "central.compactor.retention",
            &compactor.retention,
            compactor.downsampling,
        );
        self.storage("central.compactor.storage", &compactor.storage);
        self.resources("central.compactor.resources", &compactor.resources);
        self.image_pin("central.compactor.image", compactor.image.as_ref());
    }

    /// Rule 3: Query deduplicates on every replica label the producers use.
    fn query(&mut self, central: &Central) {
        let query = &central.query;
        self.positive("central.query.replicas", query.replicas);
        self.resources("central.query.resources", &query.resources);
        self.image_pin("central.query.image", query.image.as_ref());
        if let Some(replica_labels) = &query.replica_labels {
            for label in self.fleet.producer_replica_labels() {
                if !replica_labels.contains(&label) {
                    self.error(
                        "central.query.replicaLabels",
                        format!("does not list {label:?}, a replica label the producers use"),
                        format!("add {label:?}, or remove replicaLabels to use the derived list"),
                    );
                }
            }
            for (index, label) in replica_labels.iter().enumerate() {
                if !syntax::is_label_name(label) {
                    self.error(
                        &format!("central.query.replicaLabels[{index}]"),
                        format!("{label:?} is not a label name"),
                        "use letters, digits and '_', not starting with a digit",
                    );
                }
            }
        }
    }

    /// Rules 2 and 4: Receive's labels and hashring.
    fn receive(&mut self, central: &Central) {
        let receive = &central.receive;
        self.positive("central.receive.replicas", receive.replicas);
        self.duration("central.receive.retention", &receive.retention);
        self.storage("central.receive.storage", &receive.storage);
        self.resources("central.receive.resources", &receive.resources);
        self.image_pin("central.receive.image", receive.image.as_ref());
        if receive.ingress.is_none() && !self.fleet.edges.is_empty() {
            self.error(
                "central.receive.ingress",
                "the edges remote-write through Receive's Ingress, and it has none",
                "give Receive an ingress",
            );
        }

        let factor = receive.replication_factor;
        if factor == 0 {
            self.error(
                "central.receive.replicationFactor",
                "must be at least 1",
                "use 1 for no replication, 3 for HA",
            );
        } else if factor > receive.replicas && receive.replicas > 0 {
            self.error(
                "central.receive.replicationFactor",
                format!(
                    "replication factor {factor} is more than the {} Receive replicas in the hashring",
                    receive.replicas
                ),
                "every write would fail with \"insufficient nodes\": raise replicas or lower the factor",
            );
        } else if factor % 2 == 0 {
            self.warning(
                "central.receive.replicationFactor",
                format!(
                    "factor {factor} survives no more lost replicas than factor {} does: a write needs {} of {factor} copies",
                    factor - 1,
                    factor / 2 + 1
                ),
                "use an odd replication factor such as 3: it costs a copy less for the same safety",
            );
        }

        if receive.labels.is_empty() {
            self.error(
                "central.receive.labels",
                "Receive needs a label besides its replica label",
                "keep a label such as receive: \"true\", or the compactor cannot deduplicate its blocks",
            );
        }
        let series_labels = self.fleet.producer_external_label_names();
        let reserved = [labels::RECEIVE_REPLICA, labels::TENANT];
        for (name, value) in &receive.labels {
            let path = format!("central.receive.labels.{name}");
            if value.is_empty() {
                self.error(
                    &path,
                    "an empty label value removes the label",
                    "give the label a value, such as \"true\"",
                );
            }
            if !syntax::is_label_name(name) {
                self.error(
                    &path,
                    format!("{name:?} is not a label name"),
                    "use letters, digits and '_', not starting with a digit",
                );
            } else if series_labels.contains(&name.as_str()) {
                self.error(
                    &path,
                    format!("{name:?} is a label of the series the agents send"),
                    "Receive would relabel every edge's series and its blocks would overlap the sidecar's: choose another name",
                );
            } else if reserved.contains(&name.as_str()) {
                self.error(
                    &path,
                    format!("{name:?} is set by Receive itself"),
                    "choose another name",
                );
            }
        }
    }

    /// Rule 5: retention never deletes data before it is downsampled, and never shrinks
    /// with coarser resolution.
    fn retention(&mut self, path: &str, retention: &Retention, downsampling: bool) {
        let raw = self.duration(&format!("{path}.raw"), &retention.raw);
        let five = self.duration(&format!("{path}.5m"), &retention.five_minutes);
        let hour = self.duration(&format!("{path}.1h"), &retention.one_hour);
        let (Some(raw), Some(five), Some(hour)) = (raw, five, hour) else {
            return;
        };
        if downsampling {
            if raw != 0 && raw <= RAW_DOWNSAMPLE_AGE_MS {
                self.error(
                    &format!("{path}.raw"),
                    format!(
                        "{} deletes raw data before it is downsampled at 40h",
                        retention.raw
                    ),
                    "keep raw data longer than 40h (such as 30d), or 0d for ever",
                );
            }
            if five != 0 && five <= FIVE_MINUTE_DOWNSAMPLE_AGE_MS {
                self.error(
                    &format!("{path}.5m"),
                    format!(
                        "{} deletes 5m data before it is downsampled at 10d",
                        retention.five_minutes
                    ),
                    "keep 5m data longer than 10d (such as 90d), or 0d for ever",
                );
            }
        }
        // 0 keeps blocks for ever: it is the longest retention.
        let forever = |ms: u64| if ms == 0 { u64::MAX } else { ms };
        if forever(five) < forever(raw) {
            self.error(
                &format!("{path}.5m"),
                format!(
                    "5m data is kept shorter ({}) than raw data ({})",
                    retention.five_minutes, retention.raw
                ),
                "coarser resolutions must be kept at least as long as finer ones",
            );
        }
        if forever(hour) < forever(five) {
            self.error(
                &format!("{path}.1h"),
                format!(
                    "1h data is kept shorter ({}) than 5m data ({})",
                    retention.one_hour, retention.five_minutes
                ),
                "coarser resolutions must be kept at least as long as finer ones",
            );
        }
    }

    fn edge(&mut self, path: &str, edge: &Edge) {
        self.not_empty(&format!("{path}.context"), &edge.context);
        self.not_empty(&format!("{path}.apiAddress"), &edge.api_address);
        let agent = &edge.agent;
        self.positive(&format!("{path}.agent.replicas"), agent.replicas);
        if let Some(interval) = &agent.scrape_interval {
            self.duration(&format!("{path}.agent.scrapeInterval"), interval);
        }
        self.storage(&format!("{path}.agent.storage"), &agent.storage);
        self.resources(&format!("{path}.agent.resources"), &agent.resources);
        self.duration(
            &format!("{path}.agent.queue.batchSendDeadline"),
            &agent.queue.batch_send_deadline,
        );
        let queue = &agent.queue;
        if queue.min_shards == 0 || queue.min_shards > queue.max_shards {
            self.error(
                &format!("{path}.agent.queue.minShards"),
                format!("must be between 1 and maxShards ({})", queue.max_shards),
                "lower minShards or raise maxShards",
            );
        }
        if queue.capacity == 0 || queue.max_samples_per_send == 0 {
            self.error(
                &format!("{path}.agent.queue"),
                "capacity and maxSamplesPerSend must be at least 1",
                "keep the defaults (10000 and 2000) unless measured otherwise",
            );
        }
        // Rule 9: HA agents keep their replica label.
        if agent.drop_replica_label && agent.replicas > 1 {
            self.error(
                &format!("{path}.agent.dropReplicaLabel"),
                format!(
                    "{} agent replicas without a replica label send identical series",
                    agent.replicas
                ),
                "Receive answers 409 to the duplicates: keep the replica label (dropReplicaLabel: false) or run one replica",
            );
        }
    }
}
