//! Rules 33 to 36: settings each valid on its own whose meaning together loses data or
//! flaps.

use super::Checker;
use crate::Duration;

/// How long a block producer (Receive, the Ruler) must keep a block after cutting it: the
/// 2h block is uploaded when it is cut, and Store finds new blocks at its next sync
/// (`--sync-block-duration`, 15m by default). Deleting the local copy sooner leaves a
/// window no component serves.
const STORE_SEES_UPLOADED_BLOCK_MS: u64 = (2 * 60 + 15) * 60 * 1000;

/// An edge is silent only after this many of its scrape intervals without a sample: one
/// late or retried remote-write batch must not make it look silent.
const SILENT_EDGE_SCRAPE_INTERVALS: u64 = 3;

/// How far back an instant query looks for a series' newest sample: Prometheus'
/// `--query.lookback-delta` and Thanos Query's, 5m by default
/// (<https://prometheus.io/docs/prometheus/latest/querying/basics/#staleness>). A series
/// whose samples are further apart is missing from every instant query in between.
const LOOKBACK_DELTA_MS: u64 = 5 * 60 * 1000;

impl<'a> Checker<'a> {
    /// Every rule of the family, in the fleet file's order.
    pub(crate) fn data_safety(&mut self) {
        self.local_retention_outlives_the_upload();
        self.downsampling_off_ignores_5m_and_1h();
        self.silent_edge_window_spans_scrapes();
        self.ruler_offset_covers_remote_write();
        self.ruler_evaluates_within_lookback();
        self.scrapes_within_lookback();
    }

    /// Rule 34: the Ruler's query offset covers the remote-write lag of every edge. An
    /// agent sends a partial batch after its `batchSendDeadline`
    /// (<https://prometheus.io/docs/practices/remote_write/>, `batch_send_deadline`), so
    /// an edge's newest samples reach Receive up to that long after they were scraped;
    /// the offset (Prometheus' `rule_query_offset`, Thanos' `--rule-query-offset`) exists
    /// to evaluate rules on data already ingested. Evaluated sooner, `absent()` of an
    /// edge blinks true and rates dip on every late batch.
    fn ruler_offset_covers_remote_write(&mut self) {
        let fleet = self.fleet;
        let Some(ruler) = &fleet.central.ruler else {
            return;
        };
        let path = "central.ruler.queryOffset";
        let slowest = fleet
            .edges
            .iter()
            .enumerate()
            // The first of the slowest: max_by_key keeps the last of equals.
            .rev()
            .max_by_key(|(_, edge)| edge.agent.queue.batch_send_deadline.as_millis());
        let Some((index, edge)) = slowest else { return };
        let deadline = &edge.agent.queue.batch_send_deadline;
        if self.parsed(path)
            && self.parsed(&format!("edges[{index}].agent.queue.batchSendDeadline"))
            && ruler.query_offset.as_millis() < deadline.as_millis()
        {
            self.warning(
                path,
                format!(
                    "{} is shorter than the batch-send deadline of edge {} ({deadline}): the Ruler evaluates before that edge's newest samples reach Receive, so its absent() alerts blink and its rates dip on every late batch",
                    ruler.query_offset, edge.name
                ),
                format!("evaluate at least {deadline} in the past, such as 1m"),
            );
        }
    }

    /// Rule 35: the Ruler evaluates at least once per lookback. A recorded series gets
    /// one sample per evaluation; further apart than Query's 5m lookback delta, it is
    /// missing from every instant query between two evaluations, so dashboards show gaps
    /// and an alert over it resolves and fires again.
    fn ruler_evaluates_within_lookback(&mut self) {
        let Some(ruler) = &self.fleet.central.ruler else {
            return;
        };
        let path = "central.ruler.evaluationInterval";
        if self.parsed(path) && ruler.evaluation_interval.as_millis() > LOOKBACK_DELTA_MS {
            self.warning(
                path,
                format!(
                    "{} is longer than Query's 5m lookback delta: the series the Ruler records vanish between evaluations, and alerts over them resolve and fire again",
                    ruler.evaluation_interval
                ),
                "evaluate at least every 5m, such as 30s or 1m",
            );
        }
    }

