//! The Job controller (`k/k pkg/controller/job/job_controller.go`, 1.32): pods for
//! `completions` at most `parallelism` at a time (NonIndexed, Indexed, or a work queue when
//! `completions` is unset), counting finished pods once (the tracking finalizer), failures
//! against `backoffLimit` (with `restartPolicy: OnFailure`, the restarts of running pods too)
//! and `podFailurePolicy`, replacement pods delayed by the failure back-off (10 s doubling,
//! at most 6 min, counted from the last failure since the last success), `activeDeadlineSeconds`
//! and `suspend`. Finishing takes two steps, as in 1.32: SuccessCriteriaMet or FailureTarget
//! while the remaining pods terminate, then Complete (with `completionTime`) or Failed. A
//! finished Job is deleted `ttlSecondsAfterFinished` after it finished, as the
//! ttl-after-finished controller does (foreground: its pods go first).

pub mod admission;
pub mod conditions;
pub mod failure_policy;
pub mod pods;

use serde_json::{Value, json};

use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::meta;
use crate::world::clock::{Millis, parse_rfc3339, rfc3339};
use crate::world::events::Source;
use crate::world::store::Queue;
use conditions::{MSG_BACKOFF, MSG_COMPLETIONS, MSG_DEADLINE};
use failure_policy::Verdict;

/// `DefaultJobPodFailureBackOff` and `MaxJobPodFailureBackOff`.
const BACKOFF_BASE_MS: Millis = 10_000;
const BACKOFF_MAX_MS: Millis = 360_000;

fn source() -> Source {
    Source::component("job-controller")
}

/// Syncs the Jobs on the work queue (the round then lets go of deleted pods whose Job is
/// gone: [`release_orphans`]).
pub fn run(world: &mut World) {
    super::sync_queue(world, Queue::Jobs, sync);
}

/// Removes the tracking finalizer from pods being deleted whose Job no longer counts them
/// (upstream's orphan pod handling), so that they can go.
pub(crate) fn release_orphans(world: &mut World) {
    let Some(pod_kind) = kinds::by_kind(kinds::POD) else {
        return;
    };
    let held: Vec<(String, String)> = world
        .store
        .deleting()
        .into_iter()
        .filter(|r| r.0 == "pods")
        .filter_map(|r| {
            let p = world.store.get_ref(&r)?;
            let owner_live = meta::controller_of(p)
                .is_some_and(|(k, _, u)| k == kinds::JOB && world.store.has_uid(&u));
            (has_finalizer(p) && !owner_live).then(|| (r.1.clone(), r.2.clone()))
        })
        .collect();
    for (ns, name) in held {
        if let Some(p) = world.store.get(pod_kind, &ns, &name).cloned() {
            let p = without_finalizer(p);
            world.write_discard(p);
        }
    }
}

fn has_finalizer(pod: &Value) -> bool {
    meta::path(pod, &["metadata", "finalizers"])
        .and_then(Value::as_array)
        .is_some_and(|a| {
            a.iter()
                .any(|f| f.as_str() == Some(pods::TRACKING_FINALIZER))
        })
}

fn without_finalizer(mut pod: Value) -> Value {
    if let Some(a) = meta::path_mut(&mut pod, &["metadata", "finalizers"]).as_array_mut() {
        a.retain(|f| f.as_str() != Some(pods::TRACKING_FINALIZER));
        if a.is_empty()
            && let Some(m) = pod.get_mut("metadata").and_then(Value::as_object_mut)
        {
            m.remove("finalizers");
        }
    }
    pod
}

fn phase(pod: &Value) -> &str {
    meta::str_at(pod, &["status", "phase"]).unwrap_or("")
}

fn terminal(pod: &Value) -> bool {
    matches!(phase(pod), "Succeeded" | "Failed")
}

fn is_ready(pod: &Value) -> bool {
    meta::condition(pod, "Ready")
        .and_then(|c| c.get("status"))
        .and_then(Value::as_str)
        == Some("True")
}

