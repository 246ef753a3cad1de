//! The Role, ClusterRole, RoleBinding and ClusterRoleBinding `kubectl create role|clusterrole|
//! rolebinding|clusterrolebinding` build (`kubectl pkg/cmd/create/create_role.go`,
//! `create_clusterrole.go`, `create_rolebinding.go`, `create_clusterrolebinding.go`): one rule
//! per API group of the `--resource`s (found through discovery, as kubectl's RESTMapper does),
//! then one for the `--non-resource-url`s; subjects from `--user`, `--group`,
//! `--serviceaccount`. With kubectl's checks and error texts.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::world::api::kinds;

/// The verbs kubectl knows for resources (others get a warning).
const RESOURCE_VERBS: &[&str] = &[
    "*",
    "get",
    "delete",
    "list",
    "create",
    "update",
    "patch",
    "watch",
    "proxy",
    "deletecollection",
    "use",
    "bind",
    "escalate",
    "impersonate",
];
/// The verbs allowed with non-resource URLs.
const NON_RESOURCE_VERBS: &[&str] = &[
    "*", "get", "post", "put", "delete", "patch", "head", "options",
];

/// Verbs that only apply to some (group, resource) pairs.
const SPECIAL_VERBS: &[(&str, &[(&str, &str)])] = &[
    (
        "use",
        &[
            ("policy", "podsecuritypolicies"),
            ("extensions", "podsecuritypolicies"),
        ],
    ),
    (
        "bind",
        &[
            ("rbac.authorization.k8s.io", "roles"),
            ("rbac.authorization.k8s.io", "clusterroles"),
        ],
    ),
    (
        "escalate",
        &[
            ("rbac.authorization.k8s.io", "roles"),
            ("rbac.authorization.k8s.io", "clusterroles"),
        ],
    ),
    (
        "impersonate",
        &[
            ("", "users"),
            ("", "serviceaccounts"),
            ("", "groups"),
            ("authentication.k8s.io", "userextras"),
        ],
    ),
];

/// One `--resource`: `resource[.group][/subresource]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceArg {
    /// The API group (empty: any group, as typed).
    pub group: String,
    /// The resource as typed.
    pub resource: String,
    /// The subresource.
    pub subresource: String,
}

/// The options of `create role|clusterrole`.
#[derive(Debug, Clone, Default)]
pub struct RoleOptions {
    /// `--verb`, duplicates removed (`*` alone when present).
    pub verbs: Vec<String>,
    /// `--resource`.
    pub resources: Vec<ResourceArg>,
    /// `--resource-name`, duplicates removed.
    pub resource_names: Vec<String>,
    /// `--non-resource-url`, duplicates removed (cluster roles).
    pub non_resource_urls: Vec<String>,
    /// `--aggregation-rule` labels (cluster roles).
    pub aggregation: BTreeMap<String, String>,
}

fn dedup(items: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in items {
        if !out.contains(i) {
            out.push(i.clone());
        }
    }
    out
}

impl RoleOptions {
    /// `Complete()`: the flag values as kubectl normalizes them.
    pub fn new(
        verbs: &[String],
        resources: &[String],
        resource_names: &[String],
        non_resource_urls: &[String],
    ) -> RoleOptions {
        let verbs = if verbs.iter().any(|v| v == "*") {
            // `*` stands for every verb: the others are dropped.
            vec!["*".to_string()]
        } else {
            dedup(verbs)
        };
        let mut parsed = Vec::new();
        for r in resources {
            let (main, sub) = match r.split_once('/') {
                Some((m, s)) => (m, s.to_string()),
                None => (r.as_str(), String::new()),
            };
            let (resource, group) = match main.split_once('.') {
                Some((res, g)) => (res.to_string(), g.to_string()),
                None => (main.to_string(), String::new()),
            };
            let arg = ResourceArg {
                group,
                resource,
                subresource: sub,
            };
            if arg.resource == "*" && !main.contains('.') && !r.contains('/') {
                parsed = vec![arg];
                break;
            }
            parsed.push(arg);
        }
        RoleOptions {
            verbs,
            resources: parsed,
            resource_names: dedup(resource_names),
            non_resource_urls: dedup(non_resource_urls),
            aggregation: BTreeMap::new(),
        }
    }
}

