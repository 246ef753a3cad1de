//! `kubectl describe quota|limitrange` and the quota and limit range sections of
//! `describe namespace` (`describeQuota`, `describeLimitRange`, `DescribeResourceQuotas`,
//! `DescribeLimitRanges` of kubectl 1.32's describe.go).
//!
//! kubectl walks each LimitRange item's resources through a Go map, so its row order varies
//! from run to run; kubelab prints them in resource-name order.

use std::collections::BTreeSet;

use serde_json::Value;

use super::writer::{LEVEL_0, LEVEL_1, Writer};
use crate::world::api::meta;
use crate::world::api::quantity::{Format, Quantity};

fn scope_help(scope: &str) -> Option<&'static str> {
    Some(match scope {
        "Terminating" => {
            "Matches all pods that have an active deadline. These pods have a limited lifespan on a node before being actively terminated by the system."
        }
        "NotTerminating" => {
            "Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate."
        }
        "BestEffort" => {
            "Matches all pods that do not have resource requirements set. These pods have a best effort quality of service."
        }
        "NotBestEffort" => {
            "Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service."
        }
        _ => return None,
    })
}

fn quantity(v: Option<&Value>) -> Option<Quantity> {
    v.and_then(|v| Quantity::from_json(v).ok())
}

/// The sorted scopes of a quota's `spec.scopes`.
fn scopes(q: &Value) -> Vec<String> {
    let mut s: Vec<String> = meta::path(q, &["spec", "scopes"])
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    s.sort();
    s
}

fn write_scopes(w: &mut Writer, level: usize, q: &Value, bullet: &str) {
    let scopes = scopes(q);
    if scopes.is_empty() {
        return;
    }
    w.line(level, &format!("Scopes:\t{}", scopes.join(", ")));
    for s in &scopes {
        if let Some(h) = scope_help(s) {
            w.line(level, &format!("{bullet}{h}"));
        }
    }
}

/// The `status.hard` entries in name order, with the `status.used` value.
fn rows(q: &Value) -> Vec<(String, Option<Quantity>, Quantity)> {
    let used = meta::path(q, &["status", "used"]);
    meta::path(q, &["status", "hard"])
        .and_then(Value::as_object)
        .map(|m| {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            keys.into_iter()
                .filter_map(|k| {
                    let hard = quantity(m.get(k))?;
                    Some((k.clone(), quantity(used.and_then(|u| u.get(k))), hard))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `describeQuota`: a used value in another format than its hard value is shown as a whole
/// number in the hard value's format.
pub fn quota(q: &Value) -> String {
    let mut w = Writer::default();
    w.line(LEVEL_0, &format!("Name:\t{}", meta::name(q)));
    w.line(LEVEL_0, &format!("Namespace:\t{}", meta::namespace(q)));
    write_scopes(&mut w, LEVEL_0, q, " * ");
    w.line(LEVEL_0, "Resource\tUsed\tHard");
    w.line(LEVEL_0, "--------\t----\t----");
    for (name, used, hard) in rows(q) {
        let used = match used {
            Some(u) if u.format == hard.format => u.canonical(),
            Some(u) => whole(u.value(), hard.format),
            None => whole(0, hard.format),
        };
        w.line(LEVEL_0, &format!("{name}\t{used}\t{}", hard.canonical()));
    }
    w.finish()
}

/// `resource.NewQuantity(v, format).String()`.
fn whole(v: i128, format: Format) -> String {
    let mut q = Quantity::from_i128(v);
    q.format = format;
    q.canonical()
}

/// `DescribeResourceQuotas` (in `describe namespace`).
pub fn namespace_quotas(w: &mut Writer, quotas: &[&Value]) {
    if quotas.is_empty() {
        w.line(LEVEL_0, "No resource quota.");
        return;
    }
    w.line(LEVEL_0, "Resource Quotas");
    for q in quotas {
        w.line(LEVEL_1, &format!("Name:\t{}", meta::name(q)));
        write_scopes(w, LEVEL_1, q, "* ");
        w.line(LEVEL_1, "Resource\tUsed\tHard");
        w.line(LEVEL_1, "--------\t---\t---");
        for (name, used, hard) in rows(q) {
            let used = used.map_or_else(|| "0".to_string(), |u| u.canonical());
            w.line(LEVEL_1, &format!("{name}\t{used}\t{}", hard.canonical()));
        }
    }
}

/// `describeLimitRangeSpec`: one row per item and resource.
fn limit_rows(w: &mut Writer, lr: &Value, prefix: &str) {
    for item in meta::path(lr, &["spec", "limits"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let fields = [
            "min",
            "max",
            "defaultRequest",
            "default",
            "maxLimitRequestRatio",
        ];
        let names: BTreeSet<&String> = fields
            .iter()
            .filter_map(|f| item.get(*f).and_then(Value::as_object))
            .flat_map(|m| m.keys())
            .collect();
        for name in names {
            let cells: Vec<String> = fields
                .iter()
                .map(|f| {
                    quantity(item.get(*f).and_then(|m| m.get(name)))
                        .map_or_else(|| "-".to_string(), |q| q.canonical())
                })
                .collect();
            w.line(
                LEVEL_0,
                &format!(
                    "{prefix}{}\t{name}\t{}",
                    item.get("type").and_then(Value::as_str).unwrap_or(""),
                    cells.join("\t")
                ),
            );
        }
    }
}

/// `describeLimitRange`.
pub fn limit_range(lr: &Value) -> String {
    let mut w = Writer::default();
    w.line(LEVEL_0, &format!("Name:\t{}", meta::name(lr)));
    w.line(LEVEL_0, &format!("Namespace:\t{}", meta::namespace(lr)));
    w.line(
        LEVEL_0,
        "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio",
    );
    w.line(
        LEVEL_0,
        "----\t--------\t---\t---\t---------------\t-------------\t-----------------------",
    );
    limit_rows(&mut w, lr, "");
    w.finish()
}

/// `DescribeLimitRanges` (in `describe namespace`).
pub fn namespace_limit_ranges(w: &mut Writer, ranges: &[&Value]) {
    if ranges.is_empty() {
        w.line(LEVEL_0, "No LimitRange resource.");
        return;
    }
    w.line(
        LEVEL_0,
        "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio",
    );
    w.line(
        LEVEL_0,
        " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------",
    );
    for lr in ranges {
        limit_rows(w, lr, " ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quota_table_converts_used_to_the_hard_format() {
        let q = json!({"metadata": {"name": "q", "namespace": "default"},
            "status": {"hard": {"pods": "2", "cpu": "1", "limits.memory": "1G"},
                       "used": {"pods": "1", "cpu": "200m", "limits.memory": "128Mi"}}});
        assert_eq!(
            quota(&q),
            "Name:          q\nNamespace:     default\nResource       Used       Hard\n--------       ----       ----\ncpu            200m       1\nlimits.memory  134217728  1G\npods           1          2\n"
        );
    }

    #[test]
    fn limit_range_rows_per_resource() {
        let lr = json!({"metadata": {"name": "lr", "namespace": "default"},
            "spec": {"limits": [{"type": "Container", "max": {"cpu": "500m"}, "default": {"cpu": "200m"}, "defaultRequest": {"cpu": "100m"}}]}});
        assert_eq!(
            limit_range(&lr),
            "Name:       lr\nNamespace:  default\nType        Resource  Min  Max   Default Request  Default Limit  Max Limit/Request Ratio\n----        --------  ---  ---   ---------------  -------------  -----------------------\nContainer   cpu       -    500m  100m             200m           -\n"
        );
    }
}
