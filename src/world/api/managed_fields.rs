//! `metadata.managedFields` as the API server keeps them for Update operations
//! (`apiserver pkg/endpoints/handlers/fieldmanager`, `structured-merge-diff` v4): each write by a
//! manager adds the fields it added or changed to that manager's set and takes them from the
//! other managers' sets; fields it removed leave every set; empty entries disappear.
//!
//! The field sets follow structured-merge-diff's comparison of the object before and after the
//! write: a field that did not exist before is owned with all it contains (a map or list item
//! with children shows `.: {}`); a field that existed is descended into; a leaf that changed is
//! owned. A create compares with the Go zero value of the type, whose structs always exist
//! (`spec`, `template`, `strategy`...), which is why `f:spec` never has `.: {}`.
//! Approximations, said plainly: which lists are associative (and by which keys) and which maps
//! are atomic is decided by field name, not by the OpenAPI schema; the controllers' status
//! entries are not recorded as they write but derived when shown (see [`status_entry`]).

use crate::world::api::kinds;
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// A set of field paths; each path is a list of elements (`f:spec`, `k:{"name":"app"}`, `v:"x"`).
pub type FieldSet = BTreeSet<Vec<String>>;

/// One `managedFields` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `manager`.
    pub manager: String,
    /// `apiVersion` of the object as written.
    pub api_version: String,
    /// `time` (RFC 3339).
    pub time: String,
    /// `subresource`, when the write went through one (`scale`, `status`).
    pub subresource: Option<String>,
    /// The owned fields.
    pub set: FieldSet,
}

/// Who writes: the manager and the subresource the write goes through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Writer {
    /// The field manager.
    pub manager: String,
    /// The subresource (`scale`), if any.
    pub subresource: Option<String>,
}

/// The manager kubectl 1.32 sends for a command path (`AddFieldManagerFlagVar` defaults;
/// `--field-manager` overrides), or the user agent's program name when the command sends none.
pub fn kubectl_manager(program: &str, path: &[&str], flag: Option<&str>) -> Writer {
    let sub = |s: &str| Some(s.to_string());
    let (manager, subresource) = match path {
        ["create", ..] => ("kubectl-create".to_string(), None),
        ["apply", ..] => ("kubectl-client-side-apply".to_string(), None),
        ["replace"] => ("kubectl-replace".to_string(), None),
        ["edit"] => ("kubectl-edit".to_string(), None),
        ["patch"] => ("kubectl-patch".to_string(), None),
        ["label"] => ("kubectl-label".to_string(), None),
        ["annotate"] => ("kubectl-annotate".to_string(), None),
        ["taint"] => ("kubectl-taint".to_string(), None),
        ["set", ..] => ("kubectl-set".to_string(), None),
        ["rollout", "restart" | "pause" | "resume"] => ("kubectl-rollout".to_string(), None),
        ["run"] => ("kubectl-run".to_string(), None),
        ["expose"] => ("kubectl-expose".to_string(), None),
        ["autoscale"] => ("kubectl-autoscale".to_string(), None),
        ["scale"] => (program.to_string(), sub("scale")),
        _ => (program.to_string(), None),
    };
    let manager = match flag {
        Some(f) if !f.is_empty() => f.to_string(),
        _ => manager,
    };
    Writer {
        manager,
        subresource,
    }
}

/// Fields that are not tracked (`stripmeta.go`), plus `status` for kinds whose status is a
/// subresource (reset by the main resource's strategy).
fn stripped(path: &[String], strip_status: bool) -> bool {
    match path.first().map(String::as_str) {
        Some("f:apiVersion" | "f:kind") => path.len() == 1,
        Some("f:status") => strip_status,
        Some("f:metadata") => {
            matches!(
                path.get(1).map(String::as_str),
                Some(
                    "f:name"
                        | "f:namespace"
                        | "f:creationTimestamp"
                        | "f:selfLink"
                        | "f:uid"
                        | "f:generation"
                        | "f:managedFields"
                        | "f:resourceVersion"
                        | "f:deletionTimestamp"
                        | "f:deletionGracePeriodSeconds"
                )
            ) || path.len() == 1
        }
        _ => false,
    }
}

