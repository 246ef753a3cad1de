use std::sync::Arc;

use super::*;

#[test]
fn files_and_dirs() {
    let mut v = Vfs::new();
    v.write("/home/student/a.yaml", b"x", false).unwrap();
    v.write("/home/student/a.yaml", b"y", true).unwrap();
    assert_eq!(v.read("/home/student/a.yaml").unwrap(), b"xy");
    v.mkdir_all("/home/student/d/e").unwrap();
    assert_eq!(v.read_dir(HOME).unwrap(), vec!["a.yaml", "d"]);
    assert_eq!(v.write("/nope/x", b"", false), Err(VfsError::NotFound));
    assert_eq!(normalize("/home/student", "../x/./y"), "/home/x/y");
    v.remove_all("/home/student/d").unwrap();
    assert_eq!(v.read_dir(HOME).unwrap(), vec!["a.yaml"]);
}

#[test]
fn dev_null_reads_empty_and_swallows_writes() {
    let mut v = Vfs::new();
    assert_eq!(v.read(DEV_NULL).unwrap(), b"");
    v.write(DEV_NULL, b"gone", true).unwrap();
    assert_eq!(v.read(DEV_NULL).unwrap(), b"");
    assert!(v.exists(DEV_NULL) && !v.is_file(DEV_NULL) && !v.is_dir(DEV_NULL));
    assert_eq!(v.read_dir("/dev").unwrap(), vec!["null"]);
    assert_eq!(v.remove_file(DEV_NULL), Err(VfsError::PermissionDenied));
    assert_eq!(v.remove_all("/dev"), Err(VfsError::PermissionDenied));
    assert_eq!(
        v.rename(DEV_NULL, "/tmp/n"),
        Err(VfsError::PermissionDenied)
    );
    assert_eq!(v.write("/dev/null/x", b"", false), Err(VfsError::NotDir));
}

#[test]
fn metadata_owner_mode_and_time() {
    let mut v = Vfs::new();
    v.set_now(START + 60);
    v.write("/home/student/f", b"hello", false).unwrap();
    v.mkdir("/home/student/d").unwrap();
    let f = v.stat("/home/student/f").unwrap();
    assert_eq!(f.node.mode_string(), "-rw-r--r--");
    assert_eq!(
        (f.node.uid, f.node.gid, f.size, f.nlink),
        (1000, 1000, 5, 1)
    );
    assert_eq!((f.node.mtime, f.blocks), (START + 60, 8));
    let d = v.stat("/home/student/d").unwrap();
    assert_eq!(
        (d.node.mode_string().as_str(), d.size),
        ("drwxr-xr-x", 4096)
    );
    assert_eq!(v.stat(HOME).unwrap().nlink, 3);
    assert_eq!(v.stat(HOME).unwrap().node.mtime, START + 60);
    assert_eq!(v.stat("/tmp").unwrap().node.mode_string(), "drwxrwxrwt");
    v.chmod("/home/student/f", 0o4755).unwrap();
    assert_eq!(
        v.stat("/home/student/f").unwrap().node.mode_string(),
        "-rwsr-xr-x"
    );
    // Only root gives a file away.
    assert_eq!(
        v.chown("/home/student/f", Some(0), None, false),
        Err(VfsError::NotPermitted)
    );
    v.set_cred(Cred::ROOT);
    v.chown("/home/student/f", Some(0), None, false).unwrap();
    v.set_times("/home/student/f", 5, 7).unwrap();
    let f = v.stat("/home/student/f").unwrap();
    assert_eq!(
        (f.node.uid, f.node.gid, f.node.atime, f.node.mtime),
        (0, 1000, 5, 7)
    );
}

