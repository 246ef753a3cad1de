//! API-server defaulting (`SetDefaults_*` in `k/k pkg/apis/*/v1/defaults.go`): the fields a real
//! apiserver fills in on write. Pure functions over the object; stateful admission (service
//! account volumes, default StorageClass, cluster IPs) lives in `world::admission`.

use crate::world::api::kinds;
use serde_json::{Value, json};

use super::meta::{path, path_mut};
use crate::world::registry::reference::is_latest;

fn default(obj: &mut Value, keys: &[&str], v: Value) {
    let slot = path_mut(obj, keys);
    if slot.is_null() {
        *slot = v;
    }
}

/// Applies the defaults of `kind` to `obj` in place.
pub fn apply(kind: &str, obj: &mut Value) {
    match kind {
        kinds::DEPLOYMENT => deployment(obj),
        kinds::REPLICA_SET => {
            default(obj, &["spec", "replicas"], json!(1));
            default_selector_from_template(obj);
            pod_template(obj, &["spec", "template"]);
        }
        kinds::STATEFUL_SET => statefulset(obj),
        kinds::HORIZONTAL_POD_AUTOSCALER => crate::world::controllers::hpa::set_defaults(obj),
        kinds::DAEMON_SET => daemonset(obj),
        kinds::POD => {
            requests_from_limits(path_mut(obj, &["spec"]));
            pod_spec(path_mut(obj, &["spec"]));
            // PrepareForCreate: a new pod is Pending until the kubelet reports.
            default(obj, &["status", "phase"], json!("Pending"));
        }
        kinds::SERVICE => service(obj),
        kinds::PERSISTENT_VOLUME_CLAIM => {
            default(obj, &["spec", "volumeMode"], json!("Filesystem"));
            default(obj, &["status", "phase"], json!("Pending"));
        }
        kinds::PERSISTENT_VOLUME => {
            default(
                obj,
                &["spec", "persistentVolumeReclaimPolicy"],
                json!("Retain"),
            );
            default(obj, &["spec", "volumeMode"], json!("Filesystem"));
            default(obj, &["status", "phase"], json!("Pending"));
        }
        kinds::STORAGE_CLASS => {
            default(obj, &["reclaimPolicy"], json!("Delete"));
            default(obj, &["volumeBindingMode"], json!("Immediate"));
        }
        kinds::SECRET => default(obj, &["type"], json!("Opaque")),
        kinds::NAMESPACE => {
            default(obj, &["spec", "finalizers"], json!(["kubernetes"]));
            default(obj, &["status", "phase"], json!("Active"));
            let name = super::meta::name(obj).to_string();
            let labels = path_mut(obj, &["metadata", "labels"]);
            if !labels.is_object() {
                *labels = json!({});
            }
            if let Some(m) = labels.as_object_mut() {
                m.insert("kubernetes.io/metadata.name".into(), Value::String(name));
            }
        }
        kinds::CRON_JOB => {
            // `SetDefaults_CronJob`.
            default(obj, &["spec", "concurrencyPolicy"], json!("Allow"));
            default(obj, &["spec", "suspend"], json!(false));
            default(obj, &["spec", "successfulJobsHistoryLimit"], json!(3));
            default(obj, &["spec", "failedJobsHistoryLimit"], json!(1));
            pod_template(obj, &["spec", "jobTemplate", "spec", "template"]);
        }
        kinds::JOB => {
            // `SetDefaults_Job`: completions and parallelism are 1 when both are unset; a
            // Job with only parallelism is a work queue (completions stay unset).
            if path(obj, &["spec", "completions"]).is_none()
                && path(obj, &["spec", "parallelism"]).is_none()
            {
                default(obj, &["spec", "completions"], json!(1));
            }
            default(obj, &["spec", "parallelism"], json!(1));
            default(obj, &["spec", "backoffLimit"], json!(6));
            default(obj, &["spec", "completionMode"], json!("NonIndexed"));
            default(obj, &["spec", "suspend"], json!(false));
            default(
                obj,
                &["spec", "podReplacementPolicy"],
                json!("TerminatingOrFailed"),
            );
            pod_template(obj, &["spec", "template"]);
        }
        _ => super::defaults_policy::apply(kind, obj),
    }
}

fn default_selector_from_template(obj: &mut Value) {
    if path(obj, &["spec", "selector"]).is_none()
        && let Some(labels) = path(obj, &["spec", "template", "metadata", "labels"]).cloned()
    {
        *path_mut(obj, &["spec", "selector"]) = json!({"matchLabels": labels});
    }
}

