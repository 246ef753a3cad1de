//! API-server validation with the real field paths and messages
//! (`k/k pkg/apis/*/validation`, `apimachinery pkg/util/validation`).

use crate::world::api::kinds;
use serde_json::Value;

use super::error::{FieldCause, cause};
use super::gocmp::quote as go_quote;
use super::meta::{self, path};
use super::selector::Selector;

const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";

pub(crate) fn regex_error(msg: &str, fmt: &str, examples: &[&str]) -> String {
    let mut s = format!("{msg} (e.g. ");
    for (i, e) in examples.iter().enumerate() {
        if i > 0 {
            s.push_str(" or ");
        }
        s.push_str(&format!("'{e}', "));
    }
    s.push_str(&format!("regex used for validation is '{fmt}')"));
    s
}

fn is_label_chars(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric())
}

/// `IsDNS1123Label`.
pub fn dns1123_label(v: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if v.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    if !is_label_chars(v) {
        if dns1123_subdomain(v).is_empty() {
            errs.push("must not contain dots".to_string());
        } else {
            errs.push(regex_error(
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
                DNS1123_LABEL_FMT,
                &["my-name", "123-abc"],
            ));
        }
    }
    errs
}

/// `IsDNS1123Subdomain`.
pub fn dns1123_subdomain(v: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if v.len() > 253 {
        errs.push("must be no more than 253 characters".to_string());
    }
    if v.is_empty() || !v.split('.').all(is_label_chars) {
        errs.push(regex_error(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    errs
}

/// `IsDNS1035Label`.
pub fn dns1035_label(v: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if v.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    if !is_label_chars(v) || !v.starts_with(|c: char| c.is_ascii_lowercase()) {
        errs.push(regex_error(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
            DNS1035_LABEL_FMT,
            &["my-name", "abc-123"],
        ));
    }
    errs
}

/// `IsConfigMapKey`.
pub fn config_map_key(v: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if v.len() > 253 {
        errs.push("must be no more than 253 characters".to_string());
    }
    if v.is_empty()
        || !v
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        errs.push(regex_error(
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
            "[-._a-zA-Z0-9]+",
            &["key.name", "KEY_NAME", "key-name"],
        ));
    }
    match v {
        "." => errs.push("must not be '.'".into()),
        ".." => errs.push("must not be '..'".into()),
        _ if v.starts_with("..") => errs.push("must not start with '..'".into()),
        _ => {}
    }
    errs
}

/// Go `%#v` of a `map[string]string`.
pub fn go_map_literal(v: Option<&Value>) -> String {
    let m = v.and_then(Value::as_object);
    match m {
        None => "map[string]string(nil)".to_string(),
        Some(m) => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}:{}", go_quote(k), go_quote(v.as_str().unwrap_or(""))))
                .collect();
            format!("map[string]string{{{}}}", items.join(", "))
        }
    }
}

fn invalid_str(field: &str, value: &str, msg: &str) -> FieldCause {
    cause(field, format!("Invalid value: {}: {msg}", go_quote(value)))
}

/// How a kind's names are checked.
fn name_rule(kind: &str) -> fn(&str) -> Vec<String> {
    match kind {
        kinds::NAMESPACE | kinds::PROJECT => dns1123_label,
        kinds::SERVICE => dns1035_label,
        // `ValidateRBACName`: any path segment (`system:aggregate-to-view` is a valid name).
        kinds::ROLE | kinds::CLUSTER_ROLE | kinds::ROLE_BINDING | kinds::CLUSTER_ROLE_BINDING => {
            path_segment
        }
        // Images are named by digest (`sha256:…`): OpenShift checks them as path segments.
        kinds::IMAGE | kinds::IMAGE_STREAM_TAG | kinds::IMAGE_STREAM_IMAGE => path_segment,
        _ => dns1123_subdomain,
    }
}

/// `path.ValidatePathSegmentName`: not `.` or `..`, no `/` or `%`.
fn path_segment(v: &str) -> Vec<String> {
    if v == "." || v == ".." {
        return vec![format!("may not be '{v}'")];
    }
    let mut out = Vec::new();
    for bad in ["/", "%"] {
        if v.contains(bad) {
            out.push(format!("may not contain '{bad}'"));
        }
    }
    out
}

