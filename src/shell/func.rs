//! Shell functions (`NAME() { ...; }`, bash's `function NAME { ...; }`), their calls
//! (positional parameters, `return`, `local`), and `case ... esac`.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::Dialect;
use super::ast::*;
use super::exec::{Exec, Fds, Stop};
use super::pattern::Pattern;

/// Function calls nested deeper than this stop the input (each call recurses through the
/// executor; bash itself only stops at `FUNCNEST` or a crash).
pub(crate) const MAX_CALL_DEPTH: usize = 64;

/// A running function's `local` variables, each with the value it hid (`None`: unset).
pub(crate) type Locals = BTreeMap<String, Option<(String, bool)>>;

impl Exec<'_> {
    /// Defines a function: later commands of this shell may call it.
    pub(crate) fn define_function(&mut self, f: &Function, fds: Fds) -> i32 {
        if f.keyword && self.state.profile.dialect == Dialect::Dash {
            self.error(
                fds,
                "kubelab does not support `function NAME` in dash (dash reads `function` as a command name)",
            );
            return 2;
        }
        self.state.functions.insert(f.name.clone(), f.body.clone());
        0
    }

    /// Calls a function with `argv[1..]` as its positional parameters.
    pub(crate) fn call_function(
        &mut self,
        body: &Arc<Command>,
        argv: &[String],
        stdin: &[u8],
        fds: Fds,
    ) -> i32 {
        if self.calls >= MAX_CALL_DEPTH {
            let msg = format!(
                "{}: the kubelab shell does not support function calls nested deeper than {MAX_CALL_DEPTH}",
                argv[0]
            );
            self.error(fds, &msg);
            self.stop = Some(Stop::Abort);
            return 130;
        }
        // Calls count against the same budget as loop iterations (a recursion that branches
        // would otherwise run for ever within the depth cap).
        self.iterations += 1;
        if self.iterations > self.limits.loop_iterations {
            let msg = format!(
                "kubelab: function call stopped after {} loop iterations and function calls (the limit of one input)\n",
                self.limits.loop_iterations
            );
            self.write(fds.err, msg.as_bytes());
            self.stop = Some(Stop::Abort);
            return 130;
        }
        let positional = std::mem::replace(&mut self.state.positional, argv[1..].to_vec());
        self.calls += 1;
        self.locals.push(Locals::new());
        let mut status = self.run_command(body, stdin, fds, false);
        if let Some(Stop::Return(n)) = self.stop {
            self.stop = None;
            status = n;
        }
        if let Some(locals) = self.locals.pop() {
            for (name, entry) in locals {
                self.state.put_var_entry(&name, entry);
            }
        }
        self.calls -= 1;
        self.state.positional = positional;
        status
    }

    /// `return [N]`.
    pub(crate) fn return_builtin(&mut self, args: &[String], fds: Fds) -> i32 {
        let code = match args.first() {
            None => self.state.last_status,
            Some(a) => match a.parse::<i64>() {
                Ok(n) => (n & 0xff) as i32,
                Err(_) => {
                    let msg = match self.state.profile.dialect {
                        Dialect::Ash | Dialect::Dash => format!("return: Illegal number: {a}"),
                        _ => format!("return: {a}: numeric argument required"),
                    };
                    self.error(fds, &msg);
                    2
                }
            },
        };
        if self.calls == 0 {
            match self.state.profile.dialect {
                // ash and dash: `return` outside a function ends the script.
                Dialect::Ash | Dialect::Dash => {
                    self.stop = Some(Stop::Exit(code));
                    return code;
                }
                _ => {
                    self.error(
                        fds,
                        "return: can only `return' from a function or sourced script",
                    );
                    return 2;
                }
            }
        }
        self.stop = Some(Stop::Return(code));
        code
    }

    /// `shift [N]`: drops the first N positional parameters (checked against bash 5.2,
    /// busybox 1.36 and dash 0.5.12).
    pub(crate) fn shift_builtin(&mut self, args: &[String], fds: Fds) -> i32 {
        let dialect = self.state.profile.dialect;
        let n = match args.first() {
            None => 1,
            Some(a) => match a.parse::<usize>() {
                Ok(n) => n,
                Err(_) => {
                    let msg = match dialect {
                        Dialect::Ash => format!("shift: line 0: Illegal number: {a}"),
                        Dialect::Dash => format!("shift: Illegal number: {a}"),
                        _ => format!("shift: {a}: numeric argument required"),
                    };
                    self.error(fds, &msg);
                    if matches!(dialect, Dialect::Ash | Dialect::Dash) {
                        self.stop = Some(Stop::Exit(2));
                        return 2;
                    }
                    return 1;
                }
            },
        };
        if n > self.state.positional.len() {
            if dialect == Dialect::Dash {
                self.error(fds, "shift: can't shift that many");
                self.stop = Some(Stop::Exit(2));
                return 2;
            }
            return 1;
        }
        self.state.positional.drain(..n);
        0
    }

    /// `local NAME[=VALUE]...`.
    pub(crate) fn local_builtin(&mut self, args: &[String], fds: Fds) -> i32 {
        if self.locals.is_empty() {
            let msg = match self.state.profile.dialect {
                Dialect::Ash => "local: line 0: not in a function",
                Dialect::Dash => "local: not in a function",
                _ => "local: can only be used in a function",
            };
            self.error(fds, msg);
            return 1;
        }
        let mut status = 0;
        for a in args {
            if a.starts_with('-') {
                self.error(
                    fds,
                    &format!("kubelab does not support local's options ({a})"),
                );
                return 2;
            }
            let (name, value) = match a.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (a.as_str(), None),
            };
            if !super::state::is_name(name) {
                self.error(fds, &format!("local: `{a}': not a valid identifier"));
                status = 1;
                continue;
            }
            let old = self.state.var_entry(name);
            if let Some(frame) = self.locals.last_mut() {
                frame.entry(name.to_string()).or_insert(old);
            }
            match value {
                Some(v) => {
                    if let Err(e) = self.assign_var(name, v) {
                        self.error(fds, &e);
                        return 1;
                    }
                }
                // bash: a new local without a value is unset; ash and dash keep the value.
                None if matches!(self.state.profile.dialect, Dialect::Bash | Dialect::Kubelab) => {
                    self.state.unset(name)
                }
                None => {}
            }
        }
        status
    }

    /// `case WORD in PATTERN) LIST ;; ... esac`: the first item with a matching pattern runs.
    pub(crate) fn run_case(
        &mut self,
        word: &Word,
        items: &[CaseItem],
        stdin: &[u8],
        fds: Fds,
    ) -> i32 {
        let subject = match self.expand_one(word) {
            Ok(s) => s,
            Err(e) => {
                self.error(fds, &e);
                return 1;
            }
        };
        for item in items {
            for p in &item.patterns {
                let pat = match self.word_pattern(p) {
                    Ok(p) => p,
                    Err(e) => {
                        self.error(fds, &e);
                        return 1;
                    }
                };
                let mut meter = self.meter();
                match Pattern::new(&pat).matches(&subject, &mut meter) {
                    Ok(true) => {
                        if item.body.0.is_empty() {
                            return 0;
                        }
                        return self.run_list(&item.body, stdin, fds);
                    }
                    Ok(false) => {}
                    Err(h) => {
                        let e = self.halted(h);
                        self.error(fds, &e);
                        return 1;
                    }
                }
            }
        }
        0
    }

    /// A pattern word expanded, its quoted characters escaped (they match themselves).
    fn word_pattern(&mut self, word: &Word) -> Result<String, String> {
        let mut p = String::new();
        for (i, part) in word.0.iter().enumerate() {
            let (text, quoted) = match part {
                Part::Literal(t) if i == 0 => (self.tilde_word(t), false),
                Part::Literal(t) => (t.clone(), false),
                Part::Quoted(t) => (t.clone(), true),
                Part::Double(_) => (self.expand_part_text(part)?, true),
                other => (self.expand_part_text(other)?, false),
            };
            if quoted {
                for c in text.chars() {
                    if matches!(c, '*' | '?' | '[' | ']' | '\\') {
                        p.push('\\');
                    }
                    p.push(c);
                }
            } else {
                p.push_str(&text);
            }
            self.fits(p.len())?;
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests;
