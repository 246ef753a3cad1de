//! The LimitRanger admission plugin (`plugin/pkg/admission/limitranger/admission.go`): on pod
//! create, the mutating half fills the containers' and init containers' missing requests and
//! limits from the namespace's LimitRanges (`defaultRequest`, `default`) and notes what it set
//! in the `kubernetes.io/limit-ranger` annotation; the validating half checks pods
//! (Container and Pod items) and claims (PersistentVolumeClaim items, on create and update)
//! against `min`, `max` and `maxLimitRequestRatio`.
//!
//! Upstream walks Go maps (the items' resources), so with several violations its order of the
//! messages varies from request to request; kubelab reports them in resource-name order.

use serde_json::{Map, Value, json};

use super::World;
use super::api::error::ApiError;
use super::api::kinds::{self, KindInfo};
use super::api::meta;
use super::api::quantity::Quantity;
use super::quota_eval::{Usage, pod_resources};

const ANNOTATION: &str = "kubernetes.io/limit-ranger";

/// `resource.MaxMilliValue`.
const MAX_MILLI: i128 = (i64::MAX / 1000) as i128;

impl World {
    /// The namespace's LimitRanges, in name order.
    fn limit_ranges(&self, ns: &str) -> Vec<Value> {
        kinds::by_kind(kinds::LIMIT_RANGE)
            .map(|k| self.store.list(k, Some(ns)).cloned().collect())
            .unwrap_or_default()
    }

    /// The mutating half, for a pod being created.
    pub(crate) fn limit_ranger_defaults(&self, pod: &mut Value) {
        let ns = match meta::namespace(pod) {
            "" => "default",
            n => n,
        }
        .to_string();
        for lr in self.limit_ranges(&ns) {
            let (requests, limits) = container_defaults(&lr);
            merge_defaults(pod, &requests, &limits);
        }
    }

    /// The validating half: pods on create, claims on create and update.
    pub(crate) fn limit_ranger_validate(
        &self,
        kind: &KindInfo,
        obj: &Value,
        old: Option<&Value>,
    ) -> Result<(), ApiError> {
        let checks: fn(&Value, &Value) -> Vec<String> = match (kind.kind, old) {
            ("Pod", None) => validate_pod,
            ("PersistentVolumeClaim", _) => validate_claim,
            _ => return Ok(()),
        };
        if old.is_some_and(meta::is_deleting) {
            return Ok(());
        }
        for lr in self.limit_ranges(meta::namespace(obj)) {
            let errs = checks(&lr, obj);
            if !errs.is_empty() {
                return Err(ApiError::forbidden(format!(
                    "{} \"{}\" is forbidden: {}",
                    kind.qualified_plural(),
                    meta::name(obj),
                    aggregate(errs)
                )));
            }
        }
        Ok(())
    }
}

/// `utilerrors.NewAggregate(errs).Error()`: one message as it is, several in brackets
/// (duplicates once).
pub fn aggregate(errs: Vec<String>) -> String {
    let mut seen: Vec<String> = Vec::new();
    for e in errs {
        if !seen.contains(&e) {
            seen.push(e);
        }
    }
    if seen.len() == 1 {
        return seen.remove(0);
    }
    format!("[{}]", seen.join(", "))
}

fn list(v: Option<&Value>) -> Usage {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), Quantity::from_json(v).ok()?)))
                .collect()
        })
        .unwrap_or_default()
}

