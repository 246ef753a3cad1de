//! helm's `-o table|json|yaml` (`pkg/cli/output`): JSON is Go's `json.Encoder` (compact, HTML
//! characters escaped, struct field order, a newline), YAML is sigs.k8s.io/yaml (sorted keys).
//! Values are built as ordered JSON text here, since Go structs keep their field order.

use serde_json::Value;

/// A JSON string literal as Go writes it.
pub fn js(s: &str) -> String {
    let mut out = String::new();
    crate::printers::json::write_string(&mut out, s);
    out
}

/// An object from (key, JSON text) pairs in order.
pub fn obj(fields: &[(&str, String)]) -> String {
    let inner: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}:{v}", js(k)))
        .collect();
    format!("{{{}}}", inner.join(","))
}

/// An array of JSON texts.
pub fn arr(items: &[String]) -> String {
    format!("[{}]", items.join(","))
}

/// The YAML sigs.k8s.io/yaml writes for a JSON text (keys sorted).
pub fn yaml_of(json_text: &str) -> String {
    match serde_json::from_str::<Value>(json_text) {
        Ok(v) => crate::printers::yaml::to_yaml(&v),
        Err(_) => String::new(),
    }
}

/// Which format `-o` asked for.
pub fn format(p: &super::cli::Parsed) -> &str {
    p.get("output").unwrap_or("table")
}
