//! What the DaemonSet controller remembers of each node between syncs, so that a sync looks
//! at the nodes that changed (the store's daemon pod index says which) and not at every node:
//! per node, the facts the rolling update and the status count (its old and new pod, whether
//! each is available, what the node adds to the status), with the totals and the sets of nodes
//! the rolling update picks from kept up to date as nodes are looked at again.
//!
//! A node's summary depends on its answer (should run, keep running), the DaemonSet's current
//! hash and its pods; with `minReadySeconds` also on the clock, so such a DaemonSet looks at
//! every node at every sync, as before.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use serde_json::Value;

use super::eligibility::{Eligible, NodeAnswer};
use super::{created_at, hash_of};
use crate::world::World;
use crate::world::api::{kinds, meta};
use crate::world::clock::Millis;
use crate::world::controllers::replicaset::{is_available, ready_since};

/// A daemon pod the rolling update weighs: whether it is available, and when it will be (a
/// pod ready but not yet for `minReadySeconds`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Weighed {
    pub(super) avail: bool,
    pub(super) wake: Option<Millis>,
}

/// What one node of the view contributes.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct NodeSummary {
    should_run: bool,
    /// Every daemon pod on the node is being deleted (or there is none).
    all_deleting: bool,
    /// The first live pod of another revision, and of the current one (oldest first).
    pub(super) old: Option<Weighed>,
    pub(super) new: Option<Weighed>,
    current: bool,
    ready: bool,
    available: bool,
    updated: bool,
    mis: bool,
}

impl NodeSummary {
    pub(super) fn should_run(&self) -> bool {
        self.should_run
    }
}

/// The status counts and the rolling update's counts, over every node of the view.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Totals {
    pub(super) desired: i64,
    pub(super) current: i64,
    pub(super) mis: i64,
    pub(super) ready: i64,
    pub(super) updated: i64,
    pub(super) available: i64,
    /// Nodes that should run with no live pod.
    pub(super) no_live: i64,
    /// Nodes that should run whose only live pods are new and not available.
    pub(super) new_unavailable: i64,
    /// Nodes that should run with an old and a new live pod.
    pub(super) both: i64,
}

/// One DaemonSet's remembered view.
#[derive(Debug, Clone)]
pub(super) struct DaemonState {
    pub(super) uid: String,
    pub(super) hash: String,
    pub(super) eligible: Rc<Eligible>,
    pub(super) surge_allowed: bool,
    nodes: BTreeMap<String, NodeSummary>,
    pub(super) totals: Totals,
    /// Nodes that should run with only old live pods, available or not.
    pub(super) old_available: BTreeSet<String>,
    pub(super) old_unavailable: BTreeSet<String>,
    /// Nodes that should run with an old pod and an available new one.
    pub(super) both_new_available: BTreeSet<String>,
    /// Nodes the last sync acted on or wrote: looked at again by the next one.
    pub(super) carry: BTreeSet<String>,
}

impl DaemonState {
    pub(super) fn new(uid: &str, hash: &str, eligible: Rc<Eligible>, surge_allowed: bool) -> Self {
        DaemonState {
            uid: uid.to_string(),
            hash: hash.to_string(),
            eligible,
            surge_allowed,
            nodes: BTreeMap::new(),
            totals: Totals::default(),
            old_available: BTreeSet::new(),
            old_unavailable: BTreeSet::new(),
            both_new_available: BTreeSet::new(),
            carry: BTreeSet::new(),
        }
    }

    /// Every node's summary, in node order.
    pub(super) fn summaries(&self) -> impl Iterator<Item = &NodeSummary> {
        self.nodes.values()
    }

    /// Replaces a node's summary (None: the node is not in the view).
    pub(super) fn set(&mut self, node: &str, s: Option<NodeSummary>) {
        if let Some(old) = self.nodes.remove(node) {
            self.count(node, &old, false);
        }
        if let Some(s) = s {
            self.count(node, &s, true);
            self.nodes.insert(node.to_string(), s);
        }
    }

