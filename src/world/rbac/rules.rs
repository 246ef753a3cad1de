//! RBAC policy rules: reading them from Role and ClusterRole objects, and deciding whether one
//! rule covers a request, as the apiserver's RBAC authorizer decides it (`RuleAllows`).

use serde_json::Value;

/// One policy rule (`rules[]` of a Role or ClusterRole).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rule {
    pub verbs: Vec<String>,
    pub api_groups: Vec<String>,
    pub resources: Vec<String>,
    pub resource_names: Vec<String>,
    pub non_resource_urls: Vec<String>,
}

/// What a request asks for (the authorizer's attributes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// A resource request.
    Resource {
        verb: String,
        group: String,
        resource: String,
        subresource: String,
        namespace: String,
        name: String,
    },
    /// A request for a path outside the API's resources (`/healthz`).
    NonResource { verb: String, path: String },
}

impl Request {
    /// A resource request.
    pub fn resource(verb: &str, group: &str, resource: &str, namespace: &str, name: &str) -> Self {
        Request::Resource {
            verb: verb.into(),
            group: group.into(),
            resource: resource.into(),
            subresource: String::new(),
            namespace: namespace.into(),
            name: name.into(),
        }
    }

    /// The same request on a subresource (`pods/log`).
    pub fn with_subresource(mut self, sub: &str) -> Self {
        if let Request::Resource { subresource, .. } = &mut self {
            *subresource = sub.to_string();
        }
        self
    }

    /// The namespace the request is in ("" at the cluster scope or for a path).
    pub fn namespace(&self) -> &str {
        match self {
            Request::Resource { namespace, .. } => namespace,
            Request::NonResource { .. } => "",
        }
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

impl Rule {
    /// A rule from its JSON form.
    pub fn from_json(v: &Value) -> Rule {
        Rule {
            verbs: strings(v.get("verbs")),
            api_groups: strings(v.get("apiGroups")),
            resources: strings(v.get("resources")),
            resource_names: strings(v.get("resourceNames")),
            non_resource_urls: strings(v.get("nonResourceURLs")),
        }
    }

    /// The rules of a Role or ClusterRole object.
    pub fn all_of(role: &Value) -> Vec<Rule> {
        role.get("rules")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(Rule::from_json).collect())
            .unwrap_or_default()
    }

    /// Whether this rule allows the request.
    pub fn allows(&self, req: &Request) -> bool {
        match req {
            Request::Resource {
                verb,
                group,
                resource,
                subresource,
                name,
                ..
            } => {
                self.verb_matches(verb)
                    && self.group_matches(group)
                    && self.resource_matches(resource, subresource)
                    && (self.resource_names.is_empty() || self.resource_names.contains(name))
            }
            Request::NonResource { verb, path } => {
                self.verb_matches(verb) && self.url_matches(path)
            }
        }
    }

    fn verb_matches(&self, verb: &str) -> bool {
        self.verbs.iter().any(|v| v == "*" || v == verb)
    }

    fn group_matches(&self, group: &str) -> bool {
        self.api_groups.iter().any(|g| g == "*" || g == group)
    }

    /// `*`, the resource (with its subresource as `pods/log`), or `*/log` for any resource's
    /// `log` subresource.
    fn resource_matches(&self, resource: &str, subresource: &str) -> bool {
        let combined = if subresource.is_empty() {
            resource.to_string()
        } else {
            format!("{resource}/{subresource}")
        };
        self.resources.iter().any(|r| {
            r == "*"
                || *r == combined
                || (!subresource.is_empty()
                    && r.strip_prefix("*/").is_some_and(|s| s == subresource))
        })
    }

    /// The path itself, `*`, or a prefix ending in `*`.
    fn url_matches(&self, path: &str) -> bool {
        self.non_resource_urls.iter().any(|u| {
            u == "*"
                || u == path
                || u.strip_suffix('*')
                    .is_some_and(|prefix| path.starts_with(prefix))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(v: Value) -> Rule {
        Rule::from_json(&v)
    }

    // Cases in the spirit of upstream's rbac authorizer tests (rbac_test.go, TestRuleMatches).
    #[test]
    fn verbs_groups_and_resources() {
        let r = rule(json!({"verbs": ["get", "list"], "apiGroups": [""], "resources": ["pods"]}));
        assert!(r.allows(&Request::resource("get", "", "pods", "ns", "")));
        assert!(!r.allows(&Request::resource("delete", "", "pods", "ns", "")));
        assert!(!r.allows(&Request::resource("get", "apps", "pods", "ns", "")));
        assert!(!r.allows(&Request::resource("get", "", "services", "ns", "")));
        let star = rule(json!({"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}));
        assert!(star.allows(&Request::resource("escalate", "x.io", "things", "", "n")));
        assert!(star.allows(&Request::resource("get", "", "pods", "", "").with_subresource("log")));
    }

    #[test]
    fn subresources_need_their_own_rule() {
        let pods = rule(json!({"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}));
        let log = Request::resource("get", "", "pods", "ns", "p").with_subresource("log");
        assert!(!pods.allows(&log));
        let pods_log =
            rule(json!({"verbs": ["get"], "apiGroups": [""], "resources": ["pods/log"]}));
        assert!(pods_log.allows(&log));
        assert!(!pods_log.allows(&Request::resource("get", "", "pods", "ns", "p")));
        let any_log = rule(json!({"verbs": ["get"], "apiGroups": [""], "resources": ["*/log"]}));
        assert!(any_log.allows(&log));
        assert!(!any_log.allows(&Request::resource("get", "", "pods", "ns", "p")));
    }

    #[test]
    fn resource_names_restrict_named_requests() {
        let r = rule(
            json!({"verbs": ["get", "list"], "apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["app"]}),
        );
        assert!(r.allows(&Request::resource("get", "", "configmaps", "ns", "app")));
        assert!(!r.allows(&Request::resource("get", "", "configmaps", "ns", "other")));
        // A list names no object: a rule with resourceNames does not cover it.
        assert!(!r.allows(&Request::resource("list", "", "configmaps", "ns", "")));
    }

    #[test]
    fn non_resource_urls() {
        let r = rule(json!({"verbs": ["get"], "nonResourceURLs": ["/healthz", "/api/*"]}));
        let get = |p: &str| Request::NonResource {
            verb: "get".into(),
            path: p.into(),
        };
        assert!(r.allows(&get("/healthz")));
        assert!(r.allows(&get("/api/v1")));
        assert!(!r.allows(&get("/api")));
        assert!(!r.allows(&get("/metrics")));
        assert!(!r.allows(&Request::NonResource {
            verb: "post".into(),
            path: "/healthz".into()
        }));
        // A resource rule never covers a path.
        let res = rule(json!({"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}));
        assert!(!res.allows(&get("/healthz")));
    }
}
