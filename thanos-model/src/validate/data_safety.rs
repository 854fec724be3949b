//! Rule 33: settings each valid on its own whose meaning together loses data or flaps.

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

impl Checker<'_> {
    /// Every rule of the family, in the fleet file's order.
    pub(crate) fn data_safety(&mut self) {
        self.local_retention_outlives_the_upload();
        self.downsampling_off_ignores_5m_and_1h();
        self.silent_edge_window_spans_scrapes();
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
