//! `kubectl describe statefulset` (`kubectl pkg/describe/describe.go`: `describeStatefulSet`,
//! `describeVolumeClaimTemplates`).

use serde_json::Value;

use super::common::{annotations_multiline, events, labels_multiline, pod_template, time_of};
use super::writer::{LEVEL_0, LEVEL_1, Writer};
use crate::world::World;
use crate::world::api::meta;
use crate::world::api::selector::format_label_selector;
use crate::world::clock::Millis;

/// `printLabelsMultilineWithIndent` with the indent `  ` (claim templates' labels and
/// annotations, both as `key=value`).
fn map_indented(w: &mut Writer, title: &str, m: Option<&Value>) {
    super::common::labels_multiline_with_indent(w, "  ", title, m);
}

/// `describeVolumeClaimTemplates`.
fn claim_templates(w: &mut Writer, ss: &Value) {
    let templates = meta::path(ss, &["spec", "volumeClaimTemplates"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if templates.is_empty() {
        w.line(LEVEL_0, "Volume Claims:\t<none>");
        return;
    }
    w.line(LEVEL_0, "Volume Claims:");
    for t in &templates {
        w.line(LEVEL_1, &format!("Name:\t{}", meta::name(t)));
        w.line(
            LEVEL_1,
            &format!(
                "StorageClass:\t{}",
                crate::printers::table::storage_class_of(t)
            ),
        );
        map_indented(w, "Labels", meta::path(t, &["metadata", "labels"]));
        map_indented(
            w,
            "Annotations",
            meta::path(t, &["metadata", "annotations"]),
        );
        let capacity =
            meta::str_at(t, &["spec", "resources", "requests", "storage"]).unwrap_or("<default>");
        w.line(LEVEL_1, &format!("Capacity:\t{capacity}"));
        let modes: Vec<&str> = meta::path(t, &["spec", "accessModes"])
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        w.line(LEVEL_1, &format!("Access Modes:\t[{}]", modes.join(" ")));
    }
}

/// `describeStatefulSet`.
pub fn statefulset(world: &World, ss: &Value, evs: &[Value], now: Millis) -> String {
    let mut w = Writer::default();
    w.line(LEVEL_0, &format!("Name:\t{}", meta::name(ss)));
    w.line(LEVEL_0, &format!("Namespace:\t{}", meta::namespace(ss)));
    w.line(
        LEVEL_0,
        &format!(
            "CreationTimestamp:\t{}",
            time_of(meta::str_at(ss, &["metadata", "creationTimestamp"]))
        ),
    );
    let selector = meta::path(ss, &["spec", "selector"])
        .map(format_label_selector)
        .unwrap_or_default();
    w.line(LEVEL_0, &format!("Selector:\t{selector}"));
    labels_multiline(&mut w, "Labels", meta::path(ss, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        meta::path(ss, &["metadata", "annotations"]),
    );
    w.line(
        LEVEL_0,
        &format!(
            "Replicas:\t{} desired | {} total",
            meta::int_at(ss, &["spec", "replicas"]).unwrap_or(1),
            meta::int_at(ss, &["status", "replicas"]).unwrap_or(0)
        ),
    );
    w.line(
        LEVEL_0,
        &format!(
            "Update Strategy:\t{}",
            meta::str_at(ss, &["spec", "updateStrategy", "type"]).unwrap_or("")
        ),
    );
    if let Some(ru) = meta::path(ss, &["spec", "updateStrategy", "rollingUpdate"])
        && let Some(p) = meta::int_at(ru, &["partition"])
    {
        w.line(LEVEL_1, &format!("Partition:\t{p}"));
        match ru.get("maxUnavailable") {
            Some(Value::Number(n)) => w.line(LEVEL_1, &format!("MaxUnavailable:\t{n}")),
            Some(Value::String(s)) => w.line(LEVEL_1, &format!("MaxUnavailable:\t{s}")),
            _ => {}
        }
    }
    super::common::pods_status(&mut w, world, ss, None);
    pod_template(&mut w, meta::path(ss, &["spec", "template"]));
    claim_templates(&mut w, ss);
    events(&mut w, evs, now);
    w.finish()
}
