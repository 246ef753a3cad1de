//! The programs of Debian 12 (bookworm): every file in `/bin`, `/sbin`, `/usr/bin`, `/usr/sbin`
//! of the packages of priority `required` (what debootstrap's minbase variant, hence
//! `debian:bookworm-slim`, installs: apt, base-files, base-passwd, bash, bsdutils, coreutils,
//! dash, debconf, debianutils, diffutils, dpkg, e2fsprogs, findutils, grep, gzip, hostname,
//! init-system-helpers, libc-bin, login, mawk, mount, ncurses-bin, passwd, perl-base, sed,
//! sensible-utils, sysvinit-utils, tar, tzdata, util-linux, the PAM packages), read from the
//! packages' file lists (`dpkg -L`, bookworm 12.11: coreutils 9.1, util-linux 2.38.1, bash
//! 5.2.15, apt 2.6.1), placed under /usr (merged /usr), plus the alternatives their maintainer
//! scripts make (`awk`, `nawk` → mawk, `which`, `rmt`). No procps (`ps`), no iproute2, no ping,
//! no curl, no wget, no editor.

/// Programs in `/usr/bin`.
#[rustfmt::skip]
pub const USR_BIN: &[&str] = &[
    "[", "addpart", "apt", "apt-cache", "apt-cdrom", "apt-config", "apt-get", "apt-key", "apt-mark",
    "arch", "awk", "b2sum", "base32", "base64", "basename", "basenc", "bash", "bashbug",
    "captoinfo", "cat", "chage", "chattr", "chcon", "chfn", "chgrp", "chmod", "choom", "chown",
    "chrt", "chsh", "cksum", "clear", "clear_console", "cmp", "comm", "cp", "csplit", "cut", "dash",
    "date", "dd", "deb-systemd-helper", "deb-systemd-invoke", "debconf", "debconf-apt-progress",
    "debconf-communicate", "debconf-copydb", "debconf-escape", "debconf-set-selections",
    "debconf-show", "delpart", "df", "diff", "diff3", "dir", "dircolors", "dirname", "dmesg",
    "dnsdomainname", "domainname", "dpkg", "dpkg-deb", "dpkg-divert", "dpkg-maintscript-helper",
    "dpkg-query", "dpkg-realpath", "dpkg-split", "dpkg-statoverride", "dpkg-trigger", "du", "echo",
    "egrep", "env", "expand", "expiry", "expr", "factor", "faillog", "fallocate", "false", "fgrep",
    "find", "findmnt", "flock", "fmt", "fold", "getconf", "getent", "getopt", "gpasswd", "grep",
    "groups", "gunzip", "gzexe", "gzip", "hardlink", "head", "hostid", "hostname", "i386", "iconv",
    "id", "infocmp", "infotocap", "install", "ionice", "ipcmk", "ipcrm", "ipcs", "ischroot", "join",
    "last", "lastb", "lastlog", "ld.so", "ldd", "link", "linux32", "linux64", "ln", "locale",
    "localedef", "logger", "login", "logname", "ls", "lsattr", "lsblk", "lscpu", "lsipc", "lslocks",
    "lslogins", "lsmem", "lsns", "mawk", "mcookie", "md5sum", "md5sum.textutils", "mesg", "mkdir",
    "mkfifo", "mknod", "mktemp", "more", "mount", "mountpoint", "mv", "namei", "nawk", "newgrp",
    "nice", "nisdomainname", "nl", "nohup", "nproc", "nsenter", "numfmt", "od", "partx", "passwd",
    "paste", "pathchk", "perl", "perl5.36.0", "pidof", "pinky", "pldd", "pr", "printenv", "printf",
    "prlimit", "ptx", "pwd", "rbash", "readlink", "realpath", "rename.ul", "renice", "reset",
    "resizepart", "rev", "rgrep", "rm", "rmdir", "run-parts", "runcon", "savelog", "script",
    "scriptlive", "scriptreplay", "sdiff", "sed", "select-editor", "sensible-browser",
    "sensible-editor", "sensible-pager", "seq", "setarch", "setpriv", "setsid", "setterm", "sg",
    "sh", "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum", "shred", "shuf", "sleep",
    "sort", "split", "stat", "stdbuf", "stty", "su", "sum", "sync", "tabs", "tac", "tail", "tar",
    "taskset", "tee", "tempfile", "test", "tic", "timeout", "toe", "touch", "tput", "tr", "true",
    "truncate", "tset", "tsort", "tty", "tzselect", "uclampset", "umount", "uname", "uncompress",
    "unexpand", "uniq", "unlink", "unshare", "update-alternatives", "users", "utmpdump", "vdir",
    "wall", "wc", "wdctl", "whereis", "which", "which.debianutils", "who", "whoami", "x86_64",
    "xargs", "yes", "ypdomainname", "zcat", "zcmp", "zdiff", "zdump", "zegrep", "zfgrep", "zforce",
    "zgrep", "zless", "zmore", "znew",
];

/// Programs in `/usr/sbin`.
#[rustfmt::skip]
pub const USR_SBIN: &[&str] = &[
    "add-shell", "agetty", "badblocks", "blkdiscard", "blkid", "blkzone", "blockdev", "chcpu",
    "chgpasswd", "chmem", "chpasswd", "chroot", "cpgr", "cppw", "ctrlaltdel", "debugfs",
    "dpkg-fsys-usrunmess", "dpkg-preconfigure", "dpkg-reconfigure", "dumpe2fs", "e2freefrag",
    "e2fsck", "e2image", "e2label", "e2mmpstatus", "e2scrub", "e2scrub_all", "e2undo", "e4crypt",
    "e4defrag", "faillock", "filefrag", "findfs", "fsck", "fsck.cramfs", "fsck.ext2", "fsck.ext3",
    "fsck.ext4", "fsck.minix", "fsfreeze", "fstab-decode", "fstrim", "getty", "groupadd",
    "groupdel", "groupmems", "groupmod", "grpck", "grpconv", "grpunconv", "iconvconfig",
    "installkernel", "invoke-rc.d", "isosize", "killall5", "ldattach", "ldconfig", "losetup",
    "mke2fs", "mkfs", "mkfs.bfs", "mkfs.cramfs", "mkfs.ext2", "mkfs.ext3", "mkfs.ext4",
    "mkfs.minix", "mkhomedir_helper", "mklost+found", "mkswap", "newusers", "nologin",
    "pam-auth-update", "pam_getenv", "pam_namespace_helper", "pam_timestamp_check", "pivot_root",
    "pwck", "pwconv", "pwhistory_helper", "pwunconv", "readprofile", "remove-shell", "resize2fs",
    "rmt", "rmt-tar", "rtcwake", "runuser", "service", "shadowconfig", "start-stop-daemon",
    "sulogin", "swaplabel", "swapoff", "swapon", "switch_root", "tarcat", "tune2fs", "unix_chkpwd",
    "unix_update", "update-passwd", "update-rc.d", "update-shells", "useradd", "userdel", "usermod",
    "vigr", "vipw", "wipefs", "zic", "zramctl",
];