/// When a pod finished: its containers' latest `finishedAt`.
fn finished_at(pod: &Value) -> Option<Millis> {
    ["containerStatuses", "initContainerStatuses"]
        .iter()
        .filter_map(|l| meta::path(pod, &["status", l]).and_then(Value::as_array))
        .flatten()
        .filter_map(|s| meta::str_at(s, &["state", "terminated", "finishedAt"]))
        .filter_map(parse_rfc3339)
        .max()
}

/// `pastBackoffLimitOnFailure`: with `restartPolicy: OnFailure`, the restarts of the pods
/// still running or pending count as failures.
fn past_backoff_on_failure(job: &Value, pods: &[Value], limit: i64) -> bool {
    if meta::str_at(job, &["spec", "template", "spec", "restartPolicy"]) != Some("OnFailure") {
        return false;
    }
    let restarts: i64 = pods
        .iter()
        .filter(|p| matches!(phase(p), "Running" | "Pending"))
        .flat_map(|p| {
            ["initContainerStatuses", "containerStatuses"]
                .into_iter()
                .filter_map(|l| meta::path(p, &["status", l]).and_then(Value::as_array))
                .flatten()
                .filter_map(|s| s.get("restartCount").and_then(Value::as_i64))
                .collect::<Vec<_>>()
        })
        .sum();
    if limit == 0 {
        restarts > 0
    } else {
        restarts >= limit
    }
}

/// The back-off before the next pod: failures since the last success, from the last failure
/// (`backoffRecord.getRemainingTime`). Returns the instant the next pod may be created.
fn backoff_until(job: &Value, pods: &[Value]) -> Option<Millis> {
    let last_success = pods
        .iter()
        .filter(|p| phase(p) == "Succeeded")
        .filter_map(finished_at)
        .max()
        .unwrap_or(i64::MIN);
    let failures: Vec<Millis> = pods
        .iter()
        .filter(|p| phase(p) == "Failed" && failure_policy::judge(job, p) != Verdict::Ignore)
        .filter_map(finished_at)
        .filter(|t| *t > last_success)
        .collect();
    let last = *failures.iter().max()?;
    let mut delay = BACKOFF_BASE_MS;
    for _ in 1..failures.len() {
        delay = (delay * 2).min(BACKOFF_MAX_MS);
    }
    Some(last + delay)
}

/// Everything a sync works out of the Job's pods.
struct Census {
    active: Vec<Value>,
    terminating: i64,
    ready: i64,
    succeeded: i64,
    failed: i64,
    completed: Vec<i64>,
    fail_job: Option<String>,
}

fn census(
    world: &mut World,
    job: &Value,
    all: &[Value],
    indexed: bool,
    completions: i64,
) -> Census {
    let status = job.get("status").cloned().unwrap_or(json!({}));
    let mut c = Census {
        active: Vec::new(),
        terminating: 0,
        ready: 0,
        succeeded: meta::int_at(&status, &["succeeded"]).unwrap_or(0),
        failed: meta::int_at(&status, &["failed"]).unwrap_or(0),
        completed: meta::str_at(&status, &["completedIndexes"])
            .map(|s| pods::parse_indexes(s, completions))
            .unwrap_or_default(),
        fail_job: None,
    };
    for p in all {
        if terminal(p) {
            if !has_finalizer(p) {
                continue;
            }
            if phase(p) == "Succeeded" {
                if indexed {
                    if let Some(i) = pods::index_of(p).filter(|i| (0..completions).contains(i))
                        && !c.completed.contains(&i)
                    {
                        c.completed.push(i);
                        c.completed.sort_unstable();
                    }
                } else {
                    c.succeeded += 1;
                }
            } else {
                match failure_policy::judge(job, p) {
                    Verdict::Ignore => {}
                    Verdict::Count => c.failed += 1,
                    Verdict::FailJob(m) => {
                        c.failed += 1;
                        c.fail_job.get_or_insert(m);
                    }
                }
            }
            world.write_discard(without_finalizer(p.clone()));
        } else if meta::is_deleting(p) {
            c.terminating += 1;
        } else {
            if is_ready(p) {
                c.ready += 1;
            }
            c.active.push(p.clone());
        }
    }
    if indexed {
        c.succeeded = c.completed.len() as i64;
    }
    c
}

