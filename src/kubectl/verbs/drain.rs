//! `kubectl drain NODE` (`kubectl pkg/cmd/drain/drain.go` and `pkg/drain/`): cordons the node,
//! sorts its pods through drain's filters (DaemonSet-managed, mirror, local storage, no
//! controller; the flags that let them through), then evicts them through the Eviction API
//! (or deletes them with `--disable-eviction`) and waits for them to go, in virtual time: a
//! pod its PodDisruptionBudget protects is retried every 5 s (`error when evicting pods/...
//! (will retry after 5s): ...`) until the budget allows it or `--timeout` passes; a pod gone
//! is reported at the next 1 s poll (`pod/NAME evicted`).

use serde_json::Value;

use super::cordon;
use crate::kubectl::common::dry_run;
use crate::kubectl::context::Ctx;
use crate::kubectl::duration::parse_go_duration;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::printers::name::{DryRun, success};
use crate::world::api::meta::{self, Field};
use crate::world::api::selector::Selector;
use crate::world::api::{Reason, kinds};
use crate::world::clock::{Millis, parse_rfc3339};
use crate::world::requests::DeleteOptions;

const DAEMONSET_FATAL: &str = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)";
const DAEMONSET_WARNING: &str = "ignoring DaemonSet-managed Pods";
const LOCAL_STORAGE_FATAL: &str =
    "Pods with local storage (use --delete-emptydir-data to override)";
const LOCAL_STORAGE_WARNING: &str = "deleting Pods with local storage";
const UNMANAGED_FATAL: &str =
    "cannot delete Pods that declare no controller (use --force to override)";
const UNMANAGED_WARNING: &str = "deleting Pods that declare no controller";

/// How long a drain without `--timeout` waits before kubelab stops it (kubectl would wait
/// forever).
const BOUND_MS: Millis = 3600 * 1000;

/// The drain flags.
struct Opts {
    force: bool,
    ignore_daemonsets: bool,
    delete_emptydir: bool,
    disable_eviction: bool,
    grace_period: i64,
    timeout_ms: Millis,
    pod_selector: Option<Selector>,
    skip_wait_secs: i64,
    dry: DryRun,
}

/// What drain's filters decided for a pod (`PodDeleteStatus`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Status {
    Okay,
    Skip,
    Warning(bool, String),
    Error(String),
}

impl Status {
    fn delete(&self) -> bool {
        matches!(self, Status::Okay | Status::Warning(true, _))
    }
}

fn terminal(pod: &Value) -> bool {
    matches!(
        meta::str_at(pod, &["status", "phase"]),
        Some("Succeeded" | "Failed")
    )
}

/// The filters in upstream's order; the first that keeps the pod decides, and otherwise the
/// last one's status stands (an earlier warning is dropped, as upstream's TODO says).
fn filter(ctx: &Ctx<'_>, o: &Opts, pod: &Value) -> Status {
    let now = ctx.world.now();
    let filters: [&dyn Fn() -> Status; 5] = [
        &|| {
            let since =
                meta::str_at(pod, &["metadata", "deletionTimestamp"]).and_then(parse_rfc3339);
            match since {
                Some(t) if o.skip_wait_secs > 0 && (now - t) / 1000 > o.skip_wait_secs => {
                    Status::Skip
                }
                _ => Status::Okay,
            }
        },
        &|| {
            let Some((kind, name, _)) = meta::controller_of(pod) else {
                return Status::Okay;
            };
            if kind != kinds::DAEMON_SET || terminal(pod) {
                return Status::Okay;
            }
            if ctx
                .world
                .object(kinds::DAEMON_SET, meta::namespace(pod), &name)
                .is_none()
            {
                let msg = format!("daemonsets.apps \"{name}\" not found");
                return if o.force {
                    Status::Warning(true, msg)
                } else {
                    Status::Error(msg)
                };
            }
            if !o.ignore_daemonsets {
                Status::Error(DAEMONSET_FATAL.into())
            } else {
                Status::Warning(false, DAEMONSET_WARNING.into())
            }
        },
        &|| {
            if meta::annotation(pod, "kubernetes.io/config.mirror").is_some() {
                Status::Skip
            } else {
                Status::Okay
            }
        },
        &|| {
            let local = meta::path(pod, &["spec", "volumes"])
                .and_then(Value::as_array)
                .is_some_and(|vs| vs.iter().any(|v| v.field("emptyDir").is_some()));
            if !local || terminal(pod) {
                Status::Okay
            } else if !o.delete_emptydir {
                Status::Error(LOCAL_STORAGE_FATAL.into())
            } else {
                Status::Warning(true, LOCAL_STORAGE_WARNING.into())
            }
        },
        &|| {
            if terminal(pod) || meta::controller_of(pod).is_some() {
                Status::Okay
            } else if o.force {
                Status::Warning(true, UNMANAGED_WARNING.into())
            } else {
                Status::Error(UNMANAGED_FATAL.into())
            }
        },
    ];
    let mut status = Status::Okay;
    for f in filters {
        status = f();
        if !status.delete() {
            break;
        }
    }
    status
}

