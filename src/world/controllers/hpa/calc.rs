//! The replica calculator of the HorizontalPodAutoscaler (`pkg/controller/podautoscaler/
//! replica_calculator.go` and `metrics/utilization.go` of Kubernetes 1.32), over plain facts
//! about pods so that it can be tested alone: which pods count, which are ignored, unready or
//! missing metrics, the tolerance, and the rebalancing that keeps a scale from flapping.

use std::collections::BTreeMap;

use crate::world::clock::Millis;

/// The controller manager's defaults (`--horizontal-pod-autoscaler-tolerance`,
/// `-cpu-initialization-period`, `-initial-readiness-delay`).
pub const TOLERANCE: f64 = 0.1;
pub const CPU_INITIALIZATION_PERIOD_MS: Millis = 5 * 60 * 1000;
pub const DELAY_OF_INITIAL_READINESS_MS: Millis = 30 * 1000;

/// What the calculator needs of one pod the target's selector picks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodFacts {
    pub name: String,
    /// `status.phase`.
    pub phase: String,
    /// Being deleted.
    pub deleting: bool,
    /// The Ready condition: (status is True, last transition).
    pub ready: Option<(bool, Millis)>,
    /// `status.startTime`.
    pub start: Option<Millis>,
    /// The sum of the containers' requests of the resource (millis), or the name of the first
    /// container without one.
    pub request: Result<i64, String>,
}

/// One pod's metric: value (millis), scrape time and window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PodMetric {
    pub value: i64,
    pub timestamp: Millis,
    pub window: Millis,
}

/// `groupPods`: (ready pod count, unready, missing, ignored).
fn group_pods(
    pods: &[PodFacts],
    metrics: &BTreeMap<String, PodMetric>,
    cpu: bool,
    now: Millis,
) -> (usize, Vec<String>, Vec<String>, Vec<String>) {
    let (mut ready, mut unready, mut missing, mut ignored) = (0, vec![], vec![], vec![]);
    for p in pods {
        if p.deleting || p.phase == "Failed" {
            ignored.push(p.name.clone());
            continue;
        }
        if p.phase == "Pending" {
            unready.push(p.name.clone());
            continue;
        }
        let Some(metric) = metrics.get(&p.name) else {
            missing.push(p.name.clone());
            continue;
        };
        if cpu {
            let is_unready = match (p.ready, p.start) {
                (Some((status, transition)), Some(start)) => {
                    if start + CPU_INITIALIZATION_PERIOD_MS > now {
                        !status || metric.timestamp < transition + metric.window
                    } else {
                        !status && start + DELAY_OF_INITIAL_READINESS_MS > transition
                    }
                }
                _ => true,
            };
            if is_unready {
                unready.push(p.name.clone());
                continue;
            }
        }
        ready += 1;
    }
    (ready, unready, missing, ignored)
}

/// `calculatePodRequests`: every pod's request, or the error for the first pod (in name order)
/// with a container without one.
fn requests(pods: &[PodFacts], resource: &str) -> Result<BTreeMap<String, i64>, String> {
    let mut out = BTreeMap::new();
    for p in pods {
        match &p.request {
            Ok(r) => {
                out.insert(p.name.clone(), *r);
            }
            Err(container) => {
                return Err(format!(
                    "missing request for {resource} in container {container} of Pod {}",
                    p.name
                ));
            }
        }
    }
    Ok(out)
}

/// `GetResourceUtilizationRatio`: (ratio, utilization %, raw average value).
fn utilization_ratio(
    metrics: &BTreeMap<String, PodMetric>,
    requests: &BTreeMap<String, i64>,
    target: i32,
) -> Result<(f64, i32, i64), String> {
    let (mut total, mut req_total, mut n) = (0i64, 0i64, 0i64);
    for (name, m) in metrics {
        let Some(r) = requests.get(name) else {
            continue;
        };
        total = total.saturating_add(m.value);
        req_total = req_total.saturating_add(*r);
        n += 1;
    }
    if req_total == 0 {
        return Err("no metrics returned matched known pods".into());
    }
    let util = (total.saturating_mul(100) / req_total) as i32;
    Ok((f64::from(util) / f64::from(target), util, total / n.max(1)))
}

/// The answer of [`resource_replicas`]: replicas, utilization (%), raw average (millis).
pub type ResourceAnswer = (i32, i32, i64);

