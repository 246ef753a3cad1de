//! The Job's strategy on create (`k/k pkg/registry/batch/job/strategy.go`,
//! `generateSelector`): unless `spec.manualSelector` is true, the apiserver labels the
//! template with the Job's uid and name (`batch.kubernetes.io/controller-uid`,
//! `batch.kubernetes.io/job-name`, and the legacy `controller-uid`, `job-name`) and selects on
//! `batch.kubernetes.io/controller-uid`.

use serde_json::{Value, json};

use crate::world::api::meta;

/// Generates the selector and template labels of a new Job (its uid already set).
pub fn prepare_for_create(job: &mut Value) {
    if meta::bool_at(job, &["spec", "manualSelector"]) == Some(true) {
        return;
    }
    let uid = meta::uid(job).to_string();
    let name = meta::name(job).to_string();
    let labels = meta::path_mut(job, &["spec", "template", "metadata", "labels"]);
    if !labels.is_object() {
        *labels = json!({});
    }
    if let Some(m) = labels.as_object_mut() {
        for (k, v) in [
            ("batch.kubernetes.io/controller-uid", &uid),
            ("batch.kubernetes.io/job-name", &name),
            ("controller-uid", &uid),
            ("job-name", &name),
        ] {
            m.entry(k).or_insert_with(|| Value::String(v.clone()));
        }
    }
    if meta::path(job, &["spec", "selector"]).is_none() {
        meta::set_path(
            job,
            &["spec", "selector"],
            json!({"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selector_and_labels_name_the_job() {
        let mut j =
            json!({"metadata": {"name": "pi", "uid": "u-1"}, "spec": {"template": {"spec": {}}}});
        prepare_for_create(&mut j);
        assert_eq!(
            j["spec"]["selector"],
            json!({"matchLabels": {"batch.kubernetes.io/controller-uid": "u-1"}})
        );
        assert_eq!(
            j["spec"]["template"]["metadata"]["labels"]["job-name"],
            "pi"
        );
        let mut m =
            json!({"metadata": {"name": "pi", "uid": "u-1"}, "spec": {"manualSelector": true}});
        prepare_for_create(&mut m);
        assert!(m["spec"].get("selector").is_none());
    }
}
