//! Stateful admission on create: what the apiserver's admission plugins and registry strategies
//! add using cluster state (service account token volumes, default tolerations, the default
//! StorageClass, Service cluster IPs and node ports, the LimitRanger's defaults), and the
//! validating plugins after validation (LimitRanger's checks, ResourceQuota).

use crate::world::api::meta::Field;
use serde_json::{Value, json};

use super::World;
use super::api::error::ApiError;
use super::api::kinds::{self, KindInfo};
use super::api::meta;

fn add_finalizer(obj: &mut Value, f: &str) {
    let fins = meta::path_mut(obj, &["metadata", "finalizers"]);
    if !fins.is_array() {
        *fins = json!([]);
    }
    if let Some(a) = fins.as_array_mut()
        && !a.iter().any(|x| x.as_str() == Some(f))
    {
        a.push(json!(f));
    }
}

impl World {
    /// Runs the admission plugins for a create.
    pub(crate) fn admit(&mut self, kind: &KindInfo, obj: &mut Value) -> Result<(), ApiError> {
        match kind.kind {
            kinds::POD => {
                self.admit_pod(obj)?;
                self.limit_ranger_defaults(obj);
                Ok(())
            }
            kinds::SERVICE => self.admit_service(obj),
            kinds::PERSISTENT_VOLUME_CLAIM => {
                self.admit_pvc(obj);
                add_finalizer(obj, "kubernetes.io/pvc-protection");
                Ok(())
            }
            kinds::PERSISTENT_VOLUME => {
                add_finalizer(obj, "kubernetes.io/pv-protection");
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Runs the validating admission plugins (after validation, before the write): the
    /// LimitRanger's checks, then ResourceQuota (which charges the quotas unless `dry_run`).
    pub(crate) fn admit_validate(
        &mut self,
        kind: &KindInfo,
        obj: &Value,
        old: Option<&Value>,
        dry_run: bool,
    ) -> Result<(), ApiError> {
        self.limit_ranger_validate(kind, obj, old)?;
        self.admit_quota(kind, obj, old, dry_run)
    }

    fn admit_pod(&mut self, pod: &mut Value) -> Result<(), ApiError> {
        // The ServiceAccount admission leaves the kubelet's mirror pods alone.
        let mirror = meta::annotation(pod, "kubernetes.io/config.mirror").is_some();
        // Priority admission: the value of the pod's PriorityClass.
        let class_value = meta::str_at(pod, &["spec", "priorityClassName"])
            .and_then(|c| self.object(kinds::PRIORITY_CLASS, "", c))
            .and_then(|c| c.field("value"))
            .and_then(Value::as_i64);
        let spec = meta::path_mut(pod, &["spec"]);
        if !mirror {
            let sa = spec
                .field("serviceAccountName")
                .and_then(Value::as_str)
                .unwrap_or("default")
                .to_string();
            spec["serviceAccountName"] = json!(sa);
            spec["serviceAccount"] = json!(sa);
        }
        if spec.field("enableServiceLinks").is_none() {
            spec["enableServiceLinks"] = json!(true);
        }
        if spec.field("preemptionPolicy").is_none() {
            spec["preemptionPolicy"] = json!("PreemptLowerPriority");
        }
        if spec.field("priority").is_none() {
            spec["priority"] = json!(class_value.unwrap_or(0));
        }
        // DefaultTolerationSeconds.
        let mut tolerations: Vec<Value> = spec
            .field("tolerations")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for key in [
            "node.kubernetes.io/not-ready",
            "node.kubernetes.io/unreachable",
        ] {
            // A toleration of every key (`operator: Exists` without a key) covers it too.
            if !tolerations.iter().any(|t| {
                let k = t.field("key").and_then(Value::as_str).unwrap_or("");
                k == key
                    || (k.is_empty()
                        && t.field("operator").and_then(Value::as_str) == Some("Exists")
                        && matches!(
                            t.field("effect").and_then(Value::as_str).unwrap_or(""),
                            "" | "NoExecute"
                        ))
            }) {
                tolerations.push(json!({"effect": "NoExecute", "key": key, "operator": "Exists", "tolerationSeconds": 300}));
            }
        }
        spec["tolerations"] = Value::Array(tolerations);
        if mirror {
            return Ok(());
        }
        // ServiceAccount admission: the projected token volume mounted in every container.
        let automount = spec
            .field("automountServiceAccountToken")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let has_sa_mount = spec
            .field("containers")
            .and_then(Value::as_array)
            .is_some_and(|cs| {
                cs.iter().any(|c| {
                    c.field("volumeMounts")
                        .and_then(Value::as_array)
                        .is_some_and(|m| {
                            m.iter().any(|v| {
                                v.field("mountPath").and_then(Value::as_str)
                                    == Some("/var/run/secrets/kubernetes.io/serviceaccount")
                            })
                        })
                })
            });
        if automount && !has_sa_mount {
            let vol_name = format!("kube-api-access-{}", self.seed.suffix(5));
            let spec = meta::path_mut(pod, &["spec"]);
            let mut vols: Vec<Value> = spec
                .field("volumes")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            vols.push(json!({
                "name": vol_name,
                "projected": {
                    "defaultMode": 420,
                    "sources": [
                        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                        {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
                        {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}},
                    ]
                }
            }));
            spec["volumes"] = Value::Array(vols);
            for list in ["initContainers", "containers"] {
                if let Some(cs) = spec.get_mut(list).and_then(Value::as_array_mut) {
                    for c in cs {
                        let mut mounts: Vec<Value> = c
                            .field("volumeMounts")
                            .and_then(Value::as_array)
                            .cloned()
                            .unwrap_or_default();
                        mounts.push(json!({"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": vol_name, "readOnly": true}));
                        c["volumeMounts"] = Value::Array(mounts);
                    }
                }
            }
        }
        Ok(())
    }

    fn admit_service(&mut self, svc: &mut Value) -> Result<(), ApiError> {
        let ty = meta::str_at(svc, &["spec", "type"])
            .unwrap_or("ClusterIP")
            .to_string();
        if ty == "ExternalName" {
            return Ok(());
        }
        let ip = match meta::str_at(svc, &["spec", "clusterIP"]) {
            Some(ip) if !ip.is_empty() => ip.to_string(),
            _ => self.allocate_cluster_ip(),
        };
        meta::set_path(svc, &["spec", "clusterIP"], json!(ip));
        meta::set_path(svc, &["spec", "clusterIPs"], json!([ip]));
        if ip != "None" || meta::path(svc, &["spec", "ipFamilies"]).is_none() {
            meta::set_path(svc, &["spec", "ipFamilies"], json!(["IPv4"]));
        }
        if meta::path(svc, &["spec", "ipFamilyPolicy"]).is_none() {
            meta::set_path(svc, &["spec", "ipFamilyPolicy"], json!("SingleStack"));
        }
        if ty == "NodePort" || ty == "LoadBalancer" {
            let used = self.used_node_ports();
            if let Some(ports) = meta::path_mut(svc, &["spec", "ports"]).as_array_mut() {
                let mut taken = used;
                for p in ports {
                    if p.field("nodePort").and_then(Value::as_i64).is_none() {
                        let mut np = 30000 + self.seed.below(2768) as i64;
                        while taken.contains(&np) {
                            np = 30000 + (np - 30000 + 1) % 2768;
                        }
                        taken.push(np);
                        p["nodePort"] = json!(np);
                    }
                }
            }
        }
        Ok(())
    }

    fn allocate_cluster_ip(&mut self) -> String {
        let used: Vec<String> = kinds::by_kind(kinds::SERVICE)
            .map(|k| {
                self.store
                    .list(k, None)
                    .filter_map(|s| meta::str_at(s, &["spec", "clusterIP"]).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        loop {
            let n = self.seed.below(65_000) + 20;
            let ip = format!(
                "10.{}.{}.{}",
                96 + (n >> 16) % 16,
                (n >> 8) & 0xff,
                (n & 0xff).max(2)
            );
            if !used.contains(&ip) {
                return ip;
            }
        }
    }

    fn used_node_ports(&self) -> Vec<i64> {
        kinds::by_kind(kinds::SERVICE)
            .map(|k| {
                self.store
                    .list(k, None)
                    .flat_map(|s| {
                        meta::path(s, &["spec", "ports"])
                            .and_then(Value::as_array)
                            .map(|a| {
                                a.iter()
                                    .filter_map(|p| p.field("nodePort").and_then(Value::as_i64))
                                    .collect::<Vec<_>>()
                            })
                            .unwrap_or_default()
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// DefaultStorageClass admission: a claim with no class (nil, not "") gets the default.
    fn admit_pvc(&mut self, pvc: &mut Value) {
        if meta::path(pvc, &["spec", "storageClassName"]).is_some()
            || meta::annotation(pvc, "volume.beta.kubernetes.io/storage-class").is_some()
        {
            return;
        }
        if let Some(default) = self.default_storage_class() {
            meta::set_path(pvc, &["spec", "storageClassName"], json!(default));
        }
    }

    /// The default StorageClass: newest with the default annotation, ties by name.
    pub fn default_storage_class(&self) -> Option<String> {
        let k = kinds::by_kind(kinds::STORAGE_CLASS)?;
        let mut defaults: Vec<(String, String)> = self
            .store
            .list(k, None)
            .filter(|sc| {
                meta::annotation(sc, "storageclass.kubernetes.io/is-default-class") == Some("true")
                    || meta::annotation(sc, "storageclass.beta.kubernetes.io/is-default-class")
                        == Some("true")
            })
            .map(|sc| {
                (
                    meta::str_at(sc, &["metadata", "creationTimestamp"])
                        .unwrap_or("")
                        .to_string(),
                    meta::name(sc).to_string(),
                )
            })
            .collect();
        defaults.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        defaults.into_iter().next().map(|(_, n)| n)
    }
}
