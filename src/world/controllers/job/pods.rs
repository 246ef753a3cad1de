//! A Job's pods: built from the template as the job controller builds them
//! (`getPodFromTemplate` with the Job as controller, generateName `<job>-`, or
//! `<job>-<index>-` in Indexed mode with the completion index as annotation, label, hostname
//! and `JOB_COMPLETION_INDEX`), the tracking finalizer, and the sets of completion indexes
//! (`completedIndexes`: `1,3-5`).

use crate::world::api::kinds;
use serde_json::{Value, json};

use crate::world::api::meta;

/// The finalizer that keeps a Job's pod until the controller has counted it.
pub const TRACKING_FINALIZER: &str = "batch.kubernetes.io/job-tracking";
/// The completion index's annotation and label.
pub const INDEX_KEY: &str = "batch.kubernetes.io/job-completion-index";

/// The pod to create for a Job (`index` in Indexed mode).
pub fn new_pod(job: &Value, index: Option<i64>) -> Value {
    let name = meta::name(job);
    let tpl = meta::path(job, &["spec", "template"])
        .cloned()
        .unwrap_or(json!({}));
    let mut md = serde_json::Map::new();
    let generate = match index {
        Some(i) => format!("{name}-{i}-"),
        None => format!("{name}-"),
    };
    md.insert("generateName".into(), json!(generate));
    md.insert("namespace".into(), json!(meta::namespace(job)));
    let mut labels = meta::path(&tpl, &["metadata", "labels"])
        .cloned()
        .filter(Value::is_object)
        .unwrap_or(json!({}));
    let mut annotations = meta::path(&tpl, &["metadata", "annotations"])
        .cloned()
        .filter(Value::is_object)
        .unwrap_or(json!({}));
    let mut spec = tpl.get("spec").cloned().unwrap_or(json!({}));
    if let Some(i) = index {
        annotations[INDEX_KEY] = json!(i.to_string());
        labels[INDEX_KEY] = json!(i.to_string());
        if spec
            .get("hostname")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            spec["hostname"] = json!(format!("{name}-{i}"));
        }
        for list in ["initContainers", "containers"] {
            if let Some(cs) = spec.get_mut(list).and_then(Value::as_array_mut) {
                for c in cs {
                    add_index_env(c);
                }
            }
        }
    }
    if labels.as_object().is_some_and(|m| !m.is_empty()) {
        md.insert("labels".into(), labels);
    }
    if annotations.as_object().is_some_and(|m| !m.is_empty()) {
        md.insert("annotations".into(), annotations);
    }
    md.insert("finalizers".into(), json!([TRACKING_FINALIZER]));
    md.insert("ownerReferences".into(), json!([meta::controller_ref(job)]));
    json!({"apiVersion": "v1", "kind": kinds::POD, "metadata": Value::Object(md), "spec": spec})
}

fn add_index_env(c: &mut Value) {
    let env = meta::path_mut(c, &["env"]);
    if !env.is_array() {
        *env = Value::Array(Vec::new());
    }
    if let Some(a) = env.as_array_mut()
        && !a
            .iter()
            .any(|e| e.get("name").and_then(Value::as_str) == Some("JOB_COMPLETION_INDEX"))
    {
        a.push(json!({"name": "JOB_COMPLETION_INDEX", "valueFrom": {"fieldRef": {"fieldPath": format!("metadata.labels['{INDEX_KEY}']")}}}));
    }
}

/// The completion index of a pod of an Indexed Job.
pub fn index_of(pod: &Value) -> Option<i64> {
    match meta::annotation(pod, INDEX_KEY) {
        Some(a) => a.parse().ok(),
        None => meta::labels(pod).get(INDEX_KEY)?.parse().ok(),
    }
}

/// Parses `completedIndexes` (`0,2-4`) into sorted indexes below `limit`.
pub fn parse_indexes(s: &str, limit: i64) -> Vec<i64> {
    let mut out = Vec::new();
    for part in s.split(',').filter(|p| !p.is_empty()) {
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (a.parse::<i64>(), b.parse::<i64>()),
            None => (part.parse::<i64>(), part.parse::<i64>()),
        };
        if let (Ok(a), Ok(b)) = (a, b) {
            for i in a.max(0)..=b.min(limit - 1) {
                out.push(i);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Formats sorted indexes as intervals (`0,2-4`).
pub fn format_indexes(idx: &[i64]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < idx.len() {
        let start = idx[i];
        let mut end = start;
        while i + 1 < idx.len() && idx[i + 1] == end + 1 {
            i += 1;
            end = idx[i];
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_round_trip() {
        assert_eq!(format_indexes(&[0, 2, 3, 4, 7]), "0,2-4,7");
        assert_eq!(format_indexes(&[1, 2]), "1-2");
        assert_eq!(parse_indexes("0,2-4,7", 5), vec![0, 2, 3, 4]);
        assert_eq!(format_indexes(&[]), "");
    }

    #[test]
    fn indexed_pods_carry_their_index() {
        let job = json!({"metadata": {"name": "sample", "namespace": "default", "uid": "u1"},
            "spec": {"template": {"metadata": {"labels": {"job-name": "sample"}},
                "spec": {"containers": [{"name": "c", "image": "busybox"}]}}}});
        let p = new_pod(&job, Some(2));
        assert_eq!(p["metadata"]["generateName"], "sample-2-");
        assert_eq!(p["metadata"]["annotations"][INDEX_KEY], "2");
        assert_eq!(p["metadata"]["labels"][INDEX_KEY], "2");
        assert_eq!(p["spec"]["hostname"], "sample-2");
        assert_eq!(
            p["spec"]["containers"][0]["env"][0]["name"],
            "JOB_COMPLETION_INDEX"
        );
        assert_eq!(index_of(&p), Some(2));
        let p = new_pod(&job, None);
        assert_eq!(p["metadata"]["generateName"], "sample-");
        assert_eq!(p["metadata"]["finalizers"][0], TRACKING_FINALIZER);
    }
}
