//! The kubeconfig: clusters, users and contexts as kubectl keeps them in `~/.kube/config`
//! (clientcmd's `Config`), as a JSON value in the file's own field names. kubectl writes it
//! with its named lists sorted by name and its keys sorted (Go's maps through JSON to YAML),
//! which `printers::yaml` reproduces. kubelab's default is kubeadm's admin.conf: the cluster
//! `kubernetes`, the user `kubernetes-admin` with a client certificate, the context
//! `kubernetes-admin@kubernetes`. The certificate data is kubelab's own (a PEM block saying it
//! is simulated); nothing checks it.

use base64::Engine as _;
use serde_json::{Value, json};

/// Where the workstation keeps the kubeconfig.
pub const PATH: &str = "/home/student/.kube/config";

fn pem(kind: &str, what: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!(
        "-----BEGIN {kind}-----\nkubelab: the simulated {what}\n-----END {kind}-----\n"
    ))
}

/// kubeadm's admin.conf for a cluster at `server`.
pub fn admin_conf(server: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "clusters": [{"cluster": {
            "certificate-authority-data": pem("CERTIFICATE", "cluster CA"),
            "server": server,
        }, "name": "kubernetes"}],
        "contexts": [{"context": {"cluster": "kubernetes", "user": "kubernetes-admin"}, "name": "kubernetes-admin@kubernetes"}],
        "current-context": "kubernetes-admin@kubernetes",
        "kind": "Config",
        "preferences": {},
        "users": [{"name": "kubernetes-admin", "user": {
            "client-certificate-data": pem("CERTIFICATE", "certificate of kubernetes-admin"),
            "client-key-data": pem("RSA PRIVATE KEY", "key of kubernetes-admin"),
        }}],
    })
}

/// The named lists of a kubeconfig and the field each entry keeps its content in.
pub const LISTS: &[(&str, &str)] = &[
    ("clusters", "cluster"),
    ("contexts", "context"),
    ("users", "user"),
];

/// The entry `name` of a list (`clusters`, `contexts`, `users`).
pub fn entry<'a>(kc: &'a Value, list: &str, name: &str) -> Option<&'a Value> {
    let field = LISTS.iter().find(|(l, _)| *l == list)?.1;
    kc.get(list)?
        .as_array()?
        .iter()
        .find(|e| e.get("name").and_then(Value::as_str) == Some(name))
        .and_then(|e| e.get(field))
}

/// The names in a list, sorted.
pub fn names(kc: &Value, list: &str) -> Vec<String> {
    let mut v: Vec<String> = kc
        .get(list)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|e| e.get("name").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// The entry `name` of a list to change, created empty when missing; the list stays sorted.
pub fn entry_mut<'a>(kc: &'a mut Value, list: &str, name: &str) -> &'a mut Value {
    let field = LISTS
        .iter()
        .find(|(l, _)| *l == list)
        .map_or("context", |x| x.1);
    if !kc.get(list).is_some_and(Value::is_array) {
        kc[list] = json!([]);
    }
    let arr = kc[list].as_array_mut().expect("an array");
    let i = match arr
        .iter()
        .position(|e| e.get("name").and_then(Value::as_str) == Some(name))
    {
        Some(i) => i,
        None => {
            arr.push(json!({"name": name, field: {}}));
            arr.sort_by(|a, b| {
                let n = |e: &Value| {
                    e.get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string()
                };
                n(a).cmp(&n(b))
            });
            arr.iter()
                .position(|e| e.get("name").and_then(Value::as_str) == Some(name))
                .unwrap_or(0)
        }
    };
    let e = &mut arr[i];
    if !e.get(field).is_some_and(Value::is_object) {
        e[field] = json!({});
    }
    &mut e[field]
}

/// Removes the entry `name` of a list; whether it was there.
pub fn remove(kc: &mut Value, list: &str, name: &str) -> bool {
    let Some(arr) = kc.get_mut(list).and_then(Value::as_array_mut) else {
        return false;
    };
    let before = arr.len();
    arr.retain(|e| e.get("name").and_then(Value::as_str) != Some(name));
    arr.len() != before
}

/// The current context's name ("" when unset).
pub fn current(kc: &Value) -> &str {
    kc.get("current-context")
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// A field of a context (`namespace`, `user`, `cluster`).
pub fn context_field<'a>(kc: &'a Value, context: &str, field: &str) -> Option<&'a str> {
    entry(kc, "contexts", context)?.get(field)?.as_str()
}

/// The kubeconfig as `kubectl config view` shows it without `--raw`: certificate and key
/// data as `DATA+OMITTED`, tokens and passwords as `REDACTED`.
pub fn redacted(kc: &Value) -> Value {
    let mut kc = kc.clone();
    for (list, field) in LISTS {
        if let Some(arr) = kc.get_mut(*list).and_then(Value::as_array_mut) {
            for e in arr {
                if let Some(m) = e.get_mut(*field).and_then(Value::as_object_mut) {
                    for (k, v) in m.iter_mut() {
                        if k.ends_with("-data") {
                            *v = json!("DATA+OMITTED");
                        } else if k == "token" || k == "password" {
                            *v = json!("REDACTED");
                        }
                    }
                }
            }
        }
    }
    kc
}

/// The kubeconfig as `--minify` keeps it: the current context, its cluster and its user.
pub fn minified(kc: &Value) -> Result<Value, String> {
    let cur = current(kc).to_string();
    if cur.is_empty() {
        return Err("current-context must exist in order to minify".into());
    }
    let Some(ctx) = entry(kc, "contexts", &cur) else {
        return Err(format!("cannot locate context {cur}"));
    };
    let cluster = ctx.get("cluster").and_then(Value::as_str).unwrap_or("");
    let user = ctx.get("user").and_then(Value::as_str).unwrap_or("");
    let mut out = kc.clone();
    for (list, keep) in [
        ("contexts", cur.as_str()),
        ("clusters", cluster),
        ("users", user),
    ] {
        if let Some(arr) = out.get_mut(list).and_then(Value::as_array_mut) {
            arr.retain(|e| e.get("name").and_then(Value::as_str) == Some(keep));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_stay_sorted_and_redaction_hides_secrets() {
        let mut kc = admin_conf("https://x:6443");
        entry_mut(&mut kc, "users", "alice")["token"] = json!("t");
        assert_eq!(names(&kc, "users"), vec!["alice", "kubernetes-admin"]);
        let r = redacted(&kc);
        assert_eq!(entry(&r, "users", "alice").unwrap()["token"], "REDACTED");
        assert_eq!(
            entry(&r, "users", "kubernetes-admin").unwrap()["client-key-data"],
            "DATA+OMITTED"
        );
        let m = minified(&kc).unwrap();
        assert_eq!(names(&m, "users"), vec!["kubernetes-admin"]);
        assert!(remove(&mut kc, "users", "alice"));
        assert!(!remove(&mut kc, "users", "alice"));
    }
}
