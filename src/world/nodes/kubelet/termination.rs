//! A pod's termination: the grace period, its scripts' SIGTERM handling and the pod's removal.

use super::*;

pub(super) fn terminate(world: &mut World, uid: &str, pod: &Value) {
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
pub(super) const CLEANUP_MS: Millis = 100;

/// A pod's grace period runs (until `until`): its scripts go on in virtual time (a trap for
/// SIGTERM runs, a loop goes on); when every container that runs a script has ended, the pod
/// goes before the grace period is over.
pub(super) fn terminating(world: &mut World, uid: &str, pod: &Value, until: Millis) {
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

pub(super) fn finish_termination(world: &mut World, uid: &str, pod: &Value) {
    if let Some(k) = kinds::by_kind(kinds::POD) {
        world.remove_object(k, meta::namespace(pod), meta::name(pod));
    }
    world.forget_pod(uid);
}
