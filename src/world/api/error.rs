//! API errors as the API server returns them (`metav1.Status`): a reason and the message built by
//! `apimachinery pkg/api/errors`. The front end decides how to print them.

use super::kinds::KindInfo;

/// The `reason` of a failed request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// 404.
    NotFound,
    /// 409 on create.
    AlreadyExists,
    /// 409 on update with a stale resourceVersion.
    Conflict,
    /// 422 with field causes.
    Invalid,
    /// 400.
    BadRequest,
    /// 403 (e.g. creating in a terminating namespace).
    Forbidden,
    /// 405 / unsupported.
    MethodNotAllowed,
    /// 415: a body (e.g. a patch type) the resource does not accept.
    UnsupportedMediaType,
    /// 500.
    InternalError,
    /// 429 (an eviction a PodDisruptionBudget does not allow now).
    TooManyRequests,
    /// Not an API server's answer: one of kubelab's own bounds on the simulated cluster (its
    /// message says so plainly and is printed as `error: <message>`).
    KubelabLimit,
}

impl Reason {
    /// The reason as it appears in `Error from server (<Reason>)`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Reason::NotFound => "NotFound",
            Reason::AlreadyExists => "AlreadyExists",
            Reason::Conflict => "Conflict",
            Reason::Invalid => "Invalid",
            Reason::BadRequest => "BadRequest",
            Reason::Forbidden => "Forbidden",
            Reason::MethodNotAllowed => "MethodNotAllowed",
            Reason::UnsupportedMediaType => "UnsupportedMediaType",
            Reason::InternalError => "InternalError",
            Reason::TooManyRequests => "TooManyRequests",
            Reason::KubelabLimit => "KubelabLimit",
        }
    }
}

/// One field problem of an Invalid error (`field.Error`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldCause {
    /// Field path, e.g. `spec.template.metadata.labels`.
    pub field: String,
    /// The whole detail after `field: `, e.g. `Invalid value: 0: must be greater than or equal to 0`.
    pub detail: String,
}

/// A failed API request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// Why it failed.
    pub reason: Reason,
    /// The status message (what kubectl prints after `Error from server (Reason): `).
    pub message: String,
    /// For Invalid: the causes.
    pub causes: Vec<FieldCause>,
}

impl ApiError {
    /// `deployments.apps "x" not found`.
    pub fn not_found(kind: &KindInfo, name: &str) -> Self {
        ApiError {
            reason: Reason::NotFound,
            message: format!("{} \"{name}\" not found", kind.qualified_plural()),
            causes: vec![],
        }
    }

    /// `deployments.apps "x" already exists`.
    pub fn already_exists(kind: &KindInfo, name: &str) -> Self {
        ApiError {
            reason: Reason::AlreadyExists,
            message: format!("{} \"{name}\" already exists", kind.qualified_plural()),
            causes: vec![],
        }
    }

    /// `Operation cannot be fulfilled on deployments.apps "x": <detail>`.
    pub fn conflict(kind: &KindInfo, name: &str, detail: &str) -> Self {
        ApiError {
            reason: Reason::Conflict,
            message: format!(
                "Operation cannot be fulfilled on {} \"{name}\": {detail}",
                kind.qualified_plural()
            ),
            causes: vec![],
        }
    }

    /// `The Deployment "x" is invalid: <cause>` (one cause) or the multi-line form.
    pub fn invalid(kind: &str, name: &str, causes: Vec<FieldCause>) -> Self {
        let mut message = format!("The {kind} \"{name}\" is invalid: ");
        if let [one] = causes.as_slice() {
            message.push_str(&format!("{}: {}", one.field, one.detail));
        } else {
            for c in &causes {
                message.push_str(&format!("\n* {}: {}", c.field, c.detail));
            }
        }
        ApiError {
            reason: Reason::Invalid,
            message,
            causes,
        }
    }

    /// A 400 with a free message.
    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError {
            reason: Reason::BadRequest,
            message: message.into(),
            causes: vec![],
        }
    }

    /// A 403 with a free message.
    pub fn forbidden(message: impl Into<String>) -> Self {
        ApiError {
            reason: Reason::Forbidden,
            message: message.into(),
            causes: vec![],
        }
    }

    /// One of kubelab's own bounds was reached (`kubelab: ...`).
    pub fn kubelab_limit(message: impl Into<String>) -> Self {
        ApiError {
            reason: Reason::KubelabLimit,
            message: message.into(),
            causes: vec![],
        }
    }

    /// A 500 with a free message.
    pub fn internal(message: impl Into<String>) -> Self {
        ApiError {
            reason: Reason::InternalError,
            message: message.into(),
            causes: vec![],
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

/// Shorthand for a field cause.
pub fn cause(field: impl Into<String>, detail: impl Into<String>) -> FieldCause {
    FieldCause {
        field: field.into(),
        detail: detail.into(),
    }
}
