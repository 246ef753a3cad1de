//! What a running container sees, for `kubectl exec`: its environment (image ENV, the pod's
//! `env`/`envFrom` with `$(VAR)` expansion, service links) and its volume mounts (ConfigMaps and
//! Secrets one file per key, emptyDir, hostPath, NFS, PersistentVolumeClaims, the service
//! account token) with where their content lives. `world/runtime/` lays them out as a file
//! system for the container's programs.

use crate::world::api::kinds;
use base64::Engine as _;
use serde_json::Value;
use std::collections::BTreeMap;

use crate::world::World;
use crate::world::api::meta;
use crate::world::clock::Millis;
use crate::world::nodes::atomic_volumes::{self, Payload};
use crate::world::runtime::node_disk;

/// Where a mount's content lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Backing {
    /// Files the kubelet writes with its atomic writer (ConfigMap, Secret, projected volumes):
    /// read-only, on tmpfs for secrets; `at`: when they were written (the pod's start when
    /// the kubelet has not written them yet).
    Fixed {
        files: Payload,
        tmpfs: bool,
        at: Option<Millis>,
    },
    /// A writable store in `world.volume_data` under this key.
    Store(String),
}

/// A volume mounted into a container.
pub(crate) struct Mount {
    /// Where (no trailing `/`).
    pub path: String,
    /// `readOnly: true`.
    pub read_only: bool,
    /// Its content.
    pub backing: Backing,
    /// An emptyDir with `medium: Memory` (tmpfs).
    pub tmpfs: bool,
    /// The path inside the volume that is mounted (`subPath`, or `subPathExpr` expanded).
    pub sub_path: Option<String>,
}

/// A container (or init container) of a pod spec by name.
pub(crate) fn container<'a>(pod: &'a Value, name: &str) -> Option<&'a Value> {
    ["containers", "initContainers"].iter().find_map(|l| {
        meta::path(pod, &["spec", l])?
            .as_array()?
            .iter()
            .find(|c| c.get("name").and_then(Value::as_str) == Some(name))
    })
}

/// The container's volume mounts, in the runtime's order.
pub(crate) fn mounts(world: &World, pod: &Value, c: &Value) -> Vec<Mount> {
    let ns = meta::namespace(pod);
    let node = meta::str_at(pod, &["spec", "nodeName"]).unwrap_or("");
    let name = c.get("name").and_then(Value::as_str).unwrap_or("");
    let vols: Vec<Value> = meta::path(pod, &["spec", "volumes"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut out = Vec::new();
    for m in c
        .get("volumeMounts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(vname) = m.get("name").and_then(Value::as_str) else {
            continue;
        };
        let Some(v) = vols
            .iter()
            .find(|v| v.get("name").and_then(Value::as_str) == Some(vname))
        else {
            continue;
        };
        let path = m
            .get("mountPath")
            .and_then(Value::as_str)
            .unwrap_or("/")
            .trim_end_matches('/')
            .to_string();
        let ro = m.get("readOnly").and_then(Value::as_bool) == Some(true);
        let sub_path = m
            .get("subPath")
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| {
                let e = m.get("subPathExpr").and_then(Value::as_str)?;
                Some(expand(e, &world.container_env(pod, name)))
            })
            .filter(|p| !p.is_empty());
        // A hostPath volume is its path on the node's disk, an NFS volume its path in the
        // server's export (with the subPath below it).
        let mut on_host: Option<String> = None;
        let backing = if let Some(src) = atomic_volumes::source(v) {
            // What the kubelet wrote; a `subPath` mount keeps what its container was given.
            let rt = world.pods.get(meta::uid(pod));
            let written = rt.and_then(|r| r.atomic.get(vname)).and_then(|w| {
                if sub_path.is_some() {
                    w.as_of(started_at(rt?, name))
                } else {
                    w.latest()
                }
            });
            let (files, at) = match written {
                Some((at, files)) => ((**files).clone(), Some(*at)),
                None => (
                    atomic_volumes::payload(world, pod, &src).unwrap_or_default(),
                    None,
                ),
            };
            Backing::Fixed {
                files,
                tmpfs: src.tmpfs,
                at,
            }
        } else if v.get("emptyDir").is_some() {
            Backing::Store(format!("emptydir/{}/{vname}", meta::uid(pod)))
        } else if let Some(hp) = v.get("hostPath") {
            on_host = hp.get("path").and_then(Value::as_str).map(str::to_string);
            Backing::Store(node_disk::key(node))
        } else if let Some(nfs) = v.get("nfs") {
            // The export's store, with the directory below it that is mounted.
            let (key, below) = crate::world::runtime::nfs_store(
                world,
                nfs.get("server").and_then(Value::as_str).unwrap_or(""),
                nfs.get("path").and_then(Value::as_str).unwrap_or(""),
            );
            on_host = below;
            Backing::Store(key)
        } else if let Some(claim) = meta::str_at(v, &["persistentVolumeClaim", "claimName"]) {
            let pv_name = world
                .object(kinds::PERSISTENT_VOLUME_CLAIM, ns, claim)
                .and_then(|c| meta::str_at(c, &["spec", "volumeName"]))
                .unwrap_or("")
                .to_string();
            match world.object(kinds::PERSISTENT_VOLUME, "", &pv_name) {
                Some(pv) if pv.get("spec").and_then(|s| s.get("nfs")).is_some() => {
                    let (key, below) = crate::world::runtime::nfs_store(
                        world,
                        meta::str_at(pv, &["spec", "nfs", "server"]).unwrap_or(""),
                        meta::str_at(pv, &["spec", "nfs", "path"]).unwrap_or(""),
                    );
                    on_host = below;
                    Backing::Store(key)
                }
                Some(pv)
                    if meta::path(pv, &["spec", "hostPath"]).is_some()
                        && meta::path(pv, &["spec", "nodeAffinity"]).is_none() =>
                {
                    on_host = meta::str_at(pv, &["spec", "hostPath", "path"]).map(str::to_string);
                    Backing::Store(node_disk::key(node))
                }
                _ => Backing::Store(format!("pv/{pv_name}")),
            }
        } else {
            Backing::Fixed {
                files: Payload::new(),
                tmpfs: false,
                at: None,
            }
        };
        let tmpfs = meta::str_at(v, &["emptyDir", "medium"]) == Some("Memory");
        let sub_path = match (on_host, sub_path) {
            (Some(h), Some(s)) => Some(format!("{}/{s}", h.trim_end_matches('/'))),
            (Some(h), None) => Some(h),
            (None, s) => s,
        };
        out.push(Mount {
            path,
            read_only: ro,
            backing,
            tmpfs,
            sub_path,
        });
    }
    // containerd's orderedMounts: a stable sort by the destination's depth, so a mount lies
    // on the one it is nested in and the rest keep the order of volumeMounts.
    out.sort_by_key(|m| m.path.split('/').filter(|c| !c.is_empty()).count());
    out
}

