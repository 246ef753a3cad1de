//! How mongosh prints values: Node's `util.inspect` (lib/internal/util/inspect.js) with
//! mongosh's options (packages/cli-repl/src/format-output.ts `inspect`: no colors, `depth` 6,
//! or unlimited for a cursor's documents; Node's defaults `compact: 3`, `breakLength: 80`).
//! Keys as identifiers or quoted strings, strings in single quotes (double quotes when the
//! string has a single quote and no double quote), `ObjectId('...')` (the bson package's
//! custom inspect). An object or array goes on one line when it nests fewer than 3 levels below
//! it and fits in 80 columns (`reduceToSingleString`, `isBelowBreakLength`); otherwise one
//! entry a line, indented by two spaces a level.

use super::value::{Bson, js_number, oid_hex};

const BREAK_LENGTH: usize = 80;
const COMPACT: usize = 3;

/// An array Node would lay out as a grid (`groupArrayElements`: more than six short
/// entries), which kubelab does not print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid;

struct Ctx {
    depth: usize,
    indentation: usize,
    current_depth: usize,
}

/// `util.inspect(x, { depth })` as mongosh calls it (`depth` None: unlimited).
pub fn inspect(x: &Bson, depth: Option<usize>) -> Result<String, Grid> {
    let mut ctx = Ctx {
        depth: depth.unwrap_or(usize::MAX),
        indentation: 0,
        current_depth: 0,
    };
    value(&mut ctx, x, 0)
}

