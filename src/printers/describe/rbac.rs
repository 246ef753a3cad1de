//! kubectl 1.32's describers for Role, ClusterRole, RoleBinding, ClusterRoleBinding,
//! ServiceAccount and PriorityClass (`pkg/describe/describe.go`), with its rule breakdown and
//! compaction (`pkg/util/rbac`).

use serde_json::Value;

use super::common::{annotations_multiline, events, labels_multiline};
use super::writer::{LEVEL_0, LEVEL_1, Writer};
use crate::world::World;
use crate::world::api::{kinds, meta};
use crate::world::clock::Millis;

/// One policy rule, its lists as stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Rule {
    verbs: Vec<String>,
    groups: Vec<String>,
    resources: Vec<String>,
    names: Vec<String>,
    urls: Vec<String>,
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// `[a b]`, as Go's `%v` prints a string slice.
fn go_list(items: &[String]) -> String {
    format!("[{}]", items.join(" "))
}

impl Rule {
    fn of(v: &Value) -> Rule {
        Rule {
            verbs: strings(v, "verbs"),
            groups: strings(v, "apiGroups"),
            resources: strings(v, "resources"),
            names: strings(v, "resourceNames"),
            urls: strings(v, "nonResourceURLs"),
        }
    }

    /// The generated `PolicyRule.String()`, which the rules are sorted by.
    fn go_string(&self) -> String {
        format!(
            "&PolicyRule{{Verbs:{},APIGroups:{},Resources:{},ResourceNames:{},NonResourceURLs:{},}}",
            go_list(&self.verbs),
            go_list(&self.groups),
            go_list(&self.resources),
            go_list(&self.names),
            go_list(&self.urls)
        )
    }

    /// `BreakdownRule`: one rule per group, resource, verb (and resource name), then one per
    /// non-resource URL and verb.
    fn breakdown(&self) -> Vec<Rule> {
        let one = |s: &String| vec![s.clone()];
        let mut out = Vec::new();
        for g in &self.groups {
            for r in &self.resources {
                for v in &self.verbs {
                    if self.names.is_empty() {
                        out.push(Rule {
                            verbs: one(v),
                            groups: one(g),
                            resources: one(r),
                            ..Rule::default()
                        });
                    } else {
                        for n in &self.names {
                            out.push(Rule {
                                verbs: one(v),
                                groups: one(g),
                                resources: one(r),
                                names: one(n),
                                ..Rule::default()
                            });
                        }
                    }
                }
            }
        }
        for u in &self.urls {
            for v in &self.verbs {
                out.push(Rule {
                    verbs: one(v),
                    urls: one(u),
                    ..Rule::default()
                });
            }
        }
        out
    }
}

/// `CompactRules` then the stable sort by `String()`: rules with one group, one resource and
/// at most one resource name gather their verbs (in the order met); the others stay as they
/// are. (kubectl collects the simple ones in a Go map; the sort makes the order fixed.)
fn compact(rules: Vec<Rule>) -> Vec<Rule> {
    let mut others = Vec::new();
    let mut simple: Vec<Rule> = Vec::new();
    for r in rules {
        let is_simple = r.names.len() <= 1
            && r.urls.is_empty()
            && r.groups.len() == 1
            && r.resources.len() == 1;
        if !is_simple {
            others.push(r);
            continue;
        }
        match simple
            .iter_mut()
            .find(|s| s.groups == r.groups && s.resources == r.resources && s.names == r.names)
        {
            Some(s) => {
                for v in r.verbs {
                    if !s.verbs.contains(&v) {
                        s.verbs.push(v);
                    }
                }
            }
            None => simple.push(r),
        }
    }
    others.extend(simple);
    others.sort_by_key(Rule::go_string);
    others
}

