//! RBAC authorization of users' requests, as the apiserver's RBAC authorizer decides them
//! (`plugin/pkg/auth/authorizer/rbac/`): the ClusterRoleBindings, then the RoleBindings of the
//! request's namespace, whose subjects name the user, one of its groups or its service
//! account; the first rule of their roles that covers the request allows it. A denial is the
//! apiserver's Forbidden error with its text, and the reasons of bindings whose role is missing.
//!
//! Who asks: the front end sets the requester of a command (the kubeconfig's user, or whom
//! `--as` impersonates); controllers' and lab scripts' own writes have none and are never
//! checked. The default roles and bindings of a cluster are built in ([`defaults`]).

pub mod bootstrap;
pub mod defaults;
pub mod rules;

use std::collections::BTreeMap;

use serde_json::Value;

use super::World;
use super::api::error::ApiError;
use super::api::kinds::{self, KindInfo};
use super::api::meta;
use super::api::selector::Selector;
pub use rules::{Request, Rule};

/// Who makes a request, as the authenticator saw it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserInfo {
    pub name: String,
    pub uid: String,
    pub groups: Vec<String>,
}

/// The group every authenticated user is in.
pub const AUTHENTICATED: &str = "system:authenticated";

impl UserInfo {
    /// kubeadm's `kubernetes-admin` (admin.conf): a cluster-admin through its group.
    pub fn kubernetes_admin() -> UserInfo {
        UserInfo {
            name: "kubernetes-admin".into(),
            uid: String::new(),
            groups: vec!["kubeadm:cluster-admins".into(), AUTHENTICATED.into()],
        }
    }

    /// A service account's identity: `system:serviceaccount:NS:NAME` in the groups
    /// `system:serviceaccounts` and `system:serviceaccounts:NS`.
    pub fn service_account(ns: &str, name: &str) -> UserInfo {
        UserInfo {
            name: format!("system:serviceaccount:{ns}:{name}"),
            uid: String::new(),
            groups: vec![
                "system:serviceaccounts".into(),
                format!("system:serviceaccounts:{ns}"),
                AUTHENTICATED.into(),
            ],
        }
    }

    /// The service account a user name stands for: (namespace, name).
    pub fn as_service_account(name: &str) -> Option<(&str, &str)> {
        let rest = name.strip_prefix("system:serviceaccount:")?;
        let (ns, sa) = rest.split_once(':')?;
        (!ns.is_empty() && !sa.is_empty() && !sa.contains(':')).then_some((ns, sa))
    }
}

/// A user a lab defines (`cluster.add_user`): its groups and credentials.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Account {
    pub groups: Vec<String>,
    /// The password `oc login -u NAME -p PASSWORD` takes (the identity provider's).
    pub password: String,
    /// The bearer token its kubeconfig entry carries.
    pub token: String,
    pub uid: String,
}

/// The authorization state of the world: the lab's users and who makes the current requests.
#[derive(Debug, Clone)]
pub struct Auth {
    /// Users by name.
    pub users: BTreeMap<String, Account>,
    /// Who makes the current user requests; None: internal requests, not checked.
    pub requester: Option<UserInfo>,
    /// The verb a write of a whole object is authorized as: kubectl sends most changes as a
    /// `patch` (label, apply, scale, set, edit), `replace` as an `update`.
    pub update_verb: &'static str,
    /// The subresource such writes go to (`scale` for `kubectl scale`).
    pub update_subresource: &'static str,
    /// Users added since the workstation's kubeconfig last took them in.
    pub added: Vec<String>,
    /// Tokens the OAuth server handed out (`oc login`), to the user they stand for.
    pub tokens: BTreeMap<String, String>,
}

impl Default for Auth {
    fn default() -> Self {
        Auth {
            users: BTreeMap::new(),
            requester: None,
            update_verb: "update",
            update_subresource: "",
            added: Vec::new(),
            tokens: BTreeMap::new(),
        }
    }
}

