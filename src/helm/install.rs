//! `helm install` and `helm template` (`cmd/helm/install.go`, `template.go`,
//! `pkg/action/install.go`): the release name, the chart located and rendered, ownership
//! checked, the release stored as `pending-install`, hooks and objects created in the cluster,
//! `--wait` in virtual time, then `deployed` (or `failed`, uninstalled again with `--atomic`).

use crate::world::api::kinds;
use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::chart::Chart;
use super::kube;
use super::lifecycle::{exec_hooks, timeout_ms, validate_name, wait_ready};
use super::release::{Info, Release};
use super::{Helm, HelmError, Res, render, storage};

/// What an install needs after the command line is read.
pub struct InstallArgs {
    pub name: String,
    pub chart: Chart,
    pub user: Vec<super::engine::UserValues>,
    pub ns: String,
    pub dry_run: bool,
    pub client_only: bool,
    pub create_namespace: bool,
    pub wait: bool,
    pub atomic: bool,
    pub description: String,
    pub timeout: i64,
    /// `--replace` (set by `upgrade --install` over an uninstalled release): re-use the name of
    /// a release whose last revision is uninstalled or failed.
    pub replace: bool,
    /// `--skip-schema-validation`.
    pub skip_schema_validation: bool,
}

/// `NameAndChart`.
fn name_and_chart(h: &Helm<'_, '_>) -> Result<(String, String), String> {
    let args = &h.p.args;
    let generate = h.p.bool("generate-name");
    if args.len() > 2 {
        return Err(format!(
            "expected at most two arguments, unexpected arguments: {}",
            args[2..].join(", ")
        ));
    }
    if args.len() == 2 {
        if generate {
            return Err("cannot set --generate-name and also specify a name".into());
        }
        return Ok((args[0].clone(), args[1].clone()));
    }
    if !generate {
        return Err("must either provide a name or specify --generate-name".into());
    }
    let base = args[0]
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_string();
    let mut base = if base.is_empty() || base == "." {
        "chart".to_string()
    } else {
        base
    };
    if let Some(i) = base.find('.') {
        base.truncate(i);
    }
    Ok((
        format!("{base}-{}", h.ctx.world.now().div_euclid(1000)),
        args[0].clone(),
    ))
}

fn dry_run_option(h: &Helm<'_, '_>, default: &str) -> Result<String, String> {
    let v = h.p.get("dry-run").unwrap_or(default).to_string();
    if !matches!(v.as_str(), "none" | "false" | "true" | "client" | "server") {
        return Err(format!(
            "Invalid dry-run flag. Flag must one of the following: false, true, client, server: {v}"
        ));
    }
    Ok(v)
}

/// `runInstall` up to `Install.Run`: reads the command line.
pub fn install_args(h: &mut Helm<'_, '_>, client_only: bool) -> Result<InstallArgs, String> {
    let (name, chart_ref) = if client_only && h.p.args.len() == 1 && !h.p.bool("generate-name") {
        ("release-name".to_string(), h.p.args[0].clone())
    } else {
        name_and_chart(h)?
    };
    let version = match h.p.get("version") {
        Some(v) if !v.is_empty() => v.to_string(),
        _ => String::new(),
    };
    let chart = super::locate::locate(h, &chart_ref, &version)?;
    let user = render::user_values(h)?;
    chart.validate()?;
    match chart
        .metadata
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
    {
        "" | "application" => {}
        t => return Err(format!("{t} charts are not installable")),
    }
    super::subcharts::check_for_install(&chart)?;
    let dry = dry_run_option(h, if client_only { "true" } else { "none" })?;
    Ok(InstallArgs {
        name,
        chart,
        user,
        ns: h.namespace(),
        dry_run: client_only || matches!(dry.as_str(), "true" | "client" | "server"),
        client_only,
        create_namespace: h.p.bool("create-namespace"),
        wait: h.p.bool("wait") || h.p.bool("atomic"),
        atomic: h.p.bool("atomic"),
        description: h.p.get("description").unwrap_or("").to_string(),
        timeout: timeout_ms(&h.p),
        replace: false,
        skip_schema_validation: h.p.bool("skip-schema-validation"),
    })
}

