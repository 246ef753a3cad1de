//! The default scheduler, simplified but deterministic: filter nodes (Ready, schedulable, taints
//! tolerated, nodeSelector, pod capacity, CPU/memory requests), then score by spreading pods of
//! the same owner and by fewest pods, ties by node name.

use crate::world::api::meta::Field;
use serde_json::{Value, json};
use std::collections::BTreeMap;

use crate::world::World;
use crate::world::api::kinds::{self, KindInfo};
use crate::world::api::meta;
use crate::world::api::quantity::parse_milli;
use crate::world::clock::rfc3339;
use crate::world::events::Source;
use crate::world::store::ObjKey;

/// What the scheduler remembers between runs, so that a run looks only at what changed.
#[derive(Debug, Clone, Default)]
pub(crate) struct Memo {
    /// What every pending pod was last tried against ([`inputs`]), when all of them were.
    tried: Option<Inputs>,
    /// The pods on each node, with [`Store::placements`](crate::world::store::Store) when
    /// they were counted.
    loads: Option<(u64, BTreeMap<String, NodeLoad>)>,
}

/// What a pending pod's placement depends on besides the pod itself: what pods hold on
/// nodes, nodes, claims, volumes and classes.
type Inputs = (u64, u64, u64, u64, u64, usize);

fn inputs(world: &World) -> Inputs {
    let s = &world.store;
    (
        s.placements(),
        s.kind_writes("nodes"),
        s.kind_writes("persistentvolumeclaims"),
        s.kind_writes("persistentvolumes"),
        s.kind_writes("storageclasses"),
        world.nodes.len(),
    )
}

/// The pods on each node (those not in a terminal phase), from the memo when no pod on a node
/// changed since they were counted.
fn loads(world: &mut World, pod_kind: &KindInfo) -> BTreeMap<String, NodeLoad> {
    let now = world.store.placements();
    if let Some((at, loads)) = world.scheduler.loads.take()
        && at == now
    {
        return loads;
    }
    let mut placed: BTreeMap<String, NodeLoad> = BTreeMap::new();
    for p in world.store.list(pod_kind, None).filter(|p| !terminal(p)) {
        if let Some(n) = meta::str_at(p, &["spec", "nodeName"]) {
            placed.entry(n.to_string()).or_default().add(p);
        }
    }
    placed
}

