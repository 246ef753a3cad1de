//! `helm upgrade` and `helm rollback` (`cmd/helm/upgrade.go`, `rollback.go`,
//! `pkg/action/upgrade.go`, `rollback.go`): a new revision stored as pending, the cluster moved
//! from the current revision's objects to the new ones (created, three-way-merged, deleted),
//! the old deployed revisions superseded, and the history pruned to `--history-max`.

use serde_json::Value;

use super::kube::{self, Resource};
use super::lifecycle::{exec_hooks, manifest_resources, timeout_ms, validate_name, wait_ready};
use super::release::{Info, Release};
use super::{Helm, HelmError, Res, render, storage};
use crate::world::World;

const PENDING: &str = "another operation (install/upgrade/rollback) is in progress";

fn is_pending(s: &str) -> bool {
    s.starts_with("pending-")
}

/// `Storage.removeLeastRecent` before a create, keeping room for one more revision.
fn prune_history(world: &mut World, ns: &str, name: &str, max: i64) {
    if max <= 0 {
        return;
    }
    let keep = (max - 1).max(0) as usize;
    let hist = storage::history(world, ns, name);
    let last_deployed = hist
        .iter()
        .rev()
        .find(|r| r.info.status == "deployed")
        .map(|r| r.version);
    let mut to_delete = Vec::new();
    for r in &hist {
        if hist.len() - to_delete.len() <= keep {
            break;
        }
        if Some(r.version) != last_deployed {
            to_delete.push(r.version);
        }
    }
    for v in to_delete {
        let _ = storage::delete(world, ns, name, v);
    }
}

fn history_max(h: &Helm<'_, '_>) -> i64 {
    h.p.int("history-max").unwrap_or_else(|| {
        h.ctx
            .files
            .env("HELM_MAX_HISTORY")
            .and_then(|v| v.parse().ok())
            .unwrap_or(10)
    })
}

/// Moves the cluster from `current`'s objects to `target`'s, with the hooks of `event`
/// (`upgrade` or `rollback`) around it; `rel` is the new revision.
fn release_move(
    world: &mut World,
    rel: &mut Release,
    current: &[Resource],
    target: &[Resource],
    event: &str,
    wait: bool,
    timeout: i64,
) -> Result<(), String> {
    exec_hooks(world, rel, &format!("pre-{event}"), timeout)
        .map_err(|e| format!("pre-{event} hooks failed: {e}"))?;
    kube::update(world, current, target)?;
    if wait {
        wait_ready(world, target, timeout)?;
    }
    exec_hooks(world, rel, &format!("post-{event}"), timeout)
        .map_err(|e| format!("post-{event} hooks failed: {e}"))?;
    Ok(())
}

