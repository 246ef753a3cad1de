//! What an OpenShift 4 cluster shows a student first, besides Kubernetes' own namespaces: the
//! `openshift-*` namespaces, the default router (`openshift-ingress`), the internal image
//! registry (`openshift-image-registry`, Service `image-registry` on port 5000) and the web
//! console (`openshift-console`). Their pods run images of the release payload, pulled by
//! digest from `quay.io/openshift-release-dev/ocp-v4.0-art-dev`. kubelab holds only these
//! workloads: the operators that manage them, the cluster's own control plane pods and
//! ClusterOperators are not simulated.

use crate::world::api::kinds;
use serde_json::{Value, json};

use crate::world::World;
use crate::world::registry::ImageSpec;

/// The release payload's repository.
const PAYLOAD: &str = "quay.io/openshift-release-dev/ocp-v4.0-art-dev";

/// The namespaces of an OpenShift 4.16 cluster a student lists first (`oc get projects` as
/// kubeadmin), besides `default`, `kube-*` and `openshift`.
pub const NAMESPACES: &[&str] = &[
    "openshift-apiserver",
    "openshift-authentication",
    "openshift-config",
    "openshift-config-managed",
    "openshift-console",
    "openshift-dns",
    "openshift-image-registry",
    "openshift-infra",
    "openshift-ingress",
    "openshift-ingress-operator",
    "openshift-monitoring",
    "openshift-node",
    "openshift-operators",
];

/// The payload images kubelab runs: component, size in MB, its program, what it logs first.
const IMAGES: &[(&str, u64, &str, &[&str])] = &[
    (
        "haproxy-router",
        180,
        "/usr/bin/openshift-router",
        &[
            "I0221 08:59:31.180322       1 template.go:560] \"msg\"=\"starting router\" \"logger\"=\"router\" \"version\"=\"majorFromGit: \\nminorFromGit: \\ncommitFromGit: 4c1a54e\\nversionFromGit: 4.0.0-542-g4c1a54e\\ngitTreeState: clean\\nbuildDate: 2025-01-30T10:14:52Z\\n\"",
            "I0221 08:59:31.182755       1 metrics.go:156] \"msg\"=\"router health and metrics port listening on HTTP and HTTPS\" \"address\"=\"0.0.0.0:1936\" \"logger\"=\"metrics\"",
            "I0221 08:59:31.190234       1 router.go:217] \"msg\"=\"creating a new template router\" \"logger\"=\"template\" \"writeDir\"=\"/var/lib/haproxy\"",
            "I0221 08:59:32.250998       1 router.go:669] \"msg\"=\"router reloaded\" \"logger\"=\"template\" \"output\"=\" - Checking http://localhost:80 ...\\n - Health check ok : 0 retry attempt(s).\\n\"",
        ],
    ),
    (
        "docker-registry",
        120,
        "/usr/bin/dockerregistry",
        &[
            "time=\"2025-02-21T08:59:35.113504208Z\" level=info msg=\"start registry\" distribution_version=v3.0.0+unknown go.version=\"go1.22.9 (Red Hat 1.22.9-2.el9_5) X:strictfipsruntime\" openshift_version=4.16.0-202501300000.p0.g0ee2b4c.assembly.stream.el9-0ee2b4c",
            "time=\"2025-02-21T08:59:35.221872034Z\" level=info msg=\"listening on :5000, tls\" go.version=\"go1.22.9 (Red Hat 1.22.9-2.el9_5) X:strictfipsruntime\"",
        ],
    ),
    (
        "console",
        150,
        "/opt/bridge/bin/bridge",
        &[
            "W0221 08:59:40.002188       1 main.go:228] Flag inactivity-timeout is set to less then 300 seconds and will be ignored!",
            "I0221 08:59:40.131047       1 main.go:813] Binding to [::]:8443...",
            "I0221 08:59:40.131082       1 main.go:815] using TLS",
        ],
    ),
];

/// Pushes the payload images; returns their pull specs (`REPO@DIGEST`) by component.
fn push_images(w: &mut World) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (component, size, program, logs) in IMAGES {
        let mut spec = ImageSpec::new(
            &format!("ocp-4.16/{component}"),
            size * 1_000_000,
            1_738_195_200_000,
        );
        spec.config.entrypoint = vec![program.to_string()];
        spec.behavior.logs = logs.iter().map(|s| s.to_string()).collect();
        let tag = format!("{PAYLOAD}:4.16-{component}");
        if let Ok(digest) = w.registry.push(&tag, spec) {
            out.push((*component, format!("{PAYLOAD}@{digest}")));
        }
    }
    out
}

