//! `PrometheusRule` (`monitoring.coreos.com/v1`): groups of recording and alerting rules
//! the Prometheus Operator hands to a Prometheus or a Thanos Ruler.
//!
//! Field names follow the CRD (kube-prometheus-stack 78.2.1,
//! `crd-prometheusrules.yaml`), which keeps Prometheus' own rule-file names inside
//! `spec.groups`: note `keep_firing_for`, not `keepFiringFor`.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use super::Duration;

/// A `PrometheusRule` object.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PrometheusRule {
    /// Name, namespace and labels; the labels decide which evaluator loads the rules.
    pub metadata: ObjectMeta,
    /// The rule groups.
    pub spec: PrometheusRuleSpec,
}

/// `spec` of a [`PrometheusRule`].
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct PrometheusRuleSpec {
    /// Rule groups; names must be unique within the object.
    pub groups: Vec<RuleGroup>,
}

/// A group of rules evaluated together, in order, at one interval.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleGroup {
    /// Unique name within the object.
    pub name: String,
    /// Evaluation interval; the evaluator's global interval when unset.
    pub interval: Option<Duration>,
    /// `partial_response_strategy`, read by the Thanos Ruler only: `warn` evaluates on
    /// what the reachable stores answer, `abort` (the default) fails the evaluation when
    /// one store errs.
    pub partial_response_strategy: Option<PartialResponse>,
    /// The rules.
    pub rules: Vec<Rule>,
}

/// How many copies of every series the stores Query reads hold, which decides what an
/// absence alert's group tolerates of a failing store ([`PartialResponse::for_absence`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SeriesCopies {
    /// One: a failing store's series are missing from Query's answer.
    #[default]
    One,
    /// Two or more (Receive's replication factor 2 or more, two central Prometheus
    /// replicas deduplicated by Query): one failing store leaves the answer whole.
    AtLeastTwo,
}

impl SeriesCopies {
    /// `count` copies of every series.
    #[must_use]
    pub fn of(count: u32) -> Self {
        if count >= 2 {
            Self::AtLeastTwo
        } else {
            Self::One
        }
    }
}

/// The Thanos Ruler's partial-response strategy of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PartialResponse {
    /// Evaluate on the stores that answered.
    Warn,
    /// Fail the evaluation when a store errs.
    Abort,
}

impl PartialResponse {
    /// The strategy of a group of the Thanos Ruler whose alerts fire when a series is
    /// *missing* (`absent()`, a silent edge), given whether every series it reads has a
    /// second copy on another store (Receive's replication factor 2 or more, two central
    /// Prometheus replicas deduplicated by Query).
    ///
    /// - With a second copy, `Warn`: one failing store leaves Query's deduplicated answer
    ///   whole, so the answer stays correct, and `abort` would instead fail the group and
    ///   silence the alerts of every cluster while that one store errs.
    /// - Without, `None`, the Ruler's default `abort`: the series of a failing store would
    ///   be missing from the answer, and every cluster whose series it holds would page
    ///   as down or silent. A failed evaluation is visible instead
    ///   (`ThanosRulerEvaluationFailures`, evaluated by central Prometheus).
    ///
    /// Groups whose alerts fire on a series' *value* being present (`... < 1` over one
    /// store's own series) set `Warn` themselves: a missing store can only hide such an
    /// alert, never invent one. Recording rules keep `abort`: a value recorded from
    /// partial data would be stored as if it were whole.
    #[must_use]
    pub fn for_absence(copies: SeriesCopies) -> Option<Self> {
        (copies == SeriesCopies::AtLeastTwo).then_some(Self::Warn)
    }
}

/// One rule: either recording or alerting, never both or neither (the CRD allows both
/// fields on one item; Prometheus rejects that when it loads the rules).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Rule {
    /// Records the result of an expression as a new series.
    Record(RecordingRule),
    /// Fires an alert while an expression returns something.
    Alert(AlertingRule),
}

