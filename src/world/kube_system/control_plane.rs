//! The control plane's static pods as the API server shows them: the kubelet of `control-plane`
//! runs `/etc/kubernetes/manifests/*.yaml` (written by `kubeadm init`) and posts a mirror pod
//! for each, named `COMPONENT-NODE`, owned by the Node, with the `kubernetes.io/config.*`
//! annotations (`pkg/kubelet/types`, `cmd/kubeadm/app/phases/controlplane/manifests.go`,
//! `cmd/kubeadm/app/phases/etcd/local.go`).

use crate::world::api::kinds;
use serde_json::{Value, json};

use super::images;
use crate::world::seed::{fnv1a32, hex};

/// The flags of each component, as kubeadm 1.32 writes them for this cluster.
fn command(component: &str, ip: &str) -> Vec<String> {
    let pki = "/etc/kubernetes/pki";
    let flags: Vec<String> = match component {
        "etcd" => vec![
            format!("--advertise-client-urls=https://{ip}:2379"),
            format!("--cert-file={pki}/etcd/server.crt"),
            "--client-cert-auth=true".into(),
            "--data-dir=/var/lib/etcd".into(),
            "--experimental-initial-corrupt-check=true".into(),
            "--experimental-watch-progress-notify-interval=5s".into(),
            format!("--initial-advertise-peer-urls=https://{ip}:2380"),
            format!("--initial-cluster=control-plane=https://{ip}:2380"),
            format!("--key-file={pki}/etcd/server.key"),
            format!("--listen-client-urls=https://127.0.0.1:2379,https://{ip}:2379"),
            "--listen-metrics-urls=http://127.0.0.1:2381".into(),
            format!("--listen-peer-urls=https://{ip}:2380"),
            "--name=control-plane".into(),
            format!("--peer-cert-file={pki}/etcd/peer.crt"),
            "--peer-client-cert-auth=true".into(),
            format!("--peer-key-file={pki}/etcd/peer.key"),
            format!("--peer-trusted-ca-file={pki}/etcd/ca.crt"),
            "--snapshot-count=10000".into(),
            format!("--trusted-ca-file={pki}/etcd/ca.crt"),
        ],
        "kube-apiserver" => vec![
            format!("--advertise-address={ip}"),
            "--allow-privileged=true".into(),
            "--authorization-mode=Node,RBAC".into(),
            format!("--client-ca-file={pki}/ca.crt"),
            "--enable-admission-plugins=NodeRestriction".into(),
            "--enable-bootstrap-token-auth=true".into(),
            format!("--etcd-cafile={pki}/etcd/ca.crt"),
            format!("--etcd-certfile={pki}/apiserver-etcd-client.crt"),
            format!("--etcd-keyfile={pki}/apiserver-etcd-client.key"),
            "--etcd-servers=https://127.0.0.1:2379".into(),
            format!("--kubelet-client-certificate={pki}/apiserver-kubelet-client.crt"),
            format!("--kubelet-client-key={pki}/apiserver-kubelet-client.key"),
            "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname".into(),
            format!("--proxy-client-cert-file={pki}/front-proxy-client.crt"),
            format!("--proxy-client-key-file={pki}/front-proxy-client.key"),
            "--requestheader-allowed-names=front-proxy-client".into(),
            format!("--requestheader-client-ca-file={pki}/front-proxy-ca.crt"),
            "--requestheader-extra-headers-prefix=X-Remote-Extra-".into(),
            "--requestheader-group-headers=X-Remote-Group".into(),
            "--requestheader-username-headers=X-Remote-User".into(),
            "--secure-port=6443".into(),
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local".into(),
            format!("--service-account-key-file={pki}/sa.pub"),
            format!("--service-account-signing-key-file={pki}/sa.key"),
            "--service-cluster-ip-range=10.96.0.0/12".into(),
            format!("--tls-cert-file={pki}/apiserver.crt"),
            format!("--tls-private-key-file={pki}/apiserver.key"),
        ],
        "kube-controller-manager" => vec![
            "--allocate-node-cidrs=true".into(),
            "--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf".into(),
            "--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf".into(),
            "--bind-address=127.0.0.1".into(),
            format!("--client-ca-file={pki}/ca.crt"),
            "--cluster-cidr=10.244.0.0/16".into(),
            "--cluster-name=kubernetes".into(),
            format!("--cluster-signing-cert-file={pki}/ca.crt"),
            format!("--cluster-signing-key-file={pki}/ca.key"),
            "--controllers=*,bootstrapsigner,tokencleaner".into(),
            "--kubeconfig=/etc/kubernetes/controller-manager.conf".into(),
            "--leader-elect=true".into(),
            format!("--requestheader-client-ca-file={pki}/front-proxy-ca.crt"),
            format!("--root-ca-file={pki}/ca.crt"),
            format!("--service-account-private-key-file={pki}/sa.key"),
            "--service-cluster-ip-range=10.96.0.0/12".into(),
            "--use-service-account-credentials=true".into(),
        ],
        _ => vec![
            "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf".into(),
            "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf".into(),
            "--bind-address=127.0.0.1".into(),
            "--kubeconfig=/etc/kubernetes/scheduler.conf".into(),
            "--leader-elect=true".into(),
        ],
    };
    std::iter::once(component.to_string())
        .chain(flags)
        .collect()
}

