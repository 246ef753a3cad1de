//! ImageStream server-side behaviour (openshift-apiserver `registry/imagestream/strategy.go`,
//! `internal/imageutil/helpers.go`): defaults, spec-tag generations, tag history
//! (`AddTagEventToImageStream`), aliases and tracking tags, and pull-spec resolution.

use crate::world::api::kinds;
use serde_json::{Value, json};

use crate::world::World;
use crate::world::api::meta;
use crate::world::clock::rfc3339;

/// The integrated registry's service address.
pub const INTERNAL_REGISTRY: &str = "image-registry.openshift-image-registry.svc:5000";

/// `status.dockerImageRepository` of a stream.
pub fn repository(ns: &str, name: &str) -> String {
    format!("{INTERNAL_REGISTRY}/{ns}/{name}")
}

/// The spec tags of a stream.
pub fn spec_tags(is: &Value) -> Vec<Value> {
    meta::path(is, &["spec", "tags"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// The status tag list of `tag`.
pub fn status_tag<'a>(is: &'a Value, tag: &str) -> Option<&'a Value> {
    meta::path(is, &["status", "tags"])?
        .as_array()?
        .iter()
        .find(|t| t.get("tag").and_then(Value::as_str) == Some(tag))
}

/// The head event (`items[0]`) of a tag.
pub fn head<'a>(is: &'a Value, tag: &str) -> Option<&'a Value> {
    status_tag(is, tag)?.get("items")?.as_array()?.first()
}

/// A spec tag by name.
pub fn spec_tag<'a>(is: &'a Value, tag: &str) -> Option<&'a Value> {
    meta::path(is, &["spec", "tags"])?
        .as_array()?
        .iter()
        .find(|t| t.get("name").and_then(Value::as_str) == Some(tag))
}

/// Resolves a tag's head to the pull spec used by triggers and lookup (reference policy).
pub fn resolve_pull_spec(is: &Value, tag: &str) -> Option<String> {
    let h = head(is, tag)?;
    let r = h
        .get("dockerImageReference")
        .and_then(Value::as_str)
        .unwrap_or("");
    let image = h.get("image").and_then(Value::as_str).unwrap_or("");
    let local = spec_tag(is, tag).and_then(|t| meta::str_at(t, &["referencePolicy", "type"]))
        == Some("Local");
    if local && !image.is_empty() {
        let repo = meta::str_at(is, &["status", "dockerImageRepository"]).unwrap_or("");
        if !repo.is_empty() {
            return Some(format!("{repo}@{image}"));
        }
    }
    (!r.is_empty()).then(|| r.to_string())
}

/// `AddTagEventToImageStream`. Returns true if the head changed.
pub fn add_tag_event(is: &mut Value, tag: &str, event: Value) -> bool {
    let tags = meta::path_mut(is, &["status", "tags"]);
    if !tags.is_array() {
        *tags = json!([]);
    }
    let Some(list) = tags.as_array_mut() else {
        return false;
    };
    let idx = match list
        .iter()
        .position(|t| t.get("tag").and_then(Value::as_str) == Some(tag))
    {
        Some(i) => i,
        None => {
            list.push(json!({"tag": tag, "items": [event]}));
            list.sort_by(|a, b| {
                a.get("tag")
                    .and_then(Value::as_str)
                    .cmp(&b.get("tag").and_then(Value::as_str))
            });
            return true;
        }
    };
    let entry = &mut list[idx];
    let items = entry.get_mut("items").and_then(Value::as_array_mut);
    let Some(items) = items else {
        entry["items"] = json!([event]);
        return true;
    };
    let Some(p) = items.first_mut() else {
        items.push(event);
        return true;
    };
    let same_ref = p.get("dockerImageReference") == event.get("dockerImageReference");
    let same_image = p.get("image") == event.get("image");
    let same_gen = p.get("generation") == event.get("generation");
    if same_ref && same_image && same_gen {
        return false;
    }
    if same_ref && same_image {
        p["generation"] = event["generation"].clone();
        return false;
    }
    if same_ref {
        p["image"] = event["image"].clone();
        p["generation"] = event["generation"].clone();
        return true;
    }
    if same_image {
        p["dockerImageReference"] = event["dockerImageReference"].clone();
        p["generation"] = event["generation"].clone();
        return true;
    }
    items.insert(0, event);
    if let Some(m) = entry.as_object_mut() {
        m.remove("conditions");
    }
    true
}