/// A recording rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordingRule {
    /// Name of the recorded series (a metric name, `level:metric:operations` by convention).
    pub record: String,
    /// The PromQL expression.
    pub expr: String,
    /// Labels added to the recorded series.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

/// An alerting rule.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertingRule {
    /// The alert name.
    pub alert: String,
    /// The PromQL expression; every series it returns is one alert.
    pub expr: String,
    /// How long the expression must keep returning a series before the alert fires.
    #[serde(rename = "for")]
    pub pending_for: Option<Duration>,
    /// How long the alert keeps firing after the expression stops returning it.
    pub keep_firing_for: Option<Duration>,
    /// Labels added to the alert (`severity`, ...).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations (`summary`, `description`, ...); may use Go templates.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

impl PrometheusRule {
    /// A rule object with `metadata` and no groups.
    #[must_use]
    pub fn new(metadata: ObjectMeta) -> Self {
        Self {
            metadata,
            spec: PrometheusRuleSpec::default(),
        }
    }

    /// Adds a group.
    #[must_use]
    pub fn group(mut self, group: RuleGroup) -> Self {
        self.spec.groups.push(group);
        self
    }

    /// Every alerting rule, in order.
    pub fn alerts(&self) -> impl Iterator<Item = &AlertingRule> {
        self.spec
            .groups
            .iter()
            .flat_map(|group| &group.rules)
            .filter_map(|rule| match rule {
                Rule::Alert(alert) => Some(alert),
                Rule::Record(_) => None,
            })
    }

    /// Checks what Prometheus checks when it loads the rules: group names present and
    /// unique, recording names valid metric names, expressions and alert names not
    /// empty, label and annotation names valid.
    ///
    /// # Errors
    ///
    /// The first problem found, naming its place in `spec.groups`.
    pub fn validate(&self) -> Result<(), RuleError> {
        let mut seen = BTreeSet::new();
        for (index, group) in self.spec.groups.iter().enumerate() {
            if group.name.is_empty() {
                return Err(RuleError::EmptyGroupName { group: index });
            }
            if !seen.insert(group.name.as_str()) {
                return Err(RuleError::DuplicateGroup {
                    group: index,
                    name: group.name.clone(),
                });
            }
            for (position, rule) in group.rules.iter().enumerate() {
                rule.validate().map_err(|problem| RuleError::InvalidRule {
                    group: index,
                    rule: position,
                    problem,
                })?;
            }
        }
        Ok(())
    }
}

impl RuleGroup {
    /// An empty group named `name`, evaluated at the evaluator's interval.
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            interval: None,
            partial_response_strategy: None,
            rules: Vec::new(),
        }
    }

    /// Evaluates the group every `interval`.
    #[must_use]
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = Some(interval);
        self
    }

    /// Sets the Thanos Ruler's partial-response strategy; `None` is the Ruler's default,
    /// `abort`.
    #[must_use]
    pub fn partial_response(mut self, strategy: impl Into<Option<PartialResponse>>) -> Self {
        self.partial_response_strategy = strategy.into();
        self
    }

    /// Adds a rule.
    #[must_use]
    pub fn rule(mut self, rule: impl Into<Rule>) -> Self {
        self.rules.push(rule.into());
        self
    }
}

impl Rule {
    fn validate(&self) -> Result<(), RuleProblem> {
        let (expr, labels) = match self {
            Self::Record(record) => {
                if !is_metric_name(&record.record) {
                    return Err(RuleProblem::InvalidRecordName(record.record.clone()));
                }
                (&record.expr, &record.labels)
            }
            Self::Alert(alert) => {
                if alert.alert.is_empty() {
                    return Err(RuleProblem::EmptyAlertName);
                }
                if let Some(name) = alert.annotations.keys().find(|name| !is_label_name(name)) {
                    return Err(RuleProblem::InvalidAnnotationName(name.clone()));
                }
                (&alert.expr, &alert.labels)
            }
        };
        if expr.trim().is_empty() {
            return Err(RuleProblem::EmptyExpr);
        }
        if let Some(name) = labels
            .keys()
            .find(|name| !is_label_name(name) || *name == "__name__")
        {
            return Err(RuleProblem::InvalidLabelName(name.clone()));
        }
        Ok(())
    }
}