    /// Rule 36: no cluster scrapes less often than the lookback delta (every 5m is at the
    /// edge already, and rule 14 warns above 2m). A target scraped less often than every
    /// 5m has no sample in many instant queries' window: `up` is
    /// missing between scrapes, so every `absent()` alert (target down, silent edge)
    /// fires and resolves in turn, and rates over a 5m window have one sample.
    fn scrapes_within_lookback(&mut self) {
        for (path, interval) in self.scrape_intervals() {
            if self.parsed(&path) && interval.as_millis() > LOOKBACK_DELTA_MS {
                self.error(
                    &path,
                    format!(
                        "{interval} is longer than the 5m lookback delta of Prometheus and Thanos Query: between two scrapes the series is missing from instant queries, so absent() alerts flap and 5m rates see one sample"
                    ),
                    "scrape at least every 2m, such as 30s",
                );
            }
        }
    }

    /// Receive's and the Ruler's TSDB retention keep a block until Store serves it.
    fn local_retention_outlives_the_upload(&mut self) {
        let central = &self.fleet.central;
        let mut producers = vec![("central.receive.retention", &central.receive.retention)];
        if let Some(ruler) = &central.ruler {
            producers.push(("central.ruler.retention", &ruler.retention));
        }
        for (path, retention) in producers {
            let ms = retention.as_millis();
            if self.parsed(path) && ms != 0 && ms < STORE_SEES_UPLOADED_BLOCK_MS {
                self.error(
                    path,
                    format!(
                        "{retention} deletes blocks before Thanos Store serves them: a 2h block is uploaded when it is cut and Store finds it up to 15m later, so the newest data would be in no component for a while"
                    ),
                    "keep at least 2h15m, such as 1d",
                );
            }
        }
    }

    /// With downsampling off, only the raw retention applies.
    fn downsampling_off_ignores_5m_and_1h(&mut self) {
        let compactor = &self.fleet.central.compactor;
        if compactor.downsampling {
            return;
        }
        let retention = &compactor.retention;
        let forever = |d: &Duration| match d.as_millis() {
            0 => u64::MAX,
            ms => ms,
        };
        let raw = forever(&retention.raw);
        for (field, value) in [("5m", &retention.five_minutes), ("1h", &retention.one_hour)] {
            let path = format!("central.compactor.retention.{field}");
            if self.parsed(&path) && forever(value) > raw {
                self.warning(
                    &path,
                    format!(
                        "{value} is ignored: with downsampling off there is no {field} data, and everything is deleted after the raw retention ({})",
                        retention.raw
                    ),
                    "set downsampling: true, or raise retention.raw to what you need and set 5m and 1h to it",
                );
            }
        }
    }

    /// The silent-edge window spans several scrape intervals of every edge.
    fn silent_edge_window_spans_scrapes(&mut self) {
        let fleet = self.fleet;
        let monitoring = &fleet.central.thanos_monitoring;
        let path = "central.thanosMonitoring.silentEdgeAfter";
        if !monitoring.silent_edge_alerts || fleet.central.ruler.is_none() || !self.parsed(path) {
            return;
        }
        let slowest = fleet
            .edges
            .iter()
            .map(|edge| {
                edge.agent
                    .scrape_interval
                    .as_ref()
                    .unwrap_or(&fleet.scrape_interval)
            })
            .max_by_key(|interval| interval.as_millis());
        let Some(slowest) = slowest else { return };
        if monitoring.silent_edge_after.as_millis()
            < SILENT_EDGE_SCRAPE_INTERVALS * slowest.as_millis()
        {
            self.warning(
                path,
                format!(
                    "{} is less than {SILENT_EDGE_SCRAPE_INTERVALS} scrape intervals of the slowest edge ({slowest}): one late remote-write batch makes a writing edge look silent, and the alert flaps",
                    monitoring.silent_edge_after
                ),
                format!(
                    "wait at least {SILENT_EDGE_SCRAPE_INTERVALS} scrape intervals, such as 10m"
                ),
            );
        }
    }
}
