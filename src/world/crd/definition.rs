//! The CustomResourceDefinition itself: its defaults (`apiextensions v1 SetDefaults_*`), its
//! validation with upstream's field paths and messages
//! (`pkg/apis/apiextensions/validation/validation.go`, `pkg/apiserver/schema/validation.go`
//! for structural schemas) and the status the naming and establishing controllers write.

use serde_json::{Value, json};

use crate::world::api::error::{FieldCause, cause};
use crate::world::api::gocmp::quote;
use crate::world::api::meta;
use crate::world::api::validation::{dns1035_label, dns1123_subdomain};

const MAX_DEPTH: usize = 64;

/// `SetDefaults_CustomResourceDefinition`: singular and listKind from kind, conversion
/// strategy `None`, the storage version in `status.storedVersions`.
pub fn apply_defaults(obj: &mut Value) {
    let kind = meta::str_at(obj, &["spec", "names", "kind"]).map(str::to_string);
    if let Some(kind) = kind {
        if meta::str_at(obj, &["spec", "names", "singular"]).is_none_or(str::is_empty) {
            meta::set_path(
                obj,
                &["spec", "names", "singular"],
                json!(kind.to_lowercase()),
            );
        }
        if meta::str_at(obj, &["spec", "names", "listKind"]).is_none_or(str::is_empty)
            && !kind.is_empty()
        {
            meta::set_path(
                obj,
                &["spec", "names", "listKind"],
                json!(format!("{kind}List")),
            );
        }
    }
    if meta::path(obj, &["spec", "conversion"]).is_none_or(Value::is_null)
        && obj.get("spec").is_some()
    {
        meta::set_path(obj, &["spec", "conversion"], json!({"strategy": "None"}));
    }
    let stored_empty = meta::path(obj, &["status", "storedVersions"])
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty);
    if stored_empty
        && let Some(v) = versions(obj)
            .iter()
            .find(|v| meta::bool_at(v, &["storage"]) == Some(true))
            .and_then(|v| meta::str_at(v, &["name"]))
    {
        meta::set_path(obj, &["status", "storedVersions"], json!([v]));
    }
}

fn versions(obj: &Value) -> &[Value] {
    meta::path(obj, &["spec", "versions"])
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn s<'a>(obj: &'a Value, keys: &[&str]) -> &'a str {
    meta::str_at(obj, keys).unwrap_or("")
}

/// `ValidateCustomResourceDefinition` for the common cases (`update`: the spec checks of
/// `ValidateCustomResourceDefinitionUpdate`, without the name rule of a create).
pub fn validate(obj: &Value, update: bool) -> Vec<FieldCause> {
    let mut errs = Vec::new();
    let name = meta::name(obj);
    let plural = s(obj, &["spec", "names", "plural"]);
    let group = s(obj, &["spec", "group"]);
    // (an empty or malformed name is reported by the checks every kind gets)
    if !update && !name.is_empty() && name != format!("{plural}.{group}") {
        errs.push(cause(
            "metadata.name",
            format!(
                "Invalid value: {}: must be spec.names.plural+\".\"+spec.group",
                quote(name)
            ),
        ));
    }
    // spec
    if group.is_empty() {
        errs.push(cause("spec.group", "Required value"));
    } else {
        let msgs = dns1123_subdomain(group);
        if !msgs.is_empty() {
            errs.push(cause(
                "spec.group",
                format!("Invalid value: {}: {}", quote(group), msgs.join(",")),
            ));
        } else if group.split('.').count() < 2 {
            errs.push(cause(
                "spec.group",
                format!(
                    "Invalid value: {}: should be a domain with at least one dot",
                    quote(group)
                ),
            ));
        }
    }
    match s(obj, &["spec", "scope"]) {
        "" => errs.push(cause("spec.scope", "Required value")),
        "Cluster" | "Namespaced" => {}
        other => errs.push(cause(
            "spec.scope",
            format!(
                "Unsupported value: {}: supported values: \"Cluster\", \"Namespaced\"",
                quote(other)
            ),
        )),
    }
    let vs = versions(obj);
    for (i, v) in vs.iter().enumerate() {
        if meta::path(v, &["schema", "openAPIV3Schema"]).is_none_or(Value::is_null) {
            errs.push(cause(
                format!("spec.versions[{i}].schema.openAPIV3Schema"),
                "Required value: schemas are required",
            ));
        }
    }
    let mut storage = 0;
    let mut seen: Vec<&str> = Vec::new();
    let mut unique = true;
    for (i, v) in vs.iter().enumerate() {
        if meta::bool_at(v, &["storage"]) == Some(true) {
            storage += 1;
        }
        let vname = s(v, &["name"]);
        if seen.contains(&vname) {
            unique = false;
        }
        seen.push(vname);
        let msgs = dns1035_label(vname);
        if !msgs.is_empty() {
            errs.push(cause(
                format!("spec.versions[{i}].name"),
                format!("Invalid value: {}: {}", quote(vname), msgs.join(",")),
            ));
        }
        errs.extend(validate_version(v, &format!("spec.versions[{i}]")));
    }
    if !unique {
        errs.push(cause(
            "spec.versions",
            format!(
                "Invalid value: {}: must contain unique version names",
                versions_value(vs)
            ),
        ));
    }
    if storage != 1 {
        errs.push(cause(
            "spec.versions",
            format!(
                "Invalid value: {}: must have exactly one version marked as storage version",
                versions_value(vs)
            ),
        ));
    }
    for (field, key) in [
        ("plural", "plural"),
        ("singular", "singular"),
        ("kind", "kind"),
        ("listKind", "listKind"),
    ] {
        if s(obj, &["spec", "names", key]).is_empty() {
            errs.push(cause(format!("spec.names.{field}"), "Required value"));
        }
    }
    errs.extend(validate_names(obj));
    errs
}

