//! The shell's virtual files as kubectl sees them (`-f FILE`, `-f DIR`, `edit`).

use super::edit::Editor;
use crate::kubectl::context::Workstation as KubectlFiles;
use crate::shell::ShellState;

/// kubectl's view of the shell's files and environment.
pub struct ShellFiles<'a> {
    /// The shell.
    pub state: &'a mut ShellState,
    /// The workstation's editor (`kubectl edit`).
    pub editor: &'a mut Editor,
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

    /// kubectl's editor: the first non-empty of `KUBE_EDITOR` and `EDITOR` in the shell's
    /// environment (exported, as a program sees it), else `vi`.
    fn edit(&mut self, file_name: &str, content: &[u8]) -> Result<Vec<u8>, String> {
        let editor = ["KUBE_EDITOR", "EDITOR"]
            .iter()
            .filter_map(|n| self.env(n))
            .find(|v| !v.is_empty())
            .unwrap_or_else(|| "vi".into());
        self.editor.edit_text(&editor, file_name, content)
    }

    fn env(&self, name: &str) -> Option<String> {
        self.state.environment().remove(name)
    }
}
