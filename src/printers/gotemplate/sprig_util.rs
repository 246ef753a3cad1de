//! Go conversions the Sprig functions share (`strval`, `cast.ToInt64`, `cast.ToFloat64`,
//! `empty`), and the glue for registering functions.

use std::collections::BTreeMap;
use std::sync::Arc;

use gotmpl::{FuncMap, TemplateError, Value};

/// A function result.
pub type R = Result<Value, TemplateError>;

/// A function's error, printed by the engine as `error calling NAME: MESSAGE`.
pub fn err(msg: impl Into<String>) -> TemplateError {
    TemplateError::Func(msg.into())
}

/// Registers `f` under `name`.
pub fn add(m: &mut FuncMap, name: &str, f: impl Fn(&[Value]) -> R + Send + Sync + 'static) {
    m.insert(name.to_string(), Arc::new(f));
}

/// Go's reflect-based call check: `wrong number of args for NAME: want N got M`.
pub fn want(name: &str, args: &[Value], n: usize) -> Result<(), TemplateError> {
    if args.len() != n {
        return Err(TemplateError::Exec(format!(
            "wrong number of args for {name}: want {n} got {}",
            args.len()
        )));
    }
    Ok(())
}

/// At least `n` arguments (variadic functions).
pub fn want_at_least(name: &str, args: &[Value], n: usize) -> Result<(), TemplateError> {
    if args.len() < n {
        return Err(TemplateError::Exec(format!(
            "wrong number of args for {name}: want at least {n} got {}",
            args.len()
        )));
    }
    Ok(())
}

/// A string argument as Go's call would convert it: anything else is Go's
/// `wrong type for value; expected string; got TYPE`.
pub fn string_arg(v: &Value) -> Result<String, TemplateError> {
    match v {
        Value::String(s) => Ok(s.to_string()),
        other => Err(TemplateError::Exec(format!(
            "wrong type for value; expected string; got {}",
            go_type(other)
        ))),
    }
}

/// An `int` argument (Go's call accepts integers only).
pub fn int_arg(v: &Value) -> Result<i64, TemplateError> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Uint(u) => Ok(*u as i64),
        other => Err(TemplateError::Exec(format!(
            "wrong type for value; expected int; got {}",
            go_type(other)
        ))),
    }
}

/// The Go type name of a value as Helm and kubectl hold it.
pub fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Nil => "<nil>",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Uint(_) => "uint64",
        Value::Float(_) => "float64",
        Value::String(_) => "string",
        Value::List(_) => "[]interface {}",
        Value::Map(_) => "map[string]interface {}",
        Value::Function(_) => "func",
    }
}

/// Go's `reflect.Kind` name (`kindOf`).
pub fn go_kind(v: &Value) -> &'static str {
    match v {
        Value::Nil => "invalid",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Uint(_) => "uint64",
        Value::Float(_) => "float64",
        Value::String(_) => "string",
        Value::List(_) => "slice",
        Value::Map(_) => "map",
        Value::Function(_) => "func",
    }
}

/// Sprig's `strval`: strings as they are, everything else as `fmt.Sprintf("%v")`.
pub fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        other => other.to_string(),
    }
}

/// Sprig's `empty`: nil, false, 0, "" and empty collections.
pub fn empty(v: &Value) -> bool {
    !v.is_truthy()
}

/// `cast.ToInt64` (errors give 0): floats truncate, strings parse with base prefixes
/// (`0x10`) after a trailing `.0` is dropped, booleans are 1/0.
pub fn to_i64(v: &Value) -> i64 {
    match v {
        Value::Int(i) => *i,
        Value::Uint(u) => *u as i64,
        Value::Float(f) => *f as i64,
        Value::Bool(b) => i64::from(*b),
        Value::String(s) => parse_go_int(trim_zero_decimal(s)).unwrap_or(0),
        _ => 0,
    }
}

fn trim_zero_decimal(s: &str) -> &str {
    match s.split_once('.') {
        Some((int, frac))
            if !int.is_empty() && !frac.is_empty() && frac.bytes().all(|b| b == b'0') =>
        {
            int
        }
        _ => s,
    }
}

/// `strconv.ParseInt(s, 0, 64)`.
pub fn parse_go_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let body = body.replace('_', "");
    let (radix, digits) =
        if let Some(r) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            (16, r.to_string())
        } else if let Some(r) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
            (2, r.to_string())
        } else if let Some(r) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
            (8, r.to_string())
        } else if body.len() > 1 && body.starts_with('0') {
            (8, body[1..].to_string())
        } else {
            (10, body.clone())
        };
    if digits.is_empty() {
        return None;
    }
    let mag = i128::from_str_radix(&digits, radix).ok()?;
    let v = if neg { -mag } else { mag };
    i64::try_from(v).ok()
}

/// `cast.ToFloat64` (errors give 0).
pub fn to_f64(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Uint(u) => *u as f64,
        Value::Float(f) => *f,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::String(s) => s.parse::<f64>().unwrap_or(0.0),
        _ => 0.0,
    }
}

/// Sprig's `strslice`: a list's items as strings (nil items dropped), a string as itself.
pub fn strslice(v: &Value) -> Vec<String> {
    match v {
        Value::List(l) => l
            .iter()
            .filter(|x| !matches!(x, Value::Nil))
            .map(strval)
            .collect(),
        Value::Nil => Vec::new(),
        other => vec![strval(other)],
    }
}

/// A list value.
pub fn list(items: Vec<Value>) -> Value {
    Value::List(items.into())
}

/// A string value.
pub fn s(text: impl AsRef<str>) -> Value {
    Value::String(Arc::from(text.as_ref()))
}

/// A map value.
pub fn map(m: BTreeMap<Arc<str>, Value>) -> Value {
    Value::Map(Arc::new(m))
}

/// The items of a list argument (Go's `reflect` slice), or Sprig's error.
pub fn list_items(name: &str, v: &Value) -> Result<Vec<Value>, TemplateError> {
    match v {
        Value::List(l) => Ok(l.to_vec()),
        Value::Nil => Ok(Vec::new()),
        other => Err(err(format!("Cannot {name} on type {}", go_type(other)))),
    }
}
