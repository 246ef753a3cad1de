//! Chart.yaml's `dependencies` entries as Helm's `chart.Dependency` serializes them, and
//! Chart.lock (`chart.Lock`): the JSON Go's encoder writes (struct order, omitempty), the
//! lock's digest (`resolver.HashReq`: sha256 of the JSON of `[requested, locked]`) and the
//! YAML `helm dependency update` writes (sigs.k8s.io/yaml: keys sorted).

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::printers::json::to_json_compact;

fn js(s: &str) -> String {
    to_json_compact(&Value::String(s.to_string()))
}

/// One `chart.Dependency` as Go's JSON encoder writes it: `name`, `version` (omitempty),
/// `repository`, `condition`, `tags`, `enabled`, `import-values`, `alias` (omitempty).
pub fn dependency_json(d: &Value) -> String {
    let s = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let mut f: Vec<String> = vec![format!("\"name\":{}", js(&s("name")))];
    if !s("version").is_empty() {
        f.push(format!("\"version\":{}", js(&s("version"))));
    }
    f.push(format!("\"repository\":{}", js(&s("repository"))));
    if !s("condition").is_empty() {
        f.push(format!("\"condition\":{}", js(&s("condition"))));
    }
    if let Some(Value::Array(t)) = d.get("tags")
        && !t.is_empty()
    {
        f.push(format!(
            "\"tags\":{}",
            to_json_compact(&Value::Array(t.clone()))
        ));
    }
    if d.get("enabled").and_then(Value::as_bool) == Some(true) {
        f.push("\"enabled\":true".into());
    }
    if let Some(Value::Array(t)) = d.get("import-values")
        && !t.is_empty()
    {
        f.push(format!(
            "\"import-values\":{}",
            to_json_compact(&Value::Array(t.clone()))
        ));
    }
    if !s("alias").is_empty() {
        f.push(format!("\"alias\":{}", js(&s("alias"))));
    }
    format!("{{{}}}", f.join(","))
}

/// A list of dependencies as JSON (`null` for none, as Go writes a nil slice).
pub fn dependencies_json(deps: &[Value]) -> String {
    let items: Vec<String> = deps.iter().map(dependency_json).collect();
    format!("[{}]", items.join(","))
}

/// `resolver.HashReq(req, lock)`: `sha256:` and the hex digest of `[req, lock]`'s JSON.
pub fn hash_req(req: &[Value], locked: &[Value]) -> String {
    let data = format!("[{},{}]", dependencies_json(req), dependencies_json(locked));
    let sum = Sha256::digest(data.as_bytes());
    let hex: String = sum.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// A locked dependency (`name`, `repository`, `version`), as `Resolve` builds it.
pub fn locked(name: &str, repository: &str, version: &str) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), Value::String(name.into()));
    m.insert("repository".into(), Value::String(repository.into()));
    m.insert("version".into(), Value::String(version.into()));
    Value::Object(m)
}

/// The lock as JSON in `chart.Lock`'s order (`generated`, `digest`, `dependencies`): the
/// release record's `chart.lock`.
pub fn lock_json(lock: &Value) -> String {
    let s = |k: &str| {
        lock.get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let deps = lock
        .get("dependencies")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    format!(
        "{{\"generated\":{},\"digest\":{},\"dependencies\":{}}}",
        js(&s("generated")),
        js(&s("digest")),
        dependencies_json(&deps)
    )
}

/// Chart.lock's text as `writeLock` writes it (`yaml.Marshal(lock)`: the JSON's keys sorted).
pub fn lock_yaml(generated: &str, digest: &str, deps: &[Value]) -> String {
    let mut m = Map::new();
    m.insert("generated".into(), Value::String(generated.into()));
    m.insert("digest".into(), Value::String(digest.into()));
    // Each entry re-read from its Go JSON, so omitempty fields are gone as in Helm's file.
    let deps: Vec<Value> = deps
        .iter()
        .map(|d| serde_json::from_str(&dependency_json(d)).unwrap_or(Value::Null))
        .collect();
    m.insert("dependencies".into(), Value::Array(deps));
    crate::printers::yaml::to_yaml(&Value::Object(m))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn go_field_order_and_omitempty() {
        let d = json!({"alias": "a", "repository": "https://x", "name": "n", "version": "1.0.0",
            "condition": "n.enabled", "enabled": false, "tags": []});
        assert_eq!(
            dependency_json(&d),
            r#"{"name":"n","version":"1.0.0","repository":"https://x","condition":"n.enabled","alias":"a"}"#
        );
        // A local dependency without a repository still writes `repository`.
        assert_eq!(
            dependency_json(&json!({"name": "n"})),
            r#"{"name":"n","repository":""}"#
        );
    }

    #[test]
    fn the_digest_covers_requested_and_locked() {
        let req = [json!({"name": "sub", "version": "0.1.0", "repository": "file://../sub"})];
        let lock = [locked("sub", "file://../sub", "0.1.0")];
        let data = r#"[[{"name":"sub","version":"0.1.0","repository":"file://../sub"}],[{"name":"sub","version":"0.1.0","repository":"file://../sub"}]]"#;
        let hex: String = Sha256::digest(data.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hash_req(&req, &lock), format!("sha256:{hex}"));
    }

    #[test]
    fn lock_text_is_sorted() {
        let deps = [locked("sub", "https://e.x/charts", "0.1.0")];
        assert_eq!(
            lock_yaml("2025-03-03T09:00:00.5Z", "sha256:ab", &deps),
            "dependencies:\n- name: sub\n  repository: https://e.x/charts\n  version: 0.1.0\ndigest: sha256:ab\ngenerated: \"2025-03-03T09:00:00.5Z\"\n"
        );
    }
}
