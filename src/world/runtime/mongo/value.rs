//! Documents as the shell sees them (a small BSON: the types a student types at the legacy
//! shell), and how the legacy shell prints them: `tojson` of `src/mongo/shell/types.js` (4.x):
//! `{ "k" : v }` fields, `[ a, b ]` arrays, `ObjectId("...")`, strings with JSON escapes,
//! numbers as JavaScript prints them. An object printed without `nolint` is laid out over lines
//! with tabs, then put back on one line when it is shorter than 80 characters.

/// A value of a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Bson {
    /// A JavaScript number (a BSON double).
    Double(f64),
    /// A string.
    Str(String),
    /// `true`, `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// An ObjectId (12 bytes).
    Oid([u8; 12]),
    /// An embedded document, its fields in order.
    Doc(Doc),
    /// An array.
    Array(Vec<Bson>),
}

/// A document: fields in their order.
pub type Doc = Vec<(String, Bson)>;

/// A field of a document.
pub fn get<'d>(doc: &'d Doc, key: &str) -> Option<&'d Bson> {
    doc.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// An ObjectId's 24 hex digits.
pub fn oid_hex(o: &[u8; 12]) -> String {
    crate::world::seed::hex(o)
}

/// Parses 24 hex digits.
pub fn parse_oid(s: &str) -> Option<[u8; 12]> {
    if s.len() != 24 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut o = [0u8; 12];
    for (i, b) in o.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(o)
}

/// How JavaScript's `"" + x` prints a number (ECMAScript `Number::toString`): integers
/// below 1e21 in full, otherwise the shortest digits that read back, in exponent form outside
/// 1e-7..1e21.
pub fn js_number(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if x == 0.0 {
        return "0".into();
    }
    let neg = x < 0.0;
    let a = x.abs();
    // Shortest round-trip digits and exponent from Rust's `{:e}`.
    let e = format!("{a:e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i32;
    let n = exp + 1; // the decimal point's position
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let sign = if n - 1 < 0 { '-' } else { '+' };
        let m = if k == 1 {
            digits.clone()
        } else {
            format!("{}.{}", &digits[..1], &digits[1..])
        };
        format!("{m}e{sign}{}", (n - 1).abs())
    };
    if neg { format!("-{body}") } else { body }
}

/// `tojson` of a string: JSON escapes, control characters as `\u00XX`.
pub fn js_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `tojson(x, indent, nolint)`; `nolint` None is the shell's default (lines, put back on one
/// line when short).
pub fn tojson(x: &Bson, indent: &str, nolint: Option<bool>) -> String {
    match x {
        Bson::Double(d) => js_number(*d),
        Bson::Str(s) => js_string(s),
        Bson::Bool(b) => b.to_string(),
        Bson::Null => "null".into(),
        Bson::Oid(o) => format!("ObjectId(\"{}\")", oid_hex(o)),
        // Arrays are objects to `typeof`: both are put back on one line when short.
        Bson::Array(_) | Bson::Doc(_) => {
            let s = match x {
                Bson::Array(a) => array_tojson(a, indent, nolint == Some(true)),
                Bson::Doc(d) => object_tojson(d, indent, nolint == Some(true)),
                _ => String::new(),
            };
            if nolint != Some(false) && s.chars().count() < 80 && indent.is_empty() {
                collapse(&s)
            } else {
                s
            }
        }
    }
}

/// `s.replace(/[\t\r\n]+/gm, " ")`.
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run = false;
    for c in s.chars() {
        if matches!(c, '\t' | '\r' | '\n') {
            if !run {
                out.push(' ');
            }
            run = true;
        } else {
            out.push(c);
            run = false;
        }
    }
    out
}

/// `tojsonObject`.
fn object_tojson(d: &Doc, indent: &str, nolint: bool) -> String {
    let line = if nolint { " " } else { "\n" };
    let tab = if nolint { "" } else { "\t" };
    let inner = format!("{indent}{tab}");
    let mut s = format!("{{{line}");
    let fields: Vec<String> = d
        .iter()
        .map(|(k, v)| {
            let nl = if nolint { Some(true) } else { None };
            format!("{inner}\"{k}\" : {}", tojson(v, &inner, nl))
        })
        .collect();
    if fields.is_empty() {
        s.push_str(&inner);
    } else {
        s.push_str(&fields.join(&format!(",{line}")));
    }
    s.push_str(line);
    // The indent goes back one character.
    let back: String = inner.chars().skip(1).collect();
    s.push_str(&back);
    s.push('}');
    s
}

