//! Event objects (`core/v1 Event`) as controllers and the kubelet record them, with the
//! client-go recorder's aggregation: a repeat of the same event bumps `count` and `lastTimestamp`.

use serde_json::{Value, json};

use super::World;
use super::api::kinds;
use super::api::meta;
use super::clock::rfc3339;

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
        let Some(event_kind) = kinds::by_kind("Event") else {
            return;
        };
        let now = rfc3339(self.clock.now());
        // Aggregate with an identical earlier event.
        let key = format!(
            "{uid}\u{0}{reason}\u{0}{message}\u{0}{event_type}\u{0}{}\u{0}{}",
            field_path.unwrap_or(""),
            source.component
        );
        let existing = self
            .event_index
            .get(&key)
            .and_then(|(ns, name)| self.store.get(event_kind, ns, name))
            .cloned();
        if let Some(mut e) = existing {
            let count = e.get("count").and_then(Value::as_i64).unwrap_or(1) + 1;
            e["count"] = json!(count);
            e["lastTimestamp"] = json!(now);
            self.store.put(event_kind, e);
            return;
        }
        self.event_seq += 1;
        let nanos = self.clock.now() as u128 * 1_000_000 + (self.event_seq % 1_000_000) as u128;
        let mut involved = json!({
            "apiVersion": obj.get("apiVersion").cloned().unwrap_or(Value::Null),
            "kind": meta::kind(obj),
            "name": meta::name(obj),
            "namespace": ns,
            "resourceVersion": meta::str_at(obj, &["metadata", "resourceVersion"]).unwrap_or(""),
            "uid": uid,
        });
        if meta::namespace(obj).is_empty()
            && let Some(m) = involved.as_object_mut()
        {
            m.remove("namespace");
        }
        if let Some(fp) = field_path {
            involved["fieldPath"] = json!(fp);
        }
        let mut src = json!({"component": source.component});
        if let Some(h) = &source.host {
            src["host"] = json!(h);
        }
        let event_uid = self.seed.uid();
        let event = json!({
            "apiVersion": "v1",
            "kind": "Event",
            "count": 1,
            "eventTime": null,
            "firstTimestamp": now,
            "lastTimestamp": now,
            "involvedObject": involved,
            "message": message,
            "metadata": {
                "creationTimestamp": now,
                "name": format!("{}.{:x}", meta::name(obj), nanos),
                "namespace": ns,
                "uid": event_uid,
            },
            "reason": reason,
            "reportingComponent": source.component,
            "reportingInstance": source.host.clone().unwrap_or_default(),
            "source": src,
            "type": event_type,
        });
        let name = meta::name(&event).to_string();
        self.store.put(event_kind, event);
        self.event_order.push_back((ns.clone(), name.clone()));
        self.event_index.insert(key, (ns, name));
        self.prune_events();
    }

    /// Events about the object with `uid`, oldest first (by first timestamp, then name).
    pub fn events_for(&self, uid: &str) -> Vec<Value> {
        let Some(k) = kinds::by_kind("Event") else {
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
        let Some(k) = kinds::by_kind("Event") else {
            return;
        };
        if self.event_order.len() <= CAP {
            return;
        }
        while self.event_order.len() > CAP * 9 / 10 {
            if let Some((ns, name)) = self.event_order.pop_front() {
                self.store.remove(k, &ns, &name);
            }
        }
        let store = &self.store;
        self.event_index
            .retain(|_, (ns, name)| store.contains(k, ns, name));
    }
}
