//! Deployment status and conditions (`sync.go` `calculateStatus`, `syncDeploymentStatus`;
//! `progress.go` `syncRolloutStatus`): counters from ReplicaSet statuses, the Available and
//! Progressing conditions, and the progress deadline.

use crate::world::api::meta::Field;
use serde_json::{Map, Value, json};
use std::rc::Rc;

use super::Obj;
use super::has_progress_deadline;
use super::util::*;
use super::write_status;
use crate::world::World;
use crate::world::api::meta;
use crate::world::clock::{parse_rfc3339, rfc3339};
use crate::world::store::Queue;

/// `calculateStatus`: zero counters are omitted, as the API's `omitempty` does.
pub fn calculate(world: &World, all: &[Obj], new_rs: Option<&Value>, d: &Value) -> Value {
    let available: i64 = all
        .iter()
        .map(|rs| status_int(rs, "availableReplicas"))
        .sum();
    let total_spec: i64 = all.iter().map(|rs| replicas(rs)).sum();
    let unavailable = (total_spec - available).max(0);
    let mut st = Map::new();
    let mut put = |k: &str, v: i64| {
        if v != 0 {
            st.insert(k.to_string(), Value::from(v));
        }
    };
    put(
        "observedGeneration",
        meta::int_at(d, &["metadata", "generation"]).unwrap_or(0),
    );
    put(
        "replicas",
        all.iter().map(|rs| status_int(rs, "replicas")).sum(),
    );
    put(
        "updatedReplicas",
        new_rs.map_or(0, |rs| status_int(rs, "replicas")),
    );
    put(
        "readyReplicas",
        all.iter().map(|rs| status_int(rs, "readyReplicas")).sum(),
    );
    put("availableReplicas", available);
    put("unavailableReplicas", unavailable);
    let mut st = Value::Object(st);
    if let Some(c) = meta::path(d, &["status", "collisionCount"]) {
        st["collisionCount"] = c.clone();
    }
    if let Some(c) = meta::path(d, &["status", "conditions"]) {
        st["conditions"] = c.clone();
    }
    let now = rfc3339(world.now());
    if available >= replicas(d) - max_unavailable(d) {
        set_condition(
            &mut st,
            new_condition(
                "Available",
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.",
                &now,
            ),
        );
    } else {
        set_condition(
            &mut st,
            new_condition(
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
                &now,
            ),
        );
    }
    st
}

/// `DeploymentComplete`.
pub fn deployment_complete(d: &Value, st: &Value) -> bool {
    let n = replicas(d);
    let get = |k: &str| st.get(k).and_then(Value::as_i64).unwrap_or(0);
    get("updatedReplicas") == n
        && get("replicas") == n
        && get("availableReplicas") == n
        && get("observedGeneration") >= meta::int_at(d, &["metadata", "generation"]).unwrap_or(0)
}

fn progressing(d: &Value, new: &Value) -> bool {
    let old = d.field("status").unwrap_or(&Value::Null);
    let g = |v: &Value, k: &str| v.field(k).and_then(Value::as_i64).unwrap_or(0);
    let old_old = g(old, "replicas") - g(old, "updatedReplicas");
    let new_old = g(new, "replicas") - g(new, "updatedReplicas");
    g(new, "updatedReplicas") > g(old, "updatedReplicas")
        || new_old < old_old
        || g(new, "readyReplicas") > g(old, "readyReplicas")
        || g(new, "availableReplicas") > g(old, "availableReplicas")
}

fn deadline_ms(d: &Value) -> i64 {
    meta::int_at(d, &["spec", "progressDeadlineSeconds"]).unwrap_or(600) * 1000
}

fn timed_out(world: &World, d: &Value, st: &Value) -> bool {
    if !has_progress_deadline(d) {
        return false;
    }
    let Some(c) = get_condition(st, "Progressing") else {
        return false;
    };
    match c.field("reason").and_then(Value::as_str) {
        Some("NewReplicaSetAvailable") => false,
        Some("ProgressDeadlineExceeded") => true,
        _ => {
            let from = c
                .field("lastUpdateTime")
                .and_then(Value::as_str)
                .and_then(parse_rfc3339)
                .unwrap_or(0);
            from + deadline_ms(d) < world.now()
        }
    }
}

