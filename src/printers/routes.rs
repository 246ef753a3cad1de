//! OpenShift Routes as oc prints them: the `oc get route` row (openshift-apiserver's route
//! table convertor) and `oc describe route` (openshift/oc `pkg/helpers/describe`:
//! `RouteDescriber`, tabwriter 0,8,1 with TABs).

use serde_json::Value;

use super::tabwriter::align;
use super::units::human_duration;
use crate::world::api::meta;
use crate::world::clock::{Millis, parse_rfc3339};

fn text<'a>(v: &'a Value, keys: &[&str]) -> &'a str {
    meta::str_at(v, keys).unwrap_or("")
}

fn ingresses(route: &Value) -> &[Value] {
    meta::path(route, &["status", "ingress"])
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// `ingressConditionStatus(ingress, Admitted)`: the status and the condition.
fn admitted(ingress: &Value) -> (&str, Option<&Value>) {
    ingress
        .get("conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|c| c.get("type").and_then(Value::as_str) == Some("Admitted"))
        .map(|c| {
            (
                c.get("status").and_then(Value::as_str).unwrap_or(""),
                Some(c),
            )
        })
        .unwrap_or(("Unknown", None))
}

/// An IntOrString as Go's `String()` prints it.
fn int_or_string(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => "0".into(),
    }
}

/// The TLS termination and insecure policy.
fn tls(route: &Value) -> (&str, &str) {
    (
        text(route, &["spec", "tls", "termination"]),
        text(route, &["spec", "tls", "insecureEdgeTerminationPolicy"]),
    )
}

/// The backends: `spec.to` then the alternate backends, as (name, weight).
fn backends(route: &Value) -> Vec<(String, Option<i64>)> {
    let one = |b: &Value| {
        (
            text(b, &["name"]).to_string(),
            b.get("weight").and_then(Value::as_i64),
        )
    };
    let mut out = vec![one(
        meta::path(route, &["spec", "to"]).unwrap_or(&Value::Null)
    )];
    out.extend(
        meta::path(route, &["spec", "alternateBackends"])
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(one),
    );
    out
}

/// The cells of `oc get route`: NAME HOST/PORT PATH SERVICES PORT TERMINATION WILDCARD.
pub fn cells(route: &Value) -> Vec<String> {
    let spec_host = text(route, &["spec", "host"]);
    let mut host = spec_host.to_string();
    let (mut matched, mut reason) = (false, String::new());
    let (mut ok, mut errors) = (0, 0);
    for ing in ingresses(route) {
        match admitted(ing) {
            ("True", _) => {
                ok += 1;
                if !matched {
                    matched = text(ing, &["host"]) == spec_host;
                    host = text(ing, &["host"]).to_string();
                }
            }
            ("False", c) => {
                reason = c.map(|c| text(c, &["reason"])).unwrap_or("").to_string();
                errors += 1;
            }
            _ => {}
        }
    }
    if meta::path(route, &["status", "ingress"]).is_some_and(|i| !i.is_null()) {
        host = match () {
            _ if ok == 0 && errors > 0 => reason,
            _ if errors > 0 => format!("{host} ... {errors} rejected"),
            _ if ok == 0 => "Pending".into(),
            _ if ok > 1 => format!("{host} ... {} more", ok - 1),
            _ => host,
        };
    }
    let (term, insecure) = tls(route);
    let policy = match (term.is_empty(), insecure.is_empty()) {
        (false, false) => format!("{term}/{insecure}"),
        (false, true) => term.to_string(),
        (true, false) => format!("default/{insecure}"),
        (true, true) => String::new(),
    };
    let bs = backends(route);
    let total: i64 = bs.iter().filter_map(|b| b.1).sum();
    let info: Vec<String> = bs
        .iter()
        .map(|(name, w)| match w {
            None => name.clone(),
            Some(_) if bs.len() == 1 && total != 0 => name.clone(),
            Some(_) if total == 0 => format!("{name}(0%)"),
            Some(w) => format!("{name}({}%)", w * 100 / total),
        })
        .collect();
    let port = match meta::path(route, &["spec", "port"]) {
        Some(p) if p.is_object() => int_or_string(p.get("targetPort")),
        _ => "<all>".into(),
    };
    vec![
        meta::name(route).to_string(),
        host,
        text(route, &["spec", "path"]).to_string(),
        info.join(","),
        port,
        policy,
        text(route, &["spec", "wildcardPolicy"]).to_string(),
    ]
}

/// `formatString`: an empty value is `<none>`.
fn field(s: &mut String, label: &str, v: &str) {
    let v = if v.is_empty() { "<none>" } else { v };
    for (i, line) in v.split('\n').enumerate() {
        if i == 0 {
            s.push_str(&format!("{label}:\t{line}\n"));
        } else {
            s.push_str(&format!("\t{line}\n"));
        }
    }
}

/// `formatMapStringString`.
fn map_field(s: &mut String, label: &str, m: &[(String, String)]) {
    if m.is_empty() {
        field(s, label, "");
        return;
    }
    for (i, (k, v)) in m.iter().enumerate() {
        if i == 0 {
            field(s, label, &format!("{k}={v}"));
        } else {
            s.push_str(&format!("\t{k}={v}\n"));
        }
    }
}

/// `formatRouteIngress`.
fn route_ingress(s: &mut String, short: bool, ing: &Value, now: Millis) {
    let canonical = text(ing, &["routerCanonicalHostname"]);
    let host_name = if canonical.is_empty() {
        String::new()
    } else {
        format!(" (host {canonical})")
    };
    let router = text(ing, &["routerName"]);
    let since = |c: &Value| {
        meta::str_at(c, &["lastTransitionTime"])
            .and_then(parse_rfc3339)
            .map(|t| human_duration(now - t).to_lowercase())
    };
    match admitted(ing) {
        ("True", c) => {
            s.push_str("\t  ");
            if !short {
                s.push_str(text(ing, &["host"]));
            }
            s.push_str(&format!(" exposed on router {router}{host_name}"));
            if let Some(ago) = c.and_then(since) {
                s.push_str(&format!(" {ago} ago"));
            }
            s.push('\n');
        }
        ("False", c) => {
            let reason = c.map(|c| text(c, &["reason"])).unwrap_or("");
            s.push_str(&format!(
                "\trejected by router {router}: {host_name}{reason}"
            ));
            if let Some(ago) = c.and_then(since) {
                s.push_str(&format!(" ({ago} ago)"));
            }
            s.push('\n');
            let msg = c.map(|c| text(c, &["message"])).unwrap_or("");
            if !msg.is_empty() {
                s.push_str(&format!("\t  {msg}\n"));
            }
        }
        _ => {}
    }
}

/// `RouteDescriber.Describe`. `endpoints(name)`: the backend Service's Endpoints object
/// (`None`: not found, printed as the client's error).
pub fn describe_route(
    route: &Value,
    endpoints: &dyn Fn(&str) -> Result<Value, String>,
    now: Millis,
) -> String {
    let mut s = String::new();
    field(&mut s, "Name", meta::name(route));
    if !meta::namespace(route).is_empty() {
        field(&mut s, "Namespace", meta::namespace(route));
    }
    if let Some(t) = meta::str_at(route, &["metadata", "creationTimestamp"]).and_then(parse_rfc3339)
    {
        s.push_str(&format!("Created:\t{} ago\n", human_duration(now - t)));
    }
    let labels: Vec<(String, String)> = meta::labels(route).into_iter().collect();
    map_field(&mut s, "Labels", &labels);
    let mut anns = meta::annotations(route);
    if let Some(d) = anns.remove("description").filter(|d| !d.is_empty()) {
        field(&mut s, "Description", &d);
    }
    let anns: Vec<(String, String)> = anns.into_iter().collect();
    map_field(&mut s, "Annotations", &anns);
    let spec_host = text(route, &["spec", "host"]);
    if !spec_host.is_empty() {
        field(&mut s, "Requested Host", spec_host);
        for ing in ingresses(route) {
            if text(ing, &["host"]) == spec_host {
                route_ingress(&mut s, true, ing, now);
            }
        }
    } else {
        field(&mut s, "Requested Host", "<auto>");
    }
    for ing in ingresses(route) {
        if text(ing, &["host"]) != spec_host {
            route_ingress(&mut s, false, ing, now);
        }
    }
    field(&mut s, "Path", text(route, &["spec", "path"]));
    let (term, insecure) = tls(route);
    field(&mut s, "TLS Termination", term);
    field(&mut s, "Insecure Policy", insecure);
    let target = meta::path(route, &["spec", "port"])
        .filter(|p| p.is_object())
        .map(|p| p.get("targetPort"));
    match target {
        Some(t) => field(&mut s, "Endpoint Port", &int_or_string(t)),
        None => field(&mut s, "Endpoint Port", "<all endpoint ports>"),
    }
    let bs = backends(route);
    let total: i64 = bs.iter().filter_map(|b| b.1).sum();
    // Without `spec.port` the describer filters on an empty IntOrString (port 0, name "0").
    let filter = target.map(int_or_string).unwrap_or_else(|| "0".into());
    for (name, weight) in &bs {
        s.push('\n');
        field(&mut s, "Service", name);
        let w = weight.unwrap_or(0);
        if w > 0 {
            s.push_str(&format!("Weight:\t{w} ({}%)\n", w * 100 / total.max(1)));
        } else {
            field(&mut s, "Weight", "0");
        }
        let ep = match endpoints(name) {
            Ok(ep) => ep,
            Err(e) => {
                field(&mut s, "Endpoints", &format!("<error: {e}>"));
                continue;
            }
        };
        let subsets = ep
            .get("subsets")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        if subsets.is_empty() {
            field(&mut s, "Endpoints", "<none>");
            continue;
        }
        let mut list = Vec::new();
        let mut count = 0;
        for ss in subsets {
            for p in ss
                .get("ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let pname = text(p, &["name"]);
                let pnum = p.get("port").and_then(Value::as_i64).unwrap_or(0);
                let as_int = filter.parse::<i64>().unwrap_or(0);
                if filter != pname && as_int != pnum {
                    continue;
                }
                for a in ss
                    .get("addresses")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if list.len() < 3 {
                        list.push(format!("{}:{pnum}", text(a, &["ip"])));
                    }
                    count += 1;
                }
            }
        }
        let mut ends = list.join(", ");
        if count > 3 {
            ends.push_str(&format!(" + {} more...", count - 3));
        }
        field(&mut s, "Endpoints", &ends);
    }
    align(&s, 0, 8, 1, '\t')
}
