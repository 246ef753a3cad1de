//! `kubectl describe` of DaemonSets, Jobs and CronJobs (`kubectl pkg/describe/describe.go`:
//! `describeDaemonSet`, `describeJob`, `describeCronJob` with `describeJobTemplate`).

use serde_json::Value;

use super::common::{annotations_multiline, events, labels_multiline, pod_template, time_of};
use super::workloads::controlled_by;
use super::writer::{LEVEL_0, Writer};
use crate::printers::age::human_duration;
use crate::world::World;
use crate::world::api::meta;
use crate::world::api::selector::format_label_selector;
use crate::world::clock::parse_rfc3339;

fn selector(obj: &Value, keys: &[&str]) -> String {
    meta::path(obj, keys)
        .map(format_label_selector)
        .unwrap_or_default()
}

pub(super) use crate::printers::table::format_labels;

fn int(obj: &Value, keys: &[&str]) -> i64 {
    meta::int_at(obj, keys).unwrap_or(0)
}

/// `describeDaemonSet`.
pub fn daemonset(world: &World, ds: &Value, evs: &[Value], now: i64) -> String {
    let mut w = Writer::default();
    w.line(LEVEL_0, &format!("Name:\t{}", meta::name(ds)));
    w.line(LEVEL_0, &format!("Namespace:\t{}", meta::namespace(ds)));
    w.line(
        LEVEL_0,
        &format!("Selector:\t{}", selector(ds, &["spec", "selector"])),
    );
    w.line(
        LEVEL_0,
        &format!(
            "Node-Selector:\t{}",
            format_labels(ds, &["spec", "template", "spec", "nodeSelector"])
        ),
    );
    labels_multiline(&mut w, "Labels", meta::path(ds, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        meta::path(ds, &["metadata", "annotations"]),
    );
    for (text, key) in [
        (
            "Desired Number of Nodes Scheduled",
            "desiredNumberScheduled",
        ),
        (
            "Current Number of Nodes Scheduled",
            "currentNumberScheduled",
        ),
        (
            "Number of Nodes Scheduled with Up-to-date Pods",
            "updatedNumberScheduled",
        ),
        (
            "Number of Nodes Scheduled with Available Pods",
            "numberAvailable",
        ),
        ("Number of Nodes Misscheduled", "numberMisscheduled"),
    ] {
        w.line(LEVEL_0, &format!("{text}: {}", int(ds, &["status", key])));
    }
    super::common::pods_status(&mut w, world, ds, None);
    pod_template(&mut w, meta::path(ds, &["spec", "template"]));
    events(&mut w, evs, now);
    w.finish()
}

/// `describeJob`.
pub fn job(j: &Value, evs: &[Value], now: i64) -> String {
    let mut w = Writer::default();
    w.line(LEVEL_0, &format!("Name:\t{}", meta::name(j)));
    w.line(LEVEL_0, &format!("Namespace:\t{}", meta::namespace(j)));
    w.line(
        LEVEL_0,
        &format!("Selector:\t{}", selector(j, &["spec", "selector"])),
    );
    labels_multiline(&mut w, "Labels", meta::path(j, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        meta::path(j, &["metadata", "annotations"]),
    );
    if let Some(c) = controlled_by(j) {
        w.line(LEVEL_0, &format!("Controlled By:\t{c}"));
    }
    if let Some(p) = meta::int_at(j, &["spec", "parallelism"]) {
        w.line(LEVEL_0, &format!("Parallelism:\t{p}"));
    }
    match meta::int_at(j, &["spec", "completions"]) {
        Some(c) => w.line(LEVEL_0, &format!("Completions:\t{c}")),
        None => w.line(LEVEL_0, "Completions:\t<unset>"),
    }
    let mode = meta::str_at(j, &["spec", "completionMode"]);
    if let Some(m) = mode {
        w.line(LEVEL_0, &format!("Completion Mode:\t{m}"));
    }
    if let Some(s) = meta::bool_at(j, &["spec", "suspend"]) {
        w.line(LEVEL_0, &format!("Suspend:\t{s}"));
    }
    if let Some(b) = meta::int_at(j, &["spec", "backoffLimit"]) {
        w.line(LEVEL_0, &format!("Backoff Limit:\t{b}"));
    }
    if let Some(t) = meta::int_at(j, &["spec", "ttlSecondsAfterFinished"]) {
        w.line(LEVEL_0, &format!("TTL Seconds After Finished:\t{t}"));
    }
    let start = meta::str_at(j, &["status", "startTime"]);
    let done = meta::str_at(j, &["status", "completionTime"]);
    if start.is_some() {
        w.line(LEVEL_0, &format!("Start Time:\t{}", time_of(start)));
    }
    if done.is_some() {
        w.line(LEVEL_0, &format!("Completed At:\t{}", time_of(done)));
    }
    if let (Some(s), Some(d)) = (start.and_then(parse_rfc3339), done.and_then(parse_rfc3339)) {
        w.line(LEVEL_0, &format!("Duration:\t{}", human_duration(d - s)));
    }
    if let Some(a) = meta::int_at(j, &["spec", "activeDeadlineSeconds"]) {
        w.line(LEVEL_0, &format!("Active Deadline Seconds:\t{a}s"));
    }
    let counts = format!(
        "{} Succeeded / {} Failed",
        int(j, &["status", "succeeded"]),
        int(j, &["status", "failed"])
    );
    match meta::int_at(j, &["status", "ready"]) {
        Some(r) => w.line(
            LEVEL_0,
            &format!(
                "Pods Statuses:\t{} Active ({r} Ready) / {counts}",
                int(j, &["status", "active"])
            ),
        ),
        None => w.line(
            LEVEL_0,
            &format!(
                "Pods Statuses:\t{} Active / {counts}",
                int(j, &["status", "active"])
            ),
        ),
    }
    if mode == Some("Indexed") {
        let idx = meta::str_at(j, &["status", "completedIndexes"]).unwrap_or("");
        w.line(
            LEVEL_0,
            &format!("Completed Indexes:\t{}", cap_indexes(idx, 50)),
        );
    }
    pod_template(&mut w, meta::path(j, &["spec", "template"]));
    events(&mut w, evs, now);
    w.finish()
}

/// `capIndexesListOrNone`.
fn cap_indexes(s: &str, soft: usize) -> String {
    if s.is_empty() {
        return "<none>".into();
    }
    match s.bytes().enumerate().skip(soft).find(|(_, b)| *b == b',') {
        Some((i, _)) => format!("{}...", &s[..=i]),
        None => s.to_string(),
    }
}

/// `describeCronJob`.
pub fn cronjob(cj: &Value, evs: &[Value], now: i64) -> String {
    let mut w = Writer::default();
    w.line(LEVEL_0, &format!("Name:\t{}", meta::name(cj)));
    w.line(LEVEL_0, &format!("Namespace:\t{}", meta::namespace(cj)));
    labels_multiline(&mut w, "Labels", meta::path(cj, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        meta::path(cj, &["metadata", "annotations"]),
    );
    w.line(
        LEVEL_0,
        &format!(
            "Schedule:\t{}",
            meta::str_at(cj, &["spec", "schedule"]).unwrap_or("")
        ),
    );
    w.line(
        LEVEL_0,
        &format!(
            "Concurrency Policy:\t{}",
            meta::str_at(cj, &["spec", "concurrencyPolicy"]).unwrap_or("")
        ),
    );
    let suspend = match meta::bool_at(cj, &["spec", "suspend"]) {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    w.line(LEVEL_0, &format!("Suspend:\t{suspend}"));
    let opt = |k: &str, suffix: &str| {
        meta::int_at(cj, &["spec", k])
            .map(|v| format!("{v}{suffix}"))
            .unwrap_or_else(|| "<unset>".into())
    };
    w.line(
        LEVEL_0,
        &format!(
            "Successful Job History Limit:\t{}",
            opt("successfulJobsHistoryLimit", "")
        ),
    );
    w.line(
        LEVEL_0,
        &format!(
            "Failed Job History Limit:\t{}",
            opt("failedJobsHistoryLimit", "")
        ),
    );
    w.line(
        LEVEL_0,
        &format!(
            "Starting Deadline Seconds:\t{}",
            opt("startingDeadlineSeconds", "s")
        ),
    );
    // describeJobTemplate
    let jt = meta::path(cj, &["spec", "jobTemplate"])
        .cloned()
        .unwrap_or_default();
    match meta::path(&jt, &["spec", "selector"]) {
        Some(s) => w.line(LEVEL_0, &format!("Selector:\t{}", format_label_selector(s))),
        None => w.line(LEVEL_0, "Selector:\t<unset>"),
    }
    for (title, key) in [
        ("Parallelism", "parallelism"),
        ("Completions", "completions"),
    ] {
        match meta::int_at(&jt, &["spec", key]) {
            Some(v) => w.line(LEVEL_0, &format!("{title}:\t{v}")),
            None => w.line(LEVEL_0, &format!("{title}:\t<unset>")),
        }
    }
    if let Some(a) = meta::int_at(&jt, &["spec", "activeDeadlineSeconds"]) {
        w.line(LEVEL_0, &format!("Active Deadline Seconds:\t{a}s"));
    }
    pod_template(&mut w, meta::path(&jt, &["spec", "template"]));
    match meta::str_at(cj, &["status", "lastScheduleTime"]) {
        Some(t) => w.line(
            LEVEL_0,
            &format!("Last Schedule Time:\t{}", time_of(Some(t))),
        ),
        None => w.line(LEVEL_0, "Last Schedule Time:\t<unset>"),
    }
    let active: Vec<&str> = meta::path(cj, &["status", "active"])
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|r| r.get("name").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    if active.is_empty() {
        w.line(LEVEL_0, "Active Jobs:\t<none>");
    } else {
        w.line(LEVEL_0, &format!("Active Jobs:\t{}", active.join(", ")));
    }
    events(&mut w, evs, now);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_are_capped_after_the_soft_limit() {
        assert_eq!(cap_indexes("", 50), "<none>");
        assert_eq!(cap_indexes("0-3", 50), "0-3");
        assert_eq!(cap_indexes("1,3,5,7", 2), "1,3,...");
    }
}
