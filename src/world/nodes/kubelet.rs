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
use crate::world::clock::{Millis, Timer};
use crate::world::events::Source;
use crate::world::registry::ImageRef;
use crate::world::runtime::Outcome;

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

fn terminate(world: &mut World, uid: &str, pod: &Value) {
    let now = world.now();
    let Some(rt) = world.pods.get(uid) else {
        return;
    };
    match rt.terminating_until {
        None => {
            let grace = meta::int_at(pod, &["metadata", "deletionGracePeriodSeconds"])
                .unwrap_or(30)
                .max(0)
                * 1000;
            let running: Vec<(String, bool, Millis)> = rt
                .containers
                .iter()
                .filter(|c| c.is_running())
                .map(|c| {
                    (
                        c.name.clone(),
                        c.init,
                        c.process.as_ref().map_or(300, |p| p.stop_ms),
                    )
                })
                .collect();
            let stop = running.iter().map(|r| r.2).max().unwrap_or(0).min(grace);
            for (name, init, _) in &running {
                event(
                    world,
                    pod,
                    Some(name),
                    *init,
                    "Normal",
                    "Killing",
                    &format!("Stopping container {name}"),
                );
            }
            let until = now + stop;
            if let Some(rt) = world.pods.get_mut(uid) {
                rt.terminating_until = Some(until);
            }
            if until > now {
                // SIGTERM to the scripts: a trap for it runs when the script next wakes.
                for (name, _, _) in &running {
                    world.signal_main_process(pod, name, "TERM");
                }
                terminating(world, uid, pod, until);
            } else {
                finish_termination(world, uid, pod);
            }
        }
        Some(until) if until <= now => finish_termination(world, uid, pod),
        Some(until) => terminating(world, uid, pod, until),
    }
}

/// From the last script's exit to the pod's removal during a termination.
const CLEANUP_MS: Millis = 100;

/// A pod's grace period runs (until `until`): its scripts go on in virtual time (a trap for
/// SIGTERM runs, a loop goes on); when every container that runs a script has ended, the pod
/// goes before the grace period is over.
fn terminating(world: &mut World, uid: &str, pod: &Value, until: Millis) {
    let now = world.now();
    let count = world.pods.get(uid).map_or(0, |r| r.containers.len());
    for i in 0..count {
        let due = world.pods.get(uid).and_then(|r| {
            let c = &r.containers[i];
            // (A process kubelab held back does not start now.)
            (c.is_running() && c.process.as_ref().is_some_and(|p| p.live && p.started))
                .then_some(c.wakes_at)
        });
        if let Some(Some(at)) = due
            && at <= now
        {
            wake_process(world, uid, pod, i);
        }
    }
    let Some(rt) = world.pods.get(uid) else {
        return;
    };
    let running: Vec<&ContainerRuntime> = rt.containers.iter().filter(|c| c.is_running()).collect();
    let ended = |c: &&ContainerRuntime| {
        c.process.as_ref().is_some_and(|p| p.live) && c.exits_at.is_some_and(|(at, _)| at <= now)
    };
    if !running.is_empty() && running.iter().all(ended) {
        // The runtime reports the exits and the kubelet removes the pod a moment later (so
        // that `logs -f` sees the last lines).
        let at = (now + CLEANUP_MS).min(until);
        if let Some(rt) = world.pods.get_mut(uid) {
            rt.terminating_until = Some(at);
        }
        wake(world, uid, at);
        return;
    }
    let next = running
        .iter()
        .filter(|c| c.process.as_ref().is_some_and(|p| p.live && p.started))
        .filter_map(|c| c.wakes_at)
        .filter(|at| *at > now)
        .chain([until])
        .min()
        .unwrap_or(until);
    wake(world, uid, next);
}

fn finish_termination(world: &mut World, uid: &str, pod: &Value) {
    if let Some(k) = kinds::by_kind(kinds::POD) {
        world.remove_object(k, meta::namespace(pod), meta::name(pod));
    }
    world.forget_pod(uid);
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
                        let image = spec
                            .field("image")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string();
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
    let list = if init { "initContainers" } else { "containers" };
    meta::path(pod, &["spec", list])
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter()
                .find(|c| c.field("name").and_then(Value::as_str) == Some(name))
        })
        .unwrap_or(&NONE)
}

