//! `kubectl delete` (`kubectl pkg/cmd/delete`): by name, by `-f`, by label selector or `--all`,
//! cascading as asked, waiting (in virtual time) until the objects are gone.

use crate::kubectl::common::dry_run;
use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::resources;
use crate::kubectl::verbs::targets::file_references;
use crate::printers::name::{DryRun, qualified_name};
use crate::world::api::kinds::KindInfo;
use crate::world::api::meta;
use crate::world::api::selector::Selector;
use crate::world::requests::{DeleteOptions, Propagation};

/// How long `delete` waits for objects to disappear before giving up (virtual time).
const WAIT_LIMIT_MS: i64 = 10 * 60 * 1000;

fn deleted_line(kind: &KindInfo, name: &str, op: &str, dry: DryRun) -> String {
    let suffix = match dry {
        DryRun::None => String::new(),
        DryRun::Client => " (dry run)".into(),
        DryRun::Server => " (server dry run)".into(),
    };
    let k = kind.qualified_singular();
    format!("{k} \"{name}\" {op}{suffix}\n")
}

/// `kubectl delete`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let dry = dry_run(f)?;
    let ns = ctx.namespace(f.string("namespace").as_deref());
    let all = f.boolean("all");
    let all_ns = f.boolean("all-namespaces");
    let selector = f.string("selector").filter(|s| !s.is_empty());
    if all && selector.is_some() {
        return Err(Failure::Message(
            "setting 'all' parameter but found a non empty selector. ".into(),
        ));
    }
    let propagation = match f.string("cascade").as_deref() {
        None | Some("background") | Some("true") | Some("") => Propagation::Background,
        Some("foreground") => Propagation::Foreground,
        Some("orphan") | Some("false") => Propagation::Orphan,
        Some(other) => {
            return Err(Failure::Message(format!(
                "invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\"."
            )));
        }
    };
    let force = f.boolean("force");
    let grace = f.int("grace-period")?.filter(|g| *g >= 0);
    if force && grace == Some(0) {
        ctx.io.err("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n");
    }
    let opts = DeleteOptions {
        propagation,
        grace_period: if force && grace.is_none() {
            Some(0)
        } else {
            grace
        },
        dry_run: dry == DryRun::Server,
    };
    let op = if force && opts.grace_period == Some(0) {
        "force deleted"
    } else {
        "deleted"
    };
    let name_output = f.string("output").as_deref() == Some("name");
    let filenames = f.strings("filename");
    let mut targets: Vec<(&'static KindInfo, String, String)> = Vec::new();
    let mut errors: Vec<Failure> = Vec::new();
    if !filenames.is_empty() {
        let (refs, err) = file_references(ctx, f, &filenames);
        for (kind, ons, name, source) in refs? {
            if name.is_empty() {
                // client-go refuses a request for an object without a name before sending it.
                errors.push(Failure::Message(format!(
                    "error when deleting \"{source}\": resource name may not be empty"
                )));
                continue;
            }
            targets.push((kind, ons, name));
        }
        if let Some(e) = err {
            errors.push(e);
        }
    } else {
        let requests = resources::parse(ctx.world, f.args())?;
        if requests.is_empty() {
            return Err(Failure::Raw(
                "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n".into(),
            ));
        }
        let by_name = requests.iter().any(|r| !r.names.is_empty());
        if !by_name && !all && selector.is_none() && f.string("field-selector").is_none() {
            return Err(Failure::Message(
                "resource(s) were provided, but no name was specified".into(),
            ));
        }
        let sel = match &selector {
            Some(s) => Some(Selector::parse(s).map_err(Failure::Message)?),
            None => None,
        };
        for r in requests {
            if r.names.is_empty() {
                let list_ns = if all_ns || !r.kind.namespaced {
                    None
                } else {
                    Some(ns.as_str())
                };
                ctx.world.authorize_list(r.kind, list_ns)?;
                for o in ctx.world.list(r.kind, list_ns, sel.as_ref()) {
                    targets.push((
                        r.kind,
                        meta::namespace(&o).to_string(),
                        meta::name(&o).to_string(),
                    ));
                }
            } else {
                for n in r.names {
                    targets.push((
                        r.kind,
                        if r.kind.namespaced {
                            ns.clone()
                        } else {
                            String::new()
                        },
                        n,
                    ));
                }
            }
        }
        if targets.is_empty() && errors.is_empty() {
            ctx.io.out("No resources found\n"); // delete.go writes it to Out
            return Ok(());
        }
    }
    let mut waiting: Vec<(&'static KindInfo, String, String, String)> = Vec::new();
    for (kind, ons, name) in targets {
        let result = if dry == DryRun::Client {
            ctx.world
                .object(kind.kind, &ons, &name)
                .cloned()
                .ok_or_else(|| crate::world::ApiError::not_found(kind, &name))
        } else {
            ctx.world.delete(kind, &ons, &name, &opts)
        };
        match result {
            Ok(o) => {
                if name_output {
                    ctx.io.out(&format!("{}\n", qualified_name(kind, &name)));
                } else {
                    ctx.io.out(&deleted_line(kind, &name, op, dry));
                }
                if dry == DryRun::None {
                    waiting.push((kind, ons, name, meta::uid(&o).to_string()));
                }
            }
            Err(e) => errors.push(Failure::Api(e)),
        }
    }
    if f.string("wait").as_deref() != Some("false") {
        let deadline = ctx.world.now() + WAIT_LIMIT_MS;
        let gone = |ctx: &Ctx<'_>| {
            waiting.iter().all(|(k, n, name, uid)| {
                ctx.world
                    .object(k.kind, n, name)
                    .is_none_or(|o| meta::uid(o) != uid)
            })
        };
        while !gone(ctx) && ctx.world.step(deadline) {}
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(Failure::Many(errors)),
    }
}
