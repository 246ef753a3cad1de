//! Tests of the shipped root file systems and of program lookup.

use super::*;
use crate::shell::{Dialect, Userland};

const PATH: &str = super::DEFAULT_PATH;

fn fam(f: Family) -> Rc<RootFs> {
    f.rootfs()
}

fn text(fs: &RootFs, path: &str) -> String {
    String::from_utf8_lossy(fs.read(path).unwrap_or_else(|| panic!("{path} missing"))).into_owned()
}

#[test]
fn find_program_follows_path_order_relative_and_absolute_paths() {
    let base = fam(Family::Busybox136);
    let file = |c: &str| custom::Entry::File {
        content: c.into(),
        mode: 0o755,
        uid: 0,
        gid: 0,
    };
    let fs = custom::build(
        &base,
        &[("/app/run.sh".into(), file("#!/bin/sh\n"))],
        &[
            "/usr/local/bin/ls".into(),
            "/app/run.sh".into(),
            "/opt/tool/tool".into(),
        ],
    )
    .unwrap();
    // PATH order: /usr/local/bin comes before /bin.
    assert_eq!(
        fs.find_program("ls", PATH, "/"),
        Some(("/usr/local/bin/ls".into(), "ls".into()))
    );
    assert_eq!(
        fs.find_program("ls", "/bin:/usr/local/bin", "/"),
        Some(("/bin/ls".into(), "ls".into()))
    );
    // Not on PATH: not found by name, found by path.
    assert_eq!(fs.find_program("tool", PATH, "/"), None);
    assert_eq!(
        fs.find_program("/opt/tool/tool", PATH, "/"),
        Some(("/opt/tool/tool".into(), "tool".into()))
    );
    // A name with a slash is a path relative to the working directory, never searched.
    assert_eq!(
        fs.find_program("./run.sh", PATH, "/app"),
        Some(("/app/run.sh".into(), "run.sh".into()))
    );
    assert_eq!(
        fs.find_program("app/run.sh", PATH, "/"),
        Some(("/app/run.sh".into(), "run.sh".into()))
    );
    assert_eq!(
        fs.find_program("../app/run.sh", PATH, "/tmp"),
        Some(("/app/run.sh".into(), "run.sh".into()))
    );
    assert_eq!(fs.find_program("run.sh", PATH, "/app"), None);
    // An empty PATH entry is the working directory.
    assert_eq!(
        fs.find_program("run.sh", "/bin::/usr/bin", "/app"),
        Some(("/app/run.sh".into(), "run.sh".into()))
    );
    // Missing programs and a file that is not a program.
    assert_eq!(fs.find_program("git", PATH, "/"), None);
    assert_eq!(fs.find_program("bash", PATH, "/"), None);
    assert_eq!(fs.find_program("/usr/bin/git", PATH, "/"), None);
    assert_eq!(fs.find_program("/etc/passwd", PATH, "/"), None);
    assert_eq!(fs.find_program("", PATH, "/"), None);
    assert_eq!(fs.find_program("ls", "", "/"), None);
}

#[test]
fn merged_usr_paths_resolve_through_the_bin_symlink() {
    let fs = fam(Family::DebianBookworm);
    assert_eq!(
        fs.file("/bin").map(|f| f.kind.clone()),
        Some(FileKind::Symlink("usr/bin".into()))
    );
    assert_eq!(
        fs.find_program("ls", PATH, "/"),
        Some(("/usr/bin/ls".into(), "ls".into()))
    );
    assert_eq!(
        fs.find_program("ls", "/bin", "/"),
        Some(("/bin/ls".into(), "ls".into()))
    );
    assert_eq!(
        fs.find_program("/bin/sh", "", "/"),
        Some(("/bin/sh".into(), "sh".into()))
    );
    assert_eq!(
        fs.resolve("/bin/../etc/os-release").as_deref(),
        Some("/usr/lib/os-release")
    );
    assert_eq!(
        fs.resolve("/etc/os-release").as_deref(),
        Some("/usr/lib/os-release")
    );
}

