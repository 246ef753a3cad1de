//! `kubectl set resources` as kubectl 1.32 does it (`pkg/cmd/set/set_resources.go`):
//! `--limits` and `--requests` (`NAME=QUANTITY,...`, canonical quantities), `-c` patterns,
//! `--local`, `--dry-run` and `-o`.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::set_common::{self, container_matches};
use crate::kubectl::common::dry_run;
use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::output::{self, OBJECT_FORMATS};
use crate::world::api::meta;
use crate::world::api::quantity::Quantity;

/// `NAME=QUANTITY,...` (`kube.HandleResourceRequirementsV1`'s parsing).
fn parse_list(s: &str) -> Result<BTreeMap<String, String>, Failure> {
    let mut out = BTreeMap::new();
    if s.is_empty() {
        return Ok(out);
    }
    for part in s.split(',') {
        let Some((k, v)) = part.split_once('=').filter(|(k, _)| !k.is_empty()) else {
            return Err(Failure::Message(format!(
                "Invalid argument syntax {part}, expected <resource>=<value>"
            )));
        };
        let q = Quantity::parse(v).map_err(|e| Failure::Message(e.to_string()))?;
        out.insert(k.to_string(), q.canonical());
    }
    Ok(out)
}

/// `kubectl set resources`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let out = output::parse(f.string("output").as_deref(), OBJECT_FORMATS, &*ctx.files)?;
    let limits_text = f.string("limits").unwrap_or_default();
    let requests_text = f.string("requests").unwrap_or_default();
    if limits_text.is_empty() && requests_text.is_empty() {
        return Err(Failure::Message(
            "you must specify an update to requests or limits (in the form of --requests/--limits)"
                .into(),
        ));
    }
    let dry = dry_run(f)?;
    let limits = parse_list(&limits_text)?;
    let requests = parse_list(&requests_text)?;
    let pattern = f.string("containers").unwrap_or_else(|| "*".into());
    let targets = set_common::objects(ctx, f, f.args(), super::expose::NO_RESOURCES)?;
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
        keys.push("containers");
        let mut found = false;
        if let Some(cs) = meta::path_mut(&mut updated, &keys).as_array_mut() {
            for c in cs.iter_mut() {
                let cname = c
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                if !container_matches(&pattern, &cname) {
                    continue;
                }
                found = true;
                let Some(cm) = c.as_object_mut() else {
                    continue;
                };
                let res = cm.entry("resources").or_insert_with(|| json!({}));
                for (field, values) in [("limits", &limits), ("requests", &requests)] {
                    if values.is_empty() {
                        continue;
                    }
                    let mut m: Map<String, Value> = res
                        .get(field)
                        .and_then(Value::as_object)
                        .cloned()
                        .unwrap_or_default();
                    for (k, v) in values {
                        m.insert(k.clone(), json!(v));
                    }
                    res[field] = Value::Object(m);
                }
            }
        }
        if !found {
            errors.push(Failure::Message(format!(
                "unable to find container named {pattern}"
            )));
            continue;
        }
        if updated == obj {
            continue;
        }
        crate::kubectl::common::record(f, &mut updated);
        if let Err(e) = set_common::send_and_print(
            ctx,
            f,
            kind,
            updated,
            "resource requirements updated",
            &out,
            dry,
        ) {
            errors.push(e);
        }
    }
    set_common::result(errors)
}

#[cfg(test)]
mod tests {
    use super::parse_list;

    #[test]
    fn quantities_are_canonical_and_errors_kubectls() {
        let m = parse_list("cpu=0.5,memory=512Mi").unwrap();
        assert_eq!(m["cpu"], "500m");
        assert_eq!(m["memory"], "512Mi");
        assert_eq!(
            parse_list("cpu").unwrap_err().render(),
            "error: Invalid argument syntax cpu, expected <resource>=<value>\n"
        );
    }
}
