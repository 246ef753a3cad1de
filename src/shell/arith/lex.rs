//! The tokens of `$(( ))`, read as bash's `readtok` reads them: a name is read with its value
//! (unless `=` follows), a number in its base, operators of one to three characters.

use super::Ev;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Tok {
    End,
    Num,
    Str,
    EqEq,
    Neq,
    Leq,
    Geq,
    Land,
    Lor,
    Lsh,
    Rsh,
    OpAssign,
    Cond,
    Power,
    PreInc,
    PreDec,
    PostInc,
    PostDec,
    /// A one-character operator: `= > < + - * / % ! ( ) & | ^ ~ ? : ,`.
    Op(u8),
}

/// Operators that are one character (`_is_arithop`).
pub(super) fn is_arithop(c: u8) -> bool {
    b"=><+-*/%!()&|^~?:,".contains(&c)
}

pub(super) fn is_multiop(t: Tok) -> bool {
    matches!(
        t,
        Tok::EqEq
            | Tok::Neq
            | Tok::Leq
            | Tok::Geq
            | Tok::Land
            | Tok::Lor
            | Tok::Lsh
            | Tok::Rsh
            | Tok::OpAssign
            | Tok::Cond
            | Tok::Power
            | Tok::PreInc
            | Tok::PreDec
            | Tok::PostInc
            | Tok::PostDec
    )
}

pub(super) fn cr_whitespace(c: u8) -> bool {
    c == b' ' || c == b'\t' || c == b'\n'
}

pub(super) fn var_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

pub(super) fn var_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

impl Ev<'_> {
    /// Reads the next token into `curtok` (bash's `readtok`).
    pub(super) fn readtok(&mut self) -> Result<(), String> {
        let b = self.e.as_bytes();
        let mut cp = self.tp;
        while cp < b.len() && cr_whitespace(b[cp]) {
            cp += 1;
        }
        if cp >= b.len() {
            self.lasttok = self.curtok;
            self.curtok = Tok::End;
            self.tp = cp;
            return Ok(());
        }
        let start = cp;
        let c = b[cp];
        cp += 1;
        self.lasttp = Some(start);
        self.tp = start;
        if var_start(c) {
            while cp < b.len() && var_char(b[cp]) {
                cp += 1;
            }
            let name = self.e[start..cp].to_string();
            // Whether `=` follows decides if the name is read (bash peeks one token).
            let saved = self.save();
            self.tp = cp;
            self.noeval = 1;
            self.curtok = Tok::Str;
            self.readtok()?;
            let peek = self.curtok;
            self.restore(saved);
            self.tokstr = Some(name.clone());
            self.tokval =
                if matches!(self.lasttok, Tok::PreInc | Tok::PreDec) || peek != Tok::Op(b'=') {
                    self.streval(&name)?
                } else {
                    0
                };
            self.lasttok = self.curtok;
            self.curtok = Tok::Str;
        } else if c.is_ascii_digit() {
            while cp < b.len()
                && (b[cp].is_ascii_alphanumeric() || matches!(b[cp], b'#' | b'@' | b'_'))
            {
                cp += 1;
            }
            self.tokval =
                strlong(&self.e[start..cp]).map_err(|msg| self.err_in(&self.e[..cp], msg))?;
            self.lasttok = self.curtok;
            self.curtok = Tok::Num;
        } else {
            let c1 = b.get(cp).copied().unwrap_or(0);
            cp += 1;
            let next = b.get(cp).copied().unwrap_or(0);
            let tok = match (c, c1) {
                (b'=', b'=') => Tok::EqEq,
                (b'!', b'=') => Tok::Neq,
                (b'>', b'=') => Tok::Geq,
                (b'<', b'=') => Tok::Leq,
                (b'<', b'<') | (b'>', b'>') => {
                    if next == b'=' {
                        self.assigntok = c;
                        cp += 1;
                        Tok::OpAssign
                    } else if c == b'<' {
                        Tok::Lsh
                    } else {
                        Tok::Rsh
                    }
                }
                (b'&', b'&') => Tok::Land,
                (b'|', b'|') => Tok::Lor,
                (b'*', b'*') => Tok::Power,
                (b'-' | b'+', _) if c1 == c && self.curtok == Tok::Str => {
                    if c == b'-' {
                        Tok::PostDec
                    } else {
                        Tok::PostInc
                    }
                }
                (b'-' | b'+', _)
                    if c1 == c
                        && self.curtok == Tok::Num
                        && matches!(self.lasttok, Tok::PreInc | Tok::PreDec) =>
                {
                    return Err(self.err(if c == b'-' {
                        "--: assignment requires lvalue"
                    } else {
                        "++: assignment requires lvalue"
                    }));
                }
                (b'-' | b'+', _) if c1 == c => {
                    let mut xp = cp;
                    while xp < b.len() && cr_whitespace(b[xp]) {
                        xp += 1;
                    }
                    if xp < b.len() && var_start(b[xp]) {
                        if c == b'-' { Tok::PreDec } else { Tok::PreInc }
                    } else {
                        cp -= 1;
                        Tok::Op(c)
                    }
                }
                (b'*' | b'/' | b'%' | b'+' | b'-' | b'&' | b'^' | b'|', b'=') => {
                    self.assigntok = c;
                    Tok::OpAssign
                }
                _ if !is_arithop(c) => {
                    let msg = if self.curtok == Tok::End
                        || matches!(self.curtok, Tok::Op(t) if is_arithop(t))
                        || is_multiop(self.curtok)
                    {
                        "syntax error: operand expected"
                    } else {
                        "syntax error: invalid arithmetic operator"
                    };
                    return Err(self.err(msg));
                }
                _ => {
                    cp -= 1;
                    Tok::Op(c)
                }
            };
            self.lasttok = self.curtok;
            self.curtok = tok;
        }
        self.tp = cp.min(b.len());
        Ok(())
    }
}

/// A number: `0x1f`, `017`, `BASE#DIGITS` or decimal (bash's `strlong`).
fn strlong(num: &str) -> Result<i64, &'static str> {
    let s = num.as_bytes();
    let mut i = 0;
    let mut base: i64 = 10;
    let mut foundbase = false;
    if s.first() == Some(&b'0') {
        i = 1;
        if s.len() == 1 {
            return Ok(0);
        }
        if matches!(s[1], b'x' | b'X') {
            base = 16;
            i = 2;
        } else {
            base = 8;
        }
        foundbase = true;
    }
    let mut val: i64 = 0;
    while i < s.len() {
        let c = s[i];
        i += 1;
        if c == b'#' {
            if foundbase {
                return Err("invalid number");
            }
            if !(2..=64).contains(&val) {
                return Err("invalid arithmetic base");
            }
            base = val;
            val = 0;
            foundbase = true;
            if !s
                .get(i)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'@')
            {
                return Err("invalid integer constant");
            }
        } else if c.is_ascii_alphanumeric() || c == b'_' || c == b'@' {
            let d = match c {
                b'0'..=b'9' => (c - b'0') as i64,
                b'a'..=b'z' => (c - b'a') as i64 + 10,
                b'A'..=b'Z' => (c - b'A') as i64 + if base <= 36 { 10 } else { 36 },
                b'@' => 62,
                _ => 63,
            };
            if d >= base {
                return Err("value too great for base");
            }
            val = val.wrapping_mul(base).wrapping_add(d);
        } else {
            break;
        }
    }
    Ok(val)
}
