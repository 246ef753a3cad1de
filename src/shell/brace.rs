//! Brace expansion, bash's first expansion: `pre{a,b}post`, nested groups, sequences
//! `{1..5}`, `{01..10}`, `{5..1..2}`, `{a..e}`. Only unquoted braces and commas count; a group
//! without a comma or a valid sequence stays as written. The words made are bounded
//! ([`MAX_WORDS`]): `{a,b}` twenty times over would be a million words.

use super::ast::{Part, Word};

/// How many words one word may expand to.
pub const MAX_WORDS: usize = 100_000;

/// A word as brace expansion sees it: unquoted characters, and parts it does not look into.
#[derive(Clone, Debug, PartialEq)]
enum Unit {
    Char(char),
    Opaque(Part),
}

/// Expands the braces of `w`; Err when more than [`MAX_WORDS`] words would come of it.
pub fn expand(w: &Word) -> Result<Vec<Word>, String> {
    let has_brace =
        w.0.iter()
            .any(|p| matches!(p, Part::Literal(t) if t.contains('{')));
    if !has_brace {
        return Ok(vec![w.clone()]);
    }
    let units: Vec<Unit> =
        w.0.iter()
            .flat_map(|p| match p {
                Part::Literal(t) => t.chars().map(Unit::Char).collect::<Vec<_>>(),
                other => vec![Unit::Opaque(other.clone())],
            })
            .collect();
    let mut out = Vec::new();
    expand_units(units, &mut out)?;
    Ok(out.into_iter().map(to_word).collect())
}

fn to_word(units: Vec<Unit>) -> Word {
    let mut parts: Vec<Part> = Vec::new();
    for u in units {
        match (u, parts.last_mut()) {
            (Unit::Char(c), Some(Part::Literal(s))) => s.push(c),
            (Unit::Char(c), _) => parts.push(Part::Literal(c.to_string())),
            (Unit::Opaque(p), _) => parts.push(p),
        }
    }
    Word(parts)
}

fn too_many() -> String {
    format!("brace expansion would make more than {MAX_WORDS} words, the kubelab shell's limit")
}

/// Expands the first group that expands, then what results, into `out`.
fn expand_units(units: Vec<Unit>, out: &mut Vec<Vec<Unit>>) -> Result<(), String> {
    let Some((open, close, alts)) = first_group(&units) else {
        if out.len() >= MAX_WORDS {
            return Err(too_many());
        }
        out.push(units);
        return Ok(());
    };
    for alt in alts {
        let mut w = units[..open].to_vec();
        w.extend(alt);
        w.extend_from_slice(&units[close + 1..]);
        expand_units(w, out)?;
    }
    Ok(())
}

/// The first `{...}` that expands: where it opens and closes, and its alternatives.
#[allow(clippy::type_complexity)]
fn first_group(units: &[Unit]) -> Option<(usize, usize, Vec<Vec<Unit>>)> {
    let is = |i: usize, c: char| units.get(i) == Some(&Unit::Char(c));
    for open in 0..units.len() {
        if !is(open, '{') || (open > 0 && is(open - 1, '$')) {
            continue;
        }
        let mut depth = 0;
        let mut commas = Vec::new();
        let mut close = None;
        for (i, u) in units.iter().enumerate().skip(open + 1) {
            match u {
                Unit::Char('{') => depth += 1,
                Unit::Char('}') if depth == 0 => {
                    close = Some(i);
                    break;
                }
                Unit::Char('}') => depth -= 1,
                Unit::Char(',') if depth == 0 => commas.push(i),
                _ => {}
            }
        }
        let Some(close) = close else {
            continue;
        };
        if !commas.is_empty() {
            let mut alts = Vec::new();
            let mut from = open + 1;
            for c in commas.iter().copied().chain(std::iter::once(close)) {
                alts.push(units[from..c].to_vec());
                from = c + 1;
            }
            return Some((open, close, alts));
        }
        let inner: Option<String> = units[open + 1..close]
            .iter()
            .map(|u| match u {
                Unit::Char(c) => Some(*c),
                Unit::Opaque(_) => None,
            })
            .collect();
        if let Some(items) = inner.as_deref().and_then(sequence) {
            let alts = items
                .into_iter()
                .map(|s| s.chars().map(Unit::Char).collect())
                .collect();
            return Some((open, close, alts));
        }
    }
    None
}

