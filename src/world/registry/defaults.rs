//! The images of the default world: what the course uses, with fixed content (hence fixed digests),
//! realistic sizes, configs and behaviours.

use super::rootfs::{Family, RootFsSource};
use super::{ImageSpec, Registry};
use crate::world::clock::Millis;

/// Registry hosts that exist in the default world.
pub const HOSTS: &[&str] = &[
    "docker.io",
    "quay.io",
    "registry.access.redhat.com",
    "registry.redhat.io",
    "k8s.gcr.io",
    "registry.k8s.io",
    "gcr.io",
    "ghcr.io",
    "image-registry.openshift-image-registry.svc:5000",
];

const MB: u64 = 1_000_000;

/// 2024-01-01T00:00:00Z: images are older than the class.
const Y2024: Millis = 1_704_067_200_000;
const DAY: Millis = 86_400_000;

struct Def {
    refs: &'static [&'static str],
    size_mb: u64,
    age_days: i64,
    entrypoint: &'static [&'static str],
    cmd: &'static [&'static str],
    ports: &'static [&'static str],
    http: &'static [(u16, &'static str)],
    exits: Option<i32>,
    multi_arch: bool,
    /// ENV (`K=V`, in `docker inspect`'s order); empty: the base image's PATH alone.
    env: &'static [&'static str],
    /// WORKDIR; empty: `/`.
    workdir: &'static str,
    /// The root file system (`rootfs/`); not part of the digest.
    rootfs: Family,
    /// Lines the image's own program writes at its start.
    logs: &'static [&'static str],
}

const NGINX_PAGE: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n</body>\n</html>\n";
const HTTPD_PAGE: &str = "<html><body><h1>It works!</h1></body></html>\n";
const NGINX_EP: &[&str] = &["/docker-entrypoint.sh"];
const NGINX_CMD: &[&str] = &["nginx", "-g", "daemon off;"];
/// nginx:1.16.0 predates the `/docker-entrypoint.sh` of the official image (1.19+).
const NGINX_CMD_116_EP: &[&str] = &[];

const fn d(refs: &'static [&'static str], size_mb: u64, age_days: i64) -> Def {
    Def {
        refs,
        size_mb,
        age_days,
        entrypoint: &[],
        cmd: &[],
        ports: &[],
        http: &[],
        exits: None,
        multi_arch: false,
        env: &[],
        workdir: "",
        rootfs: Family::DEFAULT,
        logs: &[],
    }
}