#[test]
fn symlinks_resolve_and_loop() {
    let mut v = Vfs::new();
    v.mkdir_all("/home/student/d/e").unwrap();
    v.write("/home/student/d/e/f", b"x", false).unwrap();
    v.symlink("d/e", "/home/student/l").unwrap();
    v.symlink("/home/student/l/f", "/tmp/abs").unwrap();
    v.symlink("../../d", "/home/student/d/e/up").unwrap();
    assert_eq!(v.read("/home/student/l/f").unwrap(), b"x");
    assert_eq!(v.read("/tmp/abs").unwrap(), b"x");
    // `..` in a link's target is taken from the link's physical directory.
    assert_eq!(v.read_dir("/home/student/l/up").unwrap(), vec!["e"]);
    assert_eq!(v.readlink("/home/student/l").unwrap(), "d/e");
    assert_eq!(v.readlink("/home/student/d"), Err(VfsError::Invalid));
    assert!(v.is_dir("/home/student/l") && v.is_symlink("/home/student/l"));
    let l = v.lstat("/home/student/l").unwrap();
    assert_eq!((l.node.mode_string().as_str(), l.size), ("lrwxrwxrwx", 3));
    assert_eq!(v.resolve("/tmp/abs", true).unwrap(), "/home/student/d/e/f");
    // A dangling link: not there to read; writing through it makes its target.
    v.symlink("nope", "/tmp/dangling").unwrap();
    assert!(!v.exists("/tmp/dangling") && v.lexists("/tmp/dangling"));
    v.write("/tmp/dangling", b"y", false).unwrap();
    assert_eq!(v.read("/tmp/nope").unwrap(), b"y");
    assert_eq!(v.symlink("x", "/tmp/nope"), Err(VfsError::Exists));
    // Removing a link leaves its target.
    v.remove_file("/home/student/l").unwrap();
    assert!(v.is_dir("/home/student/d/e"));
    // Loops: ELOOP after 40 links.
    v.symlink("b", "/tmp/a").unwrap();
    v.symlink("a", "/tmp/b").unwrap();
    assert_eq!(v.read("/tmp/a"), Err(VfsError::Loop));
    assert_eq!(v.stat("/tmp/a/x"), Err(VfsError::Loop));
    v.symlink("self/x", "/tmp/self").unwrap();
    assert_eq!(v.resolve("/tmp/self", true), Err(VfsError::Loop));
    let mut chain = "/tmp/c0".to_string();
    v.write(&chain, b"end", false).unwrap();
    for k in 1..=41 {
        let next = format!("/tmp/c{k}");
        v.symlink(&chain, &next).unwrap();
        chain = next;
    }
    assert_eq!(v.read("/tmp/c40").unwrap(), b"end");
    assert_eq!(v.read("/tmp/c41"), Err(VfsError::Loop));
    assert_eq!(
        v.symlink(&"x".repeat(4096), "/tmp/long"),
        Err(VfsError::NameTooLong)
    );
    assert_eq!(v.symlink("", "/tmp/empty"), Err(VfsError::NotFound));
}

fn image() -> Arc<Tree> {
    let mut t = Tree::new(Node::dir(0o755, 0, 0, 100));
    t.put(
        "/etc/os-release",
        Node::file(b"ID=debian\n", 0o644, 0, 0, 100),
    );
    t.put(
        "/etc/nginx/nginx.conf",
        Node::file(b"events {}\n", 0o644, 0, 0, 100),
    );
    t.put(
        "/etc/nginx/mime.types",
        Node::file(b"types {}\n", 0o644, 0, 0, 100),
    );
    t.put("/bin/sh", Node::symlink("busybox", 0, 0, 100));
    Arc::new(t)
}

