//! The quota evaluators (`pkg/quota/v1/evaluator/core` and the generic object-count evaluator
//! of `apiserver/pkg/quota/v1/generic`): what one object charges against a ResourceQuota, which
//! quota resources an evaluator answers for, which quotas' scopes an object falls in, and the
//! pod constraint that every container set what a compute quota tracks. Shared by the
//! ResourceQuota admission plugin (`admission_quota.rs`) and the quota controller
//! (`controllers/quota.rs`).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::api::kinds::{self, KindInfo};
use super::api::meta;
use super::api::quantity::{Format, Quantity};
use super::api::selector::Selector;
use super::clock::{Millis, parse_rfc3339};

/// A resource list (`corev1.ResourceList`), in name order.
pub type Usage = BTreeMap<String, Quantity>;

/// The evaluator an object kind is charged by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evaluator {
    /// Pods: counts and compute resources, with scopes.
    Pod,
    /// Services: counts, node ports and load balancers.
    Service,
    /// PersistentVolumeClaims: counts and storage, per StorageClass too.
    Claim,
    /// Any other namespaced kind: `count/<resource>[.<group>]` (and the legacy name of the
    /// kinds that have one).
    Count,
}

/// The kinds with a legacy object-count name (`configmaps`, not only `count/configmaps`).
const LEGACY_COUNTS: &[&str] = &[
    "configmaps",
    "secrets",
    "replicationcontrollers",
    "resourcequotas",
];

/// The pod evaluator's fixed resource names (`podResources`).
const POD_RESOURCES: &[&str] = &[
    "count/pods",
    "cpu",
    "memory",
    "ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "pods",
];

/// The resources whose quota makes every container state them (`validationSet`).
const VALIDATION_SET: &[&str] = &[
    "cpu",
    "memory",
    "requests.cpu",
    "requests.memory",
    "limits.cpu",
    "limits.memory",
];

/// The StorageClass-qualified names of a claim's resources.
const STORAGE_CLASS_SUFFIX: &str = ".storageclass.storage.k8s.io/";

/// The evaluator of a kind; None for kinds quota never charges (events, cluster-scoped kinds).
pub fn evaluator(kind: &KindInfo) -> Option<Evaluator> {
    if !kind.namespaced || kind.kind == kinds::EVENT {
        return None;
    }
    Some(match kind.kind {
        kinds::POD => Evaluator::Pod,
        kinds::SERVICE => Evaluator::Service,
        kinds::PERSISTENT_VOLUME_CLAIM => Evaluator::Claim,
        _ => Evaluator::Count,
    })
}

/// `count/<resource>` for core kinds, `count/<resource>.<group>` otherwise.
pub fn count_name(kind: &KindInfo) -> String {
    format!("count/{}", kind.qualified_plural())
}

/// A resource name without a domain, or in `kubernetes.io/` (`IsNativeResource`).
fn is_native(name: &str) -> bool {
    !name.contains('/') || name.contains("kubernetes.io/")
}

/// `MatchingResources`: the quota resources among `names` this evaluator answers for.
pub fn matching_resources<'a>(
    ev: Evaluator,
    kind: &KindInfo,
    names: impl Iterator<Item = &'a str>,
) -> Vec<String> {
    let count = count_name(kind);
    names
        .filter(|n| match ev {
            Evaluator::Pod => {
                POD_RESOURCES.contains(n)
                    || n.starts_with("hugepages-")
                    || n.starts_with("requests.hugepages-")
                    || (n.starts_with("requests.") && !is_native(&n["requests.".len()..]))
            }
            Evaluator::Service => matches!(
                *n,
                "services" | "count/services" | "services.nodeports" | "services.loadbalancers"
            ),
            Evaluator::Claim => {
                matches!(
                    *n,
                    "persistentvolumeclaims" | "count/persistentvolumeclaims" | "requests.storage"
                ) || n.ends_with(".storageclass.storage.k8s.io/requests.storage")
                    || n.ends_with(".storageclass.storage.k8s.io/persistentvolumeclaims")
            }
            Evaluator::Count => {
                *n == count || (LEGACY_COUNTS.contains(&kind.plural) && *n == kind.plural)
            }
        })
        .map(str::to_string)
        .collect()
}

fn one() -> Quantity {
    Quantity::from_i128(1)
}

fn quantity(v: Option<&Value>) -> Option<Quantity> {
    v.and_then(|v| Quantity::from_json(v).ok())
}

