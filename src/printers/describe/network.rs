//! `kubectl describe service|endpoints` (`kubectl pkg/describe/describe.go`: `describeService`
//! with `formatEndpointSlices`, `describeEndpoints`).
//!
//! kubectl reads a Service's endpoints from its EndpointSlices. kubelab serves Endpoints, not
//! EndpointSlices: the slices are read off the Endpoints object the endpoints controller
//! keeps, one slice per subset, as the EndpointSlice controller would publish the same
//! addresses (ready addresses ready, not-ready ones not ready). A Service with a selector always
//! has its controller's slice (possibly empty: `Endpoints:` then shows nothing); one without a
//! selector has slices only when someone wrote its Endpoints (mirrored).

use crate::world::api::kinds;
use serde_json::Value;

use super::batch::format_labels;
use super::common::{annotations_multiline, events, labels_multiline};
use super::writer::{LEVEL_0, LEVEL_1, LEVEL_2, Writer};
use crate::world::World;
use crate::world::api::meta;
use crate::world::clock::Millis;

fn str_at<'a>(obj: &'a Value, keys: &[&str]) -> &'a str {
    meta::str_at(obj, keys).unwrap_or("")
}

fn strings(obj: &Value, keys: &[&str]) -> Vec<String> {
    meta::path(obj, keys)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn array<'a>(obj: &'a Value, keys: &[&str]) -> &'a [Value] {
    meta::path(obj, keys)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// `net.JoinHostPort`.
fn host_port(ip: &str, port: i64) -> String {
    if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    }
}

