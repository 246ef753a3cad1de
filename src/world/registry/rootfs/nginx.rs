//! nginx images. Sources: nginxinc/docker-nginx (`mainline/debian/Dockerfile` for 1.25.5 and
//! 1.27.x: `FROM debian:bookworm-slim`, user/group nginx 101, packages nginx, nginx-module-njs
//! and friends, gettext-base, curl; logs linked to /dev/stdout and /dev/stderr;
//! /docker-entrypoint.sh and /docker-entrypoint.d/; the 2014 root `Dockerfile` for 1.7.9: `FROM
//! debian:wheezy`, no entrypoint, `VOLUME /var/cache/nginx`), nginx/pkg-oss (what the packages
//! install: `debian/nginx.install`, `nginx.dirs`, `nginx.rules.in`, the configuration texts) and
//! kubernetes/contrib `images/nginx-slim` at TAG 0.8 (`FROM ubuntu-slim:0.3`, i.e. Ubuntu 16.04
//! with bash, libsmartcols1, libudev1, tzdata purged; `build.sh` compiles nginx 1.11.1 with
//! `--prefix=/usr/share/nginx --conf-path=/etc/nginx/nginx.conf`, keeps bash and curl).

use super::RootFs;
use super::build::{self, Builder};
use super::debian::{self, Release};
use super::nginx_texts::*;
use super::ubuntu;

/// The log links every nginx image makes (`ln -sf /dev/stdout /var/log/nginx/access.log`).
fn logs(b: &mut Builder) {
    b.dir("/var/log/nginx", 0o755, 0, 0)
        .link("/var/log/nginx/access.log", "/dev/stdout")
        .link("/var/log/nginx/error.log", "/dev/stderr");
}

/// kubelab's rendition of docker-nginx's `/docker-entrypoint.sh` (the same behaviour and
/// messages; upstream's text is not reproduced).
const ENTRYPOINT: &str = r#"#!/bin/sh
# kubelab's rendition of nginx's /docker-entrypoint.sh: the same behaviour and messages, not
# the upstream text.
set -e