/// `helm upgrade NAME CHART`.
pub fn upgrade(h: &mut Helm<'_, '_>) -> Res {
    let name = h.p.args[0].clone();
    let ns = h.namespace();
    if h.p.bool("install") {
        let hist = storage::history(h.ctx.world, &ns, &name);
        if hist.last().is_none_or(|r| r.info.status == "uninstalled") {
            if super::output::format(&h.p) == "table" {
                h.out(&format!(
                    "Release {} does not exist. Installing it now.\n",
                    super::output::js(&name)
                ));
            }
            let mut a = super::install::install_args(h, false).map_err(HelmError)?;
            a.replace = hist.last().is_some_and(|r| r.info.status == "uninstalled");
            let rel = super::install::run_install(h, a).map_err(|(e, _)| HelmError(e))?;
            let hide = h.p.bool("hide-notes");
            super::inspect::print_release(h, &rel, false, hide);
            return Ok(());
        }
    }
    let fail = |e: String| HelmError(format!("UPGRADE FAILED: {e}"));
    let version = h.p.get("version").unwrap_or("").to_string();
    let mut chart = super::locate::locate(h, &h.p.args[1].clone(), &version)?;
    let user = render::user_values(h)?;
    chart.validate()?;
    super::subcharts::check_for_install(&chart)?;
    if validate_name(&name).is_err() {
        return Err(fail(format!("release name is invalid: {name}")));
    }
    let hist = storage::history(h.ctx.world, &ns, &name);
    let Some(last) = hist.last().cloned() else {
        return Err(fail(format!("\"{name}\" has no deployed releases")));
    };
    if is_pending(&last.info.status) {
        return Err(fail(PENDING.into()));
    }
    let current = if last.info.status == "deployed" {
        last.clone()
    } else if let Some(d) = hist.iter().rev().find(|r| r.info.status == "deployed") {
        d.clone()
    } else if matches!(last.info.status.as_str(), "failed" | "superseded") {
        last.clone()
    } else {
        return Err(fail(format!("\"{name}\" has no deployed releases")));
    };
    let mut new_user = render::merged_user_values(&user).map_err(fail)?;
    let empty = new_user.as_object().is_none_or(|o| o.is_empty());
    if h.p.bool("reuse-values") && !h.p.bool("reset-values") {
        let mut merged = current.config.as_object().cloned().unwrap_or_default();
        if let Value::Object(n) = &new_user {
            super::engine::values::merge_maps(&mut merged, n.clone());
        }
        new_user = Value::Object(merged);
    } else if !h.p.bool("reset-values") && empty {
        new_user = current.config.clone();
    }
    let user_for_render = match &new_user {
        Value::Object(o) if !o.is_empty() => vec![super::engine::UserValues::File(
            crate::printers::yaml::to_yaml(&new_user),
        )],
        _ => vec![],
    };
    super::subcharts::process(&mut chart, &user_for_render).map_err(fail)?;
    let values =
        super::engine::coalesce_values(&chart.values_yaml, &user_for_render).map_err(fail)?;
    if !h.p.bool("skip-schema-validation") {
        let all =
            super::subcharts::with_texts(&chart, |rc| super::engine::coalesce_deps(rc, &values))
                .map_err(fail)?;
        super::schema::check_values(&chart, &all).map_err(fail)?;
    }
    let revision = last.version + 1;
    let out = render::render(
        &chart,
        &values,
        &name,
        &ns,
        revision,
        true,
        Some(&*h.ctx.world),
    )
    .map_err(fail)?;
    let now = h.ctx.world.now();
    let mut rel = Release {
        name: name.clone(),
        info: Info {
            first_deployed: current.info.first_deployed,
            last_deployed: Some(now),
            status: "pending-upgrade".into(),
            description: "Preparing upgrade".into(),
            notes: out.notes,
            ..Info::default()
        },
        chart,
        config: new_user,
        manifest: out.manifest,
        hooks: out.hooks,
        version: revision,
        namespace: ns.clone(),
        labels: current.labels.clone(),
    };
    let current_res = manifest_resources(&current.manifest, &ns);
    let mut target = kube::build(&rel.manifest, &ns).map_err(|e| {
        fail(format!(
            "unable to build kubernetes objects from new release manifest: {e}"
        ))
    })?;
    kube::set_metadata(&mut target, &name, &ns);
    let dry =
        h.p.get("dry-run")
            .is_some_and(|v| matches!(v, "true" | "client" | "server"));
    let max = history_max(h);
    if dry {
        rel.info.description = "Dry run complete".into();
    } else {
        let world = &mut *h.ctx.world;
        let new_ones: Vec<Resource> = target
            .iter()
            .filter(|t| {
                !current_res.iter().any(|c| {
                    c.kind.kind == t.kind.kind
                        && c.name() == t.name()
                        && c.namespace() == t.namespace()
                })
            })
            .cloned()
            .collect();
        kube::existing_conflict(world, &new_ones, &name, &ns)
            .map_err(|e| fail(format!("Unable to continue with update: {e}")))?;
        prune_history(world, &ns, &name, max);
        storage::create(world, &rel).map_err(fail)?;
        let wait = h.p.bool("wait") || h.p.bool("atomic");
        let timeout = timeout_ms(&h.p);
        if let Err(e) = release_move(
            world,
            &mut rel,
            &current_res,
            &target,
            "upgrade",
            wait,
            timeout,
        ) {
            rel.info.status = "failed".into();
            rel.info.description = format!("Upgrade \"{name}\" failed: {e}");
            let _ = storage::update(world, &rel);
            if h.p.bool("atomic") {
                let back = rollback_to(world, &ns, &name, current.version, false, timeout, 10);
                return Err(match back {
                    Ok(()) => fail(format!(
                        "release {name} failed, and has been rolled back due to atomic being set: {e}"
                    )),
                    Err(r) => fail(format!(
                        "an error occurred while rolling back the release. original upgrade error: {e}: {r}"
                    )),
                });
            }
            return Err(fail(e));
        }
        let mut cur = current.clone();
        cur.info.status = "superseded".into();
        let _ = storage::update(world, &cur);
        rel.info.status = "deployed".into();
        rel.info.description = match h.p.get("description") {
            Some(d) if !d.is_empty() => d.to_string(),
            _ => "Upgrade complete".into(),
        };
        let _ = storage::update(world, &rel);
    }
    if super::output::format(&h.p) == "table" {
        h.out(&format!(
            "Release {} has been upgraded. Happy Helming!\n",
            super::output::js(&name)
        ));
    }
    let hide = h.p.bool("hide-notes");
    super::inspect::print_release(h, &rel, false, hide);
    Ok(())
}

