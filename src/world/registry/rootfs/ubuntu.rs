//! Ubuntu images (`ubuntu:16.04` ... `22.04`, the minimized cloud root file systems the Docker
//! images are): the same `required` package set as Debian (bash, dash as `/bin/sh`, GNU
//! coreutils, apt), no procps (`ps`), no curl/wget, no editor. Merged /usr from 20.04 on.

use super::build::{self, Builder};
use super::debian::{COREUTILS_BIN, COREUTILS_USR_BIN, GROUP_CLASSIC};
use crate::shell::{Dialect, Userland};

/// An Ubuntu release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Release {
    Xenial,
    Bionic,
    Focal,
    Jammy,
}

/// `/etc/os-release` (a link to `/usr/lib/os-release`). UNSURE: the point release (`.6`, `.4`)
/// depends on the image's build date; no Ubuntu rootfs tarball was in reach to read it from.
pub fn os_release(r: Release) -> &'static str {
    match r {
        Release::Xenial => {
            "NAME=\"Ubuntu\"\nVERSION=\"16.04.7 LTS (Xenial Xerus)\"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME=\"Ubuntu 16.04.7 LTS\"\nVERSION_ID=\"16.04\"\nHOME_URL=\"http://www.ubuntu.com/\"\nSUPPORT_URL=\"http://help.ubuntu.com/\"\nBUG_REPORT_URL=\"http://bugs.launchpad.net/ubuntu/\"\nVERSION_CODENAME=xenial\nUBUNTU_CODENAME=xenial\n"
        }
        Release::Bionic => {
            "NAME=\"Ubuntu\"\nVERSION=\"18.04.6 LTS (Bionic Beaver)\"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME=\"Ubuntu 18.04.6 LTS\"\nVERSION_ID=\"18.04\"\nHOME_URL=\"https://www.ubuntu.com/\"\nSUPPORT_URL=\"https://help.ubuntu.com/\"\nBUG_REPORT_URL=\"https://bugs.launchpad.net/ubuntu/\"\nPRIVACY_POLICY_URL=\"https://www.ubuntu.com/legal/terms-and-policies/privacy-policy\"\nVERSION_CODENAME=bionic\nUBUNTU_CODENAME=bionic\n"
        }
        Release::Focal => {
            "NAME=\"Ubuntu\"\nVERSION=\"20.04.6 LTS (Focal Fossa)\"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME=\"Ubuntu 20.04.6 LTS\"\nVERSION_ID=\"20.04\"\nHOME_URL=\"https://www.ubuntu.com/\"\nSUPPORT_URL=\"https://help.ubuntu.com/\"\nBUG_REPORT_URL=\"https://bugs.launchpad.net/ubuntu/\"\nPRIVACY_POLICY_URL=\"https://www.ubuntu.com/legal/terms-and-policies/privacy-policy\"\nVERSION_CODENAME=focal\nUBUNTU_CODENAME=focal\n"
        }
        Release::Jammy => {
            "PRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nVERSION=\"22.04.4 LTS (Jammy Jellyfish)\"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\nHOME_URL=\"https://www.ubuntu.com/\"\nSUPPORT_URL=\"https://help.ubuntu.com/\"\nBUG_REPORT_URL=\"https://bugs.launchpad.net/ubuntu/\"\nPRIVACY_POLICY_URL=\"https://www.ubuntu.com/legal/terms-and-policies/privacy-policy\"\nUBUNTU_CODENAME=jammy\n"
        }
    }
}

/// base-passwd's `/etc/passwd` on Ubuntu (irc's home moved to /run in 22.04).
fn passwd(r: Release) -> String {
    let irc = if r == Release::Jammy {
        "/run/ircd"
    } else {
        "/var/run/ircd"
    };
    let apt_shell = if r == Release::Xenial {
        "/bin/false"
    } else {
        "/usr/sbin/nologin"
    };
    format!(
        "root:x:0:0:root:/root:/bin/bash
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
irc:x:39:39:ircd:{irc}:/usr/sbin/nologin
gnats:x:41:41:Gnats Bug-Reporting System (admin):/var/lib/gnats:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
_apt:x:100:65534::/nonexistent:{apt_shell}
"
    )
}

