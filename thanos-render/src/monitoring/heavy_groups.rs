//! The chart's rule groups that read long ranges, given an evaluation interval of their
//! own.
//!
//! `kube-apiserver-burnrate.rules` records the API server's error-budget burn rates over
//! windows up to `[1d]` and `[3d]` of raw samples, for every cluster, at the evaluator's
//! interval (30s): the heaviest queries the Ruler runs, repeated twice a minute. Its
//! shortest window is 5m, so one evaluation a minute still gives that window five fresh
//! points, and halves the load. (The chart already gives
//! `kube-apiserver-availability.rules`, with its `[30d]` ranges, an interval of 3m.)
//! The chart's templates have no value for a group's interval, so the central overlay
//! patches the rendered PrometheusRule ([`HeavyGroup::rule_name`]).

use super::Duration;

/// A chart rule group and the interval it is evaluated at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeavyGroup {
    /// The chart's template suffix, which is also the group's name.
    pub group: &'static str,
    /// Its interval.
    pub interval: Duration,
}

impl HeavyGroup {
    /// `metadata.name` of the chart's PrometheusRule holding the group, for the chart's
    /// full name `fullname`: `printf "%s-%s" fullname group | trunc 63 | trimSuffix "-"`,
    /// as the chart's template writes it.
    #[must_use]
    pub fn rule_name(&self, fullname: &str) -> String {
        thanos_model::helm_trunc(&format!("{fullname}-{}", self.group), 63)
    }
}

/// The chart's heavy groups.
#[must_use]
pub fn heavy_groups() -> Vec<HeavyGroup> {
    vec![HeavyGroup {
        group: "kube-apiserver-burnrate.rules",
        interval: Duration::minutes(1),
    }]
}

#[cfg(test)]
mod tests {
    use super::heavy_groups;

    #[test]
    fn the_rule_name_is_the_charts() {
        let burnrate = &heavy_groups()[0];
        assert_eq!(
            burnrate.rule_name("kube-prometheus-stack"),
            "kube-prometheus-stack-kube-apiserver-burnrate.rules"
        );
        // Cut at 63 characters, without a trailing "-".
        assert_eq!(
            burnrate.rule_name("a-very-long-release-name-k"),
            "a-very-long-release-name-k-kube-apiserver-burnrate.rules"
        );
        assert_eq!(burnrate.rule_name(&"x".repeat(33)).len(), 63);
        assert_eq!(burnrate.rule_name(&"x".repeat(62)), "x".repeat(62));
    }
}
