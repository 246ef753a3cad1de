//! Importing `DockerImage` tags (openshift-controller-manager `imagestream_controller.go`,
//! openshift-apiserver `imagestreamimport/rest.go`): spec tags whose generation is ahead of what
//! status has observed are imported from the registries; scheduled tags are re-imported every
//! 15 minutes; Image objects are created for imported digests.

use serde_json::{Value, json};

use super::imagestream::{
    INTERNAL_REGISTRY, add_tag_event, spec_tags, status_tag, update_tracking,
};
use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::meta;
use crate::world::clock::{Timer, rfc3339};
use crate::world::registry::{Image, ImageRef, Manifest};

/// Minimum interval of scheduled imports (`ScheduledImageImportMinimumIntervalSeconds`).
pub const SCHEDULED_INTERVAL_MS: i64 = 900_000;

fn observed(is: &Value, tag: &str) -> i64 {
    let st = status_tag(is, tag);
    let head = st
        .and_then(|t| meta::path(t, &["items", "0", "generation"]))
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let cond = st
        .and_then(|t| t.get("conditions"))
        .and_then(Value::as_array)
        .and_then(|c| {
            c.iter()
                .filter_map(|x| x.get("generation").and_then(Value::as_i64))
                .max()
        })
        .unwrap_or(0);
    head.max(cond)
}

/// Tags of a stream that need an import now.
pub fn pending(is: &Value) -> Vec<Value> {
    spec_tags(is)
        .into_iter()
        .filter(|t| {
            meta::str_at(t, &["from", "kind"]) == Some("DockerImage")
                && t.get("reference").and_then(Value::as_bool) != Some(true)
        })
        .filter(|t| {
            let g = t.get("generation").and_then(Value::as_i64).unwrap_or(0);
            g > observed(is, t.get("name").and_then(Value::as_str).unwrap_or(""))
        })
        .collect()
}

/// The pull spec recorded for an import: the source as written, tag removed, `@digest` added.
fn recorded_ref(source: &str, digest: &str) -> String {
    let without_digest = source.split('@').next().unwrap_or(source);
    let last_slash = without_digest.rfind('/').map_or(0, |i| i + 1);
    let repo = match without_digest[last_slash..].rfind(':') {
        Some(i) => &without_digest[..last_slash + i],
        None => without_digest,
    };
    format!("{repo}@{digest}")
}

/// Imports the given tags of a stream now; returns per tag `Ok(())` or the failure message.
pub fn import_tags(
    world: &mut World,
    ns: &str,
    name: &str,
    tags: &[String],
    force: bool,
) -> Vec<(String, Result<(), String>)> {
    let Some(k) = kinds::by_kind(kinds::IMAGE_STREAM) else {
        return vec![];
    };
    let Some(mut is) = world.store.get(k, ns, name).cloned() else {
        return vec![];
    };
    let now = rfc3339(world.now());
    let new_gen = meta::int_at(&is, &["metadata", "generation"]).unwrap_or(1) + 1;
    let mut results = Vec::new();
    let mut changed_heads = Vec::new();
    let mut any = false;
    for tname in tags {
        let Some(t) = spec_tags(&is)
            .into_iter()
            .find(|t| t.get("name").and_then(Value::as_str) == Some(tname.as_str()))
        else {
            continue;
        };
        let from = meta::str_at(&t, &["from", "name"])
            .unwrap_or("")
            .to_string();
        if !force && !pending(&is).iter().any(|p| p.get("name") == t.get("name")) {
            continue;
        }
        any = true;
        let preserve =
            meta::str_at(&t, &["importPolicy", "importMode"]) == Some("PreserveOriginal");
        match resolve_for_import(world, &from, preserve) {
            Ok((digest, image)) => {
                let ev = json!({"created": now, "dockerImageReference": recorded_ref(&from, &digest), "image": digest, "generation": new_gen});
                if add_tag_event(&mut is, tname, ev) {
                    changed_heads.push(tname.clone());
                }
                ensure_image_object(
                    world,
                    &digest,
                    &recorded_ref(&from, &digest),
                    image.as_ref(),
                );
                let internal = format!("{INTERNAL_REGISTRY}/{ns}/{name}");
                world.registry.link(&internal, &digest, Some(tname));
                results.push((tname.clone(), Ok(())));
            }
            Err(msg) => {
                let cond = json!({"type": "ImportSuccess", "status": "False", "lastTransitionTime": now, "reason": "NotFound", "message": msg, "generation": new_gen});
                let list = meta::path_mut(&mut is, &["status", "tags"]);
                if !list.is_array() {
                    *list = json!([]);
                }
                if let Some(a) = list.as_array_mut() {
                    match a
                        .iter_mut()
                        .find(|x| x.get("tag").and_then(Value::as_str) == Some(tname.as_str()))
                    {
                        Some(entry) => entry["conditions"] = json!([cond]),
                        None => {
                            a.push(json!({"tag": tname, "items": null, "conditions": [cond]}));
                            a.sort_by(|x, y| {
                                x.get("tag")
                                    .and_then(Value::as_str)
                                    .cmp(&y.get("tag").and_then(Value::as_str))
                            });
                        }
                    }
                }
                results.push((tname.clone(), Err(msg)));
            }
        }
        // The spec tag ends at the new generation.
        if let Some(a) = meta::path_mut(&mut is, &["spec", "tags"]).as_array_mut() {
            for st in a.iter_mut() {
                if st.get("name").and_then(Value::as_str) == Some(tname.as_str()) {
                    st["generation"] = json!(new_gen);
                }
            }
        }
    }
    if !any {
        return results;
    }
    update_tracking(&mut is, changed_heads);
    meta::set_path(&mut is, &["metadata", "generation"], json!(new_gen));
    meta::set_annotation(&mut is, "openshift.io/image.dockerRepositoryCheck", &now);
    world.store.put(k, is);
    results
}

