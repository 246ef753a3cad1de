//! Running a parsed input: lists, `&&`/`||`, pipelines (run stage by stage, each stage's
//! output the next one's input), redirections, compound commands, bounded loops.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::ast::*;
use super::builtins;
use super::pipe::{self, Pipe};
use super::state::ShellState;
use super::{Call, Host, Limits, Terminal};

/// Output buffer ids: 0 and 1 are the terminal's stdout and stderr; others are captures.
pub(crate) type BufId = usize;
pub(crate) const STDOUT: BufId = 0;
pub(crate) const STDERR: BufId = 1;
pub(crate) const NULL: BufId = usize::MAX;

/// Where a command's stdout and stderr go.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fds {
    pub out: BufId,
    pub err: BufId,
}

/// Why running stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stop {
    /// `exit N`.
    Exit(i32),
    /// A limit or Ctrl-C: the message was printed; status 130.
    Abort,
    /// `break` / `continue` (levels).
    Break(u32),
    Continue(u32),
    /// A write into this pipe found its reader gone (SIGPIPE): the writing stage ends, 141.
    Pipe(BufId),
    /// `return N` in a function.
    Return(i32),
}

/// What a redirection to a file may take: as much as the workstation's files may hold (64 MiB
/// in all). A pipe or a `$(...)` takes as much as the terminal (`Limits::output_bytes`).
pub(crate) const FILE_BYTES: usize = 64 << 20;

/// Everything one input writes: the terminal's stdout and stderr, captures (`$(...)`, pipes,
/// redirections to files), and the two terminal streams in write order. The terminal's output
/// is capped per input (`Limits::output_bytes`), and each capture on its own.
pub(crate) struct Streams {
    pub(crate) bufs: Vec<Vec<u8>>,
    /// What each capture may hold, by buffer (the terminal's two are counted together).
    caps: Vec<usize>,
    /// The terminal's view: stdout and stderr in write order.
    pub(crate) combined: Vec<u8>,
    /// Shows terminal output as it is written (the interactive prompt).
    pub(crate) terminal: Option<Terminal>,
    /// Where the running builtin's standard output goes (what [`Streams::room`] is about).
    pub(crate) out: BufId,
    /// Pipes whose reader stops early (see [`pipe`]), by buffer.
    pipes: Vec<(BufId, Pipe)>,
    /// The terminal's two streams as written, each write with its stream (is stderr), when
    /// asked for (a container's program, whose streams kubectl keeps apart).
    pub(crate) chunks: Option<Vec<(bool, Vec<u8>)>>,
    /// Whether the terminal's output is kept (in `bufs` and `combined`) as well as shown.
    pub(crate) keep: bool,
    /// Bytes written to the terminal.
    written: usize,
    cap: usize,
    truncated: bool,
}

impl Streams {
    fn new(cap: usize) -> Streams {
        Streams {
            bufs: vec![Vec::new(), Vec::new()],
            caps: vec![cap, cap],
            combined: Vec::new(),
            terminal: None,
            out: STDOUT,
            pipes: Vec::new(),
            chunks: None,
            keep: true,
            written: 0,
            cap,
            truncated: false,
        }
    }

    /// Bytes `id` may still take.
    fn room_in(&self, id: BufId) -> usize {
        match id {
            STDOUT | STDERR => self.cap.saturating_sub(self.written),
            NULL => self.cap,
            _ => self.caps[id].saturating_sub(self.bufs[id].len()),
        }
    }

