//! Application images on Debian: httpd, redis, jenkins, gasbugs/http-go.

use super::RootFs;
use super::build::{self, Builder};
use super::debian::{self, Release};

/// procps (`ps`, `top`, `free`, ...), where an image installs it.
pub fn procps(b: &mut Builder, merged: bool) {
    let (bin, sbin) = if merged {
        ("/usr/bin", "/usr/sbin")
    } else {
        ("/bin", "/sbin")
    };
    b.programs(bin, &["ps", "kill"])
        .programs(sbin, &["sysctl"])
        .programs(
            "/usr/bin",
            &[
                "free", "pgrep", "pkill", "pmap", "pwdx", "skill", "slabtop", "snice", "tload",
                "top", "uptime", "vmstat", "w", "watch",
            ],
        );
}

/// `httpd:2.4` (docker-library/httpd `2.4/Dockerfile`, Debian 12 since 2023-06: `HTTPD_PREFIX
/// /usr/local/apache2` owned by www-data, `PATH $HTTPD_PREFIX/bin:$PATH`, `WORKDIR
/// $HTTPD_PREFIX`, built from source with `make install`, `rm -r src man manual`, httpd.conf's
/// logs sent to /proc/self/fd/1 and 2 and `User`/`Group` www-data, `httpd-foreground` in
/// /usr/local/bin). The build's wget, gcc and friends are purged: no curl, no wget, no ps.
pub fn httpd() -> RootFs {
    let mut b = debian::debian(Release::Bookworm);
    let prefix = "/usr/local/apache2";
    b.dir(prefix, 0o755, 33, 33);
    b.dirs(&[
        "/usr/local/apache2/bin",
        "/usr/local/apache2/build",
        "/usr/local/apache2/cgi-bin",
        "/usr/local/apache2/conf",
        "/usr/local/apache2/conf/extra",
        "/usr/local/apache2/conf/original",
        "/usr/local/apache2/error",
        "/usr/local/apache2/htdocs",
        "/usr/local/apache2/icons",
        "/usr/local/apache2/include",
        "/usr/local/apache2/logs",
        "/usr/local/apache2/modules",
    ]);
    // The release tarball's index.html, unpacked and installed with `cp -rp` by root: owner
    // root, group 40 (Debian's `src`), as `ls -l` in the image shows (`root src 45 Jun 11
    // 2007`). UNSURE: the owner comes from the release tarball's headers, which no source in
    // reach shows (`504 staff` in older ones).
    b.file(
        "/usr/local/apache2/htdocs/index.html",
        0o644,
        0,
        40,
        "<html><body><h1>It works!</h1></body></html>\n",
    );
    // Not described (a gap, not a doubt): conf/httpd.conf (made by `make install` from
    // httpd.conf.in, then edited by the Dockerfile's sed, docker-library/httpd 2.4/Dockerfile)
    // and conf/extra/*.conf, mime.types, magic, which the real image has.
    b.programs(
        "/usr/local/apache2/bin",
        &[
            "ab",
            "apachectl",
            "apxs",
            "checkgid",
            "dbmmanage",
            "envvars",
            "envvars-std",
            "fcgistarter",
            "htcacheclean",
            "htdbm",
            "htdigest",
            "htpasswd",
            "httpd",
            "httxt2dbm",
            "logresolve",
            "rotatelogs",
        ],
    );
    b.programs("/usr/local/bin", &["httpd-foreground"]);
    b.programs("/usr/sbin", &["update-ca-certificates"]);
    b.finish()
}

/// `redis:7.2` (Debian 12) and `redis:5.0.4` (Debian 9): docker-library/redis (`groupadd -r -g
/// 999 redis; useradd -r -g redis -u 999 redis` (5.0: `-r` without ids, which gives 999 on a
/// slim image too), gosu in /usr/local/bin, redis built from source and installed in
/// /usr/local/bin with redis-check-aof, redis-check-rdb and redis-sentinel linked to
/// redis-server, `mkdir /data && chown redis:redis /data`, `WORKDIR /data`,
/// docker-entrypoint.sh in /usr/local/bin). wget is purged after the build: no curl, no wget,
/// no ps.
pub fn redis(r: Release) -> RootFs {
    let mut b = debian::debian(r);
    build::add_user(
        &mut b,
        "redis",
        999,
        "redis",
        999,
        "",
        "/home/redis",
        "/bin/sh",
    );
    b.dir("/data", 0o755, 999, 999);
    b.programs(
        "/usr/local/bin",
        &[
            "docker-entrypoint.sh",
            "gosu",
            "redis-benchmark",
            "redis-check-aof",
            "redis-check-rdb",
            "redis-cli",
            "redis-sentinel",
            "redis-server",
        ],
    );
    b.link("/usr/local/bin/redis-check-aof", "redis-server")
        .link("/usr/local/bin/redis-check-rdb", "redis-server")
        .link("/usr/local/bin/redis-sentinel", "redis-server");
    b.finish()
}

