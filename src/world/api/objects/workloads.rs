//! The workload kinds the controllers read most: ReplicaSets, Deployments, StatefulSets.

use super::meta_view::Meta;
use super::{get, int_of, str_of};
use serde_json::Value;

/// The parts every workload shares: metadata, `spec.replicas`, the selector and template.
macro_rules! workload_common {
    ($t:ident) => {
        impl<'a> $t<'a> {
            /// A view of `obj`.
            pub fn of(obj: &'a Value) -> Self {
                $t {
                    obj,
                    spec: get(obj, "spec").unwrap_or(&super::NULL),
                    status: get(obj, "status").unwrap_or(&super::NULL),
                }
            }

            /// The stored object.
            pub fn object(&self) -> &'a Value {
                self.obj
            }

            /// Its metadata.
            pub fn meta(&self) -> Meta<'a> {
                Meta::of(self.obj)
            }

            /// `metadata.generation` (0 if absent).
            pub fn generation(&self) -> i64 {
                get(self.obj, "metadata")
                    .and_then(|m| int_of(m, "generation"))
                    .unwrap_or(0)
            }

            /// `spec.replicas` (default 1).
            pub fn replicas(&self) -> i64 {
                int_of(self.spec, "replicas").unwrap_or(1)
            }

            /// `spec.minReadySeconds` (default 0).
            pub fn min_ready_seconds(&self) -> i64 {
                int_of(self.spec, "minReadySeconds").unwrap_or(0)
            }

            /// `spec.selector`.
            pub fn selector(&self) -> Option<&'a Value> {
                get(self.spec, "selector")
            }

            /// `spec.template`.
            pub fn template(&self) -> Option<&'a Value> {
                get(self.spec, "template")
            }

            /// An integer of `status` (0 if absent: counts such as `readyReplicas`).
            pub fn status_count(&self, key: &str) -> i64 {
                int_of(self.status, key).unwrap_or(0)
            }

            /// `status.observedGeneration`.
            pub fn observed_generation(&self) -> Option<i64> {
                int_of(self.status, "observedGeneration")
            }
        }
    };
}

/// A read-only view of a ReplicaSet.
#[derive(Debug, Clone, Copy)]
pub struct ReplicaSet<'a> {
    obj: &'a Value,
    spec: &'a Value,
    status: &'a Value,
}
workload_common!(ReplicaSet);

/// A read-only view of a Deployment.
#[derive(Debug, Clone, Copy)]
pub struct Deployment<'a> {
    obj: &'a Value,
    spec: &'a Value,
    status: &'a Value,
}
workload_common!(Deployment);

/// A Deployment's `spec.strategy` (default `RollingUpdate` with 25 % / 25 %).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DeploymentStrategy<'a> {
    /// Replace pods step by step: `maxSurge` and `maxUnavailable` as written (int or percent).
    RollingUpdate {
        /// `maxSurge` (default `25%`).
        max_surge: &'a Value,
        /// `maxUnavailable` (default `25%`).
        max_unavailable: &'a Value,
    },
    /// Delete every old pod before creating new ones.
    Recreate,
}

/// `25%`, the rolling update's default surge and unavailability.
static QUARTER: std::sync::LazyLock<Value> =
    std::sync::LazyLock::new(|| Value::String("25%".into()));

impl<'a> Deployment<'a> {
    /// `spec.strategy`, defaulted.
    pub fn strategy(&self) -> DeploymentStrategy<'a> {
        let s = get(self.spec, "strategy").unwrap_or(&super::NULL);
        if str_of(s, "type") == Some("Recreate") {
            return DeploymentStrategy::Recreate;
        }
        let ru = get(s, "rollingUpdate").unwrap_or(&super::NULL);
        let or_quarter = |k: &str| get(ru, k).filter(|v| !v.is_null()).unwrap_or(&QUARTER);
        DeploymentStrategy::RollingUpdate {
            max_surge: or_quarter("maxSurge"),
            max_unavailable: or_quarter("maxUnavailable"),
        }
    }

    /// `spec.paused`.
    pub fn paused(&self) -> bool {
        get(self.spec, "paused").and_then(Value::as_bool) == Some(true)
    }

    /// `spec.revisionHistoryLimit` (default 10).
    pub fn revision_history_limit(&self) -> i64 {
        int_of(self.spec, "revisionHistoryLimit").unwrap_or(10)
    }

    /// `spec.progressDeadlineSeconds` (default 600).
    pub fn progress_deadline_seconds(&self) -> i64 {
        int_of(self.spec, "progressDeadlineSeconds").unwrap_or(600)
    }
}

/// A read-only view of a StatefulSet.
#[derive(Debug, Clone, Copy)]
pub struct StatefulSet<'a> {
    obj: &'a Value,
    spec: &'a Value,
    status: &'a Value,
}
workload_common!(StatefulSet);

