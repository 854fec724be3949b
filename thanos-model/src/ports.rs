//! Well-known ports of the Thanos components.

/// gRPC StoreAPI port of every Thanos component and the sidecar.
pub const GRPC: u16 = 10901;
/// HTTP port (metrics, probes, UI) of Receive, Store, Compactor and the sidecar.
pub const HTTP: u16 = 10902;
/// HTTP port Query serves its API and UI on, as Prometheus does, so the seed's
/// `localhost:9090` port-forwards keep working.
pub const QUERY_HTTP: u16 = 9090;
/// Receive's remote-write port (`/api/v1/receive`).
pub const REMOTE_WRITE: u16 = 19291;