fn delete_pod(world: &mut World, job: &Value, pod: &Value) {
    super::delete_owned_pod(world, job, pod, &source());
}

fn create_pod(world: &mut World, job: &Value, index: Option<i64>) -> bool {
    match world.create_internal(pods::new_pod(job, index)) {
        Ok(p) => {
            let name = meta::name(&p).to_string();
            world.record_event(
                job,
                None,
                "Normal",
                "SuccessfulCreate",
                &format!("Created pod: {name}"),
                &source(),
            );
            true
        }
        Err(e) => {
            world.record_event(
                job,
                None,
                "Warning",
                "FailedCreate",
                &format!("Error creating: {}", e.message),
                &source(),
            );
            false
        }
    }
}

/// `ActivePods` order for deletion: unscheduled, then not ready, then the newest.
fn deletion_order(pods: &mut [Value]) {
    pods.sort_by_key(|p| {
        (
            meta::str_at(p, &["spec", "nodeName"]).is_some(),
            is_ready(p),
            std::cmp::Reverse(
                meta::str_at(p, &["metadata", "creationTimestamp"])
                    .and_then(parse_rfc3339)
                    .unwrap_or(0),
            ),
            std::cmp::Reverse(meta::name(p).to_string()),
        )
    });
}

fn sync(world: &mut World, ns: &str, name: &str) {
    let Some(job_kind) = kinds::by_kind(kinds::JOB) else {
        return;
    };
    let Some(job) = world.store.get(job_kind, ns, name).cloned() else {
        return;
    };
    if meta::is_deleting(&job) {
        return;
    }
    let now = world.now();
    let now_s = rfc3339(now);
    if conditions::finished(&job).is_some() {
        expire(world, &job, now);
        return;
    }
    let uid = meta::uid(&job).to_string();
    let all: Vec<Value> = world
        .store
        .dependents_of(&uid)
        .into_iter()
        .filter(|r| r.0 == "pods")
        .filter_map(|r| world.store.get_ref(&r).cloned())
        .filter(|p| meta::controller_uid(p) == Some(uid.as_str()))
        .collect();
    let indexed = meta::str_at(&job, &["spec", "completionMode"]) == Some("Indexed");
    let completions = meta::int_at(&job, &["spec", "completions"]);
    let cap = world.timings.max_pods_per_controller;
    let parallelism = meta::int_at(&job, &["spec", "parallelism"])
        .unwrap_or(1)
        .clamp(0, cap);
    let backoff_limit = meta::int_at(&job, &["spec", "backoffLimit"]).unwrap_or(6);
    let suspended = meta::bool_at(&job, &["spec", "suspend"]) == Some(true);
    let mut c = census(
        world,
        &job,
        &all,
        indexed,
        completions.unwrap_or(0).clamp(0, cap),
    );
    let mut status = job
        .get("status")
        .cloned()
        .filter(Value::is_object)
        .unwrap_or(json!({}));

    // Suspension and the start time (reset when resumed, so the deadline starts again).
    let mut suspend_event = None;
    if suspended {
        if conditions::ensure(
            &mut status,
            conditions::new("Suspended", "True", "JobSuspended", "Job suspended", &now_s),
        ) {
            suspend_event = Some(("Suspended", "Job suspended"));
        }
    } else if conditions::get(&status, "Suspended").is_some()
        && conditions::ensure(
            &mut status,
            conditions::new("Suspended", "False", "JobResumed", "Job resumed", &now_s),
        )
    {
        suspend_event = Some(("Resumed", "Job resumed"));
        status["startTime"] = json!(now_s);
    }
    if !suspended && status.get("startTime").is_none() {
        status["startTime"] = json!(now_s);
    }
    if let Some((reason, msg)) = suspend_event {
        world.record_event(&job, None, "Normal", reason, msg, &source());
    }
    let start = meta::str_at(&status, &["startTime"]).and_then(parse_rfc3339);

    // Failure and success criteria.
    let mut failure = conditions::is_true(&status, "FailureTarget");
    let mut success = conditions::is_true(&status, "SuccessCriteriaMet");
    if !failure && !success {
        let deadline = meta::int_at(&job, &["spec", "activeDeadlineSeconds"])
            .filter(|_| !suspended)
            .zip(start)
            .map(|(s, t)| t.saturating_add(s.saturating_mul(1000)));
        let reason = if let Some(m) = c.fail_job.take() {
            Some(("PodFailurePolicy", m))
        } else if c.failed > backoff_limit
            || past_backoff_on_failure(&job, &c.active, backoff_limit)
        {
            Some(("BackoffLimitExceeded", MSG_BACKOFF.to_string()))
        } else if deadline.is_some_and(|d| now >= d) {
            Some(("DeadlineExceeded", MSG_DEADLINE.to_string()))
        } else {
            if let Some(d) = deadline {
                world.requeue_at(Queue::Jobs, ns, name, d);
            }
            None
        };
        if let Some((reason, msg)) = reason {
            conditions::ensure(
                &mut status,
                conditions::new("FailureTarget", "True", reason, &msg, &now_s),
            );
            failure = true;
        } else {
            let complete = match completions {
                Some(n) if indexed => c.completed.len() as i64 >= n,
                Some(n) => c.succeeded >= n,
                None => c.succeeded > 0 && c.active.is_empty(),
            };
            if complete {
                conditions::ensure(
                    &mut status,
                    conditions::new(
                        "SuccessCriteriaMet",
                        "True",
                        "CompletionsReached",
                        MSG_COMPLETIONS,
                        &now_s,
                    ),
                );
                success = true;
            }
        }
    }

    if failure || success || suspended {
        for p in std::mem::take(&mut c.active) {
            delete_pod(world, &job, &p);
            c.terminating += 1;
        }
        c.ready = 0;
    } else {
        manage(
            world,
            &job,
            &mut c,
            &all,
            indexed,
            completions,
            parallelism,
            now,
        );
    }

    // The terminal condition once nothing is left running.
    if (failure || success) && c.terminating == 0 {
        let (ty, from) = if success {
            ("Complete", "SuccessCriteriaMet")
        } else {
            ("Failed", "FailureTarget")
        };
        let (reason, msg) = conditions::get(&status, from)
            .map(|f| {
                (
                    meta::str_at(f, &["reason"]).unwrap_or("").to_string(),
                    meta::str_at(f, &["message"]).unwrap_or("").to_string(),
                )
            })
            .unwrap_or_default();
        conditions::ensure(
            &mut status,
            conditions::new(ty, "True", &reason, &msg, &now_s),
        );
        if success {
            status["completionTime"] = json!(now_s);
            world.record_event(
                &job,
                None,
                "Normal",
                "Completed",
                "Job completed",
                &source(),
            );
        } else {
            world.record_event(&job, None, "Warning", &reason, &msg, &source());
        }
    }

    let put = |status: &mut Value, k: &str, v: i64| {
        if let Some(m) = status.as_object_mut() {
            if v == 0 {
                m.remove(k);
            } else {
                m.insert(k.into(), json!(v));
            }
        }
    };
    put(&mut status, "active", c.active.len() as i64);
    put(&mut status, "succeeded", c.succeeded);
    put(&mut status, "failed", c.failed);
    status["ready"] = json!(c.ready);
    status["terminating"] = json!(c.terminating);
    status["uncountedTerminatedPods"] = json!({});
    if indexed {
        let s = pods::format_indexes(&c.completed);
        if s.is_empty() {
            meta::remove_path(&mut status, &["completedIndexes"]);
        } else {
            status["completedIndexes"] = json!(s);
        }
    }
    if job.get("status") != Some(&status) {
        let mut j = job;
        j["status"] = status;
        world.write_discard(j);
    }
}

