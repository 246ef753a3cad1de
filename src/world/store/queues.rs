//! Work queues of the controllers that sync one object at a time (upstream's informer event
//! handlers feeding a work queue): every write and removal the store makes puts on the queues
//! the objects whose sync may now come out differently, so a controller looks at those and not
//! at every object it owns.
//!
//! Routing (upstream's `addReplicaSet`/`updateReplicaSet`/`deleteReplicaSet`, `addPod`/
//! `updatePod`/`deletePod` of the two controllers):
//! - a Deployment written: itself;
//! - a ReplicaSet written or removed: itself, and the Deployments it names as owners (before
//!   and after the write); one without a controller: every Deployment of its namespace (any of
//!   them may adopt it);
//! - a Pod written or removed: the ReplicaSets it names as owners (before and after), or, for
//!   one without a controller, every ReplicaSet of its namespace; a Pod removed: also the
//!   Deployments that own those ReplicaSets (a Recreate rollout waits for old pods to go), and
//!   the ReplicaSets waiting for room in a full world; and every Service of its namespace
//!   (upstream's endpoints controller queues those whose selector matches the pod's old or new
//!   labels; a Service whose selector does not match syncs to what it had);
//! - a Service or an Endpoints written or removed: the Service of that name (the endpoints
//!   controller's queue); an EndpointSlice removed: the Service that owns it;
//! - a StatefulSet, DaemonSet, Job or CronJob written or removed: itself; a Job also the
//!   CronJobs it names as owners (upstream's `addJob`/`updateJob`/`deleteJob` of the CronJob
//!   controller);
//! - a Pod written or removed: also the StatefulSets, DaemonSets and Jobs it names as owners,
//!   and, for one without a controller, every StatefulSet of its namespace (any may adopt it);
//! - a ControllerRevision written or removed: the StatefulSets and DaemonSets it names;
//! - a Node written or removed: every DaemonSet (upstream's `addNode`/`updateNode`), and the
//!   node itself on the node lifecycle and taint eviction controllers' queues;
//! - a Pod on a node written: itself on the taint eviction controller's queue;
//! - the disruption controller's queue: see `budget_queue`.

use serde_json::Value;
use std::collections::BTreeSet;

use super::index::{is_bound, ref_uids};
use super::{ObjKey, ObjRef, Store};
use crate::world::api::meta;

/// The resources whose writes feed a work queue.
const ROUTED: [&str; 13] = [
    "deployments",
    "replicasets",
    "pods",
    "services",
    "endpoints",
    "statefulsets",
    "daemonsets",
    "jobs",
    "cronjobs",
    "controllerrevisions",
    "nodes",
    "poddisruptionbudgets",
    "replicationcontrollers",
];

/// The owners a pod write concerns, and the queues they go on.
const POD_OWNERS: [(&str, Queue); 4] = [
    ("replicasets", Queue::ReplicaSets),
    ("statefulsets", Queue::StatefulSets),
    ("daemonsets", Queue::DaemonSets),
    ("jobs", Queue::Jobs),
];

/// The owners a ControllerRevision write concerns.
const REVISION_OWNERS: [(&str, Queue); 2] = [
    ("statefulsets", Queue::StatefulSets),
    ("daemonsets", Queue::DaemonSets),
];

/// A controller's work queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Queue {
    /// The Deployment controller's.
    Deployments,
    /// The ReplicaSet controller's.
    ReplicaSets,
    /// The endpoints controller's (Services).
    Services,
    /// The StatefulSet controller's.
    StatefulSets,
    /// The DaemonSet controller's.
    DaemonSets,
    /// The Job controller's.
    Jobs,
    /// The CronJob controller's.
    CronJobs,
    /// The node lifecycle controller's (nodes written).
    NodeLifecycle,
    /// The taint eviction controller's nodes (nodes written).
    TaintNodes,
    /// The taint eviction controller's pods (pods on a node written).
    TaintPods,
    /// The disruption controller's (`store::budget_queue`).
    Budgets,
}