/// Places every pending pod that has no node yet. Returns true if anything changed.
///
/// A pending pod tried before, against the same [`inputs`], would fail again with the same
/// message, so while nothing it depends on changed only the pods written since the last run
/// are tried (upstream's scheduler parks such pods until a cluster event may help them); once
/// a placement changes the inputs, every pending pod after it is tried, and the next run tries
/// them all, as a pass over every pending pod in key order would.
pub fn run(world: &mut World) -> bool {
    let (Some(pod_kind), Some(node_kind)) = (kinds::by_kind("Pod"), kinds::by_kind("Node")) else {
        return false;
    };
    let written = world.store.take_written_unscheduled();
    let start = inputs(world);
    let mut all = world.scheduler.tried != Some(start);
    world.scheduler.tried = None;
    // The next pending pod after `after` to try, if any: every one, or only those written.
    let next = |world: &World, all: bool, after: Option<&ObjKey>| -> Option<ObjKey> {
        use std::ops::Bound;
        if all {
            return world.store.unscheduled_after(after).cloned();
        }
        let bound = after.map_or(Bound::Unbounded, Bound::Excluded);
        written
            .range((bound, Bound::Unbounded))
            .find(|k| world.store.is_unscheduled(k))
            .cloned()
    };
    if next(world, all, None).is_none() {
        world.scheduler.tried = Some(start);
        return false;
    }
    let nodes: Vec<std::rc::Rc<Value>> = world.store.iter_shared(node_kind).cloned().collect();
    let mut placed = loads(world, pod_kind);
    // Placements this run counts itself: the loads stay right as long as they are the only
    // changes to what pods hold.
    let mut own_placements = 0;
    let mut own_exact = true;
    let mut changed = false;
    let mut after: Option<ObjKey> = None;
    while let Some(key) = next(world, all, after.as_ref()) {
        let pod = world.store.get_shared(pod_kind, &key.0, &key.1);
        after = Some(key);
        let Some(pod) = pod.filter(|p| {
            meta::str_at(p, &["spec", "schedulerName"]).unwrap_or("default-scheduler")
                == "default-scheduler"
        }) else {
            continue;
        };
        if !all && inputs(world) != start {
            all = true;
        }
        world.stats.scheduling_tries += 1;
        let (allowed, annotate) = match volume_check(world, &pod) {
            VolumeCheck::Fail(msg) => {
                unschedulable(world, &pod, &msg);
                continue;
            }
            VolumeCheck::Wait => continue,
            VolumeCheck::Ready(allowed) => (allowed, vec![]),
            VolumeCheck::SelectNode(claims) => (None, claims),
        };
        let candidates: Vec<&Value> = match &allowed {
            Some(a) => nodes
                .iter()
                .map(|n| &**n)
                .filter(|n| a.iter().any(|x| x == meta::name(n)))
                .collect(),
            None => nodes.iter().map(|n| &**n).collect(),
        };
        let chosen = if candidates.is_empty() {
            Err(format!(
                "0/{total} nodes are available: {total} node(s) had volume node affinity conflict. preemption: 0/{total} nodes are available: {total} Preemption is not helpful for scheduling.",
                total = nodes.len()
            ))
        } else {
            choose(&pod, &candidates, &placed)
        };
        if !annotate.is_empty() {
            if let Ok(node) = &chosen {
                for claim in annotate {
                    if let Some(mut c) = world
                        .object("PersistentVolumeClaim", meta::namespace(&pod), &claim)
                        .cloned()
                    {
                        meta::set_annotation(&mut c, "volume.kubernetes.io/selected-node", node);
                        world.write_discard(c);
                        changed = true;
                    }
                }
            }
            continue;
        }
        match chosen {
            Ok(node) => {
                placed.entry(node.clone()).or_default().add(&pod);
                let (ns, name) = (
                    meta::namespace(&pod).to_string(),
                    meta::name(&pod).to_string(),
                );
                // Bound in place: the store holds the only other handle on the pod.
                drop(pod);
                let now = rfc3339(world.now());
                let Some(p) = world
                    .store
                    .modify(pod_kind, &ns, &name, |p| {
                        meta::set_path(p, &["spec", "nodeName"], json!(node));
                        set_scheduled_condition(p, true, None, &now);
                    })
                    .cloned()
                else {
                    continue;
                };
                own_placements += 1;
                // A pod in a terminal phase is not counted when the loads are counted afresh.
                own_exact &= !terminal(&p);
                world.record_event(
                    &p,
                    None,
                    "Normal",
                    "Scheduled",
                    &format!(
                        "Successfully assigned {}/{} to {node}",
                        meta::namespace(&p),
                        meta::name(&p)
                    ),
                    &Source::component("default-scheduler"),
                );
                changed = true;
            }
            Err(msg) => {
                if unschedulable(world, &pod, &msg) {
                    changed = true;
                }
            }
        }
    }
    let end = inputs(world);
    if end == start {
        world.scheduler.tried = Some(end);
    }
    if own_exact && end.0 == start.0 + own_placements {
        world.scheduler.loads = Some((end.0, placed));
    }
    changed
}

/// What the scheduler needs to know of the pods already on a node.
#[derive(Debug, Clone, Default)]
struct NodeLoad {
    count: usize,
    cpu: i128,
    memory: i128,
    per_owner: BTreeMap<String, usize>,
}

