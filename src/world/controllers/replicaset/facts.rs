//! What the ReplicaSet controller works out of each pod, remembered by object identity.

use serde_json::Value;

use super::{is_active, ready_since};
use crate::world::api::objects::Pod;
use crate::world::clock::Millis;

/// What every sync asks of a pod that depends on the pod alone.
#[derive(Debug, Clone)]
pub(super) struct PodFacts {
    pub(super) controller: Option<String>,
    pub(super) active: bool,
    pub(super) ready_since: Option<Millis>,
}

/// [`PodFacts`] remembered by object identity: a stored object never changes (a write stores a
/// new one, or moves the old one out of the allocation this remembers), so the facts hold for
/// as long as the allocation holds the same live object. Each entry keeps a `Weak` to it, which
/// also keeps the address from being reused.
#[derive(Debug, Default)]
pub(crate) struct PodFactsMemo(std::collections::HashMap<usize, (std::rc::Weak<Value>, PodFacts)>);

/// A copy of the world starts with an empty memo: the memo only saves work, and copying it
/// would make every snapshot of the world (the command boundary takes one before each input)
/// cost as much as the pods.
impl Clone for PodFactsMemo {
    fn clone(&self) -> Self {
        PodFactsMemo::default()
    }
}

impl PodFactsMemo {
    pub(super) fn get(&mut self, pod: &std::rc::Rc<Value>) -> &PodFacts {
        let key = std::rc::Rc::as_ptr(pod) as usize;
        let live = self
            .0
            .get(&key)
            .is_some_and(|(w, _)| w.strong_count() > 0 && std::ptr::eq(w.as_ptr(), &**pod));
        if !live {
            let facts = PodFacts {
                controller: Pod::of(pod).controller().map(|o| o.uid().to_string()),
                active: is_active(pod),
                ready_since: ready_since(pod),
            };
            self.0.insert(key, (std::rc::Rc::downgrade(pod), facts));
        }
        &self.0[&key].1
    }

    /// Drops the entries of objects that are gone once they outnumber the live pods.
    pub(super) fn forget_gone(&mut self, live_pods: usize) {
        if self.0.len() > 2 * live_pods + 64 {
            self.prune();
        }
    }

    /// Drops the entries of objects that are gone.
    fn prune(&mut self) {
        self.0.retain(|_, (w, _)| w.strong_count() > 0);
    }
}

#[cfg(test)]
mod memo_tests {
    use super::*;
    use serde_json::json;
    use std::rc::Rc;

    /// Facts are remembered for the very object they were worked out from, and worked out
    /// again once the stored object is changed in place (`make_mut` moves it away from the
    /// remembered allocation) or replaced.
    #[test]
    fn pod_facts_follow_object_identity() {
        let mut memo = PodFactsMemo::default();
        let mut pod = Rc::new(json!({"metadata": {"name": "p"}, "status": {"phase": "Running"}}));
        assert!(memo.get(&pod).active && memo.get(&pod).controller.is_none());
        Rc::make_mut(&mut pod)["status"]["phase"] = json!("Succeeded");
        assert!(!memo.get(&pod).active);
        let other = Rc::new(json!({"metadata": {"name": "q", "ownerReferences": [
            {"controller": true, "uid": "u-1"}]}}));
        assert_eq!(memo.get(&other).controller.as_deref(), Some("u-1"));
        drop(pod);
        memo.prune();
        assert_eq!(memo.0.len(), 1);
    }
}
