//! kubectl 1.32's explain v2 plaintext template (`pkg/explain/v2/templates/plaintext.tmpl`)
//! over the shipped schema (`world::api::schema::documents`).
//!
//! kubectl reads the OpenAPI v3 document of the group/version; kubelab ships the v2 definitions
//! (JSON Schema). The two differ in form only where the template can tell: v3 writes a described
//! reference as `{description, allOf: [{$ref}]}` where v2 writes `{$ref, description}`. [`Node`]
//! reads the v2 form as v3, so the template's rules (whose description comes first, which `$ref`s
//! count for cycles) apply unchanged. What v3 has and the shipped data lacks (enum lists, the
//! descriptions of `Quantity` and `IntOrString`) is listed in `docs/schema.md`.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::kubectl::wordwrap::{indent, wrap_string};
use crate::world::api::schema::documents;
use crate::world::api::schema::shape::ref_name;

/// Bound on nesting (the template stops at cycles; this guards pathological data).
const MAX_DEPTH: usize = 64;

/// A schema node as the v3 template sees it.
#[derive(Clone, Copy)]
enum Node<'a> {
    /// A node without a reference.
    Plain(&'a Value),
    /// A bare `{$ref}` (v3 keeps these as they are).
    Ref(&'a str),
    /// v2 `{$ref, description, ...}`: v3's `{description, allOf: [{$ref}]}`.
    Wrapper(&'a Value, &'a str),
}

impl<'a> Node<'a> {
    fn of(v: &'a Value) -> Node<'a> {
        match ref_name(v) {
            Some(r) if v.get("description").is_some() => Node::Wrapper(v, r),
            Some(r) => Node::Ref(r),
            None => Node::Plain(v),
        }
    }

    /// `index $.schema "$ref"`.
    fn reference(self) -> Option<&'a str> {
        match self {
            Node::Ref(r) => Some(r),
            _ => None,
        }
    }

    /// `or (resolveRef $ref $.Document) $.schema`.
    fn resolved(self) -> Resolved<'a> {
        match self {
            Node::Plain(v) => Resolved::Value(Some(v)),
            // An unresolvable reference leaves the bare `{$ref}`, which has no other keys.
            Node::Ref(r) => Resolved::Value(documents::definition(r)),
            Node::Wrapper(v, r) => Resolved::Wrapper(v, r),
        }
    }
}

/// The resolved schema whose keys the template reads.
#[derive(Clone, Copy)]
enum Resolved<'a> {
    Value(Option<&'a Value>),
    Wrapper(&'a Value, &'a str),
}

/// A Go template truth test of a map value: present and non-empty.
fn truthy_object(v: Option<&Value>) -> Option<&Value> {
    v.filter(|x| x.as_object().is_some_and(|m| !m.is_empty()))
}

impl<'a> Resolved<'a> {
    fn value(self) -> Option<&'a Value> {
        match self {
            Resolved::Value(v) => v,
            Resolved::Wrapper(..) => None,
        }
    }

    fn description(self) -> Option<&'a str> {
        let v = match self {
            Resolved::Value(v) => v?,
            Resolved::Wrapper(v, _) => v,
        };
        v.get("description")?.as_str().filter(|d| !d.is_empty())
    }

    fn properties(self) -> Option<&'a Map<String, Value>> {
        self.value()?
            .get("properties")?
            .as_object()
            .filter(|m| !m.is_empty())
    }

    fn required(self, name: &str) -> bool {
        self.value()
            .and_then(|v| v.get("required"))
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|x| x.as_str() == Some(name)))
    }

    fn items(self) -> Option<Node<'a>> {
        truthy_object(self.value()?.get("items")).map(Node::of)
    }

    /// `additionalProperties` when it is a schema (not a bool, not empty).
    fn additional(self) -> Option<Node<'a>> {
        truthy_object(self.value()?.get("additionalProperties")).map(Node::of)
    }

    fn all_of(self) -> Vec<Node<'a>> {
        match self {
            Resolved::Wrapper(_, r) => vec![Node::Ref(r)],
            Resolved::Value(v) => v
                .and_then(|v| v.get("allOf"))
                .and_then(Value::as_array)
                .map(|a| a.iter().map(Node::of).collect())
                .unwrap_or_default(),
        }
    }
}