/// `Install.Run`: the release (stored, unless a dry run), or the error and the release as far
/// as it got.
pub fn run_install(
    h: &mut Helm<'_, '_>,
    a: InstallArgs,
) -> Result<Release, (String, Option<Box<Release>>)> {
    validate_name(&a.name).map_err(|e| (e, None))?;
    let mut replaced = None;
    if !a.dry_run {
        let hist = storage::history(h.ctx.world, &a.ns, &a.name);
        if let Some(last) = hist.last() {
            if !(a.replace && matches!(last.info.status.as_str(), "uninstalled" | "failed")) {
                return Err(("cannot re-use a name that is still in use".into(), None));
            }
            replaced = Some(last.clone());
        }
    }
    let mut chart = a.chart.clone();
    super::subcharts::process(&mut chart, &a.user).map_err(|e| (e, None))?;
    let values =
        super::engine::coalesce_values(&chart.values_yaml, &a.user).map_err(|e| (e, None))?;
    if !a.skip_schema_validation {
        let all =
            super::subcharts::with_texts(&chart, |rc| super::engine::coalesce_deps(rc, &values))
                .map_err(|e| (e, None))?;
        super::schema::check_values(&chart, &all).map_err(|e| (e, None))?;
    }
    let config = render::merged_user_values(&a.user).map_err(|e| (e, None))?;
    let now = h.ctx.world.now();
    let mut rel = Release {
        name: a.name.clone(),
        info: Info {
            first_deployed: Some(now),
            last_deployed: Some(now),
            ..Info::default()
        },
        chart: chart.clone(),
        config,
        manifest: String::new(),
        hooks: vec![],
        version: 1,
        namespace: a.ns.clone(),
        labels: BTreeMap::new(),
    };
    let world_for_lookup = if a.client_only {
        None
    } else {
        Some(&*h.ctx.world)
    };
    let out = render::render(&chart, &values, &a.name, &a.ns, 1, false, world_for_lookup);
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            rel.info.status = "failed".into();
            rel.info.description = format!("failed to render resource: {e}");
            return Err((e, Some(Box::new(rel))));
        }
    };
    rel.hooks = out.hooks;
    rel.manifest = out.manifest;
    rel.info.notes = out.notes;
    rel.info.status = "pending-install".into();
    rel.info.description = "Initial install underway".into();
    let mut resources = kube::build(&rel.manifest, &a.ns).map_err(|e| {
        (
            format!("unable to build kubernetes objects from release manifest: {e}"),
            None,
        )
    })?;
    kube::set_metadata(&mut resources, &a.name, &a.ns);
    if !a.client_only && !resources.is_empty() {
        kube::existing_conflict(h.ctx.world, &resources, &a.name, &a.ns)
            .map_err(|e| (format!("Unable to continue with install: {e}"), None))?;
    }
    if a.dry_run {
        rel.info.description = "Dry run complete".into();
        return Ok(rel);
    }
    let world = &mut *h.ctx.world;
    if a.create_namespace {
        let ns_obj = json!({"apiVersion": "v1", "kind": kinds::NAMESPACE, "metadata": {"name": a.ns, "labels": {"name": a.ns}}});
        if let Err(e) = world.create(ns_obj, false)
            && e.reason != crate::world::api::error::Reason::AlreadyExists
        {
            return Err((format!("failed to create resource: {}", e.message), None));
        }
    }
    if let Some(mut last) = replaced {
        // `replaceRelease`: the new revision is numbered after the old one, which is
        // superseded unless it failed.
        rel.version = last.version + 1;
        if last.info.status != "failed" {
            last.info.status = "superseded".into();
            last.info.description = "superseded by new release".into();
            let _ = storage::update(world, &last);
        }
    }
    storage::create(world, &rel).map_err(|e| (e, None))?;
    let result = (|| -> Result<(), String> {
        exec_hooks(world, &mut rel, "pre-install", a.timeout)
            .map_err(|e| format!("failed pre-install: {e}"))?;
        kube::create(world, &resources)?;
        if a.wait {
            wait_ready(world, &resources, a.timeout)?;
        }
        exec_hooks(world, &mut rel, "post-install", a.timeout)
            .map_err(|e| format!("failed post-install: {e}"))?;
        Ok(())
    })();
    if let Err(e) = result {
        rel.info.status = "failed".into();
        rel.info.description = format!("Release \"{}\" failed: {e}", a.name);
        let _ = storage::update(world, &rel);
        if a.atomic {
            super::uninstall::uninstall_release(world, &a.ns, &a.name, false, "")
                .map_err(|u| (format!("an error occurred while uninstalling the release. original install error: {e}: {u}"), None))?;
            return Err((
                format!(
                    "release {} failed, and has been uninstalled due to atomic being set: {e}",
                    a.name
                ),
                None,
            ));
        }
        return Err((e, None));
    }
    rel.info.status = "deployed".into();
    rel.info.description = if a.description.is_empty() {
        "Install complete".into()
    } else {
        a.description.clone()
    };
    let _ = storage::update(world, &rel);
    Ok(rel)
}

