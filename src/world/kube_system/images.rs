//! The images kube-system runs (kubeadm 1.32's control plane, CoreDNS, kube-proxy, flannel,
//! metrics-server), pushed to the default world's registries, with the first lines their
//! programs log (written in kubelab's words in the programs' own shapes: klog's
//! `Lmmdd hh:mm:ss.uuuuuu PID file:line] msg`, etcd's JSON lines, CoreDNS's plain lines). The
//! lines carry the cluster's install time: kube-system's pods started then.

use crate::world::clock::Millis;
use crate::world::registry::rootfs::{Family, RootFsSource};
use crate::world::registry::{ImageSpec, Registry};

/// kubeadm 1.32's control plane version (the nodes' kubelets run it too).
pub const K8S_VERSION: &str = "v1.32.4";
/// `registry.k8s.io/etcd` as kubeadm 1.32.0 picks it (`SupportedEtcdVersion`).
pub const ETCD: &str = "registry.k8s.io/etcd:3.5.16-0";
/// The control plane's images.
pub const APISERVER: &str = "registry.k8s.io/kube-apiserver:v1.32.4";
pub const CONTROLLER_MANAGER: &str = "registry.k8s.io/kube-controller-manager:v1.32.4";
pub const SCHEDULER: &str = "registry.k8s.io/kube-scheduler:v1.32.4";
pub const KUBE_PROXY: &str = "registry.k8s.io/kube-proxy:v1.32.4";
/// `CoreDNSVersion` of kubeadm 1.32.
pub const COREDNS: &str = "registry.k8s.io/coredns/coredns:v1.11.3";
/// The metrics-server release of early 2025 (its components.yaml).
pub const METRICS_SERVER: &str = "registry.k8s.io/metrics-server/metrics-server:v0.7.2";
/// The flannel release of early 2025 (kube-flannel.yml).
pub const FLANNEL: &str = "docker.io/flannel/flannel:v0.26.4";

const MB: u64 = 1_000_000;
/// 2024-12-11T00:00:00Z: when the 1.32 images were built.
const BUILT: Millis = 1_733_875_200_000;

struct Def {
    reference: &'static str,
    size_mb: u64,
    entrypoint: &'static [&'static str],
    rootfs: Family,
    logs: &'static [&'static str],
}

