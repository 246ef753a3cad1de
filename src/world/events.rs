//! Event objects (`core/v1 Event`) as controllers and the kubelet record them, with the
//! client-go recorder's aggregation: a repeat of the same event bumps `count` and `lastTimestamp`.

use crate::world::api::meta::Field;
use serde_json::{Map, Value, json};
use std::rc::Rc;

use super::World;
use super::api::kinds;
use super::api::meta;
use super::clock::rfc3339;
use super::store::LazyObject;

/// An event as recorded, built into its API object when something first reads it.
struct EventRecord {
    involved_api_version: Value,
    involved_kind: String,
    involved_name: String,
    involved_namespaced: bool,
    involved_resource_version: String,
    involved_uid: String,
    field_path: Option<String>,
    source: Source,
    /// First and last timestamp, and creation time.
    now: String,
    name: String,
    namespace: String,
    uid: String,
    message: String,
    reason: String,
    event_type: String,
    resource_version: String,
}

impl LazyObject for EventRecord {
    fn uid(&self) -> &str {
        &self.uid
    }

    fn build(&self) -> Value {
        let s = |v: &str| Value::String(v.to_string());
        let mut involved = Map::new();
        involved.insert("apiVersion".into(), self.involved_api_version.clone());
        involved.insert("kind".into(), s(&self.involved_kind));
        involved.insert("name".into(), s(&self.involved_name));
        if self.involved_namespaced {
            involved.insert("namespace".into(), s(&self.namespace));
        }
        involved.insert("resourceVersion".into(), s(&self.involved_resource_version));
        involved.insert("uid".into(), s(&self.involved_uid));
        if let Some(fp) = &self.field_path {
            involved.insert("fieldPath".into(), s(fp));
        }
        let mut src = Map::new();
        src.insert("component".into(), s(&self.source.component));
        if let Some(h) = &self.source.host {
            src.insert("host".into(), s(h));
        }
        let metadata = meta::object([
            ("creationTimestamp", s(&self.now)),
            ("name", s(&self.name)),
            ("namespace", s(&self.namespace)),
            ("resourceVersion", s(&self.resource_version)),
            ("uid", s(&self.uid)),
        ]);
        meta::object([
            ("apiVersion", s("v1")),
            ("kind", s("Event")),
            ("count", Value::from(1)),
            ("eventTime", Value::Null),
            ("firstTimestamp", s(&self.now)),
            ("lastTimestamp", s(&self.now)),
            ("involvedObject", Value::Object(involved)),
            ("message", s(&self.message)),
            ("metadata", metadata),
            ("reason", s(&self.reason)),
            ("reportingComponent", s(&self.source.component)),
            (
                "reportingInstance",
                s(self.source.host.as_deref().unwrap_or_default()),
            ),
            ("source", Value::Object(src)),
            ("type", s(&self.event_type)),
        ])
    }
}

/// Who reports an event: `deployment-controller`, or `kubelet` on a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Component name.
    pub component: String,
    /// Node name for node components.
    pub host: Option<String>,
}

impl Source {
    /// A control-plane component.
    pub fn component(c: &str) -> Source {
        Source {
            component: c.to_string(),
            host: None,
        }
    }

    /// A node component (kubelet) on `host`.
    pub fn on_host(c: &str, host: &str) -> Source {
        Source {
            component: c.to_string(),
            host: Some(host.to_string()),
        }
    }
}

/// Appends `n` in lower-case hex without leading zeros (`{:x}`), as event names end.
fn push_hex(out: &mut String, n: u128) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let digits = (128 - n.leading_zeros()).div_ceil(4).max(1);
    for i in (0..digits).rev() {
        out.push(char::from(DIGITS[((n >> (i * 4)) & 0xf) as usize]));
    }
}