/// `helm install`.
pub fn install(h: &mut Helm<'_, '_>) -> Res {
    let a = install_args(h, false).map_err(|e| HelmError(format!("INSTALLATION FAILED: {e}")))?;
    match run_install(h, a) {
        Ok(rel) => {
            let hide = h.p.bool("hide-notes");
            super::inspect::print_release(h, &rel, false, hide);
            Ok(())
        }
        Err((e, _)) => Err(HelmError(format!("INSTALLATION FAILED: {e}"))),
    }
}

/// `helm template`.
pub fn template(h: &mut Helm<'_, '_>) -> Res {
    let a = install_args(h, true)?;
    let rel = match run_install(h, a) {
        Ok(r) => r,
        Err((e, Some(_))) if !h.paths.debug => {
            return Err(HelmError(format!(
                "{e}\n\nUse --debug flag to render out invalid YAML"
            )));
        }
        Err((e, _)) => return Err(HelmError(e)),
    };
    let skip_tests = h.p.bool("skip-tests");
    let manifests = match h.p.get("output-dir").map(str::to_string) {
        // The documents go to files; the manifest Helm prints is then empty.
        Some(dir) => {
            super::outdir::write_all(h, &dir, &rel.name, &rel.manifest, &rel.hooks, skip_tests)?;
            "\n".to_string()
        }
        None => super::manifests::template_text(&rel.manifest, &rel.hooks, skip_tests),
    };
    let show = h.p.all("show-only");
    if show.is_empty() {
        h.out(&manifests);
        return Ok(());
    }
    let docs = super::manifests::split(&manifests);
    let mut picked = Vec::new();
    for f in &show {
        let mut missing = true;
        for d in &docs {
            let Some(path) = d
                .lines()
                .find_map(|l| l.strip_prefix("# Source: "))
                .and_then(|s| s.split_once('/').map(|(_, rest)| rest))
            else {
                continue;
            };
            if glob_match(f, path) {
                picked.push(d.clone());
                missing = false;
            }
        }
        if missing {
            return Err(format!("could not find template {f} in chart").into());
        }
    }
    let text: String = picked.iter().map(|m| format!("---\n{m}\n")).collect();
    h.out(&text);
    Ok(())
}

/// `filepath.Match` (`*`, `?`; `*` does not cross `/`).
fn glob_match(p: &str, s: &str) -> bool {
    fn go(p: &[u8], s: &[u8]) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], s) || (!s.is_empty() && s[0] != b'/' && go(p, &s[1..])),
            (Some(b'?'), Some(c)) if *c != b'/' => go(&p[1..], &s[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &s[1..]),
            _ => false,
        }
    }
    go(p.as_bytes(), s.as_bytes())
}