/// The first non-null `type` (the shipped documents write `["string", "null"]`).
fn type_of(v: &Value) -> Option<&str> {
    match v.get("type")? {
        Value::String(s) => Some(s),
        Value::Array(l) => l.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ => None,
    }
}

/// The template's `typeGuess`: `string`, `[]Container`, `map[string]Quantity`, `Object`, ...
fn type_guess(n: Node<'_>, depth: usize) -> String {
    if depth > MAX_DEPTH {
        return "Object".into();
    }
    match n {
        Node::Ref(r) | Node::Wrapper(_, r) => {
            // A wrapper has no properties and one allOf member: the template defers to it.
            match documents::definition(r).and_then(type_of) {
                Some(t) if t != "object" => t.to_string(),
                _ => {
                    let last = r.rsplit('.').next().unwrap_or("");
                    if last.is_empty() {
                        "Object".into()
                    } else {
                        last.to_string()
                    }
                }
            }
        }
        Node::Plain(v) => {
            if let Some(items) = truthy_object(v.get("items")) {
                format!("[]{}", type_guess(Node::of(items), depth + 1))
            } else if let Some(ap) = truthy_object(v.get("additionalProperties")) {
                format!("map[string]{}", type_guess(Node::of(ap), depth + 1))
            } else if let Some(only) = v
                .get("allOf")
                .and_then(Value::as_array)
                .filter(|a| a.len() == 1 && v.get("properties").is_none())
            {
                type_guess(Node::of(&only[0]), depth + 1)
            } else {
                match type_of(v) {
                    Some("object") | None | Some("") => "Object".into(),
                    Some(t) => t.to_string(),
                }
            }
        }
    }
}

/// The template's `description`: the node's own description, then those of its `allOf`
/// members, `items` and `additionalProperties`, each followed by a newline.
fn description(n: Node<'_>, out: &mut String, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let r = n.resolved();
    if let Some(d) = r.description() {
        out.push_str(d);
        out.push('\n');
    }
    for a in r.all_of() {
        description(a, out, depth + 1);
    }
    if let Some(items) = r.items() {
        description(items, out, depth + 1);
    }
    if let Some(ap) = r.additional() {
        description(ap, out, depth + 1);
    }
}

/// The template's `fieldDetail`.
fn field_detail(
    name: &str,
    holder: Resolved<'_>,
    schema: Node<'_>,
    short: bool,
    level: usize,
) -> String {
    let amount = level * 2;
    let mut out = indent(amount, name);
    out.push('\t');
    out.push('<');
    out.push_str(&type_guess(schema, 0));
    out.push('>');
    if holder.required(name) {
        out.push_str(" -required-");
    }
    let converter_artifact = matches!(name, "apiVersion" | "kind")
        && holder
            .value()
            .is_some_and(|h| h.get("x-kubernetes-group-version-kind").is_some());
    if !converter_artifact && let Some(values) = schema.own_enum() {
        out.push('\n');
        out.push_str(&" ".repeat(amount));
        out.push_str("enum: ");
        for (i, v) in values.iter().enumerate() {
            if i >= 4 {
                out.push_str(", ....");
                break;
            }
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&enum_element(v));
        }
    }
    out.push('\n');
    if !short {
        let d = schema
            .resolved_own_description()
            .unwrap_or("<no description>");
        // `wrap (sub 78 $indentAmount)`: a limit of 0 (or a negative one, as a uint) wraps nothing.
        let lim = match 78usize.checked_sub(amount) {
            Some(0) | None => usize::MAX,
            Some(l) => l,
        };
        out.push_str(&indent(amount + 2, &wrap_string(d, lim)));
        out.push_str("\n\n");
    }
    out
}

/// How the template prints an enum element: strings as they are (`""` for the empty one),
/// other values as Go prints them.
fn enum_element(v: &Value) -> String {
    match v {
        Value::String(t) if t.is_empty() => "\"\"".into(),
        Value::String(t) => t.clone(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => crate::world::crd::values::go_float(n.as_f64().unwrap_or(0.0)),
        },
        other => other.to_string(),
    }
}

