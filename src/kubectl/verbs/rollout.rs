//! `kubectl rollout status|history|undo|pause|resume|restart`
//! (`kubectl pkg/cmd/rollout`, `pkg/polymorphichelpers`).

use crate::world::api::kinds;
use serde_json::{Value, json};

use super::targets;
use crate::kubectl::common::dry_run;
use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::status::{self, Status};
use crate::kubectl::waiting::Wait;
use crate::printers::describe::common::pod_template;
use crate::printers::describe::writer::Writer;
use crate::printers::name::{DryRun, qualified_name, success};
use crate::printers::tabwriter::align;
use crate::world::api::kinds::KindInfo;
use crate::world::api::meta;
use crate::world::clock::rfc3339;

/// The longest a `rollout status` waits in virtual time when nothing else stops it.
pub const STATUS_LIMIT_MS: i64 = 60 * 60 * 1000;

const REVISION: &str = "deployment.kubernetes.io/revision";

fn one(ctx: &mut Ctx<'_>, f: &dyn Flags) -> Result<Vec<(&'static KindInfo, Value)>, Failure> {
    let args: Vec<String> = f.args().to_vec();
    let mut out = Vec::new();
    for (k, o) in targets::resolve_type_lists_all(ctx, f, &args)? {
        out.push((k, o?));
    }
    Ok(out)
}

/// `No resources found in NS namespace.` on stderr: what status, pause, resume and restart say
/// when a type alone names nothing.
fn none_found(ctx: &mut Ctx<'_>, f: &dyn Flags) {
    let ns = ctx.namespace(f.string("namespace").as_deref());
    ctx.io
        .err(&format!("No resources found in {ns} namespace.\n"));
}

/// The `--revision` of status and history: negative is refused before anything is read.
fn revision_flag(f: &dyn Flags) -> Result<i64, Failure> {
    let r = f.int("revision")?.unwrap_or(0);
    if r < 0 {
        return Err(Failure::Message(format!(
            "revision must be a positive integer: {r}"
        )));
    }
    Ok(r)
}

fn parse_timeout(s: &str) -> Result<i64, Failure> {
    if s == "0" || s.is_empty() {
        return Ok(0);
    }
    crate::kubectl::duration::parse_go_duration(s).map_err(|_| {
        Failure::Message(format!(
            "invalid argument \"{s}\" for \"--timeout\" flag: time: invalid duration \"{s}\""
        ))
    })
}

fn view(kind: &str, obj: &Value, revision: Option<i64>) -> Result<Status, Failure> {
    match kind {
        kinds::DEPLOYMENT => Ok(status::deployment(obj, revision)),
        kinds::STATEFUL_SET => Ok(status::statefulset(obj)),
        kinds::DAEMON_SET => Ok(status::daemonset(obj)),
        _ => Err(Failure::Message(format!(
            "no status viewer has been implemented for {kind}"
        ))),
    }
}

/// `rollout status`.
pub fn status_cmd(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let watch = f.string("watch").as_deref() != Some("false");
    let revision = Some(revision_flag(f)?).filter(|r| *r > 0);
    let timeout = parse_timeout(&f.string("timeout").unwrap_or_default())?;
    let targets = one(ctx, f)?;
    if targets.is_empty() {
        none_found(ctx, f);
    }
    for (kind, obj) in targets {
        let ns = meta::namespace(&obj).to_string();
        let name = meta::name(&obj).to_string();
        let wait = Wait::new(ctx, (timeout > 0).then_some(timeout), STATUS_LIMIT_MS);
        let mut last_rv = String::new();
        loop {
            let Some(cur) = ctx.world.object(kind.kind, &ns, &name).cloned() else {
                return Err(Failure::Message("object has been deleted".into()));
            };
            let rv = meta::str_at(&cur, &["metadata", "resourceVersion"])
                .unwrap_or("")
                .to_string();
            if rv != last_rv {
                last_rv = rv;
                match view(kind.kind, &cur, revision)? {
                    Status::Done(m) => {
                        ctx.io.out(&format!("{m}\n"));
                        break;
                    }
                    Status::Failed(m) => return Err(Failure::Message(m)),
                    Status::Waiting(m) => {
                        ctx.io.out(&format!("{m}\n"));
                        if !watch {
                            break;
                        }
                    }
                }
            }
            wait.next(ctx).map_err(|end| {
                end.failure(Failure::Message(
                    "timed out waiting for the condition".into(),
                ))
            })?;
        }
    }
    Ok(())
}