    fn count(&mut self, node: &str, s: &NodeSummary, add: bool) {
        let d = if add { 1 } else { -1 };
        let t = &mut self.totals;
        let n = |b: bool| if b { d } else { 0 };
        t.desired += n(s.should_run);
        t.current += n(s.current);
        t.mis += n(s.mis);
        t.ready += n(s.ready);
        t.updated += n(s.updated);
        t.available += n(s.available);
        if !s.should_run {
            return;
        }
        t.no_live += n(s.all_deleting);
        let mark = |set: &mut BTreeSet<String>| {
            if add {
                set.insert(node.to_string());
            } else {
                set.remove(node);
            }
        };
        match (s.old, s.new) {
            (None, Some(w)) if !w.avail => t.new_unavailable += d,
            (Some(o), None) if o.avail => mark(&mut self.old_available),
            (Some(_), None) => mark(&mut self.old_unavailable),
            (Some(_), Some(w)) => {
                t.both += d;
                if w.avail {
                    mark(&mut self.both_new_available);
                }
            }
            _ => {}
        }
    }
}

/// The remembered views by DaemonSet (namespace, name); persistent and shared, so that a snapshot of the
/// world costs nothing like them.
#[derive(Debug, Clone, Default)]
pub struct DaemonStates(imbl::OrdMap<(String, String), Rc<DaemonState>>);

impl DaemonStates {
    /// Takes out the view of the DaemonSet (namespace, name).
    pub(super) fn take(&mut self, ns: &str, name: &str) -> Option<DaemonState> {
        self.0
            .remove(&(ns.to_string(), name.to_string()))
            .map(Rc::unwrap_or_clone)
    }

    pub(super) fn put(&mut self, ns: &str, name: &str, s: DaemonState) {
        self.0
            .insert((ns.to_string(), name.to_string()), Rc::new(s));
    }
}

/// The pods on `node` the DaemonSet `uid` controls (those being deleted too), oldest first,
/// shared with the store.
pub(super) fn pods_on(world: &World, uid: &str, node: &str) -> Vec<Rc<Value>> {
    let Some(pod_kind) = kinds::by_kind(kinds::POD) else {
        return Vec::new();
    };
    let mut pods: Vec<(Millis, Rc<Value>)> = world
        .store
        .daemon_pods_on(uid, node)
        .filter_map(|k| world.store.get_shared(pod_kind, &k.0, &k.1))
        .filter(|p| meta::controller_uid(p) == Some(uid))
        .map(|p| (created_at(&p), p))
        .collect();
    pods.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| meta::name(&a.1).cmp(meta::name(&b.1)))
    });
    pods.into_iter().map(|(_, p)| p).collect()
}

/// What a node of the view contributes, its daemon pods as [`pods_on`] lists them.
pub(super) fn summarize(
    answer: &NodeAnswer,
    pods: &[Rc<Value>],
    hash: &str,
    min_ready: i64,
    now: Millis,
) -> NodeSummary {
    let weigh = |p: &Value| {
        let avail = is_available(p, min_ready, now);
        let wake = (!avail && min_ready > 0)
            .then(|| ready_since(p).map(|t| t + min_ready * 1000 + 1))
            .flatten();
        Weighed { avail, wake }
    };
    let live: Vec<&Value> = pods
        .iter()
        .map(|p| &**p)
        .filter(|p| !meta::is_deleting(p))
        .collect();
    let mut s = NodeSummary {
        should_run: answer.should_run,
        all_deleting: live.is_empty(),
        old: live.iter().find(|p| hash_of(p) != hash).map(|p| weigh(p)),
        new: live.iter().find(|p| hash_of(p) == hash).map(|p| weigh(p)),
        ..NodeSummary::default()
    };
    if !answer.should_run {
        s.mis = !live.is_empty();
        return s;
    }
    if let Some(p) = live.first() {
        s.current = true;
        let running = meta::str_at(p, &["status", "phase"]) == Some("Running");
        if running && ready_since(p).is_some() {
            s.ready = true;
            s.available = is_available(p, min_ready, now);
        }
        s.updated = s.new.is_some();
    }
    s
}
