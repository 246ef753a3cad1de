//! `kubectl describe` output per kind (`kubectl pkg/describe/describe.go`), read-only over the
//! world.

pub mod batch;
pub mod common;
pub mod config;
pub mod discovery;
pub mod generic;
pub mod hpa;
pub mod ingress;
pub mod network;
pub mod node;
pub mod pdb;
pub mod policy;
mod pv_sources;
mod rbac;
pub mod statefulset;
pub mod storage;
pub mod workloads;
pub mod writer;

use serde_json::Value;

use crate::world::World;
use crate::world::api::meta;

/// The describe text of an object, or None when kubelab has no describer for its kind.
pub fn describe(world: &World, obj: &Value) -> Option<String> {
    let events = world.events_for(meta::uid(obj));
    let now = world.now();
    match meta::kind(obj) {
        "Deployment" => Some(workloads::deployment(world, obj, &events, now)),
        "ReplicaSet" => Some(workloads::replicaset(world, obj, &events, now)),
        "Pod" => Some(workloads::pod(obj, &events, now)),
        "DaemonSet" => Some(batch::daemonset(world, obj, &events, now)),
        "Job" => Some(batch::job(obj, &events, now)),
        "CronJob" => Some(batch::cronjob(obj, &events, now)),
        "Node" => Some(node::node(world, obj, &events, now)),
        "Namespace" => Some(node::namespace(world, obj)),
        "ResourceQuota" => Some(policy::quota(obj)),
        "LimitRange" => Some(policy::limit_range(obj)),
        "PodDisruptionBudget" => Some(pdb::pdb(obj, &events, now)),
        "HorizontalPodAutoscaler" => Some(hpa::hpa(obj, &events, now)),
        "ConfigMap" => Some(config::configmap(obj, &events, now)),
        "Secret" => Some(config::secret(obj)),
        "StatefulSet" => Some(statefulset::statefulset(world, obj, &events, now)),
        "Service" => Some(network::service(world, obj, &events, now)),
        "Endpoints" => Some(network::endpoints(obj, &events, now)),
        "EndpointSlice" => Some(discovery::endpointslice(obj, &events, now)),
        "Ingress" => Some(ingress::ingress(world, obj, &events, now)),
        "Route" => Some(crate::printers::routes::describe_route(
            obj,
            &|name| {
                world
                    .object("Endpoints", meta::namespace(obj), name)
                    .cloned()
                    .ok_or_else(|| format!("endpoints \"{name}\" not found"))
            },
            now,
        )),
        "Role" | "ClusterRole" => Some(rbac::role(obj)),
        "RoleBinding" | "ClusterRoleBinding" => Some(rbac::binding(obj)),
        "ServiceAccount" => Some(rbac::service_account(world, obj, &events, now)),
        "PriorityClass" => Some(rbac::priority_class(obj, &events, now)),
        "PersistentVolumeClaim" => Some(storage::pvc(world, obj, &events, now)),
        "PersistentVolume" => storage::pv(obj, &events, now),
        "StorageClass" => storage::storage_class(obj, &events, now),
        // kubectl has no describer of its own for events: its generic describer prints them.
        "Event" => Some(generic::describe(obj, &events, now)),
        "ImageStream" => Some(crate::printers::openshift::describe_imagestream(obj, now)),
        _ if world
            .kind_for(
                meta::kind(obj),
                meta::str_at(obj, &["apiVersion"]).unwrap_or(""),
            )
            .is_some_and(|k| {
                world.custom_resource(k).is_some() || k.kind == "CustomResourceDefinition"
            }) =>
        {
            Some(generic::describe(obj, &events, now))
        }
        _ => None,
    }
}
