//! `kubectl set env` as kubectl 1.32 does it (`pkg/cmd/set/set_env.go`, `pkg/cmd/set/env/`):
//! `KEY=VAL`, `KEY-`, `-e`, `--from=configmap/NAME|secret/NAME` with `--keys` and `--prefix`,
//! `--overwrite`, `-c` patterns, `--list` (with `--resolve`), `--local`, `--dry-run` and `-o`.

use serde_json::{Value, json};

use super::set_common::{self, container_matches};
use crate::kubectl::common::dry_run;
use crate::kubectl::context::Ctx;
use crate::kubectl::create_data::{ENV_NAME_MSG, env_name_ok};
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::output::{self, OBJECT_FORMATS};
use crate::printers::name::qualified_name;
use crate::world::api::{kinds, meta};

/// One change: set (name, value or valueFrom) or remove a name.
#[derive(Debug, Clone)]
enum Change {
    Set(Value),
    Remove(String),
}

fn is_env_arg(a: &str) -> bool {
    a.contains('=') || (a.ends_with('-') && !a.contains('/'))
}

/// `envutil.ParseEnv`.
fn parse_env(specs: &[String]) -> Result<Vec<Change>, Failure> {
    let mut out = Vec::new();
    for s in specs {
        if let Some((k, v)) = s.split_once('=') {
            if !env_name_ok(k) {
                return Err(Failure::Message(format!(
                    "{k:?} is not a valid key name: {ENV_NAME_MSG}"
                )));
            }
            // An empty value is Go's omitted `value`.
            out.push(Change::Set(if v.is_empty() {
                json!({"name": k})
            } else {
                json!({"name": k, "value": v})
            }));
        } else if let Some(k) = s.strip_suffix('-') {
            out.push(Change::Remove(k.to_string()));
        } else {
            return Err(Failure::Message(format!(
                "unknown environment variable: {s}"
            )));
        }
    }
    Ok(out)
}