/// `formatEndpointSlices` over the slices of the Service's Endpoints (`None`: no slice).
fn format_endpoints(subsets: Option<&[Value]>, port_name: &str) -> String {
    let Some(subsets) = subsets else {
        return "<none>".into();
    };
    const MAX: usize = 3;
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0;
    for subset in subsets {
        let ready: Vec<&str> = array(subset, &["addresses"])
            .iter()
            .map(|a| str_at(a, &["ip"]))
            .collect();
        let ports = array(subset, &["ports"]);
        if ports.is_empty() {
            for ip in &ready {
                if list.len() == MAX {
                    more = true;
                }
                if !more {
                    list.push(ip.to_string());
                }
                count += 1;
            }
            continue;
        }
        for p in ports {
            if str_at(p, &["name"]) != port_name {
                continue;
            }
            let port = meta::int_at(p, &["port"]).unwrap_or(0);
            for ip in &ready {
                if list.len() == MAX {
                    more = true;
                }
                if !more {
                    list.push(host_port(ip, port));
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

/// The Service's endpoint slices, as subsets (see the module's comment).
fn slices(world: &World, svc: &Value) -> Option<Vec<Value>> {
    let ep = world.object(kinds::ENDPOINTS, meta::namespace(svc), meta::name(svc));
    let has_selector = !meta::string_map(svc, &["spec", "selector"]).is_empty();
    match ep {
        Some(ep) => Some(array(ep, &["subsets"]).to_vec()),
        None if has_selector => Some(Vec::new()),
        None => None,
    }
}

/// `describeService`.
pub fn service(world: &World, svc: &Value, evs: &[Value], now: Millis) -> String {
    let mut w = Writer::default();
    w.line(LEVEL_0, &format!("Name:\t{}", meta::name(svc)));
    w.line(LEVEL_0, &format!("Namespace:\t{}", meta::namespace(svc)));
    labels_multiline(&mut w, "Labels", meta::path(svc, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        meta::path(svc, &["metadata", "annotations"]),
    );
    w.line(
        LEVEL_0,
        &format!("Selector:\t{}", format_labels(svc, &["spec", "selector"])),
    );
    w.line(
        LEVEL_0,
        &format!("Type:\t{}", str_at(svc, &["spec", "type"])),
    );
    if let Some(p) = meta::str_at(svc, &["spec", "ipFamilyPolicy"]) {
        w.line(LEVEL_0, &format!("IP Family Policy:\t{p}"));
    }
    let or_none = |v: Vec<String>| {
        if v.is_empty() {
            "<none>".to_string()
        } else {
            v.join(",")
        }
    };
    w.line(
        LEVEL_0,
        &format!(
            "IP Families:\t{}",
            or_none(strings(svc, &["spec", "ipFamilies"]))
        ),
    );
    w.line(
        LEVEL_0,
        &format!("IP:\t{}", str_at(svc, &["spec", "clusterIP"])),
    );
    w.line(
        LEVEL_0,
        &format!("IPs:\t{}", or_none(strings(svc, &["spec", "clusterIPs"]))),
    );
    let external = strings(svc, &["spec", "externalIPs"]);
    if !external.is_empty() {
        w.line(LEVEL_0, &format!("External IPs:\t{}", external.join(",")));
    }
    if let Some(ip) = meta::str_at(svc, &["spec", "loadBalancerIP"]).filter(|s| !s.is_empty()) {
        w.line(LEVEL_0, &format!("Desired LoadBalancer IP:\t{ip}"));
    }
    if let Some(n) = meta::str_at(svc, &["spec", "externalName"]).filter(|s| !s.is_empty()) {
        w.line(LEVEL_0, &format!("External Name:\t{n}"));
    }
    let ingress: Vec<String> = array(svc, &["status", "loadBalancer", "ingress"])
        .iter()
        .map(
            |i| match meta::str_at(i, &["ip"]).filter(|s| !s.is_empty()) {
                Some(ip) => match meta::str_at(i, &["ipMode"]) {
                    Some(m) => format!("{ip} ({m})"),
                    None => ip.to_string(),
                },
                None => str_at(i, &["hostname"]).to_string(),
            },
        )
        .collect();
    if !ingress.is_empty() {
        w.line(
            LEVEL_0,
            &format!("LoadBalancer Ingress:\t{}", ingress.join(", ")),
        );
    }
    let slices = slices(world, svc);
    for sp in array(svc, &["spec", "ports"]) {
        let raw_name = str_at(sp, &["name"]);
        let name = if raw_name.is_empty() {
            "<unset>"
        } else {
            raw_name
        };
        let proto = str_at(sp, &["protocol"]);
        let port = meta::int_at(sp, &["port"]).unwrap_or(0);
        w.line(LEVEL_0, &format!("Port:\t{name}\t{port}/{proto}"));
        let target = match sp.get("targetPort") {
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::String(s)) => s.clone(),
            _ => "0".to_string(),
        };
        w.line(LEVEL_0, &format!("TargetPort:\t{target}/{proto}"));
        if let Some(np) = meta::int_at(sp, &["nodePort"]).filter(|n| *n != 0) {
            w.line(LEVEL_0, &format!("NodePort:\t{name}\t{np}/{proto}"));
        }
        w.line(
            LEVEL_0,
            &format!(
                "Endpoints:\t{}",
                format_endpoints(slices.as_deref(), raw_name)
            ),
        );
    }
    w.line(
        LEVEL_0,
        &format!(
            "Session Affinity:\t{}",
            str_at(svc, &["spec", "sessionAffinity"])
        ),
    );
    if let Some(p) = meta::str_at(svc, &["spec", "externalTrafficPolicy"]).filter(|s| !s.is_empty())
    {
        w.line(LEVEL_0, &format!("External Traffic Policy:\t{p}"));
    }
    if let Some(p) = meta::str_at(svc, &["spec", "internalTrafficPolicy"]) {
        w.line(LEVEL_0, &format!("Internal Traffic Policy:\t{p}"));
    }
    if let Some(p) = meta::int_at(svc, &["spec", "healthCheckNodePort"]).filter(|p| *p != 0) {
        w.line(LEVEL_0, &format!("HealthCheck NodePort:\t{p}"));
    }
    let ranges = strings(svc, &["spec", "loadBalancerSourceRanges"]);
    if !ranges.is_empty() {
        w.line(
            LEVEL_0,
            &format!("LoadBalancer Source Ranges:\t{}", ranges.join(",")),
        );
    }
    events(&mut w, evs, now);
    w.finish()
}

/// `describeEndpoints`.
pub fn endpoints(ep: &Value, evs: &[Value], now: Millis) -> String {
    let mut w = Writer::default();
    w.line(LEVEL_0, &format!("Name:\t{}", meta::name(ep)));
    w.line(LEVEL_0, &format!("Namespace:\t{}", meta::namespace(ep)));
    labels_multiline(&mut w, "Labels", meta::path(ep, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        meta::path(ep, &["metadata", "annotations"]),
    );
    w.line(LEVEL_0, "Subsets:");
    for subset in array(ep, &["subsets"]) {
        let ips = |k: &str| {
            let v: Vec<&str> = array(subset, &[k])
                .iter()
                .map(|a| str_at(a, &["ip"]))
                .collect();
            if v.is_empty() {
                "<none>".to_string()
            } else {
                v.join(",")
            }
        };
        w.line(LEVEL_1, &format!("Addresses:\t{}", ips("addresses")));
        w.line(
            LEVEL_1,
            &format!("NotReadyAddresses:\t{}", ips("notReadyAddresses")),
        );
        let ports = array(subset, &["ports"]);
        if !ports.is_empty() {
            w.line(LEVEL_1, "Ports:");
            w.line(LEVEL_2, "Name\tPort\tProtocol");
            w.line(LEVEL_2, "----\t----\t--------");
            for p in ports {
                let name = match str_at(p, &["name"]) {
                    "" => "<unset>",
                    n => n,
                };
                w.line(
                    LEVEL_2,
                    &format!(
                        "{name}\t{}\t{}",
                        meta::int_at(p, &["port"]).unwrap_or(0),
                        str_at(p, &["protocol"])
                    ),
                );
            }
        }
        w.line(LEVEL_0, "");
    }
    events(&mut w, evs, now);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn endpoints_are_listed_three_then_counted() {
        let subsets = vec![json!({
            "addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}, {"ip": "10.0.0.3"}, {"ip": "10.0.0.4"}, {"ip": "10.0.0.5"}],
            "notReadyAddresses": [{"ip": "10.0.0.9"}],
            "ports": [{"name": "", "port": 80, "protocol": "TCP"}]
        })];
        assert_eq!(
            format_endpoints(Some(&subsets), ""),
            "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more..."
        );
        assert_eq!(format_endpoints(Some(&subsets), "http"), "");
        assert_eq!(format_endpoints(Some(&[]), ""), "");
        assert_eq!(format_endpoints(None, ""), "<none>");
        assert_eq!(host_port("fd00::1", 80), "[fd00::1]:80");
    }
}
