//! The kubelet of every node: picks up pods bound to its node, pulls images by
//! `imagePullPolicy` (serialized per node, with back-off on failure), creates and starts
//! containers (init containers first, in order), restarts crashed ones with back-off, tracks
//! readiness, and terminates pods being deleted. Each pod is a small state machine advanced at
//! the instants its timers fire; its API status is rewritten after every step.

use crate::world::api::meta::Field;
use serde_json::Value;

use super::process::{self, Process};
use super::{ContainerRuntime, ContainerState, PodRuntime, PullRecord, pod_status};
use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::meta;
use crate::world::api::objects::{Container, Pod};
use crate::world::clock::{Millis, Timer};
use crate::world::events::Source;
use crate::world::registry::ImageRef;
use crate::world::runtime::Outcome;

mod config;
mod processes;
mod start;
mod termination;
use config::*;
use processes::*;
use start::*;
use termination::*;

/// Pull back-off and crash back-off: 10 s doubling to 5 min.
const BACKOFF_START: Millis = 10_000;
const BACKOFF_MAX: Millis = 300_000;
/// How long an error is shown before the back-off state (`ErrImagePull` → `ImagePullBackOff`).
const ERROR_SHOWN: Millis = 1_000;
/// Re-check period for configuration errors and `Never` pulls.
const RECHECK: Millis = 10_000;

/// Picks up newly bound pods and pods newly marked for deletion. True if anything changed.
pub fn run(world: &mut World) -> bool {
    let Some(pod_kind) = kinds::by_kind(kinds::POD) else {
        return false;
    };
    let mut todo: Vec<(String, String, String)> = Vec::new();
    // Only pods written since the last look can be newly bound or newly deleting; a new node
    // means looking at every pod once (pods may wait, bound to a node that did not exist).
    let written = world.store.take_written_pods();
    // The nodes whose kubelet runs: not those that stopped posting status (Ready Unknown, a
    // node made unreachable): their new and deleted pods wait until the node is back
    // (an evicted pod stays Terminating), when every pod is looked at again.
    let up: Vec<String> = world
        .nodes
        .keys()
        .filter(|n| {
            world.object(kinds::NODE, "", n).is_none_or(|node| {
                meta::condition(node, "Ready")
                    .and_then(|c| c.get("status"))
                    .and_then(Value::as_str)
                    != Some("Unknown")
            })
        })
        .cloned()
        .collect();
    let everything = up != world.kubelet_nodes;
    if everything {
        world.kubelet_nodes = up.clone();
    }
    let candidates: Box<dyn Iterator<Item = &Value>> = if everything {
        Box::new(world.store.list(pod_kind, None))
    } else {
        Box::new(
            written
                .iter()
                .filter_map(|(ns, name)| world.store.get(pod_kind, ns, name)),
        )
    };
    for p in candidates {
        let Some(node) = meta::str_at(p, &["spec", "nodeName"]) else {
            continue;
        };
        if !up.iter().any(|n| n == node) {
            continue;
        }
        let uid = meta::uid(p);
        let key = || {
            (
                uid.to_string(),
                meta::namespace(p).to_string(),
                meta::name(p).to_string(),
            )
        };
        match world.pods.get(uid) {
            None => todo.push(key()),
            Some(rt) if meta::is_deleting(p) && rt.terminating_until.is_none() => todo.push(key()),
            _ => {}
        }
    }
    // Pods projecting a ConfigMap or Secret that changed write it again at their next sync.
    for (ns, name) in world.store.take_written_projected() {
        super::atomic_volumes::object_changed(world, &ns, &name);
    }
    let changed = !todo.is_empty();
    for (uid, ns, name) in todo {
        sync_at(world, &uid, Some((&ns, &name)));
    }
    changed
}

/// A kubelet timer fired for a pod.
pub fn on_timer(world: &mut World, pod_uid: &str) {
    if let Some(rt) = world.pods.get_mut(pod_uid)
        && rt.wake.is_some_and(|w| w <= world.clock.now())
    {
        rt.wake = None;
    }
    sync(world, pod_uid);
}

