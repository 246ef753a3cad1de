//! A container's view assembled from the shell's file system API, as the world will build it:
//! the image's files (shared, never written) under the container's writable layer, a
//! bind-mounted `/etc/hosts` and a Secret volume on tmpfs laid out as the kubelet's atomic
//! writer does; then a busybox shell lists it exactly as reference §1 shows, its writes are
//! refused where the mount is read-only, and taken back where they belong.

use std::sync::Arc;

use kubelab::shell::vfs::{MountInfo, Node, Tree};
use kubelab::shell::{Call, Dialect, Host, Profile, Shell, Userland, Vfs};

/// 2026-12-07 04:19:13 UTC, when the pod starts.
const START: i64 = 1_796_617_153;
/// When the image was built.
const BUILT: i64 = 1_684_449_257;

struct Clock(i64);

impl Host for Clock {
    fn exec(&mut self, _call: Call<'_>) -> Option<i32> {
        None
    }
    fn sleep(&mut self, millis: u64) -> bool {
        self.0 += (millis / 1000) as i64;
        true
    }
    fn now(&self) -> i64 {
        self.0
    }
}

fn image() -> Arc<Tree> {
    let mut t = Tree::new(Node::dir(0o755, 0, 0, BUILT));
    for d in ["/bin", "/etc", "/proc", "/tmp", "/root"] {
        t.put(d, Node::dir(0o755, 0, 0, BUILT));
    }
    t.put(
        "/etc/passwd",
        Node::file(b"root:x:0:0:root:/root:/bin/sh\n", 0o644, 0, 0, BUILT),
    );
    t.put("/etc/group", Node::file(b"root:x:0:\n", 0o644, 0, 0, BUILT));
    t.put(
        "/bin/busybox",
        Node::file(&[0x7f, b'E', b'L', b'F'], 0o755, 0, 0, BUILT),
    );
    t.put("/bin/sh", Node::symlink("busybox", 0, 0, BUILT));
    Arc::new(t)
}

/// The Secret volume's files as the kubelet's atomic writer lays them out.
fn secret() -> Tree {
    let ts = "..2026_12_07_04_19_13.1234567890";
    let mut t = Tree::new(Node::dir(0o1777, 0, 0, START));
    t.put(&format!("/{ts}"), Node::dir(0o755, 0, 0, START));
    t.put(
        &format!("/{ts}/username"),
        Node::file(b"admin", 0o644, 0, 0, START),
    );
    t.put(
        &format!("/{ts}/password"),
        Node::file(b"s3cr3t-passw", 0o644, 0, 0, START),
    );
    t.put("/..data", Node::symlink(ts, 0, 0, START));
    t.put("/username", Node::symlink("..data/username", 0, 0, START));
    t.put("/password", Node::symlink("..data/password", 0, 0, START));
    t
}

fn container() -> (Shell, Arc<Tree>) {
    let lower = image();
    let mut vfs = Vfs::overlay(lower.clone());
    vfs.set_now(START);
    vfs.mount(
        "/etc/hosts",
        Tree::new(Node::file(b"127.0.0.1\tlocalhost\n", 0o644, 0, 0, START)),
        MountInfo::new("/dev/vda1", "ext4", "rw,relatime").with_size(60 << 30),
    )
    .unwrap();
    vfs.mount(
        "/etc/foo",
        secret(),
        MountInfo::new("tmpfs", "tmpfs", "ro,relatime,size=3891200k").with_size(3_891_200 << 10),
    )
    .unwrap();
    let mut sh = Shell::new(vfs);
    sh.state.profile = Profile {
        name: "sh".into(),
        dialect: Dialect::Ash,
        userland: Userland::Busybox,
        programs: None,
    };
    sh.state.set_cwd("/").unwrap();
    (sh, lower)
}

fn run(sh: &mut Shell, line: &str) -> (String, String, i32) {
    let o = sh.run(line, &mut Clock(START + 5));
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        o.status,
    )
}