/// Resolves an import source to (digest recorded, platform image).
fn resolve_for_import(
    world: &World,
    from: &str,
    preserve: bool,
) -> Result<(String, Option<Image>), String> {
    let not_found = || format!("dockerimage.image.openshift.io \"{from}\" not found");
    let r = ImageRef::parse(from).map_err(|_| not_found())?;
    let res = world.registry.resolve(&r.full()).map_err(|_| not_found())?;
    let list = matches!(
        world.registry.manifest(&res.repo_digest),
        Some(Manifest::List(_))
    );
    if list && preserve {
        return Ok((res.repo_digest, Some(res.image)));
    }
    Ok((res.image.digest.clone(), Some(res.image)))
}

/// Creates the cluster-scoped Image object for an imported digest.
fn ensure_image_object(world: &mut World, digest: &str, pull_spec: &str, image: Option<&Image>) {
    if world.object(kinds::IMAGE, "", digest).is_some() {
        return;
    }
    let Some(img) = image else { return };
    let c = &img.spec.config;
    let layers: Vec<Value> = img
        .layers
        .iter()
        .map(|(d, s)| json!({"name": d, "size": s, "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip"}))
        .collect();
    let obj = json!({
        "apiVersion": "image.openshift.io/v1",
        "kind": kinds::IMAGE,
        "metadata": {"name": digest, "annotations": {"image.openshift.io/dockerLayersOrder": "ascending"}},
        "dockerImageReference": pull_spec,
        "dockerImageMetadata": {
            "kind": "DockerImage", "apiVersion": "image.openshift.io/1.0",
            "Created": rfc3339(img.spec.created), "Architecture": img.spec.architecture, "Size": img.spec.size,
            "Config": {"Entrypoint": c.entrypoint, "Cmd": c.cmd, "Env": c.env, "WorkingDir": c.working_dir, "User": c.user, "Labels": c.labels},
        },
        "dockerImageMetadataVersion": "1.0",
        "dockerImageLayers": layers,
        "dockerImageManifestMediaType": "application/vnd.docker.distribution.manifest.v2+json",
    });
    let _ = world.create_internal(obj);
}

/// The import controller: imports every pending tag, and keeps scheduled imports ticking.
pub fn run(world: &mut World) {
    let Some(k) = kinds::by_kind(kinds::IMAGE_STREAM) else {
        return;
    };
    let streams: Vec<(String, String, Vec<String>)> = world
        .store
        .list(k, None)
        .map(|is| {
            (
                meta::namespace(is).to_string(),
                meta::name(is).to_string(),
                pending(is)
                    .iter()
                    .filter_map(|t| t.get("name").and_then(Value::as_str).map(str::to_string))
                    .collect::<Vec<String>>(),
            )
        })
        .filter(|(_, _, p)| !p.is_empty())
        .collect();
    for (ns, name, tags) in streams {
        import_tags(world, &ns, &name, &tags, false);
        schedule_if_needed(world, &ns, &name);
    }
}

/// Makes sure a stream with scheduled tags has its next periodic import queued.
pub fn schedule_if_needed(world: &mut World, ns: &str, name: &str) {
    let Some(is) = world.object(kinds::IMAGE_STREAM, ns, name) else {
        return;
    };
    let scheduled = spec_tags(is).iter().any(|t| {
        meta::path(t, &["importPolicy", "scheduled"]).and_then(Value::as_bool) == Some(true)
    });
    let key = format!("import/{ns}/{name}");
    if scheduled && world.scheduled_imports.insert(key.clone()) {
        world.clock.after(SCHEDULED_INTERVAL_MS, Timer::Named(key));
    }
}

/// A scheduled import timer fired.
pub fn on_scheduled(world: &mut World, ns: &str, name: &str) {
    world
        .scheduled_imports
        .remove(&format!("import/{ns}/{name}"));
    let Some(is) = world.object(kinds::IMAGE_STREAM, ns, name).cloned() else {
        return;
    };
    let tags: Vec<String> = spec_tags(&is)
        .iter()
        .filter(|t| {
            meta::path(t, &["importPolicy", "scheduled"]).and_then(Value::as_bool) == Some(true)
        })
        .filter_map(|t| t.get("name").and_then(Value::as_str).map(str::to_string))
        .collect();
    if tags.is_empty() {
        return;
    }
    // Re-import; history grows only if the upstream digest changed.
    let before = is.get("status").cloned();
    let results = import_tags(world, ns, name, &tags, true);
    let _ = (before, results);
    schedule_if_needed(world, ns, name);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_reference_drops_the_tag() {
        assert_eq!(
            recorded_ref("quay.io/keycloak/keycloak:20.0.2", "sha256:x"),
            "quay.io/keycloak/keycloak@sha256:x"
        );
        assert_eq!(
            recorded_ref("localhost:5000/a:1", "sha256:x"),
            "localhost:5000/a@sha256:x"
        );
        assert_eq!(recorded_ref("nginx", "sha256:x"), "nginx@sha256:x");
    }
}
