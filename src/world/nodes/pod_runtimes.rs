//! The kubelets' records of the pods (`World::pods`), by pod uid, each behind an `Rc`: the
//! command boundary's snapshot of the world (a clone at every input) shares them, and a record
//! is copied only when one side writes it (`get_mut`), so a snapshot costs a map of pointers
//! instead of every pod's containers, processes, logs and volume payloads.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::PodRuntime;

/// The pods' records by uid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PodRuntimes(BTreeMap<String, Rc<PodRuntime>>);

impl PodRuntimes {
    pub fn get(&self, uid: &str) -> Option<&PodRuntime> {
        self.0.get(uid).map(|r| &**r)
    }

    /// The record to change, copied first when a snapshot shares it.
    pub fn get_mut(&mut self, uid: &str) -> Option<&mut PodRuntime> {
        self.0.get_mut(uid).map(Rc::make_mut)
    }

    pub fn contains_key(&self, uid: &str) -> bool {
        self.0.contains_key(uid)
    }

    pub fn insert(&mut self, uid: String, rt: PodRuntime) -> Option<PodRuntime> {
        self.0.insert(uid, Rc::new(rt)).map(Rc::unwrap_or_clone)
    }

    pub fn remove(&mut self, uid: &str) -> Option<PodRuntime> {
        self.0.remove(uid).map(Rc::unwrap_or_clone)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The records in uid order.
    pub fn values(&self) -> impl Iterator<Item = &PodRuntime> {
        self.0.values().map(|r| &**r)
    }

    /// (uid, record) in uid order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &PodRuntime)> {
        self.0.iter().map(|(k, r)| (k, &**r))
    }
}

impl std::ops::Index<&str> for PodRuntimes {
    type Output = PodRuntime;

    fn index(&self, uid: &str) -> &PodRuntime {
        &self.0[uid]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_shares_until_written() {
        let mut a = PodRuntimes::default();
        let rt = PodRuntime {
            namespace: "default".into(),
            name: "p".into(),
            node: "n".into(),
            ip: "10.244.1.2".into(),
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
        };
        a.insert("u".into(), rt);
        let b = a.clone();
        assert!(Rc::ptr_eq(&a.0["u"], &b.0["u"]));
        a.get_mut("u").unwrap().ip = "10.244.1.3".into();
        assert_eq!(b["u"].ip, "10.244.1.2");
        assert_eq!(a["u"].ip, "10.244.1.3");
        assert_eq!(a.remove("u").map(|r| r.name), Some("p".into()));
        assert!(a.is_empty() && b.len() == 1);
    }
}
