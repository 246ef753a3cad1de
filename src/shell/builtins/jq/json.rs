//! JSON text in and out, as jq 1.6 does it. Reading refuses input nested deeper than jq's parser
//! allows (its stack of 256 open arrays, objects and keys, with its message and position);
//! writing replaces what lies deeper than 256 levels with `<stripped: exceeds max depth>`, as jq
//! 1.6 prints, so neither recurses without bound. Both count their work against the budget.

use hifijson::token::{Expect, Lex};
use hifijson::{LexAlloc, Read, SliceLexer};
use jaq_json::{Map, Num, Val};

use super::budget;
use super::value::KVal;

/// jq 1.6's parser stack (`MAX_PARSING_DEPTH`).
const PARSE_DEPTH: usize = 256;
/// jq 1.6's printer depth (`MAX_PRINT_DEPTH`).
const PRINT_DEPTH: usize = 256;
/// Integers with more digits than this are kept as written (as jq 1.6, which has no big
/// integers, never computes with them exactly either), so reading one costs no big-number work.
pub(super) const MAX_INT_DIGITS: usize = 400;

/// Why reading stopped.
#[derive(Debug)]
pub(super) enum ReadError {
    /// jq 1.6's "Exceeds depth limit for parsing", at a 1-based line and column.
    Depth { line: usize, column: usize },
    /// Any other error, in jaq's words (byte offset and reason).
    Syntax(String),
}

impl ReadError {
    /// The message without jq's `parse error: ` prefix.
    pub(super) fn message(&self) -> String {
        match self {
            ReadError::Depth { line, column } => {
                format!("Exceeds depth limit for parsing at line {line}, column {column}")
            }
            ReadError::Syntax(s) => s.clone(),
        }
    }
}

/// Eats whitespace and `#` comments, then peeks at the next character.
fn ws_tk<L: Lex>(lexer: &mut L) -> Option<u8> {
    loop {
        lexer.eat_whitespace();
        match lexer.peek_next() {
            Some(b'#') => lexer.skip_until(|c| c == b'\n'),
            next => return next,
        }
    }
}

/// The values of a JSON text, one after the other, with the offset just past each.
pub(super) struct Reader<'a> {
    text: &'a [u8],
    lexer: SliceLexer<'a>,
    done: bool,
}

impl<'a> Reader<'a> {
    pub(super) fn new(text: &'a [u8]) -> Reader<'a> {
        Reader {
            text,
            lexer: SliceLexer::new(text),
            done: false,
        }
    }

    fn offset(&self) -> usize {
        self.text.len() - self.lexer.as_slice().len()
    }
}

impl Iterator for Reader<'_> {
    /// A value and the offset of the byte that told jq it was complete.
    type Item = Result<(KVal, usize), ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let Some(next) = ws_tk(&mut self.lexer) else {
            self.done = true;
            return None;
        };
        let mut deep = None;
        let len = self.text.len();
        let r = parse(next, &mut self.lexer, 0, len, &mut deep);
        let end = self.offset();
        Some(match r {
            Ok((v, d)) => {
                // A string, array or object ends at its last byte; other values when jq sees the
                // byte after them.
                let seen = match v {
                    Val::TStr(_) | Val::BStr(_) | Val::Arr(_) | Val::Obj(_) => end - 1,
                    _ => end.min(len.saturating_sub(1)),
                };
                Ok((KVal::read(v, d), seen))
            }
            Err(e) => {
                self.done = true;
                Err(match deep {
                    Some(at) => {
                        let (line, column) = line_column(self.text, at);
                        ReadError::Depth { line, column }
                    }
                    None => ReadError::Syntax(format!("byte offset {end}: {e}")),
                })
            }
        })
    }
}

/// jq's 1-based line and column of the byte at `at`.
fn line_column(text: &[u8], at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = 1 + memchr::memchr_iter(b'\n', before).count();
    let start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    (line, at - start + 1)
}

/// The line jq names in `(at FILE:LINE)` once it has read up to byte `seen`: the newlines of
/// every line it has read, that is up to the end of the line holding `seen`.
pub(super) fn lines_read(text: &[u8], seen: usize) -> usize {
    let seen = seen.min(text.len());
    let before = memchr::memchr_iter(b'\n', &text[..seen]).count();
    before + usize::from(memchr::memchr(b'\n', &text[seen..]).is_some())
}

/// Parses exactly one value (for `fromjson` and `--argjson`).
pub(super) fn parse_one(text: &[u8]) -> Result<KVal, ReadError> {
    let mut r = Reader::new(text);
    match r.next() {
        None => Err(ReadError::Syntax(format!(
            "byte offset {}: {}",
            text.len(),
            hifijson::Error::from(Expect::Value)
        ))),
        Some(Err(e)) => Err(e),
        Some(Ok((v, _))) => {
            if ws_tk(&mut r.lexer).is_some() {
                let at = r.offset();
                return Err(ReadError::Syntax(format!(
                    "byte offset {at}: {}",
                    hifijson::Error::from(Expect::Eof)
                )));
            }
            Ok(v)
        }
    }
}

