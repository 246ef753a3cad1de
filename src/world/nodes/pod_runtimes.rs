//! The kubelets' records of the pods they run, by pod uid, as a persistent map of shared
//! records: a snapshot of the world (the command boundary takes one before every input) shares
//! them all, and a record is copied only when one side changes it. The methods are those of the
//! `BTreeMap` it replaces, in the same (uid) order.

use imbl::OrdMap;
use std::ops::Index;
use std::rc::Rc;

use super::PodRuntime;

/// Pod runtime records by pod uid.
#[derive(Debug, Clone, Default)]
pub struct PodRuntimes(OrdMap<String, Rc<PodRuntime>>);

impl PodRuntimes {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// The record of a pod.
    pub fn get(&self, uid: &str) -> Option<&PodRuntime> {
        self.0.get(uid).map(|r| &**r)
    }

    /// The record of a pod, to change it (copied first if a snapshot shares it).
    pub fn get_mut(&mut self, uid: &str) -> Option<&mut PodRuntime> {
        self.0.get_mut(uid).map(Rc::make_mut)
    }

    /// Whether a pod has a record.
    pub fn contains_key(&self, uid: &str) -> bool {
        self.0.contains_key(uid)
    }

    /// Puts a pod's record, handing back the one it replaces.
    pub fn insert(&mut self, uid: String, rt: PodRuntime) -> Option<PodRuntime> {
        self.0
            .insert(uid, Rc::new(rt))
            .map(|old| Rc::try_unwrap(old).unwrap_or_else(|shared| (*shared).clone()))
    }

    /// Forgets a pod's record.
    pub fn remove(&mut self, uid: &str) -> Option<PodRuntime> {
        self.0
            .remove(uid)
            .map(|old| Rc::try_unwrap(old).unwrap_or_else(|shared| (*shared).clone()))
    }

    /// Every record, in uid order.
    pub fn values(&self) -> impl Iterator<Item = &PodRuntime> {
        self.0.values().map(|r| &**r)
    }

    /// Every (uid, record), in uid order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &PodRuntime)> {
        self.0.iter().map(|(k, r)| (k, &**r))
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<Q: AsRef<str> + ?Sized> Index<&Q> for PodRuntimes {
    type Output = PodRuntime;

    fn index(&self, uid: &Q) -> &PodRuntime {
        match self.get(uid.as_ref()) {
            Some(rt) => rt,
            None => panic!("no runtime record for pod {}", uid.as_ref()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(name: &str) -> PodRuntime {
        PodRuntime {
            namespace: "default".into(),
            name: name.into(),
            node: "worker-1".into(),
            ip: String::new(),
            start_time: 0,
            containers: Vec::new(),
            conditions: Vec::new(),
            terminating_until: None,
            finished: None,
            blocked: None,
            wake: None,
            status_fingerprint: 0,
            atomic: Default::default(),
            atomic_stale: false,
        }
    }

    /// A copy shares the records; a change on one side is not seen on the other.
    #[test]
    fn a_copy_shares_records_until_one_side_changes() {
        let mut a = PodRuntimes::new();
        a.insert("u2".into(), record("b"));
        a.insert("u1".into(), record("a"));
        let b = a.clone();
        assert!(std::ptr::eq(a.get("u1").unwrap(), b.get("u1").unwrap()));
        a.get_mut("u1").unwrap().ip = "10.0.0.1".into();
        assert_eq!(b["u1"].ip, "");
        assert_eq!(a[&"u1".to_string()].ip, "10.0.0.1");
        let keys: Vec<&String> = a.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["u1", "u2"]);
        assert_eq!(a.remove("u2").map(|r| r.name), Some("b".into()));
        assert_eq!((a.len(), b.len()), (1, 2));
    }
}
