//! API-server validation of the RBAC kinds, PriorityClass and Ingress paths (`k/k
//! pkg/apis/rbac/validation`, `pkg/apis/scheduling/validation`, `pkg/apis/networking/validation`): the messages of the common mistakes, with upstream's
//! field paths (`rules[0].verbs: Required value: ...`, `roleRef.kind: Unsupported value: ...`).

use crate::world::api::kinds;
use serde_json::Value;

use super::error::{FieldCause, cause};
use super::gocmp::quote;

const RBAC: &str = "rbac.authorization.k8s.io";

/// Appends the causes of `obj` (a `kind` this file knows) to `errs`.
pub fn validate(kind: &str, obj: &Value, errs: &mut Vec<FieldCause>) {
    match kind {
        kinds::ROLE => rules(obj, true, errs),
        // An aggregated ClusterRole's rules are the controller's to fill.
        kinds::CLUSTER_ROLE if obj.get("aggregationRule").is_none_or(Value::is_null) => {
            rules(obj, false, errs)
        }
        kinds::INGRESS => ingress_paths(obj, errs),
        kinds::HORIZONTAL_POD_AUTOSCALER => super::validation_hpa::validate(obj, errs),
        kinds::ROLE_BINDING => binding(obj, true, errs),
        kinds::CLUSTER_ROLE_BINDING => binding(obj, false, errs),
        kinds::PRIORITY_CLASS => {
            let value = obj.get("value").and_then(Value::as_i64).unwrap_or(0);
            let name = super::meta::name(obj);
            if !name.starts_with("system-") && value > 1_000_000_000 {
                errs.push(cause(
                    "value",
                    "Forbidden: maximum allowed value of a user defined priority is 1000000000",
                ));
            }
        }
        _ => {}
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Go's `%#v` of a `[]string`.
fn go_strings(v: &[String]) -> String {
    let items: Vec<String> = v.iter().map(|s| quote(s)).collect();
    format!("[]string{{{}}}", items.join(", "))
}

/// `ValidatePolicyRule` for each rule.
fn rules(obj: &Value, namespaced: bool, errs: &mut Vec<FieldCause>) {
    let list = obj
        .get("rules")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (i, rule) in list.iter().enumerate() {
        let at = |f: &str| format!("rules[{i}].{f}");
        if strings(rule.get("verbs")).is_empty() {
            errs.push(cause(
                at("verbs"),
                "Required value: verbs must contain at least one value",
            ));
        }
        let urls = strings(rule.get("nonResourceURLs"));
        if !urls.is_empty() {
            if namespaced {
                errs.push(cause(
                    at("nonResourceURLs"),
                    format!(
                        "Invalid value: {}: namespaced rules cannot apply to non-resource URLs",
                        go_strings(&urls)
                    ),
                ));
            }
            if !strings(rule.get("apiGroups")).is_empty()
                || !strings(rule.get("resources")).is_empty()
                || !strings(rule.get("resourceNames")).is_empty()
            {
                errs.push(cause(
                    at("nonResourceURLs"),
                    format!(
                        "Invalid value: {}: rules cannot apply to both regular resources and non-resource URLs",
                        go_strings(&urls)
                    ),
                ));
            }
            continue;
        }
        if rule
            .get("apiGroups")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty)
        {
            errs.push(cause(
                at("apiGroups"),
                "Required value: resource rules must supply at least one api group",
            ));
        }
        if strings(rule.get("resources")).is_empty() {
            errs.push(cause(
                at("resources"),
                "Required value: resource rules must supply at least one resource",
            ));
        }
    }
}

/// `validateHTTPIngressPath`: a path type is required, and Exact and Prefix paths are absolute
/// and clean.
fn ingress_paths(obj: &Value, errs: &mut Vec<FieldCause>) {
    let rules = obj
        .pointer("/spec/rules")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (i, rule) in rules.iter().enumerate() {
        let paths = rule
            .pointer("/http/paths")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (j, p) in paths.iter().enumerate() {
            let at = |f: &str| format!("spec.rules[{i}].http.paths[{j}].{f}");
            let path = p.get("path").and_then(Value::as_str).unwrap_or("");
            match p.get("pathType").and_then(Value::as_str) {
                None => errs.push(cause(
                    at("pathType"),
                    "Required value: pathType must be specified",
                )),
                Some("Exact" | "Prefix") => {
                    if !path.starts_with('/') {
                        errs.push(cause(
                            at("path"),
                            format!("Invalid value: {}: must be an absolute path", quote(path)),
                        ));
                    }
                    for seq in ["//", "/./", "/../", "%2f", "%2F"] {
                        if !path.is_empty() && path.contains(seq) {
                            errs.push(cause(
                                at("path"),
                                format!("Invalid value: {}: must not contain '{seq}'", quote(path)),
                            ));
                        }
                    }
                    for suffix in ["/..", "/."] {
                        if path.ends_with(suffix) {
                            errs.push(cause(
                                at("path"),
                                format!(
                                    "Invalid value: {}: cannot end with '{suffix}'",
                                    quote(path)
                                ),
                            ));
                        }
                    }
                }
                Some("ImplementationSpecific") => {
                    if !path.is_empty() && !path.starts_with('/') {
                        errs.push(cause(
                            at("path"),
                            format!("Invalid value: {}: must be an absolute path", quote(path)),
                        ));
                    }
                }
                Some(other) => errs.push(cause(
                    at("pathType"),
                    unsupported(other, &["Exact", "ImplementationSpecific", "Prefix"]),
                )),
            }
        }
    }
}

fn unsupported(value: &str, supported: &[&str]) -> String {
    let list: Vec<String> = supported.iter().map(|s| quote(s)).collect();
    format!(
        "Unsupported value: {}: supported values: {}",
        quote(value),
        list.join(", ")
    )
}

/// `ValidateRoleBinding` / `ValidateClusterRoleBinding` and their subjects.
fn binding(obj: &Value, namespaced: bool, errs: &mut Vec<FieldCause>) {
    let rr = |f: &str| {
        obj.get("roleRef")
            .and_then(|r| r.get(f))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let group = rr("apiGroup");
    if group != RBAC {
        errs.push(cause("roleRef.apiGroup", unsupported(&group, &[RBAC])));
    }
    let kind = rr("kind");
    let kinds: &[&str] = if namespaced {
        &["Role", "ClusterRole"]
    } else {
        &["ClusterRole"]
    };
    if !kinds.contains(&kind.as_str()) {
        errs.push(cause("roleRef.kind", unsupported(&kind, kinds)));
    }
    let name = rr("name");
    if name.is_empty() {
        errs.push(cause("roleRef.name", "Required value"));
    }
    let subjects = obj
        .get("subjects")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (i, s) in subjects.iter().enumerate() {
        let get = |f: &str| s.get(f).and_then(Value::as_str).unwrap_or("").to_string();
        let at = |f: &str| format!("subjects[{i}].{f}");
        if get("name").is_empty() {
            errs.push(cause(at("name"), "Required value"));
        }
        let group = get("apiGroup");
        match get("kind").as_str() {
            kinds::SERVICE_ACCOUNT => {
                if !group.is_empty() {
                    errs.push(cause(at("apiGroup"), unsupported(&group, &[""])));
                }
                if !namespaced && get("namespace").is_empty() {
                    errs.push(cause(at("namespace"), "Required value"));
                }
            }
            "User" | "Group" => {
                if group != RBAC {
                    errs.push(cause(at("apiGroup"), unsupported(&group, &[RBAC])));
                }
            }
            other => errs.push(cause(
                at("kind"),
                unsupported(other, &["ServiceAccount", "User", "Group"]),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rbac_mistakes() {
        let mut errs = Vec::new();
        validate(
            "Role",
            &json!({"rules": [{"verbs": [], "resources": ["pods"]}, {"verbs": ["get"], "nonResourceURLs": ["/x"]}]}),
            &mut errs,
        );
        let text: Vec<String> = errs
            .iter()
            .map(|c| format!("{}: {}", c.field, c.detail))
            .collect();
        assert_eq!(
            text,
            [
                "rules[0].verbs: Required value: verbs must contain at least one value",
                "rules[0].apiGroups: Required value: resource rules must supply at least one api group",
                "rules[1].nonResourceURLs: Invalid value: []string{\"/x\"}: namespaced rules cannot apply to non-resource URLs",
            ]
        );
        let mut errs = Vec::new();
        validate(
            "ClusterRoleBinding",
            &json!({"roleRef": {"apiGroup": RBAC, "kind": "Role", "name": "r"}, "subjects": [{"kind": "ServiceAccount", "name": "s"}]}),
            &mut errs,
        );
        assert_eq!(
            errs[0].detail,
            "Unsupported value: \"Role\": supported values: \"ClusterRole\""
        );
        assert_eq!(errs[1].field, "subjects[0].namespace");
        let mut errs = Vec::new();
        validate(
            "Ingress",
            &json!({"spec": {"rules": [{"http": {"paths": [{"path": "/"}, {"path": "api", "pathType": "Prefix"}]}}]}}),
            &mut errs,
        );
        assert_eq!(errs[0].detail, "Required value: pathType must be specified");
        assert_eq!(
            errs[1].detail,
            "Invalid value: \"api\": must be an absolute path"
        );
    }
}
