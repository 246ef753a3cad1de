//! The Deployment `kubectl create deployment` builds (`kubectl pkg/cmd/create/
//! create_deployment.go`): label `app=NAME`, one container per image named after the image's
//! last path segment (tag and digest removed; `_` and `.` become `-` plus a 5-character suffix,
//! which kubelab draws from the world's seed), `--port` on the first container, the command
//! after `--` on the first container.

use crate::world::api::kinds;
use serde_json::{Value, json};

/// Builds the Deployment. `suffix` yields the random suffix kubectl appends to sanitized names.
pub fn create_deployment(
    name: &str,
    images: &[String],
    replicas: i32,
    port: Option<i32>,
    command: &[String],
    suffix: &mut dyn FnMut() -> String,
) -> Result<Value, String> {
    if images.len() > 1 && !command.is_empty() {
        return Err("cannot specify multiple --image options and command".into());
    }
    let mut containers = Vec::new();
    for image in images {
        let mut cname = image.rsplit('/').next().unwrap_or(image).to_string();
        if let Some((n, _)) = cname.split_once(':') {
            cname = n.to_string();
        }
        if let Some((n, _)) = cname.split_once('@') {
            cname = n.to_string();
        }
        if cname.contains(['_', '.']) {
            cname = format!("{}-{}", cname.replace(['_', '.'], "-"), suffix());
        }
        containers.push(json!({"image": image, "name": cname, "resources": {}}));
    }
    if let (Some(p), Some(first)) = (port, containers.first_mut()) {
        first["ports"] = json!([{"containerPort": p}]);
    }
    if let (false, Some(first)) = (command.is_empty(), containers.first_mut()) {
        first["command"] = json!(command);
    }
    Ok(json!({
        "apiVersion": "apps/v1",
        "kind": kinds::DEPLOYMENT,
        "metadata": {"creationTimestamp": null, "labels": {"app": name}, "name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "strategy": {},
            "template": {
                "metadata": {"creationTimestamp": null, "labels": {"app": name}},
                "spec": {"containers": containers},
            },
        },
        "status": {},
    }))
}
