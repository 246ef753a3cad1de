//! `kubectl describe endpointslice` (`kubectl pkg/describe/describe.go`:
//! `describeEndpointSliceV1`).

use serde_json::Value;

use super::common::{annotations_multiline, events, labels_multiline};
use super::writer::{LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, Writer};
use crate::world::api::meta;
use crate::world::clock::Millis;

fn array<'a>(obj: &'a Value, key: &str) -> &'a [Value] {
    obj.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// A pointer field as the describer prints it: `<unset>` when absent.
fn or_unset(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => "<unset>".into(),
    }
}

/// `describeEndpointSliceV1`.
pub fn endpointslice(eps: &Value, evs: &[Value], now: Millis) -> String {
    let mut w = Writer::default();
    w.line(LEVEL_0, &format!("Name:\t{}", meta::name(eps)));
    w.line(LEVEL_0, &format!("Namespace:\t{}", meta::namespace(eps)));
    labels_multiline(&mut w, "Labels", meta::path(eps, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        meta::path(eps, &["metadata", "annotations"]),
    );
    w.line(
        LEVEL_0,
        &format!(
            "AddressType:\t{}",
            eps.get("addressType").and_then(Value::as_str).unwrap_or("")
        ),
    );
    let ports = array(eps, "ports");
    if ports.is_empty() {
        w.line(LEVEL_0, "Ports: <unset>");
    } else {
        w.line(LEVEL_0, "Ports:");
        w.line(LEVEL_1, "Name\tPort\tProtocol");
        w.line(LEVEL_1, "----\t----\t--------");
        for p in ports {
            let name = p
                .get("name")
                .and_then(Value::as_str)
                .filter(|n| !n.is_empty())
                .unwrap_or("<unset>");
            let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("");
            w.line(
                LEVEL_1,
                &format!("{name}\t{}\t{proto}", or_unset(p.get("port"))),
            );
        }
    }
    let endpoints = array(eps, "endpoints");
    if endpoints.is_empty() {
        w.line(LEVEL_0, "Endpoints: <none>");
    } else {
        w.line(LEVEL_0, "Endpoints:");
        for e in endpoints {
            let addrs: Vec<&str> = array(e, "addresses")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            let addrs = if addrs.is_empty() {
                "<none>".to_string()
            } else {
                addrs.join(", ")
            };
            w.line(LEVEL_1, &format!("- Addresses:\t{addrs}"));
            w.line(LEVEL_2, "Conditions:");
            w.line(
                LEVEL_3,
                &format!(
                    "Ready:\t{}",
                    or_unset(meta::path(e, &["conditions", "ready"]))
                ),
            );
            w.line(
                LEVEL_2,
                &format!("Hostname:\t{}", or_unset(e.get("hostname"))),
            );
            if let Some(t) = e.get("targetRef").filter(|t| t.is_object()) {
                w.line(
                    LEVEL_2,
                    &format!(
                        "TargetRef:\t{}/{}",
                        t.get("kind").and_then(Value::as_str).unwrap_or(""),
                        t.get("name").and_then(Value::as_str).unwrap_or("")
                    ),
                );
            }
            w.line(
                LEVEL_2,
                &format!("NodeName:\t{}", or_unset(e.get("nodeName"))),
            );
            w.line(LEVEL_2, &format!("Zone:\t{}", or_unset(e.get("zone"))));
        }
    }
    events(&mut w, evs, now);
    w.finish()
}
