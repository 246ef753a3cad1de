//! The image trigger controller (openshift-controller-manager `image/controller/trigger`,
//! library-go `image/trigger/annotations.go`): objects carrying `image.openshift.io/triggers`
//! get their container images set to what the watched image stream tags resolve to.

use serde_json::Value;

use super::imagestream::{resolve_pull_spec, split_istag};
use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::meta;

/// The annotation key.
pub const ANNOTATION: &str = "image.openshift.io/triggers";

/// Kinds the controller watches and where their pod spec lives.
fn pod_spec_path(kind: &str) -> Option<&'static [&'static str]> {
    match kind {
        kinds::DEPLOYMENT
        | kinds::STATEFUL_SET
        | kinds::DAEMON_SET
        | kinds::REPLICA_SET
        | kinds::JOB => Some(&["spec", "template", "spec"]),
        kinds::CRON_JOB => Some(&["spec", "jobTemplate", "spec", "template", "spec"]),
        kinds::POD => Some(&["spec"]),
        _ => None,
    }
}

/// Parses a trigger fieldPath into (list, selector) where the selector is a container name or
/// an index: `spec.template.spec.containers[?(@.name=="x")].image`.
pub fn parse_field_path(kind: &str, fp: &str) -> Option<(String, Result<String, usize>)> {
    let prefix = pod_spec_path(kind)?.join(".");
    let rest = fp.strip_prefix(&prefix)?.strip_prefix('.')?;
    let (list, rest) = if let Some(r) = rest.strip_prefix("containers") {
        ("containers", r)
    } else if let Some(r) = rest.strip_prefix("initContainers") {
        ("initContainers", r)
    } else {
        return None;
    };
    let inner = rest
        .strip_suffix(".image")?
        .strip_prefix('[')?
        .strip_suffix(']')?;
    if let Some(n) = inner
        .strip_prefix("?(@.name==\"")
        .and_then(|x| x.strip_suffix("\")"))
    {
        return Some((list.to_string(), Ok(n.to_string())));
    }
    inner
        .parse::<usize>()
        .ok()
        .map(|i| (list.to_string(), Err(i)))
}

/// The object with every non-paused trigger applied; None when nothing changes.
pub fn apply(world: &World, obj: &Value) -> Option<Value> {
    let kind = meta::kind(obj).to_string();
    let spec_path = pod_spec_path(&kind)?;
    let raw = meta::annotation(obj, ANNOTATION)?;
    let triggers: Vec<Value> = serde_json::from_str(raw).ok()?;
    let ns = meta::namespace(obj);
    let mut out = obj.clone();
    let mut changed = false;
    for t in &triggers {
        if t.get("paused").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        if meta::str_at(t, &["from", "kind"]).unwrap_or("ImageStreamTag") != kinds::IMAGE_STREAM_TAG
        {
            continue;
        }
        let from = meta::str_at(t, &["from", "name"]).unwrap_or("");
        let from_ns = meta::str_at(t, &["from", "namespace"])
            .filter(|s| !s.is_empty())
            .unwrap_or(ns);
        let (stream, tag) = split_istag(from, "");
        let Some(is) = world.object(kinds::IMAGE_STREAM, from_ns, &stream) else {
            continue;
        };
        let Some(pull) = resolve_pull_spec(is, &tag) else {
            continue;
        };
        let Some(fp) = t.get("fieldPath").and_then(Value::as_str) else {
            continue;
        };
        let Some((list, sel)) = parse_field_path(&kind, fp) else {
            continue;
        };
        let mut keys: Vec<&str> = spec_path.to_vec();
        keys.push(&list);
        let Some(containers) = meta::path_mut(&mut out, &keys).as_array_mut() else {
            continue;
        };
        let target = match &sel {
            Ok(name) => containers
                .iter_mut()
                .find(|c| c.get("name").and_then(Value::as_str) == Some(name.as_str())),
            Err(i) => containers.get_mut(*i),
        };
        if let Some(c) = target
            && c.get("image").and_then(Value::as_str) != Some(pull.as_str())
        {
            c["image"] = Value::String(pull);
            changed = true;
        }
    }
    changed.then_some(out)
}

/// Reconciles every triggered object.
pub fn run(world: &mut World) {
    for kind in ["Deployment", "StatefulSet", "DaemonSet", "CronJob"] {
        let Some(k) = kinds::by_kind(kind) else {
            continue;
        };
        let objs: Vec<Value> = world.store.annotated(ANNOTATION, k).cloned().collect();
        for o in objs {
            if let Some(updated) = apply(world, &o) {
                world.write_discard(updated);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths() {
        assert_eq!(
            parse_field_path(
                "Deployment",
                "spec.template.spec.containers[?(@.name==\"keycloak\")].image"
            ),
            Some(("containers".into(), Ok("keycloak".into())))
        );
        assert_eq!(
            parse_field_path("Deployment", "spec.template.spec.containers[0].image"),
            Some(("containers".into(), Err(0)))
        );
        assert_eq!(
            parse_field_path("Deployment", "spec.containers[0].image"),
            None
        );
    }
}
