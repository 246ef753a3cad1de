//! The values the workstation's jq computes with: jaq's JSON value ([`Val`]) with an upper bound
//! on how deep it nests, so that no value nests deeper than kubelab allows (dropping, comparing
//! and printing a value recurse), and with operations that count their work and memory against
//! the run's budget ([`super::budget`]). Errors use jq 1.6's words.
//!
//! The bound is kept without walking values: a container made from children is one deeper than
//! the deepest child's bound; a child taken out of a container is one shallower than the
//! container's bound (or 0 when it is not a container).

use jaq_core::box_iter::{BoxIter, box_once};
use jaq_core::path::Opt;
use jaq_core::{ValR, ValX, val};
use jaq_json::{Map, Num, Rc, Val};

use super::{budget, json};

/// An error of the filter.
pub(crate) type Error = jaq_core::Error<KVal>;

/// A JSON value and an upper bound on its nesting (0 for scalars).
#[derive(Clone, Debug, Default)]
pub(crate) struct KVal {
    pub(super) v: Val,
    d: u32,
}

pub(super) fn is_container(v: &Val) -> bool {
    matches!(v, Val::Arr(_) | Val::Obj(_))
}

impl KVal {
    /// A value that is not a container.
    pub(super) fn scalar(v: Val) -> KVal {
        debug_assert!(!is_container(&v));
        KVal { v, d: 0 }
    }

    /// A value nesting at most `d`, within kubelab's limit.
    pub(super) fn nested(v: Val, d: u32) -> KVal {
        budget::depth(d);
        KVal { v, d }
    }

    /// A value read from JSON text, which nests exactly `d`.
    pub(super) fn read(v: Val, d: u32) -> KVal {
        KVal::nested(v, d)
    }

    /// A child of a container whose bound is `d`.
    pub(super) fn child(v: Val, d: u32) -> KVal {
        let d = if is_container(&v) {
            d.saturating_sub(1).max(1)
        } else {
            0
        };
        KVal { v, d }
    }

    /// The bound on the nesting.
    pub(super) fn depth(&self) -> u32 {
        self.d
    }

    pub(super) fn str(b: impl Into<bytes::Bytes>) -> KVal {
        KVal::scalar(Val::utf8_str(b))
    }

    pub(super) fn null() -> KVal {
        KVal::scalar(Val::Null)
    }
}

/// An array being built: each element counts a step, its growth is refused before it passes the
/// memory budget, and its nesting is tracked.
#[derive(Default)]
pub(super) struct Items {
    items: Vec<Val>,
    d: u32,
}

impl Items {
    pub(super) fn push(&mut self, x: KVal) {
        budget::charge(1);
        if self.items.len() == self.items.capacity() {
            budget::reserve(self.items.capacity().max(4) * 2 * size_of::<Val>());
        }
        self.d = self.d.max(x.d);
        self.items.push(x.v);
    }

    pub(super) fn finish(self) -> KVal {
        KVal::nested(Val::Arr(Rc::new(self.items)), self.d + 1)
    }
}

impl FromIterator<KVal> for KVal {
    fn from_iter<T: IntoIterator<Item = KVal>>(iter: T) -> Self {
        let mut items = Items::default();
        iter.into_iter().for_each(|x| items.push(x));
        items.finish()
    }
}

/// jq's name for the kind of a value.
pub(super) fn kind(v: &Val) -> &'static str {
    match v {
        Val::Null => "null",
        Val::Bool(_) => "boolean",
        Val::Num(_) => "number",
        Val::TStr(_) | Val::BStr(_) => "string",
        Val::Arr(_) => "array",
        Val::Obj(_) => "object",
    }
}

/// jq's `kind (value)` in its messages, the value cut short.
pub(super) fn described(v: &Val) -> Vec<u8> {
    let mut out = format!("{} (", kind(v)).into_bytes();
    out.extend(json::dump_trunc(v));
    out.push(b')');
    out
}

/// An error whose message is the given bytes.
pub(super) fn fail(msg: impl Into<Vec<u8>>) -> Error {
    Error::new(KVal::str(msg.into()))
}

/// jq's `Cannot index KIND with KIND` (or `with string "KEY"`).
pub(super) fn index_error(v: &Val, i: &Val) -> Error {
    let mut msg = format!("Cannot index {} with ", kind(v)).into_bytes();
    match i {
        Val::TStr(s) | Val::BStr(s) => {
            msg.extend_from_slice(b"string \"");
            msg.extend_from_slice(s);
            msg.push(b'"');
        }
        _ => msg.extend_from_slice(kind(i).as_bytes()),
    }
    fail(msg)
}

fn iterate_error(v: &Val) -> Error {
    let mut msg = b"Cannot iterate over ".to_vec();
    msg.extend(described(v));
    fail(msg)
}

