//! CustomResourceDefinitions: what the apiextensions-apiserver inside kube-apiserver 1.32 does
//! with them. A CRD is stored like any object (kind `CustomResourceDefinition` in the static
//! discovery table); once it is Established its resource is served: [`Registry`] holds the
//! served custom resources, rebuilt from the stored CRDs after every CRD write, and the
//! world-level discovery lookups (`World::resolve_kind`, `World::kind_named`,
//! `World::served_kinds`) consult the static table first and the registry after, so built-in
//! lookups cost what they did.
//!
//! - [`definition`]: the CRD's defaults, validation and status;
//! - [`schema`]: a custom resource against its version's `openAPIV3Schema` (pruning,
//!   defaulting, validation);
//! - [`intern`]: the `&'static KindInfo` discovery entries of custom resources;
//! - [`requests`]: the request path's hooks (decoding, validation, status, deletion).

pub mod definition;
pub mod intern;
pub mod requests;
pub mod schema;
pub mod values;

use serde_json::Value;
use std::rc::Rc;

use super::World;
use super::api::kinds::{self, KindInfo};
use super::api::meta;

/// One `additionalPrinterColumns` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Header (upper-cased when printed).
    pub name: String,
    /// `string`, `integer`, `number`, `boolean` or `date`.
    pub kind: String,
    /// Shown without `-o wide` only when 0.
    pub priority: i64,
    /// The JSONPath, e.g. `.spec.replicas`.
    pub json_path: String,
}

/// `subresources.scale`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scale {
    /// e.g. `.spec.replicas`.
    pub spec_replicas_path: String,
    /// e.g. `.status.replicas`.
    pub status_replicas_path: String,
}

/// One served version of a custom resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    /// `v1`, `v1beta1`, ...
    pub name: String,
    /// The version objects are stored in.
    pub storage: bool,
    /// `schema.openAPIV3Schema`.
    pub schema: Value,
    /// `additionalPrinterColumns`.
    pub columns: Vec<Column>,
    /// `subresources.status` is declared.
    pub status: bool,
    /// `subresources.scale`.
    pub scale: Option<Scale>,
}

/// A served custom resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Served {
    /// Its discovery entry (the preferred version).
    pub info: &'static KindInfo,
    /// The CRD's name (`plural.group`).
    pub crd: String,
    /// The served versions, in the CRD's order.
    pub versions: Vec<Version>,
}

impl Served {
    /// The served version named `name`.
    pub fn version(&self, name: &str) -> Option<&Version> {
        self.versions.iter().find(|v| v.name == name)
    }

    /// The version discovery prefers (the one objects are returned in).
    pub fn preferred(&self) -> &Version {
        self.version(self.info.version)
            .or(self.versions.first())
            .expect("a served custom resource has a served version")
    }
}

/// The served custom resources (shared between snapshots of the world).
#[derive(Debug, Clone, Default)]
pub struct Registry {
    served: Rc<Vec<Served>>,
}

impl Registry {
    /// Every served custom resource, by CRD name.
    pub fn all(&self) -> &[Served] {
        &self.served
    }

    /// The served custom resource of a discovery entry.
    pub fn of(&self, kind: &KindInfo) -> Option<&Served> {
        if self.served.is_empty() {
            return None;
        }
        self.served.iter().find(|s| {
            std::ptr::eq(s.info, kind) || (s.info.group == kind.group && s.info.kind == kind.kind)
        })
    }

    fn resolve(&self, name: &str) -> Option<&'static KindInfo> {
        if self.served.is_empty() {
            return None;
        }
        let lower = name.to_ascii_lowercase();
        // `plural.group`, `plural.version.group` or a bare name.
        let candidates: Vec<(&str, Option<&str>)> = match lower.split_once('.') {
            Some((b, g)) => vec![(b, Some(g))],
            None => vec![(lower.as_str(), None)],
        };
        for (base, group) in candidates {
            for s in self.served.iter() {
                let k = s.info;
                let name_matches = k.plural == base
                    || k.singular == base
                    || k.kind.eq_ignore_ascii_case(base)
                    || k.short_names.contains(&base);
                let group_matches = match group {
                    None => true,
                    Some(g) => {
                        g == k.group
                            || g.split_once('.').is_some_and(|(v, rest)| {
                                rest == k.group && s.versions.iter().any(|x| x.name == v)
                            })
                    }
                };
                if name_matches && group_matches {
                    return Some(k);
                }
            }
        }
        None
    }
}

