//! The shipped root file systems, by image family and version, and their names for `base:`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use super::RootFs;

/// A shipped image's root file system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// `FROM scratch`: nothing at all.
    Scratch,
    Busybox128,
    Busybox136,
    Alpine319,
    DebianWheezy,
    DebianStretch,
    DebianBookworm,
    Ubuntu1604,
    Ubuntu1804,
    Ubuntu2004,
    Ubuntu2204,
    Nginx179,
    Nginx125,
    Nginx127,
    NginxSlim08,
    Httpd24,
    Redis504,
    Redis72,
    Mongo42,
    Mongo44,
    Mongo70,
    JenkinsLts,
    Jenkins2603,
    HttpGo,
    WebappColor,
    IngressNginx,
    Keycloak20,
    Ubi8,
    Ubi9,
    Ubi9Nginx120,
    Ubi9Php81,
    Mysql80,
    Ceph16,
    RookCeph17,
    CephCsi34,
    CsiSidecars,
    KubeEtcd,
    KubeControlPlane,
    KubeProxy,
    CoreDns,
    MetricsServer,
    Flannel,
}

/// Every family with its canonical name (what `base:` takes), in documentation order.
pub const FAMILIES: &[(Family, &str)] = &[
    (Family::Scratch, "scratch"),
    (Family::Busybox128, "busybox:1.28"),
    (Family::Busybox136, "busybox:1.36"),
    (Family::Alpine319, "alpine:3.19"),
    (Family::DebianWheezy, "debian:7"),
    (Family::DebianStretch, "debian:9"),
    (Family::DebianBookworm, "debian:12"),
    (Family::Ubuntu1604, "ubuntu:16.04"),
    (Family::Ubuntu1804, "ubuntu:18.04"),
    (Family::Ubuntu2004, "ubuntu:20.04"),
    (Family::Ubuntu2204, "ubuntu:22.04"),
    (Family::Nginx179, "nginx:1.7.9"),
    (Family::Nginx125, "nginx:1.25"),
    (Family::Nginx127, "nginx:1.27"),
    (Family::NginxSlim08, "nginx-slim:0.8"),
    (Family::Httpd24, "httpd:2.4"),
    (Family::Redis504, "redis:5.0"),
    (Family::Redis72, "redis:7.2"),
    (Family::Mongo42, "mongo:4.2"),
    (Family::Mongo44, "mongo:4.4"),
    (Family::Mongo70, "mongo:7.0"),
    (Family::JenkinsLts, "jenkins:lts"),
    (Family::Jenkins2603, "jenkins:2.60.3"),
    (Family::HttpGo, "http-go"),
    (Family::WebappColor, "webapp-color"),
    (Family::IngressNginx, "ingress-nginx-controller"),
    (Family::Keycloak20, "keycloak:20"),
    (Family::Ubi8, "ubi8"),
    (Family::Ubi9, "ubi9"),
    (Family::Ubi9Nginx120, "ubi9/nginx-120"),
    (Family::Ubi9Php81, "ubi9/php-81"),
    (Family::Mysql80, "mysql:8.0"),
    (Family::Ceph16, "ceph:v16"),
    (Family::RookCeph17, "rook/ceph:v1.7"),
    (Family::CephCsi34, "cephcsi:v3.4"),
    (Family::CsiSidecars, "csi-sidecars"),
    (Family::KubeEtcd, "etcd:3.5"),
    (Family::KubeControlPlane, "kube-apiserver:v1.32"),
    (Family::KubeProxy, "kube-proxy:v1.32"),
    (Family::CoreDns, "coredns:1.11"),
    (Family::MetricsServer, "metrics-server:0.7"),
    (Family::Flannel, "flannel:0.26"),
];

/// Short names (the newest version of a family).
const ALIASES: &[(&str, Family)] = &[
    ("busybox", Family::Busybox136),
    ("alpine", Family::Alpine319),
    ("debian", Family::DebianBookworm),
    ("ubuntu", Family::Ubuntu2204),
    ("nginx", Family::Nginx127),
    ("nginx-slim", Family::NginxSlim08),
    ("httpd", Family::Httpd24),
    ("redis", Family::Redis72),
    ("mongo", Family::Mongo70),
    ("jenkins", Family::JenkinsLts),
    ("keycloak", Family::Keycloak20),
    ("ubi", Family::Ubi9),
    ("mysql", Family::Mysql80),
];

thread_local! {
    static BUILT: RefCell<BTreeMap<Family, Rc<RootFs>>> = const { RefCell::new(BTreeMap::new()) };
}

