//! Arithmetic and comparison of the workstation's jq values: jaq's semantics with jq 1.6's
//! errors, where every step that can grow a value is refused before it passes the memory budget
//! (`"x" * 1e9` is refused before a byte is allocated) and every comparison counts the nodes it
//! visits.

use core::cmp::Ordering;
use core::ops::{Add, Div, Mul, Neg, Rem, Sub};

use jaq_core::ValR;
use jaq_json::{Map, Num, Rc, Val};

use super::budget;
use super::update::make_mut;
use super::value::{Error, KVal, described, fail, num_f64};

/// Integers past this many bits are computed as floating point (jq 1.6 has only doubles; the
/// bound keeps repeated squaring from growing a number without end).
const MAX_INT_BITS: u64 = 4096;

fn bits(n: &Num) -> u64 {
    match n {
        Num::Int(_) => 64,
        Num::BigInt(i) => i.bits(),
        _ => 0,
    }
}

fn float_if_big(
    x: Num,
    y: Num,
    sum_bits: bool,
    f: fn(Num, Num) -> Num,
    g: fn(f64, f64) -> f64,
) -> Num {
    let (bx, by) = (bits(&x), bits(&y));
    let big = if sum_bits { bx + by } else { bx.max(by) + 1 };
    if big > MAX_INT_BITS {
        Num::Float(g(num_f64(&x), num_f64(&y)))
    } else {
        f(x, y)
    }
}

/// jq's `KIND (VALUE) and KIND (VALUE) cannot be VERB`.
fn math_error(l: &Val, r: &Val, verb: &str) -> Error {
    let mut msg = described(l);
    msg.extend_from_slice(b" and ");
    msg.extend(described(r));
    msg.extend_from_slice(b" cannot be ");
    msg.extend_from_slice(verb.as_bytes());
    fail(msg)
}

fn concat(l: bytes::Bytes, r: &[u8]) -> bytes::Bytes {
    budget::reserve(l.len() + r.len());
    budget::charge(r.len() as u64 / 64 + 1);
    let mut buf = bytes::BytesMut::from(l);
    buf.extend_from_slice(r);
    buf.freeze()
}

impl Add for KVal {
    type Output = ValR<KVal, KVal>;
    fn add(self, rhs: KVal) -> Self::Output {
        let d = self.depth().max(rhs.depth());
        Ok(match (self.v, rhs.v) {
            (Val::Null, v) | (v, Val::Null) => KVal::child(v, d + 1),
            (Val::Num(x), Val::Num(y)) => KVal::scalar(Val::Num(float_if_big(
                x,
                y,
                false,
                |x, y| x + y,
                |x, y| x + y,
            ))),
            (Val::BStr(l), Val::BStr(r)) => KVal::scalar(Val::byte_str(concat(*l, &r))),
            (Val::TStr(l), Val::TStr(r)) => KVal::scalar(Val::utf8_str(concat(*l, &r))),
            (Val::Arr(mut l), Val::Arr(r)) => {
                let len = l.len();
                budget::reserve((len + r.len()) * size_of::<Val>());
                budget::charge(r.len() as u64);
                make_mut(&mut l, len, size_of::<Val>()).extend(r.iter().cloned());
                KVal::nested(Val::Arr(l), d)
            }
            (Val::Obj(mut l), Val::Obj(r)) => {
                let len = l.len();
                budget::reserve((len + r.len()) * 48);
                budget::charge(r.len() as u64);
                make_mut(&mut l, len, 48).extend(r.iter().map(|(k, v)| (k.clone(), v.clone())));
                KVal::nested(Val::Obj(l), d)
            }
            (l, r) => return Err(math_error(&l, &r, "added")),
        })
    }
}

impl Sub for KVal {
    type Output = ValR<KVal, KVal>;
    fn sub(self, rhs: KVal) -> Self::Output {
        let d = self.depth();
        Ok(match (self.v, rhs.v) {
            (Val::Num(x), Val::Num(y)) => KVal::scalar(Val::Num(float_if_big(
                x,
                y,
                false,
                |x, y| x - y,
                |x, y| x - y,
            ))),
            (Val::Arr(mut l), Val::Arr(r)) => {
                // Sort what to remove once, then look each element up: n log n comparisons.
                let mut r: Vec<&Val> = r.iter().collect();
                r.sort_by(|a, b| cmp(a, b));
                let len = l.len();
                make_mut(&mut l, len, size_of::<Val>())
                    .retain(|x| r.binary_search_by(|y| cmp(y, x)).is_err());
                KVal::nested(Val::Arr(l), d)
            }
            (l, r) => return Err(math_error(&l, &r, "subtracted")),
        })
    }
}

