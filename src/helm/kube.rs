//! Helm's Kubernetes client (`pkg/kube`) against the simulated cluster: building objects from a
//! manifest (the release namespace set on namespaced objects), Helm's ownership metadata,
//! ownership checks, create, three-way-merge update, delete. Every write goes through the
//! world's request path with strict field validation, as kubectl's writes do.

use serde_json::{Value, json};

use crate::world::World;
use crate::world::api::kinds::{self, KindInfo};
use crate::world::api::meta;
use crate::world::api::schema::{Body, FieldValidation};

/// One object of a release, with its kind.
#[derive(Debug, Clone)]
pub struct Resource {
    pub kind: &'static KindInfo,
    pub obj: Value,
}

impl Resource {
    pub fn name(&self) -> &str {
        meta::name(&self.obj)
    }

    pub fn namespace(&self) -> &str {
        meta::namespace(&self.obj)
    }

    /// `Kind "name" in namespace "ns"` (validate.go `resourceString`).
    pub fn describe(&self) -> String {
        format!(
            "{} \"{}\" in namespace \"{}\"",
            self.kind.kind,
            self.name(),
            self.namespace()
        )
    }

    fn same(&self, o: &Resource) -> bool {
        self.kind.kind == o.kind.kind
            && self.kind.group == o.kind.group
            && self.name() == o.name()
            && self.namespace() == o.namespace()
    }
}

/// `KubeClient.Build`: the manifest's documents as objects.
pub fn build(manifest: &str, ns: &str) -> Result<Vec<Resource>, String> {
    let mut out = Vec::new();
    for doc in super::manifests::split(manifest) {
        let Some(obj) = crate::kubectl::manifest_yaml::yaml_document_to_json(&doc)
            .map_err(|e| format!("error parsing : error converting YAML to JSON: {e}"))?
        else {
            continue;
        };
        if !obj.is_object() {
            continue;
        }
        let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
        let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let name = meta::name(&obj).to_string();
        let Some(k) = kinds::by_kind_and_api_version(kind, api_version) else {
            return Err(format!(
                "resource mapping not found for name: \"{name}\" namespace: \"{}\" from \"\": no matches for kind \"{kind}\" in version \"{api_version}\"\nensure CRDs are installed first",
                meta::namespace(&obj)
            ));
        };
        let mut obj = obj;
        if k.namespaced && meta::namespace(&obj).is_empty() {
            meta::set_path(&mut obj, &["metadata", "namespace"], json!(ns));
        }
        out.push(Resource { kind: k, obj });
    }
    Ok(out)
}

/// `setMetadataVisitor` (force): Helm's label and annotations.
pub fn set_metadata(resources: &mut [Resource], release: &str, ns: &str) {
    for r in resources {
        meta::set_path(
            &mut r.obj,
            &["metadata", "labels", "app.kubernetes.io/managed-by"],
            json!("Helm"),
        );
        meta::set_path(
            &mut r.obj,
            &["metadata", "annotations", "meta.helm.sh/release-name"],
            json!(release),
        );
        meta::set_path(
            &mut r.obj,
            &["metadata", "annotations", "meta.helm.sh/release-namespace"],
            json!(ns),
        );
    }
}

fn require(m: Option<&Value>, k: &str, v: &str) -> Option<String> {
    match m.and_then(|m| m.get(k)).and_then(Value::as_str) {
        None => Some(format!("missing key \"{k}\": must be set to \"{v}\"")),
        Some(a) if a != v => Some(format!(
            "key \"{k}\" must equal \"{v}\": current value is \"{a}\""
        )),
        _ => None,
    }
}