#[test]
fn overlay_copies_up_and_whites_out() {
    let lower = image();
    let mut v = Vfs::overlay(lower.clone());
    v.set_now(200);
    assert_eq!(v.read("/etc/os-release").unwrap(), b"ID=debian\n");
    v.write("/etc/os-release", b"x", true).unwrap();
    assert_eq!(v.read("/etc/os-release").unwrap(), b"ID=debian\nx");
    // The image is untouched.
    assert_eq!(
        lower.get("/etc/os-release").map(|n| n.content_len()),
        Some(10)
    );
    v.remove_file("/etc/nginx/mime.types").unwrap();
    assert_eq!(v.read_dir("/etc/nginx").unwrap(), vec!["nginx.conf"]);
    // A directory removed and made again is opaque: the image's files stay hidden.
    v.remove_all("/etc/nginx").unwrap();
    assert!(!v.exists("/etc/nginx/nginx.conf"));
    v.mkdir("/etc/nginx").unwrap();
    assert_eq!(v.read_dir("/etc/nginx").unwrap(), Vec::<String>::new());
    v.write("/etc/nginx/mime.types", b"new", false).unwrap();
    assert_eq!(v.read_dir("/etc/nginx").unwrap(), vec!["mime.types"]);
    assert_eq!(v.stat("/etc/nginx/mime.types").unwrap().node.uid, 0);
    let layer = v.take_root_layer();
    assert!(layer.whiteouts.contains("/etc/nginx"));
    assert_eq!(
        layer.upper.get("/etc/os-release").unwrap().content_len(),
        11
    );
    // Another container on the same image sees the image as it was.
    let w = Vfs::overlay(lower);
    assert_eq!(
        w.read_dir("/etc/nginx").unwrap(),
        vec!["mime.types", "nginx.conf"]
    );
}

#[test]
fn overlay_rename_moves_lower_trees() {
    let mut v = Vfs::overlay(image());
    v.rename("/etc/nginx", "/etc/old").unwrap();
    assert_eq!(v.read_dir("/etc").unwrap(), vec!["old", "os-release"]);
    assert_eq!(v.read("/etc/old/nginx.conf").unwrap(), b"events {}\n");
    assert_eq!(v.rename("/etc", "/etc/x"), Err(VfsError::Invalid));
}

#[test]
fn mounts_hide_and_read_only_refuses() {
    let mut v = Vfs::overlay(image());
    let mut secret = Tree::new(Node::dir(0o1777, 0, 0, 100));
    secret.put("/username", Node::file(b"admin", 0o644, 0, 0, 100));
    v.mount(
        "/etc/nginx",
        secret,
        MountInfo::new("tmpfs", "tmpfs", "ro,relatime"),
    )
    .unwrap();
    assert_eq!(v.read_dir("/etc/nginx").unwrap(), vec!["username"]);
    assert_eq!(v.write("/etc/nginx/x", b"", false), Err(VfsError::ReadOnly));
    assert_eq!(
        v.remove_file("/etc/nginx/username"),
        Err(VfsError::ReadOnly)
    );
    assert_eq!(v.remove_all("/etc/nginx"), Err(VfsError::Busy));
    assert_eq!(v.remove_all("/etc"), Err(VfsError::Busy));
    let d = v.stat("/etc/nginx").unwrap();
    assert_eq!((d.size, d.blocks), (60, 0));
    // A writable mount made where nothing was: its mount point appears.
    v.mount(
        "/data/db",
        Tree::new(Node::dir(0o755, 0, 0, 100)),
        MountInfo::new("/dev/vda1", "ext4", "rw,relatime"),
    )
    .unwrap();
    v.write("/data/db/f", b"kept", false).unwrap();
    assert_eq!(v.read_dir("/data").unwrap(), vec!["db"]);
    let paths: Vec<String> = v.mounts().into_iter().map(|m| m.path).collect();
    assert_eq!(paths, vec!["/", "/etc/nginx", "/data/db"]);
    assert!(
        v.proc_mounts()
            .contains("tmpfs /etc/nginx tmpfs ro,relatime 0 0\n")
    );
    // Taken back out, with what was written; what was under the mount shows again.
    let (tree, info) = v.unmount("/data/db").unwrap();
    assert_eq!(tree.get("/f").unwrap().content_len(), 4);
    assert_eq!(info.fstype, "ext4");
    assert!(!v.exists("/data/db/f"));
    v.unmount("/etc/nginx").unwrap();
    assert_eq!(
        v.read_dir("/etc/nginx").unwrap(),
        vec!["mime.types", "nginx.conf"]
    );
    assert!(v.unmount("/").is_none());
}