impl NodeLoad {
    fn add(&mut self, p: &Value) {
        self.count += 1;
        self.cpu += requests(p, "cpu");
        self.memory += requests(p, "memory");
        if let Some(o) = meta::controller_uid(p) {
            *self.per_owner.entry(o.to_string()).or_default() += 1;
        }
    }
}

fn terminal(p: &Value) -> bool {
    matches!(
        meta::str_at(p, &["status", "phase"]),
        Some("Succeeded" | "Failed")
    )
}

fn set_scheduled_condition(pod: &mut Value, ok: bool, msg: Option<&str>, now: &str) {
    let mut cond = json!({"lastProbeTime": null, "lastTransitionTime": now, "status": if ok { "True" } else { "False" }, "type": "PodScheduled"});
    if let Some(m) = msg {
        cond["message"] = json!(m);
        cond["reason"] = json!("Unschedulable");
    }
    let conds = meta::path_mut(pod, &["status", "conditions"]);
    if !conds.is_array() {
        *conds = json!([]);
    }
    if let Some(a) = conds.as_array_mut() {
        a.retain(|c| c.field("type").and_then(Value::as_str) != Some("PodScheduled"));
        a.push(cond);
    }
    if meta::path(pod, &["status", "phase"]).is_none() {
        meta::set_path(pod, &["status", "phase"], json!("Pending"));
    }
    if meta::path(pod, &["status", "qosClass"]).is_none() {
        let qos = qos_class(pod);
        meta::set_path(pod, &["status", "qosClass"], json!(qos));
    }
}

/// The pod's QoS class (`BestEffort`, `Burstable`, `Guaranteed`).
pub fn qos_class(pod: &Value) -> &'static str {
    let cs: Vec<&Value> = meta::path(pod, &["spec", "containers"])
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let mut any = false;
    let mut guaranteed = !cs.is_empty();
    for c in &cs {
        let req = c
            .field("resources")
            .and_then(|r| r.field("requests"))
            .and_then(Value::as_object);
        let lim = c
            .field("resources")
            .and_then(|r| r.field("limits"))
            .and_then(Value::as_object);
        if req.is_some_and(|m| !m.is_empty()) || lim.is_some_and(|m| !m.is_empty()) {
            any = true;
        }
        for res in ["cpu", "memory"] {
            let l = lim.and_then(|m| m.get(res));
            let r = req.and_then(|m| m.get(res)).or(l);
            if l.is_none() || r != l {
                guaranteed = false;
            }
        }
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

fn requests(pod: &Value, res: &str) -> i128 {
    meta::path(pod, &["spec", "containers"])
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .filter_map(|c| {
                    meta::str_at(c, &["resources", "requests", res])
                        .or_else(|| meta::str_at(c, &["resources", "limits", res]))
                })
                .filter_map(parse_milli)
                .sum()
        })
        .unwrap_or(0)
}

/// The node for a pod, or why none fits. A pod whose required node affinity names its nodes
/// (a daemon pod) is tried against those first: no other node can fit, so one of them fitting
/// is the answer; only when none fits are all nodes looked at, for the message.
fn choose(
    pod: &Value,
    nodes: &[&Value],
    loads: &BTreeMap<String, NodeLoad>,
) -> Result<String, String> {
    let spec = pod.get("spec").unwrap_or(&Value::Null);
    if let Some(names) = crate::world::controllers::daemonset::predicates::pinned_node_names(spec) {
        let few: Vec<&Value> = nodes
            .iter()
            .copied()
            .filter(|n| names.contains(&meta::name(n)))
            .collect();
        if let Ok(n) = choose_among(pod, &few, loads) {
            return Ok(n);
        }
    }
    choose_among(pod, nodes, loads)
}

