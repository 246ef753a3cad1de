//! From rendered templates to a release's manifest and hooks (`pkg/releaseutil`,
//! `action.renderResources`): files in path order, partials and blank files skipped, each split
//! on `---`, documents with a `helm.sh/hook` annotation made hooks, the rest stable-sorted by
//! Helm's install order of kinds and written as `---\n# Source: PATH\nDOC\n`.

use std::sync::OnceLock;

use serde_json::Value;

use super::release::Hook;

/// `releaseutil.InstallOrder`.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
];

/// `releaseutil.UninstallOrder`.
pub const UNINSTALL_ORDER: &[&str] = &[
    "APIService",
    "Ingress",
    "IngressClass",
    "Service",
    "CronJob",
    "Job",
    "StatefulSet",
    "HorizontalPodAutoscaler",
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "Pod",
    "DaemonSet",
    "RoleBindingList",
    "RoleBinding",
    "RoleList",
    "Role",
    "ClusterRoleBindingList",
    "ClusterRoleBinding",
    "ClusterRoleList",
    "ClusterRole",
    "CustomResourceDefinition",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "StorageClass",
    "ConfigMap",
    "SecretList",
    "Secret",
    "ServiceAccount",
    "PodDisruptionBudget",
    "PodSecurityPolicy",
    "LimitRange",
    "ResourceQuota",
    "NetworkPolicy",
    "Namespace",
    "PriorityClass",
];

const HOOK_EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];

/// One non-hook document.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// The template path (`mychart/templates/service.yaml`).
    pub name: String,
    pub content: String,
    pub kind: String,
}

fn sep() -> &'static regex::Regex {
    static R: OnceLock<regex::Regex> = OnceLock::new();
    R.get_or_init(|| regex::Regex::new(r"(?:^|\s*\n)---\s*").expect("valid regexp"))
}

/// `releaseutil.SplitManifests`, in file order.
pub fn split(big: &str) -> Vec<String> {
    sep()
        .split(big.trim())
        .filter(|d| !d.is_empty())
        .map(|d| d.trim().to_string())
        .collect()
}

fn rank(order: &[&str], kind: &str) -> Option<usize> {
    order.iter().position(|k| *k == kind)
}

/// `lessByKind`.
pub fn less_by_kind(a: &str, b: &str, order: &[&str]) -> bool {
    match (rank(order, a), rank(order, b)) {
        (None, None) => a < b,
        (None, Some(_)) => false,
        (Some(_), None) => true,
        (Some(x), Some(y)) => x < y,
    }
}