/// `keyToEnvName`: upper case, every character not allowed in a name becomes `_`.
fn key_to_env_name(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The variables `--from` brings in (as references to the keys).
fn from_source(ctx: &mut Ctx<'_>, f: &dyn Flags, from: &str) -> Result<Vec<Change>, Failure> {
    let unsupported = || Failure::Message("unsupported resource specified in --from".into());
    if f.boolean("local") {
        return Err(unsupported());
    }
    let (ty, name) = from.split_once('/').ok_or_else(unsupported)?;
    let kind = kinds::resolve(ty).ok_or_else(unsupported)?;
    let (field, ref_key) = match kind.kind {
        kinds::CONFIG_MAP => ("data", "configMapKeyRef"),
        kinds::SECRET => ("data", "secretKeyRef"),
        _ => return Err(unsupported()),
    };
    let ns = ctx.namespace(f.string("namespace").as_deref());
    let obj = ctx.world.get(kind, &ns, name)?;
    let keys = f.strings("keys");
    let prefix = f.string("prefix").unwrap_or_default();
    let mut names: Vec<String> = meta::path(&obj, &[field])
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    if kind.kind == kinds::CONFIG_MAP {
        names.extend(
            meta::path(&obj, &["binaryData"])
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default(),
        );
    }
    names.sort();
    Ok(names
        .into_iter()
        .filter(|k| keys.is_empty() || keys.contains(k))
        .map(|k| {
            Change::Set(json!({
                "name": format!("{prefix}{}", key_to_env_name(&k)),
                "valueFrom": {ref_key: {"name": name, "key": k}},
            }))
        })
        .collect())
}

/// `envutil.GetEnvVarRefString`.
fn ref_string(from: &Value) -> String {
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    if let Some(r) = from.get("configMapKeyRef") {
        return format!("configmap {}, key {}", s(r, "name"), s(r, "key"));
    }
    if let Some(r) = from.get("secretKeyRef") {
        return format!("secret {}, key {}", s(r, "name"), s(r, "key"));
    }
    if let Some(r) = from.get("fieldRef") {
        return format!("field path {}", s(r, "fieldPath"));
    }
    if let Some(r) = from.get("resourceFieldRef") {
        return format!("resource {}", s(r, "resource"));
    }
    "invalid valueFrom".into()
}

/// The value a reference resolves to (`--list --resolve`), or kubectl's error.
fn resolve_ref(ctx: &mut Ctx<'_>, ns: &str, obj: &Value, from: &Value) -> Result<String, String> {
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    for (key, kind) in [("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")] {
        if let Some(r) = from.get(key) {
            let k = kinds::by_kind(kind).expect("kind");
            let o = ctx
                .world
                .get(k, ns, &s(r, "name"))
                .map_err(|e| e.message.clone())?;
            let v = o.get("data").and_then(|d| d.get(s(r, "key")));
            return match (v.and_then(Value::as_str), kind) {
                (Some(v), "Secret") => crate::world::api::go_base64::decode(v)
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .map_err(crate::world::api::go_base64::error_text),
                (Some(v), _) => Ok(v.to_string()),
                (None, _) => Err(format!(
                    "{} {}/{} has no key {}",
                    kind.to_lowercase(),
                    ns,
                    s(r, "name"),
                    s(r, "key")
                )),
            };
        }
    }
    if let Some(r) = from.get("fieldRef") {
        let path = s(r, "fieldPath");
        let keys: Vec<&str> = path.split('.').collect();
        return meta::str_at(obj, &keys)
            .map(str::to_string)
            .ok_or_else(|| format!("unsupported fieldPath: {path}"));
    }
    Err("kubelab does not resolve this kind of reference".into())
}

/// `kubectl set env`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let args = f.args();
    let split = args
        .iter()
        .position(|a| is_env_arg(a))
        .unwrap_or(args.len());
    let (res_args, env_args) = args.split_at(split);
    if env_args.iter().any(|a| !is_env_arg(a)) {
        return Err(Failure::Message(format!(
            "all resources must be specified before environment changes: {}",
            env_args.join(" ")
        )));
    }
    let files = f.strings("filename");
    if files.is_empty() && res_args.is_empty() {
        return Err(Failure::Message(
            "one or more resources must be specified as <resource> <name> or <resource>/<name>"
                .into(),
        ));
    }
    let list = f.boolean("list");
    let out = output::parse(f.string("output").as_deref(), OBJECT_FORMATS, &*ctx.files)?;
    if list && f.changed("output") {
        return Err(Failure::Message(
            "--list and --output may not be specified together".into(),
        ));
    }
    let from = f.string("from").unwrap_or_default();
    if !f.strings("keys").is_empty() && from.is_empty() {
        return Err(Failure::Message(
            "when specifying --keys, a configmap or secret must be provided with --from".into(),
        ));
    }
    let dry = dry_run(f)?;
    let mut specs = f.strings("env");
    specs.extend(env_args.iter().cloned());
    let mut changes = parse_env(&specs)?;
    let prefix = f.string("prefix").unwrap_or_default();
    for c in changes.iter_mut() {
        if let Change::Set(v) = c {
            v["name"] = json!(format!("{prefix}{}", v["name"].as_str().unwrap_or("")));
        }
    }
    let overwrite = !f.changed("overwrite") || f.boolean("overwrite");
    let pattern = f.string("containers").unwrap_or_else(|| "*".into());
    let resolve = f.boolean("resolve");
    let targets = set_common::objects(ctx, f, res_args, super::expose::NO_RESOURCES)?;
    if !from.is_empty() {
        let mut brought = from_source(ctx, f, &from)?;
        brought.append(&mut changes);
        changes = brought;
    }
    let ns = ctx.namespace(f.string("namespace").as_deref());
    let mut errors = Vec::new();
    for (kind, obj) in targets {
        let (obj, path) = match set_common::with_pod_spec(kind, obj) {
            Ok(x) => x,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let name = meta::name(&obj).to_string();
        let mut updated = obj.clone();
        let mut matched = 0;
        let mut failure = None;
        for list_name in ["containers", "initContainers"] {
            let mut keys: Vec<&str> = path.to_vec();
            keys.push(list_name);
            let Some(cs) = meta::path(&obj, &keys).and_then(Value::as_array).cloned() else {
                continue;
            };
            let mut new_cs = Vec::new();
            for mut c in cs {
                let cname = c
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                if !container_matches(&pattern, &cname) {
                    new_cs.push(c);
                    continue;
                }
                matched += 1;
                if list {
                    ctx.io
                        .out(&format!("# {} {name}, container {cname}\n", kind.kind));
                    for e in c.get("env").and_then(Value::as_array).into_iter().flatten() {
                        let en = e.get("name").and_then(Value::as_str).unwrap_or("");
                        match e.get("valueFrom") {
                            None => ctx.io.out(&format!(
                                "{en}={}\n",
                                e.get("value").and_then(Value::as_str).unwrap_or("")
                            )),
                            Some(from) if resolve => match resolve_ref(ctx, &ns, &obj, from) {
                                Ok(v) => ctx.io.out(&format!("{en}={v}\n")),
                                Err(_) => {
                                    ctx.io.out(&format!("# {en} from {}\n", ref_string(from)))
                                }
                            },
                            Some(from) => {
                                ctx.io.out(&format!("# {en} from {}\n", ref_string(from)))
                            }
                        }
                    }
                    new_cs.push(c);
                    continue;
                }
                let mut env: Vec<Value> = c
                    .get("env")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                for ch in &changes {
                    match ch {
                        Change::Set(v) => {
                            let n = v["name"].as_str().unwrap_or("");
                            match env.iter_mut().find(|e| e["name"].as_str() == Some(n)) {
                                Some(existing) => {
                                    if !overwrite && existing != v {
                                        failure = Some(format!(
                                            "\n '{n}' already has a value ({}), and --overwrite is false",
                                            existing
                                                .get("value")
                                                .and_then(Value::as_str)
                                                .unwrap_or("")
                                        ));
                                    }
                                    *existing = v.clone();
                                }
                                None => env.push(v.clone()),
                            }
                        }
                        Change::Remove(n) => env.retain(|e| e["name"].as_str() != Some(n)),
                    }
                }
                let cm = c.as_object_mut().expect("container");
                if env.is_empty() {
                    cm.remove("env");
                } else {
                    cm.insert("env".into(), Value::Array(env));
                }
                new_cs.push(c);
            }
            meta::set_path(&mut updated, &keys, Value::Array(new_cs));
        }
        if matched == 0 && pattern != "*" {
            ctx.io.err(&format!(
                "Warning: {}/{name} does not have any containers matching {pattern:?}\n",
                kind.kind
            ));
        }
        if list {
            continue;
        }
        if let Some(m) = failure {
            errors.push(Failure::Message(format!(
                "{}{m}",
                qualified_name(kind, &name)
            )));
            continue;
        }
        if updated == obj {
            continue;
        }
        crate::kubectl::common::record(f, &mut updated);
        if let Err(e) = set_common::send_and_print(ctx, f, kind, updated, "env updated", &out, dry)
        {
            errors.push(e);
        }
    }
    set_common::result(errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_become_env_names() {
        assert_eq!(key_to_env_name("db-host.name"), "DB_HOST_NAME");
        assert!(matches!(
            parse_env(&["A-".into()]).unwrap()[0],
            Change::Remove(_)
        ));
        assert!(
            parse_env(&["1A=b".into()])
                .unwrap_err()
                .render()
                .starts_with("error: \"1A\" is not a valid key name")
        );
    }
}
