//! One jq command on its own thread: compile the filter, read the inputs one value at a time, run
//! the filter on each and print, as jq 1.6 does (an error ends its input and the next one is
//! read; the exit status is the last input's), all under the budget.

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, ValT, Vars};
use jaq_json::Val;

use super::budget::{self, Stop};
use super::data::{Counted, KData};
use super::json::{self, Layout};
use super::natives;
use super::value::KVal;
use super::{Opts, Out};

/// Host-reading and process-ending functions are shadowed: the virtual clock's epoch for `now`,
/// no host environment, no writes to the host's stderr, no exit.
const SANDBOX: &str = "def now: 1740992400; def env: {}; def debug: .; def debug(m): .; def stderr: .; def input_filename: null; def halt: empty; def halt_error: error(.); def halt_error(c): error(.); def input: error(\"input is not available in kubelab's jq\"); def inputs: empty;";

/// jq 1.6's `from_entries` and `with_entries` (jaq's take other names for the key and value).
const JQ16: &str = "def from_entries: map({(.key // .Key // .name // .Name): (if has(\"value\") then .value else .Value end)}) | add + {} // {}; def with_entries(f): to_entries | map(f) | from_entries;";

/// What to run.
pub(super) struct Job {
    pub opts: Opts,
    pub filter: String,
    pub docs: Vec<(String, Vec<u8>)>,
    pub output_cap: usize,
    /// The shell's limit on what one input prints (for the message).
    pub output_limit: usize,
}

/// What a run printed, and whether Ctrl-C stopped it.
pub(super) struct Done {
    pub out: Out,
    pub interrupted: bool,
}

type Filter = jaq_core::Filter<KData>;

impl Job {
    pub(super) fn run(
        self,
        interrupt: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    ) -> Done {
        let mut stdout = Vec::new();
        let mut stderr = Vec::new();
        let r = budget::run(interrupt, || self.exec(&mut stdout, &mut stderr));
        let (status, interrupted) = match r {
            Ok(status) => (status, false),
            // Ctrl-C: the terminal echoed `^C` itself and the prompt starts a new line.
            Err(Stop::Interrupt) => (130, true),
            Err(why) => {
                stderr.extend_from_slice(stop_message(why, self.output_limit).as_bytes());
                (5, false)
            }
        };
        Done {
            out: Out {
                stdout,
                stderr,
                status,
            },
            interrupted,
        }
    }

    /// Compiles and runs; returns the exit status.
    fn exec(&self, out: &mut Vec<u8>, err: &mut Vec<u8>) -> i32 {
        let o = &self.opts;
        let filter = match compile(&self.filter, o) {
            Ok(f) => f,
            Err(msg) => {
                err.extend_from_slice(msg.as_bytes());
                return 3;
            }
        };
        let mut vars: Vec<KVal> = o
            .vars
            .iter()
            .map(|(_, is_json, text)| match is_json {
                false => KVal::from(text.clone()),
                true => json::parse_one(text.as_bytes()).unwrap_or_default(),
            })
            .collect();
        vars.push(jaq_core::ValT::from_map([]).unwrap_or_default());
        let layout = Layout {
            indent: (!o.compact).then_some(2),
            sort_keys: o.sort,
            sep_space: !o.compact,
        };
        let mut p = Printer {
            opts: o,
            layout,
            cap: self.output_cap,
            out,
            err,
        };
        // The status of the last input: 14 until it prints (jq's "nothing yet"), 11 when it
        // printed false or null last under -e, 5 after an error, else 0.
        let mut last = None;
        if o.null_input {
            last = Some(p.input(&filter, &vars, KVal::null(), "<unknown>"));
        } else if o.slurp {
            let mut all = Vec::new();
            let mut at = String::from("<stdin>:0");
            for (name, text) in &self.docs {
                for r in json::Reader::new(text) {
                    match r {
                        Ok((v, _)) => all.push(v),
                        Err(e) => return p.parse_error(&e),
                    }
                }
                at = format!(
                    "{}:{}",
                    display_name(name),
                    json::lines_read(text, text.len())
                );
            }
            let all: KVal = all.into_iter().collect();
            last = Some(p.input(&filter, &vars, all, &at));
        } else {
            for (name, text) in &self.docs {
                for r in json::Reader::new(text) {
                    match r {
                        Ok((v, seen)) => {
                            let at =
                                format!("{}:{}", display_name(name), json::lines_read(text, seen));
                            last = Some(p.input(&filter, &vars, v, &at));
                        }
                        Err(e) => return p.parse_error(&e),
                    }
                }
            }
        }
        match last {
            None => 0,
            Some(r) if r >= 10 && o.exit_status => r - 10,
            Some(r) if r >= 10 => 0,
            Some(r) => r,
        }
    }
}

fn display_name(name: &str) -> &str {
    if name == "-" { "<stdin>" } else { name }
}