/// How many copies jq 1.6 makes of a string multiplied by `n` (none means null).
fn copies(n: &Num) -> Option<usize> {
    let f = num_f64(n);
    if f > 0.0 {
        Some(((f - 1.0).trunc().min(usize::MAX as f64 / 2.0) as usize).saturating_add(1))
    } else {
        None
    }
}

fn repeat(s: &[u8], n: &Num) -> Option<Vec<u8>> {
    let n = copies(n)?;
    let len = s.len().saturating_mul(n);
    budget::reserve(len);
    budget::charge(len as u64 / 64 + 1);
    Some(s.repeat(n))
}

/// Merges `r` into `l` recursively (`*` on objects).
fn merge(l: &mut Rc<Map>, r: Rc<Map>) {
    let len = l.len();
    let l = make_mut(l, len, 48);
    for (k, v) in super::value::entries(r) {
        budget::charge(1);
        match (l.get_mut(&k), v) {
            (Some(Val::Obj(l)), Val::Obj(r)) => merge(l, r),
            (Some(l), r) => *l = r,
            (None, r) => {
                l.insert(k, r);
            }
        }
    }
}

impl Mul for KVal {
    type Output = ValR<KVal, KVal>;
    fn mul(self, rhs: KVal) -> Self::Output {
        let d = self.depth().max(rhs.depth());
        Ok(match (self.v, rhs.v) {
            (Val::Num(x), Val::Num(y)) => KVal::scalar(Val::Num(float_if_big(
                x,
                y,
                true,
                |x, y| x * y,
                |x, y| x * y,
            ))),
            (Val::TStr(s), Val::Num(n)) | (Val::Num(n), Val::TStr(s)) => {
                repeat(&s, &n).map_or_else(KVal::null, KVal::str)
            }
            (Val::BStr(s), Val::Num(n)) | (Val::Num(n), Val::BStr(s)) => {
                repeat(&s, &n).map_or_else(KVal::null, |b| KVal::scalar(Val::byte_str(b)))
            }
            (Val::Obj(mut l), Val::Obj(r)) => {
                merge(&mut l, r);
                KVal::nested(Val::Obj(l), d)
            }
            (l, r) => return Err(math_error(&l, &r, "multiplied")),
        })
    }
}

fn is_zero(n: &Num) -> bool {
    num_f64(n) == 0.0
}

impl Div for KVal {
    type Output = ValR<KVal, KVal>;
    fn div(self, rhs: KVal) -> Self::Output {
        Ok(match (self.v, rhs.v) {
            (Val::Num(x), Val::Num(y)) if is_zero(&y) => {
                let e = math_error(
                    &Val::Num(x),
                    &Val::Num(y),
                    "divided because the divisor is zero",
                );
                return Err(e);
            }
            (Val::Num(x), Val::Num(y)) => KVal::scalar(Val::Num(x / y)),
            (Val::TStr(x), Val::TStr(y)) => split(&x, &y, true),
            (Val::BStr(x), Val::BStr(y)) => split(&x, &y, false),
            (l, r) => return Err(math_error(&l, &r, "divided")),
        })
    }
}

/// A string split at a separator (an empty separator splits into characters).
fn split(x: &bytes::Bytes, sep: &[u8], utf8: bool) -> KVal {
    use bstr::ByteSlice;
    let mut out = super::value::Items::default();
    let mut push = |s: &[u8]| {
        let b = x.slice_ref(s);
        out.push(KVal::scalar(if utf8 {
            Val::utf8_str(b)
        } else {
            Val::byte_str(b)
        }))
    };
    if x.is_empty() {
    } else if sep.is_empty() {
        x.char_indices()
            .for_each(|(start, end, _)| push(&x[start..end]));
    } else {
        x.split_str(sep).for_each(push);
    }
    out.finish()
}

impl Rem for KVal {
    type Output = ValR<KVal, KVal>;
    fn rem(self, rhs: KVal) -> Self::Output {
        match (self.v, rhs.v) {
            (Val::Num(x), Val::Num(y)) if x.as_isize().is_some() && y == Num::Int(0) => {
                Err(math_error(
                    &Val::Num(x),
                    &Val::Num(y),
                    "divided (remainder) because the divisor is zero",
                ))
            }
            (Val::Num(x), Val::Num(y)) => Ok(KVal::scalar(Val::Num(x % y))),
            (l, r) => Err(math_error(&l, &r, "divided (remainder)")),
        }
    }
}