fn defs() -> Vec<Def> {
    vec![
        Def {
            entrypoint: &["docker-entrypoint.sh"],
            cmd: &["mongod"],
            ports: &["27017/tcp"],
            rootfs: Family::Mongo42,
            ..d(&["mongo:4.2", "mongo:4.2.24"], 146, 500)
        },
        Def {
            entrypoint: &["docker-entrypoint.sh"],
            cmd: &["mongod"],
            ports: &["27017/tcp"],
            rootfs: Family::Mongo44,
            ..d(&["mongo:4.4", "mongo:4.4.29"], 162, 300)
        },
        Def {
            entrypoint: &["docker-entrypoint.sh"],
            cmd: &["mongod"],
            ports: &["27017/tcp"],
            rootfs: Family::Mongo70,
            ..d(&["mongo:7.0", "mongo:latest"], 250, 40)
        },
        Def {
            entrypoint: NGINX_EP,
            cmd: NGINX_CMD,
            ports: &["80/tcp"],
            http: &[(80, NGINX_PAGE)],
            rootfs: Family::Nginx179,
            ..d(&["nginx:1.7.9"], 37, 3000)
        },
        Def {
            entrypoint: NGINX_EP,
            cmd: NGINX_CMD,
            ports: &["80/tcp"],
            http: &[(80, NGINX_PAGE)],
            rootfs: Family::Nginx125,
            ..d(&["nginx:1.25", "nginx:1.25.5"], 71, 200)
        },
        // The image `helm create` charts of the course default to (appVersion 1.16.0). Its root
        // file system is kubelab's nginx one (the 1.25 files), not 1.16.0's Debian stretch.
        Def {
            entrypoint: NGINX_CMD_116_EP,
            cmd: NGINX_CMD,
            ports: &["80/tcp"],
            http: &[(80, NGINX_PAGE)],
            rootfs: Family::Nginx125,
            ..d(&["nginx:1.16.0"], 44, 1700)
        },
        Def {
            entrypoint: NGINX_EP,
            cmd: NGINX_CMD,
            ports: &["80/tcp"],
            http: &[(80, NGINX_PAGE)],
            multi_arch: true,
            rootfs: Family::Nginx127,
            ..d(&["nginx:1.27", "nginx:latest"], 73, 30)
        },
        Def {
            cmd: NGINX_CMD,
            ports: &["80/tcp"],
            http: &[(80, NGINX_PAGE)],
            rootfs: Family::NginxSlim08,
            ..d(
                &[
                    "k8s.gcr.io/nginx-slim:0.8",
                    "registry.k8s.io/nginx-slim:0.8",
                ],
                20,
                2800,
            )
        },
        Def {
            cmd: &["httpd-foreground"],
            ports: &["80/tcp"],
            http: &[(80, HTTPD_PAGE)],
            // docker-library/httpd 2.4/Dockerfile: `ENV HTTPD_PREFIX`, `ENV PATH
            // $HTTPD_PREFIX/bin:$PATH` (PATH keeps its place in the list), `WORKDIR
            // $HTTPD_PREFIX`, then the version, the tarball's sha256 and no patches.
            env: &[
                "PATH=/usr/local/apache2/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "HTTPD_PREFIX=/usr/local/apache2",
                "HTTPD_VERSION=2.4.62",
                "HTTPD_SHA256=674188e7bf44ced82da8db522da946849e22080d73d16c93f7f4df89e25729ec",
                "HTTPD_PATCHES=",
            ],
            workdir: "/usr/local/apache2",
            rootfs: Family::Httpd24,
            ..d(&["httpd:2.4", "httpd:latest"], 58, 60)
        },
        Def {
            entrypoint: &["docker-entrypoint.sh"],
            cmd: &["redis-server"],
            ports: &["6379/tcp"],
            rootfs: Family::Redis72,
            ..d(&["redis:7.2", "redis:latest"], 45, 50)
        },
        Def {
            entrypoint: &["docker-entrypoint.sh"],
            cmd: &["redis-server"],
            ports: &["6379/tcp"],
            rootfs: Family::Redis504,
            ..d(&["redis:5.0.4"], 36, 2100)
        },
        Def {
            cmd: &["sh"],
            exits: Some(0),
            rootfs: Family::Busybox128,
            ..d(&["busybox:1.28"], 1, 2600)
        },
        Def {
            cmd: &["sh"],
            exits: Some(0),
            multi_arch: true,
            rootfs: Family::Busybox136,
            ..d(&["busybox:1.36", "busybox:latest"], 2, 100)
        },
        Def {
            cmd: &["/bin/sh"],
            exits: Some(0),
            multi_arch: true,
            rootfs: Family::Alpine319,
            ..d(&["alpine:3.19", "alpine:latest"], 3, 80)
        },
        // The ingress-nginx controller (`world/traffic/ingress.rs` answers for it on port 80).
        Def {
            entrypoint: &["/usr/bin/dumb-init", "--"],
            cmd: &["/nginx-ingress-controller"],
            ports: &["80/tcp", "443/tcp", "8443/tcp"],
            http: &[(80, "")],
            rootfs: Family::IngressNginx,
            ..d(
                &["registry.k8s.io/ingress-nginx/controller:v1.12.0"],
                105,
                20,
            )
        },
        Def {
            entrypoint: &["docker-entrypoint.sh"],
            cmd: &["mysqld"],
            ports: &["3306/tcp", "33060/tcp"],
            rootfs: Family::Mysql80,
            ..d(&["mysql:8.0", "mysql:latest"], 170, 60)
        },
        Def {
            cmd: &["sh"],
            exits: Some(0),
            rootfs: Family::Busybox128,
            ..d(&["busybox:1.28"], 1, 2400)
        },
        Def {
            cmd: &["/bin/bash"],
            exits: Some(0),
            multi_arch: true,
            rootfs: Family::Ubuntu2204,
            ..d(&["ubuntu:22.04", "ubuntu:latest"], 30, 90)
        },
        Def {
            entrypoint: &["/usr/bin/tini", "--", "/usr/local/bin/jenkins.sh"],
            ports: &["8080/tcp", "50000/tcp"],
            rootfs: Family::JenkinsLts,
            ..d(&["jenkins/jenkins:lts", "jenkins/jenkins:latest"], 280, 20)
        },
        Def {
            entrypoint: &["/bin/tini", "--", "/usr/local/bin/jenkins.sh"],
            ports: &["8080/tcp", "50000/tcp"],
            rootfs: Family::Jenkins2603,
            ..d(&["jenkins:2.60.3", "jenkins:latest"], 310, 2600)
        },
        Def {
            cmd: &["/usr/src/app/main"],
            http: &[(8080, "Welcome! http-go:v1\n")],
            rootfs: Family::HttpGo,
            ..d(&["gasbugs/http-go:v1"], 272, 2000)
        },
        Def {
            cmd: &["/usr/src/app/main"],
            http: &[(8080, "Welcome! http-go:v2\n")],
            rootfs: Family::HttpGo,
            ..d(&["gasbugs/http-go:v2"], 272, 1999)
        },
        Def {
            cmd: &["/usr/src/app/main"],
            http: &[(8080, "Welcome! http-go:v3\n")],
            rootfs: Family::HttpGo,
            ..d(&["gasbugs/http-go:v3", "gasbugs/http-go:latest"], 272, 1998)
        },
        Def {
            entrypoint: &["python", "app.py"],
            ports: &["8080/tcp"],
            http: &[(8080, "Hello from webapp-color v1 (blue)\n")],
            rootfs: Family::WebappColor,
            ..d(&["kodekloud/webapp-color:v1"], 33, 1500)
        },
        Def {
            entrypoint: &["python", "app.py"],
            ports: &["8080/tcp"],
            http: &[(8080, "Hello from webapp-color v2 (green)\n")],
            rootfs: Family::WebappColor,
            ..d(
                &["kodekloud/webapp-color:v2", "kodekloud/webapp-color:latest"],
                33,
                1499,
            )
        },
        Def {
            entrypoint: &["/opt/keycloak/bin/kc.sh"],
            ports: &["8080/tcp", "8443/tcp"],
            multi_arch: true,
            rootfs: Family::Keycloak20,
            ..d(&["quay.io/keycloak/keycloak:20.0.2"], 210, 700)
        },
        Def {
            entrypoint: &["/opt/keycloak/bin/kc.sh"],
            ports: &["8080/tcp", "8443/tcp"],
            multi_arch: true,
            rootfs: Family::Keycloak20,
            ..d(
                &[
                    "quay.io/keycloak/keycloak:20.0.3",
                    "quay.io/keycloak/keycloak:20.0",
                ],
                211,
                680,
            )
        },
        Def {
            cmd: &["/usr/libexec/s2i/usage"],
            ports: &["8080/tcp", "8443/tcp"],
            http: &[(8080, NGINX_PAGE)],
            multi_arch: true,
            rootfs: Family::Ubi9Nginx120,
            ..d(
                &["registry.access.redhat.com/ubi9/nginx-120:1-86"],
                118,
                420,
            )
        },
        Def {
            cmd: &["/usr/libexec/s2i/usage"],
            ports: &["8080/tcp", "8443/tcp"],
            http: &[(8080, NGINX_PAGE)],
            multi_arch: true,
            rootfs: Family::Ubi9Nginx120,
            ..d(
                &[
                    "registry.access.redhat.com/ubi9/nginx-120:1-112",
                    "registry.access.redhat.com/ubi9/nginx-120:latest",
                ],
                121,
                120,
            )
        },
        Def {
            cmd: &["/usr/libexec/s2i/usage"],
            ports: &["8080/tcp"],
            multi_arch: true,
            rootfs: Family::Ubi9Php81,
            ..d(
                &[
                    "registry.access.redhat.com/ubi9/php-81:1-50",
                    "registry.access.redhat.com/ubi9/php-81:latest",
                ],
                160,
                150,
            )
        },
        Def {
            cmd: &["/bin/bash"],
            exits: Some(0),
            multi_arch: true,
            rootfs: Family::Ubi9,
            ..d(
                &[
                    "registry.access.redhat.com/ubi9/ubi:9.4",
                    "registry.access.redhat.com/ubi9/ubi:latest",
                ],
                80,
                100,
            )
        },
        Def {
            entrypoint: &["/usr/local/bin/rook"],
            multi_arch: true,
            rootfs: Family::RookCeph17,
            ..d(&["rook/ceph:v1.7.11"], 420, 1500)
        },
        Def {
            entrypoint: &["/usr/bin/ceph"],
            multi_arch: true,
            rootfs: Family::Ceph16,
            ..d(&["quay.io/ceph/ceph:v16.2.6"], 380, 1560)
        },
        Def {
            entrypoint: &["/usr/local/bin/cephcsi"],
            multi_arch: true,
            rootfs: Family::CephCsi34,
            ..d(&["quay.io/cephcsi/cephcsi:v3.4.0"], 310, 1530)
        },
        Def {
            entrypoint: &["/csi-node-driver-registrar"],
            multi_arch: true,
            rootfs: Family::CsiSidecars,
            ..d(
                &["k8s.gcr.io/sig-storage/csi-node-driver-registrar:v2.3.0"],
                9,
                1540,
            )
        },
        Def {
            entrypoint: &["/csi-provisioner"],
            multi_arch: true,
            rootfs: Family::CsiSidecars,
            ..d(&["k8s.gcr.io/sig-storage/csi-provisioner:v3.0.0"], 23, 1530)
        },
        Def {
            entrypoint: &["/csi-resizer"],
            multi_arch: true,
            rootfs: Family::CsiSidecars,
            ..d(&["k8s.gcr.io/sig-storage/csi-resizer:v1.3.0"], 21, 1530)
        },
        Def {
            entrypoint: &["/csi-snapshotter"],
            multi_arch: true,
            rootfs: Family::CsiSidecars,
            ..d(&["k8s.gcr.io/sig-storage/csi-snapshotter:v4.2.0"], 21, 1550)
        },
        Def {
            entrypoint: &["/csi-attacher"],
            multi_arch: true,
            rootfs: Family::CsiSidecars,
            ..d(&["k8s.gcr.io/sig-storage/csi-attacher:v3.3.0"], 20, 1540)
        },
    ]
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn spec_for(def: &Def, arch: &str) -> ImageSpec {
    let mut spec = ImageSpec::new(
        &format!("{}/{arch}", def.refs[0]),
        def.size_mb * MB + def.age_days as u64 * 4096,
        Y2024 - def.age_days * DAY,
    );
    spec.architecture = arch.to_string();
    spec.rootfs = RootFsSource::Shipped(def.rootfs);
    spec.config.entrypoint = strings(def.entrypoint);
    spec.config.cmd = strings(def.cmd);
    spec.config.exposed_ports = strings(def.ports);
    spec.config.env = if def.env.is_empty() {
        vec!["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string()]
    } else {
        strings(def.env)
    };
    spec.config.working_dir = def.workdir.to_string();
    spec.behavior.http = def.http.iter().map(|(p, b)| (*p, b.to_string())).collect();
    spec.behavior.logs = strings(def.logs);
    if let Some(code) = def.exits {
        spec.behavior.exit_code = Some(code);
        spec.behavior.run_ms = 100;
    }
    spec
}

/// The default world's registries with the course's images.
pub fn default_registry() -> Registry {
    let mut reg = Registry::new(HOSTS);
    for def in defs() {
        let first = def.refs[0];
        let pushed = if def.multi_arch {
            reg.push_list(
                first,
                vec![
                    spec_for(&def, "amd64"),
                    spec_for(&def, "arm64"),
                    spec_for(&def, "ppc64le"),
                    spec_for(&def, "s390x"),
                ],
            )
        } else {
            reg.push(first, spec_for(&def, "amd64"))
        };
        if pushed.is_ok() {
            for other in &def.refs[1..] {
                let _ = reg.tag(first, other);
            }
        }
    }
    reg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_course_images_are_there() {
        let r = default_registry();
        for i in [
            "mongo:4.2",
            "mongo:4.4",
            "nginx",
            "httpd",
            "redis",
            "busybox",
            "ubuntu",
            "jenkins/jenkins:lts",
            "gasbugs/http-go:v1",
            "gasbugs/http-go:v3",
            "quay.io/keycloak/keycloak:20.0.2",
            "quay.io/keycloak/keycloak:20.0.3",
            "registry.access.redhat.com/ubi9/nginx-120:1-86",
            "k8s.gcr.io/nginx-slim:0.8",
            "alpine",
            "mysql:8.0",
        ] {
            assert!(r.resolve(i).is_ok(), "{i}");
        }
        assert_ne!(r.digest("mongo:4.2"), r.digest("mongo:4.4"));
        assert_eq!(r.digest("nginx:latest"), r.digest("nginx:1.27"));
    }
}
