//! A container's `tar`: busybox's (archival/tar.c) or GNU tar's, by the image's userland, for
//! what `kubectl cp` runs in the container (`tar cf - PATH`, `tar -xmf - [-C DIR]`,
//! `--no-same-permissions --no-same-owner`) and `tar tf`. The archive is real (`tarball.rs`):
//! what one writes the other reads. Compression, verbose listings and the other options say
//! plainly that kubelab does not simulate them.
//!
//! Messages (checked against busybox 1.35 and GNU tar 1.34): busybox `tar: removing leading
//! '/' from member names`, `tar: /x: No such file or directory` then `tar: error exit delayed
//! from previous errors` (exit 1), `tar: can't change directory to 'D': No such file or
//! directory`, `tar: short read`, `tar: invalid tar magic`; GNU ``tar: Removing leading `/'
//! from member names``, `tar: /x: Cannot stat: No such file or directory` then `tar: Exiting
//! with failure status due to previous errors` (exit 2), `tar: D: Cannot open: No such file or
//! directory` and `tar: Error is not recoverable: exiting now`.

use crate::shell::profile::Userland;
use crate::shell::vfs::{Kind, VfsError, normalize, parent};
use crate::shell::{ShellState, Sink};

use super::tarball::{self, Entry, EntryKind, ReadError};

/// The most an archive may hold (kubelab's bound: the size of all the workstation's files).
const MAX_ARCHIVE: usize = 64 << 20;
/// The most members an archive may hold.
const MAX_MEMBERS: usize = 20_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Create,
    Extract,
    List,
}

struct Opts {
    mode: Option<Mode>,
    file: Option<String>,
    dir: Option<String>,
    touch: bool,
    same_owner: bool,
    same_perms: bool,
    names: Vec<String>,
}

/// Runs `tar ARGS` over the container's files; returns its exit status.
pub(super) fn tar(
    gnu: bool,
    image: &str,
    args: &[String],
    stdin: &[u8],
    shell: &mut ShellState,
    out: Sink<'_>,
) -> i32 {
    let opts = match parse(args) {
        Ok(o) => o,
        Err(what) => {
            let msg = format!("kubelab does not simulate tar {what} in {image}\n");
            out(true, msg.as_bytes());
            return 126;
        }
    };
    let Some(mode) = opts.mode else {
        let msg = format!("kubelab does not simulate tar without -c, -x or -t in {image}\n");
        out(true, msg.as_bytes());
        return 126;
    };
    let mut t = Tar {
        gnu,
        shell,
        out,
        warned: false,
        failed: false,
    };
    match mode {
        Mode::Create => t.create(&opts),
        Mode::Extract | Mode::List => t.extract(&opts, stdin, mode == Mode::List),
    }
}

/// Options as getopt32 (busybox) and GNU tar take them: the first word may be bundled letters
/// without a dash (`cf`, `xmf`), whose arguments (`f`, `C`) follow in order.
fn parse(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts {
        mode: None,
        file: None,
        dir: None,
        touch: false,
        same_owner: true,
        same_perms: true,
        names: Vec::new(),
    };
    let mut i = 0;
    let mut pending: Vec<char> = Vec::new();
    let mut words: Vec<String> = args.to_vec();
    let old_style = words.first().is_some_and(|w| !w.starts_with('-'));
    if let Some(first) = words.first()
        && !first.starts_with('-')
    {
        words[0] = format!("-{first}");
    }
    while i < words.len() {
        let a = words[i].clone();
        i += 1;
        match a.as_str() {
            "--no-same-owner" => o.same_owner = false,
            "--no-same-permissions" => o.same_perms = false,
            "--" => {
                o.names.extend(words[i..].iter().cloned());
                break;
            }
            _ if a.starts_with("--") => return Err(format!("option {a}")),
            _ if a.starts_with('-') && a.len() > 1 => {
                let chars: Vec<char> = a[1..].chars().collect();
                let mut k = 0;
                while k < chars.len() {
                    let c = chars[k];
                    k += 1;
                    match c {
                        'c' => o.mode = Some(Mode::Create),
                        'x' => o.mode = Some(Mode::Extract),
                        't' => o.mode = Some(Mode::List),
                        'm' => o.touch = true,
                        'o' => o.same_owner = false,
                        'f' | 'C' => {
                            if old_style && i == 1 {
                                // Old style: the arguments follow the bundle, in order.
                                pending.push(c);
                                continue;
                            }
                            let rest: String = chars[k..].iter().collect();
                            k = chars.len();
                            let v = if rest.is_empty() {
                                let v = words.get(i).cloned();
                                i += 1;
                                v.ok_or_else(|| format!("-{c} without its argument"))?
                            } else {
                                rest
                            };
                            if c == 'f' {
                                o.file = Some(v);
                            } else {
                                o.dir = Some(v);
                            }
                        }
                        other => return Err(format!("option -{other}")),
                    }
                }
                for c in std::mem::take(&mut pending) {
                    let v = words.get(i).cloned();
                    i += 1;
                    let v = v.ok_or_else(|| format!("-{c} without its argument"))?;
                    if c == 'f' {
                        o.file = Some(v);
                    } else {
                        o.dir = Some(v);
                    }
                }
            }
            _ => o.names.push(a),
        }
    }
    if o.file.is_none() {
        return Err("without -f (the tape drive)".into());
    }
    Ok(o)
}

