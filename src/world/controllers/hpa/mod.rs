//! The HorizontalPodAutoscaler controller (`pkg/controller/podautoscaler/horizontal.go`,
//! Kubernetes 1.32): every 15 s (`--horizontal-pod-autoscaler-sync-period`) each HPA reads its
//! target's scale, asks the replica calculator ([`calc`]) what each metric wants from the
//! resource metrics ([`crate::world::metrics`]), stabilizes and limits the answer
//! ([`normalize`]), scales the target, and writes its status: current and desired replicas,
//! the current metrics, the AbleToScale, ScalingActive and ScalingLimited conditions, and the
//! events (`SuccessfulRescale`, `FailedGetResourceMetric`, `FailedComputeMetricsReplicas`,
//! `FailedGetScale`).
//!
//! Timing as upstream's work queue: an HPA is first synced one period after it is created
//! (its key is added rate-limited), then every period; its updates do not move that (the key
//! is already queued). The controller remembers each HPA's recommendations and scale events
//! ([`Memo`]) and forgets them with the HPA. Resource metrics (CPU, memory; utilization or
//! average value) are computed; Pods, Object, External and ContainerResource metrics are not
//! simulated and the HPA says so in its events.

pub mod calc;
pub mod normalize;

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::meta;
use crate::world::api::quantity::{Format, Quantity};
use crate::world::api::selector::Selector;
use crate::world::clock::{Millis, parse_rfc3339, rfc3339};
use crate::world::events::Source;

/// `--horizontal-pod-autoscaler-sync-period`.
pub const SYNC_PERIOD_MS: Millis = 15_000;

/// The controller's memory: when each HPA is synced next and what it remembers of it.
#[derive(Debug, Clone, Default)]
pub struct Memo {
    next: BTreeMap<(String, String), Millis>,
    memory: BTreeMap<(String, String), normalize::Memory>,
}

/// Syncs the HPAs whose period is up; schedules the new ones.
pub fn run(world: &mut World) {
    let Some(kind) = kinds::by_kind(kinds::HORIZONTAL_POD_AUTOSCALER) else {
        return;
    };
    let now = world.now();
    let mut keys: Vec<(String, String)> = world
        .store
        .list_shared_in(kind, None)
        .map(|h| (meta::namespace(h).to_string(), meta::name(h).to_string()))
        .collect();
    keys.sort();
    world.hpa.next.retain(|k, _| keys.binary_search(k).is_ok());
    world
        .hpa
        .memory
        .retain(|k, _| keys.binary_search(k).is_ok());
    for key in keys {
        match world.hpa.next.get(&key).copied() {
            None => {
                world.hpa.next.insert(key, now + SYNC_PERIOD_MS);
                world.resync_at(now + SYNC_PERIOD_MS);
            }
            Some(at) if at <= now => {
                world.stats.syncs += 1;
                sync(world, &key.0, &key.1);
                world.hpa.next.insert(key, now + SYNC_PERIOD_MS);
                world.resync_at(now + SYNC_PERIOD_MS);
            }
            Some(_) => {}
        }
    }
}

fn source() -> Source {
    Source::component("horizontal-pod-autoscaler")
}

/// `setCondition`: the transition time moves only when the status changes; a new condition
/// goes last.
fn set_condition(
    status: &mut Value,
    cond: &str,
    ok: bool,
    reason: &str,
    message: &str,
    now: Millis,
) {
    let value = if ok { "True" } else { "False" };
    let list = status
        .as_object_mut()
        .map(|m| m.entry("conditions").or_insert_with(|| json!([])));
    let Some(Value::Array(list)) = list else {
        return;
    };
    let pos = list
        .iter()
        .position(|c| c.get("type").and_then(Value::as_str) == Some(cond));
    let idx = match pos {
        Some(i) => i,
        None => {
            list.push(json!({"type": cond, "status": ""}));
            list.len() - 1
        }
    };
    let c = &mut list[idx];
    if c.get("status").and_then(Value::as_str) != Some(value) {
        c["lastTransitionTime"] = json!(rfc3339(now));
    }
    c["status"] = json!(value);
    c["reason"] = json!(reason);
    c["message"] = json!(message);
}

