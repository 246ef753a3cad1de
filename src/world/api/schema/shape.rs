//! What a schema node means for a value: a struct with known fields, a map, a list, a scalar of
//! some Go type, or one of apimachinery's types with their own JSON decoding (IntOrString,
//! Quantity, Time, RawExtension). Resolves `$ref`s and the `[T, "null"]` type lists of the
//! shipped documents. Meant for every reader of the schema: the strict decoder, and later
//! `kubectl explain` (descriptions, field lists, Go-ish type names).

use serde_json::{Map, Value};

use super::documents;

/// The meaning of one schema node.
#[derive(Debug, Clone, Copy)]
pub enum Shape<'a> {
    /// A Go struct: its definition name and its properties (`None` = no `properties`).
    Struct {
        name: &'a str,
        properties: Option<&'a Map<String, Value>>,
    },
    /// `map[string]T` (`additionalProperties`).
    Map(&'a Value),
    /// `[]T` (`items`).
    Array(&'a Value),
    /// A JSON string.
    String,
    /// A base64 string (`format: byte`, Go `[]byte`).
    Bytes,
    /// A 32-bit integer.
    Int32,
    /// A 64-bit integer.
    Int64,
    /// A floating-point number.
    Float64,
    /// A boolean.
    Bool,
    /// `intstr.IntOrString`: a string or an integer.
    IntOrString,
    /// `resource.Quantity`: a string or a number in quantity syntax.
    Quantity,
    /// `metav1.Time` / `metav1.MicroTime`: a string (RFC 3339) or null.
    Time,
    /// Anything goes: `runtime.RawExtension`, `FieldsV1`, free-form objects, nodes without a type,
    /// `x-kubernetes-preserve-unknown-fields`.
    Any,
}

/// The definition name a `$ref` points at (`#/$defs/NAME` or `#/components/schemas/NAME` or
/// `#/definitions/NAME`).
pub fn ref_name(node: &Value) -> Option<&str> {
    node.get("$ref")?.as_str()?.rsplit('/').next()
}

/// The first non-null entry of `type` (a string or a list such as `["integer", "null"]`).
fn type_of(node: &Value) -> Option<&str> {
    match node.get("type")? {
        Value::String(s) => Some(s),
        Value::Array(list) => list.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ => None,
    }
}

/// Resolves a node to its shape, following `$ref`s (and a one-member `allOf`, the OpenAPI v3
/// spelling of a described reference). Unresolvable references are `Any`: kubelab never
/// rejects what it cannot check.
pub fn shape(node: &Value) -> Shape<'_> {
    let mut node = node;
    let mut name: Option<&str> = None;
    // Bounded: a chain of references between definitions that are not objects.
    for _ in 0..8 {
        if let Some(r) = ref_name(node).or_else(|| {
            node.get("allOf")
                .and_then(Value::as_array)
                .filter(|a| a.len() == 1)
                .and_then(|a| ref_name(&a[0]))
        }) {
            match special(r) {
                Some(s) => return s,
                None => match documents::definition(r) {
                    Some(def) => {
                        name = Some(r);
                        node = def;
                        continue;
                    }
                    None => return Shape::Any,
                },
            }
        }
        break;
    }
    if node
        .get("x-kubernetes-int-or-string")
        .and_then(Value::as_bool)
        == Some(true)
    {
        return Shape::IntOrString;
    }
    if node
        .get("x-kubernetes-preserve-unknown-fields")
        .and_then(Value::as_bool)
        == Some(true)
    {
        return Shape::Any;
    }
    let format = node.get("format").and_then(Value::as_str);
    match type_of(node) {
        Some("object") => {
            if let Some(props) = node.get("properties").and_then(Value::as_object) {
                Shape::Struct {
                    name: name.unwrap_or(""),
                    properties: Some(props),
                }
            } else if let Some(elem) = node.get("additionalProperties").filter(|a| a.is_object()) {
                Shape::Map(elem)
            } else if let Some(name) = name {
                Shape::Struct {
                    name,
                    properties: None,
                }
            } else {
                Shape::Any
            }
        }
        Some("array") => match node.get("items") {
            Some(items) => Shape::Array(items),
            None => Shape::Any,
        },
        Some("string") if format == Some("byte") => Shape::Bytes,
        Some("string") if format == Some("int-or-string") => Shape::IntOrString,
        Some("string") => Shape::String,
        Some("integer") if format == Some("int32") => Shape::Int32,
        Some("integer") => Shape::Int64,
        Some("number") => Shape::Float64,
        Some("boolean") => Shape::Bool,
        _ => Shape::Any,
    }
}

/// apimachinery's types that decode themselves (`UnmarshalJSON`).
fn special(name: &str) -> Option<Shape<'static>> {
    Some(match name {
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString" => Shape::IntOrString,
        "io.k8s.apimachinery.pkg.api.resource.Quantity" => Shape::Quantity,
        "io.k8s.apimachinery.pkg.apis.meta.v1.Time"
        | "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime" => Shape::Time,
        "io.k8s.apimachinery.pkg.runtime.RawExtension"
        | "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1"
        | "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON"
        | "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray"
        | "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool"
        | "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray" => {
            Shape::Any
        }
        _ => return None,
    })
}

