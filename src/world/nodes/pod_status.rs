//! Writes a pod's API status from the kubelet's runtime view: phase (`getPhase`), conditions with
//! their transition times, container statuses, IPs.

use crate::world::api::meta::Field;
use serde_json::{Map, Value, json};

use super::scheduler::qos_class;
use super::{ContainerRuntime, ContainerState, PodRuntime};
use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::meta;
use crate::world::clock::{Millis, rfc3339};

fn state_json(st: &ContainerState) -> Value {
    match st {
        ContainerState::Waiting { reason, message } => {
            let mut w = json!({"reason": reason});
            if !message.is_empty() {
                w["message"] = json!(message);
            }
            json!({"waiting": w})
        }
        ContainerState::Pulling { .. } | ContainerState::Starting { .. } => {
            json!({"waiting": {"reason": "ContainerCreating"}})
        }
        ContainerState::Running { started_at } => {
            json!({"running": {"startedAt": rfc3339(*started_at)}})
        }
        ContainerState::Terminated {
            exit_code,
            reason,
            started_at,
            finished_at,
            message,
        } => {
            let mut t = json!({
                "exitCode": exit_code, "reason": reason, "startedAt": rfc3339(*started_at), "finishedAt": rfc3339(*finished_at),
            });
            if let Some(m) = message {
                t["message"] = json!(m);
            }
            json!({ "terminated": t })
        }
    }
}

/// The fields of a container status, written into `m` in place; true if anything changed.
/// `mounts` are given for entries written afresh (they follow the spec, which does not
/// change).
fn update_container_status(
    m: &mut Map<String, Value>,
    c: &ContainerRuntime,
    spec_image: &str,
    mounts: Option<Vec<Value>>,
) -> bool {
    let mut st = state_json(&c.state);
    let waiting_pull_state = matches!(
        c.state,
        ContainerState::Waiting { .. }
            | ContainerState::Pulling { .. }
            | ContainerState::Starting { .. }
    );
    if let ContainerState::Terminated { .. } = &c.state
        && !c.container_id.is_empty()
    {
        st["terminated"]["containerID"] = json!(c.container_id);
    }
    let last = match &c.last_terminated {
        Some(t) => {
            let mut v = state_json(t);
            if !c.container_id.is_empty()
                && let Some(m) = v.get_mut("terminated")
            {
                m["containerID"] = json!(c.container_id);
            }
            v
        }
        None => json!({}),
    };
    let ever_ran = !c.container_id.is_empty();
    let image = if ever_ran && !c.image_name.is_empty() {
        c.image_name.as_str()
    } else {
        spec_image
    };
    let mut changed = false;
    changed |= set_str(m, "image", image);
    changed |= set_str(m, "imageID", if ever_ran { &c.image_id } else { "" });
    changed |= set(m, "lastState", last);
    changed |= set_str(m, "name", &c.name);
    // The prober manager's UpdatePodStatus: an init container is ready once it exited 0.
    let ready = match (&c.state, c.init) {
        (ContainerState::Terminated { exit_code, .. }, true) => *exit_code == 0,
        _ => c.ready,
    };
    changed |= set(m, "ready", Value::Bool(ready));
    changed |= set(m, "restartCount", Value::from(c.restart_count));
    changed |= set(m, "started", Value::Bool(c.is_running()));
    changed |= set(m, "state", st);
    if ever_ran && !(waiting_pull_state && c.restart_count == 0) {
        changed |= set_str(m, "containerID", &c.container_id);
    } else {
        changed |= m.remove("containerID").is_some();
    }
    if let Some(mounts) = mounts
        && !mounts.is_empty()
    {
        m.insert("volumeMounts".into(), Value::Array(mounts));
    }
    changed
}

