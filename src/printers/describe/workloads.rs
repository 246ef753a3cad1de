//! Describers of Deployments, ReplicaSets and Pods.

use crate::world::api::kinds;
use serde_json::Value;

use super::common::{
    annotations_multiline, containers, events, labels_multiline, pod_template, time_of,
    tolerations_multiline, volumes,
};
use super::writer::{LEVEL_0, LEVEL_1, Writer};
use crate::printers::age::human_duration;
use crate::world::World;
use crate::world::api::meta;
use crate::world::api::selector::{Selector, format_label_selector};
use crate::world::clock::parse_rfc3339;

fn int_or_percent(v: Option<&Value>) -> String {
    match v {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        _ => "0".to_string(),
    }
}

fn rs_list(rss: &[&Value]) -> String {
    if rss.is_empty() {
        return "<none>".to_string();
    }
    rss.iter()
        .map(|rs| {
            format!(
                "{} ({}/{} replicas created)",
                meta::name(rs),
                meta::int_at(rs, &["status", "replicas"]).unwrap_or(0),
                meta::int_at(rs, &["spec", "replicas"]).unwrap_or(1)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn conditions_with_reason(w: &mut Writer, obj: &Value) {
    let Some(conds) = meta::path(obj, &["status", "conditions"])
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
    else {
        return;
    };
    w.line(LEVEL_0, "Conditions:\n  Type\tStatus\tReason");
    w.line(LEVEL_1, "----\t------\t------");
    for c in conds {
        w.line(
            LEVEL_1,
            &format!(
                "{} \t{}\t{}",
                c.get("type").and_then(Value::as_str).unwrap_or(""),
                c.get("status").and_then(Value::as_str).unwrap_or(""),
                c.get("reason").and_then(Value::as_str).unwrap_or("")
            ),
        );
    }
}

pub(super) fn controlled_by(obj: &Value) -> Option<String> {
    meta::controller_of(obj).map(|(k, n, _)| format!("{k}/{n}"))
}

/// `describeDeployment`.
pub fn deployment(world: &World, d: &Value, evs: &[Value], now: i64) -> String {
    let mut w = Writer::default();
    w.line(LEVEL_0, &format!("Name:\t{}", meta::name(d)));
    w.line(LEVEL_0, &format!("Namespace:\t{}", meta::namespace(d)));
    w.line(
        LEVEL_0,
        &format!(
            "CreationTimestamp:\t{}",
            time_of(meta::str_at(d, &["metadata", "creationTimestamp"]))
        ),
    );
    labels_multiline(&mut w, "Labels", meta::path(d, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        meta::path(d, &["metadata", "annotations"]),
    );
    w.line(
        LEVEL_0,
        &format!(
            "Selector:\t{}",
            meta::path(d, &["spec", "selector"])
                .map(format_label_selector)
                .unwrap_or_default()
        ),
    );
    let i = |k: &str| meta::int_at(d, &["status", k]).unwrap_or(0);
    w.line(
        LEVEL_0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable",
            meta::int_at(d, &["spec", "replicas"]).unwrap_or(1),
            i("updatedReplicas"),
            i("replicas"),
            i("availableReplicas"),
            i("unavailableReplicas")
        ),
    );
    w.line(
        LEVEL_0,
        &format!(
            "StrategyType:\t{}",
            meta::str_at(d, &["spec", "strategy", "type"]).unwrap_or("")
        ),
    );
    w.line(
        LEVEL_0,
        &format!(
            "MinReadySeconds:\t{}",
            meta::int_at(d, &["spec", "minReadySeconds"]).unwrap_or(0)
        ),
    );
    if let Some(ru) = meta::path(d, &["spec", "strategy", "rollingUpdate"]) {
        w.line(
            LEVEL_0,
            &format!(
                "RollingUpdateStrategy:\t{} max unavailable, {} max surge",
                int_or_percent(ru.get("maxUnavailable")),
                int_or_percent(ru.get("maxSurge"))
            ),
        );
    }
    pod_template(&mut w, meta::path(d, &["spec", "template"]));
    conditions_with_reason(&mut w, d);
    let uid = meta::uid(d);
    let mut owned: Vec<&Value> = world
        .object_list(kinds::REPLICA_SET, meta::namespace(d))
        .filter(|rs| meta::controller_uid(rs) == Some(uid))
        .collect();
    owned.sort_by_key(|rs| {
        (
            meta::str_at(rs, &["metadata", "creationTimestamp"])
                .and_then(parse_rfc3339)
                .unwrap_or(0),
            meta::name(rs).to_string(),
        )
    });
    if !owned.is_empty() {
        let tpl = meta::path(d, &["spec", "template"])
            .cloned()
            .unwrap_or(Value::Null);
        let strip = |t: &Value| {
            let mut t = t.clone();
            if let Some(l) = meta::path_mut(&mut t, &["metadata", "labels"]).as_object_mut() {
                l.remove("pod-template-hash");
            }
            t
        };
        let new = owned
            .iter()
            .find(|rs| {
                meta::path(rs, &["spec", "template"]).is_some_and(|t| strip(t) == strip(&tpl))
            })
            .copied();
        let old: Vec<&Value> = owned
            .iter()
            .filter(|rs| Some(**rs) != new)
            .copied()
            .collect();
        w.line(LEVEL_0, &format!("OldReplicaSets:\t{}", rs_list(&old)));
        w.line(
            LEVEL_0,
            &format!(
                "NewReplicaSet:\t{}",
                rs_list(&new.into_iter().collect::<Vec<_>>())
            ),
        );
    }
    events(&mut w, evs, now);
    w.finish()
}

/// `describeReplicaSet`.
pub fn replicaset(world: &World, rs: &Value, evs: &[Value], now: i64) -> String {
    let mut w = Writer::default();
    w.line(LEVEL_0, &format!("Name:\t{}", meta::name(rs)));
    w.line(LEVEL_0, &format!("Namespace:\t{}", meta::namespace(rs)));
    w.line(
        LEVEL_0,
        &format!(
            "Selector:\t{}",
            meta::path(rs, &["spec", "selector"])
                .map(format_label_selector)
                .unwrap_or_default()
        ),
    );
    labels_multiline(&mut w, "Labels", meta::path(rs, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        meta::path(rs, &["metadata", "annotations"]),
    );
    if let Some(c) = controlled_by(rs) {
        w.line(LEVEL_0, &format!("Controlled By:\t{c}"));
    }
    w.line(
        LEVEL_0,
        &format!(
            "Replicas:\t{} current / {} desired",
            meta::int_at(rs, &["status", "replicas"]).unwrap_or(0),
            meta::int_at(rs, &["spec", "replicas"]).unwrap_or(1)
        ),
    );
    let sel = meta::path(rs, &["spec", "selector"])
        .map(Selector::from_label_selector)
        .unwrap_or_default();
    super::common::pods_status(&mut w, world, rs, Some(&sel));
    pod_template(&mut w, meta::path(rs, &["spec", "template"]));
    conditions_with_reason(&mut w, rs);
    events(&mut w, evs, now);
    w.finish()
}

/// `describePod`.
pub fn pod(p: &Value, evs: &[Value], now: i64) -> String {
    let mut w = Writer::default();
    w.line(LEVEL_0, &format!("Name:\t{}", meta::name(p)));
    w.line(LEVEL_0, &format!("Namespace:\t{}", meta::namespace(p)));
    if let Some(pr) = meta::int_at(p, &["spec", "priority"]) {
        w.line(LEVEL_0, &format!("Priority:\t{pr}"));
    }
    if let Some(pc) = meta::str_at(p, &["spec", "priorityClassName"]).filter(|s| !s.is_empty()) {
        w.line(LEVEL_0, &format!("Priority Class Name:\t{pc}"));
    }
    if let Some(sa) = meta::str_at(p, &["spec", "serviceAccountName"]).filter(|s| !s.is_empty()) {
        w.line(LEVEL_0, &format!("Service Account:\t{sa}"));
    }
    match meta::str_at(p, &["spec", "nodeName"]).filter(|s| !s.is_empty()) {
        None => w.line(LEVEL_0, "Node:\t<none>"),
        Some(n) => w.line(
            LEVEL_0,
            &format!(
                "Node:\t{n}/{}",
                meta::str_at(p, &["status", "hostIP"]).unwrap_or("")
            ),
        ),
    }
    if let Some(st) = meta::str_at(p, &["status", "startTime"]) {
        w.line(LEVEL_0, &format!("Start Time:\t{}", time_of(Some(st))));
    }
    labels_multiline(&mut w, "Labels", meta::path(p, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        meta::path(p, &["metadata", "annotations"]),
    );
    let phase = meta::str_at(p, &["status", "phase"]).unwrap_or("");
    if meta::is_deleting(p) && phase != "Failed" && phase != "Succeeded" {
        let until = meta::str_at(p, &["metadata", "deletionTimestamp"])
            .and_then(parse_rfc3339)
            .unwrap_or(now);
        w.line(
            LEVEL_0,
            &format!(
                "Status:\tTerminating (lasts {})",
                human_duration(until - now)
            ),
        );
        w.line(
            LEVEL_0,
            &format!(
                "Termination Grace Period:\t{}s",
                meta::int_at(p, &["metadata", "deletionGracePeriodSeconds"]).unwrap_or(0)
            ),
        );
    } else {
        w.line(LEVEL_0, &format!("Status:\t{phase}"));
    }
    if let Some(r) = meta::str_at(p, &["status", "reason"]).filter(|s| !s.is_empty()) {
        w.line(LEVEL_0, &format!("Reason:\t{r}"));
    }
    if let Some(m) = meta::str_at(p, &["status", "message"]).filter(|s| !s.is_empty()) {
        w.line(LEVEL_0, &format!("Message:\t{m}"));
    }
    w.line(
        LEVEL_0,
        &format!(
            "IP:\t{}",
            meta::str_at(p, &["status", "podIP"]).unwrap_or("")
        ),
    );
    match meta::path(p, &["status", "podIPs"])
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
    {
        None => w.line(LEVEL_0, "IPs:\t<none>"),
        Some(ips) => {
            w.line(LEVEL_0, "IPs:");
            for ip in ips {
                w.line(
                    LEVEL_1,
                    &format!(
                        "IP:\t{}",
                        ip.get("ip").and_then(Value::as_str).unwrap_or("")
                    ),
                );
            }
        }
    }
    if let Some(c) = controlled_by(p) {
        w.line(LEVEL_0, &format!("Controlled By:\t{c}"));
    }
    if meta::path(p, &["spec", "initContainers"])
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty())
    {
        containers(
            &mut w,
            "Init Containers",
            meta::path(p, &["spec", "initContainers"]),
            meta::path(p, &["status", "initContainerStatuses"]),
            "",
            Some(p),
        );
    }
    containers(
        &mut w,
        "Containers",
        meta::path(p, &["spec", "containers"]),
        meta::path(p, &["status", "containerStatuses"]),
        "",
        Some(p),
    );
    if let Some(conds) = meta::path(p, &["status", "conditions"])
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
    {
        w.line(LEVEL_0, "Conditions:\n  Type\tStatus");
        for c in conds {
            w.line(
                LEVEL_1,
                &format!(
                    "{} \t{} ",
                    c.get("type").and_then(Value::as_str).unwrap_or(""),
                    c.get("status").and_then(Value::as_str).unwrap_or("")
                ),
            );
        }
    }
    volumes(&mut w, meta::path(p, &["spec", "volumes"]), "");
    w.line(
        LEVEL_0,
        &format!(
            "QoS Class:\t{}",
            meta::str_at(p, &["status", "qosClass"]).unwrap_or("BestEffort")
        ),
    );
    labels_multiline(
        &mut w,
        "Node-Selectors",
        meta::path(p, &["spec", "nodeSelector"]),
    );
    tolerations_multiline(
        &mut w,
        "Tolerations",
        meta::path(p, &["spec", "tolerations"]),
    );
    events(&mut w, evs, now);
    w.finish()
}
