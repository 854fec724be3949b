//! Issue 16's rules that compare settings across the fleet: Ingress TLS (37).

use super::Checker;

impl Checker<'_> {
    /// Rule 37: without `security.ingressTls`, the Ingresses the controller terminates
    /// (Grafana's, Query's) serve logins, session cookies and every cluster's metrics
    /// over plain HTTP: a warning naming them.
    pub(crate) fn plain_http_ingresses(&mut self, path: &str) {
        let central = &self.fleet.central;
        let plain: Vec<&str> = [
            (central.grafana.ingress.is_some(), "Grafana"),
            (central.query.ingress.is_some(), "Query"),
        ]
        .into_iter()
        .filter_map(|(has, name)| has.then_some(name))
        .collect();
        if plain.is_empty() {
            return;
        }
        self.warning(
            path,
            format!(
                "the Ingress of {} serves plain HTTP: logins, session cookies and metrics cross the network readable",
                plain.join(" and ")
            ),
            "set security.ingressTls: {certificates: certManager} (or existingSecrets with a <component>-tls Secret each)",
        );
    }
}
