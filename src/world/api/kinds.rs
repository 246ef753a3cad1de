//! API discovery: every resource type the simulated API server serves, with its group, version,
//! plural, short names and scope (what `kubectl api-resources` lists).

pub use super::kind_names::*;

/// One served resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindInfo {
    /// The kind, e.g. `Deployment`.
    pub kind: &'static str,
    /// API group, empty for the core group.
    pub group: &'static str,
    /// Version within the group.
    pub version: &'static str,
    /// Lower-case plural resource name, e.g. `deployments`.
    pub plural: &'static str,
    /// Lower-case singular name, e.g. `deployment`.
    pub singular: &'static str,
    /// Short names, e.g. `deploy`.
    pub short_names: &'static [&'static str],
    /// Whether objects live in a namespace.
    pub namespaced: bool,
    /// The verbs discovery lists for the resource (sorted, as the apiserver serves them).
    pub verbs: &'static [&'static str],
    /// The categories discovery lists (`all` for what `kubectl get all` shows).
    pub categories: &'static [&'static str],
}

/// Verbs of a resource with the whole REST storage (the usual case).
const ALL_VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
/// Verbs of namespaces and projects: no `deletecollection`.
const NO_COLLECTION_DELETE: &[&str] = &[
    "create", "delete", "get", "list", "patch", "update", "watch",
];
/// Verbs of OpenShift's imagestreamtags: no `deletecollection`, no `watch`.
const TAG_VERBS: &[&str] = &["create", "delete", "get", "list", "patch", "update"];
/// Verbs of OpenShift's imagestreamimages: read only.
const GET_ONLY: &[&str] = &["get"];

impl KindInfo {
    /// `apps/v1` or `v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `deployments.apps` or `pods`: the name used in API error messages.
    pub fn qualified_plural(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// `deployment.apps` or `pod`: the prefix kubectl's name printer uses.
    pub fn qualified_singular(&self) -> String {
        let kind = self.kind.to_ascii_lowercase();
        if self.group.is_empty() {
            kind
        } else {
            format!("{kind}.{}", self.group)
        }
    }
}

macro_rules! kinds {
    ($( $kind:literal $group:literal $version:literal $plural:literal $singular:literal [$($short:literal),*] $ns:literal $verbs:ident [$($cat:literal),*]; )*) => {
        /// Every resource type served, in `kubectl api-resources` order (core first, then by group).
        pub const KINDS: &[KindInfo] = &[
            $( KindInfo { kind: $kind, group: $group, version: $version, plural: $plural, singular: $singular, short_names: &[$($short),*], namespaced: $ns, verbs: $verbs, categories: &[$($cat),*] }, )*
        ];
    };
}

kinds! {
    "ConfigMap" "" "v1" "configmaps" "configmap" ["cm"] true ALL_VERBS [];
    "Endpoints" "" "v1" "endpoints" "endpoints" ["ep"] true ALL_VERBS [];
    "Event" "" "v1" "events" "event" ["ev"] true ALL_VERBS [];
    "LimitRange" "" "v1" "limitranges" "limitrange" ["limits"] true ALL_VERBS [];
    "Namespace" "" "v1" "namespaces" "namespace" ["ns"] false NO_COLLECTION_DELETE [];
    "Node" "" "v1" "nodes" "node" ["no"] false ALL_VERBS [];
    "PersistentVolumeClaim" "" "v1" "persistentvolumeclaims" "persistentvolumeclaim" ["pvc"] true ALL_VERBS [];
    "PersistentVolume" "" "v1" "persistentvolumes" "persistentvolume" ["pv"] false ALL_VERBS [];
    "Pod" "" "v1" "pods" "pod" ["po"] true ALL_VERBS ["all"];
    "PodTemplate" "" "v1" "podtemplates" "podtemplate" [] true ALL_VERBS [];
    "ReplicationController" "" "v1" "replicationcontrollers" "replicationcontroller" ["rc"] true ALL_VERBS ["all"];
    "ResourceQuota" "" "v1" "resourcequotas" "resourcequota" ["quota"] true ALL_VERBS [];
    "Secret" "" "v1" "secrets" "secret" [] true ALL_VERBS [];
    "ServiceAccount" "" "v1" "serviceaccounts" "serviceaccount" ["sa"] true ALL_VERBS [];
    "Service" "" "v1" "services" "service" ["svc"] true ALL_VERBS ["all"];
    "CustomResourceDefinition" "apiextensions.k8s.io" "v1" "customresourcedefinitions" "customresourcedefinition" ["crd", "crds"] false ALL_VERBS [];
    "ControllerRevision" "apps" "v1" "controllerrevisions" "controllerrevision" [] true ALL_VERBS [];
    "DaemonSet" "apps" "v1" "daemonsets" "daemonset" ["ds"] true ALL_VERBS ["all"];
    "Deployment" "apps" "v1" "deployments" "deployment" ["deploy"] true ALL_VERBS ["all"];
    "ReplicaSet" "apps" "v1" "replicasets" "replicaset" ["rs"] true ALL_VERBS ["all"];
    "StatefulSet" "apps" "v1" "statefulsets" "statefulset" ["sts"] true ALL_VERBS ["all"];
    "HorizontalPodAutoscaler" "autoscaling" "v2" "horizontalpodautoscalers" "horizontalpodautoscaler" ["hpa"] true ALL_VERBS ["all"];
    "CronJob" "batch" "v1" "cronjobs" "cronjob" ["cj"] true ALL_VERBS ["all"];
    "Job" "batch" "v1" "jobs" "job" [] true ALL_VERBS ["all"];
    "Lease" "coordination.k8s.io" "v1" "leases" "lease" [] true ALL_VERBS [];
    "EndpointSlice" "discovery.k8s.io" "v1" "endpointslices" "endpointslice" [] true ALL_VERBS [];
    "IngressClass" "networking.k8s.io" "v1" "ingressclasses" "ingressclass" [] false ALL_VERBS [];
    "Ingress" "networking.k8s.io" "v1" "ingresses" "ingress" ["ing"] true ALL_VERBS [];
    "NetworkPolicy" "networking.k8s.io" "v1" "networkpolicies" "networkpolicy" ["netpol"] true ALL_VERBS [];
    "RuntimeClass" "node.k8s.io" "v1" "runtimeclasses" "runtimeclass" [] false ALL_VERBS [];
    "PodDisruptionBudget" "policy" "v1" "poddisruptionbudgets" "poddisruptionbudget" ["pdb"] true ALL_VERBS [];
    "ClusterRoleBinding" "rbac.authorization.k8s.io" "v1" "clusterrolebindings" "clusterrolebinding" [] false ALL_VERBS [];
    "ClusterRole" "rbac.authorization.k8s.io" "v1" "clusterroles" "clusterrole" [] false ALL_VERBS [];
    "RoleBinding" "rbac.authorization.k8s.io" "v1" "rolebindings" "rolebinding" [] true ALL_VERBS [];
    "Role" "rbac.authorization.k8s.io" "v1" "roles" "role" [] true ALL_VERBS [];
    "PriorityClass" "scheduling.k8s.io" "v1" "priorityclasses" "priorityclass" ["pc"] false ALL_VERBS [];
    "StorageClass" "storage.k8s.io" "v1" "storageclasses" "storageclass" ["sc"] false ALL_VERBS [];
    "ImageStreamImage" "image.openshift.io" "v1" "imagestreamimages" "imagestreamimage" ["isimage"] true GET_ONLY [];
    "ImageStream" "image.openshift.io" "v1" "imagestreams" "imagestream" ["is"] true ALL_VERBS ["all"];
    "ImageStreamTag" "image.openshift.io" "v1" "imagestreamtags" "imagestreamtag" ["istag"] true TAG_VERBS [];
    "Image" "image.openshift.io" "v1" "images" "image" [] false ALL_VERBS [];
    "Project" "project.openshift.io" "v1" "projects" "project" [] false NO_COLLECTION_DELETE [];
    "Route" "route.openshift.io" "v1" "routes" "route" [] true ALL_VERBS ["all"];
}

/// Looks a kind up by its `kind` name (case-sensitive, e.g. `Deployment`).
pub fn by_kind(kind: &str) -> Option<&'static KindInfo> {
    KINDS.iter().find(|k| k.kind == kind)
}