fn find_pod(world: &World, uid: &str, at: Option<(&str, &str)>) -> Option<std::rc::Rc<Value>> {
    let k = kinds::by_kind(kinds::POD)?;
    let (ns, name) = match (world.pods.get(uid), at) {
        (Some(rt), _) => (rt.namespace.as_str(), rt.name.as_str()),
        (None, Some(at)) => at,
        (None, None) => return None,
    };
    world
        .store
        .get_shared(k, ns, name)
        .filter(|p| meta::uid(p) == uid)
}

pub(super) fn wake(world: &mut World, uid: &str, at: Millis) {
    let Some(rt) = world.pods.get_mut(uid) else {
        return;
    };
    if rt.wake.is_some_and(|w| w <= at) {
        return;
    }
    rt.wake = Some(at);
    world.clock.schedule(
        at,
        Timer::Kubelet {
            pod_uid: uid.to_string(),
        },
    );
}

fn event(
    world: &mut World,
    pod: &Value,
    container: Option<&str>,
    init: bool,
    ty: &str,
    reason: &str,
    msg: &str,
) {
    let node = meta::str_at(pod, &["spec", "nodeName"]).unwrap_or("");
    let fp = container.map(|c| {
        let list = if init { "initContainers" } else { "containers" };
        let mut fp = String::with_capacity(list.len() + c.len() + 7);
        for part in ["spec.", list, "{", c, "}"] {
            fp.push_str(part);
        }
        fp
    });
    world.record_event(
        pod,
        fp.as_deref(),
        ty,
        reason,
        msg,
        &Source::on_host("kubelet", node),
    );
}

/// Advances one pod to the current instant and rewrites its status.
pub fn sync(world: &mut World, uid: &str) {
    sync_at(world, uid, None);
}

fn sync_at(world: &mut World, uid: &str, at: Option<(&str, &str)>) {
    sync_pod(world, uid, at);
    // A container that stopped or was replaced takes its main process with it.
    world.reap_processes(uid);
}

fn sync_pod(world: &mut World, uid: &str, at: Option<(&str, &str)>) {
    let Some(pod) = find_pod(world, uid, at) else {
        world.forget_pod(uid);
        return;
    };
    let now = world.now();
    if !world.pods.contains_key(uid) {
        let node = meta::str_at(&pod, &["spec", "nodeName"])
            .unwrap_or("")
            .to_string();
        // A pod on the host's network has its node's address.
        let host_ip = (meta::bool_at(&pod, &["spec", "hostNetwork"]) == Some(true))
            .then(|| {
                world
                    .object(kinds::NODE, "", &node)
                    .and_then(|n| meta::str_at(n, &["status", "addresses", "0", "address"]))
                    .map(str::to_string)
            })
            .flatten();
        let ip = match host_ip {
            Some(ip) => ip,
            None => world.next_pod_ip(&node),
        };
        let mut containers = Vec::new();
        let has_init = meta::path(&pod, &["spec", "initContainers"])
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty());
        for (list, init) in [("initContainers", true), ("containers", false)] {
            for c in meta::path(&pod, &["spec", list])
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let reason = if !init && has_init {
                    "PodInitializing"
                } else {
                    "ContainerCreating"
                };
                let mut cr = ContainerRuntime::new(
                    c.field("name").and_then(Value::as_str).unwrap_or(""),
                    init,
                    reason,
                );
                cr.since = now;
                containers.push(cr);
            }
        }
        world.pods.insert(
            uid.to_string(),
            PodRuntime {
                namespace: meta::namespace(&pod).to_string(),
                name: meta::name(&pod).to_string(),
                node,
                ip,
                start_time: now,
                containers,
                conditions: Vec::new(),
                terminating_until: None,
                finished: None,
                blocked: None,
                wake: None,
                status_fingerprint: 0,
                atomic: std::collections::BTreeMap::new(),
                atomic_stale: false,
            },
        );
    }
    if meta::is_deleting(&pod) {
        terminate(world, uid, &pod);
    } else {
        advance(world, uid, &pod);
    }
    // Let go of the shared pod first: the status is then written in place, not into a copy.
    drop(pod);
    pod_status::write(world, uid);
}

