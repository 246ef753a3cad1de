//! `kubectl describe ingress` (`kubectl pkg/describe/describe.go`: `describeIngressV1`,
//! `describeBackendV1`, `describeIngressTLSV1`, `formatEndpointSlices` over the backend
//! Service's EndpointSlices).

use crate::world::api::kinds;
use serde_json::Value;

use super::common::{annotations_multiline, events, labels_multiline};
use super::writer::{LEVEL_0, LEVEL_1, LEVEL_2, Writer};
use crate::world::World;
use crate::world::api::meta;
use crate::world::clock::Millis;

fn array<'a>(obj: &'a Value, keys: &[&str]) -> &'a [Value] {
    meta::path(obj, keys)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// `formatEndpointSlices`: ready endpoints of the slices, at the ports named `port_name`.
pub fn format_endpoint_slices(slices: &[Value], port_name: &str) -> String {
    if slices.is_empty() {
        return "<none>".into();
    }
    const MAX: usize = 3;
    let mut list: Vec<String> = Vec::new();
    let (mut more, mut count) = (false, 0);
    let ready = |e: &Value| {
        meta::path(e, &["conditions", "ready"])
            .and_then(Value::as_bool)
            .unwrap_or(true)
    };
    let first_addr = |e: &Value| {
        array(e, &["addresses"])
            .first()
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    for s in slices {
        let ports = array(s, &["ports"]);
        let eps = array(s, &["endpoints"]);
        if ports.is_empty() {
            for e in eps {
                if list.len() == MAX {
                    more = true;
                }
                if !ready(e) {
                    continue;
                }
                if !more {
                    list.push(first_addr(e));
                }
                count += 1;
            }
            continue;
        }
        for p in ports {
            if p.get("name").and_then(Value::as_str).unwrap_or("") != port_name {
                continue;
            }
            let port = p.get("port").and_then(Value::as_i64).unwrap_or(0);
            for e in eps {
                if list.len() == MAX {
                    more = true;
                }
                if !ready(e) {
                    continue;
                }
                if !more {
                    let a = first_addr(e);
                    list.push(if a.contains(':') {
                        format!("[{a}]:{port}")
                    } else {
                        format!("{a}:{port}")
                    });
                }
                count += 1;
            }
        }
    }
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", count - MAX)
    } else {
        ret
    }
}

/// `serviceBackendStringer`: `NAME:PORT`.
fn backend_name(svc: &Value) -> String {
    let name = meta::str_at(svc, &["name"]).unwrap_or("");
    let port = match meta::int_at(svc, &["port", "number"]).filter(|n| *n != 0) {
        Some(n) => n.to_string(),
        None => meta::str_at(svc, &["port", "name"])
            .unwrap_or("")
            .to_string(),
    };
    format!("{name}:{port}")
}

/// `describeBackendV1`.
fn backend(world: &World, ns: &str, b: &Value) -> String {
    if let Some(svc_ref) = b.get("service").filter(|s| s.is_object()) {
        let sb = backend_name(svc_ref);
        let name = meta::str_at(svc_ref, &["name"]).unwrap_or("");
        let slices = crate::world::controllers::endpointslices::slices_of(world, ns, name);
        let Some(svc) = world.object(kinds::SERVICE, ns, name) else {
            return format!("{sb} (<error: services \"{name}\" not found>)");
        };
        let number = meta::int_at(svc_ref, &["port", "number"]).unwrap_or(0);
        let pname = meta::str_at(svc_ref, &["port", "name"]).unwrap_or("");
        let mut sp_name = String::new();
        for sp in array(svc, &["spec", "ports"]) {
            let n = meta::str_at(sp, &["name"]).unwrap_or("");
            if (number != 0 && meta::int_at(sp, &["port"]) == Some(number))
                || (!pname.is_empty() && pname == n)
            {
                sp_name = n.to_string();
            }
        }
        return format!("{sb} ({})", format_endpoint_slices(&slices, &sp_name));
    }
    if let Some(r) = b.get("resource").filter(|r| r.is_object()) {
        return format!(
            "APIGroup: {}, Kind: {}, Name: {}",
            meta::str_at(r, &["apiGroup"]).unwrap_or("<none>"),
            meta::str_at(r, &["kind"]).unwrap_or(""),
            meta::str_at(r, &["name"]).unwrap_or("")
        );
    }
    String::new()
}

