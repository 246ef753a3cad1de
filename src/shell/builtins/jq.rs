//! `jq`, on the jaq crates (a real jq implementation): `jq [-rcSnjse] [--arg N V]
//! [--argjson N JSON] FILTER [FILE...]`. Only jaq's host-independent functions are loaded
//! (no `now`, `env`, `input`, `debug`), so a filter cannot read the host.

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data, unwrap_valr};
use jaq_json::Val;
use jaq_json::write::Pp;

use super::{Out, inputs};
use crate::shell::exec::Exec;

const SANDBOX: &str = "def now: 1740992400; def env: {}; def debug: .; def debug(m): .; def stderr: .; def input_filename: null; def halt: empty; def halt_error: error(.); def halt_error(c): error(.); def input: error(\"input is not available in kubelab's jq\"); def inputs: empty;";

struct Opts {
    raw: bool,
    compact: bool,
    sort: bool,
    null_input: bool,
    join: bool,
    slurp: bool,
    exit_status: bool,
    filter: Option<String>,
    files: Vec<String>,
    vars: Vec<(String, Val)>,
}

fn usage(msg: &str) -> Out {
    Out::err(
        format!(
            "jq: error: {msg}\nUse jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://stedolan.github.io/jq\n"
        ),
        2,
    )
}

fn options(args: &[String]) -> Result<Opts, Out> {
    let mut o = Opts {
        raw: false,
        compact: false,
        sort: false,
        null_input: false,
        join: false,
        slurp: false,
        exit_status: false,
        filter: None,
        files: vec![],
        vars: vec![],
    };
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        match a.as_str() {
            "-r" | "--raw-output" => o.raw = true,
            "-c" | "--compact-output" => o.compact = true,
            "-S" | "--sort-keys" => o.sort = true,
            "-n" | "--null-input" => o.null_input = true,
            "-j" | "--join-output" => {
                o.join = true;
                o.raw = true;
            }
            "-s" | "--slurp" => o.slurp = true,
            "-e" | "--exit-status" => o.exit_status = true,
            "-M" | "--monochrome-output" | "-C" | "--color-output" => {}
            "--arg" | "--argjson" => {
                let (Some(n), Some(v)) = (args.get(i + 1), args.get(i + 2)) else {
                    return Err(usage(&format!(
                        "{a} takes two parameters (e.g. {a} varname value)"
                    )));
                };
                let val = if a == "--arg" {
                    Val::from(v.clone())
                } else {
                    jaq_json::read::parse_single(v.as_bytes())
                        .map_err(|_| usage("Invalid JSON text passed to --argjson"))?
                };
                o.vars.push((n.clone(), val));
                i += 2;
            }
            s if s.starts_with('-')
                && s.len() > 1
                && s[1..].chars().all(|c| "rcSnjseM".contains(c)) =>
            {
                o.raw |= s.contains('r') || s.contains('j');
                o.compact |= s.contains('c');
                o.sort |= s.contains('S');
                o.null_input |= s.contains('n');
                o.join |= s.contains('j');
                o.slurp |= s.contains('s');
                o.exit_status |= s.contains('e');
            }
            s if s.starts_with('-') && s.len() > 1 => {
                return Err(usage(&format!("Unknown option: {s}")));
            }
            _ => {
                if o.filter.is_none() {
                    o.filter = Some(a.clone());
                } else {
                    o.files.push(a.clone());
                }
            }
        }
        i += 1;
    }
    Ok(o)
}