/// busybox's `strip_unsafe_prefix`: leading `/`, `../` and everything up to a `/../`.
pub fn strip_unsafe_prefix(name: &str) -> (&str, &str) {
    let mut cp = 0;
    let b = name.as_bytes();
    loop {
        if b.get(cp) == Some(&b'/') {
            cp += 1;
            continue;
        }
        if name[cp..].starts_with("../") {
            cp += 3;
            continue;
        }
        match name[cp..].find("/../") {
            Some(j) => cp += j + 4,
            None => break,
        }
    }
    (&name[..cp], &name[cp..])
}

struct Tar<'s, 'o> {
    gnu: bool,
    shell: &'s mut ShellState,
    out: Sink<'o>,
    /// The "removing leading" notice was given (once per run).
    warned: bool,
    /// An error that lets tar go on happened: its exit status at the end.
    failed: bool,
}

impl Tar<'_, '_> {
    fn err(&mut self, msg: &str) {
        (self.out)(true, format!("tar: {msg}\n").as_bytes());
    }

    /// The status at the end, with the closing notice of a run that had errors.
    fn end(&mut self) -> i32 {
        if !self.failed {
            return 0;
        }
        if self.gnu {
            self.err("Exiting with failure status due to previous errors");
            2
        } else {
            self.err("error exit delayed from previous errors");
            1
        }
    }

    /// A fatal error: GNU's closing line, the status.
    fn die(&mut self, msg: &str) -> i32 {
        self.err(msg);
        if self.gnu {
            self.err("Error is not recoverable: exiting now");
            2
        } else {
            1
        }
    }