/// When the current instance of the pod's container `name` started (now if it has not).
fn started_at(rt: &super::PodRuntime, name: &str) -> Millis {
    rt.containers
        .iter()
        .find(|c| c.name == name)
        .and_then(|c| match c.state {
            super::ContainerState::Running { started_at }
            | super::ContainerState::Terminated { started_at, .. } => Some(started_at),
            _ => None,
        })
        .unwrap_or(Millis::MAX)
}

/// Normalizes a path (`/a/./b/../c` → `/a/c`), relative paths from `/`.
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            x => parts.push(x),
        }
    }
    format!("/{}", parts.join("/"))
}

/// The files the kubelet and the runtime put into every container (`/etc/hostname`, `/etc/hosts`,
/// `/etc/resolv.conf`).
pub(crate) fn base_files(world: &World, pod: &Value) -> BTreeMap<String, Vec<u8>> {
    use crate::world::dns;
    let mut f = BTreeMap::new();
    f.insert("/etc/hostname".into(), dns::hostname_file(pod).into_bytes());
    f.insert(
        "/etc/hosts".into(),
        dns::hosts_file(world, pod).into_bytes(),
    );
    f.insert(
        "/etc/resolv.conf".into(),
        dns::resolv_conf(world, pod).into_bytes(),
    );
    f
}

