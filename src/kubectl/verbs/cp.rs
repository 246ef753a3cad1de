//! `kubectl cp` as kubectl 1.32 does it (`staging/src/k8s.io/kubectl/pkg/cmd/cp/cp.go`): a tar
//! stream through `exec`. From a pod, `tar cf - PATH` runs in the container (`World::exec`, the
//! container's own `tar`: an image without one fails as the runtime says) and kubectl unpacks
//! the archive into the workstation's files (`untarAll`); to a pod, kubectl packs the local
//! files (`makeTar`) and feeds them to `tar -xmf - -C DIR` in the container, after `test -d`
//! has told it whether the destination is a directory.
//!
//! From a pod, tar's standard error goes to kubectl's standard output (the exec's `ErrOut` is
//! `o.Out`), so `tar: removing leading '/' from member names` is printed by tar, on stdout. The
//! exec runs in a goroutine while kubectl reads the archive; when tar fails (a missing file) the
//! archive still ends properly and kubectl usually returns 0 before the exec's status arrives
//! (kubernetes/kubectl#980): kubelab gives that usual outcome.

use crate::kubectl::context::{Ctx, LocalKind};
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::world::runtime::tarball::{self, Entry, EntryKind};

use super::logs_exec::{Notices, exec_target};

/// The most members kubectl unpacks (kubelab's bound).
const MAX_MEMBERS: usize = 20_000;
/// The most bytes of local files packed (kubelab's bound: the workstation's size).
const MAX_BYTES: usize = 64 << 20;

/// `fileSpec`: `[[namespace/]pod:]file/path`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileSpec {
    namespace: String,
    pod: String,
    file: String,
}

const NOT_CANONICAL: &str = "filespec must match the canonical format: [[namespace/]pod:]file/path";

/// `stripTrailingSlash`: one final `/`, not of `/` itself.
fn strip_trailing_slash(f: &str) -> String {
    if f.len() > 1 && f.ends_with('/') {
        f[..f.len() - 1].to_string()
    } else {
        f.to_string()
    }
}

/// `extractFileSpec`.
fn extract_file_spec(arg: &str) -> Result<FileSpec, Failure> {
    let Some(i) = arg.find(':') else {
        return Ok(FileSpec {
            namespace: String::new(),
            pod: String::new(),
            file: strip_trailing_slash(arg),
        });
    };
    if i == 0 {
        return Err(Failure::Message(NOT_CANONICAL.into()));
    }
    let (pod, file) = (&arg[..i], &arg[i + 1..]);
    let pieces: Vec<&str> = pod.split('/').collect();
    let (namespace, pod) = match pieces.as_slice() {
        [p] => ("", *p),
        [n, p] => (*n, *p),
        _ => return Err(Failure::Message(NOT_CANONICAL.into())),
    };
    Ok(FileSpec {
        namespace: namespace.to_string(),
        pod: pod.to_string(),
        file: strip_trailing_slash(&file.replace('\\', "/")),
    })
}

/// Go's `path.Clean`.
fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for c in p.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            c => parts.push(c),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

/// Go's `path.Dir`.
fn dir(p: &str) -> String {
    match p.rfind('/') {
        Some(i) => clean(&p[..=i]),
        None => ".".into(),
    }
}

/// Go's `path.Base`.
fn base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

/// Go's `path.Join` of two elements.
fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => String::new(),
        (true, false) => clean(b),
        (false, true) => clean(a),
        (false, false) => clean(&format!("{a}/{b}")),
    }
}

/// `stripPathShortcuts`: leading `../`, a lone `.` or `..`, then one leading `/`.
fn strip_path_shortcuts(p: &str) -> String {
    let mut s = p;
    while let Some(r) = s.strip_prefix("../") {
        s = r;
    }
    let s = if s == "." || s == ".." { "" } else { s };
    s.strip_prefix('/').unwrap_or(s).to_string()
}

/// `isRelative(base, target)`: `filepath.Rel` stays inside `base`.
fn is_relative(base_dir: &str, target: &str) -> bool {
    let (b, t) = (clean(base_dir), clean(target));
    if b == t {
        return true;
    }
    let rel = if b == "." {
        if t.starts_with('/') {
            return false;
        }
        t
    } else if b == "/" {
        match t.strip_prefix('/') {
            Some(r) => r.to_string(),
            None => return false,
        }
    } else {
        match t.strip_prefix(&format!("{b}/")) {
            Some(r) => r.to_string(),
            None => return false,
        }
    };
    rel == strip_path_shortcuts(&rel)
}

