//! Red Hat family images: UBI 8/9 (bash, GNU coreutils, dnf/yum, merged /usr), the UBI 9 s2i
//! images (nginx-120, php-81: user `default` 1001 with home /opt/app-root/src), Keycloak 20
//! (ubi9-micro + java-17-openjdk-headless, user keycloak 1000) and mysql:8.0
//! (docker-library/mysql `8.0/Dockerfile.oracle`: `FROM oraclelinux:8-slim`, user mysql 999,
//! microdnf, /var/lib/mysql and /var/run/mysqld 1777, mysql-community-server-minimal, mysql-shell,
//! gosu, docker-entrypoint.sh with /entrypoint.sh linked to it).

use super::RootFs;
use super::build::{self, Builder};
use super::debian::{COREUTILS_BIN, COREUTILS_USR_BIN};
use crate::shell::{Dialect, Userland};

/// A UBI major version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ubi {
    V8,
    V9,
}

/// `/etc/os-release` of UBI (RHEL's). UNSURE: the minor release (8.10, 9.4) depends on the
/// image's build date; the text is RHEL's as remembered.
fn os_release(v: Ubi) -> &'static str {
    match v {
        Ubi::V8 => {
            "NAME=\"Red Hat Enterprise Linux\"\nVERSION=\"8.10 (Ootpa)\"\nID=\"rhel\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"8.10\"\nPLATFORM_ID=\"platform:el8\"\nPRETTY_NAME=\"Red Hat Enterprise Linux 8.10 (Ootpa)\"\nANSI_COLOR=\"0;31\"\nCPE_NAME=\"cpe:/o:redhat:enterprise_linux:8::baseos\"\nHOME_URL=\"https://www.redhat.com/\"\nDOCUMENTATION_URL=\"https://access.redhat.com/documentation/en-us/red_hat_enterprise_linux/8\"\nBUG_REPORT_URL=\"https://bugzilla.redhat.com/\"\n\nREDHAT_BUGZILLA_PRODUCT=\"Red Hat Enterprise Linux 8\"\nREDHAT_BUGZILLA_PRODUCT_VERSION=8.10\nREDHAT_SUPPORT_PRODUCT=\"Red Hat Enterprise Linux\"\nREDHAT_SUPPORT_PRODUCT_VERSION=\"8.10\"\n"
        }
        Ubi::V9 => {
            "NAME=\"Red Hat Enterprise Linux\"\nVERSION=\"9.4 (Plow)\"\nID=\"rhel\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"9.4\"\nPLATFORM_ID=\"platform:el9\"\nPRETTY_NAME=\"Red Hat Enterprise Linux 9.4 (Plow)\"\nANSI_COLOR=\"0;31\"\nLOGO=\"fedora-logo-icon\"\nCPE_NAME=\"cpe:/o:redhat:enterprise_linux:9::baseos\"\nHOME_URL=\"https://www.redhat.com/\"\nDOCUMENTATION_URL=\"https://access.redhat.com/documentation/en-us/red_hat_enterprise_linux/9\"\nBUG_REPORT_URL=\"https://bugzilla.redhat.com/\"\n\nREDHAT_BUGZILLA_PRODUCT=\"Red Hat Enterprise Linux 9\"\nREDHAT_BUGZILLA_PRODUCT_VERSION=9.4\nREDHAT_SUPPORT_PRODUCT=\"Red Hat Enterprise Linux\"\nREDHAT_SUPPORT_PRODUCT_VERSION=\"9.4\"\n"
        }
    }
}

