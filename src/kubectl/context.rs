//! What a kubectl command runs against: the world, the client configuration (current
//! namespace), the workstation's files and editor, standard input, and the output streams.

use crate::world::World;

/// Standard output and error of one command, captured.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Io {
    /// Standard output.
    pub out: Vec<u8>,
    /// Standard error.
    pub err: Vec<u8>,
    /// Both, in write order: (is stderr, bytes).
    pub chunks: Vec<(bool, Vec<u8>)>,
}

impl Io {
    fn log(&mut self, is_err: bool, s: &str) {
        self.log_bytes(is_err, s.as_bytes());
    }

    fn log_bytes(&mut self, is_err: bool, s: &[u8]) {
        match self.chunks.last_mut() {
            Some((e, b)) if *e == is_err => b.extend_from_slice(s),
            _ => self.chunks.push((is_err, s.to_vec())),
        }
    }

    /// Writes bytes as they are (a container program's output) to stderr or stdout.
    pub fn write(&mut self, is_err: bool, b: &[u8]) {
        if is_err {
            self.err.extend_from_slice(b);
        } else {
            self.out.extend_from_slice(b);
        }
        self.log_bytes(is_err, b);
    }

    /// Writes to standard output.
    pub fn out(&mut self, s: &str) {
        self.out.extend_from_slice(s.as_bytes());
        self.log(false, s);
    }

    /// Writes to standard error.
    pub fn err(&mut self, s: &str) {
        self.err.extend_from_slice(s.as_bytes());
        self.log(true, s);
    }
}

/// An open `oc debug node/NAME` session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebugSession {
    /// The node.
    pub node: String,
    /// The temporary namespace created for it.
    pub namespace: String,
    /// Whether `chroot /host` was run.
    pub chrooted: bool,
}

/// The kubeconfig as far as a lab needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// The current context's namespace.
    pub namespace: String,
    /// The user name (`oc whoami`).
    pub user: String,
    /// The API server URL (`oc project` messages).
    pub server: String,
    /// An open `oc debug node/...` session: the shell sends the next lines there.
    pub debug_session: Option<DebugSession>,
    /// An open container shell (`kubectl exec -it POD -- sh`): the shell sends the next
    /// inputs there until it exits.
    pub exec_session: Option<crate::world::runtime::ExecSession>,
    /// An open shell on an NFS server (`ssh 10.0.2.5`): the shell sends the next inputs there
    /// until it exits.
    pub host_session: Option<crate::world::runtime::HostSession>,
    /// What `kubectl run --rm -it` does when its session ends (delete the pod, exit code).
    pub after_attach: Option<crate::kubectl::verbs::run::AfterAttach>,
    /// The kubeconfig's clusters, users and contexts (`crate::kubectl::kubeconfig`); the
    /// current context gives `namespace` and `user`.
    pub kubeconfig: serde_json::Value,
    /// The kubeconfig changed since the workstation's file was last written.
    pub kubeconfig_dirty: bool,
    /// The forwards `kubectl port-forward` keeps beside the prompt (`verbs/port_forward.rs`).
    pub port_forwards: Vec<crate::kubectl::verbs::port_forward::Forward>,
}

impl ClientConfig {
    /// After a change of the kubeconfig: the current context's namespace and user become the
    /// client's, and the file is to be written.
    pub fn kubeconfig_changed(&mut self) {
        use crate::kubectl::kubeconfig as kc;
        self.kubeconfig_dirty = true;
        let cur = kc::current(&self.kubeconfig).to_string();
        self.namespace = kc::context_field(&self.kubeconfig, &cur, "namespace")
            .filter(|n| !n.is_empty())
            .unwrap_or("default")
            .to_string();
        self.user = kc::context_field(&self.kubeconfig, &cur, "user")
            .unwrap_or("")
            .to_string();
    }

    /// After a command that may have changed the namespace alone (`oc project`): the current
    /// context keeps it, as oc writes it into the kubeconfig.
    pub fn keep_namespace(&mut self) {
        use crate::kubectl::kubeconfig as kc;
        let cur = kc::current(&self.kubeconfig).to_string();
        if cur.is_empty() || kc::entry(&self.kubeconfig, "contexts", &cur).is_none() {
            return;
        }
        let in_file = kc::context_field(&self.kubeconfig, &cur, "namespace")
            .filter(|n| !n.is_empty())
            .unwrap_or("default");
        if in_file != self.namespace {
            kc::entry_mut(&mut self.kubeconfig, "contexts", &cur)["namespace"] =
                serde_json::json!(self.namespace.clone());
            self.kubeconfig_dirty = true;
        }
    }
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            namespace: "default".into(),
            user: "kubernetes-admin".into(),
            server: "https://api.ocp4.example.com:6443".into(),
            debug_session: None,
            exec_session: None,
            host_session: None,
            after_attach: None,
            kubeconfig: crate::kubectl::kubeconfig::admin_conf("https://api.ocp4.example.com:6443"),
            kubeconfig_dirty: false,
            port_forwards: Vec::new(),
        }
    }
}

