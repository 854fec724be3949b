//! The Grafana dashboard JSON model: small typed builders for a dashboard of rows of
//! panels of PromQL queries, with template variables.
//!
//! Layout and panel ids are computed when the dashboard is serialized, from the order
//! rows and panels were added, so the same dashboard always gives the same JSON.

use serde::{Serialize, Serializer};
use serde_json::Value;

/// Grafana's dashboard schema version the JSON is written for.
const SCHEMA_VERSION: u32 = 39;
/// Width of the dashboard grid.
const GRID_WIDTH: u32 = 24;
/// Height of a line of panels.
const PANEL_HEIGHT: u32 = 8;
/// Most panels on one line.
const PANELS_PER_LINE: usize = 4;
/// Every panel queries the data source the `datasource` variable selects.
const DATASOURCE_VARIABLE: &str = "${datasource}";

/// A dashboard.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    uid: String,
    title: String,
    description: Option<String>,
    tags: Vec<String>,
    variables: Vec<Variable>,
    rows: Vec<Row>,
}

/// A titled row of panels.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    title: String,
    panels: Vec<Panel>,
}

/// A panel showing one or more queries.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    kind: PanelKind,
    title: String,
    description: Option<String>,
    unit: Unit,
    red_at: Option<f64>,
    queries: Vec<PanelQuery>,
}

/// How a panel draws its queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelKind {
    /// Lines over time.
    TimeSeries,
    /// The last value, large.
    Stat,
}

/// The unit of a panel's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Requests per second.
    RequestsPerSecond,
    /// Operations per second.
    OpsPerSecond,
    /// A ratio shown as a percentage (0.05 is 5%).
    Ratio,
    /// Seconds.
    Seconds,
    /// Bytes.
    Bytes,
    /// A plain number.
    Count,
}

/// One PromQL query of a panel.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelQuery {
    expr: String,
    legend: String,
}

/// A template variable.
#[derive(Debug, Clone, PartialEq)]
pub enum Variable {
    /// Picks a Prometheus-type data source (the default one unless changed).
    Datasource {
        /// Variable name.
        name: String,
    },
    /// Values of a label, from a `label_values(...)` query.
    LabelValues {
        /// Variable name.
        name: String,
        /// The `label_values(...)` query.
        query: String,
        /// One value at a time, or "All" (matching `.*`) and several at once.
        selection: Selection,
    },
}

/// How many values of a [`Variable::LabelValues`] a viewer picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// One value at a time.
    Single,
    /// "All" (matching `.*`) and several values at once.
    Multi,
}

impl Dashboard {
    /// An empty dashboard; `uid` is its stable id in Grafana (and in links).
    #[must_use]
    pub fn new(uid: impl Into<String>, title: impl Into<String>) -> Self {
        Self {
            uid: uid.into(),
            title: title.into(),
            description: None,
            tags: Vec::new(),
            variables: Vec::new(),
            rows: Vec::new(),
        }
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Adds a tag.
    #[must_use]
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// Adds a template variable.
    #[must_use]
    pub fn variable(mut self, variable: Variable) -> Self {
        self.variables.push(variable);
        self
    }

    /// Adds a row below the others.
    #[must_use]
    pub fn row(mut self, row: Row) -> Self {
        self.rows.push(row);
        self
    }

    /// The uid.
    #[must_use]
    pub fn uid(&self) -> &str {
        &self.uid
    }

    /// Every query expression, in order.
    pub fn exprs(&self) -> impl Iterator<Item = &str> {
        self.rows
            .iter()
            .flat_map(|row| &row.panels)
            .flat_map(|panel| &panel.queries)
            .map(|query| query.expr.as_str())
    }

    /// The dashboard as pretty-printed JSON.
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|error| unreachable!("a dashboard always serializes: {error}"))
    }
}

impl Row {
    /// An empty row.
    #[must_use]
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            panels: Vec::new(),
        }
    }

    /// Adds a panel to the right of the others (wrapping after four).
    #[must_use]
    pub fn panel(mut self, panel: Panel) -> Self {
        self.panels.push(panel);
        self
    }
}