fn stable_sort_by_kind<T>(v: &mut [T], kind: impl Fn(&T) -> &str, order: &[&str]) {
    v.sort_by(|x, y| {
        let (a, b) = (kind(x), kind(y));
        if less_by_kind(a, b, order) {
            std::cmp::Ordering::Less
        } else if less_by_kind(b, a, order) {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    });
}

/// `SortManifests`: (hooks, manifests) from (path, rendered text) pairs.
pub fn sort_manifests(files: &[(String, String)]) -> Result<(Vec<Hook>, Vec<Manifest>), String> {
    let mut files: Vec<&(String, String)> = files.iter().collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut hooks = Vec::new();
    let mut generic = Vec::new();
    for (path, content) in files {
        let base = path.rsplit('/').next().unwrap_or(path);
        if base.starts_with('_') || content.trim().is_empty() {
            continue;
        }
        for doc in split(content) {
            let head = crate::kubectl::manifest_yaml::yaml_document_to_json(&doc)
                .map_err(|e| {
                    format!("YAML parse error on {path}: error converting YAML to JSON: {e}")
                })?
                .unwrap_or(Value::Null);
            let kind = head
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let ann = head
                .pointer("/metadata/annotations")
                .and_then(Value::as_object);
            let hook_types = ann
                .and_then(|a| a.get("helm.sh/hook"))
                .and_then(Value::as_str);
            let Some(types) = hook_types else {
                generic.push(Manifest {
                    name: path.clone(),
                    content: doc,
                    kind,
                });
                continue;
            };
            let a = ann.cloned().unwrap_or_default();
            let weight = a
                .get("helm.sh/hook-weight")
                .and_then(Value::as_str)
                .and_then(|w| w.parse::<i64>().ok())
                .unwrap_or(0);
            let mut events = Vec::new();
            let mut unknown = false;
            for t in types.split(',') {
                let t = t.trim().to_lowercase();
                if HOOK_EVENTS.contains(&t.as_str()) {
                    events.push(if t == "test-success" {
                        "test".to_string()
                    } else {
                        t
                    });
                } else {
                    unknown = true;
                    break;
                }
            }
            if unknown {
                continue;
            }
            let list = |k: &str| -> Vec<String> {
                a.get(k)
                    .and_then(Value::as_str)
                    .map(|v| v.split(',').map(|x| x.trim().to_lowercase()).collect())
                    .unwrap_or_default()
            };
            hooks.push(Hook {
                name: head
                    .pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                kind,
                path: path.clone(),
                manifest: doc,
                events,
                weight,
                delete_policies: list("helm.sh/hook-delete-policy"),
                ..Hook::default()
            });
        }
    }
    stable_sort_by_kind(&mut hooks, |h| h.kind.as_str(), INSTALL_ORDER);
    stable_sort_by_kind(&mut generic, |m| m.kind.as_str(), INSTALL_ORDER);
    Ok((hooks, generic))
}

/// The release's manifest text.
pub fn manifest_text(manifests: &[Manifest]) -> String {
    manifests
        .iter()
        .map(|m| format!("---\n# Source: {}\n{}\n", m.name, m.content))
        .collect()
}

/// `helm template`'s text: the release's manifest trimmed plus a newline, then each hook as
/// `---\n# Source: PATH\nDOC\n` (test hooks left out when `skip_tests`).
pub fn template_text(manifest: &str, hooks: &[Hook], skip_tests: bool) -> String {
    let mut out = format!("{}\n", manifest.trim());
    for k in hooks {
        if skip_tests && k.events.iter().any(|e| e == "test") {
            continue;
        }
        out.push_str(&format!("---\n# Source: {}\n{}\n", k.path, k.manifest));
    }
    out
}

/// The documents of a stored manifest, sorted for uninstall (`UninstallOrder`).
pub fn uninstall_sorted(objects: &mut [Value]) {
    stable_sort_by_kind(
        objects,
        |o| o.get("kind").and_then(Value::as_str).unwrap_or(""),
        UNINSTALL_ORDER,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_by_kind_and_splits_hooks() {
        let files = vec![
            (
                "c/templates/deployment.yaml".to_string(),
                "kind: Deployment\nmetadata:\n  name: d\n".to_string(),
            ),
            (
                "c/templates/service.yaml".to_string(),
                "---\nkind: Service\nmetadata:\n  name: s\n".to_string(),
            ),
            ("c/templates/_helpers.tpl".to_string(), "x".to_string()),
            ("c/templates/hpa.yaml".to_string(), "\n".to_string()),
            (
                "c/templates/tests/t.yaml".to_string(),
                "kind: Pod\nmetadata:\n  name: t\n  annotations:\n    \"helm.sh/hook\": test\n"
                    .to_string(),
            ),
            (
                "c/templates/serviceaccount.yaml".to_string(),
                "kind: ServiceAccount\nmetadata:\n  name: a\n".to_string(),
            ),
        ];
        let (hooks, ms) = sort_manifests(&files).unwrap();
        let kinds: Vec<&str> = ms.iter().map(|m| m.kind.as_str()).collect();
        assert_eq!(kinds, ["ServiceAccount", "Service", "Deployment"]);
        assert_eq!(hooks[0].events, ["test"]);
        assert!(
            manifest_text(&ms).starts_with(
                "---\n# Source: c/templates/serviceaccount.yaml\nkind: ServiceAccount\n"
            )
        );
        assert_eq!(split("a: 1\n---\nb: 2\n"), ["a: 1", "b: 2"]);
    }
}
