//! `kubectl describe` output per kind (`kubectl pkg/describe/describe.go`), read-only over the
//! world.

use crate::world::api::kinds;
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
        kinds::DEPLOYMENT => Some(workloads::deployment(world, obj, &events, now)),
        kinds::REPLICA_SET => Some(workloads::replicaset(world, obj, &events, now)),
        kinds::POD => Some(workloads::pod(obj, &events, now)),
        kinds::DAEMON_SET => Some(batch::daemonset(world, obj, &events, now)),
        kinds::JOB => Some(batch::job(obj, &events, now)),
        kinds::CRON_JOB => Some(batch::cronjob(obj, &events, now)),
        kinds::NODE => Some(node::node(world, obj, &events, now)),
        kinds::NAMESPACE => Some(node::namespace(world, obj)),
        kinds::RESOURCE_QUOTA => Some(policy::quota(obj)),
        kinds::LIMIT_RANGE => Some(policy::limit_range(obj)),
        kinds::POD_DISRUPTION_BUDGET => Some(pdb::pdb(obj, &events, now)),
        kinds::HORIZONTAL_POD_AUTOSCALER => Some(hpa::hpa(obj, &events, now)),
        kinds::CONFIG_MAP => Some(config::configmap(obj, &events, now)),
        kinds::SECRET => Some(config::secret(obj)),
        kinds::STATEFUL_SET => Some(statefulset::statefulset(world, obj, &events, now)),
        kinds::SERVICE => Some(network::service(world, obj, &events, now)),
        kinds::ENDPOINTS => Some(network::endpoints(obj, &events, now)),
        kinds::ENDPOINT_SLICE => Some(discovery::endpointslice(obj, &events, now)),
        kinds::INGRESS => Some(ingress::ingress(world, obj, &events, now)),
        kinds::ROUTE => Some(crate::printers::routes::describe_route(
            obj,
            &|name| {
                world
                    .object(kinds::ENDPOINTS, meta::namespace(obj), name)
                    .cloned()
                    .ok_or_else(|| format!("endpoints \"{name}\" not found"))
            },
            now,
        )),
        kinds::ROLE | kinds::CLUSTER_ROLE => Some(rbac::role(obj)),
        kinds::ROLE_BINDING | kinds::CLUSTER_ROLE_BINDING => Some(rbac::binding(obj)),
        kinds::SERVICE_ACCOUNT => Some(rbac::service_account(world, obj, &events, now)),
        kinds::PRIORITY_CLASS => Some(rbac::priority_class(obj, &events, now)),
        kinds::PERSISTENT_VOLUME_CLAIM => Some(storage::pvc(world, obj, &events, now)),
        kinds::PERSISTENT_VOLUME => storage::pv(obj, &events, now),
        kinds::STORAGE_CLASS => storage::storage_class(obj, &events, now),
        // kubectl has no describer of its own for events: its generic describer prints them.
        kinds::EVENT => Some(generic::describe(obj, &events, now)),
        kinds::IMAGE_STREAM => Some(crate::printers::openshift::describe_imagestream(obj, now)),
        _ if world
            .kind_for(
                meta::kind(obj),
                meta::str_at(obj, &["apiVersion"]).unwrap_or(""),
            )
            .is_some_and(|k| {
                world.custom_resource(k).is_some() || k.kind == kinds::CUSTOM_RESOURCE_DEFINITION
            }) =>
        {
            Some(generic::describe(obj, &events, now))
        }
        _ => None,
    }
}