impl Auth {
    /// The identity of a lab user (its groups and `system:authenticated`).
    pub fn user_info(&self, name: &str) -> Option<UserInfo> {
        let a = self.users.get(name)?;
        let mut groups = a.groups.clone();
        groups.push(AUTHENTICATED.into());
        Some(UserInfo {
            name: name.into(),
            uid: a.uid.clone(),
            groups,
        })
    }

    /// Adds (or replaces) a lab user; its kubeconfig credentials are a token of its own.
    pub fn add_user(&mut self, name: &str, groups: Vec<String>, password: &str) {
        let token = format!("kubelab-token-{name}");
        self.users.insert(
            name.to_string(),
            Account {
                groups,
                password: password.to_string(),
                token,
                uid: String::new(),
            },
        );
        if !self.added.iter().any(|n| n == name) {
            self.added.push(name.to_string());
        }
    }

    /// The lab user a bearer token belongs to.
    pub fn by_token(&self, token: &str) -> Option<UserInfo> {
        if let Some(name) = self.tokens.get(token) {
            let mut u = self.user_info(name)?;
            u.groups
                .insert(u.groups.len() - 1, defaults::OAUTH.to_string());
            return Some(u);
        }
        let (name, _) = self
            .users
            .iter()
            .find(|(_, a)| !a.token.is_empty() && a.token == token)?;
        self.user_info(name)
    }
}

/// Whether a binding's subject is the user (upstream's `appliesToUser`); `binding_ns` is the
/// binding's namespace ("" for a ClusterRoleBinding).
fn subject_applies(subject: &Value, user: &UserInfo, binding_ns: &str) -> bool {
    let kind = subject.get("kind").and_then(Value::as_str).unwrap_or("");
    let name = subject.get("name").and_then(Value::as_str).unwrap_or("");
    match kind {
        "User" => user.name == name,
        "Group" => user.groups.iter().any(|g| g == name),
        kinds::SERVICE_ACCOUNT => {
            let ns = subject
                .get("namespace")
                .and_then(Value::as_str)
                .filter(|n| !n.is_empty())
                .unwrap_or(binding_ns);
            !ns.is_empty() && user.name == format!("system:serviceaccount:{ns}:{name}")
        }
        _ => false,
    }
}

/// What walking the policy found for one user: the rules that apply, in the order the
/// authorizer visits them, and the errors of bindings whose role is missing.
#[derive(Debug, Default)]
pub struct Visit {
    pub rules: Vec<Rule>,
    pub errors: Vec<String>,
}

const AGGREGATION_DEPTH: usize = 4;

impl World {
    /// Sets who makes the following user requests (None: nobody is checked).
    pub fn set_requester(&mut self, user: Option<UserInfo>) {
        self.auth.requester = user;
    }

