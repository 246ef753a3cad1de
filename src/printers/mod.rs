//! The `printers` layer.
