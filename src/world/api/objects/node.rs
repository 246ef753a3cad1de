//! Nodes.

use super::meta_view::Meta;
use super::{array_of, bool_of, get, map_of, map_str, str_of};
use crate::world::api::quantity::parse_milli;
use serde_json::{Map, Value};

/// A taint's `effect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaintEffect {
    /// New pods that do not tolerate it are not scheduled.
    NoSchedule,
    /// The scheduler avoids the node.
    PreferNoSchedule,
    /// Running pods that do not tolerate it are evicted too.
    NoExecute,
}

/// A read-only view of a node.
#[derive(Debug, Clone, Copy)]
pub struct Node<'a> {
    obj: &'a Value,
    spec: &'a Value,
    status: &'a Value,
}

impl<'a> Node<'a> {
    /// A view of `obj`.
    pub fn of(obj: &'a Value) -> Self {
        Node {
            obj,
            spec: get(obj, "spec").unwrap_or(&super::NULL),
            status: get(obj, "status").unwrap_or(&super::NULL),
        }
    }

    /// The stored object.
    pub fn object(&self) -> &'a Value {
        self.obj
    }

    /// Its metadata.
    pub fn meta(&self) -> Meta<'a> {
        Meta::of(self.obj)
    }

    /// `metadata.name`.
    pub fn name(&self) -> &'a str {
        self.meta().name()
    }

    /// `metadata.labels`.
    pub fn labels(&self) -> Option<&'a Map<String, Value>> {
        self.meta().labels()
    }

    /// `spec.unschedulable` (default false).
    pub fn unschedulable(&self) -> bool {
        bool_of(self.spec, "unschedulable") == Some(true)
    }

    /// `spec.taints`.
    pub fn taints(&self) -> impl Iterator<Item = Taint<'a>> + 'a {
        array_of(self.spec, "taints").iter().map(Taint)
    }

    /// `status.conditions`.
    pub fn conditions(&self) -> &'a [Value] {
        array_of(self.status, "conditions")
    }

    /// The status condition of `cond_type`.
    pub fn condition(&self, cond_type: &str) -> Option<&'a Value> {
        self.conditions()
            .iter()
            .find(|c| str_of(c, "type") == Some(cond_type))
    }

    /// Whether the `Ready` condition is `True`.
    pub fn is_ready(&self) -> bool {
        self.condition("Ready").and_then(|c| str_of(c, "status")) == Some("True")
    }

    /// `status.allocatable`.
    pub fn allocatable(&self) -> Option<&'a Map<String, Value>> {
        map_of(self.status, "allocatable")
    }

    /// The allocatable amount of `resource` in millis, None if absent or malformed.
    pub fn allocatable_millis(&self, resource: &str) -> Option<i128> {
        map_str(self.allocatable(), resource).and_then(parse_milli)
    }

    /// How many pods the node takes (`status.allocatable.pods`, the kubelet's default 110).
    pub fn pod_capacity(&self) -> usize {
        map_str(self.allocatable(), "pods")
            .and_then(|s| s.parse().ok())
            .unwrap_or(110)
    }

    /// `status.addresses`, as (type, address) pairs.
    pub fn addresses(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        array_of(self.status, "addresses").iter().map(|a| {
            (
                str_of(a, "type").unwrap_or(""),
                str_of(a, "address").unwrap_or(""),
            )
        })
    }

    /// The first address of `kind` (`InternalIP`, `Hostname`).
    pub fn address(&self, kind: &str) -> Option<&'a str> {
        self.addresses().find(|(t, _)| *t == kind).map(|(_, a)| a)
    }
}

/// A read-only view of one of a node's taints.
#[derive(Debug, Clone, Copy)]
pub struct Taint<'a>(pub &'a Value);

impl<'a> Taint<'a> {
    /// `key`, empty if absent.
    pub fn key(&self) -> &'a str {
        str_of(self.0, "key").unwrap_or("")
    }

    /// `value`, empty if absent.
    pub fn value(&self) -> &'a str {
        str_of(self.0, "value").unwrap_or("")
    }

    /// `effect`, None if absent or not an effect.
    pub fn effect(&self) -> Option<TaintEffect> {
        match str_of(self.0, "effect")? {
            "NoSchedule" => Some(TaintEffect::NoSchedule),
            "PreferNoSchedule" => Some(TaintEffect::PreferNoSchedule),
            "NoExecute" => Some(TaintEffect::NoExecute),
            _ => None,
        }
    }

    /// Whether the scheduler must not place a pod that does not tolerate it.
    pub fn blocks_scheduling(&self) -> bool {
        matches!(
            self.effect(),
            Some(TaintEffect::NoSchedule | TaintEffect::NoExecute)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_a_node() {
        let v = json!({"kind": "Node", "metadata": {"name": "w1", "labels": {"zone": "a"}},
            "spec": {"unschedulable": true, "taints": [
                {"key": "k", "value": "v", "effect": "NoExecute"},
                {"key": "soft", "effect": "PreferNoSchedule"}]},
            "status": {"allocatable": {"cpu": "2", "memory": "4Gi"},
                "addresses": [{"type": "InternalIP", "address": "10.0.0.2"}],
                "conditions": [{"type": "Ready", "status": "True"}]}});
        let n = Node::of(&v);
        assert_eq!(n.name(), "w1");
        assert_eq!(n.meta().label("zone"), Some("a"));
        assert!(n.unschedulable() && n.is_ready());
        let blocking: Vec<(&str, &str)> = n
            .taints()
            .filter(Taint::blocks_scheduling)
            .map(|t| (t.key(), t.value()))
            .collect();
        assert_eq!(blocking, [("k", "v")]);
        assert_eq!(n.allocatable_millis("cpu"), Some(2000));
        assert_eq!(n.allocatable_millis("ephemeral-storage"), None);
        assert_eq!(n.pod_capacity(), 110);
        assert_eq!(n.address("InternalIP"), Some("10.0.0.2"));
        let empty = json!({});
        let e = Node::of(&empty);
        assert!(!e.unschedulable() && !e.is_ready());
        assert_eq!(e.taints().count(), 0);
    }
}
