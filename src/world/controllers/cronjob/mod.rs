//! The CronJob controller (`k/k pkg/controller/cronjob/cronjob_controllerv2.go`, `utils.go`,
//! 1.32): at each sync it settles the active list from the Jobs it owns (`SawCompletedJob`,
//! `MissingJob`, `UnexpectedJob`), then, unless suspended, starts the most recent unmet
//! schedule time (`startingDeadlineSeconds` bounds how late; more than 100 missed times gives
//! `TooManyMissedTimes`) as the Job `<name>-<minutes since the epoch>`, as
//! `concurrencyPolicy` allows (Forbid skips, Replace deletes the running Jobs first), and
//! deletes finished Jobs beyond the history limits, oldest first. It wakes again at the next
//! schedule time (+100 ms, as upstream's `nextScheduleDelta`).

pub mod schedule;
pub mod validation;

use serde_json::{Value, json};

use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::meta;
use crate::world::clock::{Millis, parse_rfc3339, rfc3339};
use crate::world::events::Source;
use crate::world::store::Queue;
use schedule::Schedule;

const NEXT_SCHEDULE_DELTA_MS: Millis = 100;

fn source() -> Source {
    Source::component("cronjob-controller")
}

/// Syncs the CronJobs on the work queue.
pub fn run(world: &mut World) {
    super::sync_queue(world, Queue::CronJobs, sync);
}

fn job_condition(job: &Value) -> Option<&'static str> {
    let is = |ty: &str| {
        meta::condition(job, ty)
            .and_then(|c| c.get("status"))
            .and_then(Value::as_str)
            == Some("True")
    };
    if is("Complete") {
        Some("Complete")
    } else if is("Failed") {
        Some("Failed")
    } else {
        None
    }
}

fn time_at(obj: &Value, keys: &[&str]) -> Option<Millis> {
    meta::str_at(obj, keys).and_then(parse_rfc3339)
}

fn job_ref(job: &Value) -> Value {
    json!({
        "apiVersion": "batch/v1",
        "kind": kinds::JOB,
        "name": meta::name(job),
        "namespace": meta::namespace(job),
        "resourceVersion": meta::str_at(job, &["metadata", "resourceVersion"]).unwrap_or(""),
        "uid": meta::uid(job),
    })
}

/// (most recent unmet schedule time, whether more than 100 were missed), as
/// `mostRecentScheduleTime`.
fn most_recent(
    cj: &Value,
    now: Millis,
    s: &Schedule,
    with_deadline: bool,
) -> (Millis, Option<Millis>, i64) {
    let mut earliest = time_at(cj, &["status", "lastScheduleTime"])
        .or_else(|| time_at(cj, &["metadata", "creationTimestamp"]))
        .unwrap_or(now);
    if with_deadline && let Some(d) = meta::int_at(cj, &["spec", "startingDeadlineSeconds"]) {
        earliest = earliest.max(now - d.saturating_mul(1000));
    }
    let Some(t1) = s.next(earliest) else {
        return (earliest, None, 0);
    };
    if now < t1 {
        return (earliest, None, 0);
    }
    let Some(t2) = s.next(t1) else {
        return (earliest, Some(t1), 1);
    };
    if now < t2 {
        return (earliest, Some(t1), 1);
    }
    let between = ((t2 - t1) + 500) / 1000;
    if between < 1 {
        return (earliest, None, 0);
    }
    let missed = (now - t1) / 1000 / between + 1;
    let mut recent = None;
    let mut t = s.next(t1 + (missed - 2) * between * 1000);
    // Bounded: at most a few steps past the estimate.
    let mut steps = 0;
    while let Some(x) = t {
        if x > now || steps > 10_000 {
            break;
        }
        recent = Some(x);
        t = s.next(x);
        steps += 1;
    }
    (earliest, recent, missed)
}

fn wake_next(world: &mut World, cj: &Value, now: Millis, s: &Schedule) {
    let (earliest, recent, missed) = most_recent(cj, now, s, false);
    let from = match recent {
        Some(r) => r,
        None if missed == 0 => earliest,
        None => now,
    };
    if let Some(n) = s.next(from) {
        world.requeue_at(
            Queue::CronJobs,
            meta::namespace(cj),
            meta::name(cj),
            n + NEXT_SCHEDULE_DELTA_MS,
        );
    }
}

fn delete_job(world: &mut World, cj: &Value, status: &mut Value, job: &Value) -> bool {
    let Some(k) = kinds::by_kind(kinds::JOB) else {
        return false;
    };
    if world
        .delete_internal(k, meta::namespace(job), meta::name(job))
        .is_err()
    {
        return false;
    }
    remove_active(status, meta::uid(job));
    world.record_event(
        cj,
        None,
        "Normal",
        "SuccessfulDelete",
        &format!("Deleted job {}", meta::name(job)),
        &source(),
    );
    true
}

fn remove_active(status: &mut Value, uid: &str) {
    if let Some(a) = status.get_mut("active").and_then(Value::as_array_mut) {
        a.retain(|r| r.get("uid").and_then(Value::as_str) != Some(uid));
    }
}