/// kube-like version priority (`version.CompareKubeAwareVersionStrings`): GA before beta before
/// alpha, higher numbers first, other names last in alphabetical order.
fn version_rank(v: &str) -> (u8, i64, i64, String) {
    let parse = || -> Option<(u8, i64, i64)> {
        let rest = v.strip_prefix('v')?;
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if digits.is_empty() {
            return None;
        }
        let major: i64 = digits.parse().ok()?;
        let tail = &rest[digits.len()..];
        if tail.is_empty() {
            return Some((0, major, 0));
        }
        for (word, rank) in [("beta", 1u8), ("alpha", 2u8)] {
            if let Some(n) = tail.strip_prefix(word)
                && !n.is_empty()
                && n.chars().all(|c| c.is_ascii_digit())
            {
                return Some((rank, major, n.parse().ok()?));
            }
        }
        None
    };
    match parse() {
        Some((rank, major, minor)) => (rank, -major, -minor, String::new()),
        None => (3, 0, 0, v.to_string()),
    }
}

/// The served resource a stored, Established CRD defines (None when it is not served, or
/// kubelab's discovery table is full).
fn served_of(crd: &Value) -> Option<Served> {
    let established = meta::condition(crd, "Established")
        .and_then(|c| c.get("status"))
        .and_then(Value::as_str)
        == Some("True");
    if !established || meta::is_deleting(crd) {
        return None;
    }
    let spec = crd.get("spec")?;
    let mut versions: Vec<Version> = Vec::new();
    for v in spec.get("versions")?.as_array()? {
        if meta::bool_at(v, &["served"]) != Some(true) {
            continue;
        }
        let columns = v
            .get("additionalPrinterColumns")
            .and_then(Value::as_array)
            .map(|cols| {
                cols.iter()
                    .map(|c| Column {
                        name: meta::str_at(c, &["name"]).unwrap_or("").to_string(),
                        kind: meta::str_at(c, &["type"]).unwrap_or("").to_string(),
                        priority: meta::int_at(c, &["priority"]).unwrap_or(0),
                        json_path: meta::str_at(c, &["jsonPath"]).unwrap_or("").to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let scale = meta::path(v, &["subresources", "scale"]).map(|s| Scale {
            spec_replicas_path: meta::str_at(s, &["specReplicasPath"]).unwrap_or("").into(),
            status_replicas_path: meta::str_at(s, &["statusReplicasPath"])
                .unwrap_or("")
                .into(),
        });
        versions.push(Version {
            name: meta::str_at(v, &["name"])?.to_string(),
            storage: meta::bool_at(v, &["storage"]) == Some(true),
            schema: meta::path(v, &["schema", "openAPIV3Schema"])
                .cloned()
                .unwrap_or(Value::Null),
            columns,
            status: meta::path(v, &["subresources", "status"]).is_some(),
            scale,
        });
    }
    let preferred = versions
        .iter()
        .min_by_key(|v| version_rank(&v.name))?
        .name
        .clone();
    let names = crd.pointer("/status/acceptedNames")?;
    let strings = |key: &str| -> Vec<String> {
        names
            .get(key)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let info = intern::intern(&intern::Names {
        kind: meta::str_at(names, &["kind"])?.to_string(),
        group: meta::str_at(spec, &["group"])?.to_string(),
        version: preferred,
        plural: meta::str_at(names, &["plural"])?.to_string(),
        singular: meta::str_at(names, &["singular"]).unwrap_or("").to_string(),
        short_names: strings("shortNames"),
        namespaced: meta::str_at(spec, &["scope"]) == Some("Namespaced"),
        categories: strings("categories"),
    })?;
    Some(Served {
        info,
        crd: meta::name(crd).to_string(),
        versions,
    })
}

/// The schema the apiserver publishes for a custom resource's version (its OpenAPI builder,
/// `pkg/controller/openapi/builder`): the version's schema with `apiVersion` and `kind` from
/// `TypeMeta` and `metadata` as a described reference to `ObjectMeta`, in the shipped
/// definitions' `{$ref, description}` form.
pub fn published_schema(schema: &Value) -> Value {
    let mut out = schema.clone();
    if !out.is_object() {
        out = serde_json::json!({"type": "object"});
    }
    let props = meta::path_mut(&mut out, &["properties"]);
    if !props.is_object() {
        *props = serde_json::json!({});
    }
    if let Some(p) = props.as_object_mut() {
        p.insert("apiVersion".into(), serde_json::json!({"type": "string", "description": "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources"}));
        p.insert("kind".into(), serde_json::json!({"type": "string", "description": "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"}));
        p.insert("metadata".into(), serde_json::json!({"$ref": "#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "description": "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"}));
    }
    out
}

impl World {
    /// Rebuilds the served custom resources from the stored CRDs (after a CRD write).
    pub(crate) fn refresh_custom_resources(&mut self) {
        let Some(k) = kinds::by_kind(kinds::CUSTOM_RESOURCE_DEFINITION) else {
            return;
        };
        let served: Vec<Served> = self.store.list(k, None).filter_map(served_of).collect();
        if *self.crds.served != served {
            self.crds.served = Rc::new(served);
        }
    }

    /// Resolves what a user typed (`crontabs`, `ct`, `CronTab`, `crontabs.stable.example.com`)
    /// among the built-in kinds, then the served custom resources.
    pub fn resolve_kind(&self, name: &str) -> Option<&'static KindInfo> {
        kinds::resolve(name)
            .filter(|k| self.serves(k))
            .or_else(|| self.crds.resolve(name))
    }

    /// Whether this cluster serves a built-in kind: a plain Kubernetes world
    /// ([`Flavour::Kubernetes`](crate::world::default_world::Flavour)) has none of OpenShift's
    /// API groups.
    pub fn serves(&self, k: &KindInfo) -> bool {
        self.flavour != crate::world::default_world::Flavour::Kubernetes
            || !k.group.ends_with("openshift.io")
    }

    /// A served kind by its `kind` name (built-in kinds first).
    pub fn kind_named(&self, kind: &str) -> Option<&'static KindInfo> {
        kinds::by_kind(kind).filter(|k| self.serves(k)).or_else(|| {
            self.crds
                .all()
                .iter()
                .map(|s| s.info)
                .find(|k| k.kind == kind)
        })
    }

    /// A served kind by `kind` and `apiVersion` (any served version of a custom resource).
    pub fn kind_for(&self, kind: &str, api_version: &str) -> Option<&'static KindInfo> {
        kinds::by_kind_and_api_version(kind, api_version)
            .filter(|k| self.serves(k))
            .or_else(|| {
                let (group, version) = api_version.split_once('/')?;
                self.crds
                    .all()
                    .iter()
                    .find(|s| {
                        s.info.kind == kind && s.info.group == group && s.version(version).is_some()
                    })
                    .map(|s| s.info)
            })
    }

    /// A served kind by its resource plural (the store's key).
    pub fn kind_with_plural(&self, plural: &str) -> Option<&'static KindInfo> {
        kinds::KINDS
            .iter()
            .find(|k| k.plural == plural)
            .or_else(|| {
                self.crds
                    .all()
                    .iter()
                    .map(|s| s.info)
                    .find(|k| k.plural == plural)
            })
    }

    /// Every served resource: the built-in table, then the custom resources by CRD name.
    pub fn served_kinds(&self) -> Vec<&'static KindInfo> {
        let mut out: Vec<&'static KindInfo> =
            kinds::KINDS.iter().filter(|k| self.serves(k)).collect();
        out.extend(self.crds.all().iter().map(|s| s.info));
        out
    }

    /// The served custom resource behind a kind (None for built-in kinds).
    pub fn custom_resource(&self, kind: &KindInfo) -> Option<&Served> {
        self.crds.of(kind)
    }

    /// The served custom resources.
    pub fn custom_resources(&self) -> &[Served] {
        self.crds.all()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kube_like_version_order() {
        let mut v = vec!["foo1", "v1alpha1", "v2", "v1", "v1beta2", "v1beta1", "v10"];
        v.sort_by_key(|x| version_rank(x));
        assert_eq!(
            v,
            ["v10", "v2", "v1", "v1beta2", "v1beta1", "v1alpha1", "foo1"]
        );
    }
}
