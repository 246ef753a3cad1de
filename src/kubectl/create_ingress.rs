//! The Ingress `kubectl create ingress` builds (`kubectl pkg/cmd/create/create_ingress.go`):
//! `--rule=host/path=svc:port[,tls[=secret]]` (a path ending in `*` is a Prefix path, others
//! Exact; rules of one host share it; `tls` adds the host to a TLS entry per secret),
//! `--default-backend=svc:port`, `--class`, `--annotation=k=v`.

use crate::world::api::kinds;
use std::sync::OnceLock;

use serde_json::{Map, Value, json};

/// kubectl's rule pattern; Go's `\w` is ASCII only, spelled out here.
const RULE: &str = r"^([0-9A-Za-z_*\-.]*)(/[^,=\n]*)=([0-9A-Za-z_\-]+):([0-9A-Za-z_\-]+)(,(tls)=?([0-9A-Za-z_\-]+)?)?$";

fn rule_regex() -> &'static regex::Regex {
    static R: OnceLock<regex::Regex> = OnceLock::new();
    R.get_or_init(|| regex::Regex::new(RULE).expect("the rule pattern compiles"))
}

/// `Validate()`.
pub fn validate(
    rules: &[String],
    annotations: &[String],
    default_backend: &str,
) -> Result<(), String> {
    if default_backend.is_empty() && rules.is_empty() {
        return Err("not enough information provided: every ingress has to either specify a default-backend (which catches all traffic) or a list of rules (which catch specific paths)".into());
    }
    for r in rules {
        if !rule_regex().is_match(r) {
            return Err(format!(
                "rule {r} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]"
            ));
        }
    }
    for a in annotations {
        if !a.contains('=') {
            return Err(format!(
                "annotation {a} is invalid and should be in format key=[value]"
            ));
        }
    }
    if !default_backend.is_empty() && default_backend.split(':').count() != 2 {
        return Err("default-backend should be in format servicename:serviceport".into());
    }
    Ok(())
}

/// `svc:port` to an IngressBackend (a numeric port is `number`, another `name`).
fn backend(service: &str) -> Value {
    let mut parts = service.split(':');
    let name = parts.next().unwrap_or("");
    let port = parts.next().unwrap_or("");
    let port = match port.parse::<i32>() {
        Ok(n) => json!({"number": n}),
        Err(_) => json!({"name": port}),
    };
    json!({"service": {"name": name, "port": port}})
}

fn http_path(path_svc: &str) -> Value {
    let mut parts = path_svc.split('=');
    let mut path = format!("/{}", parts.next().unwrap_or(""));
    let service = parts.next().unwrap_or("");
    let mut path_type = "Exact";
    if path.ends_with('*') {
        path_type = "Prefix";
        path.pop();
    }
    json!({"backend": backend(service), "path": path, "pathType": path_type})
}

fn tls_entries(rules: &[String]) -> Vec<Value> {
    let mut seen: Vec<String> = Vec::new();
    let mut out: Vec<(Vec<String>, String)> = Vec::new();
    for rule in rules {
        let parts: Vec<&str> = rule.split(',').collect();
        if parts.len() != 2 {
            continue;
        }
        let host = rule.split('/').next().unwrap_or("").to_string();
        let secret = parts[1].split('=').nth(1).unwrap_or("").to_string();
        if seen.contains(&host) {
            continue;
        }
        if let Some(e) = out.iter_mut().find(|(_, s)| *s == secret) {
            e.0.push(host.clone());
            seen.push(host);
            continue;
        }
        let hosts = if host.is_empty() {
            vec![]
        } else {
            vec![host.clone()]
        };
        if !secret.is_empty() || !hosts.is_empty() {
            out.push((hosts, secret));
        }
        seen.push(host);
    }
    out.into_iter()
        .map(|(hosts, secret)| {
            let mut t = Map::new();
            if !hosts.is_empty() {
                t.insert("hosts".into(), json!(hosts));
            }
            if !secret.is_empty() {
                t.insert("secretName".into(), json!(secret));
            }
            Value::Object(t)
        })
        .collect()
}

fn ingress_rules(rules: &[String]) -> Vec<Value> {
    let mut out: Vec<(String, Vec<Value>)> = Vec::new();
    for rule in rules {
        let no_tls = rule.split(',').next().unwrap_or("");
        let (host, rest) = no_tls.split_once('/').unwrap_or((no_tls, ""));
        let path = http_path(rest);
        match out.iter_mut().find(|(h, _)| h == host) {
            Some((_, paths)) => paths.push(path),
            None => out.push((host.to_string(), vec![path])),
        }
    }
    out.into_iter()
        .map(|(host, paths)| {
            let mut r = json!({"http": {"paths": paths}});
            if !host.is_empty() {
                r["host"] = json!(host);
            }
            r
        })
        .collect()
}

/// Builds the Ingress (after [`validate`]).
pub fn build(
    name: &str,
    class: &str,
    rules: &[String],
    annotations: &[String],
    default_backend: &str,
) -> Value {
    let mut metadata = json!({"creationTimestamp": null, "name": name});
    if !annotations.is_empty() {
        let mut m = Map::new();
        for a in annotations {
            let (k, v) = a.split_once('=').unwrap_or((a, ""));
            m.insert(k.to_string(), json!(v));
        }
        metadata["annotations"] = Value::Object(m);
    }
    let mut spec = Map::new();
    if !class.is_empty() {
        spec.insert("ingressClassName".into(), json!(class));
    }
    if !default_backend.is_empty() {
        spec.insert("defaultBackend".into(), backend(default_backend));
    }
    let tls = tls_entries(rules);
    if !tls.is_empty() {
        spec.insert("tls".into(), Value::Array(tls));
    }
    let r = ingress_rules(rules);
    if !r.is_empty() {
        spec.insert("rules".into(), Value::Array(r));
    }
    json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": kinds::INGRESS,
        "metadata": metadata,
        "spec": spec,
        "status": {"loadBalancer": {}},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_hosts_and_tls() {
        let rules: Vec<String> = [
            "foo.com/=svc:https,tls",
            "foo.com/path/sub*=other:8080",
            "bar.com/*=b:80,tls=s1",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        validate(&rules, &[], "").unwrap();
        let i = build("i", "", &rules, &[], "");
        assert_eq!(
            i.pointer("/spec/rules/0/http/paths/1/pathType"),
            Some(&json!("Prefix"))
        );
        assert_eq!(
            i.pointer("/spec/rules/0/http/paths/1/path"),
            Some(&json!("/path/sub"))
        );
        assert_eq!(i.pointer("/spec/tls/0/hosts"), Some(&json!(["foo.com"])));
        assert_eq!(i.pointer("/spec/tls/1/secretName"), Some(&json!("s1")));
        assert!(validate(&["foo".into()], &[], "").is_err());
        assert_eq!(
            validate(&[], &[], "svc").unwrap_err(),
            "default-backend should be in format servicename:serviceport"
        );
    }
}