/// `Array.tojson`.
fn array_tojson(a: &[Bson], indent: &str, nolint: bool) -> String {
    if a.is_empty() {
        return "[ ]".into();
    }
    let sep = if nolint { " " } else { "\n" };
    let mut ind = if nolint {
        String::new()
    } else {
        indent.to_string()
    };
    let mut s = format!("[{sep}");
    if !nolint {
        ind.push('\t');
    }
    for (i, v) in a.iter().enumerate() {
        let nl = if nolint { Some(true) } else { None };
        s.push_str(&ind);
        s.push_str(&tojson(v, &ind, nl));
        if i + 1 < a.len() {
            s.push(',');
            s.push_str(sep);
        }
    }
    if !nolint {
        ind = ind.chars().skip(1).collect();
    }
    s.push_str(sep);
    s.push_str(&ind);
    s.push(']');
    s
}

/// Compares two values as a query does for equality: numbers by value, the rest by type and
/// value.
pub fn equal(a: &Bson, b: &Bson) -> bool {
    a == b
}

/// Orders two values of the same kind (numbers, strings, ObjectIds, booleans); None across
/// kinds (a query's `$gt` then matches nothing, as MongoDB compares within a type bracket).
pub fn order(a: &Bson, b: &Bson) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Bson::Double(x), Bson::Double(y)) => x.partial_cmp(y),
        (Bson::Str(x), Bson::Str(y)) => Some(x.cmp(y)),
        (Bson::Oid(x), Bson::Oid(y)) => Some(x.cmp(y)),
        (Bson::Bool(x), Bson::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// The bytes a document takes, as kubelab counts it against its limits (its one-line text).
pub fn size(d: &Doc) -> usize {
    tojson(&Bson::Doc(d.clone()), "", Some(true)).len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(fields: &[(&str, Bson)]) -> Bson {
        Bson::Doc(
            fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn numbers_print_as_javascript_does() {
        assert_eq!(js_number(1.0), "1");
        assert_eq!(js_number(-20.0), "-20");
        assert_eq!(js_number(1.5), "1.5");
        assert_eq!(js_number(0.1), "0.1");
        assert_eq!(js_number(1e21), "1e+21");
        assert_eq!(js_number(123456789012345680000.0), "123456789012345680000");
        assert_eq!(js_number(0.000001), "0.000001");
        assert_eq!(js_number(0.0000001), "1e-7");
        assert_eq!(js_number(2.5e-8), "2.5e-8");
    }

    #[test]
    fn find_prints_one_line_and_results_collapse_when_short() {
        let oid = parse_oid("6575f1a2c3b4d5e6f7a8b9c0").unwrap();
        let d = doc(&[("_id", Bson::Oid(oid)), ("name", Bson::Str("foo".into()))]);
        assert_eq!(
            tojson(&d, "", Some(true)),
            r#"{ "_id" : ObjectId("6575f1a2c3b4d5e6f7a8b9c0"), "name" : "foo" }"#
        );
        let r = doc(&[
            ("acknowledged", Bson::Bool(true)),
            ("insertedId", Bson::Oid(oid)),
        ]);
        // 80 characters laid out: not collapsed.
        assert_eq!(
            tojson(&r, "", None),
            "{\n\t\"acknowledged\" : true,\n\t\"insertedId\" : ObjectId(\"6575f1a2c3b4d5e6f7a8b9c0\")\n}"
        );
        let w = doc(&[("nInserted", Bson::Double(1.0))]);
        assert_eq!(tojson(&w, "", None), r#"{ "nInserted" : 1 }"#);
    }

    #[test]
    fn arrays_and_nesting_lay_out_with_tabs() {
        let d = doc(&[
            ("writeErrors", Bson::Array(vec![])),
            (
                "ids",
                Bson::Array(vec![Bson::Double(1.0), Bson::Str("a".into())]),
            ),
            ("sub", doc(&[("a", Bson::Null)])),
            ("long", Bson::Str("x".repeat(60))),
        ]);
        assert_eq!(
            tojson(&d, "", None),
            format!(
                "{{\n\t\"writeErrors\" : [ ],\n\t\"ids\" : [\n\t\t1,\n\t\t\"a\"\n\t],\n\t\"sub\" : {{\n\t\t\"a\" : null\n\t}},\n\t\"long\" : \"{}\"\n}}",
                "x".repeat(60)
            )
        );
        assert_eq!(js_string("a\"b\\\n\u{1}"), "\"a\\\"b\\\\\\n\\u0001\"");
    }
}
