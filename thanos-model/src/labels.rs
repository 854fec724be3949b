//! Label names shared by the producers, Query and Compactor.
//!
//! They are constants because each is read in one place and must be written identically
//! in another (an external label and the Query flag that deduplicates on it).

/// External label naming the cluster a series comes from.
pub const CLUSTER: &str = "cluster";
/// External label the Prometheus Operator adds with the Prometheus object's name.
pub const PROMETHEUS: &str = "prometheus";
/// External label the Prometheus Operator adds with the pod name of each replica.
pub const PROMETHEUS_REPLICA: &str = "prometheus_replica";
/// External label the Prometheus Operator adds with the pod name of each Thanos Ruler
/// replica.
pub const THANOS_RULER_REPLICA: &str = "thanos_ruler_replica";
/// Block external label naming the Receive pod that wrote a block.
pub const RECEIVE_REPLICA: &str = "receive_replica";
/// Label Receive adds with the tenant of a write.
pub const TENANT: &str = "tenant_id";