#[test]
fn a_file_can_be_mounted() {
    let mut v = Vfs::overlay(image());
    v.mount(
        "/etc/hosts",
        Tree::new(Node::file(b"127.0.0.1 localhost\n", 0o644, 0, 0, 1)),
        MountInfo::new("/dev/vda1", "ext4", "rw,relatime"),
    )
    .unwrap();
    assert_eq!(v.read("/etc/hosts").unwrap(), b"127.0.0.1 localhost\n");
    v.write("/etc/hosts", b"x", true).unwrap();
    let (t, _) = v.unmount("/etc/hosts").unwrap();
    assert_eq!(t.get("/").unwrap().content_len(), 21);
    assert_eq!(v.read("/etc/hosts").unwrap(), b"");
}

#[test]
fn caps_hold() {
    let mut v = Vfs::new().with_limits(VfsLimits {
        max_bytes: 10,
        max_entries: 8,
    });
    v.write("/tmp/a", b"12345", false).unwrap();
    assert_eq!(v.write("/tmp/a", b"123456", true), Err(VfsError::NoSpace));
    v.write("/tmp/a", b"1234567890", false).unwrap();
    v.write("/tmp/b", b"", false).unwrap();
    assert_eq!(v.mkdir("/tmp/c"), Err(VfsError::NoSpace));
    assert_eq!(v.symlink("x", "/tmp/d"), Err(VfsError::NoSpace));
}

#[test]
fn a_subtree_comes_out_and_goes_back() {
    let mut t = Tree::new(Node::dir(0o755, 0, 0, 0));
    t.put("/a/b/f", Node::file(b"x", 0o644, 0, 0, 0));
    t.put("/a/c", Node::file(b"y", 0o644, 0, 0, 0));
    t.put("/ab", Node::file(b"z", 0o644, 0, 0, 0));
    let mut sub = t.subtree("/a").unwrap();
    assert!(sub.get("/b/f").is_some() && sub.get("/c").is_some());
    assert!(sub.get("/ab").is_none(), "only what lies below /a");
    sub.remove("/c");
    sub.put("/d", Node::file(b"w", 0o644, 0, 0, 0));
    t.graft("/a", sub);
    assert!(t.get("/a/c").is_none() && t.get("/a/d").is_some());
    assert!(t.get("/a/b/f").is_some() && t.get("/ab").is_some());
    assert!(t.subtree("/nothing").is_none());
}

#[test]
fn what_a_proc_mount_lacks_is_said_plainly() {
    let mut v = Vfs::new();
    v.mkdir_all("/proc").unwrap();
    let mut t = Tree::new(Node::dir(0o555, 0, 0, 0));
    t.put("/1", Node::dir(0o555, 0, 0, 0));
    t.put(
        "/1/cmdline",
        Node::file(b"sleep\x003600\x00", 0o444, 0, 0, 0),
    );
    let mut info = MountInfo::new("proc", "proc", "rw,nosuid,nodev,noexec,relatime");
    info.read_only = true;
    v.mount("/proc", t, info).unwrap();
    assert_eq!(v.read("/proc/1/cmdline").unwrap(), b"sleep\x003600\x00");
    // A proc file has no size; what is not built is kubelab's gap, never ENOENT.
    assert_eq!(v.stat("/proc/1/cmdline").unwrap().size, 0);
    assert_eq!(v.read("/proc/version"), Err(VfsError::NotSimulated));
    assert_eq!(v.read("/proc/7/status"), Err(VfsError::NotSimulated));
    assert_eq!(v.read_dir("/proc"), Err(VfsError::NotSimulated));
    assert_eq!(
        v.write("/proc/sys/x", b"1", false),
        Err(VfsError::NotSimulated)
    );
    assert_eq!(
        v.write("/proc/1/cmdline", b"1", false),
        Err(VfsError::ReadOnly)
    );
    // Elsewhere a missing file is still ENOENT.
    assert_eq!(v.read("/nope"), Err(VfsError::NotFound));
}
