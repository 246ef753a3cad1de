//! Describers of Nodes and Namespaces.

use crate::world::api::kinds;
use serde_json::Value;

use super::common::{annotations_multiline, events, labels_multiline, time_of};
use super::writer::{LEVEL_0, LEVEL_1, Writer};
use crate::printers::age::age;
use crate::world::World;
use crate::world::api::meta;
use crate::world::api::quantity::parse_milli;
use crate::world::clock::rfc1123z;

fn taints(w: &mut Writer, node: &Value) {
    w.write(LEVEL_0, "Taints:\t");
    let ts: Vec<&Value> = meta::path(node, &["spec", "taints"])
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    if ts.is_empty() {
        w.write_line("<none>");
        return;
    }
    for (i, t) in ts.iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, "\t");
        }
        let key = t.get("key").and_then(Value::as_str).unwrap_or("");
        let value = t.get("value").and_then(Value::as_str).unwrap_or("");
        let effect = t.get("effect").and_then(Value::as_str).unwrap_or("");
        if value.is_empty() {
            w.write_line(&format!("{key}:{effect}"));
        } else {
            w.write_line(&format!("{key}={value}:{effect}"));
        }
    }
}

fn quantity(milli: i128, unit_memory: bool) -> String {
    if milli == 0 {
        return "0".to_string();
    }
    if unit_memory {
        let bytes = milli / 1000;
        for (suffix, size) in [("Gi", 1i128 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)] {
            if bytes % size == 0 {
                return format!("{}{suffix}", bytes / size);
            }
        }
        return bytes.to_string();
    }
    if milli % 1000 == 0 {
        (milli / 1000).to_string()
    } else {
        format!("{milli}m")
    }
}

fn requests_limits(pod: &Value, which: &str, res: &str) -> i128 {
    meta::path(pod, &["spec", "containers"])
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .filter_map(|c| meta::str_at(c, &["resources", which, res]).and_then(parse_milli))
                .sum()
        })
        .unwrap_or(0)
}