/// The pod-level sequence: volumes, init containers in order, then app containers in order.
fn advance(world: &mut World, uid: &str, pod: &Value) {
    let now = world.now();
    if world.pods.get(uid).is_some_and(|r| r.finished.is_some()) {
        return;
    }
    // Volumes must mount before any container starts.
    if let Some((vol, msg)) = mount_error(world, pod) {
        let first = world
            .pods
            .get(uid)
            .and_then(|r| r.blocked.clone())
            .is_none_or(|b| b.1 != msg);
        if first || world.pods.get(uid).is_some_and(|r| r.wake.is_none()) {
            event(
                world,
                pod,
                None,
                false,
                "Warning",
                "FailedMount",
                &format!("MountVolume.SetUp failed for volume \"{vol}\" : {msg}"),
            );
        }
        if let Some(rt) = world.pods.get_mut(uid) {
            rt.blocked = Some((vol, msg));
        }
        wake(world, uid, now + RECHECK);
        return;
    }
    if let Some(rt) = world.pods.get_mut(uid) {
        rt.blocked = None;
    }
    super::atomic_volumes::sync(world, uid, pod);
    super::host_path::make(world, pod);
    let restart_policy = meta::str_at(pod, &["spec", "restartPolicy"])
        .unwrap_or("Always")
        .to_string();
    let n = world.pods.get(uid).map_or(0, |r| r.containers.len());
    // Init containers: one at a time.
    for i in 0..n {
        let Some(c) = world.pods.get(uid).map(|r| r.containers[i].clone()) else {
            return;
        };
        if !c.init {
            continue;
        }
        if c.succeeded() {
            continue;
        }
        step_container(world, uid, pod, i, &restart_policy);
        let done = world
            .pods
            .get(uid)
            .is_some_and(|r| r.containers[i].succeeded());
        if !done {
            return;
        }
    }
    // App containers: started in order; a container still being pulled or created holds the ones after it.
    for i in 0..n {
        let Some(c) = world.pods.get(uid).map(|r| r.containers[i].clone()) else {
            return;
        };
        if c.init {
            continue;
        }
        if matches!(c.state, ContainerState::Waiting { ref reason, .. } if reason == "PodInitializing")
            && let Some(rt) = world.pods.get_mut(uid)
        {
            rt.containers[i].state = ContainerState::Waiting {
                reason: "ContainerCreating".into(),
                message: String::new(),
            };
        }
        step_container(world, uid, pod, i, &restart_policy);
        let c = &world.pods[uid].containers[i];
        let started_once = c.restart_count > 0
            || !matches!(
                c.state,
                ContainerState::Pulling { .. }
                    | ContainerState::Starting { .. }
                    | ContainerState::Waiting { .. }
            )
            || c.retry_at.is_some();
        if !started_once {
            return;
        }
    }
    // Terminal phase when nothing will run again.
    if let Some(rt) = world.pods.get_mut(uid) {
        let apps: Vec<&ContainerRuntime> = rt.containers.iter().filter(|c| !c.init).collect();
        let all_done = !apps.is_empty()
            && apps.iter().all(|c| {
                matches!(c.state, ContainerState::Terminated { .. }) && c.retry_at.is_none()
            });
        if all_done {
            let all_ok = apps.iter().all(|c| c.succeeded());
            rt.finished = Some(if all_ok { "Succeeded" } else { "Failed" }.to_string());
        }
        let init_failed = rt.containers.iter().any(|c| {
            c.init
                && matches!(c.state, ContainerState::Terminated { exit_code, .. } if exit_code != 0)
                && c.retry_at.is_none()
        });
        if init_failed {
            rt.finished = Some("Failed".to_string());
        }
    }
}

fn backoff_next(cur: Millis) -> Millis {
    if cur == 0 {
        BACKOFF_START
    } else {
        (cur * 2).min(BACKOFF_MAX)
    }
}

