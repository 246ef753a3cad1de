//! The `shell` layer.
