//! The busybox image (docker-library/busybox `latest-1/uclibc/Dockerfile.builder`; the bare
//! tags `busybox:1.36`, `busybox:latest` are the uclibc variant): one static binary built with
//! `make defconfig` plus `CONFIG_AR`, `CONFIG_INOTIFYD`, `CONFIG_STATIC`, every applet a hard
//! link in `/bin` (`busybox --install /bin`), `/bin/getconf` from buildroot, `/usr/bin/env` a
//! symlink to `../../bin/env`, `/etc/{passwd,group,shadow}` from buildroot's skeleton with
//! modes from its `device_table.txt` (`/tmp` 1777, `/root` 0700, `/var/www`,
//! `/etc/network/if-*.d`; `/etc/group` is not in the table and keeps the buildroot tarball's
//! 0664), home directories made for passwd entries lacking one (owned by that user),
//! `/etc/localtime` UTC. No `/lib`, no `/etc/os-release`; `/proc` and `/sys` are the runtime's.
//! `/bin/sh` is ash. No bash, curl, git, apt. Checked against the real 1.37.0-uclibc
//! rootfs.tar.gz of docker-library/busybox's dist-amd64 branch (the same builder steps as
//! 1.36.1's). busybox 1.28's image (2018, `uclibc/Dockerfile.builder` before
//! docker-library/busybox 85702e9) came from the same steps without the `/usr/bin/env` link
//! (added later) and with buildroot 2017.11.1's skeleton, whose `/etc/group` ends
//! `nogroup:x:65534:`. `/etc/shadow` (0600) is there but not described (its dates are the
//! build's). The binaries' sizes are not sourced: the dist branches keep only the newest
//! tarballs (1.37.0's /bin/busybox is 1149184 bytes, 1.38.0's 1173752), not 1.36.1's or 1.28.4's.

use super::RootFs;
use super::build::Builder;
use crate::shell::{Dialect, Userland};