impl RecordingRule {
    /// Records `expr` as series `record`.
    #[must_use]
    pub fn new(record: impl Into<String>, expr: impl Into<String>) -> Self {
        Self {
            record: record.into(),
            expr: expr.into(),
            labels: BTreeMap::new(),
        }
    }

    /// Adds a label to the recorded series.
    #[must_use]
    pub fn label(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.insert(name.into(), value.into());
        self
    }
}

impl AlertingRule {
    /// Alert `alert` for every series `expr` returns, firing at once.
    #[must_use]
    pub fn new(alert: impl Into<String>, expr: impl Into<String>) -> Self {
        Self {
            alert: alert.into(),
            expr: expr.into(),
            pending_for: None,
            keep_firing_for: None,
            labels: BTreeMap::new(),
            annotations: BTreeMap::new(),
        }
    }

    /// Fires only once the expression has returned the series for `duration` (`for`).
    #[must_use]
    pub fn pending_for(mut self, duration: Duration) -> Self {
        self.pending_for = Some(duration);
        self
    }

    /// Keeps firing for `duration` after the expression stops returning the series.
    #[must_use]
    pub fn keep_firing_for(mut self, duration: Duration) -> Self {
        self.keep_firing_for = Some(duration);
        self
    }

    /// Adds a label to the alert.
    #[must_use]
    pub fn label(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.insert(name.into(), value.into());
        self
    }

    /// Adds an annotation to the alert.
    #[must_use]
    pub fn annotation(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.annotations.insert(name.into(), value.into());
        self
    }
}

impl From<RecordingRule> for Rule {
    fn from(rule: RecordingRule) -> Self {
        Self::Record(rule)
    }
}

impl From<AlertingRule> for Rule {
    fn from(rule: AlertingRule) -> Self {
        Self::Alert(rule)
    }
}

/// A rule object Prometheus would refuse to load.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// A group without a name.
    #[error("spec.groups[{group}].name: empty")]
    EmptyGroupName {
        /// Index of the group.
        group: usize,
    },
    /// Two groups with one name.
    #[error("spec.groups[{group}].name: group {name:?} appears twice")]
    DuplicateGroup {
        /// Index of the second group.
        group: usize,
        /// The repeated name.
        name: String,
    },
    /// A rule Prometheus would refuse.
    #[error("spec.groups[{group}].rules[{rule}]: {problem}")]
    InvalidRule {
        /// Index of the group.
        group: usize,
        /// Index of the rule within the group.
        rule: usize,
        /// What is wrong with it.
        problem: RuleProblem,
    },
}

/// What is wrong with one rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleProblem {
    /// `record` is not a metric name.
    #[error("record: {0:?} is not a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)")]
    InvalidRecordName(String),
    /// `alert` is empty.
    #[error("alert: empty")]
    EmptyAlertName,
    /// `expr` is empty.
    #[error("expr: empty")]
    EmptyExpr,
    /// A label name that is not a Prometheus label name, or `__name__`.
    #[error("labels: {0:?} is not a label name ([a-zA-Z_][a-zA-Z0-9_]*, not __name__)")]
    InvalidLabelName(String),
    /// An annotation name that is not a Prometheus label name.
    #[error("annotations: {0:?} is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)")]
    InvalidAnnotationName(String),
}

