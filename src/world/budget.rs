//! kubelab's bounds on what users may store in the simulated cluster, so that no session (a
//! loop of `kubectl create configmap`, a huge manifest) can grow the world without limit. A real
//! cluster has other limits (etcd's quota); these are kubelab's own and their errors say so.
//! Controllers' own objects are bounded elsewhere (pods per controller and in the world).

use serde_json::Value;

use super::api::ApiError;

/// API objects the world holds at most, events aside (they are pruned).
pub const MAX_OBJECTS: usize = 10_000;
/// Bytes of objects written by users, in all (each object weighed as its JSON text, roughly).
pub const MAX_USER_BYTES: usize = 64 << 20;

/// What users' objects weigh, by uid.
#[derive(Debug, Clone, Default)]
pub struct Budget {
    /// uid -> weight (a persistent map: snapshots of the world share it).
    weights: imbl::OrdMap<String, usize>,
    total: usize,
}

impl Budget {
    /// Checks that a user write of `obj` (replacing the object with uid `uid`, if any) stays
    /// within the bounds; `objects` is how many objects the world holds now and `alive` tells
    /// whether a uid is still stored (weights of removed objects are dropped then).
    pub fn check(
        &mut self,
        obj: &Value,
        uid: Option<&str>,
        objects: usize,
        alive: impl Fn(&str) -> bool,
    ) -> Result<usize, ApiError> {
        if uid.is_none() && objects >= MAX_OBJECTS {
            return Err(ApiError::kubelab_limit(format!(
                "kubelab: the simulated cluster holds at most {MAX_OBJECTS} objects; delete some before creating more"
            )));
        }
        let weight = weigh(obj);
        let old = uid.and_then(|u| self.weights.get(u)).copied().unwrap_or(0);
        if self.total - old + weight > MAX_USER_BYTES {
            // Objects deleted since their last write still count: drop them and look again.
            let gone: Vec<String> = self.weights.keys().filter(|u| !alive(u)).cloned().collect();
            for u in gone {
                self.weights.remove(&u);
            }
            self.total = self.weights.values().sum();
            let old = uid.and_then(|u| self.weights.get(u)).copied().unwrap_or(0);
            if self.total - old + weight > MAX_USER_BYTES {
                return Err(ApiError::kubelab_limit(format!(
                    "kubelab: the objects written to the simulated cluster may hold at most {} MiB in all; delete some before writing more",
                    MAX_USER_BYTES >> 20
                )));
            }
        }
        Ok(weight)
    }

    /// Records the weight of the object with uid `uid` after a successful write.
    pub fn record(&mut self, uid: &str, weight: usize) {
        let old = self.weights.insert(uid.to_string(), weight).unwrap_or(0);
        self.total = self.total - old + weight;
    }
}

/// Roughly the length of `v` as JSON text (keys, strings, and a few bytes per value), without
/// recursion, so that any depth is safe.
pub fn weigh(v: &Value) -> usize {
    let mut total = 0;
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        total += match v {
            Value::String(s) => s.len() + 2,
            Value::Array(a) => {
                stack.extend(a.iter());
                2 + a.len()
            }
            Value::Object(m) => {
                stack.extend(m.values());
                2 + m.keys().map(|k| k.len() + 4).sum::<usize>()
            }
            _ => 8,
        };
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn weighs_like_json_text() {
        let v = json!({"data": {"a": "xyz"}, "n": [1, 2]});
        let text = serde_json::to_string(&v).unwrap().len();
        let w = weigh(&v);
        assert!(w >= text / 2 && w <= text * 2, "{w} vs {text}");
    }

    fn configmap(name: &str, bytes: usize) -> Value {
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name},
               "data": {"k": "x".repeat(bytes)}})
    }

    #[test]
    fn users_objects_are_bounded_in_bytes_and_deleting_frees_room() {
        let mut w = crate::world::default_world::build(1);
        let mb = 1 << 20;
        for i in 0..(MAX_USER_BYTES / (4 * mb)) - 1 {
            w.create(configmap(&format!("c{i}"), 4 * mb), false)
                .unwrap();
        }
        let e = w.create(configmap("big", 8 * mb), false).unwrap_err();
        assert_eq!(e.reason, crate::world::api::Reason::KubelabLimit);
        assert!(e.message.starts_with("kubelab: "), "{}", e.message);
        // A dry run is weighed too, but records nothing.
        assert!(w.create(configmap("big", 8 * mb), true).is_err());
        // Replacing an object counts its new weight instead of its old one.
        let mut c0 = w
            .get(
                crate::world::api::kinds::by_kind("ConfigMap").unwrap(),
                "default",
                "c0",
            )
            .unwrap();
        c0["data"]["k"] = json!("small");
        w.update(c0, false).unwrap();
        w.create(configmap("big", 3 * mb), false).unwrap();
        let cm = crate::world::api::kinds::by_kind("ConfigMap").unwrap();
        w.delete(cm, "default", "c1", &Default::default()).unwrap();
        w.create(configmap("big2", 3 * mb), false).unwrap();
    }

    #[test]
    fn the_world_holds_a_bounded_number_of_objects() {
        let mut w = crate::world::default_world::build(1);
        let mut i = 0;
        let e = loop {
            match w.create(configmap(&format!("c{i}"), 1), false) {
                Ok(_) => i += 1,
                Err(e) => break e,
            }
        };
        assert_eq!(e.reason, crate::world::api::Reason::KubelabLimit);
        assert!(i > MAX_OBJECTS - 200, "{i}");
        let cm = crate::world::api::kinds::by_kind("ConfigMap").unwrap();
        w.delete(cm, "default", "c0", &Default::default()).unwrap();
        w.create(configmap("again", 1), false).unwrap();
    }

    #[test]
    fn deep_values_are_safe() {
        let mut v = json!(1);
        for _ in 0..100_000 {
            v = Value::Array(vec![v]);
        }
        assert!(weigh(&v) > 100_000);
        // Dropping it recursively would overflow; leak the test value instead.
        std::mem::forget(v);
    }
}
