//! Helm 3 (v3.21.x) in kubelab: the `helm` front end (beside `kubectl`), its chart template
//! engine ([`engine`]) and the charts kubelab ships ([`charts`]).

pub mod charts;
pub mod engine;
