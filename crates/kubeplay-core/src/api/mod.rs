//! The API layer: a versioned object store with per-kind tables, the API errors the
//! server returns, and name validation. Controllers and kubectl only reach cluster
//! state through here.

pub mod defaults;
pub mod errors;
pub mod kinds;
pub mod store;
pub mod validation;

pub use errors::{ApiError, Reason};
pub use kinds::ApiKind;
pub use store::{ObjectKey, Store, Table};
