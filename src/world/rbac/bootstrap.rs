//! The default ClusterRoles and ClusterRoleBindings ([`super::defaults`]) as the objects the
//! API server writes at start-up (its bootstrap policy: the label
//! `kubernetes.io/bootstrapping: rbac-defaults` and the annotation
//! `rbac.authorization.kubernetes.io/autoupdate: "true"`), so that `kubectl get clusterroles`
//! lists them. An aggregated role is stored with its `aggregationRule` and the rules the
//! aggregation controller gathered; the authorizer reads stored roles first, so a student who
//! edits or deletes one sees the effect.

use crate::world::api::kinds;
use serde_json::{Value, json};

use super::defaults::{self, DefaultRole};
use super::rules::Rule;

fn rule_object(r: &Rule) -> Value {
    let mut o = serde_json::Map::new();
    if !r.non_resource_urls.is_empty() {
        o.insert("nonResourceURLs".into(), json!(r.non_resource_urls));
    } else {
        o.insert("apiGroups".into(), json!(r.api_groups));
        if !r.resource_names.is_empty() {
            o.insert("resourceNames".into(), json!(r.resource_names));
        }
        o.insert("resources".into(), json!(r.resources));
    }
    o.insert("verbs".into(), json!(r.verbs));
    Value::Object(o)
}

/// The rules an aggregated role gathers: those of every role labelled `aggregate-to-X`, in
/// name order, each once.
fn gathered(x: &str, depth: usize) -> Vec<Rule> {
    let mut rules: Vec<Rule> = Vec::new();
    if depth > 4 {
        return rules;
    }
    for d in defaults::roles()
        .iter()
        .filter(|d| d.aggregate_to.iter().any(|a| a == x))
    {
        for r in rules_of(d, depth + 1) {
            if !rules.contains(&r) {
                rules.push(r);
            }
        }
    }
    rules
}

fn rules_of(d: &DefaultRole, depth: usize) -> Vec<Rule> {
    match &d.aggregates {
        Some(x) => gathered(x, depth),
        None => d.rules.clone(),
    }
}

fn is_openshift(name: &str) -> bool {
    matches!(name, "self-provisioner" | "self-provisioners")
}

/// The ClusterRoles and ClusterRoleBindings to store (OpenShift's `self-provisioner` and its
/// binding only when the cluster serves OpenShift's API).
pub fn objects(openshift: bool) -> Vec<Value> {
    let bootstrap = |name: &str| {
        json!({
            "name": name,
            "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"},
            "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"},
        })
    };
    let mut out = Vec::new();
    for d in defaults::roles() {
        if !openshift && is_openshift(&d.name) {
            continue;
        }
        let mut md = bootstrap(&d.name);
        for x in &d.aggregate_to {
            md["labels"][format!("rbac.authorization.k8s.io/aggregate-to-{x}")] = json!("true");
        }
        let rules: Vec<Value> = rules_of(d, 0).iter().map(rule_object).collect();
        let mut role = json!({
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": kinds::CLUSTER_ROLE,
            "metadata": md, "rules": rules,
        });
        if let Some(x) = &d.aggregates {
            role["aggregationRule"] = json!({"clusterRoleSelectors": [{"matchLabels": {
                format!("rbac.authorization.k8s.io/aggregate-to-{x}"): "true"
            }}]});
        }
        out.push(role);
    }
    for (name, role, subjects) in defaults::BINDINGS {
        if !openshift && is_openshift(name) {
            continue;
        }
        let mut md = bootstrap(name);
        if name.starts_with("kubeadm:") {
            // kubeadm writes its own binding, without the bootstrap marks.
            md = json!({"name": name});
        }
        let subjects: Vec<Value> = subjects
            .iter()
            .map(|(kind, n)| json!({"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": n}))
            .collect();
        out.push(json!({
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": kinds::CLUSTER_ROLE_BINDING,
            "metadata": md,
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": kinds::CLUSTER_ROLE, "name": role},
            "subjects": subjects,
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregated_roles_carry_their_members_rules() {
        let objs = objects(false);
        let view = objs
            .iter()
            .find(|o| o["metadata"]["name"] == "view")
            .expect("view");
        assert_eq!(
            view["aggregationRule"]["clusterRoleSelectors"][0]["matchLabels"]["rbac.authorization.k8s.io/aggregate-to-view"],
            "true"
        );
        assert_eq!(
            view["metadata"]["labels"]["rbac.authorization.k8s.io/aggregate-to-edit"],
            "true"
        );
        assert!(!view["rules"].as_array().expect("rules").is_empty());
        assert!(
            !objs
                .iter()
                .any(|o| o["metadata"]["name"] == "self-provisioner")
        );
        assert!(
            objects(true)
                .iter()
                .any(|o| o["metadata"]["name"] == "self-provisioners")
        );
    }
}