#[rustfmt::skip]
const BIN: &[&str] = &[
    "bash", "dash", "sh", "rbash", "grep", "egrep", "fgrep", "sed", "tar", "gzip", "gunzip", "zcat",
    "uncompress", "hostname", "dnsdomainname", "domainname", "nisdomainname", "ypdomainname",
    "login", "su", "mount", "umount", "more", "findmnt", "lsblk", "wdctl", "dmesg", "run-parts",
    "which", "mountpoint", "zegrep", "zfgrep", "zgrep", "zless", "zmore", "znew", "zcmp", "zdiff",
    "zforce", "gzexe",
];
#[rustfmt::skip]
const USR_BIN: &[&str] = &[
    "find", "xargs", "diff", "diff3", "sdiff", "cmp", "awk", "mawk", "getent", "iconv", "ldd",
    "locale", "localedef", "getconf", "perl", "clear", "tput", "tset", "reset", "infocmp", "tabs",
    "tic", "toe", "dpkg", "dpkg-deb", "dpkg-divert", "dpkg-maintscript-helper", "dpkg-query",
    "dpkg-split", "dpkg-statoverride", "dpkg-trigger", "update-alternatives", "apt", "apt-get",
    "apt-cache", "apt-cdrom", "apt-config", "apt-key", "apt-mark", "passwd", "chage", "chfn",
    "chsh", "expiry", "gpasswd", "newgrp", "sg", "faillog", "lastlog", "flock", "getopt", "ionice",
    "ipcmk", "ipcrm", "ipcs", "logger", "lscpu", "mcookie", "mesg", "namei", "nsenter", "prlimit",
    "renice", "rev", "script", "scriptreplay", "setarch", "setsid", "setterm", "taskset", "unshare",
    "wall", "whereis", "savelog", "ischroot", "fallocate", "linux32", "linux64",
];
#[rustfmt::skip]
const SBIN: &[&str] = &[
    "ldconfig", "start-stop-daemon", "agetty", "blkid", "blockdev", "fdisk", "sfdisk", "findfs",
    "fsck", "fstrim", "getty", "hwclock", "losetup", "mkfs", "mkswap", "pivot_root", "runuser",
    "sulogin", "swapoff", "swapon", "switch_root", "unix_chkpwd", "wipefs", "killall5",
    "installkernel",
];
#[rustfmt::skip]
const USR_SBIN: &[&str] = &[
    "add-shell", "remove-shell", "chpasswd", "chroot", "groupadd", "groupdel", "groupmod",
    "newusers", "nologin", "pwck", "useradd", "userdel", "usermod", "vigr", "vipw",
    "dpkg-preconfigure", "dpkg-reconfigure", "pam-auth-update", "invoke-rc.d", "service",
    "update-rc.d", "zic",
];

/// An `ubuntu:<release>` image.
pub fn ubuntu(r: Release) -> Builder {
    let mut b = Builder::new("ubuntu", Userland::Gnu, Some(Dialect::Dash));
    build::fhs(&mut b);
    let merged = matches!(r, Release::Focal | Release::Jammy);
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
    b.programs(bin, COREUTILS_BIN)
        .programs("/usr/bin", COREUTILS_USR_BIN)
        .programs(bin, BIN)
        .programs("/usr/bin", USR_BIN)
        .programs(sbin, SBIN)
        .programs("/usr/sbin", USR_SBIN);
    if r != Release::Xenial {
        // fdisk is its own (non-required) package from 18.04 on; the minimized images of 18.04
        // on have /usr/local/sbin/unminimize.
        b.without_programs(sbin, &["fdisk", "sfdisk"]);
        b.program("/usr/local/sbin/unminimize");
    }
    if matches!(r, Release::Xenial) {
        // UNSURE: coreutils 8.25 predates b2sum (8.26); but util-linux's prlimit.c dates from
        // 2011 (2.21), so xenial's 2.27.1 likely has prlimit: no xenial file list here to settle it.
        b.without_programs("/usr/bin", &["b2sum", "prlimit"]);
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
        "/usr/games",
        "/usr/share/doc",
        "/var/cache/apt",
        "/var/lib/apt",
        "/var/lib/apt/lists",
        "/var/lib/dpkg",
        "/var/lib/misc",
        "/var/log/apt",
    ]);
    b.dir("/var/mail", 0o2775, 0, 8);
    b.dir("/var/local", 0o2775, 0, 50);
    b.dir("/run/lock", 0o1777, 0, 0);
    b.link("/var/run", "/run").link("/var/lock", "/run/lock");
    b.text("/etc/passwd", &passwd(r))
        .text("/etc/group", GROUP_CLASSIC);
    b.text("/usr/lib/os-release", os_release(r));
    b.link("/etc/os-release", "../usr/lib/os-release");
    b.text(
        "/etc/shells",
        if merged {
            "# /etc/shells: valid login shells\n/bin/sh\n/bin/bash\n/usr/bin/bash\n/bin/rbash\n/usr/bin/rbash\n/bin/dash\n/usr/bin/dash\n"
        } else {
            "# /etc/shells: valid login shells\n/bin/sh\n/bin/bash\n/bin/rbash\n/bin/dash\n"
        },
    );
    b
}
