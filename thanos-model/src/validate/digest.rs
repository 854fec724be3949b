//! Rule 39: images pinned together. A digest's grammar is the [`Digest`](crate::Digest)
//! type's, read by the loader.

use super::Checker;

impl Checker<'_> {
    /// Rule 39: with the Thanos image pinned by digest, each chart image left unpinned
    /// warns, naming its field: a half-pinned fleet still runs whatever those tags point
    /// at.
    pub(crate) fn chart_image_digests(&mut self, path: &str) {
        // A digest that did not parse is reported here, and pins nothing.
        if self.fleet.thanos.digest.is_none() || !self.parsed("thanos.digest") {
            return;
        }
        let missing: Vec<&str> = self
            .fleet
            .chart
            .images
            .by_name()
            .into_iter()
            .filter_map(|(name, digest)| digest.is_none().then_some(name))
            .collect();
        for name in missing {
            self.warning(
                &format!("{path}.images.{name}"),
                "the Thanos image is pinned by digest but this chart image is not: it runs whatever its tag points at when a node pulls it",
                "pin it too, with the digest crane digest IMAGE:TAG prints for the chart's tag",
            );
        }
    }
}