fn choose_among(
    pod: &Value,
    nodes: &[&Value],
    loads: &BTreeMap<String, NodeLoad>,
) -> Result<String, String> {
    if let Some(n) = meta::str_at(pod, &["spec", "nodeName"]) {
        return Ok(n.to_string());
    }
    let owner = meta::controller_of(pod).map(|(_, _, uid)| uid);
    let (cpu_request, memory_request) = (requests(pod, "cpu"), requests(pod, "memory"));
    let mut reasons: std::collections::BTreeMap<String, usize> = Default::default();
    let mut best: Option<(usize, usize, String)> = None;
    for node in nodes {
        let name = meta::name(node).to_string();
        let ready = meta::condition(node, "Ready")
            .and_then(|c| c.field("status"))
            .and_then(Value::as_str)
            == Some("True");
        let untolerated = meta::path(node, &["spec", "taints"])
            .and_then(Value::as_array)
            .and_then(|ts| {
                ts.iter()
                    .find(|t| {
                        matches!(
                            t.field("effect").and_then(Value::as_str),
                            Some("NoSchedule" | "NoExecute")
                        ) && !super::taints::pod_tolerates(pod, t)
                    })
                    .cloned()
            });
        // NodeUnschedulable lets through a pod that tolerates the unschedulable taint.
        let unschedulable = meta::bool_at(node, &["spec", "unschedulable"]) == Some(true)
            && !super::taints::pod_tolerates(
                pod,
                &json!({"key": super::taints::UNSCHEDULABLE, "effect": "NoSchedule"}),
            );
        let reason = if unschedulable {
            Some("node(s) were unschedulable".to_string())
        } else if let Some(t) = untolerated {
            Some(format!(
                "node(s) had untolerated taint {{{}: {}}}",
                t.field("key").and_then(Value::as_str).unwrap_or(""),
                t.field("value").and_then(Value::as_str).unwrap_or("")
            ))
        } else if !ready {
            // A node not Ready before the node lifecycle controller tainted it.
            Some("node(s) had untolerated taint {node.kubernetes.io/not-ready: }".to_string())
        } else if !crate::world::controllers::daemonset::predicates::fits_node_affinity(
            pod.get("spec").unwrap_or(&Value::Null),
            node,
        ) {
            Some("node(s) didn't match Pod's node affinity/selector".to_string())
        } else {
            let empty = NodeLoad::default();
            let load = loads.get(&name).unwrap_or(&empty);
            let cap_pods = meta::str_at(node, &["status", "allocatable", "pods"])
                .and_then(|s| s.parse::<usize>().ok())
                .unwrap_or(110);
            let cpu_alloc = meta::str_at(node, &["status", "allocatable", "cpu"])
                .and_then(parse_milli)
                .unwrap_or(i128::MAX);
            let mem_alloc = meta::str_at(node, &["status", "allocatable", "memory"])
                .and_then(parse_milli)
                .unwrap_or(i128::MAX);
            let (cpu_used, mem_used) = (load.cpu, load.memory);
            if load.count >= cap_pods {
                Some("Too many pods".to_string())
            } else if cpu_used + cpu_request > cpu_alloc {
                Some("Insufficient cpu".to_string())
            } else if mem_used + memory_request > mem_alloc {
                Some("Insufficient memory".to_string())
            } else {
                let siblings = owner
                    .as_ref()
                    .and_then(|o| load.per_owner.get(o))
                    .copied()
                    .unwrap_or(0);
                let key = (siblings, load.count, name.clone());
                if best.as_ref().is_none_or(|b| key < *b) {
                    best = Some(key);
                }
                None
            }
        };
        if let Some(r) = reason {
            *reasons.entry(r).or_default() += 1;
        }
    }
    if let Some((_, _, n)) = best {
        return Ok(n);
    }
    let total = nodes.len();
    let mut parts: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
    parts.sort();
    Err(format!(
        "0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {total} Preemption is not helpful for scheduling.",
        parts.join(", ")
    ))
}