    fn rbac_kind(kind: &str) -> &'static KindInfo {
        kinds::by_kind(kind).expect("RBAC kinds are served")
    }

    /// The rules of a ClusterRole: stored, else built in; an aggregated role's are those of
    /// the roles its selectors pick, in name order, without repeats (what the aggregation
    /// controller writes). None: no such role.
    pub fn cluster_role_rules(&self, name: &str) -> Option<Vec<Rule>> {
        self.cluster_role_rules_at(name, 0)
    }

    fn cluster_role_rules_at(&self, name: &str, depth: usize) -> Option<Vec<Rule>> {
        let kind = Self::rbac_kind(kinds::CLUSTER_ROLE);
        if let Some(stored) = self.store.get(kind, "", name) {
            return Some(match stored.get("aggregationRule") {
                Some(agg) if !agg.is_null() => {
                    let selectors: Vec<Selector> = agg
                        .get("clusterRoleSelectors")
                        .and_then(Value::as_array)
                        .map(|a| a.iter().map(Selector::from_label_selector).collect())
                        .unwrap_or_default();
                    self.aggregate(name, &selectors, depth)
                }
                _ => Rule::all_of(stored),
            });
        }
        let d = defaults::role(name)?;
        Some(match &d.aggregates {
            Some(x) => {
                let mut labels = BTreeMap::new();
                labels.insert(
                    format!("rbac.authorization.k8s.io/aggregate-to-{x}"),
                    "true".to_string(),
                );
                self.aggregate(name, &[Selector::from_map(&labels)], depth)
            }
            None => d.rules.clone(),
        })
    }

    /// The rules of the ClusterRoles (stored and built in) whose labels one of the selectors
    /// matches, by role name.
    fn aggregate(&self, me: &str, selectors: &[Selector], depth: usize) -> Vec<Rule> {
        if depth >= AGGREGATION_DEPTH || selectors.is_empty() {
            return vec![];
        }
        let kind = Self::rbac_kind(kinds::CLUSTER_ROLE);
        let mut members: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for d in defaults::roles() {
            let labels = d
                .aggregate_to
                .iter()
                .map(|x| {
                    (
                        format!("rbac.authorization.k8s.io/aggregate-to-{x}"),
                        "true".to_string(),
                    )
                })
                .collect();
            members.insert(d.name.clone(), labels);
        }
        for o in self.store.list(kind, None) {
            members.insert(meta::name(o).to_string(), meta::labels(o));
        }
        let mut rules: Vec<Rule> = Vec::new();
        for (name, labels) in &members {
            if name == me || !selectors.iter().any(|s| s.matches(labels)) {
                continue;
            }
            for r in self
                .cluster_role_rules_at(name, depth + 1)
                .unwrap_or_default()
            {
                if !rules.contains(&r) {
                    rules.push(r);
                }
            }
        }
        rules
    }

    /// The rules of a role a binding refers to, or the error the authorizer records.
    fn role_ref_rules(&self, binding: &Value, binding_ns: &str) -> Result<Vec<Rule>, String> {
        let kind = binding
            .pointer("/roleRef/kind")
            .and_then(Value::as_str)
            .unwrap_or("");
        let name = binding
            .pointer("/roleRef/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        match kind {
            kinds::ROLE => self
                .store
                .get(Self::rbac_kind(kinds::ROLE), binding_ns, name)
                .map(Rule::all_of)
                .ok_or_else(|| format!("role.rbac.authorization.k8s.io \"{name}\" not found")),
            kinds::CLUSTER_ROLE => self.cluster_role_rules(name).ok_or_else(|| {
                format!("clusterrole.rbac.authorization.k8s.io \"{name}\" not found")
            }),
            _ => Err(format!("unsupported role reference kind: \"{kind}\"")),
        }
    }

    /// Walks the policy for `user` in `namespace` ("": the cluster-wide bindings only),
    /// stopping early when `stop` says a rule is enough.
    pub fn visit_rules(
        &self,
        user: &UserInfo,
        namespace: &str,
        mut stop: impl FnMut(&Rule) -> bool,
    ) -> (bool, Visit) {
        let mut visit = Visit::default();
        let mut take = |visit: &mut Visit, rules: Result<Vec<Rule>, String>| -> bool {
            match rules {
                Ok(rules) => {
                    for r in rules {
                        if stop(&r) {
                            return true;
                        }
                        visit.rules.push(r);
                    }
                    false
                }
                Err(e) => {
                    visit.errors.push(e);
                    false
                }
            }
        };
        let crb = Self::rbac_kind(kinds::CLUSTER_ROLE_BINDING);
        for (name, role, subjects) in defaults::BINDINGS {
            if self.store.contains(crb, "", name) {
                continue;
            }
            let applies = subjects.iter().any(|(kind, n)| match *kind {
                "Group" => user.groups.iter().any(|g| g == n),
                _ => user.name == *n,
            });
            if applies
                && take(
                    &mut visit,
                    self.cluster_role_rules(role).ok_or_else(|| {
                        format!("clusterrole.rbac.authorization.k8s.io \"{role}\" not found")
                    }),
                )
            {
                return (true, visit);
            }
        }
        for b in self.store.list(crb, None) {
            if applies_to(b, user, "") && take(&mut visit, self.role_ref_rules(b, "")) {
                return (true, visit);
            }
        }
        if !namespace.is_empty() {
            for b in self
                .store
                .list(Self::rbac_kind(kinds::ROLE_BINDING), Some(namespace))
            {
                if applies_to(b, user, namespace)
                    && take(&mut visit, self.role_ref_rules(b, namespace))
                {
                    return (true, visit);
                }
            }
        }
        (false, visit)
    }

    /// Whether `user` may make the request; the denial's reason (`RBAC: ...`) otherwise.
    pub fn decide(&self, user: &UserInfo, req: &Request) -> Result<(), String> {
        let (allowed, visit) = self.visit_rules(user, req.namespace(), |r| r.allows(req));
        if allowed {
            return Ok(());
        }
        Err(match visit.errors.len() {
            0 => String::new(),
            1 => format!("RBAC: {}", visit.errors[0]),
            _ => format!("RBAC: [{}]", visit.errors.join(", ")),
        })
    }

    /// Authorizes a request of the current requester (nothing to check without one); the
    /// apiserver's Forbidden error otherwise.
    pub fn authorize(&self, req: &Request) -> Result<(), ApiError> {
        let Some(user) = &self.auth.requester else {
            return Ok(());
        };
        match self.decide(user, req) {
            Ok(()) => Ok(()),
            Err(reason) => Err(forbidden(&user.name, req, &reason)),
        }
    }

    /// Authorizes a list of a kind in a namespace (None: all namespaces, or a cluster-scoped
    /// kind).
    pub fn authorize_list(&self, kind: &KindInfo, ns: Option<&str>) -> Result<(), ApiError> {
        self.authorize_kind("list", kind, ns.unwrap_or(""), "", "")
    }

    /// Authorizes a request on a kind (`verb` on `kind` in `ns`, naming `name`).
    pub fn authorize_kind(
        &self,
        verb: &str,
        kind: &KindInfo,
        ns: &str,
        name: &str,
        subresource: &str,
    ) -> Result<(), ApiError> {
        if self.auth.requester.is_none() {
            return Ok(());
        }
        let ns = if kind.namespaced { ns } else { "" };
        self.authorize(
            &Request::resource(verb, kind.group, kind.plural, ns, name)
                .with_subresource(subresource),
        )
    }
}