/// The Go zero value of a kind as unstructured JSON: the structs that always exist.
pub fn zero_object(kind: &str) -> Value {
    let meta = json!({"creationTimestamp": null});
    let template = json!({"metadata": {"creationTimestamp": null}, "spec": {"containers": null}});
    match kind {
        kinds::POD => json!({"metadata": meta, "spec": {"containers": null}, "status": {}}),
        kinds::DEPLOYMENT => {
            json!({"metadata": meta, "spec": {"selector": null, "template": template, "strategy": {}}, "status": {}})
        }
        kinds::REPLICA_SET => {
            json!({"metadata": meta, "spec": {"selector": null, "template": template}, "status": {"replicas": 0}})
        }
        kinds::STATEFUL_SET | kinds::DAEMON_SET => {
            json!({"metadata": meta, "spec": {"selector": null, "template": template, "updateStrategy": {}}, "status": {}})
        }
        kinds::JOB => json!({"metadata": meta, "spec": {"template": template}, "status": {}}),
        kinds::CRON_JOB => {
            json!({"metadata": meta, "spec": {"jobTemplate": {"metadata": {"creationTimestamp": null}, "spec": {"template": template}}}, "status": {}})
        }
        kinds::SERVICE => json!({"metadata": meta, "spec": {}, "status": {"loadBalancer": {}}}),
        kinds::PERSISTENT_VOLUME_CLAIM => {
            json!({"metadata": meta, "spec": {"resources": {}}, "status": {}})
        }
        kinds::PERSISTENT_VOLUME | kinds::NAMESPACE | kinds::NODE => {
            json!({"metadata": meta, "spec": {}, "status": {}})
        }
        _ => json!({"metadata": meta}),
    }
}

/// How a list is merged: by keys (`k:{...}` elements), as a set (`v:` elements), or atomic.
enum ListKind {
    Keys(&'static [&'static str]),
    Set,
    Atomic,
}

fn list_kind(field: &str, items: &[Value]) -> ListKind {
    let has = |k: &str| items.iter().all(|i| i.get(k).is_some());
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "env"
        | "imagePullSecrets"
        | "resourceClaims"
        | "schedulingGates" => ListKind::Keys(&["name"]),
        "ports" if has("containerPort") => ListKind::Keys(&["containerPort", "protocol"]),
        "ports" if has("port") => ListKind::Keys(&["port", "protocol"]),
        "volumeMounts" => ListKind::Keys(&["mountPath"]),
        "volumeDevices" => ListKind::Keys(&["devicePath"]),
        "conditions" => ListKind::Keys(&["type"]),
        "ownerReferences" => ListKind::Keys(&["uid"]),
        "hostAliases" => ListKind::Keys(&["ip"]),
        "topologySpreadConstraints" => ListKind::Keys(&["topologyKey", "whenUnsatisfiable"]),
        "finalizers" => ListKind::Set,
        _ => ListKind::Atomic,
    }
}

/// Maps owned as a whole (`+mapType=atomic`, `+structType=atomic`).
fn atomic_map(field: &str) -> bool {
    matches!(field, "selector" | "nodeSelector")
}

fn item_key(keys: &[&str], item: &Value) -> String {
    let mut m = Map::new();
    for k in keys {
        match item.get(*k) {
            Some(v) => {
                m.insert((*k).to_string(), v.clone());
            }
            // Defaults of key fields (`protocol`).
            None if *k == "protocol" => {
                m.insert((*k).to_string(), json!("TCP"));
            }
            None => {}
        }
    }
    format!("k:{}", Value::Object(m))
}

/// Every path inside an added value (the value's own path included).
fn add_all(field: &str, v: &Value, path: &mut Vec<String>, out: &mut FieldSet) {
    out.insert(path.clone());
    match v {
        Value::Object(m) if !atomic_map(field) => {
            for (k, x) in m {
                path.push(format!("f:{k}"));
                add_all(k, x, path, out);
                path.pop();
            }
        }
        Value::Array(items) => match list_kind(field, items) {
            ListKind::Keys(keys) => {
                for it in items {
                    path.push(item_key(keys, it));
                    add_all("", it, path, out);
                    path.pop();
                }
            }
            ListKind::Set => {
                for it in items {
                    path.push(format!("v:{it}"));
                    out.insert(path.clone());
                    path.pop();
                }
            }
            ListKind::Atomic => {}
        },
        _ => {}
    }
}