/// `mapper.ResourceFor`: the served (group, plural) of what was typed.
fn resource_for(r: &ResourceArg) -> Result<(String, String), String> {
    let typed = if r.group.is_empty() {
        r.resource.clone()
    } else {
        format!("{}.{}", r.resource, r.group)
    };
    // `resolve` lower-cases as the mapper does (`Pod` is `pod`, the singular).
    match kinds::resolve(&typed) {
        Some(k) => Ok((k.group.to_string(), k.plural.to_string())),
        // The mapper's NoResourceMatchError, as kubectl's CheckErr words it.
        None if r.group.is_empty() => Err(format!(
            "the server doesn't have a resource type {:?}",
            r.resource
        )),
        None => Err(format!(
            "the server doesn't have a resource type {:?} in group {:?}",
            r.resource, r.group
        )),
    }
}

/// `validateResource`: every resource must be served, and special verbs only go with their
/// resources. Warnings for non-standard verbs are returned for stderr.
fn validate_resources(o: &RoleOptions) -> Result<(), String> {
    for r in &o.resources {
        if r.resource.is_empty() {
            return Err("resource must be specified if apiGroup/subresource specified".into());
        }
        if r.resource == "*" {
            return Ok(());
        }
        let mapped = resource_for(r);
        let (group, resource) = mapped
            .clone()
            .unwrap_or_else(|_| (r.group.clone(), r.resource.clone()));
        let mut special_matched = false;
        for v in &o.verbs {
            if let Some((_, allowed)) = SPECIAL_VERBS.iter().find(|(sv, _)| sv == v) {
                if !allowed
                    .iter()
                    .any(|(g, res)| *g == group && *res == resource)
                {
                    return Err(format!(
                        "can not perform '{v}' on '{resource}' in group '{group}'"
                    ));
                }
                special_matched = true;
            }
        }
        if !special_matched {
            mapped?;
        }
    }
    Ok(())
}

/// Warnings kubectl prints for verbs it does not know.
pub fn verb_warnings(o: &RoleOptions) -> Vec<String> {
    o.verbs
        .iter()
        .filter(|v| !RESOURCE_VERBS.contains(&v.as_str()))
        .map(|v| format!("Warning: '{v}' is not a standard resource verb"))
        .collect()
}

/// `Validate()` of `create role`; `warnings` (for stderr) are filled even when it fails.
pub fn validate_role(o: &RoleOptions, warnings: &mut Vec<String>) -> Result<(), String> {
    if o.verbs.is_empty() {
        return Err("at least one verb must be specified".into());
    }
    warnings.extend(verb_warnings(o));
    if o.resources.is_empty() {
        return Err("at least one resource must be specified".into());
    }
    validate_resources(o)
}

/// `Validate()` of `create clusterrole`; `warnings` as for [`validate_role`].
pub fn validate_cluster_role(o: &RoleOptions, warnings: &mut Vec<String>) -> Result<(), String> {
    if !o.aggregation.is_empty() {
        if !o.non_resource_urls.is_empty()
            || !o.verbs.is_empty()
            || !o.resources.is_empty()
            || !o.resource_names.is_empty()
        {
            return Err("aggregation rule must be specified without nonResourceURLs, verbs, resources or resourceNames".into());
        }
        return Ok(());
    }
    if o.verbs.is_empty() {
        return Err("at least one verb must be specified".into());
    }
    if o.resources.is_empty() && o.non_resource_urls.is_empty() {
        return Err("one of resource or nonResourceURL must be specified".into());
    }
    if !o.resources.is_empty() {
        warnings.extend(verb_warnings(o));
        validate_resources(o)?;
    }
    if !o.non_resource_urls.is_empty() {
        for v in &o.verbs {
            if !NON_RESOURCE_VERBS.contains(&v.as_str()) {
                return Err(format!("invalid verb: '{v}' for nonResourceURL"));
            }
        }
        for url in &o.non_resource_urls {
            if url == "*" {
                continue;
            }
            if !url.starts_with('/') {
                return Err("nonResourceURL should start with /".into());
            }
            // Everything before the last character (Go slices off its last byte).
            let last = url.chars().last().map_or(0, char::len_utf8);
            if url[..url.len() - last].contains('*') {
                return Err(
                    "nonResourceURL only supports wildcard matches when '*' is at the end".into(),
                );
            }
        }
    }
    Ok(())
}

