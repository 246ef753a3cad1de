//! The simulated API server's object model and request semantics: discovery, errors, field
//! access, label selectors, defaulting, validation and patching.

pub mod defaults;
pub mod defaults_policy;
pub mod error;
pub mod go_base64;
pub mod go_values;
pub mod gocmp;
pub mod kind_names;
pub mod kinds;
pub mod managed_fields;
pub mod meta;
pub mod names;
pub mod objects;
pub mod patch;
pub mod quantity;
pub mod schema;
pub mod selector;
pub mod typed_fields;
pub mod update_validation;
pub mod validation;
pub mod validation_hpa;
pub mod validation_policy;

pub use error::{ApiError, Reason};
pub use kinds::KindInfo;
