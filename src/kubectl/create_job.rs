//! The Job and CronJob `kubectl create job|cronjob` build (`kubectl pkg/cmd/create/
//! create_job.go`, `create_cronjob.go`): one container named after the object with `--image`
//! and the command after `--`; a Job restarts `Never`, a CronJob's pods `--restart` (default
//! `OnFailure`). `create job --from=cronjob/NAME` copies the CronJob's job template, marked
//! `cronjob.kubernetes.io/instantiate: manual` and owned by the CronJob.

use crate::world::api::kinds;
use serde_json::{Map, Value, json};

/// `Validate()` of `create job`.
pub fn validate_job(image: &str, from: &str, command: &[String]) -> Result<(), String> {
    if image.is_empty() == from.is_empty() {
        return Err("either --image or --from must be specified".into());
    }
    if !command.is_empty() && !from.is_empty() {
        return Err("cannot specify --from and command".into());
    }
    Ok(())
}

fn pod_template(name: &str, image: &str, command: &[String], restart: &str) -> Value {
    let mut container = json!({"image": image, "name": name, "resources": {}});
    if !command.is_empty() {
        container["command"] = json!(command);
    }
    let mut spec = json!({"containers": [container]});
    if !restart.is_empty() {
        spec["restartPolicy"] = json!(restart);
    }
    json!({"metadata": {"creationTimestamp": null}, "spec": spec})
}

/// `create job NAME --image=IMAGE [-- COMMAND...]`.
pub fn job(name: &str, image: &str, command: &[String]) -> Value {
    json!({
        "apiVersion": "batch/v1",
        "kind": kinds::JOB,
        "metadata": {"creationTimestamp": null, "name": name},
        "spec": {"template": pod_template(name, image, command, "Never")},
        "status": {},
    })
}

/// `create cronjob NAME --image=IMAGE --schedule=S [--restart=R] [-- COMMAND...]`.
pub fn cronjob(
    name: &str,
    image: &str,
    schedule: &str,
    restart: &str,
    command: &[String],
) -> Value {
    let restart = if restart.is_empty() {
        "OnFailure"
    } else {
        restart
    };
    json!({
        "apiVersion": "batch/v1",
        "kind": kinds::CRON_JOB,
        "metadata": {"creationTimestamp": null, "name": name},
        "spec": {
            "jobTemplate": {
                "metadata": {"creationTimestamp": null, "name": name},
                "spec": {"template": pod_template(name, image, command, restart)},
            },
            "schedule": schedule,
        },
        "status": {},
    })
}

/// `create job NAME --from=cronjob/CRON`: the Job the CronJob's template describes.
pub fn job_from_cronjob(name: &str, cronjob: &Value) -> Value {
    let template = cronjob
        .pointer("/spec/jobTemplate")
        .cloned()
        .unwrap_or(Value::Null);
    let mut annotations = Map::new();
    annotations.insert("cronjob.kubernetes.io/instantiate".into(), json!("manual"));
    if let Some(a) = template
        .pointer("/metadata/annotations")
        .and_then(Value::as_object)
    {
        for (k, v) in a {
            annotations.insert(k.clone(), v.clone());
        }
    }
    let mut metadata = json!({
        "annotations": annotations,
        "creationTimestamp": null,
        "name": name,
        "ownerReferences": [{
            "apiVersion": "batch/v1",
            "controller": true,
            "kind": kinds::CRON_JOB,
            "name": cronjob.pointer("/metadata/name").cloned().unwrap_or(json!("")),
            "uid": cronjob.pointer("/metadata/uid").cloned().unwrap_or(json!("")),
        }],
    });
    if let Some(l) = template.pointer("/metadata/labels") {
        metadata["labels"] = l.clone();
    }
    let mut spec = template.get("spec").cloned().unwrap_or_else(|| json!({}));
    if let Some(m) = spec
        .pointer_mut("/template/metadata")
        .and_then(Value::as_object_mut)
    {
        m.entry("creationTimestamp").or_insert(Value::Null);
    }
    json!({
        "apiVersion": "batch/v1",
        "kind": kinds::JOB,
        "metadata": metadata,
        "spec": spec,
        "status": {},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds() {
        assert_eq!(
            validate_job("", "", &[]).unwrap_err(),
            "either --image or --from must be specified"
        );
        assert_eq!(
            validate_job("", "cronjob/x", &["a".into()]).unwrap_err(),
            "cannot specify --from and command"
        );
        let j = job("j", "busybox", &["echo".into()]);
        assert_eq!(
            j.pointer("/spec/template/spec/restartPolicy"),
            Some(&json!("Never"))
        );
        let c = cronjob("c", "busybox", "* * * * *", "", &[]);
        let from = job_from_cronjob("m", &c);
        assert_eq!(
            from.pointer("/metadata/ownerReferences/0/name"),
            Some(&json!("c"))
        );
        assert_eq!(
            from.pointer("/spec/template/spec/restartPolicy"),
            Some(&json!("OnFailure"))
        );
    }
}