/// Marks a pod unschedulable with `msg` (once per distinct message). True if it wrote.
fn unschedulable(world: &mut World, pod: &Value, msg: &str) -> bool {
    let already = meta::condition(pod, "PodScheduled")
        .and_then(|c| c.field("message"))
        .and_then(Value::as_str)
        == Some(msg);
    if already {
        return false;
    }
    let mut p = pod.clone();
    set_scheduled_condition(&mut p, false, Some(msg), &rfc3339(world.now()));
    meta::set_path(&mut p, &["status", "phase"], json!("Pending"));
    let p = world.write(p);
    world.record_event(
        &p,
        None,
        "Warning",
        "FailedScheduling",
        msg,
        &Source::component("default-scheduler"),
    );
    true
}

/// What the pod's claims allow.
enum VolumeCheck {
    /// Schedulable, optionally only on these nodes (bound volumes with node affinity).
    Ready(Option<Vec<String>>),
    /// Claims waiting for a node (WaitForFirstConsumer): pick one and annotate them.
    SelectNode(Vec<String>),
    /// Unschedulable with this message.
    Fail(String),
    /// A volume is being provisioned for the chosen node: try again later, silently.
    Wait,
}

fn volume_check(world: &World, pod: &Value) -> VolumeCheck {
    let ns = meta::namespace(pod);
    let total = world.nodes.len();
    let fail = |why: String| {
        VolumeCheck::Fail(format!(
            "0/{total} nodes are available: {why}. preemption: 0/{total} nodes are available: {total} Preemption is not helpful for scheduling."
        ))
    };
    let mut allowed: Option<Vec<String>> = None;
    let mut select = Vec::new();
    for v in meta::path(pod, &["spec", "volumes"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(claim) = meta::str_at(v, &["persistentVolumeClaim", "claimName"]) else {
            continue;
        };
        let Some(pvc) = world.object("PersistentVolumeClaim", ns, claim) else {
            return fail(format!("persistentvolumeclaim \"{claim}\" not found"));
        };
        if meta::is_deleting(pvc) {
            return fail(format!(
                "persistentvolumeclaim \"{claim}\" is being deleted"
            ));
        }
        if meta::str_at(pvc, &["status", "phase"]) == Some("Bound") {
            let pv = meta::str_at(pvc, &["spec", "volumeName"])
                .and_then(|n| world.object("PersistentVolume", "", n));
            // The nodes the volume's required node affinity admits (its terms ORed, a term's
            // expressions ANDed, on the nodes' labels: a hostname or a zone).
            let nodes: Option<Vec<String>> = pv
                .and_then(|pv| meta::path(pv, &["spec", "nodeAffinity", "required"]))
                .map(|required| {
                    let spec = serde_json::json!({"affinity": {"nodeAffinity": {
                        "requiredDuringSchedulingIgnoredDuringExecution": required}}});
                    world
                        .object_list("Node", "")
                        .filter(|n| {
                            crate::world::controllers::daemonset::predicates::fits_node_affinity(
                                &spec, n,
                            )
                        })
                        .map(|n| meta::name(n).to_string())
                        .collect()
                });
            if let Some(n) = nodes {
                allowed = Some(match allowed {
                    None => n,
                    Some(prev) => prev.into_iter().filter(|x| n.contains(x)).collect(),
                });
            }
            continue;
        }
        let class = crate::world::controllers::volumes::class_of(pvc);
        let wffc = world
            .object("StorageClass", "", &class)
            .and_then(|sc| sc.field("volumeBindingMode"))
            .and_then(Value::as_str)
            == Some("WaitForFirstConsumer");
        if !wffc {
            return fail("pod has unbound immediate PersistentVolumeClaims".to_string());
        }
        if meta::annotation(pvc, "volume.kubernetes.io/selected-node").is_some() {
            // Provisioning for the selected node is under way: wait without an event.
            return VolumeCheck::Wait;
        }
        select.push(claim.to_string());
    }
    if select.is_empty() {
        VolumeCheck::Ready(allowed)
    } else {
        VolumeCheck::SelectNode(select)
    }
}