fn active_uids(status: &Value) -> Vec<String> {
    status
        .get("active")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|r| r.get("uid").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn sync(world: &mut World, ns: &str, name: &str) {
    let Some(cj_kind) = kinds::by_kind(kinds::CRON_JOB) else {
        return;
    };
    let Some(cj) = world.store.get(cj_kind, ns, name).cloned() else {
        return;
    };
    let now = world.now();
    let uid = meta::uid(&cj).to_string();
    let mut jobs: Vec<Value> = world
        .store
        .dependents_of(&uid)
        .into_iter()
        .filter(|r| r.0 == "jobs")
        .filter_map(|r| world.store.get_ref(&r).cloned())
        .filter(|j| meta::controller_uid(j) == Some(uid.as_str()))
        .collect();
    jobs.sort_by(|a, b| meta::name(a).cmp(meta::name(b)));
    let mut status = cj
        .get("status")
        .cloned()
        .filter(Value::is_object)
        .unwrap_or(json!({}));

    for j in &jobs {
        let active = active_uids(&status).iter().any(|u| u == meta::uid(j));
        let finished = job_condition(j);
        if !active && finished.is_none() {
            world.record_event(
                &cj,
                None,
                "Warning",
                "UnexpectedJob",
                &format!(
                    "Saw a job that the controller did not create or forgot: {}",
                    meta::name(j)
                ),
                &source(),
            );
        } else if active && let Some(c) = finished {
            remove_active(&mut status, meta::uid(j));
            world.record_event(
                &cj,
                None,
                "Normal",
                "SawCompletedJob",
                &format!("Saw completed job: {}, condition: {c}", meta::name(j)),
                &source(),
            );
        }
        if finished == Some("Complete")
            && let Some(done) = time_at(j, &["status", "completionTime"])
            && time_at(&status, &["lastSuccessfulTime"]).is_none_or(|l| done > l)
        {
            status["lastSuccessfulTime"] = json!(rfc3339(done));
        }
    }
    for u in active_uids(&status) {
        if jobs.iter().any(|j| meta::uid(j) == u) {
            continue;
        }
        let name = status["active"]
            .as_array()
            .and_then(|a| {
                a.iter()
                    .find(|r| r.get("uid").and_then(Value::as_str) == Some(u.as_str()))
            })
            .and_then(|r| r.get("name").and_then(Value::as_str))
            .unwrap_or("")
            .to_string();
        world.record_event(
            &cj,
            None,
            "Normal",
            "MissingJob",
            &format!("Active job went missing: {name}"),
            &source(),
        );
        remove_active(&mut status, &u);
    }

    if !meta::is_deleting(&cj) {
        schedule_next(world, &cj, &mut status, now);
        cleanup_history(world, &cj, &mut status, &jobs);
    }

    if status
        .get("active")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty)
        && let Some(m) = status.as_object_mut()
    {
        m.remove("active");
    }
    if cj.get("status").cloned().unwrap_or(json!({})) != status
        && let Some(mut stored) = world.store.get(cj_kind, ns, name).cloned()
    {
        stored["status"] = status;
        world.write_discard(stored);
    }
}

