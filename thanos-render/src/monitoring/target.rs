//! The Thanos components as the central Prometheus sees them: each one's `job` label,
//! which the alerts and dashboards select on.
//!
//! | component | scraped through | `job` |
//! | --- | --- | --- |
//! | Query | Service `thanos-query`, port `http` (our ServiceMonitor) | `thanos-query` |
//! | Receive | Service `thanos-receive`, port `http` (our ServiceMonitor) | `thanos-receive` |
//! | Store | Service `thanos-store`, port `http` (our ServiceMonitor) | `thanos-store` |
//! | Compactor | Service `thanos-compactor`, port `http` (our ServiceMonitor) | `thanos-compactor` |
//! | sidecar | the chart's Service `kube-prometheus-stack-thanos-discovery` (`<fullname>-thanos-discovery`), selected by its `app` and `release` labels, port `http` (our ServiceMonitor) | `thanos-sidecar` |
//! | Ruler | the chart's Service `kube-prometheus-stack-thanos-ruler`, port `web` (the chart's ServiceMonitor, `thanosRuler.serviceMonitor.selfMonitor`) | `kube-prometheus-stack-thanos-ruler` |
//!
//! Our ServiceMonitors set `job` explicitly, so it does not depend on which Service the
//! operator found the target through; the Ruler's is the operator's default, the name of
//! the chart's Service (from the chart's name, not the release's).

use thanos_model::Component;

/// A monitored Thanos component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// Thanos Query.
    Query,
    /// Thanos Receive.
    Receive,
    /// Thanos Store.
    Store,
    /// Thanos Compactor.
    Compactor,
    /// The Thanos sidecar in the central Prometheus pods.
    Sidecar,
    /// The Thanos Ruler the chart runs from a `ThanosRuler` resource.
    Ruler,
}

/// The Service (and `job`) of the chart's Thanos Ruler: `<chart name>-thanos-ruler`.
pub const RULER_SERVICE: &str = "kube-prometheus-stack-thanos-ruler";
/// The `job` of the central Prometheus' sidecars.
pub const SIDECAR_JOB: &str = "thanos-sidecar";

impl Target {
    /// Every component, in the order dashboards and alert groups are written.
    pub const ALL: [Self; 6] = [
        Self::Query,
        Self::Receive,
        Self::Store,
        Self::Compactor,
        Self::Sidecar,
        Self::Ruler,
    ];

    /// The `job` label of the component's series.
    #[must_use]
    pub fn job(self) -> &'static str {
        match self {
            Self::Query => Component::Query.name(),
            Self::Receive => Component::Receive.name(),
            Self::Store => Component::Store.name(),
            Self::Compactor => Component::Compactor.name(),
            Self::Sidecar => SIDECAR_JOB,
            Self::Ruler => RULER_SERVICE,
        }
    }

    /// The project's own Service in front of the component, for the four Thanos
    /// workloads this project deploys.
    #[must_use]
    pub fn own_service(self) -> Option<Component> {
        match self {
            Self::Query => Some(Component::Query),
            Self::Receive => Some(Component::Receive),
            Self::Store => Some(Component::Store),
            Self::Compactor => Some(Component::Compactor),
            Self::Sidecar | Self::Ruler => None,
        }
    }

    /// Human name, as in alert and dashboard titles.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Self::Query => "Query",
            Self::Receive => "Receive",
            Self::Store => "Store",
            Self::Compactor => "Compactor",
            Self::Sidecar => "Sidecar",
            Self::Ruler => "Ruler",
        }
    }

    /// Lower-case name for object names and dashboard uids.
    #[must_use]
    pub fn slug(self) -> &'static str {
        match self {
            Self::Query => "query",
            Self::Receive => "receive",
            Self::Store => "store",
            Self::Compactor => "compactor",
            Self::Sidecar => "sidecar",
            Self::Ruler => "ruler",
        }
    }
}