/// The `setup` package's `/etc/passwd`. UNSURE: as remembered; UBI adds no other users (no
/// setup package or UBI rootfs was in reach to check).
const PASSWD: &str = "root:x:0:0:root:/root:/bin/bash
bin:x:1:1:bin:/bin:/sbin/nologin
daemon:x:2:2:daemon:/sbin:/sbin/nologin
adm:x:3:4:adm:/var/adm:/sbin/nologin
lp:x:4:7:lp:/var/spool/lpd:/sbin/nologin
sync:x:5:0:sync:/sbin:/bin/sync
shutdown:x:6:0:shutdown:/sbin:/sbin/shutdown
halt:x:7:0:halt:/sbin:/sbin/halt
mail:x:8:12:mail:/var/spool/mail:/sbin/nologin
operator:x:11:0:operator:/root:/sbin/nologin
games:x:12:100:games:/usr/games:/sbin/nologin
ftp:x:14:50:FTP User:/var/ftp:/sbin/nologin
nobody:x:65534:65534:Kernel Overflow User:/:/sbin/nologin
";

/// The `setup` package's `/etc/group`. UNSURE: as remembered (no setup package source in reach).
const GROUP: &str = "root:x:0:
bin:x:1:
daemon:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mem:x:8:
kmem:x:9:
wheel:x:10:
cdrom:x:11:
mail:x:12:
man:x:15:
dialout:x:18:
floppy:x:19:
games:x:20:
tape:x:33:
video:x:39:
ftp:x:50:
lock:x:54:
audio:x:63:
users:x:100:
nobody:x:65534:
";

/// The RHEL skeleton every flavour shares (merged /usr, coreutils, bash as /bin/sh).
pub(super) fn el_base(os: &str) -> Builder {
    let mut b = Builder::new(os, Userland::Gnu, Some(Dialect::Bash));
    build::fhs(&mut b);
    build::merged_usr(&mut b);
    b.remove("/usr/local/games");
    b.dirs(&[
        "/afs",
        "/etc/pki",
        "/etc/profile.d",
        "/etc/skel",
        "/etc/yum.repos.d",
        "/var/adm",
        "/var/lib/rpm",
        "/var/spool/mail",
        "/var/ftp",
    ]);
    b.dir("/run/lock", 0o755, 0, 0);
    b.link("/var/run", "../run")
        .link("/var/lock", "../run/lock")
        .link("/var/mail", "spool/mail");
    b.programs("/usr/bin", COREUTILS_BIN)
        .programs("/usr/bin", COREUTILS_USR_BIN);
    b.programs("/usr/sbin", &["chroot"]);
    b.programs("/usr/bin", &["bash", "sh"]);
    b.text("/etc/passwd", PASSWD).text("/etc/group", GROUP);
    b.text(
        "/etc/shells",
        "/bin/sh\n/bin/bash\n/usr/bin/sh\n/usr/bin/bash\n",
    );
    b
}

/// `ubi8/ubi`, `ubi9/ubi`: the standard UBI (dnf and yum, rpm, the basic userland; no `ps`, no
/// `hostname`, no `ip`). UNSURE: the program set beyond bash, coreutils, dnf and rpm is
/// remembered, not read from an image.
pub fn ubi(v: Ubi) -> Builder {
    let mut b = el_base("ubi");
    b.programs(
        "/usr/bin",
        &[
            "dnf",
            "yum",
            "rpm",
            "rpmkeys",
            "rpmquery",
            "rpmverify",
            "grep",
            "egrep",
            "fgrep",
            "sed",
            "gawk",
            "awk",
            "find",
            "xargs",
            "tar",
            "gzip",
            "gunzip",
            "zcat",
            "curl",
            "vi",
            "less",
            "getent",
            "ldd",
            "iconv",
            "locale",
            "login",
            "su",
            "mount",
            "umount",
            "more",
            "findmnt",
            "flock",
            "getopt",
            "setsid",
            "logger",
            "kill",
            "update-ca-trust",
            "gpg",
            "gpgv",
            "openssl",
            "cpio",
            "diff",
            "cmp",
        ],
    )
    .programs(
        "/usr/sbin",
        &[
            "ldconfig",
            "useradd",
            "userdel",
            "usermod",
            "groupadd",
            "groupdel",
            "groupmod",
            "nologin",
            "alternatives",
            "update-alternatives",
        ],
    );
    b.text("/usr/lib/os-release", os_release(v));
    b.link("/etc/os-release", "../usr/lib/os-release");
    let release = match v {
        Ubi::V8 => "Red Hat Enterprise Linux release 8.10 (Ootpa)\n",
        Ubi::V9 => "Red Hat Enterprise Linux release 9.4 (Plow)\n",
    };
    b.text("/etc/redhat-release", release);
    b.link("/etc/system-release", "redhat-release");
    b
}

