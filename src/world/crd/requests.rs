//! The request path's hooks for CRDs and custom resources (`world/requests.rs` calls them):
//! decoding a custom resource's body (pruning, strict unknown fields), defaulting and
//! validating it, the status subresource, generation, the CRD's own defaults, validation and
//! status, and the cleanup of a deleted CRD's objects.

use serde_json::Value;

use super::{definition, schema};
use crate::world::World;
use crate::world::api::error::{ApiError, FieldCause};
use crate::world::api::kinds::KindInfo;
use crate::world::api::meta;
use crate::world::api::schema::{FieldValidation, decode};
use crate::world::clock::rfc3339;

/// The kind name of CRDs.
pub const CRD: &str = "CustomResourceDefinition";

const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/// `objectmeta.GetObjectMetaWithOptions` with `DropMalformedFields`, as the custom resource
/// codec decodes: metadata fields of the wrong type are dropped one by one, silently.
fn drop_malformed_metadata(m: &mut Value) {
    let Some(map) = m.as_object_mut() else {
        *m = Value::Object(Default::default());
        return;
    };
    let keys: Vec<String> = map.keys().cloned().collect();
    for k in keys {
        let mut one = serde_json::json!({ k.clone(): map[&k].clone() });
        if decode::decode(OBJECT_META, &mut one).error.is_some() {
            map.remove(&k);
        }
    }
}

impl World {
    /// Whether user writes leave the object's `status` alone (the status subresource).
    pub fn status_is_subresource(&self, kind: &KindInfo) -> bool {
        match self.custom_resource(kind) {
            Some(s) => s.preferred().status,
            None => crate::world::requests::has_status_subresource(kind.kind),
        }
    }

    /// Decodes a custom resource's body as the apiserver does before anything else: unknown
    /// fields (the schema's and `metadata`'s) are dropped, and under `Strict` fail the request.
    /// `None` when `kind` is not a custom resource; `Some(Ok(warnings))` otherwise.
    pub(crate) fn decode_custom(
        &self,
        kind: &KindInfo,
        obj: &mut Value,
        validation: FieldValidation,
    ) -> Option<Result<Vec<String>, ApiError>> {
        let served = self.custom_resource(kind)?;
        let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let version = api_version
            .split_once('/')
            .and_then(|(_, v)| served.version(v))
            .unwrap_or(served.preferred());
        let mut unknown: Vec<String> = Vec::new();
        if let Some(m) = obj.get_mut("metadata") {
            let d = decode::decode(OBJECT_META, m);
            unknown.extend(d.unknown.iter().map(|p| format!("metadata.{p}")));
            if d.error.is_some() {
                drop_malformed_metadata(m);
            }
        }
        let mut pruned = schema::prune(obj, &version.schema);
        unknown.append(&mut pruned);
        let unknown: Vec<String> = unknown
            .into_iter()
            .map(|p| format!("unknown field \"{p}\""))
            .collect();
        Some(match validation {
            FieldValidation::Strict if !unknown.is_empty() => Err(ApiError::bad_request(format!(
                "{k} in version \"{v}\" cannot be handled as a {k}: strict decoding error: {}",
                unknown.join(", "),
                k = kind.kind,
                v = version.name
            ))),
            FieldValidation::Warn => Ok(unknown),
            _ => Ok(Vec::new()),
        })
    }

    /// Whether `kind` is handled by the custom-resource or CRD hooks rather than by the
    /// built-in kinds' defaulting and validation.
    pub(crate) fn is_custom(&self, kind: &KindInfo) -> bool {
        self.custom_resource(kind).is_some()
    }

    /// Defaults and validates a CRD or a custom resource (nothing for other kinds): the
    /// causes of a 422.
    pub(crate) fn custom_defaults_and_validation(
        &self,
        kind: &KindInfo,
        obj: &mut Value,
        update: bool,
    ) -> Vec<FieldCause> {
        if let Some(served) = self.custom_resource(kind) {
            let version = served.preferred();
            schema::prune(obj, &version.schema);
            schema::apply_defaults(obj, &version.schema);
            return schema::validate(obj, &version.schema);
        }
        if kind.kind == CRD && kind.group == "apiextensions.k8s.io" {
            definition::apply_defaults(obj);
            return definition::validate(obj, update);
        }
        Vec::new()
    }