/// Compares two values at `path`: fields added or changed into `changed`, removed into
/// `removed`.
fn compare(
    field: &str,
    old: &Value,
    new: &Value,
    path: &mut Vec<String>,
    changed: &mut FieldSet,
    removed: &mut FieldSet,
) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) if !atomic_map(field) => {
            if a.is_empty() && b.is_empty() {
                return;
            }
            for (k, y) in b {
                path.push(format!("f:{k}"));
                match a.get(k) {
                    None => add_all(k, y, path, changed),
                    Some(x) => compare(k, x, y, path, changed, removed),
                }
                path.pop();
            }
            for k in a.keys() {
                if !b.contains_key(k) {
                    path.push(format!("f:{k}"));
                    removed.insert(path.clone());
                    path.pop();
                }
            }
        }
        (Value::Null, Value::Object(b)) if !atomic_map(field) && !path.is_empty() => {
            for (k, y) in b {
                path.push(format!("f:{k}"));
                add_all(k, y, path, changed);
                path.pop();
            }
        }
        (Value::Null | Value::Array(_), Value::Array(ys)) => {
            let xs: &[Value] = match old {
                Value::Array(xs) => xs,
                _ => &[],
            };
            match list_kind(field, ys) {
                ListKind::Keys(keys) => {
                    for y in ys {
                        let key = item_key(keys, y);
                        path.push(key.clone());
                        match xs.iter().find(|x| item_key(keys, x) == key) {
                            None => add_all("", y, path, changed),
                            Some(x) => compare("", x, y, path, changed, removed),
                        }
                        path.pop();
                    }
                    for x in xs {
                        let key = item_key(keys, x);
                        if !ys.iter().any(|y| item_key(keys, y) == key) {
                            path.push(key);
                            removed.insert(path.clone());
                            path.pop();
                        }
                    }
                }
                ListKind::Set => {
                    for y in ys {
                        if !xs.contains(y) {
                            path.push(format!("v:{y}"));
                            changed.insert(path.clone());
                            path.pop();
                        }
                    }
                    for x in xs {
                        if !ys.contains(x) {
                            path.push(format!("v:{x}"));
                            removed.insert(path.clone());
                            path.pop();
                        }
                    }
                }
                ListKind::Atomic => {
                    if old != new {
                        changed.insert(path.clone());
                    }
                }
            }
        }
        _ => {
            if old != new {
                changed.insert(path.clone());
            }
        }
    }
}

/// What a write of `new` over `old` (None: a create) changes, as (changed, removed) sets.
pub fn changes(
    kind: &str,
    old: Option<&Value>,
    new: &Value,
    strip_status: bool,
) -> (FieldSet, FieldSet) {
    let zero;
    let is_create = old.is_none();
    let old = match old {
        Some(o) => o,
        None => {
            zero = zero_object(kind);
            &zero
        }
    };
    let (mut changed, mut removed) = (FieldSet::new(), FieldSet::new());
    compare("", old, new, &mut Vec::new(), &mut changed, &mut removed);
    if is_create {
        // Nothing is taken away from the zero value.
        removed.clear();
    }
    changed.retain(|p| !p.is_empty() && !stripped(p, strip_status));
    removed.retain(|p| !p.is_empty() && !stripped(p, strip_status));
    (changed, removed)
}

/// Records an Update by `writer` in `entries`.
pub fn record(
    entries: &mut Vec<Entry>,
    writer: &Writer,
    api_version: &str,
    time: &str,
    changed: &FieldSet,
    removed: &FieldSet,
) {
    if changed.is_empty() && removed.is_empty() {
        return;
    }
    let covered =
        |p: &Vec<String>, set: &FieldSet| (1..=p.len()).any(|n| set.contains(&p[..n].to_vec()));
    for e in entries.iter_mut() {
        let mine = e.manager == writer.manager && e.subresource == writer.subresource;
        e.set
            .retain(|p| !covered(p, removed) && (mine || !changed.contains(p)));
    }
    match entries
        .iter_mut()
        .find(|e| e.manager == writer.manager && e.subresource == writer.subresource)
    {
        Some(e) => {
            let before = e.set.len();
            e.set.extend(changed.iter().cloned());
            if e.set.len() != before || !changed.is_empty() {
                e.time = time.to_string();
                e.api_version = api_version.to_string();
            }
        }
        None if !changed.is_empty() => entries.push(Entry {
            manager: writer.manager.clone(),
            api_version: api_version.to_string(),
            time: time.to_string(),
            subresource: writer.subresource.clone(),
            set: changed.clone(),
        }),
        None => {}
    }
    entries.retain(|e| !e.set.is_empty());
}

