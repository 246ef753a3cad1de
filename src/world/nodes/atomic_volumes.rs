//! The kubelet's ConfigMap, Secret and projected volumes (upstream `pkg/volume/configmap`,
//! `pkg/volume/secret`, `pkg/volume/util/atomic_writer.go`): what each holds (its payload: one
//! file per key or per `items` entry, with the item's `mode` or the volume's `defaultMode`),
//! and when the kubelet writes it.
//!
//! The kubelet writes a volume's payload when it sets the volume up for the pod, and again at
//! its periodic sync of the pod when the object changed since (`..data` then points at a new
//! timestamped directory). kubelab's kubelet syncs each running pod every [`SYNC_PERIOD`] from
//! the pod's start, so a change shows at the first such instant after it (a real kubelet
//! jitters the period to 60-90 s and adds the manager's propagation delay; the reference
//! observed 30-90 s in all). Mounts with `subPath` keep the file they were given when their
//! container started: a version stays recorded while a container started under it lives.

use crate::world::api::kinds;
use serde_json::Value;
use std::collections::BTreeMap;

use super::PodRuntime;
use super::kubelet::wake as kubelet_wake;
use crate::world::World;
use crate::world::api::meta;
use crate::world::clock::Millis;
use crate::world::controllers::namespace::ROOT_CA;

/// The kubelet's periodic pod sync (`--sync-frequency`, default 1m).
pub const SYNC_PERIOD: Millis = 60_000;

/// How many written versions of one volume are kept for `subPath` mounts at most.
const MAX_VERSIONS: usize = 16;

/// A volume's files: path in the volume → (content, mode).
pub type Payload = BTreeMap<String, (Vec<u8>, u32)>;

/// What the atomic writer wrote into one volume, newest last: (when, files).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// Shared (`Rc`): copying a pod's record copies pointers, not the files.
    pub versions: Vec<(Millis, std::rc::Rc<Payload>)>,
}

impl Written {
    /// The files written last, and when.
    pub fn latest(&self) -> Option<&(Millis, std::rc::Rc<Payload>)> {
        self.versions.last()
    }

    /// The files a container started at `started` was given (a `subPath` mount's file).
    pub fn as_of(&self, started: Millis) -> Option<&(Millis, std::rc::Rc<Payload>)> {
        self.versions
            .iter()
            .rev()
            .find(|(at, _)| *at <= started)
            .or_else(|| self.versions.first())
    }
}

/// The kind of an atomic-writer volume: its backing and the object it projects.
pub struct Source<'a> {
    /// `ConfigMap`, `Secret`, or `` for the service account token's projected volume.
    kind: &'static str,
    /// The object's name.
    name: &'a str,
    /// The volume source (`configMap`, `secret`, `projected`).
    src: &'a Value,
    /// Secrets and projected tokens live on tmpfs.
    pub tmpfs: bool,
}

/// The source of `volume` if the atomic writer fills it.
pub fn source(volume: &Value) -> Option<Source<'_>> {
    if let Some(src) = volume.get("configMap") {
        return Some(Source {
            kind: "ConfigMap",
            name: src.get("name").and_then(Value::as_str).unwrap_or(""),
            src,
            tmpfs: false,
        });
    }
    if let Some(src) = volume.get("secret") {
        return Some(Source {
            kind: "Secret",
            name: src.get("secretName").and_then(Value::as_str).unwrap_or(""),
            src,
            tmpfs: true,
        });
    }
    volume.get("projected").map(|src| Source {
        kind: "",
        name: "",
        src,
        tmpfs: true,
    })
}

/// A volume's `defaultMode` (0644 when unset).
fn default_mode(src: &Value) -> u32 {
    src.get("defaultMode")
        .and_then(Value::as_u64)
        .map_or(0o644, |m| (m & 0o7777) as u32)
}

/// What the volume holds now, from its object: the kubelet's `MakePayload`. An item naming a
/// key the object lacks is the mount's error (skipped when the volume is `optional`); a missing
/// object is an empty payload (its error is the kubelet's mount check's).
pub fn payload(world: &World, pod: &Value, s: &Source<'_>) -> Result<Payload, String> {
    let ns = meta::namespace(pod);
    let mode = default_mode(s.src);
    if s.kind.is_empty() {
        let mut f = Payload::new();
        f.insert("ca.crt".into(), (ROOT_CA.as_bytes().to_vec(), mode));
        f.insert("namespace".into(), (ns.as_bytes().to_vec(), mode));
        let token = format!(
            "eyJhbGciOiJSUzI1NiIsImtpZCI6Imt1YmVsYWIifQ.{}.c2lnbmF0dXJl",
            meta::uid(pod)
        );
        f.insert("token".into(), (token.into_bytes(), mode));
        return Ok(f);
    }
    let Some(obj) = world.object(s.kind, ns, s.name) else {
        return Ok(Payload::new());
    };
    let decode = s.kind == kinds::SECRET;
    let data = object_data(obj, decode);
    let Some(items) = s.src.get("items").and_then(Value::as_array) else {
        return Ok(data.into_iter().map(|(k, v)| (k, (v, mode))).collect());
    };
    let optional = s.src.get("optional").and_then(Value::as_bool) == Some(true);
    let mut out = Payload::new();
    for item in items {
        let key = item.get("key").and_then(Value::as_str).unwrap_or("");
        let Some(bytes) = data.get(key) else {
            if optional {
                continue;
            }
            return Err(if decode {
                format!("references non-existent secret key: {key}")
            } else {
                format!("configmap references non-existent config key: {key}")
            });
        };
        let path = item.get("path").and_then(Value::as_str).unwrap_or(key);
        let m = item
            .get("mode")
            .and_then(Value::as_u64)
            .map_or(mode, |m| (m & 0o7777) as u32);
        out.insert(path.to_string(), (bytes.clone(), m));
    }
    Ok(out)
}