/// Looks a kind up by `kind` and `apiVersion` as written in a manifest.
pub fn by_kind_and_api_version(kind: &str, api_version: &str) -> Option<&'static KindInfo> {
    KINDS
        .iter()
        .find(|k| k.kind == kind && k.api_version() == api_version)
}

/// Resolves what a user typed (`deploy`, `deployments`, `Deployment`, `deployments.apps`,
/// `deployment.v1.apps`) to a kind, as kubectl's RESTMapper does (case-insensitive).
pub fn resolve(name: &str) -> Option<&'static KindInfo> {
    let lower = name.to_ascii_lowercase();
    let (base, group) = match lower.split_once('.') {
        Some((b, g)) => (b.to_string(), Some(g.to_string())),
        None => (lower.clone(), None),
    };
    KINDS.iter().find(|k| {
        let name_matches = k.plural == base
            || k.singular == base
            || k.kind.eq_ignore_ascii_case(&base)
            || k.short_names.contains(&base.as_str());
        let group_matches = match &group {
            None => true,
            Some(g) => *g == k.group || *g == format!("{}.{}", k.version, k.group),
        };
        name_matches && group_matches
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_user_spellings() {
        for s in [
            "deploy",
            "deployment",
            "Deployments",
            "deployments.apps",
            "deployment.v1.apps",
        ] {
            assert_eq!(resolve(s).map(|k| k.kind), Some("Deployment"), "{s}");
        }
        assert_eq!(resolve("po").map(|k| k.kind), Some("Pod"));
        assert_eq!(resolve("is").map(|k| k.kind), Some("ImageStream"));
        assert_eq!(resolve("nope"), None);
        let d = by_kind("Deployment").unwrap();
        assert_eq!(d.qualified_plural(), "deployments.apps");
        assert_eq!(d.qualified_singular(), "deployment.apps");
        assert_eq!(by_kind("Pod").unwrap().qualified_singular(), "pod");
    }
}
