//! Go struct field order for objects kubectl builds client-side.
//!
//! `kubectl create deployment ... --dry-run=client -o json` marshals a Go struct, so keys come in
//! field order (`kind`, `apiVersion`, `metadata{name, ..., creationTimestamp, labels}`, `spec`,
//! `status`), not sorted. The orders are read from `src/printers/typed_fields.txt` (generated
//! from the `types.go` files of `k8s.io/api` and `k8s.io/apimachinery` v0.32.4) and looked up by
//! `apiVersion` + `kind` ([`shape_for_object`]).
//!
//! The YAML printer does not need this: go-yaml re-sorts every map (see
//! [`crate::printers::yaml`]), so `-o yaml` is sorted for typed objects too.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;

/// The field table, one struct per line; see the header of the file for the notation.
const TABLE: &str = include_str!("typed_fields.txt");

/// Top-level kinds with a field order, with the apiVersion kubectl gives them.
const ROOTS: &[(&str, &str)] = &[
    ("apps/v1", "Deployment"),
    ("apps/v1", "ReplicaSet"),
    ("apps/v1", "StatefulSet"),
    ("apps/v1", "DaemonSet"),
    ("v1", "Pod"),
    ("v1", "Service"),
    ("v1", "ConfigMap"),
    ("v1", "Secret"),
    ("v1", "Namespace"),
    ("v1", "ServiceAccount"),
    ("v1", "PersistentVolumeClaim"),
    ("v1", "ResourceQuota"),
    ("batch/v1", "Job"),
    ("batch/v1", "CronJob"),
    ("rbac.authorization.k8s.io/v1", "Role"),
    ("rbac.authorization.k8s.io/v1", "RoleBinding"),
    ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
    ("networking.k8s.io/v1", "Ingress"),
    ("policy/v1", "PodDisruptionBudget"),
    ("autoscaling/v1", "HorizontalPodAutoscaler"),
    ("scheduling.k8s.io/v1", "PriorityClass"),
    ("authentication.k8s.io/v1", "TokenRequest"),
    ("v1", "EventList"),
    ("v1", "Event"),
];

/// What a JSON value is, as far as key order goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Scalars, maps of scalars, unknown objects: sorted keys.
    Leaf,
    /// A struct (index into the table).
    Struct(usize),
    /// A list whose items are the struct.
    List(usize),
    /// A map whose values are the struct.
    Map(usize),
}

/// One struct field: its JSON name and the shape of its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The JSON name.
    pub name: &'static str,
    /// The shape of the value.
    pub shape: Shape,
}

impl Shape {
    /// The shape of an item when `self` is a list.
    pub fn element(self) -> Shape {
        match self {
            Shape::List(i) => Shape::Struct(i),
            _ => Shape::Leaf,
        }
    }

    /// The shape of a value when `self` is a map.
    pub fn map_value(self) -> Shape {
        match self {
            Shape::Map(i) => Shape::Struct(i),
            _ => Shape::Leaf,
        }
    }

    /// The fields in Go order when `self` is a struct.
    pub fn fields(self) -> Option<&'static [Field]> {
        match self {
            Shape::Struct(i) => table().structs.get(i).map(Vec::as_slice),
            _ => None,
        }
    }
}

/// The shape of a whole object, from its `apiVersion` and `kind` (Leaf if unknown).
pub fn shape_for_object(value: &Value) -> Shape {
    let api_version = value
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or("");
    if !ROOTS.contains(&(api_version, kind)) {
        return Shape::Leaf;
    }
    table()
        .index
        .get(kind)
        .map_or(Shape::Leaf, |&i| Shape::Struct(i))
}

struct Table {
    structs: Vec<Vec<Field>>,
    index: BTreeMap<&'static str, usize>,
}

fn table() -> &'static Table {
    static TABLE_CELL: OnceLock<Table> = OnceLock::new();
    TABLE_CELL.get_or_init(|| parse(TABLE))
}

/// Parses the table text; references to unknown structs become [`Shape::Leaf`].
fn parse(text: &'static str) -> Table {
    // Join continuation lines, drop comments.
    let mut lines: Vec<Vec<&'static str>> = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let words = line.split_whitespace();
        match lines.last_mut() {
            Some(last) if line.starts_with(char::is_whitespace) => last.extend(words),
            _ => lines.push(words.collect()),
        }
    }
    let index: BTreeMap<&'static str, usize> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, words)| words.first().map(|name| (*name, i)))
        .collect();
    let structs = lines
        .iter()
        .map(|words| {
            words
                .iter()
                .skip(1)
                .map(|word| field(word, &index))
                .collect()
        })
        .collect();
    Table { structs, index }
}

fn field(word: &'static str, index: &BTreeMap<&'static str, usize>) -> Field {
    let Some((name, ty)) = word.split_once(':') else {
        return Field {
            name: word,
            shape: Shape::Leaf,
        };
    };
    let lookup = |t: &str| index.get(t).copied();
    let shape = if let Some(t) = ty.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        lookup(t).map_or(Shape::Leaf, Shape::List)
    } else if let Some(t) = ty.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        lookup(t).map_or(Shape::Leaf, Shape::Map)
    } else {
        lookup(ty).map_or(Shape::Leaf, Shape::Struct)
    };
    Field { name, shape }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_reference_resolves_and_roots_exist() {
        let t = table();
        for (_, kind) in ROOTS {
            assert!(t.index.contains_key(kind), "{kind}");
        }
        for line in TABLE.lines().filter(|l| !l.starts_with('#')) {
            for word in line.split_whitespace().filter(|w| w.contains(':')) {
                let ty = word.split_once(':').map(|x| x.1).unwrap_or_default();
                let ty = ty.trim_matches(|c| matches!(c, '[' | ']' | '{' | '}'));
                assert!(t.index.contains_key(ty), "unknown struct {ty}");
            }
        }
    }

    #[test]
    fn deployment_fields_in_go_order() {
        let shape = shape_for_object(&json!({"apiVersion": "apps/v1", "kind": "Deployment"}));
        let names: Vec<&str> = shape
            .fields()
            .unwrap_or_default()
            .iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(names, ["kind", "apiVersion", "metadata", "spec", "status"]);
        let other =
            shape_for_object(&json!({"apiVersion": "example.com/v1", "kind": "Deployment"}));
        assert_eq!(other, Shape::Leaf);
    }
}
