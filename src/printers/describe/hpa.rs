//! `kubectl describe hpa` (`kubectl pkg/describe/describe.go`,
//! `describeHorizontalPodAutoscalerV2` of 1.32): the reference, each metric's current and
//! target values, min/max, the behavior when there is one, the target's pods, the conditions
//! and the events.

use serde_json::Value;

use super::common::{annotations_multiline, events, labels_multiline, time_of};
use super::writer::{LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, Writer};
use crate::world::api::meta;
use crate::world::api::quantity::Quantity;

fn quantity(v: Option<&Value>) -> String {
    v.and_then(|q| Quantity::from_json(q).ok())
        .map(|q| q.canonical())
        .unwrap_or_else(|| "0".to_string())
}

fn status_of<'a>(obj: &'a Value, i: usize, key: &str) -> Option<&'a Value> {
    meta::path(obj, &["status", "currentMetrics"])
        .and_then(Value::as_array)
        .and_then(|a| a.get(i))
        .and_then(|s| s.get(key))
        .filter(|v| !v.is_null())
}

fn metric_lines(w: &mut Writer, obj: &Value) {
    let specs = meta::path(obj, &["spec", "metrics"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let unknown = || "<unknown>".to_string();
    for (i, m) in specs.iter().enumerate() {
        match meta::str_at(m, &["type"]).unwrap_or("") {
            "External" => {
                let name = meta::str_at(m, &["external", "metric", "name"]).unwrap_or("");
                if let Some(avg) = meta::path(m, &["external", "target", "averageValue"]) {
                    let cur = status_of(obj, i, "external")
                        .and_then(|s| meta::path(s, &["current", "averageValue"]))
                        .map(|q| quantity(Some(q)))
                        .unwrap_or_else(unknown);
                    w.line(
                        LEVEL_1,
                        &format!(
                            "\"{name}\" (target average value):\t{cur} / {}",
                            quantity(Some(avg))
                        ),
                    );
                } else {
                    let cur = status_of(obj, i, "external")
                        .map(|s| quantity(meta::path(s, &["current", "value"])))
                        .unwrap_or_else(unknown);
                    w.line(
                        LEVEL_1,
                        &format!(
                            "\"{name}\" (target value):\t{cur} / {}",
                            quantity(meta::path(m, &["external", "target", "value"]))
                        ),
                    );
                }
            }
            "Pods" => {
                let name = meta::str_at(m, &["pods", "metric", "name"]).unwrap_or("");
                let cur = status_of(obj, i, "pods")
                    .map(|s| quantity(meta::path(s, &["current", "averageValue"])))
                    .unwrap_or_else(unknown);
                w.line(
                    LEVEL_1,
                    &format!(
                        "\"{name}\" on pods:\t{cur} / {}",
                        quantity(meta::path(m, &["pods", "target", "averageValue"]))
                    ),
                );
            }
            "Object" => {
                let name = meta::str_at(m, &["object", "metric", "name"]).unwrap_or("");
                w.write(
                    LEVEL_1,
                    &format!(
                        "\"{name}\" on {}/{} ",
                        meta::str_at(m, &["object", "describedObject", "kind"]).unwrap_or(""),
                        meta::str_at(m, &["object", "describedObject", "name"]).unwrap_or("")
                    ),
                );
                if meta::str_at(m, &["object", "target", "type"]) == Some("AverageValue") {
                    let cur = status_of(obj, i, "object")
                        .map(|s| quantity(meta::path(s, &["current", "averageValue"])))
                        .unwrap_or_else(unknown);
                    w.line(
                        LEVEL_0,
                        &format!(
                            "(target average value):\t{cur} / {}",
                            quantity(meta::path(m, &["object", "target", "averageValue"]))
                        ),
                    );
                } else {
                    let cur = status_of(obj, i, "object")
                        .map(|s| quantity(meta::path(s, &["current", "value"])))
                        .unwrap_or_else(unknown);
                    w.line(
                        LEVEL_0,
                        &format!(
                            "(target value):\t{cur} / {}",
                            quantity(meta::path(m, &["object", "target", "value"]))
                        ),
                    );
                }
            }
            t @ ("Resource" | "ContainerResource") => {
                let key = if t == "Resource" {
                    "resource"
                } else {
                    "containerResource"
                };
                let name = meta::str_at(m, &[key, "name"]).unwrap_or("");
                if t == "Resource" {
                    w.write(LEVEL_1, &format!("resource {name} on pods"));
                } else {
                    w.write(
                        LEVEL_1,
                        &format!(
                            "resource {name} of container \"{}\" on pods",
                            meta::str_at(m, &[key, "container"]).unwrap_or("")
                        ),
                    );
                }
                if let Some(avg) = meta::path(m, &[key, "target", "averageValue"]) {
                    let cur = status_of(obj, i, key)
                        .map(|s| quantity(meta::path(s, &["current", "averageValue"])))
                        .unwrap_or_else(unknown);
                    w.line(LEVEL_0, &format!(":\t{cur} / {}", quantity(Some(avg))));
                } else {
                    let cur = status_of(obj, i, key)
                        .filter(|s| meta::path(s, &["current", "averageUtilization"]).is_some())
                        .map(|s| {
                            format!(
                                "{}% ({})",
                                meta::int_at(s, &["current", "averageUtilization"]).unwrap_or(0),
                                quantity(meta::path(s, &["current", "averageValue"]))
                            )
                        })
                        .unwrap_or_else(unknown);
                    let target = meta::int_at(m, &[key, "target", "averageUtilization"])
                        .map(|u| format!("{u}%"))
                        .unwrap_or_else(|| "<auto>".to_string());
                    w.line(
                        LEVEL_1,
                        &format!("(as a percentage of request):\t{cur} / {target}"),
                    );
                }
            }
            other => w.line(LEVEL_1, &format!("<unknown metric type \"{other}\">")),
        }
    }
}

/// `printDirectionBehavior`.
fn direction(w: &mut Writer, title: &str, rules: Option<&Value>) {
    let Some(r) = rules.filter(|r| !r.is_null()) else {
        return;
    };
    w.line(LEVEL_1, &format!("{title}:"));
    if let Some(s) = r.get("stabilizationWindowSeconds").and_then(Value::as_i64) {
        w.line(LEVEL_2, &format!("Stabilization Window: {s} seconds"));
    }
    let policies = r
        .get("policies")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !policies.is_empty() {
        let select = r
            .get("selectPolicy")
            .and_then(Value::as_str)
            .unwrap_or("Max");
        w.line(LEVEL_2, &format!("Select Policy: {select}"));
        w.line(LEVEL_2, "Policies:");
        for p in policies {
            w.line(
                LEVEL_3,
                &format!(
                    "- Type: {}\tValue: {}\tPeriod: {} seconds",
                    meta::str_at(&p, &["type"]).unwrap_or(""),
                    meta::int_at(&p, &["value"]).unwrap_or(0),
                    meta::int_at(&p, &["periodSeconds"]).unwrap_or(0)
                ),
            );
        }
    }
}

/// The describe text of a HorizontalPodAutoscaler.
pub fn hpa(obj: &Value, evs: &[Value], now: i64) -> String {
    let mut w = Writer::default();
    w.line(LEVEL_0, &format!("Name:\t{}", meta::name(obj)));
    w.line(LEVEL_0, &format!("Namespace:\t{}", meta::namespace(obj)));
    labels_multiline(&mut w, "Labels", meta::path(obj, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        meta::path(obj, &["metadata", "annotations"]),
    );
    w.line(
        LEVEL_0,
        &format!(
            "CreationTimestamp:\t{}",
            time_of(meta::str_at(obj, &["metadata", "creationTimestamp"]))
        ),
    );
    let kind = meta::str_at(obj, &["spec", "scaleTargetRef", "kind"]).unwrap_or("");
    w.line(
        LEVEL_0,
        &format!(
            "Reference:\t{kind}/{}",
            meta::str_at(obj, &["spec", "scaleTargetRef", "name"]).unwrap_or("")
        ),
    );
    w.line(LEVEL_0, "Metrics:\t( current / target )");
    metric_lines(&mut w, obj);
    let min = meta::int_at(obj, &["spec", "minReplicas"])
        .map(|m| m.to_string())
        .unwrap_or_else(|| "<unset>".to_string());
    w.line(LEVEL_0, &format!("Min replicas:\t{min}"));
    w.line(
        LEVEL_0,
        &format!(
            "Max replicas:\t{}",
            meta::int_at(obj, &["spec", "maxReplicas"]).unwrap_or(0)
        ),
    );
    if let Some(b) = meta::path(obj, &["spec", "behavior"]).filter(|b| !b.is_null()) {
        w.line(LEVEL_0, "Behavior:");
        direction(&mut w, "Scale Up", b.get("scaleUp"));
        direction(&mut w, "Scale Down", b.get("scaleDown"));
    }
    w.line(
        LEVEL_0,
        &format!(
            "{kind} pods:\t{} current / {} desired",
            meta::int_at(obj, &["status", "currentReplicas"]).unwrap_or(0),
            meta::int_at(obj, &["status", "desiredReplicas"]).unwrap_or(0)
        ),
    );
    let conditions = meta::path(obj, &["status", "conditions"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !conditions.is_empty() {
        w.line(LEVEL_0, "Conditions:");
        w.line(LEVEL_1, "Type\tStatus\tReason\tMessage");
        w.line(LEVEL_1, "----\t------\t------\t-------");
        for c in conditions {
            let f = |k: &str| meta::str_at(&c, &[k]).unwrap_or("").to_string();
            w.line(
                LEVEL_1,
                &format!(
                    "{}\t{}\t{}\t{}",
                    f("type"),
                    f("status"),
                    f("reason"),
                    f("message")
                ),
            );
        }
    }
    events(&mut w, evs, now);
    w.finish()
}