entrypoint_log() {
    if [ -z "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ]; then
        echo "$@"
    fi
}

if [ "$1" = "nginx" ] || [ "$1" = "nginx-debug" ]; then
    if [ -n "$(ls -A /docker-entrypoint.d/ 2>/dev/null)" ]; then
        entrypoint_log "$0: /docker-entrypoint.d/ is not empty, will attempt to perform configuration"
        entrypoint_log "$0: Looking for shell scripts in /docker-entrypoint.d/"
        for f in /docker-entrypoint.d/*; do
            case "$f" in
                *.envsh)
                    if [ -x "$f" ]; then
                        entrypoint_log "$0: Sourcing $f"
                        . "$f"
                    else
                        entrypoint_log "$0: Ignoring $f, not executable"
                    fi
                    ;;
                *.sh)
                    if [ -x "$f" ]; then
                        entrypoint_log "$0: Launching $f"
                        "$f"
                    else
                        entrypoint_log "$0: Ignoring $f, not executable"
                    fi
                    ;;
                *) entrypoint_log "$0: Ignoring $f" ;;
            esac
        done
        entrypoint_log "$0: Configuration complete; ready for start up"
    else
        entrypoint_log "$0: No files found in /docker-entrypoint.d/, skipping configuration"
    fi
fi

exec "$@"
"#;

/// kubelab's renditions of the `/docker-entrypoint.d/` scripts: what they print when the image
/// runs unchanged (upstream's texts are not reproduced).
const LISTEN_IPV6: &str = r#"#!/bin/sh
# kubelab's rendition of nginx's 10-listen-on-ipv6-by-default.sh (not the upstream text).
ME=$(basename "$0")
DEFAULT_CONF_FILE="etc/nginx/conf.d/default.conf"
echo "$ME: info: Getting the checksum of /$DEFAULT_CONF_FILE"
echo "$ME: info: Enabled listen on IPv6 in /$DEFAULT_CONF_FILE"
exit 0
"#;
const LOCAL_RESOLVERS: &str = r#"#!/bin/sh
# kubelab's rendition of nginx's 15-local-resolvers.envsh (not the upstream text): with
# NGINX_ENTRYPOINT_LOCAL_RESOLVERS set, exports the nameservers of /etc/resolv.conf as
# NGINX_LOCAL_RESOLVERS.
[ -z "${NGINX_ENTRYPOINT_LOCAL_RESOLVERS:-}" ] && return 0
NGINX_LOCAL_RESOLVERS=$(awk '/^nameserver/ { printf "%s ", $2 }' /etc/resolv.conf)
export NGINX_LOCAL_RESOLVERS
"#;
const ENVSUBST: &str = r#"#!/bin/sh
# kubelab's rendition of nginx's 20-envsubst-on-templates.sh (not the upstream text): renders
# /etc/nginx/templates/*.template into /etc/nginx/conf.d with envsubst.
set -e
template_dir="${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}"
[ -d "$template_dir" ] || exit 0
exit 0
"#;
const TUNE_WORKERS: &str = r#"#!/bin/sh
# kubelab's rendition of nginx's 30-tune-worker-processes.sh (not the upstream text): only acts
# when NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE is set.
[ -z "${NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE:-}" ] && exit 0
exit 0
"#;

/// `nginx:1.25.5` and `nginx:1.27.x` (Debian 12).
pub fn nginx_bookworm() -> RootFs {
    let mut b = debian::debian(Release::Bookworm);
    build::add_user(
        &mut b,
        "nginx",
        101,
        "nginx",
        101,
        "nginx user",
        "/nonexistent",
        "/bin/false",
    );
    b.programs(
        "/usr/sbin",
        &["nginx", "nginx-debug", "update-ca-certificates"],
    )
    // gettext-base, curl, nginx-module-njs.
    .programs(
        "/usr/bin",
        &[
            "envsubst",
            "gettext",
            "gettext.sh",
            "ngettext",
            "curl",
            "njs",
        ],
    );
    b.dir("/etc/nginx", 0o755, 0, 0)
        .dir("/etc/nginx/conf.d", 0o755, 0, 0)
        .text("/etc/nginx/nginx.conf", NGINX_CONF_MODERN)
        .text("/etc/nginx/conf.d/default.conf", DEFAULT_CONF_MODERN)
        .dir("/usr/lib/nginx/modules", 0o755, 0, 0)
        .link("/etc/nginx/modules", "/usr/lib/nginx/modules")
        .dir("/usr/share/nginx/html", 0o755, 0, 0)
        .text("/usr/share/nginx/html/index.html", INDEX_MODERN)
        .text("/usr/share/nginx/html/50x.html", ERR50X_MODERN)
        .dir("/var/cache/nginx", 0o755, 0, 0);
    // Not described (a gap): mime.types, fastcgi_params, scgi_params and uwsgi_params, which
    // the nginx package puts in /etc/nginx.
    logs(&mut b);
    b.file("/docker-entrypoint.sh", 0o755, 0, 0, ENTRYPOINT)
        .dir("/docker-entrypoint.d", 0o755, 0, 0)
        .file(
            "/docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
            0o755,
            0,
            0,
            LISTEN_IPV6,
        )
        .file(
            "/docker-entrypoint.d/15-local-resolvers.envsh",
            0o755,
            0,
            0,
            LOCAL_RESOLVERS,
        )
        .file(
            "/docker-entrypoint.d/20-envsubst-on-templates.sh",
            0o755,
            0,
            0,
            ENVSUBST,
        )
        .file(
            "/docker-entrypoint.d/30-tune-worker-processes.sh",
            0o755,
            0,
            0,
            TUNE_WORKERS,
        );
    b.program("/docker-entrypoint.sh");
    b.finish()
}

/// `nginx:1.7.9` (Debian 7, nginx.org's 1.7.9-1~wheezy package).
pub fn nginx_1_7_9() -> RootFs {
    let mut b = debian::debian(Release::Wheezy);
    // UNSURE: the package's `adduser --system` took the first free ids after wheezy's libuuid
    // (uid 100, gid 101): 101 and 102. docker-nginx 57da113's Dockerfile only installs
    // nginx=1.7.9-1~wheezy (no purge, no user of its own); the ids come from the package's
    // preinst, which no source in reach shows.
    build::add_user(
        &mut b,
        "nginx",
        101,
        "nginx",
        102,
        "nginx user",
        "/nonexistent",
        "/bin/false",
    );
    b.programs("/usr/sbin", &["nginx"]);
    b.dir("/etc/nginx", 0o755, 0, 0)
        .dir("/etc/nginx/conf.d", 0o755, 0, 0)
        .text("/etc/nginx/nginx.conf", NGINX_CONF_1_7_9)
        .text("/etc/nginx/conf.d/default.conf", DEFAULT_CONF_1_7_9)
        .text("/etc/nginx/conf.d/example_ssl.conf", EXAMPLE_SSL_1_7_9)
        .dir("/usr/share/nginx/html", 0o755, 0, 0)
        .text("/usr/share/nginx/html/index.html", INDEX_CLASSIC)
        .text("/usr/share/nginx/html/50x.html", ERR50X_CLASSIC)
        .dir("/var/cache/nginx", 0o755, 0, 0);
    logs(&mut b);
    b.finish()
}

/// `k8s.gcr.io/nginx-slim:0.8` (Ubuntu 16.04 "slim", nginx 1.11.1 built from source).
pub fn nginx_slim_0_8() -> RootFs {
    let mut b = ubuntu::ubuntu(ubuntu::Release::Xenial);
    // ubuntu-slim: `sed -i 's/bash/sh/g' /etc/passwd` (root's shell is /bin/sh).
    if let Some(super::ImageFile {
        kind: super::FileKind::File(c),
        ..
    }) = b.files.get("/etc/passwd")
    {
        let t = String::from_utf8_lossy(c).replace("bash", "sh");
        b.text("/etc/passwd", &t);
    }
    // UNSURE: purging libsmartcols1 and libudev1 took util-linux and mount with them (the
    // ubuntu-slim Dockerfile of kubernetes/contrib was not in reach to read).
    b.without_programs(
        "/bin",
        &[
            "more",
            "findmnt",
            "lsblk",
            "wdctl",
            "dmesg",
            "mount",
            "umount",
            "mountpoint",
        ],
    );
    b.without_programs(
        "/usr/bin",
        &[
            "flock",
            "getopt",
            "ionice",
            "ipcmk",
            "ipcrm",
            "ipcs",
            "logger",
            "lscpu",
            "mcookie",
            "namei",
            "nsenter",
            "prlimit",
            "renice",
            "rev",
            "script",
            "scriptreplay",
            "setarch",
            "setsid",
            "setterm",
            "taskset",
            "unshare",
            "whereis",
            "fallocate",
            "linux32",
            "linux64",
        ],
    );
    b.without_programs(
        "/sbin",
        &[
            "agetty",
            "blkid",
            "blockdev",
            "fdisk",
            "sfdisk",
            "findfs",
            "fsck",
            "fstrim",
            "getty",
            "hwclock",
            "losetup",
            "mkfs",
            "mkswap",
            "pivot_root",
            "runuser",
            "sulogin",
            "swapoff",
            "swapon",
            "switch_root",
            "wipefs",
        ],
    );
    // build.sh keeps bash, curl, openssl, luajit, geoip-bin and xz-utils.
    b.programs("/usr/sbin", &["nginx"]).programs(
        "/usr/bin",
        &[
            "curl",
            "openssl",
            "luajit",
            "geoiplookup",
            "geoiplookup6",
            "xz",
            "unxz",
            "xzcat",
            "lzma",
            "unlzma",
            "lzcat",
            "xzgrep",
            "xzless",
            "xzmore",
            "xzdiff",
        ],
    );
    b.remove("/usr/share/doc").remove("/usr/share/man");
    b.dir("/etc/nginx", 0o755, 0, 0)
        .text("/etc/nginx/nginx.conf", NGINX_CONF_SOURCE_1_11_1)
        .text("/etc/nginx/nginx.conf.default", NGINX_CONF_SOURCE_1_11_1)
        .dir("/usr/share/nginx/html", 0o755, 0, 0)
        .text("/usr/share/nginx/html/index.html", INDEX_CLASSIC)
        .text("/usr/share/nginx/html/50x.html", ERR50X_CLASSIC)
        .dirs(&["/var/lib/nginx", "/var/lib/nginx/body"]);
    logs(&mut b);
    // UNSURE: June 2016's 16.04 (before 16.04.1) os-release text.
    b.text(
        "/usr/lib/os-release",
        "NAME=\"Ubuntu\"\nVERSION=\"16.04 LTS (Xenial Xerus)\"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME=\"Ubuntu 16.04 LTS\"\nVERSION_ID=\"16.04\"\nHOME_URL=\"http://www.ubuntu.com/\"\nSUPPORT_URL=\"http://help.ubuntu.com/\"\nBUG_REPORT_URL=\"http://bugs.launchpad.net/ubuntu/\"\nUBUNTU_CODENAME=xenial\n",
    );
    b.finish()
}