/// Parses a string as a byte or text string, keeping invalid UTF-8 as it is.
fn parse_string<L: LexAlloc>(lexer: &mut L, bytes: bool) -> Result<Vec<u8>, hifijson::Error> {
    let on_string = |b: &mut L::Bytes, out: &mut Vec<u8>| {
        out.extend(b.as_ref());
        Ok(())
    };
    let s = lexer.str_fold(Vec::new(), on_string, |lexer, out| {
        use hifijson::escape::Error;
        match lexer.take_next().ok_or(Error::Eof)? {
            b'u' if bytes => Err(Error::InvalidKind(b'u'))?,
            b'x' if bytes => out.push(lexer.hex()?),
            c => out.extend(lexer.escape(c)?.encode_utf8(&mut [0; 4]).as_bytes()),
        }
        Ok(())
    });
    s.map_err(hifijson::Error::Str)
}

fn parse_num<L: LexAlloc>(lexer: &mut L) -> Result<Num, hifijson::Error> {
    let num = hifijson::num::Num::signed_digits();
    let (num, parts) = lexer.num_string_with(num).unvalidated();
    let num = num.as_ref();
    Ok(match num {
        "+" if lexer.strip_prefix(b"Infinity") => Num::Float(f64::INFINITY),
        "-" if lexer.strip_prefix(b"Infinity") => Num::Float(f64::NEG_INFINITY),
        _ if num.ends_with(|c: char| c.is_ascii_digit()) => number(num, parts.is_int()),
        _ => Err(hifijson::num::Error::ExpectedDigit)?,
    })
}

/// A number from its text: an integer if it is one of reasonable size, else kept as written.
pub(super) fn number(text: &str, is_int: bool) -> Num {
    if is_int
        && text.len() <= MAX_INT_DIGITS
        && let Some(n) = Num::from_str_radix(text, 10)
    {
        return n;
    }
    Num::Dec(jaq_json::Rc::new(text.to_string()))
}

/// Parses a value whose first byte is `next`, inside `stack` of jq's parser stack; returns the
/// value and its nesting. On jq's depth limit, `deep` is where the refused `[` or `{` was.
fn parse(
    next: u8,
    lexer: &mut SliceLexer<'_>,
    stack: usize,
    len: usize,
    deep: &mut Option<usize>,
) -> Result<(Val, u32), hifijson::Error> {
    budget::charge(1);
    if matches!(next, b'[' | b'{') && stack >= PARSE_DEPTH {
        *deep = Some(len - lexer.as_slice().len());
        return Err(hifijson::Error::Depth);
    }
    Ok(match next {
        b'n' if lexer.strip_prefix(b"null") => (Val::Null, 0),
        b't' if lexer.strip_prefix(b"true") => (Val::Bool(true), 0),
        b'f' if lexer.strip_prefix(b"false") => (Val::Bool(false), 0),
        b'b' if lexer.strip_prefix(b"b\"") => (Val::byte_str(parse_string(lexer, true)?), 0),
        b'N' if lexer.strip_prefix(b"NaN") => (Val::Num(Num::Float(f64::NAN)), 0),
        b'I' if lexer.strip_prefix(b"Infinity") => (Val::Num(Num::Float(f64::INFINITY)), 0),
        b'0'..=b'9' | b'+' | b'-' => (Val::Num(parse_num(lexer)?), 0),
        b'"' => (Val::utf8_str(parse_string(lexer.discarded(), false)?), 0),
        b'[' => {
            let mut arr = Vec::new();
            let mut d = 0;
            lexer.discarded().seq(b']', ws_tk, |next, lexer| {
                let (v, vd) = parse(next, lexer, stack + 1, len, deep)?;
                d = d.max(vd);
                arr.push(v);
                Ok::<_, hifijson::Error>(())
            })?;
            (Val::Arr(arr.into()), d + 1)
        }
        b'{' => {
            let mut obj = Map::default();
            let mut d = 0;
            lexer.discarded().seq(b'}', ws_tk, |next, lexer| {
                let (key, kd) = parse(next, lexer, stack + 1, len, deep)?;
                lexer.expect(ws_tk, b':').ok_or(Expect::Colon)?;
                // jq keeps the key on its stack while it reads the value.
                let next = ws_tk(lexer).ok_or(Expect::Value)?;
                let (value, vd) = parse(next, lexer, stack + 2, len, deep)?;
                d = d.max(kd).max(vd);
                obj.insert(key, value);
                Ok::<_, hifijson::Error>(())
            })?;
            (Val::obj(obj), d + 1)
        }
        _ => Err(Expect::Value)?,
    })
}

/// How values are laid out.
#[derive(Clone, Debug, Default)]
pub(super) struct Layout {
    /// Spaces per level (pretty output), or None (compact).
    pub indent: Option<usize>,
    /// Objects' keys in order.
    pub sort_keys: bool,
    /// A space after `:` (and after `,` when compact).
    pub sep_space: bool,
}