/// The s2i base layer (sclorg s2i-core/s2i-base on UBI 9): user `default` 1001 (group root),
/// /opt/app-root/src as home and WORKDIR, /usr/libexec/s2i.
fn s2i(with_base: bool) -> Builder {
    let mut b = ubi(Ubi::V9);
    build::append_line(
        &mut b,
        "/etc/passwd",
        "default:x:1001:0:Default Application User:/opt/app-root/src:/sbin/nologin",
    );
    b.dir("/opt/app-root", 0o775, 1001, 0)
        .dir("/opt/app-root/src", 0o775, 1001, 0)
        .dir("/usr/libexec/s2i", 0o755, 0, 0);
    b.programs("/usr/libexec/s2i", &["assemble", "run", "usage"]);
    b.programs(
        "/usr/bin",
        &[
            "bsdtar", "envsubst", "gettext", "rsync", "unzip", "xz", "scl", "groff",
        ],
    );
    if with_base {
        // s2i-base: compilers and the usual tools (git, make, gcc, procps-ng, lsof, wget).
        b.programs(
            "/usr/bin",
            &[
                "git", "make", "gcc", "g++", "patch", "wget", "which", "lsof", "ps", "pgrep",
                "pkill", "top", "free", "npm", "node", "autoconf", "automake",
            ],
        );
    }
    b
}

/// `ubi9/nginx-120` (sclorg nginx-container 1.20 on s2i-core). UNSURE: RHEL's nginx.conf and
/// test page texts are not described; the program set is the s2i-core set as remembered.
pub fn ubi9_nginx120() -> RootFs {
    let mut b = s2i(false);
    b.programs("/usr/sbin", &["nginx"]);
    b.dirs(&[
        "/etc/nginx",
        "/etc/nginx/conf.d",
        "/etc/nginx/default.d",
        "/usr/share/nginx",
        "/usr/share/nginx/html",
    ]);
    b.dir("/var/log/nginx", 0o770, 1001, 0);
    b.finish()
}

/// `ubi9/php-81` (sclorg s2i-php-container 8.1 on s2i-base: php, php-fpm, httpd).
pub fn ubi9_php81() -> RootFs {
    let mut b = s2i(true);
    b.programs(
        "/usr/bin",
        &["php", "php-cgi", "phar", "phar.phar", "pecl", "pear"],
    )
    .programs("/usr/sbin", &["php-fpm", "httpd", "apachectl"]);
    b.finish()
}

/// `quay.io/keycloak/keycloak:20.0.x` (keycloak `quarkus/container/Dockerfile`: ubi9-micro with
/// java-17-openjdk-headless and glibc-langpack-en added, /opt/keycloak owned 1000:0, `keycloak`
/// appended to /etc/group and /etc/passwd). ubi9-micro has no package manager and no `ps`.
/// UNSURE: the programs java's dependencies bring beyond bash, coreutils and alternatives.
pub fn keycloak20() -> RootFs {
    let mut b = el_base("ubi");
    b.programs(
        "/usr/bin",
        &["java", "keytool", "jfr", "jrunscript", "rmiregistry"],
    )
    .programs("/usr/sbin", &["alternatives"]);
    b.text("/usr/lib/os-release", os_release(Ubi::V9));
    b.link("/etc/os-release", "../usr/lib/os-release");
    b.text(
        "/etc/redhat-release",
        "Red Hat Enterprise Linux release 9.4 (Plow)\n",
    );
    build::append_line(&mut b, "/etc/group", "keycloak:x:0:root");
    build::append_line(
        &mut b,
        "/etc/passwd",
        "keycloak:x:1000:0:keycloak user:/opt/keycloak:/sbin/nologin",
    );
    b.dir("/opt/keycloak", 0o775, 1000, 0);
    for d in ["bin", "conf", "lib", "providers", "themes", "data"] {
        b.dir(&format!("/opt/keycloak/{d}"), 0o775, 1000, 0);
    }
    b.programs(
        "/opt/keycloak/bin",
        &["kc.sh", "kcadm.sh", "kcreg.sh", "federation-sssd-setup.sh"],
    );
    b.finish()
}