#[test]
fn a_secret_volume_lists_as_in_a_busybox_pod() {
    let (mut sh, _) = container();
    assert_eq!(
        run(&mut sh, "ls -la /etc/foo").0,
        "total 4
drwxrwxrwt    3 root     root           120 Dec  7 04:19 .
drwxr-xr-x    1 root     root          4096 Dec  7 04:19 ..
drwxr-xr-x    2 root     root            80 Dec  7 04:19 ..2026_12_07_04_19_13.1234567890
lrwxrwxrwx    1 root     root            32 Dec  7 04:19 ..data -> ..2026_12_07_04_19_13.1234567890
lrwxrwxrwx    1 root     root            15 Dec  7 04:19 password -> ..data/password
lrwxrwxrwx    1 root     root            15 Dec  7 04:19 username -> ..data/username
"
    );
    assert_eq!(
        run(&mut sh, "ls -l /etc/foo").0,
        "total 0
lrwxrwxrwx    1 root     root            15 Dec  7 04:19 password -> ..data/password
lrwxrwxrwx    1 root     root            15 Dec  7 04:19 username -> ..data/username
"
    );
    assert_eq!(
        run(&mut sh, "ls -lL /etc/foo").0,
        "total 8
-rw-r--r--    1 root     root            12 Dec  7 04:19 password
-rw-r--r--    1 root     root             5 Dec  7 04:19 username
"
    );
    assert_eq!(run(&mut sh, "cat /etc/foo/username").0, "admin");
}

#[test]
fn a_read_only_volume_refuses_writes_in_busybox_words() {
    let (mut sh, _) = container();
    let (_, err, status) = run(&mut sh, "echo x > /etc/foo/username");
    assert!(
        err.ends_with("can't create /etc/foo/username: Read-only file system\n"),
        "{err}"
    );
    assert_eq!(status, 1);
    assert_eq!(
        run(&mut sh, "rm /etc/foo/username"),
        (
            String::new(),
            "rm: can't remove '/etc/foo/username': Read-only file system\n".into(),
            1
        )
    );
    assert_eq!(
        run(&mut sh, "mkdir /etc/foo/d").1,
        "mkdir: can't create directory '/etc/foo/d': Read-only file system\n"
    );
    assert_eq!(
        run(&mut sh, "cat /nonexist").1,
        "cat: can't open '/nonexist': No such file or directory\n"
    );
    assert_eq!(
        run(&mut sh, "ls /nonexist"),
        (
            String::new(),
            "ls: /nonexist: No such file or directory\n".into(),
            1
        )
    );
}

#[test]
fn the_mount_table_shows_in_mount_df_and_proc_mounts() {
    let (mut sh, _) = container();
    let table = "overlay on / type overlay (rw,relatime)
/dev/vda1 on /etc/hosts type ext4 (rw,relatime)
tmpfs on /etc/foo type tmpfs (ro,relatime,size=3891200k)
";
    assert_eq!(run(&mut sh, "mount").0, table);
    assert_eq!(
        run(&mut sh, "cat /proc/mounts").0,
        "overlay / overlay rw,relatime 0 0
/dev/vda1 /etc/hosts ext4 rw,relatime 0 0
tmpfs /etc/foo tmpfs ro,relatime,size=3891200k 0 0
"
    );
    // The overlay has no size of its own here: busybox leaves out what has no blocks.
    assert_eq!(
        run(&mut sh, "df -h").0,
        "Filesystem                Size      Used Available Use% Mounted on
/dev/vda1                60.0G      4.0K     60.0G   0% /etc/hosts
tmpfs                     3.7G      8.0K      3.7G   0% /etc/foo
"
    );
}

#[test]
fn a_containers_writes_are_taken_back_and_the_image_is_untouched() {
    let (mut sh, lower) = container();
    run(
        &mut sh,
        "echo hi > /tmp/x; rm /etc/group; ln -s /tmp/x /root/link",
    );
    assert_eq!(run(&mut sh, "cat /root/link").0, "hi\n");
    assert_eq!(
        run(&mut sh, "ls /etc").0,
        "foo\nhosts\npasswd\n",
        "the whiteout hides the image's /etc/group"
    );
    let (hosts, info) = sh.state.vfs.unmount("/etc/hosts").unwrap();
    assert_eq!(info.fstype, "ext4");
    assert_eq!(hosts.get("/").unwrap().content_len(), 20);
    let layer = sh.state.vfs.take_root_layer();
    assert!(layer.whiteouts.contains("/etc/group"));
    assert_eq!(layer.upper.get("/tmp/x").unwrap().content_len(), 3);
    assert!(lower.get("/etc/group").is_some());
    assert!(lower.get("/tmp/x").is_none());
}
