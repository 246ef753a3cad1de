//! `kubectl describe poddisruptionbudget` (`kubectl pkg/describe/describe.go`,
//! `describePodDisruptionBudgetV1`).

use serde_json::Value;

use super::common::events;
use super::writer::{LEVEL_0, LEVEL_2, Writer};
use crate::world::api::meta;
use crate::world::api::selector::format_label_selector;

/// An IntOrString as Go's `IntOrString.String` prints it.
fn int_or_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The describe text of a PodDisruptionBudget.
pub fn pdb(obj: &Value, evs: &[Value], now: i64) -> String {
    let mut w = Writer::default();
    w.line(LEVEL_0, &format!("Name:\t{}", meta::name(obj)));
    w.line(LEVEL_0, &format!("Namespace:\t{}", meta::namespace(obj)));
    let spec = |f: &str| meta::path(obj, &["spec", f]).filter(|v| !v.is_null());
    if let Some(v) = spec("minAvailable") {
        w.line(LEVEL_0, &format!("Min available:\t{}", int_or_string(v)));
    } else if let Some(v) = spec("maxUnavailable") {
        w.line(LEVEL_0, &format!("Max unavailable:\t{}", int_or_string(v)));
    }
    match spec("selector") {
        Some(s) => w.line(LEVEL_0, &format!("Selector:\t{}", format_label_selector(s))),
        None => w.line(LEVEL_0, "Selector:\t<unset>"),
    }
    w.line(LEVEL_0, "Status:");
    let st = |f: &str| meta::int_at(obj, &["status", f]).unwrap_or(0);
    w.line(
        LEVEL_2,
        &format!("Allowed disruptions:\t{}", st("disruptionsAllowed")),
    );
    w.line(LEVEL_2, &format!("Current:\t{}", st("currentHealthy")));
    w.line(LEVEL_2, &format!("Desired:\t{}", st("desiredHealthy")));
    w.line(LEVEL_2, &format!("Total:\t{}", st("expectedPods")));
    events(&mut w, evs, now);
    w.finish()
}
