//! `kubectl taint nodes NODE KEY=VALUE:EFFECT | KEY:EFFECT- | KEY-` (`kubectl pkg/cmd/taint`):
//! parses the taint changes as kubectl does (with its usage errors), refuses to overwrite a
//! taint with the same key and effect without `--overwrite`, and prints `node/NAME tainted`,
//! `untainted` or `modified`.

use serde_json::{Value, json};

use crate::kubectl::common::dry_run;
use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::output::{self, OBJECT_FORMATS, Output};
use crate::printers::name::{DryRun, qualified_name, success};
use crate::world::api::meta::{self, Field};
use crate::world::api::names::{label_value, qualified_name as qualified};
use crate::world::api::selector::Selector;
use crate::world::api::{ApiError, kinds};
use crate::world::nodes::taints::{self, EFFECTS};

/// One parsed taint: key, value, effect (empty when a removal names none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taint {
    pub key: String,
    pub value: String,
    pub effect: String,
}

impl Taint {
    fn to_value(&self) -> Value {
        let mut t = json!({"effect": self.effect, "key": self.key});
        if !self.value.is_empty() {
            t["value"] = json!(self.value);
        }
        t
    }

    /// `Taint.ToString`: `key=value:effect`, `key:effect`, `key=value:` or `key`.
    fn to_spec(&self) -> String {
        match (self.value.is_empty(), self.effect.is_empty()) {
            (true, true) => self.key.clone(),
            (true, false) => format!("{}:{}", self.key, self.effect),
            (false, _) => format!("{}={}:{}", self.key, self.value, self.effect),
        }
    }
}

/// `parseTaint`: `KEY=VALUE:EFFECT`, `KEY:EFFECT` or `KEY`.
pub fn parse_taint(spec: &str) -> Result<Taint, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let (key, value, effect) = match parts.as_slice() {
        [key] => (key.to_string(), String::new(), String::new()),
        [kv, effect] => {
            if !EFFECTS.contains(effect) {
                return Err(format!(
                    "invalid taint effect: {effect}, unsupported taint effect"
                ));
            }
            let kv: Vec<&str> = kv.split('=').collect();
            match kv.as_slice() {
                [k] => (k.to_string(), String::new(), effect.to_string()),
                [k, v] => {
                    let errs = label_value(v);
                    if !errs.is_empty() {
                        return Err(format!("invalid taint spec: {spec}, {}", errs.join("; ")));
                    }
                    (k.to_string(), v.to_string(), effect.to_string())
                }
                _ => return Err(format!("invalid taint spec: {spec}")),
            }
        }
        _ => return Err(format!("invalid taint spec: {spec}")),
    };
    let errs = qualified(&key);
    if !errs.is_empty() {
        return Err(format!("invalid taint spec: {spec}, {}", errs.join("; ")));
    }
    Ok(Taint { key, value, effect })
}

/// `parseTaints`: the taints to add and to remove.
pub fn parse_taints(specs: &[String]) -> Result<(Vec<Taint>, Vec<Taint>), String> {
    let (mut add, mut remove) = (Vec::<Taint>::new(), Vec::new());
    for spec in specs {
        if let Some(s) = spec.strip_suffix('-') {
            let t = parse_taint(s)?;
            remove.push(Taint {
                value: String::new(),
                ..t
            });
            continue;
        }
        let t = parse_taint(spec)?;
        if t.effect.is_empty() {
            return Err(format!("invalid taint spec: {spec}"));
        }
        if add.iter().any(|a| a.key == t.key && a.effect == t.effect) {
            // Go's `%v` of a Taint: {key value effect <nil>}.
            return Err(format!(
                "duplicated taints with the same key and effect: {{{} {} {} <nil>}}",
                t.key, t.value, t.effect
            ));
        }
        add.push(t);
    }
    Ok((add, remove))
}