/// `GetResourceReplicas`: the replicas a utilization target asks for.
pub fn resource_replicas(
    current: i32,
    target: i32,
    resource: &str,
    pods: &[PodFacts],
    mut metrics: BTreeMap<String, PodMetric>,
    now: Millis,
) -> Result<ResourceAnswer, String> {
    if pods.is_empty() {
        return Err("no pods returned by selector while calculating replica count".into());
    }
    let (ready, unready, missing, ignored) = group_pods(pods, &metrics, resource == "cpu", now);
    for n in ignored.iter().chain(&unready) {
        metrics.remove(n);
    }
    let requests = requests(pods, resource)?;
    if metrics.is_empty() {
        return Err("did not receive metrics for targeted pods (pods might be unready)".into());
    }
    let (ratio, util, raw) = utilization_ratio(&metrics, &requests, target)?;
    let scale_up_with_unready = !unready.is_empty() && ratio > 1.0;
    if !scale_up_with_unready && missing.is_empty() {
        if (1.0 - ratio).abs() <= TOLERANCE {
            return Ok((current, util, raw));
        }
        return Ok(((ratio * ready as f64).ceil() as i32, util, raw));
    }
    if !missing.is_empty() {
        if ratio < 1.0 {
            let fallback = i64::from(target.max(100));
            for n in &missing {
                let r = requests.get(n).copied().unwrap_or(0);
                metrics.insert(n.clone(), filled(r * fallback / 100));
            }
        } else if ratio > 1.0 {
            for n in &missing {
                metrics.insert(n.clone(), filled(0));
            }
        }
    }
    if scale_up_with_unready {
        for n in &unready {
            metrics.insert(n.clone(), filled(0));
        }
    }
    let (new_ratio, _, _) = utilization_ratio(&metrics, &requests, target)?;
    if (1.0 - new_ratio).abs() <= TOLERANCE
        || (ratio < 1.0 && new_ratio > 1.0)
        || (ratio > 1.0 && new_ratio < 1.0)
    {
        return Ok((current, util, raw));
    }
    let new_replicas = (new_ratio * metrics.len() as f64).ceil() as i32;
    if (new_ratio < 1.0 && new_replicas > current) || (new_ratio > 1.0 && new_replicas < current) {
        return Ok((current, util, raw));
    }
    Ok((new_replicas, util, raw))
}

fn filled(value: i64) -> PodMetric {
    PodMetric {
        value,
        timestamp: 0,
        window: 0,
    }
}

/// `GetRawResourceReplicas` (`calcPlainMetricReplicas`): the replicas an average value target
/// (millis) asks for; (replicas, average usage).
pub fn raw_resource_replicas(
    current: i32,
    target: i64,
    resource: &str,
    pods: &[PodFacts],
    mut metrics: BTreeMap<String, PodMetric>,
    now: Millis,
) -> Result<(i32, i64), String> {
    if pods.is_empty() {
        return Err("no pods returned by selector while calculating replica count".into());
    }
    let (ready, unready, missing, ignored) = group_pods(pods, &metrics, resource == "cpu", now);
    for n in ignored.iter().chain(&unready) {
        metrics.remove(n);
    }
    if metrics.is_empty() {
        return Err("did not receive metrics for targeted pods (pods might be unready)".into());
    }
    let usage = |m: &BTreeMap<String, PodMetric>| {
        let total: i64 = m.values().map(|v| v.value).sum();
        let avg = total / m.len().max(1) as i64;
        (avg as f64 / target.max(1) as f64, avg)
    };
    let (ratio, avg) = usage(&metrics);
    let scale_up_with_unready = !unready.is_empty() && ratio > 1.0;
    if !scale_up_with_unready && missing.is_empty() {
        if (1.0 - ratio).abs() <= TOLERANCE {
            return Ok((current, avg));
        }
        return Ok(((ratio * ready as f64).ceil() as i32, avg));
    }
    if !missing.is_empty() {
        let v = if ratio < 1.0 { target } else { 0 };
        for n in &missing {
            metrics.insert(n.clone(), filled(v));
        }
    }
    if scale_up_with_unready {
        for n in &unready {
            metrics.insert(n.clone(), filled(0));
        }
    }
    let (new_ratio, _) = usage(&metrics);
    if (1.0 - new_ratio).abs() <= TOLERANCE
        || (ratio < 1.0 && new_ratio > 1.0)
        || (ratio > 1.0 && new_ratio < 1.0)
    {
        return Ok((current, avg));
    }
    let new_replicas = (new_ratio * metrics.len() as f64).ceil() as i32;
    if (new_ratio < 1.0 && new_replicas > current) || (new_ratio > 1.0 && new_replicas < current) {
        return Ok((current, avg));
    }
    Ok((new_replicas, avg))
}

#[cfg(test)]
mod tests {
    //! Cases after upstream's `replica_calculator_test.go` (in our own words): pods with CPU
    //! requests, metrics in millicores, the expected replicas and utilization.
    use super::*;

    const NOW: Millis = 10 * 60 * 1000;

    fn pod(name: &str, request: i64) -> PodFacts {
        PodFacts {
            name: name.into(),
            phase: "Running".into(),
            deleting: false,
            // Ready long ago, started long ago.
            ready: Some((true, 0)),
            start: Some(0),
            request: Ok(request),
        }
    }