    fn strip<'n>(&mut self, name: &'n str) -> &'n str {
        let (prefix, rest) = strip_unsafe_prefix(name);
        if !prefix.is_empty() && !self.warned {
            self.warned = true;
            let msg = if self.gnu {
                format!("Removing leading `{prefix}' from member names")
            } else {
                format!("removing leading '{prefix}' from member names")
            };
            self.err(&msg);
        }
        rest
    }

    fn change_dir(&mut self, opts: &Opts) -> Result<(), i32> {
        if let Some(d) = &opts.dir {
            let p = self.shell.resolve(d);
            let e = if !self.shell.vfs.exists(&p) {
                Some(VfsError::NotFound)
            } else if !self.shell.vfs.is_dir(&p) {
                Some(VfsError::NotDir)
            } else {
                None
            };
            if let Some(e) = e {
                let msg = if self.gnu {
                    format!("{d}: Cannot open: {e}")
                } else {
                    format!("can't change directory to '{d}': {e}")
                };
                return Err(self.die(&msg));
            }
            // The shell that ran tar keeps its own directory: tar is a process of its own.
            let _ = self.shell.set_cwd(&p);
        }
        Ok(())
    }

    fn owner_name(&self, id: u32, file: &str) -> String {
        let text = self.shell.vfs.read(file).unwrap_or_default();
        String::from_utf8_lossy(text)
            .lines()
            .find_map(|l| {
                let f: Vec<&str> = l.split(':').collect();
                (f.len() > 2 && f[2] == id.to_string()).then(|| f[0].to_string())
            })
            .unwrap_or_default()
    }

    fn id_of(&self, name: &str, file: &str) -> Option<u32> {
        if name.is_empty() {
            return None;
        }
        let text = self.shell.vfs.read(file).unwrap_or_default();
        String::from_utf8_lossy(text).lines().find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.len() > 2 && f[0] == name)
                .then(|| f[2].parse().ok())
                .flatten()
        })
    }

    fn create(&mut self, opts: &Opts) -> i32 {
        let old_cwd = self.shell.cwd().to_string();
        if let Err(s) = self.change_dir(opts) {
            return s;
        }
        let mut archive = Vec::new();
        let mut members = 0usize;
        for name in &opts.names {
            let mut stack = vec![name.clone()];
            while let Some(path) = stack.pop() {
                if archive.len() > MAX_ARCHIVE || members > MAX_MEMBERS {
                    let _ = self.shell.set_cwd(&old_cwd);
                    return self.die(&format!(
                        "kubelab: an archive holds at most {MAX_MEMBERS} members and {MAX_ARCHIVE} bytes (kubelab's limit)"
                    ));
                }
                // GNU names the member (and gives its notice) before it looks at the file.
                let stored = if self.gnu {
                    Some(self.strip(&path).to_string())
                } else {
                    None
                };
                let full = self.shell.resolve(&path);
                let st = match self.shell.vfs.lstat(&full) {
                    Ok(s) => s,
                    Err(e) => {
                        let msg = if self.gnu {
                            format!("{path}: Cannot stat: {e}")
                        } else {
                            format!("{path}: {e}")
                        };
                        self.err(&msg);
                        self.failed = true;
                        continue;
                    }
                };
                let stored = match stored {
                    Some(s) => s,
                    None => self.strip(&path).to_string(),
                };
                let node = st.node;
                let kind = match &node.kind {
                    // tar copies st_size bytes: a proc file's size is 0.
                    Kind::File(b) => EntryKind::File(b[..(st.size as usize).min(b.len())].to_vec()),
                    Kind::Dir => EntryKind::Dir,
                    Kind::Symlink(t) => EntryKind::Symlink(t.clone()),
                    Kind::CharDev(a, b) => EntryKind::CharDev(*a, *b),
                };
                let is_dir = kind == EntryKind::Dir;
                if !stored.is_empty() {
                    let e = Entry {
                        name: stored,
                        kind,
                        mode: node.perm,
                        uid: node.uid,
                        gid: node.gid,
                        uname: self.owner_name(node.uid, "/etc/passwd"),
                        gname: self.owner_name(node.gid, "/etc/group"),
                        mtime: node.mtime,
                    };
                    tarball::write_entry(&mut archive, &e);
                    members += 1;
                }
                if is_dir {
                    let mut children = match self.shell.vfs.read_dir(&full) {
                        Ok(c) => c,
                        Err(e) => {
                            // busybox: opendir's perror; GNU: `Cannot open`.
                            let msg = if self.gnu {
                                format!("{path}: Cannot open: {e}")
                            } else {
                                format!("{path}: {e}")
                            };
                            self.err(&msg);
                            self.failed = true;
                            continue;
                        }
                    };
                    children.sort();
                    for c in children.into_iter().rev() {
                        let child = if path.ends_with('/') {
                            format!("{path}{c}")
                        } else {
                            format!("{path}/{c}")
                        };
                        stack.push(child);
                    }
                }
            }
        }
        tarball::finish(&mut archive, if self.gnu { 10240 } else { 0 });
        let file = opts.file.clone().unwrap_or_default();
        let _ = self.shell.set_cwd(&old_cwd);
        if file == "-" {
            (self.out)(false, &archive);
        } else {
            let p = self.shell.resolve(&file);
            if let Err(e) = self.shell.vfs.write(&p, &archive, false) {
                let msg = if self.gnu {
                    format!("{file}: Cannot open: {e}")
                } else {
                    format!("can't open '{file}': {e}")
                };
                return self.die(&msg);
            }
        }
        self.end()
    }

    fn extract(&mut self, opts: &Opts, stdin: &[u8], list: bool) -> i32 {
        let file = opts.file.clone().unwrap_or_default();
        let data = if file == "-" {
            stdin.to_vec()
        } else {
            match self.shell.read_file(&file) {
                Ok(d) => d,
                Err(e) => {
                    let msg = if self.gnu {
                        format!("{file}: Cannot open: {e}")
                    } else {
                        format!("can't open '{file}': {e}")
                    };
                    return self.die(&msg);
                }
            }
        };
        let entries = match tarball::read(&data, MAX_MEMBERS) {
            Ok(e) => e,
            Err(ReadError::Empty) if self.gnu => {
                self.err("This does not look like a tar archive");
                self.failed = true;
                return self.end();
            }
            Err(ReadError::BadHeader) if self.gnu => {
                self.err("This does not look like a tar archive");
                self.err("Skipping to next header");
                self.failed = true;
                return self.end();
            }
            Err(ReadError::Truncated) if self.gnu => {
                self.err("Unexpected EOF in archive");
                self.err("Unexpected EOF in archive");
                return self.die_plain();
            }
            Err(ReadError::Empty | ReadError::Truncated) => return self.die("short read"),
            Err(ReadError::BadHeader) => return self.die("invalid tar magic"),
        };
        let old_cwd = self.shell.cwd().to_string();
        if let Err(s) = self.change_dir(opts) {
            return s;
        }
        let status = if list {
            for e in &entries {
                let slash = if e.kind == EntryKind::Dir { "/" } else { "" };
                (self.out)(false, format!("{}{slash}\n", e.name).as_bytes());
            }
            0
        } else {
            let mut status = None;
            for e in entries {
                if let Err(s) = self.extract_one(opts, e) {
                    status = Some(s);
                    break;
                }
            }
            status.unwrap_or_else(|| self.end())
        };
        let _ = self.shell.set_cwd(&old_cwd);
        status
    }

    /// GNU's "not recoverable" line alone (after its own message).
    fn die_plain(&mut self) -> i32 {
        self.err("Error is not recoverable: exiting now");
        2
    }

    fn extract_one(&mut self, opts: &Opts, e: Entry) -> Result<(), i32> {
        let name = self.strip(&e.name).to_string();
        if name.is_empty() {
            return Ok(());
        }
        let dst = normalize(self.shell.cwd(), &name);
        let now = self.shell.vfs.now();
        // Leading directories (busybox's ARCHIVE_CREATE_LEADING_DIRS; GNU does the same).
        let _ = self.shell.vfs.mkdir_all(&parent(&dst));
        let cwd = self.shell.cwd().to_string();
        let vfs = &mut self.shell.vfs;
        let result: Result<(), (VfsError, &str)> = match &e.kind {
            EntryKind::Dir => match vfs.mkdir(&dst) {
                Ok(()) => Ok(()),
                Err(VfsError::Exists) if vfs.is_dir(&dst) => Ok(()),
                Err(err) => Err((err, "mkdir")),
            },
            kind => {
                // busybox's ARCHIVE_UNLINK_OLD; GNU removes an empty directory in the way.
                let in_the_way = vfs.lstat(&dst).ok().map(|s| s.node.is_dir());
                let removed = match in_the_way {
                    Some(true) if self.gnu => {
                        vfs.remove_dir(&dst).map_err(|_| (VfsError::Exists, "open"))
                    }
                    Some(true) => Err((VfsError::IsDir, "remove")),
                    Some(false) => vfs.remove_file(&dst).map_err(|err| (err, "remove")),
                    None => Ok(()),
                };
                removed.and_then(|()| match kind {
                    EntryKind::File(d) => vfs.write(&dst, d, false).map_err(|err| (err, "open")),
                    EntryKind::Symlink(t) => vfs.symlink(t, &dst).map_err(|err| (err, "open")),
                    EntryKind::HardLink(t) => {
                        let target = normalize(&cwd, strip_unsafe_prefix(t).1);
                        let data = vfs.read(&target).map(<[u8]>::to_vec);
                        data.and_then(|d| vfs.write(&dst, &d, false))
                            .map_err(|err| (err, "open"))
                    }
                    EntryKind::CharDev(..) => Err((VfsError::NotPermitted, "mknod")),
                    EntryKind::Dir => Ok(()),
                })
            }
        };
        if let Err((err, what)) = result {
            return self.extract_failed(&name, what, err);
        }
        if matches!(e.kind, EntryKind::Symlink(_)) {
            return Ok(());
        }
        let vfs_uid = self.id_of(&e.uname, "/etc/passwd").unwrap_or(e.uid);
        let vfs_gid = self.id_of(&e.gname, "/etc/group").unwrap_or(e.gid);
        let vfs = &mut self.shell.vfs;
        if opts.same_owner {
            let _ = vfs.chown(&dst, Some(vfs_uid), Some(vfs_gid), false);
        }
        let umask = vfs.cred().umask;
        let mode = if opts.same_perms {
            e.mode
        } else {
            e.mode & !umask
        };
        let _ = vfs.chmod(&dst, mode);
        let t = if opts.touch { now } else { e.mtime };
        let _ = vfs.set_times(&dst, t, t);
        Ok(())
    }

    /// A member that could not be written: busybox stops (its `xopen3`, `can't remove old
    /// file`), GNU says so and goes on.
    fn extract_failed(&mut self, name: &str, what: &str, err: VfsError) -> Result<(), i32> {
        if self.gnu {
            let op = match what {
                "mkdir" => "Cannot mkdir",
                "mknod" => "Cannot mknod",
                _ => "Cannot open",
            };
            self.err(&format!("{name}: {op}: {err}"));
            self.failed = true;
            return Ok(());
        }
        match what {
            "mkdir" => {
                self.err(&format!("can't make dir {name}: {err}"));
                self.failed = true;
                Ok(())
            }
            "mknod" => {
                self.err(&format!("can't create node {name}: {err}"));
                self.failed = true;
                Ok(())
            }
            "remove" => Err(self.die(&format!("can't remove old file {name}: {err}"))),
            _ => Err(self.die(&format!("can't open '{name}': {err}"))),
        }
    }
}