#[test]
fn every_family_is_well_formed() {
    for (f, name) in family::FAMILIES {
        let fs = fam(*f);
        assert_eq!(Family::parse(name), Some(*f), "{name}");
        let mut last = String::new();
        for e in &fs.files {
            assert!(e.path > last, "{name}: {} not sorted/unique", e.path);
            last = e.path.clone();
            assert!(
                e.path.starts_with('/') && !e.path.ends_with('/'),
                "{name}: {}",
                e.path
            );
            // Every parent is a directory or a symlink of the image.
            let parent = &e.path[..e.path.rfind('/').unwrap_or(0)];
            if !parent.is_empty() {
                let p = fs.file(parent);
                assert!(
                    matches!(p.map(|p| &p.kind), Some(FileKind::Dir)),
                    "{name}: parent of {} is not a directory",
                    e.path
                );
            }
        }
        for (path, prog) in &fs.programs {
            assert!(path.starts_with('/'), "{name}: {path}");
            assert_eq!(
                path.rsplit('/').next(),
                Some(prog.as_str()),
                "{name}: {path}"
            );
            // A program's directory exists in the image (through its links).
            let dir = &path[..path.rfind('/').unwrap_or(0)];
            let real = fs.resolve(if dir.is_empty() { "/" } else { dir }).unwrap();
            assert!(
                real == "/" || matches!(fs.file(&real).map(|f| &f.kind), Some(FileKind::Dir)),
                "{name}: no directory for {path}"
            );
        }
        // Nobody has git but the images that really install it.
        let has_git = fs.has_program("git");
        assert_eq!(
            has_git,
            matches!(
                f,
                Family::JenkinsLts | Family::Jenkins2603 | Family::HttpGo | Family::Ubi9Php81
            ),
            "{name}: git"
        );
        // The kubelet writes these; the image's own are not described.
        assert!(fs.file("/etc/hostname").is_none(), "{name}");
        assert!(fs.file("/etc/resolv.conf").is_none(), "{name}");
        assert!(fs.file("/etc/hosts").is_none(), "{name}");
        // Scratch and the distroless CSI sidecars have no userland.
        if *f != Family::Scratch && *f != Family::CsiSidecars {
            assert_eq!(fs.file("/tmp").map(|t| t.mode), Some(0o1777), "{name}");
            assert_eq!(fs.file("/root").map(|t| t.mode), Some(0o700), "{name}");
            assert!(
                text(&fs, "/etc/passwd").starts_with("root:x:0:0:root:/root:"),
                "{name}"
            );
            assert!(text(&fs, "/etc/group").starts_with("root:x:0:"), "{name}");
            // The cluster's own images are distroless: no shell.
            let distroless = matches!(
                f,
                Family::KubeEtcd
                    | Family::KubeControlPlane
                    | Family::KubeProxy
                    | Family::CoreDns
                    | Family::MetricsServer
                    | Family::Flannel
            );
            let sh = fs.find_program("sh", PATH, "/");
            assert_eq!(sh.is_some(), !distroless, "{name}: sh");
        }
    }
}

#[test]
fn shells_and_userlands() {
    let busybox = fam(Family::Busybox136);
    assert_eq!(
        (busybox.userland, busybox.sh),
        (Userland::Busybox, Some(Dialect::Ash))
    );
    assert_eq!(busybox.os, "busybox");
    for p in [
        "sh", "ash", "ls", "wget", "nslookup", "ps", "vi", "hostname", "env",
    ] {
        assert!(busybox.find_program(p, PATH, "/").is_some(), "busybox {p}");
    }
    for p in ["bash", "curl", "git", "apt-get", "apk"] {
        assert!(busybox.find_program(p, PATH, "/").is_none(), "busybox {p}");
    }
    assert_eq!(
        busybox.find_program("env", "/usr/bin", "/"),
        Some(("/usr/bin/env".into(), "env".into()))
    );
    assert!(busybox.file("/etc/os-release").is_none());
    assert!(
        fam(Family::Busybox128)
            .find_program("tree", PATH, "/")
            .is_none()
    );
    assert!(busybox.find_program("tree", PATH, "/").is_some());
}

/// The busybox builders' layouts as the real tarballs and builders show them (busybox.rs).
#[test]
fn busybox_layouts() {
    let b136 = fam(Family::Busybox136);
    let b128 = fam(Family::Busybox128);
    let group = b136.file("/etc/group").expect("group");
    assert_eq!((group.mode, group.uid, group.gid), (0o664, 0, 0));
    assert_eq!(b136.read("/etc/group").map(<[u8]>::len), Some(306));
    assert_eq!(b136.read("/etc/passwd").map(<[u8]>::len), Some(340));
    for fs in [&b136, &b128] {
        for d in ["if-down.d", "if-post-down.d", "if-pre-up.d", "if-up.d"] {
            assert!(fs.file(&format!("/etc/network/{d}")).is_some(), "{d}");
        }
    }
    assert!(b128.file("/usr/bin").is_none());
    assert!(b128.file("/usr/bin/env").is_none());
    assert!(b128.file("/usr/sbin").is_some());
    let g128 = String::from_utf8_lossy(b128.read("/etc/group").unwrap_or_default()).into_owned();
    assert!(g128.ends_with("users:x:100:\nnogroup:x:65534:\n"), "{g128}");
    assert!(b128.find_program("inotifyd", PATH, "/").is_none());
    assert!(b136.find_program("inotifyd", PATH, "/").is_some());
}