fn go_duration(ms: Millis) -> String {
    let s = ms / 1000;
    if s < 60 {
        format!("{s}s")
    } else {
        format!("{}m{}s", s / 60, s % 60)
    }
}

fn secs3(ms: Millis) -> String {
    // Go's time.Duration String for sub-minute values truncated to ms: 1.234s, 500ms.
    if ms < 1000 {
        format!("{ms}ms")
    } else {
        let s = format!("{}.{:03}", ms / 1000, ms % 1000);
        let s = s.trim_end_matches('0').trim_end_matches('.');
        format!("{s}s")
    }
}

fn set_state(world: &mut World, uid: &str, i: usize, st: ContainerState) {
    let now = world.now();
    if let Some(rt) = world.pods.get_mut(uid) {
        let c = &mut rt.containers[i];
        c.state = st;
        c.since = now;
    }
}

/// Advances container `i` of a pod as far as the current instant allows.
fn step_container(world: &mut World, uid: &str, pod: &Value, i: usize, restart_policy: &str) {
    for _ in 0..8 {
        let now = world.now();
        let Some(c) = world.pods.get(uid).map(|r| r.containers[i].clone()) else {
            return;
        };
        let spec = container_spec(pod, &c.name, c.init);
        match c.state.clone() {
            ContainerState::Waiting { reason, .. } => {
                if let Some(at) = c.retry_at
                    && at > now
                {
                    if matches!(reason.as_str(), "ErrImagePull") && now >= c.since + ERROR_SHOWN {
                        let image = Container(spec).image().to_string();
                        event(
                            world,
                            pod,
                            Some(&c.name),
                            c.init,
                            "Normal",
                            "BackOff",
                            &format!("Back-off pulling image \"{image}\""),
                        );
                        event(
                            world,
                            pod,
                            Some(&c.name),
                            c.init,
                            "Warning",
                            "Failed",
                            "Error: ImagePullBackOff",
                        );
                        set_state(
                            world,
                            uid,
                            i,
                            ContainerState::Waiting {
                                reason: "ImagePullBackOff".into(),
                                message: format!("Back-off pulling image \"{image}\""),
                            },
                        );
                    } else if reason == "ErrImagePull" {
                        wake(world, uid, c.since + ERROR_SHOWN);
                    }
                    wake(world, uid, at);
                    return;
                }
                if reason == "CrashLoopBackOff" {
                    restart_bookkeeping(world, uid, i);
                }
                if !begin_start(world, uid, pod, i, spec) {
                    return;
                }
            }
            ContainerState::Pulling {
                until,
                started,
                queued,
            } => {
                if until > now {
                    wake(world, uid, until);
                    return;
                }
                finish_pull(world, uid, pod, i, spec, until - started, until - queued);
            }
            ContainerState::Starting { until } => {
                if until > now {
                    wake(world, uid, until);
                    return;
                }
                start_process(world, uid, pod, i, spec);
            }
            ContainerState::Running { .. } => {
                if let Some(at) = c.ready_at {
                    if at <= now && !c.ready {
                        if let Some(rt) = world.pods.get_mut(uid) {
                            rt.containers[i].ready = true;
                        }
                    } else if at > now {
                        wake(world, uid, at);
                    }
                }
                if let Some(at) = c.wakes_at {
                    if at <= now {
                        wake_process(world, uid, pod, i);
                        continue;
                    }
                    wake(world, uid, at);
                }
                if let Some((at, code)) = c.exits_at {
                    if at <= now {
                        exit_container(
                            world,
                            uid,
                            i,
                            code,
                            if code == 0 { "Completed" } else { "Error" },
                            at,
                        );
                        continue;
                    }
                    wake(world, uid, at);
                }
                return;
            }
            ContainerState::Terminated { exit_code, .. } => {
                let restart = if c.init {
                    exit_code != 0 && restart_policy != "Never"
                } else {
                    match restart_policy {
                        "Always" => true,
                        "OnFailure" => exit_code != 0,
                        _ => false,
                    }
                };
                if !restart {
                    if let Some(rt) = world.pods.get_mut(uid) {
                        rt.containers[i].retry_at = None;
                    }
                    return;
                }
                let at = c.retry_at.unwrap_or(now);
                if at > now {
                    if now >= c.since + ERROR_SHOWN && c.crash_backoff > 0 {
                        let pod_name = meta::name(pod);
                        let ns = meta::namespace(pod);
                        let msg = format!(
                            "back-off {} restarting failed container={} pod={pod_name}_{ns}({uid})",
                            go_duration(at - c.since),
                            c.name
                        );
                        event(
                            world,
                            pod,
                            Some(&c.name),
                            c.init,
                            "Warning",
                            "BackOff",
                            &format!(
                                "Back-off restarting failed container {} in pod {pod_name}_{ns}({uid})",
                                c.name
                            ),
                        );
                        let keep_retry = c.retry_at;
                        if let Some(rt) = world.pods.get_mut(uid) {
                            let cr = &mut rt.containers[i];
                            cr.last_terminated = Some(cr.state.clone());
                        }
                        set_state(
                            world,
                            uid,
                            i,
                            ContainerState::Waiting {
                                reason: "CrashLoopBackOff".into(),
                                message: msg,
                            },
                        );
                        if let Some(rt) = world.pods.get_mut(uid) {
                            rt.containers[i].retry_at = keep_retry;
                        }
                        wake(world, uid, at);
                        return;
                    }
                    wake(world, uid, (c.since + ERROR_SHOWN).min(at));
                    return;
                }
                // Restart now.
                restart_bookkeeping(world, uid, i);
                if !begin_start(world, uid, pod, i, spec) {
                    return;
                }
            }
        }
    }
}