/// Writes `v` at nesting `level`; false (with what fits written) once `out` passes `cap` bytes.
pub(super) fn write(out: &mut Vec<u8>, v: &Val, layout: &Layout, level: usize, cap: usize) -> bool {
    budget::charge(1);
    if out.len() > cap {
        return false;
    }
    if level > PRINT_DEPTH {
        out.extend_from_slice(b"<stripped: exceeds max depth>");
        return true;
    }
    match v {
        Val::Null => out.extend_from_slice(b"null"),
        Val::Bool(true) => out.extend_from_slice(b"true"),
        Val::Bool(false) => out.extend_from_slice(b"false"),
        Val::Num(n) => out.extend_from_slice(n.to_string().as_bytes()),
        Val::TStr(s) => write_string(out, s, false, cap),
        Val::BStr(b) => write_string(out, b, true, cap),
        Val::Arr(a) if a.is_empty() => out.extend_from_slice(b"[]"),
        Val::Obj(o) if o.is_empty() => out.extend_from_slice(b"{}"),
        Val::Arr(a) => {
            out.push(b'[');
            for (i, x) in a.iter().enumerate() {
                separate(out, layout, level, i == 0);
                if !write(out, x, layout, level + 1, cap) {
                    return false;
                }
            }
            close(out, layout, level, b']');
        }
        Val::Obj(o) => {
            out.push(b'{');
            let mut kvs: Vec<(&Val, &Val)> = o.iter().collect();
            if layout.sort_keys {
                budget::charge(kvs.len() as u64);
                kvs.sort_by(|a, b| a.0.cmp(b.0));
            }
            for (i, (k, x)) in kvs.into_iter().enumerate() {
                separate(out, layout, level, i == 0);
                // jq writes keys as they are, however deep.
                match k {
                    Val::TStr(s) => write_string(out, s, false, cap),
                    Val::BStr(b) => write_string(out, b, true, cap),
                    k => {
                        if !write(out, k, layout, level + 1, cap) {
                            return false;
                        }
                    }
                }
                out.push(b':');
                if layout.sep_space {
                    out.push(b' ');
                }
                if !write(out, x, layout, level + 1, cap) {
                    return false;
                }
            }
            close(out, layout, level, b'}');
        }
    }
    out.len() <= cap
}

fn separate(out: &mut Vec<u8>, layout: &Layout, level: usize, first: bool) {
    if !first {
        out.push(b',');
        if layout.sep_space && layout.indent.is_none() {
            out.push(b' ');
        }
    }
    if let Some(n) = layout.indent {
        out.push(b'\n');
        out.resize(out.len() + n * (level + 1), b' ');
    }
}

fn close(out: &mut Vec<u8>, layout: &Layout, level: usize, c: u8) {
    if let Some(n) = layout.indent {
        out.push(b'\n');
        out.resize(out.len() + n * level, b' ');
    }
    out.push(c);
}

/// A string in JSON quotes (a byte string as jaq's `b"..."`, non-ASCII bytes as `\xXX`); bytes
/// of a text string that are not valid UTF-8 are written as they are. Written a piece at a time,
/// so that a long string stops soon after `out` passes `cap`.
fn write_string(out: &mut Vec<u8>, s: &[u8], bytes: bool, cap: usize) {
    out.extend_from_slice(if bytes { b"b\"" } else { b"\"" });
    for piece in s.chunks(4096) {
        if out.len() > cap {
            return;
        }
        budget::charge(piece.len() as u64 / 64);
        for &c in piece {
            match c {
                b'"' => out.extend_from_slice(b"\\\""),
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\t' => out.extend_from_slice(b"\\t"),
                b'\r' => out.extend_from_slice(b"\\r"),
                0x08 => out.extend_from_slice(b"\\b"),
                0x0c => out.extend_from_slice(b"\\f"),
                0x00..=0x1f | 0x7f => {
                    let esc = if bytes {
                        format!("\\x{c:02x}")
                    } else {
                        format!("\\u{c:04x}")
                    };
                    out.extend_from_slice(esc.as_bytes())
                }
                0x80..=0xff if bytes => out.extend_from_slice(format!("\\x{c:02x}").as_bytes()),
                c => out.push(c),
            }
        }
    }
    out.push(b'"');
}

/// Compact JSON, as `tojson` and `tostring` make it.
pub(super) fn to_json(v: &Val) -> Vec<u8> {
    let mut out = Vec::new();
    write(&mut out, v, &Layout::default(), 0, usize::MAX);
    out
}

/// jq's short form of a value in its messages (`jv_dump_string_trunc` into 15 bytes): compact
/// JSON, cut to 11 bytes and `...` when longer than 14.
pub(super) fn dump_trunc(v: &Val) -> Vec<u8> {
    let mut out = Vec::new();
    if !write(&mut out, v, &Layout::default(), 0, 64) || out.len() > 14 {
        out.truncate(11);
        out.extend_from_slice(b"...");
    }
    out
}