/// jq's `Cannot use KIND (VALUE) as object key`.
pub(super) fn key_error(k: &Val) -> Error {
    let mut msg = b"Cannot use ".to_vec();
    msg.extend(described(k));
    msg.extend_from_slice(b" as object key");
    fail(msg)
}

fn is_key(v: &Val) -> bool {
    matches!(v, Val::TStr(_) | Val::BStr(_))
}

/// An index into an array: from the start (true) or the end (false).
#[derive(Clone, Copy)]
pub(super) struct Pos(bool, usize);

impl Pos {
    pub(super) fn wrap(self, len: usize) -> Option<usize> {
        self.0.then_some(self.1).or_else(|| len.checked_sub(self.1))
    }
}

/// An integer as an array position (saturating beyond the machine's range).
pub(super) fn as_pos(n: &Num) -> Option<Pos> {
    match n {
        Num::Int(i) => Some(Pos(*i >= 0, i.unsigned_abs())),
        Num::BigInt(i) => {
            use num_traits::{Signed, ToPrimitive};
            Some(Pos(
                !i.is_negative(),
                i.magnitude().to_usize().unwrap_or(usize::MAX),
            ))
        }
        _ => None,
    }
}

/// A number as jq 1.6 uses it to index an array: integral numbers only, truncated.
fn as_array_index(n: &Num) -> Option<Pos> {
    as_pos(n).or_else(|| {
        let f = num_f64(n);
        (f.is_finite() && f == f.trunc())
            .then(|| Pos(f >= 0.0, f.abs().min(usize::MAX as f64) as usize))
    })
}

pub(super) fn num_f64(n: &Num) -> f64 {
    use num_traits::ToPrimitive;
    match n {
        Num::Int(i) => *i as f64,
        Num::BigInt(i) => i.to_f64().unwrap_or(f64::NAN),
        Num::Float(f) => *f,
        Num::Dec(s) => s.parse().unwrap_or(f64::NAN),
    }
}

fn abs_index(i: Pos, len: usize) -> Option<usize> {
    i.wrap(len).filter(|i| *i < len)
}

type Bound<'a> = Option<&'a Val>;

/// The start and end of a slice, as positions (null means open).
pub(super) fn bounds(start: Bound<'_>, end: Bound<'_>) -> ValR<val::Range<Pos>, KVal> {
    let f = |i: Bound<'_>| -> ValR<Option<Pos>, KVal> {
        match i {
            None | Some(Val::Null) => Ok(None),
            Some(Val::Num(n)) => match as_pos(n) {
                Some(p) => Ok(Some(p)),
                None => Err(Error::typ(KVal::scalar(Val::Num(n.clone())), "integer")),
            },
            Some(_) => Err(fail(
                "Start and end indices of an array slice must be numbers",
            )),
        }
    };
    Ok(f(start)?..f(end)?)
}

fn obj_range<'a>(o: &'a Map) -> (Bound<'a>, Bound<'a>) {
    (o.get(&Val::utf8_str("start")), o.get(&Val::utf8_str("end")))
}

fn abs_bound(i: Option<Pos>, len: usize, default: usize) -> usize {
    i.map_or(default, |i| i.wrap(len).unwrap_or(0).min(len))
}

/// Where a slice starts and how long it is, in elements.
pub(super) fn skip_take(range: val::Range<Pos>, len: usize) -> (usize, usize) {
    let from = abs_bound(range.start, len, 0);
    let upto = abs_bound(range.end, len, len);
    (from, upto.saturating_sub(from))
}

/// Where a slice of a UTF-8 string starts and how long it is, in bytes (positions count
/// characters).
pub(super) fn skip_take_chars(range: val::Range<Pos>, b: &[u8]) -> (usize, usize) {
    use bstr::ByteSlice;
    budget::charge(b.len() as u64 / 64);
    let byte_index = |Pos(pos, c): Pos| {
        let mut chars = b.char_indices().map(|(start, ..)| start);
        if pos {
            chars.nth(c).unwrap_or(b.len())
        } else {
            chars.nth_back(c - 1).unwrap_or(0)
        }
    };
    let from = range.start.map_or(0, byte_index);
    let upto = range.end.map_or(b.len(), byte_index);
    (from, upto.saturating_sub(from))
}

