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
    /// Who made it (`kubernetes-admin`, a lab's user, whom `--as` named); empty when nobody
    /// was authenticated.
    pub user: String,
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
            "user": self.user,
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

/// Entries per sealed chunk of the log.
const CHUNK: usize = 256;

/// The audit log, kept in shared chunks: a copy of the world (the command boundary's snapshot)
/// shares every full chunk and copies only the last, short one.
#[derive(Debug, Clone, Default)]
pub struct AuditLog {
    sealed: Vec<std::rc::Rc<[AuditEntry]>>,
    tail: Vec<AuditEntry>,
}

impl AuditLog {
    /// Entries so far.
    pub fn len(&self) -> usize {
        self.sealed.len() * CHUNK + self.tail.len()
    }

    /// Whether nothing was logged.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends an entry.
    pub fn push(&mut self, e: AuditEntry) {
        self.tail.push(e);
        if self.tail.len() == CHUNK {
            self.sealed.push(std::mem::take(&mut self.tail).into());
        }
    }

    /// Every entry, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &AuditEntry> {
        self.sealed
            .iter()
            .flat_map(|c| c.iter())
            .chain(self.tail.iter())
    }
}
