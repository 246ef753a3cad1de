//! The Job's conditions as the job controller writes them (`k/k pkg/controller/job/
//! job_controller.go`, `newCondition`, `ensureJobConditionStatus`; reasons from
//! `k8s.io/api/batch/v1/types.go`): Complete and Failed are terminal; in 1.32 they are
//! preceded by SuccessCriteriaMet and FailureTarget (written first, while the Job's pods
//! terminate), and Suspended is True while the Job is suspended, False once resumed.

use serde_json::Value;

use crate::world::api::meta;

pub const MSG_COMPLETIONS: &str = "Reached expected number of succeeded pods";
pub const MSG_BACKOFF: &str = "Job has reached the specified backoff limit";
pub const MSG_DEADLINE: &str = "Job was active longer than specified deadline";

/// A condition of a Job (`lastProbeTime` and `lastTransitionTime` both now).
pub fn new(ty: &str, status: &str, reason: &str, message: &str, now: &str) -> Value {
    let s = |v: &str| Value::String(v.to_string());
    meta::object([
        ("lastProbeTime", s(now)),
        ("lastTransitionTime", s(now)),
        ("message", s(message)),
        ("reason", s(reason)),
        ("status", s(status)),
        ("type", s(ty)),
    ])
}

/// The condition of a type in a status, if any.
pub fn get<'a>(status: &'a Value, ty: &str) -> Option<&'a Value> {
    status
        .get("conditions")
        .and_then(Value::as_array)?
        .iter()
        .find(|c| c.get("type").and_then(Value::as_str) == Some(ty))
}

/// Whether a status has a condition of the type with status True.
pub fn is_true(status: &Value, ty: &str) -> bool {
    get(status, ty)
        .and_then(|c| c.get("status"))
        .and_then(Value::as_str)
        == Some("True")
}

/// `ensureJobConditionStatus`: adds the condition, or updates an existing one of the same type
/// when its status, reason or message differ (the transition time moves only with the
/// status). True when something changed.
pub fn ensure(status: &mut Value, cond: Value) -> bool {
    let ty = cond
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if !status.get("conditions").is_some_and(Value::is_array) {
        status["conditions"] = Value::Array(Vec::new());
    }
    let Some(list) = status["conditions"].as_array_mut() else {
        return false;
    };
    if let Some(old) = list
        .iter_mut()
        .find(|c| c.get("type").and_then(Value::as_str) == Some(ty.as_str()))
    {
        let same = |k: &str| old.get(k) == cond.get(k);
        let same_status = same("status");
        if same_status && same("reason") && same("message") {
            return false;
        }
        let mut c = cond;
        if same_status {
            c["lastTransitionTime"] = old["lastTransitionTime"].clone();
        }
        *old = c;
        return true;
    }
    list.push(cond);
    true
}

/// The Job's finished state: Some(true) Complete, Some(false) Failed, None running.
pub fn finished(job: &Value) -> Option<bool> {
    let status = job.get("status")?;
    if is_true(status, "Complete") {
        Some(true)
    } else if is_true(status, "Failed") {
        Some(false)
    } else {
        None
    }
}

/// When the Job finished: the terminal condition's transition time.
pub fn finish_time(job: &Value) -> Option<&str> {
    let status = job.get("status")?;
    ["Complete", "Failed"]
        .iter()
        .filter(|t| is_true(status, t))
        .find_map(|t| get(status, t)?.get("lastTransitionTime")?.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ensure_adds_then_updates_keeping_the_transition_time() {
        let mut st = json!({});
        assert!(ensure(
            &mut st,
            new("Suspended", "True", "JobSuspended", "Job suspended", "t1")
        ));
        assert!(!ensure(
            &mut st,
            new("Suspended", "True", "JobSuspended", "Job suspended", "t2")
        ));
        assert!(ensure(
            &mut st,
            new("Suspended", "False", "JobResumed", "Job resumed", "t3")
        ));
        assert_eq!(st["conditions"][0]["lastTransitionTime"], "t3");
        assert_eq!(st["conditions"].as_array().map(Vec::len), Some(1));
    }

    #[test]
    fn finished_reads_the_terminal_conditions() {
        let mut job = json!({"status": {}});
        assert_eq!(finished(&job), None);
        ensure(
            &mut job["status"],
            new(
                "FailureTarget",
                "True",
                "BackoffLimitExceeded",
                MSG_BACKOFF,
                "t",
            ),
        );
        assert_eq!(finished(&job), None);
        ensure(
            &mut job["status"],
            new("Failed", "True", "BackoffLimitExceeded", MSG_BACKOFF, "t9"),
        );
        assert_eq!(finished(&job), Some(false));
        assert_eq!(finish_time(&job), Some("t9"));
    }
}
