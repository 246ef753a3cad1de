//! Alpine Linux (`alpine:3.19`, alpine-baselayout + busybox 1.36 + apk-tools + musl-utils): the
//! busybox applets as symlinks to `/bin/busybox` spread over `/bin`, `/sbin`, `/usr/bin`,
//! `/usr/sbin` (`busybox --list-full` of Alpine's config), `/bin/sh` ash, `apk`. No bash, no
//! curl, no GNU coreutils. Also the `kodekloud/webapp-color` image (`python:3.6-alpine`).
//! The program set and placement, `/etc/passwd`, `/etc/group`, `/etc/shells`,
//! `/etc/apk/repositories` and `/etc/os-release` (a plain file; there is no
//! `/usr/lib/os-release`) are those of the real `alpine-minirootfs-3.19.4-x86_64.tar.gz`
//! (alpinelinux/docker-alpine, branch v3.19, 2024-09-06), the last 3.19 tarball that source has.

use super::RootFs;
use super::build::{self, Builder};
use crate::shell::{Dialect, Userland};

#[rustfmt::skip]
const BIN: &[&str] = &[
    "arch", "ash", "base64", "bbconfig", "busybox", "cat", "chgrp", "chmod", "chown",
    "chattr", "cp", "date", "dd", "df", "dmesg", "dnsdomainname", "dumpkmap", "echo", "egrep", "false",
    "fatattr", "fdflush", "fgrep", "fsync", "getopt", "grep", "gunzip", "gzip", "hostname",
    "ionice", "iostat", "ipcalc", "kbd_mode", "kill", "link", "linux32", "linux64", "ln", "login",
    "ls", "lsattr", "lzop", "makemime", "mkdir", "mknod", "mktemp", "more", "mount", "mountpoint",
    "mpstat", "mv", "netstat", "nice", "pidof", "ping", "ping6", "pipe_progress", "printenv", "ps",
    "pwd", "reformime", "rev", "rm", "rmdir", "run-parts", "sed", "setpriv", "setserial", "sh",
    "sleep", "stat", "stty", "su", "sync", "tar", "touch", "true", "umount", "uname", "usleep",
    "watch", "zcat",
];
#[rustfmt::skip]
const SBIN: &[&str] = &[
    "acpid", "adjtimex", "apk", "arp", "blkid", "blockdev", "depmod", "fbsplash", "fdisk", "findfs",
    "fsck", "fstrim", "getty", "halt", "hwclock", "ifconfig", "ifdown", "ifenslave", "ifup", "init",
    "inotifyd", "insmod", "ip", "ipaddr", "iplink", "ipneigh", "iproute", "iprule", "iptunnel",
    "klogd", "ldconfig", "loadkmap", "logread", "losetup", "lsmod", "mdev", "mkdosfs", "mkfs.vfat",
    "mkswap", "modinfo", "modprobe", "nameif", "nologin", "pivot_root",
    "poweroff", "raidautorun", "reboot", "rmmod", "route", "setconsole", "slattach", "swapoff",
    "swapon", "switch_root", "sysctl", "syslogd", "tunctl", "udhcpc", "vconfig", "watchdog", "zcip",
];
#[rustfmt::skip]
const USR_BIN: &[&str] = &[
    "[", "[[", "awk", "basename", "bc", "beep", "blkdiscard", "bunzip2", "bzcat", "bzip2", "cal",
    "chvt", "cksum", "clear", "cmp", "comm", "cpio", "crontab", "cryptpw", "cut", "dc", "deallocvt",
    "diff", "dirname", "dos2unix", "du", "eject", "env", "expand", "expr", "factor", "fallocate",
    "find", "flock", "fold", "free", "fuser", "getconf", "getent", "groups", "hd", "head",
    "hexdump", "hostid", "iconv", "id", "install", "ipcrm", "ipcs", "killall", "last", "ldd",
    "less", "logger", "lsof", "lsusb", "lzcat", "lzma", "lzopcat", "md5sum", "mesg", "microcom",
    "mkfifo", "mkpasswd", "nc", "nl", "nmeter", "nohup", "nproc", "nsenter", "nslookup", "od",
    "openvt", "passwd", "paste", "pgrep", "pkill", "pmap", "printf", "pscan", "pstree", "pwdx",
    "readlink", "realpath", "renice", "reset", "resize", "scanelf", "seq", "setkeycodes", "setsid",
    "sha1sum", "sha256sum", "sha3sum", "sha512sum", "showkey", "shred", "shuf", "sort", "split",
    "ssl_client", "strings", "sum", "tac", "tail", "tee", "test", "time", "timeout", "top", "tr", "tree",
    "traceroute", "traceroute6", "truncate", "tty", "ttysize", "udhcpc6", "unexpand",
    "uniq", "unix2dos", "unlink", "unlzma", "unlzop", "unshare", "unxz", "unzip", "uptime",
    "uudecode", "uuencode", "vi", "vlock", "volname", "wc", "wget", "which", "who", "whoami", "whois",
    "xargs", "xxd", "xzcat", "yes",
];
#[rustfmt::skip]
const USR_SBIN: &[&str] = &[
    "add-shell", "addgroup", "adduser", "arping", "brctl", "chpasswd", "chroot", "crond",
    "delgroup", "deluser", "ether-wake", "fbset", "killall5", "loadfont", "nanddump", "nandwrite",
    "nbd-client", "ntpd", "partprobe", "rdate", "rdev", "readahead", "remove-shell", "rfkill", "sendmail",
    "setfont", "setlogcons",
];

