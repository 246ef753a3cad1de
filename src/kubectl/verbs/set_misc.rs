//! `kubectl set serviceaccount` and `kubectl set selector` as kubectl 1.32 does them
//! (`pkg/cmd/set/set_serviceaccount.go`, `set_selector.go`), with `--local`, `--dry-run`, `-o`.

use crate::world::api::kinds;
use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::set_common;
use crate::kubectl::common::dry_run;
use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::output::{self, OBJECT_FORMATS};
use crate::world::api::meta;
use crate::world::api::selector::{Requirement, Selector};

/// `kubectl set serviceaccount (-f FILE | TYPE NAME) SERVICE_ACCOUNT`.
pub fn serviceaccount(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let out = output::parse(f.string("output").as_deref(), OBJECT_FORMATS, &*ctx.files)?;
    let args = f.args();
    let Some((sa, res_args)) = args.split_last() else {
        return Err(Failure::Message("serviceaccount is required".into()));
    };
    let dry = dry_run(f)?;
    let targets = set_common::objects(ctx, f, res_args, super::expose::NO_RESOURCES)?;
    let mut errors = Vec::new();
    for (kind, obj) in targets {
        let (obj, path) = match set_common::with_pod_spec(kind, obj) {
            Ok(x) => x,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let mut updated = obj.clone();
        let mut keys: Vec<&str> = path.to_vec();
        keys.push("serviceAccountName");
        meta::set_path(&mut updated, &keys, json!(sa));
        crate::kubectl::common::record(f, &mut updated);
        if let Err(e) =
            set_common::send_and_print(ctx, f, kind, updated, "serviceaccount updated", &out, dry)
        {
            errors.push(e);
        }
    }
    set_common::result(errors)
}

/// `kubectl set selector (-f FILE | TYPE NAME) EXPRESSIONS`: replaces a Service's selector.
pub fn selector(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let out = output::parse(f.string("output").as_deref(), OBJECT_FORMATS, &*ctx.files)?;
    let args = f.args();
    let Some((expr, res_args)) = args.split_last() else {
        return Err(Failure::Message("one selector is required".into()));
    };
    let dry = dry_run(f)?;
    let parsed = Selector::parse(expr).map_err(Failure::Message)?;
    // metav1.ParseToLabelSelector: equality goes to matchLabels, the rest to matchExpressions,
    // which a Service's selector cannot hold.
    let mut map = BTreeMap::new();
    let mut expressions = Vec::new();
    for r in &parsed.requirements {
        let (k, op, vs) = match r {
            Requirement::Equals(k, v) => {
                map.insert(k.clone(), v.clone());
                continue;
            }
            Requirement::NotEquals(..) => {
                return Err(Failure::Message(
                    "\"!=\" is not a valid label selector operator".into(),
                ));
            }
            Requirement::In(k, vs) => (k, "In", vs.clone()),
            Requirement::NotIn(k, vs) => (k, "NotIn", vs.clone()),
            Requirement::Exists(k) => (k, "Exists", Vec::new()),
            Requirement::DoesNotExist(k) => (k, "DoesNotExist", Vec::new()),
        };
        expressions.push(format!("{{{k} {op} [{}]}}", vs.join(" ")));
    }
    if !expressions.is_empty() {
        return Err(Failure::Message(format!(
            "match expression [{}] not supported on this object",
            expressions.join(" ")
        )));
    }
    let targets = set_common::objects(ctx, f, res_args, super::expose::NO_RESOURCES)?;
    let mut errors = Vec::new();
    for (kind, obj) in targets {
        let obj = match obj {
            Ok(o) => o,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        if kind.kind != kinds::SERVICE {
            errors.push(Failure::Message(
                "setting a selector is only supported for Services".into(),
            ));
            continue;
        }
        let mut updated = obj.clone();
        meta::set_path(&mut updated, &["spec", "selector"], meta::map_value(&map));
        if let Some(v) = f.string("resource-version").filter(|v| !v.is_empty()) {
            meta::set_path(
                &mut updated,
                &["metadata", "resourceVersion"],
                Value::String(v),
            );
        }
        if let Err(e) =
            set_common::send_and_print(ctx, f, kind, updated, "selector updated", &out, dry)
        {
            errors.push(e);
        }
    }
    set_common::result(errors)
}
