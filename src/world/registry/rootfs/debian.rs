//! Debian images (`debian:*-slim`, the base of nginx, httpd, redis, jenkins): the `required`
//! packages debootstrap installs, as the docker-library/debian images (debuerreotype) ship them.
//! `/bin/sh` is dash, bash is there, GNU coreutils; no procps (`ps`), no iproute2, no ping, no
//! curl or wget, no editor. Sources: Debian package lists of the `required` priority per release
//! (`coreutils`, `bash`, `dash`, `grep`, `sed`, `tar`, `gzip`, `findutils`, `diffutils`,
//! `util-linux`, `mount`, `hostname`, `login`, `passwd`, `debianutils`, `ncurses-bin`,
//! `perl-base`, `mawk`, `libc-bin`, `dpkg`, `apt`, `base-passwd`, `base-files`, `sysvinit-utils`,
//! `bsdutils`); `/etc/passwd` and `/etc/group` from base-passwd's master files.

use super::build::{self, Builder};
use crate::shell::{Dialect, Userland};

/// A Debian release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Release {
    /// Debian 7.
    Wheezy,
    /// Debian 9.
    Stretch,
    /// Debian 12.
    Bookworm,
}

/// `/etc/os-release` (Debian ships it as `/usr/lib/os-release`, with `/etc/os-release` a link).
pub fn os_release(r: Release) -> &'static str {
    match r {
        // UNSURE: wheezy's base-files 7.1wheezy text, from memory (no wheezy rootfs or base-files
        // source in reach).
        Release::Wheezy => {
            "PRETTY_NAME=\"Debian GNU/Linux 7 (wheezy)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"7\"\nVERSION=\"7 (wheezy)\"\nID=debian\nANSI_COLOR=\"1;31\"\nHOME_URL=\"http://www.debian.org/\"\nSUPPORT_URL=\"http://www.debian.org/support/\"\nBUG_REPORT_URL=\"http://bugs.debian.org/\"\n"
        }
        Release::Stretch => {
            "PRETTY_NAME=\"Debian GNU/Linux 9 (stretch)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"9\"\nVERSION=\"9 (stretch)\"\nVERSION_CODENAME=stretch\nID=debian\nHOME_URL=\"https://www.debian.org/\"\nSUPPORT_URL=\"https://www.debian.org/support\"\nBUG_REPORT_URL=\"https://bugs.debian.org/\"\n"
        }
        Release::Bookworm => {
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL=\"https://www.debian.org/\"\nSUPPORT_URL=\"https://www.debian.org/support\"\nBUG_REPORT_URL=\"https://bugs.debian.org/\"\n"
        }
    }
}

/// `/etc/debian_version`.
fn debian_version(r: Release) -> &'static str {
    match r {
        // UNSURE: the point release depends on the image's build date (docker-debian-artifacts'
        // dist branches keep only the newest tarballs, and not for these releases).
        Release::Wheezy => "7.8\n",
        Release::Stretch => "9.8\n",
        Release::Bookworm => "12.4\n",
    }
}

/// base-passwd's `/etc/passwd` for bookworm (3.6: `_apt` is uid 42, no gnats, irc home in /run).
pub const PASSWD_BOOKWORM: &str = "root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
games:x:5:60:games:/usr/games:/usr/sbin/nologin
man:x:6:12:man:/var/cache/man:/usr/sbin/nologin
lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin
mail:x:8:8:mail:/var/mail:/usr/sbin/nologin
news:x:9:9:news:/var/spool/news:/usr/sbin/nologin
uucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin
proxy:x:13:13:proxy:/bin:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
backup:x:34:34:backup:/var/backups:/usr/sbin/nologin
list:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin
irc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin
_apt:x:42:65534::/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
";

/// base-passwd's `/etc/passwd` before bookworm (stretch; Ubuntu 18.04/20.04 alike but for
/// `_apt`'s shell).
const PASSWD_STRETCH: &str = "root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
games:x:5:60:games:/usr/games:/usr/sbin/nologin
man:x:6:12:man:/var/cache/man:/usr/sbin/nologin
lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin
mail:x:8:8:mail:/var/mail:/usr/sbin/nologin
news:x:9:9:news:/var/spool/news:/usr/sbin/nologin
uucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin
proxy:x:13:13:proxy:/bin:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
backup:x:34:34:backup:/var/backups:/usr/sbin/nologin
list:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin
irc:x:39:39:ircd:/var/run/ircd:/usr/sbin/nologin
gnats:x:41:41:Gnats Bug-Reporting System (admin):/var/lib/gnats:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
_apt:x:100:65534::/nonexistent:/bin/false
";

