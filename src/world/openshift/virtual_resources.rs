//! Virtual resources computed from image streams and namespaces (openshift-apiserver
//! `registry/imagestreamtag/rest.go`, `imagestreamimage`, project): ImageStreamTag,
//! ImageStreamImage and Project objects are views, never stored.

use serde_json::{Value, json};

use super::imagestream::{head, resolve_pull_spec, spec_tag, status_tag};
use crate::world::World;
use crate::world::api::error::ApiError;
use crate::world::api::kinds;
use crate::world::api::meta;

fn image_object(world: &World, digest: &str, pull_spec: &str) -> Value {
    let mut img = world
        .object(kinds::IMAGE, "", digest)
        .cloned()
        .unwrap_or_else(|| json!({"metadata": {"name": digest}}));
    img["dockerImageReference"] = json!(pull_spec);
    if let Some(m) = img.as_object_mut() {
        m.remove("apiVersion");
        m.remove("kind");
    }
    img
}

/// The ImageStreamTag `stream:tag` of a stream, if its head has an image.
fn istag_of(world: &World, is: &Value, tag: &str) -> Option<Value> {
    let h = head(is, tag)?;
    let digest = h
        .get("image")
        .and_then(Value::as_str)
        .filter(|d| !d.is_empty())?;
    let pull = resolve_pull_spec(is, tag).unwrap_or_default();
    let mut md = json!({
        "name": format!("{}:{tag}", meta::name(is)),
        "namespace": meta::namespace(is),
        "uid": meta::uid(is),
        "resourceVersion": meta::str_at(is, &["metadata", "resourceVersion"]).unwrap_or(""),
        "creationTimestamp": h.get("created").cloned().unwrap_or(Value::Null),
    });
    if let Some(a) = spec_tag(is, tag)
        .and_then(|t| t.get("annotations"))
        .filter(|a| a.is_object())
    {
        md["annotations"] = a.clone();
    }
    if let Some(l) = meta::path(is, &["metadata", "labels"]) {
        md["labels"] = l.clone();
    }
    let mut obj = json!({
        "apiVersion": "image.openshift.io/v1",
        "kind": kinds::IMAGE_STREAM_TAG,
        "metadata": md,
        "tag": spec_tag(is, tag).cloned().unwrap_or(Value::Null),
        "generation": h.get("generation").cloned().unwrap_or(json!(0)),
        "lookupPolicy": meta::path(is, &["spec", "lookupPolicy"]).cloned().unwrap_or(json!({"local": false})),
        "image": image_object(world, digest, &pull),
    });
    if let Some(c) = status_tag(is, tag).and_then(|t| t.get("conditions")) {
        obj["conditions"] = c.clone();
    }
    Some(obj)
}

/// GET of an ImageStreamTag `stream:tag`.
pub fn get_istag(world: &World, ns: &str, name: &str) -> Result<Value, ApiError> {
    let k = kinds::by_kind(kinds::IMAGE_STREAM_TAG)
        .ok_or_else(|| ApiError::internal("no ImageStreamTag kind"))?;
    let Some((stream, tag)) = name.split_once(':') else {
        return Err(ApiError::bad_request(
            "ImageStreamTags must be retrieved with <name>:<tag>",
        ));
    };
    let is = world
        .object(kinds::IMAGE_STREAM, ns, stream)
        .ok_or_else(|| ApiError::not_found(k, name))?;
    istag_of(world, is, tag).ok_or_else(|| ApiError::not_found(k, name))
}

/// LIST of ImageStreamTags (tags whose head has an image), by stream then tag.
pub fn list_istags(world: &World, ns: Option<&str>) -> Vec<Value> {
    let Some(k) = kinds::by_kind(kinds::IMAGE_STREAM) else {
        return vec![];
    };
    let mut out = Vec::new();
    for is in world.store.list(k, ns) {
        let mut tags: Vec<String> = meta::path(is, &["status", "tags"])
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|t| t.get("tag").and_then(Value::as_str).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        tags.sort();
        for t in tags {
            if let Some(v) = istag_of(world, is, &t) {
                out.push(v);
            }
        }
    }
    out
}

/// GET of an ImageStreamImage `stream@sha256:…` (prefix matching allowed).
pub fn get_isimage(world: &World, ns: &str, name: &str) -> Result<Value, ApiError> {
    let k = kinds::by_kind(kinds::IMAGE_STREAM_IMAGE)
        .ok_or_else(|| ApiError::internal("no ImageStreamImage kind"))?;
    let Some((stream, id)) = name.split_once('@') else {
        return Err(ApiError::bad_request(
            "ImageStreamImages must be retrieved with <name>@<id>",
        ));
    };
    let is = world
        .object(kinds::IMAGE_STREAM, ns, stream)
        .ok_or_else(|| ApiError::not_found(k, name))?;
    let found = meta::path(is, &["status", "tags"])
        .and_then(Value::as_array)
        .and_then(|tags| {
            tags.iter()
                .flat_map(|t| {
                    t.get("items")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                })
                .find(|e| {
                    e.get("image")
                        .and_then(Value::as_str)
                        .is_some_and(|d| !id.is_empty() && d.starts_with(id))
                })
        });
    let e = found.ok_or_else(|| ApiError::not_found(k, name))?;
    let digest = e.get("image").and_then(Value::as_str).unwrap_or("");
    Ok(json!({
        "apiVersion": "image.openshift.io/v1",
        "kind": kinds::IMAGE_STREAM_IMAGE,
        "metadata": {"name": format!("{stream}@{digest}"), "namespace": ns, "uid": meta::uid(is),
            "creationTimestamp": e.get("created").cloned().unwrap_or(Value::Null)},
        "image": image_object(world, digest, e.get("dockerImageReference").and_then(Value::as_str).unwrap_or("")),
    }))
}

/// A Project as a view of its Namespace.
pub fn project_of(ns: &Value) -> Value {
    let mut p = ns.clone();
    p["apiVersion"] = json!("project.openshift.io/v1");
    p["kind"] = json!("Project");
    p
}

/// GET of a Project.
pub fn get_project(world: &World, name: &str) -> Result<Value, ApiError> {
    let k = kinds::by_kind(kinds::PROJECT).ok_or_else(|| ApiError::internal("no Project kind"))?;
    world
        .object(kinds::NAMESPACE, "", name)
        .map(project_of)
        .ok_or_else(|| ApiError::not_found(k, name))
}

/// LIST of Projects (every namespace: the lab user is a cluster administrator).
pub fn list_projects(world: &World) -> Vec<Value> {
    kinds::by_kind(kinds::NAMESPACE)
        .map(|k| world.store.list(k, None).map(project_of).collect())
        .unwrap_or_default()
}
