//! `$(( ))`: bash's integer arithmetic, following its evaluator (`expr.c` of bash 5.2) token
//! for token, so that values, side effects and error messages are bash's: all of C's
//! operators with bash's precedence, assignments (`=`, `+=`, ...), `++`/`--`, `?:`, `,`,
//! numbers in bases (`0x1f`, `017`, `2#101`), and names whose values are expressions in turn.
//!
//! Errors read `EXPR: MESSAGE (error token is "REST")`, REST being the expression from the
//! last token read, as bash prints them. Nesting is bounded: like bash, a chain of names whose
//! values are expressions stops at [`MAX_CONTEXTS`] ("expression recursion level exceeded");
//! bash crashes on very deep parentheses or unary operators, kubelab refuses more than
//! [`MAX_NESTING`] levels of them with its own message. Deep evaluations take more stack from
//! the heap, so a thread's own stack never limits them.

/// How many expressions may be evaluated inside one another (bash's
/// `MAX_EXPR_RECURSION_LEVEL`): the expression, a name's value in it, a name in that, ...
pub const MAX_CONTEXTS: usize = 1024;

/// How deep parentheses, unary operators and right-hand sides may nest in all.
pub const MAX_NESTING: usize = 1024;

/// The variables an expression reads and assigns.
pub trait Vars {
    /// A variable's value (None when unset).
    fn get(&self, name: &str) -> Option<String>;
    /// Assigns a variable.
    fn set(&mut self, name: &str, value: i64) -> Result<(), String>;
}

/// Evaluates `expr` (already expanded: `$x` and `$(...)` replaced).
pub fn eval(expr: &str, vars: &mut dyn Vars) -> Result<i64, String> {
    // The expression itself is the first context, as in bash.
    let mut depth = Depth {
        contexts: 1,
        nesting: 0,
    };
    subexpr(expr, vars, &mut depth)
}

/// How deep the evaluation is.
struct Depth {
    contexts: usize,
    nesting: usize,
}

mod lex;

use lex::{Tok, cr_whitespace};

/// The evaluator of one expression (bash's expression context).
struct Ev<'a> {
    e: &'a str,
    /// Where the next token starts.
    tp: usize,
    /// Where the last token read started (the error token).
    lasttp: Option<usize>,
    curtok: Tok,
    lasttok: Tok,
    assigntok: u8,
    tokstr: Option<String>,
    tokval: i64,
    noeval: u32,
    vars: &'a mut dyn Vars,
    depth: &'a mut Depth,
}

/// What reading ahead one token changes (bash's `SAVETOK`/`RESTORETOK`).
struct Saved {
    curtok: Tok,
    lasttok: Tok,
    tp: usize,
    lasttp: Option<usize>,
    tokval: i64,
    tokstr: Option<String>,
    noeval: u32,
}

fn subexpr(text: &str, vars: &mut dyn Vars, depth: &mut Depth) -> Result<i64, String> {
    if text.bytes().all(cr_whitespace) {
        return Ok(0);
    }
    let mut ev = Ev {
        e: text,
        tp: 0,
        lasttp: None,
        curtok: Tok::End,
        lasttok: Tok::End,
        assigntok: 0,
        tokstr: None,
        tokval: 0,
        noeval: 0,
        vars,
        depth,
    };
    ev.readtok()?;
    let v = ev.comma()?;
    if ev.curtok != Tok::End {
        return Err(ev.err("syntax error in expression"));
    }
    Ok(v)
}

