//! Sprig's defaults, math, type, encoding and regular-expression functions, and the Sprig
//! functions kubelab refuses plainly (clock, randomness, crypto).

use base64::Engine as _;
use gotmpl::{FuncMap, Value};
use sha2::Digest as _;

use super::sprig_util::{
    R, add, empty, err, go_kind, go_type, int_arg, list, s, string_arg, strval, to_f64, to_i64,
    want, want_at_least,
};

/// Sprig functions whose results depend on the clock, randomness or key material: kubelab
/// answers `kubelab does not support the Sprig function NAME` instead of a made-up value.
pub const REFUSED: &[&str] = &[
    "now",
    "date",
    "dateInZone",
    "date_in_zone",
    "dateModify",
    "date_modify",
    "ago",
    "toDate",
    "mustToDate",
    "unixEpoch",
    "htmlDate",
    "htmlDateInZone",
    "duration",
    "durationRound",
    "randAlphaNum",
    "randAlpha",
    "randAscii",
    "randNumeric",
    "randBytes",
    "randInt",
    "uuidv4",
    "shuffle",
    "genPrivateKey",
    "derivePassword",
    "buildCustomCert",
    "genCA",
    "genCAWithKey",
    "genSelfSignedCert",
    "genSelfSignedCertWithKey",
    "genSignedCert",
    "genSignedCertWithKey",
    "encryptAES",
    "decryptAES",
    "htpasswd",
    "sha1sum",
    "adler32sum",
    "bcrypt",
    "getHostByName",
    "env",
    "expandenv",
];

