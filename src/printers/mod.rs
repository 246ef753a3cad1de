//! The `printers` layer.

pub mod go_number;
pub mod go_sort;
pub mod json;
pub mod typed_order;
pub mod yaml;
pub mod yaml_emitter;
pub mod yaml_resolve;
