//! The default scheduler, simplified but deterministic: filter nodes (Ready, schedulable, taints
//! tolerated, nodeSelector, pod capacity, CPU/memory requests), then score by spreading pods of
//! the same owner and by fewest pods, ties by node name.

use crate::world::api::meta::Field;
use serde_json::{Value, json};
use std::collections::BTreeMap;

use crate::world::World;
use crate::world::api::kinds::{self, KindInfo};
use crate::world::api::meta;
use crate::world::api::objects::{Node, Pod};
use crate::world::clock::{Millis, rfc3339};
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
    /// The pending pods that failed to schedule: failed attempts in a row and the instant of
    /// the last (upstream's scheduling queue backs a pod off before it tries it again).
    backoff: BTreeMap<ObjKey, (u32, Millis, Inputs)>,
    /// The nodes' writes count and [`node_facts`] then.
    node_facts: Option<(u64, u64)>,
}

/// The scheduling queue's back-off after `attempts` failed attempts: 1 s doubling, at most
/// 10 s (`podInitialBackoffDuration`, `podMaxBackoffDuration`).
pub fn backoff_ms(attempts: u32) -> Millis {
    let doublings = attempts.saturating_sub(1).min(4);
    (1_000 * (1 << doublings)).min(10_000)
}

/// What a pending pod's placement depends on besides the pod itself: what pods hold on
/// nodes, nodes, claims, volumes and classes.
type Inputs = (u64, u64, u64, u64, u64, usize);

fn inputs(world: &mut World) -> Inputs {
    let nodes = node_facts(world);
    let s = &world.store;
    (
        s.placements(),
        nodes,
        s.kind_writes("persistentvolumeclaims"),
        s.kind_writes("persistentvolumes"),
        s.kind_writes("storageclasses"),
        world.nodes.len(),
    )
}