/// `CombineResourceGroup`: `resource.group/subresource` of the first resource and group.
fn combine_resource_group(resources: &[String], groups: &[String]) -> String {
    let Some(first) = resources.first() else {
        return String::new();
    };
    let (res, sub) = match first.split_once('/') {
        Some((r, s)) => (r, Some(s)),
        None => (first.as_str(), None),
    };
    let mut out = res.to_string();
    if let Some(g) = groups.first().filter(|g| !g.is_empty()) {
        out.push('.');
        out.push_str(g);
    }
    if let Some(s) = sub {
        out.push('/');
        out.push_str(s);
    }
    out
}

/// Role and ClusterRole.
pub fn role(obj: &Value) -> String {
    let rules: Vec<Rule> = obj
        .get("rules")
        .and_then(Value::as_array)
        .map(|a| a.iter().flat_map(|r| Rule::of(r).breakdown()).collect())
        .unwrap_or_default();
    let mut w = Writer::default();
    w.line(LEVEL_0, &format!("Name:\t{}", meta::name(obj)));
    labels_multiline(&mut w, "Labels", meta::path(obj, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        meta::path(obj, &["metadata", "annotations"]),
    );
    w.line(LEVEL_0, "PolicyRule:");
    w.line(
        LEVEL_1,
        "Resources\tNon-Resource URLs\tResource Names\tVerbs",
    );
    w.line(
        LEVEL_1,
        "---------\t-----------------\t--------------\t-----",
    );
    for r in compact(rules) {
        w.line(
            LEVEL_1,
            &format!(
                "{}\t{}\t{}\t{}",
                combine_resource_group(&r.resources, &r.groups),
                go_list(&r.urls),
                go_list(&r.names),
                go_list(&r.verbs)
            ),
        );
    }
    w.finish()
}

/// RoleBinding and ClusterRoleBinding.
pub fn binding(obj: &Value) -> String {
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let mut w = Writer::default();
    w.line(LEVEL_0, &format!("Name:\t{}", meta::name(obj)));
    labels_multiline(&mut w, "Labels", meta::path(obj, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        meta::path(obj, &["metadata", "annotations"]),
    );
    let role_ref = obj.get("roleRef").cloned().unwrap_or(Value::Null);
    w.line(LEVEL_0, "Role:");
    w.line(LEVEL_1, &format!("Kind:\t{}", s(&role_ref, "kind")));
    w.line(LEVEL_1, &format!("Name:\t{}", s(&role_ref, "name")));
    w.line(LEVEL_0, "Subjects:");
    w.line(LEVEL_1, "Kind\tName\tNamespace");
    w.line(LEVEL_1, "----\t----\t---------");
    for sub in obj
        .get("subjects")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        w.line(
            LEVEL_1,
            &format!(
                "{}\t{}\t{}",
                s(sub, "kind"),
                s(sub, "name"),
                s(sub, "namespace")
            ),
        );
    }
    w.finish()
}

/// ServiceAccount: its image pull secrets, mountable secrets and the token Secrets that name
/// it, a secret that does not exist marked `(not found)`.
pub fn service_account(world: &World, sa: &Value, evs: &[Value], now: Millis) -> String {
    let ns = meta::namespace(sa);
    let secrets: Vec<Value> = kinds::by_kind(kinds::SECRET)
        .map(|k| world.store.list(k, Some(ns)).cloned().collect())
        .unwrap_or_default();
    let existing: Vec<&str> = secrets.iter().map(meta::name).collect();
    let tokens: Vec<String> = secrets
        .iter()
        .filter(|s| meta::str_at(s, &["type"]) == Some("kubernetes.io/service-account-token"))
        .filter(|s| {
            let a = |k: &str| meta::str_at(s, &["metadata", "annotations", k]).unwrap_or("");
            a("kubernetes.io/service-account.name") == meta::name(sa)
                && a("kubernetes.io/service-account.uid") == meta::uid(sa)
        })
        .map(|s| meta::name(s).to_string())
        .collect();
    let names = |key: &str| -> Vec<String> {
        sa.get(key)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|r| r.get("name").and_then(Value::as_str))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut w = Writer::default();
    w.line(LEVEL_0, &format!("Name:\t{}", meta::name(sa)));
    w.line(LEVEL_0, &format!("Namespace:\t{ns}"));
    labels_multiline(&mut w, "Labels", meta::path(sa, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        meta::path(sa, &["metadata", "annotations"]),
    );
    // The headers in sorted order, as kubectl lists its map's keys.
    let headers = [
        ("Image pull secrets:", names("imagePullSecrets")),
        ("Mountable secrets: ", names("secrets")),
        ("Tokens:            ", tokens),
    ];
    let mut sorted: Vec<&(&str, Vec<String>)> = headers.iter().collect();
    sorted.sort_by_key(|(h, _)| *h);
    for (header, list) in sorted {
        if list.is_empty() {
            w.line(LEVEL_0, &format!("{header}\t<none>"));
            continue;
        }
        let mut prefix = *header;
        for name in list {
            let missing = if existing.contains(&name.as_str()) {
                ""
            } else {
                " (not found)"
            };
            w.line(LEVEL_0, &format!("{prefix}\t{name}{missing}"));
            prefix = "                   ";
        }
    }
    events(&mut w, evs, now);
    w.finish()
}

/// PriorityClass.
pub fn priority_class(pc: &Value, evs: &[Value], now: Millis) -> String {
    let mut w = Writer::default();
    w.line(LEVEL_0, &format!("Name:\t{}", meta::name(pc)));
    w.line(
        LEVEL_0,
        &format!(
            "Value:\t{}",
            pc.get("value").and_then(Value::as_i64).unwrap_or(0)
        ),
    );
    w.line(
        LEVEL_0,
        &format!(
            "GlobalDefault:\t{}",
            pc.get("globalDefault")
                .and_then(Value::as_bool)
                .unwrap_or(false)
        ),
    );
    w.line(
        LEVEL_0,
        &format!(
            "PreemptionPolicy:\t{}",
            pc.get("preemptionPolicy")
                .and_then(Value::as_str)
                .unwrap_or("PreemptLowerPriority")
        ),
    );
    w.line(
        LEVEL_0,
        &format!(
            "Description:\t{}",
            pc.get("description").and_then(Value::as_str).unwrap_or("")
        ),
    );
    w.line(
        LEVEL_0,
        &format!(
            "Annotations:\t{}",
            crate::printers::table::format_labels(pc, &["metadata", "annotations"])
        ),
    );
    events(&mut w, evs, now);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rules_break_down_compact_and_sort_as_kubectl() {
        let obj = json!({
            "metadata": {"name": "r"},
            "rules": [
                {"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list"]},
                {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get"], "resourceNames": ["a", "b"]},
                {"apiGroups": [""], "resources": ["pods"], "verbs": ["watch"]},
                {"nonResourceURLs": ["/healthz"], "verbs": ["get"]}
            ]
        });
        // Sorted by `PolicyRule.String()`, which begins with the verbs: `[get list` sorts
        // before `[get]` (a space before `]`).
        let text = role(&obj);
        assert_eq!(
            text,
            "Name:         r\nLabels:       <none>\nAnnotations:  <none>\nPolicyRule:\n  Resources         Non-Resource URLs  Resource Names  Verbs\n  ---------         -----------------  --------------  -----\n  pods              []                 []              [get list watch]\n  pods/log          []                 []              [get list]\n                    [/healthz]         []              [get]\n  deployments.apps  []                 [a]             [get]\n  deployments.apps  []                 [b]             [get]\n"
        );
    }

    #[test]
    fn resource_and_group_combine() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            combine_resource_group(&s(&["deployments/scale"]), &s(&["apps"])),
            "deployments.apps/scale"
        );
        assert_eq!(combine_resource_group(&s(&["pods"]), &s(&[""])), "pods");
        assert_eq!(combine_resource_group(&[], &s(&["x"])), "");
    }
}