/// The target's scale: (spec replicas, selector), or the error a GET of its scale gives.
fn scale_of(world: &World, ns: &str, hpa: &Value) -> Result<(Value, i32, Selector), String> {
    let kind = meta::str_at(hpa, &["spec", "scaleTargetRef", "kind"]).unwrap_or("");
    let name = meta::str_at(hpa, &["spec", "scaleTargetRef", "name"]).unwrap_or("");
    let api_version = meta::str_at(hpa, &["spec", "scaleTargetRef", "apiVersion"]).unwrap_or("");
    let group = api_version.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
    let Some(k) = kinds::KINDS
        .iter()
        .find(|k| k.kind == kind && k.group == group)
    else {
        return Err(format!(
            "no matches for kind \"{kind}\" in group \"{group}\""
        ));
    };
    if !matches!(
        k.kind,
        "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController"
    ) {
        return Err(format!(
            "{} \"{name}\" not found",
            format_args!("{}", k.qualified_plural())
        ));
    }
    let Some(obj) = world.object(k.kind, ns, name) else {
        return Err(format!("{} \"{name}\" not found", k.qualified_plural()));
    };
    let replicas = meta::int_at(obj, &["spec", "replicas"]).unwrap_or(1) as i32;
    let sel = meta::path(obj, &["spec", "selector"])
        .cloned()
        .unwrap_or(Value::Null);
    let selector = if k.kind == kinds::REPLICATION_CONTROLLER {
        let m: BTreeMap<String, String> = sel
            .as_object()
            .map(|o| {
                o.iter()
                    .filter_map(|(a, b)| Some((a.clone(), b.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        Selector::from_map(&m)
    } else {
        Selector::from_label_selector(&sel)
    };
    Ok((obj.clone(), replicas, selector))
}

/// What the calculator needs of a pod, for a resource.
fn pod_facts(pod: &Value, resource: &str) -> calc::PodFacts {
    let ready = meta::condition(pod, "Ready").map(|c| {
        (
            c.get("status").and_then(Value::as_str) == Some("True"),
            c.get("lastTransitionTime")
                .and_then(Value::as_str)
                .and_then(parse_rfc3339)
                .unwrap_or(0),
        )
    });
    let mut request: Result<i64, String> = Ok(0);
    let mut containers: Vec<&Value> = meta::path(pod, &["spec", "containers"])
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    if let Some(init) = meta::path(pod, &["spec", "initContainers"]).and_then(Value::as_array) {
        containers.extend(
            init.iter()
                .filter(|c| meta::str_at(c, &["restartPolicy"]) == Some("Always")),
        );
    }
    for c in containers {
        let q = meta::path(c, &["resources", "requests", resource])
            .and_then(|q| Quantity::from_json(q).ok());
        match (q, &mut request) {
            (Some(q), Ok(sum)) => *sum = sum.saturating_add(q.milli_value() as i64),
            (None, Ok(_)) => {
                request = Err(meta::str_at(c, &["name"]).unwrap_or("").to_string());
            }
            _ => {}
        }
    }
    calc::PodFacts {
        name: meta::name(pod).to_string(),
        phase: meta::str_at(pod, &["status", "phase"])
            .unwrap_or("")
            .to_string(),
        deleting: meta::path(pod, &["metadata", "deletionTimestamp"]).is_some_and(|v| !v.is_null()),
        ready,
        start: meta::str_at(pod, &["status", "startTime"]).and_then(parse_rfc3339),
        request,
    }
}

/// `GetResourceMetric`: the metric of each pod the selector picks (millis), or the error.
fn resource_metric(
    world: &World,
    ns: &str,
    selector: &Selector,
    resource: &str,
) -> Result<BTreeMap<String, calc::PodMetric>, String> {
    if !crate::world::metrics::api_available(world) {
        return Err(format!(
            "unable to get metrics for resource {resource}: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)"
        ));
    }
    let list: Vec<_> = crate::world::metrics::list_pod_metrics(world, Some(ns))
        .into_iter()
        .filter(|m| selector.matches(&m.labels))
        .collect();
    if list.is_empty() {
        return Err(format!(
            "unable to get metrics for resource {resource}: no metrics returned from resource metrics API"
        ));
    }
    Ok(list
        .into_iter()
        .map(|m| {
            let (cpu, mem) = m.totals();
            let value = if resource == "cpu" {
                cpu
            } else {
                mem.saturating_mul(1000)
            };
            (
                m.name.clone(),
                calc::PodMetric {
                    value,
                    timestamp: m.timestamp,
                    window: m.window_ms,
                },
            )
        })
        .collect())
}

/// One metric's proposal: replicas, the metric's name in reasons, its status; or the
/// ScalingActive reason, the error and the message of the event that reports it.
type Proposal = Result<(i32, String, Value), (String, String, String)>;

fn resource_proposal(
    world: &World,
    ns: &str,
    selector: &Selector,
    current: i32,
    spec: &Value,
) -> Proposal {
    let name = meta::str_at(spec, &["resource", "name"])
        .unwrap_or("")
        .to_string();
    let target = meta::path(spec, &["resource", "target"])
        .cloned()
        .unwrap_or(Value::Null);
    let fail = |e: String| {
        let reason = "FailedGetResourceMetric".to_string();
        let wrapped = format!("failed to get {name} utilization: {e}");
        (reason, wrapped.clone(), wrapped)
    };
    let pods: Vec<calc::PodFacts> = {
        let Some(pk) = kinds::by_kind(kinds::POD) else {
            return Err(fail("no pod kind".into()));
        };
        let mut v: Vec<calc::PodFacts> = world
            .store
            .list_shared_in(pk, Some(ns))
            .filter(|p| selector.matches(&meta::labels(p)))
            .map(|p| pod_facts(p, &name))
            .collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    };
    let now = world.now();
    if let Some(avg) = target.get("averageValue") {
        let t = Quantity::from_json(avg)
            .map(|q| q.milli_value() as i64)
            .unwrap_or(0);
        let metrics = resource_metric(world, ns, selector, &name).map_err(fail)?;
        let (replicas, raw) =
            calc::raw_resource_replicas(current, t, &name, &pods, metrics, now).map_err(fail)?;
        let status = json!({"type": "Resource", "resource": {"name": name,
            "current": {"averageValue": milli_quantity(raw)}}});
        return Ok((replicas, format!("{name} resource"), status));
    }
    let Some(util) = target.get("averageUtilization").and_then(Value::as_i64) else {
        return Err(fail(
            "invalid resource metric source: neither a utilization target nor a value target was set"
                .into(),
        ));
    };
    let metrics = resource_metric(world, ns, selector, &name).map_err(fail)?;
    let (replicas, pct, raw) =
        calc::resource_replicas(current, util as i32, &name, &pods, metrics, now).map_err(fail)?;
    let status = json!({"type": "Resource", "resource": {"name": name,
        "current": {"averageUtilization": pct, "averageValue": milli_quantity(raw)}}});
    Ok((
        replicas,
        format!("{name} resource utilization (percentage of request)"),
        status,
    ))
}

fn milli_quantity(milli: i64) -> String {
    Quantity::from_milli(i128::from(milli), Format::DecimalSI).canonical()
}

/// `computeReplicasForMetrics`: the largest proposal, its metric's name and the statuses.
fn compute(
    world: &mut World,
    hpa: &Value,
    ns: &str,
    selector: &Selector,
    current: i32,
    status: &mut Value,
    now: Millis,
) -> Result<(i32, String, Vec<Value>), String> {
    let specs: Vec<Value> = meta::path(hpa, &["spec", "metrics"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut statuses = vec![json!({"type": ""}); specs.len()];
    let (mut replicas, mut metric) = (0, String::new());
    let mut invalid = 0;
    let mut first: Option<(String, String)> = None;
    let mut first_error = String::new();
    for (i, spec) in specs.iter().enumerate() {
        let kind = meta::str_at(spec, &["type"]).unwrap_or("");
        let proposal = if kind == "Resource" {
            resource_proposal(world, ns, selector, current, spec)
        } else {
            let message = format!(
                "kubelab does not support {kind} metrics in HorizontalPodAutoscalers (only Resource metrics are simulated)"
            );
            Err((format!("FailedGet{kind}Metric"), message.clone(), message))
        };
        match proposal {
            Ok((r, name, st)) => {
                statuses[i] = st;
                if replicas == 0 || r > replicas {
                    replicas = r;
                    metric = name;
                }
            }
            Err((reason, err, event)) => {
                world.record_event(hpa, None, "Warning", &reason, &event, &source());
                let prefixed = if kind == "Resource" {
                    format!(
                        "failed to get {} resource metric value: {err}",
                        meta::str_at(spec, &["resource", "name"]).unwrap_or("")
                    )
                } else {
                    err.clone()
                };
                if invalid == 0 {
                    first = Some((
                        reason,
                        format!("the HPA was unable to compute the replica count: {err}"),
                    ));
                    first_error = prefixed;
                }
                invalid += 1;
            }
        }
    }
    if invalid >= specs.len() || (invalid > 0 && replicas < current) {
        if let Some((reason, message)) = first {
            set_condition(status, "ScalingActive", false, &reason, &message, now);
        }
        return Err(format!(
            "invalid metrics ({invalid} invalid out of {}), first error is: {first_error}",
            specs.len()
        ));
    }
    set_condition(
        status,
        "ScalingActive",
        true,
        "ValidMetricFound",
        &format!("the HPA was able to successfully calculate a replica count from {metric}"),
        now,
    );
    Ok((replicas, metric, statuses))
}

/// A direction's rules of `spec.behavior`, defaults filled in as the API server and the
/// controller fill them.
fn rules(hpa: &Value, dir: &str) -> normalize::Rules {
    let r = meta::path(hpa, &["spec", "behavior", dir]);
    let up = dir == "scaleUp";
    let policies = r
        .and_then(|r| r.get("policies"))
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .map(|p| normalize::Policy {
                    kind: meta::str_at(p, &["type"]).unwrap_or("Pods").to_string(),
                    value: meta::int_at(p, &["value"]).unwrap_or(0) as i32,
                    period_seconds: meta::int_at(p, &["periodSeconds"]).unwrap_or(15) as i32,
                })
                .collect()
        })
        .unwrap_or_else(|| {
            let mut v = vec![];
            if up {
                v.push(normalize::Policy {
                    kind: "Pods".into(),
                    value: 4,
                    period_seconds: 15,
                });
            }
            v.push(normalize::Policy {
                kind: "Percent".into(),
                value: 100,
                period_seconds: 15,
            });
            v
        });
    normalize::Rules {
        stabilization_seconds: r
            .and_then(|r| r.get("stabilizationWindowSeconds"))
            .and_then(Value::as_i64)
            .map(|s| s as i32)
            .unwrap_or(if up { 0 } else { 300 }),
        select: r
            .and_then(|r| r.get("selectPolicy"))
            .and_then(Value::as_str)
            .unwrap_or("Max")
            .to_string(),
        policies,
    }
}

/// `reconcileAutoscaler`.
fn sync(world: &mut World, ns: &str, name: &str) {
    let Some(hpa) = world
        .object(kinds::HORIZONTAL_POD_AUTOSCALER, ns, name)
        .cloned()
    else {
        return;
    };
    let now = world.now();
    let key = (ns.to_string(), name.to_string());
    let old_status = hpa.get("status").cloned().unwrap_or_else(|| json!({}));
    let mut status = old_status.clone();
    if !status.is_object() {
        status = json!({});
    }
    let (target, current, selector) = match scale_of(world, ns, &hpa) {
        Ok(s) => s,
        Err(e) => {
            world.record_event(&hpa, None, "Warning", "FailedGetScale", &e, &source());
            set_condition(
                &mut status,
                "AbleToScale",
                false,
                "FailedGetScale",
                &format!("the HPA controller was unable to get the target's current scale: {e}"),
                now,
            );
            write_status(world, hpa, old_status, status);
            return;
        }
    };
    set_condition(
        &mut status,
        "AbleToScale",
        true,
        "SucceededGetScale",
        "the HPA controller was able to get the target's current scale",
        now,
    );
    let memory = world.hpa.memory.entry(key.clone()).or_default();
    if memory.recommendations.is_empty() {
        memory.recommendations.push((current, now));
    }
    let min = meta::int_at(&hpa, &["spec", "minReplicas"]).unwrap_or(1) as i32;
    let max = meta::int_at(&hpa, &["spec", "maxReplicas"]).unwrap_or(0) as i32;
    let behavior = meta::path(&hpa, &["spec", "behavior"]).is_some_and(|b| !b.is_null());
    let (up, down) = (rules(&hpa, "scaleUp"), rules(&hpa, "scaleDown"));
    let mut desired = 0;
    let mut reason = String::new();
    let mut statuses: Option<Vec<Value>> = None;
    let rescale;
    if current == 0 && min != 0 {
        rescale = false;
        set_condition(
            &mut status,
            "ScalingActive",
            false,
            "ScalingDisabled",
            "scaling is disabled since the replica count of the target is zero",
            now,
        );
    } else if current > max {
        reason = "Current number of replicas above Spec.MaxReplicas".into();
        desired = max;
        rescale = desired != current;
    } else if current < min {
        reason = "Current number of replicas below Spec.MinReplicas".into();
        desired = min;
        rescale = desired != current;
    } else {
        match compute(world, &hpa, ns, &selector, current, &mut status, now) {
            Err(e) => {
                status["currentReplicas"] = json!(current);
                world.record_event(
                    &hpa,
                    None,
                    "Warning",
                    "FailedComputeMetricsReplicas",
                    &e,
                    &source(),
                );
                write_status(world, hpa, old_status, status);
                return;
            }
            Ok((proposed, metric, st)) => {
                statuses = Some(st);
                let mut rescale_metric = String::new();
                if proposed > desired {
                    desired = proposed;
                    rescale_metric = metric;
                }
                if desired > current {
                    reason = format!("{rescale_metric} above target");
                }
                if desired < current {
                    reason = "All metrics below target".into();
                }
                let memory = world.hpa.memory.entry(key.clone()).or_default();
                let n = if behavior {
                    normalize::with_behavior(memory, now, current, desired, min, max, &up, &down)
                } else {
                    normalize::without_behavior(memory, now, current, desired, min, max)
                };
                set_condition(&mut status, "AbleToScale", true, n.able.0, n.able.1, now);
                set_condition(
                    &mut status,
                    "ScalingLimited",
                    n.limited.0,
                    n.limited.1,
                    n.limited.2,
                    now,
                );
                desired = n.replicas;
                rescale = desired != current;
            }
        }
    }
    if rescale {
        let mut scaled = target;
        scaled["spec"]["replicas"] = json!(desired);
        world.write_discard(scaled);
        set_condition(
            &mut status,
            "AbleToScale",
            true,
            "SucceededRescale",
            &format!("the HPA controller was able to update the target scale to {desired}"),
            now,
        );
        world.record_event(
            &hpa,
            None,
            "Normal",
            "SuccessfulRescale",
            &format!("New size: {desired}; reason: {reason}"),
            &source(),
        );
        if behavior {
            let memory = world.hpa.memory.entry(key).or_default();
            normalize::store_scale_event(memory, now, current, desired, &up, &down);
        }
        status["lastScaleTime"] = json!(rfc3339(now));
    } else {
        desired = current;
    }
    // setStatus.
    if current == 0 {
        if let Some(m) = status.as_object_mut() {
            m.remove("currentReplicas");
        }
    } else {
        status["currentReplicas"] = json!(current);
    }
    status["desiredReplicas"] = json!(desired);
    status["currentMetrics"] = match statuses {
        Some(s) => Value::Array(s),
        None => Value::Null,
    };
    write_status(world, hpa, old_status, status);
}

/// `updateStatusIfNeeded`.
fn write_status(world: &mut World, mut hpa: Value, old: Value, status: Value) {
    if status == old {
        return;
    }
    hpa["status"] = status;
    world.write_discard(hpa);
}

/// An HPA as the API server stores it (autoscaling/v2) from an autoscaling/v1 one (the
/// conversion `kubectl autoscale` of 1.32 relies on: it creates v1 objects).
pub fn from_v1(v1: &Value) -> Value {
    let mut out = v1.clone();
    out["apiVersion"] = json!("autoscaling/v2");
    let mut spec: Map<String, Value> = v1
        .get("spec")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if let Some(pct) = spec.remove("targetCPUUtilizationPercentage") {
        spec.insert(
            "metrics".into(),
            json!([{"type": "Resource", "resource": {"name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": pct}}}]),
        );
    }
    out["spec"] = Value::Object(spec);
    if let Some(m) = out.as_object_mut() {
        m.remove("status");
    }
    out
}

/// The API server's defaults of an autoscaling/v2 HPA (`SetDefaults_HorizontalPodAutoscaler`):
/// `minReplicas` 1, a CPU utilization target of 80 % without metrics, the behavior's unset
/// fields when it has one, and the status a new object starts with.
pub fn set_defaults(obj: &mut Value) {
    // `currentMetrics` and `desiredReplicas` have no omitempty in autoscaling/v2.
    if let Some(o) = obj.as_object_mut() {
        let status = o.entry("status").or_insert_with(|| json!({}));
        if let Some(st) = status.as_object_mut() {
            st.entry("currentMetrics").or_insert(Value::Null);
            st.entry("desiredReplicas").or_insert(json!(0));
        }
    }
    let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    spec.entry("minReplicas").or_insert(json!(1));
    let empty = spec
        .get("metrics")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty);
    if empty {
        spec.insert(
            "metrics".into(),
            json!([{"type": "Resource", "resource": {"name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": 80}}}]),
        );
    }
    if let Some(b) = spec.get_mut("behavior").and_then(Value::as_object_mut) {
        for (dir, up) in [("scaleUp", true), ("scaleDown", false)] {
            let r = b.entry(dir).or_insert_with(|| json!({}));
            let Some(r) = r.as_object_mut() else {
                continue;
            };
            r.entry("selectPolicy").or_insert(json!("Max"));
            if up {
                r.entry("stabilizationWindowSeconds").or_insert(json!(0));
                r.entry("policies").or_insert(json!([
                    {"type": "Pods", "value": 4, "periodSeconds": 15},
                    {"type": "Percent", "value": 100, "periodSeconds": 15}
                ]));
            } else {
                r.entry("policies").or_insert(json!([
                    {"type": "Percent", "value": 100, "periodSeconds": 15}
                ]));
            }
        }
    }
}