/// `kubectl cp <file-spec-src> <file-spec-dest>`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let args = f.args();
    if args.len() != 2 {
        return Err(Failure::Message(
            "source and destination are required".into(),
        ));
    }
    let retries = f.int("retries")?.unwrap_or(0);
    let src = extract_file_spec(&args[0])?;
    let dest = extract_file_spec(&args[1])?;
    if !src.pod.is_empty() && !dest.pod.is_empty() {
        return Err(Failure::Message(
            "one of src or dest must be a local file specification".into(),
        ));
    }
    if src.file.is_empty() || dest.file.is_empty() {
        return Err(Failure::Message("filepath can not be empty".into()));
    }
    let ns = ctx.namespace(f.string("namespace").as_deref());
    let container = f.string("container").filter(|c| !c.is_empty());
    if !src.pod.is_empty() {
        return copy_from_pod(ctx, &ns, container, retries, &src, &dest);
    }
    if !dest.pod.is_empty() {
        return copy_to_pod(ctx, &ns, container, f.boolean("no-preserve"), &src, &dest);
    }
    Err(Failure::Message(
        "one of src or dest must be a remote file specification".into(),
    ))
}

/// Runs `cmd` in the pod's container; returns (status, stdout, stderr).
fn exec(
    ctx: &mut Ctx<'_>,
    ns: &str,
    spec: &FileSpec,
    container: Option<String>,
    notices: Notices,
    cmd: &[String],
    stdin: &[u8],
) -> Result<(i32, Vec<u8>, Vec<u8>), Failure> {
    let ns = if spec.namespace.is_empty() {
        ns
    } else {
        spec.namespace.as_str()
    };
    let (pod, container) = exec_target(ctx, ns, &spec.pod, container, notices)?;
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = ctx
        .world
        .exec(&pod, &container, cmd, stdin, &mut |is_err, b| {
            if is_err {
                err.extend_from_slice(b);
            } else {
                out.extend_from_slice(b);
            }
            true
        })
        .map_err(|e| Failure::Message(e.message().to_string()))?;
    Ok((status, out, err))
}

fn copy_from_pod(
    ctx: &mut Ctx<'_>,
    ns: &str,
    container: Option<String>,
    retries: i64,
    src: &FileSpec,
    dest: &FileSpec,
) -> CmdResult {
    let cmd: Vec<String> = if retries != 0 {
        vec![
            "sh".into(),
            "-c".into(),
            format!("tar cf - {} | tail -c+0", src.file),
        ]
    } else {
        vec!["tar".into(), "cf".into(), "-".into(), src.file.clone()]
    };
    let (_status, archive, tar_err) = exec(ctx, ns, src, container, Notices::Stdout, &cmd, &[])?;
    // The exec's ErrOut is kubectl's standard output.
    ctx.io.write(false, &tar_err);
    let prefix = strip_path_shortcuts(&clean(src.file.trim_start_matches(['/', '\\'])));
    let entries = match tarball::read(&archive, MAX_MEMBERS) {
        Ok(e) => e,
        // The stream ended without an archive: Go's reader sees EOF at once.
        Err(tarball::ReadError::Empty) => Vec::new(),
        Err(_) => {
            return Err(Failure::Message("archive/tar: invalid tar header".into()));
        }
    };
    let dest_dir = dest.file.clone();
    let mut symlink_warned = false;
    for e in entries {
        let name = if e.kind == EntryKind::Dir {
            format!("{}/", e.name)
        } else {
            e.name.clone()
        };
        if !name.starts_with(&prefix) {
            return Err(Failure::Message("tar contents corrupted".into()));
        }
        let rest = strip_trailing_slash(&name[prefix.len()..]);
        let target = join(&dest_dir, &rest);
        if !is_relative(&dest_dir, &target) {
            ctx.io.err(&format!(
                "warning: file {target:?} is outside target destination, skipping\n"
            ));
            continue;
        }
        ctx.files
            .mkdir_all(&dir(&target))
            .map_err(Failure::Message)?;
        match &e.kind {
            EntryKind::Dir => {
                ctx.files.mkdir_all(&target).map_err(Failure::Message)?;
            }
            EntryKind::Symlink(link) => {
                if !symlink_warned {
                    symlink_warned = true;
                    ctx.io.err(&format!(
                        "warning: skipping symlink: {target:?} -> {link:?} (consider using \"{} exec -n {:?} {:?} -- tar cf - {:?} | tar xf -\")\n",
                        ctx.program, src.namespace, src.pod, src.file
                    ));
                } else {
                    ctx.io.err(&format!(
                        "warning: skipping symlink: {target:?} -> {link:?}\n"
                    ));
                }
            }
            EntryKind::File(data) => {
                ctx.files
                    .create_file(&target, data)
                    .map_err(Failure::Message)?;
            }
            EntryKind::HardLink(_) | EntryKind::CharDev(..) => {
                ctx.files
                    .create_file(&target, &[])
                    .map_err(Failure::Message)?;
            }
        }
    }
    Ok(())
}

