//! The ServiceMonitors that make the central Prometheus scrape Query, Receive, Store,
//! Compactor and the sidecars. The Ruler has the chart's own
//! (`thanosRuler.serviceMonitor.selfMonitor`, on by default), so none is made here.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use thanos_model::Component;

use super::{
    labels, promql, Endpoint, MonitoringOptions, NamespaceSelector, RelabelConfig, ServiceMonitor,
    ServiceMonitorSpec, Target,
};

/// The `app` label of the chart's sidecar discovery Service (`<chart name>-thanos-discovery`).
const SIDECAR_SERVICE_APP: &str = "kube-prometheus-stack-thanos-discovery";
/// The port every Thanos component serves `/metrics` on, in our Services and the chart's
/// discovery Service (`prometheus.thanosService.httpPortName`).
const METRICS_PORT: &str = "http";
const METRICS_PATH: &str = "/metrics";

/// One ServiceMonitor per component scraped through a Service: Query, Receive, Store,
/// Compactor (our Services) and the sidecar (the chart's `<fullname>-thanos-discovery`
/// Service), in `namespace`, each setting its component's [`Target::job`].
#[must_use]
pub fn service_monitors(namespace: &str, options: &MonitoringOptions) -> Vec<ServiceMonitor> {
    options
        .targets()
        .into_iter()
        .filter_map(|target| service_monitor(namespace, options, target))
        .collect()
}

/// The ServiceMonitor of one component, `None` for the Ruler (the chart has its own).
#[must_use]
pub fn service_monitor(
    namespace: &str,
    options: &MonitoringOptions,
    target: Target,
) -> Option<ServiceMonitor> {
    match (target, target.own_service()) {
        (_, Some(component)) => Some(component_service_monitor(namespace, options, component)),
        (Target::Sidecar, None) => Some(monitor(
            namespace,
            options,
            &format!("thanos-{}", target.slug()),
            BTreeMap::from([
                ("app".to_owned(), SIDECAR_SERVICE_APP.to_owned()),
                ("release".to_owned(), options.release_name().to_owned()),
            ]),
            Vec::new(),
            target.job(),
        )),
        (_, None) => None,
    }
}

/// The ServiceMonitor `<name>` of a component behind the project's own Service `<name>`
/// (any Thanos workload of the central overlay, the query-frontend too), its `job` the
/// Service's name.
#[must_use]
pub fn component_service_monitor(
    namespace: &str,
    options: &MonitoringOptions,
    component: Component,
) -> ServiceMonitor {
    monitor(
        namespace,
        options,
        component.name(),
        BTreeMap::from([
            (
                "app.kubernetes.io/name".to_owned(),
                component.name().to_owned(),
            ),
            ("app.kubernetes.io/part-of".to_owned(), "thanos".to_owned()),
        ]),
        // Receive has a headless and a plain Service with the same labels; scraping
        // through one of them keeps every pod scraped once.
        vec![RelabelConfig::keep(
            "__meta_kubernetes_service_name",
            &promql::regex_literal(component.name()),
        )],
        component.name(),
    )
}

