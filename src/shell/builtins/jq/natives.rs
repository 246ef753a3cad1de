//! The filters written in Rust that the workstation's jq offers: jaq's, except those that loop
//! without evaluating a filter node (counted here instead), those that need jaq's own value type
//! (written here for ours), and those that would reach the host (left out).

use jaq_core::box_iter::box_once;
use jaq_core::native::{Fun, bome, run, unary, v};
use jaq_core::{Exn, ValR, ValX, ValXs};
use jaq_json::{Num, Val};

use super::data::KData;
use super::value::{Error, Items, KVal, described, fail, index_error, kind, num_f64};
use super::{budget, json, ops};

/// Definitions that run before jaq's standard library: regular expressions charge for their
/// work first (a regex search costs the pattern's size times the text's).
pub(super) const PRELUDE: &str = r#"
def matches($re; $flags): _kl_regex_cost($re) | _kl_matches($re; $flags);
def split_matches($re; $flags): _kl_regex_cost($re) | _kl_split_matches($re; $flags);
def split_($re; $flags): _kl_regex_cost($re) | _kl_split_($re; $flags);
"#;

/// Every native filter.
pub(super) fn funs() -> impl Iterator<Item = Fun<KData>> {
    let core = jaq_core::funs::<KData>().filter(|(name, _, _)| *name != "range");
    let std = jaq_std::funs::<KData>().filter_map(|(name, arity, f)| match name {
        // `halt(n)` would end the whole process; `env` and `now` read the host.
        "halt" | "env" | "now" => None,
        "matches" => Some(("_kl_matches", arity, f)),
        "split_matches" => Some(("_kl_split_matches", arity, f)),
        "split_" => Some(("_kl_split_", arity, f)),
        _ => Some((name, arity, f)),
    });
    core.chain(std)
        .chain(ours().into_vec().into_iter().map(run::<KData>))
}

type Filter = jaq_core::native::Filter<jaq_core::RunPtr<KData>>;

fn ours() -> Box<[Filter]> {
    Box::new([
        ("range", v(3), |mut cv| {
            let by = cv.0.pop_var();
            let to = cv.0.pop_var();
            let from = cv.0.pop_var();
            Box::new(range(Ok(from), to, by))
        }),
        ("halt", v(1), |_| {
            bome(Err(fail("kubelab's jq does not support halt")))
        }),
        ("env", v(0), |_| bome(jaq_core::ValT::from_map([]))),
        ("now", v(0), |_| bome(Ok(KVal::from(1_740_992_400isize)))),
        ("_kl_regex_cost", v(1), |cv| {
            unary(cv, |s, re| {
                if let (Some(s), Some(re)) = (bytes(&s), bytes(&re)) {
                    budget::charge(regex_cost(s.len(), re));
                }
                Ok(s)
            })
        }),
        ("fromjson", v(0), |cv| fromjson(cv.1)),
        ("tojson", v(0), |cv| {
            bome(Ok(KVal::str(json::to_json(&cv.1.v))))
        }),
        ("length", v(0), |cv| bome(length(&cv.1))),
        ("contains", v(1), |cv| {
            unary(cv, |x, y| {
                if kind(&x.v) != kind(&y.v) {
                    let mut msg = described(&x.v);
                    msg.extend_from_slice(b" and ");
                    msg.extend(described(&y.v));
                    msg.extend_from_slice(b" cannot have their containment checked");
                    return Err(fail(msg));
                }
                Ok(KVal::from(contains(&x.v, &y.v)))
            })
        }),
        ("has", v(1), |cv| unary(cv, |x, k| has(&x.v, &k.v))),
        ("indices", v(1), |cv| unary(cv, |x, y| indices(&x.v, &y.v))),
        ("bsearch", v(1), |cv| unary(cv, |a, x| bsearch(&a.v, &x.v))),
    ])
}

fn bytes(v: &KVal) -> Option<&[u8]> {
    match &v.v {
        Val::TStr(b) | Val::BStr(b) => Some(b),
        _ => None,
    }
}

/// Steps for a regex search: the pattern's size (its repetition counts multiplied out) times the
/// text's length, in units of 16.
fn regex_cost(text: usize, re: &[u8]) -> u64 {
    let mut size = re.len() as u64 + 1;
    let mut i = 0;
    while i < re.len() {
        if re[i] == b'{' {
            let digits: Vec<u8> = re[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .copied()
                .collect();
            if let Ok(n) = std::str::from_utf8(&digits).unwrap_or("").parse::<u64>() {
                size = size.saturating_mul(n.max(1));
            }
        }
        i += 1;
    }
    size.saturating_mul(text as u64 + 1) / 16 + 1
}

/// `range($from; $to; $by)`, one step per value.
fn range<'a>(
    mut from: ValX<'a, KVal>,
    to: KVal,
    by: KVal,
) -> impl Iterator<Item = ValX<'a, KVal>> + 'a {
    use core::cmp::Ordering::{Equal, Greater, Less};
    let dir = by.partial_cmp(&KVal::from(0isize)).unwrap_or(Equal);
    core::iter::from_fn(move || {
        budget::charge(1);
        match from.clone() {
            Ok(x) => match dir {
                Greater => x < to,
                Less => x > to,
                Equal => x != to,
            }
            .then(|| core::mem::replace(&mut from, (x + by.clone()).map_err(Exn::from))),
            e @ Err(_) => {
                from = Ok(to.clone());
                Some(e)
            }
        }
    })
}

