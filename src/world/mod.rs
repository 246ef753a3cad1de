//! The `world` layer.