    /// Writes to a buffer, within its cap; false when `id` is a pipe whose reader has gone
    /// (nothing is written).
    pub(crate) fn write(&mut self, id: BufId, data: &[u8]) -> bool {
        if id == NULL || data.is_empty() {
            return true;
        }
        let mut data = data;
        if let Some((_, p)) = self.pipes.iter_mut().find(|(b, _)| *b == id) {
            if p.closed() {
                return false;
            }
            // This write fits in the pipe; the reader exits once it has read what it takes, and
            // the rest is read by no one (the next write finds the reader gone).
            data = &data[..p.takes(data)];
            p.wrote(data);
        }
        let room = self.room_in(id);
        let data = if data.len() > room {
            if !self.truncated {
                self.truncated = true;
                let cap = self.caps[id];
                let msg = format!("kubelab: output truncated after {cap} bytes\n");
                self.bufs[STDERR].extend_from_slice(msg.as_bytes());
                self.show(msg.as_bytes());
                if let Some(c) = &mut self.chunks {
                    c.push((true, msg.into_bytes()));
                }
            }
            &data[..room]
        } else {
            data
        };
        let terminal = id == STDOUT || id == STDERR;
        if self.keep || !terminal {
            self.bufs[id].extend_from_slice(data);
        }
        if terminal {
            self.written += data.len();
            self.show(data);
            if let Some(c) = &mut self.chunks
                && !data.is_empty()
            {
                match c.last_mut() {
                    Some((e, b)) if *e == (id == STDERR) => b.extend_from_slice(data),
                    _ => c.push((id == STDERR, data.to_vec())),
                }
            }
        }
        true
    }

    /// Output bytes the running builtin may still write to its standard output before it is
    /// truncated (a builtin that generates output stops there).
    pub(crate) fn room(&self) -> usize {
        self.room_in(self.out)
    }

    fn show(&mut self, data: &[u8]) {
        if data.is_empty() {
            return;
        }
        if self.keep {
            self.combined.extend_from_slice(data);
        }
        if let Some(t) = &self.terminal {
            (t.0)(data);
        }
    }
}

/// The executor of one input.
pub struct Exec<'a> {
    pub(crate) state: &'a mut ShellState,
    pub(crate) host: &'a mut dyn Host,
    pub(crate) limits: Limits,
    pub(crate) interrupt: Option<Arc<AtomicBool>>,
    pub(crate) io: Streams,
    pub(crate) iterations: u64,
    pub(crate) slept_ms: u64,
    pub(crate) depth: usize,
    pub(crate) stop: Option<Stop>,
    /// The line of the input the running command starts on (bash's and dash's messages).
    pub(crate) line: usize,
    /// Lines of the session before this input: a shell reading a script from its input
    /// numbers lines from the start (set by the caller).
    pub(crate) line_offset: usize,
    /// The function calls running (see [`super::func`]).
    pub(crate) calls: usize,
    /// Each running function's `local` variables with the values they hid.
    pub(crate) locals: Vec<super::func::Locals>,
}

