//! A write request's body against its kind's schema, answered as kube-apiserver 1.32 answers:
//! the `fieldValidation` directive (Strict, Warn, Ignore) and the error forms of
//! `apiserver pkg/endpoints/handlers` for a full object (create, update, merge patch:
//! `transformDecodeError`, 400) and for a strategic merge patch (`applyPatchToObject`, 422 with
//! the patch rendered by Go's `%+v`).

use serde_json::Value;

use super::decode::{decode, decode_patched, go_number};
use super::documents;
use crate::world::api::error::{ApiError, Reason, cause};
use crate::world::api::gocmp::quote as go_quote;
use crate::world::api::kinds::KindInfo;

/// The `fieldValidation` query parameter of a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FieldValidation {
    /// Unknown fields fail the request (kubectl's default, `--validate=strict|true`).
    #[default]
    Strict,
    /// Unknown fields come back as warnings and are dropped (`--validate=warn`; the server's
    /// default when the parameter is absent, as with `kubectl patch`).
    Warn,
    /// Unknown fields are dropped silently (`--validate=ignore|false`).
    Ignore,
}

/// How the object reached the server.
#[derive(Debug, Clone, Copy)]
pub enum Body<'a> {
    /// A whole object: create (POST), update (PUT), or a JSON merge/JSON patch, whose result is
    /// decoded as a whole object.
    Object,
    /// A strategic merge patch (what client-side `kubectl apply` and `kubectl patch` send for
    /// built-in kinds), with the patch itself.
    StrategicPatch(&'a Value),
}

/// Decodes `obj` as `kind`, dropping unknown fields. `Ok` holds the warnings (`unknown field
/// "spec.foo"`, for `Warn`); kinds without a shipped schema pass unchecked.
pub fn check(
    kind: &KindInfo,
    obj: &mut Value,
    validation: FieldValidation,
    body: Body<'_>,
) -> Result<Vec<String>, ApiError> {
    let Some(definition) = documents::kind_definition(kind.group, kind.version, kind.kind) else {
        return Ok(Vec::new());
    };
    let decoded = match body {
        Body::Object => decode(&definition, obj),
        Body::StrategicPatch(_) => decode_patched(&definition, obj),
    };
    let unknown: Vec<String> = decoded
        .unknown
        .iter()
        .map(|p| format!("unknown field \"{p}\""))
        .collect();
    let failure = match decoded.error {
        Some(e) => e,
        None => match validation {
            FieldValidation::Strict if !unknown.is_empty() => {
                format!("strict decoding error: {}", unknown.join(", "))
            }
            FieldValidation::Warn => return Ok(unknown),
            _ => return Ok(Vec::new()),
        },
    };
    Err(match body {
        Body::Object => ApiError::bad_request(format!(
            "{k} in version \"{v}\" cannot be handled as a {k}: {failure}",
            k = kind.kind,
            v = kind.version
        )),
        Body::StrategicPatch(patch) => {
            let value = go_quote(&go_format(patch));
            let detail = format!("Invalid value: {value}: {failure}");
            ApiError {
                reason: Reason::Invalid,
                message: format!("The request is invalid: patch: {detail}"),
                causes: vec![cause("patch", detail)],
            }
        }
    })
}

/// Go's `fmt.Sprintf("%+v", v)` of a JSON value decoded into `interface{}` by apimachinery's
/// `util/json` (integers as int64): `map[k:v k2:v2]` with sorted keys, `[a b]`, `<nil>`.
pub fn go_format(v: &Value) -> String {
    let mut out = String::new();
    go_format_into(v, &mut out, 0);
    out
}

fn go_format_into(v: &Value, out: &mut String, depth: usize) {
    if depth > 100 {
        return;
    }
    match v {
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&go_number(n)),
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                go_format_into(item, out, depth + 1);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push_str("map[");
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                go_format_into(item, out, depth + 1);
            }
            out.push(']');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::api::kinds;
    use serde_json::json;

    #[test]
    fn strict_warn_ignore() {
        let pod = kinds::by_kind("Pod").unwrap();
        let obj = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "c", "envFrom": [{"name": "x"}]}], "foo": 1}});
        let mut o = obj.clone();
        let e = check(pod, &mut o, FieldValidation::Strict, Body::Object).unwrap_err();
        assert_eq!(e.reason, Reason::BadRequest);
        assert_eq!(
            e.message,
            "Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.containers[0].envFrom[0].name\", unknown field \"spec.foo\""
        );
        let mut o = obj.clone();
        let w = check(pod, &mut o, FieldValidation::Warn, Body::Object).unwrap();
        assert_eq!(
            w,
            vec![
                "unknown field \"spec.containers[0].envFrom[0].name\"",
                "unknown field \"spec.foo\""
            ]
        );
        assert_eq!(o["spec"].get("foo"), None);
        let mut o = obj;
        assert!(
            check(pod, &mut o, FieldValidation::Ignore, Body::Object)
                .unwrap()
                .is_empty()
        );
        assert_eq!(o["spec"].get("foo"), None);
    }

    #[test]
    fn deployment_version_is_the_version_only() {
        let d = kinds::by_kind("Deployment").unwrap();
        let mut o = json!({"spec": {"replicas": "three"}});
        let e = check(d, &mut o, FieldValidation::Ignore, Body::Object).unwrap_err();
        assert_eq!(
            e.message,
            "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"
        );
    }

    #[test]
    fn strategic_patch_form() {
        let cm = kinds::by_kind("ConfigMap").unwrap();
        let patch =
            json!({"metadata": {"annotations": {"a": "{\"x\":1}\n"}}, "spec": {"foo": "bar"}});
        let mut o = json!({"metadata": {"name": "x"}, "spec": {"foo": "bar"}});
        let e = check(
            cm,
            &mut o,
            FieldValidation::Strict,
            Body::StrategicPatch(&patch),
        )
        .unwrap_err();
        assert_eq!(e.reason, Reason::Invalid);
        assert_eq!(
            e.message,
            "The request is invalid: patch: Invalid value: \"map[metadata:map[annotations:map[a:{\\\"x\\\":1}\\n]] spec:map[foo:bar]]\": strict decoding error: unknown field \"spec\""
        );
    }

    #[test]
    fn kinds_without_schema_pass() {
        let is = kinds::by_kind("ImageStream").unwrap();
        let mut o = json!({"spec": {"whatever": 1}});
        assert!(
            check(is, &mut o, FieldValidation::Strict, Body::Object)
                .unwrap()
                .is_empty()
        );
        assert_eq!(o["spec"]["whatever"], 1);
    }
}