fn from_of(tag: &Value) -> (String, String, String) {
    (
        meta::str_at(tag, &["from", "kind"])
            .unwrap_or("")
            .to_string(),
        meta::str_at(tag, &["from", "name"])
            .unwrap_or("")
            .to_string(),
        meta::str_at(tag, &["from", "namespace"])
            .unwrap_or("")
            .to_string(),
    )
}

/// Splits `stream:tag` (or `tag` within `this`) into (stream, tag).
pub fn split_istag(name: &str, this: &str) -> (String, String) {
    match name.split_once(':') {
        Some((s, t)) => (s.to_string(), t.to_string()),
        None => (this.to_string(), name.to_string()),
    }
}

/// Applies the create/update strategy: defaults, tag generations, and immediate status events
/// for new or changed tags (`tagsChanged`, `UpdateTrackingTags`).
pub fn prepare(world: &World, is: &mut Value, old: Option<&Value>) {
    let ns = meta::namespace(is).to_string();
    let name = meta::name(is).to_string();
    if meta::path(is, &["spec", "lookupPolicy", "local"]).is_none() {
        meta::set_path(is, &["spec", "lookupPolicy", "local"], json!(false));
    }
    meta::set_path(
        is,
        &["status", "dockerImageRepository"],
        json!(repository(&ns, &name)),
    );
    let generation = meta::int_at(is, &["metadata", "generation"]).unwrap_or(1);
    let mut tags = spec_tags(is);
    tags.sort_by(|a, b| {
        a.get("name")
            .and_then(Value::as_str)
            .cmp(&b.get("name").and_then(Value::as_str))
    });
    let mut changed: Vec<String> = Vec::new();
    for t in tags.iter_mut() {
        if t.get("annotations").is_none() {
            t["annotations"] = Value::Null;
        }
        if meta::path(t, &["referencePolicy", "type"]).is_none_or(|v| v.as_str() == Some("")) {
            meta::set_path(t, &["referencePolicy", "type"], json!("Source"));
        }
        if meta::path(t, &["importPolicy", "importMode"]).is_none() {
            meta::set_path(t, &["importPolicy", "importMode"], json!("Legacy"));
        }
        let tname = t
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let old_tag = old.and_then(|o| spec_tag(o, &tname));
        let source_changed = match old_tag {
            None => true,
            Some(o) => {
                from_of(o) != from_of(t)
                    || o.get("reference") != t.get("reference")
                    || meta::path(o, &["importPolicy", "importMode"])
                        != meta::path(t, &["importPolicy", "importMode"])
                    || t.get("generation").and_then(Value::as_i64) == Some(0)
            }
        };
        if source_changed {
            t["generation"] = json!(generation);
            changed.push(tname);
        } else if let Some(o) = old_tag {
            t["generation"] = o.get("generation").cloned().unwrap_or(json!(generation));
        }
    }
    if tags.is_empty() {
        if let Some(spec) = is.get_mut("spec").and_then(Value::as_object_mut) {
            spec.remove("tags");
        }
    } else {
        meta::set_path(is, &["spec", "tags"], Value::Array(tags.clone()));
    }
    // Tags removed from the spec lose their history only through ImageStreamTag deletes.
    let now = rfc3339(world.now());
    let mut heads_changed: Vec<String> = Vec::new();
    for tname in &changed {
        let Some(t) = tags
            .iter()
            .find(|t| t.get("name").and_then(Value::as_str) == Some(tname.as_str()))
        else {
            continue;
        };
        let (kind, from, from_ns) = from_of(t);
        let tgen = t.get("generation").cloned().unwrap_or(json!(generation));
        match kind.as_str() {
            "DockerImage" if t.get("reference").and_then(Value::as_bool) == Some(true) => {
                let ev = json!({"created": now, "dockerImageReference": from, "image": "", "generation": tgen});
                if add_tag_event(is, tname, ev) {
                    heads_changed.push(tname.clone());
                }
            }
            kinds::IMAGE_STREAM_TAG => {
                let (stream, src_tag) = split_istag(&from, &name);
                let src_ns = if from_ns.is_empty() {
                    ns.clone()
                } else {
                    from_ns
                };
                let src_head = if stream == name && src_ns == ns {
                    head(is, &src_tag).cloned()
                } else {
                    world
                        .object(kinds::IMAGE_STREAM, &src_ns, &stream)
                        .and_then(|s| head(s, &src_tag))
                        .cloned()
                };
                if let Some(mut ev) = src_head {
                    ev["generation"] = tgen.clone();
                    if add_tag_event(is, tname, ev) {
                        heads_changed.push(tname.clone());
                    }
                    // Upstream quirk: the source head shares the event and takes the new generation.
                    if stream == name
                        && src_ns == ns
                        && let Some(list) = meta::path_mut(is, &["status", "tags"]).as_array_mut()
                        && let Some(h) = list
                            .iter_mut()
                            .find(|x| {
                                x.get("tag").and_then(Value::as_str) == Some(src_tag.as_str())
                            })
                            .and_then(|x| x.get_mut("items"))
                            .and_then(Value::as_array_mut)
                            .and_then(|a| a.first_mut())
                    {
                        h["generation"] = tgen.clone();
                    }
                }
            }
            kinds::IMAGE_STREAM_IMAGE => {
                let (stream, id) = from
                    .split_once('@')
                    .map(|(s, i)| (s.to_string(), i.to_string()))
                    .unwrap_or((name.clone(), from.clone()));
                let src_ns = if from_ns.is_empty() {
                    ns.clone()
                } else {
                    from_ns
                };
                let source = if stream == name && src_ns == ns {
                    Some(is.clone())
                } else {
                    world.object(kinds::IMAGE_STREAM, &src_ns, &stream).cloned()
                };
                let found = source.and_then(|s| {
                    meta::path(&s, &["status", "tags"])?
                        .as_array()?
                        .iter()
                        .flat_map(|t| {
                            t.get("items")
                                .and_then(Value::as_array)
                                .into_iter()
                                .flatten()
                        })
                        .find(|e| {
                            e.get("image")
                                .and_then(Value::as_str)
                                .is_some_and(|i| !id.is_empty() && i.starts_with(&id))
                        })
                        .cloned()
                });
                if let Some(e) = found {
                    let ev = json!({"created": now, "dockerImageReference": e["dockerImageReference"], "image": e["image"], "generation": tgen});
                    if add_tag_event(is, tname, ev) {
                        heads_changed.push(tname.clone());
                    }
                }
            }
            _ => {}
        }
    }
    update_tracking(is, heads_changed);
}

