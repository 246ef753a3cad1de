//! The `oc` layer.