/// A fingerprint of what placements read of the nodes (labels, taints, `unschedulable`,
/// allocatable, readiness), recomputed only when nodes were written: a node's status written by
/// its kubelet (images, heartbeats) does not make pending pods worth trying again, as upstream's
/// queueing hints skip such node updates.
fn node_facts(world: &mut World) -> u64 {
    let writes = world.store.kind_writes("nodes");
    if let Some((at, facts)) = world.scheduler.node_facts
        && at == writes
    {
        return facts;
    }
    let mut text = String::new();
    if let Some(k) = kinds::by_kind(kinds::NODE) {
        for n in world.store.list(k, None) {
            text.push_str(meta::name(n));
            for part in [
                meta::path(n, &["metadata", "labels"]),
                meta::path(n, &["spec", "taints"]),
                meta::path(n, &["spec", "unschedulable"]),
                meta::path(n, &["status", "allocatable"]),
                meta::condition(n, "Ready").and_then(|c| c.field("status")),
            ] {
                text.push('\u{0}');
                if let Some(v) = part {
                    text.push_str(&v.to_string());
                }
            }
            text.push('\n');
        }
    }
    let facts =
        u64::from(crate::world::seed::fnv1a32(text.as_bytes())) | ((text.len() as u64) << 32);
    world.scheduler.node_facts = Some((writes, facts));
    facts
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
    for p in world.store.list(pod_kind, None).map(Pod::of) {
        if let Some(n) = p.node_name().filter(|_| !p.is_terminal()) {
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
/// them all, as a pass over every pending pod in key order would. A pod that failed is not
/// tried again before its back-off ([`backoff_ms`]) has passed since its last attempt: the
/// scheduler looks again at that instant (upstream's backoff queue, flushed every second).
pub fn run(world: &mut World) -> bool {
    let (Some(pod_kind), Some(node_kind)) =
        (kinds::by_kind(kinds::POD), kinds::by_kind(kinds::NODE))
    else {
        return false;
    };
    let written = world.store.take_written_unscheduled();
    // Pods no longer pending leave the back-off records.
    if !world.scheduler.backoff.is_empty() {
        let mut backoff = std::mem::take(&mut world.scheduler.backoff);
        backoff.retain(|k, _| world.store.is_unscheduled(k));
        world.scheduler.backoff = backoff;
    }
    let now = world.now();
    let mut deferred: Option<Millis> = None;
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
        let Some(pod) = pod.filter(|p| Pod::of(p).scheduler_name() == "default-scheduler") else {
            continue;
        };
        if !all && inputs(world) != start {
            all = true;
        }
        let current = inputs(world);
        if let Some(&(attempts, last, tried_with)) =
            world.scheduler.backoff.get(after.as_ref().expect("set"))
        {
            // Nothing it depends on changed since it failed: it would fail the same way.
            if tried_with == current {
                continue;
            }
            let ready = last + backoff_ms(attempts);
            if now < ready {
                deferred = Some(deferred.map_or(ready, |d| d.min(ready)));
                continue;
            }
        }
        world.stats.scheduling_tries += 1;
        let (allowed, annotate) = match volume_check(world, &pod) {
            VolumeCheck::Fail(msg) => {
                failed(world, after.as_ref().expect("set"), now);
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
                        .object(
                            kinds::PERSISTENT_VOLUME_CLAIM,
                            meta::namespace(&pod),
                            &claim,
                        )
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
                world.scheduler.backoff.remove(after.as_ref().expect("set"));
                placed.entry(node.clone()).or_default().add(Pod::of(&pod));
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
                own_exact &= !Pod::of(&p).is_terminal();
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
                failed(world, after.as_ref().expect("set"), now);
                if unschedulable(world, &pod, &msg) {
                    changed = true;
                }
            }
        }
    }
    let end = inputs(world);
    if let Some(at) = deferred {
        // Pods held back must be tried at the end of their back-off whatever changes by then.
        world.resync_at(at);
    } else if end == start {
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
    fn add(&mut self, p: Pod) {
        self.count += 1;
        self.cpu += p.request_millis("cpu");
        self.memory += p.request_millis("memory");
        if let Some(o) = p.controller() {
            *self.per_owner.entry(o.uid().to_string()).or_default() += 1;
        }
    }
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
    Pod::of(pod).qos_class()
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
    let view = Pod::of(pod);
    if let Some(n) = view.node_name() {
        return Ok(n.to_string());
    }
    let owner = view.controller().map(|o| o.uid());
    let (cpu_request, memory_request) = (view.request_millis("cpu"), view.request_millis("memory"));
    // NodeUnschedulable lets through a pod that tolerates the unschedulable taint.
    let tolerates_unschedulable = super::taints::pod_tolerates(
        pod,
        &json!({"key": super::taints::UNSCHEDULABLE, "effect": "NoSchedule"}),
    );
    let mut reasons: std::collections::BTreeMap<String, usize> = Default::default();
    let mut best: Option<(usize, usize, &str)> = None;
    for node in nodes.iter().map(|n| Node::of(n)) {
        let name = node.name();
        let untolerated = node
            .taints()
            .find(|t| t.blocks_scheduling() && !super::taints::pod_tolerates(pod, t.0));
        let reason = if node.unschedulable() && !tolerates_unschedulable {
            Some("node(s) were unschedulable".to_string())
        } else if let Some(t) = untolerated {
            Some(format!(
                "node(s) had untolerated taint {{{}: {}}}",
                t.key(),
                t.value()
            ))
        } else if !node.is_ready() {
            // A node not Ready before the node lifecycle controller tainted it.
            Some("node(s) had untolerated taint {node.kubernetes.io/not-ready: }".to_string())
        } else if !crate::world::controllers::daemonset::predicates::fits_node_affinity(
            view.spec(),
            node.object(),
        ) {
            Some("node(s) didn't match Pod's node affinity/selector".to_string())
        } else {
            let empty = NodeLoad::default();
            let load = loads.get(name).unwrap_or(&empty);
            let cap_pods = node.pod_capacity();
            let cpu_alloc = node.allocatable_millis("cpu").unwrap_or(i128::MAX);
            let mem_alloc = node.allocatable_millis("memory").unwrap_or(i128::MAX);
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
                    .and_then(|o| load.per_owner.get(*o))
                    .copied()
                    .unwrap_or(0);
                let key = (siblings, load.count, name);
                if best.is_none_or(|b| key < b) {
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
        return Ok(n.to_string());
    }
    let total = nodes.len();
    let mut parts: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
    parts.sort();
    Err(format!(
        "0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {total} Preemption is not helpful for scheduling.",
        parts.join(", ")
    ))
}

/// Counts a failed attempt of the pod at `key` at `now`, against what it depended on then.
fn failed(world: &mut World, key: &ObjKey, now: Millis) {
    let with = inputs(world);
    let e = world
        .scheduler
        .backoff
        .entry(key.clone())
        .or_insert((0, now, with));
    *e = (e.0.saturating_add(1), now, with);
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
    for v in Pod::of(pod).volumes() {
        let Some(claim) = v.claim_name() else {
            continue;
        };
        let Some(pvc) = world.object(kinds::PERSISTENT_VOLUME_CLAIM, ns, claim) else {
            return fail(format!("persistentvolumeclaim \"{claim}\" not found"));
        };
        if meta::is_deleting(pvc) {
            return fail(format!(
                "persistentvolumeclaim \"{claim}\" is being deleted"
            ));
        }
        if meta::str_at(pvc, &["status", "phase"]) == Some("Bound") {
            let pv = meta::str_at(pvc, &["spec", "volumeName"])
                .and_then(|n| world.object(kinds::PERSISTENT_VOLUME, "", n));
            // The nodes the volume's required node affinity admits (its terms ORed, a term's
            // expressions ANDed, on the nodes' labels: a hostname or a zone).
            let nodes: Option<Vec<String>> = pv
                .and_then(|pv| meta::path(pv, &["spec", "nodeAffinity", "required"]))
                .map(|required| {
                    let spec = serde_json::json!({"affinity": {"nodeAffinity": {
                        "requiredDuringSchedulingIgnoredDuringExecution": required}}});
                    world
                        .object_list(kinds::NODE, "")
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
            .object(kinds::STORAGE_CLASS, "", &class)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `podInitialBackoffDuration` 1 s, doubled per failed attempt, capped at
    /// `podMaxBackoffDuration` 10 s (upstream's `calculateBackoffDuration`).
    #[test]
    fn backoff_doubles_from_one_second_to_ten() {
        let got: Vec<Millis> = (1..=7).map(backoff_ms).collect();
        assert_eq!(got, [1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000]);
        assert_eq!(backoff_ms(u32::MAX), 10_000);
    }

    /// A pod blocked by cordoned nodes is placed as soon as one is uncordoned (its back-off
    /// long past), and not tried in between while nothing changed.
    #[test]
    fn a_pending_pod_is_tried_again_when_its_node_comes_back() {
        let mut w = crate::world::default_world::build(1);
        for n in ["worker-1", "worker-2"] {
            let mut node = w.object("Node", "", n).cloned().expect("node");
            node["spec"]["unschedulable"] = serde_json::json!(true);
            w.write_discard(node);
        }
        w.create_internal(serde_json::json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p", "namespace": "default"},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}}))
            .expect("created");
        w.settle();
        let tries = w.stats.scheduling_tries;
        w.advance(30_000);
        assert_eq!(w.stats.scheduling_tries, tries, "nothing changed: no retry");
        let mut node = w.object("Node", "", "worker-2").cloned().expect("node");
        node["spec"]["unschedulable"] = serde_json::json!(false);
        w.write_discard(node);
        w.settle();
        let pod = w.object("Pod", "default", "p").expect("pod");
        assert_eq!(meta::str_at(pod, &["spec", "nodeName"]), Some("worker-2"));
    }
}