/// A container's volume mounts as its status lists them.
fn volume_mounts(spec: &Value) -> Vec<Value> {
    spec.field("volumeMounts")
        .and_then(Value::as_array)
        .map(|ms| {
            ms.iter()
                .map(|m| {
                    let mut v = json!({"mountPath": m.field("mountPath").cloned().unwrap_or(Value::Null), "name": m.field("name").cloned().unwrap_or(Value::Null)});
                    if m.field("readOnly").and_then(Value::as_bool) == Some(true) {
                        v["readOnly"] = json!(true);
                        v["recursiveReadOnly"] = json!("Disabled");
                    }
                    v
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Sets a field unless it already holds that value; true if it changed.
fn set(m: &mut Map<String, Value>, key: &str, v: Value) -> bool {
    match meta::field_mut(m, key) {
        Some(old) if *old == v => false,
        Some(old) => {
            *old = v;
            true
        }
        None => {
            m.insert(key.to_string(), v);
            true
        }
    }
}

/// [`set`] for a string, allocating only when it changes.
fn set_str(m: &mut Map<String, Value>, key: &str, v: &str) -> bool {
    match m.field(key) {
        Some(Value::String(old)) if old == v => false,
        _ => set(m, key, Value::String(v.to_string())),
    }
}

/// Sets `[{"ip": ip}]` unless the list already is exactly that.
fn set_ip_list(m: &mut Map<String, Value>, key: &str, ip: &str) -> bool {
    let same = m.get(key).and_then(Value::as_array).is_some_and(|a| {
        a.len() == 1
            && a[0]
                .as_object()
                .is_some_and(|o| o.len() == 1 && o.field("ip").and_then(Value::as_str) == Some(ip))
    });
    if same {
        return false;
    }
    let mut o = Map::new();
    o.insert("ip".into(), Value::String(ip.to_string()));
    m.insert(key.to_string(), Value::Array(vec![Value::Object(o)]));
    true
}

/// Drops the fields not in `keep`; true if any was dropped.
fn retain_keys(m: &mut Map<String, Value>, keep: &[&str]) -> bool {
    let before = m.len();
    m.retain(|k, _| keep.contains(&k.as_str()));
    m.len() != before
}

fn phase(rt: &PodRuntime) -> &'static str {
    if let Some(f) = &rt.finished {
        return if f == "Succeeded" {
            "Succeeded"
        } else {
            "Failed"
        };
    }
    let init_pending = rt.containers.iter().any(|c| c.init && !c.succeeded());
    if init_pending {
        return "Pending";
    }
    let waiting = rt
        .containers
        .iter()
        .filter(|c| {
            !c.init
                && !matches!(
                    c.state,
                    ContainerState::Running { .. } | ContainerState::Terminated { .. }
                )
                && c.last_terminated.is_none()
        })
        .count();
    if waiting > 0 { "Pending" } else { "Running" }
}

fn set_condition(rt: &mut PodRuntime, ty: &str, ok: bool, now: Millis) -> Millis {
    match rt.conditions.iter_mut().find(|(t, _, _)| t == ty) {
        Some(c) if c.1 == ok => c.2,
        Some(c) => {
            c.1 = ok;
            c.2 = now;
            now
        }
        None => {
            rt.conditions.push((ty.to_string(), ok, now));
            now
        }
    }
}

/// A pod condition as the kubelet writes it.
struct Cond {
    ty: &'static str,
    ok: bool,
    since: String,
    reason: Option<(&'static str, String)>,
}

impl Cond {
    fn new(
        ty: &'static str,
        ok: bool,
        since: Millis,
        reason: Option<(&'static str, String)>,
    ) -> Cond {
        Cond {
            ty,
            ok,
            since: rfc3339(since),
            reason,
        }
    }

    fn status(&self) -> &'static str {
        if self.ok { "True" } else { "False" }
    }

    /// Whether `v` is exactly this condition.
    fn written_as(&self, v: &Value) -> bool {
        let Some(m) = v.as_object() else {
            return false;
        };
        let s = |k: &str| m.get(k).and_then(Value::as_str);
        let extra = match &self.reason {
            Some((r, msg)) => {
                if s("reason") != Some(*r) || s("message").unwrap_or("") != msg {
                    return false;
                }
                1 + usize::from(!msg.is_empty())
            }
            None => 0,
        };
        m.len() == 4 + extra
            && m.field("lastProbeTime") == Some(&Value::Null)
            && s("lastTransitionTime") == Some(self.since.as_str())
            && s("status") == Some(self.status())
            && s("type") == Some(self.ty)
    }

    fn to_value(&self) -> Value {
        let mut c = Map::new();
        c.insert("lastProbeTime".into(), Value::Null);
        c.insert(
            "lastTransitionTime".into(),
            Value::String(self.since.clone()),
        );
        c.insert("status".into(), Value::String(self.status().into()));
        c.insert("type".into(), Value::String(self.ty.into()));
        if let Some((r, m)) = &self.reason {
            c.insert("reason".into(), Value::String((*r).into()));
            if !m.is_empty() {
                c.insert("message".into(), Value::String(m.clone()));
            }
        }
        Value::Object(c)
    }
}

/// Writes the kubelet's conditions followed by the scheduler's `PodScheduled` (kept as it is);
/// true if anything changed.
fn update_conditions(status: &mut Map<String, Value>, conds: &[Cond]) -> bool {
    let current = status.get_mut("conditions").and_then(Value::as_array_mut);
    if let Some(a) = current {
        let is_scheduled =
            |c: &Value| c.field("type").and_then(Value::as_str) == Some("PodScheduled");
        let in_place = match a.len().checked_sub(conds.len()) {
            Some(0) => !a.iter().any(is_scheduled),
            Some(1) => {
                a.last().is_some_and(is_scheduled) && !a[..conds.len()].iter().any(is_scheduled)
            }
            _ => false,
        };
        if in_place {
            let mut changed = false;
            for (v, c) in a.iter_mut().zip(conds) {
                if !c.written_as(v) {
                    *v = c.to_value();
                    changed = true;
                }
            }
            return changed;
        }
    }
    let scheduled = status
        .field("conditions")
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter()
                .find(|c| c.field("type").and_then(Value::as_str) == Some("PodScheduled"))
        })
        .cloned();
    let mut list: Vec<Value> = conds.iter().map(Cond::to_value).collect();
    list.extend(scheduled);
    set(status, "conditions", Value::Array(list))
}

/// A hash of everything in the runtime that the written status depends on.
fn fingerprint(rt: &super::PodRuntime) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    rt.ip.hash(&mut h);
    rt.start_time.hash(&mut h);
    rt.finished.hash(&mut h);
    for c in &rt.containers {
        c.name.hash(&mut h);
        c.init.hash(&mut h);
        c.state.hash(&mut h);
        c.last_terminated.hash(&mut h);
        c.restart_count.hash(&mut h);
        c.ready.hash(&mut h);
        c.image_id.hash(&mut h);
        c.image_name.hash(&mut h);
        c.container_id.hash(&mut h);
    }
    h.finish() | 1
}

/// Rewrites the pod's status from its runtime (only when something changed).
pub fn write(world: &mut World, uid: &str) {
    let now = world.now();
    let Some(k) = kinds::by_kind(kinds::POD) else {
        return;
    };
    let Some(rt) = world.pods.get(uid) else {
        return;
    };
    let fp = fingerprint(rt);
    if fp == rt.status_fingerprint {
        // Nothing the status is built from changed since it was last written.
        return;
    }
    let (ns, name) = (rt.namespace.clone(), rt.name.clone());
    let Some(pod) = world.store.get(k, &ns, &name) else {
        return;
    };
    let host_ip = world
        .object(kinds::NODE, "", &rt.node)
        .and_then(|n| meta::path(n, &["status", "addresses"]))
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter()
                .find(|x| x.field("type").and_then(Value::as_str) == Some("InternalIP"))
        })
        .and_then(|x| x.field("address"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let Some(rt) = world.pods.get_mut(uid) else {
        return;
    };
    rt.status_fingerprint = fp;
    let phase = phase(rt);
    let init_names: Vec<String> = rt
        .containers
        .iter()
        .filter(|c| c.init && !c.succeeded())
        .map(|c| c.name.clone())
        .collect();
    let unready: Vec<String> = rt
        .containers
        .iter()
        .filter(|c| !c.init && !c.ready)
        .map(|c| c.name.clone())
        .collect();
    let finished = rt.finished.is_some();
    let t_start = set_condition(rt, "PodReadyToStartContainers", !finished, now);
    let t_init = set_condition(rt, "Initialized", init_names.is_empty(), now);
    let t_ready = set_condition(rt, "Ready", unready.is_empty() && !finished, now);
    let t_cready = set_condition(rt, "ContainersReady", unready.is_empty() && !finished, now);
    let mut conditions = vec![Cond::new(
        "PodReadyToStartContainers",
        !finished,
        t_start,
        None,
    )];
    conditions.push(if init_names.is_empty() {
        Cond::new(
            "Initialized",
            true,
            t_init,
            if finished && phase == "Succeeded" {
                Some(("PodCompleted", String::new()))
            } else {
                None
            },
        )
    } else {
        Cond::new(
            "Initialized",
            false,
            t_init,
            Some((
                "ContainersNotInitialized",
                format!(
                    "containers with incomplete status: [{}]",
                    init_names.join(" ")
                ),
            )),
        )
    });
    let (ready_reason, cready_reason) = if finished {
        (
            Some(("PodCompleted", String::new())),
            Some(("PodCompleted", String::new())),
        )
    } else if unready.is_empty() {
        (None, None)
    } else {
        let m = format!("containers with unready status: [{}]", unready.join(" "));
        (
            Some(("ContainersNotReady", m.clone())),
            Some(("ContainersNotReady", m)),
        )
    };
    conditions.push(Cond::new(
        "Ready",
        unready.is_empty() && !finished,
        t_ready,
        ready_reason,
    ));
    conditions.push(Cond::new(
        "ContainersReady",
        unready.is_empty() && !finished,
        t_cready,
        cready_reason,
    ));
    let qos = qos_class(pod);
    let start_time = rfc3339(rt.start_time);
    let rt = &*rt;
    // Each container's image and, for status lists written afresh, its volume mounts; the
    // status itself is then edited in place (a whole new status for every write would be
    // built and dropped again).
    let current = pod.field("status");
    let fresh = |list: &str, init: bool| {
        let names = rt
            .containers
            .iter()
            .filter(|c| c.init == init)
            .map(|c| c.name.as_str());
        !current
            .and_then(|s| s.get(list))
            .and_then(Value::as_array)
            .is_some_and(|a| {
                a.len() == names.clone().count()
                    && a.iter()
                        .zip(names)
                        .all(|(e, n)| e.field("name").and_then(Value::as_str) == Some(n))
            })
    };
    let fresh_lists = [
        fresh("containerStatuses", false),
        fresh("initContainerStatuses", true),
    ];
    let specs: Vec<SpecView> = rt
        .containers
        .iter()
        .map(|c| {
            let spec = super::kubelet::container_spec(pod, &c.name, c.init);
            let image = spec
                .field("image")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let mounts = fresh_lists[usize::from(c.init)].then(|| volume_mounts(spec));
            (image, mounts)
        })
        .collect();
    let update = |st: &mut Map<String, Value>| {
        let mut changed = update_conditions(st, &conditions);
        changed |= set_ip_list(st, "hostIPs", &host_ip);
        changed |= set_str(st, "hostIP", &host_ip);
        changed |= set_str(st, "phase", phase);
        changed |= set_str(st, "podIP", &rt.ip);
        changed |= set_ip_list(st, "podIPs", &rt.ip);
        changed |= set_str(st, "qosClass", qos);
        changed |= set_str(st, "startTime", &start_time);
        for (list, init) in [
            ("containerStatuses", false),
            ("initContainerStatuses", true),
        ] {
            let mine: Vec<(&ContainerRuntime, &SpecView)> = rt
                .containers
                .iter()
                .zip(&specs)
                .filter(|(c, _)| c.init == init)
                .collect();
            if mine.is_empty() {
                if init {
                    changed |= st.remove(list).is_some();
                } else {
                    changed |= set(st, list, Value::Array(vec![]));
                }
                continue;
            }
            let entries = st.entry(list).or_insert_with(|| Value::Array(vec![]));
            let same_names = !fresh_lists[usize::from(init)];
            if !same_names {
                *entries = Value::Array(mine.iter().map(|_| Value::Object(Map::new())).collect());
                changed = true;
            }
            let Some(a) = entries.as_array_mut() else {
                continue;
            };
            for (e, (c, (image, mounts))) in a.iter_mut().zip(mine) {
                let Some(m) = e.as_object_mut() else {
                    continue;
                };
                changed |= update_container_status(m, c, image, mounts.clone());
                changed |= retain_keys(m, CONTAINER_STATUS_FIELDS);
            }
        }
        changed |= retain_keys(st, POD_STATUS_FIELDS);
        changed
    };
    world.store.update_status(k, &ns, &name, update);
}

/// What a container status takes from the spec: the image, and the volume mounts when the
/// status entry is written afresh.
type SpecView = (String, Option<Vec<Value>>);

/// The fields of a pod status the kubelet writes (it owns them all).
const POD_STATUS_FIELDS: &[&str] = &[
    "conditions",
    "containerStatuses",
    "hostIP",
    "hostIPs",
    "initContainerStatuses",
    "phase",
    "podIP",
    "podIPs",
    "qosClass",
    "startTime",
];

/// The fields of one container status.
const CONTAINER_STATUS_FIELDS: &[&str] = &[
    "containerID",
    "image",
    "imageID",
    "lastState",
    "name",
    "ready",
    "restartCount",
    "started",
    "state",
    "volumeMounts",
];

#[cfg(test)]
mod tests {
    use crate::world::api::{kinds, meta};
    use crate::world::default_world;
    use serde_json::json;

    /// The in-place writer leaves exactly what a whole new status would: fields the kubelet
    /// does not write are dropped, the rest is unchanged; and a write that changes nothing is
    /// no write (same resourceVersion).
    #[test]
    fn status_writes_in_place_equal_a_fresh_status() {
        let mut w = default_world::build(1);
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"nodeName": "worker-1", "containers": [{"name": "c", "image": "nginx:1.25"}]}});
        w.create(pod, false).expect("create");
        w.advance(60_000);
        let k = kinds::by_kind("Pod").expect("kind");
        let stored = |w: &crate::world::World| w.store.get(k, "default", "p").expect("pod").clone();
        let before = stored(&w);
        let uid = meta::uid(&before).to_string();
        assert_eq!(meta::str_at(&before, &["status", "phase"]), Some("Running"));
        let mut status = before["status"].clone();
        status["message"] = json!("left by someone else");
        status["containerStatuses"][0]["extra"] = json!(true);
        assert!(w.store.set_status(k, "default", "p", status));
        let rv_stale =
            meta::str_at(&stored(&w), &["metadata", "resourceVersion"]).map(str::to_string);
        // Make the kubelet write again although its pod did not change.
        w.pods.get_mut(&uid).expect("runtime").status_fingerprint = 0;
        super::write(&mut w, &uid);
        let after = stored(&w);
        assert_eq!(after["status"], before["status"]);
        assert_ne!(
            meta::str_at(&after, &["metadata", "resourceVersion"]).map(str::to_string),
            rv_stale
        );
        w.pods.get_mut(&uid).expect("runtime").status_fingerprint = 0;
        super::write(&mut w, &uid);
        assert_eq!(
            meta::str_at(&stored(&w), &["metadata", "resourceVersion"]),
            meta::str_at(&after, &["metadata", "resourceVersion"])
        );
    }
}
