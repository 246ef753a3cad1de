//! Routes from the command line (openshift/oc `pkg/cli/expose/expose.go`,
//! `pkg/cli/create/route.go`, `routeedge.go`, `routepassthrough.go`, `routereenecrypt.go`):
//! `oc expose svc/NAME` makes an unsecured Route of a Service (its labels, its first TCP
//! port's name, or its target port when unnamed, as the target port), `oc create route
//! edge|passthrough|reencrypt [NAME] --service=SVC` a secured one.

use serde_json::{Map, Value, json};

use crate::kubectl::common::dry_run;
use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::output::{self, OBJECT_FORMATS, Output};
use crate::printers::name::{DryRun, qualified_name, success};
use crate::world::api::{kinds, meta};

/// The Service an `oc expose` command line names (`svc/x`, `service x`, ...), if it names one.
fn exposed_service(args: &[String]) -> Option<String> {
    const SERVICE: &[&str] = &["svc", "service", "services"];
    match args {
        [one] => {
            let (t, n) = one.split_once('/')?;
            SERVICE.contains(&t).then(|| n.to_string())
        }
        [t, n] if SERVICE.contains(&t.as_str()) && !n.contains('/') => Some(n.clone()),
        _ => None,
    }
}

/// `resolveRoutePort`: a number or a port name.
fn route_port(s: &str) -> Option<Value> {
    if s.is_empty() {
        return None;
    }
    Some(json!({"targetPort": match s.parse::<i64>() {
        Ok(n) => json!(n),
        Err(_) => json!(s),
    }}))
}

/// `UnsecuredRoute`: the Route of `service` (an error when the Service is missing and no
/// port is given). `force_port`: `oc expose` always sets the target port.
fn unsecured_route(
    ctx: &mut Ctx<'_>,
    ns: &str,
    name: &str,
    service: &str,
    port: &str,
    force_port: bool,
) -> Result<Value, Failure> {
    let name = if name.is_empty() { service } else { name };
    let mut md = Map::new();
    md.insert("name".into(), json!(name));
    let mut spec = Map::new();
    spec.insert(
        "to".into(),
        json!({"kind": "", "name": service, "weight": null}),
    );
    let svc_kind =
        kinds::by_kind(kinds::SERVICE).ok_or_else(|| Failure::Message("no Service kind".into()))?;
    match ctx.world.get(svc_kind, ns, service) {
        Err(_) => {
            if port.is_empty() {
                return Err(Failure::Message(
                    "you need to provide a route port via --port when exposing a non-existent service".into(),
                ));
            }
            spec.insert("port".into(), route_port(port).unwrap_or(Value::Null));
        }
        Ok(svc) => {
            let tcp = meta::path(&svc, &["spec", "ports"])
                .and_then(Value::as_array)
                .and_then(|ps| {
                    ps.iter()
                        .find(|p| p.get("protocol").and_then(Value::as_str) == Some("TCP"))
                })
                .cloned();
            let Some(tcp) = tcp else {
                return Err(Failure::Message(format!(
                    "service \"{service}\" doesn't support TCP"
                )));
            };
            if let Some(l) = meta::path(&svc, &["metadata", "labels"])
                .filter(|l| l.as_object().is_some_and(|m| !m.is_empty()))
            {
                md.insert("labels".into(), l.clone());
            }
            let pname = tcp.get("name").and_then(Value::as_str).unwrap_or("");
            if (!pname.is_empty() || force_port) && port.is_empty() {
                let p = if pname.is_empty() {
                    let first = meta::path(&svc, &["spec", "ports", "0", "targetPort"]);
                    match first {
                        Some(Value::Number(n)) => n.to_string(),
                        Some(Value::String(s)) => s.clone(),
                        _ => "0".into(),
                    }
                } else {
                    pname.to_string()
                };
                if let Some(rp) = route_port(&p) {
                    spec.insert("port".into(), rp);
                }
            }
            if let Some(rp) = route_port(port) {
                spec.insert("port".into(), rp);
            }
        }
    }
    md.insert("namespace".into(), json!(ns));
    Ok(
        json!({"apiVersion": "route.openshift.io/v1", "kind": kinds::ROUTE, "metadata": md, "spec": spec}),
    )
}

/// Strips what the client leaves unset (`kind: ""`, `weight: null`) before the API server's
/// defaults fill them.
fn tidy(route: &mut Value) {
    if let Some(to) = route
        .get_mut("spec")
        .and_then(|s| s.get_mut("to"))
        .and_then(Value::as_object_mut)
    {
        to.retain(|_, v| !v.is_null() && v != "");
    }
}

/// Creates the Route (unless `--dry-run=client`) and prints it as oc does.
fn create_and_print(ctx: &mut Ctx<'_>, f: &dyn Flags, mut route: Value, verb: &str) -> CmdResult {
    let dry = dry_run(f)?;
    let out = output::parse(f.string("output").as_deref(), OBJECT_FORMATS, &*ctx.files)?;
    let k = kinds::by_kind(kinds::ROUTE).ok_or_else(|| Failure::Message("no Route kind".into()))?;
    let result = if dry == DryRun::Client {
        // The client's object as oc serializes it: the namespace only when one was given.
        if !f.changed("namespace")
            && let Some(m) = route.get_mut("metadata").and_then(Value::as_object_mut)
        {
            m.remove("namespace");
        }
        meta::set_path(&mut route, &["metadata", "creationTimestamp"], Value::Null);
        route["status"] = json!({});
        route
    } else {
        tidy(&mut route);
        ctx.world.create(route, dry == DryRun::Server)?
    };
    match out {
        Output::Default => ctx.io.out(&success(k, meta::name(&result), verb, dry)),
        Output::Name => ctx
            .io
            .out(&format!("{}\n", qualified_name(k, meta::name(&result)))),
        o => ctx
            .io
            .out(&output::print_structured(&o, &[result], false, true)?),
    }
    Ok(())
}