/// `defaultContainerResourceRequirements`: the Container items' `defaultRequest` and `default`
/// (raw JSON values, as stored).
fn container_defaults(lr: &Value) -> (Map<String, Value>, Map<String, Value>) {
    let mut requests = Map::new();
    let mut limits = Map::new();
    for item in meta::path(lr, &["spec", "limits"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if item.get("type").and_then(Value::as_str) != Some("Container") {
            continue;
        }
        for (field, into) in [("defaultRequest", &mut requests), ("default", &mut limits)] {
            if let Some(m) = item.get(field).and_then(Value::as_object) {
                for (k, v) in m {
                    into.insert(k.clone(), v.clone());
                }
            }
        }
    }
    (requests, limits)
}

/// `mergePodResourceRequirements`.
fn merge_defaults(pod: &mut Value, requests: &Map<String, Value>, limits: &Map<String, Value>) {
    if requests.is_empty() && limits.is_empty() {
        return;
    }
    let mut notes: Vec<String> = Vec::new();
    for (field, label) in [
        ("containers", "container"),
        ("initContainers", "init container"),
    ] {
        let Some(cs) = pod
            .get_mut("spec")
            .and_then(|s| s.get_mut(field))
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        for c in cs {
            let name = c
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let mut set = |which: &str, defaults: &Map<String, Value>| -> Vec<String> {
                let mut added = Vec::new();
                for (k, v) in defaults {
                    let slot = meta::path_mut(c, &["resources", which]);
                    if !slot.is_object() {
                        *slot = json!({});
                    }
                    if let Some(m) = slot.as_object_mut()
                        && !m.contains_key(k)
                    {
                        m.insert(k.clone(), v.clone());
                        added.push(k.clone());
                    }
                }
                added.sort();
                added
            };
            let set_limits = set("limits", limits);
            let set_requests = set("requests", requests);
            if !set_requests.is_empty() {
                notes.push(format!(
                    "{} request for {label} {name}",
                    set_requests.join(", ")
                ));
            }
            if !set_limits.is_empty() {
                notes.push(format!(
                    "{} limit for {label} {name}",
                    set_limits.join(", ")
                ));
            }
        }
    }
    if !notes.is_empty() {
        let ann = meta::path_mut(pod, &["metadata", "annotations"]);
        if !ann.is_object() {
            *ann = json!({});
        }
        ann[ANNOTATION] = json!(format!("LimitRanger plugin set: {}", notes.join("; ")));
    }
}

/// `requestLimitEnforcedValues`: milli-values when all three fit, whole values otherwise.
fn values(
    req: Option<&Quantity>,
    lim: Option<&Quantity>,
    enforced: &Quantity,
) -> (i128, i128, i128) {
    let v = |q: Option<&Quantity>| q.map_or(0, Quantity::value);
    let m = |q: Option<&Quantity>| q.map_or(0, Quantity::milli_value);
    if v(req) <= MAX_MILLI && v(lim) <= MAX_MILLI && enforced.value() <= MAX_MILLI {
        (m(req), m(lim), enforced.milli_value())
    } else {
        (v(req), v(lim), enforced.value())
    }
}

fn min_constraint(
    ty: &str,
    r: &str,
    enforced: &Quantity,
    req: &Usage,
    lim: &Usage,
) -> Option<String> {
    let e = enforced.canonical();
    let Some(rq) = req.get(r) else {
        return Some(format!(
            "minimum {r} usage per {ty} is {e}.  No request is specified"
        ));
    };
    let (rv, lv, ev) = values(Some(rq), lim.get(r), enforced);
    if rv < ev {
        return Some(format!(
            "minimum {r} usage per {ty} is {e}, but request is {}",
            rq.canonical()
        ));
    }
    match lim.get(r) {
        Some(l) if lv < ev => Some(format!(
            "minimum {r} usage per {ty} is {e}, but limit is {}",
            l.canonical()
        )),
        _ => None,
    }
}

fn max_constraint(
    ty: &str,
    r: &str,
    enforced: &Quantity,
    req: &Usage,
    lim: &Usage,
) -> Option<String> {
    let e = enforced.canonical();
    let Some(l) = lim.get(r) else {
        return Some(format!(
            "maximum {r} usage per {ty} is {e}.  No limit is specified"
        ));
    };
    let (rv, lv, ev) = values(req.get(r), Some(l), enforced);
    if lv > ev {
        return Some(format!(
            "maximum {r} usage per {ty} is {e}, but limit is {}",
            l.canonical()
        ));
    }
    match req.get(r) {
        Some(rq) if rv > ev => Some(format!(
            "maximum {r} usage per {ty} is {e}, but request is {}",
            rq.canonical()
        )),
        _ => None,
    }
}

/// `maxRequestConstraint` (claims: only requests count).
fn max_request_constraint(ty: &str, r: &str, enforced: &Quantity, req: &Usage) -> Option<String> {
    let e = enforced.canonical();
    let Some(rq) = req.get(r) else {
        return Some(format!(
            "maximum {r} usage per {ty} is {e}.  No request is specified"
        ));
    };
    let (rv, _, ev) = values(Some(rq), None, enforced);
    (rv > ev).then(|| {
        format!(
            "maximum {r} usage per {ty} is {e}, but request is {}",
            rq.canonical()
        )
    })
}

fn ratio_constraint(
    ty: &str,
    r: &str,
    enforced: &Quantity,
    req: &Usage,
    lim: &Usage,
) -> Option<String> {
    let e = enforced.canonical();
    let (rv, lv, _) = values(req.get(r), lim.get(r), enforced);
    if req.get(r).is_none() || rv == 0 {
        return Some(format!(
            "{r} max limit to request ratio per {ty} is {e}, but no request is specified or request is 0"
        ));
    }
    if lim.get(r).is_none() || lv == 0 {
        return Some(format!(
            "{r} max limit to request ratio per {ty} is {e}, but no limit is specified or limit is 0"
        ));
    }
    let shown = lv as f64 / rv as f64;
    let (observed, max) = if enforced.value() <= MAX_MILLI {
        (shown * 1000.0, enforced.milli_value() as f64)
    } else {
        (shown, enforced.value() as f64)
    };
    (observed > max).then(|| {
        format!("{r} max limit to request ratio per {ty} is {e}, but provided ratio is {shown:.6}")
    })
}

/// The checks of one item against one set of requests and limits.
fn check_item(item: &Value, ty: &str, req: &Usage, lim: &Usage, errs: &mut Vec<String>) {
    for (r, e) in list(item.get("min")) {
        errs.extend(min_constraint(ty, &r, &e, req, lim));
    }
    for (r, e) in list(item.get("max")) {
        errs.extend(max_constraint(ty, &r, &e, req, lim));
    }
    for (r, e) in list(item.get("maxLimitRequestRatio")) {
        errs.extend(ratio_constraint(ty, &r, &e, req, lim));
    }
}

fn items(lr: &Value) -> impl Iterator<Item = &Value> {
    meta::path(lr, &["spec", "limits"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// `PodValidateLimitFunc`.
fn validate_pod(lr: &Value, pod: &Value) -> Vec<String> {
    let mut errs = Vec::new();
    for item in items(lr) {
        match item.get("type").and_then(Value::as_str) {
            Some("Container") => {
                for field in ["containers", "initContainers"] {
                    for c in meta::path(pod, &["spec", field])
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        let req = list(meta::path(c, &["resources", "requests"]));
                        let lim = list(meta::path(c, &["resources", "limits"]));
                        check_item(item, "Container", &req, &lim, &mut errs);
                    }
                }
            }
            Some("Pod") => {
                let req = without_overhead(pod, "requests");
                let lim = without_overhead(pod, "limits");
                check_item(item, "Pod", &req, &lim, &mut errs);
            }
            _ => {}
        }
    }
    errs
}

/// The limit ranger's own `podRequests`/`podLimits`: as the quota's, without the overhead.
fn without_overhead(pod: &Value, which: &str) -> Usage {
    let mut p = pod.clone();
    if let Some(spec) = p.get_mut("spec").and_then(Value::as_object_mut) {
        spec.remove("overhead");
    }
    pod_resources(&p, which)
}

/// `PersistentVolumeClaimValidateLimitFunc`.
fn validate_claim(lr: &Value, pvc: &Value) -> Vec<String> {
    let mut errs = Vec::new();
    let req = list(meta::path(pvc, &["spec", "resources", "requests"]));
    for item in items(lr) {
        if item.get("type").and_then(Value::as_str) != Some("PersistentVolumeClaim") {
            continue;
        }
        for (r, e) in list(item.get("min")) {
            errs.extend(min_constraint(
                "PersistentVolumeClaim",
                &r,
                &e,
                &req,
                &Usage::new(),
            ));
        }
        for (r, e) in list(item.get("max")) {
            errs.extend(max_request_constraint(
                "PersistentVolumeClaim",
                &r,
                &e,
                &req,
            ));
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lr(items: Value) -> Value {
        json!({"spec": {"limits": items}})
    }

    #[test]
    fn defaults_fill_what_is_missing_and_annotate() {
        let range = lr(json!([{"type": "Container",
            "default": {"cpu": "200m", "memory": "256Mi"},
            "defaultRequest": {"cpu": "100m", "memory": "128Mi"}}]));
        let mut pod = json!({"metadata": {"name": "p"}, "spec": {
            "containers": [{"name": "nginx", "resources": {"limits": {"memory": "512Mi"}, "requests": {"memory": "512Mi"}}}],
            "initContainers": [{"name": "init"}]}});
        let (r, l) = container_defaults(&range);
        merge_defaults(&mut pod, &r, &l);
        assert_eq!(
            meta::annotation(&pod, ANNOTATION).unwrap(),
            "LimitRanger plugin set: cpu request for container nginx; cpu limit for container nginx; cpu, memory request for init container init; cpu, memory limit for init container init"
        );
        assert_eq!(
            meta::path(&pod, &["spec", "containers"]).unwrap()[0]["resources"],
            json!({"limits": {"cpu": "200m", "memory": "512Mi"}, "requests": {"cpu": "100m", "memory": "512Mi"}})
        );
    }

    #[test]
    fn container_min_max_and_ratio_messages() {
        let range = lr(json!([{"type": "Container",
            "max": {"cpu": "500m"}, "min": {"memory": "64Mi"}, "maxLimitRequestRatio": {"cpu": "2"}}]));
        let pod = json!({"spec": {"containers": [{"name": "c", "resources": {
            "limits": {"cpu": "1", "memory": "32Mi"}, "requests": {"cpu": "100m", "memory": "32Mi"}}}]}});
        assert_eq!(
            aggregate(validate_pod(&range, &pod)),
            "[minimum memory usage per Container is 64Mi, but request is 32Mi, maximum cpu usage per Container is 500m, but limit is 1, cpu max limit to request ratio per Container is 2, but provided ratio is 10.000000]"
        );
        let none = json!({"spec": {"containers": [{"name": "c"}]}});
        assert_eq!(
            aggregate(validate_pod(&range, &none)),
            "[minimum memory usage per Container is 64Mi.  No request is specified, maximum cpu usage per Container is 500m.  No limit is specified, cpu max limit to request ratio per Container is 2, but no request is specified or request is 0]"
        );
    }

    #[test]
    fn pod_items_sum_the_containers() {
        let range = lr(json!([{"type": "Pod", "max": {"memory": "1Gi"}}]));
        let pod = json!({"spec": {"containers": [
            {"name": "a", "resources": {"limits": {"memory": "768Mi"}}},
            {"name": "b", "resources": {"limits": {"memory": "512Mi"}}}]}});
        assert_eq!(
            aggregate(validate_pod(&range, &pod)),
            "maximum memory usage per Pod is 1Gi, but limit is 1280Mi"
        );
    }

    #[test]
    fn claims_are_checked_on_their_request() {
        let range = lr(
            json!([{"type": "PersistentVolumeClaim", "min": {"storage": "1Gi"}, "max": {"storage": "2Gi"}}]),
        );
        let small = json!({"spec": {"resources": {"requests": {"storage": "500Mi"}}}});
        assert_eq!(
            aggregate(validate_claim(&range, &small)),
            "minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi"
        );
        let big = json!({"spec": {"resources": {"requests": {"storage": "5Gi"}}}});
        assert_eq!(
            aggregate(validate_claim(&range, &big)),
            "maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi"
        );
    }
}