/// The `%#v` of `spec.versions` in the internal Go types. Only the empty list has a fixed
/// spelling; a filled one is a dump of Go structs with pointer addresses that differ on every
/// run of the real server, which kubelab says plainly it does not print.
fn versions_value(vs: &[Value]) -> String {
    if vs.is_empty() {
        "[]apiextensions.CustomResourceDefinitionVersion(nil)".into()
    } else {
        "<kubelab does not print Go's dump of spec.versions>".into()
    }
}

fn validate_names(obj: &Value) -> Vec<FieldCause> {
    let mut errs = Vec::new();
    let names = meta::path(obj, &["spec", "names"])
        .cloned()
        .unwrap_or(Value::Null);
    for key in ["plural", "singular"] {
        let v = s(&names, &[key]);
        if v.is_empty() {
            continue;
        }
        let msgs = dns1035_label(v);
        if !msgs.is_empty() {
            errs.push(cause(
                format!("spec.names.{key}"),
                format!("Invalid value: {}: {}", quote(v), msgs.join(",")),
            ));
        }
    }
    for key in ["kind", "listKind"] {
        let v = s(&names, &[key]);
        if v.is_empty() {
            continue;
        }
        let msgs = dns1035_label(&v.to_lowercase());
        if !msgs.is_empty() {
            errs.push(cause(
                format!("spec.names.{key}"),
                format!(
                    "Invalid value: {}: may have mixed case, but should otherwise match: {}",
                    quote(v),
                    msgs.join(",")
                ),
            ));
        }
    }
    if let Some(shorts) = names.get("shortNames").and_then(Value::as_array) {
        for (i, sn) in shorts.iter().enumerate() {
            let v = sn.as_str().unwrap_or("");
            let msgs = dns1035_label(v);
            if !msgs.is_empty() {
                errs.push(cause(
                    format!("spec.names.shortNames[{i}]"),
                    format!("Invalid value: {}: {}", quote(v), msgs.join(",")),
                ));
            }
        }
    }
    let kind = s(&names, &["kind"]);
    if !kind.is_empty() && kind == s(&names, &["listKind"]) {
        errs.push(cause(
            "spec.names.listKind",
            format!(
                "Invalid value: {}: kind and listKind may not be the same",
                quote(kind)
            ),
        ));
    }
    errs
}

const COLUMN_TYPES: &[&str] = &["boolean", "date", "integer", "number", "string"];

