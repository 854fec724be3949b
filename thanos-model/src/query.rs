//! Thanos Query, the fleet's single query endpoint.

use derive_setters::Setters;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    validate::{shown, syntax, Checker, Severity},
    Duration, Ingress, Resources, ThanosImage,
};

/// Default `--query.timeout`: a query running longer is cancelled.
const DEFAULT_TIMEOUT_MINUTES: u64 = 2;
/// Default `--query.max-concurrent`: queries beyond it wait in line.
const DEFAULT_MAX_CONCURRENT: u32 = 20;
/// Default `--store.response-timeout`: a StoreAPI that has not answered by then is left
/// out of the answer, well before `--query.timeout`.
const DEFAULT_STORE_RESPONSE_TIMEOUT_SECONDS: u64 = 30;

/// Thanos Query: fans queries out to the sidecars, Receive and Store and deduplicates
/// the replicas.
///
/// Its endpoints and replica labels are derived from the fleet (see
/// [`Fleet::query_replica_labels`](crate::Fleet::query_replica_labels)); only an explicit
/// override is stored here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[setters(strip_option, into)]
pub struct Query {
    /// Replicas of the stateless Deployment, default 2 on different nodes.
    #[setters(into = false)]
    pub replicas: u32,
    /// The Ingress, host `thanos-query.<domain>` by default. Left out of a fleet file (or
    /// `null`) Query stays inside the cluster: Query has no authentication of its own, so
    /// an Ingress lets anyone who reaches the host read every cluster's metrics (`check`
    /// warns); Grafana, port-forwards and the Ruler reach it inside the cluster.
    pub ingress: Option<Ingress>,
    /// Replica labels to deduplicate on instead of the derived ones: Prometheus label
    /// names, each once. Validation rejects a list that drops a label a producer uses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replica_labels: Option<Vec<String>>,
    /// Requests and limits; left out, derived from the fleet (`central.sizing`, see
    /// `docs/design/sizing.md`), memory request = limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// An image pinned for Query only; `None` uses the fleet's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<ThanosImage>,
    /// Answer cross-origin requests (`Access-Control-Allow-Origin: *`), default `false`
    /// (`--web.disable-cors`): with it, any web page a user opens can read every
    /// cluster's metrics through that user's browser. `check` warns when it is on.
    pub cors: bool,
    /// `--query.timeout`, default `2m`: a query running longer is cancelled; `null`
    /// leaves the flag out (Thanos' own default).
    pub timeout: Option<Duration>,
    /// `--query.max-concurrent`, default 20: queries beyond it wait; `null` leaves the
    /// flag out (Thanos' own default).
    pub max_concurrent: Option<u32>,
    /// `--store.response-timeout`, default `30s`: a StoreAPI (a hung Store or edge
    /// sidecar) that has not answered by then is left out instead of holding every query
    /// until its timeout; `null` leaves the flag out (no timeout, `check` warns).
    pub store_response_timeout: Option<Duration>,
}

impl Default for Query {
    fn default() -> Self {
        Self {
            replicas: 2,
            ingress: None,
            replica_labels: None,
            resources: None,
            image: None,
            cors: false,
            timeout: Some(Duration::minutes(DEFAULT_TIMEOUT_MINUTES)),
            max_concurrent: Some(DEFAULT_MAX_CONCURRENT),
            store_response_timeout: Some(Duration::seconds(DEFAULT_STORE_RESPONSE_TIMEOUT_SECONDS)),
        }
    }
}

impl Query {
    /// Query without `--query.timeout`, `--query.max-concurrent` and
    /// `--store.response-timeout` (Thanos' defaults).
    #[must_use]
    pub fn without_query_limits(mut self) -> Self {
        self.timeout = None;
        self.max_concurrent = None;
        self.store_response_timeout = None;
        self
    }

    /// Query without an Ingress.
    #[must_use]
    pub fn without_ingress(mut self) -> Self {
        self.ingress = None;
        self
    }
}

impl Query {
    /// The Ingress is checked with the fleet's other Ingresses.
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        check.replicas(&format!("{path}.replicas"), self.replicas);
        if let Some(resources) = &self.resources {
            resources.check(&format!("{path}.resources"), check);
        }
        check.image_pin(&format!("{path}.image"), self.image.as_ref());
        check.query_deduplication(self);
        self.check_read_path(path, check);
        let labels = self.replica_labels.iter().flatten();
        for (index, label) in labels.clone().enumerate() {
            let label_path = format!("{path}.replicaLabels[{index}]");
            if !check.clean(&label_path, label) {
                continue;
            }
            if !syntax::is_label_name(label) {
                check.error(
                    &label_path,
                    format!("{} is not a label name", shown(label)),
                    "use letters, digits and '_', not starting with a digit",
                );
            } else if labels.clone().take(index).any(|earlier| earlier == label) {
                check.warning(
                    &label_path,
                    format!("{} is listed twice", shown(label)),
                    "list every replica label once",
                );
            } else {
                check.replica_label_meaning(&label_path, label);
            }
        }
    }
}

impl Query {
    /// Rule 27: the read path's own limits; the lab's open settings warn.
    fn check_read_path(&self, path: &str, check: &mut Checker) {
        if let Some(timeout) = &self.timeout {
            check.when_zero(
                Severity::Error,
                &format!("{path}.timeout"),
                timeout,
                "0 cancels every query at once",
                "give queries time to finish, such as 2m, or null for Thanos' default",
            );
        }
        // Rule 46: a StoreAPI that does not answer is left out in time.
        let store_timeout_path = format!("{path}.storeResponseTimeout");
        match &self.store_response_timeout {
            Some(timeout) => check.when_zero(
                Severity::Error,
                &store_timeout_path,
                timeout,
                "0 waits for every StoreAPI without end",
                "leave out a StoreAPI that has not answered in time, such as 30s",
            ),
            None => check.warning(
                &store_timeout_path,
                "no store response timeout: one hung Store or sidecar holds every query until it times out",
                "set storeResponseTimeout: 30s (--store.response-timeout)",
            ),
        }
        if self.max_concurrent == Some(0) {
            check.error(
                &format!("{path}.maxConcurrent"),
                "0 lets no query run",
                "allow some queries at once, such as 20",
            );
        }
        if self.cors {
            check.warning(
                &format!("{path}.cors"),
                "Query answers any web page (Access-Control-Allow-Origin: *): a page a user opens can read every cluster's metrics through that user's browser",
                "set cors: false (--web.disable-cors)",
            );
        }
        if self.ingress.is_some() {
            check.warning(
                &format!("{path}.ingress"),
                "Query is reachable through its Ingress without authentication: anyone who reaches the host reads every cluster's metrics",
                "set ingress: null and reach Query through Grafana or a port-forward",
            );
        }
    }
}