/// `Rollback.Run` to `version` (0: the revision before the last).
fn rollback_to(
    world: &mut World,
    ns: &str,
    name: &str,
    version: u32,
    wait: bool,
    timeout: i64,
    max: i64,
) -> Result<(), String> {
    let hist = storage::history(world, ns, name);
    let Some(current) = hist.last().cloned() else {
        return Err("release: not found".into());
    };
    if is_pending(&current.info.status) {
        return Err(PENDING.into());
    }
    let prev_version = if version == 0 {
        current.version.saturating_sub(1)
    } else {
        version
    };
    if prev_version == 0 {
        return Err("release has no 0 version".into());
    }
    let Some(prev) = hist.iter().find(|r| r.version == prev_version).cloned() else {
        return Err("release: not found".into());
    };
    let now = world.now();
    let mut target = Release {
        name: name.into(),
        info: Info {
            first_deployed: current.info.first_deployed,
            last_deployed: Some(now),
            status: "pending-rollback".into(),
            notes: prev.info.notes.clone(),
            description: format!("Rollback to {prev_version}"),
            ..Info::default()
        },
        chart: prev.chart.clone(),
        config: prev.config.clone(),
        manifest: prev.manifest.clone(),
        hooks: prev.hooks.clone(),
        version: current.version + 1,
        namespace: ns.into(),
        labels: prev.labels.clone(),
    };
    let current_res = manifest_resources(&current.manifest, ns);
    let mut target_res = manifest_resources(&target.manifest, ns);
    kube::set_metadata(&mut target_res, name, ns);
    prune_history(world, ns, name, max);
    storage::create(world, &target)?;
    if let Err(e) = release_move(
        world,
        &mut target,
        &current_res,
        &target_res,
        "rollback",
        wait,
        timeout,
    ) {
        target.info.status = "failed".into();
        target.info.description = format!("Rollback \"{name}\" failed: {e}");
        let _ = storage::update(world, &target);
        return Err(e);
    }
    for mut r in storage::history(world, ns, name)
        .into_iter()
        .filter(|r| r.info.status == "deployed")
    {
        r.info.status = "superseded".into();
        let _ = storage::update(world, &r);
    }
    target.info.status = "deployed".into();
    let _ = storage::update(world, &target);
    Ok(())
}

/// `helm rollback NAME [REVISION]`.
pub fn rollback(h: &mut Helm<'_, '_>) -> Res {
    let name = h.p.args[0].clone();
    let version = match h.p.args.get(1) {
        Some(v) => v
            .parse::<u32>()
            .map_err(|_| HelmError(format!("could not convert revision to a number: strconv.Atoi: parsing \"{v}\": invalid syntax")))?,
        None => 0,
    };
    if h.p.args.len() > 2 {
        return Err(format!(
            "\"helm rollback\" accepts at most 2 arguments\n\nUsage:  {}",
            h.p.use_line()
        )
        .into());
    }
    let ns = h.namespace();
    if h.p.bool("dry-run") {
        h.out("Rollback was a success! Happy Helming!\n");
        return Ok(());
    }
    let max = history_max(h);
    let wait = h.p.bool("wait");
    let timeout = timeout_ms(&h.p);
    rollback_to(h.ctx.world, &ns, &name, version, wait, timeout, max)?;
    h.out("Rollback was a success! Happy Helming!\n");
    Ok(())
}