/// A container instance is replaced: the old one becomes `lastState`, logs move to `--previous`.
fn restart_bookkeeping(world: &mut World, uid: &str, i: usize) {
    if let Some(rt) = world.pods.get_mut(uid) {
        let cr = &mut rt.containers[i];
        if matches!(cr.state, ContainerState::Terminated { .. }) {
            cr.last_terminated = Some(cr.state.clone());
        }
        cr.restart_count += 1;
        cr.retry_at = None;
        cr.previous_logs = std::mem::take(&mut cr.logs);
    }
}

/// A container's spec by name (Null when there is none).
pub(super) fn container_spec<'a>(pod: &'a Value, name: &str, init: bool) -> &'a Value {
    static NONE: Value = Value::Null;
    let p = Pod::of(pod);
    let found = if init {
        p.init_containers().find(|c| c.name() == name)
    } else {
        p.containers().find(|c| c.name() == name)
    };
    found.map_or(&NONE, |c| c.0)
}

#[cfg(test)]
mod tests {
    use crate::world::api::kinds;
    use crate::world::default_world;
    use crate::world::nodes::NodeRuntime;
    use serde_json::json;

    fn pod(name: &str, node: &str) -> serde_json::Value {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"nodeName": node, "containers": [{"name": "c", "image": "nginx:1.25"}]}})
    }

    /// A pod bound to a node the cluster does not have waits; once the node is there, the
    /// kubelets' next look takes every pod in, not only the pods written since the last one.
    #[test]
    fn a_pod_waiting_for_its_node_starts_once_the_node_exists() {
        let mut w = default_world::build(1);
        w.create(pod("early", "worker-9"), false).expect("create");
        let k = kinds::by_kind("Pod").expect("kind");
        let uid = |w: &crate::world::World| {
            crate::world::api::meta::uid(w.store.get(k, "default", "early").expect("pod"))
                .to_string()
        };
        assert!(!w.pods.contains_key(&uid(&w)), "no kubelet runs it yet");
        w.nodes.insert(
            "worker-9".into(),
            NodeRuntime::new("worker-9", 9, 1_000_000_000),
        );
        // Any pod write wakes the kubelets; `early` itself was written before the node existed.
        w.create(pod("later", "worker-1"), false).expect("create");
        assert!(
            w.pods.contains_key(&uid(&w)),
            "the new node's kubelet took it in"
        );
    }
}
