//! The `node` host type (`cluster.node("worker-1")`): a node's image store, pulls and disk, and
//! ways to stress it.

use crate::world::api::kinds;
use rhai::{Array, Dynamic, Engine, EvalAltResult, Map};
use serde_json::json;

use super::host::Host;
use super::meter::CALL_COST;
use crate::world::api::meta;
use crate::world::nodes::image_gc;
use crate::world::registry::ImageRef;

type Res<T> = Result<T, Box<EvalAltResult>>;

/// A node in scripts.
#[derive(Clone)]
pub struct NodeHandle {
    /// The shared host.
    pub host: Host,
    /// Node name.
    pub name: String,
}

impl NodeHandle {
    /// `node.name`.
    pub fn get_name(&mut self) -> String {
        self.name.clone()
    }

    /// `node.images()`: `#{digest, tags, repo_digests, size}` per image on the node.
    pub fn images(&mut self) -> Res<Array> {
        self.host.charge("node.images", CALL_COST)?;
        let w = self.host.world.borrow();
        let Some(n) = w.nodes.get(&self.name) else {
            return Ok(Array::new());
        };
        self.host.charge_items(n.images.len());
        Ok(n.images
            .values()
            .map(|i| {
                let mut m = Map::new();
                m.insert("digest".into(), i.digest.clone().into());
                m.insert(
                    "tags".into(),
                    Dynamic::from_array(
                        i.repo_tags
                            .iter()
                            .map(|t| Dynamic::from(t.clone()))
                            .collect(),
                    ),
                );
                m.insert(
                    "repo_digests".into(),
                    Dynamic::from_array(
                        i.repo_digests
                            .iter()
                            .map(|t| Dynamic::from(t.clone()))
                            .collect(),
                    ),
                );
                m.insert("size".into(), Dynamic::from_int(i.size as i64));
                Dynamic::from_map(m)
            })
            .collect())
    }

    /// `node.has_image(ref)`: whether the node has an image for the reference (by tag or digest).
    pub fn has_image(&mut self, reference: &str) -> Res<bool> {
        self.host.charge("node.has_image", CALL_COST)?;
        let r = ImageRef::parse(reference).map_err(|e| format!("node.has_image: {e}"))?;
        let w = self.host.world.borrow();
        Ok(w.nodes
            .get(&self.name)
            .is_some_and(|n| n.find_image(&r).is_some()))
    }

    /// `node.image_digest(ref)`: the digest of the local image a reference names, or `()`.
    pub fn image_digest(&mut self, reference: &str) -> Res<Dynamic> {
        self.host.charge("node.image_digest", CALL_COST)?;
        let r = ImageRef::parse(reference).map_err(|e| format!("node.image_digest: {e}"))?;
        let w = self.host.world.borrow();
        Ok(w.nodes
            .get(&self.name)
            .and_then(|n| n.find_image(&r))
            .map(|i| Dynamic::from(i.digest.clone()))
            .unwrap_or(Dynamic::UNIT))
    }

    /// `node.pulls(ref)`: how many successful pulls of that reference the node made.
    pub fn pulls(&mut self, reference: &str) -> Res<i64> {
        self.host.charge("node.pulls", CALL_COST)?;
        let want = ImageRef::parse(reference)
            .map_err(|e| format!("node.pulls: {e}"))?
            .full();
        let w = self.host.world.borrow();
        Ok(w.nodes
            .get(&self.name)
            .map(|n| {
                n.pulls
                    .iter()
                    .filter(|p| {
                        p.ok && ImageRef::parse(&p.reference).map(|r| r.full()).as_deref()
                            == Ok(want.as_str())
                    })
                    .count() as i64
            })
            .unwrap_or(0))
    }

    /// `node.pull(ref)`: the node pulls an image now, as if a pod had needed it earlier (useful
    /// to prepare a node whose cache holds an old version of a floating tag). Returns the digest.
    pub fn pull(&mut self, reference: &str) -> Res<String> {
        self.host.charge("node.pull", CALL_COST)?;
        let mut w = self.host.world_mut();
        let now = w.now();
        let res = w
            .registry
            .resolve(reference)
            .map_err(|e| format!("node.pull: {}", e.message()))?;
        let n = w.nodes.get_mut(&self.name).ok_or("node.pull: node gone")?;
        let digest = n.store_image(&res, now);
        n.pulls.push(crate::world::nodes::PullRecord {
            reference: reference.to_string(),
            digest: res.repo_digest.clone(),
            time: now,
            ok: true,
        });
        Ok(digest)
    }

    /// `node.add_disk(name, size)`: a new empty disk on the node (`sdb` to `sdz`, a size such
    /// as `"100G"`): no partition, no file system, as `lsblk` then shows it and rook's OSD
    /// prepare job wants it. Adding a name the node has is an error.
    pub fn add_disk(&mut self, name: &str, size: &str) -> Res<()> {
        use crate::world::nodes::block_devices::{AddedDisk, check_name, parse_size};
        self.host.charge("node.add_disk", CALL_COST)?;
        check_name(name).map_err(|e| format!("node.add_disk: {e}"))?;
        let size = parse_size(size).map_err(|e| format!("node.add_disk: {e}"))?;
        let mut w = self.host.world_mut();
        if !w.nodes.contains_key(&self.name) {
            return Err("node.add_disk: node gone".into());
        }
        let disks = w.node_disks.entry(self.name.clone()).or_default();
        if disks.iter().any(|d| d.name == name) {
            return Err(format!("node.add_disk: {} already has a disk {name}", self.name).into());
        }
        disks.push(AddedDisk {
            name: name.to_string(),
            size,
        });
        Ok(())
    }