    /// A CRD's status on create: names accepted and Established, or the naming conflict that
    /// keeps it from being served.
    pub(crate) fn crd_status_on_create(&self, kind: &KindInfo, obj: &mut Value) {
        if kind.kind != CRD || self.is_custom(kind) {
            return;
        }
        let conflict = self.crd_conflict(obj);
        let now = rfc3339(self.clock.now());
        definition::set_status(obj, &now, conflict);
    }

    /// A CRD update: the immutable fields (`validateCustomResourceDefinitionSpecUpdate`:
    /// group and plural always, scope and kind once Established), then the status the naming
    /// controller keeps (accepted names follow the spec when free; conditions keep their
    /// transition times while they say the same; the new storage version joins
    /// `storedVersions`).
    pub(crate) fn crd_update_checks(
        &self,
        kind: &KindInfo,
        obj: &mut Value,
        old: &Value,
    ) -> Vec<FieldCause> {
        if kind.kind != CRD || self.is_custom(kind) {
            return Vec::new();
        }
        let established = meta::condition(old, "Established")
            .and_then(|c| c.get("status"))
            .and_then(Value::as_str)
            == Some("True");
        let mut errs = Vec::new();
        let mut immutable: Vec<(&str, &[&str])> = vec![
            ("spec.group", &["spec", "group"]),
            ("spec.names.plural", &["spec", "names", "plural"]),
        ];
        if established {
            immutable.insert(0, ("spec.scope", &["spec", "scope"]));
            immutable.insert(1, ("spec.names.kind", &["spec", "names", "kind"]));
        }
        for (field, keys) in immutable {
            let new = meta::str_at(obj, keys).unwrap_or("");
            if meta::str_at(old, keys).unwrap_or("") != new {
                errs.push(crate::world::api::error::cause(
                    field,
                    format!(
                        "Invalid value: {}: field is immutable",
                        crate::world::api::gocmp::quote(new)
                    ),
                ));
            }
        }
        if !errs.is_empty() {
            return errs;
        }
        let mut stored: Vec<Value> = meta::path(old, &["status", "storedVersions"])
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let conflict = self.crd_conflict(obj);
        let now = rfc3339(self.clock.now());
        definition::set_status(obj, &now, conflict);
        if let (Some(new), Some(before)) = (
            meta::path(obj, &["status", "conditions"])
                .and_then(Value::as_array)
                .cloned(),
            meta::path(old, &["status", "conditions"]).and_then(Value::as_array),
        ) {
            let same = |a: &Value, b: &Value| {
                ["type", "status", "reason", "message"]
                    .iter()
                    .all(|k| a.get(k) == b.get(k))
            };
            let kept: Vec<Value> = new
                .iter()
                .map(|c| {
                    before
                        .iter()
                        .find(|b| same(b, c))
                        .cloned()
                        .unwrap_or_else(|| c.clone())
                })
                .collect();
            meta::set_path(obj, &["status", "conditions"], Value::Array(kept));
        }
        if let Some(v) = meta::path(obj, &["spec", "versions"])
            .and_then(Value::as_array)
            .and_then(|vs| {
                vs.iter()
                    .find(|v| meta::bool_at(v, &["storage"]) == Some(true))
            })
            .and_then(|v| v.get("name"))
            .cloned()
            && !stored.contains(&v)
        {
            stored.push(v);
        }
        if !stored.is_empty() {
            meta::set_path(obj, &["status", "storedVersions"], Value::Array(stored));
        }
        errs
    }