fn is_metric_name(name: &str) -> bool {
    let mut characters = name.chars();
    characters
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_' || first == ':')
        && characters.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn is_label_name(name: &str) -> bool {
    let mut characters = name.chars();
    characters
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && characters.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

super::resource::monitoring_v1_resource!(PrometheusRule, PrometheusRuleSpec, "prometheusrules");

#[cfg(test)]
mod tests {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    use serde_json::json;

    use super::{AlertingRule, PrometheusRule, RecordingRule, RuleError, RuleGroup, RuleProblem};
    use crate::monitoring::Duration;

    fn object(groups: Vec<RuleGroup>) -> PrometheusRule {
        groups.into_iter().fold(
            PrometheusRule::new(ObjectMeta {
                name: Some("rules".to_owned()),
                ..ObjectMeta::default()
            }),
            PrometheusRule::group,
        )
    }

    #[test]
    fn serializes_in_the_crd_shape() {
        let rules = object(vec![RuleGroup::new("example")
            .interval(Duration::minutes(1))
            .rule(RecordingRule::new("job:up:sum", "sum by (job) (up)").label("team", "a"))
            .rule(
                AlertingRule::new("Down", "up == 0")
                    .pending_for(Duration::minutes(5))
                    .keep_firing_for(Duration::minutes(2))
                    .label("severity", "critical")
                    .annotation("summary", "down"),
            )]);
        assert_eq!(
            serde_json::to_value(&rules).unwrap(),
            json!({
                "apiVersion": "monitoring.coreos.com/v1",
                "kind": "PrometheusRule",
                "metadata": {"name": "rules"},
                "spec": {"groups": [{
                    "name": "example",
                    "interval": "1m",
                    "rules": [
                        {"record": "job:up:sum", "expr": "sum by (job) (up)", "labels": {"team": "a"}},
                        {
                            "alert": "Down",
                            "expr": "up == 0",
                            "for": "5m",
                            "keep_firing_for": "2m",
                            "labels": {"severity": "critical"},
                            "annotations": {"summary": "down"}
                        }
                    ]
                }]}
            })
        );
    }

    #[test]
    fn unset_optional_fields_are_left_out() {
        let rules = object(vec![
            RuleGroup::new("g").rule(AlertingRule::new("A", "vector(1)"))
        ]);
        assert_eq!(
            serde_json::to_value(&rules).unwrap()["spec"],
            json!({"groups": [{"name": "g", "rules": [{"alert": "A", "expr": "vector(1)"}]}]})
        );
    }

    #[test]
    fn validation_names_the_place_of_the_problem() {
        let duplicate = object(vec![RuleGroup::new("g"), RuleGroup::new("g")]);
        assert_eq!(
            duplicate.validate().unwrap_err().to_string(),
            r#"spec.groups[1].name: group "g" appears twice"#
        );

        let bad_record = object(vec![RuleGroup::new("g")
            .rule(RecordingRule::new("ok:name", "up"))
            .rule(RecordingRule::new("not-a-metric", "up"))]);
        assert_eq!(
            bad_record.validate(),
            Err(RuleError::InvalidRule {
                group: 0,
                rule: 1,
                problem: RuleProblem::InvalidRecordName("not-a-metric".to_owned()),
            })
        );

        let bad_label = object(vec![
            RuleGroup::new("g").rule(AlertingRule::new("A", "up").label("bad-name", "x"))
        ]);
        assert_eq!(
            bad_label.validate().unwrap_err().to_string(),
            r#"spec.groups[0].rules[0]: labels: "bad-name" is not a label name ([a-zA-Z_][a-zA-Z0-9_]*, not __name__)"#
        );

        let empty_expr = object(vec![RuleGroup::new("g").rule(AlertingRule::new("A", " "))]);
        assert_eq!(
            empty_expr.validate().unwrap_err().to_string(),
            "spec.groups[0].rules[0]: expr: empty"
        );

        let unnamed = object(vec![RuleGroup::new("")]);
        assert_eq!(
            unnamed.validate(),
            Err(RuleError::EmptyGroupName { group: 0 })
        );
    }
}