/// The node's pods and what the filters decided (`GetPodsForDeletion`).
fn pods_for_deletion(ctx: &mut Ctx<'_>, o: &Opts, node: &str) -> Vec<(Value, Status)> {
    let Some(pod_kind) = kinds::by_kind(kinds::POD) else {
        return vec![];
    };
    let pods: Vec<Value> = ctx
        .world
        .list(pod_kind, None, o.pod_selector.as_ref())
        .into_iter()
        .filter(|p| meta::str_at(p, &["spec", "nodeName"]) == Some(node))
        .collect();
    pods.into_iter()
        .map(|p| {
            let s = filter(ctx, o, &p);
            (p, s)
        })
        .collect()
}

fn key(p: &Value) -> String {
    format!("{}/{}", meta::namespace(p), meta::name(p))
}

/// Messages grouped in the order they first appear, each with its pods.
fn grouped<'a>(items: impl Iterator<Item = (&'a str, String)>) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for (msg, pod) in items {
        match out.iter_mut().find(|(m, _)| m == msg) {
            Some((_, pods)) => pods.push(pod),
            None => out.push((msg.to_string(), vec![pod])),
        }
    }
    out
}

/// The errors of a pod list (`PodDeleteList.errors`).
fn list_errors(list: &[(Value, Status)]) -> Vec<String> {
    grouped(list.iter().filter_map(|(p, s)| match s {
        Status::Error(m) => Some((m.as_str(), key(p))),
        _ => None,
    }))
    .into_iter()
    .map(|(m, pods)| {
        if m.to_lowercase().starts_with("cannot delete") {
            format!("{m}: {}", pods.join(", "))
        } else {
            format!("cannot delete {m}: {}", pods.join(", "))
        }
    })
    .collect()
}

/// Go's `utilerrors.NewAggregate(...).Error()`: one message alone, several in brackets.
fn aggregate(errs: &[String]) -> String {
    match errs {
        [one] => one.clone(),
        _ => format!("[{}]", errs.join(", ")),
    }
}

/// Go's `time.Duration.String` for whole milliseconds.
pub(crate) fn go_duration(ms: Millis) -> String {
    if ms == 0 {
        return "0s".into();
    }
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let (h, m) = (ms / 3_600_000, (ms / 60_000) % 60);
    let s = format!("{}.{:03}", (ms / 1000) % 60, ms % 1000);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m{s}s"),
        _ => format!("{h}h{m}m{s}s"),
    }
}

/// `kubectl drain`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    cordon::check_usage(f)?;
    let dry = dry_run(f)?;
    let pod_selector = match f.string("pod-selector").filter(|s| !s.is_empty()) {
        Some(s) => Some(Selector::parse(&s).map_err(|_| {
            Failure::Message("--pod-selector=<pod_selector> must be a valid label selector".into())
        })?),
        None => None,
    };
    let timeout_ms = parse_go_duration(&f.string("timeout").unwrap_or_else(|| "0s".into()))
        .unwrap_or(0)
        .max(0);
    let o = Opts {
        force: f.boolean("force"),
        ignore_daemonsets: f.boolean("ignore-daemonsets"),
        delete_emptydir: f.boolean("delete-emptydir-data"),
        disable_eviction: f.boolean("disable-eviction"),
        grace_period: f.int("grace-period")?.unwrap_or(-1),
        timeout_ms,
        pod_selector,
        skip_wait_secs: f.int("skip-wait-for-delete-timeout")?.unwrap_or(0),
        dry,
    };
    let nodes = cordon::nodes(ctx, f)?;
    cordon::cordon_all(ctx, &nodes, true, dry)?;
    let Some(node_kind) = kinds::by_kind(kinds::NODE) else {
        return Ok(());
    };
    let mut fatal: Vec<String> = Vec::new();
    let mut remaining: Vec<String> = Vec::new();
    for node in &nodes {
        let name = meta::name(node);
        match drain_node(ctx, &o, name) {
            Ok(()) => ctx.io.out(&success(node_kind, name, "drained", dry)),
            Err(DrainError::Stopped(failure)) => return Err(failure),
            Err(DrainError::Failed(errs)) => {
                ctx.io.err(&format!(
                    "error: unable to drain node \"{name}\" due to error: {}, continuing command...\n",
                    aggregate(&errs)
                ));
                fatal.extend(errs);
                remaining.push(name.to_string());
            }
        }
    }
    if remaining.is_empty() {
        return Ok(());
    }
    ctx.io.err("There are pending nodes to be drained:\n");
    for n in &remaining {
        ctx.io.err(&format!(" {n}\n"));
    }
    Err(Failure::Many(
        fatal.into_iter().map(Failure::Message).collect(),
    ))
}