/// The Java runtime's programs.
const JAVA: &[&str] = &[
    "jaotc",
    "java",
    "jfr",
    "jjs",
    "jrunscript",
    "keytool",
    "pack200",
    "rmid",
    "rmiregistry",
    "unpack200",
];

/// `jenkins/jenkins:lts` (jenkinsci/docker `debian/bookworm/hotspot/Dockerfile`: ca-certificates
/// curl git gnupg gpg libfontconfig1 libfreetype6 procps ssh-client tini unzip tzdata, git-lfs,
/// user jenkins 1000:1000 with home /var/jenkins_home and shell /bin/bash, the JRE in
/// /opt/java/openjdk, jenkins.sh and jenkins-support in /usr/local/bin, jenkins-plugin-cli in
/// /bin) and `jenkins:2.60.3` (the deprecated library image: `FROM openjdk:8-jdk`, i.e.
/// buildpack-deps:stretch-scm with curl, wget, git, ssh, procps; tini in /bin).
pub fn jenkins(r: Release) -> RootFs {
    let merged = r == Release::Bookworm;
    let mut b = debian::debian(r);
    procps(&mut b, merged);
    // Not described (a gap): the /etc/skel dot files `useradd -m` would copy.
    build::add_user(
        &mut b,
        "jenkins",
        1000,
        "jenkins",
        1000,
        "",
        "/var/jenkins_home",
        "/bin/bash",
    );
    b.dir("/var/jenkins_home", 0o755, 1000, 1000);
    b.dirs(&["/usr/share/jenkins"]);
    b.dir("/usr/share/jenkins/ref", 0o755, 1000, 0);
    b.dir("/usr/share/jenkins/ref/init.groovy.d", 0o755, 1000, 0);
    b.programs("/usr/local/bin", &["jenkins.sh", "jenkins-support"]);
    b.programs(
        "/usr/bin",
        &[
            "curl",
            "git",
            "git-receive-pack",
            "git-shell",
            "git-upload-archive",
            "git-upload-pack",
            "gpg",
            "gpg-agent",
            "gpgconf",
            "gpgv",
            "ssh",
            "scp",
            "sftp",
            "ssh-add",
            "ssh-agent",
            "ssh-keygen",
            "ssh-keyscan",
            "unzip",
            "zipinfo",
        ],
    );
    if merged {
        b.programs("/usr/bin", &["tini", "jenkins-plugin-cli"]);
        b.programs("/usr/local/bin", &["git-lfs"]);
        b.programs("/opt/java/openjdk/bin", JAVA);
        b.without_programs(
            "/opt/java/openjdk/bin",
            &["jaotc", "jjs", "pack200", "rmid", "unpack200"],
        );
        b.dir("/opt/java/openjdk", 0o755, 0, 0);
    } else {
        // buildpack-deps:stretch-curl/scm and openjdk:8-jdk.
        b.programs("/bin", &["tini"]);
        b.programs("/usr/local/bin", &["install-plugins.sh", "plugins.sh"]);
        b.programs(
            "/usr/bin",
            &[
                "wget", "bzip2", "bunzip2", "bzcat", "xz", "unxz", "xzcat", "hg", "svn", "bzr",
                "java", "javac", "jar", "javadoc", "javap", "jdb", "jshell", "keytool",
            ],
        );
        b.without_programs("/usr/bin", &["jshell"]);
    }
    b.finish()
}

/// `gasbugs/http-go:v1`..`v3`: a Go web server at /usr/src/app/main answering
/// `Welcome! http-go:vN`. UNSURE: the Dockerfile is not published; the 272 MB (compressed) size
/// and the /usr/src/app layout match `FROM golang` (Debian 9 buildpack-deps:stretch-scm with
/// git, curl, wget, ssh, procps, gcc, make, Go in /usr/local/go), which is what is described.
pub fn http_go() -> RootFs {
    let mut b = debian::debian(Release::Stretch);
    procps(&mut b, false);
    b.dirs(&[
        "/usr/src/app",
        "/go",
        "/go/bin",
        "/go/src",
        "/usr/local/go",
        "/usr/local/go/bin",
    ]);
    b.dir("/go", 0o777, 0, 0);
    b.programs("/usr/src/app", &["main"]);
    b.programs("/usr/local/go/bin", &["go", "gofmt"]);
    b.programs(
        "/usr/bin",
        &[
            "curl",
            "wget",
            "git",
            "ssh",
            "scp",
            "sftp",
            "ssh-keygen",
            "gpg",
            "gcc",
            "cc",
            "cpp",
            "make",
            "pkg-config",
            "hg",
            "svn",
            "bzr",
            "xz",
            "unxz",
            "bzip2",
            "unzip",
        ],
    );
    b.finish()
}
