//! The ResourceQuota, PodDisruptionBudget and PriorityClass `kubectl create quota|pdb|
//! priorityclass` build (`kubectl pkg/cmd/create/create_quota.go`, `create_pdb.go`,
//! `create_priorityclass.go`), with kubectl's checks and error texts.

use crate::world::api::kinds;
use serde_json::{Map, Value, json};

use crate::world::api::quantity::Quantity;
use crate::world::api::selector::{Requirement, Selector};

/// `create quota NAME [--hard=r=q,...] [--scopes=S,...]`.
pub fn quota(name: &str, hard: &str, scopes: &str) -> Result<Value, String> {
    let mut spec = Map::new();
    if !hard.is_empty() {
        let mut list = Map::new();
        for statement in hard.split(',') {
            let parts: Vec<&str> = statement.split('=').collect();
            if parts.len() != 2 {
                return Err(format!(
                    "Invalid argument syntax {statement}, expected <resource>=<value>"
                ));
            }
            let q = Quantity::parse(parts[1]).map_err(str::to_string)?;
            list.insert(parts[0].to_string(), json!(q.canonical()));
        }
        spec.insert("hard".into(), Value::Object(list));
    }
    if !scopes.is_empty() {
        let mut list = Vec::new();
        for s in scopes.split(',') {
            if s.is_empty() {
                return Err("invalid resource quota scope \"\"".into());
            }
            list.push(json!(s));
        }
        spec.insert("scopes".into(), Value::Array(list));
    }
    Ok(json!({
        "apiVersion": "v1",
        "kind": kinds::RESOURCE_QUOTA,
        "metadata": {"creationTimestamp": null, "name": name},
        "spec": spec,
        "status": {},
    }))
}

/// `Validate()` of `create pdb`.
pub fn validate_pdb(selector: &str, min: &str, max: &str) -> Result<(), String> {
    if selector.is_empty() {
        return Err("a selector must be specified".into());
    }
    if min.is_empty() && max.is_empty() {
        return Err("one of min-available or max-unavailable must be specified".into());
    }
    if !min.is_empty() && !max.is_empty() {
        return Err("min-available and max-unavailable cannot be both specified".into());
    }
    let ok = |v: &str| {
        let digits = v.strip_suffix('%').unwrap_or(v);
        !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
    };
    if !min.is_empty() && !ok(min) {
        return Err("invalid format specified for min-available".into());
    }
    if !max.is_empty() && !ok(max) {
        return Err("invalid format specified for max-unavailable".into());
    }
    Ok(())
}

/// `intstr.Parse`: a number when it parses as one, a string otherwise.
fn int_or_string(v: &str) -> Value {
    match v.parse::<i32>() {
        Ok(n) => json!(n),
        Err(_) => json!(v),
    }
}

/// `metav1.ParseToLabelSelector`: equality requirements become `matchLabels`, set-based ones
/// `matchExpressions`; `!=` has no LabelSelector form and is refused.
pub fn label_selector(s: &str) -> Result<Value, String> {
    let sel = Selector::parse(s)?;
    let mut labels = Map::new();
    let mut exprs = Vec::new();
    for r in sel.requirements {
        let expr = |key: String, op: &str, values: Vec<String>| {
            let mut e = json!({"key": key, "operator": op});
            if !values.is_empty() {
                e["values"] = json!(values);
            }
            e
        };
        match r {
            Requirement::Equals(k, v) => {
                labels.insert(k, json!(v));
            }
            Requirement::NotEquals(..) => {
                return Err("\"!=\" is not a valid label selector operator".into());
            }
            Requirement::In(k, vs) => exprs.push(expr(k, "In", vs)),
            Requirement::NotIn(k, vs) => exprs.push(expr(k, "NotIn", vs)),
            Requirement::Exists(k) => exprs.push(expr(k, "Exists", vec![])),
            Requirement::DoesNotExist(k) => exprs.push(expr(k, "DoesNotExist", vec![])),
        }
    }
    let mut out = Map::new();
    if !labels.is_empty() {
        out.insert("matchLabels".into(), Value::Object(labels));
    }
    if !exprs.is_empty() {
        out.insert("matchExpressions".into(), Value::Array(exprs));
    }
    Ok(Value::Object(out))
}

/// `create pdb NAME --selector=S --min-available=N|--max-unavailable=N` (after
/// [`validate_pdb`]).
pub fn pdb(name: &str, selector: &str, min: &str, max: &str) -> Result<Value, String> {
    let mut spec = json!({"selector": label_selector(selector)?});
    if !min.is_empty() {
        spec["minAvailable"] = int_or_string(min);
    } else if !max.is_empty() {
        spec["maxUnavailable"] = int_or_string(max);
    }
    Ok(json!({
        "apiVersion": "policy/v1",
        "kind": kinds::POD_DISRUPTION_BUDGET,
        "metadata": {"creationTimestamp": null, "name": name},
        "spec": spec,
        "status": {"currentHealthy": 0, "desiredHealthy": 0, "disruptionsAllowed": 0, "expectedPods": 0},
    }))
}

/// `create priorityclass NAME [--value=N] [--global-default] [--description=D]
/// [--preemption-policy=P]`.
pub fn priority_class(
    name: &str,
    value: i32,
    global_default: bool,
    description: &str,
    preemption_policy: &str,
) -> Value {
    let mut pc = json!({
        "apiVersion": "scheduling.k8s.io/v1",
        "kind": kinds::PRIORITY_CLASS,
        "metadata": {"creationTimestamp": null, "name": name},
        "preemptionPolicy": preemption_policy,
        "value": value,
    });
    if global_default {
        pc["globalDefault"] = json!(true);
    }
    if !description.is_empty() {
        pc["description"] = json!(description);
    }
    pc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_and_pdb() {
        let q = quota("q", "cpu=1000m,pods=2", "BestEffort").unwrap();
        assert_eq!(q.pointer("/spec/hard/cpu"), Some(&json!("1")));
        assert_eq!(
            quota("q", "cpu", "").unwrap_err(),
            "Invalid argument syntax cpu, expected <resource>=<value>"
        );
        assert_eq!(
            quota("q", "", "a,,").unwrap_err(),
            "invalid resource quota scope \"\""
        );
        assert_eq!(
            validate_pdb("a=b", "1Gb", "").unwrap_err(),
            "invalid format specified for min-available"
        );
        let p = pdb("p", "app in (a,b),!old", "", "1").unwrap();
        assert_eq!(p.pointer("/spec/maxUnavailable"), Some(&json!(1)));
        assert_eq!(
            p.pointer("/spec/selector/matchExpressions/1/operator"),
            Some(&json!("DoesNotExist"))
        );
        assert!(pdb("p", "a!=b", "1", "").is_err());
    }
}