/// A set in the `FieldsV1` form: nested `f:`/`k:`/`v:` keys, `.: {}` on a member with children.
pub fn fields_v1(set: &FieldSet) -> Value {
    let mut root = Map::new();
    for p in set {
        let mut cur = &mut root;
        for el in p {
            let next = cur.entry(el.clone()).or_insert_with(|| json!({}));
            cur = match next.as_object_mut() {
                Some(m) => m,
                None => break,
            };
        }
    }
    // Mark members that have children.
    fn mark(m: &mut Map<String, Value>, prefix: &mut Vec<String>, set: &FieldSet) {
        for (k, v) in m.iter_mut() {
            prefix.push(k.clone());
            if let Some(child) = v.as_object_mut()
                && !child.is_empty()
            {
                mark(child, prefix, set);
                if set.contains(prefix) {
                    child.insert(".".into(), json!({}));
                }
            }
            prefix.pop();
        }
    }
    mark(&mut root, &mut Vec::new(), set);
    Value::Object(root)
}

/// An entry as shown in `metadata.managedFields`.
pub fn entry_json(e: &Entry) -> Value {
    let mut m = Map::new();
    m.insert("apiVersion".into(), json!(e.api_version));
    m.insert("fieldsType".into(), json!("FieldsV1"));
    m.insert("fieldsV1".into(), fields_v1(&e.set));
    m.insert("manager".into(), json!(e.manager));
    m.insert("operation".into(), json!("Update"));
    if let Some(s) = &e.subresource {
        m.insert("subresource".into(), json!(s));
    }
    m.insert("time".into(), json!(e.time));
    Value::Object(m)
}

/// The status entry of the component that writes a kind's status (derived, not recorded: its
/// set is every status field present, as if each had been added by that component; its time
/// is the latest timestamp inside the status, or the creation time).
pub fn status_entry(kind: &str, obj: &Value) -> Option<Entry> {
    let status = obj
        .get("status")
        .filter(|s| s.as_object().is_some_and(|m| !m.is_empty()))?;
    let manager = match kind {
        kinds::POD | kinds::NODE => "kubelet",
        "Deployment"
        | "ReplicaSet"
        | "StatefulSet"
        | "DaemonSet"
        | "Job"
        | "CronJob"
        | "PersistentVolume"
        | "PersistentVolumeClaim"
        | kinds::NAMESPACE => "kube-controller-manager",
        _ => return None,
    };
    let zero = zero_object(kind);
    let (mut changed, mut removed) = (FieldSet::new(), FieldSet::new());
    let mut path = vec!["f:status".to_string()];
    compare(
        "status",
        zero.get("status").unwrap_or(&Value::Null),
        status,
        &mut path,
        &mut changed,
        &mut removed,
    );
    if changed.is_empty() {
        return None;
    }
    let mut latest = obj
        .pointer("/metadata/creationTimestamp")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    latest_time(status, &mut latest);
    Some(Entry {
        manager: manager.to_string(),
        api_version: obj
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or("v1")
            .to_string(),
        time: latest,
        subresource: Some("status".into()),
        set: changed,
    })
}

