//! Thanos Receive, where the edge agents write.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    setters::setters,
    validate::{shown, Checker},
    Bytes, Cpu, Duration, Ingress, Resources, Storage, ThanosImage,
};

/// Thanos Receive as router and ingestor in one StatefulSet, with a hashring of its own
/// pods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Receive {
    /// Pods of the StatefulSet; the hashring lists exactly these. Default 1.
    pub replicas: u32,
    /// Copies of every series written (`--receive.replication-factor`); a write needs
    /// `factor / 2 + 1` of them. Default 1.
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
    /// Requests and limits.
    pub resources: Resources,
    /// An image pinned for Receive only; `None` uses the fleet's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<ThanosImage>,
}

impl Default for Receive {
    fn default() -> Self {
        Self {
            replicas: 1,
            replication_factor: 1,
            hashring_algorithm: HashringAlgorithm::Ketama,
            retention: Duration::days(1),
            labels: IndexMap::from([("receive".to_owned(), "true".to_owned())]),
            storage: Storage::new(Bytes::gibibytes(20)),
            ingress: Some(Ingress::new()),
            resources: Resources::default()
                .cpu(Cpu::millicores(200), Cpu::cores(1))
                .memory(Bytes::mebibytes(512), Bytes::gibibytes(2)),
            image: None,
        }
    }
}

impl Receive {
    setters! {
        copy replicas: u32,
        copy replication_factor: u32,
        set hashring_algorithm: HashringAlgorithm,
        set retention: Duration,
        set labels: IndexMap<String, String>,
        set storage: Storage,
        some ingress: Ingress,
        set resources: Resources,
        some image: ThanosImage,
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
        let retention = format!("{path}.retention");
        if check.parsed(&retention) && self.retention.is_zero() {
            check.warning(
                &retention,
                format!(
                    "{} keeps every block on Receive's volume for ever: the volume fills up",
                    shown(self.retention.as_str())
                ),
                "keep a day or so, such as 1d: uploaded blocks are read from the bucket",
            );
        }
        self.storage.check(&format!("{path}.storage"), check);
        self.resources.check(&format!("{path}.resources"), check);
        check.image_pin(&format!("{path}.image"), self.image.as_ref());
        check.receive_reachable(self);
        check.receive_replication(self);
        check.receive_labels(self);
    }
}
