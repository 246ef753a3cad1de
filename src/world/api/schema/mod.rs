//! The API's schema: Kubernetes 1.32's OpenAPI definitions shipped as data
//! ([`documents`], parsed lazily per package), what a schema node means ([`shape`]), decoding a
//! request body as the apiserver's Go decoder does ([`decode`]: unknown fields, type errors,
//! apimachinery's own types) and the answers of a write request under the `fieldValidation`
//! directive ([`request`]). `docs/schema.md` describes the data and its provenance.

pub mod decode;
pub mod documents;
pub mod quantity_syntax;
pub mod request;
pub mod shape;

pub use request::{Body, FieldValidation, check};
