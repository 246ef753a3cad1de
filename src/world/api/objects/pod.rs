//! Pods and their containers.

use super::meta_view::{Meta, OwnerRef};
use super::{array_of, get, int_of, map_of, str_of};
use crate::world::api::quantity::parse_milli;
use serde_json::{Map, Value};

/// `status.phase`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PodPhase {
    /// Accepted, not all containers started.
    Pending,
    /// Bound to a node, a container running.
    Running,
    /// Every container exited 0 and will not restart.
    Succeeded,
    /// Every container stopped, one at least in failure.
    Failed,
    /// The node stopped reporting.
    Unknown,
}

impl PodPhase {
    /// The phase named `s`, None for any other text.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "Pending" => PodPhase::Pending,
            "Running" => PodPhase::Running,
            "Succeeded" => PodPhase::Succeeded,
            "Failed" => PodPhase::Failed,
            "Unknown" => PodPhase::Unknown,
            _ => return None,
        })
    }

    /// Whether the pod is done for good (`Succeeded` or `Failed`).
    pub fn is_terminal(self) -> bool {
        matches!(self, PodPhase::Succeeded | PodPhase::Failed)
    }
}

/// `spec.restartPolicy` (default `Always`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestartPolicy {
    /// Restart every container that exits.
    Always,
    /// Restart containers that fail.
    OnFailure,
    /// Never restart.
    Never,
}

/// A container's `imagePullPolicy` (default `Always` for `:latest` or untagged images,
/// `IfNotPresent` otherwise, as the API server defaults it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImagePullPolicy {
    /// Pull at every start.
    Always,
    /// Pull when the node lacks the image.
    IfNotPresent,
    /// Never pull.
    Never,
}

/// A read-only view of a pod.
#[derive(Debug, Clone, Copy)]
pub struct Pod<'a> {
    obj: &'a Value,
    spec: &'a Value,
    status: &'a Value,
}

impl<'a> Pod<'a> {
    /// A view of `obj` (a pod; any other object reads as a pod without fields).
    pub fn of(obj: &'a Value) -> Self {
        Pod {
            obj,
            spec: get(obj, "spec").unwrap_or(&super::NULL),
            status: get(obj, "status").unwrap_or(&super::NULL),
        }
    }

    /// The stored object.
    pub fn object(&self) -> &'a Value {
        self.obj
    }

    /// Its metadata.
    pub fn meta(&self) -> Meta<'a> {
        Meta::of(self.obj)
    }

    /// `metadata.name`.
    pub fn name(&self) -> &'a str {
        self.meta().name()
    }

    /// `metadata.namespace`.
    pub fn namespace(&self) -> &'a str {
        self.meta().namespace()
    }

    /// `metadata.labels`.
    pub fn labels(&self) -> Option<&'a Map<String, Value>> {
        self.meta().labels()
    }

    /// The controlling owner reference.
    pub fn controller(&self) -> Option<OwnerRef<'a>> {
        self.meta().controller()
    }

    /// `spec`.
    pub fn spec(&self) -> &'a Value {
        self.spec
    }

    /// `spec.nodeName`, None while unscheduled.
    pub fn node_name(&self) -> Option<&'a str> {
        str_of(self.spec, "nodeName")
    }

    /// `spec.schedulerName` (default `default-scheduler`).
    pub fn scheduler_name(&self) -> &'a str {
        str_of(self.spec, "schedulerName").unwrap_or("default-scheduler")
    }

    /// `spec.restartPolicy` (default `Always`; an unknown value reads as the default).
    pub fn restart_policy(&self) -> RestartPolicy {
        match str_of(self.spec, "restartPolicy") {
            Some("OnFailure") => RestartPolicy::OnFailure,
            Some("Never") => RestartPolicy::Never,
            _ => RestartPolicy::Always,
        }
    }

    /// `spec.containers`.
    pub fn containers(&self) -> impl Iterator<Item = Container<'a>> + 'a {
        array_of(self.spec, "containers").iter().map(Container)
    }

    /// `spec.initContainers`.
    pub fn init_containers(&self) -> impl Iterator<Item = Container<'a>> + 'a {
        array_of(self.spec, "initContainers").iter().map(Container)
    }

    /// `spec.volumes`.
    pub fn volumes(&self) -> impl Iterator<Item = Volume<'a>> + 'a {
        array_of(self.spec, "volumes").iter().map(Volume)
    }

    /// `spec.tolerations`.
    pub fn tolerations(&self) -> &'a [Value] {
        array_of(self.spec, "tolerations")
    }

    /// `status.phase`, None when unset (or not a phase).
    pub fn phase(&self) -> Option<PodPhase> {
        str_of(self.status, "phase").and_then(PodPhase::parse)
    }

    /// Whether the pod is `Succeeded` or `Failed`.
    pub fn is_terminal(&self) -> bool {
        self.phase().is_some_and(PodPhase::is_terminal)
    }

    /// `status.conditions`.
    pub fn conditions(&self) -> &'a [Value] {
        array_of(self.status, "conditions")
    }

    /// The status condition of `cond_type`.
    pub fn condition(&self, cond_type: &str) -> Option<&'a Value> {
        self.conditions()
            .iter()
            .find(|c| str_of(c, "type") == Some(cond_type))
    }

    /// Whether the condition of `cond_type` has status `True`.
    pub fn condition_true(&self, cond_type: &str) -> bool {
        self.condition(cond_type).and_then(|c| str_of(c, "status")) == Some("True")
    }

    /// The sum of the containers' requests of `resource` in millis (a container without a
    /// request counts its limit, as the API server defaults requests from limits), as the
    /// scheduler counts them.
    pub fn request_millis(&self, resource: &str) -> i128 {
        self.containers()
            .filter_map(|c| c.request(resource).or_else(|| c.limit(resource)))
            .filter_map(parse_milli)
            .sum()
    }

    /// The pod's QoS class: `Guaranteed` when every container has equal CPU and memory
    /// requests and limits, `BestEffort` when none has any, `Burstable` otherwise.
    pub fn qos_class(&self) -> &'static str {
        let mut any = false;
        let mut guaranteed = true;
        let mut count = 0;
        for c in self.containers() {
            count += 1;
            let (req, lim) = (c.requests(), c.limits());
            if req.is_some_and(|m| !m.is_empty()) || lim.is_some_and(|m| !m.is_empty()) {
                any = true;
            }
            for res in ["cpu", "memory"] {
                let l = lim.and_then(|m| m.get(res));
                let r = req.and_then(|m| m.get(res)).or(l);
                if l.is_none() || r != l {
                    guaranteed = false;
                }
            }
        }
        if !any {
            "BestEffort"
        } else if guaranteed && count > 0 {
            "Guaranteed"
        } else {
            "Burstable"
        }
    }
}

