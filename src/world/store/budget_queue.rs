//! The disruption controller's work queue (upstream's `addPod`/`updatePod`/`deletePod` and
//! `addDb`/`updateDb` handlers): a PodDisruptionBudget written queues itself; a pod written or
//! removed queues the budgets of its namespace whose selector selects it before or after the
//! write; a write to a controller whose scale a budget counts (Deployment, ReplicaSet,
//! StatefulSet, ReplicationController) marks the budgets selecting one of its pods (a
//! Deployment's: its ReplicaSets' pods) to be synced the next time the controller looks at
//! anything, when a pass over every budget would have seen the new scale.

use serde_json::Value;

use super::queues::Queue;
use super::{Change, Store};
use crate::world::api::meta;
use crate::world::api::selector::Selector;

/// The controllers whose scale a budget's expected pod count reads.
const SCALED: [&str; 4] = [
    "deployments",
    "replicasets",
    "statefulsets",
    "replicationcontrollers",
];

impl Store {
    /// Routes a write to the disruption controller's queue.
    pub(super) fn route_budgets(&mut self, c: &Change<'_>) {
        match c.plural {
            "poddisruptionbudgets" => self.enqueue(Queue::Budgets, c.ns, c.name),
            "pods" => {
                for pod in c.pods.into_iter().flatten() {
                    self.enqueue_budgets_selecting(c.ns, pod);
                }
            }
            p if SCALED.contains(&p) => self.retry_budgets_of_controller(c),

            _ => {}
        }
    }

    /// Marks the budgets that select a pod of a controller written (those of its namespace).
    fn retry_budgets_of_controller(&mut self, c: &Change<'_>) {
        if self.budgets_of(c.ns).next().is_none() {
            return;
        }
        if c.removed {
            // Its pods now have no controller: every budget of the namespace may see it.
            let names: Vec<String> = self.budgets_of(c.ns).map(|(n, _)| n.clone()).collect();
            for name in names {
                self.retry(Queue::Budgets, c.ns, &name);
            }
            return;
        }
        let Some(uid) = self
            .slot(c.plural, c.ns, c.name)
            .map(|o| meta::uid(o).to_string())
        else {
            return;
        };
        // The controller's pods, and for a Deployment its ReplicaSets' pods.
        let mut pods: Vec<&Value> = Vec::new();
        for r in self.dependents_iter(&uid) {
            match r.0 {
                "pods" => pods.extend(self.get_ref(r)),
                "replicasets" => {
                    let Some(rs) = self.get_ref(r) else {
                        continue;
                    };
                    for p in self.dependents_iter(meta::uid(rs)) {
                        if p.0 == "pods" {
                            pods.extend(self.get_ref(p));
                        }
                    }
                }
                _ => {}
            }
        }
        let names: Vec<String> = self
            .budgets_of(c.ns)
            .filter(|(_, pdb)| {
                meta::path(pdb, &["spec", "selector"])
                    .filter(|s| !s.is_null())
                    .is_some_and(|s| {
                        let sel = Selector::from_label_selector(s);
                        pods.iter().any(|p| sel.matches_object(p))
                    })
            })
            .map(|(n, _)| n.clone())
            .collect();
        for name in names {
            self.retry(Queue::Budgets, c.ns, &name);
        }
    }

    /// The budgets of a namespace, by name.
    fn budgets_of<'a>(&'a self, ns: &str) -> impl Iterator<Item = (&'a String, &'a Value)> {
        self.resources
            .get("poddisruptionbudgets")
            .and_then(|r| r.get(ns))
            .into_iter()
            .flat_map(|names| names.iter())
            .filter(|(_, s)| !s.is_unbuilt())
            .map(|(n, s)| (n, &**s.get()))
    }

    /// Queues the budgets of a namespace whose selector selects a pod (`getPdbForPod`): a
    /// budget with no selector selects nothing, one with an empty selector every pod.
    fn enqueue_budgets_selecting(&mut self, ns: &str, pod: &Value) {
        let names: Vec<String> = self
            .budgets_of(ns)
            .filter(|(_, pdb)| {
                meta::path(pdb, &["spec", "selector"])
                    .filter(|s| !s.is_null())
                    .is_some_and(|s| Selector::from_label_selector(s).matches_object(pod))
            })
            .map(|(n, _)| n.clone())
            .collect();
        for name in names {
            self.enqueue(Queue::Budgets, ns, &name);
        }
    }
}