// UNSURE: wheezy's base-passwd gave system users /bin/sh; libuuid came from util-linux.
const PASSWD_WHEEZY: &str = "root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/bin/sh
bin:x:2:2:bin:/bin:/bin/sh
sys:x:3:3:sys:/dev:/bin/sh
sync:x:4:65534:sync:/bin:/bin/sync
games:x:5:60:games:/usr/games:/bin/sh
man:x:6:12:man:/var/cache/man:/bin/sh
lp:x:7:7:lp:/var/spool/lpd:/bin/sh
mail:x:8:8:mail:/var/mail:/bin/sh
news:x:9:9:news:/var/spool/news:/bin/sh
uucp:x:10:10:uucp:/var/spool/uucp:/bin/sh
proxy:x:13:13:proxy:/bin:/bin/sh
www-data:x:33:33:www-data:/var/www:/bin/sh
backup:x:34:34:backup:/var/backups:/bin/sh
list:x:38:38:Mailing List Manager:/var/list:/bin/sh
irc:x:39:39:ircd:/var/run/ircd:/bin/sh
gnats:x:41:41:Gnats Bug-Reporting System (admin):/var/lib/gnats:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/sh
libuuid:x:100:101::/var/lib/libuuid:/bin/sh
";

/// base-passwd's `/etc/group` (bookworm drops gnats).
pub const GROUP_BOOKWORM: &str = "root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
news:x:9:
uucp:x:10:
man:x:12:
proxy:x:13:
kmem:x:15:
dialout:x:20:
fax:x:21:
voice:x:22:
cdrom:x:24:
floppy:x:25:
tape:x:26:
sudo:x:27:
audio:x:29:
dip:x:30:
www-data:x:33:
backup:x:34:
operator:x:37:
list:x:38:
irc:x:39:
src:x:40:
shadow:x:42:
utmp:x:43:
video:x:44:
sasl:x:45:
plugdev:x:46:
staff:x:50:
games:x:60:
users:x:100:
nogroup:x:65534:
";

/// base-passwd's `/etc/group` with gnats (stretch, Ubuntu).
pub const GROUP_CLASSIC: &str = "root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
news:x:9:
uucp:x:10:
man:x:12:
proxy:x:13:
kmem:x:15:
dialout:x:20:
fax:x:21:
voice:x:22:
cdrom:x:24:
floppy:x:25:
tape:x:26:
sudo:x:27:
audio:x:29:
dip:x:30:
www-data:x:33:
backup:x:34:
operator:x:37:
list:x:38:
irc:x:39:
src:x:40:
gnats:x:41:
shadow:x:42:
utmp:x:43:
video:x:44:
sasl:x:45:
plugdev:x:46:
staff:x:50:
games:x:60:
users:x:100:
nogroup:x:65534:
";

/// GNU coreutils' programs (in `/bin` or `/usr/bin`, by the FHS split Debian uses).
#[rustfmt::skip]
pub const COREUTILS_BIN: &[&str] = &[
    "cat", "chgrp", "chmod", "chown", "cp", "date", "dd", "df", "dir", "echo", "false", "ln", "ls",
    "mkdir", "mknod", "mktemp", "mv", "pwd", "readlink", "rm", "rmdir", "sleep", "stty", "sync",
    "touch", "true", "uname", "vdir",
];
/// GNU coreutils' programs in `/usr/bin`.
#[rustfmt::skip]
pub const COREUTILS_USR_BIN: &[&str] = &[
    "[", "arch", "b2sum", "base32", "base64", "basename", "chcon", "cksum", "comm", "csplit", "cut",
    "dircolors", "dirname", "du", "env", "expand", "expr", "factor", "fmt", "fold", "groups",
    "head", "hostid", "id", "install", "join", "link", "logname", "md5sum", "mkfifo", "nice", "nl",
    "nohup", "nproc", "numfmt", "od", "paste", "pathchk", "pinky", "pr", "printenv", "printf",
    "ptx", "realpath", "runcon", "seq", "sha1sum", "sha224sum", "sha256sum", "sha384sum",
    "sha512sum", "shred", "shuf", "sort", "split", "stat", "stdbuf", "sum", "tac", "tail", "tee",
    "test", "timeout", "tr", "truncate", "tsort", "tty", "unexpand", "uniq", "unlink", "users",
    "wc", "who", "whoami", "yes",
];

