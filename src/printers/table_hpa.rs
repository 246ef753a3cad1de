//! `kubectl get hpa` columns as the apiserver's table convertor builds them in 1.32
//! (`printHorizontalPodAutoscaler` and `formatHPAMetrics` of
//! `pkg/printers/internalversion/printers.go`): NAME, REFERENCE (`Deployment/web`), TARGETS
//! (`cpu: 45%/50%`, `<unknown>` before the first metrics, at most two metrics then `+ N
//! more...`), MINPODS (`<unset>`), MAXPODS, REPLICAS (status.currentReplicas), AGE.

use serde_json::Value;

use super::age::age;
use crate::world::api::meta;
use crate::world::api::quantity::Quantity;
use crate::world::clock::Millis;

/// The headers.
pub fn headers() -> (Vec<&'static str>, Vec<&'static str>) {
    (
        vec![
            "NAME",
            "REFERENCE",
            "TARGETS",
            "MINPODS",
            "MAXPODS",
            "REPLICAS",
            "AGE",
        ],
        vec![],
    )
}

fn quantity(v: Option<&Value>) -> String {
    v.and_then(|q| Quantity::from_json(q).ok())
        .map(|q| q.canonical())
        .unwrap_or_else(|| "0".to_string())
}

fn current<'a>(statuses: &'a [Value], i: usize, key: &str) -> Option<&'a Value> {
    statuses
        .get(i)
        .and_then(|s| s.get(key))
        .filter(|v| !v.is_null())
}

/// `formatHPAMetrics`.
pub fn format_metrics(obj: &Value) -> String {
    let specs = meta::path(obj, &["spec", "metrics"])
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    if specs.is_empty() {
        return "<none>".to_string();
    }
    let statuses = meta::path(obj, &["status", "currentMetrics"])
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let unknown = || "<unknown>".to_string();
    let mut list: Vec<String> = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let kind = meta::str_at(spec, &["type"]).unwrap_or("");
        let item = match kind {
            "External" | "Object" => {
                let key = if kind == "External" {
                    "external"
                } else {
                    "object"
                };
                let target = meta::path(spec, &[key, "target"]);
                if let Some(avg) = target.and_then(|t| t.get("averageValue")) {
                    let cur = current(statuses, i, key)
                        .and_then(|s| meta::path(s, &["current", "averageValue"]))
                        .map(|q| quantity(Some(q)))
                        .unwrap_or_else(unknown);
                    format!("{cur}/{} (avg)", quantity(Some(avg)))
                } else {
                    let cur = current(statuses, i, key)
                        .map(|s| quantity(meta::path(s, &["current", "value"])))
                        .unwrap_or_else(unknown);
                    format!("{cur}/{}", quantity(target.and_then(|t| t.get("value"))))
                }
            }
            "Pods" => {
                let cur = current(statuses, i, "pods")
                    .map(|s| quantity(meta::path(s, &["current", "averageValue"])))
                    .unwrap_or_else(unknown);
                format!(
                    "{cur}/{}",
                    quantity(meta::path(spec, &["pods", "target", "averageValue"]))
                )
            }
            "Resource" | "ContainerResource" => {
                let key = if kind == "Resource" {
                    "resource"
                } else {
                    "containerResource"
                };
                let name = meta::str_at(spec, &[key, "name"]).unwrap_or("");
                let target = meta::path(spec, &[key, "target"]);
                if let Some(avg) = target.and_then(|t| t.get("averageValue")) {
                    let cur = current(statuses, i, key)
                        .map(|s| quantity(meta::path(s, &["current", "averageValue"])))
                        .unwrap_or_else(unknown);
                    format!("{name}: {cur}/{}", quantity(Some(avg)))
                } else {
                    let cur = current(statuses, i, key)
                        .and_then(|s| meta::path(s, &["current", "averageUtilization"]))
                        .and_then(Value::as_i64)
                        .map(|u| format!("{u}%"))
                        .unwrap_or_else(unknown);
                    let target = target
                        .and_then(|t| t.get("averageUtilization"))
                        .and_then(Value::as_i64)
                        .map(|u| format!("{u}%"))
                        .unwrap_or_else(|| "<auto>".to_string());
                    format!("{name}: {cur}/{target}")
                }
            }
            _ => "<unknown type>".to_string(),
        };
        list.push(item);
    }
    let count = list.len();
    if count > 2 {
        list.truncate(2);
        return format!("{} + {} more...", list.join(", "), count - 2);
    }
    list.join(", ")
}

/// The cells of one HPA.
pub fn cells(obj: &Value, now: Millis) -> Vec<String> {
    vec![
        meta::name(obj).to_string(),
        format!(
            "{}/{}",
            meta::str_at(obj, &["spec", "scaleTargetRef", "kind"]).unwrap_or(""),
            meta::str_at(obj, &["spec", "scaleTargetRef", "name"]).unwrap_or("")
        ),
        format_metrics(obj),
        meta::int_at(obj, &["spec", "minReplicas"])
            .map(|m| m.to_string())
            .unwrap_or_else(|| "<unset>".to_string()),
        meta::int_at(obj, &["spec", "maxReplicas"])
            .unwrap_or(0)
            .to_string(),
        meta::int_at(obj, &["status", "currentReplicas"])
            .unwrap_or(0)
            .to_string(),
        age(meta::str_at(obj, &["metadata", "creationTimestamp"]), now),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn targets() {
        let mut hpa = json!({"spec": {"metrics": [{"type": "Resource", "resource": {"name": "cpu",
            "target": {"type": "Utilization", "averageUtilization": 50}}}]}});
        assert_eq!(format_metrics(&hpa), "cpu: <unknown>/50%");
        hpa["status"] = json!({"currentMetrics": [{"type": "Resource", "resource": {"name": "cpu",
            "current": {"averageUtilization": 45, "averageValue": "45m"}}}]});
        assert_eq!(format_metrics(&hpa), "cpu: 45%/50%");
        let m = hpa["spec"]["metrics"][0].clone();
        hpa["spec"]["metrics"] = json!([m.clone(), m.clone(), m]);
        assert_eq!(
            format_metrics(&hpa),
            "cpu: 45%/50%, cpu: <unknown>/50% + 1 more..."
        );
        assert_eq!(format_metrics(&json!({"spec": {}})), "<none>");
    }
}