/// Registers defaults, math, types, encodings and regular expressions.
pub fn register(m: &mut FuncMap) {
    add(m, "default", |a| {
        want_at_least("default", a, 1)?;
        Ok(match a.get(1) {
            Some(g) if !empty(g) => g.clone(),
            _ => a[0].clone(),
        })
    });
    add(m, "empty", |a| {
        want("empty", a, 1)?;
        Ok(Value::Bool(empty(&a[0])))
    });
    add(m, "coalesce", |a| {
        Ok(a.iter().find(|v| !empty(v)).cloned().unwrap_or(Value::Nil))
    });
    add(m, "all", |a| Ok(Value::Bool(a.iter().all(|v| !empty(v)))));
    add(m, "any", |a| Ok(Value::Bool(a.iter().any(|v| !empty(v)))));
    add(m, "ternary", |a| {
        want("ternary", a, 3)?;
        match &a[2] {
            Value::Bool(b) => Ok(if *b { a[0].clone() } else { a[1].clone() }),
            other => Err(gotmpl::TemplateError::Exec(format!(
                "wrong type for value; expected bool; got {}",
                go_type(other)
            ))),
        }
    });
    // cast conversions
    for name in ["int", "int64"] {
        add(m, name, |a| {
            want("int", a, 1)?;
            Ok(Value::Int(to_i64(&a[0])))
        });
    }
    add(m, "float64", |a| {
        want("float64", a, 1)?;
        Ok(Value::Float(to_f64(&a[0])))
    });
    add(m, "atoi", |a| {
        want("atoi", a, 1)?;
        Ok(Value::Int(string_arg(&a[0])?.parse::<i64>().unwrap_or(0)))
    });
    // integer math (Sprig converts every argument with cast.ToInt64)
    add(m, "add", |a| {
        Ok(Value::Int(
            a.iter().map(to_i64).fold(0i64, i64::wrapping_add),
        ))
    });
    add(m, "add1", |a| {
        want("add1", a, 1)?;
        Ok(Value::Int(to_i64(&a[0]).wrapping_add(1)))
    });
    add(m, "sub", |a| {
        want("sub", a, 2)?;
        Ok(Value::Int(to_i64(&a[0]).wrapping_sub(to_i64(&a[1]))))
    });
    add(m, "mul", |a| {
        want_at_least("mul", a, 1)?;
        Ok(Value::Int(
            a.iter().map(to_i64).fold(1i64, i64::wrapping_mul),
        ))
    });
    add(m, "div", |a| {
        want("div", a, 2)?;
        let d = to_i64(&a[1]);
        if d == 0 {
            return Err(err("runtime error: integer divide by zero"));
        }
        Ok(Value::Int(to_i64(&a[0]).wrapping_div(d)))
    });
    add(m, "mod", |a| {
        want("mod", a, 2)?;
        let d = to_i64(&a[1]);
        if d == 0 {
            return Err(err("runtime error: integer divide by zero"));
        }
        Ok(Value::Int(to_i64(&a[0]).wrapping_rem(d)))
    });
    add(m, "max", |a| {
        want_at_least("max", a, 1)?;
        Ok(Value::Int(a.iter().map(to_i64).max().unwrap_or(0)))
    });
    add(m, "min", |a| {
        want_at_least("min", a, 1)?;
        Ok(Value::Int(a.iter().map(to_i64).min().unwrap_or(0)))
    });
    add(m, "addf", |a| Ok(Value::Float(a.iter().map(to_f64).sum())));
    add(m, "subf", |a| {
        want_at_least("subf", a, 1)?;
        Ok(Value::Float(
            a[1..].iter().map(to_f64).fold(to_f64(&a[0]), |x, y| x - y),
        ))
    });
    add(m, "mulf", |a| {
        Ok(Value::Float(a.iter().map(to_f64).product()))
    });
    add(m, "divf", |a| {
        want_at_least("divf", a, 1)?;
        Ok(Value::Float(
            a[1..].iter().map(to_f64).fold(to_f64(&a[0]), |x, y| x / y),
        ))
    });
    add(m, "maxf", |a| {
        Ok(Value::Float(
            a.iter().map(to_f64).fold(f64::NEG_INFINITY, f64::max),
        ))
    });
    add(m, "minf", |a| {
        Ok(Value::Float(
            a.iter().map(to_f64).fold(f64::INFINITY, f64::min),
        ))
    });
    add(m, "floor", |a| {
        want("floor", a, 1)?;
        Ok(Value::Float(to_f64(&a[0]).floor()))
    });
    add(m, "ceil", |a| {
        want("ceil", a, 1)?;
        Ok(Value::Float(to_f64(&a[0]).ceil()))
    });
    // types
    add(m, "kindOf", |a| {
        want("kindOf", a, 1)?;
        Ok(s(go_kind(&a[0])))
    });
    add(m, "kindIs", |a| {
        want("kindIs", a, 2)?;
        Ok(Value::Bool(string_arg(&a[0])? == go_kind(&a[1])))
    });
    add(m, "typeOf", |a| {
        want("typeOf", a, 1)?;
        Ok(s(go_type(&a[0])))
    });
    add(m, "typeIs", |a| {
        want("typeIs", a, 2)?;
        Ok(Value::Bool(string_arg(&a[0])? == go_type(&a[1])))
    });
    add(m, "deepEqual", |a| {
        want("deepEqual", a, 2)?;
        Ok(Value::Bool(super::sprig_collections::deep_equal(
            &a[0], &a[1],
        )))
    });
    // encodings and hashes
    add(m, "b64enc", |a| {
        want("b64enc", a, 1)?;
        Ok(s(
            base64::engine::general_purpose::STANDARD.encode(strval(&a[0]))
        ))
    });
    add(m, "b64dec", |a| {
        want("b64dec", a, 1)?;
        Ok(s(
            match base64::engine::general_purpose::STANDARD.decode(strval(&a[0])) {
                Ok(b) => String::from_utf8_lossy(&b).into_owned(),
                Err(e) => e.to_string(),
            },
        ))
    });
    add(m, "sha256sum", |a| {
        want("sha256sum", a, 1)?;
        let d = sha2::Sha256::digest(string_arg(&a[0])?.as_bytes());
        Ok(s(d.iter().map(|b| format!("{b:02x}")).collect::<String>()))
    });
    // regular expressions (Go RE2 syntax; Rust's `regex` accepts the same for these uses)
    add(m, "regexMatch", |a| {
        want("regexMatch", a, 2)?;
        let re = compile(&string_arg(&a[0])?)?;
        Ok(Value::Bool(re.is_match(&string_arg(&a[1])?)))
    });
    add(m, "regexFind", |a| {
        want("regexFind", a, 2)?;
        let re = compile(&string_arg(&a[0])?)?;
        let x = string_arg(&a[1])?;
        Ok(s(re.find(&x).map(|m| m.as_str()).unwrap_or("")))
    });
    add(m, "regexFindAll", |a| {
        want("regexFindAll", a, 3)?;
        let re = compile(&string_arg(&a[0])?)?;
        let x = string_arg(&a[1])?;
        let n = int_arg(&a[2])?;
        let found = re.find_iter(&x).map(|m| s(m.as_str()));
        Ok(list(if n < 0 {
            found.collect()
        } else {
            found.take(n as usize).collect()
        }))
    });
    add(m, "regexReplaceAll", |a| {
        want("regexReplaceAll", a, 3)?;
        let re = compile(&string_arg(&a[0])?)?;
        let x = string_arg(&a[1])?;
        let repl = string_arg(&a[2])?;
        Ok(s(re.replace_all(&x, repl.as_str())))
    });
    add(m, "regexReplaceAllLiteral", |a| {
        want("regexReplaceAllLiteral", a, 3)?;
        let re = compile(&string_arg(&a[0])?)?;
        let repl = string_arg(&a[2])?;
        let x = string_arg(&a[1])?;
        Ok(s(re.replace_all(&x, regex::NoExpand(&repl))))
    });
    add(m, "regexSplit", |a| {
        want("regexSplit", a, 3)?;
        let re = compile(&string_arg(&a[0])?)?;
        let x = string_arg(&a[1])?;
        let n = int_arg(&a[2])?;
        let parts: Vec<Value> = if n < 0 {
            re.split(&x).map(s).collect()
        } else {
            re.splitn(&x, n as usize).map(s).collect()
        };
        Ok(list(parts))
    });
    add(m, "regexQuoteMeta", |a| {
        want("regexQuoteMeta", a, 1)?;
        Ok(s(regex::escape(&string_arg(&a[0])?)))
    });
    add(m, "semverCompare", |a| {
        want("semverCompare", a, 2)?;
        let c = super::semver::Constraint::parse(&string_arg(&a[0])?).map_err(err)?;
        let v = super::semver::Version::parse(&string_arg(&a[1])?).map_err(err)?;
        Ok(Value::Bool(c.matches(&v)))
    });
    for &name in REFUSED {
        add(m, name, move |_a| -> R {
            Err(err(format!(
                "kubelab does not support the Sprig function {name}"
            )))
        });
    }
}

/// Go's `regexp.MustCompile` as Sprig's non-`must` functions use it: an invalid pattern is an
/// error (Go panics; the template engine reports the panic as an error).
fn compile(p: &str) -> Result<regex::Regex, gotmpl::TemplateError> {
    regex::RegexBuilder::new(p)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| err(format!("regexp: Compile({}): {e}", gotmpl::go_quote(p))))
}