fn schedule_next(world: &mut World, cj: &Value, status: &mut Value, now: Millis) {
    let tz_name = meta::str_at(cj, &["spec", "timeZone"]);
    let tz = match schedule::zone(tz_name.unwrap_or("")) {
        Ok(tz) => tz,
        Err(e) => {
            world.record_event(
                cj,
                None,
                "Warning",
                "UnknownTimeZone",
                &format!("invalid timeZone: \"{}\": {e}", tz_name.unwrap_or("")),
                &source(),
            );
            return;
        }
    };
    if meta::bool_at(cj, &["spec", "suspend"]) == Some(true) {
        return;
    }
    let spec = meta::str_at(cj, &["spec", "schedule"]).unwrap_or("");
    let s = match schedule::parse(spec, tz) {
        Ok(s) => s,
        Err(e) => {
            world.record_event(
                cj,
                None,
                "Warning",
                "UnparseableSchedule",
                &format!("unparseable schedule: \"{spec}\" : {e}"),
                &source(),
            );
            return;
        }
    };
    // The CronJob as it stands now (its status settled above).
    let mut current = cj.clone();
    current["status"] = status.clone();
    let (_, recent, missed) = most_recent(&current, now, &s, true);
    let Some(scheduled) = recent.filter(|r| *r <= now) else {
        wake_next(world, &current, now, &s);
        return;
    };
    if missed > 100 {
        world.record_event(
            cj,
            None,
            "Warning",
            "TooManyMissedTimes",
            "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew",
            &source(),
        );
    }
    if let Some(d) = meta::int_at(cj, &["spec", "startingDeadlineSeconds"])
        && scheduled + d.saturating_mul(1000) < now
    {
        world.record_event(
            cj,
            None,
            "Warning",
            "MissSchedule",
            &format!(
                "Missed scheduled time to start a job: {}",
                crate::world::clock::rfc1123z(scheduled)
            ),
            &source(),
        );
        wake_next(world, &current, now, &s);
        return;
    }
    let job_name = format!("{}-{}", meta::name(cj), scheduled.div_euclid(60_000));
    let already = status
        .get("active")
        .and_then(Value::as_array)
        .is_some_and(|a| {
            a.iter()
                .any(|r| r.get("name").and_then(Value::as_str) == Some(job_name.as_str()))
        })
        || time_at(status, &["lastScheduleTime"]) == Some(scheduled);
    if already {
        wake_next(world, &current, now, &s);
        return;
    }
    let policy = meta::str_at(cj, &["spec", "concurrencyPolicy"]).unwrap_or("Allow");
    let has_active = status
        .get("active")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    if policy == "Forbid" && has_active {
        world.record_event(
            cj,
            None,
            "Normal",
            "JobAlreadyActive",
            "Not starting job because prior execution is running and concurrency policy is Forbid",
            &source(),
        );
        wake_next(world, &current, now, &s);
        return;
    }
    if policy == "Replace" {
        let Some(job_kind) = kinds::by_kind(kinds::JOB) else {
            return;
        };
        let refs: Vec<Value> = status
            .get("active")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for r in refs {
            let (ns, n) = (
                r.get("namespace").and_then(Value::as_str).unwrap_or(""),
                r.get("name").and_then(Value::as_str).unwrap_or(""),
            );
            if let Some(j) = world.store.get(job_kind, ns, n).cloned()
                && !delete_job(world, cj, status, &j)
            {
                return;
            }
        }
    }
    let job = new_job(cj, &job_name, &s.format_local(scheduled));
    match world.create_internal(job) {
        Ok(created) => {
            world.record_event(
                cj,
                None,
                "Normal",
                "SuccessfulCreate",
                &format!("Created job {job_name}"),
                &source(),
            );
            let r = job_ref(&created);
            match status.get_mut("active").and_then(Value::as_array_mut) {
                Some(a) => a.push(r),
                None => status["active"] = json!([r]),
            }
            status["lastScheduleTime"] = json!(rfc3339(scheduled));
        }
        Err(e) if e.reason == crate::world::api::error::Reason::AlreadyExists => {}
        Err(e) => {
            world.record_event(
                cj,
                None,
                "Warning",
                "FailedCreate",
                &format!("Error creating job: {}", e.message),
                &source(),
            );
            return;
        }
    }
    current["status"] = status.clone();
    wake_next(world, &current, now, &s);
}

/// `getJobFromTemplate2`: the template's labels and annotations, the scheduled time
/// annotation, the CronJob as controller.
fn new_job(cj: &Value, name: &str, scheduled: &str) -> Value {
    let tpl = meta::path(cj, &["spec", "jobTemplate"])
        .cloned()
        .unwrap_or(json!({}));
    let mut md = json!({"name": name, "namespace": meta::namespace(cj),
        "ownerReferences": [meta::controller_ref(cj)]});
    if let Some(l) = meta::path(&tpl, &["metadata", "labels"])
        .filter(|l| l.as_object().is_some_and(|m| !m.is_empty()))
    {
        md["labels"] = l.clone();
    }
    let mut ann = meta::path(&tpl, &["metadata", "annotations"])
        .cloned()
        .filter(Value::is_object)
        .unwrap_or(json!({}));
    ann["batch.kubernetes.io/cronjob-scheduled-timestamp"] = json!(scheduled);
    md["annotations"] = ann;
    json!({"apiVersion": "batch/v1", "kind": kinds::JOB, "metadata": md,
        "spec": tpl.get("spec").cloned().unwrap_or(json!({}))})
}

/// Deletes finished Jobs beyond `successfulJobsHistoryLimit` and `failedJobsHistoryLimit`,
/// oldest start first (`removeOldestJobs`).
fn cleanup_history(world: &mut World, cj: &Value, status: &mut Value, jobs: &[Value]) {
    let ok_limit = meta::int_at(cj, &["spec", "successfulJobsHistoryLimit"]);
    let failed_limit = meta::int_at(cj, &["spec", "failedJobsHistoryLimit"]);
    if ok_limit.is_none() && failed_limit.is_none() {
        return;
    }
    for (want, limit) in [("Complete", ok_limit), ("Failed", failed_limit)] {
        let Some(limit) = limit else { continue };
        let mut done: Vec<&Value> = jobs
            .iter()
            .filter(|j| job_condition(j) == Some(want) && !meta::is_deleting(j))
            .collect();
        let excess = done.len() as i64 - limit.max(0);
        if excess <= 0 {
            continue;
        }
        done.sort_by_key(|j| {
            (
                time_at(j, &["status", "startTime"]).unwrap_or(i64::MAX),
                meta::name(j).to_string(),
            )
        });
        for j in done.into_iter().take(excess as usize) {
            delete_job(world, cj, status, j);
        }
    }
}