/// `Quantity.Add`: the receiver's format, or the addend's when the receiver is zero.
pub fn add(a: &Quantity, b: &Quantity) -> Quantity {
    let format = if a.is_zero() { b.format } else { a.format };
    Quantity::from_milli(a.milli_value().saturating_add(b.milli_value()), format)
}

/// `quota.Add`: every key of either list, summed where both have it.
pub fn add_lists(a: &Usage, b: &Usage) -> Usage {
    let mut out = a.clone();
    for (k, v) in b {
        let sum = match out.get(k) {
            Some(x) => add(x, v),
            None => v.clone(),
        };
        out.insert(k.clone(), sum);
    }
    out
}

/// A container's (or sidecar's) requests or limits as a resource list.
fn resource_list(c: &Value, which: &str) -> Usage {
    meta::path(c, &["resources", which])
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), quantity(Some(v))?)))
                .collect()
        })
        .unwrap_or_default()
}

fn max_into(list: &mut Usage, other: &Usage) {
    for (k, v) in other {
        if list.get(k).is_none_or(|x| v > x) {
            list.insert(k.clone(), v.clone());
        }
    }
}

/// `resourcehelper.PodRequests` / `PodLimits`: the containers' sum (with restartable init
/// containers), at least the largest init container's need (each with the sidecars started
/// before it), plus the pod overhead.
pub fn pod_resources(pod: &Value, which: &str) -> Usage {
    let list = |field: &str| -> Vec<Value> {
        meta::path(pod, &["spec", field])
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let mut total = Usage::new();
    for c in list("containers") {
        total = add_lists(&total, &resource_list(&c, which));
    }
    let mut sidecars = Usage::new();
    let mut init_max = Usage::new();
    for c in list("initContainers") {
        let own = resource_list(&c, which);
        if meta::str_at(&c, &["restartPolicy"]) == Some("Always") {
            total = add_lists(&total, &own);
            sidecars = add_lists(&sidecars, &own);
            max_into(&mut init_max, &sidecars);
        } else {
            max_into(&mut init_max, &add_lists(&own, &sidecars));
        }
    }
    max_into(&mut total, &init_max);
    if let Some(overhead) = meta::path(pod, &["spec", "overhead"]).and_then(Value::as_object) {
        let overhead: Usage = overhead
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), quantity(Some(v))?)))
            .filter(|(k, _)| total.contains_key(k))
            .collect();
        total = add_lists(&total, &overhead);
    }
    total
}

/// `podComputeUsageHelper`.
fn compute_usage(requests: &Usage, limits: &Usage) -> Usage {
    let mut out = Usage::new();
    out.insert("pods".into(), one());
    for r in ["cpu", "memory", "ephemeral-storage"] {
        if let Some(q) = requests.get(r) {
            out.insert(r.into(), q.clone());
            out.insert(format!("requests.{r}"), q.clone());
        }
        if let Some(q) = limits.get(r) {
            out.insert(format!("limits.{r}"), q.clone());
        }
    }
    for (r, q) in requests {
        if r.starts_with("hugepages-") {
            out.insert(r.clone(), q.clone());
            out.insert(format!("requests.{r}"), q.clone());
        } else if !is_native(r) {
            out.insert(format!("requests.{r}"), q.clone());
        }
    }
    out
}

/// `QuotaV1Pod`: a pod is charged unless terminal or past its deletion grace period.
pub fn pod_charged(pod: &Value, now: Millis) -> bool {
    if matches!(
        meta::str_at(pod, &["status", "phase"]),
        Some("Succeeded" | "Failed")
    ) {
        return false;
    }
    if let (Some(at), Some(grace)) = (
        meta::str_at(pod, &["metadata", "deletionTimestamp"]).and_then(parse_rfc3339),
        meta::int_at(pod, &["metadata", "deletionGracePeriodSeconds"]),
    ) && now > at + grace * 1000
    {
        return false;
    }
    true
}

