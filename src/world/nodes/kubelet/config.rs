//! What a container needs before it is created: its ConfigMaps, Secrets and volumes' mounts.

use super::*;

/// Environment references must resolve before the container is created.
pub(super) fn config_then_create(
    world: &mut World,
    uid: &str,
    pod: &Value,
    i: usize,
    spec: &Value,
) -> bool {
    let now = world.now();
    if let Some(msg) = config_error(world, pod, spec) {
        let name = Container(spec).name().to_string();
        let init = world.pods.get(uid).is_some_and(|r| r.containers[i].init);
        event(
            world,
            pod,
            Some(&name),
            init,
            "Warning",
            "Failed",
            &format!("Error: {msg}"),
        );
        set_state(
            world,
            uid,
            i,
            ContainerState::Waiting {
                reason: "CreateContainerConfigError".into(),
                message: msg,
            },
        );
        set_retry(world, uid, i, now + RECHECK);
        wake(world, uid, now + RECHECK);
        return false;
    }
    let until = now + world.timings.start_ms;
    set_state(world, uid, i, ContainerState::Starting { until });
    if let Some(rt) = world.pods.get_mut(uid) {
        rt.containers[i].retry_at = None;
    }
    true
}

pub(super) fn config_error(world: &World, pod: &Value, spec: &Value) -> Option<String> {
    let ns = meta::namespace(pod);
    for e in spec
        .field("env")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for (refkey, kind, label) in [
            ("configMapKeyRef", "ConfigMap", "configmap"),
            ("secretKeyRef", "Secret", "secret"),
        ] {
            let Some(r) = meta::path(e, &["valueFrom", refkey]) else {
                continue;
            };
            if r.field("optional").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let name = r.field("name").and_then(Value::as_str).unwrap_or("");
            let key = r.field("key").and_then(Value::as_str).unwrap_or("");
            match world.object(kind, ns, name) {
                None => return Some(format!("{label} \"{name}\" not found")),
                Some(obj) => {
                    let has = ["data", "binaryData"]
                        .iter()
                        .any(|s| obj.get(*s).and_then(|d| d.get(key)).is_some());
                    if !has {
                        return Some(format!("couldn't find key {key} in {kind} {ns}/{name}"));
                    }
                }
            }
        }
    }
    for ef in spec
        .field("envFrom")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for (refkey, kind, label) in [
            ("configMapRef", "ConfigMap", "configmap"),
            ("secretRef", "Secret", "secret"),
        ] {
            let Some(r) = ef.get(refkey) else { continue };
            if r.field("optional").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let name = r.field("name").and_then(Value::as_str).unwrap_or("");
            if world.object(kind, ns, name).is_none() {
                return Some(format!("{label} \"{name}\" not found"));
            }
        }
    }
    None
}

pub(super) fn mount_error(world: &World, pod: &Value) -> Option<(String, String)> {
    let ns = meta::namespace(pod);
    for v in meta::path(pod, &["spec", "volumes"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let vname = v
            .field("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        for (field, namekey, kind, label) in [
            ("configMap", "name", "ConfigMap", "configmap"),
            ("secret", "secretName", "Secret", "secret"),
        ] {
            let Some(src) = v.get(field) else { continue };
            if src.field("optional").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let name = src.get(namekey).and_then(Value::as_str).unwrap_or("");
            if world.object(kind, ns, name).is_none() {
                return Some((vname, format!("{label} \"{name}\" not found")));
            }
        }
        if let Some(nfs) = v.field("nfs") {
            let server = nfs.field("server").and_then(Value::as_str).unwrap_or("");
            let path = nfs.field("path").and_then(Value::as_str).unwrap_or("");
            let output = match world.nfs_servers.get(server) {
                None => "mount.nfs: Connection timed out".to_string(),
                Some(exports)
                    if !exports.iter().any(|e| {
                        path == e || path.starts_with(&format!("{}/", e.trim_end_matches('/')))
                    }) =>
                {
                    format!("mount.nfs: access denied by server while mounting {server}:{path}")
                }
                Some(_) => continue,
            };
            let uid = meta::uid(pod);
            return Some((
                vname.clone(),
                format!(
                    "mount failed: exit status 32\nMounting command: mount\nMounting arguments: -t nfs {server}:{path} /var/lib/kubelet/pods/{uid}/volumes/kubernetes.io~nfs/{vname}\nOutput: {output}"
                ),
            ));
        }
    }
    super::super::atomic_volumes::mount_error(world, pod)
        .or_else(|| super::super::host_path::check(world, pod))
}