/// `syncRolloutStatus`.
pub fn sync_rollout_status(world: &mut World, all: &[Obj], new_rs: Option<&Value>, d: Obj) {
    let mut st = calculate(world, all, new_rs, &d);
    if !has_progress_deadline(&d) {
        remove_condition(&mut st, "Progressing");
    }
    let now = rfc3339(world.now());
    let empty = json!({});
    let cur_status = d.field("status").unwrap_or(&empty);
    let current = get_condition(cur_status, "Progressing").cloned();
    let g = |k: &str| st.get(k).and_then(Value::as_i64).unwrap_or(0);
    let is_complete = g("replicas") == g("updatedReplicas")
        && current
            .as_ref()
            .and_then(|c| c.field("reason"))
            .and_then(Value::as_str)
            == Some("NewReplicaSetAvailable");
    if has_progress_deadline(&d) && !is_complete {
        let rs_name = new_rs.map(|r| meta::name(r).to_string());
        if deployment_complete(&d, &st) {
            let msg = match &rs_name {
                Some(n) => format!("ReplicaSet \"{n}\" has successfully progressed."),
                None => format!(
                    "Deployment \"{}\" has successfully progressed.",
                    meta::name(&d)
                ),
            };
            set_condition(
                &mut st,
                new_condition("Progressing", "True", "NewReplicaSetAvailable", &msg, &now),
            );
        } else if progressing(&d, &st) {
            let msg = match &rs_name {
                Some(n) => format!("ReplicaSet \"{n}\" is progressing."),
                None => format!("Deployment \"{}\" is progressing.", meta::name(&d)),
            };
            let mut cond = new_condition("Progressing", "True", "ReplicaSetUpdated", &msg, &now);
            if let Some(cur) = &current {
                if cur.field("status").and_then(Value::as_str) == Some("True") {
                    cond["lastTransitionTime"] = cur
                        .field("lastTransitionTime")
                        .cloned()
                        .unwrap_or(Value::Null);
                }
                remove_condition(&mut st, "Progressing");
            }
            set_condition(&mut st, cond);
        } else if timed_out(world, &d, &st) {
            let msg = match &rs_name {
                Some(n) => format!("ReplicaSet \"{n}\" has timed out progressing."),
                None => format!(
                    "Deployment \"{}\" has timed out progressing.",
                    meta::name(&d)
                ),
            };
            set_condition(
                &mut st,
                new_condition(
                    "Progressing",
                    "False",
                    "ProgressDeadlineExceeded",
                    &msg,
                    &now,
                ),
            );
        }
    }
    // ReplicaFailure conditions of ReplicaSets are copied over.
    if let Some(failure) = all.iter().find_map(|rs| {
        meta::condition(rs, "ReplicaFailure")
            .filter(|c| c.field("status").and_then(Value::as_str) == Some("True"))
            .cloned()
    }) {
        let mut c = failure;
        c["lastUpdateTime"] = c
            .field("lastTransitionTime")
            .cloned()
            .unwrap_or(Value::Null);
        set_condition(&mut st, c);
    } else {
        remove_condition(&mut st, "ReplicaFailure");
    }
    requeue_stuck(world, &d, &st);
    if d.field("status") == Some(&st) {
        return;
    }
    let mut d = d;
    Rc::make_mut(&mut d)["status"] = st;
    write_status(world, d);
}

/// `syncDeploymentStatus`: counters and Available only.
pub fn sync_deployment_status(world: &mut World, all: &[Obj], new_rs: Option<&Value>, d: Obj) {
    let st = calculate(world, all, new_rs, &d);
    if d.field("status") == Some(&st) {
        return;
    }
    let mut d = d;
    Rc::make_mut(&mut d)["status"] = st;
    write_status(world, d);
}

/// `requeueStuckDeployment`: wake up exactly when the progress deadline passes.
fn requeue_stuck(world: &mut World, d: &Value, st: &Value) {
    if !has_progress_deadline(d) {
        return;
    }
    let Some(c) = get_condition(st, "Progressing") else {
        return;
    };
    if matches!(
        c.field("reason").and_then(Value::as_str),
        Some("NewReplicaSetAvailable" | "ProgressDeadlineExceeded")
    ) {
        return;
    }
    if deployment_complete(d, st) {
        return;
    }
    let from = c
        .field("lastUpdateTime")
        .and_then(Value::as_str)
        .and_then(parse_rfc3339)
        .unwrap_or(0);
    let (ns, name) = (meta::namespace(d), meta::name(d));
    // Past the deadline, any sync finds the rollout timed out: kubelab's level-triggered
    // passes do so at the first look after it, upstream's queue a second later.
    world
        .store
        .retry_after(Queue::Deployments, ns, name, from + deadline_ms(d));
    world.requeue_at(Queue::Deployments, ns, name, from + deadline_ms(d) + 1000);
}