/// The `required` packages' other programs in `/bin` (non-merged layout).
const BIN: &[&str] = &[
    "bash",
    "dash",
    "sh",
    "rbash",
    "grep",
    "egrep",
    "fgrep",
    "sed",
    "tar",
    "gzip",
    "gunzip",
    "zcat",
    "uncompress",
    "hostname",
    "dnsdomainname",
    "domainname",
    "nisdomainname",
    "ypdomainname",
    "login",
    "su",
    "mount",
    "umount",
    "more",
    "findmnt",
    "lsblk",
    "wdctl",
    "dmesg",
    "run-parts",
    "tempfile",
    "which",
    "mountpoint",
    "pidof",
    "zegrep",
    "zfgrep",
    "zgrep",
    "zless",
    "zmore",
    "znew",
    "zcmp",
    "zdiff",
    "zforce",
    "gzexe",
];
/// ... and in `/usr/bin`.
#[rustfmt::skip]
const USR_BIN: &[&str] = &[
    "find", "xargs", "diff", "diff3", "sdiff", "cmp", "awk", "mawk", "getent", "iconv", "ldd",
    "locale", "localedef", "getconf", "catchsegv", "perl", "clear", "tput", "tset", "reset",
    "infocmp", "tabs", "tic", "toe", "captoinfo", "infotocap", "dpkg", "dpkg-deb", "dpkg-divert",
    "dpkg-maintscript-helper", "dpkg-query", "dpkg-split", "dpkg-statoverride", "dpkg-trigger",
    "update-alternatives", "apt", "apt-get", "apt-cache", "apt-cdrom", "apt-config", "apt-key",
    "apt-mark", "passwd", "chage", "chfn", "chsh", "expiry", "gpasswd", "newgrp", "sg", "faillog",
    "lastlog", "flock", "getopt", "ionice", "ipcmk", "ipcrm", "ipcs", "logger", "lscpu", "lsipc",
    "lslocks", "lslogins", "lsmem", "lsns", "mcookie", "mesg", "namei", "nsenter", "prlimit",
    "renice", "rev", "script", "scriptreplay", "setarch", "setsid", "setterm", "taskset", "unshare",
    "utmpdump", "wall", "whereis", "savelog", "ischroot", "fallocate", "choom", "linux32",
    "linux64", "pldd", "zdump", "addpart", "delpart", "partx", "resizepart", "chrt", "fincore",
    "lsirq", "uclampset",
];
/// ... and in `/sbin` / `/usr/sbin`.
#[rustfmt::skip]
const SBIN: &[&str] = &[
    "ldconfig", "start-stop-daemon", "agetty", "blkid", "blockdev", "chcpu", "ctrlaltdel", "fdisk",
    "sfdisk", "cfdisk", "findfs", "fsck", "fsfreeze", "fstrim", "getty", "hwclock", "losetup",
    "mkfs", "mkswap", "pivot_root", "runuser", "shadowconfig", "sulogin", "swapoff", "swaplabel",
    "swapon", "switch_root", "unix_chkpwd", "wipefs", "zramctl", "killall5", "installkernel",
    "fstab-decode", "isosize",
];
#[rustfmt::skip]
const USR_SBIN: &[&str] = &[
    "add-shell", "remove-shell", "update-shells", "chpasswd", "chgpasswd", "chroot", "cpgr", "cppw",
    "groupadd", "groupdel", "groupmems", "groupmod", "grpck", "grpconv", "grpunconv", "newusers",
    "nologin", "pwck", "pwconv", "pwunconv", "useradd", "userdel", "usermod", "vigr", "vipw",
    "dpkg-preconfigure", "dpkg-reconfigure", "iconvconfig", "pam-auth-update", "pam_getenv",
    "pam_timestamp_check", "readprofile", "rmt", "rmt-tar", "rtcwake", "tarcat", "zic",
    "invoke-rc.d", "service", "update-rc.d", "policy-rc.d",
];

/// Programs a release lacks or adds.
fn adjust(b: &mut Builder, r: Release, bin: &str, sbin: &str, usr_bin: &str) {
    // UNSURE: the per-release moves below are from the packages' changelogs as remembered.
    match r {
        // Read from the packages themselves (bookworm.rs).
        Release::Bookworm => {}
        Release::Stretch => {
            b.without_programs(sbin, &["fdisk", "sfdisk", "cfdisk"]);
            // util-linux 2.29 predates these.
            b.without_programs(
                usr_bin,
                &["choom", "lsirq", "uclampset", "fincore", "lsmem"],
            );
        }
        Release::Wheezy => {
            // coreutils 8.13 and util-linux 2.20 predate these.
            #[rustfmt::skip]
            b.without_programs(usr_bin, &[
                "b2sum", "base32", "numfmt", "realpath", "choom", "lsirq", "uclampset", "fincore",
                "lsns", "lsipc", "lslogins", "lsmem", "ipcmk", "apt", "prlimit", "nsenter",
                "fallocate", "utmpdump", "zdump", "ischroot", "resizepart", "chrt",
            ]);
            b.without_programs(bin, &["findmnt", "lsblk", "wdctl"]);
        }
    }
}

