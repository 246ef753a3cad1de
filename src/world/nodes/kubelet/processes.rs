//! A started container's process: the image's servers and scripts, readiness by probes, exits.

use super::*;

pub(super) fn start_process(world: &mut World, uid: &str, pod: &Value, i: usize, spec: &Value) {
    let now = world.now();
    let name = Container(spec).name().to_string();
    let init = world.pods.get(uid).is_some_and(|r| r.containers[i].init);
    let image = Container(spec).image().to_string();
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
    // The container is created either way; a start error fails it after that.
    event(
        world,
        pod,
        Some(&name),
        init,
        "Normal",
        "Created",
        &format!("Created container {name}"),
    );
    if let Some(err) = plan.start_error.clone() {
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
pub(super) fn image_server_started(
    world: &mut World,
    uid: &str,
    pod: &Value,
    i: usize,
    argv: &[String],
) {
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
pub(super) fn start_server(world: &mut World, uid: &str, pod: &Value, i: usize, plan: Process) {
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
pub(super) fn wake_process(world: &mut World, uid: &str, pod: &Value, i: usize) {
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
pub(super) fn process_ran(world: &mut World, uid: &str, pod: &Value, i: usize, outcome: Outcome) {
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
pub(super) fn readiness_delay(spec: &Value, plan: &Process) -> Option<Millis> {
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
pub(super) fn probe_port(spec: &Value, probe: &Value) -> Option<u16> {
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
pub(super) fn serves(plan: &Process, port: u16, http: bool) -> bool {
    plan.http.contains_key(&port)
        || (!http && !plan.live && plan.http.is_empty() && plan.exit.is_none())
}

pub(super) fn exit_container(
    world: &mut World,
    uid: &str,
    i: usize,
    code: i32,
    reason: &str,
    at: Millis,
) {
    exit_container_reason(world, uid, i, code, reason, at, None);
}

pub(super) fn exit_container_reason(
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