/// `Usage`: what one object charges.
pub fn usage(ev: Evaluator, kind: &KindInfo, obj: &Value, now: Millis) -> Usage {
    let mut out = Usage::new();
    match ev {
        Evaluator::Pod => {
            out.insert("count/pods".into(), one());
            if pod_charged(obj, now) {
                let requests = pod_resources(obj, "requests");
                let limits = pod_resources(obj, "limits");
                out = add_lists(&out, &compute_usage(&requests, &limits));
            }
        }
        Evaluator::Service => {
            out.insert("count/services".into(), one());
            out.insert("services".into(), one());
            let ports = meta::path(obj, &["spec", "ports"])
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            let zero = Quantity::from_i128(0);
            out.insert("services.loadbalancers".into(), zero.clone());
            out.insert("services.nodeports".into(), zero);
            match meta::str_at(obj, &["spec", "type"]) {
                Some("NodePort") => {
                    out.insert(
                        "services.nodeports".into(),
                        Quantity::from_i128(ports as i128),
                    );
                }
                Some("LoadBalancer") => {
                    if meta::path(obj, &["spec", "allocateLoadBalancerNodePorts"])
                        .and_then(Value::as_bool)
                        != Some(false)
                    {
                        out.insert(
                            "services.nodeports".into(),
                            Quantity::from_i128(ports as i128),
                        );
                    }
                    out.insert("services.loadbalancers".into(), one());
                }
                _ => {}
            }
        }
        Evaluator::Claim => {
            out.insert("count/persistentvolumeclaims".into(), one());
            out.insert("persistentvolumeclaims".into(), one());
            let class = meta::str_at(obj, &["spec", "storageClassName"])
                .or_else(|| meta::annotation(obj, "volume.beta.kubernetes.io/storage-class"))
                .filter(|c| !c.is_empty())
                .map(str::to_string);
            if let Some(c) = &class {
                out.insert(
                    format!("{c}{STORAGE_CLASS_SUFFIX}persistentvolumeclaims"),
                    one(),
                );
            }
            if let Some(q) = quantity(meta::path(
                obj,
                &["spec", "resources", "requests", "storage"],
            )) {
                if let Some(c) = &class {
                    out.insert(
                        format!("{c}{STORAGE_CLASS_SUFFIX}requests.storage"),
                        q.clone(),
                    );
                }
                out.insert("requests.storage".into(), q);
            }
        }
        Evaluator::Count => {
            out.insert(count_name(kind), one());
            if LEGACY_COUNTS.contains(&kind.plural) {
                out.insert(kind.plural.to_string(), one());
            }
        }
    }
    out
}

/// `IsTerminating`: the pod has an active deadline.
pub fn is_terminating(pod: &Value) -> bool {
    meta::int_at(pod, &["spec", "activeDeadlineSeconds"]).is_some_and(|s| s >= 0)
}

/// `qos.GetPodQOS(pod) == BestEffort`: no container requests or limits cpu or memory.
pub fn is_best_effort(pod: &Value) -> bool {
    ["containers", "initContainers"].iter().all(|list| {
        meta::path(pod, &["spec", list])
            .and_then(Value::as_array)
            .is_none_or(|cs| {
                cs.iter().all(|c| {
                    ["requests", "limits"].iter().all(|which| {
                        let l = resource_list(c, which);
                        ["cpu", "memory"]
                            .iter()
                            .all(|r| l.get(*r).is_none_or(Quantity::is_zero))
                    })
                })
            })
    })
}

/// A quota's scope selectors: its `scopes` (operator Exists) then its `scopeSelector`'s
/// expressions (`getScopeSelectorsFromQuota`).
pub fn scope_selectors(quota: &Value) -> Vec<Value> {
    let mut out: Vec<Value> = meta::path(quota, &["spec", "scopes"])
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|s| json!({"scopeName": s, "operator": "Exists"}))
                .collect()
        })
        .unwrap_or_default();
    if let Some(exprs) =
        meta::path(quota, &["spec", "scopeSelector", "matchExpressions"]).and_then(Value::as_array)
    {
        out.extend(exprs.iter().cloned());
    }
    out
}

/// Whether a pod falls in one scope selector (`podMatchesScopeFunc`).
fn pod_matches_scope(selector: &Value, pod: &Value) -> bool {
    match selector.get("scopeName").and_then(Value::as_str) {
        Some("Terminating") => is_terminating(pod),
        Some("NotTerminating") => !is_terminating(pod),
        Some("BestEffort") => is_best_effort(pod),
        Some("NotBestEffort") => !is_best_effort(pod),
        Some(kinds::PRIORITY_CLASS) => {
            let class = meta::str_at(pod, &["spec", "priorityClassName"]).unwrap_or("");
            if selector.get("operator").and_then(Value::as_str) == Some("Exists") {
                return !class.is_empty();
            }
            let sel = Selector::from_label_selector(&json!({"matchExpressions": [{
                "key": "PriorityClass",
                "operator": selector.get("operator").cloned().unwrap_or(Value::Null),
                "values": selector.get("values").cloned().unwrap_or(json!([])),
            }]}));
            let mut labels = BTreeMap::new();
            if !class.is_empty() {
                labels.insert("PriorityClass".to_string(), class.to_string());
            }
            sel.matches(&labels)
        }
        Some("CrossNamespacePodAffinity") => uses_cross_namespace_affinity(pod),
        _ => false,
    }
}

