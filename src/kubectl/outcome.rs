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
    /// Text printed as given, with an exit status other than 1 (a wait stopped by Ctrl-C: 130).
    Exit { text: String, status: i32 },
    /// A failure after the command already wrote `stdout` (kubectl's go-template printer
    /// writes its partial output and a debugging block before failing).
    WithOutput {
        stdout: String,
        failure: Box<Failure>,
    },
}

impl Failure {
    /// The command's exit status.
    pub fn status(&self) -> i32 {
        match self {
            Failure::Exit { status, .. } => *status,
            Failure::WithOutput { failure, .. } => failure.status(),
            _ => 1,
        }
    }

    /// The stderr text, with a final newline.
    pub fn render(&self) -> String {
        match self {
            Failure::Api(e) => match e.reason {
                Reason::Invalid => format!("{}\n", e.message),
                Reason::KubelabLimit => format!("error: {}\n", e.message),
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
            Failure::Exit { text, .. } => text.clone(),
            Failure::WithOutput { failure, .. } => failure.render(),
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

impl Failure {
    /// What the command wrote to stdout before failing.
    pub fn stdout(&self) -> &str {
        match self {
            Failure::WithOutput { stdout, .. } => stdout,
            _ => "",
        }
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure::Api(e)
    }
}

/// A klog line as kubectl writes it to stderr (`W0303 09:00:05.000000    1000 helpers.go:702] ...`):
/// the time is the world's virtual time and the process id is always 1000, so the line is
/// deterministic.
pub fn klog(level: char, now_ms: i64, source: &str, message: &str) -> String {
    let (_, mo, d, h, mi, s, _) = crate::world::clock::civil(now_ms);
    let us = now_ms.rem_euclid(1000) * 1000;
    format!(
        "{level}{mo:02}{d:02} {h:02}:{mi:02}:{s:02}.{us:06} {:>7} {source}] {message}\n",
        1000
    )
}

/// The result of a verb.
pub type CmdResult = Result<(), Failure>;
