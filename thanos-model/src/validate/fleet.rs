//! The rules that need the whole fleet: what must be unique or consistent across
//! clusters and components, and the fleet's own settings.

use std::{
    collections::{hash_map::Entry, HashMap},
    hash::Hash,
};

use super::{shown, syntax, Checker};
use crate::{
    ingress, labels, load::path, prometheus, Component, Fleet, Ingress, Query, Receive, ThanosImage,
};

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

/// A cluster as rule 1 sees it.
struct Cluster<'a> {
    path: String,
    name: &'a str,
    context: &'a str,
    label: &'a str,
    explicit_label: bool,
}

impl Checker<'_> {
    /// The fleet's own fields: namespace, domain, defaults every part falls back on, the
    /// chart and the Thanos image.
    pub(crate) fn fleet_settings(&mut self) {
        let fleet = self.fleet;
        self.dns_label("namespace", &fleet.namespace, "namespace name");
        if self.clean("domain", &fleet.domain)
            && (!syntax::is_dns_subdomain(&fleet.domain) || !fleet.domain.contains('.'))
        {
            self.error(
                "domain",
                format!("{} is not a valid DNS domain", shown(&fleet.domain)),
                "use a lowercase DNS name such as k8s-cluster-01.example.com",
            );
        }
        self.dns_subdomain(
            "storageClass",
            &fleet.storage_class,
            "storage class name",
            "use the name of a StorageClass present on every cluster",
        );
        prometheus::check_scrape_interval(self, "scrapeInterval", &fleet.scrape_interval);
        fleet.thanos.check("thanos", self);
        let defaulted = central_ingresses(fleet)
            .filter(|(_, ingress, _)| ingress.class.is_none())
            .map(|(_, ingress, component)| fleet.ingress_host(ingress, component))
            .collect::<Vec<_>>();
        // Checked even when no Ingress uses it: it is still a value of the file.
        if !defaulted.is_empty() || !fleet.ingress_class.trim().is_empty() {
            ingress::check_class(
                self,
                "ingressClass",
                &fleet.ingress_class,
                &defaulted.join(", "),
            );
        }
        fleet.chart.check("chart", self);
    }

    /// Rule 1: names and `cluster` labels are valid and unique across the fleet, and so
    /// are kubectl contexts.
    pub(crate) fn clusters(&mut self) {
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
            if let Some(first) = first_of(&mut contexts, context, path) {
                self.error(
                    &format!("{path}.context"),
                    format!("kubectl context {context:?} is already the context of {first}"),
                    "every cluster has its own context: two overlays applied to one cluster overwrite each other's release",
                );
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
            let first_name = first_of(&mut names, name, path);
            if let Some(first) = first_name {
                self.error(
                    &format!("{path}.name"),
                    format!("{name:?} is already the name of {first}"),
                    "every cluster needs its own name: it is its overlay directory",
                );
            }
            let label_path = if *explicit_label {
                format!("{path}.clusterLabel")
            } else {
                format!("{path}.name")
            };
            if *explicit_label {
                self.dns_label(&label_path, label, "cluster label value");
            }
            if let Some(first) = first_of(&mut labels, label, path) {
                if first_name.is_some() && !explicit_label {
                    // Already reported: the label is the name.
                    continue;
                }
                self.error(
                    &label_path,
                    format!("cluster label {label:?} is already used by {first}"),
                    "every cluster needs its own `cluster` label, or their series and blocks collide",
                );
            }
        }
    }

    /// Rule 8: every Ingress has a valid host and class, and no two share a host.
    pub(crate) fn ingresses(&mut self) {
        let mut hosts: HashMap<String, &str> = HashMap::new();
        for (path, ingress, component) in central_ingresses(self.fleet) {
            ingress.check(path, component, self);
            let host = self.fleet.ingress_host(ingress, component);
            if let Some(first) = first_of(&mut hosts, host.clone(), path) {
                self.error(
                    &format!("{path}.host"),
                    format!("{host:?} is already the host of {first}"),
                    "give every Ingress its own host",
                );
            }
        }
    }

    /// Rule 6: one Thanos version everywhere unless pinned per component.
    pub(crate) fn image_pin(&mut self, path: &str, pinned: Option<&ThanosImage>) {
        let Some(pinned) = pinned else { return };
        if pinned.check(path, self) && *pinned != self.fleet.thanos {
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

    /// Rule 3: Query deduplicates on every replica label the producers use.
    pub(crate) fn query_deduplication(&mut self, query: &Query) {
        let Some(replica_labels) = &query.replica_labels else {
            return;
        };
        for label in self.fleet.producer_replica_labels() {
            if !replica_labels.contains(&label) {
                self.error(
                    "central.query.replicaLabels",
                    format!("does not list {label:?}, a replica label the producers use"),
                    format!("add {label:?}, or remove replicaLabels to use the derived list"),
                );
            }
        }
    }

    /// The edges remote-write through Receive's Ingress.
    pub(crate) fn receive_reachable(&mut self, receive: &Receive) {
        if receive.ingress.is_none() && !self.fleet.edges.is_empty() {
            self.error(
                "central.receive.ingress",
                "the edges remote-write through Receive's Ingress, and it has none",
                "give Receive an ingress",
            );
        }
    }

    /// Rule 4: the hashring holds at least as many Receive pods as copies of a write.
    pub(crate) fn receive_replication(&mut self, receive: &Receive) {
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
    }

    /// Rule 2: Receive's block labels exist, are label names, and reuse no label of the
    /// series the producers send nor one Receive sets itself. Values are any one line of
    /// text (they are escaped where they are written).
    pub(crate) fn receive_labels(&mut self, receive: &Receive) {
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
            let path = path::child("central.receive.labels", name);
            if value.is_empty() {
                self.error(
                    &path,
                    "an empty label value removes the label",
                    "give the label a value, such as \"true\"",
                );
            } else {
                self.clean(&path, value);
            }
            if !self.clean(&path, name) {
            } else if !syntax::is_label_name(name) {
                self.error(
                    &path,
                    format!("{} is not a label name", shown(name)),
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
}

/// The path that had `key` first, when one did; else `key` is recorded for `path`.
fn first_of<'p, K: Hash + Eq>(
    seen: &mut HashMap<K, &'p str>,
    key: K,
    path: &'p str,
) -> Option<&'p str> {
    match seen.entry(key) {
        Entry::Occupied(first) => Some(*first.get()),
        Entry::Vacant(slot) => {
            slot.insert(path);
            None
        }
    }
}
