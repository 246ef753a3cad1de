//! How a kubectl command fails, and how each failure is printed at the edge
//! (`kubectl pkg/cmd/util/helpers.go` `CheckErr`).

use crate::world::api::{ApiError, Reason};

/// A failed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// An API error: `Error from server (Reason): message`.
    Api(ApiError),
    /// `error: <message>`.
    Message(String),
    /// Text printed exactly as given (already formatted, e.g. cobra's `Error: ...` lines).
    Raw(String),
    /// `error: <message>` + `See '<cmd> -h' for help and examples`.
    Usage { command: String, message: String },
    /// A kubectl feature kubelab does not implement.
    Unsupported(String),
    /// Several failures, one line each (an aggregate).
    Many(Vec<Failure>),
}

impl Failure {
    /// The stderr text, with a final newline.
    pub fn render(&self) -> String {
        match self {
            Failure::Api(e) => match e.reason {
                Reason::Invalid => format!("{}\n", e.message),
                _ => format!("Error from server ({}): {}\n", e.reason.as_str(), e.message),
            },
            Failure::Message(m) => {
                if m.starts_with("error: ") {
                    format!("{m}\n")
                } else {
                    format!("error: {m}\n")
                }
            }
            Failure::Raw(r) => {
                if r.ends_with('\n') || r.is_empty() {
                    r.clone()
                } else {
                    format!("{r}\n")
                }
            }
            Failure::Usage { command, message } => {
                format!("error: {message}\nSee '{command} -h' for help and examples\n")
            }
            Failure::Unsupported(what) => format!("error: kubelab does not support {what}\n"),
            Failure::Many(all) => all
                .iter()
                .map(|f| match f {
                    Failure::Message(m) => format!("{m}\n"),
                    other => other.render(),
                })
                .collect(),
        }
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure::Api(e)
    }
}

/// The result of a verb.
pub type CmdResult = Result<(), Failure>;