/// `reorganizeTaints`: the node's new taints and the operation printed.
fn reorganize(
    old: &[Value],
    overwrite: bool,
    add: &[Taint],
    remove: &[Taint],
) -> Result<(&'static str, Vec<Value>), Failure> {
    let mut next: Vec<Value> = add.iter().map(Taint::to_value).collect();
    for o in old {
        if !next.iter().any(|n| taints::same(n, o)) {
            next.push(o.clone());
        }
    }
    let added = old.len() != next.len();
    let mut errs = Vec::new();
    let mut deleted = false;
    for r in remove {
        let before = next.len();
        next.retain(|t| {
            let key = t.field("key").and_then(Value::as_str).unwrap_or("");
            let effect = t.field("effect").and_then(Value::as_str).unwrap_or("");
            !(key == r.key && (r.effect.is_empty() || effect == r.effect))
        });
        deleted = next.len() != before;
        if !deleted {
            errs.push(Failure::Message(format!(
                "taint \"{}\" not found",
                r.to_spec()
            )));
        }
    }
    match errs.len() {
        0 => {}
        1 => return Err(errs.remove(0)),
        _ => {
            // An aggregate of several: kubectl prints `[a, b]`.
            let msgs: Vec<String> = errs
                .iter()
                .map(|e| match e {
                    Failure::Message(m) => m.clone(),
                    _ => String::new(),
                })
                .collect();
            return Err(Failure::Message(format!("[{}]", msgs.join(", "))));
        }
    }
    let op = if (added && deleted) || overwrite {
        "modified"
    } else if added {
        "tainted"
    } else {
        "untainted"
    };
    Ok((op, next))
}

/// `kubectl taint`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let dry = dry_run(f)?;
    let usage = |m: String| Failure::Usage {
        command: f.command_line_name(),
        message: m,
    };
    // Resources first, then taint changes.
    let mut resources: Vec<String> = Vec::new();
    let mut changes: Vec<String> = Vec::new();
    for a in f.args() {
        let is_taint = a.contains('=') || a.contains(':') || a.ends_with('-');
        if is_taint {
            changes.push(a.clone());
        } else if !changes.is_empty() {
            return Err(Failure::Message(format!(
                "all resources must be specified before taint changes: {a}"
            )));
        } else {
            resources.push(a.clone());
        }
    }
    if resources.is_empty() {
        return Err(Failure::Message(
            "one or more resources must be specified as <resource> <name>".into(),
        ));
    }
    if changes.is_empty() {
        return Err(Failure::Message(
            "at least one taint update is required".into(),
        ));
    }
    let (add, remove) = parse_taints(&changes).map_err(usage)?;
    let out = output::parse(f.string("output").as_deref(), OBJECT_FORMATS, &*ctx.files)?;
    let node_kind =
        kinds::by_kind(kinds::NODE).ok_or_else(|| Failure::Message("no nodes".into()))?;
    let rtype = resources[0].to_lowercase();
    let kind = crate::kubectl::resources::resolve_type(ctx.world, &rtype)?;
    if kind.kind != kinds::NODE {
        return Err(Failure::Message(format!(
            "invalid resource type {rtype}, only node types are supported"
        )));
    }
    let conflicts: Vec<String> = add
        .iter()
        .flat_map(|a| {
            remove
                .iter()
                .filter(move |r| a.key == r.key && (r.effect.is_empty() || a.effect == r.effect))
                .map(|r| format!("{{\"{}\":\"{}\"}}", r.key, r.effect))
        })
        .collect();
    if !conflicts.is_empty() {
        return Err(Failure::Message(format!(
            "can not both modify and remove the following taint(s) in the same command: {}",
            conflicts.join(", ")
        )));
    }
    let all = f.boolean("all");
    let selector = f.string("selector").unwrap_or_default();
    if all && !selector.is_empty() {
        return Err(Failure::Message(
            "setting 'all' parameter with a non empty selector is prohibited".into(),
        ));
    }
    if !all && selector.is_empty() && resources.len() < 2 {
        return Err(Failure::Message(
            "at least one resource name must be specified since 'all' parameter is not set".into(),
        ));
    }
    // The builder continues on errors: every node is visited, the errors are gathered.
    let mut errors: Vec<Failure> = Vec::new();
    let nodes: Vec<Value> = if all || !selector.is_empty() {
        let sel = Selector::parse(&selector).map_err(Failure::Message)?;
        ctx.world.list(node_kind, None, Some(&sel))
    } else {
        let mut v = Vec::new();
        for name in &resources[1..] {
            match ctx.world.get(node_kind, "", name) {
                Ok(n) => v.push(n),
                Err(e) => errors.push(Failure::Api(e)),
            }
        }
        v
    };
    let overwrite = f.boolean("overwrite");
    for node in nodes {
        if let Err(e) = taint_one(ctx, &out, node, overwrite, &add, &remove, dry) {
            errors.push(e);
        }
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(Failure::Many(errors)),
    }
}

