//! The add-ons of the cluster: what `kubeadm init` installs (CoreDNS, kube-proxy:
//! `cmd/kubeadm/app/phases/addons/{dns,proxy}/manifests.go`), the CNI (flannel's
//! `kube-flannel.yml`) and metrics-server (its `components.yaml`), as the API server stores
//! them after defaulting.

use crate::world::api::kinds;
use serde_json::{Value, json};

use super::images;

/// The CoreDNS Deployment (2 replicas).
pub fn coredns() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": kinds::DEPLOYMENT,
        "metadata": {"name": "coredns", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"k8s-app": "kube-dns"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}},
            "template": {
                "metadata": {"labels": {"k8s-app": "kube-dns"}},
                "spec": {
                    "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
                        "podAffinityTerm": {"labelSelector": {"matchExpressions": [{"key": "k8s-app", "operator": "In", "values": ["kube-dns"]}]}, "topologyKey": "kubernetes.io/hostname"},
                        "weight": 100,
                    }]}},
                    "containers": [{
                        "args": ["-conf", "/etc/coredns/Corefile"],
                        "image": images::COREDNS,
                        "imagePullPolicy": "IfNotPresent",
                        "name": "coredns",
                        "ports": [
                            {"containerPort": 53, "name": "dns", "protocol": "UDP"},
                            {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                            {"containerPort": 9153, "name": "metrics", "protocol": "TCP"},
                        ],
                        "resources": {"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m", "memory": "70Mi"}},
                        "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]}, "readOnlyRootFilesystem": true},
                        "volumeMounts": [{"mountPath": "/etc/coredns", "name": "config-volume", "readOnly": true}],
                    }],
                    "dnsPolicy": "Default",
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "priorityClassName": "system-cluster-critical",
                    "serviceAccountName": "coredns",
                    "tolerations": [
                        {"key": "CriticalAddonsOnly", "operator": "Exists"},
                        {"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"},
                    ],
                    "volumes": [{"configMap": {"items": [{"key": "Corefile", "path": "Corefile"}], "name": "coredns"}, "name": "config-volume"}],
                },
            },
        },
    })
}

/// The `kube-dns` Service (the 10th address of the service range).
pub fn kube_dns() -> Value {
    json!({
        "apiVersion": "v1", "kind": kinds::SERVICE,
        "metadata": {
            "name": "kube-dns", "namespace": "kube-system",
            "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"},
            "labels": {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"},
        },
        "spec": {
            "clusterIP": "10.96.0.10",
            "ports": [
                {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153},
            ],
            "selector": {"k8s-app": "kube-dns"},
        },
    })
}

/// The kube-proxy DaemonSet (every node: it tolerates every taint).
pub fn kube_proxy() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": kinds::DAEMON_SET,
        "metadata": {"name": "kube-proxy", "namespace": "kube-system", "labels": {"k8s-app": "kube-proxy"}},
        "spec": {
            "selector": {"matchLabels": {"k8s-app": "kube-proxy"}},
            "template": {
                "metadata": {"labels": {"k8s-app": "kube-proxy"}},
                "spec": {
                    "containers": [{
                        "command": ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"],
                        "env": [{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}}],
                        "image": images::KUBE_PROXY,
                        "imagePullPolicy": "IfNotPresent",
                        "name": "kube-proxy",
                        "securityContext": {"privileged": true},
                        "volumeMounts": [
                            {"mountPath": "/var/lib/kube-proxy", "name": "kube-proxy"},
                            {"mountPath": "/run/xtables.lock", "name": "xtables-lock"},
                            {"mountPath": "/lib/modules", "name": "lib-modules", "readOnly": true},
                        ],
                    }],
                    "hostNetwork": true,
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "priorityClassName": "system-node-critical",
                    "serviceAccountName": "kube-proxy",
                    "tolerations": [{"operator": "Exists"}],
                    "volumes": [
                        {"configMap": {"name": "kube-proxy"}, "name": "kube-proxy"},
                        {"hostPath": {"path": "/run/xtables.lock", "type": "FileOrCreate"}, "name": "xtables-lock"},
                        {"hostPath": {"path": "/lib/modules"}, "name": "lib-modules"},
                    ],
                },
            },
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}},
        },
    })
}

