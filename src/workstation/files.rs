//! The shell's virtual files as kubectl sees them (`-f FILE`, `-f DIR`, `edit`).

use crate::kubectl::context::Workstation as KubectlFiles;
use crate::shell::ShellState;

/// kubectl's view of the shell's files and environment.
pub struct ShellFiles<'a> {
    /// The shell.
    pub state: &'a mut ShellState,
    /// Whether the student's own editor may run on the host (interactive REPL only).
    pub host_editor: bool,
}

impl KubectlFiles for ShellFiles<'_> {
    fn read_file(&self, path: &str) -> Result<Vec<u8>, String> {
        let p = self.state.resolve(path);
        if self.state.vfs.is_dir(&p) {
            return Err(format!("read {path}: is a directory"));
        }
        self.state
            .vfs
            .read(&p)
            .map(<[u8]>::to_vec)
            .map_err(|_| format!("open {path}: no such file or directory"))
    }

    fn is_dir(&self, path: &str) -> bool {
        self.state.vfs.is_dir(&self.state.resolve(path))
    }

    fn list_dir(&self, path: &str) -> Result<Vec<String>, String> {
        self.state
            .vfs
            .read_dir(&self.state.resolve(path))
            .map_err(|_| format!("open {path}: no such file or directory"))
    }

    fn edit(&mut self, file_name: &str, content: &[u8]) -> Result<Vec<u8>, String> {
        let editor = self
            .env("KUBE_EDITOR")
            .or_else(|| self.env("EDITOR"))
            .unwrap_or_else(|| "vi".into());
        crate::workstation::edit::run_editor(&editor, file_name, content, self.host_editor)
    }

    fn env(&self, name: &str) -> Option<String> {
        self.state.var(name).map(str::to_string)
    }
}
