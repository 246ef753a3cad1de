//! The ResourceQuota admission plugin (`apiserver/pkg/admission/plugin/resourcequota`,
//! `controller.go` `CheckRequest`): a create (or an update that changes usage: a Service's
//! type, a claim's size, a pod's active deadline) is checked against every quota of its
//! namespace whose resources and scopes it falls under, using the quotas' `status`: a quota
//! whose status the controller has not computed yet refuses (`status unknown for quota`), a
//! pod missing a request or limit a compute quota tracks is refused (`failed quota`), and a
//! request that would take usage past `hard` is refused (`exceeded quota`). An admitted
//! request is charged at once to the quotas' `status.used` (not for a dry run), so two creates
//! in a row see each other before the quota controller recounts.

use serde_json::Value;

use super::World;
use super::api::error::ApiError;
use super::api::kinds::{self, KindInfo};
use super::api::meta;
use super::quota_eval::{self as eval, Evaluator, Usage};

impl World {
    /// Checks (and, unless `dry_run`, charges) a create or update against the quotas.
    pub(crate) fn admit_quota(
        &mut self,
        kind: &KindInfo,
        obj: &Value,
        old: Option<&Value>,
        dry_run: bool,
    ) -> Result<(), ApiError> {
        let Some(ev) = eval::evaluator(kind) else {
            return Ok(());
        };
        let Some(quota_kind) = kinds::by_kind(kinds::RESOURCE_QUOTA) else {
            return Ok(());
        };
        let ns = meta::namespace(obj).to_string();
        let quotas: Vec<Value> = self.store.list(quota_kind, Some(&ns)).cloned().collect();
        if quotas.is_empty() || !handles(ev, obj, old) {
            return Ok(());
        }
        let forbidden = |msg: String| {
            ApiError::forbidden(format!(
                "{} \"{}\" is forbidden: {msg}",
                kind.qualified_plural(),
                meta::name(obj)
            ))
        };
        let mut interesting = Vec::new();
        for (i, q) in quotas.iter().enumerate() {
            if !eval::quota_matches(ev, kind, q, obj) {
                continue;
            }
            let hard = eval::hard_names(q);
            let restricted = eval::matching_resources(ev, kind, hard.iter().map(String::as_str));
            if ev == Evaluator::Pod
                && let Err(e) = eval::pod_constraints(&restricted, obj)
            {
                return Err(forbidden(format!("failed quota: {}: {e}", meta::name(q))));
            }
            let used = eval::status_list(q, "used");
            if restricted.iter().any(|r| !used.contains_key(r)) {
                let mut names = restricted.clone();
                names.sort();
                return Err(forbidden(format!(
                    "status unknown for quota: {}, resources: {}",
                    meta::name(q),
                    names.join(",")
                )));
            }
            interesting.push(i);
        }
        let now = self.clock.now();
        let mut delta = eval::usage(ev, kind, obj, now);
        if let Some(old) = old {
            let before = eval::usage(ev, kind, old, now);
            for (k, v) in delta.iter_mut() {
                if let Some(b) = before.get(k) {
                    let d = v.milli_value() - b.milli_value();
                    *v = crate::world::api::quantity::Quantity::from_milli(d.max(0), v.format);
                }
            }
        }
        if delta.values().all(|q| q.is_zero()) || interesting.is_empty() {
            return Ok(());
        }
        let mut charged: Vec<(usize, Usage)> = Vec::new();
        for i in interesting {
            let q = &quotas[i];
            let hard = eval::status_list(q, "hard");
            let used = eval::status_list(q, "used");
            let requested: Usage = delta
                .iter()
                .filter(|(k, _)| hard.contains_key(*k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let new_usage = eval::add_lists(&used, &requested);
            let exceeded: Vec<&String> = requested
                .keys()
                .filter(|k| {
                    new_usage
                        .get(*k)
                        .zip(hard.get(*k))
                        .is_some_and(|(n, h)| n > h)
                })
                .collect();
            if !exceeded.is_empty() {
                let mask = |l: &Usage| -> Usage {
                    l.iter()
                        .filter(|(k, _)| exceeded.contains(k))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect()
                };
                return Err(forbidden(format!(
                    "exceeded quota: {}, requested: {}, used: {}, limited: {}",
                    meta::name(q),
                    eval::pretty(&mask(&requested)),
                    eval::pretty(&mask(&used)),
                    eval::pretty(&mask(&hard))
                )));
            }
            if new_usage != used {
                charged.push((i, new_usage));
            }
        }
        if dry_run {
            return Ok(());
        }
        for (i, new_usage) in charged {
            let q = &quotas[i];
            let mut status = q.get("status").cloned().unwrap_or(Value::Null);
            // Charged on top of what the status holds: resources the quota tracks but this
            // request does not change stay as they are.
            let mut used = status
                .get("used")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            for (k, v) in &new_usage {
                used.insert(k.clone(), Value::String(v.canonical()));
            }
            status["used"] = Value::Object(used);
            self.store
                .set_status(quota_kind, &ns, meta::name(q), status);
        }
        Ok(())
    }
}

/// The evaluators' `Handles`: every create; updates only where usage can change.
fn handles(ev: Evaluator, obj: &Value, old: Option<&Value>) -> bool {
    match (ev, old) {
        (_, None) => true,
        (Evaluator::Pod, Some(old)) => eval::is_terminating(old) != eval::is_terminating(obj),
        (Evaluator::Service | Evaluator::Claim, Some(_)) => true,
        (Evaluator::Count, Some(_)) => false,
    }
}
