//! `oc set triggers` (openshift/oc `pkg/cli/set/triggers.go`) for Deployments, StatefulSets,
//! DaemonSets and CronJobs: the `image.openshift.io/triggers` annotation and, for Deployments,
//! the config-change trigger expressed as `spec.paused`.

use crate::world::api::kinds;
use serde_json::{Value, json};

use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::resources;
use crate::printers::name::success;
use crate::printers::tabwriter::align;
use crate::world::api::meta;
use crate::world::openshift::triggers::{ANNOTATION, parse_field_path};

fn containers_path(kind: &str) -> &'static [&'static str] {
    match kind {
        kinds::CRON_JOB => &[
            "spec",
            "jobTemplate",
            "spec",
            "template",
            "spec",
            "containers",
        ],
        _ => &["spec", "template", "spec", "containers"],
    }
}

fn field_path(kind: &str, container: &str) -> String {
    let prefix = if kind == kinds::CRON_JOB {
        "spec.jobTemplate.spec.template.spec.containers"
    } else {
        "spec.template.spec.containers"
    };
    format!("{prefix}[?(@.name==\"{container}\")].image")
}

/// One image trigger as the command models it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ImageTrigger {
    from: String,
    namespace: String,
    containers: Vec<String>,
    auto: bool,
}

fn read_triggers(obj: &Value) -> Result<Vec<ImageTrigger>, ()> {
    let kind = meta::kind(obj);
    let Some(raw) = meta::annotation(obj, ANNOTATION) else {
        return Ok(vec![]);
    };
    let list: Vec<Value> = match serde_json::from_str::<Value>(raw) {
        Ok(Value::Array(a)) => a,
        Ok(Value::Null) => vec![],
        _ => return Err(()),
    };
    let names: Vec<String> = meta::path(obj, containers_path(kind))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|c| c.get("name").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let mut out: Vec<ImageTrigger> = Vec::new();
    for t in list {
        let from = meta::str_at(&t, &["from", "name"])
            .unwrap_or("")
            .to_string();
        let namespace = meta::str_at(&t, &["from", "namespace"])
            .unwrap_or("")
            .to_string();
        let auto = t.get("paused").and_then(Value::as_bool) != Some(true);
        let Some((_, sel)) = t
            .get("fieldPath")
            .and_then(Value::as_str)
            .and_then(|fp| parse_field_path(kind, fp))
        else {
            continue;
        };
        let container = match sel {
            Ok(n) => n,
            Err(i) => match names.get(i) {
                Some(n) => n.clone(),
                None => continue,
            },
        };
        if !names.contains(&container) {
            continue;
        }
        match out
            .iter_mut()
            .find(|x| x.from == from && x.namespace == namespace && x.auto == auto)
        {
            Some(x) => x.containers.push(container),
            None => out.push(ImageTrigger {
                from,
                namespace,
                containers: vec![container],
                auto,
            }),
        }
    }
    Ok(out)
}

fn write_triggers(kind: &str, triggers: &[ImageTrigger], own_ns: &str) -> String {
    if triggers.is_empty() {
        return "null".into();
    }
    let mut entries = Vec::new();
    for t in triggers {
        for c in &t.containers {
            let mut from = format!(
                "{{\"kind\":\"ImageStreamTag\",\"name\":{}",
                serde_json::to_string(&t.from).unwrap_or_default()
            );
            if !t.namespace.is_empty() && t.namespace != own_ns {
                from.push_str(&format!(
                    ",\"namespace\":{}",
                    serde_json::to_string(&t.namespace).unwrap_or_default()
                ));
            }
            from.push('}');
            let fp = serde_json::to_string(&field_path(kind, c)).unwrap_or_default();
            let paused = if t.auto { "" } else { ",\"paused\":true" };
            entries.push(format!("{{\"from\":{from},\"fieldPath\":{fp}{paused}}}"));
        }
    }
    format!("[{}]", entries.join(","))
}