impl KVal {
    /// `.[i]`, `.["k"]`, `.[[...]]` and `.[{start, end}]`, with jq 1.6's errors.
    fn index_val(self, index: &KVal) -> ValR<KVal, KVal> {
        let d = self.d;
        match (&self.v, &index.v) {
            (Val::Null, _) => Ok(KVal::null()),
            (Val::BStr(a), Val::Num(i)) => Ok(as_array_index(i)
                .and_then(|i| abs_index(i, a.len()))
                .map_or_else(KVal::null, |i| KVal::from(usize::from(a[i])))),
            (Val::Arr(a), Val::Num(i)) => Ok(as_array_index(i)
                .and_then(|i| abs_index(i, a.len()))
                .map_or_else(KVal::null, |i| KVal::child(a[i].clone(), d))),
            (Val::Arr(_), Val::Arr(y)) if y.is_empty() => {
                Ok(KVal::nested(Val::Arr(Rc::default()), 1))
            }
            (Val::Arr(x), Val::Arr(y)) => {
                let mut out = Items::default();
                for (i, w) in x.windows(y.len()).enumerate() {
                    if super::ops::slices_eq(w, y) {
                        out.push(KVal::from(i));
                    }
                }
                Ok(out.finish())
            }
            (Val::Obj(o), i) if is_key(i) => Ok(o
                .get(i)
                .cloned()
                .map_or_else(KVal::null, |v| KVal::child(v, d))),
            (Val::TStr(_) | Val::BStr(_) | Val::Arr(_), Val::Obj(o)) => {
                let (start, end) = obj_range(o);
                let range = bounds(start, end)?;
                Ok(self.slice(range))
            }
            (v, i) => Err(index_error(v, i)),
        }
    }

    /// `.[s:e]` of a string or array (null gives null).
    fn slice(self, range: val::Range<Pos>) -> KVal {
        let d = self.d;
        match self.v {
            Val::BStr(b) => {
                let (skip, take) = skip_take(range, b.len());
                KVal::scalar(Val::byte_str(b.slice(skip..skip + take)))
            }
            Val::TStr(b) => {
                let (skip, take) = skip_take_chars(range, &b);
                KVal::scalar(Val::utf8_str(b.slice(skip..skip + take)))
            }
            Val::Arr(a) => {
                let (skip, take) = skip_take(range, a.len());
                let mut out = Items::default();
                a.iter()
                    .skip(skip)
                    .take(take)
                    .for_each(|x| out.push(KVal::child(x.clone(), d)));
                out.finish()
            }
            _ => KVal::null(),
        }
    }
}

impl jaq_core::ValT for KVal {
    fn from_num(n: &str) -> ValR<KVal, KVal> {
        let is_int = !n.contains(['.', 'e', 'E']);
        Ok(KVal::scalar(Val::Num(json::number(n, is_int))))
    }

    fn from_map<I: IntoIterator<Item = (KVal, KVal)>>(iter: I) -> ValR<KVal, KVal> {
        let mut m = Map::default();
        let mut d = 0;
        for (k, v) in iter {
            budget::charge(1);
            if !is_key(&k.v) {
                return Err(key_error(&k.v));
            }
            if m.len() == m.capacity() {
                budget::reserve(m.capacity().max(4) * 2 * 48);
            }
            d = d.max(v.d);
            m.insert(k.v, v.v);
        }
        Ok(KVal::nested(Val::obj(m), d + 1))
    }

    fn key_values(self) -> BoxIter<'static, ValR<(KVal, KVal), KVal>> {
        let d = self.d;
        match self.v {
            Val::Arr(a) => Box::new(elements(a).enumerate().map(move |(i, x)| {
                budget::charge(1);
                Ok((KVal::from(i), KVal::child(x, d)))
            })),
            Val::Obj(o) => Box::new(entries(o).map(move |(k, x)| {
                budget::charge(1);
                Ok((KVal::scalar(k), KVal::child(x, d)))
            })),
            v => {
                let mut msg = described(&v);
                msg.extend_from_slice(b" has no keys");
                box_once(Err(fail(msg)))
            }
        }
    }

    fn values(self) -> Box<dyn Iterator<Item = ValR<KVal, KVal>>> {
        let d = self.d;
        match self.v {
            Val::Arr(a) => Box::new(elements(a).map(move |x| {
                budget::charge(1);
                Ok(KVal::child(x, d))
            })),
            Val::Obj(o) => Box::new(entries(o).map(move |(_, x)| {
                budget::charge(1);
                Ok(KVal::child(x, d))
            })),
            v => box_once(Err(iterate_error(&v))),
        }
    }

    fn index(self, index: &KVal) -> ValR<KVal, KVal> {
        self.index_val(index)
    }

    fn range(self, range: val::Range<&KVal>) -> ValR<KVal, KVal> {
        match &self.v {
            Val::Null | Val::TStr(_) | Val::BStr(_) | Val::Arr(_) => {
                let range = bounds(range.start.map(|k| &k.v), range.end.map(|k| &k.v))?;
                Ok(self.slice(range))
            }
            v => Err(fail(format!("Cannot index {} with object", kind(v)))),
        }
    }

    fn map_values<'a, I: Iterator<Item = ValX<'a, KVal>>>(
        self,
        opt: Opt,
        f: impl Fn(KVal) -> I,
    ) -> ValX<'a, KVal> {
        super::update::map_values(self, opt, f)
    }

    fn map_index<'a, I: Iterator<Item = ValX<'a, KVal>>>(
        self,
        index: &KVal,
        opt: Opt,
        f: impl Fn(KVal) -> I,
    ) -> ValX<'a, KVal> {
        super::update::map_index(self, index, opt, f)
    }

    fn map_range<'a, I: Iterator<Item = ValX<'a, KVal>>>(
        self,
        range: val::Range<&KVal>,
        opt: Opt,
        f: impl Fn(KVal) -> I,
    ) -> ValX<'a, KVal> {
        super::update::map_range(self, range, opt, f)
    }

    fn as_bool(&self) -> bool {
        !matches!(self.v, Val::Null | Val::Bool(false))
    }

    fn into_string(self) -> KVal {
        match self.v {
            Val::BStr(b) | Val::TStr(b) => KVal::scalar(Val::TStr(b)),
            v => KVal::str(json::to_json(&v)),
        }
    }
}

