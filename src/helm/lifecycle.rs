//! What install, upgrade, rollback and uninstall share (`pkg/action`): release name validation,
//! hooks run in the cluster (`execHook`: by weight, delete policies, waiting for a hook Pod to
//! succeed or a Job to complete, in virtual time), `--wait` for the release's objects (polled
//! every 2 s of virtual time up to `--timeout`), and the storage steps.

use crate::world::api::kinds;
use serde_json::Value;

use super::kube::{self, Resource};
use super::release::{Hook, Release};
use crate::world::World;
use crate::world::api::meta;

/// `chartutil.ValidateReleaseName`.
pub fn validate_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 53
        && name.split('.').all(|part| {
            let b = part.as_bytes();
            !b.is_empty()
                && b.iter()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
                && b[0] != b'-'
                && b[b.len() - 1] != b'-'
        });
    if ok {
        return Ok(());
    }
    Err(format!(
        "release name \"{name}\": invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53"
    ))
}

/// `--timeout` in milliseconds (300 s by default).
pub fn timeout_ms(p: &super::cli::Parsed) -> i64 {
    p.get("timeout")
        .and_then(|t| crate::kubectl::duration::parse_go_duration(t).ok())
        .unwrap_or(300_000)
}

const DEADLINE: &str = "context deadline exceeded";

/// The longest wait kubelab simulates (virtual time), as its other waits.
const MAX_WAIT_MS: i64 = 3_600_000;

/// The error of a wait that ran out: Go's, or kubelab's when its own limit stopped it first.
fn expired(timeout: i64) -> String {
    if timeout > MAX_WAIT_MS {
        return "kubelab: stopped waiting after 1h of virtual time (kubelab's limit; --timeout asked for more)".into();
    }
    DEADLINE.into()
}

fn is_ready(world: &World, r: &Resource) -> bool {
    let Some(obj) = world.store.get(r.kind, r.namespace(), r.name()) else {
        return false;
    };
    let spec_replicas = |o: &Value| {
        o.pointer("/spec/replicas")
            .and_then(Value::as_i64)
            .unwrap_or(1)
    };
    let status_i = |o: &Value, k: &str| {
        o.pointer(&format!("/status/{k}"))
            .and_then(Value::as_i64)
            .unwrap_or(0)
    };
    match r.kind.kind {
        kinds::POD => obj
            .pointer("/status/conditions")
            .and_then(Value::as_array)
            .is_some_and(|c| {
                c.iter()
                    .any(|c| c["type"] == "Ready" && c["status"] == "True")
            }),
        kinds::DEPLOYMENT => {
            let want = spec_replicas(obj);
            let unavailable = match obj.pointer("/spec/strategy/rollingUpdate/maxUnavailable") {
                Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
                Some(Value::String(s)) if s.ends_with('%') => {
                    want * s.trim_end_matches('%').parse::<i64>().unwrap_or(25) / 100
                }
                _ if obj.pointer("/spec/strategy/type").and_then(Value::as_str)
                    == Some("Recreate") =>
                {
                    0
                }
                _ => want * 25 / 100,
            };
            status_i(obj, "observedGeneration")
                >= obj
                    .pointer("/metadata/generation")
                    .and_then(Value::as_i64)
                    .unwrap_or(0)
                && status_i(obj, "updatedReplicas") >= want
                && status_i(obj, "readyReplicas") >= want - unavailable
        }
        kinds::STATEFUL_SET | kinds::REPLICA_SET => {
            status_i(obj, "readyReplicas") >= spec_replicas(obj)
        }
        kinds::PERSISTENT_VOLUME_CLAIM => {
            obj.pointer("/status/phase").and_then(Value::as_str) == Some("Bound")
        }
        _ => true,
    }
}

/// `--wait`: polls every 2 s of virtual time until every object is ready or the timeout passes.
pub fn wait_ready(world: &mut World, resources: &[Resource], asked: i64) -> Result<(), String> {
    let timeout = asked.min(MAX_WAIT_MS);
    let start = world.now();
    loop {
        world.settle();
        if resources.iter().all(|r| is_ready(world, r)) {
            return Ok(());
        }
        if world.now() - start >= timeout {
            return Err(expired(asked));
        }
        world.advance(2000.min(timeout - (world.now() - start)).max(1));
    }
}

/// Waits for a hook object: a Pod until it succeeded (or failed), a Job until complete.
fn watch_until_ready(world: &mut World, r: &Resource, asked: i64) -> Result<(), String> {
    let timeout = asked.min(MAX_WAIT_MS);
    let start = world.now();
    loop {
        world.settle();
        let obj = world.store.get(r.kind, r.namespace(), r.name()).cloned();
        match (r.kind.kind, obj) {
            ("Pod", Some(o)) => match o.pointer("/status/phase").and_then(Value::as_str) {
                Some("Succeeded") => return Ok(()),
                Some("Failed") => return Err(format!("pod {} failed", r.name())),
                _ => {}
            },
            ("Job", Some(o)) => {
                let conds = o
                    .pointer("/status/conditions")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                if conds
                    .iter()
                    .any(|c| c["type"] == "Complete" && c["status"] == "True")
                {
                    return Ok(());
                }
                if let Some(c) = conds
                    .iter()
                    .find(|c| c["type"] == "Failed" && c["status"] == "True")
                {
                    return Err(format!(
                        "job {} failed: {}",
                        r.name(),
                        c["reason"].as_str().unwrap_or("")
                    ));
                }
            }
            (_, None) => return Ok(()),
            _ => return Ok(()),
        }
        if world.now() - start >= timeout {
            return Err(expired(asked));
        }
        world.advance(1000);
    }
}