impl<'a> Node<'a> {
    /// The field schema's own `enum` list (the shipped built-in definitions have none but the
    /// converter's on `apiVersion`/`kind`; custom resources' schemas have theirs).
    fn own_enum(self) -> Option<&'a Vec<Value>> {
        match self {
            Node::Plain(v) | Node::Wrapper(v, _) => v
                .get("enum")
                .and_then(Value::as_array)
                .filter(|a| !a.is_empty()),
            Node::Ref(_) => None,
        }
    }

    /// `$fieldSchema.description`: the node's own key, without following a bare `$ref`.
    fn resolved_own_description(self) -> Option<&'a str> {
        let v = match self {
            Node::Plain(v) | Node::Wrapper(v, _) => v,
            Node::Ref(_) => return None,
        };
        v.get("description")?.as_str().filter(|d| !d.is_empty())
    }
}

/// The template's `fieldList`.
fn field_list<'a>(
    n: Node<'a>,
    level: usize,
    history: &BTreeSet<&'a str>,
    recursive: bool,
) -> String {
    if level > MAX_DEPTH {
        return String::new();
    }
    let reference = n.reference();
    if reference.is_some_and(|r| history.contains(r)) {
        return String::new();
    }
    let mut next = history.clone();
    if let Some(r) = reference {
        next.insert(r);
    }
    let r = n.resolved();
    let mut out = String::new();
    if let Some(props) = r.properties() {
        // Go templates range over a map in sorted key order.
        let mut names: Vec<&String> = props.keys().collect();
        names.sort();
        for name in names {
            let v = Node::of(&props[name.as_str()]);
            out.push_str(&field_detail(name, r, v, recursive, level));
            if recursive {
                out.push_str(&field_list(v, level + 1, &next, recursive));
            }
        }
    }
    for a in r.all_of() {
        out.push_str(&field_list(a, level, &next, recursive));
    }
    if let Some(items) = r.items() {
        out.push_str(&field_list(items, level, &next, recursive));
    }
    if let Some(ap) = r.additional() {
        out.push_str(&field_list(ap, level, &next, recursive));
    }
    out
}

/// The template's `output`: follows `path`, then prints FIELD, DESCRIPTION and FIELDS. Empty
/// when the path does not lead anywhere.
fn output<'a>(
    n: Node<'a>,
    path: &[String],
    history: &BTreeSet<&'a str>,
    recursive: bool,
    depth: usize,
) -> String {
    if depth > MAX_DEPTH {
        return String::new();
    }
    let reference = n.reference();
    let mut next = history.clone();
    if let Some(r) = reference {
        next.insert(r);
    }
    let r = n.resolved();
    let Some((first, rest)) = path.split_first() else {
        let mut d = String::new();
        // `resolveRef` of the resolved schema: definitions have no `$ref` of their own.
        description(Node::resolved_as_node(r), &mut d, 0);
        if d.is_empty() {
            d = "<empty>".into();
        }
        let mut out = String::from("DESCRIPTION:\n");
        out.push_str(&indent(4, &wrap_string(&d, 76)));
        out.push('\n');
        let fields = field_list(Node::resolved_as_node(r), 1, &BTreeSet::new(), recursive);
        if !fields.is_empty() {
            out.push_str("FIELDS:\n");
            out.push_str(&fields);
        }
        return out;
    };
    if reference.is_some_and(|x| history.contains(x)) {
        return String::new();
    }
    if let Some(sub) = r.properties().and_then(|p| p.get(first.as_str())) {
        let sub = Node::of(sub);
        let mut out = String::new();
        if rest.is_empty() {
            out.push_str(&format!("FIELD: {first} <{}>\n", type_guess(sub, 0)));
            let converter_artifact = matches!(first.as_str(), "apiVersion" | "kind")
                && r.value()
                    .is_some_and(|h| h.get("x-kubernetes-group-version-kind").is_some());
            if !converter_artifact && let Some(values) = sub.own_enum() {
                out.push_str("ENUM:");
                for v in values {
                    out.push_str("\n    ");
                    out.push_str(&enum_element(v));
                }
            }
            out.push_str("\n\n");
        }
        out.push_str(&output(sub, rest, &BTreeSet::new(), recursive, depth + 1));
        return out;
    }
    if let Some(items) = r.items() {
        return output(items, path, &next, recursive, depth + 1);
    }
    if let Some(ap) = r.additional() {
        return output(ap, path, &next, recursive, depth + 1);
    }
    for a in r.all_of() {
        let s = output(a, path, &next, recursive, depth + 1);
        if !s.is_empty() {
            return s;
        }
    }
    String::new()
}

