//! Updates in place (`.[] |= f`, `.[k] |= f`, `.[s:e] |= f`, and so `=`, `+=`, `del`, ...):
//! jaq's, with jq 1.6's creation of what is missing (`null | .a = 1` is `{"a":1}`, `[1] | .[3] =
//! 1` pads with nulls) and its errors, counting copies and growth against the budget.

use jaq_core::path::Opt;
use jaq_core::{Exn, ValX, val};
use jaq_json::{Map, Num, Rc, Val};

use super::budget;
use super::value::{
    Items, KVal, bounds, elements, entries, fail, index_error, kind, num_f64, skip_take,
    skip_take_chars,
};

/// Makes `rc` unique, counting the copy when something else holds it.
pub(super) fn make_mut<T: Clone>(rc: &mut Rc<T>, len: usize, elem: usize) -> &mut T {
    if Rc::strong_count(rc) > 1 || Rc::weak_count(rc) > 0 {
        budget::charge(len as u64);
        budget::reserve(len * elem);
    }
    Rc::make_mut(rc)
}

fn not_iterable<'a>(v: KVal, opt: Opt) -> ValX<'a, KVal> {
    opt.fail(v, |v| {
        let mut msg = b"Cannot iterate over ".to_vec();
        msg.extend(super::value::described(&v.v));
        Exn::from(fail(msg))
    })
}

/// `.[] |= f`: every output of `f` for an array's elements, the first for an object's.
pub(super) fn map_values<'a, I: Iterator<Item = ValX<'a, KVal>>>(
    v: KVal,
    opt: Opt,
    f: impl Fn(KVal) -> I,
) -> ValX<'a, KVal> {
    let d = v.depth();
    match v.v {
        Val::Arr(a) => {
            let mut out = Items::default();
            for x in elements(a) {
                for y in f(KVal::child(x, d)) {
                    out.push(y?);
                }
            }
            Ok(out.finish())
        }
        Val::Obj(o) => {
            let mut m = Map::default();
            let mut nd = 0;
            for (k, x) in entries(o) {
                budget::charge(1);
                if let Some(y) = f(KVal::child(x, d)).next() {
                    let y = y?;
                    if m.len() == m.capacity() {
                        budget::reserve(m.capacity().max(4) * 2 * 48);
                    }
                    nd = nd.max(y.depth());
                    m.insert(k, y.v);
                }
            }
            Ok(KVal::nested(Val::obj(m), nd + 1))
        }
        other => not_iterable(KVal::child(other, d), opt),
    }
}

/// `.[k] |= f`.
pub(super) fn map_index<'a, I: Iterator<Item = ValX<'a, KVal>>>(
    v: KVal,
    index: &KVal,
    opt: Opt,
    f: impl Fn(KVal) -> I,
) -> ValX<'a, KVal> {
    let d = v.depth();
    if let (Val::Null | Val::BStr(_) | Val::TStr(_) | Val::Arr(_), Val::Obj(o)) = (&v.v, &index.v) {
        let start = o.get(&Val::utf8_str("start"));
        let end = o.get(&Val::utf8_str("end"));
        let range = bounds(start, end)?;
        return splice(v, range, f);
    }
    match (v.v, &index.v) {
        (Val::Null, i @ (Val::TStr(_) | Val::BStr(_))) => {
            let mut m = Map::default();
            let nd = set_key(&mut m, i, f)?;
            Ok(KVal::nested(Val::obj(m), nd.map_or(1, |nd| nd + 1)))
        }
        (Val::Obj(mut o), i @ (Val::TStr(_) | Val::BStr(_))) => {
            let len = o.len();
            let nd = set_key(make_mut(&mut o, len, 48), i, f)?;
            Ok(KVal::nested(Val::Obj(o), d.max(nd.map_or(1, |nd| nd + 1))))
        }
        (Val::Null, Val::Num(n)) => {
            let mut a = Rc::new(Vec::new());
            match set_pos(&mut a, 1, n, f)? {
                Ok(nd) => Ok(KVal::nested(Val::Arr(a), nd.map_or(1, |nd| nd + 1))),
                Err(e) => opt.fail(KVal::null(), |_| Exn::from(e)),
            }
        }
        (Val::Arr(mut a), Val::Num(n)) => match set_pos(&mut a, d, n, f)? {
            Ok(nd) => Ok(KVal::nested(Val::Arr(a), d.max(nd.map_or(1, |nd| nd + 1)))),
            Err(e) => opt.fail(KVal::child(Val::Arr(a), d + 1), |_| Exn::from(e)),
        },
        (v, i) => {
            let e = index_error(&v, i);
            opt.fail(KVal::child(v, d + 1), |_| Exn::from(e))
        }
    }
}

/// Updates key `k` of `m` with the first output of `f` (none removes it); the new value's
/// nesting, if any.
fn set_key<'a, I: Iterator<Item = ValX<'a, KVal>>>(
    m: &mut Map,
    k: &Val,
    f: impl Fn(KVal) -> I,
) -> Result<Option<u32>, Exn<'a, KVal>> {
    budget::charge(1);
    match m.get_index_of(k) {
        Some(ix) => {
            let (_, slot) = m.get_index_mut(ix).unwrap();
            let x = core::mem::take(slot);
            match f(KVal::child(x, budget::DEPTH)).next().transpose()? {
                Some(y) => {
                    let nd = y.depth();
                    *m.get_index_mut(ix).unwrap().1 = y.v;
                    Ok(Some(nd))
                }
                None => {
                    // Constant time, at the price of moving the last key here (as jaq does).
                    m.swap_remove_index(ix);
                    Ok(None)
                }
            }
        }
        None => match f(KVal::null()).next().transpose()? {
            Some(y) => {
                if m.len() == m.capacity() {
                    budget::reserve(m.capacity().max(4) * 2 * 48);
                }
                let nd = y.depth();
                m.insert(k.clone(), y.v);
                Ok(Some(nd))
            }
            None => Ok(None),
        },
    }
}

