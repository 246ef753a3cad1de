//! The ClusterRoles and ClusterRoleBindings every Kubernetes 1.32 cluster set up by kubeadm has
//! (the apiserver's bootstrap policy, plus kubeadm's `kubeadm:cluster-admins` binding), as far
//! as people use them: `cluster-admin`, the aggregated `admin`, `edit` and `view` with their
//! `system:aggregate-to-*` parts, and the roles every authenticated user holds
//! (`system:basic-user`, `system:discovery`, `system:public-info-viewer`). The controllers'
//! and nodes' own roles (`system:controller:*`, `system:node`, ...) are not here: no request
//! of a student authenticates as them.
//!
//! The table below is kubelab's own compact notation:
//! `role NAME [LABEL ...]` starts a role (a LABEL is `aggregate-to-X`, the label
//! `rbac.authorization.k8s.io/aggregate-to-X: "true"`), `aggregates X` makes it an aggregated
//! role (its rules are those of the roles labelled `aggregate-to-X`), and each other line is one
//! rule, `VERBS | GROUPS | RESOURCES [| NAMES]` or `url VERBS | PATHS`, lists separated by
//! spaces (`-` is the core group "").

use std::sync::OnceLock;

use super::rules::Rule;

/// One default ClusterRole.
#[derive(Debug, Clone)]
pub struct DefaultRole {
    pub name: String,
    /// The `aggregate-to-X` labels it carries (X).
    pub aggregate_to: Vec<String>,
    /// The label its aggregation rule selects (`aggregate-to-X`), if it is aggregated.
    pub aggregates: Option<String>,
    pub rules: Vec<Rule>,
}

/// One default ClusterRoleBinding: (name, role, subjects as (kind, name)).
pub type DefaultBinding = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const RW: &str = "create delete deletecollection patch update";
const RO: &str = "get list watch";
const ALL: &str = "create delete deletecollection get list patch update watch";