/// alpine-baselayout's `/etc/passwd` before 3.20 (root's shell /bin/ash; `man` and `at` still
/// there; mail in /var/mail), as published `cat /etc/passwd` of Alpine 3.1x images show it.
const PASSWD: &str = "root:x:0:0:root:/root:/bin/ash
bin:x:1:1:bin:/bin:/sbin/nologin
daemon:x:2:2:daemon:/sbin:/sbin/nologin
adm:x:3:4:adm:/var/adm:/sbin/nologin
lp:x:4:7:lp:/var/spool/lpd:/sbin/nologin
sync:x:5:0:sync:/sbin:/bin/sync
shutdown:x:6:0:shutdown:/sbin:/sbin/shutdown
halt:x:7:0:halt:/sbin:/sbin/halt
mail:x:8:12:mail:/var/mail:/sbin/nologin
news:x:9:13:news:/usr/lib/news:/sbin/nologin
uucp:x:10:14:uucp:/var/spool/uucppublic:/sbin/nologin
operator:x:11:0:operator:/root:/sbin/nologin
man:x:13:15:man:/usr/man:/sbin/nologin
postmaster:x:14:12:postmaster:/var/mail:/sbin/nologin
cron:x:16:16:cron:/var/spool/cron:/sbin/nologin
ftp:x:21:21::/var/lib/ftp:/sbin/nologin
sshd:x:22:22:sshd:/dev/null:/sbin/nologin
at:x:25:25:at:/var/spool/cron/atjobs:/sbin/nologin
squid:x:31:31:Squid:/var/cache/squid:/sbin/nologin
xfs:x:33:33:X Font Server:/etc/X11/fs:/sbin/nologin
games:x:35:35:games:/usr/games:/sbin/nologin
cyrus:x:85:12::/usr/cyrus:/sbin/nologin
vpopmail:x:89:89::/var/vpopmail:/sbin/nologin
ntp:x:123:123:NTP:/var/empty:/sbin/nologin
smmsp:x:209:209:smmsp:/var/spool/mqueue:/sbin/nologin
guest:x:405:100:guest:/dev/null:/sbin/nologin
nobody:x:65534:65534:nobody:/:/sbin/nologin
";

/// alpine-baselayout's `/etc/group` of the same era (`man`, `at`, `readproc` still there):
/// byte for byte the 3.19.4 minirootfs's.
const GROUP: &str = "root:x:0:root
bin:x:1:root,bin,daemon
daemon:x:2:root,bin,daemon
sys:x:3:root,bin,adm
adm:x:4:root,adm,daemon
tty:x:5:
disk:x:6:root,adm
lp:x:7:lp
mem:x:8:
kmem:x:9:
wheel:x:10:root
floppy:x:11:root
mail:x:12:mail
news:x:13:news
uucp:x:14:uucp
man:x:15:man
cron:x:16:cron
console:x:17:
audio:x:18:
cdrom:x:19:
dialout:x:20:root
ftp:x:21:
sshd:x:22:
input:x:23:
at:x:25:at
tape:x:26:root
video:x:27:root
netdev:x:28:
readproc:x:30:
squid:x:31:squid
xfs:x:33:xfs
kvm:x:34:kvm
games:x:35:
shadow:x:42:
cdrw:x:80:
www-data:x:82:
usb:x:85:
vpopmail:x:89:
users:x:100:games
ntp:x:123:
nofiles:x:200:
smmsp:x:209:smmsp
locate:x:245:
abuild:x:300:
utmp:x:406:
ping:x:999:
nogroup:x:65533:
nobody:x:65534:
";

