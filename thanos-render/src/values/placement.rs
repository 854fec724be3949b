//! The placement and disruption-budget keys the chart has alike for Prometheus,
//! Alertmanager and the Thanos Ruler.

use k8s_openapi::api::core::v1::TopologySpreadConstraint;
use serde::Serialize;

/// `podAntiAffinity` and `topologySpreadConstraints` of a spec (`prometheusSpec`,
/// `alertmanagerSpec`, `thanosRulerSpec`), flattened into it; empty, the chart's own
/// (`soft`, no spread).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartPlacement {
    /// `podAntiAffinity`: `hard` requires the replicas on different nodes (the chart's
    /// `podAntiAffinityTopologyKey`, `kubernetes.io/hostname`).
    pub pod_anti_affinity: Option<AntiAffinity>,
    /// `topologySpreadConstraints`: the replicas even over the fleet's zones.
    pub topology_spread_constraints: Option<Vec<TopologySpreadConstraint>>,
}

/// The chart's `podAntiAffinity` values this tree sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AntiAffinity {
    /// Required: never two replicas on one node.
    Hard,
}

/// `<component>.podDisruptionBudget`: a drain keeps `minAvailable` replicas running.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DisruptionBudgetValues {
    /// `enabled`.
    pub enabled: bool,
    /// `minAvailable`: every replica but one.
    pub min_available: u32,
}