/// Applets of busybox 1.36.1's `make defconfig` with the builder's `CONFIG_AR=y` and
/// `CONFIG_INOTIFYD=y` (the `busybox.links` of that configuration, computed from the 1_36_1
/// sources), all installed in /bin.
#[rustfmt::skip]
pub const APPLETS_1_36: &[&str] = &[
    "[", "[[", "acpid", "add-shell", "addgroup", "adduser", "adjtimex", "ar", "arch", "arp",
    "arping", "ascii", "ash", "awk", "base32", "base64", "basename", "bc", "beep", "blkdiscard",
    "blkid", "blockdev", "bootchartd", "brctl", "bunzip2", "bzcat", "bzip2", "cal", "cat", "chat",
    "chattr", "chgrp", "chmod", "chown", "chpasswd", "chpst", "chroot", "chrt", "chvt", "cksum",
    "clear", "cmp", "comm", "conspy", "cp", "cpio", "crc32", "crond", "crontab", "cryptpw",
    "cttyhack", "cut", "date", "dc", "dd", "deallocvt", "delgroup", "deluser", "depmod", "devmem",
    "df", "dhcprelay", "diff", "dirname", "dmesg", "dnsd", "dnsdomainname", "dos2unix", "dpkg",
    "dpkg-deb", "du", "dumpkmap", "dumpleases", "echo", "ed", "egrep", "eject", "env", "envdir",
    "envuidgid", "ether-wake", "expand", "expr", "factor", "fakeidentd", "fallocate", "false",
    "fatattr", "fbset", "fbsplash", "fdflush", "fdformat", "fdisk", "fgconsole", "fgrep", "find",
    "findfs", "flock", "fold", "free", "freeramdisk", "fsck", "fsck.minix", "fsfreeze", "fstrim",
    "fsync", "ftpd", "ftpget", "ftpput", "fuser", "getopt", "getty", "grep", "groups", "gunzip",
    "gzip", "halt", "hd", "hdparm", "head", "hexdump", "hexedit", "hostid", "hostname", "httpd",
    "hush", "hwclock", "i2cdetect", "i2cdump", "i2cget", "i2cset", "i2ctransfer", "id", "ifconfig",
    "ifdown", "ifenslave", "ifplugd", "ifup", "inetd", "init", "inotifyd", "insmod", "install",
    "ionice", "iostat", "ip", "ipaddr", "ipcalc", "ipcrm", "ipcs", "iplink", "ipneigh", "iproute",
    "iprule", "iptunnel", "kbd_mode", "kill", "killall", "killall5", "klogd", "last", "less",
    "link", "linux32", "linux64", "linuxrc", "ln", "loadfont", "loadkmap", "logger", "login",
    "logname", "logread", "losetup", "lpd", "lpq", "lpr", "ls", "lsattr", "lsmod", "lsof", "lspci",
    "lsscsi", "lsusb", "lzcat", "lzma", "lzop", "makedevs", "makemime", "man", "md5sum", "mdev",
    "mesg", "microcom", "mim", "mkdir", "mkdosfs", "mke2fs", "mkfifo", "mkfs.ext2", "mkfs.minix",
    "mkfs.vfat", "mknod", "mkpasswd", "mkswap", "mktemp", "modinfo", "modprobe", "more", "mount",
    "mountpoint", "mpstat", "mt", "mv", "nameif", "nanddump", "nandwrite", "nbd-client", "nc",
    "netstat", "nice", "nl", "nmeter", "nohup", "nologin", "nproc", "nsenter", "nslookup", "ntpd",
    "od", "openvt", "partprobe", "passwd", "paste", "patch", "pgrep", "pidof", "ping", "ping6",
    "pipe_progress", "pivot_root", "pkill", "pmap", "popmaildir", "poweroff", "powertop",
    "printenv", "printf", "ps", "pscan", "pstree", "pwd", "pwdx", "raidautorun", "rdate", "rdev",
    "readahead", "readlink", "readprofile", "realpath", "reboot", "reformime", "remove-shell",
    "renice", "reset", "resize", "resume", "rev", "rm", "rmdir", "rmmod", "route", "rpm",
    "rpm2cpio", "rtcwake", "run-init", "run-parts", "runlevel", "runsv", "runsvdir", "rx", "script",
    "scriptreplay", "sed", "seedrng", "sendmail", "seq", "setarch", "setconsole", "setfattr",
    "setfont", "setkeycodes", "setlogcons", "setpriv", "setserial", "setsid", "setuidgid", "sh",
    "sha1sum", "sha256sum", "sha3sum", "sha512sum", "showkey", "shred", "shuf", "slattach", "sleep",
    "smemcap", "softlimit", "sort", "split", "ssl_client", "start-stop-daemon", "stat", "strings",
    "stty", "su", "sulogin", "sum", "sv", "svc", "svlogd", "svok", "swapoff", "swapon",
    "switch_root", "sync", "sysctl", "syslogd", "tac", "tail", "tar", "taskset", "tc", "tcpsvd",
    "tee", "telnet", "telnetd", "test", "tftp", "tftpd", "time", "timeout", "top", "touch", "tr",
    "traceroute", "traceroute6", "tree", "true", "truncate", "ts", "tsort", "tty", "ttysize",
    "tunctl", "ubiattach", "ubidetach", "ubimkvol", "ubirename", "ubirmvol", "ubirsvol",
    "ubiupdatevol", "udhcpc", "udhcpc6", "udhcpd", "udpsvd", "uevent", "umount", "uname",
    "unexpand", "uniq", "unix2dos", "unlink", "unlzma", "unshare", "unxz", "unzip", "uptime",
    "users", "usleep", "uudecode", "uuencode", "vconfig", "vi", "vlock", "volname", "w", "wall",
    "watch", "watchdog", "wc", "wget", "which", "who", "whoami", "whois", "xargs", "xxd", "xz",
    "xzcat", "yes", "zcat", "zcip",
];

/// Applets of 1.36 that busybox 1.28.4's defconfig (with `CONFIG_AR=y`) does not have, computed
/// the same way from the 1_28_4 sources. `inotifyd`: the builder sets `CONFIG_INOTIFYD=y` only
/// since docker-library/busybox 2ea1e24 ("Enable inotifyd", Oct 2025, when 1.36.1 was
/// `latest-1`); 1.28.4's builder (2018) did not.
#[rustfmt::skip]
const NEWER_THAN_1_28: &[&str] = &[
    "ascii", "base32", "bc", "crc32", "i2ctransfer", "inotifyd", "mim", "nologin", "seedrng",
    "svok", "tc", "tree", "ts", "tsort", "udhcpc6",
];