/// `describeNode`.
pub fn node(world: &World, node: &Value, evs: &[Value], now: i64) -> String {
    let mut w = Writer::default();
    let name = meta::name(node);
    w.line(LEVEL_0, &format!("Name:\t{name}"));
    let mut roles: Vec<String> = meta::labels(node)
        .keys()
        .filter_map(|k| {
            k.strip_prefix("node-role.kubernetes.io/")
                .map(str::to_string)
        })
        .filter(|r| !r.is_empty())
        .collect();
    roles.sort();
    roles.dedup();
    w.line(
        LEVEL_0,
        &format!(
            "Roles:\t{}",
            if roles.is_empty() {
                "<none>".to_string()
            } else {
                roles.join(",")
            }
        ),
    );
    labels_multiline(&mut w, "Labels", meta::path(node, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        meta::path(node, &["metadata", "annotations"]),
    );
    w.line(
        LEVEL_0,
        &format!(
            "CreationTimestamp:\t{}",
            time_of(meta::str_at(node, &["metadata", "creationTimestamp"]))
        ),
    );
    taints(&mut w, node);
    w.line(
        LEVEL_0,
        &format!(
            "Unschedulable:\t{}",
            meta::bool_at(node, &["spec", "unschedulable"]).unwrap_or(false)
        ),
    );
    w.line(LEVEL_0, "Lease:");
    w.line(LEVEL_1, &format!("HolderIdentity:\t{name}"));
    w.line(LEVEL_1, "AcquireTime:\t<unset>");
    w.line(
        LEVEL_1,
        &format!("RenewTime:\t{}", rfc1123z(now - now.rem_euclid(10_000))),
    );
    if let Some(conds) = meta::path(node, &["status", "conditions"])
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
    {
        w.line(
            LEVEL_0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage",
        );
        w.line(
            LEVEL_1,
            "----\t------\t-----------------\t------------------\t------\t-------",
        );
        for c in conds {
            let s = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            w.line(
                LEVEL_1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}",
                    s("type"),
                    s("status"),
                    rfc1123z(now - now.rem_euclid(10_000)),
                    time_of(c.get("lastTransitionTime").and_then(Value::as_str)),
                    s("reason"),
                    s("message")
                ),
            );
        }
    }
    w.line(LEVEL_0, "Addresses:");
    for a in meta::path(node, &["status", "addresses"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        w.line(
            LEVEL_1,
            &format!(
                "{}:\t{}",
                a.get("type").and_then(Value::as_str).unwrap_or(""),
                a.get("address").and_then(Value::as_str).unwrap_or("")
            ),
        );
    }
    for (title, key) in [("Capacity", "capacity"), ("Allocatable", "allocatable")] {
        if let Some(m) = meta::path(node, &["status", key])
            .and_then(Value::as_object)
            .filter(|m| !m.is_empty())
        {
            w.line(LEVEL_0, &format!("{title}:"));
            for (k, v) in m {
                w.line(LEVEL_0, &format!("  {k}:\t{}", v.as_str().unwrap_or("")));
            }
        }
    }
    w.line(LEVEL_0, "System Info:");
    let info = |k: &str| {
        meta::str_at(node, &["status", "nodeInfo", k])
            .unwrap_or("")
            .to_string()
    };
    for (label, key) in [
        ("Machine ID", "machineID"),
        ("System UUID", "systemUUID"),
        ("Boot ID", "bootID"),
        ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"),
        ("Operating System", "operatingSystem"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"),
        ("Kubelet Version", "kubeletVersion"),
        ("Kube-Proxy Version", "kubeProxyVersion"),
    ] {
        w.line(LEVEL_0, &format!("  {label}:\t{}", info(key)));
    }
    if let Some(c) = meta::str_at(node, &["spec", "podCIDR"]).filter(|s| !s.is_empty()) {
        w.line(LEVEL_0, &format!("PodCIDR:\t{c}"));
    }
    if let Some(cs) = meta::path(node, &["spec", "podCIDRs"])
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
    {
        w.line(
            LEVEL_0,
            &format!(
                "PodCIDRs:\t{}",
                cs.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        );
    }
    let pods: Vec<&Value> = crate::world::api::kinds::by_kind(kinds::POD)
        .map(|k| {
            world
                .store
                .list(k, None)
                .filter(|p| meta::str_at(p, &["spec", "nodeName"]) == Some(name))
                .filter(|p| {
                    !matches!(
                        meta::str_at(p, &["status", "phase"]),
                        Some("Succeeded" | "Failed")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let alloc = |r: &str| {
        meta::str_at(node, &["status", "allocatable", r])
            .and_then(parse_milli)
            .unwrap_or(0)
    };
    let pct = |v: i128, total: i128| {
        if total == 0 {
            0
        } else {
            (v as f64 / total as f64 * 100.0) as i64
        }
    };
    w.line(
        LEVEL_0,
        &format!("Non-terminated Pods:\t({} in total)", pods.len()),
    );
    w.line(
        LEVEL_1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge",
    );
    w.line(
        LEVEL_1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---",
    );
    let (mut cr, mut cl, mut mr, mut ml) = (0i128, 0i128, 0i128, 0i128);
    for p in &pods {
        let (a, b, c, d) = (
            requests_limits(p, "requests", "cpu"),
            requests_limits(p, "limits", "cpu"),
            requests_limits(p, "requests", "memory"),
            requests_limits(p, "limits", "memory"),
        );
        let (a, c) = (if a == 0 { b } else { a }, if c == 0 { d } else { c });
        cr += a;
        cl += b;
        mr += c;
        ml += d;
        w.line(
            LEVEL_1,
            &format!(
                "{}\t{}\t\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{}",
                meta::namespace(p),
                meta::name(p),
                quantity(a, false),
                pct(a, alloc("cpu")),
                quantity(b, false),
                pct(b, alloc("cpu")),
                quantity(c, true),
                pct(c, alloc("memory")),
                quantity(d, true),
                pct(d, alloc("memory")),
                age(meta::str_at(p, &["metadata", "creationTimestamp"]), now)
            ),
        );
    }
    w.line(
        LEVEL_0,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)",
    );
    w.line(LEVEL_1, "Resource\tRequests\tLimits");
    w.line(LEVEL_1, "--------\t--------\t------");
    w.line(
        LEVEL_1,
        &format!(
            "cpu\t{} ({}%)\t{} ({}%)",
            quantity(cr, false),
            pct(cr, alloc("cpu")),
            quantity(cl, false),
            pct(cl, alloc("cpu"))
        ),
    );
    w.line(
        LEVEL_1,
        &format!(
            "memory\t{} ({}%)\t{} ({}%)",
            quantity(mr, true),
            pct(mr, alloc("memory")),
            quantity(ml, true),
            pct(ml, alloc("memory"))
        ),
    );
    w.line(LEVEL_1, "ephemeral-storage\t0 (0%)\t0 (0%)");
    if let Some(m) = meta::path(node, &["status", "allocatable"]).and_then(Value::as_object) {
        for k in m.keys().filter(|k| k.starts_with("hugepages-")) {
            w.line(LEVEL_1, &format!("{k}\t0 (0%)\t0 (0%)"));
        }
    }
    events(&mut w, evs, now);
    w.finish()
}

/// `describeNamespace`, with the namespace's quotas and limit ranges.
pub fn namespace(world: &World, ns: &Value) -> String {
    let mut w = Writer::default();
    w.line(LEVEL_0, &format!("Name:\t{}", meta::name(ns)));
    labels_multiline(&mut w, "Labels", meta::path(ns, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        meta::path(ns, &["metadata", "annotations"]),
    );
    w.line(
        LEVEL_0,
        &format!(
            "Status:\t{}",
            meta::str_at(ns, &["status", "phase"]).unwrap_or("")
        ),
    );
    let name = meta::name(ns);
    w.line(LEVEL_0, "");
    let quotas: Vec<&Value> = world.object_list(kinds::RESOURCE_QUOTA, name).collect();
    super::policy::namespace_quotas(&mut w, &quotas);
    w.line(LEVEL_0, "");
    let ranges: Vec<&Value> = world.object_list(kinds::LIMIT_RANGE, name).collect();
    super::policy::namespace_limit_ranges(&mut w, &ranges);
    w.finish()
}