impl Panel {
    /// A time-series panel.
    #[must_use]
    pub fn time_series(title: impl Into<String>, unit: Unit) -> Self {
        Self::new(PanelKind::TimeSeries, title.into(), unit)
    }

    /// A stat panel.
    #[must_use]
    pub fn stat(title: impl Into<String>, unit: Unit) -> Self {
        Self::new(PanelKind::Stat, title.into(), unit)
    }

    fn new(kind: PanelKind, title: String, unit: Unit) -> Self {
        Self {
            kind,
            title,
            description: None,
            unit,
            red_at: None,
            queries: Vec::new(),
        }
    }

    /// Sets the description (the panel's hover text).
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Shows values at or above `value` in red.
    #[must_use]
    pub fn red_at(mut self, value: f64) -> Self {
        self.red_at = Some(value);
        self
    }

    /// Adds a query, its series named by the `legend` template (`{{pod}}`).
    #[must_use]
    pub fn query(mut self, expr: impl Into<String>, legend: impl Into<String>) -> Self {
        self.queries.push(PanelQuery {
            expr: expr.into(),
            legend: legend.into(),
        });
        self
    }
}

impl Unit {
    /// Grafana's unit id.
    #[must_use]
    pub const fn grafana_id(self) -> &'static str {
        match self {
            Self::RequestsPerSecond => "reqps",
            Self::OpsPerSecond => "ops",
            Self::Ratio => "percentunit",
            Self::Seconds => "s",
            Self::Bytes => "bytes",
            Self::Count => "short",
        }
    }
}

impl Variable {
    /// The data source picker, named `datasource` (what every panel queries).
    #[must_use]
    pub fn datasource() -> Self {
        Self::Datasource {
            name: "datasource".to_owned(),
        }
    }

    /// A variable `name` listing the values of `label_values(...)` query `query`, of
    /// which a viewer picks one or several (`selection`).
    #[must_use]
    pub fn label_values(
        name: impl Into<String>,
        query: impl Into<String>,
        selection: Selection,
    ) -> Self {
        Self::LabelValues {
            name: name.into(),
            query: query.into(),
            selection,
        }
    }
}

// The JSON shapes below are Grafana's; nothing outside this file sees them.

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DashboardJson<'a> {
    uid: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    tags: &'a [String],
    editable: bool,
    graph_tooltip: u8,
    refresh: &'static str,
    schema_version: u32,
    time: TimeJson,
    timezone: &'static str,
    templating: TemplatingJson,
    panels: Vec<PanelJson<'a>>,
}

#[derive(Serialize)]
struct TimeJson {
    from: &'static str,
    to: &'static str,
}

#[derive(Serialize)]
struct TemplatingJson {
    list: Vec<Value>,
}

#[serde_with::skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PanelJson<'a> {
    id: u32,
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'a str,
    description: Option<&'a str>,
    grid_pos: GridPos,
    datasource: Option<DatasourceRef>,
    field_config: Option<Value>,
    options: Option<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    targets: Vec<TargetJson<'a>>,
    collapsed: Option<bool>,
}

#[derive(Serialize, Clone, Copy)]
struct GridPos {
    h: u32,
    w: u32,
    x: u32,
    y: u32,
}

#[derive(Serialize)]
struct DatasourceRef {
    #[serde(rename = "type")]
    kind: &'static str,
    uid: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TargetJson<'a> {
    ref_id: String,
    datasource: DatasourceRef,
    expr: &'a str,
    legend_format: &'a str,
}

fn prometheus() -> DatasourceRef {
    DatasourceRef {
        kind: "prometheus",
        uid: DATASOURCE_VARIABLE,
    }
}