/// The elements of an array, moved out when nothing else holds it.
pub(super) fn elements(a: Rc<Vec<Val>>) -> Box<dyn Iterator<Item = Val>> {
    match Rc::try_unwrap(a) {
        Ok(v) => Box::new(v.into_iter()),
        Err(a) => Box::new((0..a.len()).map(move |i| a[i].clone())),
    }
}

/// The entries of an object, moved out when nothing else holds it.
pub(super) fn entries(o: Rc<Map>) -> Box<dyn Iterator<Item = (Val, Val)>> {
    match Rc::try_unwrap(o) {
        Ok(m) => Box::new(m.into_iter()),
        Err(o) => Box::new((0..o.len()).map(move |i| {
            let (k, v) = o.get_index(i).unwrap();
            (k.clone(), v.clone())
        })),
    }
}

impl jaq_std::ValT for KVal {
    fn into_seq<S: FromIterator<KVal>>(self) -> Result<S, KVal> {
        let d = self.d;
        match self.v {
            Val::Arr(a) => Ok(elements(a)
                .map(|x| {
                    budget::charge(1);
                    KVal::child(x, d)
                })
                .collect()),
            v => Err(KVal { v, d }),
        }
    }

    fn is_int(&self) -> bool {
        matches!(self.v, Val::Num(Num::Int(_) | Num::BigInt(_)))
    }

    fn as_isize(&self) -> Option<isize> {
        match &self.v {
            Val::Num(n) => n.as_isize(),
            _ => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match &self.v {
            Val::Num(n) => Some(num_f64(n)),
            _ => None,
        }
    }

    fn is_utf8_str(&self) -> bool {
        matches!(self.v, Val::TStr(_))
    }

    fn as_bytes(&self) -> Option<&[u8]> {
        match &self.v {
            Val::BStr(b) | Val::TStr(b) => Some(b),
            _ => None,
        }
    }

    fn as_sub_str(&self, sub: &[u8]) -> KVal {
        match &self.v {
            Val::BStr(b) => KVal::scalar(Val::byte_str(b.slice_ref(sub))),
            Val::TStr(b) => KVal::scalar(Val::utf8_str(b.slice_ref(sub))),
            _ => panic!("as_sub_str on a value that is not a string"),
        }
    }

    fn from_utf8_bytes(b: impl AsRef<[u8]> + Send + 'static) -> KVal {
        KVal::str(bytes::Bytes::from_owner(b))
    }
}

impl From<bool> for KVal {
    fn from(b: bool) -> KVal {
        KVal::scalar(Val::Bool(b))
    }
}

impl From<isize> for KVal {
    fn from(i: isize) -> KVal {
        KVal::scalar(Val::from(i))
    }
}

impl From<usize> for KVal {
    fn from(i: usize) -> KVal {
        KVal::scalar(Val::from(i))
    }
}

impl From<f64> for KVal {
    fn from(f: f64) -> KVal {
        KVal::scalar(Val::from(f))
    }
}

impl From<String> for KVal {
    fn from(s: String) -> KVal {
        KVal::scalar(Val::from(s))
    }
}

impl From<val::Range<KVal>> for KVal {
    fn from(r: val::Range<KVal>) -> KVal {
        let kv = |(k, v): (&str, Option<KVal>)| v.map(|v| (KVal::from(k.to_string()), v));
        let kvs = [("start", r.start), ("end", r.end)];
        jaq_core::ValT::from_map(kvs.into_iter().flat_map(kv)).unwrap_or_default()
    }
}

/// Values in messages: compact JSON, cut after a mebibyte.
impl core::fmt::Display for KVal {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        let mut out = Vec::new();
        let whole = json::write(&mut out, &self.v, &json::Layout::default(), 0, 1 << 20);
        write!(f, "{}", String::from_utf8_lossy(&out))?;
        if !whole {
            write!(f, "...")?;
        }
        Ok(())
    }
}
