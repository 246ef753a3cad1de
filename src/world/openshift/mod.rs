//! OpenShift's image API on top of the cluster: image streams and their tags, imports from
//! registries (immediate and scheduled), the image trigger controller, and image lookup.

pub mod imagestream;
pub mod import;
pub mod lookup;
pub mod routes;
pub mod triggers;
pub mod virtual_resources;