impl Queue {
    /// The resource whose objects the queue holds.
    fn plural(self) -> &'static str {
        match self {
            Queue::Deployments => "deployments",
            Queue::ReplicaSets => "replicasets",
            Queue::Services => "services",
            Queue::StatefulSets => "statefulsets",
            Queue::DaemonSets => "daemonsets",
            Queue::Jobs => "jobs",
            Queue::CronJobs => "cronjobs",
            Queue::NodeLifecycle | Queue::TaintNodes => "nodes",
            Queue::TaintPods => "pods",
            Queue::Budgets => "poddisruptionbudgets",
        }
    }
}

/// One work queue: the objects to sync, and those a level-triggered pass would sync again
/// with a different outcome.
#[derive(Debug, Clone, Default)]
struct Keys {
    /// Held as places (all of the queue's resource), so that an object found through the uid
    /// index is looked up without copying its names.
    queued: BTreeSet<ObjRef>,
    /// Objects whose last sync could not do everything (a create failed, a kubelab limit
    /// hit): synced again whenever the controller looks at anything, as a level-triggered
    /// controller would.
    retry: imbl::OrdSet<ObjKey>,
    /// Objects whose sync comes out differently once the clock is past an instant (a progress
    /// deadline): from then on, synced again whenever the controller looks at anything.
    retry_after: imbl::OrdMap<i64, imbl::OrdSet<ObjKey>>,
}

/// The work queues, with what feeds them besides writes.
#[derive(Debug, Clone, Default)]
pub(super) struct Queues {
    deployments: Keys,
    replicasets: Keys,
    services: Keys,
    statefulsets: Keys,
    daemonsets: Keys,
    jobs: Keys,
    cronjobs: Keys,
    node_lifecycle: Keys,
    taint_nodes: Keys,
    taint_pods: Keys,
    budgets: Keys,
    /// ReplicaSets short of pods because the world holds as many as kubelab allows: looked at
    /// again when a pod goes.
    waiting_for_room: imbl::OrdSet<ObjKey>,
}

impl Queues {
    fn keys(&mut self, q: Queue) -> &mut Keys {
        match q {
            Queue::Deployments => &mut self.deployments,
            Queue::ReplicaSets => &mut self.replicasets,
            Queue::Services => &mut self.services,
            Queue::StatefulSets => &mut self.statefulsets,
            Queue::DaemonSets => &mut self.daemonsets,
            Queue::Jobs => &mut self.jobs,
            Queue::CronJobs => &mut self.cronjobs,
            Queue::NodeLifecycle => &mut self.node_lifecycle,
            Queue::TaintNodes => &mut self.taint_nodes,
            Queue::TaintPods => &mut self.taint_pods,
            Queue::Budgets => &mut self.budgets,
        }
    }

    fn keys_ref(&self, q: Queue) -> &Keys {
        match q {
            Queue::Deployments => &self.deployments,
            Queue::ReplicaSets => &self.replicasets,
            Queue::Services => &self.services,
            Queue::StatefulSets => &self.statefulsets,
            Queue::DaemonSets => &self.daemonsets,
            Queue::Jobs => &self.jobs,
            Queue::CronJobs => &self.cronjobs,
            Queue::NodeLifecycle => &self.node_lifecycle,
            Queue::TaintNodes => &self.taint_nodes,
            Queue::TaintPods => &self.taint_pods,
            Queue::Budgets => &self.budgets,
        }
    }
}

/// What a write changed for routing: the owner uids named before or after it, and whether the
/// object had (or has) no controller.
pub(super) struct Change<'a> {
    pub(super) plural: &'static str,
    pub(super) ns: &'a str,
    pub(super) name: &'a str,
    pub(super) owners: Owners<'a>,
    pub(super) uncontrolled: bool,
    pub(super) removed: bool,
    /// For a pod: the object before and after the write (the Services selecting either one
    /// are queued).
    pub(super) pods: [Option<&'a Value>; 2],
}