/// `UpdateTrackingTags`: spec tags tracking a changed tag of the same stream follow its head.
pub fn update_tracking(is: &mut Value, mut changed: Vec<String>) {
    let name = meta::name(is).to_string();
    let ns = meta::namespace(is).to_string();
    let mut guard = 0;
    while let Some(src) = changed.pop() {
        guard += 1;
        if guard > 256 {
            break;
        }
        let Some(src_head) = head(is, &src).cloned() else {
            continue;
        };
        for t in spec_tags(is) {
            let (kind, from, from_ns) = from_of(&t);
            if kind != kinds::IMAGE_STREAM_TAG || !(from_ns.is_empty() || from_ns == ns) {
                continue;
            }
            let (stream, tag) = split_istag(&from, &name);
            if stream != name || tag != src {
                continue;
            }
            let tname = t
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if tname == src {
                continue;
            }
            let mut ev = src_head.clone();
            ev["generation"] = t.get("generation").cloned().unwrap_or(Value::Null);
            if add_tag_event(is, &tname, ev) {
                changed.push(tname);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_grows_only_when_both_ref_and_image_differ() {
        let mut is = json!({"metadata": {"name": "k"}});
        let ev = |r: &str, i: &str, g: i64| json!({"created": "t", "dockerImageReference": r, "image": i, "generation": g});
        assert!(add_tag_event(&mut is, "20", ev("q@D2", "D2", 3)));
        assert!(!add_tag_event(&mut is, "20", ev("q@D2", "D2", 4)));
        assert_eq!(head(&is, "20").unwrap()["generation"], 4);
        assert!(add_tag_event(&mut is, "20", ev("q@D3", "D3", 6)));
        assert!(add_tag_event(&mut is, "20", ev("q@D2", "D2", 7)));
        let items = status_tag(&is, "20").unwrap()["items"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(items, 3);
    }
}