/// Updates position `n` of an array with the first output of `f` (none removes it), padding
/// with nulls past the end as jq does; the new value's nesting, or jq's error for a negative
/// position before the start.
#[allow(clippy::type_complexity)]
fn set_pos<'a, I: Iterator<Item = ValX<'a, KVal>>>(
    a: &mut Rc<Vec<Val>>,
    d: u32,
    n: &Num,
    f: impl Fn(KVal) -> I,
) -> Result<Result<Option<u32>, super::value::Error>, Exn<'a, KVal>> {
    budget::charge(1);
    let x = num_f64(n);
    let (ahead, at) = match n {
        Num::Int(i) => (*i >= 0, i.unsigned_abs()),
        _ if x.is_finite() => (x >= 0.0, x.abs().trunc().min(usize::MAX as f64) as usize),
        _ => return Ok(Err(fail("Cannot index array with number"))),
    };
    let len = a.len();
    let i = if ahead {
        at
    } else {
        match len.checked_sub(at) {
            Some(i) => i,
            None => return Ok(Err(fail("Out of bounds negative array index"))),
        }
    };
    if i < len {
        let v = make_mut(a, len, 16);
        let x = core::mem::take(&mut v[i]);
        match f(KVal::child(x, d)).next().transpose()? {
            Some(y) => {
                let nd = y.depth();
                make_mut(a, len, 16)[i] = y.v;
                Ok(Ok(Some(nd)))
            }
            None => {
                make_mut(a, len, 16).remove(i);
                Ok(Ok(None))
            }
        }
    } else {
        match f(KVal::null()).next().transpose()? {
            Some(y) => {
                let pad = i - len;
                budget::reserve(pad.saturating_add(1).saturating_mul(16));
                budget::charge(pad as u64);
                let nd = y.depth();
                let v = make_mut(a, len, 16);
                v.resize(i, Val::Null);
                v.push(y.v);
                Ok(Ok(Some(nd)))
            }
            None => Ok(Ok(None)),
        }
    }
}

/// `.[s:e] |= f`.
pub(super) fn map_range<'a, I: Iterator<Item = ValX<'a, KVal>>>(
    v: KVal,
    range: val::Range<&KVal>,
    opt: Opt,
    f: impl Fn(KVal) -> I,
) -> ValX<'a, KVal> {
    match &v.v {
        Val::Null | Val::Arr(_) | Val::BStr(_) | Val::TStr(_) => {
            let range = bounds(range.start.map(|k| &k.v), range.end.map(|k| &k.v))?;
            splice(v, range, f)
        }
        other => {
            let msg = format!("Cannot update field at object index of {}", kind(other));
            opt.fail(v, |_| Exn::from(fail(msg)))
        }
    }
}

/// Replaces a slice of an array or string with the first output of `f` on it.
fn splice<'a, I: Iterator<Item = ValX<'a, KVal>>>(
    v: KVal,
    range: val::Range<super::value::Pos>,
    f: impl Fn(KVal) -> I,
) -> ValX<'a, KVal> {
    let d = v.depth();
    let utf8 = matches!(v.v, Val::TStr(_));
    match v.v {
        Val::Null => splice(KVal::nested(Val::Arr(Rc::default()), 1), range, f),
        Val::Arr(mut a) => {
            let (skip, take) = skip_take(range, a.len());
            let mut part = Items::default();
            a.iter()
                .skip(skip)
                .take(take)
                .for_each(|x| part.push(KVal::child(x.clone(), d)));
            let y = match f(part.finish()).next().transpose()? {
                None => KVal::nested(Val::Arr(Rc::default()), 1),
                Some(y) => y,
            };
            let nd = y.depth();
            let Val::Arr(y) = y.v else {
                return Err(Exn::from(fail(format!(
                    "A slice of an array can only be assigned another array, not {}",
                    kind(&y.v)
                ))));
            };
            let len = a.len();
            budget::charge(y.len() as u64);
            budget::reserve(y.len() * 16);
            make_mut(&mut a, len, 16).splice(skip..skip + take, y.iter().cloned());
            Ok(KVal::nested(Val::Arr(a), d.max(nd)))
        }
        Val::BStr(b) | Val::TStr(b) => {
            let (skip, take) = if utf8 {
                skip_take_chars(range, &b)
            } else {
                skip_take(range, b.len())
            };
            let part = b.slice(skip..skip + take);
            let part = if utf8 {
                Val::utf8_str(part)
            } else {
                Val::byte_str(part)
            };
            let y = f(KVal::scalar(part)).next().transpose()?;
            let y: bytes::Bytes = match y.map(|y| y.v) {
                None => bytes::Bytes::new(),
                Some(Val::TStr(s)) if utf8 => *s,
                Some(Val::BStr(s)) if !utf8 => *s,
                Some(other) => {
                    return Err(Exn::from(jaq_core::Error::typ(
                        KVal::child(other, budget::DEPTH),
                        "string",
                    )));
                }
            };
            budget::charge((b.len() + y.len()) as u64 / 64);
            budget::reserve(b.len() + y.len());
            let mut out = Vec::with_capacity(b.len() - take + y.len());
            out.extend_from_slice(&b[..skip]);
            out.extend_from_slice(&y);
            out.extend_from_slice(&b[skip + take..]);
            Ok(KVal::scalar(if utf8 {
                Val::utf8_str(out)
            } else {
                Val::byte_str(out)
            }))
        }
        other => Err(Exn::from(fail(format!(
            "Cannot update field at object index of {}",
            kind(&other)
        )))),
    }
}