/// The owner uids a write concerns.
pub(super) enum Owners<'a> {
    /// These (before and after a write that may change them).
    Listed(&'a [String]),
    /// This object's (a write that left them as they were), read without copying.
    Of(&'a Value),
}

impl Store {
    /// Puts an object on a work queue.
    pub fn enqueue(&mut self, q: Queue, ns: &str, name: &str) {
        self.queues
            .keys(q)
            .queued
            .insert((q.plural(), ns.to_string(), name.to_string()));
    }

    /// Takes the first queued object after `after` (in key order: namespace, then name).
    /// Objects queued at or before `after` while a controller works through its queue wait for
    /// its next run, as they would in a level-triggered pass in key order.
    pub fn next_queued(&mut self, q: Queue, after: Option<&ObjKey>) -> Option<ObjKey> {
        use std::ops::Bound;
        let keys = self.queues.keys(q);
        let after = after.map(|(ns, name)| (q.plural(), ns.clone(), name.clone()));
        let bound = after.as_ref().map_or(Bound::Unbounded, Bound::Excluded);
        let next = keys.queued.range((bound, Bound::Unbounded)).next()?.clone();
        keys.queued.remove(&next);
        let next = (next.1, next.2);
        keys.retry.remove(&next);
        Some(next)
    }

    /// Takes everything on a work queue, in key order.
    pub fn take_queued(&mut self, q: Queue) -> BTreeSet<ObjKey> {
        std::mem::take(&mut self.queues.keys(q).queued)
            .into_iter()
            .map(|(_, ns, name)| (ns, name))
            .collect()
    }

    /// Whether a work queue holds anything.
    pub fn has_queued(&self, q: Queue) -> bool {
        !self.queues.keys_ref(q).queued.is_empty()
    }

    /// Marks an object whose sync could not do everything, or whose sync checks for a warning
    /// that pruning may remove: [`Store::requeue_retries`] puts it back on its queue.
    pub fn retry(&mut self, q: Queue, ns: &str, name: &str) {
        self.queues
            .keys(q)
            .retry
            .insert((ns.to_string(), name.to_string()));
    }

    /// Marks an object whose sync comes out differently once the clock is past `t`:
    /// [`Store::requeue_retries`] puts it back on its queue from then on.
    pub fn retry_after(&mut self, q: Queue, ns: &str, name: &str, t: i64) {
        self.queues
            .keys(q)
            .retry_after
            .entry(t)
            .or_default()
            .insert((ns.to_string(), name.to_string()));
    }

    /// Puts back on their queue the objects whose last sync failed and those past their
    /// instant at `now` (the controller is looking at something: a level-triggered pass would
    /// sync them too, and come out differently).
    pub fn requeue_retries(&mut self, q: Queue, now: i64) {
        let keys = self.queues.keys(q);
        let plural = q.plural();
        let place = |(ns, name): ObjKey| (plural, ns, name);
        keys.queued.extend(keys.retry.iter().cloned().map(place));
        while let Some(&t) = keys.retry_after.get_min().map(|(t, _)| t) {
            if t >= now {
                break;
            }
            let due = keys.retry_after.remove(&t).unwrap_or_default();
            keys.queued.extend(due.into_iter().map(place));
        }
    }

    /// Marks a ReplicaSet short of pods because the world is full: it is queued again when a
    /// pod is removed.
    pub fn wait_for_room(&mut self, ns: &str, name: &str) {
        self.queues
            .waiting_for_room
            .insert((ns.to_string(), name.to_string()));
    }

    /// Queues the objects whose sync a write or removal may change (see the module's routing).
    pub(super) fn route(&mut self, c: &Change<'_>) {
        if c.plural == "pods" {
            let now = if c.removed {
                None
            } else {
                c.pods.iter().rev().flatten().next().copied()
            };
            self.track_daemon_pod(c.ns, c.name, now);
            if now.is_some_and(is_bound) {
                self.enqueue(Queue::TaintPods, c.ns, c.name);
            }
        }
        self.route_budgets(c);
        if c.plural == "nodes" {
            self.track_daemon_node(c.name);
            self.enqueue(Queue::NodeLifecycle, "", c.name);
            self.enqueue(Queue::TaintNodes, "", c.name);
        }
        match c.plural {
            "deployments" => self.enqueue(Queue::Deployments, c.ns, c.name),
            "replicasets" => {
                self.enqueue(Queue::ReplicaSets, c.ns, c.name);
                self.enqueue_owners(c, "deployments", Queue::Deployments);
                if c.uncontrolled {
                    self.enqueue_namespace("deployments", c.ns, Queue::Deployments);
                }
            }
            "services" | "endpoints" => self.enqueue(Queue::Services, c.ns, c.name),
            // A slice removed: its Service, whose controller makes it again.
            "endpointslices" if c.removed => self.enqueue_owners(c, "services", Queue::Services),
            "statefulsets" => self.enqueue(Queue::StatefulSets, c.ns, c.name),
            "daemonsets" => self.enqueue(Queue::DaemonSets, c.ns, c.name),
            "cronjobs" => self.enqueue(Queue::CronJobs, c.ns, c.name),
            "jobs" => {
                self.enqueue(Queue::Jobs, c.ns, c.name);
                self.enqueue_owners(c, "cronjobs", Queue::CronJobs);
            }
            "controllerrevisions" => self.enqueue_owners_among(c, &REVISION_OWNERS),
            "nodes" => self.enqueue_every("daemonsets", Queue::DaemonSets),
            "pods" => {
                for pod in c.pods.into_iter().flatten() {
                    self.enqueue_services_selecting(c.ns, pod);
                }
                self.enqueue_owners_among(c, &POD_OWNERS);
                if c.uncontrolled {
                    self.enqueue_namespace("replicasets", c.ns, Queue::ReplicaSets);
                    self.enqueue_namespace("statefulsets", c.ns, Queue::StatefulSets);
                }
                if let (true, Owners::Listed(owners)) = (c.removed, &c.owners) {
                    for o in owners.iter() {
                        let Some(("replicasets", ns, name)) =
                            self.uids.get(o).map(|r| (r.0, r.1.as_str(), r.2.as_str()))
                        else {
                            continue;
                        };
                        let rs_owners = self
                            .slot("replicasets", ns, name)
                            .map(|rs| meta::owner_uids(rs))
                            .unwrap_or_default();
                        self.enqueue_uids(&rs_owners, "deployments", Queue::Deployments);
                    }
                    let waiting = std::mem::take(&mut self.queues.waiting_for_room);
                    self.queues.replicasets.queued.extend(
                        waiting
                            .into_iter()
                            .map(|(ns, name)| ("replicasets", ns, name)),
                    );
                }
            }
            _ => {}
        }
    }

    /// Queues the objects of `plural` among the owners a write concerns.
    fn enqueue_owners(&mut self, c: &Change<'_>, plural: &'static str, q: Queue) {
        self.enqueue_owners_among(c, &[(plural, q)]);
    }

    /// Queues the owners a write concerns that are of one of the `(plural, queue)` kinds, on
    /// that kind's queue (one look at each owner reference, whatever the number of kinds).
    fn enqueue_owners_among(&mut self, c: &Change<'_>, kinds: &[(&'static str, Queue)]) {
        let queue = |uids: &imbl::OrdMap<String, ObjRef>, queues: &mut Queues, uid: &str| {
            let Some(r) = uids.get(uid) else {
                return;
            };
            if let Some((_, q)) = kinds.iter().find(|(p, _)| *p == r.0) {
                let queued = &mut queues.keys(*q).queued;
                if !queued.contains(r) {
                    queued.insert(r.clone());
                }
            }
        };
        match c.owners {
            Owners::Listed(owners) => {
                for uid in owners {
                    queue(&self.uids, &mut self.queues, uid);
                }
            }
            Owners::Of(obj) => {
                for uid in ref_uids(obj) {
                    queue(&self.uids, &mut self.queues, uid);
                }
            }
        }
    }

    /// Queues the objects of `plural` among `uids`.
    fn enqueue_uids(&mut self, uids: &[String], plural: &str, q: Queue) {
        for o in uids {
            if let Some(r) = self.uids.get(o)
                && r.0 == plural
            {
                let queued = &mut self.queues.keys(q).queued;
                if !queued.contains(r) {
                    queued.insert(r.clone());
                }
            }
        }
    }

    /// Queues the Services of a namespace whose selector selects a pod (upstream's
    /// `GetPodServiceMemberships`). A Service without a selector has no Endpoints managed.
    fn enqueue_services_selecting(&mut self, ns: &str, pod: &Value) {
        let Some(services) = self.resources.get("services").and_then(|r| r.get(ns)) else {
            return;
        };
        let labels = meta::path(pod, &["metadata", "labels"]).and_then(Value::as_object);
        let queued = &mut self.queues.services.queued;
        for (name, svc) in services.iter() {
            if svc.is_unbuilt() {
                continue;
            }
            let Some(sel) = meta::path(svc.get(), &["spec", "selector"]).and_then(Value::as_object)
            else {
                continue;
            };
            let selects = !sel.is_empty()
                && sel
                    .iter()
                    .all(|(k, v)| labels.and_then(|l| l.get(k.as_str())) == Some(v));
            if selects {
                queued.insert(("services", ns.to_string(), name.clone()));
            }
        }
    }

    /// Queues every object of `plural` in a namespace.
    fn enqueue_namespace(&mut self, plural: &str, ns: &str, q: Queue) {
        let Some(names) = self.resources.get(plural).and_then(|r| r.get(ns)) else {
            return;
        };
        let queued = &mut self.queues.keys(q).queued;
        for name in names.keys() {
            queued.insert((q.plural(), ns.to_string(), name.clone()));
        }
    }

    /// Queues every object of `plural`, in every namespace.
    fn enqueue_every(&mut self, plural: &str, q: Queue) {
        let Some(by_ns) = self.resources.get(plural) else {
            return;
        };
        let queued = &mut self.queues.keys(q).queued;
        for (ns, names) in by_ns {
            for name in names.keys() {
                queued.insert((q.plural(), ns.clone(), name.clone()));
            }
        }
    }

    /// Routes a write that left an object's owners (and so whether it has a controller) as
    /// they were (see [`Store::route`]); `obj` is the object as now stored.
    pub(super) fn route_in_place(
        &mut self,
        plural: &'static str,
        ns: &str,
        name: &str,
        obj: &Value,
    ) {
        if !ROUTED.contains(&plural) {
            return;
        }
        self.route(&Change {
            plural,
            ns,
            name,
            owners: Owners::Of(obj),
            uncontrolled: self.is_uncontrolled(plural, ns, name),
            removed: false,
            pods: [Some(obj), None],
        });
    }

    /// Routes a status write. A pending pod's status is the scheduler's business too.
    pub(super) fn route_status_write(&mut self, plural: &'static str, ns: &str, name: &str) {
        if !ROUTED.contains(&plural) {
            return;
        }
        // A second handle for a moment: routing reads the object while it changes the queues.
        let Some(obj) = self.slot(plural, ns, name).cloned() else {
            return;
        };
        if plural == "pods" && !is_bound(&obj) {
            let key = (ns.to_string(), name.to_string());
            if self.unscheduled_pods.contains(&key) {
                self.written_unscheduled.insert(key);
            }
        }
        self.route_in_place(plural, ns, name, &obj);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::api::kinds;
    use serde_json::{Value, json};

    fn obj(kind: &str, name: &str, uid: &str, controller: Option<(&str, &str)>) -> Value {
        let mut o = json!({"kind": kind, "metadata": {"name": name, "namespace": "default",
            "uid": uid}});
        if let Some((k, u)) = controller {
            o["metadata"]["ownerReferences"] =
                json!([{"kind": k, "name": "x", "uid": u, "controller": true}]);
        }
        o
    }

    fn drain(store: &mut Store, q: Queue) -> Vec<String> {
        std::iter::from_fn(|| store.next_queued(q, None))
            .map(|(_, n)| n)
            .collect()
    }

    fn put(store: &mut Store, o: Value) {
        let k = kinds::by_kind(meta::kind(&o)).expect("kind");
        store.put(k, o);
    }

    /// Writes queue what they concern: a deployment itself; a ReplicaSet itself and its
    /// deployment; a pod its ReplicaSet, and when removed the ReplicaSet's deployment too;
    /// objects without a controller every possible adopter in their namespace.
    #[test]
    fn writes_queue_what_they_concern() {
        let mut store = Store::default();
        put(&mut store, obj("Deployment", "d", "u-d", None));
        put(&mut store, obj("Deployment", "e", "u-e", None));
        put(
            &mut store,
            obj("ReplicaSet", "rs", "u-rs", Some(("Deployment", "u-d"))),
        );
        put(
            &mut store,
            obj("ReplicaSet", "other", "u-o", Some(("Deployment", "u-e"))),
        );
        drain(&mut store, Queue::Deployments);
        drain(&mut store, Queue::ReplicaSets);
        put(
            &mut store,
            obj("Pod", "p", "u-p", Some(("ReplicaSet", "u-rs"))),
        );
        assert_eq!(drain(&mut store, Queue::ReplicaSets), ["rs"]);
        assert!(drain(&mut store, Queue::Deployments).is_empty());
        let pod = kinds::by_kind("Pod").expect("kind");
        store.remove(pod, "default", "p");
        assert_eq!(drain(&mut store, Queue::ReplicaSets), ["rs"]);
        assert_eq!(drain(&mut store, Queue::Deployments), ["d"]);
        put(&mut store, obj("Pod", "bare", "u-b", None));
        assert_eq!(drain(&mut store, Queue::ReplicaSets), ["other", "rs"]);
        put(&mut store, obj("ReplicaSet", "free", "u-f", None));
        assert_eq!(drain(&mut store, Queue::Deployments), ["d", "e"]);
        assert_eq!(drain(&mut store, Queue::ReplicaSets), ["free"]);
        let names: Vec<&str> = store.uncontrolled_iter("replicasets", "default").collect();
        assert_eq!(names, ["free"]);
        // Adopted: the ReplicaSet is no longer without a controller, and its old state still
        // queued every deployment that might have wanted it.
        put(
            &mut store,
            obj("ReplicaSet", "free", "u-f", Some(("Deployment", "u-e"))),
        );
        assert_eq!(store.uncontrolled_iter("replicasets", "default").count(), 0);
        assert_eq!(drain(&mut store, Queue::Deployments), ["d", "e"]);
    }

    /// A controller working through its queue in key order meets the keys queued ahead of
    /// it in the same pass; those queued at or behind it wait for the next pass.
    #[test]
    fn a_pass_meets_keys_queued_ahead_only() {
        let mut store = Store::default();
        store.enqueue(Queue::Deployments, "default", "b");
        let first = store.next_queued(Queue::Deployments, None).expect("queued");
        store.enqueue(Queue::Deployments, "default", "a");
        store.enqueue(Queue::Deployments, "default", "b");
        store.enqueue(Queue::Deployments, "default", "c");
        let next = store.next_queued(Queue::Deployments, Some(&first));
        assert_eq!(next.map(|k| k.1).as_deref(), Some("c"));
        assert_eq!(drain(&mut store, Queue::Deployments), ["a", "b"]);
    }

    /// Objects whose sync failed, or past their instant, come back whenever the controller
    /// looks at anything; the others do not.
    #[test]
    fn retries_come_back_when_the_controller_looks() {
        let mut store = Store::default();
        store.retry(Queue::ReplicaSets, "default", "failed");
        store.retry_after(Queue::ReplicaSets, "default", "deadline", 5_000);
        store.requeue_retries(Queue::ReplicaSets, 5_000);
        assert_eq!(drain(&mut store, Queue::ReplicaSets), ["failed"]);
        store.requeue_retries(Queue::ReplicaSets, 5_001);
        assert_eq!(drain(&mut store, Queue::ReplicaSets), ["deadline"]);
        store.requeue_retries(Queue::ReplicaSets, 9_000);
        assert!(drain(&mut store, Queue::ReplicaSets).is_empty());
    }
}