/// Loads and compiles the filter, or jq's compile error.
fn compile(user: &str, o: &Opts) -> Result<Filter, String> {
    let code = format!("{SANDBOX} {JQ16}\n{user}");
    let prelude = jaq_core::load::parse(natives::PRELUDE, |p| p.defs()).unwrap_or_default();
    let defs = jaq_core::defs()
        .chain(prelude)
        .chain(jaq_std::defs())
        .chain(jaq_json::defs());
    let loader = Loader::new(defs);
    let arena = Arena::default();
    let modules = loader
        .load(
            &arena,
            File {
                code: code.as_str(),
                path: (),
            },
        )
        .map_err(|errs| {
            let n = errs.len();
            format!(
                "jq: error: syntax error at <top-level>, line 1:\n{user}\njq: {n} compile error{}\n",
                if n == 1 { "" } else { "s" }
            )
        })?;
    let mut names: Vec<String> = o.vars.iter().map(|(n, _, _)| format!("${n}")).collect();
    names.push("$ENV".into());
    Compiler::default()
        .with_funs(natives::funs())
        .with_global_vars(names.iter().map(String::as_str))
        .compile(modules)
        .map_err(|errs| {
            let mut msg = String::new();
            for (_file, list) in errs {
                for (name, undefined) in list {
                    msg.push_str(&format!(
                        "jq: error: {name}/{} is not defined\n",
                        match undefined {
                            jaq_core::compile::Undefined::Filter(arity) => arity.to_string(),
                            _ => "0".into(),
                        }
                    ));
                }
            }
            msg.push_str("jq: 1 compile error\n");
            msg
        })
}

struct Printer<'a> {
    opts: &'a Opts,
    layout: Layout,
    cap: usize,
    out: &'a mut Vec<u8>,
    err: &'a mut Vec<u8>,
}

impl Printer<'_> {
    /// Runs the filter on one input and prints its outputs; returns jq's status for the input.
    fn input(&mut self, filter: &Filter, vars: &[KVal], input: KVal, at: &str) -> i32 {
        let ctx = Ctx::<KData>::new(Counted(&filter.lut), Vars::new(vars.to_vec()));
        let mut status = 14;
        for r in filter.id.run((ctx, input)) {
            match r {
                Ok(v) => {
                    self.print(&v);
                    status = if self.opts.exit_status && !v.as_bool() {
                        11
                    } else {
                        0
                    };
                }
                Err(exn) => {
                    let e = match exn.get_err() {
                        Ok(e) => e.into_val(),
                        // Only `halt` makes anything else reach here, and it is not offered.
                        Err(_) => KVal::str(&b"kubelab's jq does not support halt"[..]),
                    };
                    // jq 1.6 takes `error(null)` for `empty`.
                    if matches!(e.v, Val::Null) {
                        continue;
                    }
                    self.error(&e, at);
                    return 5;
                }
            }
        }
        status
    }

    fn print(&mut self, v: &KVal) {
        match (&v.v, self.opts.raw) {
            (Val::TStr(s), true) => {
                budget::charge(s.len() as u64 / 64);
                let room = (self.cap + 1).saturating_sub(self.out.len());
                self.out.extend_from_slice(&s[..s.len().min(room)]);
            }
            _ => {
                if !json::write(self.out, &v.v, &self.layout, 0, self.cap) {
                    self.out.truncate(self.cap);
                    budget::stop(Stop::Output);
                }
            }
        }
        if !self.opts.join {
            self.out.push(b'\n');
        }
        if self.out.len() > self.cap {
            self.out.truncate(self.cap);
            budget::stop(Stop::Output);
        }
    }

    /// `jq: error (at POS): MESSAGE`, the message raw when it is a string.
    fn error(&mut self, e: &KVal, at: &str) {
        self.err
            .extend_from_slice(format!("jq: error (at {at})").as_bytes());
        match &e.v {
            Val::TStr(s) | Val::BStr(s) => {
                self.err.extend_from_slice(b": ");
                self.err.extend_from_slice(s);
            }
            v => {
                self.err.extend_from_slice(b" (not a string): ");
                json::write(self.err, v, &Layout::default(), 0, 1 << 20);
            }
        }
        self.err.push(b'\n');
    }

    fn parse_error(&mut self, e: &json::ReadError) -> i32 {
        self.err
            .extend_from_slice(format!("parse error: {}\n", e.message()).as_bytes());
        // jq 1.6 ends with status 4 after a parse error.
        4
    }
}

/// What kubelab says when it stops a filter.
fn stop_message(why: Stop, output_limit: usize) -> String {
    let what = match why {
        Stop::Steps => format!(
            "it took more than {} steps (kubelab's limit for one jq command)",
            budget::STEPS
        ),
        Stop::Memory => format!(
            "it needed more than {} MiB of memory (kubelab's limit for one jq command)",
            budget::MEMORY >> 20
        ),
        Stop::Stack => format!(
            "its recursion went deeper than {} MiB of stack (kubelab's limit for one jq command)",
            budget::STACK >> 20
        ),
        Stop::Depth => format!(
            "it built a value nested more than {} levels deep (kubelab's limit)",
            budget::DEPTH
        ),
        Stop::Output => format!(
            "its output reached the {output_limit} bytes one command line may print (kubelab's limit)"
        ),
        Stop::Interrupt => "interrupted".into(),
    };
    format!("jq: error: kubelab stopped the filter: {what}\n")
}