/// Why a node could not be drained.
enum DrainError {
    /// The errors kubectl aggregates.
    Failed(Vec<String>),
    /// Ctrl-C, a closed pipe, or kubelab's bound on an endless wait.
    Stopped(Failure),
}

/// `deleteOrEvictPodsSimple`.
fn drain_node(ctx: &mut Ctx<'_>, o: &Opts, node: &str) -> Result<(), DrainError> {
    let list = pods_for_deletion(ctx, o, node);
    let errs = list_errors(&list);
    if !errs.is_empty() {
        return Err(DrainError::Failed(errs));
    }
    let warnings = grouped(list.iter().filter_map(|(p, s)| match s {
        Status::Warning(_, m) => Some((m.as_str(), key(p))),
        _ => None,
    }));
    if !warnings.is_empty() {
        let w: Vec<String> = warnings
            .iter()
            .map(|(m, pods)| format!("{m}: {}", pods.join(", ")))
            .collect();
        ctx.io.err(&format!("Warning: {}\n", w.join("; ")));
    }
    let pods: Vec<Value> = list
        .into_iter()
        .filter(|(_, s)| s.delete())
        .map(|(p, _)| p)
        .collect();
    if o.dry == DryRun::Client {
        for p in &pods {
            ctx.io.out(&format!("evicting pod {} (dry run)\n", key(p)));
        }
        return Ok(());
    }
    if pods.is_empty() {
        return Ok(());
    }
    let result = if o.disable_eviction {
        delete_pods(ctx, o, &pods)
    } else {
        evict_pods(ctx, o, &pods)
    };
    match result {
        Ok(()) => Ok(()),
        Err(DrainError::Failed(errs)) => {
            let pending = pods_for_deletion(ctx, o, node);
            let pending: Vec<&Value> = pending
                .iter()
                .filter(|(_, s)| s.delete())
                .map(|(p, _)| p)
                .collect();
            if !pending.is_empty() {
                ctx.io.err(&format!(
                    "There are pending pods in node \"{node}\" when an error occurred: {}\n",
                    aggregate(&errs)
                ));
                for p in pending {
                    ctx.io.err(&format!("pod/{}\n", meta::name(p)));
                }
            }
            Err(DrainError::Failed(errs))
        }
        Err(stopped) => Err(stopped),
    }
}

/// One pod's progress through eviction.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// Ask for its eviction at this instant.
    Evict(Millis),
    /// Evicted: look whether it is gone at this instant.
    Poll(Millis, String),
    Done,
    Failed(String),
}

fn delete_options(o: &Opts) -> DeleteOptions {
    DeleteOptions {
        grace_period: (o.grace_period >= 0).then_some(o.grace_period),
        dry_run: o.dry == DryRun::Server,
        ..Default::default()
    }
}

/// Whether the pod with this uid is gone (not found, or replaced by one of the same name).
fn gone(ctx: &Ctx<'_>, pod: &Value, uid: &str) -> bool {
    ctx.world
        .object(kinds::POD, meta::namespace(pod), meta::name(pod))
        .is_none_or(|p| meta::uid(p) != uid)
}

/// Moves the world to `at`, showing what was printed; a stop (Ctrl-C, a closed pipe) ends
/// the command.
fn advance_to(ctx: &mut Ctx<'_>, at: Millis) -> Result<(), DrainError> {
    ctx.flush();
    if ctx.interrupted() {
        return Err(DrainError::Stopped(Failure::Exit {
            text: String::new(),
            status: 130,
        }));
    }
    if ctx.waits.broken {
        return Err(DrainError::Stopped(Failure::Exit {
            text: String::new(),
            status: 141,
        }));
    }
    let now = ctx.world.now();
    if at > now {
        ctx.world.advance(at - now);
    }
    Ok(())
}

fn stopped_notice(after: Millis) -> DrainError {
    DrainError::Stopped(Failure::Exit {
        text: format!(
            "kubelab: stopped waiting after {} of virtual time (kubectl would go on waiting until Ctrl-C)\n",
            go_duration(after)
        ),
        status: 130,
    })
}