impl World {
    /// Records an event about `obj` (any API object), optionally about one of its parts
    /// (`spec.containers{mongo}`).
    pub fn record_event(
        &mut self,
        obj: &Value,
        field_path: Option<&str>,
        event_type: &str,
        reason: &str,
        message: &str,
        source: &Source,
    ) {
        let ns = match meta::namespace(obj) {
            "" => "default".to_string(),
            n => n.to_string(),
        };
        let uid = meta::uid(obj).to_string();
        let Some(event_kind) = kinds::by_kind(kinds::EVENT) else {
            return;
        };
        let now = rfc3339(self.clock.now());
        // Similar events (same object, source, type and reason) combine past the tenth
        // message (`event_aggregate.rs`); the combined one is found by that key alone.
        let similar = format!(
            "{uid}\u{0}{reason}\u{0}\u{1}\u{0}{event_type}\u{0}{}\u{0}{}",
            source.component,
            source.host.as_deref().unwrap_or("")
        );
        let combined = self.aggregate_event(&similar, message);
        let message = combined.as_deref().unwrap_or(message);
        // Aggregate with an identical earlier event.
        let parts = [
            uid.as_str(),
            reason,
            if combined.is_some() { "\u{1}" } else { message },
            event_type,
            if combined.is_some() {
                ""
            } else {
                field_path.unwrap_or("")
            },
            &source.component,
        ];
        let mut key = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
        for p in parts {
            key.push_str(p);
            key.push('\u{0}');
        }
        let existing = self
            .event_index
            .get(&key)
            .and_then(|(ns, name)| self.store.get(event_kind, ns, name))
            .cloned();
        if let Some(mut e) = existing {
            let count = e.field("count").and_then(Value::as_i64).unwrap_or(1) + 1;
            e["count"] = json!(count);
            e["lastTimestamp"] = json!(now);
            e["message"] = json!(message);
            self.store.put(event_kind, e);
            return;
        }
        self.event_seq += 1;
        let nanos = self.clock.now() as u128 * 1_000_000 + (self.event_seq % 1_000_000) as u128;
        let md = obj.field("metadata");
        let md_str = |k: &str| {
            md.and_then(|m| m.get(k))
                .and_then(Value::as_str)
                .unwrap_or("")
        };
        let obj_name = md_str("name");
        let mut name = String::with_capacity(obj_name.len() + 17);
        name.push_str(obj_name);
        name.push('.');
        push_hex(&mut name, nanos);
        let involved_api_version = obj.field("apiVersion").cloned().unwrap_or(Value::Null);
        let event_uid = self.seed.uid();
        self.store
            .put_lazy(event_kind, &ns, &name, |resource_version| {
                Rc::new(EventRecord {
                    involved_api_version,
                    involved_kind: meta::kind(obj).to_string(),
                    involved_name: obj_name.to_string(),
                    involved_namespaced: !md_str("namespace").is_empty(),
                    involved_resource_version: md_str("resourceVersion").to_string(),
                    involved_uid: uid,
                    field_path: field_path.map(str::to_string),
                    source: source.clone(),
                    now,
                    name: name.clone(),
                    namespace: ns.clone(),
                    uid: event_uid,
                    message: message.to_string(),
                    reason: reason.to_string(),
                    event_type: event_type.to_string(),
                    resource_version,
                })
            });
        self.event_order.push_back((ns.clone(), name.clone()));
        self.event_index.insert(key, (ns, name));
        self.prune_events();
    }

    /// Whether an event recorded about the object with `uid` with this reason (and message,
    /// if given) is still stored, found through the aggregation index without reading every
    /// event.
    pub fn has_event(&self, uid: &str, reason: &str, message: Option<&str>) -> bool {
        let Some(k) = kinds::by_kind(kinds::EVENT) else {
            return false;
        };
        let mut prefix = format!("{uid}\u{0}{reason}\u{0}");
        if let Some(m) = message {
            prefix.push_str(m);
            prefix.push('\u{0}');
        }
        self.event_index
            .range::<_, str>((
                std::ops::Bound::Included(prefix.as_str()),
                std::ops::Bound::Unbounded,
            ))
            .take_while(|(key, _)| key.starts_with(&prefix))
            .any(|(_, (ns, name))| self.store.contains(k, ns, name))
    }

    /// Forgets every event and what aggregates them (the default world's installation is
    /// older than the API server's one-hour event TTL); the recorder's sequence starts again.
    pub(crate) fn forget_events(&mut self) {
        let Some(k) = kinds::by_kind(kinds::EVENT) else {
            return;
        };
        let names: Vec<(String, String)> = self
            .store
            .list(k, None)
            .map(|e| (meta::namespace(e).to_string(), meta::name(e).to_string()))
            .collect();
        for (ns, name) in names {
            self.store.discard(k, &ns, &name);
        }
        self.event_index = imbl::OrdMap::new();
        self.event_order = imbl::Vector::new();
        self.event_aggregates = imbl::OrdMap::new();
        self.event_seq = 0;
    }

    /// Events about the object with `uid`, oldest first (by first timestamp, then name).
    pub fn events_for(&self, uid: &str) -> Vec<Value> {
        let Some(k) = kinds::by_kind(kinds::EVENT) else {
            return vec![];
        };
        let mut v: Vec<Value> = self
            .store
            .list(k, None)
            .filter(|e| meta::str_at(e, &["involvedObject", "uid"]) == Some(uid))
            .cloned()
            .collect();
        v.sort_by(|a, b| {
            let ka = (
                meta::str_at(a, &["firstTimestamp"]).unwrap_or(""),
                meta::name(a),
            );
            let kb = (
                meta::str_at(b, &["firstTimestamp"]).unwrap_or(""),
                meta::name(b),
            );
            ka.cmp(&kb)
        });
        v
    }

    /// Keeps the number of events bounded (the apiserver expires them after an hour; a lab must
    /// not grow without bound either): the oldest created are dropped beyond the cap.
    fn prune_events(&mut self) {
        const CAP: usize = 20_000;
        let Some(k) = kinds::by_kind(kinds::EVENT) else {
            return;
        };
        if self.event_order.len() <= CAP {
            return;
        }
        while self.event_order.len() > CAP * 9 / 10 {
            if let Some((ns, name)) = self.event_order.pop_front() {
                self.store.discard(k, &ns, &name);
            }
        }
        let store = &self.store;
        let gone: Vec<String> = self
            .event_index
            .iter()
            .filter(|(_, (ns, name))| !store.contains(k, ns, name))
            .map(|(key, _)| key.clone())
            .collect();
        for key in gone {
            self.event_index.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_suffix_matches_format() {
        for n in [0u128, 1, 15, 16, 255, 1_741_000_000_000_000_123, u128::MAX] {
            let mut s = String::new();
            super::push_hex(&mut s, n);
            assert_eq!(s, format!("{n:x}"));
        }
    }
}