/// Updates one node's taints and prints the result.
fn taint_one(
    ctx: &mut Ctx<'_>,
    out: &Output,
    node: Value,
    overwrite: bool,
    add: &[Taint],
    remove: &[Taint],
    dry: DryRun,
) -> CmdResult {
    let Some(node_kind) = kinds::by_kind(kinds::NODE) else {
        return Ok(());
    };
    let old = taints::of_node(&node).to_vec();
    if !overwrite {
        let exists: Vec<&str> = add
            .iter()
            .flat_map(|a| {
                old.iter()
                    .filter(|o| {
                        o.field("key").and_then(Value::as_str) == Some(a.key.as_str())
                            && o.field("effect").and_then(Value::as_str) == Some(a.effect.as_str())
                    })
                    .map(|_| a.key.as_str())
            })
            .collect();
        if !exists.is_empty() {
            return Err(Failure::Message(format!(
                "node {} already has {} taint(s) with same effect(s) and --overwrite is false",
                meta::name(&node),
                exists.join(",")
            )));
        }
    }
    let (op, next) = reorganize(&old, overwrite, add, remove)?;
    let mut updated = node.clone();
    if next.is_empty() {
        meta::remove_path(&mut updated, &["spec", "taints"]);
    } else {
        meta::set_path(&mut updated, &["spec", "taints"], Value::Array(next));
    }
    let result = if dry == DryRun::Client {
        updated
    } else {
        ctx.world
            .update(updated, dry == DryRun::Server)
            .map_err(|e: ApiError| Failure::Api(e))?
    };
    match out {
        Output::Default => ctx
            .io
            .out(&success(node_kind, meta::name(&result), op, dry)),
        Output::Name => ctx.io.out(&format!(
            "{}\n",
            qualified_name(node_kind, meta::name(&result))
        )),
        o => ctx
            .io
            .out(&output::print_structured(o, &[result], false, false)?),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(key: &str, value: &str, effect: &str) -> Taint {
        Taint {
            key: key.into(),
            value: value.into(),
            effect: effect.into(),
        }
    }

    /// Cases of kubectl's `TestParseTaints` (taint/utils_test.go).
    #[test]
    fn parse_as_upstream() {
        let p = |v: &[&str]| parse_taints(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            p(&["foo=bar:NoSchedule"]).unwrap(),
            (vec![t("foo", "bar", "NoSchedule")], vec![])
        );
        assert_eq!(
            p(&["foo:NoSchedule"]).unwrap(),
            (vec![t("foo", "", "NoSchedule")], vec![])
        );
        assert_eq!(
            p(&["foo:NoSchedule-"]).unwrap(),
            (vec![], vec![t("foo", "", "NoSchedule")])
        );
        assert_eq!(p(&["foo-"]).unwrap(), (vec![], vec![t("foo", "", "")]));
        assert_eq!(
            p(&["foo=bar:NoSchedule-"]).unwrap().1,
            vec![t("foo", "", "NoSchedule")]
        );
        assert_eq!(
            p(&["foo=bar:NoSchedule", "foo=bar:NoExecute"])
                .unwrap()
                .0
                .len(),
            2
        );
        assert!(p(&["foo"]).is_err());
        assert!(p(&["foo=bar"]).is_err());
        assert!(p(&["foo=bar:NoExcute"]).is_err());
        assert!(p(&["foo=bar=baz:NoSchedule"]).is_err());
        assert!(p(&["foo=bar:NoSchedule:x"]).is_err());
        assert_eq!(
            p(&["foo=bar:NoSchedule", "foo=baz:NoSchedule"]).unwrap_err(),
            "duplicated taints with the same key and effect: {foo baz NoSchedule <nil>}"
        );
    }

    /// Cases of kubectl's `TestReorganizeTaints`.
    #[test]
    fn reorganize_as_upstream() {
        let old = vec![json!({"key": "foo", "value": "bar", "effect": "NoSchedule"})];
        let (op, next) = reorganize(&old, false, &[t("a", "b", "NoExecute")], &[]).unwrap();
        assert_eq!((op, next.len()), ("tainted", 2));
        assert_eq!(next[0]["key"], "a");
        let (op, next) = reorganize(&old, false, &[], &[t("foo", "", "")]).unwrap();
        assert_eq!((op, next.len()), ("untainted", 0));
        let (op, next) = reorganize(&old, true, &[t("foo", "baz", "NoSchedule")], &[]).unwrap();
        assert_eq!((op, next[0]["value"].as_str()), ("modified", Some("baz")));
        let (op, _) = reorganize(
            &old,
            false,
            &[t("a", "b", "NoExecute")],
            &[t("foo", "", "NoSchedule")],
        )
        .unwrap();
        assert_eq!(op, "modified");
        assert_eq!(
            reorganize(&old, false, &[], &[t("x", "", "NoSchedule")])
                .unwrap_err()
                .render(),
            "error: taint \"x:NoSchedule\" not found\n"
        );
    }
}
