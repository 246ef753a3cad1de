//! `kubectl get` columns of the traffic kinds: EndpointSlice (the apiserver's table convertor,
//! `pkg/printers/internalversion/printers.go`: `printEndpointSlice`) and OpenShift's Route
//! (openshift-apiserver's route printer: `NAME HOST/PORT PATH SERVICES PORT TERMINATION
//! WILDCARD`).

use crate::world::api::kinds;
use serde_json::Value;

use super::age::age;
use crate::world::api::meta;
use crate::world::clock::Millis;

type Headers = (Vec<&'static str>, Vec<&'static str>);

/// The (normal, `-o wide`) headers of a kind this file prints, `None` for the others.
pub fn headers(kind: &str) -> Option<Headers> {
    Some(match kind {
        kinds::ENDPOINT_SLICE => (
            vec!["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"],
            vec![],
        ),
        kinds::ROUTE => (
            vec![
                "NAME",
                "HOST/PORT",
                "PATH",
                "SERVICES",
                "PORT",
                "TERMINATION",
                "WILDCARD",
            ],
            vec![],
        ),
        _ => return None,
    })
}

/// The cells of one object of a kind this file prints.
pub fn cells(kind: &str, obj: &Value, _wide: bool, now: Millis) -> Option<Vec<String>> {
    Some(match kind {
        kinds::ENDPOINT_SLICE => vec![
            meta::name(obj).to_string(),
            meta::str_at(obj, &["addressType"])
                .unwrap_or("")
                .to_string(),
            discovery_ports(obj),
            discovery_endpoints(obj),
            age(meta::str_at(obj, &["metadata", "creationTimestamp"]), now),
        ],
        kinds::ROUTE => super::routes::cells(obj),
        _ => return None,
    })
}

/// `listWithMoreString`: up to three items, `+ N more...` beyond, `<unset>` for none.
fn list_with_more(list: Vec<String>, count: usize) -> String {
    const MAX: usize = 3;
    let ret = list.join(",");
    if count > MAX {
        return format!("{ret} + {} more...", count - MAX);
    }
    if ret.is_empty() {
        "<unset>".into()
    } else {
        ret
    }
}

/// `formatDiscoveryPorts`: each port's number, else its name, else `*`.
fn discovery_ports(obj: &Value) -> String {
    let ports = meta::path(obj, &["ports"])
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let list = ports
        .iter()
        .take(3)
        .map(|p| match p.get("port").and_then(Value::as_i64) {
            Some(n) => n.to_string(),
            None => p
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("*")
                .to_string(),
        })
        .collect();
    list_with_more(list, ports.len())
}

/// `formatDiscoveryEndpoints`: the endpoints' addresses.
fn discovery_endpoints(obj: &Value) -> String {
    let addrs: Vec<String> = meta::path(obj, &["endpoints"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|e| {
            e.get("addresses")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    let count = addrs.len();
    list_with_more(addrs.into_iter().take(3).collect(), count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn slice_columns_follow_upstream() {
        let s = json!({"ports": [{"name": "", "port": 80}, {"name": "x"}],
            "endpoints": [{"addresses": ["10.0.0.1"]}, {"addresses": ["10.0.0.2"]},
                {"addresses": ["10.0.0.3"]}, {"addresses": ["10.0.0.4"]}]});
        assert_eq!(discovery_ports(&s), "80,x");
        assert_eq!(
            discovery_endpoints(&s),
            "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more..."
        );
        let empty = json!({"endpoints": null});
        assert_eq!(discovery_ports(&empty), "<unset>");
        assert_eq!(discovery_endpoints(&empty), "<unset>");
    }
}