/// Applets 1.28.4's defconfig has that 1.36's does not.
const ONLY_1_28: &[&str] = &["nuke"];

/// A busybox version.
#[derive(Debug, Clone, Copy)]
pub struct Version {
    pub applets: &'static [&'static str],
    pub without: &'static [&'static str],
    pub with: &'static [&'static str],
    /// buildroot's `system/skeleton/etc/group` of the builder's buildroot release.
    pub group: &'static str,
    /// Whether the builder made `/usr/bin/env` (a link to `../../bin/env`).
    pub usr_bin_env: bool,
}

pub const V1_36: Version = Version {
    applets: APPLETS_1_36,
    without: &[],
    with: &[],
    group: GROUP,
    usr_bin_env: true,
};
pub const V1_28: Version = Version {
    applets: APPLETS_1_36,
    without: NEWER_THAN_1_28,
    with: ONLY_1_28,
    group: GROUP_2017,
    usr_bin_env: false,
};

/// buildroot's `system/skeleton/etc/passwd`, as `docker run busybox cat /etc/passwd` prints it
/// in published transcripts.
pub const PASSWD: &str = "root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
";

/// buildroot's `system/skeleton/etc/group` (2024.05.3 and later; byte for byte the `/etc/group`
/// of the real 1.37.0-uclibc rootfs tarball, 306 bytes).
pub const GROUP: &str = "root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
kmem:x:9:
wheel:x:10:root
cdrom:x:11:
dialout:x:18:
floppy:x:19:
video:x:28:
audio:x:29:
tape:x:32:
www-data:x:33:
operator:x:37:
utmp:x:43:
plugdev:x:46:
staff:x:50:
lock:x:54:
netdev:x:82:
users:x:100:
nobody:x:65534:
";

/// buildroot 2017.11.1's `system/skeleton/etc/group` (1.28.4's builder): `nogroup`, not
/// `nobody`, for gid 65534.
const GROUP_2017: &str = "root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
kmem:x:9:
wheel:x:10:root
cdrom:x:11:
dialout:x:18:
floppy:x:19:
video:x:28:
audio:x:29:
tape:x:32:
www-data:x:33:
operator:x:37:
utmp:x:43:
plugdev:x:46:
staff:x:50:
lock:x:54:
netdev:x:82:
users:x:100:
nogroup:x:65534:
";

/// The busybox image.
pub fn busybox(v: Version) -> RootFs {
    let mut b = Builder::new("busybox", Userland::Busybox, Some(Dialect::Ash));
    b.dir("/bin", 0o755, 0, 0)
        .dir("/dev", 0o755, 0, 0)
        .dir("/etc", 0o755, 0, 0)
        .dir("/etc/network", 0o755, 0, 0)
        .dir("/etc/network/if-down.d", 0o755, 0, 0)
        .dir("/etc/network/if-post-down.d", 0o755, 0, 0)
        .dir("/etc/network/if-pre-up.d", 0o755, 0, 0)
        .dir("/etc/network/if-up.d", 0o755, 0, 0)
        // Home directories the builder makes for passwd entries that lack one, owned by
        // their user: /home (nobody), /usr/sbin (daemon), /var/spool/mail (mail).
        .dir("/home", 0o755, 65534, 65534)
        .dir("/root", 0o700, 0, 0)
        .dir("/tmp", 0o1777, 0, 0)
        .dir("/usr", 0o755, 0, 0)
        .dir("/usr/sbin", 0o755, 1, 1)
        .dir("/var", 0o755, 0, 0)
        .dir("/var/spool", 0o755, 0, 0)
        .dir("/var/spool/mail", 0o755, 8, 8)
        .dir("/var/www", 0o755, 0, 0);
    if v.usr_bin_env {
        b.dir("/usr/bin", 0o755, 0, 0)
            .link("/usr/bin/env", "../../bin/env");
    }
    b.file("/etc/passwd", 0o644, 0, 0, PASSWD)
        .file("/etc/group", 0o664, 0, 0, v.group);
    b.programs("/bin", &["busybox", "getconf"]);
    for a in v.applets.iter().chain(v.with) {
        if !v.without.contains(a) {
            b.programs.insert(format!("/bin/{a}"), a.to_string());
        }
    }
    b.finish()
}