fn uses_cross_namespace_affinity(pod: &Value) -> bool {
    ["podAffinity", "podAntiAffinity"].iter().any(|a| {
        let terms = |field: &str, nested: bool| -> bool {
            meta::path(pod, &["spec", "affinity", a, field])
                .and_then(Value::as_array)
                .is_some_and(|ts| {
                    ts.iter().any(|t| {
                        let t = if nested {
                            t.get("podAffinityTerm").unwrap_or(&Value::Null)
                        } else {
                            t
                        };
                        t.get("namespaces")
                            .and_then(Value::as_array)
                            .is_some_and(|n| !n.is_empty())
                            || t.get("namespaceSelector").is_some_and(|s| !s.is_null())
                    })
                })
        };
        terms("requiredDuringSchedulingIgnoredDuringExecution", false)
            || terms("preferredDuringSchedulingIgnoredDuringExecution", true)
    })
}

/// `Matches`: the quota limits at least one resource this evaluator answers for, and the
/// object falls in every one of its scopes (only pods have scopes; other kinds never match a
/// scoped quota).
pub fn quota_matches(ev: Evaluator, kind: &KindInfo, quota: &Value, obj: &Value) -> bool {
    let hard = hard_names(quota);
    if matching_resources(ev, kind, hard.iter().map(String::as_str)).is_empty() {
        return false;
    }
    in_scopes(ev, quota, obj)
}

/// Whether an object falls in every scope of a quota (only pods have scopes; other kinds never
/// fall in a scoped quota).
pub fn in_scopes(ev: Evaluator, quota: &Value, obj: &Value) -> bool {
    scope_selectors(quota).iter().all(|s| match ev {
        Evaluator::Pod => pod_matches_scope(s, obj),
        _ => false,
    })
}

/// The resource names of a quota's `status.hard`.
pub fn hard_names(quota: &Value) -> Vec<String> {
    meta::path(quota, &["status", "hard"])
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// The pod evaluator's `Constraints`: when the quota tracks cpu or memory, every container
/// and init container must request (or limit) it: `must specify limits.cpu for: a,b; ...`.
pub fn pod_constraints(required: &[String], pod: &Value) -> Result<(), String> {
    let required: Vec<&str> = required
        .iter()
        .map(String::as_str)
        .filter(|r| VALIDATION_SET.contains(r))
        .collect();
    if required.is_empty() {
        return Ok(());
    }
    let mut missing: BTreeMap<&str, std::collections::BTreeSet<String>> = BTreeMap::new();
    for list in ["containers", "initContainers"] {
        for c in meta::path(pod, &["spec", list])
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let have = compute_usage(&resource_list(c, "requests"), &resource_list(c, "limits"));
            for r in &required {
                if !have.contains_key(*r) {
                    missing
                        .entry(r)
                        .or_default()
                        .insert(meta::str_at(c, &["name"]).unwrap_or("").to_string());
                }
            }
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let parts: Vec<String> = missing
        .iter()
        .map(|(r, names)| {
            format!(
                "{r} for: {}",
                names.iter().cloned().collect::<Vec<_>>().join(",")
            )
        })
        .collect();
    Err(format!("must specify {}", parts.join("; ")))
}

/// A resource list as the quota messages print it (`prettyPrint`): `k=v` sorted, `,`-joined.
pub fn pretty(list: &Usage) -> String {
    list.iter()
        .map(|(k, v)| format!("{k}={}", v.canonical()))
        .collect::<Vec<_>>()
        .join(",")
}

/// A quota's `status.used` or `status.hard` as a resource list.
pub fn status_list(quota: &Value, field: &str) -> Usage {
    meta::path(quota, &["status", field])
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), quantity(Some(v))?)))
                .collect()
        })
        .unwrap_or_default()
}

/// A resource list as JSON (canonical quantities).
pub fn to_json(list: &Usage) -> Value {
    Value::Object(
        list.iter()
            .map(|(k, v)| (k.clone(), json!(v.canonical())))
            .collect(),
    )
}

