//! Writes a pod's API status from the kubelet's runtime view: phase (`getPhase`), conditions with
//! their transition times, container statuses, IPs.

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
        } => json!({"terminated": {
            "exitCode": exit_code, "reason": reason, "startedAt": rfc3339(*started_at), "finishedAt": rfc3339(*finished_at),
        }}),
    }
}

fn container_status(c: &ContainerRuntime, spec: &Value, pod_ip: &str) -> Value {
    let _ = pod_ip;
    let spec_image = spec.get("image").and_then(Value::as_str).unwrap_or("");
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
    let mut m = Map::new();
    m.insert(
        "image".into(),
        Value::String(if ever_ran && !c.image_name.is_empty() {
            c.image_name.clone()
        } else {
            spec_image.to_string()
        }),
    );
    m.insert(
        "imageID".into(),
        Value::String(if ever_ran {
            c.image_id.clone()
        } else {
            String::new()
        }),
    );
    m.insert("lastState".into(), last);
    m.insert("name".into(), Value::String(c.name.clone()));
    m.insert("ready".into(), Value::Bool(c.ready));
    m.insert("restartCount".into(), Value::from(c.restart_count));
    m.insert("started".into(), Value::Bool(c.is_running()));
    m.insert("state".into(), st);
    if ever_ran && !(waiting_pull_state && c.restart_count == 0) {
        m.insert("containerID".into(), Value::String(c.container_id.clone()));
    }
    let mut s = Value::Object(m);
    let mounts: Vec<Value> = spec
        .get("volumeMounts")
        .and_then(Value::as_array)
        .map(|ms| {
            ms.iter()
                .map(|m| {
                    let mut v = json!({"mountPath": m.get("mountPath").cloned().unwrap_or(Value::Null), "name": m.get("name").cloned().unwrap_or(Value::Null)});
                    if m.get("readOnly").and_then(Value::as_bool) == Some(true) {
                        v["readOnly"] = json!(true);
                        v["recursiveReadOnly"] = json!("Disabled");
                    }
                    v
                })
                .collect()
        })
        .unwrap_or_default();
    if !mounts.is_empty() {
        s["volumeMounts"] = Value::Array(mounts);
    }
    s
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

fn cond(ty: &str, ok: bool, since: Millis, reason: Option<(&str, String)>) -> Value {
    let mut c = Map::new();
    c.insert("lastProbeTime".into(), Value::Null);
    c.insert("lastTransitionTime".into(), Value::String(rfc3339(since)));
    c.insert(
        "status".into(),
        Value::String(if ok { "True" } else { "False" }.into()),
    );
    c.insert("type".into(), Value::String(ty.into()));
    if let Some((r, m)) = reason {
        c.insert("reason".into(), Value::String(r.into()));
        if !m.is_empty() {
            c.insert("message".into(), Value::String(m));
        }
    }
    Value::Object(c)
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
    let Some(k) = kinds::by_kind("Pod") else {
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
        .object("Node", "", &rt.node)
        .and_then(|n| meta::path(n, &["status", "addresses"]))
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter()
                .find(|x| x.get("type").and_then(Value::as_str) == Some("InternalIP"))
        })
        .and_then(|x| x.get("address"))
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
    let mut conditions = vec![cond("PodReadyToStartContainers", !finished, t_start, None)];
    conditions.push(if init_names.is_empty() {
        cond(
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
        cond(
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
    conditions.push(cond(
        "Ready",
        unready.is_empty() && !finished,
        t_ready,
        ready_reason,
    ));
    conditions.push(cond(
        "ContainersReady",
        unready.is_empty() && !finished,
        t_cready,
        cready_reason,
    ));
    if let Some(s) = meta::condition(pod, "PodScheduled") {
        conditions.push(s.clone());
    }
    // Built field by field: `json!` would serialise the conditions into a copy.
    let ip_list = |ip: &str| {
        let mut m = Map::new();
        m.insert("ip".into(), Value::String(ip.to_string()));
        Value::Array(vec![Value::Object(m)])
    };
    let mut st = Map::new();
    st.insert("conditions".into(), Value::Array(conditions));
    st.insert("hostIPs".into(), ip_list(&host_ip));
    st.insert("hostIP".into(), Value::String(host_ip));
    st.insert("phase".into(), Value::String(phase.into()));
    st.insert("podIP".into(), Value::String(rt.ip.clone()));
    st.insert("podIPs".into(), ip_list(&rt.ip));
    st.insert("qosClass".into(), Value::String(qos_class(pod).into()));
    st.insert("startTime".into(), Value::String(rfc3339(rt.start_time)));
    let mut status = Value::Object(st);
    let mut inits = Vec::new();
    let mut apps = Vec::new();
    for c in &rt.containers {
        let list = if c.init {
            "initContainers"
        } else {
            "containers"
        };
        static NONE: Value = Value::Null;
        let spec = meta::path(pod, &["spec", list])
            .and_then(Value::as_array)
            .and_then(|a| {
                a.iter()
                    .find(|s| s.get("name").and_then(Value::as_str) == Some(c.name.as_str()))
            })
            .unwrap_or(&NONE);
        let s = container_status(c, spec, &rt.ip);
        if c.init { inits.push(s) } else { apps.push(s) }
    }
    status["containerStatuses"] = Value::Array(apps);
    if !inits.is_empty() {
        status["initContainerStatuses"] = Value::Array(inits);
    }
    world.store.set_status(k, &ns, &name, status);
}