/// Validates an object for create (`update_of` = the stored object when updating).
pub fn validate(kind: &str, obj: &Value, update_of: Option<&Value>) -> Vec<FieldCause> {
    let mut errs = Vec::new();
    let name = meta::name(obj);
    if name.is_empty() {
        errs.push(cause(
            "metadata.name",
            "Required value: name or generateName is required",
        ));
    } else {
        for m in name_rule(kind)(name) {
            errs.push(invalid_str("metadata.name", name, &m));
        }
    }
    match kind {
        kinds::DEPLOYMENT | kinds::REPLICA_SET | kinds::STATEFUL_SET | kinds::DAEMON_SET => {
            workload(kind, obj, update_of, &mut errs)
        }
        kinds::POD => pod_spec(path(obj, &["spec"]), "spec", false, &mut errs),
        kinds::CRON_JOB => {
            for (field, msg, value) in crate::world::controllers::cronjob::validation::problems(obj)
            {
                errs.push(match value {
                    Some(v) => invalid_str(&field, &v, &msg),
                    None => cause(field, msg),
                });
            }
        }
        kinds::CONFIG_MAP | kinds::SECRET => {
            for section in ["data", "binaryData", "stringData"] {
                if let Some(m) = obj.get(section).and_then(Value::as_object) {
                    for k in m.keys() {
                        for msg in config_map_key(k) {
                            errs.push(invalid_str(&format!("{section}[{k}]"), k, &msg));
                        }
                    }
                }
            }
        }
        _ => super::validation_policy::validate(kind, obj, &mut errs),
    }
    errs
}

fn workload(kind: &str, obj: &Value, update_of: Option<&Value>, errs: &mut Vec<FieldCause>) {
    if let Some(r) = path(obj, &["spec", "replicas"]).and_then(Value::as_i64)
        && r < 0
    {
        errs.push(cause(
            "spec.replicas",
            format!("Invalid value: {r}: must be greater than or equal to 0"),
        ));
    }
    let selector = path(obj, &["spec", "selector"]);
    let tpl_labels = path(obj, &["spec", "template", "metadata", "labels"]);
    let sel_empty = selector.is_none_or(|s| {
        s.get("matchLabels")
            .and_then(Value::as_object)
            .is_none_or(|m| m.is_empty())
            && s.get("matchExpressions")
                .and_then(Value::as_array)
                .is_none_or(|a| a.is_empty())
    });
    if selector.is_none() {
        errs.push(cause("spec.selector", "Required value"));
    } else if sel_empty && let Some(s) = selector {
        let what = if kind == kinds::DEPLOYMENT {
            "deployment"
        } else {
            "replica set"
        };
        errs.push(cause(
            "spec.selector",
            format!(
                "Invalid value: {}: empty selector is invalid for {what}",
                go_label_selector(s)
            ),
        ));
    }
    let labels = meta::string_map(obj, &["spec", "template", "metadata", "labels"]);
    let matches = selector.is_some_and(|s| Selector::from_label_selector(s).matches(&labels));
    if !sel_empty && !matches || selector.is_none() {
        errs.push(cause(
            "spec.template.metadata.labels",
            format!(
                "Invalid value: {}: `selector` does not match template `labels`",
                go_map_literal(tpl_labels)
            ),
        ));
    }
    if kind == kinds::DEPLOYMENT {
        deployment_strategy(obj, errs);
    }
    if let (Some(old), Some(new)) = (
        update_of.and_then(|o| path(o, &["spec", "selector"])),
        selector,
    ) && old != new
        // A StatefulSet's selector is covered by its forbidden-fields check (update_validation).
        && kind != kinds::STATEFUL_SET
    {
        errs.push(cause(
            "spec.selector",
            format!(
                "Invalid value: {}: field is immutable",
                go_label_selector(new)
            ),
        ));
    }
    let restart = path(obj, &["spec", "template", "spec", "restartPolicy"])
        .and_then(Value::as_str)
        .unwrap_or("Always");
    if restart != "Always" {
        errs.push(cause(
            "spec.template.spec.restartPolicy",
            format!(
                "Unsupported value: {}: supported values: \"Always\"",
                go_quote(restart)
            ),
        ));
    }
    pod_spec(
        path(obj, &["spec", "template", "spec"]),
        "spec.template.spec",
        true,
        errs,
    );
}

/// Go `%#v` of a `v1.LabelSelector`.
pub fn go_label_selector(sel: &Value) -> String {
    let ml = match sel.get("matchLabels") {
        Some(m) if m.is_object() => go_map_literal(Some(m)),
        _ => "map[string]string(nil)".to_string(),
    };
    let me = match sel.get("matchExpressions").and_then(Value::as_array) {
        Some(a) if !a.is_empty() => {
            format!("[]v1.LabelSelectorRequirement{{/* {} items */}}", a.len())
        }
        _ => "[]v1.LabelSelectorRequirement(nil)".to_string(),
    };
    format!("v1.LabelSelector{{MatchLabels:{ml}, MatchExpressions:{me}}}")
}