/// An object's `data` and `binaryData` as bytes (`data` base64-decoded for a Secret).
pub fn object_data(obj: &Value, decode: bool) -> BTreeMap<String, Vec<u8>> {
    use base64::Engine as _;
    let mut data = BTreeMap::new();
    for section in ["data", "binaryData"] {
        if let Some(m) = obj.get(section).and_then(Value::as_object) {
            for (k, v) in m {
                let text = v.as_str().unwrap_or("");
                let bytes = if decode || section == "binaryData" {
                    base64::engine::general_purpose::STANDARD
                        .decode(text)
                        .unwrap_or_default()
                } else {
                    text.as_bytes().to_vec()
                };
                data.insert(k.clone(), bytes);
            }
        }
    }
    data
}

/// The pod's atomic-writer volumes: (volume name, source).
fn volumes(pod: &Value) -> impl Iterator<Item = (&str, Source<'_>)> {
    meta::path(pod, &["spec", "volumes"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| Some((v.get("name")?.as_str()?, source(v)?)))
}

/// The first payload error of the pod's volumes: (volume, message).
pub fn mount_error(world: &World, pod: &Value) -> Option<(String, String)> {
    volumes(pod).find_map(|(name, s)| payload(world, pod, &s).err().map(|e| (name.to_string(), e)))
}

/// The pod's sync instant at or after `now`: its start plus a whole number of periods.
fn next_sync(start: Millis, now: Millis) -> Millis {
    let since = (now - start).max(0);
    start + (since + SYNC_PERIOD - 1) / SYNC_PERIOD * SYNC_PERIOD
}

/// Writes the pod's volumes at a kubelet sync: the first time as it sets them up, later at its
/// periodic sync instants when an object changed (at another instant it sets a timer for the
/// next one). `started`: the earliest start of the pod's containers that still run (versions
/// they were given stay recorded).
pub fn sync(world: &mut World, uid: &str, pod: &Value) {
    let now = world.now();
    let Some(rt) = world.pods.get(uid) else {
        return;
    };
    // Nothing to look at unless a volume was never written or an object it projects changed.
    if !rt.atomic_stale && volumes(pod).all(|(name, _)| rt.atomic.contains_key(name)) {
        return;
    }
    let start = rt.start_time;
    let oldest = oldest_start(rt);
    let mut writes = Vec::new();
    let mut later = false;
    for (name, s) in volumes(pod) {
        let Ok(files) = payload(world, pod, &s) else {
            continue;
        };
        match rt.atomic.get(name).and_then(Written::latest) {
            None => writes.push((name.to_string(), files)),
            Some((_, old)) if **old == files => {}
            Some(_) if next_sync(start, now) == now => writes.push((name.to_string(), files)),
            Some(_) => later = true,
        }
    }
    if later {
        kubelet_wake(world, uid, next_sync(start, now));
    }
    let Some(rt) = world.pods.get_mut(uid) else {
        return;
    };
    rt.atomic_stale = later;
    for (name, files) in writes {
        let w = rt.atomic.entry(name).or_default();
        w.versions.push((now, std::rc::Rc::new(files)));
        // Keep what a live container was given, and the newest.
        let keep_from = w
            .versions
            .iter()
            .rposition(|(at, _)| *at <= oldest)
            .unwrap_or(0)
            .max(w.versions.len().saturating_sub(MAX_VERSIONS));
        w.versions.drain(..keep_from);
    }
}

/// When the oldest of the pod's current container instances started (now if none runs).
fn oldest_start(rt: &PodRuntime) -> Millis {
    rt.containers
        .iter()
        .filter_map(|c| match c.state {
            super::ContainerState::Running { started_at } => Some(started_at),
            _ => None,
        })
        .min()
        .unwrap_or(Millis::MAX)
}

/// Wakes, at their next sync, the pods of `namespace` whose volumes project the ConfigMap or
/// Secret `name` (it was written or removed).
pub fn object_changed(world: &mut World, namespace: &str, name: &str) {
    let Some(pk) = crate::world::api::kinds::by_kind(kinds::POD) else {
        return;
    };
    let now = world.now();
    let wakes: Vec<(String, Millis)> = world
        .store
        .list(pk, Some(namespace))
        .filter(|p| volumes(p).any(|(_, s)| !s.kind.is_empty() && s.name == name))
        .filter_map(|p| {
            let uid = meta::uid(p);
            let rt = world.pods.get(uid)?;
            Some((uid.to_string(), next_sync(rt.start_time, now)))
        })
        .collect();
    for (uid, at) in wakes {
        if let Some(rt) = world.pods.get_mut(&uid) {
            rt.atomic_stale = true;
        }
        kubelet_wake(world, &uid, at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_instants_are_whole_periods_from_the_start() {
        assert_eq!(next_sync(1_000, 1_000), 1_000);
        assert_eq!(next_sync(1_000, 1_001), 61_000);
        assert_eq!(next_sync(1_000, 61_000), 61_000);
        assert_eq!(next_sync(1_000, 500), 1_000);
    }

    #[test]
    fn a_subpath_mount_keeps_its_version() {
        let mut w = Written::default();
        w.versions.push((0, Payload::new().into()));
        let mut p = Payload::new();
        p.insert("k".into(), (b"v2".to_vec(), 0o644));
        w.versions.push((60_000, p.into()));
        assert_eq!(w.as_of(30_000).map(|v| v.0), Some(0));
        assert_eq!(w.as_of(60_000).map(|v| v.0), Some(60_000));
        assert_eq!(w.latest().map(|v| v.0), Some(60_000));
    }
}
