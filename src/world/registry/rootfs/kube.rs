//! The root file systems of the cluster's own images (kube-system's programs): distroless
//! images holding one static Go binary each, no shell (`kubectl exec etcd-control-plane -- sh`
//! fails as on a real cluster).

use super::RootFs;
use super::build::Builder;
use crate::shell::Userland;

/// A distroless image with its programs at their paths (what `gcr.io/distroless/static` based
/// images hold besides: /etc/passwd, /etc/group, CA certificates, tzdata).
fn distroless(programs: &[&str]) -> RootFs {
    base(programs).finish()
}

/// The files every distroless image has, and `programs`.
fn base(programs: &[&str]) -> Builder {
    let mut b = Builder::new("distroless", Userland::Busybox, None);
    b.dirs(&[
        "/etc",
        "/etc/ssl",
        "/etc/ssl/certs",
        "/tmp",
        "/var",
        "/home",
    ]);
    b.dir("/tmp", 0o1777, 0, 0);
    b.dir("/root", 0o700, 0, 0);
    b.dir("/home/nonroot", 0o700, 65532, 65532);
    b.text(
        "/etc/passwd",
        "root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n",
    );
    b.text(
        "/etc/group",
        "root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n",
    );
    b.text("/etc/ssl/certs/ca-certificates.crt", "");
    for p in programs {
        b.program(p);
    }
    b
}

/// `registry.k8s.io/etcd`: etcd and its clients.
pub fn etcd() -> RootFs {
    distroless(&[
        "/usr/local/bin/etcd",
        "/usr/local/bin/etcdctl",
        "/usr/local/bin/etcdutl",
    ])
}

/// `registry.k8s.io/kube-apiserver`, `kube-controller-manager`, `kube-scheduler`: one binary
/// each in /usr/local/bin (the three images share this file system in kubelab: each holds the
/// others' binaries too).
pub fn control_plane() -> RootFs {
    distroless(&[
        "/usr/local/bin/kube-apiserver",
        "/usr/local/bin/kube-controller-manager",
        "/usr/local/bin/kube-scheduler",
    ])
}

/// `registry.k8s.io/kube-proxy`: kube-proxy with the iptables tools it drives.
pub fn kube_proxy() -> RootFs {
    let mut b = base(&["/usr/local/bin/kube-proxy"]);
    b.dirs(&["/var/lib", "/var/lib/kube-proxy"]);
    b.programs(
        "/usr/sbin",
        &[
            "iptables",
            "ip6tables",
            "iptables-save",
            "iptables-restore",
            "ipset",
            "conntrack",
        ],
    );
    b.finish()
}

/// `registry.k8s.io/coredns/coredns`: /coredns alone.
pub fn coredns() -> RootFs {
    distroless(&["/coredns"])
}

/// `registry.k8s.io/metrics-server/metrics-server`: /metrics-server alone.
pub fn metrics_server() -> RootFs {
    distroless(&["/metrics-server"])
}

/// `docker.io/flannel/flannel`: flanneld and its helper script (kubelab leaves out the Alpine
/// userland the real image is built on).
pub fn flannel() -> RootFs {
    let mut b = base(&["/opt/bin/flanneld", "/opt/bin/mk-docker-opts.sh"]);
    b.dirs(&["/etc/kube-flannel", "/run"]);
    b.finish()
}