impl Panel {
    fn json(&self, id: u32, grid_pos: GridPos) -> PanelJson<'_> {
        let mut defaults = serde_json::json!({ "unit": self.unit.grafana_id() });
        if let Some(red_at) = self.red_at {
            defaults["thresholds"] = serde_json::json!({
                "mode": "absolute",
                "steps": [
                    {"color": "green", "value": null},
                    {"color": "red", "value": red_at}
                ]
            });
        }
        let (kind, options) = match self.kind {
            PanelKind::TimeSeries => (
                "timeseries",
                serde_json::json!({
                    "legend": {"displayMode": "list", "placement": "bottom", "showLegend": true},
                    "tooltip": {"mode": "multi", "sort": "desc"}
                }),
            ),
            PanelKind::Stat => (
                "stat",
                serde_json::json!({
                    "colorMode": if self.red_at.is_some() { "background" } else { "value" },
                    "graphMode": "none",
                    "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": false}
                }),
            ),
        };
        PanelJson {
            id,
            kind,
            title: &self.title,
            description: self.description.as_deref(),
            grid_pos,
            datasource: Some(prometheus()),
            field_config: Some(serde_json::json!({ "defaults": defaults, "overrides": [] })),
            options: Some(options),
            targets: self
                .queries
                .iter()
                .zip(ref_ids())
                .map(|(query, ref_id)| TargetJson {
                    ref_id,
                    datasource: prometheus(),
                    expr: &query.expr,
                    legend_format: &query.legend,
                })
                .collect(),
            collapsed: None,
        }
    }
}

/// `A`, `B`, ..., `Z`, `AA`, `AB`, ...
fn ref_ids() -> impl Iterator<Item = String> {
    (0u32..).map(|mut index| {
        let mut id = String::new();
        loop {
            id.insert(0, char::from(b'A' + u8::try_from(index % 26).unwrap_or(0)));
            if index < 26 {
                break id;
            }
            index = index / 26 - 1;
        }
    })
}

impl Variable {
    fn json(&self) -> Value {
        match self {
            Self::Datasource { name } => serde_json::json!({
                "name": name,
                "label": "Data source",
                "type": "datasource",
                "query": "prometheus",
                "current": {},
                "hide": 0,
                "options": [],
                "refresh": 1,
                "regex": ""
            }),
            Self::LabelValues {
                name,
                query,
                selection,
            } => {
                let multi = *selection == Selection::Multi;
                let mut variable = serde_json::json!({
                    "name": name,
                    "label": name,
                    "type": "query",
                    "datasource": prometheus(),
                    "query": query,
                    "definition": query,
                    "current": {},
                    "hide": 0,
                    "options": [],
                    "refresh": 2,
                    "sort": 1,
                    "includeAll": multi,
                    "multi": multi
                });
                if multi {
                    variable["allValue"] = Value::from(".*");
                }
                variable
            }
        }
    }
}

impl Serialize for Dashboard {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut panels = Vec::new();
        let mut next_id = 1;
        let mut y = 0;
        for row in &self.rows {
            panels.push(PanelJson {
                id: next_id,
                kind: "row",
                title: &row.title,
                description: None,
                grid_pos: GridPos {
                    h: 1,
                    w: GRID_WIDTH,
                    x: 0,
                    y,
                },
                datasource: None,
                field_config: None,
                options: None,
                targets: Vec::new(),
                collapsed: Some(false),
            });
            next_id += 1;
            y += 1;
            let per_line = row.panels.len().clamp(1, PANELS_PER_LINE);
            let width = GRID_WIDTH / u32::try_from(per_line).unwrap_or(1);
            for (index, panel) in row.panels.iter().enumerate() {
                let (line, column) = (index / per_line, index % per_line);
                let grid_pos = GridPos {
                    h: PANEL_HEIGHT,
                    w: width,
                    x: width * u32::try_from(column).unwrap_or(0),
                    y: y + PANEL_HEIGHT * u32::try_from(line).unwrap_or(0),
                };
                panels.push(panel.json(next_id, grid_pos));
                next_id += 1;
            }
            let lines = row.panels.len().div_ceil(per_line);
            y += PANEL_HEIGHT * u32::try_from(lines).unwrap_or(0);
        }
        DashboardJson {
            uid: &self.uid,
            title: &self.title,
            description: self.description.as_deref(),
            tags: &self.tags,
            editable: false,
            graph_tooltip: 1,
            refresh: "1m",
            schema_version: SCHEMA_VERSION,
            time: TimeJson {
                from: "now-6h",
                to: "now",
            },
            timezone: "browser",
            templating: TemplatingJson {
                list: self.variables.iter().map(Variable::json).collect(),
            },
            panels,
        }
        .serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::{ref_ids, Dashboard, Panel, Row, Selection, Unit, Variable};

