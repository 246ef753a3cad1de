//! The API server's request handling: create, get, list, update, delete, and the internal
//! writes controllers use. Defaulting, admission and validation happen here, in the order the
//! apiserver runs them.

use serde_json::{Value, json};
use std::rc::Rc;

use super::World;
use super::api::error::ApiError;
use super::api::kinds::{self, KindInfo};
use super::api::meta;
use super::api::selector::Selector;
use super::api::{defaults, typed_fields, update_validation, validation};
use super::clock::rfc3339;

/// Kinds whose `status` is a subresource: user writes never change it.
pub fn has_status_subresource(kind: &str) -> bool {
    matches!(
        kind,
        "Deployment"
            | "ReplicaSet"
            | "StatefulSet"
            | "DaemonSet"
            | "Pod"
            | "Node"
            | "Namespace"
            | "PersistentVolume"
            | "PersistentVolumeClaim"
            | "Service"
            | "Job"
            | "CronJob"
            | "ImageStream"
            | "CustomResourceDefinition"
            | "Ingress"
            | "Route"
    )
}

/// Kinds whose `metadata.generation` tracks spec changes.
pub fn has_generation(kind: &str) -> bool {
    matches!(
        kind,
        "Deployment"
            | "ReplicaSet"
            | "StatefulSet"
            | "DaemonSet"
            | "Job"
            | "CronJob"
            | "ImageStream"
            | "CustomResourceDefinition"
    )
}

/// How a delete cascades to dependents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Propagation {
    /// Delete now; the garbage collector deletes dependents afterwards (kubectl's default).
    #[default]
    Background,
    /// Delete dependents first, then the owner.
    Foreground,
    /// Leave dependents, removing their owner references.
    Orphan,
}

/// Options of a delete request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteOptions {
    /// Cascading policy.
    pub propagation: Propagation,
    /// Grace period override in seconds (`--grace-period`); `Some(0)` with `force` deletes at once.
    pub grace_period: Option<i64>,
    /// Server-side dry run.
    pub dry_run: bool,
}

impl World {
    /// Creates an object (POST). `dry_run` runs everything but the write.
    pub fn create(&mut self, obj: Value, dry_run: bool) -> Result<Value, ApiError> {
        let kind = self.kind_of(&obj)?;
        let ns = match meta::namespace(&obj) {
            "" => "default",
            n => n,
        };
        let result = self.authorize_kind("create", kind, ns, "", "");
        let result = result
            .and_then(|()| self.within_budget(&obj, None))
            .and_then(|weight| {
                let created = self.create_inner(kind, obj, dry_run)?;
                if !dry_run {
                    self.budget.record(meta::uid(&created), weight);
                    self.record_user_write(kind, None, &created);
                }
                Ok(Rc::unwrap_or_clone(created))
            });
        let (ns, name) = match &result {
            Ok(o) => (meta::namespace(o).to_string(), meta::name(o).to_string()),
            Err(_) => (String::new(), String::new()),
        };
        self.audit_request("create", kind, &ns, &name, "", code_of(&result));
        if result.is_ok() && !dry_run && self.settle_on_write {
            self.settle();
        }
        result
    }