/// The student's workstation as kubectl sees it: files for `-f`, and an editor for `edit`.
pub trait Workstation {
    /// Reads a file (relative paths from the working directory); the error is the OS-style
    /// message (`open x.yaml: no such file or directory`).
    fn read_file(&self, path: &str) -> Result<Vec<u8>, String>;
    /// Whether a path is a directory.
    fn is_dir(&self, path: &str) -> bool;
    /// The entries of a directory (file names, sorted).
    fn list_dir(&self, path: &str) -> Result<Vec<String>, String>;
    /// Lets the user edit `content` (saved as `file_name` in a temporary place); returns the new
    /// content, or an error message.
    fn edit(&mut self, file_name: &str, content: &[u8]) -> Result<Vec<u8>, String>;
    /// An environment variable of the shell.
    fn env(&self, name: &str) -> Option<String>;
    /// `os.Lstat` of a path (`kubectl cp`); None when it does not exist.
    fn lstat(&self, _path: &str) -> Option<LocalEntry> {
        None
    }
    /// `os.MkdirAll(path, 0755)`; the error is Go's (`mkdir x: not a directory`).
    fn mkdir_all(&mut self, path: &str) -> Result<(), String> {
        Err(format!("mkdir {path}: read-only file system"))
    }
    /// `os.Create(path)` and the bytes written; the error is Go's (`open .: is a directory`).
    fn create_file(&mut self, path: &str, _data: &[u8]) -> Result<(), String> {
        Err(format!("open {path}: read-only file system"))
    }
    /// `os.Remove(path)` of a file (helm's cache files); the error is Go's.
    fn remove_file(&mut self, path: &str) -> Result<(), String> {
        Err(format!("remove {path}: read-only file system"))
    }
}

/// One entry of the workstation's files as `os.Lstat` shows it (`kubectl cp`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalEntry {
    /// What it is.
    pub kind: LocalKind,
    /// Permission bits.
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    /// Unix seconds.
    pub mtime: i64,
}

/// What a workstation entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalKind {
    /// A regular file and its bytes.
    File(Vec<u8>),
    Dir,
    /// A symbolic link and its target.
    Symlink(String),
    /// Anything else (a device).
    Other,
}

/// A workstation without files (Rhai-driven commands, tests).
#[derive(Debug, Default, Clone)]
pub struct NoFiles;

impl Workstation for NoFiles {
    fn read_file(&self, path: &str) -> Result<Vec<u8>, String> {
        Err(format!("open {path}: no such file or directory"))
    }
    fn is_dir(&self, _path: &str) -> bool {
        false
    }
    fn list_dir(&self, path: &str) -> Result<Vec<String>, String> {
        Err(format!("open {path}: no such file or directory"))
    }
    fn edit(&mut self, _file_name: &str, _content: &[u8]) -> Result<Vec<u8>, String> {
        Err("no editor is available here".into())
    }
    fn env(&self, _name: &str) -> Option<String> {
        None
    }
}

/// Everything a command needs.
pub struct Ctx<'a> {
    /// The cluster.
    pub world: &'a mut World,
    /// Client configuration (namespace).
    pub config: &'a mut ClientConfig,
    /// Files and editor.
    pub files: &'a mut dyn Workstation,
    /// Standard input.
    pub stdin: &'a [u8],
    /// Output.
    pub io: Io,
    /// `kubectl` or `oc`.
    pub program: &'static str,
    /// How a command that waits behaves (see [`crate::kubectl::waiting`]).
    pub waits: Waits<'a>,
}

/// Where output goes at once: (is stderr, bytes); false when the reader of a pipe has gone.
pub type Live<'a> = &'a mut dyn FnMut(bool, &[u8]) -> bool;

/// What a waiting command (rollout status, wait, get -w, logs -f) may do beyond moving the
/// virtual clock.
#[derive(Default)]
pub struct Waits<'a> {
    /// Shows output at once: (is stderr, bytes). Without it, output is collected.
    pub live: Option<Live<'a>>,
    /// Set by Ctrl-C.
    pub interrupt: Option<&'a std::sync::atomic::AtomicBool>,
    /// A person is at a terminal: a wait with nothing left to happen holds until Ctrl-C, as
    /// kubectl does. Otherwise (scripts, labs, grading) it stops with a notice.
    pub interactive: bool,
    /// A write found the reader of the output pipe gone (SIGPIPE): the command ends.
    pub broken: bool,
}

impl Ctx<'_> {
    /// Shows what the command wrote so far, when a terminal is attached.
    pub fn flush(&mut self) {
        if let Some(live) = self.waits.live.as_mut() {
            for (is_err, b) in self.io.chunks.drain(..) {
                if !live(is_err, &b) {
                    self.waits.broken = true;
                }
            }
            self.io.out.clear();
            self.io.err.clear();
        }
    }

    /// Whether Ctrl-C was pressed.
    pub fn interrupted(&self) -> bool {
        self.waits
            .interrupt
            .is_some_and(|f| f.load(std::sync::atomic::Ordering::SeqCst))
    }
    /// The namespace for a command: `-n` if given, else the context's.
    pub fn namespace(&self, flag: Option<&str>) -> String {
        match flag {
            Some(n) if !n.is_empty() => n.to_string(),
            _ => self.config.namespace.clone(),
        }
    }
}