/// Config checks and the pull decision. Returns true if the state moved on.
fn begin_start(world: &mut World, uid: &str, pod: &Value, i: usize, spec: &Value) -> bool {
    let now = world.now();
    let name = spec
        .field("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let init = world.pods.get(uid).is_some_and(|r| r.containers[i].init);
    let image = spec
        .field("image")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let policy = spec
        .field("imagePullPolicy")
        .and_then(Value::as_str)
        .unwrap_or("IfNotPresent")
        .to_string();
    let Some(node) = world.pods.get(uid).map(|r| r.node.clone()) else {
        return false;
    };
    let parsed = match ImageRef::parse(&image) {
        Ok(r) => r,
        Err(_) => {
            let msg = format!(
                "Failed to apply default image tag \"{image}\": couldn't parse image name \"{image}\": invalid reference format"
            );
            event(
                world,
                pod,
                Some(&name),
                init,
                "Warning",
                "InspectFailed",
                &msg,
            );
            event(
                world,
                pod,
                Some(&name),
                init,
                "Warning",
                "Failed",
                "Error: InvalidImageName",
            );
            set_state(
                world,
                uid,
                i,
                ContainerState::Waiting {
                    reason: "InvalidImageName".into(),
                    message: msg,
                },
            );
            set_retry(world, uid, i, now + RECHECK);
            wake(world, uid, now + RECHECK);
            return false;
        }
    };
    let present = world
        .nodes
        .get(&node)
        .and_then(|n| n.find_image(&parsed))
        .map(|img| img.digest.clone());
    if policy != "Always" {
        if let Some(digest) = present {
            event(
                world,
                pod,
                Some(&name),
                init,
                "Normal",
                "Pulled",
                &format!("Container image \"{image}\" already present on machine"),
            );
            let repo_digest = world
                .nodes
                .get(&node)
                .and_then(|n| n.images.get(&digest))
                .and_then(|img| {
                    img.repo_digests
                        .iter()
                        .find(|d| d.starts_with(&format!("{}@", parsed.repository())))
                        .or(img.repo_digests.iter().next())
                        .cloned()
                });
            if let Some(rt) = world.pods.get_mut(uid) {
                let c = &mut rt.containers[i];
                c.image_id = repo_digest.unwrap_or_default();
                c.image_name = parsed.tagged().unwrap_or_else(|| parsed.full());
            }
            return config_then_create(world, uid, pod, i, spec);
        }
        if policy == "Never" {
            let msg =
                format!("Container image \"{image}\" is not present with pull policy of Never");
            event(
                world,
                pod,
                Some(&name),
                init,
                "Warning",
                "ErrImageNeverPull",
                &msg,
            );
            event(
                world,
                pod,
                Some(&name),
                init,
                "Warning",
                "Failed",
                "Error: ErrImageNeverPull",
            );
            set_state(
                world,
                uid,
                i,
                ContainerState::Waiting {
                    reason: "ErrImageNeverPull".into(),
                    message: msg,
                },
            );
            set_retry(world, uid, i, now + RECHECK);
            wake(world, uid, now + RECHECK);
            return false;
        }
    }
    // Pull, serialized on the node.
    event(
        world,
        pod,
        Some(&name),
        init,
        "Normal",
        "Pulling",
        &format!("Pulling image \"{image}\""),
    );
    let timings = world.timings.clone();
    let duration = match world.registry.resolve(&image) {
        Ok(res) => {
            let cached = world
                .nodes
                .get(&node)
                .is_some_and(|n| n.images.contains_key(&res.image.digest));
            if cached {
                timings.pull_cached_ms
            } else {
                timings.pull_base_ms
                    + (res.image.spec.size.saturating_mul(1000) / timings.pull_bytes_per_sec.max(1))
                        as Millis
            }
        }
        Err(_) => timings.pull_base_ms,
    };
    let Some(n) = world.nodes.get_mut(&node) else {
        return false;
    };
    let key = parsed.full();
    let (started, until) = match n.in_flight.get(&key) {
        Some(&(s, u)) if u > now => (s, u),
        _ => {
            let started = n.pull_busy_until.max(now);
            let until = started + duration;
            n.pull_busy_until = until;
            n.in_flight.insert(key, (started, until));
            (started, until)
        }
    };
    set_state(
        world,
        uid,
        i,
        ContainerState::Pulling {
            until,
            started,
            queued: now,
        },
    );
    true
}

fn set_retry(world: &mut World, uid: &str, i: usize, at: Millis) {
    if let Some(rt) = world.pods.get_mut(uid) {
        rt.containers[i].retry_at = Some(at);
    }
}

fn finish_pull(
    world: &mut World,
    uid: &str,
    pod: &Value,
    i: usize,
    spec: &Value,
    took: Millis,
    total: Millis,
) {
    let now = world.now();
    let name = spec
        .field("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let init = world.pods.get(uid).is_some_and(|r| r.containers[i].init);
    let image = spec
        .field("image")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let Some(node) = world.pods.get(uid).map(|r| r.node.clone()) else {
        return;
    };
    match world.registry.resolve(&image) {
        Ok(res) => {
            let size = res.image.spec.size;
            if let Some(n) = world.nodes.get_mut(&node) {
                n.store_image(&res, now);
                n.pulls.push(PullRecord {
                    reference: image.clone(),
                    digest: res.repo_digest.clone(),
                    time: now,
                    ok: true,
                });
            }
            event(
                world,
                pod,
                Some(&name),
                init,
                "Normal",
                "Pulled",
                &format!(
                    "Successfully pulled image \"{image}\" in {} ({} including waiting). Image size: {size} bytes.",
                    secs3(took),
                    secs3(total)
                ),
            );
            if let Some(rt) = world.pods.get_mut(uid) {
                let c = &mut rt.containers[i];
                c.image_id = res.reference.with_digest(&res.repo_digest);
                c.image_name = res
                    .reference
                    .tagged()
                    .unwrap_or_else(|| res.reference.full());
                c.pull_backoff = 0;
            }
            config_then_create(world, uid, pod, i, spec);
        }
        Err(e) => {
            if let Some(n) = world.nodes.get_mut(&node) {
                n.pulls.push(PullRecord {
                    reference: image.clone(),
                    digest: String::new(),
                    time: now,
                    ok: false,
                });
            }
            let msg = e.message().to_string();
            event(
                world,
                pod,
                Some(&name),
                init,
                "Warning",
                "Failed",
                &format!("Failed to pull image \"{image}\": {msg}"),
            );
            event(
                world,
                pod,
                Some(&name),
                init,
                "Warning",
                "Failed",
                "Error: ErrImagePull",
            );
            let backoff = world.pods.get(uid).map_or(BACKOFF_START, |r| {
                backoff_next(r.containers[i].pull_backoff)
            });
            set_state(
                world,
                uid,
                i,
                ContainerState::Waiting {
                    reason: "ErrImagePull".into(),
                    message: msg,
                },
            );
            if let Some(rt) = world.pods.get_mut(uid) {
                rt.containers[i].pull_backoff = backoff;
                rt.containers[i].retry_at = Some(now + backoff);
            }
            wake(world, uid, now + ERROR_SHOWN);
        }
    }
}

/// Environment references must resolve before the container is created.
fn config_then_create(world: &mut World, uid: &str, pod: &Value, i: usize, spec: &Value) -> bool {
    let now = world.now();
    if let Some(msg) = config_error(world, pod, spec) {
        let name = spec
            .field("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let init = world.pods.get(uid).is_some_and(|r| r.containers[i].init);
        event(
            world,
            pod,
            Some(&name),
            init,
            "Warning",
            "Failed",
            &format!("Error: {msg}"),
        );
        set_state(
            world,
            uid,
            i,
            ContainerState::Waiting {
                reason: "CreateContainerConfigError".into(),
                message: msg,
            },
        );
        set_retry(world, uid, i, now + RECHECK);
        wake(world, uid, now + RECHECK);
        return false;
    }
    let until = now + world.timings.start_ms;
    set_state(world, uid, i, ContainerState::Starting { until });
    if let Some(rt) = world.pods.get_mut(uid) {
        rt.containers[i].retry_at = None;
    }
    true
}

fn config_error(world: &World, pod: &Value, spec: &Value) -> Option<String> {
    let ns = meta::namespace(pod);
    for e in spec
        .field("env")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for (refkey, kind, label) in [
            ("configMapKeyRef", "ConfigMap", "configmap"),
            ("secretKeyRef", "Secret", "secret"),
        ] {
            let Some(r) = meta::path(e, &["valueFrom", refkey]) else {
                continue;
            };
            if r.field("optional").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let name = r.field("name").and_then(Value::as_str).unwrap_or("");
            let key = r.field("key").and_then(Value::as_str).unwrap_or("");
            match world.object(kind, ns, name) {
                None => return Some(format!("{label} \"{name}\" not found")),
                Some(obj) => {
                    let has = ["data", "binaryData"]
                        .iter()
                        .any(|s| obj.get(*s).and_then(|d| d.get(key)).is_some());
                    if !has {
                        return Some(format!("couldn't find key {key} in {kind} {ns}/{name}"));
                    }
                }
            }
        }
    }
    for ef in spec
        .field("envFrom")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for (refkey, kind, label) in [
            ("configMapRef", "ConfigMap", "configmap"),
            ("secretRef", "Secret", "secret"),
        ] {
            let Some(r) = ef.get(refkey) else { continue };
            if r.field("optional").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let name = r.field("name").and_then(Value::as_str).unwrap_or("");
            if world.object(kind, ns, name).is_none() {
                return Some(format!("{label} \"{name}\" not found"));
            }
        }
    }
    None
}

fn mount_error(world: &World, pod: &Value) -> Option<(String, String)> {
    let ns = meta::namespace(pod);
    for v in meta::path(pod, &["spec", "volumes"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let vname = v
            .field("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        for (field, namekey, kind, label) in [
            ("configMap", "name", "ConfigMap", "configmap"),
            ("secret", "secretName", "Secret", "secret"),
        ] {
            let Some(src) = v.get(field) else { continue };
            if src.field("optional").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let name = src.get(namekey).and_then(Value::as_str).unwrap_or("");
            if world.object(kind, ns, name).is_none() {
                return Some((vname, format!("{label} \"{name}\" not found")));
            }
        }
        if let Some(nfs) = v.field("nfs") {
            let server = nfs.field("server").and_then(Value::as_str).unwrap_or("");
            let path = nfs.field("path").and_then(Value::as_str).unwrap_or("");
            let output = match world.nfs_servers.get(server) {
                None => "mount.nfs: Connection timed out".to_string(),
                Some(exports)
                    if !exports.iter().any(|e| {
                        path == e || path.starts_with(&format!("{}/", e.trim_end_matches('/')))
                    }) =>
                {
                    format!("mount.nfs: access denied by server while mounting {server}:{path}")
                }
                Some(_) => continue,
            };
            let uid = meta::uid(pod);
            return Some((
                vname.clone(),
                format!(
                    "mount failed: exit status 32\nMounting command: mount\nMounting arguments: -t nfs {server}:{path} /var/lib/kubelet/pods/{uid}/volumes/kubernetes.io~nfs/{vname}\nOutput: {output}"
                ),
            ));
        }
    }
    super::atomic_volumes::mount_error(world, pod).or_else(|| super::host_path::check(world, pod))
}

fn start_process(world: &mut World, uid: &str, pod: &Value, i: usize, spec: &Value) {
    let now = world.now();
    let name = spec
        .field("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let init = world.pods.get(uid).is_some_and(|r| r.containers[i].init);
    let image = spec
        .field("image")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let Some(node) = world.pods.get(uid).map(|r| r.node.clone()) else {
        return;
    };
    let resolved_image = world
        .nodes
        .get(&node)
        .and_then(|n| {
            ImageRef::parse(&image)
                .ok()
                .and_then(|r| n.find_image(&r).map(|c| c.digest.clone()))
        })
        .and_then(|d| match world.registry.manifest(&d) {
            Some(crate::world::registry::Manifest::Image(img)) => Some((**img).clone()),
            _ => None,
        });
    let plan: Process = match &resolved_image {
        Some(img) => process::plan(spec, img),
        None => process::plan(
            spec,
            &crate::world::registry::Image::build(crate::world::registry::ImageSpec::new(
                &image, 0, 0,
            )),
        ),
    };
    if let Some(d) = resolved_image.as_ref().map(|i| i.digest.clone())
        && let Some(n) = world.nodes.get_mut(&node)
    {
        n.touch_image(&d, now);
    }
    let cid = format!("containerd://{}", {
        let a = world.seed.next_u64();
        let b = world.seed.next_u64();
        let c = world.seed.next_u64();
        let d = world.seed.next_u64();
        format!("{a:016x}{b:016x}{c:016x}{d:016x}")
    });
    if let Some(err) = plan.start_error.clone() {
        event(
            world,
            pod,
            Some(&name),
            init,
            "Normal",
            "Created",
            &format!("Created container {name}"),
        );
        event(
            world,
            pod,
            Some(&name),
            init,
            "Warning",
            "Failed",
            &format!("Error: {err}"),
        );
        if let Some(rt) = world.pods.get_mut(uid) {
            rt.containers[i].container_id = cid;
        }
        exit_container_reason(world, uid, i, 128, "StartError", now, Some(err));
        return;
    }
    event(
        world,
        pod,
        Some(&name),
        init,
        "Normal",
        "Created",
        &format!("Created container {name}"),
    );
    event(
        world,
        pod,
        Some(&name),
        init,
        "Normal",
        "Started",
        &format!("Started container {name}"),
    );
    let ready_ms = readiness_delay(spec, &plan);
    if ready_ms.is_none()
        && !init
        && let Some(probe) = spec.field("readinessProbe")
    {
        let ip = world
            .pods
            .get(uid)
            .map(|r| r.ip.clone())
            .unwrap_or_default();
        let port = probe_port(spec, probe).unwrap_or(0);
        let msg = match meta::str_at(probe, &["httpGet", "path"]) {
            Some(path) => format!(
                "Readiness probe failed: Get \"http://{ip}:{port}{path}\": dial tcp {ip}:{port}: connect: connection refused"
            ),
            None => {
                format!("Readiness probe failed: dial tcp {ip}:{port}: connect: connection refused")
            }
        };
        event(world, pod, Some(&name), init, "Warning", "Unhealthy", &msg);
    }
    if let Some(rt) = world.pods.get_mut(uid) {
        let c = &mut rt.containers[i];
        c.container_id = cid;
        c.logs = Default::default();
        c.logs.at(now).extend(plan.logs.iter().cloned());
        c.ready = false;
        c.ready_at = if init {
            None
        } else {
            ready_ms.map(|ms| now + ms)
        };
        c.exits_at = plan.exit.map(|(after, code)| (now + after, code));
        c.process = Some(plan.clone());
    }
    set_state(world, uid, i, ContainerState::Running { started_at: now });
    if plan.live {
        let outcome = world.start_main_process(pod, &name, &plan.argv);
        process_ran(world, uid, pod, i, outcome);
    } else {
        image_server_started(world, uid, pod, i, &plan.argv);
    }
}

/// The image's own server that kubelab simulates (redis, mysql) has started as container
/// `i`'s process `argv`: it read its configuration or environment, and writes its log, or its
/// error and exits.
fn image_server_started(world: &mut World, uid: &str, pod: &Value, i: usize, argv: &[String]) {
    let now = world.now();
    let Some(name) = world
        .pods
        .get(uid)
        .and_then(|r| r.containers.get(i))
        .map(|c| c.name.clone())
    else {
        return;
    };
    if let Some(s) = world.start_image_server(pod, &name, argv)
        && let Some(c) = world
            .pods
            .get_mut(uid)
            .and_then(|r| r.containers.get_mut(i))
    {
        c.logs.at(now).append(s.logs);
        if let Some(code) = s.exit {
            c.exits_at = Some((now, code));
        }
    }
}

/// Container `i`'s script ran the image's own server in the foreground: the server is its
/// process from now on (`plan`), as when the container's command names it: it serves, logs
/// what it logs at start, becomes ready after its start-up time if the container is not ready
/// yet, and stops on SIGTERM in its own time.
fn start_server(world: &mut World, uid: &str, pod: &Value, i: usize, plan: Process) {
    let now = world.now();
    let Some(c) = world.pods.get_mut(uid).map(|r| &mut r.containers[i]) else {
        return;
    };
    let (name, init) = (c.name.clone(), c.init);
    let ready = c.ready || c.ready_at.is_some();
    c.logs.at(now).extend(plan.logs.iter().cloned());
    c.exits_at = plan.exit.map(|(after, code)| (now + after, code));
    c.process = Some(plan.clone());
    if !ready && !init {
        let spec = container_spec(pod, &name, init);
        c.ready_at = readiness_delay(spec, &plan).map(|ms| now + ms);
    }
    if let Some(at) = c.ready_at.into_iter().chain(c.exits_at.map(|e| e.0)).min() {
        wake(world, uid, at);
    }
    image_server_started(world, uid, pod, i, &plan.argv);
}

/// The sleep of container `i`'s main process is over: it runs on. A process the world does not
/// have (a snapshot of the world was put back, or kubelab held it back) starts from its
/// beginning.
fn wake_process(world: &mut World, uid: &str, pod: &Value, i: usize) {
    let Some(c) = world.pods.get_mut(uid).map(|r| &mut r.containers[i]) else {
        return;
    };
    c.wakes_at = None;
    let name = c.name.clone();
    let init = c.init;
    let Some(plan) = c.process.clone() else {
        return;
    };
    let outcome = match world.resume_main_process(pod, &name) {
        Some(o) => o,
        None => {
            if plan.started {
                event(
                    world,
                    pod,
                    Some(&name),
                    init,
                    "Normal",
                    "Started",
                    &format!(
                        "kubelab started the process of container {name} again from its beginning: the cluster was put back as it was before a command, and kubelab keeps no running process in that copy"
                    ),
                );
            }
            world.start_main_process(pod, &name, &plan.argv)
        }
    };
    process_ran(world, uid, pod, i, outcome);
}

/// What the kubelet does when container `i`'s main process has run: it sleeps (a timer for its
/// wake time), it ended (the container exits), or kubelab held it back.
fn process_ran(world: &mut World, uid: &str, pod: &Value, i: usize, outcome: Outcome) {
    let now = world.now();
    let Some(c) = world.pods.get_mut(uid).map(|r| &mut r.containers[i]) else {
        return;
    };
    let (name, init) = (c.name.clone(), c.init);
    let first_hold = c.process.as_ref().is_some_and(|p| !p.started);
    if let Some(p) = &mut c.process {
        p.started = outcome != Outcome::Full;
    }
    match outcome {
        Outcome::Sleeping(until) => {
            c.wakes_at = until;
            if let Some(at) = until {
                wake(world, uid, at);
            }
        }
        Outcome::Exited { status, killed } => {
            c.wakes_at = None;
            c.exits_at = Some((now, if killed { 137 } else { status }));
            if killed {
                c.logs.at(now).push(format!(
                    "kubelab: killed this container's process: it ran {} commands without letting virtual time pass (kubelab's limit; a loop needs a sleep)",
                    crate::world::runtime::MAX_STEPS
                ));
                event(
                    world,
                    pod,
                    Some(&name),
                    init,
                    "Warning",
                    "Killing",
                    &format!(
                        "kubelab killed the process of container {name}: it ran {} commands without letting virtual time pass (kubelab's limit)",
                        crate::world::runtime::MAX_STEPS
                    ),
                );
            }
        }
        Outcome::Server(plan) => {
            c.wakes_at = None;
            start_server(world, uid, pod, i, *plan);
        }
        Outcome::Full => {
            c.wakes_at = Some(now + RECHECK);
            let limit = world.processes.limit;
            wake(world, uid, now + RECHECK);
            if first_hold {
                event(
                    world,
                    pod,
                    Some(&name),
                    init,
                    "Warning",
                    "Failed",
                    &format!(
                        "kubelab runs at most {limit} container processes at a time: the process of container {name} starts when one ends"
                    ),
                );
            }
        }
    }
}

impl World {
    /// The interactive main process (a shell reading its terminal, `kubectl attach -i`) of
    /// the container instance `container_id` of pod `uid` ended with `status`: the container
    /// exits now, and restarts as its pod's restartPolicy says.
    pub(crate) fn main_process_ended(&mut self, uid: &str, container_id: &str, status: i32) {
        let now = self.now();
        let Some(c) = self.pods.get_mut(uid).and_then(|r| {
            r.containers
                .iter_mut()
                .find(|c| c.container_id == container_id && c.is_running())
        }) else {
            return;
        };
        c.exits_at = Some((now, status));
        wake(self, uid, now);
    }
}

/// When a started container becomes ready: its own start-up time, or the readiness probe's
/// initial delay; `None` when a probe can never pass (nothing serves the probed port).
fn readiness_delay(spec: &Value, plan: &Process) -> Option<Millis> {
    let Some(probe) = spec.field("readinessProbe") else {
        return Some(plan.ready_ms);
    };
    let delay = probe
        .field("initialDelaySeconds")
        .and_then(Value::as_i64)
        .unwrap_or(0)
        * 1000;
    probe_port(spec, probe)
        .is_none_or(|port| serves(plan, port, probe.field("httpGet").is_some()))
        .then_some(delay.max(plan.ready_ms))
}

/// The port a probe checks (None for exec probes).
fn probe_port(spec: &Value, probe: &Value) -> Option<u16> {
    let port = meta::path(probe, &["httpGet", "port"])
        .or_else(|| meta::path(probe, &["tcpSocket", "port"]))?;
    match port {
        Value::Number(n) => n.as_u64().map(|p| p as u16),
        Value::String(name) => spec
            .field("ports")
            .and_then(Value::as_array)
            .and_then(|ps| {
                ps.iter()
                    .find(|p| p.field("name").and_then(Value::as_str) == Some(name))
            })
            .and_then(|p| p.field("containerPort"))
            .and_then(Value::as_u64)
            .map(|p| p as u16)
            .or(Some(0)),
        _ => Some(0),
    }
}

/// Whether the process answers on `port`: a declared HTTP body, or any long-running server
/// without declared bodies for TCP checks.
fn serves(plan: &Process, port: u16, http: bool) -> bool {
    plan.http.contains_key(&port)
        || (!http && !plan.live && plan.http.is_empty() && plan.exit.is_none())
}

fn exit_container(world: &mut World, uid: &str, i: usize, code: i32, reason: &str, at: Millis) {
    exit_container_reason(world, uid, i, code, reason, at, None);
}

fn exit_container_reason(
    world: &mut World,
    uid: &str,
    i: usize,
    code: i32,
    reason: &str,
    at: Millis,
    message: Option<String>,
) {
    let Some(rt) = world.pods.get_mut(uid) else {
        return;
    };
    let c = &mut rt.containers[i];
    let mut started_at = match c.state {
        ContainerState::Running { started_at } => started_at,
        _ => at,
    };
    if at - started_at > 2 * BACKOFF_MAX {
        c.crash_backoff = 0;
    }
    // A process that never started has no start time: the runtime reports the zero time
    // (`Started: Thu, 01 Jan 1970 00:00:00 +0000` in `kubectl describe`).
    if reason == "StartError" {
        started_at = 0;
    }
    c.ready = false;
    c.ready_at = None;
    c.exits_at = None;
    c.wakes_at = None;
    c.process = None;
    c.state = ContainerState::Terminated {
        exit_code: code,
        reason: reason.to_string(),
        started_at,
        finished_at: at,
        message,
    };
    c.since = at;
    // Back-off: the first restart is immediate, then 10 s doubling to 5 min.
    let delay = c.crash_backoff;
    c.retry_at = Some(at + delay);
    c.crash_backoff = backoff_next(c.crash_backoff);
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
