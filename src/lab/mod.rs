//! The `lab` layer.
