//! The ImagePolicy admission plugin's local name resolution (`lookupPolicy.local`): a container
//! image that is a bare image stream tag (`keycloak:20.0`) is rewritten to the tag's pull spec
//! when the stream in the object's namespace has lookup enabled.

use crate::world::api::kinds;
use serde_json::Value;

use super::imagestream::{INTERNAL_REGISTRY, resolve_pull_spec, status_tag};
use crate::world::World;
use crate::world::api::meta;

/// Whether a reference is a local name: no registry, no namespace, no digest.
fn local_name(image: &str) -> Option<(String, String)> {
    if image.contains('/') || image.contains('@') || image.is_empty() {
        return None;
    }
    match image.split_once(':') {
        Some((n, t)) => Some((n.to_string(), t.to_string())),
        None => Some((image.to_string(), "latest".to_string())),
    }
}

/// Resolves one image string; None leaves it unchanged.
pub fn resolve(world: &World, ns: &str, image: &str, force: bool) -> Option<String> {
    if ns == "default" || ns.starts_with("openshift") || ns.starts_with("kube-") {
        return None;
    }
    let (name, tag) = local_name(image)?;
    let is = world.object(kinds::IMAGE_STREAM, ns, &name)?;
    let enabled = force || meta::bool_at(is, &["spec", "lookupPolicy", "local"]) == Some(true);
    if !enabled {
        return None;
    }
    match status_tag(is, &tag).is_some() {
        true => resolve_pull_spec(is, &tag),
        false => Some(format!("{INTERNAL_REGISTRY}/{ns}/{name}:{tag}")),
    }
}

/// Rewrites the container images of a pod spec inside `obj` at `spec_path`. `old` limits the
/// rewrite to images that changed (updates).
pub fn admit(world: &World, obj: &mut Value, spec_path: &[&str], old: Option<&Value>) {
    let ns = meta::namespace(obj).to_string();
    let force = meta::annotation(obj, "alpha.image.policy.openshift.io/resolve-names") == Some("*")
        || {
            let mut p: Vec<&str> = spec_path.to_vec();
            p.pop();
            p.extend([
                "metadata",
                "annotations",
                "alpha.image.policy.openshift.io/resolve-names",
            ]);
            meta::str_at(obj, &p) == Some("*")
        };
    for list in ["initContainers", "containers"] {
        let mut keys: Vec<&str> = spec_path.to_vec();
        keys.push(list);
        let old_images: Vec<String> = old
            .and_then(|o| meta::path(o, &keys))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|c| c.get("image").and_then(Value::as_str).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let resolved: Vec<Option<String>> = meta::path(obj, &keys)
            .and_then(Value::as_array)
            .map(|cs| {
                cs.iter()
                    .map(|c| {
                        let image = c.get("image").and_then(Value::as_str).unwrap_or("");
                        if old.is_some() && old_images.iter().any(|o| o == image) {
                            return None;
                        }
                        resolve(world, &ns, image, force)
                    })
                    .collect()
            })
            .unwrap_or_default();
        if resolved.iter().all(Option::is_none) {
            continue;
        }
        if let Some(cs) = meta::path_mut(obj, &keys).as_array_mut() {
            for (c, r) in cs.iter_mut().zip(resolved) {
                if let Some(r) = r {
                    c["image"] = Value::String(r);
                }
            }
        }
    }
}