impl Neg for KVal {
    type Output = ValR<KVal, KVal>;
    fn neg(self) -> Self::Output {
        match self.v {
            Val::Num(n) => Ok(KVal::scalar(Val::Num(-n))),
            v => {
                let mut msg = described(&v);
                msg.extend_from_slice(b" cannot be negated");
                Err(fail(msg))
            }
        }
    }
}

fn rank(v: &Val) -> u8 {
    match v {
        Val::Null => 0,
        Val::Bool(_) => 1,
        Val::Num(_) => 2,
        Val::TStr(_) | Val::BStr(_) => 3,
        Val::Arr(_) => 4,
        Val::Obj(_) => 5,
    }
}

/// jq's order of values, one step per node compared.
pub(super) fn cmp(a: &Val, b: &Val) -> Ordering {
    budget::charge(1);
    match (a, b) {
        (Val::Null, Val::Null) => Ordering::Equal,
        (Val::Bool(x), Val::Bool(y)) => x.cmp(y),
        (Val::Num(x), Val::Num(y)) => x.cmp(y),
        (Val::TStr(x) | Val::BStr(x), Val::TStr(y) | Val::BStr(y)) => {
            budget::charge(x.len().min(y.len()) as u64 / 64);
            x.cmp(y)
        }
        (Val::Arr(x), Val::Arr(y)) if Rc::ptr_eq(x, y) => Ordering::Equal,
        (Val::Arr(x), Val::Arr(y)) => {
            for (l, r) in x.iter().zip(y.iter()) {
                match cmp(l, r) {
                    Ordering::Equal => {}
                    o => return o,
                }
            }
            x.len().cmp(&y.len())
        }
        (Val::Obj(x), Val::Obj(y)) if Rc::ptr_eq(x, y) => Ordering::Equal,
        (Val::Obj(x), Val::Obj(y)) => match (x.len(), y.len()) {
            (0, 0) => Ordering::Equal,
            (0, _) => Ordering::Less,
            (_, 0) => Ordering::Greater,
            _ => {
                let (l, r) = (sorted(x), sorted(y));
                let keys = l.iter().map(|kv| kv.0).zip(r.iter().map(|kv| kv.0));
                for (kl, kr) in keys {
                    match cmp(kl, kr) {
                        Ordering::Equal => {}
                        o => return o,
                    }
                }
                match l.len().cmp(&r.len()) {
                    Ordering::Equal => {}
                    o => return o,
                }
                for (vl, vr) in l.iter().map(|kv| kv.1).zip(r.iter().map(|kv| kv.1)) {
                    match cmp(vl, vr) {
                        Ordering::Equal => {}
                        o => return o,
                    }
                }
                Ordering::Equal
            }
        },
        _ => rank(a).cmp(&rank(b)),
    }
}

fn sorted(m: &Map) -> Vec<(&Val, &Val)> {
    budget::charge(m.len() as u64);
    let mut kv: Vec<(&Val, &Val)> = m.iter().collect();
    kv.sort_by(|a, b| cmp(a.0, b.0));
    kv
}

/// Equality, one step per node compared.
pub(super) fn eq(a: &Val, b: &Val) -> bool {
    budget::charge(1);
    match (a, b) {
        (Val::Null, Val::Null) => true,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Num(x), Val::Num(y)) => x == y,
        (Val::TStr(x) | Val::BStr(x), Val::TStr(y) | Val::BStr(y)) => {
            budget::charge(x.len().min(y.len()) as u64 / 64);
            x == y
        }
        (Val::Arr(x), Val::Arr(y)) => Rc::ptr_eq(x, y) || slices_eq(x, y),
        (Val::Obj(x), Val::Obj(y)) => {
            Rc::ptr_eq(x, y)
                || (x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| eq(v, w))))
        }
        _ => false,
    }
}

pub(super) fn slices_eq(x: &[Val], y: &[Val]) -> bool {
    x.len() == y.len() && x.iter().zip(y).all(|(a, b)| eq(a, b))
}

impl PartialEq for KVal {
    fn eq(&self, other: &KVal) -> bool {
        eq(&self.v, &other.v)
    }
}

impl Eq for KVal {}

impl PartialOrd for KVal {
    fn partial_cmp(&self, other: &KVal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for KVal {
    fn cmp(&self, other: &KVal) -> Ordering {
        cmp(&self.v, &other.v)
    }
}
