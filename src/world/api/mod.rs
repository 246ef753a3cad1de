//! The simulated API server's object model and request semantics: discovery, errors, field
//! access, label selectors, defaulting, validation and patching.

pub mod defaults;
pub mod error;
pub mod kinds;
pub mod meta;
pub mod patch;
pub mod quantity;
pub mod schema;
pub mod selector;
pub mod validation;

pub use error::{ApiError, Reason};
pub use kinds::KindInfo;
