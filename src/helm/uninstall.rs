//! `helm uninstall` (`cmd/helm/uninstall.go`, `pkg/action/uninstall.go`): the release marked
//! `uninstalling`, pre-delete hooks, its objects deleted in uninstall order (those annotated
//! `helm.sh/resource-policy: keep` kept), post-delete hooks, then every revision's Secret
//! deleted, or with `--keep-history` the release kept as `uninstalled`.

use super::kube::{self, Resource};
use super::lifecycle::{exec_hooks, keep_policy, manifest_resources, timeout_ms, validate_name};
use super::{Helm, HelmError, Res, storage};
use crate::world::World;

/// Uninstalls; returns the "kept" notice (empty when nothing was kept).
pub fn uninstall_release(
    world: &mut World,
    ns: &str,
    name: &str,
    keep_history: bool,
    description: &str,
) -> Result<String, String> {
    uninstall_with_timeout(world, ns, name, keep_history, description, 300_000)
}

fn uninstall_with_timeout(
    world: &mut World,
    ns: &str,
    name: &str,
    keep_history: bool,
    description: &str,
    timeout: i64,
) -> Result<String, String> {
    if validate_name(name).is_err() {
        return Err(format!("uninstall: Release name is invalid: {name}"));
    }
    let rels = storage::history(world, ns, name);
    let Some(mut rel) = rels.last().cloned() else {
        return Err(format!(
            "uninstall: Release not loaded: {name}: release: not found"
        ));
    };
    if rel.info.status == "uninstalled" {
        if !keep_history {
            for r in &rels {
                storage::delete(world, ns, name, r.version)
                    .map_err(|e| format!("uninstall: Failed to purge the release: {e}"))?;
            }
            return Ok(String::new());
        }
        return Err(format!("the release named \"{name}\" is already deleted"));
    }
    rel.info.status = "uninstalling".into();
    rel.info.deleted = Some(world.now());
    rel.info.description = "Deletion in progress (or silently failed)".into();
    exec_hooks(world, &mut rel, "pre-delete", timeout)?;
    let _ = storage::update(world, &rel);
    let resources = manifest_resources(&rel.manifest, ns);
    let (kept, delete): (Vec<Resource>, Vec<Resource>) =
        resources.into_iter().partition(|r| keep_policy(&r.obj));
    kube::delete(world, &delete);
    let mut kept_text = String::new();
    if !kept.is_empty() {
        kept_text.push_str("These resources were kept due to the resource policy:\n");
        for r in &kept {
            kept_text.push_str(&format!("[{}] {}\n", r.kind.kind, r.name()));
        }
    }
    let mut errs = Vec::new();
    if let Err(e) = exec_hooks(world, &mut rel, "post-delete", timeout) {
        errs.push(e);
    }
    rel.info.status = "uninstalled".into();
    rel.info.description = if description.is_empty() {
        "Uninstallation complete".into()
    } else {
        description.into()
    };
    if !keep_history {
        for r in &rels {
            if let Err(e) = storage::delete(world, ns, name, r.version) {
                errs.push(format!("uninstall: Failed to purge the release: {e}"));
            }
        }
    } else {
        let _ = storage::update(world, &rel);
        for mut r in rels
            .into_iter()
            .filter(|r| r.info.status == "deployed" && r.version != rel.version)
        {
            r.info.status = "superseded".into();
            let _ = storage::update(world, &r);
        }
    }
    if !errs.is_empty() {
        return Err(format!(
            "uninstallation completed with {} error(s): {}",
            errs.len(),
            errs.join("; ")
        ));
    }
    Ok(kept_text)
}

/// `helm uninstall NAME...`.
pub fn uninstall(h: &mut Helm<'_, '_>) -> Res {
    let ns = h.namespace();
    let keep = h.p.bool("keep-history");
    let desc = h.p.get("description").unwrap_or("").to_string();
    let timeout = timeout_ms(&h.p);
    for name in h.p.args.clone() {
        if h.p.bool("dry-run") {
            if storage::history(h.ctx.world, &ns, &name).is_empty() {
                return Err("release: not found".into());
            }
            h.out(&format!("release \"{name}\" uninstalled\n"));
            continue;
        }
        match uninstall_with_timeout(h.ctx.world, &ns, &name, keep, &desc, timeout) {
            Ok(kept) => {
                if !kept.is_empty() {
                    h.out(&format!("{kept}\n"));
                }
                h.out(&format!("release \"{name}\" uninstalled\n"));
            }
            Err(e) if h.p.bool("ignore-not-found") && e.ends_with("release: not found") => {
                h.out(&format!("release \"{name}\" uninstalled\n"));
            }
            Err(e) => return Err(HelmError(e)),
        }
    }
    Ok(())
}
