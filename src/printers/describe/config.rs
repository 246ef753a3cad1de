//! `kubectl describe configmap|secret` (secret values are shown as byte counts).

use base64::Engine;
use serde_json::Value;

use super::common::{annotations_multiline, events, labels_multiline};
use super::writer::Writer;
use crate::world::api::meta;

const LEVEL_0: usize = 0;

fn sorted(m: Option<&Value>) -> Vec<(&String, &Value)> {
    let mut v: Vec<(&String, &Value)> = m
        .and_then(Value::as_object)
        .map(|o| o.iter().collect())
        .unwrap_or_default();
    v.sort_by(|a, b| a.0.cmp(b.0));
    v
}

fn head(w: &mut Writer, obj: &Value) {
    w.line(LEVEL_0, &format!("Name:\t{}", meta::name(obj)));
    w.line(LEVEL_0, &format!("Namespace:\t{}", meta::namespace(obj)));
    labels_multiline(w, "Labels", meta::path(obj, &["metadata", "labels"]));
    annotations_multiline(
        w,
        "Annotations",
        meta::path(obj, &["metadata", "annotations"]),
    );
}

/// `describe configmap`.
pub fn configmap(cm: &Value, evs: &[Value], now: i64) -> String {
    let mut w = Writer::default();
    head(&mut w, cm);
    w.write(LEVEL_0, "\nData\n====\n");
    for (k, v) in sorted(cm.get("data")) {
        w.write(LEVEL_0, &format!("{k}:\n----\n"));
        w.write(LEVEL_0, &format!("{}\n", v.as_str().unwrap_or("")));
        w.write(LEVEL_0, "\n");
    }
    w.write(LEVEL_0, "\nBinaryData\n====\n");
    for (k, v) in sorted(cm.get("binaryData")) {
        let n = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap_or(""))
            .map(|b| b.len())
            .unwrap_or(0);
        w.write(LEVEL_0, &format!("{k}: {n} bytes\n"));
    }
    w.write(LEVEL_0, "\n");
    events(&mut w, evs, now);
    w.finish()
}

/// `describe secret`.
pub fn secret(s: &Value) -> String {
    let mut w = Writer::default();
    head(&mut w, s);
    let ty = meta::str_at(s, &["type"]).unwrap_or("");
    w.line(LEVEL_0, &format!("\nType:\t{ty}"));
    w.write(LEVEL_0, "\nData\n====\n");
    for (k, v) in sorted(s.get("data")) {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap_or(""))
            .unwrap_or_default();
        if k == "token" && ty == "kubernetes.io/service-account-token" {
            w.line(
                LEVEL_0,
                &format!("{k}:\t{}", String::from_utf8_lossy(&bytes)),
            );
        } else {
            w.line(LEVEL_0, &format!("{k}:\t{} bytes", bytes.len()));
        }
    }
    w.finish()
}