/// `checkOwnership`.
pub fn check_ownership(obj: &Value, release: &str, ns: &str) -> Result<(), String> {
    let labels = obj.pointer("/metadata/labels");
    let ann = obj.pointer("/metadata/annotations");
    let mut errs = Vec::new();
    if let Some(e) = require(labels, "app.kubernetes.io/managed-by", "Helm") {
        errs.push(format!("label validation error: {e}"));
    }
    if let Some(e) = require(ann, "meta.helm.sh/release-name", release) {
        errs.push(format!("annotation validation error: {e}"));
    }
    if let Some(e) = require(ann, "meta.helm.sh/release-namespace", ns) {
        errs.push(format!("annotation validation error: {e}"));
    }
    if errs.is_empty() {
        return Ok(());
    }
    Err(format!("invalid ownership metadata; {}", errs.join("; ")))
}

fn get(world: &mut World, r: &Resource) -> Option<Value> {
    world.get(r.kind, r.namespace(), r.name()).ok()
}

/// `existingResourceConflict`: the objects that exist already (owned by this release), or the
/// first one that belongs to something else.
pub fn existing_conflict(
    world: &mut World,
    resources: &[Resource],
    release: &str,
    ns: &str,
) -> Result<Vec<Resource>, String> {
    let mut adopt = Vec::new();
    for r in resources {
        if let Some(existing) = get(world, r) {
            check_ownership(&existing, release, ns).map_err(|e| {
                format!(
                    "{} exists and cannot be imported into the current release: {e}",
                    r.describe()
                )
            })?;
            adopt.push(r.clone());
        }
    }
    Ok(adopt)
}

fn create_one(world: &mut World, r: &Resource) -> Result<(), String> {
    world
        .create_validated(r.obj.clone(), false, FieldValidation::Strict)
        .map(|_| ())
        .map_err(|e| format!("failed to create resource: {}", e.message))
}

/// `KubeClient.Create` (`perform(resources, createResource)`): every object is created, the
/// apiserver's errors gathered as hashicorp/multierror prints them.
pub fn create(world: &mut World, resources: &[Resource]) -> Result<(), String> {
    let errs: Vec<String> = resources
        .iter()
        .filter_map(|r| {
            world
                .create_validated(r.obj.clone(), false, FieldValidation::Strict)
                .err()
                .map(|e| e.message)
        })
        .collect();
    if errs.is_empty() {
        Ok(())
    } else {
        Err(super::lifecycle::multierror(&errs))
    }
}

/// `KubeClient.Update(original, target)`: creates what is new, patches what exists with a
/// three-way strategic merge (original manifest, target, live object), deletes what the target
/// no longer has.
pub fn update(world: &mut World, original: &[Resource], target: &[Resource]) -> Result<(), String> {
    for t in target {
        let Some(live) = get(world, t) else {
            create_one(world, t)?;
            continue;
        };
        let orig = original.iter().find(|o| o.same(t)).map(|o| &o.obj);
        let (patch, merged) =
            crate::kubectl::apply_merge::apply_patch(t.kind.kind, orig, &t.obj, &live)
                .map_err(|e| format!("failed to create patch: {e}"))?;
        if merged == live {
            continue;
        }
        world
            .update_validated(
                merged,
                false,
                FieldValidation::Strict,
                Body::StrategicPatch(&patch),
            )
            .map_err(|e| {
                format!(
                    "cannot patch \"{}\" with kind {}: {}",
                    t.name(),
                    t.kind.kind,
                    e.message
                )
            })?;
    }
    for o in original {
        if !target.iter().any(|t| t.same(o)) {
            let _ = world.delete(o.kind, o.namespace(), o.name(), &Default::default());
        }
    }
    Ok(())
}

/// `KubeClient.Delete` in uninstall order; objects already gone are skipped.
pub fn delete(world: &mut World, resources: &[Resource]) {
    let mut objs: Vec<Value> = resources.iter().map(|r| r.obj.clone()).collect();
    super::manifests::uninstall_sorted(&mut objs);
    for o in objs {
        let kind = o.get("kind").and_then(Value::as_str).unwrap_or("");
        let av = o.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        if let Some(k) = kinds::by_kind_and_api_version(kind, av) {
            let _ = world.delete(k, meta::namespace(&o), meta::name(&o), &Default::default());
        }
    }
}
