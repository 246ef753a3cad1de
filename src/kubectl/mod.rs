//! The `kubectl` layer.