/// `evictPods`: every pod at once; a 429 retried after 5 s; each evicted pod watched every
/// second until it is gone; all bounded by `--timeout`.
fn evict_pods(ctx: &mut Ctx<'_>, o: &Opts, pods: &[Value]) -> Result<(), DrainError> {
    let start = ctx.world.now();
    let deadline = (o.timeout_ms > 0).then_some(start + o.timeout_ms);
    let timeout_text = go_duration(if o.timeout_ms > 0 {
        o.timeout_ms
    } else {
        i64::MAX / 1_000_000
    });
    let mut steps: Vec<Step> = pods.iter().map(|_| Step::Evict(start)).collect();
    let opts = delete_options(o);
    loop {
        let next = steps
            .iter()
            .filter_map(|s| match s {
                Step::Evict(t) | Step::Poll(t, _) => Some(*t),
                _ => None,
            })
            .min();
        let Some(at) = next else {
            break;
        };
        if deadline.is_none() && at - start > BOUND_MS {
            return Err(stopped_notice(at - start));
        }
        advance_to(ctx, at)?;
        let now = ctx.world.now();
        let expired = deadline.is_some_and(|d| now >= d);
        for (i, pod) in pods.iter().enumerate() {
            match steps[i].clone() {
                Step::Evict(t) if t == at => {
                    let (ns, name) = (meta::namespace(pod), meta::name(pod));
                    if o.dry == DryRun::Server {
                        ctx.io
                            .out(&format!("evicting pod {ns}/{name} (server dry run)\n"));
                    } else {
                        ctx.io.out(&format!("evicting pod {ns}/{name}\n"));
                    }
                    if expired {
                        steps[i] = Step::Failed(format!(
                            "error when evicting pods/\"{name}\" -n \"{ns}\": global timeout reached: {timeout_text}"
                        ));
                        continue;
                    }
                    steps[i] = match ctx.world.evict(ns, name, &opts) {
                        Ok(()) if o.dry == DryRun::Server => Step::Done,
                        Ok(()) => Step::Poll(now, meta::uid(pod).to_string()),
                        Err(e) if e.reason == Reason::NotFound => Step::Done,
                        Err(e) if e.reason == Reason::TooManyRequests => {
                            ctx.io.err(&format!(
                                "error when evicting pods/\"{name}\" -n \"{ns}\" (will retry after 5s): {}\n",
                                e.message
                            ));
                            Step::Evict(now + 5000)
                        }
                        Err(e) => Step::Failed(format!(
                            "error when evicting pods/\"{name}\" -n \"{ns}\": {}",
                            e.message
                        )),
                    };
                }
                Step::Poll(t, uid) if t == at => {
                    if gone(ctx, pod, &uid) {
                        ctx.io.out(&format!("pod/{} evicted\n", meta::name(pod)));
                        steps[i] = Step::Done;
                    } else if expired {
                        steps[i] = Step::Failed(format!(
                            "error when waiting for pod \"{}\" in namespace \"{}\" to terminate: global timeout reached: {timeout_text}",
                            meta::name(pod),
                            meta::namespace(pod)
                        ));
                    } else {
                        steps[i] = Step::Poll(now + 1000, uid);
                    }
                }
                _ => {}
            }
        }
    }
    let errs: Vec<String> = steps
        .into_iter()
        .filter_map(|s| match s {
            Step::Failed(m) => Some(m),
            _ => None,
        })
        .collect();
    if errs.is_empty() {
        Ok(())
    } else {
        Err(DrainError::Failed(errs))
    }
}

/// `deletePods` (`--disable-eviction`): deletes every pod, then polls every second until they
/// are gone or the timeout passes.
fn delete_pods(ctx: &mut Ctx<'_>, o: &Opts, pods: &[Value]) -> Result<(), DrainError> {
    let Some(pod_kind) = kinds::by_kind(kinds::POD) else {
        return Ok(());
    };
    let opts = delete_options(o);
    for p in pods {
        if let Err(e) = ctx
            .world
            .delete(pod_kind, meta::namespace(p), meta::name(p), &opts)
            && e.reason != Reason::NotFound
        {
            return Err(DrainError::Failed(vec![e.message]));
        }
    }
    if o.dry == DryRun::Server {
        return Ok(());
    }
    let start = ctx.world.now();
    let mut pending: Vec<&Value> = pods.iter().collect();
    let mut at = start;
    loop {
        advance_to(ctx, at)?;
        let mut still = Vec::new();
        for p in pending {
            if gone(ctx, p, meta::uid(p)) {
                ctx.io.out(&format!("pod/{} deleted\n", meta::name(p)));
            } else {
                still.push(p);
            }
        }
        pending = still;
        if pending.is_empty() {
            return Ok(());
        }
        at += 1000;
        if o.timeout_ms > 0 && at - start > o.timeout_ms {
            return Err(DrainError::Failed(vec![
                "timed out waiting for the condition".into(),
            ]));
        }
        if o.timeout_ms == 0 && at - start > BOUND_MS {
            return Err(stopped_notice(at - start));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(go_duration(30_000), "30s");
        assert_eq!(go_duration(90_000), "1m30s");
        assert_eq!(go_duration(60_000), "1m0s");
        assert_eq!(go_duration(3_600_000), "1h0m0s");
        assert_eq!(go_duration(1_500), "1.5s");
    }
}