/// The sum of zero and nothing: `0` in decimal SI (what usage starts from).
pub fn zero() -> Quantity {
    Quantity::from_milli(0, Format::DecimalSI)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::api::kinds;

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap()
    }

    #[test]
    fn pod_usage_counts_requests_limits_and_init_containers() {
        let pod = json!({"spec": {
            "containers": [
                {"name": "a", "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"cpu": "200m"}}},
                {"name": "b", "resources": {"requests": {"cpu": "200m"}}}],
            "initContainers": [{"name": "i", "resources": {"requests": {"cpu": "500m"}}}]}});
        let k = kinds::by_kind("Pod").unwrap();
        let u = usage(Evaluator::Pod, k, &pod, 0);
        assert_eq!(u["pods"].canonical(), "1");
        assert_eq!(u["count/pods"].canonical(), "1");
        assert_eq!(u["requests.cpu"].canonical(), "500m");
        assert_eq!(u["cpu"].canonical(), "500m");
        assert_eq!(u["requests.memory"].canonical(), "64Mi");
        assert_eq!(u["limits.cpu"].canonical(), "200m");
        assert!(!u.contains_key("limits.memory"));
        // A terminal pod still counts as an object, not as a running pod.
        let done = json!({"spec": {}, "status": {"phase": "Succeeded"}});
        let u = usage(Evaluator::Pod, k, &done, 0);
        assert_eq!(u.keys().collect::<Vec<_>>(), ["count/pods"]);
    }

    #[test]
    fn claims_are_charged_per_storage_class() {
        let k = kinds::by_kind("PersistentVolumeClaim").unwrap();
        let pvc = json!({"spec": {"storageClassName": "gold", "resources": {"requests": {"storage": "1Gi"}}}});
        let u = usage(Evaluator::Claim, k, &pvc, 0);
        assert_eq!(
            u["gold.storageclass.storage.k8s.io/requests.storage"],
            q("1Gi")
        );
        assert_eq!(
            u["gold.storageclass.storage.k8s.io/persistentvolumeclaims"],
            q("1")
        );
        assert_eq!(u["requests.storage"], q("1Gi"));
    }

    #[test]
    fn object_counts_use_the_group_and_legacy_names() {
        let d = kinds::by_kind("Deployment").unwrap();
        assert_eq!(count_name(d), "count/deployments.apps");
        let cm = kinds::by_kind("ConfigMap").unwrap();
        let u = usage(Evaluator::Count, cm, &json!({}), 0);
        assert_eq!(
            u.keys().collect::<Vec<_>>(),
            ["configmaps", "count/configmaps"]
        );
        assert_eq!(
            matching_resources(
                Evaluator::Pod,
                kinds::by_kind("Pod").unwrap(),
                [
                    "requests.storage",
                    "requests.cpu",
                    "requests.nvidia.com/gpu"
                ]
                .into_iter()
            ),
            ["requests.cpu", "requests.nvidia.com/gpu"]
        );
    }

    #[test]
    fn constraints_name_the_missing_resources_and_containers() {
        let pod = json!({"spec": {"containers": [
            {"name": "web", "resources": {"requests": {"cpu": "1"}}},
            {"name": "db", "resources": {}}]}});
        let req = vec![
            "limits.cpu".to_string(),
            "requests.cpu".to_string(),
            "pods".to_string(),
        ];
        assert_eq!(
            pod_constraints(&req, &pod).unwrap_err(),
            "must specify limits.cpu for: db,web; requests.cpu for: db"
        );
    }

    #[test]
    fn scopes_select_pods() {
        let pod_k = kinds::by_kind("Pod").unwrap();
        let quota = |scopes: Value| json!({"spec": scopes, "status": {"hard": {"pods": "1"}}});
        let best_effort = json!({"spec": {"containers": [{"name": "a"}]}});
        let burstable = json!({"spec": {"containers": [{"name": "a", "resources": {"requests": {"cpu": "1"}}}], "activeDeadlineSeconds": 5, "priorityClassName": "high"}});
        let be = quota(json!({"scopes": ["BestEffort"]}));
        assert!(quota_matches(Evaluator::Pod, pod_k, &be, &best_effort));
        assert!(!quota_matches(Evaluator::Pod, pod_k, &be, &burstable));
        let term = quota(json!({"scopes": ["Terminating", "NotBestEffort"]}));
        assert!(quota_matches(Evaluator::Pod, pod_k, &term, &burstable));
        let pc = quota(
            json!({"scopeSelector": {"matchExpressions": [{"scopeName": "PriorityClass", "operator": "In", "values": ["high"]}]}}),
        );
        assert!(quota_matches(Evaluator::Pod, pod_k, &pc, &burstable));
        assert!(!quota_matches(Evaluator::Pod, pod_k, &pc, &best_effort));
        let svc = kinds::by_kind("Service").unwrap();
        let sq = json!({"spec": {"scopes": ["BestEffort"]}, "status": {"hard": {"services": "1"}}});
        assert!(!quota_matches(Evaluator::Service, svc, &sq, &json!({})));
    }
}
