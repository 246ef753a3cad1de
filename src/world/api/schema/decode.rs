//! Decoding a request body into its kind's schema as kube-apiserver 1.32 does: Go's
//! `encoding/json` in the `sigs.k8s.io/json` fork (case-sensitive field names, unknown fields
//! collected as strict errors with `spec.containers[0].envFrom[0].name` paths), plus the
//! `UnmarshalJSON` of apimachinery's own types (IntOrString, Quantity, Time, RawExtension).
//!
//! What Go's decoder does, restated:
//! - a value of the wrong JSON kind is a type error, saved (only the first is kept) while
//!   decoding goes on: `json: cannot unmarshal string into Go struct field
//!   DeploymentSpec.spec.replicas of type int32` (the innermost struct holding the field, then
//!   the JSON names from the root without list indices or map keys);
//! - an error returned by a type's own `UnmarshalJSON` stops decoding at once and wins over a
//!   saved one (IntOrString given a bool, a malformed Quantity);
//! - `null` is accepted everywhere (it leaves the Go zero value);
//! - unknown fields are collected in document order (kubectl sends maps with sorted keys, and
//!   kubelab's objects keep them sorted), deduplicated, at most 100, and reported only if there
//!   was no error; they are dropped from the object (the apiserver never stores them).

use serde_json::{Map, Value};

use super::shape::{Shape, go_bare_name, go_type, named_go_type, shape};

/// At most this many unknown fields are reported (sigs.k8s.io/json's bound).
const MAX_UNKNOWN: usize = 100;

/// What decoding found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// Unknown fields' paths, in document order.
    pub unknown: Vec<String>,
    /// The decoding error (`json: cannot unmarshal ...`, a quantity's syntax error, ...).
    pub error: Option<String>,
}

/// Decodes `obj` as an instance of the definition `definition`, dropping unknown fields from it.
/// A definition kubelab does not have decodes as anything goes (nothing found).
pub fn decode(definition: &str, obj: &mut Value) -> Decoded {
    decode_as(definition, obj, false)
}

/// Like [`decode`], but with the texts of apimachinery's unstructured converter
/// (`runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation`), which the apiserver
/// uses on the result of a strategic merge patch: the first type problem stops it (`cannot
/// convert string to int32`, `cannot restore struct from: string`), and apimachinery's own
/// types' errors come without a field context.
pub fn decode_patched(definition: &str, obj: &mut Value) -> Decoded {
    decode_as(definition, obj, true)
}

/// How kubectl's resource builder decodes an object's `metadata` before anything is sent
/// (client-go's unstructured decoding reads it as an `ObjectMeta`): the first type error, e.g.
/// `json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.name of type string`.
/// A `metadata` that is not an object is left to the server.
pub fn decode_object_meta(obj: &Value) -> Option<String> {
    let meta = obj.get("metadata").filter(|m| m.is_object())?;
    let node = serde_json::json!({
        "type": "object",
        "properties": {
            "metadata": { "$ref": "#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" }
        }
    });
    let mut value = serde_json::json!({ "metadata": meta.clone() });
    let mut d = Decoder::default();
    let mut path = String::new();
    let _ = d.value(&node, &mut value, &mut path, 0, None);
    d.hard.or(d.saved)
}

fn decode_as(definition: &str, obj: &mut Value, converter: bool) -> Decoded {
    let node = serde_json::json!({ "$ref": format!("#/$defs/{definition}") });
    let mut d = Decoder {
        converter,
        ..Decoder::default()
    };
    let mut path = String::new();
    let _ = d.value(&node, obj, &mut path, 0, None);
    Decoded {
        unknown: d.unknown,
        error: d.hard.or(d.saved),
    }
}

/// Go's `errorContext`: the innermost struct and the JSON names from the root.
#[derive(Default)]
struct Decoder {
    converter: bool,
    struct_name: Option<String>,
    fields: Vec<String>,
    saved: Option<String>,
    hard: Option<String>,
    unknown: Vec<String>,
}

/// Returned when a type's own decoder failed: decoding stops.
struct Stop;

/// How deep objects may nest before kubelab stops looking (objects are bounded by the
/// budget; this only keeps the recursion bounded).
const MAX_DEPTH: usize = 200;

impl Decoder {
    /// `json: cannot unmarshal <what> into Go struct field S.a.b of type T` (or `Go value`
    /// outside any struct field).
    fn type_error(&self, what: &str, go_type: &str) -> String {
        match &self.struct_name {
            Some(s) if !self.fields.is_empty() => format!(
                "json: cannot unmarshal {what} into Go struct field {s}.{} of type {go_type}",
                self.fields.join(".")
            ),
            _ => format!("json: cannot unmarshal {what} into Go value of type {go_type}"),
        }
    }