/// A ServiceMonitor `name` of the Services with `selector` in `namespace`, setting `job`
/// after `relabelings`.
fn monitor(
    namespace: &str,
    options: &MonitoringOptions,
    name: &str,
    selector: BTreeMap<String, String>,
    mut relabelings: Vec<RelabelConfig>,
    job: &str,
) -> ServiceMonitor {
    relabelings.push(RelabelConfig::set("job", job));
    ServiceMonitor {
        metadata: labels::metadata(namespace, name, []),
        spec: ServiceMonitorSpec {
            selector: LabelSelector {
                match_labels: Some(selector),
                ..LabelSelector::default()
            },
            namespace_selector: Some(NamespaceSelector {
                match_names: vec![namespace.to_owned()],
                ..NamespaceSelector::default()
            }),
            endpoints: vec![Endpoint {
                port: METRICS_PORT.to_owned(),
                path: Some(METRICS_PATH.to_owned()),
                interval: options.interval(),
                relabelings,
            }],
        },
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_yaml::Value;
    use thanos_model::seed::seed;

    use super::service_monitors;
    use crate::monitoring::{Duration, MonitoringOptions, ServiceMonitor, Target};

    /// Every Service the rendered seed tree holds: (name, labels, port names).
    fn rendered_services() -> Vec<(String, BTreeMap<String, String>, Vec<String>)> {
        let tree = crate::render(&seed(3).build().unwrap());
        let mut services = Vec::new();
        for (_, content) in tree.iter().filter(|(path, _)| path.ends_with(".yaml")) {
            for document in serde_yaml::Deserializer::from_str(content) {
                let value: Value = serde::Deserialize::deserialize(document).unwrap();
                if value["kind"] != "Service" {
                    continue;
                }
                let labels = serde_yaml::from_value(value["metadata"]["labels"].clone()).unwrap();
                let ports = value["spec"]["ports"]
                    .as_sequence()
                    .unwrap()
                    .iter()
                    .map(|port| port["name"].as_str().unwrap().to_owned())
                    .collect();
                let name = value["metadata"]["name"].as_str().unwrap().to_owned();
                services.push((name, labels, ports));
            }
        }
        services
    }

    fn monitor_of(monitors: &[ServiceMonitor], target: Target) -> &ServiceMonitor {
        let name = format!("thanos-{}", target.slug());
        monitors
            .iter()
            .find(|monitor| monitor.metadata.name.as_deref() == Some(name.as_str()))
            .unwrap_or_else(|| panic!("no ServiceMonitor {name}"))
    }

    #[test]
    fn each_own_component_is_scraped_through_exactly_one_rendered_service() {
        let services = rendered_services();
        let monitors = service_monitors("monitoring", &MonitoringOptions::default());
        for target in [
            Target::Query,
            Target::Receive,
            Target::Store,
            Target::Compactor,
        ] {
            let monitor = monitor_of(&monitors, target);
            let selector = monitor.spec.selector.match_labels.as_ref().unwrap();
            let endpoint = &monitor.spec.endpoints[0];
            let keep = &endpoint.relabelings[0];
            assert_eq!(keep.source_labels, ["__meta_kubernetes_service_name"]);
            let scraped: Vec<_> = services
                .iter()
                .filter(|(_, labels, _)| selector.iter().all(|(k, v)| labels.get(k) == Some(v)))
                .filter(|(name, _, _)| Some(name.as_str()) == keep.regex.as_deref())
                .collect();
            assert_eq!(scraped.len(), 1, "{target:?}: {scraped:?}");
            assert!(
                scraped[0].2.contains(&endpoint.port),
                "{target:?}: Service {} has no port {}",
                scraped[0].0,
                endpoint.port
            );
        }
    }

    #[test]
    fn receive_selector_alone_matches_two_services_so_the_keep_step_matters() {
        let services = rendered_services();
        let monitors = service_monitors("monitoring", &MonitoringOptions::default());
        let selector = monitor_of(&monitors, Target::Receive)
            .spec
            .selector
            .match_labels
            .clone()
            .unwrap();
        let matching = services
            .iter()
            .filter(|(_, labels, _)| selector.iter().all(|(k, v)| labels.get(k) == Some(v)))
            .count();
        assert_eq!(matching, 2);
    }

    #[test]
    fn every_monitor_sets_its_components_job() {
        let monitors = service_monitors("monitoring", &MonitoringOptions::default());
        assert_eq!(monitors.len(), 5, "the Ruler is the chart's to scrape");
        for target in [
            Target::Query,
            Target::Receive,
            Target::Store,
            Target::Compactor,
            Target::Sidecar,
        ] {
            let relabelings = &monitor_of(&monitors, target).spec.endpoints[0].relabelings;
            let last = relabelings.last().unwrap();
            assert_eq!(last.target_label.as_deref(), Some("job"));
            assert_eq!(last.replacement.as_deref(), Some(target.job()));
        }
    }

    #[test]
    fn sidecar_monitor_selects_the_chart_discovery_service_of_the_release() {
        let options = MonitoringOptions::default().release("monitoring-stack");
        let monitors = service_monitors("observability", &options);
        let sidecar = monitor_of(&monitors, Target::Sidecar);
        assert_eq!(
            sidecar.spec.selector.match_labels.as_ref().unwrap(),
            &BTreeMap::from([
                (
                    "app".to_owned(),
                    "kube-prometheus-stack-thanos-discovery".to_owned()
                ),
                ("release".to_owned(), "monitoring-stack".to_owned()),
            ])
        );
        assert_eq!(
            sidecar
                .spec
                .namespace_selector
                .as_ref()
                .unwrap()
                .match_names,
            ["observability"]
        );
        assert_eq!(sidecar.metadata.namespace.as_deref(), Some("observability"));
    }

    #[test]
    fn scrape_interval_is_set_only_when_asked() {
        let default = service_monitors("monitoring", &MonitoringOptions::default());
        assert!(default
            .iter()
            .all(|m| m.spec.endpoints[0].interval.is_none()));
        let options = MonitoringOptions::default().scrape_interval(Duration::seconds(15));
        let set = service_monitors("monitoring", &options);
        assert!(set
            .iter()
            .all(|m| m.spec.endpoints[0].interval == Some(Duration::seconds(15))));
    }
}