fn table() -> String {
    format!(
        "role cluster-admin
*|*|*
url *|*
role admin
aggregates admin
role edit aggregate-to-admin
aggregates edit
role view aggregate-to-edit
aggregates view
role system:aggregate-to-admin aggregate-to-admin
create|authorization.k8s.io|localsubjectaccessreviews
{ALL}|rbac.authorization.k8s.io|rolebindings roles
role system:aggregate-to-edit aggregate-to-edit
{RO}|-|pods/attach pods/exec pods/portforward pods/proxy secrets services/proxy
impersonate|-|serviceaccounts
{RW}|-|pods pods/attach pods/exec pods/portforward pods/proxy
create|-|pods/eviction
{RW}|-|configmaps events persistentvolumeclaims replicationcontrollers replicationcontrollers/scale secrets serviceaccounts services services/proxy
create|-|serviceaccounts/token
{RW}|apps|daemonsets deployments deployments/rollback deployments/scale replicasets replicasets/scale statefulsets statefulsets/scale
{RW}|autoscaling|horizontalpodautoscalers
{RW}|batch|cronjobs jobs
{RW}|extensions|daemonsets deployments deployments/rollback deployments/scale ingresses networkpolicies replicasets replicasets/scale replicationcontrollers/scale
{RW}|policy|poddisruptionbudgets
{RW}|networking.k8s.io|ingresses networkpolicies
{ALL}|coordination.k8s.io|leases
role system:aggregate-to-view aggregate-to-view
{RO}|-|configmaps endpoints persistentvolumeclaims persistentvolumeclaims/status pods replicationcontrollers replicationcontrollers/scale serviceaccounts services services/status
{RO}|-|bindings events limitranges namespaces/status pods/log pods/status replicationcontrollers/status resourcequotas resourcequotas/status
{RO}|-|namespaces
{RO}|discovery.k8s.io|endpointslices
{RO}|apps|controllerrevisions daemonsets daemonsets/status deployments deployments/scale deployments/status replicasets replicasets/scale replicasets/status statefulsets statefulsets/scale statefulsets/status
{RO}|autoscaling|horizontalpodautoscalers horizontalpodautoscalers/status
{RO}|batch|cronjobs cronjobs/status jobs jobs/status
{RO}|extensions|daemonsets daemonsets/status deployments deployments/scale deployments/status ingresses ingresses/status networkpolicies replicasets replicasets/scale replicasets/status replicationcontrollers/scale
{RO}|policy|poddisruptionbudgets poddisruptionbudgets/status
{RO}|networking.k8s.io|ingresses ingresses/status networkpolicies
role system:auth-delegator
create|authentication.k8s.io|tokenreviews
create|authorization.k8s.io|subjectaccessreviews
role system:basic-user
create|authorization.k8s.io|selfsubjectaccessreviews selfsubjectrulesreviews
create|authentication.k8s.io|selfsubjectreviews
role system:discovery
url get|/api /api/* /apis /apis/* /healthz /livez /openapi /openapi/* /readyz /version /version/
role system:monitoring
url get|/healthz /healthz/* /livez /livez/* /metrics /metrics/slis /readyz /readyz/*
role system:public-info-viewer
url get|/healthz /livez /readyz /version /version/
role self-provisioner
create|project.openshift.io|projectrequests
role system:service-account-issuer-discovery
url get|/.well-known/openid-configuration /.well-known/openid-configuration/ /openid/v1/jwks /openid/v1/jwks/
"
    )
}

fn words(s: &str) -> Vec<String> {
    s.split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| {
            if w == "-" {
                String::new()
            } else {
                w.to_string()
            }
        })
        .collect()
}

fn parse(text: &str) -> Vec<DefaultRole> {
    let mut roles: Vec<DefaultRole> = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        if let Some(rest) = line.strip_prefix("role ") {
            let mut w = rest.split(' ');
            let name = w.next().unwrap_or_default().to_string();
            let aggregate_to = w
                .filter_map(|l| l.strip_prefix("aggregate-to-"))
                .map(str::to_string)
                .collect();
            roles.push(DefaultRole {
                name,
                aggregate_to,
                aggregates: None,
                rules: vec![],
            });
            continue;
        }
        let Some(role) = roles.last_mut() else {
            continue;
        };
        if let Some(x) = line.strip_prefix("aggregates ") {
            role.aggregates = Some(x.to_string());
        } else if let Some(url) = line.strip_prefix("url ") {
            let (verbs, paths) = url.split_once('|').unwrap_or((url, ""));
            role.rules.push(Rule {
                verbs: words(verbs),
                non_resource_urls: words(paths),
                ..Rule::default()
            });
        } else {
            let parts: Vec<&str> = line.split('|').collect();
            role.rules.push(Rule {
                verbs: words(parts.first().copied().unwrap_or("")),
                api_groups: words(parts.get(1).copied().unwrap_or("")),
                resources: words(parts.get(2).copied().unwrap_or("")),
                resource_names: words(parts.get(3).copied().unwrap_or("")),
                non_resource_urls: vec![],
            });
        }
    }
    roles
}

/// The default ClusterRoles, by name.
pub fn roles() -> &'static [DefaultRole] {
    static ROLES: OnceLock<Vec<DefaultRole>> = OnceLock::new();
    ROLES.get_or_init(|| {
        let mut r = parse(&table());
        r.sort_by(|a, b| a.name.cmp(&b.name));
        r
    })
}

/// A default ClusterRole by name.
pub fn role(name: &str) -> Option<&'static DefaultRole> {
    let r = roles();
    r.binary_search_by(|x| x.name.as_str().cmp(name))
        .ok()
        .map(|i| &r[i])
}

/// The default ClusterRoleBindings, in name order.
pub const BINDINGS: &[DefaultBinding] = &[
    (
        "cluster-admin",
        "cluster-admin",
        &[("Group", "system:masters")],
    ),
    (
        "kubeadm:cluster-admins",
        "cluster-admin",
        &[("Group", "kubeadm:cluster-admins")],
    ),
    // OpenShift's: every user who logged in through the OAuth server may request projects.
    ("self-provisioners", "self-provisioner", &[("Group", OAUTH)]),
    (
        "system:basic-user",
        "system:basic-user",
        &[("Group", "system:authenticated")],
    ),
    (
        "system:discovery",
        "system:discovery",
        &[("Group", "system:authenticated")],
    ),
    (
        "system:monitoring",
        "system:monitoring",
        &[("Group", "system:monitoring")],
    ),
    (
        "system:public-info-viewer",
        "system:public-info-viewer",
        &[
            ("Group", "system:authenticated"),
            ("Group", "system:unauthenticated"),
        ],
    ),
    (
        "system:service-account-issuer-discovery",
        "system:service-account-issuer-discovery",
        &[("Group", "system:serviceaccounts")],
    ),
];

/// The group OpenShift's OAuth server puts the users it authenticates in.
pub const OAUTH: &str = "system:authenticated:oauth";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_parses_into_the_bootstrap_roles() {
        let view = role("system:aggregate-to-view").unwrap();
        assert_eq!(view.aggregate_to, vec!["view"]);
        assert_eq!(view.rules.len(), 10);
        assert_eq!(view.rules[0].verbs, vec!["get", "list", "watch"]);
        assert_eq!(view.rules[0].api_groups, vec![""]);
        assert_eq!(role("edit").unwrap().aggregates.as_deref(), Some("edit"));
        assert_eq!(role("edit").unwrap().aggregate_to, vec!["admin"]);
        let d = role("system:discovery").unwrap();
        assert_eq!(d.rules[0].non_resource_urls.len(), 11);
        assert!(role("system:node").is_none());
        for (_, r, _) in BINDINGS {
            assert!(role(r).is_some(), "{r}");
        }
    }
}
