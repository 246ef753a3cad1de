//! `spec.podFailurePolicy`: the first rule that matches a failed pod decides (upstream
//! `pod_failure_policy.go`). A rule matches on a terminated container's non-zero exit code
//! (`onExitCodes`, In or NotIn, optionally one container; app containers before init
//! containers) or on a pod condition of the given type and status (`onPodConditions`).

use serde_json::Value;

use crate::world::api::meta;

/// What a rule decided for a failed pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Count the failure against `backoffLimit` (no rule matched, or a Count rule).
    Count,
    /// Do not count it (an Ignore rule).
    Ignore,
    /// Fail the Job with this message (a FailJob rule).
    FailJob(String),
}

/// Decides what a failed pod means under the Job's policy (Count without a policy).
pub fn judge(job: &Value, pod: &Value) -> Verdict {
    let Some(rules) =
        meta::path(job, &["spec", "podFailurePolicy", "rules"]).and_then(Value::as_array)
    else {
        return Verdict::Count;
    };
    for (index, rule) in rules.iter().enumerate() {
        let action = rule.get("action").and_then(Value::as_str).unwrap_or("");
        let matched = if let Some(req) = rule.get("onExitCodes").filter(|v| v.is_object()) {
            exit_code_match(pod, req).map(|(c, code)| {
                format!(
                    "Container {c} for pod {}/{} failed with exit code {code} matching {action} rule at index {index}",
                    meta::namespace(pod),
                    meta::name(pod)
                )
            })
        } else if let Some(patterns) = rule.get("onPodConditions").and_then(Value::as_array) {
            condition_match(pod, patterns).map(|ty| {
                format!(
                    "Pod {}/{} has condition {ty} matching {action} rule at index {index}",
                    meta::namespace(pod),
                    meta::name(pod)
                )
            })
        } else {
            None
        };
        let Some(message) = matched else { continue };
        match action {
            "Ignore" => return Verdict::Ignore,
            "Count" => return Verdict::Count,
            "FailJob" => return Verdict::FailJob(message),
            // FailIndex needs backoffLimitPerIndex; unknown actions are skipped, as upstream.
            _ => continue,
        }
    }
    Verdict::Count
}

fn exit_code_match(pod: &Value, req: &Value) -> Option<(String, i64)> {
    let wanted = req.get("containerName").and_then(Value::as_str);
    let op = req.get("operator").and_then(Value::as_str).unwrap_or("");
    let values: Vec<i64> = req
        .get("values")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    for list in ["containerStatuses", "initContainerStatuses"] {
        let Some(statuses) = meta::path(pod, &["status", list]).and_then(Value::as_array) else {
            continue;
        };
        for s in statuses {
            let Some(code) = meta::int_at(s, &["state", "terminated", "exitCode"]) else {
                continue;
            };
            let name = s.get("name").and_then(Value::as_str).unwrap_or("");
            if wanted.is_some_and(|w| w != name) || code == 0 {
                continue;
            }
            let hit = match op {
                "In" => values.contains(&code),
                "NotIn" => !values.contains(&code),
                _ => false,
            };
            if hit {
                return Some((name.to_string(), code));
            }
        }
    }
    None
}

fn condition_match(pod: &Value, patterns: &[Value]) -> Option<String> {
    let conds = meta::path(pod, &["status", "conditions"]).and_then(Value::as_array)?;
    conds.iter().find_map(|c| {
        let ty = c.get("type").and_then(Value::as_str)?;
        let st = c.get("status").and_then(Value::as_str)?;
        patterns
            .iter()
            .any(|p| {
                p.get("type").and_then(Value::as_str) == Some(ty)
                    && p.get("status").and_then(Value::as_str).unwrap_or("True") == st
            })
            .then(|| ty.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn failed_pod(code: i64) -> Value {
        json!({"metadata": {"name": "pi-abcde", "namespace": "default"},
            "status": {"phase": "Failed", "conditions": [{"type": "DisruptionTarget", "status": "True"}],
                "containerStatuses": [{"name": "main", "state": {"terminated": {"exitCode": code}}}]}})
    }

    fn job(rules: Value) -> Value {
        json!({"spec": {"podFailurePolicy": {"rules": rules}}})
    }

    // Cases after upstream's TestMatchPodFailurePolicy.
    #[test]
    fn the_first_matching_rule_decides() {
        let j = job(json!([
            {"action": "Ignore", "onExitCodes": {"operator": "In", "values": [1, 2]}},
            {"action": "FailJob", "onExitCodes": {"operator": "In", "values": [42]}},
        ]));
        assert_eq!(judge(&j, &failed_pod(2)), Verdict::Ignore);
        assert_eq!(
            judge(&j, &failed_pod(42)),
            Verdict::FailJob("Container main for pod default/pi-abcde failed with exit code 42 matching FailJob rule at index 1".into())
        );
        assert_eq!(judge(&j, &failed_pod(3)), Verdict::Count);
    }

    #[test]
    fn not_in_and_container_names_and_conditions() {
        let j = job(json!([
            {"action": "FailJob", "onExitCodes": {"containerName": "other", "operator": "NotIn", "values": [0]}},
            {"action": "Count", "onExitCodes": {"operator": "NotIn", "values": [5]}},
        ]));
        assert_eq!(judge(&j, &failed_pod(7)), Verdict::Count);
        let j = job(json!([
            {"action": "FailJob", "onPodConditions": [{"type": "DisruptionTarget", "status": "True"}]},
        ]));
        assert_eq!(
            judge(&j, &failed_pod(1)),
            Verdict::FailJob("Pod default/pi-abcde has condition DisruptionTarget matching FailJob rule at index 0".into())
        );
        assert_eq!(judge(&json!({}), &failed_pod(1)), Verdict::Count);
    }
}