/// The Deployment controller's own entry for the revision annotation it sets on the main
/// resource (derived like [`status_entry`]; its time is the newest `lastUpdateTime` of the
/// status conditions, when the controller last wrote).
pub fn revision_entry(kind: &str, obj: &Value) -> Option<Entry> {
    const REVISION: &str = "deployment.kubernetes.io/revision";
    if kind != kinds::DEPLOYMENT {
        return None;
    }
    let ann = obj.pointer("/metadata/annotations")?.as_object()?;
    ann.get(REVISION)?;
    let mut set = FieldSet::new();
    let base = vec!["f:metadata".to_string(), "f:annotations".to_string()];
    if ann.len() == 1 {
        // The map did not exist before the controller added its key.
        set.insert(base.clone());
    }
    let mut key = base;
    key.push(format!("f:{REVISION}"));
    set.insert(key);
    let mut latest = String::new();
    if let Some(status) = obj.get("status") {
        latest_time(status, &mut latest);
    }
    if latest.is_empty() {
        latest = obj
            .pointer("/metadata/creationTimestamp")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
    }
    Some(Entry {
        manager: "kube-controller-manager".into(),
        api_version: obj
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or("apps/v1")
            .to_string(),
        time: latest,
        subresource: None,
        set,
    })
}

/// The latest RFC 3339 UTC timestamp (`2025-01-01T00:00:00Z`) inside a value.
fn latest_time(v: &Value, latest: &mut String) {
    match v {
        Value::String(s) => {
            let b = s.as_bytes();
            let looks = b.len() == 20
                && b[4] == b'-'
                && b[10] == b'T'
                && b[19] == b'Z'
                && s.chars().filter(char::is_ascii_digit).count() == 14;
            if looks && s.as_str() > latest.as_str() {
                *latest = s.clone();
            }
        }
        Value::Object(m) => m.values().for_each(|x| latest_time(x, latest)),
        Value::Array(a) => a.iter().for_each(|x| latest_time(x, latest)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment() -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}}, "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
                "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx", "resources": {}, "ports": [{"containerPort": 80, "protocol": "TCP"}]}]}}},
            "status": {"replicas": 1}})
    }

    #[test]
    fn create_owns_what_it_set() {
        let d = deployment();
        let (changed, removed) = changes("Deployment", None, &d, true);
        assert!(removed.is_empty());
        let v = fields_v1(&changed);
        assert_eq!(
            v,
            json!({"f:metadata": {"f:labels": {".": {}, "f:app": {}}},
                "f:spec": {"f:replicas": {}, "f:selector": {}, "f:strategy": {"f:rollingUpdate": {".": {}, "f:maxSurge": {}, "f:maxUnavailable": {}}, "f:type": {}},
                    "f:template": {"f:metadata": {"f:labels": {".": {}, "f:app": {}}}, "f:spec": {"f:containers": {"k:{\"name\":\"nginx\"}": {".": {}, "f:image": {}, "f:name": {},
                        "f:ports": {".": {}, "k:{\"containerPort\":80,\"protocol\":\"TCP\"}": {".": {}, "f:containerPort": {}, "f:protocol": {}}}, "f:resources": {}}}}}}})
        );
    }

    #[test]
    fn updates_move_ownership() {
        let d = deployment();
        let create = Writer {
            manager: "kubectl-create".into(),
            subresource: None,
        };
        let mut entries = Vec::new();
        let (c, r) = changes("Deployment", None, &d, true);
        record(&mut entries, &create, "apps/v1", "t1", &c, &r);
        let mut d2 = d.clone();
        d2["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.27");
        let set = Writer {
            manager: "kubectl-set".into(),
            subresource: None,
        };
        let (c, r) = changes("Deployment", Some(&d), &d2, true);
        record(&mut entries, &set, "apps/v1", "t2", &c, &r);
        assert_eq!(entries.len(), 2);
        let image: Vec<String> = [
            "f:spec",
            "f:template",
            "f:spec",
            "f:containers",
            "k:{\"name\":\"nginx\"}",
            "f:image",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert!(!entries[0].set.contains(&image));
        assert!(entries[1].set.contains(&image));
        assert_eq!(entries[1].time, "t2");
    }

    #[test]
    fn managers_of_kubectl() {
        assert_eq!(
            kubectl_manager("kubectl", &["apply"], None).manager,
            "kubectl-client-side-apply"
        );
        assert_eq!(
            kubectl_manager("kubectl", &["create", "deployment"], None).manager,
            "kubectl-create"
        );
        let s = kubectl_manager("kubectl", &["scale"], None);
        assert_eq!(
            (s.manager.as_str(), s.subresource.as_deref()),
            ("kubectl", Some("scale"))
        );
        assert_eq!(
            kubectl_manager("kubectl", &["apply"], Some("me")).manager,
            "me"
        );
    }
}