const DEFS: &[Def] = &[
    Def {
        reference: ETCD,
        size_mb: 57,
        entrypoint: &["/usr/local/bin/etcd"],
        rootfs: Family::KubeEtcd,
        logs: &[
            r#"{"level":"warn","ts":"2025-02-21T08:59:02.104818Z","caller":"embed/config.go:689","msg":"Running http and grpc server on single port. This is not recommended for production."}"#,
            r#"{"level":"info","ts":"2025-02-21T08:59:02.105102Z","caller":"etcdmain/etcd.go:73","msg":"Running: ","args":["etcd","--advertise-client-urls=https://10.0.0.10:2379","--data-dir=/var/lib/etcd","--name=control-plane"]}"#,
            r#"{"level":"info","ts":"2025-02-21T08:59:02.105411Z","caller":"embed/etcd.go:128","msg":"configuring peer listeners","listen-peer-urls":["https://10.0.0.10:2380"]}"#,
            r#"{"level":"info","ts":"2025-02-21T08:59:02.106003Z","caller":"embed/etcd.go:311","msg":"starting an etcd server","etcd-version":"3.5.16","git-sha":"f20bbad","go-version":"go1.22.7","go-os":"linux","go-arch":"amd64","name":"control-plane","data-dir":"/var/lib/etcd"}"#,
            r#"{"level":"info","ts":"2025-02-21T08:59:02.912550Z","caller":"etcdserver/server.go:2129","msg":"published local member to cluster through raft","local-member-attributes":"{Name:control-plane ClientURLs:[https://10.0.0.10:2379]}"}"#,
            r#"{"level":"info","ts":"2025-02-21T08:59:02.913004Z","caller":"embed/serve.go:250","msg":"serving client traffic securely","traffic":"grpc+http","address":"10.0.0.10:2379"}"#,
        ],
    },
    Def {
        reference: APISERVER,
        size_mb: 28,
        entrypoint: &["/usr/local/bin/kube-apiserver"],
        rootfs: Family::KubeControlPlane,
        logs: &[
            "I0221 08:59:03.201447       1 options.go:238] external host was not specified, using 10.0.0.10",
            "I0221 08:59:03.203112       1 server.go:143] Version: v1.32.4",
            "I0221 08:59:03.203140       1 server.go:145] \"Golang settings\" GOGC=\"\" GOMAXPROCS=\"\" GOTRACEBACK=\"\"",
            "I0221 08:59:03.880231       1 secure_serving.go:213] Serving securely on [::]:6443",
            "I0221 08:59:04.512903       1 controller.go:615] quota admission added evaluator for: serviceaccounts",
        ],
    },
    Def {
        reference: CONTROLLER_MANAGER,
        size_mb: 26,
        entrypoint: &["/usr/local/bin/kube-controller-manager"],
        rootfs: Family::KubeControlPlane,
        logs: &[
            "I0221 08:59:03.402211       1 serving.go:386] Generated self-signed cert in-memory",
            "I0221 08:59:03.912774       1 controllermanager.go:185] \"Starting\" version=\"v1.32.4\"",
            "I0221 08:59:03.912801       1 controllermanager.go:187] \"Golang settings\" GOGC=\"\" GOMAXPROCS=\"\" GOTRACEBACK=\"\"",
            "I0221 08:59:03.914120       1 secure_serving.go:213] Serving securely on 127.0.0.1:10257",
            "I0221 08:59:05.001930       1 leaderelection.go:271] successfully acquired lease kube-system/kube-controller-manager",
        ],
    },
    Def {
        reference: SCHEDULER,
        size_mb: 20,
        entrypoint: &["/usr/local/bin/kube-scheduler"],
        rootfs: Family::KubeControlPlane,
        logs: &[
            "I0221 08:59:03.511092       1 serving.go:386] Generated self-signed cert in-memory",
            "I0221 08:59:04.102336       1 server.go:167] \"Starting Kubernetes Scheduler\" version=\"v1.32.4\"",
            "I0221 08:59:04.104001       1 secure_serving.go:213] Serving securely on 127.0.0.1:10259",
            "I0221 08:59:05.204712       1 leaderelection.go:271] successfully acquired lease kube-system/kube-scheduler",
        ],
    },
    Def {
        reference: KUBE_PROXY,
        size_mb: 31,
        entrypoint: &["/usr/local/bin/kube-proxy"],
        rootfs: Family::KubeProxy,
        logs: &[
            "I0221 08:59:08.301774       1 server_linux.go:66] \"Using iptables proxy\"",
            "I0221 08:59:08.342016       1 server.go:698] \"Successfully retrieved node IP(s)\" IPs=[\"10.0.0.10\"]",
            "I0221 08:59:08.360458       1 server_linux.go:170] \"Using iptables Proxier\"",
            "I0221 08:59:08.362191       1 server.go:497] \"Version info\" version=\"v1.32.4\"",
            "I0221 08:59:08.371045       1 config.go:199] \"Starting service config controller\"",
            "I0221 08:59:08.471622       1 shared_informer.go:320] Caches are synced for service config",
        ],
    },
    Def {
        reference: COREDNS,
        size_mb: 18,
        entrypoint: &["/coredns"],
        rootfs: Family::CoreDns,
        logs: &[
            ".:53",
            "[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908",
            "CoreDNS-1.11.3",
            "linux/amd64, go1.21.11, a6338e9",
        ],
    },
    Def {
        reference: METRICS_SERVER,
        size_mb: 19,
        entrypoint: &["/metrics-server"],
        rootfs: Family::MetricsServer,
        logs: &[
            "I0221 08:59:21.118402       1 serving.go:374] Generated self-signed cert (/tmp/apiserver.crt, /tmp/apiserver.key)",
            "I0221 08:59:21.602147       1 handler.go:275] Adding GroupVersion metrics.k8s.io v1beta1 to ResourceManager",
            "I0221 08:59:21.712083       1 secure_serving.go:213] Serving securely on [::]:10250",
        ],
    },
    Def {
        reference: FLANNEL,
        size_mb: 30,
        entrypoint: &["/opt/bin/flanneld"],
        rootfs: Family::Flannel,
        logs: &[
            "I0221 08:59:07.012557       1 main.go:211] CLI flags config: {etcdEndpoints:http://127.0.0.1:4001,http://127.0.0.1:2379 etcdPrefix:/coreos.com/network kubeSubnetMgr:true ipMasq:true}",
            "I0221 08:59:07.101388       1 kube.go:139] Waiting 10m0s for node controller to sync",
            "I0221 08:59:07.101602       1 kube.go:469] Starting kube subnet manager",
            "I0221 08:59:08.102214       1 main.go:416] Current network or subnet (10.244.0.0/16, 10.244.0.0/24) is not equal to previous one (0.0.0.0/0, 0.0.0.0/0), trying to recycle old iptables rules",
            "I0221 08:59:08.203019       1 main.go:468] Wrote subnet file to /run/flannel/subnet.env",
            "I0221 08:59:08.203045       1 main.go:472] Running backend.",
        ],
    },
];

/// Pushes kube-system's images (`registry.k8s.io` and `docker.io` are hosts of the default
/// world).
pub fn push(reg: &mut Registry) {
    for def in DEFS {
        let mut spec = ImageSpec::new(def.reference, def.size_mb * MB, BUILT);
        spec.rootfs = RootFsSource::Shipped(def.rootfs);
        spec.config.entrypoint = def.entrypoint.iter().map(|s| s.to_string()).collect();
        spec.config.env =
            vec!["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string()];
        spec.behavior.logs = def.logs.iter().map(|s| s.to_string()).collect();
        let _ = reg.push(def.reference, spec);
    }
}
