//! The shell's virtual files as kubectl sees them (`-f FILE`, `-f DIR`, `edit`).

use super::edit::Editor;
use crate::kubectl::context::{LocalEntry, LocalKind, Workstation as KubectlFiles};
use crate::shell::ShellState;
use crate::shell::vfs::{Kind, VfsError};

/// Go's words for an errno (`syscall.Errno.Error()`).
fn go_errno(e: VfsError) -> String {
    e.to_string().to_lowercase()
}

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

    fn lstat(&self, path: &str) -> Option<LocalEntry> {
        let st = self.state.vfs.lstat(&self.state.resolve(path)).ok()?;
        let n = st.node;
        let kind = match n.kind {
            Kind::File(b) => LocalKind::File(b.to_vec()),
            Kind::Dir => LocalKind::Dir,
            Kind::Symlink(t) => LocalKind::Symlink(t),
            Kind::CharDev(..) => LocalKind::Other,
        };
        Some(LocalEntry {
            kind,
            mode: n.perm,
            uid: n.uid,
            gid: n.gid,
            mtime: n.mtime,
        })
    }

    fn mkdir_all(&mut self, path: &str) -> Result<(), String> {
        let full = self.state.resolve(path);
        if self.state.vfs.is_dir(&full) {
            return Ok(());
        }
        // Go's MkdirAll makes the parents first: the error names the first part in the way.
        let mut made = String::new();
        for part in path.split('/') {
            made = if made.is_empty() && path.starts_with('/') {
                format!("/{part}")
            } else if made.is_empty() {
                part.to_string()
            } else {
                format!("{made}/{part}")
            };
            if part.is_empty() || part == "." {
                continue;
            }
            let p = self.state.resolve(&made);
            if self.state.vfs.is_dir(&p) {
                continue;
            }
            if let Err(e) = self.state.vfs.mkdir(&p) {
                let e = if e == VfsError::Exists {
                    VfsError::NotDir
                } else {
                    e
                };
                return Err(format!("mkdir {made}: {}", go_errno(e)));
            }
        }
        Ok(())
    }

    fn create_file(&mut self, path: &str, data: &[u8]) -> Result<(), String> {
        let p = self.state.resolve(path);
        if self.state.vfs.is_dir(&p) {
            return Err(format!("open {path}: is a directory"));
        }
        self.state
            .vfs
            .write(&p, b"", false)
            .map_err(|e| format!("open {path}: {}", go_errno(e)))?;
        self.state
            .vfs
            .write(&p, data, false)
            .map_err(|e| format!("write {path}: {}", go_errno(e)))
    }

    fn remove_file(&mut self, path: &str) -> Result<(), String> {
        let p = self.state.resolve(path);
        self.state
            .vfs
            .remove_file(&p)
            .map_err(|e| format!("remove {path}: {}", go_errno(e)))
    }
}
