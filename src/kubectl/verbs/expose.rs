//! `kubectl expose (-f FILE | TYPE NAME)` as kubectl 1.32 does it
//! (`staging/src/k8s.io/kubectl/pkg/cmd/expose/expose.go` and the `service/v2` generator): the
//! Service built from a Pod, Service, ReplicationController, Deployment or ReplicaSet (its
//! selector, its ports when `--port` is not given, its labels), `--overrides`, `--dry-run`, `-o`,
//! and kubectl's errors (`couldn't find port via --port flag or introspection`, ...). Objects
//! named in `-f` files are taken from the files, as kubectl's builder does.

use crate::world::api::kinds;
use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::kubectl::common::{dry_run, print_warnings, record};
use crate::kubectl::context::Ctx;
use crate::kubectl::files::read_sourced;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::output::{self, OBJECT_FORMATS, Output};
use crate::kubectl::resources;
use crate::printers::name::{DryRun, qualified_name, success};
use crate::world::api::meta;

/// kubectl's message when no object is named.
pub(crate) const NO_RESOURCES: &str = "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/// `k=v,k2=v2` (the generator's `ParseLabels`).
fn parse_map(s: &str) -> Result<BTreeMap<String, String>, Failure> {
    let mut out = BTreeMap::new();
    for part in s.split(',') {
        match part.split_once('=') {
            Some((k, v)) if !k.is_empty() && !v.contains('=') => {
                out.insert(k.to_string(), v.to_string());
            }
            _ => {
                return Err(Failure::Message(format!("unexpected label spec: {part}")));
            }
        }
    }
    Ok(out)
}

/// The pod spec of an object that has one (a pod, or a template).
fn pod_spec(obj: &Value) -> Option<&Value> {
    match meta::kind(obj) {
        kinds::POD => obj.get("spec"),
        _ => meta::path(obj, &["spec", "template", "spec"]),
    }
}

