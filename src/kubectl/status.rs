//! Rollout status viewers as pure functions of object state
//! (`kubectl pkg/polymorphichelpers/rollout_status.go`): the message and whether the rollout is
//! done, or an error that ends the wait.

use serde_json::Value;

use crate::world::api::meta;

/// What a viewer says about an object now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Still rolling out: print the message and keep watching.
    Waiting(String),
    /// Done: print the message and exit 0.
    Done(String),
    /// An error: print `error: <message>` and exit 1.
    Failed(String),
}

fn i(obj: &Value, keys: &[&str]) -> i64 {
    meta::int_at(obj, keys).unwrap_or(0)
}

/// `DeploymentStatusViewer.Status`.
pub fn deployment(d: &Value, revision: Option<i64>) -> Status {
    let name = meta::name(d);
    if let Some(want) = revision {
        let cur: i64 = meta::annotation(d, "deployment.kubernetes.io/revision")
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        if cur != want {
            return Status::Failed(format!(
                "desired revision ({want}) is different from the running revision ({cur})"
            ));
        }
    }
    if i(d, &["metadata", "generation"]) > i(d, &["status", "observedGeneration"]) {
        return Status::Waiting("Waiting for deployment spec update to be observed...".into());
    }
    if meta::condition(d, "Progressing")
        .and_then(|c| c.get("reason"))
        .and_then(Value::as_str)
        == Some("ProgressDeadlineExceeded")
    {
        return Status::Failed(format!(
            "deployment \"{name}\" exceeded its progress deadline"
        ));
    }
    let spec = meta::int_at(d, &["spec", "replicas"]).unwrap_or(1);
    let updated = i(d, &["status", "updatedReplicas"]);
    let replicas = i(d, &["status", "replicas"]);
    let available = i(d, &["status", "availableReplicas"]);
    if updated < spec {
        return Status::Waiting(format!(
            "Waiting for deployment \"{name}\" rollout to finish: {updated} out of {spec} new replicas have been updated..."
        ));
    }
    if replicas > updated {
        return Status::Waiting(format!(
            "Waiting for deployment \"{name}\" rollout to finish: {} old replicas are pending termination...",
            replicas - updated
        ));
    }
    if available < updated {
        return Status::Waiting(format!(
            "Waiting for deployment \"{name}\" rollout to finish: {available} of {updated} updated replicas are available..."
        ));
    }
    Status::Done(format!("deployment \"{name}\" successfully rolled out"))
}

/// `StatefulSetStatusViewer.Status`.
pub fn statefulset(s: &Value) -> Status {
    if meta::str_at(s, &["spec", "updateStrategy", "type"]).unwrap_or("RollingUpdate")
        != "RollingUpdate"
    {
        return Status::Failed(
            "rollout status is only available for RollingUpdate strategy type".into(),
        );
    }
    let observed = i(s, &["status", "observedGeneration"]);
    if observed == 0 || i(s, &["metadata", "generation"]) > observed {
        return Status::Waiting("Waiting for statefulset spec update to be observed...".into());
    }
    let spec = meta::int_at(s, &["spec", "replicas"]).unwrap_or(1);
    let ready = i(s, &["status", "readyReplicas"]);
    if ready < spec {
        return Status::Waiting(format!("Waiting for {} pods to be ready...", spec - ready));
    }
    let updated = i(s, &["status", "updatedReplicas"]);
    if let Some(ru) =
        meta::path(s, &["spec", "updateStrategy", "rollingUpdate"]).filter(|v| v.is_object())
    {
        if let Some(partition) = ru.get("partition").and_then(Value::as_i64)
            && updated < spec - partition
        {
            return Status::Waiting(format!(
                "Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...",
                spec - partition
            ));
        }
        return Status::Done(format!(
            "partitioned roll out complete: {updated} new pods have been updated..."
        ));
    }
    let update_rev = meta::str_at(s, &["status", "updateRevision"]).unwrap_or("");
    let current_rev = meta::str_at(s, &["status", "currentRevision"]).unwrap_or("");
    if update_rev != current_rev {
        return Status::Waiting(format!(
            "waiting for statefulset rolling update to complete {updated} pods at revision {update_rev}..."
        ));
    }
    Status::Done(format!(
        "statefulset rolling update complete {} pods at revision {current_rev}...",
        i(s, &["status", "currentReplicas"])
    ))
}

/// `DaemonSetStatusViewer.Status`.
pub fn daemonset(d: &Value) -> Status {
    let name = meta::name(d);
    if meta::str_at(d, &["spec", "updateStrategy", "type"]).unwrap_or("RollingUpdate")
        != "RollingUpdate"
    {
        return Status::Failed(
            "rollout status is only available for RollingUpdate strategy type".into(),
        );
    }
    if i(d, &["metadata", "generation"]) > i(d, &["status", "observedGeneration"]) {
        return Status::Waiting("Waiting for daemon set spec update to be observed...".into());
    }
    let desired = i(d, &["status", "desiredNumberScheduled"]);
    let updated = i(d, &["status", "updatedNumberScheduled"]);
    let available = i(d, &["status", "numberAvailable"]);
    if updated < desired {
        return Status::Waiting(format!(
            "Waiting for daemon set \"{name}\" rollout to finish: {updated} out of {desired} new pods have been updated..."
        ));
    }
    if available < desired {
        return Status::Waiting(format!(
            "Waiting for daemon set \"{name}\" rollout to finish: {available} of {desired} updated pods are available..."
        ));
    }
    Status::Done(format!("daemon set \"{name}\" successfully rolled out"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn deployment_messages_follow_the_upstream_order() {
        let mut d = json!({"metadata": {"name": "mongo", "generation": 2}, "spec": {"replicas": 10}, "status": {"observedGeneration": 1}});
        assert_eq!(
            deployment(&d, None),
            Status::Waiting("Waiting for deployment spec update to be observed...".into())
        );
        d["status"] = json!({"observedGeneration": 2, "updatedReplicas": 5, "replicas": 10});
        assert_eq!(
            deployment(&d, None),
            Status::Waiting("Waiting for deployment \"mongo\" rollout to finish: 5 out of 10 new replicas have been updated...".into())
        );
        d["status"] = json!({"observedGeneration": 2, "updatedReplicas": 10, "replicas": 15, "availableReplicas": 5});
        assert_eq!(
            deployment(&d, None),
            Status::Waiting("Waiting for deployment \"mongo\" rollout to finish: 5 old replicas are pending termination...".into())
        );
        d["status"] = json!({"observedGeneration": 2, "updatedReplicas": 10, "replicas": 10, "availableReplicas": 10});
        assert_eq!(
            deployment(&d, None),
            Status::Done("deployment \"mongo\" successfully rolled out".into())
        );
    }
}