impl Ev<'_> {
    fn err(&self, msg: &str) -> String {
        self.err_in(self.e, msg)
    }

    /// The message with the expression cut at `e`'s end (bash ends the expression after a
    /// number while it reads its value).
    fn err_in(&self, e: &str, msg: &str) -> String {
        let t = e.trim_start_matches([' ', '\t']);
        let tok = self.lasttp.map_or("", |p| &e[p.min(e.len())..]);
        format!("{t}: {msg} (error token is \"{tok}\")")
    }

    /// Runs `f` one level deeper: the error once past [`MAX_NESTING`]. Every recursion goes
    /// through here; so that a thread's own stack (2 MiB for graded sessions) never limits
    /// the depth, a deep evaluation goes on in more stack taken from the heap.
    fn deeper<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, String>) -> Result<T, String> {
        self.depth.nesting += 1;
        if self.depth.nesting > MAX_NESTING {
            return Err(format!(
                "the kubelab shell does not support arithmetic nested deeper than {MAX_NESTING} levels"
            ));
        }
        let r = stacker::maybe_grow(64 << 10, 1 << 20, || f(self));
        self.depth.nesting -= 1;
        r
    }

    fn save(&mut self) -> Saved {
        Saved {
            curtok: self.curtok,
            lasttok: self.lasttok,
            tp: self.tp,
            lasttp: self.lasttp,
            tokval: self.tokval,
            tokstr: self.tokstr.take(),
            noeval: self.noeval,
        }
    }

    fn restore(&mut self, s: Saved) {
        self.curtok = s.curtok;
        self.lasttok = s.lasttok;
        self.tp = s.tp;
        self.lasttp = s.lasttp;
        self.tokval = s.tokval;
        self.tokstr = s.tokstr;
        self.noeval = s.noeval;
    }

    fn comma(&mut self) -> Result<i64, String> {
        let mut value = self.assign()?;
        while self.curtok == Tok::Op(b',') {
            self.readtok()?;
            value = self.assign()?;
        }
        Ok(value)
    }

    fn assign(&mut self) -> Result<i64, String> {
        let mut value = self.cond()?;
        if self.curtok == Tok::Op(b'=') || self.curtok == Tok::OpAssign {
            let special = self.curtok == Tok::OpAssign;
            if self.lasttok != Tok::Str {
                return Err(self.err("attempted assignment to non-variable"));
            }
            let op = self.assigntok;
            let lvalue = value;
            let Some(lhs) = self.tokstr.clone() else {
                return Err(self.err("syntax error in variable assignment"));
            };
            self.readtok()?;
            value = self.deeper(|ev| ev.assign())?;
            if special {
                if (op == b'/' || op == b'%') && value == 0 {
                    if self.noeval == 0 {
                        return Err(self.err("division by 0"));
                    }
                    value = 1;
                }
                value = match op {
                    b'*' => lvalue.wrapping_mul(value),
                    b'/' | b'%' if lvalue == i64::MIN && value == -1 => {
                        if op == b'/' {
                            i64::MIN
                        } else {
                            0
                        }
                    }
                    b'/' => lvalue / value,
                    b'%' => lvalue % value,
                    b'+' => lvalue.wrapping_add(value),
                    b'-' => lvalue.wrapping_sub(value),
                    b'<' => lvalue.wrapping_shl(value as u32),
                    b'>' => lvalue.wrapping_shr(value as u32),
                    b'&' => lvalue & value,
                    b'|' => lvalue | value,
                    _ => lvalue ^ value,
                };
            }
            if self.noeval == 0 {
                self.vars.set(&lhs, value)?;
            }
            self.tokstr = None;
        }
        Ok(value)
    }

    fn cond(&mut self) -> Result<i64, String> {
        let cval = self.binary(1)?;
        let mut rval = cval;
        if self.curtok == Tok::Op(b'?') {
            let skip = cval == 0;
            if skip {
                self.noeval += 1;
            }
            self.readtok()?;
            if self.curtok == Tok::End || self.curtok == Tok::Op(b':') {
                return Err(self.err("expression expected"));
            }
            let val1 = self.deeper(|ev| ev.comma())?;
            if skip {
                self.noeval -= 1;
            }
            if self.curtok != Tok::Op(b':') {
                return Err(self.err("`:' expected for conditional expression"));
            }
            let skip = cval != 0;
            if skip {
                self.noeval += 1;
            }
            self.readtok()?;
            if self.curtok == Tok::End {
                return Err(self.err("expression expected"));
            }
            let val2 = self.deeper(|ev| ev.cond())?;
            if skip {
                self.noeval -= 1;
            }
            rval = if cval != 0 { val1 } else { val2 };
            self.lasttok = Tok::Cond;
        }
        Ok(rval)
    }

    /// The binding power of a binary operator (`||` lowest, `* / %` highest; `**` apart).
    fn precedence(t: Tok) -> Option<u8> {
        Some(match t {
            Tok::Lor => 1,
            Tok::Land => 2,
            Tok::Op(b'|') => 3,
            Tok::Op(b'^') => 4,
            Tok::Op(b'&') => 5,
            Tok::EqEq | Tok::Neq => 6,
            Tok::Leq | Tok::Geq | Tok::Op(b'<') | Tok::Op(b'>') => 7,
            Tok::Lsh | Tok::Rsh => 8,
            Tok::Op(b'+') | Tok::Op(b'-') => 9,
            Tok::Op(b'*') | Tok::Op(b'/') | Tok::Op(b'%') => 10,
            _ => return None,
        })
    }

    /// Left-associative binary operators of at least `min`'s binding power (bash's `explor`
    /// down to `expmuldiv`, one function per level there).
    fn binary(&mut self, min: u8) -> Result<i64, String> {
        let mut val1 = self.power()?;
        while let Some(prec) = Self::precedence(self.curtok) {
            if prec < min {
                break;
            }
            let op = self.curtok;
            let stp = self.tp;
            let skip = (op == Tok::Lor && val1 != 0) || (op == Tok::Land && val1 == 0);
            if skip {
                self.noeval += 1;
            }
            self.readtok()?;
            let mut val2 = self.binary(prec + 1)?;
            if skip {
                self.noeval -= 1;
            }
            val1 = match op {
                Tok::Lor => {
                    self.lasttok = Tok::Lor;
                    (val1 != 0 || val2 != 0) as i64
                }
                Tok::Land => {
                    self.lasttok = Tok::Land;
                    (val1 != 0 && val2 != 0) as i64
                }
                _ => {
                    self.lasttok = Tok::Num;
                    if matches!(op, Tok::Op(b'/') | Tok::Op(b'%')) && val2 == 0 {
                        if self.noeval == 0 {
                            let p = stp + self.e[stp..].len()
                                - self.e[stp..].trim_start_matches([' ', '\t']).len();
                            self.lasttp = Some(p);
                            return Err(self.err("division by 0"));
                        }
                        val2 = 1;
                    }
                    match op {
                        Tok::Op(b'|') => val1 | val2,
                        Tok::Op(b'^') => val1 ^ val2,
                        Tok::Op(b'&') => val1 & val2,
                        Tok::EqEq => (val1 == val2) as i64,
                        Tok::Neq => (val1 != val2) as i64,
                        Tok::Leq => (val1 <= val2) as i64,
                        Tok::Geq => (val1 >= val2) as i64,
                        Tok::Op(b'<') => (val1 < val2) as i64,
                        Tok::Op(b'>') => (val1 > val2) as i64,
                        Tok::Lsh => val1.wrapping_shl(val2 as u32),
                        Tok::Rsh => val1.wrapping_shr(val2 as u32),
                        Tok::Op(b'+') => val1.wrapping_add(val2),
                        Tok::Op(b'-') => val1.wrapping_sub(val2),
                        Tok::Op(b'*') => val1.wrapping_mul(val2),
                        Tok::Op(b'%') if val1 == i64::MIN && val2 == -1 => 0,
                        Tok::Op(b'%') => val1 % val2,
                        _ if val1 == i64::MIN && val2 == -1 => i64::MIN,
                        _ => val1 / val2,
                    }
                }
            };
        }
        Ok(val1)
    }

    /// `**`, right-associative.
    fn power(&mut self) -> Result<i64, String> {
        let mut val1 = self.unary()?;
        if self.curtok == Tok::Power {
            self.readtok()?;
            let val2 = self.deeper(|ev| ev.power())?;
            self.lasttok = Tok::Num;
            if val2 == 0 {
                return Ok(1);
            }
            if val2 < 0 {
                return Err(self.err("exponent less than 0"));
            }
            val1 = ipow(val1, val2);
        }
        Ok(val1)
    }

    /// `! ~ - +` before an operand.
    fn unary(&mut self) -> Result<i64, String> {
        let op = match self.curtok {
            Tok::Op(c @ (b'!' | b'~' | b'-' | b'+')) => c,
            _ => return self.primary(),
        };
        self.readtok()?;
        let v = self.deeper(|ev| ev.unary())?;
        self.lasttok = Tok::Num;
        Ok(match op {
            b'!' => (v == 0) as i64,
            b'~' => !v,
            b'-' => v.wrapping_neg(),
            _ => v,
        })
    }

    /// A number, a name (with `++`/`--` after it), `++name`/`--name`, or `( expr )`.
    fn primary(&mut self) -> Result<i64, String> {
        let val;
        match self.curtok {
            Tok::PreInc | Tok::PreDec => {
                let stok = self.curtok;
                self.lasttok = stok;
                self.readtok()?;
                if self.curtok != Tok::Str {
                    return Err(
                        self.err("identifier expected after pre-increment or pre-decrement")
                    );
                }
                let v2 = self
                    .tokval
                    .wrapping_add(if stok == Tok::PreInc { 1 } else { -1 });
                if self.noeval == 0
                    && let Some(name) = self.tokstr.clone()
                {
                    self.vars.set(&name, v2)?;
                }
                val = v2;
                self.curtok = Tok::Num;
                self.readtok()?;
            }
            Tok::Op(b'(') => {
                self.readtok()?;
                val = self.deeper(|ev| ev.comma())?;
                if self.curtok != Tok::Op(b')') {
                    return Err(self.err("missing `)'"));
                }
                self.readtok()?;
            }
            Tok::Num | Tok::Str => {
                val = self.tokval;
                if self.curtok == Tok::Str {
                    let saved = self.save();
                    self.noeval = 1;
                    self.readtok()?;
                    let stok = self.curtok;
                    if stok == Tok::PostInc || stok == Tok::PostDec {
                        self.tokstr = saved.tokstr;
                        self.noeval = saved.noeval;
                        self.lasttok = Tok::Str;
                        let v2 = val.wrapping_add(if stok == Tok::PostInc { 1 } else { -1 });
                        if self.noeval == 0
                            && let Some(name) = self.tokstr.clone()
                        {
                            self.vars.set(&name, v2)?;
                        }
                        self.curtok = Tok::Num;
                    } else {
                        self.restore(saved);
                    }
                }
                self.readtok()?;
            }
            _ => return Err(self.err("syntax error: operand expected")),
        }
        Ok(val)
    }

    /// A name's value: its text evaluated as an expression (0 when unset or empty).
    fn streval(&mut self, name: &str) -> Result<i64, String> {
        if self.noeval > 0 {
            return Ok(0);
        }
        let value = self.vars.get(name).unwrap_or_default();
        if value.is_empty() {
            return Ok(0);
        }
        if self.depth.contexts >= MAX_CONTEXTS {
            return Err(self.err("expression recursion level exceeded"));
        }
        self.depth.contexts += 1;
        let v = self.deeper(|ev| subexpr(&value, &mut *ev.vars, &mut *ev.depth));
        self.depth.contexts -= 1;
        v
    }
}