/// alpine:3.19 as the real 3.19.4 minirootfs has it (alpine.rs).
#[test]
fn alpine_layout() {
    let a = fam(Family::Alpine319);
    for (p, at) in [
        ("chattr", "/bin/chattr"),
        ("pivot_root", "/sbin/pivot_root"),
        ("tree", "/usr/bin/tree"),
        ("rdev", "/usr/sbin/rdev"),
    ] {
        assert_eq!(
            a.find_program(p, PATH, "/").map(|(x, _)| x),
            Some(at.into())
        );
    }
    assert!(a.find_program("mkmntdirs", PATH, "/").is_none());
    assert!(a.file("/usr/lib/os-release").is_none());
    let os = String::from_utf8_lossy(a.read("/etc/os-release").unwrap_or_default()).into_owned();
    assert!(os.contains("VERSION_ID=3.19.4\n"), "{os}");
    assert_eq!(a.resolve("/var/spool/mail").as_deref(), Some("/var/mail"));

    let alpine = fam(Family::Alpine319);
    assert_eq!(
        (alpine.userland, alpine.sh),
        (Userland::Busybox, Some(Dialect::Ash))
    );
    assert!(alpine.find_program("apk", PATH, "/").is_some());
    assert!(alpine.find_program("bash", PATH, "/").is_none());
    assert!(alpine.find_program("curl", PATH, "/").is_none());

    for f in [
        Family::Nginx127,
        Family::Nginx125,
        Family::Httpd24,
        Family::Redis72,
        Family::DebianBookworm,
    ] {
        let fs = fam(f);
        assert_eq!(
            (fs.userland, fs.sh),
            (Userland::Gnu, Some(Dialect::Dash)),
            "{f:?}"
        );
        assert_eq!(fs.os, "debian");
        for p in [
            "bash", "dash", "sh", "ls", "cat", "apt-get", "dpkg", "hostname", "grep",
        ] {
            assert!(fs.find_program(p, PATH, "/").is_some(), "{f:?} {p}");
        }
        // Debian slim images have no procps, iproute2, ping or editor.
        for p in ["ps", "ip", "ping", "vi", "nano", "wget", "git"] {
            assert!(fs.find_program(p, PATH, "/").is_none(), "{f:?} {p}");
        }
    }
    // The nginx image adds curl; httpd and redis do not have it.
    assert!(
        fam(Family::Nginx127)
            .find_program("curl", PATH, "/")
            .is_some()
    );
    assert!(
        fam(Family::Httpd24)
            .find_program("curl", PATH, "/")
            .is_none()
    );
    assert!(
        fam(Family::Redis72)
            .find_program("curl", PATH, "/")
            .is_none()
    );

    for f in [Family::Mongo42, Family::Mongo44, Family::Mongo70] {
        let fs = fam(f);
        assert_eq!(
            (fs.userland, fs.sh, fs.os.as_str()),
            (Userland::Gnu, Some(Dialect::Dash), "ubuntu")
        );
        for p in [
            "mongod",
            "ps",
            "jq",
            "numactl",
            "gosu",
            "docker-entrypoint.sh",
            "bash",
        ] {
            assert!(fs.find_program(p, PATH, "/").is_some(), "{f:?} {p}");
        }
        assert_eq!(
            fs.find_program("mongo", PATH, "/").is_some(),
            f != Family::Mongo70
        );
        assert_eq!(
            fs.find_program("mongosh", PATH, "/").is_some(),
            f == Family::Mongo70
        );
        assert_eq!(
            fs.file("/data/db").map(|d| (d.uid, d.gid)),
            Some((999, 999))
        );
        assert_eq!(
            fs.file("/data/configdb").map(|d| (d.uid, d.gid)),
            Some((999, 999))
        );
    }
    let ubi = fam(Family::Ubi9);
    assert_eq!(
        (ubi.userland, ubi.sh, ubi.os.as_str()),
        (Userland::Gnu, Some(Dialect::Bash), "ubi")
    );
    for p in ["bash", "ls", "dnf", "yum", "rpm"] {
        assert!(ubi.find_program(p, PATH, "/").is_some(), "ubi {p}");
    }
    let redis = fam(Family::Redis72);
    for p in [
        "redis-server",
        "redis-cli",
        "redis-benchmark",
        "redis-sentinel",
        "gosu",
    ] {
        assert!(redis.find_program(p, PATH, "/").is_some(), "redis {p}");
    }
    assert_eq!(
        redis.file("/data").map(|d| (d.uid, d.gid)),
        Some((999, 999))
    );
    assert_eq!(fam(Family::Scratch).sh, None);
    assert!(fam(Family::Scratch).files.is_empty());
}