/// `a..b` or `a..b..step`, numbers or single characters; None when not a sequence. Bounded
/// like the words it makes.
fn sequence(s: &str) -> Option<Vec<String>> {
    let parts: Vec<&str> = s.split("..").collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let step: i64 = match parts.get(2) {
        Some(t) => t.parse().ok()?,
        None => 1,
    };
    let step = step.unsigned_abs().max(1) as i64;
    if let (Ok(a), Ok(b)) = (parts[0].parse::<i64>(), parts[1].parse::<i64>()) {
        let width = |t: &str| {
            let digits = t.trim_start_matches('-');
            (digits.len() > 1 && digits.starts_with('0')).then_some(t.len())
        };
        let pad = width(parts[0]).max(width(parts[1])).unwrap_or(0);
        let count = a.abs_diff(b) / step as u64 + 1;
        if count > MAX_WORDS as u64 {
            return Some(vec![String::new(); MAX_WORDS + 1]);
        }
        let dir = if a <= b { step } else { -step };
        return Some(
            (0..count as i64)
                .map(|k| {
                    let v = a + k * dir;
                    if v < 0 {
                        format!("-{:0>w$}", -v, w = pad.saturating_sub(1))
                    } else {
                        format!("{v:0>pad$}")
                    }
                })
                .collect(),
        );
    }
    let one = |t: &str| {
        let mut c = t.chars();
        match (c.next(), c.next()) {
            (Some(x), None) if x.is_ascii_alphabetic() => Some(x as i64),
            _ => None,
        }
    };
    let (a, b) = (one(parts[0])?, one(parts[1])?);
    let dir = if a <= b { step } else { -step };
    let count = a.abs_diff(b) / step as u64 + 1;
    Some(
        (0..count as i64)
            .map(|k| ((a + k * dir) as u8 as char).to_string())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        let list = super::super::parse::parse(&format!("echo {s}")).unwrap();
        let super::super::ast::Command::Simple(c) = &list.0[0].first.commands[0] else {
            panic!()
        };
        expand(&c.words[1])
            .unwrap()
            .iter()
            .map(|w| {
                w.0.iter()
                    .map(|p| match p {
                        Part::Literal(t) | Part::Quoted(t) => t.clone(),
                        Part::Var(v) => format!("${v}"),
                        Part::Double(q) => match q.as_slice() {
                            [Part::Quoted(t)] => t.clone(),
                            _ => "?".into(),
                        },
                        _ => "?".into(),
                    })
                    .collect()
            })
            .collect()
    }

    /// As bash expands them (`echo WORD`).
    #[test]
    fn bash_brace_expansion() {
        assert_eq!(words("a{b,c}d"), ["abd", "acd"]);
        assert_eq!(words("{a,{b,c}}"), ["a", "b", "c"]);
        assert_eq!(words("{1..4}"), ["1", "2", "3", "4"]);
        assert_eq!(words("{3..1}"), ["3", "2", "1"]);
        assert_eq!(words("{1..10..4}"), ["1", "5", "9"]);
        assert_eq!(words("{08..11}"), ["08", "09", "10", "11"]);
        assert_eq!(words("{a..e..2}"), ["a", "c", "e"]);
        assert_eq!(words("{a}"), ["{a}"]);
        assert_eq!(words("{1..a}"), ["{1..a}"]);
        assert_eq!(words("\"{a,b}\""), ["{a,b}"]);
        assert_eq!(words("{$x,b}"), ["$x", "b"]);
        assert_eq!(words("x{,a}"), ["x", "xa"]);
        assert_eq!(words("{a,b}{1,2}"), ["a1", "a2", "b1", "b2"]);
        assert_eq!(words("{-05..5..5}"), ["-05", "000", "005"]);
        assert_eq!(words("{@..B}"), ["{@..B}"]);
        assert_eq!(words("{a,b}{c}"), ["a{c}", "b{c}"]);
    }
}