/// Host paths each component mounts: (volume name, host path, mount path, read-only, type).
fn mounts(component: &str) -> Vec<(&'static str, &'static str, &'static str, bool, &'static str)> {
    let ca = [
        (
            "ca-certs",
            "/etc/ssl/certs",
            "/etc/ssl/certs",
            true,
            "DirectoryOrCreate",
        ),
        (
            "etc-ca-certificates",
            "/etc/ca-certificates",
            "/etc/ca-certificates",
            true,
            "DirectoryOrCreate",
        ),
    ];
    match component {
        "etcd" => vec![
            (
                "etcd-certs",
                "/etc/kubernetes/pki/etcd",
                "/etc/kubernetes/pki/etcd",
                false,
                "DirectoryOrCreate",
            ),
            (
                "etcd-data",
                "/var/lib/etcd",
                "/var/lib/etcd",
                false,
                "DirectoryOrCreate",
            ),
        ],
        "kube-apiserver" => {
            let mut v = ca.to_vec();
            v.push((
                "k8s-certs",
                "/etc/kubernetes/pki",
                "/etc/kubernetes/pki",
                true,
                "DirectoryOrCreate",
            ));
            v
        }
        "kube-controller-manager" => {
            let mut v = ca.to_vec();
            v.push((
                "flexvolume-dir",
                "/usr/libexec/kubernetes/kubelet-plugins/volume/exec",
                "/usr/libexec/kubernetes/kubelet-plugins/volume/exec",
                false,
                "DirectoryOrCreate",
            ));
            v.push((
                "k8s-certs",
                "/etc/kubernetes/pki",
                "/etc/kubernetes/pki",
                true,
                "DirectoryOrCreate",
            ));
            v.push((
                "kubeconfig",
                "/etc/kubernetes/controller-manager.conf",
                "/etc/kubernetes/controller-manager.conf",
                true,
                "FileOrCreate",
            ));
            v
        }
        _ => vec![(
            "kubeconfig",
            "/etc/kubernetes/scheduler.conf",
            "/etc/kubernetes/scheduler.conf",
            true,
            "FileOrCreate",
        )],
    }
}

/// The control plane's components: name, image, CPU request (kubeadm's `ComponentResources`).
pub const COMPONENTS: &[(&str, &str, &str)] = &[
    ("etcd", images::ETCD, "100m"),
    ("kube-apiserver", images::APISERVER, "250m"),
    (
        "kube-controller-manager",
        images::CONTROLLER_MANAGER,
        "200m",
    ),
    ("kube-scheduler", images::SCHEDULER, "100m"),
];

/// The mirror pod of `component` on `node` (address `ip`, Node uid `node_uid`), first seen by
/// the kubelet at `seen` (RFC 3339 with nanoseconds).
pub fn mirror_pod(
    component: &str,
    image: &str,
    cpu: &str,
    node: &str,
    node_uid: &str,
    ip: &str,
    seen: &str,
) -> Value {
    // The kubelet's hash of the manifest (kubelab: of what it says).
    let hash = {
        let a = fnv1a32(format!("{component}/{image}/{ip}").as_bytes());
        let b = fnv1a32(format!("{node}/{component}").as_bytes());
        hex(&[a.to_be_bytes(), b.to_be_bytes()].concat())
    };
    let mut annotations = json!({
        "kubernetes.io/config.hash": hash,
        "kubernetes.io/config.mirror": hash,
        "kubernetes.io/config.seen": seen,
        "kubernetes.io/config.source": "file",
    });
    match component {
        "etcd" => {
            annotations["kubeadm.kubernetes.io/etcd.advertise-client-urls"] =
                json!(format!("https://{ip}:2379"));
        }
        "kube-apiserver" => {
            annotations["kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint"] =
                json!(format!("{ip}:6443"));
        }
        _ => {}
    }
    let ms = mounts(component);
    let volume_mounts: Vec<Value> = ms
        .iter()
        .map(|(name, _, path, ro, _)| {
            if *ro {
                json!({"mountPath": path, "name": name, "readOnly": true})
            } else {
                json!({"mountPath": path, "name": name})
            }
        })
        .collect();
    let volumes: Vec<Value> = ms
        .iter()
        .map(|(name, host, _, _, ty)| json!({"hostPath": {"path": host, "type": ty}, "name": name}))
        .collect();
    let mut requests = json!({"cpu": cpu});
    if component == "etcd" {
        requests["memory"] = json!("100Mi");
    }
    json!({
        "apiVersion": "v1",
        "kind": kinds::POD,
        "metadata": {
            "name": format!("{component}-{node}"),
            "namespace": "kube-system",
            "labels": {"component": component, "tier": "control-plane"},
            "annotations": annotations,
            "ownerReferences": [{"apiVersion": "v1", "controller": true, "kind": kinds::NODE, "name": node, "uid": node_uid}],
        },
        "spec": {
            "containers": [{
                "command": command(component, ip),
                "image": image,
                "imagePullPolicy": "IfNotPresent",
                "name": component,
                "resources": {"requests": requests},
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
                "volumeMounts": volume_mounts,
            }],
            "dnsPolicy": "ClusterFirst",
            "enableServiceLinks": true,
            "hostNetwork": true,
            "nodeName": node,
            "preemptionPolicy": "PreemptLowerPriority",
            "priority": 2_000_001_000,
            "priorityClassName": "system-node-critical",
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
            "terminationGracePeriodSeconds": 30,
            "tolerations": [{"effect": "NoExecute", "operator": "Exists"}],
            "volumes": volumes,
        },
    })
}