    /// `node.disk_usage()`: image filesystem usage in percent.
    pub fn disk_usage(&mut self) -> Res<i64> {
        self.host.charge("node.disk_usage", CALL_COST)?;
        Ok(self
            .host
            .world
            .borrow()
            .nodes
            .get(&self.name)
            .map_or(0, |n| n.disk_percent() as i64))
    }

    /// `node.fill_disk(percent)`: fills the image filesystem to `percent` with other data, then
    /// runs the kubelet's image garbage collection as its periodic check would. Returns the
    /// digests removed.
    pub fn fill_disk(&mut self, percent: i64) -> Res<Array> {
        self.fill_disk_float(percent as f64)
    }

    /// `node.fill_disk(87.5)`: a fractional percentage.
    pub fn fill_disk_float(&mut self, percent: f64) -> Res<Array> {
        if !(0.0..=100.0).contains(&percent) {
            return Err("node.fill_disk: percent must be between 0 and 100".into());
        }
        self.host.charge("node.fill_disk", CALL_COST)?;
        let mut w = self.host.world_mut();
        let Some(n) = w.nodes.get_mut(&self.name) else {
            return Ok(Array::new());
        };
        let images: u64 = n.images.values().map(|i| i.size).sum();
        let target = (n.disk_capacity as f64 * percent / 100.0) as u64;
        n.disk_other = target.saturating_sub(images);
        let removed = image_gc::collect(&mut w, &self.name);
        Ok(removed.into_iter().map(Dynamic::from).collect())
    }

    fn set_spec(&mut self, what: &str, f: impl FnOnce(&mut serde_json::Value)) -> Res<()> {
        self.host.charge(what, CALL_COST)?;
        let rounds = self.host.rounds();
        {
            let mut w = self.host.world_mut();
            if let Some(mut n) = w.object(kinds::NODE, "", &self.name).cloned() {
                f(&mut n);
                w.write(n);
                w.settle();
            }
        }
        self.host.charge_rounds_since(rounds);
        Ok(())
    }

    /// `node.cordon()`: marks the node unschedulable.
    pub fn cordon(&mut self) -> Res<()> {
        self.set_spec("node.cordon", |n| {
            meta::set_path(n, &["spec", "unschedulable"], json!(true))
        })
    }

    /// `node.uncordon()`.
    pub fn uncordon(&mut self) -> Res<()> {
        self.set_spec("node.uncordon", |n| {
            meta::remove_path(n, &["spec", "unschedulable"]);
        })
    }

    /// `node.set_ready(false)`: the node's kubelet stops posting status, as the node lifecycle
    /// controller then records it: every condition `Unknown` (`NodeStatusUnknown`, `Kubelet
    /// stopped posting node status.`), which taints the node `node.kubernetes.io/unreachable`
    /// (NoSchedule, NoExecute). `set_ready(true)`: the kubelet posts its usual conditions again.
    pub fn set_ready(&mut self, ready: bool) -> Res<()> {
        let now = crate::world::clock::rfc3339(self.host.world_mut().now());
        self.set_spec("node.set_ready", |n| {
            if let Some(conds) = meta::path_mut(n, &["status", "conditions"]).as_array_mut() {
                for c in conds.iter_mut() {
                    let ty = c
                        .get("type")
                        .and_then(serde_json::Value::as_str)
                        .unwrap_or("")
                        .to_string();
                    let (status, reason, message) = match (ready, ty.as_str()) {
                        (false, _) => (
                            "Unknown",
                            "NodeStatusUnknown",
                            "Kubelet stopped posting node status.",
                        ),
                        (true, "Ready") => {
                            ("True", "KubeletReady", "kubelet is posting ready status")
                        }
                        (true, "MemoryPressure") => (
                            "False",
                            "KubeletHasSufficientMemory",
                            "kubelet has sufficient memory available",
                        ),
                        (true, "DiskPressure") => (
                            "False",
                            "KubeletHasNoDiskPressure",
                            "kubelet has no disk pressure",
                        ),
                        (true, "PIDPressure") => (
                            "False",
                            "KubeletHasSufficientPID",
                            "kubelet has sufficient PID available",
                        ),
                        _ => continue,
                    };
                    if c.get("status").and_then(serde_json::Value::as_str) != Some(status) {
                        c["lastTransitionTime"] = json!(now);
                    }
                    if ready {
                        c["lastHeartbeatTime"] = json!(now);
                    }
                    c["status"] = json!(status);
                    c["reason"] = json!(reason);
                    c["message"] = json!(message);
                }
            }
        })
    }
}

/// Registers `Node` and its methods.
pub fn register(engine: &mut Engine) {
    engine
        .register_type_with_name::<NodeHandle>("Node")
        .register_get("name", NodeHandle::get_name)
        .register_fn("images", NodeHandle::images)
        .register_fn("has_image", NodeHandle::has_image)
        .register_fn("image_digest", NodeHandle::image_digest)
        .register_fn("pulls", NodeHandle::pulls)
        .register_fn("pull", NodeHandle::pull)
        .register_fn("disk_usage", NodeHandle::disk_usage)
        .register_fn("add_disk", NodeHandle::add_disk)
        .register_fn("fill_disk", NodeHandle::fill_disk)
        .register_fn("fill_disk", NodeHandle::fill_disk_float)
        .register_fn("cordon", NodeHandle::cordon)
        .register_fn("uncordon", NodeHandle::uncordon)
        .register_fn("set_ready", NodeHandle::set_ready);
}