    /// The naming controller's check: a name already accepted by another CRD of the group.
    fn crd_conflict(&self, obj: &Value) -> Option<(&'static str, String)> {
        let group = meta::str_at(obj, &["spec", "group"]).unwrap_or("");
        let names = meta::path(obj, &["spec", "names"])?;
        let k = crate::world::api::kinds::by_kind(CRD)?;
        let mut resources: Vec<String> = Vec::new();
        let mut kinds: Vec<String> = Vec::new();
        for other in self.store.list(k, None) {
            if meta::name(other) == meta::name(obj)
                || meta::str_at(other, &["spec", "group"]) != Some(group)
            {
                continue;
            }
            let Some(acc) = meta::path(other, &["status", "acceptedNames"]) else {
                continue;
            };
            for key in ["plural", "singular"] {
                resources.extend(meta::str_at(acc, &[key]).map(str::to_string));
            }
            if let Some(a) = acc.get("shortNames").and_then(Value::as_array) {
                resources.extend(a.iter().filter_map(Value::as_str).map(str::to_string));
            }
            for key in ["kind", "listKind"] {
                kinds.extend(meta::str_at(acc, &[key]).map(str::to_string));
            }
        }
        let s = |key: &str| meta::str_at(names, &[key]).unwrap_or("").to_string();
        let used = |n: &str, set: &[String]| !n.is_empty() && set.iter().any(|x| x == n);
        let mut conflict = None;
        if used(&s("plural"), &resources) {
            conflict = Some((
                "PluralConflict",
                format!("\"{}\" is already in use", s("plural")),
            ));
        }
        if used(&s("singular"), &resources) {
            conflict = Some((
                "SingularConflict",
                format!("\"{}\" is already in use", s("singular")),
            ));
        }
        if let Some(shorts) = names.get("shortNames").and_then(Value::as_array) {
            let errs: Vec<String> = shorts
                .iter()
                .filter_map(Value::as_str)
                .filter(|n| used(n, &resources))
                .map(|n| format!("\"{n}\" is already in use"))
                .collect();
            match errs.len() {
                0 => {}
                1 => conflict = Some(("ShortNamesConflict", errs[0].clone())),
                _ => conflict = Some(("ShortNamesConflict", format!("[{}]", errs.join(", ")))),
            }
        }
        if used(&s("kind"), &kinds) {
            conflict = Some((
                "KindConflict",
                format!("\"{}\" is already in use", s("kind")),
            ));
        }
        if used(&s("listKind"), &kinds) {
            conflict = Some((
                "ListKindConflict",
                format!("\"{}\" is already in use", s("listKind")),
            ));
        }
        conflict
    }

    /// kubelab keeps objects by resource plural: a CRD whose plural another served resource
    /// of another group already has cannot be served here. The plain notice, or None.
    pub(crate) fn crd_unsupported(&self, kind: &KindInfo, obj: &Value) -> Option<ApiError> {
        if kind.kind != CRD || self.is_custom(kind) {
            return None;
        }
        let plural = meta::str_at(obj, &["spec", "names", "plural"])?;
        let group = meta::str_at(obj, &["spec", "group"]).unwrap_or("");
        let clash = self
            .served_kinds()
            .into_iter()
            .find(|k| k.plural == plural && k.group != group)?;
        Some(ApiError::kubelab_limit(format!(
            "kubelab does not support two resources with the same plural name: {plural}.{group} and {}",
            clash.qualified_plural()
        )))
    }

    /// The generation of a custom resource after a user update: bumped when anything but
    /// `metadata` changed (`customResourceStrategy.PrepareForUpdate`).
    pub(crate) fn custom_generation(&self, kind: &KindInfo, old: &Value, new: &mut Value) {
        if !self.is_custom(kind) {
            return;
        }
        let generation = meta::int_at(old, &["metadata", "generation"]).unwrap_or(1);
        let changed = match (old.as_object(), new.as_object()) {
            (Some(a), Some(b)) => a
                .iter()
                .filter(|(k, _)| k.as_str() != "metadata")
                .ne(b.iter().filter(|(k, _)| k.as_str() != "metadata")),
            _ => true,
        };
        let next = if changed { generation + 1 } else { generation };
        meta::set_path(new, &["metadata", "generation"], serde_json::json!(next));
    }

    /// After a write to a CRD: the served resources follow.
    pub(crate) fn after_crd_write(&mut self, kind: &KindInfo) {
        if kind.kind == CRD && kind.group == "apiextensions.k8s.io" {
            self.refresh_custom_resources();
        }
    }

    /// Deleting a CRD deletes its objects first (the finalizer
    /// `customresourcecleanup.apiextensions.k8s.io` and its controller, at once).
    pub(crate) fn delete_crd_objects(&mut self, kind: &KindInfo, crd_name: &str) {
        if kind.kind != CRD || kind.group != "apiextensions.k8s.io" {
            return;
        }
        let Some(info) = self
            .custom_resources()
            .iter()
            .find(|s| s.crd == crd_name)
            .map(|s| s.info)
        else {
            return;
        };
        let objects: Vec<(String, String)> = self
            .store
            .list(info, None)
            .map(|o| (meta::namespace(o).to_string(), meta::name(o).to_string()))
            .collect();
        for (ns, name) in objects {
            self.remove_object(info, &ns, &name);
        }
    }
}
