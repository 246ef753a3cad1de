//! Who a shell is: the student's workstation shell (kubelab's own, bash-like, every builtin) or a
//! container's `/bin/sh` (busybox ash, bash, dash), whose errors, utilities and programs are the
//! image's. The engine is the same; the profile decides the words and what exists.

use std::collections::BTreeSet;

/// Whose wording the shell's own errors take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// The workstation: bash's words after `kubelab: `.
    Kubelab,
    /// GNU bash (Debian, Ubuntu and UBI images): `bash: x: command not found`.
    Bash,
    /// busybox ash (busybox, alpine): `sh: x: not found`, `sh: syntax error: unexpected "done"`.
    Ash,
    /// dash (`/bin/sh` of Debian and Ubuntu images): `sh: 1: x: not found`.
    Dash,
}

/// Whose file utilities the builtins imitate (`ls -l` columns, `cat`/`rm` error texts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Userland {
    /// GNU coreutils (the workstation, Debian, Ubuntu, UBI).
    Gnu,
    /// busybox applets (busybox, alpine).
    Busybox,
}

/// A shell's identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// The name its errors start with: `kubelab`, or the shell's `argv[0]` (`sh`, `bash`).
    pub name: String,
    /// Whose wording its errors take.
    pub dialect: Dialect,
    /// Whose utilities its builtins imitate.
    pub userland: Userland,
    /// The program names the image has on its PATH: a builtin that stands for a program (`ls`,
    /// `grep`, `jq`) runs only if the image has it. `None`: every builtin (the workstation).
    pub programs: Option<BTreeSet<String>>,
}

impl Profile {
    /// The student's workstation.
    pub fn workstation() -> Profile {
        Profile {
            name: "kubelab".into(),
            dialect: Dialect::Kubelab,
            userland: Userland::Gnu,
            programs: None,
        }
    }
}

impl Default for Profile {
    fn default() -> Self {
        Profile::workstation()
    }
}