impl Family {
    /// What an image gets when nothing says otherwise (a lab image of a new repository).
    pub const DEFAULT: Family = Family::Busybox136;

    /// The canonical name (`busybox:1.36`).
    pub fn name(self) -> &'static str {
        FAMILIES
            .iter()
            .find(|(f, _)| *f == self)
            .map(|(_, n)| *n)
            .unwrap_or("scratch")
    }

    /// A family by canonical name or short alias (`busybox`, `nginx:1.27`).
    pub fn parse(name: &str) -> Option<Family> {
        FAMILIES
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(f, _)| *f)
            .or_else(|| ALIASES.iter().find(|(n, _)| *n == name).map(|(_, f)| *f))
    }

    /// Every name `parse` accepts, for error messages.
    pub fn names() -> Vec<&'static str> {
        let mut v: Vec<&str> = ALIASES.iter().map(|(n, _)| *n).collect();
        v.push("scratch");
        v.extend(FAMILIES.iter().skip(1).map(|(_, n)| *n));
        v
    }

    /// The family's file system, built once per thread and shared.
    pub fn rootfs(self) -> Rc<RootFs> {
        if let Some(r) = BUILT.with(|b| b.borrow().get(&self).cloned()) {
            return r;
        }
        let r = Rc::new(self.build());
        BUILT.with(|b| b.borrow_mut().insert(self, r.clone()));
        r
    }

    fn build(self) -> RootFs {
        use super::{alpine, apps, busybox, ceph, debian, mongo, nginx, rhel, ubuntu};
        use crate::shell::Userland;
        match self {
            Family::Scratch => {
                super::build::Builder::new("scratch", Userland::Busybox, None).finish()
            }
            Family::Busybox128 => busybox::busybox(busybox::V1_28),
            Family::Busybox136 => busybox::busybox(busybox::V1_36),
            Family::Alpine319 => alpine::alpine319_image(),
            Family::DebianWheezy => debian::debian(debian::Release::Wheezy).finish(),
            Family::DebianStretch => debian::debian(debian::Release::Stretch).finish(),
            Family::DebianBookworm => debian::debian(debian::Release::Bookworm).finish(),
            Family::Ubuntu1604 => ubuntu::ubuntu(ubuntu::Release::Xenial).finish(),
            Family::Ubuntu1804 => ubuntu::ubuntu(ubuntu::Release::Bionic).finish(),
            Family::Ubuntu2004 => ubuntu::ubuntu(ubuntu::Release::Focal).finish(),
            Family::Ubuntu2204 => ubuntu::ubuntu(ubuntu::Release::Jammy).finish(),
            Family::Nginx179 => nginx::nginx_1_7_9(),
            Family::Nginx125 | Family::Nginx127 => nginx::nginx_bookworm(),
            Family::NginxSlim08 => nginx::nginx_slim_0_8(),
            Family::Httpd24 => apps::httpd(),
            Family::Redis504 => apps::redis(debian::Release::Stretch),
            Family::Redis72 => apps::redis(debian::Release::Bookworm),
            Family::Mongo42 => mongo::mongo(mongo::Version::V42),
            Family::Mongo44 => mongo::mongo(mongo::Version::V44),
            Family::Mongo70 => mongo::mongo(mongo::Version::V70),
            Family::JenkinsLts => apps::jenkins(debian::Release::Bookworm),
            Family::Jenkins2603 => apps::jenkins(debian::Release::Stretch),
            Family::HttpGo => apps::http_go(),
            Family::WebappColor => alpine::webapp_color(),
            Family::IngressNginx => alpine::ingress_nginx(),
            Family::Keycloak20 => rhel::keycloak20(),
            Family::Ubi8 => rhel::ubi(rhel::Ubi::V8).finish(),
            Family::Ubi9 => rhel::ubi(rhel::Ubi::V9).finish(),
            Family::Ubi9Nginx120 => rhel::ubi9_nginx120(),
            Family::Ubi9Php81 => rhel::ubi9_php81(),
            Family::Mysql80 => rhel::mysql80(),
            Family::Ceph16 => ceph::ceph16(),
            Family::RookCeph17 => ceph::rook_ceph17(),
            Family::CephCsi34 => ceph::cephcsi34(),
            Family::CsiSidecars => ceph::csi_sidecars(),
            Family::KubeEtcd => super::kube::etcd(),
            Family::KubeControlPlane => super::kube::control_plane(),
            Family::KubeProxy => super::kube::kube_proxy(),
            Family::CoreDns => super::kube::coredns(),
            Family::MetricsServer => super::kube::metrics_server(),
            Family::Flannel => super::kube::flannel(),
        }
    }
}