/// The ports an object offers (`PortsForObject`) and their protocols (`ProtocolsForObject`).
fn ports_of(obj: &Value) -> Vec<(i64, String)> {
    if meta::kind(obj) == kinds::SERVICE {
        return meta::path(obj, &["spec", "ports"])
            .and_then(Value::as_array)
            .map(|ps| {
                ps.iter()
                    .filter_map(|p| {
                        Some((
                            p.get("port")?.as_i64()?,
                            p.get("protocol")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_string(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
    }
    let mut out = Vec::new();
    if let Some(cs) = pod_spec(obj)
        .and_then(|s| s.get("containers"))
        .and_then(Value::as_array)
    {
        for c in cs {
            for p in c
                .get("ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(n) = p.get("containerPort").and_then(Value::as_i64) {
                    let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("");
                    out.push((n, proto.to_string()));
                }
            }
        }
    }
    out
}

/// The selector kubectl derives from an object (`MapBasedSelectorForObject`).
fn selector_of(obj: &Value) -> Result<BTreeMap<String, String>, Failure> {
    let kind = meta::kind(obj);
    let none = |what: &str| {
        Failure::Message(format!(
            "couldn't retrieve selectors via --selector flag or introspection: invalid {what}: no selectors, therefore cannot be exposed"
        ))
    };
    match kind {
        kinds::POD => {
            let l = meta::string_map(obj, &["metadata", "labels"]);
            if l.is_empty() {
                return Err(Failure::Message(
                    "couldn't retrieve selectors via --selector flag or introspection: the pod has no labels and cannot be exposed".into(),
                ));
            }
            Ok(l)
        }
        kinds::SERVICE => {
            let s = meta::string_map(obj, &["spec", "selector"]);
            if s.is_empty() {
                return Err(Failure::Message(
                    "couldn't retrieve selectors via --selector flag or introspection: the service has no pod selector set".into(),
                ));
            }
            Ok(s)
        }
        kinds::REPLICATION_CONTROLLER => Ok(meta::string_map(obj, &["spec", "selector"])),
        kinds::DEPLOYMENT | kinds::REPLICA_SET => {
            let what = kind.to_lowercase();
            let has_expr = meta::path(obj, &["spec", "selector", "matchExpressions"])
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty());
            let labels = meta::string_map(obj, &["spec", "selector", "matchLabels"]);
            if has_expr || labels.is_empty() {
                return Err(none(&what));
            }
            Ok(labels)
        }
        other => Err(Failure::Message(format!("cannot expose a {other}"))),
    }
}

/// The Service for one object.
fn build(f: &dyn Flags, obj: &Value) -> Result<Value, Failure> {
    let kind = meta::kind(obj);
    if !matches!(
        kind,
        "Pod" | "Service" | "ReplicationController" | "Deployment" | "ReplicaSet"
    ) {
        return Err(Failure::Message(format!("cannot expose a {kind}")));
    }
    let name = f
        .string("name")
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| meta::name(obj).to_string());
    let selector = match f.string("selector").filter(|s| !s.is_empty()) {
        Some(s) => parse_map(&s)?,
        None => selector_of(obj)?,
    };
    let offered = ports_of(obj);
    let port_flag = f.string("port").unwrap_or_default();
    let ports: Vec<String> = if !port_flag.is_empty() {
        port_flag.split(',').map(str::to_string).collect()
    } else if offered.is_empty() {
        return Err(Failure::Message(
            "couldn't find port via --port flag or introspection".into(),
        ));
    } else {
        offered.iter().map(|(n, _)| n.to_string()).collect()
    };
    let protocol_flag = f.string("protocol").unwrap_or_default();
    let target = f.string("target-port").unwrap_or_default();
    let mut service_ports = Vec::new();
    for (i, p) in ports.iter().enumerate() {
        let n: i64 = p.parse().map_err(|_| {
            Failure::Message(format!("strconv.Atoi: parsing {p:?}: invalid syntax"))
        })?;
        let mut sp = Map::new();
        if ports.len() > 1 {
            sp.insert("name".into(), json!(format!("port-{}", i + 1)));
        }
        let protocol = if !protocol_flag.is_empty() {
            protocol_flag.clone()
        } else {
            offered
                .iter()
                .find(|(o, pr)| *o == n && !pr.is_empty())
                .map(|(_, pr)| pr.clone())
                .unwrap_or_else(|| "TCP".into())
        };
        sp.insert("protocol".into(), json!(protocol));
        sp.insert("port".into(), json!(n));
        let tp = if target.is_empty() {
            json!(n)
        } else {
            match target.parse::<i64>() {
                Ok(t) => json!(t),
                Err(_) => json!(target),
            }
        };
        sp.insert("targetPort".into(), tp);
        service_ports.push(Value::Object(sp));
    }
    let labels = match f.string("labels").filter(|l| !l.is_empty()) {
        Some(l) => parse_map(&l)?,
        None => meta::string_map(obj, &["metadata", "labels"]),
    };
    let mut md = Map::new();
    md.insert("name".into(), json!(name));
    md.insert("creationTimestamp".into(), Value::Null);
    if !labels.is_empty() {
        md.insert("labels".into(), meta::map_value(&labels));
    }
    let mut spec = Map::new();
    spec.insert("ports".into(), Value::Array(service_ports));
    spec.insert("selector".into(), meta::map_value(&selector));
    if let Some(ip) = f.string("cluster-ip").filter(|s| !s.is_empty()) {
        spec.insert("clusterIP".into(), json!(ip));
    }
    if let Some(t) = f.string("type").filter(|s| !s.is_empty()) {
        spec.insert("type".into(), json!(t));
    }
    if let Some(ip) = f.string("external-ip").filter(|s| !s.is_empty()) {
        spec.insert("externalIPs".into(), json!([ip]));
    }
    if let Some(a) = f.string("session-affinity").filter(|s| !s.is_empty()) {
        spec.insert("sessionAffinity".into(), json!(a));
    }
    if let Some(ip) = f.string("load-balancer-ip").filter(|s| !s.is_empty()) {
        spec.insert("loadBalancerIP".into(), json!(ip));
    }
    let svc = json!({
        "kind": kinds::SERVICE,
        "apiVersion": "v1",
        "metadata": md,
        "spec": spec,
        "status": {"loadBalancer": {}},
    });
    super::run::apply_overrides(f, "Service", svc)
}

/// `kubectl expose`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let dry = dry_run(f)?;
    let out = output::parse(f.string("output").as_deref(), OBJECT_FORMATS, &*ctx.files)?;
    let filenames = f.strings("filename");
    let args = f.args().to_vec();
    let ns = ctx.namespace(f.string("namespace").as_deref());
    let mut sources: Vec<Value> = Vec::new();
    if !filenames.is_empty() {
        let (objs, err) = read_sourced(ctx, &filenames);
        if let Some(e) = err {
            return Err(e);
        }
        sources.extend(objs.into_iter().map(|s| s.object));
    } else {
        if args.is_empty() {
            return Err(Failure::Message(NO_RESOURCES.into()));
        }
        for r in resources::parse(ctx.world, &args)? {
            if r.names.is_empty() {
                return Err(Failure::Message(
                    "resource(s) were provided, but no name was specified".into(),
                ));
            }
            for n in r.names {
                sources.push(ctx.world.get(r.kind, &ns, &n)?);
            }
        }
    }
    let mut errors = Vec::new();
    for obj in sources {
        if f.program() == "oc" && meta::kind(&obj) == kinds::SERVICE {
            errors.push(Failure::Unsupported(
                "\"oc expose\" of a Service: oc makes a Route of it, and kubelab has no Routes"
                    .into(),
            ));
            continue;
        }
        let mut svc = match build(f, &obj) {
            Ok(s) => s,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        record(f, &mut svc);
        let result = if dry == DryRun::Client {
            svc
        } else {
            if f.boolean("save-config") {
                let la = crate::kubectl::apply_merge::last_applied_typed(&svc);
                meta::set_annotation(
                    &mut svc,
                    "kubectl.kubernetes.io/last-applied-configuration",
                    &la,
                );
            }
            let target_ns = match meta::namespace(&obj) {
                "" => ns.clone(),
                o => o.to_string(),
            };
            meta::set_path(&mut svc, &["metadata", "namespace"], json!(target_ns));
            let created = ctx.world.create(svc, dry == DryRun::Server);
            print_warnings(ctx);
            match created {
                Ok(c) => c,
                Err(e) => {
                    errors.push(Failure::Api(e));
                    continue;
                }
            }
        };
        let kind = ctx.world.kind_of(&result)?;
        match &out {
            Output::Default => ctx
                .io
                .out(&success(kind, meta::name(&result), "exposed", dry)),
            Output::Name => ctx
                .io
                .out(&format!("{}\n", qualified_name(kind, meta::name(&result)))),
            o => ctx
                .io
                .out(&output::print_structured(o, &[result], false, true)?),
        }
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(Failure::Many(errors)),
    }
}
