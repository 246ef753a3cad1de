//! `kubectl get` tables: per-kind columns and cells as the server's table convertor builds them
//! (`k/k pkg/printers/internalversion/printers.go`), plus kubectl's additions (`--show-labels`,
//! `-L`, the NAMESPACE column, kind prefixes).

use crate::world::api::kinds;
use serde_json::Value;

use super::age::{age, human_duration};
use crate::world::api::meta;
use crate::world::api::selector::format_label_selector;
use crate::world::clock::{Millis, parse_rfc3339};

/// How a table is printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableOptions {
    /// `-o wide`.
    pub wide: bool,
    /// `--show-labels`.
    pub show_labels: bool,
    /// `-L key` columns.
    pub label_columns: Vec<String>,
    /// `-A`: a NAMESPACE column first.
    pub with_namespace: bool,
    /// `--no-headers`.
    pub no_headers: bool,
    /// Prefix names with `kind.group/` (several kinds in one `get`).
    pub kind_prefix: Option<String>,
}

/// The columns of a kind: (normal headers, extra `-o wide` headers).
pub fn headers(kind: &str) -> (Vec<&'static str>, Vec<&'static str>) {
    if let Some(h) = super::table_kinds::headers(kind) {
        return h;
    }
    if kind == kinds::HORIZONTAL_POD_AUTOSCALER {
        return super::table_hpa::headers();
    }
    if let Some(h) = super::table_traffic::headers(kind) {
        return h;
    }
    match kind {
        kinds::POD => (
            vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
            vec!["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
        ),
        kinds::DEPLOYMENT => (
            vec!["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
            vec!["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        kinds::REPLICA_SET => (
            vec!["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
            vec!["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        kinds::STATEFUL_SET => (vec!["NAME", "READY", "AGE"], vec!["CONTAINERS", "IMAGES"]),
        kinds::DAEMON_SET => (
            vec![
                "NAME",
                "DESIRED",
                "CURRENT",
                "READY",
                "UP-TO-DATE",
                "AVAILABLE",
                "NODE SELECTOR",
                "AGE",
            ],
            vec!["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        kinds::NODE => (
            vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
            vec![
                "INTERNAL-IP",
                "EXTERNAL-IP",
                "OS-IMAGE",
                "KERNEL-VERSION",
                "CONTAINER-RUNTIME",
            ],
        ),
        kinds::NAMESPACE => (vec!["NAME", "STATUS", "AGE"], vec![]),
        kinds::EVENT => (
            vec!["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
            vec![],
        ),
        kinds::CONFIG_MAP => (vec!["NAME", "DATA", "AGE"], vec![]),
        kinds::SECRET => (vec!["NAME", "TYPE", "DATA", "AGE"], vec![]),
        kinds::SERVICE_ACCOUNT => (vec!["NAME", "SECRETS", "AGE"], vec![]),
        kinds::SERVICE => (
            vec![
                "NAME",
                "TYPE",
                "CLUSTER-IP",
                "EXTERNAL-IP",
                "PORT(S)",
                "AGE",
            ],
            vec!["SELECTOR"],
        ),
        kinds::ENDPOINTS => (vec!["NAME", "ENDPOINTS", "AGE"], vec![]),
        kinds::PERSISTENT_VOLUME => (
            vec![
                "NAME",
                "CAPACITY",
                "ACCESS MODES",
                "RECLAIM POLICY",
                "STATUS",
                "CLAIM",
                "STORAGECLASS",
                "VOLUMEATTRIBUTESCLASS",
                "REASON",
                "AGE",
            ],
            vec!["VOLUMEMODE"],
        ),
        kinds::PERSISTENT_VOLUME_CLAIM => (
            vec![
                "NAME",
                "STATUS",
                "VOLUME",
                "CAPACITY",
                "ACCESS MODES",
                "STORAGECLASS",
                "VOLUMEATTRIBUTESCLASS",
                "AGE",
            ],
            vec!["VOLUMEMODE"],
        ),
        kinds::STORAGE_CLASS => (
            vec![
                "NAME",
                "PROVISIONER",
                "RECLAIMPOLICY",
                "VOLUMEBINDINGMODE",
                "ALLOWVOLUMEEXPANSION",
                "AGE",
            ],
            vec![],
        ),
        kinds::CONTROLLER_REVISION => (vec!["NAME", "CONTROLLER", "REVISION", "AGE"], vec![]),
        kinds::JOB => (
            vec!["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"],
            vec!["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        kinds::CRON_JOB => (
            vec![
                "NAME",
                "SCHEDULE",
                "TIMEZONE",
                "SUSPEND",
                "ACTIVE",
                "LAST SCHEDULE",
                "AGE",
            ],
            vec!["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        kinds::IMAGE_STREAM => (vec!["NAME", "IMAGE REPOSITORY", "TAGS", "UPDATED"], vec![]),
        kinds::IMAGE_STREAM_TAG => (
            vec!["NAME", "IMAGE REFERENCE", "UPDATED"],
            vec!["IMAGE NAME"],
        ),
        kinds::PROJECT => (vec!["NAME", "DISPLAY NAME", "STATUS"], vec![]),
        kinds::CUSTOM_RESOURCE_DEFINITION => (vec!["NAME", "CREATED AT"], vec![]),
        _ => (vec!["NAME", "AGE"], vec![]),
    }
}

fn s(v: Option<&str>) -> String {
    v.unwrap_or("").to_string()
}

fn i(obj: &Value, keys: &[&str]) -> i64 {
    meta::int_at(obj, keys).unwrap_or(0)
}

fn created(obj: &Value, now: Millis) -> String {
    age(meta::str_at(obj, &["metadata", "creationTimestamp"]), now)
}

fn containers_images(obj: &Value, spec_path: &[&str]) -> (String, String) {
    let cs = meta::path(obj, spec_path)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let names: Vec<&str> = cs
        .iter()
        .filter_map(|c| c.get("name").and_then(Value::as_str))
        .collect();
    let images: Vec<&str> = cs
        .iter()
        .filter_map(|c| c.get("image").and_then(Value::as_str))
        .collect();
    (names.join(","), images.join(","))
}

/// The cells of one object (without kubectl's additions).
pub fn cells(kind: &str, obj: &Value, wide: bool, now: Millis) -> Vec<String> {
    if let Some(row) = super::table_kinds::cells(kind, obj, wide, now) {
        return row;
    }
    if kind == kinds::HORIZONTAL_POD_AUTOSCALER {
        return super::table_hpa::cells(obj, now);
    }
    if let Some(row) = super::table_traffic::cells(kind, obj, wide, now) {
        return row;
    }
    let name = meta::name(obj).to_string();
    let mut row = match kind {
        kinds::POD => return pod_cells(obj, wide, now),
        kinds::DAEMON_SET => return super::workload_table::daemonset(obj, wide, now),
        kinds::JOB => return super::workload_table::job(obj, wide, now),
        kinds::CRON_JOB => return super::workload_table::cronjob(obj, wide, now),
        kinds::DEPLOYMENT => vec![
            name,
            format!(
                "{}/{}",
                i(obj, &["status", "readyReplicas"]),
                meta::int_at(obj, &["spec", "replicas"]).unwrap_or(1)
            ),
            i(obj, &["status", "updatedReplicas"]).to_string(),
            i(obj, &["status", "availableReplicas"]).to_string(),
            created(obj, now),
        ],
        kinds::REPLICA_SET => vec![
            name,
            meta::int_at(obj, &["spec", "replicas"])
                .unwrap_or(1)
                .to_string(),
            i(obj, &["status", "replicas"]).to_string(),
            i(obj, &["status", "readyReplicas"]).to_string(),
            created(obj, now),
        ],
        kinds::STATEFUL_SET => vec![
            name,
            format!(
                "{}/{}",
                i(obj, &["status", "readyReplicas"]),
                meta::int_at(obj, &["spec", "replicas"]).unwrap_or(1)
            ),
            created(obj, now),
        ],
        kinds::NODE => return node_cells(obj, wide, now),
        kinds::NAMESPACE => vec![
            name,
            s(meta::str_at(obj, &["status", "phase"])),
            created(obj, now),
        ],
        kinds::EVENT => return event_cells(obj, wide, now),
        kinds::CONFIG_MAP => {
            let n = ["data", "binaryData"]
                .iter()
                .map(|k| {
                    obj.get(*k)
                        .and_then(Value::as_object)
                        .map_or(0, |m| m.len())
                })
                .sum::<usize>();
            vec![name, n.to_string(), created(obj, now)]
        }
        kinds::SECRET => {
            let n = obj
                .get("data")
                .and_then(Value::as_object)
                .map_or(0, |m| m.len());
            vec![
                name,
                s(obj.get("type").and_then(Value::as_str)),
                n.to_string(),
                created(obj, now),
            ]
        }
        kinds::ENDPOINTS => vec![name, format_endpoints(obj), created(obj, now)],
        kinds::SERVICE_ACCOUNT => {
            let n = obj
                .get("secrets")
                .and_then(Value::as_array)
                .map_or(0, |a| a.len());
            vec![name, n.to_string(), created(obj, now)]
        }
        kinds::SERVICE => return service_cells(obj, wide, now),
        kinds::IMAGE_STREAM => return super::openshift::imagestream_cells(obj, now),
        kinds::IMAGE_STREAM_TAG => return super::openshift::istag_cells(obj, wide, now),
        kinds::PROJECT => vec![
            name,
            meta::annotation(obj, "openshift.io/display-name")
                .unwrap_or("")
                .to_string(),
            s(meta::str_at(obj, &["status", "phase"])),
        ],
        kinds::STORAGE_CLASS => {
            let default = meta::annotation(obj, "storageclass.kubernetes.io/is-default-class")
                == Some("true")
                || meta::annotation(obj, "storageclass.beta.kubernetes.io/is-default-class")
                    == Some("true");
            vec![
                if default {
                    format!("{name} (default)")
                } else {
                    name
                },
                s(obj.get("provisioner").and_then(Value::as_str)),
                obj.get("reclaimPolicy")
                    .and_then(Value::as_str)
                    .unwrap_or("Delete")
                    .to_string(),
                obj.get("volumeBindingMode")
                    .and_then(Value::as_str)
                    .unwrap_or("Immediate")
                    .to_string(),
                obj.get("allowVolumeExpansion")
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
                    .to_string(),
                created(obj, now),
            ]
        }
        kinds::CONTROLLER_REVISION => {
            let owner = meta::controller_of(obj)
                .map(|(k, n, _)| format!("{}/{n}", qualified(&k)))
                .unwrap_or_else(|| "<none>".into());
            vec![
                name,
                owner,
                i(obj, &["revision"]).to_string(),
                created(obj, now),
            ]
        }
        kinds::CUSTOM_RESOURCE_DEFINITION => vec![
            name,
            s(meta::str_at(obj, &["metadata", "creationTimestamp"])),
        ],
        kinds::PERSISTENT_VOLUME => pv_cells(obj, wide, now),
        kinds::PERSISTENT_VOLUME_CLAIM => pvc_cells(obj, wide, now),
        _ => vec![name, created(obj, now)],
    };
    if wide {
        match kind {
            kinds::DEPLOYMENT | kinds::REPLICA_SET => {
                let (c, im) = containers_images(obj, &["spec", "template", "spec", "containers"]);
                let sel = meta::path(obj, &["spec", "selector"])
                    .map(format_label_selector)
                    .unwrap_or_else(|| "<none>".into());
                row.extend([c, im, sel]);
            }
            kinds::STATEFUL_SET => {
                let (c, im) = containers_images(obj, &["spec", "template", "spec", "containers"]);
                row.extend([c, im]);
            }
            _ => {}
        }
    }
    row
}

fn qualified(kind: &str) -> String {
    match crate::world::api::kinds::by_kind(kind) {
        Some(k) => k.qualified_singular(),
        None => kind.to_ascii_lowercase(),
    }
}

fn pod_cells(pod: &Value, wide: bool, now: Millis) -> Vec<String> {
    let phase = s(meta::str_at(pod, &["status", "phase"]));
    let mut reason = meta::str_at(pod, &["status", "reason"])
        .map(str::to_string)
        .unwrap_or_else(|| phase.clone());
    if meta::condition(pod, "PodScheduled")
        .and_then(|c| c.get("reason"))
        .and_then(Value::as_str)
        == Some("SchedulingGated")
    {
        reason = "SchedulingGated".into();
    }
    let spec_init: Vec<&Value> = meta::path(pod, &["spec", "initContainers"])
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let restartable = |name: &str| {
        spec_init.iter().any(|c| {
            c.get("name").and_then(Value::as_str) == Some(name)
                && c.get("restartPolicy").and_then(Value::as_str) == Some("Always")
        })
    };
    let mut total = meta::path(pod, &["spec", "containers"])
        .and_then(Value::as_array)
        .map_or(0, |a| a.len());
    total += spec_init
        .iter()
        .filter(|c| c.get("restartPolicy").and_then(Value::as_str) == Some("Always"))
        .count();
    let mut ready = 0;
    let mut restarts = 0;
    let mut sidecar_restarts = 0;
    let mut last_restart: Option<Millis> = None;
    let mut last_sidecar_restart: Option<Millis> = None;
    let finished_at = |c: &Value| {
        meta::str_at(c, &["lastState", "terminated", "finishedAt"]).and_then(parse_rfc3339)
    };
    let mut initializing = false;
    let init_statuses: Vec<Value> = meta::path(pod, &["status", "initContainerStatuses"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (idx, c) in init_statuses.iter().enumerate() {
        let cname = c.get("name").and_then(Value::as_str).unwrap_or("");
        restarts += meta::int_at(c, &["restartCount"]).unwrap_or(0);
        if let Some(t) = finished_at(c) {
            last_restart = Some(last_restart.map_or(t, |l: Millis| l.max(t)));
        }
        if restartable(cname) {
            sidecar_restarts += meta::int_at(c, &["restartCount"]).unwrap_or(0);
            if let Some(t) = finished_at(c) {
                last_sidecar_restart = Some(last_sidecar_restart.map_or(t, |l: Millis| l.max(t)));
            }
        }
        let term = meta::path(c, &["state", "terminated"]);
        let waiting_reason = meta::str_at(c, &["state", "waiting", "reason"]).unwrap_or("");
        if term.is_some_and(|t| t.get("exitCode").and_then(Value::as_i64) == Some(0)) {
            continue;
        }
        if restartable(cname) && c.get("started").and_then(Value::as_bool) == Some(true) {
            if c.get("ready").and_then(Value::as_bool) == Some(true) {
                ready += 1;
            }
            continue;
        }
        if let Some(t) = term {
            let r = t.get("reason").and_then(Value::as_str).unwrap_or("");
            reason = if r.is_empty() {
                match t.get("signal").and_then(Value::as_i64).filter(|s| *s != 0) {
                    Some(sig) => format!("Init:Signal:{sig}"),
                    None => format!(
                        "Init:ExitCode:{}",
                        t.get("exitCode").and_then(Value::as_i64).unwrap_or(0)
                    ),
                }
            } else {
                format!("Init:{r}")
            };
        } else if !waiting_reason.is_empty() && waiting_reason != "PodInitializing" {
            reason = format!("Init:{waiting_reason}");
        } else {
            reason = format!("Init:{idx}/{}", spec_init.len());
        }
        initializing = true;
        break;
    }
    let initialized = meta::condition(pod, "Initialized")
        .and_then(|c| c.get("status"))
        .and_then(Value::as_str)
        == Some("True");
    if !initializing || initialized {
        restarts = sidecar_restarts;
        last_restart = last_sidecar_restart;
        let mut has_running = false;
        let statuses: Vec<Value> = meta::path(pod, &["status", "containerStatuses"])
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for c in statuses.iter().rev() {
            restarts += meta::int_at(c, &["restartCount"]).unwrap_or(0);
            if let Some(t) = finished_at(c) {
                last_restart = Some(last_restart.map_or(t, |l: Millis| l.max(t)));
            }
            let waiting = meta::str_at(c, &["state", "waiting", "reason"]).unwrap_or("");
            let term = meta::path(c, &["state", "terminated"]);
            if !waiting.is_empty() {
                reason = waiting.to_string();
            } else if let Some(t) = term {
                let r = t.get("reason").and_then(Value::as_str).unwrap_or("");
                reason = if !r.is_empty() {
                    r.to_string()
                } else {
                    match t.get("signal").and_then(Value::as_i64).filter(|s| *s != 0) {
                        Some(sig) => format!("Signal:{sig}"),
                        None => format!(
                            "ExitCode:{}",
                            t.get("exitCode").and_then(Value::as_i64).unwrap_or(0)
                        ),
                    }
                };
            } else if c.get("ready").and_then(Value::as_bool) == Some(true)
                && meta::path(c, &["state", "running"]).is_some()
            {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            let pod_ready = meta::condition(pod, "Ready")
                .and_then(|c| c.get("status"))
                .and_then(Value::as_str)
                == Some("True");
            reason = if pod_ready {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }
    if meta::is_deleting(pod) {
        if meta::str_at(pod, &["status", "reason"]) == Some("NodeLost") {
            reason = "Unknown".into();
        } else if !matches!(phase.as_str(), "Succeeded" | "Failed") {
            reason = "Terminating".into();
        }
    }
    let restarts_str = match (restarts, last_restart) {
        (0, _) | (_, None) => restarts.to_string(),
        (n, Some(t)) => format!("{n} ({} ago)", human_duration(now - t)),
    };
    let mut row = vec![
        meta::name(pod).to_string(),
        format!("{ready}/{total}"),
        reason,
        restarts_str,
        created(pod, now),
    ];
    if wide {
        let ip = meta::str_at(pod, &["status", "podIPs", "0", "ip"])
            .filter(|s| !s.is_empty())
            .unwrap_or("<none>");
        let node = meta::str_at(pod, &["spec", "nodeName"])
            .filter(|s| !s.is_empty())
            .unwrap_or("<none>");
        let nominated = meta::str_at(pod, &["status", "nominatedNodeName"])
            .filter(|s| !s.is_empty())
            .unwrap_or("<none>");
        let gates = match meta::path(pod, &["spec", "readinessGates"]).and_then(Value::as_array) {
            Some(g) if !g.is_empty() => {
                let ok = g
                    .iter()
                    .filter(|gate| {
                        let ty = gate
                            .get("conditionType")
                            .and_then(Value::as_str)
                            .unwrap_or("");
                        meta::condition(pod, ty)
                            .and_then(|c| c.get("status"))
                            .and_then(Value::as_str)
                            == Some("True")
                    })
                    .count();
                format!("{ok}/{}", g.len())
            }
            _ => "<none>".to_string(),
        };
        row.extend([
            ip.to_string(),
            node.to_string(),
            nominated.to_string(),
            gates,
        ]);
    }
    row
}

fn node_cells(node: &Value, wide: bool, now: Millis) -> Vec<String> {
    let mut status: Vec<String> = Vec::new();
    match meta::condition(node, "Ready")
        .and_then(|c| c.get("status"))
        .and_then(Value::as_str)
    {
        Some("True") => status.push("Ready".into()),
        Some(_) => status.push("NotReady".into()),
        None => status.push("Unknown".into()),
    }
    if meta::bool_at(node, &["spec", "unschedulable"]) == Some(true) {
        status.push("SchedulingDisabled".into());
    }
    let mut roles: Vec<String> = meta::labels(node)
        .keys()
        .filter_map(|k| {
            k.strip_prefix("node-role.kubernetes.io/")
                .map(str::to_string)
        })
        .filter(|r| !r.is_empty())
        .collect();
    if let Some(r) = meta::labels(node).get("kubernetes.io/role") {
        roles.push(r.clone());
    }
    roles.sort();
    let roles = if roles.is_empty() {
        "<none>".to_string()
    } else {
        roles.join(",")
    };
    let mut row = vec![
        meta::name(node).to_string(),
        status.join(","),
        roles,
        created(node, now),
        s(meta::str_at(
            node,
            &["status", "nodeInfo", "kubeletVersion"],
        )),
    ];
    if wide {
        let addr = |ty: &str| {
            meta::path(node, &["status", "addresses"])
                .and_then(Value::as_array)
                .and_then(|a| {
                    a.iter()
                        .find(|x| x.get("type").and_then(Value::as_str) == Some(ty))
                })
                .and_then(|x| x.get("address"))
                .and_then(Value::as_str)
                .unwrap_or("<none>")
                .to_string()
        };
        let info = |k: &str| {
            meta::str_at(node, &["status", "nodeInfo", k])
                .filter(|v| !v.is_empty())
                .unwrap_or("<unknown>")
                .to_string()
        };
        row.extend([
            addr("InternalIP"),
            addr("ExternalIP"),
            info("osImage"),
            info("kernelVersion"),
            info("containerRuntimeVersion"),
        ]);
    }
    row
}

/// The server's event columns with `-o wide`: the wide ones sit between the others
/// (`printers.go` column definitions, priority 1 shown in order).
const EVENT_WIDE_HEADERS: &[&str] = &[
    "LAST SEEN",
    "TYPE",
    "REASON",
    "OBJECT",
    "SUBOBJECT",
    "SOURCE",
    "MESSAGE",
    "FIRST SEEN",
    "COUNT",
    "NAME",
];

/// The age of an event time field, `<unknown>` when unset (`translateTimestampSince`).
fn event_age(ev: &Value, field: &str, now: Millis) -> Option<String> {
    meta::str_at(ev, &[field])
        .filter(|t| !t.is_empty())
        .map(|t| age(Some(t), now))
}

/// `printEvent` (k/k `pkg/printers/internalversion/printers.go`): LAST SEEN is the last
/// timestamp alone (the `(xN over M)` form is `kubectl events`' and describe's), FIRST SEEN
/// falls back to `eventTime`, COUNT to the series' count.
fn event_cells(ev: &Value, wide: bool, now: Millis) -> Vec<String> {
    let first = event_age(ev, "firstTimestamp", now)
        .or_else(|| event_age(ev, "eventTime", now))
        .unwrap_or_else(|| "<unknown>".into());
    let mut last = event_age(ev, "lastTimestamp", now).unwrap_or_else(|| first.clone());
    let mut count = meta::int_at(ev, &["count"]).unwrap_or(0);
    if ev.get("series").is_some_and(Value::is_object) {
        last = meta::str_at(ev, &["series", "lastObservedTime"])
            .filter(|t| !t.is_empty())
            .map(|t| age(Some(t), now))
            .unwrap_or_else(|| "<unknown>".into());
        count = meta::int_at(ev, &["series", "count"]).unwrap_or(0);
    } else if count == 0 {
        count = 1;
    }
    let kind = meta::str_at(ev, &["involvedObject", "kind"])
        .unwrap_or("")
        .to_ascii_lowercase();
    let obj = match meta::str_at(ev, &["involvedObject", "name"]).filter(|n| !n.is_empty()) {
        Some(n) => format!("{kind}/{n}"),
        None => kind,
    };
    let message = s(ev.get("message").and_then(Value::as_str))
        .trim()
        .to_string();
    let ty = s(ev.get("type").and_then(Value::as_str));
    let reason = s(ev.get("reason").and_then(Value::as_str));
    if !wide {
        return vec![last, ty, reason, obj, message];
    }
    let first_non_empty = |a: Option<&str>, b: Option<&str>| {
        a.filter(|x| !x.is_empty())
            .or(b.filter(|x| !x.is_empty()))
            .unwrap_or("")
            .to_string()
    };
    let component = first_non_empty(
        meta::str_at(ev, &["source", "component"]),
        meta::str_at(ev, &["reportingComponent"]),
    );
    let instance = first_non_empty(
        meta::str_at(ev, &["source", "host"]),
        meta::str_at(ev, &["reportingInstance"]),
    );
    let source = if instance.is_empty() {
        component
    } else {
        format!("{component}, {instance}")
    };
    vec![
        last,
        ty,
        reason,
        obj,
        s(meta::str_at(ev, &["involvedObject", "fieldPath"])),
        source,
        message,
        first,
        count.to_string(),
        meta::name(ev).to_string(),
    ]
}

fn service_cells(svc: &Value, wide: bool, now: Millis) -> Vec<String> {
    let ty = meta::str_at(svc, &["spec", "type"])
        .unwrap_or("ClusterIP")
        .to_string();
    let cluster_ip = meta::str_at(svc, &["spec", "clusterIPs", "0"])
        .or_else(|| meta::str_at(svc, &["spec", "clusterIP"]))
        .unwrap_or("")
        .to_string();
    let cluster_ip = if cluster_ip.is_empty() {
        "<none>".to_string()
    } else {
        cluster_ip
    };
    let external: Vec<String> = meta::path(svc, &["spec", "externalIPs"])
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let external_ip = match ty.as_str() {
        "ClusterIP" | "NodePort" => {
            if external.is_empty() {
                "<none>".to_string()
            } else {
                external.join(",")
            }
        }
        "LoadBalancer" => {
            let ingress: Vec<String> = meta::path(svc, &["status", "loadBalancer", "ingress"])
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|i| {
                            i.get("ip")
                                .or_else(|| i.get("hostname"))
                                .and_then(Value::as_str)
                                .map(str::to_string)
                        })
                        .collect()
                })
                .unwrap_or_default();
            let mut all = ingress;
            all.extend(external);
            if all.is_empty() {
                "<pending>".to_string()
            } else {
                all.join(",")
            }
        }
        "ExternalName" => s(meta::str_at(svc, &["spec", "externalName"])),
        _ => "<unknown>".to_string(),
    };
    let ports: Vec<String> = meta::path(svc, &["spec", "ports"])
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|p| {
                    let port = p.get("port").and_then(Value::as_i64).unwrap_or(0);
                    let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
                    match p
                        .get("nodePort")
                        .and_then(Value::as_i64)
                        .filter(|n| *n != 0)
                    {
                        Some(np) => format!("{port}:{np}/{proto}"),
                        None => format!("{port}/{proto}"),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let ports = if ports.is_empty() {
        "<none>".to_string()
    } else {
        ports.join(",")
    };
    let mut row = vec![
        meta::name(svc).to_string(),
        ty,
        cluster_ip,
        external_ip,
        ports,
        created(svc, now),
    ];
    if wide {
        row.push(format_labels(svc, &["spec", "selector"]));
    }
    row
}

/// `labels.FormatLabels` of the string map at `path`: `k=v,k2=v2` in key order, `<none>` when
/// empty (selectors, node selectors, template labels in `-o wide` columns).
pub fn format_labels(obj: &Value, path: &[&str]) -> String {
    let m = meta::string_map(obj, path);
    if m.is_empty() {
        return "<none>".into();
    }
    m.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The whole table of one kind as rows of cells (header first unless `no_headers`).
pub fn table<V: std::borrow::Borrow<Value>>(
    kind: &str,
    objs: &[V],
    opts: &TableOptions,
    now: Millis,
) -> Vec<Vec<String>> {
    let (mut base, mut wide_cols) = headers(kind);
    if kind == kinds::EVENT && opts.wide {
        base = EVENT_WIDE_HEADERS.to_vec();
        wide_cols = vec![];
    }
    let base: Vec<String> = base.iter().map(|h| h.to_string()).collect();
    let wide_cols: Vec<String> = wide_cols.iter().map(|h| h.to_string()).collect();
    table_of(
        &base,
        &wide_cols,
        objs,
        opts,
        kind != kinds::EVENT,
        &|o: &Value, wide: bool| cells(kind, o, wide, now),
    )
}

/// A table from its columns and a row function, with kubectl's additions (NAMESPACE, kind
/// prefix when `prefix_names`, `-L`, `--show-labels`, cells cut at a line break).
pub fn table_of<V: std::borrow::Borrow<Value>>(
    base: &[String],
    wide_cols: &[String],
    objs: &[V],
    opts: &TableOptions,
    prefix_names: bool,
    cells: &dyn Fn(&Value, bool) -> Vec<String>,
) -> Vec<Vec<String>> {
    let mut header: Vec<String> = Vec::new();
    if opts.with_namespace {
        header.push("NAMESPACE".into());
    }
    header.extend(base.iter().cloned());
    if opts.wide {
        header.extend(wide_cols.iter().cloned());
    }
    for l in &opts.label_columns {
        header.push(l.rsplit('/').next().unwrap_or(l).to_ascii_uppercase());
    }
    if opts.show_labels {
        header.push("LABELS".into());
    }
    let mut rows = Vec::new();
    if !opts.no_headers {
        rows.push(header);
    }
    for o in objs {
        let o: &Value = o.borrow();
        let mut row = Vec::new();
        if opts.with_namespace {
            row.push(meta::namespace(o).to_string());
        }
        let mut c = cells(o, opts.wide);
        if let (Some(prefix), Some(first)) = (&opts.kind_prefix, c.first_mut())
            && prefix_names
        {
            *first = format!("{prefix}/{first}");
        }
        row.extend(c);
        let labels = meta::labels(o);
        for l in &opts.label_columns {
            row.push(labels.get(l).cloned().unwrap_or_default());
        }
        if opts.show_labels {
            row.push(if labels.is_empty() {
                "<none>".into()
            } else {
                labels
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(",")
            });
        }
        for cell in row.iter_mut() {
            if let Some(pos) = cell.find(['\n', '\r', '\x0c']) {
                cell.truncate(pos);
                cell.push_str("...");
            }
        }
        rows.push(row);
    }
    rows
}

/// `formatEndpoints`: `ip:port` of each address and port, at most three, then `+ N more...`.
fn format_endpoints(ep: &Value) -> String {
    let subsets = ep
        .get("subsets")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if subsets.is_empty() {
        return "<none>".into();
    }
    let max = 3;
    let mut list: Vec<String> = Vec::new();
    let mut count = 0;
    let mut more = false;
    for ss in &subsets {
        let addrs: Vec<String> = ss
            .get("addresses")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.get("ip").and_then(Value::as_str))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let ports: Vec<i64> = ss
            .get("ports")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|p| p.get("port").and_then(Value::as_i64))
                    .collect()
            })
            .unwrap_or_default();
        if ports.is_empty() {
            count += addrs.len();
            for a in &addrs {
                if list.len() == max {
                    more = true;
                    break;
                }
                list.push(a.clone());
            }
        } else {
            for p in &ports {
                count += addrs.len();
                for a in &addrs {
                    if list.len() == max {
                        more = true;
                        break;
                    }
                    list.push(format!("{a}:{p}"));
                }
            }
        }
    }
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", count - max)
    } else {
        ret
    }
}

/// `GetAccessModesAsString`: RWO, ROX, RWX, RWOP in that order.
pub(crate) fn access_modes(modes: Option<&Value>) -> String {
    let list: Vec<&str> = modes
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .iter()
    .filter(|(m, _)| list.contains(m))
    .map(|(_, short)| *short)
    .collect::<Vec<_>>()
    .join(",")
}

pub(crate) fn storage_class_of(obj: &Value) -> String {
    meta::annotation(obj, "volume.beta.kubernetes.io/storage-class")
        .or_else(|| meta::str_at(obj, &["spec", "storageClassName"]))
        .unwrap_or("")
        .to_string()
}

fn phase_or_terminating(obj: &Value) -> String {
    if meta::is_deleting(obj) {
        return "Terminating".into();
    }
    meta::str_at(obj, &["status", "phase"])
        .unwrap_or("")
        .to_string()
}

/// `printPersistentVolume`.
fn pv_cells(pv: &Value, wide: bool, now: Millis) -> Vec<String> {
    let claim = match meta::path(pv, &["spec", "claimRef"]) {
        Some(c) => format!(
            "{}/{}",
            c.get("namespace").and_then(Value::as_str).unwrap_or(""),
            c.get("name").and_then(Value::as_str).unwrap_or("")
        ),
        None => String::new(),
    };
    let mut row = vec![
        meta::name(pv).to_string(),
        meta::str_at(pv, &["spec", "capacity", "storage"])
            .unwrap_or("0")
            .to_string(),
        access_modes(meta::path(pv, &["spec", "accessModes"])),
        meta::str_at(pv, &["spec", "persistentVolumeReclaimPolicy"])
            .unwrap_or("")
            .to_string(),
        phase_or_terminating(pv),
        claim,
        storage_class_of(pv),
        unset_or(pv, &["spec", "volumeAttributesClassName"]),
        meta::str_at(pv, &["status", "reason"])
            .unwrap_or("")
            .to_string(),
        created(pv, now),
    ];
    if wide {
        row.push(unset_or(pv, &["spec", "volumeMode"]));
    }
    row
}

/// A pointer field as printers.go shows it: its value (even empty) when
/// set, `<unset>` when absent.
fn unset_or(obj: &Value, path: &[&str]) -> String {
    meta::str_at(obj, path).unwrap_or("<unset>").to_string()
}

/// `printPersistentVolumeClaim`.
fn pvc_cells(pvc: &Value, wide: bool, now: Millis) -> Vec<String> {
    let volume = meta::str_at(pvc, &["spec", "volumeName"])
        .unwrap_or("")
        .to_string();
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            meta::str_at(pvc, &["status", "capacity", "storage"])
                .unwrap_or("0")
                .to_string(),
            access_modes(meta::path(pvc, &["status", "accessModes"])),
        )
    };
    let mut row = vec![
        meta::name(pvc).to_string(),
        phase_or_terminating(pvc),
        volume,
        capacity,
        modes,
        storage_class_of(pvc),
        unset_or(pvc, &["spec", "volumeAttributesClassName"]),
        created(pvc, now),
    ];
    if wide {
        row.push(unset_or(pvc, &["spec", "volumeMode"]));
    }
    row
}
