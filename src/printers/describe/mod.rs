//! `kubectl describe` output per kind (`kubectl pkg/describe/describe.go`), read-only over the
//! world.

pub mod batch;
pub mod common;
pub mod config;
pub mod generic;
pub mod node;
pub mod pdb;
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
        "Namespace" => Some(node::namespace(obj)),
        "PodDisruptionBudget" => Some(pdb::pdb(obj, &events, now)),
        "ConfigMap" => Some(config::configmap(obj, &events, now)),
        "Secret" => Some(config::secret(obj)),
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