/// flannel's DaemonSet (the CNI: pod network 10.244.0.0/16, one /24 per node). kubelab leaves
/// out its two init containers (`install-cni-plugin`, `install-cni`, which copy the CNI plugin
/// and configuration to the node).
pub fn flannel() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": kinds::DAEMON_SET,
        "metadata": {"name": "kube-flannel-ds", "namespace": "kube-flannel", "labels": {"app": "flannel", "k8s-app": "flannel", "tier": "node"}},
        "spec": {
            "selector": {"matchLabels": {"app": "flannel", "k8s-app": "flannel"}},
            "template": {
                "metadata": {"labels": {"app": "flannel", "k8s-app": "flannel", "tier": "node"}},
                "spec": {
                    "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]}]}]}}},
                    "containers": [{
                        "args": ["--ip-masq", "--kube-subnet-mgr"],
                        "command": ["/opt/bin/flanneld"],
                        "env": [
                            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
                            {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}},
                            {"name": "EVENT_QUEUE_DEPTH", "value": "5000"},
                        ],
                        "image": images::FLANNEL,
                        "imagePullPolicy": "IfNotPresent",
                        "name": "kube-flannel",
                        "resources": {"requests": {"cpu": "100m", "memory": "50Mi"}},
                        "securityContext": {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}, "privileged": false},
                        "volumeMounts": [
                            {"mountPath": "/run/flannel", "name": "run"},
                            {"mountPath": "/etc/kube-flannel/", "name": "flannel-cfg"},
                            {"mountPath": "/run/xtables.lock", "name": "xtables-lock"},
                        ],
                    }],
                    "hostNetwork": true,
                    "priorityClassName": "system-node-critical",
                    "serviceAccountName": "flannel",
                    "tolerations": [{"effect": "NoSchedule", "operator": "Exists"}],
                    "volumes": [
                        {"hostPath": {"path": "/run/flannel"}, "name": "run"},
                        {"configMap": {"name": "kube-flannel-cfg"}, "name": "flannel-cfg"},
                        {"hostPath": {"path": "/run/xtables.lock", "type": "FileOrCreate"}, "name": "xtables-lock"},
                    ],
                },
            },
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}},
        },
    })
}

/// metrics-server's Deployment. **Decision:** the course's cluster runs it on the control-plane
/// node (a toleration and a node selector added to `components.yaml`, as course clusters often
/// pin their add-ons), so that the two workers stay alike for the students' pods; and with
/// `--kubelet-insecure-tls`, since the kubelets' serving certificates are self-signed.
pub fn metrics_server() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": kinds::DEPLOYMENT,
        "metadata": {"name": "metrics-server", "namespace": "kube-system", "labels": {"k8s-app": "metrics-server"}},
        "spec": {
            "selector": {"matchLabels": {"k8s-app": "metrics-server"}},
            "strategy": {"rollingUpdate": {"maxUnavailable": 0}},
            "template": {
                "metadata": {"labels": {"k8s-app": "metrics-server"}},
                "spec": {
                    "containers": [{
                        "args": ["--cert-dir=/tmp", "--secure-port=10250", "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname", "--kubelet-use-node-status-port", "--metric-resolution=15s", "--kubelet-insecure-tls"],
                        "image": images::METRICS_SERVER,
                        "imagePullPolicy": "IfNotPresent",
                        "name": "metrics-server",
                        "ports": [{"containerPort": 10250, "name": "https", "protocol": "TCP"}],
                        "resources": {"requests": {"cpu": "100m", "memory": "200Mi"}},
                        "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}, "readOnlyRootFilesystem": true, "runAsNonRoot": true, "runAsUser": 1000, "seccompProfile": {"type": "RuntimeDefault"}},
                        "volumeMounts": [{"mountPath": "/tmp", "name": "tmp-dir"}],
                    }],
                    "nodeSelector": {"kubernetes.io/os": "linux", "node-role.kubernetes.io/control-plane": ""},
                    "priorityClassName": "system-cluster-critical",
                    "serviceAccountName": "metrics-server",
                    "tolerations": [{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane", "operator": "Exists"}],
                    "volumes": [{"emptyDir": {}, "name": "tmp-dir"}],
                },
            },
        },
    })
}

/// metrics-server's Service (the APIService `v1beta1.metrics.k8s.io` points at it; kubelab
/// does not serve the APIService kind).
pub fn metrics_server_service() -> Value {
    json!({
        "apiVersion": "v1", "kind": kinds::SERVICE,
        "metadata": {"name": "metrics-server", "namespace": "kube-system", "labels": {"k8s-app": "metrics-server"}},
        "spec": {
            "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": "https"}],
            "selector": {"k8s-app": "metrics-server"},
        },
    })
}

/// The ServiceAccounts the controller-manager creates for its controllers
/// (`--use-service-account-credentials=true`), in kube-system.
pub const CONTROLLER_ACCOUNTS: &[&str] = &[
    "attachdetach-controller",
    "bootstrap-signer",
    "certificate-controller",
    "clusterrole-aggregation-controller",
    "cronjob-controller",
    "daemon-set-controller",
    "deployment-controller",
    "disruption-controller",
    "endpoint-controller",
    "endpointslice-controller",
    "endpointslicemirroring-controller",
    "ephemeral-volume-controller",
    "expand-controller",
    "generic-garbage-collector",
    "horizontal-pod-autoscaler",
    "job-controller",
    "legacy-service-account-token-cleaner",
    "namespace-controller",
    "node-controller",
    "persistent-volume-binder",
    "pod-garbage-collector",
    "pv-protection-controller",
    "pvc-protection-controller",
    "replicaset-controller",
    "replication-controller",
    "resourcequota-controller",
    "root-ca-cert-publisher",
    "service-account-controller",
    "service-cidrs-controller",
    "statefulset-controller",
    "token-cleaner",
    "ttl-after-finished-controller",
    "ttl-controller",
    "validatingadmissionpolicy-status-controller",
];