/// hashicorp/go-multierror's text of a list of errors.
pub fn multierror(errs: &[String]) -> String {
    if errs.len() == 1 {
        return format!("1 error occurred:\n\t* {}\n\n", errs[0]);
    }
    let points: Vec<String> = errs.iter().map(|e| format!("* {e}")).collect();
    format!(
        "{} errors occurred:\n\t{}\n\n",
        errs.len(),
        points.join("\n\t")
    )
}

/// Deletes a hook's objects and waits until they are gone (`WaitForDelete`: a Pod's graceful
/// deletion takes virtual time), at most kubelab's wait limit.
fn delete_hook(world: &mut World, h: &Hook, ns: &str) {
    if h.kind == kinds::CUSTOM_RESOURCE_DEFINITION {
        return;
    }
    let Ok(res) = kube::build(&h.manifest, ns) else {
        return;
    };
    for r in &res {
        let _ = world.delete(r.kind, r.namespace(), r.name(), &Default::default());
    }
    let start = world.now();
    loop {
        world.settle();
        let left = res
            .iter()
            .any(|r| world.store.get(r.kind, r.namespace(), r.name()).is_some());
        if !left || world.now() - start >= MAX_WAIT_MS {
            return;
        }
        world.advance(1000);
    }
}

/// `execHook`: runs the release's hooks of `event`; their last runs are recorded in `r`.
pub fn exec_hooks(
    world: &mut World,
    r: &mut Release,
    event: &str,
    timeout: i64,
) -> Result<(), String> {
    let mut idx: Vec<usize> = (0..r.hooks.len())
        .filter(|&i| r.hooks[i].events.iter().any(|e| e == event))
        .collect();
    idx.sort_by(|&a, &b| {
        let (x, y) = (&r.hooks[a], &r.hooks[b]);
        x.weight.cmp(&y.weight).then_with(|| x.name.cmp(&y.name))
    });
    let ns = r.namespace.clone();
    for &i in &idx {
        if r.hooks[i].delete_policies.is_empty() {
            r.hooks[i].delete_policies = vec!["before-hook-creation".into()];
        }
        if r.hooks[i]
            .delete_policies
            .iter()
            .any(|p| p == "before-hook-creation")
        {
            delete_hook(world, &r.hooks[i], &ns);
        }
        let mut res = kube::build(&r.hooks[i].manifest, &ns).map_err(|e| {
            format!(
                "unable to build kubernetes object for {event} hook {}: {e}",
                r.hooks[i].path
            )
        })?;
        let _ = &mut res;
        r.hooks[i].last_run_started = Some(world.now());
        r.hooks[i].last_run_phase = "Running".into();
        if let Err(e) = kube::create(world, &res) {
            r.hooks[i].last_run_completed = Some(world.now());
            r.hooks[i].last_run_phase = "Failed".into();
            return Err(format!(
                "warning: Hook {event} {} failed: {e}",
                r.hooks[i].path
            ));
        }
        // `perform`: every object watched, the errors gathered as hashicorp/multierror does.
        let errs: Vec<String> = res
            .iter()
            .filter_map(|x| watch_until_ready(world, x, timeout).err())
            .collect();
        let result = if errs.is_empty() {
            Ok(())
        } else {
            Err(multierror(&errs))
        };
        r.hooks[i].last_run_completed = Some(world.now());
        if let Err(e) = result {
            r.hooks[i].last_run_phase = "Failed".into();
            if r.hooks[i]
                .delete_policies
                .iter()
                .any(|p| p == "hook-failed")
            {
                delete_hook(world, &r.hooks[i], &ns);
            }
            // The hooks that succeeded before it are deleted as their policy says.
            for &j in &idx {
                if j == i {
                    break;
                }
                if r.hooks[j]
                    .delete_policies
                    .iter()
                    .any(|p| p == "hook-succeeded")
                {
                    delete_hook(world, &r.hooks[j], &ns);
                }
            }
            return Err(e);
        }
        r.hooks[i].last_run_phase = "Succeeded".into();
    }
    for &i in idx.iter().rev() {
        if r.hooks[i]
            .delete_policies
            .iter()
            .any(|p| p == "hook-succeeded")
        {
            delete_hook(world, &r.hooks[i], &ns);
        }
    }
    Ok(())
}

/// The objects of a stored manifest (for uninstall and updates); broken documents skipped.
pub fn manifest_resources(manifest: &str, ns: &str) -> Vec<Resource> {
    kube::build(manifest, ns).unwrap_or_else(|_| {
        super::manifests::split(manifest)
            .iter()
            .filter_map(|d| kube::build(d, ns).ok())
            .flatten()
            .collect()
    })
}

/// Whether an object asks to be kept on uninstall (`helm.sh/resource-policy: keep`).
pub fn keep_policy(obj: &Value) -> bool {
    meta::str_at(obj, &["metadata", "annotations", "helm.sh/resource-policy"]) == Some("keep")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multierror_lists_as_go_multierror() {
        assert_eq!(
            multierror(&["pod a failed".into()]),
            "1 error occurred:\n\t* pod a failed\n\n"
        );
        assert_eq!(
            multierror(&["x".into(), "y".into()]),
            "2 errors occurred:\n\t* x\n\t* y\n\n"
        );
    }
}
