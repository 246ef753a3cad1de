//! Printers: world objects to text, never mutating the world.
//!
//! - [`table`]: `kubectl get` tables; [`describe`]: `kubectl describe`; [`name`]: success lines;
//!   [`age`]: relative times.
//! - [`yaml`]: `to_yaml`, `try_to_yaml`, `to_yaml_list` (go-yaml v2 via `sigs.k8s.io/yaml`);
//! - [`json`]: `to_json_sorted`, `to_json_list`, `to_json_typed` (Go `encoding/json`);
//! - [`typed_order`]: Go struct field order for objects kubectl builds client-side;
//! - [`yaml_resolve`], [`go_number`]: YAML 1.1 scalar resolution and Go number formatting,
//!   shared with `kubectl::manifest`.

pub mod age;
pub mod custom_table;
pub mod describe;
pub mod go_number;
pub(crate) mod go_sort;
pub mod gotemplate;
pub mod json;
pub mod jsonpath;
pub mod name;
pub mod openshift;
pub mod routes;
pub mod table;
pub mod table_hpa;
pub mod table_kinds;
pub mod table_traffic;
pub mod tabwriter;
pub mod typed_order;
pub mod units;
pub mod workload_table;
pub mod yaml;
pub(crate) mod yaml_analyze;
pub(crate) mod yaml_emitter;
pub mod yaml_resolve;