    fn create_inner(
        &mut self,
        kind: &'static KindInfo,
        mut obj: Value,
        dry_run: bool,
    ) -> Result<Rc<Value>, ApiError> {
        obj["apiVersion"] = json!(kind.api_version());
        obj["kind"] = json!(kind.kind);
        if kind.namespaced {
            if meta::namespace(&obj).is_empty() {
                meta::set_path(&mut obj, &["metadata", "namespace"], json!("default"));
            }
            let ns = meta::namespace(&obj).to_string();
            let ns_kind = kinds::by_kind(kinds::NAMESPACE)
                .ok_or_else(|| ApiError::internal("no Namespace kind"))?;
            match self.store.get(ns_kind, "", &ns) {
                None => return Err(ApiError::not_found(ns_kind, &ns)),
                Some(n) if meta::is_deleting(n) => {
                    return Err(ApiError::forbidden(format!(
                        "{} \"{}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
                        kind.qualified_plural(),
                        meta::name(&obj)
                    )));
                }
                _ => {}
            }
        } else if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            m.remove("namespace");
        }
        if meta::name(&obj).is_empty()
            && let Some(base) =
                meta::str_at(&obj, &["metadata", "generateName"]).map(str::to_string)
        {
            let base: String = base.chars().take(58).collect();
            let name = format!("{base}{}", self.seed.suffix(5));
            meta::set_path(&mut obj, &["metadata", "name"], json!(name));
        }
        let name = meta::name(&obj).to_string();
        let ns = meta::namespace(&obj).to_string();
        if (kind.namespaced || !name.is_empty())
            && self.store.contains(kind, &ns, &name)
            && !name.is_empty()
        {
            return Err(ApiError::already_exists(kind, &name));
        }
        // Strategy: drop what clients may not set.
        if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            for k in [
                "uid",
                "resourceVersion",
                "creationTimestamp",
                "deletionTimestamp",
                "generation",
                "managedFields",
                "selfLink",
            ] {
                m.remove(k);
            }
        }
        // Nodes allow all fields, status included, to be set on create (node strategy).
        if self.status_is_subresource(kind)
            && kind.kind != kinds::NODE
            && let Some(m) = obj.as_object_mut()
        {
            m.remove("status");
        }
        let custom = self.is_custom(kind);
        if !custom {
            typed_fields::decode(kind, &mut obj)?;
            self.prepare_secret(kind, &mut obj);
            defaults::apply(kind.kind, &mut obj);
            if kind.kind == kinds::ROUTE {
                crate::world::openshift::routes::prepare(&mut obj);
            }
            self.admit(kind, &mut obj)?;
        }
        let mut errs = validation::validate(if custom { "" } else { kind.kind }, &obj, None);
        errs.extend(self.custom_defaults_and_validation(kind, &mut obj, false));
        if !errs.is_empty() {
            return Err(ApiError::invalid(kind.kind, &name, errs));
        }
        if let Some(e) = self.crd_unsupported(kind, &obj) {
            return Err(e);
        }
        self.admit_validate(kind, &obj, None, dry_run)?;
        meta::set_path(&mut obj, &["metadata", "uid"], json!(self.seed.uid()));
        meta::set_path(
            &mut obj,
            &["metadata", "creationTimestamp"],
            json!(rfc3339(self.clock.now())),
        );
        if has_generation(kind.kind) || custom {
            meta::set_path(&mut obj, &["metadata", "generation"], json!(1));
        }
        self.strategy(kind, &mut obj, None);
        self.crd_status_on_create(kind, &mut obj);
        if dry_run {
            return Ok(Rc::new(obj));
        }
        let stored = self.store.put_shared(kind, obj).clone();
        self.after_crd_write(kind);
        Ok(stored)
    }

    fn prepare_secret(&self, kind: &KindInfo, obj: &mut Value) {
        if kind.kind != kinds::SECRET {
            return;
        }
        use base64::Engine as _;
        let Some(string_data) = obj.as_object_mut().and_then(|m| m.remove("stringData")) else {
            return;
        };
        if let Some(sd) = string_data.as_object() {
            for (k, v) in sd {
                let enc = base64::engine::general_purpose::STANDARD
                    .encode(v.as_str().unwrap_or("").as_bytes());
                meta::set_path(obj, &["data", k], json!(enc));
            }
        }
    }

    /// Gets one object (GET).
    pub fn get(&mut self, kind: &KindInfo, ns: &str, name: &str) -> Result<Value, ApiError> {
        let ns = if kind.namespaced { ns } else { "" };
        let r = match kind.kind {
            _ if let Err(e) = self.authorize_kind("get", kind, ns, name, "") => Err(e),
            kinds::IMAGE_STREAM_TAG => {
                crate::world::openshift::virtual_resources::get_istag(self, ns, name)
            }
            kinds::IMAGE_STREAM_IMAGE => {
                crate::world::openshift::virtual_resources::get_isimage(self, ns, name)
            }
            kinds::PROJECT => crate::world::openshift::virtual_resources::get_project(self, name),
            _ => self
                .store
                .get(kind, ns, name)
                .cloned()
                .ok_or_else(|| ApiError::not_found(kind, name)),
        };
        self.audit_request("get", kind, ns, name, "", code_of(&r));
        r
    }

    /// Lists objects (LIST), in name order; `ns = None` lists all namespaces.
    pub fn list(
        &mut self,
        kind: &KindInfo,
        ns: Option<&str>,
        selector: Option<&Selector>,
    ) -> Vec<Value> {
        let ns = if kind.namespaced { ns } else { None };
        self.audit_request("list", kind, ns.unwrap_or(""), "", "", 200);
        self.list_quiet(kind, ns, selector)
    }

    /// Lists as [`World::list`] does, handing out the stored objects shared instead of copies
    /// (what a printer reads in a world of thousands of objects).
    pub fn list_shared(
        &mut self,
        kind: &KindInfo,
        ns: Option<&str>,
        selector: Option<&Selector>,
    ) -> Vec<std::rc::Rc<Value>> {
        let ns = if kind.namespaced { ns } else { None };
        self.audit_request("list", kind, ns.unwrap_or(""), "", "", 200);
        if matches!(kind.kind, kinds::IMAGE_STREAM_TAG | kinds::PROJECT) {
            return self
                .list_quiet(kind, ns, selector)
                .into_iter()
                .map(std::rc::Rc::new)
                .collect();
        }
        self.store
            .list_shared_in(kind, ns)
            .filter(|o| selector.is_none_or(|s| s.matches(&meta::labels(o))))
            .cloned()
            .collect()
    }

    /// Lists without auditing (controllers, printers).
    pub fn list_quiet(
        &self,
        kind: &KindInfo,
        ns: Option<&str>,
        selector: Option<&Selector>,
    ) -> Vec<Value> {
        let virtual_items = match kind.kind {
            kinds::IMAGE_STREAM_TAG => Some(
                crate::world::openshift::virtual_resources::list_istags(self, ns),
            ),
            kinds::PROJECT => Some(crate::world::openshift::virtual_resources::list_projects(
                self,
            )),
            _ => None,
        };
        if let Some(items) = virtual_items {
            return items
                .into_iter()
                .filter(|o| selector.is_none_or(|s| s.matches(&meta::labels(o))))
                .collect();
        }
        self.store
            .list(kind, ns)
            .filter(|o| selector.is_none_or(|s| s.matches(&meta::labels(o))))
            .cloned()
            .collect()
    }

    /// Replaces an object (PUT). A set `metadata.resourceVersion` must match the stored one.
    pub fn update(&mut self, obj: Value, dry_run: bool) -> Result<Value, ApiError> {
        let kind = self.kind_of(&obj)?;
        let ns = match meta::namespace(&obj) {
            "" if kind.namespaced => "default",
            n => n,
        };
        let uid = self
            .store
            .get(kind, ns, meta::name(&obj))
            .map(|o| meta::uid(o).to_string());
        let (verb, sub) = (self.auth.update_verb, self.auth.update_subresource);
        let r = self.authorize_kind(verb, kind, ns, meta::name(&obj), sub);
        let r = r
            .and_then(|()| self.within_budget(&obj, uid.as_deref()))
            .and_then(|weight| {
                let updated = self.update_inner(kind, obj, dry_run)?;
                if !dry_run {
                    self.budget.record(meta::uid(&updated), weight);
                }
                Ok(updated)
            });
        let (ns, name) = match &r {
            Ok(o) => (meta::namespace(o).to_string(), meta::name(o).to_string()),
            Err(_) => (String::new(), String::new()),
        };
        self.audit_request("update", kind, &ns, &name, "", code_of(&r));
        if r.is_ok() && !dry_run && self.settle_on_write {
            self.settle();
        }
        r
    }

    /// The verb-neutral user write behind update and patch: validation, status preserved,
    /// generation bumped, stored.
    pub(crate) fn update_inner(
        &mut self,
        kind: &'static KindInfo,
        mut obj: Value,
        dry_run: bool,
    ) -> Result<Value, ApiError> {
        let ns = if kind.namespaced {
            match meta::namespace(&obj) {
                "" => "default".to_string(),
                n => n.to_string(),
            }
        } else {
            String::new()
        };
        let name = meta::name(&obj).to_string();
        let old = self
            .store
            .get(kind, &ns, &name)
            .cloned()
            .ok_or_else(|| ApiError::not_found(kind, &name))?;

        if let Some(rv) = meta::str_at(&obj, &["metadata", "resourceVersion"])
            && Some(rv) != meta::str_at(&old, &["metadata", "resourceVersion"])
        {
            return Err(ApiError::conflict(
                kind,
                &name,
                "the object has been modified; please apply your changes to the latest version and try again",
            ));
        }
        obj["apiVersion"] = json!(kind.api_version());
        obj["kind"] = json!(kind.kind);
        for k in [
            "uid",
            "creationTimestamp",
            "namespace",
            "generation",
            "deletionTimestamp",
        ] {
            match old.get("metadata").and_then(|m| m.get(k)) {
                Some(v) => meta::set_path(&mut obj, &["metadata", k], v.clone()),
                None => {
                    meta::remove_path(&mut obj, &["metadata", k]);
                }
            }
        }
        if self.status_is_subresource(kind) {
            match old.get("status") {
                Some(s) => obj["status"] = s.clone(),
                None => {
                    if let Some(m) = obj.as_object_mut() {
                        m.remove("status");
                    }
                }
            }
        }
        let custom = self.is_custom(kind);
        let mut errs = if custom {
            validation::validate("", &obj, Some(&old))
        } else {
            typed_fields::decode(kind, &mut obj)?;
            self.prepare_secret(kind, &mut obj);
            update_validation::prepare_update(kind.kind, &mut obj, &old);
            defaults::apply(kind.kind, &mut obj);
            let mut errs = validation::validate(kind.kind, &obj, Some(&old));
            errs.extend(update_validation::validate_update(kind.kind, &obj, &old)?);
            errs
        };
        errs.extend(self.custom_defaults_and_validation(kind, &mut obj, true));
        errs.extend(self.crd_update_checks(kind, &mut obj, &old));
        if !errs.is_empty() {
            return Err(ApiError::invalid(kind.kind, &name, errs));
        }
        self.admit_validate(kind, &obj, Some(&old), dry_run)?;
        bump_generation(kind.kind, &old, &mut obj, true);
        self.custom_generation(kind, &old, &mut obj);
        self.strategy(kind, &mut obj, Some(&old));
        if dry_run {
            return Ok(obj);
        }
        if obj_equal_ignoring_rv(&old, &obj) {
            return Ok(old);
        }
        let stored = self.store.put(kind, obj).clone();
        self.record_user_write(kind, Some(&old), &stored);
        self.after_crd_write(kind);
        Ok(stored)
    }

    /// Kind-specific server behaviour after defaulting and validation: OpenShift image lookup
    /// for workloads and pods, and the ImageStream strategy.
    fn strategy(&self, kind: &KindInfo, obj: &mut Value, old: Option<&Value>) {
        use super::openshift::{imagestream, lookup};
        match kind.kind {
            kinds::POD => lookup::admit(self, obj, &["spec"], old),
            kinds::DEPLOYMENT
            | kinds::REPLICA_SET
            | kinds::STATEFUL_SET
            | kinds::DAEMON_SET
            | kinds::JOB => lookup::admit(self, obj, &["spec", "template", "spec"], old),
            kinds::CRON_JOB => lookup::admit(
                self,
                obj,
                &["spec", "jobTemplate", "spec", "template", "spec"],
                old,
            ),
            kinds::IMAGE_STREAM => imagestream::prepare(self, obj, old),
            _ => {}
        }
        if kind.kind == kinds::JOB && old.is_none() {
            crate::world::controllers::job::admission::prepare_for_create(obj);
        }
    }

    /// An internal write by a controller: no validation or admission, generation kept in step.
    /// Returns the stored object.
    pub fn write(&mut self, obj: Value) -> Value {
        (*self.write_shared(obj)).clone()
    }

    /// [`World::write`] handing back a shared handle on the stored object instead of a copy.
    pub fn write_shared(&mut self, mut obj: Value) -> Rc<Value> {
        let Some(kind) = self.kind_named(meta::kind(&obj)) else {
            return Rc::new(obj);
        };
        if self.write_unchanged(kind, &mut obj) {
            return self
                .store
                .get_shared(kind, meta::namespace(&obj), meta::name(&obj))
                .unwrap_or_else(|| Rc::new(obj));
        }
        self.store.put_shared(kind, obj).clone()
    }

    /// [`World::write`] without copying the stored object back out (controllers' hot paths).
    pub fn write_discard(&mut self, mut obj: Value) {
        let Some(kind) = self.kind_named(meta::kind(&obj)) else {
            return;
        };
        if !self.write_unchanged(kind, &mut obj) {
            self.store.put(kind, obj);
        }
    }

    /// Keeps `metadata.generation` in step; true when the write would change nothing.
    fn write_unchanged(&self, kind: &KindInfo, obj: &mut Value) -> bool {
        match self.store.get(kind, meta::namespace(obj), meta::name(obj)) {
            Some(old) => {
                bump_generation(kind.kind, old, obj, false);
                obj_equal_ignoring_rv(old, obj)
            }
            None => false,
        }
    }

    /// Checks a user write against kubelab's bounds on the world's size ([`super::budget`]);
    /// the object's weight.
    fn within_budget(&mut self, obj: &Value, uid: Option<&str>) -> Result<usize, ApiError> {
        let events = kinds::by_kind(kinds::EVENT).map_or(0, |k| self.store.count(k));
        let objects = self.store.len() - events;
        let store = &self.store;
        self.budget.check(obj, uid, objects, |u| store.has_uid(u))
    }

    /// An internal creation by a controller (pods of a ReplicaSet, ReplicaSets of a Deployment):
    /// defaulted and admitted like a user create, without auditing.
    pub fn create_internal(&mut self, obj: Value) -> Result<Rc<Value>, ApiError> {
        let kind = self.kind_of(&obj)?;
        self.create_inner(kind, obj, false)
    }

    /// Deletes an object (DELETE), cascading as asked.
    pub fn delete(
        &mut self,
        kind: &'static KindInfo,
        ns: &str,
        name: &str,
        opts: &DeleteOptions,
    ) -> Result<Value, ApiError> {
        let ns = if kind.namespaced { ns } else { "" };
        let r = self
            .authorize_kind("delete", kind, ns, name, "")
            .and_then(|()| match kind.kind {
                // A Project is a view of its Namespace: deleting one deletes the namespace (the
                // openshift-apiserver's project storage proxies the delete).
                kinds::PROJECT => match self.kind_named(kinds::NAMESPACE) {
                    Some(ns_kind) => self
                        .delete_inner(ns_kind, "", name, opts)
                        .map(|o| crate::world::openshift::virtual_resources::project_of(&o))
                        .map_err(|_| ApiError::not_found(kind, name)),
                    None => Err(ApiError::not_found(kind, name)),
                },
                _ => self
                    .delete_inner(kind, ns, name, opts)
                    .map(Rc::unwrap_or_clone),
            });
        self.audit_request("delete", kind, ns, name, "", code_of(&r));
        if r.is_ok() && !opts.dry_run && self.settle_on_write {
            self.settle();
        }
        r
    }

    fn delete_inner(
        &mut self,
        kind: &'static KindInfo,
        ns: &str,
        name: &str,
        opts: &DeleteOptions,
    ) -> Result<Rc<Value>, ApiError> {
        let obj = self
            .store
            .get_shared(kind, ns, name)
            .ok_or_else(|| ApiError::not_found(kind, name))?;
        if opts.dry_run {
            return Ok(obj);
        }
        if opts.propagation == Propagation::Orphan {
            self.orphan_dependents(meta::uid(&obj).to_string());
        }
        let now = self.clock.now();
        let already = meta::is_deleting(&obj);
        let finalizers = meta::path(&obj, &["metadata", "finalizers"])
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty());
        let graceful_pod = kind.kind == kinds::POD
            && meta::str_at(&obj, &["spec", "nodeName"]).is_some()
            && opts.grace_period != Some(0)
            && !matches!(
                meta::str_at(&obj, &["status", "phase"]),
                Some("Succeeded" | "Failed")
            );
        // What marking the object as being deleted sets, if that is what this delete does
        // (None: it is already marked and stays as it is).
        type Mark = Box<dyn FnOnce(&mut Value)>;
        let unless_marked = |m: Mark| if already { None } else { Some(m) };
        let mark: Option<Mark> = if kind.kind == kinds::NAMESPACE {
            unless_marked(Box::new(move |o: &mut Value| {
                meta::set_path(o, &["metadata", "deletionTimestamp"], json!(rfc3339(now)));
                meta::set_path(o, &["status", "phase"], json!("Terminating"));
            }))
        } else if opts.propagation == Propagation::Foreground && !already {
            Some(Box::new(move |o: &mut Value| {
                let f = meta::path_mut(o, &["metadata", "finalizers"]);
                if !f.is_array() {
                    *f = Value::Array(vec![]);
                }
                if let Some(a) = f.as_array_mut() {
                    a.push(json!("foregroundDeletion"));
                }
                meta::set_path(o, &["metadata", "deletionTimestamp"], json!(rfc3339(now)));
                meta::set_path(o, &["metadata", "deletionGracePeriodSeconds"], json!(0));
            }))
        } else if graceful_pod {
            let grace = opts
                .grace_period
                .or_else(|| meta::int_at(&obj, &["spec", "terminationGracePeriodSeconds"]))
                .unwrap_or(30)
                .max(1);
            unless_marked(Box::new(move |o: &mut Value| {
                let at = rfc3339(now + grace * 1000);
                meta::set_path(o, &["metadata", "deletionTimestamp"], json!(at));
                meta::set_path(o, &["metadata", "deletionGracePeriodSeconds"], json!(grace));
            }))
        } else if finalizers {
            unless_marked(Box::new(move |o: &mut Value| {
                meta::set_path(o, &["metadata", "deletionTimestamp"], json!(rfc3339(now)));
                meta::set_path(o, &["metadata", "deletionGracePeriodSeconds"], json!(0));
            }))
        } else {
            drop(obj);
            self.delete_crd_objects(kind, name);
            let removed = self
                .remove_object(kind, ns, name)
                .expect("the object was just read");
            self.after_crd_write(kind);
            return Ok(removed);
        };
        let Some(mark) = mark else {
            return Ok(obj);
        };
        drop(obj);
        Ok(self
            .store
            .modify(kind, ns, name, mark)
            .expect("the object was just read")
            .clone())
    }

    /// A delete by a controller (background cascade, not audited, no settle).
    pub fn delete_internal(
        &mut self,
        kind: &'static KindInfo,
        ns: &str,
        name: &str,
    ) -> Result<Rc<Value>, ApiError> {
        self.delete_inner(kind, ns, name, &DeleteOptions::default())
    }

    /// A foreground delete by the garbage collector.
    pub fn delete_foreground_internal(
        &mut self,
        kind: &'static KindInfo,
        ns: &str,
        name: &str,
    ) -> Result<Rc<Value>, ApiError> {
        self.delete_inner(
            kind,
            ns,
            name,
            &DeleteOptions {
                propagation: Propagation::Foreground,
                ..Default::default()
            },
        )
    }

    /// Objects of a kind (by kind name) in a namespace, borrowed, in name order.
    pub fn object_list<'a>(
        &'a self,
        kind: &str,
        ns: &'a str,
    ) -> impl Iterator<Item = &'a Value> + 'a {
        self.kind_named(kind)
            .into_iter()
            .flat_map(move |k| self.store.list(k, Some(ns)))
    }

    /// Removes an object from the store for good (after graceful termination or finalizers),
    /// dropping node-local state that belongs to it.
    pub fn remove_object(&mut self, kind: &KindInfo, ns: &str, name: &str) -> Option<Rc<Value>> {
        let removed = self.store.remove(kind, ns, name)?;
        self.forget_managed(meta::uid(&removed));
        if kind.kind == kinds::POD {
            let uid = meta::uid(&removed).to_string();
            self.forget_pod(&uid);
        }
        Some(removed)
    }

    fn orphan_dependents(&mut self, owner_uid: String) {
        let dependents: Vec<(String, Value)> = self
            .store
            .all()
            .filter(|(_, o)| meta::owner_uids(o).contains(&owner_uid))
            .map(|(k, o)| (k.to_string(), o.clone()))
            .collect();
        for (_, mut o) in dependents {
            if let Some(refs) =
                meta::path(&o, &["metadata", "ownerReferences"]).and_then(Value::as_array)
            {
                let kept: Vec<Value> = refs
                    .iter()
                    .filter(|r| r.get("uid").and_then(Value::as_str) != Some(owner_uid.as_str()))
                    .cloned()
                    .collect();
                if kept.is_empty() {
                    meta::remove_path(&mut o, &["metadata", "ownerReferences"]);
                } else {
                    meta::set_path(&mut o, &["metadata", "ownerReferences"], Value::Array(kept));
                }
            }
            self.write_discard(o);
        }
    }

    /// The kind of an object from its `kind` and `apiVersion` fields.
    pub fn kind_of(&self, obj: &Value) -> Result<&'static KindInfo, ApiError> {
        let k = meta::kind(obj);
        let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        self.kind_for(k, api_version)
            .or_else(|| {
                if api_version.is_empty() {
                    self.kind_named(k)
                } else {
                    None
                }
            })
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "no matches for kind \"{k}\" in version \"{api_version}\""
                ))
            })
    }
}

