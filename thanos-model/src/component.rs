//! The Thanos components of the central cluster and the names they are deployed under.

use std::fmt;

/// A central component with a name of its own: its workload, Service, Ingress host prefix
/// and rendered file (`<name>.yaml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Component {
    /// Thanos Query (Deployment `thanos-query`).
    Query,
    /// Thanos Receive (StatefulSet `thanos-receive`).
    Receive,
    /// Thanos query-frontend (Deployment `thanos-query-frontend`).
    QueryFrontend,
    /// Receive's routers (Deployment `thanos-receive-router`), when the fleet splits them
    /// from the ingesting pods.
    ReceiveRouter,
    /// Thanos Store (StatefulSet `thanos-store`).
    Store,
    /// Thanos Compactor (StatefulSet `thanos-compactor`).
    Compactor,
    /// Grafana (from the chart; only its Ingress host is named here).
    Grafana,
}

impl Component {
    /// The object and host name, matching the seed's pod names.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Query => "thanos-query",
            Self::Receive => "thanos-receive",
            Self::QueryFrontend => "thanos-query-frontend",
            Self::ReceiveRouter => "thanos-receive-router",
            Self::Store => "thanos-store",
            Self::Compactor => "thanos-compactor",
            Self::Grafana => "grafana",
        }
    }

    /// The value of the `app.kubernetes.io/component` label.
    #[must_use]
    pub fn kind(self) -> &'static str {
        match self {
            Self::Query => "query",
            Self::Receive => "receive",
            Self::QueryFrontend => "query-frontend",
            Self::ReceiveRouter => "receive-router",
            Self::Store => "store",
            Self::Compactor => "compactor",
            Self::Grafana => "grafana",
        }
    }
}

impl fmt::Display for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
