//! The `runner` layer.