/// A read-only view of one container of a pod spec.
#[derive(Debug, Clone, Copy)]
pub struct Container<'a>(pub &'a Value);

impl<'a> Container<'a> {
    /// `name`, empty if absent.
    pub fn name(&self) -> &'a str {
        str_of(self.0, "name").unwrap_or("")
    }

    /// `image`, empty if absent.
    pub fn image(&self) -> &'a str {
        str_of(self.0, "image").unwrap_or("")
    }

    /// `imagePullPolicy`, defaulted from the image when absent.
    pub fn image_pull_policy(&self) -> ImagePullPolicy {
        match str_of(self.0, "imagePullPolicy") {
            Some("Always") => ImagePullPolicy::Always,
            Some("IfNotPresent") => ImagePullPolicy::IfNotPresent,
            Some("Never") => ImagePullPolicy::Never,
            _ if crate::world::registry::reference::is_latest(self.image()) => {
                ImagePullPolicy::Always
            }
            _ => ImagePullPolicy::IfNotPresent,
        }
    }

    /// `ports`.
    pub fn ports(&self) -> &'a [Value] {
        array_of(self.0, "ports")
    }

    /// The `containerPort` of the port called `name`.
    pub fn port_named(&self, name: &str) -> Option<i64> {
        self.ports()
            .iter()
            .find(|p| str_of(p, "name") == Some(name))
            .and_then(|p| int_of(p, "containerPort"))
    }

    /// `resources.requests`.
    pub fn requests(&self) -> Option<&'a Map<String, Value>> {
        get(self.0, "resources").and_then(|r| map_of(r, "requests"))
    }

    /// `resources.limits`.
    pub fn limits(&self) -> Option<&'a Map<String, Value>> {
        get(self.0, "resources").and_then(|r| map_of(r, "limits"))
    }

    /// The request of `resource` as written (`100m`, `1Gi`).
    pub fn request(&self, resource: &str) -> Option<&'a str> {
        super::map_str(self.requests(), resource)
    }

    /// The limit of `resource` as written.
    pub fn limit(&self, resource: &str) -> Option<&'a str> {
        super::map_str(self.limits(), resource)
    }

    /// `livenessProbe`.
    pub fn liveness_probe(&self) -> Option<Probe<'a>> {
        self.probe("livenessProbe")
    }

    /// `readinessProbe`.
    pub fn readiness_probe(&self) -> Option<Probe<'a>> {
        self.probe("readinessProbe")
    }

    /// `startupProbe`.
    pub fn startup_probe(&self) -> Option<Probe<'a>> {
        self.probe("startupProbe")
    }

    fn probe(&self, key: &str) -> Option<Probe<'a>> {
        get(self.0, key).filter(|p| p.is_object()).map(Probe)
    }
}

/// A read-only view of a probe, with the API server's defaults.
#[derive(Debug, Clone, Copy)]
pub struct Probe<'a>(pub &'a Value);

impl Probe<'_> {
    /// `initialDelaySeconds` (default 0).
    pub fn initial_delay_seconds(&self) -> i64 {
        int_of(self.0, "initialDelaySeconds").unwrap_or(0)
    }

    /// `periodSeconds` (default 10).
    pub fn period_seconds(&self) -> i64 {
        int_of(self.0, "periodSeconds").unwrap_or(10)
    }

    /// `timeoutSeconds` (default 1).
    pub fn timeout_seconds(&self) -> i64 {
        int_of(self.0, "timeoutSeconds").unwrap_or(1)
    }

    /// `successThreshold` (default 1).
    pub fn success_threshold(&self) -> i64 {
        int_of(self.0, "successThreshold").unwrap_or(1)
    }

    /// `failureThreshold` (default 3).
    pub fn failure_threshold(&self) -> i64 {
        int_of(self.0, "failureThreshold").unwrap_or(3)
    }
}