/// `oc set triggers`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let ns = ctx.namespace(f.string("namespace").as_deref());
    let auto = f.boolean("auto");
    let manual = f.boolean("manual");
    let remove = f.boolean("remove");
    let remove_all = f.boolean("remove-all");
    let from_image = f.string("from-image").filter(|s| !s.is_empty());
    let containers: Vec<String> = f.strings("containers");
    if auto && manual {
        return Err(Failure::Message(
            "you must specify at most one of --auto or --manual".into(),
        ));
    }
    if remove_all && (remove || auto || manual || from_image.is_some()) {
        return Err(Failure::Message(
            "--remove-all may not be used with any other flag".into(),
        ));
    }
    if remove && from_image.is_none() {
        return Err(Failure::Message(
            "--remove requires a flag defining a trigger type to be specified".into(),
        ));
    }
    for g in [
        "from-github",
        "from-webhook",
        "from-gitlab",
        "from-bitbucket",
    ] {
        if f.boolean(g) {
            return Err(Failure::Unsupported(format!("--{g} (build triggers)")));
        }
    }
    let requests = resources::parse(ctx.world, f.args())?;
    if requests.is_empty() {
        return Err(Failure::Message(
            "one or more resources must be specified as <resource> <name> or <resource>/<name>"
                .into(),
        ));
    }
    let listing = !auto && !manual && !remove && !remove_all && from_image.is_none();
    let mut rows = String::from("NAME\tTYPE\tVALUE\tAUTO\n");
    for r in requests {
        for n in &r.names {
            let obj = ctx.world.get(r.kind, &ns, n)?;
            let kind = r.kind.kind;
            if !matches!(
                kind,
                kinds::DEPLOYMENT | kinds::STATEFUL_SET | kinds::DAEMON_SET | kinds::CRON_JOB
            ) {
                return Err(Failure::Message(format!(
                    "{}/{n} does not support triggers",
                    r.kind.plural
                )));
            }
            let parsed = read_triggers(&obj);
            let config_auto =
                kind != kinds::DEPLOYMENT || meta::bool_at(&obj, &["spec", "paused"]) != Some(true);
            if listing {
                rows.push_str(&format!("{}/{n}\tconfig\t\t{config_auto}\n", r.kind.plural));
                match parsed {
                    Ok(ts) => {
                        for t in ts {
                            let from = if t.namespace.is_empty() || t.namespace == ns {
                                t.from.clone()
                            } else {
                                format!("{}/{}", t.namespace, t.from)
                            };
                            rows.push_str(&format!(
                                "{}/{n}\timage\t{from} ({})\t{}\n",
                                r.kind.plural,
                                t.containers.join(", "),
                                t.auto
                            ));
                        }
                    }
                    Err(()) => rows.push_str(&format!("{}/{n}\t<error>\t\tfalse\n", r.kind.plural)),
                }
                continue;
            }
            let mut triggers = parsed.unwrap_or_default();
            let mut config = config_auto;
            if remove_all {
                triggers.clear();
                config = false;
            } else if let Some(fi) = &from_image {
                let (tns, from) = match fi.split_once('/') {
                    Some((a, b)) => (a.to_string(), b.to_string()),
                    None => (String::new(), fi.clone()),
                };
                if from.contains('@') || from.matches('/').count() > 0 {
                    return Err(Failure::Message("the value of --from-image must point to an image stream tag on this server".into()));
                }
                if !from.contains(':') {
                    return Err(Failure::Message(
                        "the value of --from-image must include the tag you wish to pull from"
                            .into(),
                    ));
                }
                if remove {
                    triggers.retain(|t| !(t.from == from && t.namespace == tns));
                } else {
                    if containers.is_empty() {
                        return Err(Failure::Message(format!(
                            "{}/{n} you must specify --containers when setting --from-image",
                            r.kind.plural
                        )));
                    }
                    let names: Vec<String> = meta::path(&obj, containers_path(kind))
                        .and_then(Value::as_array)
                        .map(|a| {
                            a.iter()
                                .filter_map(|c| {
                                    c.get("name").and_then(Value::as_str).map(str::to_string)
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    let missing: Vec<&String> =
                        containers.iter().filter(|c| !names.contains(c)).collect();
                    if !missing.is_empty() {
                        return Err(Failure::Message(format!(
                            "{}/{n} not all container names exist: {} (accepts: {})",
                            r.kind.plural,
                            missing
                                .iter()
                                .map(|s| s.as_str())
                                .collect::<Vec<_>>()
                                .join(", "),
                            names.join(", ")
                        )));
                    }
                    let t = ImageTrigger {
                        from: from.clone(),
                        namespace: tns.clone(),
                        containers: containers.clone(),
                        auto: !manual,
                    };
                    match triggers
                        .iter_mut()
                        .find(|x| x.from == from && x.namespace == tns)
                    {
                        Some(x) => *x = t,
                        None => triggers.push(t),
                    }
                    let mut used: Vec<&String> =
                        triggers.iter().flat_map(|t| t.containers.iter()).collect();
                    used.sort();
                    let dups: Vec<&String> = used
                        .windows(2)
                        .filter(|w| w[0] == w[1])
                        .map(|w| w[0])
                        .collect();
                    if !dups.is_empty() {
                        return Err(Failure::Message(format!(
                            "{}/{n} only one trigger may reference each container: {}",
                            r.kind.plural,
                            dups.iter()
                                .map(|s| s.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )));
                    }
                }
            } else if auto {
                config = true;
                for t in triggers.iter_mut() {
                    t.auto = true;
                }
            } else if manual {
                config = false;
                for t in triggers.iter_mut() {
                    t.auto = false;
                }
            }
            let mut next = obj.clone();
            meta::set_annotation(&mut next, ANNOTATION, &write_triggers(kind, &triggers, &ns));
            if kind == kinds::DEPLOYMENT {
                if config {
                    if let Some(s) = next.get_mut("spec").and_then(Value::as_object_mut) {
                        s.remove("paused");
                    }
                } else {
                    next["spec"]["paused"] = json!(true);
                }
            }
            if next == obj {
                continue;
            }
            meta::remove_path(&mut next, &["metadata", "resourceVersion"]);
            ctx.world.update(next, false)?;
            ctx.io
                .out(&success(r.kind, n, "triggers updated", Default::default()));
        }
    }
    if listing {
        ctx.io.out(&align(&rows, 0, 2, 2, ' '));
    }
    Ok(())
}
