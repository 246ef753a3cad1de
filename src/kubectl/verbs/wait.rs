//! `kubectl wait` (`kubectl pkg/cmd/wait`): waits in virtual time for a condition, a deletion or
//! a jsonpath value.

use serde_json::Value;

use super::targets;
use crate::kubectl::context::Ctx;
use crate::kubectl::duration::parse_go_duration;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::waiting::{End, Wait};
use crate::printers::name::qualified_name;
use crate::world::api::meta;

enum For {
    Delete,
    Condition(String, String),
    JsonPath(String, Option<String>),
    Create,
}

fn parse_for(s: &str) -> Result<For, Failure> {
    let lower = s.to_ascii_lowercase();
    if lower == "delete" {
        return Ok(For::Delete);
    }
    if lower == "create" {
        return Ok(For::Create);
    }
    if let Some(c) = s.strip_prefix("condition=") {
        let (name, value) = match c.split_once('=') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None => (c.to_string(), "true".to_string()),
        };
        return Ok(For::Condition(name, value));
    }
    if let Some(j) = s.strip_prefix("jsonpath=") {
        let (expr, value) = match j.rfind("}=") {
            Some(i) => (j[..i + 1].to_string(), Some(j[i + 2..].to_string())),
            None => (j.to_string(), None),
        };
        return Ok(For::JsonPath(expr, value));
    }
    Err(Failure::Message(format!("unrecognized condition: \"{s}\"")))
}

fn condition_met(obj: &Value, name: &str, value: &str) -> bool {
    meta::path(obj, &["status", "conditions"])
        .and_then(Value::as_array)
        .is_some_and(|cs| {
            cs.iter().any(|c| {
                c.get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.eq_ignore_ascii_case(name))
                    && c.get("status")
                        .and_then(Value::as_str)
                        .is_some_and(|v| v.eq_ignore_ascii_case(value))
            })
        })
}

/// `kubectl wait`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let Some(cond) = f.string("for").filter(|s| !s.is_empty()) else {
        return Err(Failure::Message("--for must be specified".into()));
    };
    let cond = parse_for(&cond)?;
    let timeout = match f.string("timeout") {
        Some(t) => parse_go_duration(&t).map_err(|_| {
            Failure::Message(format!(
                "invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\""
            ))
        })?,
        None => 30_000,
    };
    let args: Vec<String> = f.args().to_vec();
    let list = targets::resolve(ctx, f, &args, true)?;
    if list.is_empty() {
        return Err(Failure::Message("no matching resources found".into()));
    }
    // A negative timeout is a week (`kubectl wait --help`).
    let timeout = if timeout < 0 {
        7 * 24 * 3600 * 1000
    } else {
        timeout
    };
    let wait = Wait::new(ctx, Some(timeout), timeout);
    let mut errors = Vec::new();
    for (kind, obj) in list {
        let obj = match obj {
            Ok(o) => o,
            Err(e) => {
                if matches!(cond, For::Delete) {
                    continue;
                }
                errors.push(e);
                continue;
            }
        };
        let ns = meta::namespace(&obj).to_string();
        let name = meta::name(&obj).to_string();
        let uid = meta::uid(&obj).to_string();
        loop {
            let cur = ctx
                .world
                .object(kind.kind, &ns, &name)
                .filter(|o| meta::uid(o) == uid)
                .cloned();
            let met = match (&cond, &cur) {
                (For::Delete, None) => true,
                (For::Delete, Some(_)) => false,
                (For::Create, c) => c.is_some(),
                (For::Condition(n, v), Some(o)) => condition_met(o, n, v),
                (For::JsonPath(expr, want), Some(o)) => {
                    match crate::kubectl::output::jsonpath_value(expr, o) {
                        Ok(got) => want.as_ref().is_none_or(|w| got.trim() == w),
                        Err(_) => false,
                    }
                }
                (_, None) => {
                    return Err(Failure::Message(format!(
                        "{} \"{name}\" not found",
                        kind.qualified_plural()
                    )));
                }
            };
            if met {
                ctx.io
                    .out(&format!("{} condition met\n", qualified_name(kind, &name)));
                break;
            }
            if let Err(end) = wait.next(ctx) {
                let failure = end.failure(Failure::Message(format!(
                    "timed out waiting for the condition on {}/{name}",
                    kind.plural
                )));
                if end == End::Interrupted {
                    return Err(failure);
                }
                errors.push(failure);
                break;
            }
        }
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(Failure::Many(errors)),
    }
}
