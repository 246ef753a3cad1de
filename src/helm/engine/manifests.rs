//! Rendered files → manifests and hooks (`pkg/releaseutil/manifest_sorter.go`,
//! `kind_sorter.go`, `pkg/action/action.go` `renderResources`).

/// One YAML document of a rendered file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The template path (`mychart/templates/service.yaml`).
    pub path: String,
    /// The document text, trimmed.
    pub content: String,
    /// `kind:` of the document ("" when absent).
    pub kind: String,
    /// The `helm.sh/hook` annotation's value, when the document is a hook.
    pub hook: Option<String>,
}

/// Helm's `InstallOrder` of kinds.
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

/// Splits the rendered files (already sorted by path) into documents on Helm's separator
/// (`(?:^|\s*\n)---\s*`), drops blank ones, takes hooks out, and stable-sorts the manifests
/// into install order (unknown kinds last, by kind name). Returns `(manifests, hooks)`.
pub fn split_and_sort(files: &[(String, String)]) -> (Vec<Manifest>, Vec<Manifest>) {
    let mut manifests = Vec::new();
    let mut hooks = Vec::new();
    for (path, text) in files {
        let base = path.rsplit('/').next().unwrap_or("");
        if base.starts_with('_') || base == "NOTES.txt" {
            continue;
        }
        for doc in split_documents(text) {
            let content = doc.trim().to_string();
            if content.is_empty() {
                continue;
            }
            let (kind, hook) = kind_and_hook(&content);
            let m = Manifest {
                path: path.clone(),
                content,
                kind,
                hook,
            };
            if m.hook.is_some() {
                hooks.push(m);
            } else {
                manifests.push(m);
            }
        }
    }
    manifests.sort_by(|a, b| {
        let rank = |k: &str| INSTALL_ORDER.iter().position(|x| *x == k);
        match (rank(&a.kind), rank(&b.kind)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.kind.cmp(&b.kind),
        }
    });
    (manifests, hooks)
}

/// `helm template`'s output: the manifests as `---\n# Source: PATH\nDOC\n`, the whole trimmed
/// plus a newline, then each hook the same way.
pub fn template_output(manifests: &[Manifest], hooks: &[Manifest]) -> String {
    let mut body = String::new();
    for m in manifests {
        body.push_str(&format!("---\n# Source: {}\n{}\n", m.path, m.content));
    }
    let mut out = String::new();
    let trimmed = body.trim();
    if !trimmed.is_empty() {
        out.push_str(trimmed);
        out.push('\n');
    }
    for h in hooks {
        out.push_str(&format!("---\n# Source: {}\n{}\n", h.path, h.content));
    }
    out
}

/// The regexp `(?:^|\s*\n)---\s*` as a splitter.
fn split_documents(text: &str) -> Vec<String> {
    let re = sep_regex();
    re.split(text).map(String::from).collect()
}

fn sep_regex() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"(?:^|\s*\n)---\s*").unwrap_or_else(|_| unreachable_regex())
    })
}

fn unreachable_regex() -> regex::Regex {
    // The literal pattern above always compiles; this keeps the code panic-free.
    regex::Regex::new("$^").unwrap_or_else(|_| unreachable_regex())
}

/// The document's `kind` and `helm.sh/hook` annotation, read as YAML (a document that does not
/// parse has neither).
fn kind_and_hook(doc: &str) -> (String, Option<String>) {
    let Ok(Some(v)) = crate::kubectl::manifest_yaml::yaml_document_to_json(doc) else {
        return (String::new(), None);
    };
    let kind = v
        .get("kind")
        .and_then(|k| k.as_str())
        .unwrap_or("")
        .to_string();
    let hook = v
        .pointer("/metadata/annotations")
        .and_then(|a| a.get("helm.sh/hook"))
        .and_then(|h| h.as_str())
        .map(String::from);
    (kind, hook)
}