/// Creates or deletes pods so that the wanted number run (`manageJob`), unless the failure
/// back-off holds the next pod.
#[allow(clippy::too_many_arguments)]
fn manage(
    world: &mut World,
    job: &Value,
    c: &mut Census,
    all: &[Value],
    indexed: bool,
    completions: Option<i64>,
    parallelism: i64,
    now: Millis,
) {
    let replace_when_gone = meta::str_at(job, &["spec", "podReplacementPolicy"]) == Some("Failed");
    if indexed {
        let n = completions
            .unwrap_or(0)
            .clamp(0, world.timings.max_pods_per_controller);
        // Pods of an index out of range, or a second pod of an index, go.
        let mut seen: Vec<i64> = Vec::new();
        let mut keep = Vec::new();
        for p in std::mem::take(&mut c.active) {
            match pods::index_of(&p) {
                Some(i)
                    if (0..n).contains(&i) && !seen.contains(&i) && !c.completed.contains(&i) =>
                {
                    seen.push(i);
                    keep.push(p);
                }
                _ => {
                    delete_pod(world, job, &p);
                    c.terminating += 1;
                }
            }
        }
        c.active = keep;
        let held = if replace_when_gone { c.terminating } else { 0 };
        let mut room = (parallelism - c.active.len() as i64 - held).max(0);
        if room > 0
            && let Some(at) = backoff_until(job, all).filter(|at| *at > now)
        {
            world.requeue_at(Queue::Jobs, meta::namespace(job), meta::name(job), at);
            return;
        }
        for i in 0..n {
            if room <= 0 {
                break;
            }
            if seen.contains(&i) || c.completed.contains(&i) {
                continue;
            }
            if create_pod(world, job, Some(i)) {
                c.active.push(json!({}));
            }
            room -= 1;
        }
        return;
    }
    let want = match completions {
        Some(n) => parallelism.min(n - c.succeeded),
        None if c.succeeded > 0 => 0,
        None => parallelism,
    }
    .max(0);
    if (c.active.len() as i64) > want {
        let mut extra = std::mem::take(&mut c.active);
        deletion_order(&mut extra);
        let surplus = extra.len() - want as usize;
        for p in extra.drain(..surplus) {
            delete_pod(world, job, &p);
            c.terminating += 1;
        }
        c.active = extra;
        return;
    }
    let busy = c.active.len() as i64 + if replace_when_gone { c.terminating } else { 0 };
    let missing = want - busy;
    if missing <= 0 {
        return;
    }
    if let Some(at) = backoff_until(job, all).filter(|at| *at > now) {
        world.requeue_at(Queue::Jobs, meta::namespace(job), meta::name(job), at);
        return;
    }
    for _ in 0..missing {
        if create_pod(world, job, None) {
            c.active.push(json!({}));
        } else {
            break;
        }
    }
}

/// The ttl-after-finished controller: deletes a finished Job (foreground) once its
/// `ttlSecondsAfterFinished` has passed since it finished.
fn expire(world: &mut World, job: &Value, now: Millis) {
    let Some(ttl) = meta::int_at(job, &["spec", "ttlSecondsAfterFinished"]) else {
        return;
    };
    let Some(done) = conditions::finish_time(job).and_then(parse_rfc3339) else {
        return;
    };
    let at = done.saturating_add(ttl.max(0).saturating_mul(1000));
    if now >= at {
        if let Some(k) = kinds::by_kind(kinds::JOB) {
            let _ = world.delete_foreground_internal(k, meta::namespace(job), meta::name(job));
        }
    } else {
        world.requeue_at(Queue::Jobs, meta::namespace(job), meta::name(job), at);
    }
}
