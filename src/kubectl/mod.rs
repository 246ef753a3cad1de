//! The `kubectl` layer.

pub mod manifest;
pub(crate) mod manifest_yaml;