impl<'a> Exec<'a> {
    pub(crate) fn new(
        state: &'a mut ShellState,
        host: &'a mut dyn Host,
        limits: Limits,
        interrupt: Option<Arc<AtomicBool>>,
    ) -> Exec<'a> {
        Exec {
            state,
            host,
            limits,
            interrupt,
            io: Streams::new(limits.output_bytes),
            iterations: 0,
            slept_ms: 0,
            depth: 0,
            stop: None,
            line: 1,
            line_offset: 0,
            calls: 0,
            locals: Vec::new(),
        }
    }

    /// Writes to a buffer, within the output cap. A write into a pipe whose reader has gone
    /// stops the writing stage (SIGPIPE).
    pub(crate) fn write(&mut self, id: BufId, data: &[u8]) {
        if !self.io.write(id, data) {
            self.broken_pipe(id);
        }
    }

    fn broken_pipe(&mut self, id: BufId) {
        if self.stop.is_none() {
            self.stop = Some(Stop::Pipe(id));
        }
    }

    pub(crate) fn error(&mut self, fds: Fds, msg: &str) {
        if msg == super::expand::INTERRUPTED {
            // Ctrl-C: the terminal echoed `^C` itself and the prompt starts a new line.
            return;
        }
        let line = format!(
            "{}{msg}\n",
            super::dialect::prefix_named(&self.state.profile, self.line, self.state.script_named)
        );
        self.write(fds.err, line.as_bytes());
    }

    /// A new capture holding at most `cap` bytes.
    fn new_buf(&mut self, cap: usize) -> BufId {
        self.io.bufs.push(Vec::new());
        self.io.caps.push(cap);
        self.io.bufs.len() - 1
    }

    fn take_buf(&mut self, id: BufId) -> Vec<u8> {
        let b = std::mem::take(&mut self.io.bufs[id]);
        if id + 1 == self.io.bufs.len() && id > STDERR {
            self.io.bufs.pop();
            self.io.caps.pop();
        }
        b
    }

    fn interrupted(&self) -> bool {
        self.interrupt
            .as_ref()
            .is_some_and(|f| f.load(Ordering::SeqCst))
    }

    /// Runs a list with the given stdin and outputs; returns the last status.
    pub(crate) fn run_list(&mut self, list: &List, stdin: &[u8], fds: Fds) -> i32 {
        let mut status = self.state.last_status;
        for ao in &list.0 {
            if self.stop.is_some() {
                break;
            }
            status = if ao.background {
                self.background(ao, fds)
            } else {
                self.run_and_or(ao, stdin, fds)
            };
            self.state.last_status = status;
            self.run_traps(fds);
        }
        status
    }

    fn run_and_or(&mut self, ao: &AndOr, stdin: &[u8], fds: Fds) -> i32 {
        let mut status = self.run_pipeline(&ao.first, stdin, fds);
        for (and, p) in &ao.rest {
            if self.stop.is_some() {
                break;
            }
            self.state.last_status = status;
            if (*and && status == 0) || (!*and && status != 0) {
                status = self.run_pipeline(p, stdin, fds);
            }
        }
        status
    }

    fn run_pipeline(&mut self, p: &Pipeline, stdin: &[u8], fds: Fds) -> i32 {
        let mut input: Vec<u8> = stdin.to_vec();
        let mut status = 0;
        let n = p.commands.len();
        for (i, c) in p.commands.iter().enumerate() {
            if self.stop == Some(Stop::Abort) && i > 0 && !self.interrupted() && streams(c) {
                // A writer stopped by a limit: a reader that prints as it reads (`head`,
                // `grep`) would already have printed what it was given.
                self.stop = None;
                let _ = self.run_command(c, &input, fds, true);
                self.stop = Some(Stop::Abort);
                break;
            }
            if self.stop.is_some() {
                break;
            }
            if i + 1 == n {
                status = self.run_command(c, &input, fds, n > 1);
            } else {
                let buf = self.new_buf(self.limits.output_bytes);
                if let Some(need) = reader_need(&p.commands[i + 1]) {
                    self.io.pipes.push((buf, Pipe::new(need)));
                }
                status = self.run_command(
                    c,
                    &input,
                    Fds {
                        out: buf,
                        err: fds.err,
                    },
                    true,
                );
                self.io.pipes.retain(|(b, _)| *b != buf);
                if self.stop == Some(Stop::Pipe(buf)) {
                    self.stop = None;
                    status = 141;
                }
                input = self.take_buf(buf);
            }
        }
        if p.bang { (status == 0) as i32 } else { status }
    }

    pub(crate) fn run_command(
        &mut self,
        c: &Command,
        stdin: &[u8],
        fds: Fds,
        in_pipeline: bool,
    ) -> i32 {
        match c {
            Command::Simple(s) => self.run_simple(s, stdin, fds),
            Command::Function(f) => self.define_function(f, fds),
            Command::Compound(comp, redirects) => {
                let Some((stdin2, fds2, pending)) = self.redirect(redirects, stdin, fds) else {
                    return 1;
                };
                let status = if in_pipeline {
                    self.subshell(|x| x.run_compound(comp, &stdin2, fds2))
                } else {
                    self.run_compound(comp, &stdin2, fds2)
                };
                self.finish_redirects(pending, fds);
                status
            }
        }
    }

    /// Runs `f` with variables and the working directory restored afterwards.
    pub(crate) fn subshell(&mut self, f: impl FnOnce(&mut Self) -> i32) -> i32 {
        let vars = self.state.vars_snapshot();
        let cwd = self.state.cwd().to_string();
        let functions = self.state.functions.clone();
        let status = f(self);
        if let Some(Stop::Exit(_)) = self.stop {
            self.stop = None;
        }
        self.state.functions = functions;
        self.state.restore_vars(vars);
        self.state.restore_cwd(cwd);
        status
    }

    /// Runs a list capturing its stdout (`$(...)`).
    pub(crate) fn capture(&mut self, list: &List) -> Vec<u8> {
        if self.depth >= self.limits.nesting {
            let msg = format!(
                "the kubelab shell does not support command substitutions nested deeper than {}",
                self.limits.nesting
            );
            self.error(
                Fds {
                    out: STDOUT,
                    err: STDERR,
                },
                &msg,
            );
            return Vec::new();
        }
        self.depth += 1;
        let buf = self.new_buf(self.limits.output_bytes);
        let err = STDERR;
        let status = self.subshell(|x| x.run_list(list, b"", Fds { out: buf, err }));
        self.state.last_status = status;
        self.depth -= 1;
        self.take_buf(buf)
    }

    fn run_compound(&mut self, c: &Compound, stdin: &[u8], fds: Fds) -> i32 {
        match c {
            Compound::Group(l) => self.run_list(l, stdin, fds),
            Compound::Case { word, items } => self.run_case(word, items, stdin, fds),
            Compound::Subshell(l) => self.subshell(|x| x.run_list(l, stdin, fds)),
            Compound::If {
                branches,
                otherwise,
            } => {
                for (cond, body) in branches {
                    let s = self.run_list(cond, stdin, fds);
                    if self.stop.is_some() {
                        return s;
                    }
                    if s == 0 {
                        return self.run_list(body, stdin, fds);
                    }
                }
                match otherwise {
                    Some(l) => self.run_list(l, stdin, fds),
                    None => 0,
                }
            }
            Compound::While { cond, body, until } => {
                let start_ms = self.slept_ms;
                let mut status = 0;
                loop {
                    if !self.loop_budget(start_ms, fds) {
                        return 130;
                    }
                    let s = self.run_list(cond, stdin, fds);
                    if self.stop.is_some() || ((s == 0) == *until) {
                        break;
                    }
                    status = self.run_list(body, stdin, fds);
                    if self.loop_control() {
                        break;
                    }
                }
                status
            }
            Compound::For { var, words, body } => {
                if !super::state::is_name(var) {
                    self.error(fds, &format!("`{var}': not a valid identifier"));
                    return 1;
                }
                let items = match words {
                    Some(ws) => match self.expand_words(ws) {
                        Ok(v) => v,
                        Err(e) => {
                            self.error(fds, &e);
                            return 1;
                        }
                    },
                    None => self.state.positional.clone(),
                };
                let start_ms = self.slept_ms;
                let mut status = 0;
                for it in items {
                    if !self.loop_budget(start_ms, fds) {
                        return 130;
                    }
                    if let Err(e) = self.assign_var(var, &it) {
                        self.error(fds, &e);
                        return 1;
                    }
                    status = self.run_list(body, stdin, fds);
                    if self.loop_control() {
                        break;
                    }
                }
                status
            }
        }
    }

    /// Handles `break`/`continue` after a loop body; true when the loop must end.
    fn loop_control(&mut self) -> bool {
        match self.stop.clone() {
            Some(Stop::Break(n)) => {
                self.stop = if n > 1 {
                    Some(Stop::Break(n - 1))
                } else {
                    None
                };
                true
            }
            Some(Stop::Continue(n)) => {
                if n > 1 {
                    self.stop = Some(Stop::Continue(n - 1));
                    true
                } else {
                    self.stop = None;
                    false
                }
            }
            Some(_) => true,
            None => false,
        }
    }

    /// Counts an iteration; false (after printing why) when a limit is hit.
    fn loop_budget(&mut self, start_ms: u64, fds: Fds) -> bool {
        self.iterations += 1;
        if self.interrupted() {
            // Ctrl-C: the terminal echoed `^C` itself and the prompt starts a new line.
            self.stop = Some(Stop::Abort);
            return false;
        }
        let why = if self.iterations > self.limits.loop_iterations {
            Some(format!(
                "kubelab: loop stopped after {} iterations (the limit of one input)",
                self.limits.loop_iterations
            ))
        } else if self.slept_ms - start_ms >= self.limits.loop_virtual_ms {
            Some(format!(
                "kubelab: loop stopped after {} of virtual time",
                human_ms(self.limits.loop_virtual_ms)
            ))
        } else {
            None
        };
        match why {
            Some(msg) => {
                self.write(fds.err, format!("{msg}\n").as_bytes());
                self.stop = Some(Stop::Abort);
                false
            }
            None => true,
        }
    }

    fn run_simple(&mut self, s: &Simple, stdin: &[u8], fds: Fds) -> i32 {
        // An interactive bash or ash names no line (dash always does).
        self.line = if self.state.interactive && self.state.profile.dialect != super::Dialect::Dash
        {
            0
        } else {
            s.line.max(1) + self.line_offset
        };
        // What the command and its redirections write is stamped with the virtual time it runs.
        let now = self.host.now();
        self.state.vfs.set_now(now);
        let argv = match self.expand_words(&s.words) {
            Ok(a) => a,
            Err(e) => {
                self.error(fds, &e);
                return 1;
            }
        };
        let mut assigns = Vec::new();
        for (n, w) in &s.assignments {
            match self.expand_one(w) {
                Ok(v) => assigns.push((n.clone(), v)),
                Err(e) => {
                    self.error(fds, &e);
                    return 1;
                }
            }
        }
        let Some((stdin2, fds2, pending)) = self.redirect(&s.redirects, stdin, fds) else {
            return 1;
        };
        if argv.is_empty() {
            for (n, v) in assigns {
                if let Err(e) = self.assign_var(&n, &v) {
                    self.error(fds, &e);
                    self.finish_redirects(pending, fds);
                    return 1;
                }
            }
            self.finish_redirects(pending, fds);
            return 0;
        }
        if let Some(body) = self.state.functions.get(&argv[0]).cloned() {
            // Prefix assignments last only for the call; what the function sets stays.
            let saved: Vec<_> = assigns
                .iter()
                .map(|(n, _)| (n.clone(), self.state.var_entry(n)))
                .collect();
            for (n, v) in &assigns {
                self.state.export(n, Some(v));
            }
            let status = self.call_function(&body, &argv, &stdin2, fds2);
            for (n, e) in saved.into_iter().rev() {
                self.state.put_var_entry(&n, e);
            }
            self.finish_redirects(pending, fds);
            return status;
        }
        if argv[0] == "exec" {
            let status = self.exec_builtin(&argv[1..], s.redirects.is_empty(), &stdin2, fds2);
            self.finish_redirects(pending, fds);
            return status;
        }
        let saved_vars = if assigns.is_empty() {
            None
        } else {
            Some(self.state.vars_snapshot())
        };
        for (n, v) in &assigns {
            self.state.export(n, Some(v));
        }
        let status = self.invoke(&argv, &stdin2, fds2);
        if let Some(v) = saved_vars {
            // Prefix assignments last only for the command.
            self.state.restore_vars(v);
        }
        self.finish_redirects(pending, fds);
        status
    }

    /// Runs a command name: builtin, host program (kubectl, oc, ...), or not found.
    pub(crate) fn invoke(&mut self, argv: &[String], stdin: &[u8], fds: Fds) -> i32 {
        if self.interrupted() {
            self.stop = Some(Stop::Abort);
            return 130;
        }
        self.io.out = fds.out;
        // A container's shell runs a builtin that stands for a program (`ls`, `cat`) only if
        // the image has that program; other names are looked up in the image too.
        let mut renamed = None;
        if let Some(programs) = &self.state.profile.programs
            && !builtins::SHELL_BUILTINS.contains(&argv[0].as_str())
        {
            let found = if argv[0].contains('/') {
                let path = self.state.resolve(&argv[0]);
                if self.state.vfs.is_file(&path) {
                    self.host.program_at(&path)
                } else {
                    None
                }
            } else {
                programs.contains(&argv[0]).then(|| argv[0].clone())
            };
            match found {
                None => {
                    let msg = super::dialect::not_found_named(
                        &self.state.profile,
                        self.line,
                        &argv[0],
                        self.state.script_named,
                    );
                    self.write(fds.err, msg.as_bytes());
                    return 127;
                }
                Some(p) if builtins::names().contains(&p.as_str()) => {
                    let mut a = argv.to_vec();
                    a[0] = p;
                    renamed = Some(a);
                }
                // A program the shell does not have: the host runs it (or says kubelab does
                // not simulate it).
                Some(_) => return self.run_host(argv, stdin, fds),
            }
        }
        let argv = renamed.as_deref().unwrap_or(argv);
        if let Some(status) = builtins::run(self, argv, stdin, fds) {
            // A broken pipe kills the process that wrote: the shell itself for bash's own
            // builtins (ending the pipeline stage), only the command for the programs the other
            // builtins stand for (`cat`, `grep`, ...).
            if matches!(self.stop, Some(Stop::Pipe(_))) && !pipe::in_bash(&argv[0]) {
                self.stop = None;
                return 141;
            }
            return status;
        }
        self.run_host(argv, stdin, fds)
    }

    /// `exec CMD ARGS...`: the command replaces the shell, so the shell ends with its status
    /// when it returns. `exec` with redirections alone would redirect the rest of the script:
    /// kubelab says it does not support that rather than ignore them.
    fn exec_builtin(&mut self, argv: &[String], bare: bool, stdin: &[u8], fds: Fds) -> i32 {
        if argv.is_empty() {
            if bare {
                return 0;
            }
            self.write(
                fds.err,
                b"kubelab does not support exec with redirections alone (redirecting the rest of the script)\n",
            );
            return 2;
        }
        let status = self.invoke(argv, stdin, fds);
        if self.stop.is_none() {
            self.stop = Some(Stop::Exit(status));
        }
        status
    }

    /// Runs a host program (kubectl, oc, ... on the workstation; a container's programs).
    fn run_host(&mut self, argv: &[String], stdin: &[u8], fds: Fds) -> i32 {
        let io = &mut self.io;
        // A host program learns of a broken pipe from its sink and decides its own status
        // (kubectl dies of SIGPIPE, curl fails with error 23); the shell goes on.
        let status = self.host.exec(Call {
            argv,
            stdin,
            shell: self.state,
            out: &mut |is_err, b| io.write(if is_err { fds.err } else { fds.out }, b),
            interrupt: self.interrupt.as_deref(),
        });
        match status {
            Some(status) => status,
            None => {
                let name = &argv[0];
                if builtins::UNAVAILABLE.contains(&name.as_str()) {
                    self.error(fds, &format!("{name}: not available in the kubelab shell"));
                } else {
                    let msg = super::dialect::not_found_named(
                        &self.state.profile,
                        self.line,
                        name,
                        self.state.script_named,
                    );
                    self.write(fds.err, msg.as_bytes());
                }
                127
            }
        }
    }

    /// Applies redirections: the stdin to use, the outputs, and files to write afterwards.
    #[allow(clippy::type_complexity)]
    fn redirect(
        &mut self,
        rs: &[Redirect],
        stdin: &[u8],
        fds: Fds,
    ) -> Option<(Vec<u8>, Fds, Vec<(BufId, String)>)> {
        let mut input = stdin.to_vec();
        let mut out = fds;
        let mut pending: Vec<(BufId, String)> = Vec::new();
        for r in rs {
            match r.op {
                RedirOp::HereDoc => {
                    let h = r.heredoc.clone().unwrap_or(Heredoc {
                        body: String::new(),
                        quoted: true,
                    });
                    input = if h.quoted {
                        h.body.into_bytes()
                    } else {
                        match self.expand_heredoc(&h.body) {
                            Ok(s) => s.into_bytes(),
                            Err(e) => {
                                self.error(fds, &e);
                                return None;
                            }
                        }
                    };
                    continue;
                }
                RedirOp::HereString => {
                    let mut s = match self.expand_one(&r.target) {
                        Ok(s) => s,
                        Err(e) => {
                            self.error(fds, &e);
                            return None;
                        }
                    };
                    s.push('\n');
                    input = s.into_bytes();
                    continue;
                }
                _ => {}
            }
            let target = match self.expand_one(&r.target) {
                Ok(t) => t,
                Err(e) => {
                    self.error(fds, &e);
                    return None;
                }
            };
            match r.op {
                // The input as it is (a pipe, a here-document, the session's own).
                RedirOp::In if target == "/dev/stdin" => {}
                RedirOp::In => match self.state.read_file(&target) {
                    Ok(b) => input = b,
                    Err(e) => {
                        let msg = super::dialect::cannot_open(
                            &self.state.profile,
                            self.line,
                            &target,
                            e,
                            self.state.script_named,
                        );
                        self.write(fds.err, msg.as_bytes());
                        return None;
                    }
                },
                RedirOp::DupOut | RedirOp::DupIn => {
                    let fd = r.fd.unwrap_or(if r.op == RedirOp::DupOut { 1 } else { 0 });
                    let to = match target.as_str() {
                        "1" => out.out,
                        "2" => out.err,
                        "-" => NULL,
                        _ => {
                            self.error(fds, &format!("{target}: ambiguous redirect"));
                            return None;
                        }
                    };
                    match fd {
                        1 => out.out = to,
                        2 => out.err = to,
                        _ => {}
                    }
                }
                RedirOp::Out | RedirOp::Append | RedirOp::OutErr | RedirOp::AppendErr => {
                    let append = matches!(r.op, RedirOp::Append | RedirOp::AppendErr);
                    let id = if target == "/dev/null" {
                        NULL
                    } else if target == "/dev/stdout" {
                        fds.out
                    } else if target == "/dev/stderr" {
                        fds.err
                    } else {
                        let path = self.state.resolve(&target);
                        if let Err(e) = self.state.vfs.write(&path, b"", append) {
                            let msg = super::dialect::cannot_create(
                                &self.state.profile,
                                self.line,
                                &target,
                                e,
                                self.state.script_named,
                            );
                            self.write(fds.err, msg.as_bytes());
                            return None;
                        }
                        let id = self.new_buf(FILE_BYTES);
                        pending.push((id, path));
                        id
                    };
                    match (r.op, r.fd) {
                        (RedirOp::OutErr | RedirOp::AppendErr, _) => {
                            out.out = id;
                            out.err = id;
                        }
                        (_, Some(2)) => out.err = id,
                        (_, Some(1) | None) => out.out = id,
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        Some((input, out, pending))
    }

    fn finish_redirects(&mut self, pending: Vec<(BufId, String)>, fds: Fds) {
        for (id, path) in pending.into_iter().rev() {
            let data = self.take_buf(id);
            if let Err(e) = self.state.vfs.write(&path, &data, true) {
                self.error(fds, &format!("{path}: {e}"));
            }
        }
    }

    /// A heredoc body with `$VAR`, `${...}`, `$(...)` and `\` escapes expanded.
    fn expand_heredoc(&mut self, body: &str) -> Result<String, String> {
        // The body read as a double-quoted word (its `"` set aside), as bash expands it; a
        // body that does not read as one is taken as it is.
        let quoted_src = format!("\"{}\"", body.replace('"', "\u{1}"));
        let word = super::parse::parse(&format!("_ {quoted_src}"))
            .ok()
            .and_then(|list| match &list.0.first()?.first.commands[0] {
                Command::Simple(s) => s.words.get(1).cloned(),
                _ => None,
            });
        match word {
            Some(w) => Ok(self.expand_one(&w)?.replace('\u{1}', "\"")),
            None => Ok(body.to_string()),
        }
    }
}

/// `10m`, `30s`: a virtual duration for messages.
pub(crate) fn human_ms(ms: u64) -> String {
    let s = ms / 1000;
    if s.is_multiple_of(60) && s >= 60 {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

/// Whether a pipeline stage is a filter that prints as it reads (rather than at the end of its
/// input, as `sort`, `wc` and `tail` do).
fn streams(c: &Command) -> bool {
    matches!(plain_words(c).as_deref(), Some([name, ..])
        if matches!(name.as_str(), "head" | "grep" | "cat" | "sed" | "cut" | "tr" | "tee"))
}

/// A simple command's words when they are plain text (nothing to expand).
fn plain_words(c: &Command) -> Option<Vec<String>> {
    let Command::Simple(s) = c else {
        return None;
    };
    let mut argv = Vec::with_capacity(s.words.len());
    for w in &s.words {
        let mut word = String::new();
        for part in &w.0 {
            match part {
                Part::Literal(t) | Part::Quoted(t) => word.push_str(t),
                _ => return None,
            }
        }
        argv.push(word);
    }
    Some(argv)
}

/// What the next stage of a pipeline reads before it exits, when its command line is plain
/// words (nothing to expand, so looking at it now changes nothing).
fn reader_need(c: &Command) -> Option<pipe::Need> {
    match c {
        Command::Simple(s) if s.redirects.is_empty() => pipe::need(&plain_words(c)?),
        _ => None,
    }
}