fn owned_rss(ctx: &Ctx<'_>, d: &Value) -> Vec<Value> {
    let uid = meta::uid(d);
    ctx.world
        .object_list(kinds::REPLICA_SET, meta::namespace(d))
        .filter(|rs| meta::controller_uid(rs) == Some(uid))
        .cloned()
        .collect()
}

fn revision_of(rs: &Value) -> i64 {
    meta::annotation(rs, REVISION)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn sts_revisions(ctx: &Ctx<'_>, s: &Value) -> Vec<Value> {
    let uid = meta::uid(s);
    let mut v: Vec<Value> = ctx
        .world
        .object_list(kinds::CONTROLLER_REVISION, meta::namespace(s))
        .filter(|r| meta::controller_uid(r) == Some(uid))
        .cloned()
        .collect();
    v.sort_by_key(|r| meta::int_at(r, &["revision"]).unwrap_or(0));
    v
}

/// `rollout history`.
pub fn history(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let want = revision_flag(f)?;
    for (kind, obj) in one(ctx, f)? {
        // (revision, change-cause, template)
        let revs: Vec<(i64, String, Value)> = match kind.kind {
            kinds::DEPLOYMENT => owned_rss(ctx, &obj)
                .into_iter()
                .filter(|rs| revision_of(rs) > 0)
                .map(|rs| {
                    let mut tpl = meta::path(&rs, &["spec", "template"])
                        .cloned()
                        .unwrap_or(json!({}));
                    let cause = meta::annotation(&rs, "kubernetes.io/change-cause")
                        .unwrap_or("")
                        .to_string();
                    if !cause.is_empty() {
                        meta::set_annotation(&mut tpl, "kubernetes.io/change-cause", &cause);
                    }
                    (revision_of(&rs), cause, tpl)
                })
                .collect(),
            kinds::STATEFUL_SET | kinds::DAEMON_SET => sts_revisions(ctx, &obj)
                .into_iter()
                .map(|r| {
                    let mut tpl = meta::path(&r, &["data", "spec", "template"])
                        .cloned()
                        .unwrap_or(json!({}));
                    if let Some(m) = tpl.as_object_mut() {
                        m.remove("$patch");
                    }
                    let cause = meta::annotation(&r, "kubernetes.io/change-cause")
                        .unwrap_or("")
                        .to_string();
                    (meta::int_at(&r, &["revision"]).unwrap_or(0), cause, tpl)
                })
                .collect(),
            _ => {
                return Err(Failure::Message(format!(
                    "no history viewer has been implemented for {}",
                    kind.kind
                )));
            }
        };
        let mut revs = revs;
        revs.sort_by_key(|r| r.0);
        let head = qualified_name(kind, meta::name(&obj));
        if want > 0 {
            let Some((_, _, tpl)) = revs.iter().find(|r| r.0 == want) else {
                return Err(Failure::Message(
                    "unable to find the specified revision".into(),
                ));
            };
            let mut w = Writer::default();
            pod_template(&mut w, Some(tpl));
            ctx.io
                .out(&format!("{head} with revision #{want}\n{}\n", w.raw()));
            continue;
        }
        if revs.is_empty() {
            ctx.io.out(&format!("{head} \nNo rollout history found.\n"));
            continue;
        }
        let mut table = String::from("REVISION\tCHANGE-CAUSE\n");
        for (r, cause, _) in &revs {
            table.push_str(&format!(
                "{r}\t{}\n",
                if cause.is_empty() { "<none>" } else { cause }
            ));
        }
        ctx.io
            .out(&format!("{head} \n{}\n", align(&table, 0, 8, 2, ' ')));
    }
    Ok(())
}

/// `rollout undo`.
pub fn undo(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let to = f.int("to-revision")?.unwrap_or(0);
    let dry = dry_run(f)?;
    for (kind, d) in one(ctx, f)? {
        if kind.kind != kinds::DEPLOYMENT {
            return undo_sts(ctx, f, kind, d, to, dry);
        }
        let name = meta::name(&d).to_string();
        if to < 0 {
            return Err(Failure::Message(format!(
                "unable to find specified revision {to} in history"
            )));
        }
        let mut rss = owned_rss(ctx, &d);
        rss.sort_by_key(revision_of);
        let target = if to > 0 {
            rss.iter()
                .find(|rs| revision_of(rs) == to)
                .cloned()
                .ok_or_else(|| {
                    Failure::Message(format!("unable to find specified revision {to} in history"))
                })?
        } else {
            let mut revs: Vec<&Value> = rss.iter().filter(|rs| revision_of(rs) > 0).collect();
            revs.sort_by_key(|rs| std::cmp::Reverse(revision_of(rs)));
            revs.get(1).map(|v| (*v).clone()).ok_or_else(|| {
                Failure::Message(format!(
                    "no rollout history found for deployment \"{name}\""
                ))
            })?
        };
        let mut tpl = meta::path(&target, &["spec", "template"])
            .cloned()
            .unwrap_or(json!({}));
        if let Some(l) = meta::path_mut(&mut tpl, &["metadata", "labels"]).as_object_mut() {
            l.remove("pod-template-hash");
        }
        if dry == DryRun::Client {
            let mut w = Writer::default();
            pod_template(&mut w, Some(&tpl));
            ctx.io
                .out(&format!("{}\n{}", qualified_name(kind, &name), w.raw()));
            continue;
        }
        if meta::bool_at(&d, &["spec", "paused"]) == Some(true) {
            return Err(Failure::Message(format!(
                "you cannot rollback a paused deployment; resume it first with '{} rollout resume' and try again",
                f.program()
            )));
        }
        let current = meta::path(&d, &["spec", "template"])
            .cloned()
            .unwrap_or(json!({}));
        if current == tpl {
            ctx.io.out(&format!(
                "{} skipped rollback (current template already matches revision {to})\n",
                qualified_name(kind, &name)
            ));
            continue;
        }
        let mut next = d.clone();
        next["spec"]["template"] = tpl;
        // Annotations: the deployment's skip-list annotations plus the target RS's others.
        let mut ann = serde_json::Map::new();
        for (k, v) in meta::annotations(&d) {
            if matches!(
                k.as_str(),
                "kubectl.kubernetes.io/last-applied-configuration"
                    | REVISION
                    | "deployment.kubernetes.io/revision-history"
                    | "deployment.kubernetes.io/desired-replicas"
                    | "deployment.kubernetes.io/max-replicas"
                    | "deprecated.deployment.rollback.to"
            ) {
                ann.insert(k, Value::String(v));
            }
        }
        for (k, v) in meta::annotations(&target) {
            if !matches!(
                k.as_str(),
                REVISION
                    | "deployment.kubernetes.io/revision-history"
                    | "deployment.kubernetes.io/desired-replicas"
                    | "deployment.kubernetes.io/max-replicas"
            ) {
                ann.insert(k, Value::String(v));
            }
        }
        if ann.is_empty() {
            meta::remove_path(&mut next, &["metadata", "annotations"]);
        } else {
            meta::set_path(&mut next, &["metadata", "annotations"], Value::Object(ann));
        }
        ctx.world.update(next, dry == DryRun::Server)?;
        ctx.io.out(&success(kind, &name, "rolled back", dry));
    }
    Ok(())
}

fn undo_sts(
    ctx: &mut Ctx<'_>,
    _f: &dyn Flags,
    kind: &'static KindInfo,
    s: Value,
    to: i64,
    dry: DryRun,
) -> CmdResult {
    if !matches!(kind.kind, kinds::STATEFUL_SET | kinds::DAEMON_SET) {
        return Err(Failure::Message(format!(
            "no rollbacker has been implemented for \"{}\"",
            kind.kind
        )));
    }
    let revs = sts_revisions(ctx, &s);
    let target = if to == 0 {
        if revs.len() <= 1 {
            return Err(Failure::Message("no last revision to roll back to".into()));
        }
        revs[revs.len() - 2].clone()
    } else {
        revs.iter()
            .find(|r| meta::int_at(r, &["revision"]) == Some(to))
            .cloned()
            .ok_or_else(|| {
                Failure::Message(format!("unable to find specified revision {to} in history"))
            })?
    };
    let mut tpl = meta::path(&target, &["data", "spec", "template"])
        .cloned()
        .unwrap_or(json!({}));
    if let Some(m) = tpl.as_object_mut() {
        m.remove("$patch");
    }
    let name = meta::name(&s).to_string();
    if meta::path(&s, &["spec", "template"]) == Some(&tpl) {
        ctx.io.out(&format!(
            "{} skipped rollback (current template already matches revision {to})\n",
            qualified_name(kind, &name)
        ));
        return Ok(());
    }
    let mut next = s.clone();
    next["spec"]["template"] = tpl;
    if dry != DryRun::Client {
        ctx.world.update(next, dry == DryRun::Server)?;
    }
    ctx.io.out(&success(kind, &name, "rolled back", dry));
    Ok(())
}

/// `rollout pause` / `rollout resume`.
pub fn pause(ctx: &mut Ctx<'_>, f: &dyn Flags, pause: bool) -> CmdResult {
    let dry = dry_run(f)?;
    let mut errors = Vec::new();
    let targets = one(ctx, f)?;
    if targets.is_empty() {
        none_found(ctx, f);
    }
    for (kind, d) in targets {
        if kind.kind != kinds::DEPLOYMENT {
            errors.push(Failure::Message(format!(
                "{} \"{}\" {} is not supported",
                kind.qualified_plural(),
                meta::name(&d),
                if pause { "pausing" } else { "resuming" }
            )));
            continue;
        }
        let paused = meta::bool_at(&d, &["spec", "paused"]) == Some(true);
        if paused == pause {
            errors.push(Failure::Message(format!(
                "{} \"{}\" is {}",
                kind.qualified_plural(),
                meta::name(&d),
                if pause {
                    "already paused"
                } else {
                    "not paused"
                }
            )));
            continue;
        }
        let mut next = d.clone();
        if pause {
            next["spec"]["paused"] = json!(true);
        } else if let Some(spec) = next.get_mut("spec").and_then(Value::as_object_mut) {
            spec.remove("paused");
        }
        if dry != DryRun::Client {
            ctx.world.update(next, dry == DryRun::Server)?;
        }
        ctx.io.out(&success(
            kind,
            meta::name(&d),
            if pause { "paused" } else { "resumed" },
            dry,
        ));
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(Failure::Many(errors)),
    }
}

/// `rollout restart`.
pub fn restart(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let dry = dry_run(f)?;
    let targets = one(ctx, f)?;
    if targets.is_empty() {
        none_found(ctx, f);
    }
    for (kind, o) in targets {
        if !matches!(
            kind.kind,
            kinds::DEPLOYMENT | kinds::STATEFUL_SET | kinds::DAEMON_SET
        ) {
            return Err(Failure::Message(format!(
                "restarting is not supported for {}",
                kind.kind
            )));
        }
        let name = meta::name(&o).to_string();
        if kind.kind == kinds::DEPLOYMENT && meta::bool_at(&o, &["spec", "paused"]) == Some(true) {
            return Err(Failure::Message(format!(
                "{} \"{name}\" can't restart paused deployment (run rollout resume first)",
                kind.qualified_plural()
            )));
        }
        let stamp = rfc3339(ctx.world.now());
        if meta::str_at(
            &o,
            &[
                "spec",
                "template",
                "metadata",
                "annotations",
                "kubectl.kubernetes.io/restartedAt",
            ],
        ) == Some(stamp.as_str())
        {
            return Err(Failure::Message(format!(
                "failed to create patch for {name}: if restart has already been triggered within the past second, please wait before attempting to trigger another"
            )));
        }
        let mut next = o.clone();
        meta::set_path(
            &mut next,
            &[
                "spec",
                "template",
                "metadata",
                "annotations",
                "kubectl.kubernetes.io/restartedAt",
            ],
            json!(stamp),
        );
        if dry != DryRun::Client {
            ctx.world.update(next, dry == DryRun::Server)?;
        }
        ctx.io.out(&success(kind, &name, "restarted", dry));
    }
    Ok(())
}