impl World {
    /// The environment of a container, in the order a process sees it.
    pub fn container_env(&self, pod: &Value, container_name: &str) -> Vec<(String, String)> {
        let ns = meta::namespace(pod);
        let Some(c) = container(pod, container_name) else {
            return vec![];
        };
        // containerd's WithDefaultPathEnv: PATH first, replaced by the image's own if it has one.
        use crate::world::registry::rootfs::DEFAULT_PATH;
        let mut image_env: Vec<(String, String)> = self
            .pods
            .get(meta::uid(pod))
            .and_then(|rt| rt.containers.iter().find(|x| x.name == container_name))
            .and_then(|cr| {
                let r = crate::world::registry::ImageRef::parse(&cr.image_name).ok()?;
                let n = self.nodes.get(meta::str_at(pod, &["spec", "nodeName"])?)?;
                let d = n.find_image(&r)?.digest.clone();
                match self.registry.manifest(&d)? {
                    crate::world::registry::Manifest::Image(i) => Some(i.spec.config.env.clone()),
                    _ => None,
                }
            })
            .unwrap_or_default()
            .into_iter()
            .filter_map(|kv| {
                kv.split_once('=')
                    .map(|(k, v)| (k.to_string(), v.to_string()))
            })
            .collect();
        if !image_env.iter().any(|(k, _)| k == "PATH") {
            image_env.insert(0, ("PATH".into(), DEFAULT_PATH.into()));
        }
        let mut pod_env: Vec<(String, String)> = Vec::new();
        let set = |env: &mut Vec<(String, String)>, k: String, v: String| {
            if let Some(e) = env.iter_mut().find(|e| e.0 == k) {
                e.1 = v;
            } else {
                env.push((k, v));
            }
        };
        for ef in c
            .get("envFrom")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let prefix = ef.get("prefix").and_then(Value::as_str).unwrap_or("");
            let (obj, decode) = if let Some(r) = ef.get("configMapRef") {
                (
                    self.object(
                        "ConfigMap",
                        ns,
                        r.get("name").and_then(Value::as_str).unwrap_or(""),
                    ),
                    false,
                )
            } else if let Some(r) = ef.get("secretRef") {
                (
                    self.object(
                        "Secret",
                        ns,
                        r.get("name").and_then(Value::as_str).unwrap_or(""),
                    ),
                    true,
                )
            } else {
                (None, false)
            };
            if let Some(o) = obj {
                for (k, v) in atomic_volumes::object_data(o, decode) {
                    let name = format!("{prefix}{k}");
                    let valid = name.chars().next().is_some_and(|ch| !ch.is_ascii_digit())
                        && name
                            .chars()
                            .all(|ch| ch.is_ascii_alphanumeric() || "-._".contains(ch));
                    if valid {
                        set(&mut pod_env, name, String::from_utf8_lossy(&v).into_owned());
                    }
                }
            }
        }
        for e in c.get("env").and_then(Value::as_array).into_iter().flatten() {
            let Some(name) = e.get("name").and_then(Value::as_str) else {
                continue;
            };
            let value = if let Some(v) = e.get("value").and_then(Value::as_str) {
                expand(v, &pod_env)
            } else if let Some(r) = meta::path(e, &["valueFrom", "configMapKeyRef"]) {
                self.object(
                    "ConfigMap",
                    ns,
                    r.get("name").and_then(Value::as_str).unwrap_or(""),
                )
                .and_then(|o| {
                    meta::str_at(
                        o,
                        &["data", r.get("key").and_then(Value::as_str).unwrap_or("")],
                    )
                    .map(str::to_string)
                })
                .unwrap_or_default()
            } else if let Some(r) = meta::path(e, &["valueFrom", "secretKeyRef"]) {
                self.object(
                    "Secret",
                    ns,
                    r.get("name").and_then(Value::as_str).unwrap_or(""),
                )
                .and_then(|o| {
                    meta::str_at(
                        o,
                        &["data", r.get("key").and_then(Value::as_str).unwrap_or("")],
                    )
                    .map(str::to_string)
                })
                .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default()
            } else if let Some(fp) = meta::str_at(e, &["valueFrom", "fieldRef", "fieldPath"]) {
                match fp {
                    "metadata.name" => meta::name(pod).to_string(),
                    "metadata.namespace" => ns.to_string(),
                    "metadata.uid" => meta::uid(pod).to_string(),
                    "spec.nodeName" => meta::str_at(pod, &["spec", "nodeName"])
                        .unwrap_or("")
                        .to_string(),
                    "spec.serviceAccountName" => meta::str_at(pod, &["spec", "serviceAccountName"])
                        .unwrap_or("")
                        .to_string(),
                    "status.podIP" => meta::str_at(pod, &["status", "podIP"])
                        .unwrap_or("")
                        .to_string(),
                    "status.hostIP" => meta::str_at(pod, &["status", "hostIP"])
                        .unwrap_or("")
                        .to_string(),
                    // The downward API's `metadata.labels['k']` and `metadata.annotations['k']`.
                    _ => fp
                        .strip_prefix("metadata.labels['")
                        .map(|k| ("labels", k))
                        .or_else(|| {
                            fp.strip_prefix("metadata.annotations['")
                                .map(|k| ("annotations", k))
                        })
                        .and_then(|(m, k)| {
                            let k = k.strip_suffix("']")?;
                            meta::str_at(pod, &["metadata", m, k]).map(str::to_string)
                        })
                        .unwrap_or_default(),
                }
            } else {
                String::new()
            };
            set(&mut pod_env, name.to_string(), value);
        }
        // Service links: every service of the namespace (and kubernetes) when enabled.
        let mut svc_env: Vec<(String, String)> = Vec::new();
        let links = meta::bool_at(pod, &["spec", "enableServiceLinks"]) != Some(false);
        for (svc_ns, only) in [(ns, !links), ("default", true)] {
            for s in self.object_list(kinds::SERVICE, svc_ns) {
                if only && !(svc_ns == "default" && meta::name(s) == "kubernetes") {
                    continue;
                }
                if svc_ns != ns && meta::name(s) != "kubernetes" {
                    continue;
                }
                let ip = meta::str_at(s, &["spec", "clusterIP"]).unwrap_or("");
                if ip.is_empty() || ip == "None" {
                    continue;
                }
                let base = meta::name(s).to_ascii_uppercase().replace('-', "_");
                let ports: Vec<&Value> = meta::path(s, &["spec", "ports"])
                    .and_then(Value::as_array)
                    .map(|a| a.iter().collect())
                    .unwrap_or_default();
                let Some(first) = ports.first() else { continue };
                let fport = first.get("port").and_then(Value::as_i64).unwrap_or(0);
                let fproto = first
                    .get("protocol")
                    .and_then(Value::as_str)
                    .unwrap_or("TCP")
                    .to_ascii_lowercase();
                svc_env.push((format!("{base}_SERVICE_HOST"), ip.to_string()));
                svc_env.push((format!("{base}_SERVICE_PORT"), fport.to_string()));
                for p in &ports {
                    if let Some(pn) = p.get("name").and_then(Value::as_str) {
                        svc_env.push((
                            format!(
                                "{base}_SERVICE_PORT_{}",
                                pn.to_ascii_uppercase().replace('-', "_")
                            ),
                            p.get("port")
                                .and_then(Value::as_i64)
                                .unwrap_or(0)
                                .to_string(),
                        ));
                    }
                }
                svc_env.push((format!("{base}_PORT"), format!("{fproto}://{ip}:{fport}")));
                for p in &ports {
                    let port = p.get("port").and_then(Value::as_i64).unwrap_or(0);
                    let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
                    let pre = format!("{base}_PORT_{port}_{proto}");
                    svc_env.push((
                        pre.clone(),
                        format!("{}://{ip}:{port}", proto.to_ascii_lowercase()),
                    ));
                    svc_env.push((format!("{pre}_PROTO"), proto.to_ascii_lowercase()));
                    svc_env.push((format!("{pre}_PORT"), port.to_string()));
                    svc_env.push((format!("{pre}_ADDR"), ip.to_string()));
                }
            }
        }
        svc_env.sort();
        svc_env.dedup_by(|a, b| a.0 == b.0);
        let mut env: Vec<(String, String)> = Vec::new();
        if let Some(p) = image_env.iter().find(|e| e.0 == "PATH") {
            env.push(p.clone());
        }
        env.push(("HOSTNAME".into(), meta::name(pod).to_string()));
        // The image's other variables next (reference §2, "env order"), then the kubelet's:
        // the container's own replace an image's in its place; service links come after them
        // and yield to them.
        for e in &image_env {
            if !env.iter().any(|x| x.0 == e.0) {
                env.push(e.clone());
            }
        }
        for e in &pod_env {
            match env.iter_mut().find(|x| x.0 == e.0) {
                Some(x) => x.1 = e.1.clone(),
                None => env.push(e.clone()),
            }
        }
        for e in &svc_env {
            if !pod_env.iter().any(|x| x.0 == e.0) {
                match env.iter_mut().find(|x| x.0 == e.0) {
                    Some(x) => x.1 = e.1.clone(),
                    None => env.push(e.clone()),
                }
            }
        }
        if !env.iter().any(|x| x.0 == "HOME") {
            env.push(("HOME".into(), "/root".into()));
        }
        env
    }
}

/// `$(VAR)` expansion against earlier variables (`$$` escapes).
fn expand(v: &str, env: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut rest = v;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(a) = after.strip_prefix('$') {
            out.push('$');
            rest = a;
        } else if let Some(inner) = after.strip_prefix('(') {
            match inner.find(')') {
                Some(j) => {
                    let name = &inner[..j];
                    match env.iter().find(|e| e.0 == name) {
                        Some(e) => out.push_str(&e.1),
                        None => out.push_str(&format!("$({name})")),
                    }
                    rest = &inner[j + 1..];
                }
                None => {
                    out.push('$');
                    rest = after;
                }
            }
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion_and_paths() {
        let env = vec![("A".to_string(), "x".to_string())];
        assert_eq!(expand("$(A)-$(B)-$$(A)", &env), "x-$(B)-$(A)");
        assert_eq!(normalize("/a/./b/../c/"), "/a/c");
        assert_eq!(normalize("etc"), "/etc");
    }
}