fn deployment(obj: &mut Value) {
    default(obj, &["spec", "replicas"], json!(1));
    let strategy_type = path(obj, &["spec", "strategy", "type"])
        .and_then(Value::as_str)
        .map(str::to_string);
    if strategy_type.is_none() {
        *path_mut(obj, &["spec", "strategy", "type"]) = json!("RollingUpdate");
    }
    if strategy_type.as_deref().unwrap_or("RollingUpdate") == "RollingUpdate" {
        default(
            obj,
            &["spec", "strategy", "rollingUpdate", "maxUnavailable"],
            json!("25%"),
        );
        default(
            obj,
            &["spec", "strategy", "rollingUpdate", "maxSurge"],
            json!("25%"),
        );
    }
    default(obj, &["spec", "revisionHistoryLimit"], json!(10));
    default(obj, &["spec", "progressDeadlineSeconds"], json!(600));
    pod_template(obj, &["spec", "template"]);
}

fn statefulset(obj: &mut Value) {
    default(obj, &["spec", "replicas"], json!(1));
    default(obj, &["spec", "podManagementPolicy"], json!("OrderedReady"));
    default(obj, &["spec", "revisionHistoryLimit"], json!(10));
    if path(obj, &["spec", "updateStrategy", "type"]).is_none() {
        *path_mut(obj, &["spec", "updateStrategy", "type"]) = json!("RollingUpdate");
        default(
            obj,
            &["spec", "updateStrategy", "rollingUpdate", "partition"],
            json!(0),
        );
    } else if path(obj, &["spec", "updateStrategy", "rollingUpdate"]).is_some_and(Value::is_object)
    {
        default(
            obj,
            &["spec", "updateStrategy", "rollingUpdate", "partition"],
            json!(0),
        );
    }
    default(
        obj,
        &[
            "spec",
            "persistentVolumeClaimRetentionPolicy",
            "whenDeleted",
        ],
        json!("Retain"),
    );
    default(
        obj,
        &["spec", "persistentVolumeClaimRetentionPolicy", "whenScaled"],
        json!("Retain"),
    );
    if let Some(tpls) = path_mut(obj, &["spec", "volumeClaimTemplates"]).as_array_mut() {
        for t in tpls {
            default(t, &["apiVersion"], json!("v1"));
            default(t, &["kind"], json!("PersistentVolumeClaim"));
            default(t, &["spec", "volumeMode"], json!("Filesystem"));
            default(t, &["status", "phase"], json!("Pending"));
        }
    }
    pod_template(obj, &["spec", "template"]);
}

fn daemonset(obj: &mut Value) {
    if path(obj, &["spec", "updateStrategy", "type"]).is_none() {
        *path_mut(obj, &["spec", "updateStrategy", "type"]) = json!("RollingUpdate");
    }
    if path(obj, &["spec", "updateStrategy", "type"]).and_then(Value::as_str)
        == Some("RollingUpdate")
    {
        default(
            obj,
            &["spec", "updateStrategy", "rollingUpdate", "maxUnavailable"],
            json!(1),
        );
        default(
            obj,
            &["spec", "updateStrategy", "rollingUpdate", "maxSurge"],
            json!(0),
        );
    }
    default(obj, &["spec", "revisionHistoryLimit"], json!(10));
    pod_template(obj, &["spec", "template"]);
}

/// The defaults of a pod template at `at` (its spec's, and a null creationTimestamp).
pub(super) fn pod_template(obj: &mut Value, at: &[&str]) {
    let tpl = path_mut(obj, at);
    // A template's creationTimestamp is serialized as null (metav1.Time zero value).
    let ts = path_mut(tpl, &["metadata", "creationTimestamp"]);
    if ts.is_null() {
        *ts = Value::Null;
    }
    pod_spec(path_mut(tpl, &["spec"]));
}

/// Pod spec defaults shared by pods and templates.
/// `SetDefaults_Pod` (pods only, not templates): a container that sets a limit but no request
/// for a resource requests its limit.
fn requests_from_limits(spec: &mut Value) {
    for list in ["containers", "initContainers"] {
        let Some(cs) = spec.get_mut(list).and_then(Value::as_array_mut) else {
            continue;
        };
        for c in cs {
            let Some(limits) = path(c, &["resources", "limits"])
                .and_then(Value::as_object)
                .cloned()
            else {
                continue;
            };
            if limits.is_empty() {
                continue;
            }
            let requests = path_mut(c, &["resources", "requests"]);
            if !requests.is_object() {
                *requests = json!({});
            }
            if let Some(r) = requests.as_object_mut() {
                for (k, v) in limits {
                    r.entry(k).or_insert(v);
                }
            }
        }
    }
}

