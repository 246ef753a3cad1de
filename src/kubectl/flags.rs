//! What a verb reads of its command line. The pflag parser's result implements this, so verbs
//! stay independent of how parsing is done.

use super::outcome::Failure;

/// A parsed command line, as a verb sees it.
pub trait Flags {
    /// `kubectl` or `oc`.
    fn program(&self) -> &str;
    /// The command path without the program, e.g. `["rollout", "undo"]`.
    fn path(&self) -> Vec<String>;
    /// Positional arguments (before `--`).
    fn args(&self) -> &[String];
    /// Arguments after `--`.
    fn dash_args(&self) -> &[String];
    /// A string flag's value (last wins), by long name.
    fn string(&self, name: &str) -> Option<String>;
    /// A boolean flag.
    fn boolean(&self, name: &str) -> bool;
    /// An integer flag; the error is kubectl's.
    fn int(&self, name: &str) -> Result<Option<i64>, Failure>;
    /// A repeatable or comma-separated flag's values.
    fn strings(&self, name: &str) -> Vec<String>;
    /// Whether the flag was given.
    fn changed(&self, name: &str) -> bool;
    /// The `kubernetes.io/change-cause` text for `--record`.
    fn change_cause(&self) -> String;

    /// `kubectl rollout undo` (program and path joined), for usage errors.
    fn command_line_name(&self) -> String {
        let mut p = vec![self.program().to_string()];
        p.extend(self.path());
        p.join(" ")
    }
}