/// `generateResourcePolicyRules`: one rule per API group (sorted), then the non-resource one.
pub fn rules(o: &RoleOptions) -> Value {
    let mut by_group: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in &o.resources {
        let (group, mut resource) =
            resource_for(r).unwrap_or_else(|_| (r.group.clone(), r.resource.clone()));
        if !r.subresource.is_empty() {
            resource = format!("{resource}/{}", r.subresource);
        }
        let list = by_group.entry(group).or_default();
        if !list.contains(&resource) {
            list.push(resource);
        }
    }
    let mut out = Vec::new();
    for (group, resources) in by_group {
        let mut rule = json!({"apiGroups": [group], "resources": resources, "verbs": o.verbs});
        if !o.resource_names.is_empty() {
            rule["resourceNames"] = json!(o.resource_names);
        }
        out.push(rule);
    }
    if !o.non_resource_urls.is_empty() {
        out.push(json!({"nonResourceURLs": o.non_resource_urls, "verbs": o.verbs}));
    }
    Value::Array(out)
}

/// The Role (namespaced) or ClusterRole.
pub fn role(kind: &str, name: &str, o: &RoleOptions) -> Value {
    let mut obj = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": kind,
        "metadata": {"creationTimestamp": null, "name": name},
    });
    if o.aggregation.is_empty() {
        obj["rules"] = rules(o);
    } else {
        obj["rules"] = Value::Null;
        let labels: Map<String, Value> = o
            .aggregation
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        obj["aggregationRule"] = json!({"clusterRoleSelectors": [{"matchLabels": labels}]});
    }
    obj
}

/// The subjects of a binding: users, then groups, then `namespace:name` service accounts.
pub fn subjects(users: &[String], groups: &[String], sas: &[String]) -> Result<Value, String> {
    let mut out = Vec::new();
    for u in users {
        out.push(json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": u}));
    }
    for g in groups {
        out.push(json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": g}));
    }
    for sa in sas {
        let parts: Vec<&str> = sa.split(':').collect();
        if parts.len() != 2 || parts[0].is_empty() || parts[1].is_empty() {
            return Err("serviceaccount must be <namespace>:<name>".into());
        }
        out.push(json!({"kind": kinds::SERVICE_ACCOUNT, "name": parts[1], "namespace": parts[0]}));
    }
    Ok(Value::Array(out))
}

/// A RoleBinding or ClusterRoleBinding to `ref_kind`/`ref_name`.
pub fn binding(kind: &str, name: &str, ref_kind: &str, ref_name: &str, subjects: Value) -> Value {
    let mut obj = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": kind,
        "metadata": {"creationTimestamp": null, "name": name},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": ref_kind, "name": ref_name},
    });
    if subjects.as_array().is_some_and(|a| !a.is_empty()) {
        obj["subjects"] = subjects;
    }
    obj
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn rules_group_by_api_group() {
        let o = RoleOptions::new(
            &s(&["get", "list", "get"]),
            &s(&["Pod", "deployments.apps", "rs", "pods/log"]),
            &[],
            &[],
        );
        let mut w = Vec::new();
        validate_role(&o, &mut w).unwrap();
        assert!(w.is_empty());
        let r = rules(&o);
        assert_eq!(r[0]["apiGroups"], json!([""]));
        assert_eq!(r[0]["resources"], json!(["pods", "pods/log"]));
        assert_eq!(r[1]["resources"], json!(["deployments", "replicasets"]));
        assert_eq!(r[0]["verbs"], json!(["get", "list"]));
        let bad = RoleOptions::new(&s(&["get"]), &s(&["foos"]), &[], &[]);
        assert_eq!(
            validate_role(&bad, &mut w).unwrap_err(),
            "the server doesn't have a resource type \"foos\""
        );
        let mut w = Vec::new();
        let wild = RoleOptions::new(&s(&["get"]), &[], &[], &s(&["/a*b", "/é"]));
        assert_eq!(
            validate_cluster_role(&wild, &mut w).unwrap_err(),
            "nonResourceURL only supports wildcard matches when '*' is at the end"
        );
        let accent = RoleOptions::new(&s(&["get"]), &[], &[], &s(&["/é", "/x/*"]));
        assert!(validate_cluster_role(&accent, &mut w).is_ok());
        let bind = RoleOptions::new(&s(&["bind"]), &s(&["pods"]), &[], &[]);
        assert_eq!(
            validate_role(&bind, &mut w).unwrap_err(),
            "can not perform 'bind' on 'pods' in group ''"
        );
        assert_eq!(
            subjects(&[], &[], &s(&["x"])).unwrap_err(),
            "serviceaccount must be <namespace>:<name>"
        );
    }
}