pub fn pod_spec(spec: &mut Value) {
    if !spec.is_object() {
        *spec = json!({});
    }
    default(spec, &["dnsPolicy"], json!("ClusterFirst"));
    default(spec, &["restartPolicy"], json!("Always"));
    default(spec, &["schedulerName"], json!("default-scheduler"));
    default(spec, &["securityContext"], json!({}));
    default(spec, &["terminationGracePeriodSeconds"], json!(30));
    for list in ["initContainers", "containers"] {
        if let Some(cs) = spec.get_mut(list).and_then(Value::as_array_mut) {
            for c in cs {
                container(c);
            }
        }
    }
    if let Some(vols) = spec.get_mut("volumes").and_then(Value::as_array_mut) {
        for v in vols {
            volume(v);
        }
    }
}

fn container(c: &mut Value) {
    let image = c
        .get("image")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    default(
        c,
        &["imagePullPolicy"],
        json!(if is_latest(&image) {
            "Always"
        } else {
            "IfNotPresent"
        }),
    );
    default(
        c,
        &["terminationMessagePath"],
        json!("/dev/termination-log"),
    );
    default(c, &["terminationMessagePolicy"], json!("File"));
    default(c, &["resources"], json!({}));
    if let Some(ports) = c.get_mut("ports").and_then(Value::as_array_mut) {
        for p in ports {
            default(p, &["protocol"], json!("TCP"));
        }
    }
    if let Some(env) = c.get_mut("env").and_then(Value::as_array_mut) {
        for e in env {
            if path(e, &["valueFrom", "fieldRef"]).is_some() {
                default(e, &["valueFrom", "fieldRef", "apiVersion"], json!("v1"));
            }
        }
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(p) = c.get_mut(probe).filter(|p| p.is_object()) {
            default(p, &["timeoutSeconds"], json!(1));
            default(p, &["periodSeconds"], json!(10));
            default(p, &["successThreshold"], json!(1));
            default(p, &["failureThreshold"], json!(3));
            if p.get("httpGet").is_some() {
                default(p, &["httpGet", "scheme"], json!("HTTP"));
                default(p, &["httpGet", "path"], json!("/"));
            }
        }
    }
}

fn volume(v: &mut Value) {
    if v.get("configMap").is_some() {
        default(v, &["configMap", "defaultMode"], json!(420));
    }
    if v.get("secret").is_some() {
        default(v, &["secret", "defaultMode"], json!(420));
    }
    if v.get("hostPath").is_some() {
        default(v, &["hostPath", "type"], json!(""));
    }
    if v.get("projected").is_some() {
        default(v, &["projected", "defaultMode"], json!(420));
    }
}

fn service(obj: &mut Value) {
    default(obj, &["spec", "type"], json!("ClusterIP"));
    default(obj, &["spec", "sessionAffinity"], json!("None"));
    let ty = path(obj, &["spec", "type"])
        .and_then(Value::as_str)
        .unwrap_or("ClusterIP")
        .to_string();
    if ty != "ExternalName" {
        default(obj, &["spec", "internalTrafficPolicy"], json!("Cluster"));
    }
    if ty == "NodePort" || ty == "LoadBalancer" {
        default(obj, &["spec", "externalTrafficPolicy"], json!("Cluster"));
    }
    if let Some(ports) = path_mut(obj, &["spec", "ports"]).as_array_mut() {
        for p in ports {
            default(p, &["protocol"], json!("TCP"));
            if p.get("targetPort").is_none()
                && let Some(port) = p.get("port").cloned()
            {
                p["targetPort"] = port;
            }
        }
    }
    if path(obj, &["status"]).is_none() {
        *path_mut(obj, &["status", "loadBalancer"]) = json!({});
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployment_defaults_match_the_apiserver() {
        let mut d = json!({"spec": {"replicas": 10, "strategy": {"rollingUpdate": {"maxSurge": 1}},
            "template": {"metadata": {"labels": {"app": "m"}}, "spec": {"containers": [{"name": "m", "image": "mongo:4.2"}, {"name": "n", "image": "nginx"}]}}}});
        apply("Deployment", &mut d);
        assert_eq!(
            d["spec"]["strategy"],
            json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": "25%"}})
        );
        assert_eq!(d["spec"]["revisionHistoryLimit"], 10);
        assert_eq!(d["spec"]["progressDeadlineSeconds"], 600);
        let c = &d["spec"]["template"]["spec"]["containers"];
        assert_eq!(c[0]["imagePullPolicy"], "IfNotPresent");
        assert_eq!(c[1]["imagePullPolicy"], "Always");
        assert_eq!(
            d["spec"]["template"]["spec"]["terminationGracePeriodSeconds"],
            30
        );
        assert!(
            d["spec"]["template"]["metadata"]
                .get("creationTimestamp")
                .is_some()
        );
    }

    #[test]
    fn recreate_gets_no_rolling_update() {
        let mut d = json!({"spec": {"strategy": {"type": "Recreate"}, "template": {"spec": {"containers": []}}}});
        apply("Deployment", &mut d);
        assert_eq!(d["spec"]["strategy"], json!({"type": "Recreate"}));
    }
}