fn deployment(ns: &str, name: &str, labels: Value, replicas: u32, pod: Value) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": kinds::DEPLOYMENT,
        "metadata": {"name": name, "namespace": ns, "labels": labels.clone()},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels.clone()},
            "template": {"metadata": {"labels": labels}, "spec": pod},
        },
    })
}

/// Installs what the student sees of OpenShift (after the nodes joined).
pub fn install(w: &mut World) {
    for ns in NAMESPACES {
        let _ = w.create_internal(json!({"apiVersion": "v1", "kind": kinds::NAMESPACE, "metadata": {"name": ns, "labels": {"openshift.io/cluster-monitoring": "true"}}}));
    }
    let images = push_images(w);
    let image = |c: &str| {
        images
            .iter()
            .find(|(n, _)| *n == c)
            .map(|(_, s)| s.clone())
            .unwrap_or_default()
    };
    for (ns, sa) in [
        ("openshift-ingress", "router"),
        ("openshift-image-registry", "registry"),
        ("openshift-console", "console"),
    ] {
        let _ = w.create_internal(json!({"apiVersion": "v1", "kind": kinds::SERVICE_ACCOUNT, "metadata": {"name": sa, "namespace": ns}}));
    }
    let router_labels =
        json!({"ingresscontroller.operator.openshift.io/deployment-ingresscontroller": "default"});
    let _ = w.create_internal(deployment(
        "openshift-ingress",
        "router-default",
        router_labels,
        2,
        json!({
            "containers": [{
                "name": "router",
                "image": image("haproxy-router"),
                "imagePullPolicy": "IfNotPresent",
                "ports": [
                    {"containerPort": 80, "hostPort": 80, "name": "http", "protocol": "TCP"},
                    {"containerPort": 443, "hostPort": 443, "name": "https", "protocol": "TCP"},
                    {"containerPort": 1936, "hostPort": 1936, "name": "metrics", "protocol": "TCP"},
                ],
                "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}},
            }],
            "hostNetwork": true,
            "nodeSelector": {"kubernetes.io/os": "linux", "node-role.kubernetes.io/worker": ""},
            "priorityClassName": "system-cluster-critical",
            "serviceAccountName": "router",
        }),
    ));
    let registry_labels = json!({"docker-registry": "default"});
    let _ = w.create_internal(deployment(
        "openshift-image-registry",
        "image-registry",
        registry_labels.clone(),
        1,
        json!({
            "containers": [{
                "name": "registry",
                "image": image("docker-registry"),
                "imagePullPolicy": "IfNotPresent",
                "ports": [{"containerPort": 5000, "protocol": "TCP"}],
                "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}},
            }],
            "nodeSelector": {"kubernetes.io/os": "linux"},
            "priorityClassName": "system-cluster-critical",
            "serviceAccountName": "registry",
        }),
    ));
    let _ = w.create_internal(json!({
        "apiVersion": "v1", "kind": kinds::SERVICE,
        "metadata": {"name": "image-registry", "namespace": "openshift-image-registry", "labels": registry_labels.clone()},
        "spec": {"ports": [{"name": "5000-tcp", "port": 5000, "protocol": "TCP", "targetPort": 5000}], "selector": registry_labels},
    }));
    let console_labels = json!({"app": "console", "component": "ui"});
    let _ = w.create_internal(deployment(
        "openshift-console",
        "console",
        console_labels.clone(),
        2,
        json!({
            "containers": [{
                "name": "console",
                "image": image("console"),
                "imagePullPolicy": "IfNotPresent",
                "ports": [{"containerPort": 8443, "name": "https", "protocol": "TCP"}],
                "resources": {"requests": {"cpu": "10m", "memory": "100Mi"}},
            }],
            "nodeSelector": {"node-role.kubernetes.io/master": ""},
            "priorityClassName": "system-cluster-critical",
            "serviceAccountName": "console",
            "tolerations": [
                {"effect": "NoSchedule", "key": "node-role.kubernetes.io/master", "operator": "Exists"},
                {"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane", "operator": "Exists"},
            ],
        }),
    ));
    let _ = w.create_internal(json!({
        "apiVersion": "v1", "kind": kinds::SERVICE,
        "metadata": {"name": "console", "namespace": "openshift-console", "labels": {"app": "console"}},
        "spec": {"ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 8443}], "selector": console_labels},
    }));
}
