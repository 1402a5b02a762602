//! The API layer: a versioned object store with per-kind tables, the API errors the
//! server returns, and name validation. Controllers and kubectl only reach cluster
//! state through here.

pub mod admission;
pub mod apps;
pub mod daemonset_job_admission;
pub mod defaults;
pub mod deletion;
pub mod errors;
pub mod field_selectors;
pub mod go_values;
pub mod hpa_defaults;
pub mod index;
pub mod kinds;
pub mod probes;
pub mod selectors;
pub mod statefulset_defaults;
pub mod storage_defaults;
pub mod service;
pub mod store;
pub mod validation;

pub use admission::Admit;
pub use errors::{ApiError, Reason};
pub use kinds::ApiKind;
pub use store::{ObjectKey, Store, Table};