/// The Go type of a definition as `reflect.Type.String()` prints it: `v1.PodSpec`,
/// `v1.ObjectMeta` (the last element of the package path, then the type name).
pub fn go_struct_name(definition: &str) -> String {
    let mut parts = definition.rsplitn(3, '.');
    let ty = parts.next().unwrap_or("");
    match parts.next() {
        Some(pkg) => format!("{pkg}.{ty}"),
        None => ty.to_string(),
    }
}

/// The Go type upstream declares for a field when it is a named type the OpenAPI documents
/// do not name (`type Protocol string`, `type ResourceList map[ResourceName]resource.Quantity`):
/// the common ones of the kinds kubelab serves, from k8s.io/api's `types.go`.
pub fn named_go_type(definition: &str, field: &str) -> Option<&'static str> {
    Some(match (definition.strip_prefix("io.k8s.api.")?, field) {
        (
            "core.v1.ResourceRequirements" | "core.v1.VolumeResourceRequirements",
            "limits" | "requests",
        ) => "v1.ResourceList",
        ("core.v1.NodeStatus", "capacity" | "allocatable") => "v1.ResourceList",
        ("core.v1.Container", "imagePullPolicy") => "v1.PullPolicy",
        ("core.v1.Container", "terminationMessagePolicy") => "v1.TerminationMessagePolicy",
        ("core.v1.PodSpec", "restartPolicy") => "v1.RestartPolicy",
        ("core.v1.PodSpec", "dnsPolicy") => "v1.DNSPolicy",
        ("core.v1.ContainerPort" | "core.v1.ServicePort", "protocol") => "v1.Protocol",
        ("core.v1.ServiceSpec", "type") => "v1.ServiceType",
        ("core.v1.Secret", "type") => "v1.SecretType",
        ("core.v1.PersistentVolumeClaimSpec" | "core.v1.PersistentVolumeSpec", "accessModes") => {
            "[]v1.PersistentVolumeAccessMode"
        }
        ("core.v1.PersistentVolumeSpec", "persistentVolumeReclaimPolicy") => {
            "v1.PersistentVolumeReclaimPolicy"
        }
        ("apps.v1.DeploymentStrategy", "type") => "v1.DeploymentStrategyType",
        _ => return None,
    })
}

/// The bare Go type name of a definition (`PodSpec`): what Go's decoder names the struct
/// holding a field in its errors.
pub fn go_bare_name(definition: &str) -> &str {
    definition.rsplit('.').next().unwrap_or(definition)
}

/// The Go type a node decodes into, as Go's JSON errors print it (`int32`, `[]v1.Container`,
/// `map[string]string`, `v1.PodSpec`). Upstream's named string and map types are not in the
/// OpenAPI documents: [`named_go_type`] knows the common ones, others print as their
/// underlying types.
pub fn go_type(node: &Value, depth: usize) -> String {
    if depth > 16 {
        return "interface {}".into();
    }
    match shape(node) {
        Shape::Struct { name, .. } if !name.is_empty() => go_struct_name(name),
        Shape::Struct { .. } | Shape::Any => "map[string]interface {}".into(),
        Shape::Map(elem) => format!("map[string]{}", go_type(elem, depth + 1)),
        Shape::Array(elem) => format!("[]{}", go_type(elem, depth + 1)),
        Shape::String => "string".into(),
        Shape::Bytes => "[]uint8".into(),
        Shape::Int32 => "int32".into(),
        Shape::Int64 => "int64".into(),
        Shape::Float64 => "float64".into(),
        Shape::Bool => "bool".into(),
        Shape::IntOrString => "intstr.IntOrString".into(),
        Shape::Quantity => "resource.Quantity".into(),
        Shape::Time => "v1.Time".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn prop(def: &str, field: &str) -> &'static Value {
        documents::definition(def)
            .and_then(|d| d.get("properties"))
            .and_then(|p| p.get(field))
            .unwrap_or_else(|| panic!("{def}.{field}"))
    }

    #[test]
    fn shapes_of_well_known_fields() {
        let replicas = prop("io.k8s.api.apps.v1.DeploymentSpec", "replicas");
        assert!(matches!(shape(replicas), Shape::Int32));
        let labels = prop("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "labels");
        assert_eq!(go_type(labels, 0), "map[string]string");
        let containers = prop("io.k8s.api.core.v1.PodSpec", "containers");
        assert_eq!(go_type(containers, 0), "[]v1.Container");
        let spec = prop("io.k8s.api.apps.v1.Deployment", "spec");
        assert_eq!(go_type(spec, 0), "v1.DeploymentSpec");
        let max_surge = prop("io.k8s.api.apps.v1.RollingUpdateDeployment", "maxSurge");
        assert!(matches!(shape(max_surge), Shape::IntOrString));
        let data = prop("io.k8s.api.core.v1.Secret", "data");
        assert_eq!(go_type(data, 0), "map[string][]uint8");
        let ts = prop(
            "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "creationTimestamp",
        );
        assert!(matches!(shape(ts), Shape::Time));
        assert!(matches!(
            shape(&json!({"$ref": "#/$defs/io.k8s.nothing.Here"})),
            Shape::Any
        ));
        assert!(matches!(
            shape(&json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true})),
            Shape::Any
        ));
    }

    #[test]
    fn go_names() {
        assert_eq!(go_struct_name("io.k8s.api.core.v1.PodSpec"), "v1.PodSpec");
        assert_eq!(go_bare_name("io.k8s.api.core.v1.PodSpec"), "PodSpec");
    }
}