pub(super) fn code_of(r: &Result<Value, ApiError>) -> u16 {
    use super::api::error::Reason::*;
    match r {
        Ok(_) => 200,
        Err(e) => match e.reason {
            NotFound => 404,
            AlreadyExists | Conflict => 409,
            Invalid => 422,
            BadRequest => 400,
            Forbidden => 403,
            MethodNotAllowed => 405,
            UnsupportedMediaType => 415,
            InternalError => 500,
            KubelabLimit | TooManyRequests => 429,
        },
    }
}

/// Whether two objects are equal apart from `metadata.resourceVersion` (without copying them).
fn obj_equal_ignoring_rv(a: &Value, b: &Value) -> bool {
    let (Some(ma), Some(mb)) = (a.as_object(), b.as_object()) else {
        return a == b;
    };
    // Both maps are sorted: same keys means the same order. Everything but metadata is compared
    // first, since a changed spec or status usually differs in size at once.
    if ma.len() != mb.len() || !ma.keys().eq(mb.keys()) {
        return false;
    }
    let others_equal = ma
        .iter()
        .zip(mb.iter())
        .filter(|((k, _), _)| k.as_str() != "metadata")
        .all(|((_, va), (_, vb))| va == vb);
    if !others_equal {
        return false;
    }
    match (ma.get("metadata"), mb.get("metadata")) {
        (Some(Value::Object(xa)), Some(Value::Object(xb))) => xa
            .iter()
            .filter(|(k, _)| k.as_str() != "resourceVersion")
            .eq(xb.iter().filter(|(k, _)| k.as_str() != "resourceVersion")),
        (va, vb) => va == vb,
    }
}

/// Bumps `metadata.generation` when the spec changed (for user writes to Deployments also when
/// annotations changed, as `pkg/registry/apps/deployment/strategy.go` does; status updates by
/// controllers never bump it).
fn bump_generation(kind: &str, old: &Value, new: &mut Value, user: bool) {
    if !has_generation(kind) {
        return;
    }
    let generation = meta::int_at(old, &["metadata", "generation"]).unwrap_or(1);
    let spec_changed = old.get("spec") != new.get("spec");
    let ann_changed = user
        && kind == kinds::DEPLOYMENT
        && meta::path(old, &["metadata", "annotations"])
            != meta::path(new, &["metadata", "annotations"]);
    let next = if spec_changed || ann_changed {
        generation + 1
    } else {
        generation
    };
    meta::set_path(new, &["metadata", "generation"], json!(next));
}
