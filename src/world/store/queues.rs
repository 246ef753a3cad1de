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
//!   the ReplicaSets waiting for room in a full world.

use std::collections::{BTreeMap, BTreeSet};

use super::index::{is_bound, owner_uids};
use super::{ObjKey, Store};
use crate::world::api::meta;

/// A controller's work queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Queue {
    /// The Deployment controller's.
    Deployments,
    /// The ReplicaSet controller's.
    ReplicaSets,
}

/// One work queue: the objects to sync, and those a level-triggered pass would sync again
/// with a different outcome.
#[derive(Debug, Clone, Default)]
struct Keys {
    queued: BTreeSet<ObjKey>,
    /// Objects whose last sync could not do everything (a create failed): synced again
    /// whenever the controller looks at anything, as a level-triggered controller would.
    retry: BTreeSet<ObjKey>,
    /// Objects whose sync comes out differently once the clock is past an instant (a progress
    /// deadline): from then on, synced again whenever the controller looks at anything.
    retry_after: BTreeMap<i64, BTreeSet<ObjKey>>,
}

/// The work queues, with what feeds them besides writes.
#[derive(Debug, Clone, Default)]
pub(super) struct Queues {
    deployments: Keys,
    replicasets: Keys,
    /// ReplicaSets short of pods because the world holds as many as kubelab allows: looked at
    /// again when a pod goes.
    waiting_for_room: BTreeSet<ObjKey>,
}

impl Queues {
    fn keys(&mut self, q: Queue) -> &mut Keys {
        match q {
            Queue::Deployments => &mut self.deployments,
            Queue::ReplicaSets => &mut self.replicasets,
        }
    }
}

/// What a write changed for routing: the owner uids named before or after it, and whether the
/// object had (or has) no controller.
pub(super) struct Change<'a> {
    pub(super) plural: &'static str,
    pub(super) ns: &'a str,
    pub(super) name: &'a str,
    pub(super) owners: &'a [String],
    pub(super) uncontrolled: bool,
    pub(super) removed: bool,
}

impl Store {
    /// Puts an object on a work queue.
    pub fn enqueue(&mut self, q: Queue, ns: &str, name: &str) {
        self.queues
            .keys(q)
            .queued
            .insert((ns.to_string(), name.to_string()));
    }

    /// Takes the first queued object after `after` (in key order: namespace, then name).
    /// Objects queued at or before `after` while a controller works through its queue wait for
    /// its next run, as they would in a level-triggered pass in key order.
    pub fn next_queued(&mut self, q: Queue, after: Option<&ObjKey>) -> Option<ObjKey> {
        use std::ops::Bound;
        let keys = self.queues.keys(q);
        let bound = after.map_or(Bound::Unbounded, Bound::Excluded);
        let next = keys.queued.range((bound, Bound::Unbounded)).next()?.clone();
        keys.queued.remove(&next);
        keys.retry.remove(&next);
        Some(next)
    }

    /// Whether a work queue holds anything.
    pub fn has_queued(&self, q: Queue) -> bool {
        match q {
            Queue::Deployments => !self.queues.deployments.queued.is_empty(),
            Queue::ReplicaSets => !self.queues.replicasets.queued.is_empty(),
        }
    }

    /// Marks an object whose sync could not do everything: [`Store::requeue_retries`] puts it
    /// back on its queue.
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
        if !keys.retry.is_empty() {
            let retry = keys.retry.clone();
            keys.queued.extend(retry);
        }
        while let Some(entry) = keys.retry_after.first_entry() {
            if *entry.key() >= now {
                break;
            }
            keys.queued.extend(entry.remove());
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
        match c.plural {
            "deployments" => self.enqueue(Queue::Deployments, c.ns, c.name),
            "replicasets" => {
                self.enqueue(Queue::ReplicaSets, c.ns, c.name);
                self.enqueue_owners(c.owners, "deployments", Queue::Deployments);
                if c.uncontrolled {
                    self.enqueue_namespace("deployments", c.ns, Queue::Deployments);
                }
            }
            "pods" => {
                self.enqueue_owners(c.owners, "replicasets", Queue::ReplicaSets);
                if c.uncontrolled {
                    self.enqueue_namespace("replicasets", c.ns, Queue::ReplicaSets);
                }
                if c.removed {
                    for o in c.owners {
                        let Some(("replicasets", ns, name)) =
                            self.uids.get(o).map(|r| (r.0, r.1.as_str(), r.2.as_str()))
                        else {
                            continue;
                        };
                        let rs_owners = self
                            .slot("replicasets", ns, name)
                            .map(|rs| meta::owner_uids(rs))
                            .unwrap_or_default();
                        self.enqueue_owners(&rs_owners, "deployments", Queue::Deployments);
                    }
                    let waiting = std::mem::take(&mut self.queues.waiting_for_room);
                    self.queues.replicasets.queued.extend(waiting);
                }
            }
            _ => {}
        }
    }

    /// Queues the objects of `plural` among `owners` (uids).
    fn enqueue_owners(&mut self, owners: &[String], plural: &str, q: Queue) {
        for o in owners {
            if let Some(r) = self.uids.get(o)
                && r.0 == plural
            {
                let key = (r.1.clone(), r.2.clone());
                self.queues.keys(q).queued.insert(key);
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
            queued.insert((ns.to_string(), name.clone()));
        }
    }

    /// Routes a write that left an object's owners as they were (see [`Store::route`]).
    pub(super) fn route_in_place(
        &mut self,
        plural: &'static str,
        ns: &str,
        name: &str,
        owners: &[String],
    ) {
        let uncontrolled = self
            .uncontrolled
            .get(plural)
            .is_some_and(|set| set.contains(&(ns.to_string(), name.to_string())));
        self.route(&Change {
            plural,
            ns,
            name,
            owners,
            uncontrolled,
            removed: false,
        });
    }

    /// Routes a status write (owners unchanged); only the queued resources need the owners.
    /// A pending pod's status is the scheduler's business too.
    pub(super) fn route_status_write(&mut self, plural: &'static str, ns: &str, name: &str) {
        if !matches!(plural, "deployments" | "replicasets" | "pods") {
            return;
        }
        if plural == "pods" && self.slot(plural, ns, name).is_some_and(|p| !is_bound(p)) {
            let key = (ns.to_string(), name.to_string());
            if self.unscheduled_pods.contains(&key) {
                self.written_unscheduled.insert(key);
            }
        }
        let owners = self
            .slot(plural, ns, name)
            .map(|o| owner_uids(o))
            .unwrap_or_default();
        self.route_in_place(plural, ns, name, &owners);
    }
}