fn applies_to(binding: &Value, user: &UserInfo, ns: &str) -> bool {
    binding
        .get("subjects")
        .and_then(Value::as_array)
        .is_some_and(|s| s.iter().any(|s| subject_applies(s, user, ns)))
}

/// The apiserver's Forbidden error for a denied request (`responsewriters.Forbidden`).
pub fn forbidden(user: &str, req: &Request, reason: &str) -> ApiError {
    let (what, msg) = match req {
        Request::NonResource { verb, path } => (
            String::new(),
            format!("User \"{user}\" cannot {verb} path \"{path}\""),
        ),
        Request::Resource {
            verb,
            group,
            resource,
            subresource,
            namespace,
            name,
        } => {
            let res = if subresource.is_empty() {
                resource.clone()
            } else {
                format!("{resource}/{subresource}")
            };
            let scope = if namespace.is_empty() {
                "at the cluster scope".to_string()
            } else {
                format!("in the namespace \"{namespace}\"")
            };
            let gr = if group.is_empty() {
                resource.clone()
            } else {
                format!("{resource}.{group}")
            };
            let what = if name.is_empty() {
                format!("{gr} is forbidden: ")
            } else {
                format!("{gr} \"{name}\" is forbidden: ")
            };
            (
                what,
                format!(
                    "User \"{user}\" cannot {verb} resource \"{res}\" in API group \"{group}\" {scope}"
                ),
            )
        }
    };
    let what = if what.is_empty() {
        "forbidden: ".to_string()
    } else {
        what
    };
    let msg = if reason.is_empty() {
        msg
    } else {
        format!("{msg}: {reason}")
    };
    ApiError::forbidden(format!("{what}{msg}"))
}

#[cfg(test)]
mod tests;
