//! kubectl's generic describer (`pkg/describe/describe.go` `genericDescriber`), used for kinds
//! without their own describer, custom resources first of all: Name, Namespace, Labels,
//! Annotations, then every other field of the object in sorted order with `smartLabelFor`
//! labels (`apiVersion` → `API Version`, `cronSpec` → `Cron Spec`), then the events.

use serde_json::{Map, Value};

use super::common::{annotations_multiline, events, labels_multiline};
use super::writer::Writer;
use crate::world::api::meta;
use crate::world::clock::Millis;
use crate::world::crd::values::go_float;

/// Deepest nesting printed (objects are bounded by kubelab's budget anyway).
const MAX_DEPTH: usize = 64;

/// The fields the header already printed (and managedFields).
const SKIP: &[&str] = &[
    ".metadata.managedFields",
    ".metadata.name",
    ".metadata.namespace",
    ".metadata.labels",
    ".metadata.annotations",
];

/// `describe` of any object.
pub fn describe(obj: &Value, evs: &[Value], now: Millis) -> String {
    let mut w = Writer::default();
    w.line(0, &format!("Name:\t{}", meta::name(obj)));
    w.line(0, &format!("Namespace:\t{}", meta::namespace(obj)));
    labels_multiline(&mut w, "Labels", meta::path(obj, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        meta::path(obj, &["metadata", "annotations"]),
    );
    if let Some(m) = obj.as_object() {
        content(&mut w, 0, m, "", 0);
    }
    events(&mut w, evs, now);
    w.finish()
}

/// Go's `%v` of a decoded JSON scalar.
fn go_v(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => go_float(n.as_f64().unwrap_or(0.0)),
        },
        other => other.to_string(),
    }
}

/// `printUnstructuredContent`.
fn content(w: &mut Writer, level: usize, m: &Map<String, Value>, prefix: &str, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let mut fields: Vec<&String> = m.keys().collect();
    fields.sort();
    for field in fields {
        let skip = format!("{prefix}.{field}");
        if SKIP.contains(&skip.as_str()) {
            continue;
        }
        match &m[field.as_str()] {
            Value::Object(sub) => {
                w.line(level, &format!("{}:", smart_label(field)));
                content(w, level + 1, sub, &skip, depth + 1);
            }
            Value::Array(items) => {
                w.line(level, &format!("{}:", smart_label(field)));
                for item in items {
                    match item {
                        Value::Object(sub) => content(w, level + 1, sub, &skip, depth + 1),
                        other => w.line(level + 1, &go_v(other)),
                    }
                }
            }
            other => w.line(level, &format!("{}:\t{}", smart_label(field), go_v(other))),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Lower,
    Upper,
    Digit,
    Other,
}

fn class(c: char) -> Class {
    if c.is_lowercase() {
        Class::Lower
    } else if c.is_uppercase() {
        Class::Upper
    } else if c.is_numeric() {
        Class::Digit
    } else {
        Class::Other
    }
}

/// fatih/camelcase `Split`: runs of one character class, an upper-case run's last letter
/// moved to a following lower-case run (`APIVersion` → `API`, `Version`).
fn camel_split(s: &str) -> Vec<String> {
    let mut runs: Vec<Vec<char>> = Vec::new();
    let mut last: Option<Class> = None;
    for c in s.chars() {
        let k = class(c);
        match runs.last_mut() {
            Some(r) if last == Some(k) => r.push(c),
            _ => runs.push(vec![c]),
        }
        last = Some(k);
    }
    for i in 0..runs.len().saturating_sub(1) {
        let (upper, lower) = (
            runs[i].first().map(|c| class(*c)) == Some(Class::Upper),
            runs[i + 1].first().map(|c| class(*c)) == Some(Class::Lower),
        );
        if upper
            && lower
            && let Some(c) = runs[i].pop()
        {
            runs[i + 1].insert(0, c);
        }
    }
    runs.into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| r.into_iter().collect())
        .collect()
}

/// `smartLabelFor`: `cronSpec` → `Cron Spec`, `apiVersion` → `API Version`, `uid` → `UID`;
/// a name with characters other than letters and `-` stays as it is.
pub fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    const ACRONYMS: &[&str] = &["API", "URL", "UID", "OSB", "GUID"];
    camel_split(field)
        .into_iter()
        .filter(|p| p != "_")
        .map(|p| {
            let up = p.to_uppercase();
            if ACRONYMS.contains(&up.as_str()) {
                up
            } else {
                let mut cs = p.chars();
                match cs.next() {
                    Some(f) => f.to_uppercase().chain(cs).collect(),
                    None => String::new(),
                }
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smart_labels() {
        assert_eq!(smart_label("apiVersion"), "API Version");
        assert_eq!(smart_label("cronSpec"), "Cron Spec");
        assert_eq!(smart_label("uid"), "UID");
        assert_eq!(smart_label("creationTimestamp"), "Creation Timestamp");
        assert_eq!(smart_label("HTMLPage"), "HTML Page");
        assert_eq!(smart_label("v1"), "v1");
        assert_eq!(smart_label("my-field"), "My - Field");
    }
}
