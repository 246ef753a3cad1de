//! Release storage in Secrets (`pkg/storage/driver/secrets.go`, `util.go`): one Secret
//! `sh.helm.release.v1.NAME.vN` of type `helm.sh/release.v1` per revision, in the release's
//! namespace, with the labels `name`, `owner=helm`, `status`, `version` and `createdAt` (on
//! create) or `modifiedAt` (on update), and `data.release` = base64(gzip(JSON)) (which the
//! Secret's own base64 wraps again). Written through the world's request path.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Map, Value, json};

use super::release::Release;
use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::schema::FieldValidation;
use crate::world::api::selector::Selector;

/// The Secret's name of a revision.
pub fn key(name: &str, version: u32) -> String {
    format!("sh.helm.release.v1.{name}.v{version}")
}

fn encode(r: &Release) -> String {
    B64.encode(super::archive::gzip_best(r.to_json().as_bytes()))
}

/// Decodes `data.release` as the Secret holds it (base64 of helm's base64).
pub fn decode_secret(secret: &Value) -> Result<Release, String> {
    let outer = secret
        .pointer("/data/release")
        .and_then(Value::as_str)
        .ok_or("release: not found")?;
    let inner = B64.decode(outer).map_err(|e| e.to_string())?;
    let mut b = B64.decode(&inner).map_err(|e| e.to_string())?;
    if b.len() > 3 && b[..3] == [0x1f, 0x8b, 0x08] {
        b = super::archive::gunzip(&b)?;
    }
    let mut r = Release::from_json(&b)?;
    if let Some(Value::Object(l)) = secret.pointer("/metadata/labels") {
        for (k, v) in l {
            r.labels
                .insert(k.clone(), v.as_str().unwrap_or("").to_string());
        }
    }
    Ok(r)
}

fn secret_object(r: &Release, time_label: (&str, i64)) -> Value {
    let mut labels: BTreeMap<String, String> = r
        .labels
        .iter()
        .filter(|(k, _)| {
            ![
                "name",
                "owner",
                "status",
                "version",
                "createdAt",
                "modifiedAt",
            ]
            .contains(&k.as_str())
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    labels.insert(time_label.0.into(), time_label.1.to_string());
    labels.insert("name".into(), r.name.clone());
    labels.insert("owner".into(), "helm".into());
    labels.insert("status".into(), r.info.status.clone());
    labels.insert("version".into(), r.version.to_string());
    let labels: Map<String, Value> = labels
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    json!({
        "apiVersion": "v1",
        "kind": kinds::SECRET,
        "metadata": {"name": key(&r.name, r.version), "namespace": r.namespace, "labels": labels},
        "type": "helm.sh/release.v1",
        "data": {"release": B64.encode(encode(r))},
    })
}

fn secret_kind() -> &'static crate::world::api::kinds::KindInfo {
    kinds::by_kind(kinds::SECRET).expect("Secret is a built-in kind")
}

/// Why storage failed: helm's text.
fn api_text(e: crate::world::api::error::ApiError) -> String {
    e.message
}

/// `Create`: a new revision's Secret (label `createdAt`).
pub fn create(world: &mut World, r: &Release) -> Result<(), String> {
    let now = world.now().div_euclid(1000);
    let obj = secret_object(r, ("createdAt", now));
    match world.create_validated(obj, false, FieldValidation::Strict) {
        Ok(_) => Ok(()),
        Err(e) if e.reason == crate::world::api::error::Reason::AlreadyExists => {
            Err(format!("create: failed to create: {}", api_text(e)))
        }
        Err(e) => Err(format!("create: failed to create: {}", api_text(e))),
    }
}

/// `Update`: rewrites a revision's Secret (label `modifiedAt`).
pub fn update(world: &mut World, r: &Release) -> Result<(), String> {
    let now = world.now().div_euclid(1000);
    let obj = secret_object(r, ("modifiedAt", now));
    world
        .update_validated(
            obj,
            false,
            FieldValidation::Strict,
            crate::world::api::schema::Body::Object,
        )
        .map(|_| ())
        .map_err(|e| format!("update: failed to update: {}", api_text(e)))
}

/// `Delete` of one revision.
pub fn delete(world: &mut World, ns: &str, name: &str, version: u32) -> Result<(), String> {
    world
        .delete(secret_kind(), ns, &key(name, version), &Default::default())
        .map(|_| ())
        .map_err(|e| format!("delete: failed to delete release: {}", api_text(e)))
}

/// Every revision of every release in `ns` (all namespaces when None), as stored.
pub fn list(world: &mut World, ns: Option<&str>) -> Vec<Release> {
    let sel = Selector::parse("owner=helm").unwrap_or_default();
    world
        .list(secret_kind(), ns, Some(&sel))
        .iter()
        .filter(|s| s.get("type").and_then(Value::as_str) == Some("helm.sh/release.v1"))
        .filter_map(|s| decode_secret(s).ok())
        .collect()
}

/// The revisions of one release, oldest first (`Query({name, owner})`); empty when none.
pub fn history(world: &mut World, ns: &str, name: &str) -> Vec<Release> {
    let sel = Selector::parse(&format!("owner=helm,name={name}")).unwrap_or_default();
    let mut out: Vec<Release> = world
        .list(secret_kind(), Some(ns), Some(&sel))
        .iter()
        .filter_map(|s| decode_secret(s).ok())
        .collect();
    out.sort_by_key(|r| r.version);
    out
}

/// One revision.
pub fn get(world: &mut World, ns: &str, name: &str, version: u32) -> Option<Release> {
    world
        .get(secret_kind(), ns, &key(name, version))
        .ok()
        .and_then(|s| decode_secret(&s).ok())
}