/// `oc expose` of a Service: `None` when the command line names something else (kubectl's
/// expose then makes a Service of it).
pub fn expose(ctx: &mut Ctx<'_>, f: &dyn Flags) -> Option<CmdResult> {
    if !f.strings("filename").is_empty() {
        return None;
    }
    let service = exposed_service(f.args())?;
    Some((|| {
        if f.string("type").is_some_and(|t| !t.is_empty()) {
            return Err(Failure::Message(
                "cannot use --type when exposing route".into(),
            ));
        }
        let wildcard = f.string("wildcard-policy").unwrap_or_default();
        if !wildcard.is_empty() && wildcard != "Subdomain" && wildcard != "None" {
            return Err(Failure::Message(
                "only \"Subdomain\" or \"None\" are supported for wildcard-policy".into(),
            ));
        }
        let ns = ctx.namespace(f.string("namespace").as_deref());
        // The builder resolves the Service first: a missing one is the server's NotFound.
        let svc_kind = kinds::by_kind(kinds::SERVICE)
            .ok_or_else(|| Failure::Message("no Service kind".into()))?;
        ctx.world.get(svc_kind, &ns, &service)?;
        let name = f.string("name").unwrap_or_default();
        let port = f.string("port").unwrap_or_default();
        let mut route = unsecured_route(ctx, &ns, &name, &service, &port, true)?;
        if let Some(l) = f.string("labels").filter(|l| !l.is_empty()) {
            for part in l.split(',') {
                let Some((k, v)) = part.split_once('=') else {
                    return Err(Failure::Message(format!(
                        "unable to parse labels: unexpected label spec: {part}"
                    )));
                };
                meta::set_path(&mut route, &["metadata", "labels", k], json!(v));
            }
        }
        for (flag, field) in [
            ("hostname", "host"),
            ("path", "path"),
            ("wildcard-policy", "wildcardPolicy"),
        ] {
            if let Some(v) = f.string(flag).filter(|v| !v.is_empty()) {
                route["spec"][field] = json!(v);
            }
        }
        create_and_print(ctx, f, route, "exposed")
    })())
}

/// `oc create route edge|passthrough|reencrypt [NAME] --service=SVC`.
pub fn create(ctx: &mut Ctx<'_>, f: &dyn Flags, termination: &str) -> CmdResult {
    let service = f.string("service").unwrap_or_default();
    let service = match service.split_once('/') {
        None => service,
        Some(("svc" | "service" | "services", n)) => n.to_string(),
        Some((t, _)) => {
            let what = ctx
                .world
                .resolve_kind(t)
                .map(|k| k.qualified_plural())
                .unwrap_or_else(|| t.to_string());
            return Err(Failure::Message(format!("cannot expose {what} as routes")));
        }
    };
    if service.is_empty() {
        return Err(Failure::Message(
            "you need to provide a service name via --service".into(),
        ));
    }
    let args = f.args();
    if args.len() > 1 {
        return Err(Failure::Usage {
            command: f.command_line_name(),
            message: format!("exactly one NAME is required, got {}", args.len()),
        });
    }
    let ns = ctx.namespace(f.string("namespace").as_deref());
    let name = args.first().cloned().unwrap_or_default();
    let port = f.string("port").unwrap_or_default();
    let mut route = unsecured_route(ctx, &ns, &name, &service, &port, false)?;
    for (flag, field) in [
        ("hostname", "host"),
        ("path", "path"),
        ("wildcard-policy", "wildcardPolicy"),
    ] {
        if let Some(v) = f.string(flag).filter(|v| !v.is_empty()) {
            route["spec"][field] = json!(v);
        }
    }
    let mut tls = Map::new();
    tls.insert("termination".into(), json!(termination));
    for (flag, field) in [
        ("cert", "certificate"),
        ("key", "key"),
        ("ca-cert", "caCertificate"),
        ("dest-ca-cert", "destinationCACertificate"),
    ] {
        let Some(path) = f.string(flag).filter(|p| !p.is_empty()) else {
            continue;
        };
        let data = ctx
            .files
            .read_file(&path)
            .map_err(|_| Failure::Message(format!("open {path}: no such file or directory")))?;
        tls.insert(field.into(), json!(String::from_utf8_lossy(&data)));
    }
    if let Some(p) = f.string("insecure-policy").filter(|p| !p.is_empty()) {
        tls.insert("insecureEdgeTerminationPolicy".into(), json!(p));
    }
    route["spec"]["tls"] = Value::Object(tls);
    create_and_print(ctx, f, route, "created")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposed_services_are_named_as_oc_reads_them() {
        let s = |v: &[&str]| exposed_service(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(s(&["svc/web"]).as_deref(), Some("web"));
        assert_eq!(s(&["service", "web"]).as_deref(), Some("web"));
        assert_eq!(s(&["deployment/web"]), None);
        assert_eq!(s(&["deployment", "web"]), None);
    }

    #[test]
    fn route_ports_are_numbers_or_names() {
        assert_eq!(route_port("8080"), Some(json!({"targetPort": 8080})));
        assert_eq!(route_port("http"), Some(json!({"targetPort": "http"})));
        assert_eq!(route_port(""), None);
    }
}
