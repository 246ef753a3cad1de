//! `kubectl get` cells of the DaemonSet, Job and CronJob (`k/k pkg/printers/internalversion/
//! printers.go`: `printDaemonSet`, `printJob`, `printCronJob`), with their `-o wide` columns
//! (CONTAINERS, IMAGES, SELECTOR).

use serde_json::Value;

use super::age::{age, human_duration};
use super::table::format_labels;
use crate::world::api::meta;
use crate::world::api::selector::format_label_selector;
use crate::world::clock::{Millis, parse_rfc3339};

fn i(obj: &Value, keys: &[&str]) -> i64 {
    meta::int_at(obj, keys).unwrap_or(0)
}

fn created(obj: &Value, now: Millis) -> String {
    age(meta::str_at(obj, &["metadata", "creationTimestamp"]), now)
}

/// `layoutContainerCells` and the selector, for `-o wide`.
fn wide_cells(obj: &Value, spec: &[&str], selector: &[&str]) -> [String; 3] {
    let cs = meta::path(obj, spec)
        .and_then(|s| s.get("containers"))
        .and_then(Value::as_array);
    let pick = |k: &str| -> String {
        cs.map(|a| {
            a.iter()
                .filter_map(|c| c.get(k).and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
    };
    let sel = meta::path(obj, selector)
        .map(format_label_selector)
        .unwrap_or_else(|| "<none>".into());
    [pick("name"), pick("image"), sel]
}

/// NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE.
pub fn daemonset(obj: &Value, wide: bool, now: Millis) -> Vec<String> {
    let mut row = vec![
        meta::name(obj).to_string(),
        i(obj, &["status", "desiredNumberScheduled"]).to_string(),
        i(obj, &["status", "currentNumberScheduled"]).to_string(),
        i(obj, &["status", "numberReady"]).to_string(),
        i(obj, &["status", "updatedNumberScheduled"]).to_string(),
        i(obj, &["status", "numberAvailable"]).to_string(),
        format_labels(obj, &["spec", "template", "spec", "nodeSelector"]),
        created(obj, now),
    ];
    if wide {
        row.extend(wide_cells(
            obj,
            &["spec", "template", "spec"],
            &["spec", "selector"],
        ));
    }
    row
}

fn condition_true(obj: &Value, ty: &str) -> bool {
    meta::condition(obj, ty)
        .and_then(|c| c.get("status"))
        .and_then(Value::as_str)
        == Some("True")
}

/// NAME STATUS COMPLETIONS DURATION AGE.
pub fn job(obj: &Value, wide: bool, now: Millis) -> Vec<String> {
    let succeeded = i(obj, &["status", "succeeded"]);
    let completions = match meta::int_at(obj, &["spec", "completions"]) {
        Some(c) => format!("{succeeded}/{c}"),
        None => match meta::int_at(obj, &["spec", "parallelism"]).unwrap_or(0) {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    };
    let time = |k: &str| meta::str_at(obj, &["status", k]).and_then(parse_rfc3339);
    let duration = match (time("startTime"), time("completionTime")) {
        (None, _) => String::new(),
        (Some(s), None) => human_duration(now - s),
        (Some(s), Some(c)) => human_duration(c - s),
    };
    let status = if condition_true(obj, "Complete") {
        "Complete"
    } else if condition_true(obj, "Failed") {
        "Failed"
    } else if meta::is_deleting(obj) {
        "Terminating"
    } else if condition_true(obj, "Suspended") {
        "Suspended"
    } else if condition_true(obj, "FailureTarget") {
        "FailureTarget"
    } else {
        "Running"
    };
    let mut row = vec![
        meta::name(obj).to_string(),
        status.to_string(),
        completions,
        duration,
        created(obj, now),
    ];
    if wide {
        row.extend(wide_cells(
            obj,
            &["spec", "template", "spec"],
            &["spec", "selector"],
        ));
    }
    row
}

/// NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE.
pub fn cronjob(obj: &Value, wide: bool, now: Millis) -> Vec<String> {
    let last = match meta::str_at(obj, &["status", "lastScheduleTime"]) {
        Some(t) => age(Some(t), now),
        None => "<none>".into(),
    };
    let suspend = match meta::bool_at(obj, &["spec", "suspend"]) {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    let active = meta::path(obj, &["status", "active"])
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let mut row = vec![
        meta::name(obj).to_string(),
        meta::str_at(obj, &["spec", "schedule"])
            .unwrap_or("")
            .to_string(),
        meta::str_at(obj, &["spec", "timeZone"])
            .unwrap_or("<none>")
            .to_string(),
        suspend.to_string(),
        active.to_string(),
        last,
        created(obj, now),
    ];
    if wide {
        row.extend(wide_cells(
            obj,
            &["spec", "jobTemplate", "spec", "template", "spec"],
            &["spec", "jobTemplate", "spec", "selector"],
        ));
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn job_completions_and_status_follow_print_job() {
        let j = json!({"metadata": {"name": "pi", "creationTimestamp": "2025-03-03T09:00:00Z"},
            "spec": {"parallelism": 3},
            "status": {"startTime": "2025-03-03T09:00:01Z", "succeeded": 1,
                "conditions": [{"type": "Suspended", "status": "False"}]}});
        let now = parse_rfc3339("2025-03-03T09:00:21Z").unwrap_or(0);
        assert_eq!(
            job(&j, false, now),
            ["pi", "Running", "1/1 of 3", "20s", "21s"]
        );
        let d = json!({"metadata": {"name": "f"}, "spec": {"template": {"spec": {"nodeSelector": {"b": "2", "a": "1"}}}}});
        assert_eq!(daemonset(&d, false, now)[6], "a=1,b=2");
        let c = json!({"metadata": {"name": "c"}, "spec": {"schedule": "*/1 * * * *"}});
        assert_eq!(
            cronjob(&c, false, now)[2..6],
            ["<none>", "<unset>", "0", "<none>"]
        );
    }
}