fn copy_to_pod(
    ctx: &mut Ctx<'_>,
    ns: &str,
    container: Option<String>,
    no_preserve: bool,
    src: &FileSpec,
    dest: &FileSpec,
) -> CmdResult {
    if ctx.files.lstat(&src.file).is_none() {
        return Err(Failure::Message(format!(
            "{} doesn't exist in local filesystem",
            src.file
        )));
    }
    let mut dest_file = dest.file.clone();
    // checkDestinationIsDir: `test -d` in the container, its output and errors dropped.
    let test = ["test".to_string(), "-d".into(), dest.file.clone()];
    if let Ok((0, _, _)) = exec(
        ctx,
        ns,
        dest,
        container.clone(),
        Notices::Dropped,
        &test,
        &[],
    ) {
        dest_file = join(&dest_file, &base(&src.file));
    }
    let src_path = clean(&src.file);
    let dest_path = clean(&dest_file);
    let mut archive = Vec::new();
    let mut budget = MAX_BYTES;
    pack(
        ctx,
        &join(&dir(&src_path), &base(&src_path)),
        &base(&dest_path),
        &mut archive,
        &mut budget,
        0,
    )?;
    tarball::finish(&mut archive, 0);
    let mut cmd: Vec<String> = if no_preserve {
        vec![
            "tar".into(),
            "--no-same-permissions".into(),
            "--no-same-owner".into(),
            "-xmf".into(),
            "-".into(),
        ]
    } else {
        vec!["tar".into(), "-xmf".into(), "-".into()]
    };
    let dest_dir = dir(&dest_file);
    if !dest_dir.is_empty() {
        cmd.extend(["-C".to_string(), dest_dir]);
    }
    let (status, out, err) = exec(ctx, ns, dest, container, Notices::Stderr, &cmd, &archive)?;
    ctx.io.write(false, &out);
    ctx.io.write(true, &err);
    if status != 0 {
        return Err(Failure::Exit {
            text: format!("command terminated with exit code {status}\n"),
            status,
        });
    }
    Ok(())
}

/// `recursiveTar`: a directory's files (an empty directory as itself), links as links.
fn pack(
    ctx: &mut Ctx<'_>,
    path: &str,
    name: &str,
    archive: &mut Vec<u8>,
    budget: &mut usize,
    depth: usize,
) -> Result<(), Failure> {
    let Some(st) = ctx.files.lstat(path) else {
        return Err(Failure::Message(format!(
            "lstat {path}: no such file or directory"
        )));
    };
    if depth > 256 {
        return Err(Failure::Message(format!(
            "kubelab: {path}: directories nested more than 256 deep (kubelab's limit)"
        )));
    }
    let entry = |kind: EntryKind| Entry {
        name: name.to_string(),
        kind,
        mode: st.mode,
        uid: st.uid,
        gid: st.gid,
        uname: String::new(),
        gname: String::new(),
        mtime: st.mtime,
    };
    match &st.kind {
        LocalKind::Dir => {
            let children = ctx.files.list_dir(path).map_err(Failure::Message)?;
            if children.is_empty() {
                tarball::write_entry(archive, &entry(EntryKind::Dir));
            }
            let mut children = children;
            children.sort();
            for c in children {
                pack(
                    ctx,
                    &join(path, &c),
                    &join(name, &c),
                    archive,
                    budget,
                    depth + 1,
                )?;
            }
        }
        LocalKind::Symlink(t) => {
            tarball::write_entry(archive, &entry(EntryKind::Symlink(t.clone())))
        }
        LocalKind::File(data) => {
            if data.len() > *budget {
                return Err(Failure::Message(format!(
                    "kubelab: kubectl cp copies at most {MAX_BYTES} bytes (kubelab's limit)"
                )));
            }
            *budget -= data.len();
            tarball::write_entry(archive, &entry(EntryKind::File(data.clone())));
        }
        LocalKind::Other => tarball::write_entry(archive, &entry(EntryKind::File(Vec::new()))),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_specs() {
        let s = extract_file_spec("web:/tmp/x/").unwrap();
        assert_eq!(
            (s.namespace.as_str(), s.pod.as_str(), s.file.as_str()),
            ("", "web", "/tmp/x")
        );
        let s = extract_file_spec("lab/web:etc").unwrap();
        assert_eq!((s.namespace.as_str(), s.pod.as_str()), ("lab", "web"));
        assert!(extract_file_spec(":x").is_err());
        assert!(extract_file_spec("a/b/c:x").is_err());
        assert_eq!(extract_file_spec("./local/").unwrap().file, "./local");
        assert_eq!(extract_file_spec("/").unwrap().file, "/");
    }

    #[test]
    fn go_paths() {
        assert_eq!(clean("a//b/../c/."), "a/c");
        assert_eq!(clean("../x"), "../x");
        assert_eq!(clean("/../x"), "/x");
        assert_eq!(dir("/tmp/x"), "/tmp");
        assert_eq!(dir("x"), ".");
        assert_eq!(dir("/x"), "/");
        assert_eq!(base("/tmp/x"), "x");
        assert_eq!(base("/"), "/");
        assert_eq!(join(".", ""), ".");
        assert_eq!(
            join("out", "conf.d/default.conf"),
            "out/conf.d/default.conf"
        );
        assert_eq!(strip_path_shortcuts("../../etc"), "etc");
        assert_eq!(strip_path_shortcuts(".."), "");
    }

    #[test]
    fn destinations_stay_inside() {
        assert!(is_relative(".", "."));
        assert!(is_relative("out", "out/a/b"));
        assert!(!is_relative("out", "x/a"));
        assert!(!is_relative(".", "../a"));
        assert!(is_relative("/tmp", "/tmp/a"));
    }
}