fn go_intstr(v: &Value) -> String {
    match v {
        Value::Number(n) => format!("intstr.IntOrString{{Type:0, IntVal:{n}, StrVal:\"\"}}"),
        Value::String(s) => format!(
            "intstr.IntOrString{{Type:1, IntVal:0, StrVal:{}}}",
            go_quote(s)
        ),
        _ => "intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}".to_string(),
    }
}

fn deployment_strategy(obj: &Value, errs: &mut Vec<FieldCause>) {
    let ty = path(obj, &["spec", "strategy", "type"])
        .and_then(Value::as_str)
        .unwrap_or("RollingUpdate");
    let ru = path(obj, &["spec", "strategy", "rollingUpdate"]);
    match ty {
        "Recreate" => {
            if ru.is_some_and(|v| !v.is_null()) {
                errs.push(cause(
                    "spec.strategy.rollingUpdate",
                    "Forbidden: may not be specified when strategy `type` is 'Recreate'",
                ));
            }
        }
        "RollingUpdate" => {
            let Some(ru) = ru else { return };
            let mut parsed = Vec::new();
            for f in ["maxUnavailable", "maxSurge"] {
                let field = format!("spec.strategy.rollingUpdate.{f}");
                let v = ru.get(f);
                let ok = match v {
                    None | Some(Value::Null) => Some(0),
                    Some(Value::Number(n)) => match n.as_i64() {
                        Some(i) if i >= 0 => Some(i),
                        _ => {
                            errs.push(cause(
                                &field,
                                format!("Invalid value: {n}: must be greater than or equal to 0"),
                            ));
                            None
                        }
                    },
                    Some(Value::String(s)) => {
                        match s.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()) {
                            Some(p) => {
                                if f == "maxUnavailable" && p > 100 {
                                    errs.push(cause(
                                        &field,
                                        format!(
                                            "Invalid value: {}: must not be greater than 100%",
                                            go_quote(s)
                                        ),
                                    ));
                                }
                                Some(p)
                            }
                            None => {
                                errs.push(cause(
                                &field,
                                format!(
                                    "Invalid value: {}: {}",
                                    go_quote(s),
                                    regex_error("a valid percent string must be a numeric string followed by an ending '%'", "[0-9]+%", &["1%", "93%"])
                                ),
                            ));
                                None
                            }
                        }
                    }
                    Some(_) => None,
                };
                parsed.push(ok);
            }
            if let [Some(0), Some(0)] = parsed.as_slice() {
                let v = ru.get("maxUnavailable").cloned().unwrap_or(Value::Null);
                errs.push(cause(
                    "spec.strategy.rollingUpdate.maxUnavailable",
                    format!(
                        "Invalid value: {}: may not be 0 when `maxSurge` is 0",
                        go_intstr(&v)
                    ),
                ));
            }
        }
        other => errs.push(cause(
            "spec.strategy.type",
            format!(
                "Unsupported value: {}: supported values: \"Recreate\", \"RollingUpdate\"",
                go_quote(other)
            ),
        )),
    }
}