/// `strEscape`: the quote chosen by what the string holds, escapes as Node writes them.
pub fn quote(s: &str) -> String {
    let q = if !s.contains('\'') {
        '\''
    } else if !s.contains('"') {
        '"'
    } else if !s.contains('`') && !s.contains("${") {
        '`'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        match c {
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || (0x7f..=0x9f).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(q);
    out
}

/// A key: bare when it matches `^[a-zA-Z_][a-zA-Z_0-9]*$`, else quoted.
fn key(k: &str) -> String {
    let mut cs = k.chars();
    let ident = cs
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ident { k.to_string() } else { quote(k) }
}

fn value(ctx: &mut Ctx, x: &Bson, level: usize) -> Result<String, Grid> {
    Ok(match x {
        Bson::Double(n) if *n == 0.0 && n.is_sign_negative() => "-0".into(),
        Bson::Double(n) => js_number(*n),
        Bson::Str(s) => quote(s),
        Bson::Bool(b) => b.to_string(),
        Bson::Null => "null".into(),
        Bson::Oid(o) => format!("ObjectId('{}')", oid_hex(o)),
        Bson::Doc(d) if d.is_empty() => "{}".into(),
        Bson::Array(a) if a.is_empty() => "[]".into(),
        Bson::Doc(_) | Bson::Array(_) if level > ctx.depth => {
            if matches!(x, Bson::Doc(_)) {
                "[Object]".into()
            } else {
                "[Array]".into()
            }
        }
        Bson::Doc(d) => {
            let level = level + 1;
            ctx.current_depth = level;
            let mut out = Vec::with_capacity(d.len());
            for (k, v) in d {
                ctx.indentation += 2;
                let s = value(ctx, v, level);
                ctx.indentation -= 2;
                out.push(format!("{}: {}", key(k), s?));
            }
            reduce(ctx, out, ('{', '}'), level)
        }
        Bson::Array(a) => {
            let level = level + 1;
            ctx.current_depth = level;
            let mut out = Vec::with_capacity(a.len());
            for v in a {
                ctx.indentation += 2;
                let s = value(ctx, v, level);
                ctx.indentation -= 2;
                out.push(s?);
            }
            if out.len() > 6 && grouped(ctx, &out) {
                return Err(Grid);
            }
            reduce(ctx, out, ('[', ']'), level)
        }
    })
}

/// Whether `groupArrayElements` would lay these entries out as a grid.
fn grouped(ctx: &Ctx, out: &[String]) -> bool {
    let lens: Vec<usize> = out.iter().map(|s| s.chars().count()).collect();
    let total: usize = lens.iter().map(|l| l + 2).sum();
    let max = lens.iter().copied().max().unwrap_or(0);
    let actual_max = max + 2;
    actual_max * 3 + ctx.indentation < BREAK_LENGTH && (total / actual_max > 5 || max <= 6)
}

/// `reduceToSingleString` with a numeric `compact` and no `base`.
fn reduce(ctx: &Ctx, out: Vec<String>, braces: (char, char), level: usize) -> String {
    if ctx.current_depth - level < COMPACT {
        let start = out.len() + ctx.indentation + 1 + 10;
        let mut total = out.len() + start;
        let mut fits = total + out.len() <= BREAK_LENGTH;
        for e in &out {
            if !fits {
                break;
            }
            total += e.chars().count();
            fits = total <= BREAK_LENGTH;
        }
        if fits {
            let joined = out.join(", ");
            if !joined.contains('\n') {
                return format!("{} {joined} {}", braces.0, braces.1);
            }
        }
    }
    let ind = format!("\n{}", " ".repeat(ctx.indentation));
    format!(
        "{}{ind}  {}{ind}{}",
        braces.0,
        out.join(&format!(",{ind}  ")),
        braces.1
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid() -> Bson {
        Bson::Oid(super::super::value::parse_oid("6571a3c0aa0b1c2d3e000001").unwrap())
    }

    #[test]
    fn a_short_find_result_stays_on_one_line() {
        let docs = Bson::Array(vec![Bson::Doc(vec![
            ("_id".into(), oid()),
            ("name".into(), Bson::Str("foo".into())),
        ])]);
        assert_eq!(
            inspect(&docs, None).unwrap(),
            "[ { _id: ObjectId('6571a3c0aa0b1c2d3e000001'), name: 'foo' } ]"
        );
    }

    #[test]
    fn insert_one_result_is_over_eighty_columns_so_it_breaks() {
        let r = Bson::Doc(vec![
            ("acknowledged".into(), Bson::Bool(true)),
            ("insertedId".into(), oid()),
        ]);
        assert_eq!(
            inspect(&r, Some(6)).unwrap(),
            "{\n  acknowledged: true,\n  insertedId: ObjectId('6571a3c0aa0b1c2d3e000001')\n}"
        );
        let d = Bson::Doc(vec![
            ("acknowledged".into(), Bson::Bool(true)),
            ("deletedCount".into(), Bson::Double(1.0)),
        ]);
        assert_eq!(
            inspect(&d, Some(6)).unwrap(),
            "{ acknowledged: true, deletedCount: 1 }"
        );
    }

    #[test]
    fn long_documents_in_an_array_go_one_field_a_line() {
        let doc = |n: &str| {
            Bson::Doc(vec![
                ("_id".into(), oid()),
                ("name".into(), Bson::Str(n.into())),
                ("city".into(), Bson::Str("Amsterdam".into())),
            ])
        };
        let docs = Bson::Array(vec![doc("alice"), doc("bob")]);
        assert_eq!(
            inspect(&docs, None).unwrap(),
            "[\n  {\n    _id: ObjectId('6571a3c0aa0b1c2d3e000001'),\n    name: 'alice',\n    city: 'Amsterdam'\n  },\n  {\n    _id: ObjectId('6571a3c0aa0b1c2d3e000001'),\n    name: 'bob',\n    city: 'Amsterdam'\n  }\n]"
        );
    }

    #[test]
    fn strings_and_keys_are_quoted_as_node_does() {
        assert_eq!(quote("it's"), "\"it's\"");
        assert_eq!(quote("a\nb"), "'a\\nb'");
        assert_eq!(quote("x'\"y"), "`x'\"y`");
        let d = Bson::Doc(vec![
            ("first name".into(), Bson::Str("Jo".into())),
            ("0".into(), Bson::Double(-0.0)),
        ]);
        assert_eq!(
            inspect(&d, None).unwrap(),
            "{ 'first name': 'Jo', '0': -0 }"
        );
    }

    #[test]
    fn deep_nesting_breaks_and_depth_cuts() {
        // Three levels below the outer object: not on one line, though short.
        let deep = Bson::Doc(vec![(
            "a".into(),
            Bson::Doc(vec![(
                "b".into(),
                Bson::Doc(vec![(
                    "c".into(),
                    Bson::Doc(vec![("d".into(), Bson::Null)]),
                )]),
            )]),
        )]);
        assert_eq!(
            inspect(&deep, None).unwrap(),
            "{\n  a: { b: { c: { d: null } } }\n}"
        );
        assert_eq!(inspect(&deep, Some(1)).unwrap(), "{ a: { b: [Object] } }");
        let nums = Bson::Array((0..8).map(|n| Bson::Double(n as f64)).collect());
        assert_eq!(inspect(&nums, None), Err(Grid));
    }
}
