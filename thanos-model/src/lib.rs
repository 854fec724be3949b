//! Typed, validated model of a multi-cluster Thanos monitoring fleet.
//!
//! One central cluster (Prometheus with the Thanos sidecar, Query, Receive, Store,
//! Compactor, Grafana, Alertmanager) and any number of edge clusters (Prometheus in Agent
//! mode writing to the central Receive). The model holds what an operator decides; what
//! follows from it (the edges' remote-write URL, Query's endpoints and replica labels, the
//! Receive hashring) is derived, never typed twice. Validation sees the whole fleet, so
//! mistakes that only show on a running fleet (two clusters with the same `cluster`
//! label, a replication factor above the hashring size) are refused up front.
//!
//! ```
//! use thanos_model::{Central, Edge, Fleet, Receive, S3};
//!
//! let fleet = Fleet::builder()
//!     .domain("k8s-cluster-01.example.com")
//!     .object_storage(S3::new("s3.example.com", "thanos"))
//!     .central(
//!         Central::new("cluster-01-central")
//!             .context("cluster-01")
//!             .api_address("10.0.0.1")
//!             .receive(Receive::default().replicas(3).replication_factor(3)),
//!     )
//!     .edge(Edge::new("cluster-02-edge").context("cluster-02").api_address("10.0.0.2"))
//!     .build()?;
//!
//! assert_eq!(
//!     fleet.query_replica_labels(),
//!     ["prometheus_replica", "receive_replica", "thanos_ruler_replica"],
//! );
//!
//! // The same mistake a copied overlay makes: two clusters, one `cluster` label.
//! let error = Fleet::builder()
//!     .domain("example.com")
//!     .object_storage(S3::new("s3.example.com", "thanos"))
//!     .central(Central::new("central").context("c").api_address("10.0.0.1"))
//!     .edge(Edge::new("edge-a").context("a").api_address("10.0.0.2").cluster_label("edge"))
//!     .edge(Edge::new("edge-b").context("b").api_address("10.0.0.3").cluster_label("edge"))
//!     .build()
//!     .unwrap_err();
//! assert_eq!(error.errors().next().unwrap().path, "edges[1].clusterLabel");
//! # Ok::<(), thanos_model::ValidationError>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod sizing;
mod topology;

mod agent;
mod alertmanager;
mod bytes;
mod cache;
mod central;
mod chart;
mod compactor;
mod component;
mod control_plane;
mod cpu;
mod digest;
mod duration;
mod edge;
pub mod extra_values;
mod fleet;
mod grafana;
mod grammar;
mod grammar_error;
mod image;
pub(crate) mod ingress;
pub mod labels;
mod limits;
pub(crate) mod load;
mod object_storage;
pub(crate) mod prometheus;
mod quantity;
mod query;
mod query_frontend;
mod read_limits;
mod receive;
mod receive_scaling;
mod receiver;
mod resources;
mod ruler;
mod runbook;
mod schema;
mod security;
pub mod seed;
mod sidecar;
pub(crate) mod storage;
mod store;
mod store_shards;
mod thanos_monitoring;
mod tls;
pub mod validate;

pub use agent::{AgentValues, RemoteWriteQueue};
pub use alertmanager::Alertmanager;
pub use bytes::Bytes;
pub use cache::{Cache, CacheBackend, DEFAULT_MEMCACHED_IMAGE, DEFAULT_REDIS_IMAGE};
pub use central::Central;
pub use chart::{helm_fullname, helm_trunc, Chart};
pub use compactor::{Compactor, Retention};
pub use component::Component;
pub use control_plane::ControlPlaneTargets;
pub use cpu::Cpu;
pub use digest::Digest;
pub use duration::Duration;
pub use edge::Edge;
pub use extra_values::ExtraValues;
pub use fleet::{Fleet, FleetBuilder, ValidFleet};
pub use grafana::{Grafana, GrafanaAdmin, GrafanaRbac};
pub use grammar_error::{GrammarError, GrammarErrorKind};
pub use image::{ChartImages, ThanosImage, DEFAULT_THANOS_REPOSITORY, DEFAULT_THANOS_VERSION};
pub use ingress::Ingress;
pub use limits::{ResolvedLimits, WriteLimits};
pub use load::{LoadError, SyntaxError};
pub use object_storage::{ComponentSecrets, ObjectStorage, S3Credentials, SecretKeyRef, S3};
pub use prometheus::Prometheus;
pub use query::Query;
pub use query_frontend::QueryFrontend;
pub use read_limits::ReadLimits;
pub use receive::{HashringAlgorithm, Receive};
pub use receive_scaling::ReceiveRouter;
pub use receiver::{
    AlertSeverity, Notifier, Receiver, DEAD_MANS_SWITCH_RECEIVER, RESERVED_RECEIVER_NAMES,
};
pub use resources::Resources;
pub use ruler::Ruler;
pub use runbook::{Language, RunbookOptions};
pub use security::{IngressController, PodSecurityLevel, PullPolicy, Security};
pub use sidecar::Sidecar;
pub use sizing::{FleetSizing, Need, Sizing, Workload};
pub use storage::Storage;
pub use store::Store;
pub use store_shards::{ShardBy, StoreShards, MAX_STORE_SHARDS};
pub use thanos_monitoring::ThanosMonitoringOptions;
pub use tls::{
    CertificateSource, ClientCertificate, IngressTls, IssuerKind, IssuerRef, Passthrough,
    ReceiveRemoteWrite, RemoteWriteTls, TenantField, EDGE_CLIENT_SECRET,
};
pub use topology::{Spread, Topology, HOSTNAME_KEY};
pub use validate::{Diagnostic, Severity, ValidationError};
