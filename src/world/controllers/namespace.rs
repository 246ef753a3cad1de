//! Namespace lifecycle: every active namespace gets its `default` ServiceAccount and the
//! `kube-root-ca.crt` ConfigMap (the service account and root CA publisher controllers); a
//! terminating namespace has its contents deleted and disappears when empty.

use serde_json::json;

use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::meta;

/// The cluster CA every namespace's `kube-root-ca.crt` carries (a fixed, fake certificate).
pub const ROOT_CA: &str = "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIKubeLabCA0wDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE\nAxMKa3ViZXJuZXRlczAeFw0yNTAxMDEwMDAwMDBaFw0zNTAxMDEwMDAwMDBaMBUx\nEzARBgNVBAMTCmt1YmVybmV0ZXMwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK\n-----END CERTIFICATE-----\n";

/// One pass over every namespace.
pub fn run(world: &mut World) {
    let Some(ns_kind) = kinds::by_kind(kinds::NAMESPACE) else {
        return;
    };
    let namespaces: Vec<(String, bool)> = world
        .store
        .list(ns_kind, None)
        .map(|n| (meta::name(n).to_string(), meta::is_deleting(n)))
        .collect();
    for (ns, deleting) in namespaces {
        if deleting {
            let mut left = 0;
            let contents: Vec<(&'static kinds::KindInfo, String, bool)> = world
                .served_kinds()
                .into_iter()
                .filter(|k| k.namespaced)
                .flat_map(|k| {
                    world
                        .store
                        .list(k, Some(&ns))
                        .map(move |o| (k, meta::name(o).to_string(), meta::is_deleting(o)))
                })
                .collect();
            for (k, name, already) in contents {
                left += 1;
                if !already {
                    let _ = world.delete_internal(k, &ns, &name);
                }
            }
            if left == 0 {
                world.remove_object(ns_kind, "", &ns);
            }
            continue;
        }
        if ns == "default"
            && world
                .object(kinds::SERVICE, "default", "kubernetes")
                .is_none()
        {
            // The API server recreates its own Service (e.g. after `kubectl delete all --all`).
            let _ = world.create_internal(json!({
                "apiVersion": "v1", "kind": kinds::SERVICE,
                "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"component": "apiserver", "provider": "kubernetes"}},
                "spec": {"clusterIP": "10.96.0.1", "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}], "type": "ClusterIP"},
            }));
        }
        if world
            .object(kinds::SERVICE_ACCOUNT, &ns, "default")
            .is_none()
        {
            let _ = world.create_internal(json!({"apiVersion": "v1", "kind": kinds::SERVICE_ACCOUNT, "metadata": {"name": "default", "namespace": ns}}));
        }
        if world
            .object(kinds::CONFIG_MAP, &ns, "kube-root-ca.crt")
            .is_none()
        {
            let _ = world.create_internal(json!({
                "apiVersion": "v1", "kind": kinds::CONFIG_MAP,
                "metadata": {"name": "kube-root-ca.crt", "namespace": ns, "annotations": {"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."}},
                "data": {"ca.crt": ROOT_CA},
            }));
        }
    }
}
