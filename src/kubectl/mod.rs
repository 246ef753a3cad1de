//! The `kubectl` layer.

pub mod manifest;
pub mod manifest_yaml;