/// `alpine:3.19`.
pub fn alpine319() -> Builder {
    let mut b = Builder::new("alpine", Userland::Busybox, Some(Dialect::Ash));
    build::fhs(&mut b);
    build::split_usr(&mut b);
    b.remove("/boot")
        .remove("/var/backups")
        .remove("/usr/include")
        .remove("/usr/src");
    b.dirs(&[
        "/etc/apk",
        "/etc/apk/keys",
        "/etc/apk/protected_paths.d",
        "/etc/conf.d",
        "/etc/crontabs",
        "/etc/init.d",
        "/etc/modprobe.d",
        "/etc/network",
        "/etc/opt",
        "/etc/periodic",
        "/etc/profile.d",
        "/etc/ssl",
        "/lib/apk",
        "/lib/apk/db",
        "/usr/lib/apk",
        "/var/cache/apk",
        "/var/empty",
        "/var/lib/apk",
        "/var/lib/misc",
    ]);
    // As the 3.19.4 tarball has them: /var/mail root 0755, /var/lock a directory.
    b.dir("/var/mail", 0o755, 0, 0);
    b.dir("/var/lock", 0o755, 0, 0)
        .dir("/var/lock/subsys", 0o755, 0, 0);
    b.dir("/var/spool/cron", 0o755, 0, 0);
    b.link("/var/run", "/run")
        .link("/var/spool/mail", "/var/mail")
        .link("/var/spool/cron/crontabs", "/etc/crontabs");
    b.programs("/bin", BIN)
        .programs("/sbin", SBIN)
        .programs("/usr/bin", USR_BIN)
        .programs("/usr/sbin", USR_SBIN);
    b.text("/etc/passwd", PASSWD).text("/etc/group", GROUP);
    // 3.19.4: the point release of docker-alpine's v3.19 tarball (later 3.19.x builds, if any,
    // are not in that source).
    b.text("/etc/alpine-release", "3.19.4\n");
    b.text(
        "/etc/os-release",
        "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.4\nPRETTY_NAME=\"Alpine Linux v3.19\"\nHOME_URL=\"https://alpinelinux.org/\"\nBUG_REPORT_URL=\"https://gitlab.alpinelinux.org/alpine/aports/-/issues\"\n",
    );
    b.text(
        "/etc/apk/repositories",
        "https://dl-cdn.alpinelinux.org/alpine/v3.19/main\nhttps://dl-cdn.alpinelinux.org/alpine/v3.19/community\n",
    );
    b.text("/etc/shells", "# valid login shells\n/bin/sh\n/bin/ash\n");
    b
}

/// Sizes of the program files of `alpine-minirootfs-3.19.4-x86_64.tar.gz` (`tar tv`): busybox
/// 1.36.1, apk-tools, musl-utils (`ldd` and `ldconfig` are scripts), scanelf, ssl_client.
const SIZES_3_19_4: &[(&str, u64)] = &[
    ("/bin/busybox", 808_712),
    ("/sbin/apk", 69_648),
    ("/sbin/ldconfig", 393),
    ("/usr/bin/getconf", 35_488),
    ("/usr/bin/getent", 44_952),
    ("/usr/bin/iconv", 24_576),
    ("/usr/bin/ldd", 52),
    ("/usr/bin/scanelf", 67_528),
    ("/usr/bin/ssl_client", 14_400),
];

/// The `alpine:3.19` image: [`alpine319`] with its binaries' real sizes (images built on it
/// from their own older Alpine, like webapp-color, do not get them).
pub fn alpine319_image() -> RootFs {
    let mut b = alpine319();
    b.sizes(SIZES_3_19_4);
    b.finish()
}

/// `kodekloud/webapp-color`: a Flask app on `python:3.6-alpine` (`WORKDIR /opt`, `app.py`,
/// `ENTRYPOINT ["python", "app.py"]`). UNSURE: its Dockerfile is not published with the image;
/// the python image puts python in /usr/local/bin; the Alpine release (3.x of python:3.6-alpine's
/// day) is taken as 3.19's layout.
pub fn webapp_color() -> RootFs {
    let mut b = alpine319();
    b.programs(
        "/usr/local/bin",
        &[
            "python",
            "python3",
            "python3.6",
            "pip",
            "pip3",
            "pip3.6",
            "pydoc3",
            "idle3",
            "2to3",
        ],
    );
    b.dir("/opt", 0o755, 0, 0);
    b.dir("/opt/templates", 0o755, 0, 0);
    b.finish()
}

/// `registry.k8s.io/ingress-nginx/controller`: the controller on Alpine (`ENTRYPOINT
/// ["/usr/bin/dumb-init", "--"]`, `/nginx-ingress-controller` and the nginx it configures).
/// kubelab answers for it on port 80 (`world/traffic/ingress.rs`).
pub fn ingress_nginx() -> RootFs {
    let mut b = alpine319();
    b.programs("/usr/bin", &["dumb-init"]);
    b.programs("/", &["nginx-ingress-controller", "dbg", "wait-shutdown"]);
    b.programs("/usr/bin", &["nginx"]);
    b.finish()
}
