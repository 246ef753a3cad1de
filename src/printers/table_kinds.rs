//! `kubectl get` columns of the policy, RBAC, networking and scheduling kinds (ResourceQuota,
//! LimitRange, Role, ClusterRole, RoleBinding, ClusterRoleBinding, Ingress, IngressClass,
//! PodDisruptionBudget, PriorityClass, NetworkPolicy, Lease, RuntimeClass, PodTemplate,
//! ReplicationController), as the apiserver's table convertors build them in 1.32
//! (`pkg/printers/internalversion/printers.go`). Kinds without a table handler there (Role,
//! ClusterRole, LimitRange) get the default convertor's `NAME  CREATED AT` (RFC 3339).

use crate::world::api::kinds;
use serde_json::Value;

use super::age::age;
use super::table::format_labels;
use crate::world::api::meta;
use crate::world::api::quantity::Quantity;
use crate::world::api::selector::format_label_selector;
use crate::world::clock::Millis;

type Headers = (Vec<&'static str>, Vec<&'static str>);

/// The (normal, `-o wide`) headers of a kind this file prints, `None` for the others.
pub fn headers(kind: &str) -> Option<Headers> {
    Some(match kind {
        kinds::ROLE | kinds::CLUSTER_ROLE | kinds::LIMIT_RANGE => {
            (vec!["NAME", "CREATED AT"], vec![])
        }
        kinds::RESOURCE_QUOTA => (vec!["NAME", "AGE", "REQUEST", "LIMIT"], vec![]),
        kinds::ROLE_BINDING | kinds::CLUSTER_ROLE_BINDING => (
            vec!["NAME", "ROLE", "AGE"],
            vec!["USERS", "GROUPS", "SERVICEACCOUNTS"],
        ),
        kinds::INGRESS => (
            vec!["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"],
            vec![],
        ),
        kinds::INGRESS_CLASS => (vec!["NAME", "CONTROLLER", "PARAMETERS", "AGE"], vec![]),
        kinds::POD_DISRUPTION_BUDGET => (
            vec![
                "NAME",
                "MIN AVAILABLE",
                "MAX UNAVAILABLE",
                "ALLOWED DISRUPTIONS",
                "AGE",
            ],
            vec![],
        ),
        kinds::PRIORITY_CLASS => (
            vec!["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"],
            vec![],
        ),
        kinds::NETWORK_POLICY => (vec!["NAME", "POD-SELECTOR", "AGE"], vec![]),
        kinds::LEASE => (vec!["NAME", "HOLDER", "AGE"], vec![]),
        kinds::RUNTIME_CLASS => (vec!["NAME", "HANDLER", "AGE"], vec![]),
        kinds::POD_TEMPLATE => (vec!["NAME", "CONTAINERS", "IMAGES", "POD LABELS"], vec![]),
        kinds::REPLICATION_CONTROLLER => (
            vec!["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
            vec!["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        _ => return None,
    })
}

fn text(obj: &Value, path: &[&str]) -> String {
    meta::str_at(obj, path).unwrap_or("").to_string()
}

fn created(obj: &Value, now: Millis) -> String {
    age(meta::str_at(obj, &["metadata", "creationTimestamp"]), now)
}

/// An IntOrString as Go's `IntOrString.String()` prints it.
fn int_or_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

fn containers_images(obj: &Value, path: &[&str]) -> (String, String) {
    let cs = meta::path(obj, path).and_then(Value::as_array);
    let pick = |field: &str| -> String {
        cs.map(|a| {
            a.iter()
                .filter_map(|c| c.get(field).and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
    };
    (pick("name"), pick("image"))
}

/// The cells of one object of a kind this file prints, `None` for the others.
pub fn cells(kind: &str, obj: &Value, wide: bool, now: Millis) -> Option<Vec<String>> {
    let name = meta::name(obj).to_string();
    Some(match kind {
        kinds::ROLE | kinds::CLUSTER_ROLE | kinds::LIMIT_RANGE => {
            vec![name, text(obj, &["metadata", "creationTimestamp"])]
        }
        kinds::RESOURCE_QUOTA => {
            let (request, limit) = quota_columns(obj);
            vec![name, created(obj, now), request, limit]
        }
        kinds::ROLE_BINDING | kinds::CLUSTER_ROLE_BINDING => {
            let mut row = vec![
                name,
                format!(
                    "{}/{}",
                    text(obj, &["roleRef", "kind"]),
                    text(obj, &["roleRef", "name"])
                ),
                created(obj, now),
            ];
            if wide {
                let (users, groups, sas) = subjects(obj);
                row.extend([users, groups, sas]);
            }
            row
        }
        kinds::INGRESS => vec![
            name,
            meta::str_at(obj, &["spec", "ingressClassName"])
                .unwrap_or("<none>")
                .to_string(),
            ingress_hosts(obj),
            ingress_address(obj, wide),
            if meta::path(obj, &["spec", "tls"])
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty())
            {
                "80, 443".into()
            } else {
                "80".into()
            },
            created(obj, now),
        ],
        kinds::INGRESS_CLASS => {
            let params = match meta::path(obj, &["spec", "parameters"]) {
                Some(p) => {
                    let group = p.get("apiGroup").and_then(Value::as_str).unwrap_or("");
                    let kind = p.get("kind").and_then(Value::as_str).unwrap_or("");
                    let pname = p.get("name").and_then(Value::as_str).unwrap_or("");
                    if group.is_empty() {
                        format!("{kind}/{pname}")
                    } else {
                        format!("{group}/{kind}/{pname}")
                    }
                }
                None => "<none>".into(),
            };
            vec![
                name,
                text(obj, &["spec", "controller"]),
                params,
                created(obj, now),
            ]
        }
        kinds::POD_DISRUPTION_BUDGET => {
            let field = |f: &str| {
                meta::path(obj, &["spec", f])
                    .map(int_or_string)
                    .unwrap_or_else(|| "N/A".into())
            };
            vec![
                name,
                field("minAvailable"),
                field("maxUnavailable"),
                meta::int_at(obj, &["status", "disruptionsAllowed"])
                    .unwrap_or(0)
                    .to_string(),
                created(obj, now),
            ]
        }
        kinds::PRIORITY_CLASS => vec![
            name,
            meta::int_at(obj, &["value"]).unwrap_or(0).to_string(),
            obj.get("globalDefault")
                .and_then(Value::as_bool)
                .unwrap_or(false)
                .to_string(),
            created(obj, now),
            obj.get("preemptionPolicy")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
        ],
        kinds::NETWORK_POLICY => vec![
            name,
            meta::path(obj, &["spec", "podSelector"])
                .map(format_label_selector)
                .unwrap_or_else(|| "<none>".into()),
            created(obj, now),
        ],
        kinds::LEASE => vec![
            name,
            meta::str_at(obj, &["spec", "holderIdentity"])
                .unwrap_or("<unset>")
                .to_string(),
            created(obj, now),
        ],
        kinds::RUNTIME_CLASS => vec![name, text(obj, &["handler"]), created(obj, now)],
        kinds::POD_TEMPLATE => {
            let (c, im) = containers_images(obj, &["template", "spec", "containers"]);
            vec![
                name,
                c,
                im,
                format_labels(obj, &["template", "metadata", "labels"]),
            ]
        }
        kinds::REPLICATION_CONTROLLER => {
            let mut row = vec![
                name,
                meta::int_at(obj, &["spec", "replicas"])
                    .unwrap_or(0)
                    .to_string(),
                meta::int_at(obj, &["status", "replicas"])
                    .unwrap_or(0)
                    .to_string(),
                meta::int_at(obj, &["status", "readyReplicas"])
                    .unwrap_or(0)
                    .to_string(),
                created(obj, now),
            ];
            if wide {
                let (c, im) = containers_images(obj, &["spec", "template", "spec", "containers"]);
                row.extend([c, im, format_labels(obj, &["spec", "selector"])]);
            }
            row
        }
        _ => return None,
    })
}

/// REQUEST and LIMIT of `printResourceQuota`: every resource of `spec.hard` (sorted), as
/// `name: used/hard` from the status, `limits.*` ones in LIMIT.
fn quota_columns(obj: &Value) -> (String, String) {
    let hard = meta::path(obj, &["spec", "hard"]).and_then(Value::as_object);
    let (mut request, mut limit) = (Vec::new(), Vec::new());
    for resource in hard
        .map(|m| m.keys().collect::<Vec<_>>())
        .unwrap_or_default()
    {
        let status = |which: &str| {
            meta::path(obj, &["status", which, resource])
                .and_then(|v| Quantity::from_json(v).ok())
                .map(|q| q.canonical())
                .unwrap_or_else(|| "0".into())
        };
        let cell = format!("{resource}: {}/{}", status("used"), status("hard"));
        if resource.split('.').next() == Some("limits") && resource.contains('.') {
            limit.push(cell);
        } else {
            request.push(cell);
        }
    }
    (request.join(", "), limit.join(", "))
}

/// USERS, GROUPS and SERVICEACCOUNTS of a binding (`namespace/name` for service accounts).
fn subjects(obj: &Value) -> (String, String, String) {
    let (mut users, mut groups, mut sas) = (Vec::new(), Vec::new(), Vec::new());
    for s in meta::path(obj, &["subjects"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = s.get("name").and_then(Value::as_str).unwrap_or("");
        match s.get("kind").and_then(Value::as_str) {
            Some("User") => users.push(name.to_string()),
            Some("Group") => groups.push(name.to_string()),
            Some(kinds::SERVICE_ACCOUNT) => sas.push(format!(
                "{}/{name}",
                s.get("namespace").and_then(Value::as_str).unwrap_or("")
            )),
            _ => {}
        }
    }
    (users.join(", "), groups.join(", "), sas.join(", "))
}

/// `formatHosts`: up to three rule hosts, `* ` when none, `+ N more...` beyond three.
fn ingress_hosts(obj: &Value) -> String {
    let rules = meta::path(obj, &["spec", "rules"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut list = Vec::new();
    let mut more = false;
    for r in &rules {
        if list.len() == 3 {
            more = true;
        }
        let host = r.get("host").and_then(Value::as_str).unwrap_or("");
        if !more && !host.is_empty() {
            list.push(host.to_string());
        }
    }
    if list.is_empty() {
        return "*".into();
    }
    let joined = list.join(",");
    if more {
        format!("{joined} + {} more...", rules.len() - 3)
    } else {
        joined
    }
}

/// The load balancer's IPs and host names, sorted and comma-joined; clipped to 16 bytes
/// (`...`) unless wide.
fn ingress_address(obj: &Value, wide: bool) -> String {
    let mut all: Vec<String> = meta::path(obj, &["status", "loadBalancer", "ingress"])
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|i| {
                    i.get("ip")
                        .or_else(|| i.get("hostname"))
                        .and_then(Value::as_str)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    all.sort();
    all.dedup();
    let r = all.join(",");
    if !wide && r.len() > 16 {
        let mut cut = 13;
        while !r.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}...", &r[..cut])
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bindings_and_budgets() {
        let rb = json!({"metadata": {"name": "rb"}, "roleRef": {"kind": "Role", "name": "r"},
            "subjects": [{"kind": "User", "name": "u"}, {"kind": "ServiceAccount", "namespace": "d", "name": "s"}]});
        let row = cells("RoleBinding", &rb, true, 0).unwrap();
        assert_eq!(row[1], "Role/r");
        assert_eq!(&row[3..], ["u", "", "d/s"]);
        let pdb = json!({"metadata": {"name": "p"}, "spec": {"minAvailable": "50%"}});
        let row = cells("PodDisruptionBudget", &pdb, false, 0).unwrap();
        assert_eq!(&row[1..4], ["50%", "N/A", "0"]);
        let q = json!({"metadata": {"name": "q"}, "spec": {"hard": {"pods": "2", "limits.cpu": "1"}},
            "status": {"hard": {"pods": "2", "limits.cpu": "1"}, "used": {"pods": "1"}}});
        let row = cells("ResourceQuota", &q, false, 0).unwrap();
        assert_eq!(&row[2..], ["pods: 1/2", "limits.cpu: 0/1"]);
        let ing = json!({"metadata": {"name": "i"}, "spec": {"rules": [{"host": "a"}, {}]}});
        assert_eq!(ingress_hosts(&ing), "a");
        assert_eq!(headers("Nope"), None);
    }
}