/// `describeIngressV1`.
pub fn ingress(world: &World, ing: &Value, evs: &[Value], now: Millis) -> String {
    let mut w = Writer::default();
    let ns = meta::namespace(ing);
    w.line(LEVEL_0, &format!("Name:\t{}", meta::name(ing)));
    labels_multiline(&mut w, "Labels", meta::path(ing, &["metadata", "labels"]));
    w.line(LEVEL_0, &format!("Namespace:\t{ns}"));
    let mut addrs: Vec<String> = array(ing, &["status", "loadBalancer", "ingress"])
        .iter()
        .filter_map(|i| {
            i.get("ip")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .or_else(|| i.get("hostname").and_then(Value::as_str))
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        })
        .collect();
    addrs.sort();
    addrs.dedup();
    w.line(LEVEL_0, &format!("Address:\t{}", addrs.join(",")));
    w.line(
        LEVEL_0,
        &format!(
            "Ingress Class:\t{}",
            meta::str_at(ing, &["spec", "ingressClassName"]).unwrap_or("<none>")
        ),
    );
    let default = match meta::path(ing, &["spec", "defaultBackend"]).filter(|d| d.is_object()) {
        Some(d) => backend(world, ns, d),
        None => "<default>".into(),
    };
    w.line(LEVEL_0, &format!("Default backend:\t{default}"));
    let tls = array(ing, &["spec", "tls"]);
    if !tls.is_empty() {
        w.line(LEVEL_0, "TLS:");
        for t in tls {
            let hosts: Vec<&str> = array(t, &["hosts"])
                .iter()
                .filter_map(Value::as_str)
                .collect();
            match meta::str_at(t, &["secretName"]).filter(|s| !s.is_empty()) {
                None => w.line(LEVEL_1, &format!("SNI routes {}", hosts.join(","))),
                Some(s) => w.line(LEVEL_1, &format!("{s} terminates {}", hosts.join(","))),
            }
        }
    }
    w.line(LEVEL_0, "Rules:\n  Host\tPath\tBackends");
    w.line(LEVEL_1, "----\t----\t--------");
    let mut count = 0;
    for rule in array(ing, &["spec", "rules"]) {
        let Some(http) = rule.get("http").filter(|h| h.is_object()) else {
            continue;
        };
        count += 1;
        let host = meta::str_at(rule, &["host"])
            .filter(|h| !h.is_empty())
            .unwrap_or("*");
        w.line(LEVEL_1, &format!("{host}\t"));
        for p in array(http, &["paths"]) {
            let b = p.get("backend").cloned().unwrap_or(Value::Null);
            w.line(
                LEVEL_2,
                &format!(
                    "\t{} \t{}",
                    meta::str_at(p, &["path"]).unwrap_or(""),
                    backend(world, ns, &b)
                ),
            );
        }
    }
    if count == 0 {
        w.line(LEVEL_1, &format!("*\t*\t{default}"));
    }
    annotations_multiline(
        &mut w,
        "Annotations",
        meta::path(ing, &["metadata", "annotations"]),
    );
    events(&mut w, evs, now);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn slices_format_as_kubectl_formats_them() {
        let s = json!({"ports": [{"name": "", "port": 80}],
            "endpoints": [{"addresses": ["10.0.0.1"], "conditions": {"ready": true}},
                {"addresses": ["10.0.0.2"], "conditions": {"ready": false}},
                {"addresses": ["10.0.0.3"]}]});
        assert_eq!(
            format_endpoint_slices(std::slice::from_ref(&s), ""),
            "10.0.0.1:80,10.0.0.3:80"
        );
        assert_eq!(format_endpoint_slices(&[s], "http"), "");
        assert_eq!(format_endpoint_slices(&[], ""), "<none>");
    }
}