/// `fromjson`: every value of the text, with jq 1.6's depth limit and message.
fn fromjson<'a>(v: KVal) -> ValXs<'a, KVal> {
    let Some(text) = bytes(&v) else {
        let mut msg = described(&v.v);
        msg.extend_from_slice(b" only strings can be parsed");
        return box_once(Err(Exn::from(fail(msg))));
    };
    let text = text.to_vec();
    let mut out = Vec::new();
    for r in json::Reader::new(&text) {
        match r {
            Ok((x, _)) => out.push(Ok(x)),
            Err(json::ReadError::Depth { line, column }) => {
                let mut msg = format!(
                    "Exceeds depth limit for parsing at line {line}, column {column} (while parsing '"
                )
                .into_bytes();
                msg.extend_from_slice(&text);
                msg.extend_from_slice(b"')");
                out.push(Err(Exn::from(fail(msg))));
            }
            Err(json::ReadError::Syntax(e)) => {
                let e = Error::str(format_args!("cannot parse {v} as JSON: {e}"));
                out.push(Err(Exn::from(e)));
            }
        }
    }
    Box::new(out.into_iter())
}

fn length(v: &KVal) -> ValR<KVal, KVal> {
    Ok(match &v.v {
        Val::Null => KVal::from(0usize),
        Val::Bool(_) => {
            let mut msg = described(&v.v);
            msg.extend_from_slice(b" has no length");
            return Err(fail(msg));
        }
        Val::Num(n) => KVal::scalar(Val::Num(match n {
            Num::Int(i) => match i.checked_abs() {
                Some(a) => Num::Int(a),
                None => Num::Float((*i as f64).abs()),
            },
            Num::BigInt(i) => {
                use num_traits::Signed;
                Num::big_int(i.abs())
            }
            n => Num::Float(num_f64(n).abs()),
        })),
        Val::TStr(s) => {
            use bstr::ByteSlice;
            budget::charge(s.len() as u64 / 64);
            KVal::from(s.chars().count())
        }
        Val::BStr(b) => KVal::from(b.len()),
        Val::Arr(a) => KVal::from(a.len()),
        Val::Obj(o) => KVal::from(o.len()),
    })
}

/// jq's containment: substrings, every element of `b` in some element of `a`, every key of `b`
/// in `a` with a containing value; otherwise equality.
fn contains(a: &Val, b: &Val) -> bool {
    budget::charge(1);
    match (a, b) {
        (Val::TStr(x) | Val::BStr(x), Val::TStr(y) | Val::BStr(y)) => {
            budget::charge(x.len() as u64 / 64);
            memchr::memmem::find(x, y).is_some()
        }
        (Val::Arr(x), Val::Arr(y)) => y.iter().all(|y| x.iter().any(|x| contains(x, y))),
        (Val::Obj(x), Val::Obj(y)) => y
            .iter()
            .all(|(k, y)| x.get(k).is_some_and(|x| contains(x, y))),
        _ => ops::eq(a, b),
    }
}

fn has(x: &Val, k: &Val) -> ValR<KVal, KVal> {
    match (x, k) {
        (Val::Obj(o), Val::TStr(_) | Val::BStr(_)) => Ok(KVal::from(o.contains_key(k))),
        (Val::Arr(a), Val::Num(n)) => {
            let f = num_f64(n);
            Ok(KVal::from(f >= 0.0 && f < a.len() as f64))
        }
        _ => Err(fail(format!(
            "Cannot check whether {} has a {} key",
            kind(x),
            kind(k)
        ))),
    }
}

fn indices(x: &Val, y: &Val) -> ValR<KVal, KVal> {
    let mut out = Items::default();
    match (x, y) {
        (Val::Null, _) => return Ok(KVal::null()),
        (Val::TStr(_) | Val::BStr(_), Val::TStr(n) | Val::BStr(n)) if n.is_empty() => {}
        (Val::TStr(h), Val::TStr(n)) => {
            // Character positions, overlapping matches included (as jaq).
            let finder = memchr::memmem::Finder::new(&n[..]);
            let (mut from, mut chars_before, mut counted) = (0, 0, 0);
            while let Some(at) = finder.find(&h[from..]) {
                let at = from + at;
                budget::charge(n.len() as u64 / 64 + (at - from) as u64 / 64 + 1);
                chars_before += h[counted..at]
                    .iter()
                    .filter(|&&c| (c & 0xc0) != 0x80)
                    .count();
                counted = at;
                out.push(KVal::from(chars_before));
                from = at + 1;
            }
        }
        (Val::BStr(h), Val::BStr(n)) => {
            let finder = memchr::memmem::Finder::new(&n[..]);
            let mut from = 0;
            while let Some(at) = finder.find(&h[from..]) {
                budget::charge(n.len() as u64 / 64 + at as u64 / 64 + 1);
                out.push(KVal::from(from + at));
                from += at + 1;
            }
        }
        (Val::Arr(_), Val::Arr(n)) if n.is_empty() => {}
        (Val::Arr(h), Val::Arr(n)) => {
            for (i, w) in h.windows(n.len()).enumerate() {
                if ops::slices_eq(w, n) {
                    out.push(KVal::from(i));
                }
            }
        }
        (Val::Arr(h), y) => {
            for (i, x) in h.iter().enumerate() {
                if ops::eq(x, y) {
                    out.push(KVal::from(i));
                }
            }
        }
        (x, y) => {
            return Err(index_error(
                x,
                &Val::Arr(jaq_json::Rc::new(vec![y.clone()])),
            ));
        }
    }
    Ok(out.finish())
}

fn bsearch(a: &Val, x: &Val) -> ValR<KVal, KVal> {
    let Val::Arr(a) = a else {
        let mut msg = described(a);
        msg.extend_from_slice(b" cannot be searched from");
        return Err(fail(msg));
    };
    Ok(KVal::from(match a.binary_search_by(|y| ops::cmp(y, x)) {
        Ok(i) => i as isize,
        Err(i) => -1 - i as isize,
    }))
}