/// `mysql:8.0` (Oracle Linux 8 slim). UNSURE: oraclelinux:8-slim's own program set (bash,
/// coreutils, microdnf, curl, gpg, grep, sed) as remembered; /etc/my.cnf's text is not
/// described.
pub fn mysql80() -> RootFs {
    let mut b = el_base("ol");
    b.programs(
        "/usr/bin",
        &[
            "microdnf", "rpm", "curl", "gpg", "grep", "sed", "gawk", "awk", "find", "xargs",
            "gzip", "gunzip", "zcat", "bzip2", "bunzip2", "xz", "unxz", "zstd", "openssl",
            "getent", "kill",
        ],
    );
    build::add_user(
        &mut b,
        "mysql",
        999,
        "mysql",
        999,
        "",
        "/var/lib/mysql",
        "/bin/bash",
    );
    b.programs("/usr/sbin", &["mysqld"])
        .programs(
            "/usr/bin",
            &[
                "mysql",
                "mysqladmin",
                "mysqlbinlog",
                "mysqlcheck",
                "mysqldump",
                "mysqlimport",
                "mysqlpump",
                "mysqlshow",
                "mysqlslap",
                "mysql_tzinfo_to_sql",
                "mysql_upgrade",
                "my_print_defaults",
                "mysqlsh",
            ],
        )
        .programs("/usr/local/bin", &["gosu", "docker-entrypoint.sh"]);
    b.dir("/var/lib/mysql", 0o1777, 999, 999)
        .dir("/run/mysqld", 0o1777, 999, 999)
        .dirs(&[
            "/etc/mysql",
            "/etc/mysql/conf.d",
            "/docker-entrypoint-initdb.d",
        ]);
    b.link("/entrypoint.sh", "usr/local/bin/docker-entrypoint.sh");
    // UNSURE: Oracle Linux 8.9's os-release text as remembered (no oraclelinux rootfs in reach).
    b.text(
        "/usr/lib/os-release",
        "NAME=\"Oracle Linux Server\"\nVERSION=\"8.9\"\nID=\"ol\"\nID_LIKE=\"fedora\"\nVARIANT=\"Server\"\nVARIANT_ID=\"server\"\nVERSION_ID=\"8.9\"\nPLATFORM_ID=\"platform:el8\"\nPRETTY_NAME=\"Oracle Linux Server 8.9\"\nANSI_COLOR=\"0;31\"\nCPE_NAME=\"cpe:/o:oracle:linux:8:9:server\"\nHOME_URL=\"https://linux.oracle.com/\"\nBUG_REPORT_URL=\"https://github.com/oracle/oracle-linux\"\n\nORACLE_BUGZILLA_PRODUCT=\"Oracle Linux 8\"\nORACLE_BUGZILLA_PRODUCT_VERSION=8.9\nORACLE_SUPPORT_PRODUCT=\"Oracle Linux\"\nORACLE_SUPPORT_PRODUCT_VERSION=8.9\n",
    );
    b.link("/etc/os-release", "../usr/lib/os-release");
    b.text("/etc/oracle-release", "Oracle Linux Server release 8.9\n");
    b.finish()
}