/// Whether this image's `tar` is GNU tar.
pub(super) fn is_gnu(userland: Userland) -> bool {
    userland == Userland::Gnu
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_prefixes() {
        assert_eq!(strip_unsafe_prefix("/etc/x"), ("/", "etc/x"));
        assert_eq!(strip_unsafe_prefix("etc/x"), ("", "etc/x"));
        assert_eq!(strip_unsafe_prefix("//a/../b"), ("//a/../", "b"));
        assert_eq!(strip_unsafe_prefix("../../x"), ("../../", "x"));
        assert_eq!(strip_unsafe_prefix("/"), ("/", ""));
    }

    /// Runs `tar ARGS` in a root shell over `state`; returns (stdout, stderr, status).
    fn run(
        gnu: bool,
        state: &mut ShellState,
        args: &[&str],
        stdin: &[u8],
    ) -> (Vec<u8>, String, i32) {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = tar(gnu, "img", &args, stdin, state, &mut |e, b| {
            if e {
                err.extend_from_slice(b)
            } else {
                out.extend_from_slice(b)
            }
            true
        });
        (out, String::from_utf8_lossy(&err).into_owned(), status)
    }

    fn root_shell() -> ShellState {
        let mut v = crate::shell::Vfs::new();
        v.set_cred(crate::shell::vfs::Cred {
            uid: 0,
            gid: 0,
            umask: 0o022,
        });
        ShellState::new(v)
    }

    #[test]
    fn busybox_archive_extracted_by_gnu_tar() {
        let mut a = root_shell();
        a.vfs.mkdir_all("/srv/site/css").unwrap();
        a.vfs
            .write("/srv/site/index.html", b"<h1>hi</h1>\n", false)
            .unwrap();
        a.vfs
            .write("/srv/site/css/main.css", b"h1 {}\n", false)
            .unwrap();
        a.vfs.chmod("/srv/site/css/main.css", 0o600).unwrap();
        let (archive, err, status) = run(false, &mut a, &["cf", "-", "/srv/site"], b"");
        assert_eq!(
            (err.as_str(), status),
            ("tar: removing leading '/' from member names\n", 0)
        );
        let (list, _, _) = run(false, &mut a, &["tf", "-"], &archive);
        assert_eq!(
            String::from_utf8(list).unwrap(),
            "srv/site/\nsrv/site/css/\nsrv/site/css/main.css\nsrv/site/index.html\n"
        );
        let mut b = root_shell();
        b.vfs.mkdir_all("/out").unwrap();
        let (_, err, status) = run(true, &mut b, &["-xmf", "-", "-C", "/out"], &archive);
        assert_eq!((err.as_str(), status), ("", 0));
        assert_eq!(
            b.vfs.read("/out/srv/site/index.html").unwrap(),
            b"<h1>hi</h1>\n"
        );
        assert_eq!(
            b.vfs.stat("/out/srv/site/css/main.css").unwrap().node.perm,
            0o600
        );
        // The shell that ran tar keeps its directory.
        assert_eq!(b.cwd(), a.cwd());
    }

    #[test]
    fn errors_in_each_tar_s_words() {
        let mut s = root_shell();
        let (_, err, status) = run(false, &mut s, &["cf", "-", "/nope"], b"");
        assert_eq!(
            err,
            "tar: /nope: No such file or directory\ntar: error exit delayed from previous errors\n"
        );
        assert_eq!(status, 1);
        let (_, err, status) = run(true, &mut s, &["cf", "-", "/nope"], b"");
        assert_eq!(
            err,
            "tar: Removing leading `/' from member names\ntar: /nope: Cannot stat: No such file or directory\ntar: Exiting with failure status due to previous errors\n"
        );
        assert_eq!(status, 2);
        let (_, err, status) = run(false, &mut s, &["xf", "-"], b"");
        assert_eq!((err.as_str(), status), ("tar: short read\n", 1));
        let (_, err, status) = run(true, &mut s, &["xf", "-"], b"");
        assert_eq!(
            err,
            "tar: This does not look like a tar archive\ntar: Exiting with failure status due to previous errors\n"
        );
        assert_eq!(status, 2);
        let mut archive = Vec::new();
        tarball::finish(&mut archive, 0);
        let (_, err, status) = run(false, &mut s, &["-xmf", "-", "-C", "/nope"], &archive);
        assert_eq!(
            err,
            "tar: can't change directory to '/nope': No such file or directory\n"
        );
        assert_eq!(status, 1);
        let (_, err, status) = run(true, &mut s, &["-xmf", "-", "-C", "/nope"], &archive);
        assert_eq!(
            err,
            "tar: /nope: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\n"
        );
        assert_eq!(status, 2);
        let (_, err, status) = run(false, &mut s, &["czf", "-", "/x"], b"");
        assert_eq!(
            (err.as_str(), status),
            ("kubelab does not simulate tar option -z in img\n", 126)
        );
    }

    #[test]
    fn old_style_options() {
        let a = |v: &[&str]| parse(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let o = a(&["cf", "-", "/etc"]).ok().unwrap();
        assert!(o.mode == Some(Mode::Create));
        assert_eq!(o.file.as_deref(), Some("-"));
        assert_eq!(o.names, ["/etc"]);
        let o = a(&["-xmf", "-", "-C", "/tmp"]).ok().unwrap();
        assert!(o.mode == Some(Mode::Extract) && o.touch);
        assert_eq!(o.dir.as_deref(), Some("/tmp"));
        let o = a(&["xfC", "a.tar", "/d"]).ok().unwrap();
        assert_eq!(
            (o.file.as_deref(), o.dir.as_deref()),
            (Some("a.tar"), Some("/d"))
        );
        assert!(a(&["czf", "-", "x"]).is_err());
        assert!(a(&["--no-same-owner", "-xmf", "-"]).is_ok());
    }
}