    fn metrics(values: &[(&str, i64)]) -> BTreeMap<String, PodMetric> {
        values
            .iter()
            .map(|(n, v)| {
                (
                    n.to_string(),
                    PodMetric {
                        value: *v,
                        timestamp: NOW - 10_000,
                        window: 15_000,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn scale_up() {
        // Three pods requesting 1 CPU each at 300m, 500m, 700m against a 30 % target: 50 %
        // utilization asks for 5.
        let pods = [pod("a", 1000), pod("b", 1000), pod("c", 1000)];
        let m = metrics(&[("a", 300), ("b", 500), ("c", 700)]);
        assert_eq!(
            resource_replicas(3, 30, "cpu", &pods, m, NOW),
            Ok((5, 50, 500))
        );
    }

    #[test]
    fn scale_down() {
        // Five pods at 100m..500m of 1 CPU against 50 %: 28 % asks for 3.
        let pods: Vec<PodFacts> = ["a", "b", "c", "d", "e"]
            .iter()
            .map(|n| pod(n, 1000))
            .collect();
        let m = metrics(&[("a", 100), ("b", 300), ("c", 500), ("d", 250), ("e", 250)]);
        assert_eq!(
            resource_replicas(5, 50, "cpu", &pods, m, NOW),
            Ok((3, 28, 280))
        );
    }

    #[test]
    fn within_tolerance_keeps_the_count() {
        // 1050m of 3 CPUs against 35 %: 35 % exactly.
        let pods = [pod("a", 1000), pod("b", 1000), pod("c", 1000)];
        let m = metrics(&[("a", 1010), ("b", 1030), ("c", 1020)]);
        let (replicas, util, _) = resource_replicas(3, 100, "cpu", &pods, m, NOW).unwrap();
        assert_eq!((replicas, util), (3, 102));
    }

    #[test]
    fn unready_pods_count_as_zero_on_a_scale_up() {
        // One of three pods not ready: ignored, then counted at 0 % on the way up.
        let mut pods = vec![pod("a", 1000), pod("b", 1000), pod("c", 1000)];
        pods[0].ready = Some((false, 0));
        pods[0].start = Some(NOW - 60_000);
        let m = metrics(&[("a", 300), ("b", 500), ("c", 700)]);
        assert_eq!(
            resource_replicas(3, 30, "cpu", &pods, m, NOW),
            Ok((4, 60, 600))
        );
    }

    #[test]
    fn missing_metrics_count_as_the_full_request_on_a_scale_down() {
        // Four pods, one without metrics, at 400m of 1 CPU against 50 %: without the fill
        // 80 % would ask for 3; with the missing pod at 100 % the ratio is 1.1, in tolerance.
        let pods: Vec<PodFacts> = ["a", "b", "c", "d"].iter().map(|n| pod(n, 1000)).collect();
        let m = metrics(&[("a", 400), ("b", 400), ("c", 400)]);
        let (replicas, util, _) = resource_replicas(4, 50, "cpu", &pods, m, NOW).unwrap();
        assert_eq!((replicas, util), (4, 40));
    }

    #[test]
    fn missing_request_and_no_metrics() {
        let mut pods = vec![pod("a", 1000)];
        pods[0].request = Err("nginx".into());
        assert_eq!(
            resource_replicas(1, 50, "cpu", &pods, metrics(&[("a", 10)]), NOW),
            Err("missing request for cpu in container nginx of Pod a".into())
        );
        let pods = [pod("a", 1000)];
        assert_eq!(
            resource_replicas(1, 50, "cpu", &pods, BTreeMap::new(), NOW),
            Err("did not receive metrics for targeted pods (pods might be unready)".into())
        );
        assert_eq!(
            resource_replicas(1, 50, "cpu", &[], BTreeMap::new(), NOW),
            Err("no pods returned by selector while calculating replica count".into())
        );
    }

    #[test]
    fn pending_and_failed_pods() {
        // A pending pod is unready (0 % on a scale up: 45 % against 50 % is within the
        // tolerance), a failed one ignored.
        let mut pods = vec![pod("a", 1000), pod("b", 1000), pod("c", 1000)];
        pods[1].phase = "Pending".into();
        pods[2].phase = "Failed".into();
        let m = metrics(&[("a", 900)]);
        assert_eq!(
            resource_replicas(3, 50, "cpu", &pods, m, NOW),
            Ok((3, 90, 900))
        );
    }

    #[test]
    fn average_value_target() {
        // Memory average value: 3 pods at 60, 60, 90 (avg 70) against 35: 6 replicas.
        let pods = [pod("a", 0), pod("b", 0), pod("c", 0)];
        let m = metrics(&[("a", 60), ("b", 60), ("c", 90)]);
        assert_eq!(
            raw_resource_replicas(3, 35, "memory", &pods, m, NOW),
            Ok((6, 70))
        );
    }
}