fn validate_version(v: &Value, path: &str) -> Vec<FieldCause> {
    let mut errs = Vec::new();
    if let Some(schema) = meta::path(v, &["schema", "openAPIV3Schema"]).filter(|s| !s.is_null()) {
        let base = format!("{path}.schema.openAPIV3Schema");
        let status = meta::path(v, &["subresources", "status"]).is_some();
        if status && !matches!(types(schema), "object") {
            errs.push(cause(
                format!("{base}.type"),
                format!(
                    "Invalid value: {}: only \"object\" is allowed as the type at the root of the schema if the status subresource is enabled",
                    quote(types(schema))
                ),
            ));
        }
        let mut structural = Vec::new();
        structural_at(schema, &base, Level::Root, &mut structural, 0);
        structural.sort_by_key(|c| format!("{}: {}", c.field, c.detail));
        let mut standard = Vec::new();
        standard_at(schema, &base, &mut standard, 0);
        errs.extend(structural);
        errs.extend(standard);
    }
    if let Some(cols) = v.get("additionalPrinterColumns").and_then(Value::as_array) {
        for (i, c) in cols.iter().enumerate() {
            let p = format!("{path}.additionalPrinterColumns[{i}]");
            if s(c, &["name"]).is_empty() {
                errs.push(cause(format!("{p}.name"), "Required value"));
            }
            let t = s(c, &["type"]);
            if t.is_empty() {
                errs.push(cause(
                    format!("{p}.type"),
                    format!("Required value: must be one of {}", COLUMN_TYPES.join(",")),
                ));
            } else if !COLUMN_TYPES.contains(&t) {
                errs.push(cause(
                    format!("{p}.type"),
                    format!(
                        "Invalid value: {}: must be one of {}",
                        quote(t),
                        COLUMN_TYPES.join(",")
                    ),
                ));
            }
            if s(c, &["jsonPath"]).is_empty() {
                errs.push(cause(format!("{p}.JSONPath"), "Required value"));
            }
        }
    }
    errs
}

fn types(s: &Value) -> &str {
    s.get("type").and_then(Value::as_str).unwrap_or("")
}

fn flag(s: &Value, key: &str) -> bool {
    s.get(key).and_then(Value::as_bool).unwrap_or(false)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Root,
    Item,
    Field,
}

/// `validateStructuralInvariants`, the usual cases.
fn structural_at(s: &Value, path: &str, lvl: Level, out: &mut Vec<FieldCause>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let ty = types(s);
    if ty == "array" && s.get("items").is_none() {
        out.push(cause(
            format!("{path}.items"),
            "Required value: must be specified",
        ));
    }
    if let Some(items) = s.get("items").filter(|i| i.is_object()) {
        structural_at(items, &format!("{path}.items"), Level::Item, out, depth + 1);
    }
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        for (k, p) in props {
            structural_at(
                p,
                &format!("{path}.properties[{k}]"),
                Level::Field,
                out,
                depth + 1,
            );
        }
    }
    if let Some(a) = s.get("additionalProperties") {
        if lvl == Level::Root {
            out.push(cause(
                format!("{path}.additionalProperties"),
                "Forbidden: must not be used at the root",
            ));
        }
        if a.is_object() {
            structural_at(
                a,
                &format!("{path}.additionalProperties"),
                Level::Field,
                out,
                depth + 1,
            );
        }
    }
    let embedded = flag(s, "x-kubernetes-embedded-resource");
    if embedded && ty != "object" {
        if ty.is_empty() {
            out.push(cause(
                format!("{path}.type"),
                "Required value: must be object if x-kubernetes-embedded-resource is true",
            ));
        } else {
            out.push(cause(
                format!("{path}.type"),
                format!(
                    "Invalid value: {}: must be object if x-kubernetes-embedded-resource is true",
                    quote(ty)
                ),
            ));
        }
    } else if ty.is_empty()
        && !flag(s, "x-kubernetes-int-or-string")
        && !flag(s, "x-kubernetes-preserve-unknown-fields")
    {
        let detail = match lvl {
            Level::Root => "must not be empty at the root",
            Level::Item => "must not be empty for specified array items",
            Level::Field => "must not be empty for specified object fields",
        };
        out.push(cause(
            format!("{path}.type"),
            format!("Required value: {detail}"),
        ));
    }
    if lvl == Level::Root && !ty.is_empty() && ty != "object" {
        out.push(cause(
            format!("{path}.type"),
            format!("Invalid value: {}: must be object at the root", quote(ty)),
        ));
    }
}

const OPENAPI_TYPES: &[&str] = &["array", "boolean", "integer", "number", "object", "string"];