/// The programs of the releases before bookworm: the `required` packages' programs by the FHS
/// split Debian used then. UNSURE: from the package lists as remembered, with the per-release
/// differences in `adjust`.
fn older_programs(b: &mut Builder, r: Release, bin: &str, sbin: &str) {
    b.programs(bin, COREUTILS_BIN)
        .programs("/usr/bin", COREUTILS_USR_BIN)
        .programs(bin, BIN)
        .programs("/usr/bin", USR_BIN)
        .programs(sbin, SBIN)
        .programs("/usr/sbin", USR_SBIN);
    // chroot is /usr/sbin/chroot in Debian (coreutils), not in /bin.
    adjust(b, r, bin, sbin, "/usr/bin");
}

/// A `debian:<release>-slim` image.
pub fn debian(r: Release) -> Builder {
    let mut b = Builder::new("debian", Userland::Gnu, Some(Dialect::Dash));
    build::fhs(&mut b);
    let merged = r == Release::Bookworm;
    if merged {
        build::merged_usr(&mut b);
    } else {
        build::split_usr(&mut b);
    }
    let (bin, sbin) = if merged {
        ("/usr/bin", "/usr/sbin")
    } else {
        ("/bin", "/sbin")
    };
    if r == Release::Bookworm {
        b.programs("/usr/bin", super::bookworm::USR_BIN)
            .programs("/usr/sbin", super::bookworm::USR_SBIN);
    } else {
        older_programs(&mut b, r, bin, sbin);
    }

    b.dirs(&[
        "/etc/apt",
        "/etc/apt/apt.conf.d",
        "/etc/apt/preferences.d",
        "/etc/apt/sources.list.d",
        "/etc/apt/trusted.gpg.d",
        "/etc/default",
        "/etc/dpkg",
        "/etc/init.d",
        "/etc/skel",
        "/etc/profile.d",
        "/etc/security",
        "/etc/systemd",
        "/usr/games",
        "/usr/libexec",
        "/usr/share/doc",
        "/usr/share/man",
        "/usr/share/zoneinfo",
        "/var/cache/apt",
        "/var/cache/debconf",
        "/var/lib/apt",
        "/var/lib/apt/lists",
        "/var/lib/dpkg",
        "/var/lib/misc",
        "/var/log/apt",
    ]);
    b.dir("/var/mail", 0o2775, 0, 8);
    b.dir("/var/local", 0o2775, 0, 50);
    b.dir("/var/lib/apt/lists/partial", 0o700, 42, 0);
    b.dir("/var/cache/apt/archives/partial", 0o700, 42, 0);
    b.dir("/run/lock", 0o1777, 0, 0);
    b.link("/var/run", "/run");
    b.link("/var/lock", "/run/lock");
    if !merged {
        b.dir("/var/lib/apt/lists/partial", 0o700, 100, 0);
        b.dir("/var/cache/apt/archives/partial", 0o700, 100, 0);
    }
    let (passwd, group) = match r {
        Release::Bookworm => (PASSWD_BOOKWORM, GROUP_BOOKWORM),
        Release::Stretch => (PASSWD_STRETCH, GROUP_CLASSIC),
        Release::Wheezy => (PASSWD_WHEEZY, GROUP_CLASSIC),
    };
    b.text("/etc/passwd", passwd).text("/etc/group", group);
    if r == Release::Wheezy {
        build::add_group(&mut b, "libuuid", 101);
    }
    // Not described (a gap): /etc/shadow and /etc/gshadow (0640 root:shadow); their dates
    // are the build's.
    b.text("/usr/lib/os-release", os_release(r));
    b.link("/etc/os-release", "../usr/lib/os-release");
    b.text("/etc/debian_version", debian_version(r));
    b.text("/etc/shells", if merged {
        "# /etc/shells: valid login shells\n/bin/sh\n/usr/bin/sh\n/bin/bash\n/usr/bin/bash\n/bin/rbash\n/usr/bin/rbash\n/bin/dash\n/usr/bin/dash\n"
    } else {
        "# /etc/shells: valid login shells\n/bin/sh\n/bin/dash\n/bin/bash\n/bin/rbash\n"
    });
    b.text("/etc/timezone", "Etc/UTC\n");
    b.link("/etc/localtime", "/usr/share/zoneinfo/Etc/UTC");
    // The kubelet writes /etc/hostname, /etc/hosts and /etc/resolv.conf; the image's own are
    // hidden by those bind mounts, so they are not described.
    b
}