#[test]
fn os_release_texts() {
    assert_eq!(
        text(&fam(Family::Nginx127), "/etc/os-release"),
        "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL=\"https://www.debian.org/\"\nSUPPORT_URL=\"https://www.debian.org/support\"\nBUG_REPORT_URL=\"https://bugs.debian.org/\"\n"
    );
    let jammy = text(&fam(Family::Ubuntu2204), "/etc/os-release");
    assert!(jammy.starts_with("PRETTY_NAME=\"Ubuntu 22.04"), "{jammy}");
    assert!(jammy.contains("\nVERSION_CODENAME=jammy\n"));
    assert!(text(&fam(Family::Mongo42), "/etc/os-release").contains("VERSION_ID=\"18.04\""));
    assert!(text(&fam(Family::Mongo44), "/etc/os-release").contains("VERSION_ID=\"20.04\""));
    assert!(text(&fam(Family::Redis504), "/etc/os-release").contains("VERSION_ID=\"9\""));
    assert!(
        text(&fam(Family::Alpine319), "/etc/os-release")
            .starts_with("NAME=\"Alpine Linux\"\nID=alpine\n")
    );
    assert!(text(&fam(Family::Ubi9), "/etc/os-release").contains("VERSION_ID=\"9.4\""));
    assert!(text(&fam(Family::Mysql80), "/etc/os-release").contains("ID=\"ol\""));
}

#[test]
fn users_pages_and_configuration() {
    let nginx = fam(Family::Nginx127);
    assert!(
        text(&nginx, "/etc/passwd")
            .ends_with("nginx:x:101:101:nginx user:/nonexistent:/bin/false\n")
    );
    assert!(text(&nginx, "/etc/group").ends_with("nginx:x:101:\n"));
    let index = text(&nginx, "/usr/share/nginx/html/index.html");
    assert_eq!(index.len(), 615);
    assert!(index.contains("<title>Welcome to nginx!</title>"));
    assert!(text(&nginx, "/usr/share/nginx/html/50x.html").contains("<h1>An error occurred.</h1>"));
    assert!(text(&nginx, "/etc/nginx/nginx.conf").contains("include /etc/nginx/conf.d/*.conf;"));
    assert!(
        text(&nginx, "/etc/nginx/conf.d/default.conf").contains("root   /usr/share/nginx/html;")
    );
    assert_eq!(
        nginx
            .file("/var/log/nginx/access.log")
            .map(|f| f.kind.clone()),
        Some(FileKind::Symlink("/dev/stdout".into()))
    );
    assert_eq!(
        nginx.file("/docker-entrypoint.sh").map(|f| f.mode),
        Some(0o755)
    );
    assert!(
        nginx
            .find_program("/docker-entrypoint.sh", PATH, "/")
            .is_some()
    );
    assert_eq!(
        text(&fam(Family::Nginx179), "/usr/share/nginx/html/index.html").len(),
        612
    );
    let slim = fam(Family::NginxSlim08);
    assert!(text(&slim, "/etc/passwd").starts_with("root:x:0:0:root:/root:/bin/sh\n"));
    assert!(slim.find_program("nginx", PATH, "/").is_some());
    assert!(slim.find_program("bash", PATH, "/").is_some());
    assert!(text(&slim, "/usr/share/nginx/html/index.html").contains("Welcome to nginx!"));

    let httpd = fam(Family::Httpd24);
    assert_eq!(
        text(&httpd, "/usr/local/apache2/htdocs/index.html"),
        "<html><body><h1>It works!</h1></body></html>\n"
    );
    assert_eq!(
        httpd.file("/usr/local/apache2").map(|d| (d.uid, d.gid)),
        Some((33, 33))
    );
    assert!(httpd.find_program("httpd-foreground", PATH, "/").is_some());
    assert!(
        httpd
            .find_program("httpd", "/usr/local/apache2/bin:/usr/bin", "/")
            .is_some()
    );

    assert!(
        text(&fam(Family::Redis72), "/etc/passwd")
            .ends_with("redis:x:999:999::/home/redis:/bin/sh\n")
    );
    assert!(
        text(&fam(Family::Mongo44), "/etc/passwd")
            .ends_with("mongodb:x:999:999::/data/db:/bin/sh\n")
    );
    assert!(
        text(&fam(Family::Mysql80), "/etc/passwd")
            .ends_with("mysql:x:999:999::/var/lib/mysql:/bin/bash\n")
    );
    assert!(
        text(&fam(Family::JenkinsLts), "/etc/passwd")
            .ends_with("jenkins:x:1000:1000::/var/jenkins_home:/bin/bash\n")
    );
    assert!(
        text(&fam(Family::Keycloak20), "/etc/passwd")
            .ends_with("keycloak:x:1000:0:keycloak user:/opt/keycloak:/sbin/nologin\n")
    );
}