impl<'a> Node<'a> {
    /// A resolved schema handed on as a schema (`dict "schema" $resolved`).
    fn resolved_as_node(r: Resolved<'a>) -> Node<'a> {
        match r {
            Resolved::Value(Some(v)) => Node::Plain(v),
            Resolved::Value(None) => Node::Plain(&Value::Null),
            Resolved::Wrapper(v, reference) => Node::Wrapper(v, reference),
        }
    }
}

/// The explain text below the GROUP/KIND/VERSION header for the definition `definition` and the
/// field path `path`; `None` when the path does not exist (kubectl: `field "LAST" does not
/// exist`, naming the path's last element).
pub fn render(definition: &str, path: &[String], recursive: bool) -> Option<String> {
    let def = documents::definition(definition)?;
    render_schema(def, path, recursive)
}

/// [`render`] over a schema given as a value (a custom resource's published schema, whose
/// `$ref`s name the shipped definitions).
pub fn render_schema(schema: &Value, path: &[String], recursive: bool) -> Option<String> {
    let out = output(Node::Plain(schema), path, &BTreeSet::new(), recursive, 0);
    (!out.is_empty()).then_some(out)
}

/// The header: `GROUP:` (omitted for the core group), `KIND:`, `VERSION:`, then a blank line.
pub fn header(group: &str, kind: &str, version: &str) -> String {
    let mut out = String::new();
    if !group.is_empty() {
        out.push_str(&format!("GROUP:      {group}\n"));
    }
    out.push_str(&format!("KIND:       {kind}\nVERSION:    {version}\n\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn deployment_replicas_matches_the_reference_layout() {
        let text = render(
            "io.k8s.api.apps.v1.Deployment",
            &path(&["spec", "replicas"]),
            false,
        );
        assert_eq!(
            text.as_deref(),
            Some(
                "FIELD: replicas <integer>\n\n\nDESCRIPTION:\n    Number of desired pods. This is a pointer to distinguish between explicit\n    zero and not specified. Defaults to 1.\n    \n"
            )
        );
    }

    #[test]
    fn pod_spec_recursive_starts_as_the_reference_shows() {
        // shared/reference/apiserver.md section 4, without its `enum:` line (docs/schema.md).
        let text = render("io.k8s.api.core.v1.Pod", &path(&["spec"]), true).unwrap();
        let expected = "FIELD: spec <PodSpec>\n\n\nDESCRIPTION:\n    Specification of the desired behavior of the pod. More info:\n    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status\n    PodSpec is a description of a pod.\n    \nFIELDS:\n  activeDeadlineSeconds\t<integer>\n  affinity\t<Affinity>\n    nodeAffinity\t<NodeAffinity>\n      preferredDuringSchedulingIgnoredDuringExecution\t<[]PreferredSchedulingTerm>\n        preference\t<NodeSelectorTerm> -required-\n          matchExpressions\t<[]NodeSelectorRequirement>\n            key\t<string> -required-\n            operator\t<string> -required-\n            values\t<[]string>\n";
        assert!(text.starts_with(expected), "{text}");
    }

    #[test]
    fn type_names_follow_type_guess() {
        let t = render(
            "io.k8s.api.core.v1.Pod",
            &path(&["spec", "containers", "resources"]),
            false,
        )
        .unwrap();
        assert!(
            t.starts_with("FIELD: resources <ResourceRequirements>\n"),
            "{t}"
        );
        assert!(t.contains("  limits\t<map[string]Quantity>\n"), "{t}");
        let s = render(
            "io.k8s.api.apps.v1.Deployment",
            &path(&["spec", "strategy"]),
            true,
        )
        .unwrap();
        assert!(s.contains("    maxSurge\t<IntOrString>\n"), "{s}");
        assert!(s.contains("  type\t<string>\n"), "{s}");
    }

    #[test]
    fn unknown_fields_render_nothing() {
        assert_eq!(
            render("io.k8s.api.core.v1.Pod", &path(&["spec", "nope"]), false),
            None
        );
        assert_eq!(
            render(
                "io.k8s.api.core.v1.Pod",
                &path(&["metadata", "labels", "x"]),
                false
            ),
            None
        );
    }

    #[test]
    fn recursion_stops_at_cycles() {
        let t = render(
            "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition",
            &[],
            true,
        )
        .unwrap();
        assert!(t.len() < 200_000);
    }
}