/// `specStandardValidatorV3.validate` and the walk of `ValidateCustomResourceDefinitionOpenAPISchema`,
/// the usual cases.
fn standard_at(s: &Value, path: &str, out: &mut Vec<FieldCause>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let ty = types(s);
    if !ty.is_empty() && !OPENAPI_TYPES.contains(&ty) && ty != "null" {
        let supported: Vec<String> = OPENAPI_TYPES.iter().map(|t| quote(t)).collect();
        out.push(cause(
            format!("{path}.type"),
            format!(
                "Unsupported value: {}: supported values: {}",
                quote(ty),
                supported.join(", ")
            ),
        ));
    }
    if s.get("$ref").is_some() {
        out.push(cause(
            format!("{path}.$ref"),
            "Forbidden: $ref is not supported",
        ));
    }
    if ty == "null" {
        out.push(cause(
            format!("{path}.type"),
            "Forbidden: type cannot be set to null, use nullable as an alternative",
        ));
    }
    if flag(s, "uniqueItems") {
        out.push(cause(
            format!("{path}.uniqueItems"),
            "Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic",
        ));
    }
    if let Some(a) = s.get("additionalProperties") {
        let has_props = s
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty());
        if has_props && (a.is_object() || a == &Value::Bool(false)) {
            out.push(cause(
                format!("{path}.additionalProperties"),
                "Forbidden: additionalProperties and properties are mutual exclusive",
            ));
        }
        if a.is_object() {
            standard_at(a, &format!("{path}.additionalProperties"), out, depth + 1);
        }
    }
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        for (k, p) in props {
            standard_at(p, &format!("{path}.properties[{k}]"), out, depth + 1);
        }
    }
    if let Some(items) = s.get("items") {
        if items.is_array() {
            out.push(cause(
                format!("{path}.items"),
                "Forbidden: items must be a schema object and not an array",
            ));
        } else {
            standard_at(items, &format!("{path}.items"), out, depth + 1);
        }
    }
}

/// The status the naming and establishing controllers give a CRD whose names are free:
/// `acceptedNames`, `NamesAccepted` and `Established` (both `True`) at `now`. With
/// `conflict` (reason and message) the names are not accepted and nothing is established.
pub fn set_status(obj: &mut Value, now: &str, conflict: Option<(&str, String)>) {
    let names = meta::path(obj, &["spec", "names"])
        .cloned()
        .unwrap_or(json!({}));
    let (accepted, established) = match &conflict {
        None => (
            json!({"lastTransitionTime": now, "message": "no conflicts found", "reason": "NoConflicts", "status": "True", "type": "NamesAccepted"}),
            json!({"lastTransitionTime": now, "message": "the initial names have been accepted", "reason": "InitialNamesAccepted", "status": "True", "type": "Established"}),
        ),
        Some((reason, message)) => (
            json!({"lastTransitionTime": now, "message": message, "reason": reason, "status": "False", "type": "NamesAccepted"}),
            json!({"lastTransitionTime": now, "message": "not all names are accepted", "reason": "NotAccepted", "status": "False", "type": "Established"}),
        ),
    };
    let accepted_names = if conflict.is_none() {
        names
    } else {
        json!({"kind": "", "plural": ""})
    };
    meta::set_path(obj, &["status", "acceptedNames"], accepted_names);
    meta::set_path(
        obj,
        &["status", "conditions"],
        json!([accepted, established]),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crd() -> Value {
        json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "crontabs.stable.example.com"},
            "spec": {"group": "stable.example.com", "scope": "Namespaced",
                "names": {"plural": "crontabs", "kind": "CronTab"},
                "versions": [{"name": "v1", "served": true, "storage": true,
                    "schema": {"openAPIV3Schema": {"type": "object", "properties": {"spec": {"type": "object"}}}}}]}})
    }

    fn render(errs: Vec<FieldCause>) -> Vec<String> {
        errs.into_iter()
            .map(|c| format!("{}: {}", c.field, c.detail))
            .collect()
    }

    #[test]
    fn a_good_crd_passes_and_is_defaulted() {
        let mut o = crd();
        apply_defaults(&mut o);
        assert!(validate(&o, false).is_empty(), "{:?}", validate(&o, false));
        assert_eq!(o["spec"]["names"]["singular"], json!("crontab"));
        assert_eq!(o["spec"]["names"]["listKind"], json!("CronTabList"));
        assert_eq!(o["status"]["storedVersions"], json!(["v1"]));
    }

    #[test]
    fn common_mistakes() {
        let mut o = crd();
        o["metadata"]["name"] = json!("crontab.stable.example.com");
        apply_defaults(&mut o);
        assert_eq!(
            render(validate(&o, false)),
            [
                "metadata.name: Invalid value: \"crontab.stable.example.com\": must be spec.names.plural+\".\"+spec.group"
            ]
        );
        let mut o = crd();
        o["spec"].as_object_mut().unwrap().remove("versions");
        apply_defaults(&mut o);
        assert_eq!(
            render(validate(&o, false)),
            [
                "spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion(nil): must have exactly one version marked as storage version"
            ]
        );
        let mut o = crd();
        o["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"] =
            json!({"properties": {"n": {"type": "int"}}});
        apply_defaults(&mut o);
        assert_eq!(
            render(validate(&o, false)),
            [
                "spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields",
                "spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[n].type: Unsupported value: \"int\": supported values: \"array\", \"boolean\", \"integer\", \"number\", \"object\", \"string\""
            ]
        );
    }
}