/// A StatefulSet's `spec.podManagementPolicy` (default `OrderedReady`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PodManagementPolicy {
    /// One pod at a time, each Ready before the next.
    OrderedReady,
    /// All at once.
    Parallel,
}

/// A StatefulSet's `spec.updateStrategy` (default `RollingUpdate`, partition 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatefulSetUpdateStrategy {
    /// Replace pods from the highest ordinal down to `partition`.
    RollingUpdate {
        /// `rollingUpdate.partition` (default 0).
        partition: i64,
    },
    /// Replace a pod only when it is deleted.
    OnDelete,
}

impl<'a> StatefulSet<'a> {
    /// `spec.serviceName`, empty if absent.
    pub fn service_name(&self) -> &'a str {
        str_of(self.spec, "serviceName").unwrap_or("")
    }

    /// `spec.podManagementPolicy`, defaulted.
    pub fn pod_management_policy(&self) -> PodManagementPolicy {
        match str_of(self.spec, "podManagementPolicy") {
            Some("Parallel") => PodManagementPolicy::Parallel,
            _ => PodManagementPolicy::OrderedReady,
        }
    }

    /// `spec.updateStrategy`, defaulted.
    pub fn update_strategy(&self) -> StatefulSetUpdateStrategy {
        let s = get(self.spec, "updateStrategy").unwrap_or(&super::NULL);
        if str_of(s, "type") == Some("OnDelete") {
            return StatefulSetUpdateStrategy::OnDelete;
        }
        let partition = get(s, "rollingUpdate")
            .and_then(|r| int_of(r, "partition"))
            .unwrap_or(0);
        StatefulSetUpdateStrategy::RollingUpdate { partition }
    }

    /// `spec.ordinals.start` (default 0).
    pub fn ordinals_start(&self) -> i64 {
        get(self.spec, "ordinals")
            .and_then(|o| int_of(o, "start"))
            .unwrap_or(0)
    }

    /// `spec.volumeClaimTemplates`.
    pub fn volume_claim_templates(&self) -> &'a [Value] {
        super::array_of(self.spec, "volumeClaimTemplates")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn deployment_defaults() {
        let v = json!({"metadata": {"generation": 3}, "spec": {}});
        let d = Deployment::of(&v);
        assert_eq!(d.generation(), 3);
        assert_eq!(d.replicas(), 1);
        assert_eq!(d.revision_history_limit(), 10);
        assert_eq!(d.progress_deadline_seconds(), 600);
        assert!(!d.paused());
        assert_eq!(
            d.strategy(),
            DeploymentStrategy::RollingUpdate {
                max_surge: &json!("25%"),
                max_unavailable: &json!("25%")
            }
        );
        let r = json!({"spec": {"replicas": 0, "paused": true,
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 2}}}});
        let d = Deployment::of(&r);
        assert_eq!(d.replicas(), 0);
        assert!(d.paused());
        assert_eq!(
            d.strategy(),
            DeploymentStrategy::RollingUpdate {
                max_surge: &json!(2),
                max_unavailable: &json!("25%")
            }
        );
        let re = json!({"spec": {"strategy": {"type": "Recreate"}}});
        assert_eq!(Deployment::of(&re).strategy(), DeploymentStrategy::Recreate);
    }

    #[test]
    fn statefulset_defaults() {
        let v = json!({"spec": {"serviceName": "db"}, "status": {"readyReplicas": 2}});
        let s = StatefulSet::of(&v);
        assert_eq!(s.service_name(), "db");
        assert_eq!(s.pod_management_policy(), PodManagementPolicy::OrderedReady);
        assert_eq!(
            s.update_strategy(),
            StatefulSetUpdateStrategy::RollingUpdate { partition: 0 }
        );
        assert_eq!(s.status_count("readyReplicas"), 2);
        assert_eq!(s.status_count("currentReplicas"), 0);
        let p = json!({"spec": {"podManagementPolicy": "Parallel", "ordinals": {"start": 5},
            "updateStrategy": {"type": "OnDelete"}}});
        let s = StatefulSet::of(&p);
        assert_eq!(s.pod_management_policy(), PodManagementPolicy::Parallel);
        assert_eq!(s.update_strategy(), StatefulSetUpdateStrategy::OnDelete);
        assert_eq!(s.ordinals_start(), 5);
    }

    #[test]
    fn replicaset_reads() {
        let v = json!({"spec": {"replicas": 4, "minReadySeconds": 7, "selector": {"matchLabels": {"a": "b"}}},
            "status": {"observedGeneration": 2}});
        let r = ReplicaSet::of(&v);
        assert_eq!((r.replicas(), r.min_ready_seconds()), (4, 7));
        assert_eq!(r.observed_generation(), Some(2));
        assert!(r.selector().is_some() && r.template().is_none());
    }
}
