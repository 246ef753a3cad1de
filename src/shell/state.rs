//! What a shell session remembers between inputs: files, working directory, variables, the
//! last exit status.

use std::collections::BTreeMap;

use super::vfs::{self, HOME, Vfs, VfsError};

/// The session's state.
#[derive(Debug, Clone)]
pub struct ShellState {
    /// The workstation's files.
    pub vfs: Vfs,
    cwd: String,
    vars: BTreeMap<String, (String, bool)>,
    /// Bytes of all variables' names and values.
    var_bytes: usize,
    /// `$?`.
    pub last_status: i32,
    /// `$1`, `$2`, ... (for `bash -c`-style scripts; empty in a session).
    pub positional: Vec<String>,
    /// Who the shell is (the workstation, or a container's shell).
    pub profile: super::profile::Profile,
    /// Lines of the session's inputs run so far (bash's line numbers in its warnings).
    pub lines_read: usize,
    /// The input is a `sh -c` string (bash's syntax errors then say `bash: -c: line 1:`).
    pub command_string: bool,
    /// A container's shell reading from a terminal (`kubectl exec -it POD -- sh`): bash and
    /// ash then give no line numbers in their errors.
    pub interactive: bool,
    /// The script has a name (`sh script.sh`, `sh -c SCRIPT NAME`): busybox ash's errors then
    /// give its line.
    pub script_named: bool,
    /// The functions defined so far, by name.
    pub functions: BTreeMap<String, std::sync::Arc<super::ast::Command>>,
    /// The traps set (`trap`), by signal number.
    pub traps: super::trap::Traps,
    /// The PID of the last background job started (`$!`).
    pub last_job: Option<u32>,
}

/// Whether `s` is a shell variable name (a letter or `_`, then letters, digits and `_`).
pub fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

impl ShellState {
    /// A fresh session in the home directory with the usual environment.
    pub fn new(vfs: Vfs) -> ShellState {
        let mut s = ShellState {
            vfs,
            cwd: HOME.into(),
            vars: BTreeMap::new(),
            var_bytes: 0,
            last_status: 0,
            positional: Vec::new(),
            profile: super::profile::Profile::workstation(),
            lines_read: 0,
            command_string: false,
            interactive: false,
            script_named: false,
            functions: BTreeMap::new(),
            traps: BTreeMap::new(),
            last_job: None,
        };
        for (k, v) in [
            ("HOME", HOME),
            ("USER", "student"),
            ("LOGNAME", "student"),
            ("PATH", "/usr/local/bin:/usr/bin:/bin"),
            ("SHELL", "/bin/bash"),
            ("PWD", HOME),
            ("HOSTNAME", "workstation"),
            ("TERM", "xterm-256color"),
            ("LANG", "C.UTF-8"),
        ] {
            s.export(k, Some(v));
        }
        s
    }

    /// The working directory.
    pub fn cwd(&self) -> &str {
        &self.cwd
    }

    /// Changes the working directory (must be a directory).
    pub fn set_cwd(&mut self, path: &str) -> Result<(), VfsError> {
        let p = self.resolve(path);
        if !self.vfs.exists(&p) {
            return Err(VfsError::NotFound);
        }
        if !self.vfs.is_dir(&p) {
            return Err(VfsError::NotDir);
        }
        let old = std::mem::replace(&mut self.cwd, p.clone());
        self.export("OLDPWD", Some(&old));
        self.export("PWD", Some(&p));
        Ok(())
    }

    /// An absolute, normalized path for `path`.
    pub fn resolve(&self, path: &str) -> String {
        vfs::normalize(&self.cwd, path)
    }

    /// Reads a file relative to the working directory. `/proc/mounts` is the mount table
    /// where the shell's files have a `/proc` (a container's).
    pub fn read_file(&self, path: &str) -> Result<Vec<u8>, VfsError> {
        let p = self.resolve(path);
        if p == "/proc/mounts" && self.vfs.is_dir("/proc") && !self.vfs.lexists(&p) {
            return Ok(self.vfs.proc_mounts().into_bytes());
        }
        self.vfs.read(&p).map(<[u8]>::to_vec)
    }

    /// A variable's value.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(|(v, _)| v.as_str())
    }

    /// Bytes held by all variables (names and values), for the session's budget.
    pub fn var_bytes(&self) -> usize {
        self.var_bytes
    }

    /// Sets a variable, keeping its exported flag.
    pub fn set_var(&mut self, name: &str, value: &str) {
        match self.vars.get_mut(name) {
            Some(e) => {
                self.var_bytes = self.var_bytes - e.0.len() + value.len();
                e.0.clear();
                e.0.push_str(value);
            }
            None => {
                self.var_bytes += name.len() + value.len();
                self.vars
                    .insert(name.to_string(), (value.to_string(), false));
            }
        }
    }

    /// Exports a variable, setting it when a value is given.
    pub fn export(&mut self, name: &str, value: Option<&str>) {
        if !self.vars.contains_key(name) {
            self.var_bytes += name.len();
        }
        let e = self
            .vars
            .entry(name.to_string())
            .or_insert_with(|| (String::new(), true));
        e.1 = true;
        if let Some(v) = value {
            self.var_bytes = self.var_bytes - e.0.len() + v.len();
            e.0 = v.to_string();
        }
    }

    /// Removes a variable.
    pub fn unset(&mut self, name: &str) {
        if let Some(v) = self.vars.remove(name) {
            self.var_bytes -= name.len() + v.0.len();
        }
    }

    /// The exported variables (what `env` prints), sorted by name.
    pub fn environment(&self) -> BTreeMap<String, String> {
        self.vars
            .iter()
            .filter(|(_, v)| v.1)
            .map(|(k, v)| (k.clone(), v.0.clone()))
            .collect()
    }

    /// Every variable, for `set` and saving/restoring around subshells.
    pub(crate) fn vars_snapshot(&self) -> BTreeMap<String, (String, bool)> {
        self.vars.clone()
    }

    pub(crate) fn restore_vars(&mut self, vars: BTreeMap<String, (String, bool)>) {
        self.var_bytes = vars.iter().map(|(k, v)| k.len() + v.0.len()).sum();
        self.vars = vars;
    }

    /// A variable's value and exported flag (what `local` saves).
    pub(crate) fn var_entry(&self, name: &str) -> Option<(String, bool)> {
        self.vars.get(name).cloned()
    }

    /// Puts back a variable as [`ShellState::var_entry`] gave it.
    pub(crate) fn put_var_entry(&mut self, name: &str, entry: Option<(String, bool)>) {
        self.unset(name);
        if let Some((value, exported)) = entry {
            self.set_var(name, &value);
            if exported {
                self.export(name, None);
            }
        }
    }

    pub(crate) fn restore_cwd(&mut self, cwd: String) {
        self.cwd = cwd;
    }
}