    /// A value of the wrong kind for `node`: Go's decoder saves a type error and goes on; the
    /// converter stops with its own text.
    fn mismatch(&mut self, node: &Value, value: &Value, target: &str) -> Result<(), Stop> {
        if !self.converter {
            let e = self.type_error(kind_of(value), target);
            self.save(e);
            return Ok(());
        }
        let (go, kind) = unstructured_type(value);
        let e = match shape(node) {
            Shape::Struct { .. } => format!("cannot restore struct from: {kind}"),
            Shape::Map(_) => format!("cannot restore map from {kind}"),
            Shape::Array(_) | Shape::Bytes => format!("cannot restore slice from {kind}"),
            _ => format!("cannot convert {go} to {target}"),
        };
        self.stop(e)
    }

    /// An error of one of apimachinery's types' `UnmarshalJSON`: with Go's field context when
    /// decoding JSON, without when the converter calls it directly.
    fn custom_error(&mut self, what: &str, target: &str) -> Result<(), Stop> {
        let e = if self.converter {
            format!("json: cannot unmarshal {what} into Go value of type {target}")
        } else {
            self.type_error(what, target)
        };
        self.stop(e)
    }

    fn save(&mut self, message: String) {
        if self.saved.is_none() {
            self.saved = Some(message);
        }
    }

    fn stop(&mut self, message: String) -> Result<(), Stop> {
        self.hard = Some(message);
        Err(Stop)
    }

    fn value(
        &mut self,
        node: &Value,
        value: &mut Value,
        path: &mut String,
        depth: usize,
        named: Option<&str>,
    ) -> Result<(), Stop> {
        if value.is_null() || depth > MAX_DEPTH {
            return Ok(());
        }
        let sh = shape(node);
        // The field's Go type when upstream names it (`v1.ResourceList`), else the schema's
        // (worked out only for an error).
        let target = || named.map_or_else(|| go_type(node, 0), str::to_string);
        let elem_named = named.and_then(|n| n.strip_prefix("[]"));
        match sh {
            Shape::Any => Ok(()),
            Shape::Struct { name, properties } => match value {
                Value::Object(map) => self.object(name, properties, map, path, depth),
                other => self.mismatch(node, other, &target()),
            },
            Shape::Map(elem) => match value {
                Value::Object(map) => {
                    for (key, v) in map.iter_mut() {
                        let len = path.len();
                        if !path.is_empty() {
                            path.push('.');
                        }
                        path.push_str(key);
                        let r = self.value(elem, v, path, depth + 1, None);
                        path.truncate(len);
                        r?;
                    }
                    Ok(())
                }
                other => self.mismatch(node, other, &target()),
            },
            Shape::Array(elem) => match value {
                Value::Array(items) => {
                    for (i, v) in items.iter_mut().enumerate() {
                        let len = path.len();
                        path.push_str(&format!("[{i}]"));
                        let r = self.value(elem, v, path, depth + 1, elem_named);
                        path.truncate(len);
                        r?;
                    }
                    Ok(())
                }
                other => self.mismatch(node, other, &target()),
            },
            Shape::String if !value.is_string() => self.mismatch(node, value, &target()),
            Shape::Bool if !value.is_boolean() => self.mismatch(node, value, &target()),
            Shape::Float64 if !value.is_number() => self.mismatch(node, value, &target()),
            Shape::String | Shape::Bool | Shape::Float64 => Ok(()),
            Shape::Int32 | Shape::Int64 => {
                let is32 = matches!(sh, Shape::Int32);
                if self.converter {
                    // The converter converts any integer (no range check) and integral floats.
                    if value.as_f64().is_some_and(|f| f.fract() == 0.0) {
                        Ok(())
                    } else {
                        self.mismatch(node, value, &target())
                    }
                } else {
                    if let Some(what) = int_mismatch(value, is32) {
                        let e = self.type_error(&what, &target());
                        self.save(e);
                    }
                    Ok(())
                }
            }
            Shape::Bytes => match value {
                Value::String(s) => {
                    if let Err(at) = crate::world::api::go_base64::decode(s) {
                        self.save(crate::world::api::go_base64::error_text(at));
                    }
                    Ok(())
                }
                other => self.mismatch(node, other, "[]uint8"),
            },
            // `IntOrString.UnmarshalJSON`: a string, else `json.Unmarshal` into an int32.
            Shape::IntOrString => {
                if value.is_string() {
                    return Ok(());
                }
                match int_mismatch(value, true) {
                    Some(what) => self.custom_error(&what, "int32"),
                    None => Ok(()),
                }
            }
            // `Quantity.UnmarshalJSON`: the text (unquoted if a string) through ParseQuantity.
            Shape::Quantity => {
                let text = match value {
                    Value::String(s) => s.trim().to_string(),
                    Value::Number(n) => go_number(n),
                    Value::Bool(b) => b.to_string(),
                    other => serde_json::to_string(other).unwrap_or_default(),
                };
                match crate::world::api::quantity::Quantity::parse(&text) {
                    Ok(_) => Ok(()),
                    Err(e) => self.stop(e.to_string()),
                }
            }
            // `Time.UnmarshalJSON`: `json.Unmarshal` into a string first.
            Shape::Time => {
                if value.is_string() {
                    Ok(())
                } else {
                    self.custom_error(kind_of(value), "string")
                }
            }
        }
    }