    fn example() -> Value {
        let dashboard = Dashboard::new("uid-1", "Title")
            .tag("thanos")
            .variable(Variable::datasource())
            .variable(Variable::label_values(
                "job",
                "label_values(up, job)",
                Selection::Multi,
            ))
            .row(
                Row::new("First")
                    .panel(
                        Panel::stat("Halted", Unit::Count)
                            .red_at(1.0)
                            .query("max(x)", "{{pod}}"),
                    )
                    .panel(
                        Panel::time_series("Rate", Unit::RequestsPerSecond)
                            .query("sum(rate(a[5m]))", "a")
                            .query("sum(rate(b[5m]))", "b"),
                    ),
            )
            .row(Row::new("Second").panel(Panel::time_series("Only", Unit::Bytes)));
        serde_json::from_str(&dashboard.to_json()).unwrap()
    }

    #[test]
    fn panels_are_laid_out_in_rows_with_sequential_ids() {
        let json = example();
        // (id, type, [h, w, x, y]) of every panel.
        let layout: Vec<_> = json["panels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let grid = ["h", "w", "x", "y"].map(|key| p["gridPos"][key].as_u64().unwrap());
                (p["id"].as_u64().unwrap(), p["type"].as_str().unwrap(), grid)
            })
            .collect();
        assert_eq!(
            layout,
            [
                (1, "row", [1, 24, 0, 0]),
                (2, "stat", [8, 12, 0, 1]),
                (3, "timeseries", [8, 12, 12, 1]),
                (4, "row", [1, 24, 0, 9]),
                (5, "timeseries", [8, 24, 0, 10]),
            ]
        );
    }

    #[test]
    fn more_than_four_panels_wrap_to_a_new_line() {
        let row = (0..5).fold(Row::new("r"), |row, i| {
            row.panel(Panel::time_series(format!("p{i}"), Unit::Count))
        });
        let json: Value =
            serde_json::from_str(&Dashboard::new("u", "t").row(row).to_json()).unwrap();
        let fifth = &json["panels"][5]["gridPos"];
        assert_eq!(fifth, &json!({"h": 8, "w": 6, "x": 0, "y": 9}));
    }

    #[test]
    fn targets_query_the_datasource_variable_with_ref_ids() {
        let json = example();
        let targets = &json["panels"][2]["targets"];
        assert_eq!(
            targets,
            &json!([
                {"refId": "A", "datasource": {"type": "prometheus", "uid": "${datasource}"}, "expr": "sum(rate(a[5m]))", "legendFormat": "a"},
                {"refId": "B", "datasource": {"type": "prometheus", "uid": "${datasource}"}, "expr": "sum(rate(b[5m]))", "legendFormat": "b"}
            ])
        );
        assert_eq!(
            json["panels"][2]["fieldConfig"]["defaults"]["unit"],
            "reqps"
        );
    }

    #[test]
    fn red_threshold_is_written_for_stats() {
        let json = example();
        assert_eq!(
            json["panels"][1]["fieldConfig"]["defaults"]["thresholds"]["steps"][1],
            json!({"color": "red", "value": 1.0})
        );
    }

    #[test]
    fn variables_are_a_datasource_and_label_values() {
        let json = example();
        let list = json["templating"]["list"].as_array().unwrap();
        assert_eq!(list[0]["type"], "datasource");
        assert_eq!(list[0]["query"], "prometheus");
        assert_eq!(list[1]["type"], "query");
        assert_eq!(list[1]["query"], "label_values(up, job)");
        assert_eq!(list[1]["allValue"], ".*");
        assert_eq!(list[1]["datasource"]["uid"], "${datasource}");
    }

    #[test]
    fn ref_ids_count_like_spreadsheet_columns() {
        let ids: Vec<_> = ref_ids().take(28).collect();
        assert_eq!(ids[0], "A");
        assert_eq!(ids[25], "Z");
        assert_eq!(ids[26], "AA");
        assert_eq!(ids[27], "AB");
    }
}