#[test]
fn shipped_digests_do_not_move_and_custom_file_systems_take_part() {
    use crate::world::registry::defaults::default_registry;
    use crate::world::registry::{Image, ImageSpec};
    // The digest the describe transcript has shown since before root file systems existed.
    assert_eq!(
        default_registry().digest("nginx:1.7.9").as_deref(),
        Some("sha256:3e4b14e2e082812bea344a2b573ff21b7356151f70c15eddcb5de86616686b8a")
    );
    let mut a = ImageSpec::new("x", 10, 0);
    let mut b = a.clone();
    b.rootfs = RootFsSource::Shipped(Family::Ubi9);
    assert_eq!(Image::build(a.clone()).digest, Image::build(b).digest);
    let custom = custom::build(
        &fam(Family::Busybox136),
        &[(
            "/app/x".into(),
            custom::Entry::Dir {
                mode: 0o755,
                uid: 0,
                gid: 0,
            },
        )],
        &[],
    )
    .unwrap();
    let plain = Image::build(a.clone()).digest;
    a.rootfs = RootFsSource::Custom(Rc::new(custom));
    let with_files = Image::build(a.clone());
    assert_ne!(with_files.digest, plain);
    assert_eq!(
        rootfs_of(&with_files.spec).file("/app/x").map(|f| f.mode),
        Some(0o755)
    );
    assert_eq!(rootfs_of(&ImageSpec::new("y", 1, 0)).os, "busybox");
}

#[test]
fn the_default_registry_images_have_their_file_systems() {
    use crate::world::registry::defaults::default_registry;
    let reg = default_registry();
    let cases = [
        ("busybox", "wget"),
        ("busybox:1.28", "nslookup"),
        ("alpine", "apk"),
        ("nginx", "nginx"),
        ("nginx:1.7.9", "nginx"),
        ("k8s.gcr.io/nginx-slim:0.8", "nginx"),
        ("httpd", "httpd-foreground"),
        ("redis", "redis-cli"),
        ("redis:5.0.4", "redis-server"),
        ("mongo:4.2", "mongo"),
        ("mongo:4.4", "mongo"),
        ("mongo", "mongosh"),
        ("mysql", "mysqld"),
        ("ubuntu", "bash"),
        ("jenkins/jenkins:lts", "jenkins.sh"),
        ("jenkins:2.60.3", "jenkins.sh"),
        ("gasbugs/http-go:v2", "main"),
        ("kodekloud/webapp-color:v1", "python"),
        ("quay.io/keycloak/keycloak:20.0.3", "kc.sh"),
        ("registry.access.redhat.com/ubi9/nginx-120:1-86", "nginx"),
        ("registry.access.redhat.com/ubi9/php-81:latest", "php"),
        ("registry.access.redhat.com/ubi9/ubi", "dnf"),
    ];
    for (image, program) in cases {
        let spec = reg.resolve(image).unwrap().image.spec;
        assert!(rootfs_of(&spec).has_program(program), "{image}: {program}");
    }
}

/// What every course image runs (its entrypoint, else its command) is a program of its file
/// system, found on the image's own PATH.
#[test]
fn every_default_image_has_the_program_it_runs() {
    use crate::world::registry::defaults::default_registry;
    let reg = default_registry();
    for (reference, _) in reg.images() {
        let spec = reg.resolve(&reference).unwrap().image.spec;
        let argv0 = spec
            .config
            .entrypoint
            .first()
            .or(spec.config.cmd.first())
            .cloned()
            .unwrap_or_default();
        let path = spec
            .config
            .env
            .iter()
            .find_map(|e| e.strip_prefix("PATH="))
            .unwrap_or("");
        let found = rootfs_of(&spec).find_program(&argv0, path, "/");
        // The default world gives nginx:1.7.9 the /docker-entrypoint.sh of later nginx images;
        // the real 1.7.9 image has no entrypoint (its CMD is nginx), and neither does its file
        // system. The config is part of the digest snapshots show, so it stays as it is.
        if reference.ends_with("/nginx:1.7.9") {
            assert!(found.is_none());
            continue;
        }
        assert!(found.is_some(), "{reference}: {argv0}");
    }
}
