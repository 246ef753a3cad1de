//! The served kinds' names as constants: code that means a kind names it here, so a typo is a
//! compile error and `tests/architecture.rs` can keep kind literals out of comparisons.
//! Re-exported by `kinds` (`kinds::POD`).

/// `ConfigMap`.
pub const CONFIG_MAP: &str = "ConfigMap";
/// `Endpoints`.
pub const ENDPOINTS: &str = "Endpoints";
/// `Event`.
pub const EVENT: &str = "Event";
/// `LimitRange`.
pub const LIMIT_RANGE: &str = "LimitRange";
/// `Namespace`.
pub const NAMESPACE: &str = "Namespace";
/// `Node`.
pub const NODE: &str = "Node";
/// `PersistentVolumeClaim`.
pub const PERSISTENT_VOLUME_CLAIM: &str = "PersistentVolumeClaim";
/// `PersistentVolume`.
pub const PERSISTENT_VOLUME: &str = "PersistentVolume";
/// `Pod`.
pub const POD: &str = "Pod";
/// `PodTemplate`.
pub const POD_TEMPLATE: &str = "PodTemplate";
/// `ReplicationController`.
pub const REPLICATION_CONTROLLER: &str = "ReplicationController";
/// `ResourceQuota`.
pub const RESOURCE_QUOTA: &str = "ResourceQuota";
/// `Secret`.
pub const SECRET: &str = "Secret";
/// `ServiceAccount`.
pub const SERVICE_ACCOUNT: &str = "ServiceAccount";
/// `Service`.
pub const SERVICE: &str = "Service";
/// `CustomResourceDefinition`.
pub const CUSTOM_RESOURCE_DEFINITION: &str = "CustomResourceDefinition";
/// `ControllerRevision`.
pub const CONTROLLER_REVISION: &str = "ControllerRevision";
/// `DaemonSet`.
pub const DAEMON_SET: &str = "DaemonSet";
/// `Deployment`.
pub const DEPLOYMENT: &str = "Deployment";
/// `ReplicaSet`.
pub const REPLICA_SET: &str = "ReplicaSet";
/// `StatefulSet`.
pub const STATEFUL_SET: &str = "StatefulSet";
/// `HorizontalPodAutoscaler`.
pub const HORIZONTAL_POD_AUTOSCALER: &str = "HorizontalPodAutoscaler";
/// `CronJob`.
pub const CRON_JOB: &str = "CronJob";
/// `Job`.
pub const JOB: &str = "Job";
/// `Lease`.
pub const LEASE: &str = "Lease";
/// `EndpointSlice`.
pub const ENDPOINT_SLICE: &str = "EndpointSlice";
/// `IngressClass`.
pub const INGRESS_CLASS: &str = "IngressClass";
/// `Ingress`.
pub const INGRESS: &str = "Ingress";
/// `NetworkPolicy`.
pub const NETWORK_POLICY: &str = "NetworkPolicy";
/// `RuntimeClass`.
pub const RUNTIME_CLASS: &str = "RuntimeClass";
/// `PodDisruptionBudget`.
pub const POD_DISRUPTION_BUDGET: &str = "PodDisruptionBudget";
/// `ClusterRoleBinding`.
pub const CLUSTER_ROLE_BINDING: &str = "ClusterRoleBinding";
/// `ClusterRole`.
pub const CLUSTER_ROLE: &str = "ClusterRole";
/// `RoleBinding`.
pub const ROLE_BINDING: &str = "RoleBinding";
/// `Role`.
pub const ROLE: &str = "Role";
/// `PriorityClass`.
pub const PRIORITY_CLASS: &str = "PriorityClass";
/// `StorageClass`.
pub const STORAGE_CLASS: &str = "StorageClass";
/// `ImageStreamImage`.
pub const IMAGE_STREAM_IMAGE: &str = "ImageStreamImage";
/// `ImageStream`.
pub const IMAGE_STREAM: &str = "ImageStream";
/// `ImageStreamTag`.
pub const IMAGE_STREAM_TAG: &str = "ImageStreamTag";
/// `Image`.
pub const IMAGE: &str = "Image";
/// `Project`.
pub const PROJECT: &str = "Project";
/// `Route`.
pub const ROUTE: &str = "Route";

/// Every constant above, for the test that each names a served kind.
#[cfg(test)]
const ALL: &[&str] = &[
    CONFIG_MAP,
    ENDPOINTS,
    EVENT,
    LIMIT_RANGE,
    NAMESPACE,
    NODE,
    PERSISTENT_VOLUME_CLAIM,
    PERSISTENT_VOLUME,
    POD,
    POD_TEMPLATE,
    REPLICATION_CONTROLLER,
    RESOURCE_QUOTA,
    SECRET,
    SERVICE_ACCOUNT,
    SERVICE,
    CUSTOM_RESOURCE_DEFINITION,
    CONTROLLER_REVISION,
    DAEMON_SET,
    DEPLOYMENT,
    REPLICA_SET,
    STATEFUL_SET,
    HORIZONTAL_POD_AUTOSCALER,
    CRON_JOB,
    JOB,
    LEASE,
    ENDPOINT_SLICE,
    INGRESS_CLASS,
    INGRESS,
    NETWORK_POLICY,
    RUNTIME_CLASS,
    POD_DISRUPTION_BUDGET,
    CLUSTER_ROLE_BINDING,
    CLUSTER_ROLE,
    ROLE_BINDING,
    ROLE,
    PRIORITY_CLASS,
    STORAGE_CLASS,
    IMAGE_STREAM_IMAGE,
    IMAGE_STREAM,
    IMAGE_STREAM_TAG,
    IMAGE,
    PROJECT,
    ROUTE,
];

#[cfg(test)]
mod tests {
    #[test]
    fn every_constant_names_a_served_kind() {
        for k in super::ALL {
            assert!(super::super::kinds::by_kind(k).is_some(), "{k}");
        }
        assert_eq!(super::ALL.len(), super::super::kinds::KINDS.len());
    }
}
