//! Errors as the API server reports them. `Display` gives the text kubectl prints
//! (kubectl/pkg/cmd/util/helpers.go `StandardErrorMessage`).

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    NotFound,
    AlreadyExists,
    Invalid,
    BadRequest,
    Forbidden,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NotFound => "NotFound",
            Reason::AlreadyExists => "AlreadyExists",
            Reason::Invalid => "Invalid",
            Reason::BadRequest => "BadRequest",
            Reason::Forbidden => "Forbidden",
        }
    }
}

/// One failed field of an `Invalid` error: `metadata.name: Invalid value: "x": detail`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub reason: Reason,
    /// The status message, e.g. `pods "x" not found`.
    pub message: String,
    /// For `Invalid`: the kind (`Pod`, `Deployment.apps`), name and causes.
    pub invalid: Option<(String, String, Vec<FieldError>)>,
}

impl ApiError {
    /// `<resource> "<name>" is forbidden: <why>`
    pub fn forbidden(resource: &str, name: &str, why: &str) -> ApiError {
        ApiError { reason: Reason::Forbidden, message: format!("{resource} \"{name}\" is forbidden: {why}"), invalid: None }
    }

    /// A request the server could not decode (strict decoding's unknown fields).
    pub fn bad_request(message: String) -> ApiError {
        ApiError { reason: Reason::BadRequest, message, invalid: None }
    }

    /// `<resource>[.<group>] "<name>" not found`
    pub fn not_found(resource: &str, name: &str) -> ApiError {
        ApiError {
            reason: Reason::NotFound,
            message: format!("{resource} \"{name}\" not found"),
            invalid: None,
        }
    }

    pub fn already_exists(resource: &str, name: &str) -> ApiError {
        ApiError {
            reason: Reason::AlreadyExists,
            message: format!("{resource} \"{name}\" already exists"),
            invalid: None,
        }
    }

    /// `kind` is the qualified kind (`Pod`, `Deployment.apps`), as `errors.NewInvalid` prints it.
    pub fn invalid(kind: &str, name: &str, causes: Vec<FieldError>) -> ApiError {
        let joined = if causes.len() == 1 {
            format!("{}: {}", causes[0].field, causes[0].detail)
        } else {
            let parts: Vec<String> =
                causes.iter().map(|c| format!("{}: {}", c.field, c.detail)).collect();
            format!("[{}]", parts.join(", "))
        };
        ApiError {
            reason: Reason::Invalid,
            message: format!("{kind} \"{name}\" is invalid: {joined}"),
            invalid: Some((kind.to_string(), name.to_string(), causes)),
        }
    }
}

impl fmt::Display for ApiError {
    /// The text kubectl prints for this error (without a trailing newline).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((kind, name, causes)) = &self.invalid {
            // kubectl prints the bare kind ("The Pod", "The Deployment"), not the group.
            let bare = kind.split('.').next().unwrap_or(kind);
            if causes.len() == 1 {
                return write!(
                    f,
                    "The {bare} \"{name}\" is invalid: {}: {}",
                    causes[0].field, causes[0].detail
                );
            }
            write!(f, "The {bare} \"{name}\" is invalid: ")?;
            for c in causes {
                write!(f, "\n* {}: {}", c.field, c.detail)?;
            }
            return Ok(());
        }
        write!(f, "Error from server ({}): {}", self.reason.as_str(), self.message)
    }
}

impl std::error::Error for ApiError {}
