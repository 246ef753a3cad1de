//! The eviction subresource (`POST pods/NAME/eviction`, policy/v1 Eviction), as
//! `pkg/registry/core/pod/storage/eviction.go` decides it: a pod that may be ignored (pending,
//! finished, being deleted) or that no PodDisruptionBudget covers is deleted; a covered pod
//! only while its budget allows a disruption, which the eviction then uses up
//! (`disruptionsAllowed` decremented, the pod recorded in `disruptedPods` until the
//! disruption controller sees it go).

use serde_json::{Value, json};

use super::World;
use super::api::meta::{self, Field};
use super::api::selector::Selector;
use super::api::{ApiError, Reason, kinds};
use super::clock::rfc3339;
use super::controllers::disruption::pod_ready;
use super::requests::DeleteOptions;

/// The 429 message of an eviction its budget does not allow.
pub const VIOLATES_BUDGET: &str =
    "Cannot evict pod as it would violate the pod's disruption budget.";

fn too_many_requests() -> ApiError {
    ApiError {
        reason: Reason::TooManyRequests,
        message: VIOLATES_BUDGET.to_string(),
        causes: vec![],
    }
}

impl World {
    /// Evicts a pod (`kubectl drain`, the Eviction API): deletes it with `opts` unless a
    /// PodDisruptionBudget forbids it now.
    pub fn evict(&mut self, ns: &str, name: &str, opts: &DeleteOptions) -> Result<(), ApiError> {
        let r = self.evict_inner(ns, name, opts);
        if let Some(k) = kinds::by_kind(kinds::POD) {
            let code = match &r {
                Ok(()) => 201,
                Err(e) => super::requests::code_of(&Err(e.clone())),
            };
            self.audit_request("create", k, ns, name, "eviction", code);
        }
        if r.is_ok() && !opts.dry_run && self.settle_on_write {
            self.settle();
        }
        r
    }

    fn evict_inner(&mut self, ns: &str, name: &str, opts: &DeleteOptions) -> Result<(), ApiError> {
        let pod_kind = kinds::by_kind(kinds::POD).ok_or_else(|| ApiError::internal("no pods"))?;
        let pod = self
            .store
            .get(pod_kind, ns, name)
            .cloned()
            .ok_or_else(|| ApiError::not_found(pod_kind, name))?;
        // `canIgnorePDB`: terminal, pending or already deleting pods go without a budget.
        let ignore = matches!(
            meta::str_at(&pod, &["status", "phase"]),
            Some("Succeeded" | "Failed" | "Pending") | None
        ) || meta::is_deleting(&pod);
        if !ignore {
            let pdbs: Vec<Value> = self
                .object_list(kinds::POD_DISRUPTION_BUDGET, ns)
                .filter(|b| {
                    meta::path(b, &["spec", "selector"])
                        .filter(|s| !s.is_null())
                        .is_some_and(|s| {
                            Selector::from_label_selector(s).matches(&meta::labels(&pod))
                        })
                })
                .cloned()
                .collect();
            if pdbs.len() > 1 {
                return Err(ApiError::internal(
                    "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
                ));
            }
            if let Some(pdb) = pdbs.into_iter().next() {
                self.check_and_decrement(&pod, pdb, opts.dry_run)?;
            }
        }
        if opts.dry_run {
            return Ok(());
        }
        // The DisruptionTarget condition the API server adds before deleting.
        let now = rfc3339(self.now());
        let _ = self.store.modify(pod_kind, ns, name, |p| {
            let conds = meta::path_mut(p, &["status", "conditions"]);
            if !conds.is_array() {
                *conds = json!([]);
            }
            if let Some(a) = conds.as_array_mut() {
                a.retain(|c| c.field("type").and_then(Value::as_str) != Some("DisruptionTarget"));
                a.push(json!({"lastProbeTime": null, "lastTransitionTime": now,
                    "message": "Eviction API: evicting", "reason": "EvictionByEvictionAPI",
                    "status": "True", "type": "DisruptionTarget"}));
            }
        });
        self.delete(pod_kind, ns, name, opts).map(|_| ())
    }

    /// `checkAndDecrement`, with the unhealthy-pod rule of the default
    /// `unhealthyPodEvictionPolicy` (`IfHealthyBudget`) and `AlwaysAllow`.
    fn check_and_decrement(
        &mut self,
        pod: &Value,
        mut pdb: Value,
        dry_run: bool,
    ) -> Result<(), ApiError> {
        let st = |f: &str| meta::int_at(&pdb, &["status", f]).unwrap_or(0);
        let generation = meta::int_at(&pdb, &["metadata", "generation"]).unwrap_or(1);
        if st("observedGeneration") < generation {
            return Err(too_many_requests());
        }
        if !pod_ready(pod) {
            let policy = meta::str_at(&pdb, &["spec", "unhealthyPodEvictionPolicy"])
                .unwrap_or("IfHealthyBudget");
            let healthy_budget =
                st("currentHealthy") >= st("desiredHealthy") && st("desiredHealthy") > 0;
            if policy == "AlwaysAllow" || healthy_budget {
                return Ok(());
            }
        }
        let allowed = st("disruptionsAllowed");
        if allowed < 0 {
            return Err(ApiError::forbidden("pdb disruptions allowed is negative"));
        }
        let disrupted = meta::path(&pdb, &["status", "disruptedPods"])
            .and_then(Value::as_object)
            .map_or(0, |m| m.len());
        if disrupted > 2000 {
            return Err(ApiError::forbidden(
                "DisruptedPods map too big - too many evictions not confirmed by PDB controller",
            ));
        }
        if allowed == 0 {
            return Err(too_many_requests());
        }
        if dry_run {
            return Ok(());
        }
        meta::set_path(
            &mut pdb,
            &["status", "disruptionsAllowed"],
            json!(allowed - 1),
        );
        let now = rfc3339(self.now());
        meta::set_path(
            &mut pdb,
            &["status", "disruptedPods", meta::name(pod)],
            json!(now),
        );
        self.write_discard(pdb);
        Ok(())
    }
}
