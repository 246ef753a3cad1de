//! Typed, read-only views over stored API objects (issue 14's "typed views"): world code reads
//! a pod's containers, a node's taints or a Deployment's strategy through these instead of
//! string paths over JSON. Storage stays JSON (printing, patching and Rhai are unchanged): a
//! view borrows the stored object and reads its fields in place, with the API's defaults
//! applied once, here, and policies and phases as enums.
//!
//! Borrowed views were chosen over facts decoded and cached per store slot: a view costs
//! nothing to make and nothing to invalidate, and the fields the hot paths read are a few map
//! lookups (`meta::field`) each; a cache would have to be dropped on every write, and most
//! objects are written more often than a controller reads them.

mod meta_view;
mod node;
mod pod;
mod workloads;

pub use meta_view::{Meta, OwnerRef};
pub use node::{Node, Taint, TaintEffect};
pub use pod::{Container, ImagePullPolicy, Pod, PodPhase, Probe, RestartPolicy, Volume};
pub use workloads::{
    Deployment, DeploymentStrategy, PodManagementPolicy, ReplicaSet, StatefulSet,
    StatefulSetUpdateStrategy,
};

use super::meta::Field;
use serde_json::{Map, Value};

/// The object field `key` of `v`, if `v` is an object and has it.
fn get<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.field(key)
}

/// The string at `key`.
fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    get(v, key).and_then(Value::as_str)
}

/// The integer at `key`.
fn int_of(v: &Value, key: &str) -> Option<i64> {
    get(v, key).and_then(Value::as_i64)
}

/// The boolean at `key`.
fn bool_of(v: &Value, key: &str) -> Option<bool> {
    get(v, key).and_then(Value::as_bool)
}

/// The array at `key`, empty if absent or not an array.
fn array_of<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    get(v, key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The map at `key`.
fn map_of<'a>(v: &'a Value, key: &str) -> Option<&'a Map<String, Value>> {
    get(v, key).and_then(Value::as_object)
}

/// The string value of `key` in a string map (labels, selectors, allocatable).
fn map_str<'a>(m: Option<&'a Map<String, Value>>, key: &str) -> Option<&'a str> {
    m.and_then(|m| m.field(key)).and_then(Value::as_str)
}

/// `Value::Null`, for views of absent parts.
static NULL: Value = Value::Null;