/// A read-only view of one entry of `spec.volumes`.
#[derive(Debug, Clone, Copy)]
pub struct Volume<'a>(pub &'a Value);

impl<'a> Volume<'a> {
    /// `name`, empty if absent.
    pub fn name(&self) -> &'a str {
        str_of(self.0, "name").unwrap_or("")
    }

    /// `persistentVolumeClaim.claimName`, for a claim's volume.
    pub fn claim_name(&self) -> Option<&'a str> {
        get(self.0, "persistentVolumeClaim").and_then(|c| str_of(c, "claimName"))
    }

    /// `configMap.name`, for a ConfigMap's volume.
    pub fn config_map_name(&self) -> Option<&'a str> {
        get(self.0, "configMap").and_then(|c| str_of(c, "name"))
    }

    /// `secret.secretName`, for a Secret's volume.
    pub fn secret_name(&self) -> Option<&'a str> {
        get(self.0, "secret").and_then(|c| str_of(c, "secretName"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod() -> Value {
        json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p", "namespace": "ns", "labels": {"app": "web"},
                "ownerReferences": [
                    {"kind": "Other", "name": "o", "uid": "u0"},
                    {"kind": "ReplicaSet", "name": "rs", "uid": "u1", "controller": true}]},
            "spec": {"nodeName": "worker-1", "restartPolicy": "OnFailure",
                "containers": [
                    {"name": "a", "image": "nginx", "resources": {"requests": {"cpu": "250m"}},
                        "readinessProbe": {"httpGet": {"port": 80}, "periodSeconds": 5},
                        "ports": [{"name": "http", "containerPort": 80}]},
                    {"name": "b", "image": "redis:7", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}],
                "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "c"}}]},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}})
    }

    #[test]
    fn reads_a_pod_with_its_defaults() {
        let v = pod();
        let p = Pod::of(&v);
        assert_eq!((p.name(), p.namespace()), ("p", "ns"));
        assert_eq!(p.meta().label("app"), Some("web"));
        assert_eq!(p.node_name(), Some("worker-1"));
        assert_eq!(p.scheduler_name(), "default-scheduler");
        assert_eq!(p.restart_policy(), RestartPolicy::OnFailure);
        assert_eq!(p.phase(), Some(PodPhase::Running));
        assert!(!p.is_terminal());
        assert!(p.condition_true("Ready"));
        assert!(!p.condition_true("PodScheduled"));
        let c = p.controller().expect("controller");
        assert_eq!((c.kind(), c.name(), c.uid()), ("ReplicaSet", "rs", "u1"));
        let names: Vec<&str> = p.containers().map(|c| c.name()).collect();
        assert_eq!(names, ["a", "b"]);
        let a = p.containers().next().expect("a");
        assert_eq!(a.image_pull_policy(), ImagePullPolicy::Always);
        assert_eq!(a.port_named("http"), Some(80));
        let probe = a.readiness_probe().expect("probe");
        assert_eq!(
            (
                probe.period_seconds(),
                probe.failure_threshold(),
                probe.timeout_seconds()
            ),
            (5, 3, 1)
        );
        assert!(a.liveness_probe().is_none());
        let b = p.containers().nth(1).expect("b");
        assert_eq!(b.image_pull_policy(), ImagePullPolicy::IfNotPresent);
        // The scheduler counts a limit where no request is written.
        assert_eq!(p.request_millis("cpu"), 1250);
        assert_eq!(p.request_millis("memory"), 1024 * 1024 * 1024 * 1000);
        assert_eq!(p.qos_class(), "Burstable");
        let claims: Vec<_> = p.volumes().filter_map(|v| v.claim_name()).collect();
        assert_eq!(claims, ["c"]);
    }

    #[test]
    fn odd_objects_read_as_empty() {
        for v in [json!(null), json!([]), json!({"spec": 3, "status": "x"})] {
            let p = Pod::of(&v);
            assert_eq!(p.name(), "");
            assert_eq!(p.containers().count(), 0);
            assert_eq!(p.phase(), None);
            assert_eq!(p.restart_policy(), RestartPolicy::Always);
            assert_eq!(p.qos_class(), "BestEffort");
            assert!(p.controller().is_none());
        }
        let unknown = json!({"status": {"phase": "Exploded"}});
        assert_eq!(Pod::of(&unknown).phase(), None);
    }

    #[test]
    fn qos_classes() {
        let g = json!({"spec": {"containers": [{"resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}]}});
        assert_eq!(Pod::of(&g).qos_class(), "Guaranteed");
        let b = json!({"spec": {"containers": [{"resources": {}}]}});
        assert_eq!(Pod::of(&b).qos_class(), "BestEffort");
    }
}
