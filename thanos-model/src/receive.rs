//! Thanos Receive, where the edge agents write.

use derive_setters::Setters;
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    validate::{shown, Checker, Severity},
    Bytes, Duration, Ingress, ReceiveRemoteWrite, Resources, Storage, ThanosImage, WriteLimits,
};

/// Thanos Receive as router and ingestor in one StatefulSet, with a hashring of its own
/// pods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Setters)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[setters(strip_option, into)]
pub struct Receive {
    /// Pods of the StatefulSet; the hashring lists exactly these. Default 3, each on its
    /// own node.
    #[setters(into = false)]
    pub replicas: u32,
    /// Copies of every series written (`--receive.replication-factor`); a write needs
    /// `factor / 2 + 1` of them. Default 3: one pod may be lost.
    #[setters(into = false)]
    pub replication_factor: u32,
    /// Hashring algorithm, the same in the flag and the hashring file. Default `ketama`.
    pub hashring_algorithm: HashringAlgorithm,
    /// Local TSDB retention (`--tsdb.retention`); older blocks are read from the bucket.
    /// Default `1d`; `0d` (keep for ever) warns, the volume would fill up.
    pub retention: Duration,
    /// Block external labels added by Receive besides its replica label, default
    /// `receive: "true"`. Names are Prometheus label names that reuse no label the agents
    /// send; values are one non-empty line of text.
    pub labels: IndexMap<String, String>,
    /// The TSDB volume, default `20Gi`.
    pub storage: Storage,
    /// The Ingress the edges write through, default host `thanos-receive.<domain>`. Left
    /// out of a fleet file it is the default Ingress; `ingress: null` means none.
    pub ingress: Option<Ingress>,
    /// Requests and limits; left out, derived from the fleet (`central.sizing`, see
    /// `docs/design/sizing.md`), memory request = limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// An image pinned for Receive only; `None` uses the fleet's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<ThanosImage>,
    /// How the edges write: TLS, the tenant from the client certificate, passthrough.
    pub remote_write: ReceiveRemoteWrite,
    /// Per-tenant write limits (`--receive.limits-config-file`), default derived from the
    /// edges' queues (`{}`); `null` sets none, and `check` warns.
    #[setters(strip_option = false, into = false)]
    pub limits: Option<WriteLimits>,
    /// Samples further in the future than this are refused
    /// (`--tsdb.too-far-in-future.time-window`), default `5m`; `null` accepts any, and one
    /// far-future sample then blocks its tenant's current samples.
    #[setters(strip_option = false, into = false)]
    pub too_far_in_future: Option<Duration>,
    /// Cap'n Proto replication (`--receive.replication-protocol=capnproto`) listening on
    /// every address. Default `false`: Receive replicates over gRPC and its Cap'n Proto
    /// server listens on `127.0.0.1` only (it always starts one).
    pub capnproto: bool,
    /// The pods the hashring lists, the first `hashringReplicas` of the StatefulSet;
    /// `None` (default) lists every replica. Set only during a two-step change of
    /// `replicas` (the runbook's "Scaling Receive"), so that the ring never names a pod
    /// that is not ready, nor a pod about to go (`check` warns while it is set).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[setters(into = false)]
    pub hashring_replicas: Option<u32>,
    /// Routers in front of the StatefulSet: a stateless Deployment that takes the edges'
    /// remote write, holds the hashring and forwards every series to its ingesting pods
    /// (the StatefulSet, then without a hashring of its own). `None` (default): every
    /// Receive pod routes and ingests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub router: Option<crate::ReceiveRouter>,
}

impl Default for Receive {
    fn default() -> Self {
        Self {
            replicas: 3,
            replication_factor: 3,
            hashring_algorithm: HashringAlgorithm::Ketama,
            retention: Duration::days(1),
            labels: IndexMap::from([("receive".to_owned(), "true".to_owned())]),
            storage: Storage::new(Bytes::gibibytes(20)),
            ingress: Some(Ingress::new()),
            resources: None,
            image: None,
            remote_write: ReceiveRemoteWrite::default(),
            limits: Some(WriteLimits::default()),
            too_far_in_future: Some(Duration::minutes(5)),
            capnproto: false,
            hashring_replicas: None,
            router: None,
        }
    }
}

impl Receive {
    /// The seed lab's write path: open, without limits, accepting far-future samples,
    /// Cap'n Proto on every address (`check` warns about each).
    #[must_use]
    pub fn lab_write_path(mut self) -> Self {
        self.remote_write = ReceiveRemoteWrite::open();
        self.limits = None;
        self.too_far_in_future = None;
        self.capnproto = true;
        self
    }

    /// Receive without an Ingress (edges then cannot reach it: validation refuses that
    /// while the fleet has edges).
    #[must_use]
    pub fn without_ingress(mut self) -> Self {
        self.ingress = None;
        self
    }
}

/// How Receive spreads series over the hashring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum HashringAlgorithm {
    /// Modulo hashing; every ring change moves most series.
    Hashmod,
    /// Consistent hashing; ring changes move few series (recommended upstream).
    Ketama,
}

impl HashringAlgorithm {
    /// The value Thanos expects in flags and the hashring file.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hashmod => "hashmod",
            Self::Ketama => "ketama",
        }
    }
}

impl Receive {
    /// The Ingress's host and class are checked with the fleet's other Ingresses.
    pub(crate) fn check(&self, path: &str, check: &mut Checker) {
        check.replicas(&format!("{path}.replicas"), self.replicas);
        check.when_zero(
            Severity::Warning,
            &format!("{path}.retention"),
            &self.retention,
            format!(
                "{} keeps every block on Receive's volume for ever: the volume fills up",
                shown(self.retention.as_str())
            ),
            "keep a day or so, such as 1d: uploaded blocks are read from the bucket",
        );
        self.storage.check(&format!("{path}.storage"), check);
        if let Some(resources) = &self.resources {
            resources.check(&format!("{path}.resources"), check);
        }
        check.image_pin(&format!("{path}.image"), self.image.as_ref());
        check.receive_reachable(self);
        check.receive_replication(self);
        check.receive_labels(self);
        self.remote_write
            .check(&format!("{path}.remoteWrite"), check);
        check.write_limits();
        self.check_write_window(path, check);
        self.check_scaling(path, check);
    }

    /// Rule 25: a far-future window, not so short that drifting clocks are refused, and
    /// Cap'n Proto bound to localhost.
    fn check_write_window(&self, path: &str, check: &mut Checker) {
        let window_path = format!("{path}.tooFarInFuture");
        match &self.too_far_in_future {
            None => check.warning(
                &window_path,
                "one sample stamped far in the future moves its tenant's head, and its current samples are then refused and dropped",
                "set tooFarInFuture: 5m",
            ),
            Some(window) if check.parsed(&window_path) && window.as_secs() < 60 => check.error(
                &window_path,
                format!(
                    "a window of {} refuses the samples of edges whose clocks drift a little",
                    shown(window.as_str())
                ),
                "keep at least 1m, such as 5m",
            ),
            Some(_) => {}
        }
        if self.capnproto {
            check.warning(
                &format!("{path}.capnproto"),
                "Cap'n Proto replication (port 19391) accepts writes for any tenant from any pod that reaches it, without TLS",
                "set capnproto: false: Receive then replicates over gRPC and listens for Cap'n Proto on 127.0.0.1 only",
            );
        }
    }
}
