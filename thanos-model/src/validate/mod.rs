//! Whole-fleet validation: the mistakes hand-written multi-cluster trees make, refused
//! before anything reaches a cluster.
//!
//! Every rule reports a [`Diagnostic`] naming the field path in the fleet file's terms
//! (`edges[1].clusterLabel`), and all rules run in one pass. A rule lives beside the type
//! it checks (`Retention::check` in `compactor.rs`); the rules that compare parts of the
//! fleet with each other are `Checker` methods here, by theme: `fleet.rs` (names, labels,
//! replication, Ingresses, image pins), `meaning.rs` (29-31), `data_safety.rs` (33-36),
//! `security.rs` (37, 53), `digest.rs` (39), `availability.rs` (41-43); `checker.rs` holds
//! the checks the parts share and `syntax.rs` the strings' grammars. The corpus files are
//! in `thanos-model/tests/corpus/` (`warnings/` for warnings), each its own test that lists
//! the diagnostics it must raise in `# expect:` lines, each error text snapshot-tested; a
//! test checks that the table below names every one of them, another that every function it
//! names is in the file it names.
//!
//! Durations and quantities are not checked here: they are types with their grammar
//! ([`Duration`](crate::Duration), [`Cpu`](crate::Cpu), [`Bytes`](crate::Bytes)),
//! parsed while loading. A value that did not parse is reported in this pass, where its
//! field is checked (`Checker::parsed`), and no rule reports on its path again.
//!
//! | rule | function | corpus files |
//! | --- | --- | --- |
//! | 1. cluster names, `cluster` labels and kubectl contexts valid and unique | `Checker::clusters` (validate/fleet.rs) | `rule1-*`, `grammar-central-cluster-label` |
//! | 2. Receive labels: present, label names, no series or Receive-owned label, values one line | `Checker::receive_labels` (validate/fleet.rs) | `rule2-*`, `grammar-receive-label-*` |
//! | 3. Query deduplicates on every producer replica label | `Checker::query_deduplication` (validate/fleet.rs); label names in `Query::check` | `rule3-*`, `grammar-query-replica-label` |
//! | 4. Receive replicas at least the replication factor (an even factor warns) | `Checker::receive_replication` (validate/fleet.rs); replicas in `Checker::replicas` | `rule4-*`, `warnings/rule4-*`, `input-too-many-replicas`, `grammar-replicas-zero` |
//! | 5. compactor retention never deletes before downsampling, never shrinks | `Retention::check` (compactor.rs) | `rule5-*` |
//! | 6. one Thanos version unless pinned (warns) | `Checker::image_pin` (validate/fleet.rs) | `rule6-*`, `warnings/rule6-*` |
//! | 7. S3 endpoint, bucket, region, credentials only by reference, config Secret | `S3::check`, `S3Credentials::check`, `SecretKeyRef::check` (object_storage.rs) | `rule7-*`, `grammar-s3-*`, `grammar-config-secret`, `grammar-credentials-var-line-break` |
//! | 8. Ingress hosts and classes valid, hosts unique, Receive reachable | `Ingress::check`, `ingress::check_class` (ingress.rs), `Checker::ingresses`, `Checker::receive_reachable` (validate/fleet.rs) | `rule8-*-ingress-*`, `rule8-ingress-without-class`, `rule8-receive-ingress-null`, `grammar-ingress-class-*`, `grammar-grafana-ingress-host-line-break` |
//! | 8. quantities and durations: their grammar (a value that did not parse is reported once, with the other diagnostics) | `Duration::from_str` (duration.rs), `Cpu::from_str`, `Bytes::from_str` (cpu.rs, bytes.rs: the `FromStr` that `quantity_newtype!` in quantity.rs writes), `GrammarError` (grammar_error.rs); read by the loader (`De::deserialize_newtype_struct`, load/de.rs, as each type's `Grammar` says, grammar.rs), reported by `Checker::parsed` (validate/checker.rs) | `rule8-bad-quantity`, `rule8-bad-duration`, `grammar-agent-quantities`, `grammar-volumes`, `grammar-one-pass`, `rule19-ruler-bad-evaluation-interval`, `rule20-silent-edge-after-not-a-duration` |
//! | 9. HA edge agents keep their replica label | `AgentValues::check` (agent.rs) | `rule9-*` |
//! | 10. every string is one line of visible text (no control, line-break or invisible character) and of its grammar: DNS names and labels, kubectl context, API address | `Checker::clean`, `Checker::grammar`, `Checker::context`, `Checker::api_address` (validate/checker.rs), grammars in validate/syntax.rs, `Checker::fleet_settings` (validate/fleet.rs) | `grammar-*` |
//! | 11. image: a repository without a tag, a tag that does not move (`latest` and empty refused, not a release warns), a label value | `ThanosImage::check` (image.rs) | `rule11-*`, `warnings/rule11-*`, `rule6-bad-thanos-version`, `grammar-*-repository*` |
//! | 12. requests not above limits, no zero limit or volume; memory not in `m`, CPU not in `Ki`..`Ei` (grammar errors of `Bytes` and `Cpu`) | `Resources::check` (resources.rs), `Storage::check` (storage.rs); `Bytes::from_str`, `Cpu::from_str` (bytes.rs, cpu.rs: `quantity_newtype!` in quantity.rs) | `rule12-*`, `grammar-one-pass` |
//! | 13. chart: DNS-label name, `https://` or `oci://` repository, exact SemVer version, release of at most 53 characters | `Chart::check` (chart.rs) | `rule13-*`, `grammar-chart-name` |
//! | 14. intervals positive (scrape interval above 2m warns), Prometheus retention outlives the sidecar's 2h blocks (under 6h warns), Receive `0d` warns | `Checker::interval` (validate/checker.rs), `prometheus::check_scrape_interval`, `Prometheus::check_retention` (prometheus.rs), `Receive::check` (receive.rs) | `rule14-*`, `warnings/rule14-*`, `grammar-scrape-interval-zero` |
//! | 15. Grafana admin user and password from two keys; Secret names and keys | `GrafanaAdmin::check` (grafana.rs) | `rule15-*`, `grammar-grafana-secret`, `grammar-grafana-keys` |
//! | 16. Store memory limit fits its index cache (warns) | `Store::check` (store.rs) | `warnings/rule16-*` |
//! | 17. agent queue: shards from 1 to max, capacity and batch size at least 1, capacity not below a batch (warns) | `RemoteWriteQueue::check` (agent.rs) | `rule17-*`, `warnings/rule17-*`, `rule14-batch-send-deadline-zero` |
//! | 18. Query lists each replica label once (warns) | `Query::check` (query.rs) | `warnings/rule18-*` |
//! | 19. Thanos Ruler: replicas, durations, volume, resources, image pin | `Ruler::check` (ruler.rs) | `rule19-*` |
//! | 20. Thanos monitoring: silent-edge alerts need the Ruler, alerts without ServiceMonitors warn, a duration for the silent-edge delay, the chart's single-cluster rules over the whole fleet (`perClusterRules: false` with a Ruler) warn | `ThanosMonitoringOptions::check` (thanos_monitoring.rs) | `rule20-*`, `warnings/rule20-*` |
//! | 21. runbook: a language it is written in | serde (runbook.rs) | `rule21-*` |
//! | 22. write path identity: TLS with a CA (`serverSecret` with `existingSecrets`), a tenant field only with TLS (without one, edges share a tenant: warns), every edge a credential its certificates' source can issue, renewal before expiry, tenants unique (rule 1), an open write path warns | `ReceiveRemoteWrite::check`, `Checker::client_certificate` (tls.rs), `Checker::clusters` (validate/fleet.rs) | `rule22-*`, `warnings/rule22-*` |
//! | 23. TLS passthrough: known for the Receive Ingress class or named, only with TLS | `ReceiveRemoteWrite::check` (tls.rs) | `rule23-*` |
//! | 24. write limits never refuse a normal request of an edge's own queue (413 is permanent for the agent), head limits fit a cluster (warns), no limits warns | `Checker::write_limits` (limits.rs) | `rule24-*`, `warnings/rule24-*` |
//! | 25. far-future window of at least 1m (none warns); Cap'n Proto on every address warns | `Receive::check_write_window` (receive.rs) | `rule25-*`, `warnings/rule25-*` |
//! | 26. agent WAL retention at least 2h (Prometheus' 4h default and above 7d warn); 429s dropped warns | `AgentValues::check_wal_retention`, `AgentValues::check` (agent.rs) | `rule26-*`, `warnings/rule26-*` |
//! | 27. read path: a query timeout and concurrency above 0; the lab's open settings warn (Query Ingress without authentication, CORS, admin operations on Store and Compactor, no or zero read limits) | `Query::check_read_path` (query.rs), `Checker::admin_operations` (validate/checker.rs), `ReadLimits::check` (read_limits.rs), `Central::check` (central.rs) | `rule27-*`, `warnings/rule27-*` |
//! | 28. least privilege and images: the lab's settings warn (no ServiceAccounts, `IfNotPresent`, no NetworkPolicies, no Pod Security level, no gRPC TLS); an image digest is `sha256:` and 64 lowercase hex (grammar error of `Digest`) | `Security::check` (security.rs), `Digest::from_str` (digest.rs) | `warnings/rule28-*`, `rule28-*`, `grammar-thanos-digest` |
//! | 29. the namespace is the fleet's own: not `default`, `kube-*`, `cilium*` or another shared system's | `Checker::namespace_meaning` (validate/meaning.rs) | `rule29-*` |
//! | 30. S3 key variables are not variables the shell or a tool uses (`PATH`, `IFS`, `BASH_ENV`, `LD_*`, ...) | `Checker::credential_variable_meaning` (validate/meaning.rs), called by `S3Credentials::check` | `rule30-*` |
//! | 31. Query's replica labels are not dimensions (`cluster`, `namespace`, `job`, `instance`, ..., a Receive label) | `Checker::replica_label_meaning` (validate/meaning.rs), called by `Query::check` | `rule31-*` |
//! | 32. Alertmanager receivers: names unique and not reserved, Secret references, one severity at least, clusters of the fleet, e-mail addresses and smarthost; no receiver warns (nobody is paged), receivers without a dead man's switch warn (Watchdog goes nowhere) | `Alertmanager::check` (alertmanager.rs), `Receiver::check`, `Notifier::check` (receiver.rs) | `rule32-*`, `warnings/rule32-*`, `input-unknown-receiver-type` |
//! | 33. data safety: Receive and Ruler retention keep a block until Store serves it (2h15m), 5m/1h retention longer than raw with downsampling off is ignored (warns), the silent-edge window spans 3 scrape intervals of the slowest edge (warns) | `Checker::data_safety` (validate/data_safety.rs) | `rule33-*`, `warnings/rule33-*` |
//! | 34. the Ruler's query offset covers the slowest edge's batch-send deadline (warns) | `Checker::ruler_offset_covers_remote_write` (validate/data_safety.rs) | `warnings/rule34-*` |
//! | 35. the Ruler evaluates at least every 5m, Query's lookback delta (warns) | `Checker::ruler_evaluates_within_lookback` (validate/data_safety.rs) | `warnings/rule35-*` |
//! | 36. no cluster scrapes less often than every 5m, the lookback delta | `Checker::scrapes_within_lookback` (validate/data_safety.rs) | `rule36-*` |
//! | 37. Ingress TLS: an issuer only with cert-manager, a valid issuer name; Grafana's or Query's Ingress without TLS warns; the Ingress controller the NetworkPolicies admit: a valid namespace and pod labels, an Ingress class they cannot tell apart without one warns | `IngressTls::check` (tls.rs), `Checker::plain_http_ingresses`, `Checker::ingress_controller` (validate/security.rs), called by `Security::check` (security.rs) | `rule37-*`, `warnings/rule37-*`, `input-ingress-tls-*` |
//! | 38. Grafana's sidecars with the chart's cluster-wide RBAC warn | `Grafana::check` (grafana.rs) | `warnings/rule38-*` |
//! | 39. images pinned together: with `thanos.digest`, each chart image without a digest warns; a digest is `sha256:` and 64 lowercase hex (grammar error of `Digest`) | `Checker::chart_image_digests` (validate/digest.rs), called by `Chart::check` (chart.rs); `Digest::from_str` (digest.rs) | `warnings/rule39-*`, `grammar-chart-image-digest` |
//! | 40. S3 TLS as the endpoint's scheme says: `insecure: true` beside `https://` refused; `http://` warns; Store's and Compactor's own Secrets are not another component's | `S3::check_tls`, `S3::check` (object_storage.rs) | `rule40-*`, `warnings/rule40-*` |
//! | 41. survives a node loss (warns): one replica of Receive, Query, Store, Prometheus, Alertmanager or the Ruler, Receive's factor 1, replicas only preferred apart, none of the chart's PodDisruptionBudgets | `Checker::single_replicas` (validate/availability.rs), `Topology::check` (topology.rs) | `warnings/rule41-*` |
//! | 42. sized for the fleet (warns): an explicit memory limit or Receive/Compactor volume below the derived need, a stateful pod's memory request below its limit (Burstable) | `Checker::resources_fit`, `Checker::volumes_fit` (validate/availability.rs), needs from `Fleet::sizing` (sizing.rs) | `warnings/rule42-*` |
//! | 43. the fleet outgrows its Receive pods: more than 2M head series per pod (warns) | `Checker::receive_outgrown` (validate/availability.rs) | `warnings/rule43-*` |
//! | 44. sizing and placement inputs: active series above 0, the zone key a node label key (the hostname warns) | `sizing::active_series` (sizing.rs), `Topology::check` (topology.rs) | `rule44-*`, `warnings/rule44-*` |
//! | 45. read path of a large fleet: the query-frontend's replicas, resources, image pin (no splitting, no retries or none at all warn); caches above 0 bytes, in memory at most half the component's memory limit, a memcached or Redis workload with pods (Redis one) and an image `repository:tag` of a Thanos image's grammars (validate/syntax.rs) with a tag that stays put | `QueryFrontend::check` (query_frontend.rs), `Cache::check` (cache.rs), `Central::check` (central.rs) | `rule45-*`, `warnings/rule45-*`, `input-unknown-cache-backend` |
//! | 46. Query's store response timeout above 0; none warns | `Query::check_read_path` (query.rs) | `rule46-*`, `warnings/rule46-*` |
//! | 47. Store shards: by hash 2 to 64 shards, by time boundaries above 0 and each older than the one before (so the shards neither overlap nor leave a gap), the other way's settings refused; Query reaches every shard through Store's headless Service | `StoreShards::check` (store_shards.rs) | `rule47-*`, `input-unknown-store-shard-by` |
//! | 48. Receive at scale: during a two-step change of the replicas the hashring lists only pods that run, at least the replication factor (a ring narrower than the StatefulSet warns); routers have pods and resources (one router warns) | `Receive::check_scaling` (receive_scaling.rs) | `rule48-*`, `warnings/rule48-*` |
//! | 49. extra chart values (`extraValues` of central and each edge): every key a key of the chart's values (`facts/kube-prometheus-stack-78.2.1-values-keys.txt`), with the closest key as a hint | `ExtraValues::check` (extra_values.rs) | `rule49-*` |
//! | 50. extra chart values: no key the model sets (the error names its field) and no security setting (security contexts, host namespaces, ServiceAccounts, RBAC, NetworkPolicies, pull policy) | `extra_values::owner` (extra_values.rs) | `rule50-*` |
//! | 51. extra chart values: a mapping of the chart's keys is not replaced by a scalar, a list or null | `ExtraValues::check` (extra_values.rs) | `rule51-*` |
//! | 52. extra chart values: no credential (a password, token or key by its key's name, a private key by its text) | `ExtraValues::check` (extra_values.rs) | `rule52-*` |
//! | 53. gRPC TLS on the StoreAPIs (`security.grpcTls`) with Receive replicating over gRPC, not over Cap'n Proto, which has no TLS (error at `central.receive.capnproto`) | `Checker::grpc_tls` (validate/security.rs) | `rule53-*` |
//! | the file's shape: unknown, missing or null-where-required fields, YAML types, ranges, enums | the loader (load/de.rs) | `input-*` (shape) |
//! | the YAML text: tabs, unclosed brackets and quotes, indentation, `: ` in values, depth, aliases, tags, duplicate keys, documents | the loader (load/document.rs, load/explain.rs) | `input-*` (text) |
//!
//! `tests/corpus.rs` checks that every field of the fleet file (every property of its
//! JSON Schema) is on the path of an error or warning of some corpus file.

mod availability;
mod checker;
mod data_safety;
mod diagnostic;
mod digest;
mod fleet;
mod meaning;
mod security;
pub(crate) mod syntax;

pub(crate) use checker::{shown, Checker};
pub use diagnostic::{Diagnostic, Severity, ValidationError};

/// Runs every rule over the fleet, in the order of the fleet file's sections.
///
/// `grammar` holds the errors of the values the loader could not read by their grammar:
/// each is reported where its field is checked, and no other diagnostic on its path.
pub(crate) fn fleet(fleet: &crate::Fleet, grammar: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut check = Checker::new(fleet, grammar);
    check.fleet_settings();
    check.namespace_meaning();
    fleet.object_storage.check("objectStorage", &mut check);
    check.clusters();
    check.ingresses();
    fleet.central.check("central", &mut check);
    fleet.security.check("security", &mut check);
    for (index, edge) in fleet.edges.iter().enumerate() {
        edge.check(&format!("edges[{index}]"), &mut check);
    }
    check.data_safety();
    check.availability();
    check.finish()
}