    fn object(
        &mut self,
        name: &str,
        properties: Option<&Map<String, Value>>,
        map: &mut Map<String, Value>,
        path: &mut String,
        depth: usize,
    ) -> Result<(), Stop> {
        let mut unknown_keys = Vec::new();
        for (key, v) in map.iter_mut() {
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key);
            match properties.and_then(|p| p.get(key)) {
                Some(node) => {
                    let saved_struct = self.struct_name.replace(go_bare_name(name).to_string());
                    self.fields.push(key.clone());
                    let r = self.value(node, v, path, depth + 1, named_go_type(name, key));
                    self.fields.pop();
                    self.struct_name = saved_struct;
                    if r.is_err() {
                        path.truncate(len);
                        return r;
                    }
                }
                None => {
                    if self.unknown.len() < MAX_UNKNOWN && !self.unknown.contains(path) {
                        self.unknown.push(path.clone());
                    }
                    unknown_keys.push(key.clone());
                }
            }
            path.truncate(len);
        }
        for k in unknown_keys {
            map.remove(&k);
        }
        Ok(())
    }
}

/// Go's name for the JSON kind of a value in `cannot unmarshal <kind>`.
fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The Go type and `reflect.Kind` of a value in an unstructured object (apimachinery's
/// `util/json`: integers are int64, other numbers float64).
fn unstructured_type(v: &Value) -> (&'static str, &'static str) {
    match v {
        Value::Null => ("<nil>", "invalid"),
        Value::Bool(_) => ("bool", "bool"),
        Value::Number(n) if n.is_i64() => ("int64", "int64"),
        Value::Number(_) => ("float64", "float64"),
        Value::String(_) => ("string", "string"),
        Value::Array(_) => ("[]interface {}", "slice"),
        Value::Object(_) => ("map[string]interface {}", "map"),
    }
}

/// Why a value does not decode into a Go integer: `string`, `bool`, ..., or `number 1.5` for a
/// number that is not an integer of the field's size (Go quotes the literal then).
fn int_mismatch(v: &Value, is32: bool) -> Option<String> {
    match v {
        Value::Number(n) => {
            let fits = match n.as_i64() {
                Some(i) => !is32 || i32::try_from(i).is_ok(),
                None => false,
            };
            (!fits).then(|| format!("number {}", go_number(n)))
        }
        other => Some(kind_of(other).to_string()),
    }
}

/// A number as kubectl's JSON encoder wrote it (Go's `encoding/json` float format: plain
/// decimal below 1e21 and above 1e-6, else exponent form such as `1e+21`).
pub fn go_number(n: &serde_json::Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = format!("{f:e}");
        match s.split_once('e') {
            Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e}"),
            _ => s,
        }
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(def: &str, mut v: Value) -> (Decoded, Value) {
        let d = decode(def, &mut v);
        (d, v)
    }

    #[test]
    fn unknown_fields_in_document_order_with_indices() {
        let (d, v) = run(
            "io.k8s.api.core.v1.Pod",
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "foo": 1},
                   "spec": {"containers": [{"name": "c", "image": "i",
                     "envFrom": [{"configMapRef": null, "name": "app-config"}]}]}}),
        );
        assert_eq!(d.error, None);
        assert_eq!(
            d.unknown,
            vec!["metadata.foo", "spec.containers[0].envFrom[0].name"]
        );
        assert_eq!(
            v["spec"]["containers"][0]["envFrom"][0],
            json!({"configMapRef": null})
        );
        assert_eq!(v["metadata"], json!({"name": "p"}));
    }

    #[test]
    fn type_errors_name_the_struct_and_json_path() {
        let (d, _) = run(
            "io.k8s.api.apps.v1.Deployment",
            json!({"spec": {"replicas": "three", "foo": 1}}),
        );
        assert_eq!(
            d.error.as_deref(),
            Some(
                "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"
            )
        );
        let (d, _) = run(
            "io.k8s.api.apps.v1.Deployment",
            json!({"metadata": {"labels": [1, 2]}}),
        );
        assert_eq!(
            d.error.as_deref(),
            Some(
                "json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string"
            )
        );
        let (d, _) = run(
            "io.k8s.api.apps.v1.Deployment",
            json!({"spec": {"template": {"metadata": {"labels": {"a": 1}}}}}),
        );
        assert_eq!(
            d.error.as_deref(),
            Some(
                "json: cannot unmarshal number into Go struct field ObjectMeta.spec.template.metadata.labels of type string"
            )
        );
        let (d, _) = run(
            "io.k8s.api.core.v1.Pod",
            json!({"spec": {"containers": [{"name": "c", "image": 5}]}}),
        );
        assert_eq!(
            d.error.as_deref(),
            Some(
                "json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string"
            )
        );
        let (d, _) = run(
            "io.k8s.api.apps.v1.Deployment",
            json!({"spec": {"replicas": 1.5}}),
        );
        assert_eq!(
            d.error.as_deref(),
            Some(
                "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32"
            )
        );
        let (d, _) = run(
            "io.k8s.api.core.v1.Pod",
            json!({"metadata": {"name": false}}),
        );
        assert_eq!(
            d.error.as_deref(),
            Some(
                "json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.name of type string"
            )
        );
    }

    #[test]
    fn upstream_named_types() {
        let (d, _) = run(
            "io.k8s.api.core.v1.Pod",
            json!({"spec": {"containers": [{"name": "c", "resources": {"limits": [1]}, "ports": [{"containerPort": 80, "protocol": 6}]}]}}),
        );
        assert_eq!(
            d.error.as_deref(),
            Some(
                "json: cannot unmarshal number into Go struct field ContainerPort.spec.containers.ports.protocol of type v1.Protocol"
            )
        );
        let (d, _) = run(
            "io.k8s.api.core.v1.PersistentVolumeClaim",
            json!({"spec": {"accessModes": [true], "resources": {"requests": "1Gi"}}}),
        );
        assert_eq!(
            d.error.as_deref(),
            Some(
                "json: cannot unmarshal bool into Go struct field PersistentVolumeClaimSpec.spec.accessModes of type v1.PersistentVolumeAccessMode"
            )
        );
        let (d, _) = run(
            "io.k8s.api.core.v1.PersistentVolumeClaim",
            json!({"spec": {"resources": {"requests": "1Gi"}}}),
        );
        assert_eq!(
            d.error.as_deref(),
            Some(
                "json: cannot unmarshal string into Go struct field VolumeResourceRequirements.spec.resources.requests of type v1.ResourceList"
            )
        );
    }

    #[test]
    fn custom_decoders() {
        let (d, _) = run(
            "io.k8s.api.core.v1.Pod",
            json!({"spec": {"containers": [{"name": "c", "resources": {"limits": {"memory": "1Gb"}}}]}}),
        );
        assert_eq!(
            d.error.as_deref(),
            Some(
                "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
            )
        );
        let (d, _) = run(
            "io.k8s.api.apps.v1.Deployment",
            json!({"spec": {"strategy": {"rollingUpdate": {"maxSurge": true}}}}),
        );
        assert_eq!(
            d.error.as_deref(),
            Some(
                "json: cannot unmarshal bool into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32"
            )
        );
        let (d, _) = run(
            "io.k8s.api.apps.v1.Deployment",
            json!({"spec": {"strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}}}}),
        );
        assert_eq!(d, Decoded::default());
    }

    #[test]
    fn type_errors_win_over_unknown_fields_and_null_is_fine() {
        let (d, _) = run(
            "io.k8s.api.apps.v1.Deployment",
            json!({"foo": 1, "spec": {"replicas": "x"}}),
        );
        assert!(d.error.is_some());
        let (d, _) = run(
            "io.k8s.api.apps.v1.Deployment",
            json!({"spec": {"replicas": null, "selector": null}}),
        );
        assert_eq!(d, Decoded::default());
    }

    #[test]
    fn converter_texts_for_patches() {
        let conv = |v: Value| {
            let mut v = v;
            decode_patched("io.k8s.api.apps.v1.Deployment", &mut v).error
        };
        assert_eq!(
            conv(json!({"spec": {"replicas": "x"}})).as_deref(),
            Some("cannot convert string to int32")
        );
        assert_eq!(
            conv(json!({"spec": "x"})).as_deref(),
            Some("cannot restore struct from: string")
        );
        assert_eq!(
            conv(json!({"metadata": {"labels": [1]}})).as_deref(),
            Some("cannot restore map from slice")
        );
        assert_eq!(
            conv(json!({"spec": {"strategy": {"rollingUpdate": {"maxSurge": true}}}})).as_deref(),
            Some("json: cannot unmarshal bool into Go value of type int32")
        );
        assert_eq!(conv(json!({"spec": {"replicas": 3.0, "foo": 1}})), None);
    }

    #[test]
    fn go_number_spelling() {
        let n = |f: f64| go_number(&serde_json::Number::from_f64(f).unwrap());
        assert_eq!(n(1.5), "1.5");
        assert_eq!(n(1e21), "1e+21");
        assert_eq!(n(1.5e-7), "1.5e-7");
    }
}