fn ipow(mut base: i64, mut exp: i64) -> i64 {
    let mut result: i64 = 1;
    while exp != 0 {
        if exp & 1 != 0 {
            result = result.wrapping_mul(base);
        }
        exp >>= 1;
        base = base.wrapping_mul(base);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Map(HashMap<String, String>);

    impl Vars for Map {
        fn get(&self, name: &str) -> Option<String> {
            self.0.get(name).cloned()
        }
        fn set(&mut self, name: &str, value: i64) -> Result<(), String> {
            self.0.insert(name.to_string(), value.to_string());
            Ok(())
        }
    }

    fn ev(e: &str, vars: &[(&str, &str)]) -> Result<i64, String> {
        let mut m = Map(vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect());
        eval(e, &mut m)
    }

    /// Values and messages as bash 5.2 gives them (`echo $((EXPR))`).
    #[test]
    fn values_and_errors_are_bashs() {
        assert_eq!(ev("1 + 2 * 3", &[]), Ok(7));
        assert_eq!(ev("(x + 1) % 4", &[("x", "6")]), Ok(3));
        assert_eq!(ev("2 ** 10", &[]), Ok(1024));
        assert_eq!(ev("1<<3", &[]), Ok(8));
        assert_eq!(ev("-2**2", &[]), Ok(4));
        assert_eq!(ev("x*2", &[("x", "1+2")]), Ok(6));
        assert_eq!(ev("0x1f + 017 + 2#101", &[]), Ok(31 + 15 + 5));
        assert_eq!(ev("5 > 3 ? 10 : 20", &[]), Ok(10));
        assert_eq!(ev("0 && 1/0", &[]), Ok(0));
        assert_eq!(ev("", &[]), Ok(0));
        assert_eq!(
            ev("2**-1", &[]),
            Err("2**-1: exponent less than 0 (error token is \"1\")".into())
        );
        assert_eq!(
            ev("2**-1 + 3", &[]),
            Err("2**-1 + 3: exponent less than 0 (error token is \"+ 3\")".into())
        );
        assert_eq!(
            ev(" 5 % 0 ", &[]),
            Err("5 % 0 : division by 0 (error token is \"0 \")".into())
        );
        assert_eq!(
            ev("1/0 + 2", &[]),
            Err("1/0 + 2: division by 0 (error token is \"0 + 2\")".into())
        );
        assert_eq!(
            ev("x", &[("x", "x")]),
            Err("x: expression recursion level exceeded (error token is \"x\")".into())
        );
    }
}