/// `ValidateResourceRequirements`: a request may not exceed its limit (and must equal it for
/// resources that cannot be overcommitted: hugepages and extended resources). Resources in
/// name order (upstream walks a map).
fn requests_within_limits(c: &Value, at: &str, errs: &mut Vec<FieldCause>) {
    use super::quantity::Quantity;
    let list = |which: &str| {
        path(c, &["resources", which])
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let (requests, limits) = (list("requests"), list("limits"));
    let mut names: Vec<&String> = requests.keys().collect();
    names.sort();
    for name in names {
        let (Some(req), Some(lim)) = (
            requests.get(name).and_then(|v| Quantity::from_json(v).ok()),
            limits.get(name).and_then(|v| Quantity::from_json(v).ok()),
        ) else {
            continue;
        };
        let native = !name.contains('/') || name.contains("kubernetes.io/");
        let overcommit = native && !name.starts_with("hugepages-");
        let field = format!("{at}.resources.requests");
        if !overcommit && req != lim {
            errs.push(invalid_str(
                &field,
                &req.canonical(),
                &format!("must be equal to {name} limit of {}", lim.canonical()),
            ));
        } else if req > lim {
            errs.push(invalid_str(
                &field,
                &req.canonical(),
                &format!(
                    "must be less than or equal to {name} limit of {}",
                    lim.canonical()
                ),
            ));
        }
    }
}

fn pod_spec(spec: Option<&Value>, at: &str, template: bool, errs: &mut Vec<FieldCause>) {
    let containers = spec
        .and_then(|s| s.get("containers"))
        .and_then(Value::as_array);
    match containers {
        None => errs.push(cause(format!("{at}.containers"), "Required value")),
        Some(cs) if cs.is_empty() => errs.push(cause(format!("{at}.containers"), "Required value")),
        Some(_) => {}
    }
    let mut seen: Vec<String> = Vec::new();
    for list in ["initContainers", "containers"] {
        let Some(cs) = spec.and_then(|s| s.get(list)).and_then(Value::as_array) else {
            continue;
        };
        for (i, c) in cs.iter().enumerate() {
            let p = format!("{at}.{list}[{i}]");
            let name = c.get("name").and_then(Value::as_str).unwrap_or("");
            if name.is_empty() {
                errs.push(cause(format!("{p}.name"), "Required value"));
            } else {
                for m in dns1123_label(name) {
                    errs.push(invalid_str(&format!("{p}.name"), name, &m));
                }
                if seen.iter().any(|s| s == name) {
                    errs.push(cause(
                        format!("{p}.name"),
                        format!("Duplicate value: {}", go_quote(name)),
                    ));
                }
                seen.push(name.to_string());
            }
            let image = c.get("image").and_then(Value::as_str).unwrap_or("");
            if image.trim().is_empty() && template {
                // Templates may leave the image to be filled by a trigger; pods may not.
            } else if image.is_empty() {
                errs.push(cause(format!("{p}.image"), "Required value"));
            } else if image.trim() != image {
                errs.push(cause(
                    format!("{p}.image"),
                    "Invalid value: \" \": must not have leading or trailing whitespace",
                ));
            }
            if let Some(pp) = c.get("imagePullPolicy").and_then(Value::as_str)
                && !matches!(pp, "Always" | "IfNotPresent" | "Never")
            {
                errs.push(cause(
                        format!("{p}.imagePullPolicy"),
                        format!("Unsupported value: {}: supported values: \"Always\", \"IfNotPresent\", \"Never\"", go_quote(pp)),
                    ));
            }
            requests_within_limits(c, &p, errs);
            if let Some(ports) = c.get("ports").and_then(Value::as_array) {
                for (j, port) in ports.iter().enumerate() {
                    let cp = port
                        .get("containerPort")
                        .and_then(Value::as_i64)
                        .unwrap_or(0);
                    if !(1..=65535).contains(&cp) {
                        let f = format!("{p}.ports[{j}].containerPort");
                        if port.get("containerPort").is_none() {
                            errs.push(cause(f, "Required value"));
                        } else {
                            errs.push(cause(
                                f,
                                format!(
                                    "Invalid value: {cp}: must be between 1 and 65535, inclusive"
                                ),
                            ));
                        }
                    }
                }
            }
        }
    }
    if !template
        && let Some(rp) = spec
            .and_then(|s| s.get("restartPolicy"))
            .and_then(Value::as_str)
        && !matches!(rp, "Always" | "OnFailure" | "Never")
    {
        errs.push(cause(
            format!("{at}.restartPolicy"),
            format!(
                "Unsupported value: {}: supported values: \"Always\", \"OnFailure\", \"Never\"",
                go_quote(rp)
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn missing_selector_gives_both_upstream_errors() {
        let d = json!({"metadata": {"name": "http-go"}, "spec": {"template": {"metadata": {"labels": {"app": "http-go"}}, "spec": {"containers": [{"name": "http-go", "image": "gasbugs/http-go:v1"}]}}}});
        let errs = validate("Deployment", &d, None);
        assert_eq!(errs[0], cause("spec.selector", "Required value"));
        assert_eq!(
            errs[1].detail,
            "Invalid value: map[string]string{\"app\":\"http-go\"}: `selector` does not match template `labels`"
        );
    }

    #[test]
    fn both_zero_is_invalid() {
        let d = json!({"metadata": {"name": "web"}, "spec": {"selector": {"matchLabels": {"a": "b"}}, "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}},
            "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}}});
        let errs = validate("Deployment", &d, None);
        assert_eq!(errs.len(), 1);
        assert_eq!(
            errs[0].detail,
            "Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0"
        );
    }

    #[test]
    fn names() {
        assert!(dns1123_subdomain("mongo").is_empty());
        assert_eq!(
            dns1123_subdomain("Mongo")[0],
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
        );
        assert!(dns1123_label("a.b")[0].contains("dots"));
        assert!(dns1123_label("a_b")[0].contains("'my-name',  or '123-abc'"));
    }
}
