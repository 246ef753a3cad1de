//! The typed scalar fields the API server decodes with their own unmarshalers and writes back in
//! their own form: `resource.Quantity` fields (canonical text, `quantity.go` `UnmarshalJSON`)
//! and Secret `data` (`[]byte`: Go's `encoding/base64` StdEncoding, re-encoded canonically).
//! A value they cannot read fails the whole request as the decoder does:
//! `<Kind> in version "<version>" cannot be handled as a <Kind>: <decoder's message>` (400).

use crate::world::api::kinds;
use serde_json::Value;

use super::error::ApiError;
use super::kinds::KindInfo;
use super::quantity::Quantity;

/// Canonicalises the object's quantities and Secret data in place, or fails as the decoder.
pub fn decode(kind: &KindInfo, obj: &mut Value) -> Result<(), ApiError> {
    let fail = |msg: String| {
        ApiError::bad_request(format!(
            "{k} in version \"{v}\" cannot be handled as a {k}: {msg}",
            k = kind.kind,
            v = kind.version
        ))
    };
    let mut errors: Vec<String> = Vec::new();
    for_each_quantity_map(kind.kind, obj, &mut |m| {
        for v in m.values_mut() {
            if v.is_null() {
                continue;
            }
            match Quantity::from_json(v) {
                Ok(q) => *v = Value::String(q.canonical()),
                Err(e) => errors.push(e.to_string()),
            }
        }
    });
    if let Some(e) = errors.into_iter().next() {
        return Err(fail(e));
    }
    if kind.kind == kinds::SECRET
        && let Some(data) = obj.get_mut("data").and_then(Value::as_object_mut)
    {
        for v in data.values_mut() {
            let Value::String(s) = v else { continue };
            let bytes =
                super::go_base64::decode(s).map_err(|at| fail(super::go_base64::error_text(at)))?;
            use base64::Engine as _;
            *v = Value::String(base64::engine::general_purpose::STANDARD.encode(bytes));
        }
    }
    Ok(())
}

/// Calls `f` on every `map[ResourceName]Quantity` (or single quantity wrapped in a one-entry
/// view) of an object of the kind.
fn for_each_quantity_map(
    kind: &str,
    obj: &mut Value,
    f: &mut dyn FnMut(&mut serde_json::Map<String, Value>),
) {
    match kind {
        kinds::POD => pod_spec(obj.get_mut("spec"), f),
        kinds::POD_TEMPLATE => pod_template(obj.get_mut("template"), f),
        kinds::DEPLOYMENT
        | kinds::REPLICA_SET
        | kinds::DAEMON_SET
        | kinds::JOB
        | kinds::REPLICATION_CONTROLLER => pod_template(at(obj, &["spec", "template"]), f),
        kinds::STATEFUL_SET => {
            pod_template(at(obj, &["spec", "template"]), f);
            if let Some(ts) =
                at(obj, &["spec", "volumeClaimTemplates"]).and_then(Value::as_array_mut)
            {
                for t in ts {
                    pvc_spec(t.get_mut("spec"), f);
                }
            }
        }
        kinds::CRON_JOB => pod_template(at(obj, &["spec", "jobTemplate", "spec", "template"]), f),
        kinds::PERSISTENT_VOLUME_CLAIM => {
            pvc_spec(obj.get_mut("spec"), f);
            maps(at(obj, &["status", "capacity"]), f);
            maps(at(obj, &["status", "allocatedResources"]), f);
        }
        kinds::PERSISTENT_VOLUME => maps(at(obj, &["spec", "capacity"]), f),
        kinds::NODE => {
            maps(at(obj, &["status", "capacity"]), f);
            maps(at(obj, &["status", "allocatable"]), f);
        }
        kinds::RESOURCE_QUOTA => {
            maps(at(obj, &["spec", "hard"]), f);
            maps(at(obj, &["status", "hard"]), f);
            maps(at(obj, &["status", "used"]), f);
        }
        kinds::LIMIT_RANGE => {
            if let Some(ls) = at(obj, &["spec", "limits"]).and_then(Value::as_array_mut) {
                for l in ls {
                    for k in [
                        "max",
                        "min",
                        "default",
                        "defaultRequest",
                        "maxLimitRequestRatio",
                    ] {
                        maps(l.get_mut(k), f);
                    }
                }
            }
        }
        _ => {}
    }
}

fn at<'a>(obj: &'a mut Value, keys: &[&str]) -> Option<&'a mut Value> {
    let mut cur = obj;
    for k in keys {
        cur = cur.get_mut(*k)?;
    }
    Some(cur)
}

fn maps(v: Option<&mut Value>, f: &mut dyn FnMut(&mut serde_json::Map<String, Value>)) {
    if let Some(m) = v.and_then(Value::as_object_mut) {
        f(m);
    }
}

/// A single quantity field (`sizeLimit`, `storage` of a claim template) seen as a map entry.
fn single(
    parent: Option<&mut Value>,
    key: &str,
    f: &mut dyn FnMut(&mut serde_json::Map<String, Value>),
) {
    let Some(p) = parent.and_then(Value::as_object_mut) else {
        return;
    };
    let Some(v) = p.remove(key) else { return };
    let mut one = serde_json::Map::new();
    one.insert(key.to_string(), v);
    f(&mut one);
    if let Some(v) = one.remove(key) {
        p.insert(key.to_string(), v);
    }
}

fn pod_template(t: Option<&mut Value>, f: &mut dyn FnMut(&mut serde_json::Map<String, Value>)) {
    if let Some(t) = t {
        pod_spec(t.get_mut("spec"), f);
    }
}

fn pod_spec(spec: Option<&mut Value>, f: &mut dyn FnMut(&mut serde_json::Map<String, Value>)) {
    let Some(spec) = spec else { return };
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        if let Some(cs) = spec.get_mut(list).and_then(Value::as_array_mut) {
            for c in cs {
                resources(c.get_mut("resources"), f);
            }
        }
    }
    maps(spec.get_mut("overhead"), f);
    resources(spec.get_mut("resources"), f);
    if let Some(vs) = spec.get_mut("volumes").and_then(Value::as_array_mut) {
        for v in vs {
            single(v.get_mut("emptyDir"), "sizeLimit", f);
            if let Some(t) = at(v, &["ephemeral", "volumeClaimTemplate", "spec"]) {
                pvc_spec(Some(t), f);
            }
        }
    }
}

fn resources(r: Option<&mut Value>, f: &mut dyn FnMut(&mut serde_json::Map<String, Value>)) {
    if let Some(r) = r {
        maps(r.get_mut("limits"), f);
        maps(r.get_mut("requests"), f);
    }
}

fn pvc_spec(spec: Option<&mut Value>, f: &mut dyn FnMut(&mut serde_json::Map<String, Value>)) {
    if let Some(s) = spec {
        resources(s.get_mut("resources"), f);
    }
}