pub(super) fn jq(x: &mut Exec<'_>, args: &[String], stdin: &[u8]) -> Out {
    let o = match options(args) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let user = o.filter.clone().unwrap_or_else(|| ".".into());
    // Host-reading and process-ending functions are shadowed: the virtual clock's epoch for
    // `now`, no host environment, no writes to the host's stderr, no exit.
    let code = format!("{SANDBOX}\n{user}");
    let defs = jaq_core::defs()
        .chain(jaq_std::defs())
        .chain(jaq_json::defs());
    let funs = jaq_core::funs()
        .chain(jaq_std::funs())
        .chain(jaq_json::funs());
    let loader = Loader::new(defs);
    let arena = Arena::default();
    let modules = match loader.load(
        &arena,
        File {
            code: code.as_str(),
            path: (),
        },
    ) {
        Ok(m) => m,
        Err(errs) => {
            let n = errs.len();
            return Out::err(
                format!(
                    "jq: error: syntax error at <top-level>, line 1:\n{user}\njq: {n} compile error{}\n",
                    if n == 1 { "" } else { "s" }
                ),
                3,
            );
        }
    };
    let names: Vec<String> = o.vars.iter().map(|(n, _)| format!("${n}")).collect();
    let filter = match Compiler::default()
        .with_funs(funs)
        .with_global_vars(names.iter().map(String::as_str))
        .compile(modules)
    {
        Ok(f) => f,
        Err(errs) => {
            let mut msg = String::new();
            for (_file, list) in errs {
                for (name, undefined) in list {
                    msg.push_str(&format!(
                        "jq: error: {name}/{} is not defined\n",
                        match undefined {
                            jaq_core::compile::Undefined::Filter(arity) => arity.to_string(),
                            _ => "0".into(),
                        }
                    ));
                }
            }
            msg.push_str("jq: 1 compile error\n");
            return Out::err(msg, 3);
        }
    };
    let mut err = String::new();
    let docs: Vec<(String, Vec<u8>)> = inputs(x, "jq", &o.files, stdin, &mut err);
    if !err.is_empty() {
        let err = err.replace("jq: ", "jq: error: Could not open ");
        return Out::err(err, 2);
    }
    let mut values: Vec<Val> = Vec::new();
    if o.null_input {
        values.push(Val::Null);
    } else {
        for (_, d) in &docs {
            for v in jaq_json::read::parse_many(d) {
                match v {
                    Ok(v) => values.push(v),
                    Err(e) => {
                        return Out {
                            stdout: vec![],
                            stderr: format!("parse error: {e}\n").into_bytes(),
                            status: 2,
                        };
                    }
                }
            }
        }
        if o.slurp {
            values = vec![values.into_iter().collect::<Val>()];
        }
    }
    let pp = Pp {
        indent: if o.compact {
            None
        } else {
            Some("  ".to_string())
        },
        sort_keys: o.sort,
        sep_space: !o.compact,
        ..Pp::default()
    };
    let mut out: Vec<u8> = Vec::new();
    let mut last: Option<Val> = None;
    let mut status = 0;
    let vars: Vec<Val> = o.vars.iter().map(|(_, v)| v.clone()).collect();
    for (n, input) in values.into_iter().enumerate() {
        let ctx = Ctx::<data::JustLut<Val>>::new(&filter.lut, Vars::new(vars.clone()));
        for r in filter.id.run((ctx, input)).map(unwrap_valr) {
            match r {
                Ok(v) => {
                    match (&v, o.raw) {
                        (Val::TStr(s), true) => out.extend_from_slice(s),
                        _ => {
                            let _ = jaq_json::write::write(&mut out, &pp, 0, &v);
                        }
                    }
                    if !o.join {
                        out.push(b'\n');
                    }
                    last = Some(v);
                    if out.len() > 4 << 20 {
                        return Out {
                            stdout: out,
                            stderr: b"jq: output truncated\n".to_vec(),
                            status: 1,
                        };
                    }
                }
                Err(e) => {
                    return Out {
                        stdout: out,
                        stderr: format!(
                            "jq: error (at <stdin>:{}): {}\n",
                            n + 1,
                            jq_wording(&e.to_string())
                        )
                        .into_bytes(),
                        status: 5,
                    };
                }
            }
        }
    }
    if o.exit_status {
        status = match last {
            None => 4,
            Some(Val::Null) | Some(Val::Bool(false)) => 1,
            _ => 0,
        };
    }
    Out {
        stdout: out,
        stderr: vec![],
        status,
    }
}

/// jaq's "cannot index 1 with \"a\"" in jq's words: "Cannot index number with string \"a\"".
fn jq_wording(msg: &str) -> String {
    let Some(rest) = msg.strip_prefix("cannot index ") else {
        return msg.to_string();
    };
    let Some((value, key)) = rest.rsplit_once(" with ") else {
        return msg.to_string();
    };
    let ty = |v: &str| match v.chars().next() {
        Some('"') => "string",
        Some('{') => "object",
        Some('[') => "array",
        Some('t' | 'f') => "boolean",
        Some('n') => "null",
        _ => "number",
    };
    if key.starts_with('"') {
        format!("Cannot index {} with string {key}", ty(value))
    } else {
        format!("Cannot index {} with {}", ty(value), ty(key))
    }
}
