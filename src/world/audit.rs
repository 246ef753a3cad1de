//! The audit log: every API request made by a user (kubectl, oc, the Rhai host), like an
//! apiserver audit log, so a check can ask *how* the student did something.

use serde_json::{Value, json};

use super::clock::{Millis, rfc3339};

/// One API request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Virtual time of the request.
    pub time: Millis,
    /// `create`, `update`, `patch`, `delete`, `get`, `list`.
    pub verb: String,
    /// Resource plural, e.g. `deployments`.
    pub resource: String,
    /// Namespace (empty for cluster-scoped).
    pub namespace: String,
    /// Object name (empty for lists).
    pub name: String,
    /// Subresource (`status`, `scale`, ...), empty if none.
    pub subresource: String,
    /// HTTP status code of the response.
    pub code: u16,
    /// The command line that made the request (`kubectl set image deployment/mongo ...`).
    pub command: String,
    /// `kubectl`, `oc`, `rhai`, ...
    pub user_agent: String,
}

impl AuditEntry {
    /// The entry as a map with audit.k8s.io-like field names.
    pub fn to_value(&self) -> Value {
        json!({
            "time": rfc3339(self.time),
            "verb": self.verb,
            "resource": self.resource,
            "namespace": self.namespace,
            "name": self.name,
            "subresource": self.subresource,
            "code": self.code,
            "command": self.command,
            "userAgent": self.user_agent,
        })
    }
}

/// Who is making requests now (set by the front end around each command).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Actor {
    /// `kubectl`, `oc`, `rhai`, or empty for controllers (not audited).
    pub user_agent: String,
    /// The command line.
    pub command: String,
}
